internal import NIOCore
internal import NIOHTTP2
internal import NIOHPACK
internal import Proto
internal import Model

/// One HTTP/2 stream of a gRPC connection: collects the request (HEADERS, then length-prefixed
/// messages in DATA frames), hands it to the ``GRPCConnectionHandler`` (which owns the call
/// table, limits and tasks), and writes what the call produces: the response head, messages,
/// then trailers (or trailers only for a call that ends before any message). A reset stream
/// reaches the connection as ``GRPCConnectionHandler/streamClosed(_:)``, which cancels the call.
///
/// Not a channel: the connection handler routes the stream's frames here and writes its frames
/// (a child channel and pipeline per stream cost more than the calls themselves; see
/// docs/PERFORMANCE.md). Reflection streams (bidirectional) are answered here, message by
/// message. Confined to the connection's event loop.
final class GRPCStream {
    private enum Phase {
        case awaitingHeaders
        /// A call: the request is being received.
        case receiving
        /// The request arrived (or the call ended early); the connection has it.
        case handedOver
        case reflection
    }

    /// The connection owns its streams (and drops them when they close).
    private unowned let connection: GRPCConnectionHandler
    let id: UInt32
    private let streamID: HTTP2StreamID
    private var phase = Phase.awaitingHeaders
    private var inbound: ByteBuffer?
    private var request: ByteBuffer?
    private var messages = 0
    private var headSent = false
    private var finished = false
    /// The client ended its side (END_STREAM): its window needs no more updates.
    private(set) var clientEnded = false
    /// The language of the request's `accept-language` (for errors found here).
    private var language = Language.default

    init(connection: GRPCConnectionHandler, id: HTTP2StreamID) {
        self.connection = connection
        self.streamID = id
        self.id = UInt32(Int32(id))
    }

    /// The stream closed (trailers sent, or reset): later writes are dropped.
    func closed() {
        finished = true
    }

    // MARK: Inbound

    func received(_ payload: HTTP2Frame.FramePayload) {
        switch payload {
        case .headers(let headers):
            if phase == .awaitingHeaders {
                let scan = GRPCRequestHead.Scan(headers.headers)
                if let malformed = scan.malformed {
                    refuseMalformed(malformed)
                    return
                }
                language = scan.language
                if let path = scan.path, ReflectionService.paths.contains(path) {
                    phase = .reflection
                } else {
                    phase = .receiving
                    connection.streamOpened(id, GRPCRequestHead.parse(scan, limits: connection.limits))
                }
            }
            if headers.endStream { endOfRequest() }
        case .data(let frame):
            guard case .byteBuffer(var bytes) = frame.data else { return }
            if phase == .receiving || phase == .reflection {
                if inbound == nil { inbound = bytes } else { inbound!.writeBuffer(&bytes) }
                takeMessages()
            }
            if frame.endStream { endOfRequest() }
        default:
            break
        }
    }

    /// Takes every complete message out of the bytes received; refuses a compressed or
    /// oversized one as soon as its prefix arrives.
    private func takeMessages() {
        while var buffer = inbound, phase == .receiving || phase == .reflection {
            inbound = nil
            let next = GRPCWire.nextMessage(from: &buffer, maximum: Int(connection.limits.maxFrameBytes))
            inbound = buffer.readableBytes > 0 ? buffer : nil
            switch next {
            case .needMore:
                return
            case .message(let message):
                messages += 1
                if phase == .reflection {
                    answerReflection(message)
                } else if messages == 1 {
                    request = message
                }
            case .compressed:
                reject(RPCError(code: .internalError, Text(.malformedRequest, "compressed message without grpc-encoding"), language: language))
            case .tooLarge(let size):
                reject(RPCError(code: .resourceExhausted, Text(.requestMessageTooLarge, "\(size)", "\(connection.limits.maxFrameBytes)"),
                                language: language))
            }
        }
    }

    /// A header block that is not a well-formed request (``HeaderRules``): the stream is reset
    /// with PROTOCOL_ERROR (RFC 9113 §8.1.1) and no call starts; the rest of its frames are
    /// dropped until the reset closes it.
    private func refuseMalformed(_ reason: String) {
        phase = .handedOver
        finished = true
        clientEnded = true
        connection.streamMalformed(streamID, reason: reason)
    }

    private func reject(_ error: RPCError) {
        inbound = nil
        if phase == .reflection {
            phase = .handedOver
            // No RST_STREAM after these trailers: it would drop them, with the answers still
            // waiting for the client's window, and the client would see a bare reset. Its later
            // request messages are dropped here.
            finish(bytes: nil, error: error, requestID: nil, promise: nil, resetIfSending: false)
        } else {
            phase = .handedOver
            connection.streamRefused(id, error)
        }
    }

    private func endOfRequest() {
        clientEnded = true
        switch phase {
        case .receiving:
            phase = .handedOver
            connection.streamRequest(id, payload: request ?? ByteBuffer(), messages: messages)
            request = nil
        case .reflection:
            phase = .handedOver
            finish(bytes: nil, error: nil, requestID: nil, promise: nil)
        case .awaitingHeaders, .handedOver:
            break
        }
    }

    // MARK: Outbound (on the event loop)

    /// Writes response messages (length-prefixed), after the response head if not sent yet.
    func writeMessages(_ bytes: ByteBuffer, promise: EventLoopPromise<Void>?) {
        guard !finished else {
            promise?.succeed()
            return
        }
        if !headSent {
            headSent = true
            connection.write(streamID, .headers(.init(headers: GRPCResponseHeaders.head)), promise: nil)
        }
        connection.write(streamID, .data(.init(data: .byteBuffer(bytes))), promise: promise)
        connection.flushSoon()
    }

    /// Ends the call: any last messages, then the trailers (trailers only when nothing was
    /// sent). Resets the stream (NO_ERROR) if the client is still sending.
    func finish(bytes: ByteBuffer?, error: RPCError?, requestID: String?, promise: EventLoopPromise<Void>?, resetIfSending: Bool = true) {
        guard !finished else {
            promise?.succeed()
            return
        }
        finished = true
        let hasMessages = (bytes?.readableBytes ?? 0) > 0
        if !headSent, hasMessages {
            headSent = true
            connection.write(streamID, .headers(.init(headers: GRPCResponseHeaders.head)), promise: nil)
        }
        if let bytes, hasMessages {
            connection.write(streamID, .data(.init(data: .byteBuffer(bytes))), promise: nil)
        }
        let trailers = GRPCResponseHeaders.trailers(error: error, requestID: requestID, only: !headSent)
        // The client is still sending (a refused request): RST_STREAM NO_ERROR tells it to stop
        // without turning the answer it has into a cancellation (RFC 9113 §8.1). Decided before
        // the trailers are written: writing them may close the stream at once.
        let reset = !clientEnded && resetIfSending
        connection.write(streamID, .headers(.init(headers: trailers, endStream: true)), promise: promise)
        if reset { connection.write(streamID, .rstStream(.noError), promise: nil) }
        connection.flushSoon()
    }

    // MARK: Reflection

    /// Answers one reflection request, unless the connection's answers are not being read (its
    /// budget is full): then the stream ends RESOURCE_EXHAUSTED, so a client that keeps asking
    /// and never reads holds at most the budget.
    private func answerReflection(_ message: ByteBuffer) {
        guard !connection.budget.isOver else {
            reject(RPCError(code: .resourceExhausted, Text(.answersUnread, "\(connection.limits.maxOutboundBytes)"), language: language))
            return
        }
        let response: ByteBuffer
        do {
            let request = try Wire.GRPCReflectionV1.ServerReflectionRequest(buffer: message)
            var out = connection.allocator.buffer(capacity: 1024)
            _ = GRPCWire.writeMessage(into: &out) { _ = ReflectionService.answer(request).encode(into: &$0) }
            response = out
        } catch {
            reject(RPCError(mapping: error, language: language))
            return
        }
        connection.writeReflection(self, response)
    }
}

@available(*, unavailable)
extension GRPCStream: Sendable {}

