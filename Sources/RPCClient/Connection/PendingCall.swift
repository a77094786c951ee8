internal import NIOCore
internal import Proto
internal import NIOHPACK

/// A call's request as the transport sends it: jzs/1 HEADERS and MESSAGE frames (with call id
/// 0, patched when started), or for HTTP/2 the request headers and the length-prefixed message.
struct EncodedRequest: Sendable {
    var bytes: ByteBuffer
    var headers: HPACKHeaders?
}

/// The client side of one call, shared between the calling task and the connection's event
/// loop. Every mutable field is touched on the event loop only.
final class PendingCall: @unchecked Sendable {
    // @unchecked: fields are mutated only on the connection's event loop (see ClientHandler);
    // the calling task only reads `result` after the continuation resumed, which orders it.
    enum Outcome: Sendable {
        case unary(CheckedContinuation<ByteBuffer, any Error>)
        case stream(AsyncThrowingStream<ByteBuffer, any Error>.Continuation)
    }

    var callID: UInt32 = 0
    var outcome: Outcome?
    var response: ByteBuffer?
    var expiry = NIODeadline.distantFuture
    var cancelledEarly: RPCError?
    /// The request frames (HEADERS + MESSAGE), encoded by the caller with call id 0; on
    /// HTTP/2 the length-prefixed message, sent after ``headers``.
    var frames: ByteBuffer
    let headers: HPACKHeaders?
    let timeout: Duration

    init(_ request: EncodedRequest, timeout: Duration) {
        self.frames = request.bytes
        self.headers = request.headers
        self.timeout = timeout
    }

    /// Resolves the call once; later outcomes are ignored.
    func succeed(_ payload: ByteBuffer) {
        switch outcome {
        case .unary(let c): c.resume(returning: payload)
        case .stream(let c): c.finish()
        case nil: return
        }
        outcome = nil
    }

    func fail(_ error: RPCError) {
        switch outcome {
        case .unary(let c): c.resume(throwing: error)
        case .stream(let c): c.finish(throwing: error)
        case nil: return
        }
        outcome = nil
    }

    func yield(_ payload: ByteBuffer) {
        if case .stream(let c) = outcome { c.yield(payload) } else { response = payload }
    }
}

/// Marks calls the server never processed (above a GOAWAY's last id): safe to retry.
struct RefusedByGoAway: Error {}
