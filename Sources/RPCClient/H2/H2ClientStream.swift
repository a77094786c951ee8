internal import NIOCore
internal import NIOHTTP2
internal import NIOHPACK
internal import Proto
internal import Model

/// One call on its own HTTP/2 stream, as ``H2ClientConnection`` routes the stream's frames to
/// it: reads the response head, messages and trailers, and resolves the ``PendingCall`` with the
/// response or the ``RPCError`` of `grpc-status`, `grpc-message` and `grpc-status-details-bin`
/// (violations and message code, as jzs/1 trailers carry them). Not a channel (a child channel
/// and pipeline per call cost more than the call; see docs/PERFORMANCE.md). Confined to the
/// connection's event loop.
final class H2ClientStream {
    let call: PendingCall
    private let maxMessageBytes: Int
    private var inbound: ByteBuffer?
    private var sawHead = false
    /// The server ended the stream (END_STREAM or RST_STREAM): it is closed, nothing to reset.
    private(set) var serverEnded = false

    init(call: PendingCall, maxMessageBytes: Int) {
        self.call = call
        self.maxMessageBytes = maxMessageBytes
    }

    /// Takes one of the stream's frames; returns the error the call failed with when the client
    /// gives up on the stream (the connection then resets it, RST_STREAM CANCEL).
    func received(_ payload: HTTP2Frame.FramePayload) -> RPCError? {
        switch payload {
        case .headers(let frame):
            if frame.endStream { serverEnded = true }
            if !sawHead {
                sawHead = true
                let status = frame.headers.first(name: ":status") ?? ""
                if status != "200" {
                    return end(RPCError(code: Self.code(httpStatus: status), message: "HTTP status \(status) from the server"))
                }
                if frame.headers.first(name: GRPCWire.Header.status) == nil, !frame.endStream { return nil }
            }
            return finish(trailers: frame.headers)
        case .data(let frame):
            if frame.endStream { serverEnded = true }
            guard case .byteBuffer(var bytes) = frame.data else { return nil }
            if inbound == nil { inbound = bytes } else { inbound!.writeBuffer(&bytes) }
            while var buffer = inbound {
                inbound = nil
                let next = GRPCWire.nextMessage(from: &buffer, maximum: maxMessageBytes)
                inbound = buffer.readableBytes > 0 ? buffer : nil
                switch next {
                case .needMore:
                    return nil
                case .message(let message):
                    call.yield(message)
                case .compressed:
                    return end(RPCError(code: .internalError, message: "compressed response (none was asked for)"))
                case .tooLarge(let size):
                    return end(RPCError(code: .resourceExhausted, message: "response of \(size) bytes exceeds the \(maxMessageBytes)-byte message limit"))
                }
            }
            return nil
        case .rstStream(let code):
            serverEnded = true
            call.fail(Self.error(resetWith: code))
            return nil
        default:
            return nil
        }
    }

    /// A GOAWAY ended this stream before its answer: the call fails with `error` (refused by
    /// GOAWAY, sent again on a new connection, when the server said it never processed it).
    func refused(_ error: RPCError) {
        serverEnded = true
        call.fail(error)
    }

    /// The stream closed (NIOHTTP2's StreamClosedEvent): a reset reason fails the call as the
    /// reset does; a clean close before the trailers fails it as a lost stream. Either is a
    /// no-op once the call has resolved.
    func closed(reason: HTTP2ErrorCode?) {
        serverEnded = true
        if let reason {
            call.fail(Self.error(resetWith: reason))
        } else {
            call.fail(RPCError(code: .unavailable, message: "stream closed before its trailers", messageCode: ClientCode.connectionLost))
        }
    }

    /// The server ended the stream (END_STREAM on these trailers): the call resolves, and the
    /// stream closes by itself (no RST_STREAM: each one would count against the server's Rapid
    /// Reset bound).
    private func finish(trailers: HPACKHeaders) -> RPCError? {
        guard let status = trailers.first(name: GRPCWire.Header.status).flatMap(UInt32.init) else {
            return end(RPCError(code: .internalError, message: "trailers without grpc-status"))
        }
        let code = StatusCode(wireValue: status)
        guard code == .ok else {
            let message = GRPCWire.percentDecoded(trailers.first(name: GRPCWire.Header.message) ?? "")
            let details = trailers.first(name: GRPCWire.Header.statusDetails).flatMap { Base64.decode($0) }.flatMap(StatusDetails.decode)
            let messageCode = details?.messageCode.nonEmpty ?? trailers.first(name: GRPCWire.Header.messageCode) ?? ""
            call.fail(RPCError(code: code, message: message, messageCode: messageCode, violations: details?.violations ?? []))
            return nil
        }
        if case .unary = call.outcome, call.response == nil {
            call.fail(RPCError(code: .internalError, message: "server sent no response message"))
            return nil
        }
        call.succeed(call.response ?? ByteBuffer())
        return nil
    }

    /// Fails the call; the connection resets the stream (the client gives up on it).
    private func end(_ error: RPCError) -> RPCError {
        call.fail(error)
        return error
    }

    /// gRPC's mapping of an HTTP status other than 200.
    static func code(httpStatus: String) -> StatusCode {
        switch httpStatus {
        case "400": .internalError
        case "401": .unauthenticated
        case "403": .permissionDenied
        case "404": .unimplemented
        case "429", "502", "503", "504": .unavailable
        default: .unknown
        }
    }

    /// A stream reset by the server: REFUSED_STREAM was never processed (retried elsewhere).
    static func error(resetWith code: HTTP2ErrorCode) -> RPCError {
        switch code {
        case .refusedStream: RPCError(code: .unavailable, message: ClientHandler.refusedByGoAway + "stream refused", messageCode: ClientCode.draining)
        case .cancel: RPCError(code: .cancelled, message: "stream reset by the server")
        case .enhanceYourCalm: RPCError(code: .resourceExhausted, message: "stream reset by the server: ENHANCE_YOUR_CALM")
        default: RPCError(code: .internalError, message: "stream reset by the server: \(code)")
        }
    }
}

@available(*, unavailable)
extension H2ClientStream: Sendable {}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
