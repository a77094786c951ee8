internal import NIOCore
internal import NIOHTTP2
internal import NIOHPACK
internal import Proto
internal import Model

/// The connection side of a gRPC-over-HTTP/2 client connection, after `NIOHTTP2Handler`: tells
/// the client when TLS is up (ready), when the server sent GOAWAY (no new calls on this
/// connection) and when the connection failed.
final class H2ClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame

    let ready: EventLoopPromise<Void>
    let onUnusable: @Sendable () -> Void
    /// Set once GOAWAY arrived: calls not yet started go to a new connection.
    private(set) var goingAway = false
    /// The calls' side of this connection (set when the pipeline is built).
    var connection: H2ClientConnection!

    init(ready: EventLoopPromise<Void>, onUnusable: @escaping @Sendable () -> Void) {
        self.ready = ready
        self.onUnusable = onUnusable
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is TLSHandshakeCompleted { ready.succeed() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .goAway = unwrapInboundIn(data).payload {
            goingAway = true
            onUnusable()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let rpc: RPCError = switch error {
        case let tls as TLSError: RPCError(code: .unavailable, message: TransportErrorText.tls(tls), messageCode: ClientCode.tls)
        default: RPCError(code: .unavailable, message: "connection failed: \(TransportErrorText.reason(error))", messageCode: ClientCode.connectionLost)
        }
        ready.fail(rpc)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        ready.fail(RPCError(code: .unavailable, message: "connection closed", messageCode: ClientCode.connectionLost))
        onUnusable()
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension H2ClientConnectionHandler: Sendable {}

/// One call on its own HTTP/2 stream: writes the request (HEADERS, one length-prefixed message
/// with END_STREAM), reads the response head, messages and trailers, and resolves the
/// ``PendingCall`` with the response or the ``RPCError`` of `grpc-status`, `grpc-message` and
/// `grpc-status-details-bin` (violations and message code, as jzs/1 trailers carry them).
/// Closing the stream channel (deadline, cancellation) resets the stream (RST_STREAM CANCEL).
final class H2ClientStreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private let call: PendingCall
    private let headers: HPACKHeaders
    private let maxMessageBytes: Int
    private var inbound: ByteBuffer?
    private var sawHead = false

    init(call: PendingCall, headers: HPACKHeaders, maxMessageBytes: Int) {
        self.call = call
        self.headers = headers
        self.maxMessageBytes = maxMessageBytes
    }

    func channelActive(context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.headers(.init(headers: headers))), promise: nil)
        let message = call.frames
        call.frames = ByteBuffer()
        context.writeAndFlush(wrapOutboundOut(.data(.init(data: .byteBuffer(message), endStream: true))), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .headers(let frame):
            if !sawHead {
                sawHead = true
                let status = frame.headers.first(name: ":status") ?? ""
                if status != "200" {
                    end(RPCError(code: Self.code(httpStatus: status), message: "HTTP status \(status) from the server"), context: context)
                    return
                }
                if frame.headers.first(name: GRPCWire.Header.status) == nil, !frame.endStream { return }
            }
            finish(trailers: frame.headers, context: context)
        case .data(let frame):
            guard case .byteBuffer(var bytes) = frame.data else { return }
            if inbound == nil { inbound = bytes } else { inbound!.writeBuffer(&bytes) }
            while var buffer = inbound {
                inbound = nil
                let next = GRPCWire.nextMessage(from: &buffer, maximum: maxMessageBytes)
                inbound = buffer.readableBytes > 0 ? buffer : nil
                switch next {
                case .needMore:
                    return
                case .message(let message):
                    call.yield(message)
                case .compressed:
                    end(RPCError(code: .internalError, message: "compressed response (none was asked for)"), context: context)
                    return
                case .tooLarge(let size):
                    end(RPCError(code: .resourceExhausted, message: "response of \(size) bytes exceeds the \(maxMessageBytes)-byte message limit"), context: context)
                    return
                }
            }
        case .rstStream(let code):
            end(Self.error(resetWith: code), context: context)
        default:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let closed = error as? NIOHTTP2Errors.StreamClosed {
            end(Self.error(resetWith: closed.errorCode), context: context)
        } else {
            end(RPCError(code: .unavailable, message: "stream failed: \(TransportErrorText.reason(error))", messageCode: ClientCode.connectionLost), context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        call.deadline?.cancel()
        call.deadline = nil
        call.stream = nil  // the call held its stream channel, whose pipeline holds this handler
        call.fail(RPCError(code: .unavailable, message: "stream closed before its trailers", messageCode: ClientCode.connectionLost))
        context.fireChannelInactive()
    }

    /// The server ended the stream (END_STREAM on these trailers): the call resolves, and the
    /// stream closes by itself (no RST_STREAM: each one would count against the server's Rapid
    /// Reset bound).
    private func finish(trailers: HPACKHeaders, context: ChannelHandlerContext) {
        guard let status = trailers.first(name: GRPCWire.Header.status).flatMap(UInt32.init) else {
            end(RPCError(code: .internalError, message: "trailers without grpc-status"), context: context)
            return
        }
        let code = StatusCode(wireValue: status)
        guard code == .ok else {
            let message = GRPCWire.percentDecoded(trailers.first(name: GRPCWire.Header.message) ?? "")
            let details = trailers.first(name: GRPCWire.Header.statusDetails).flatMap { Base64.decode($0) }.flatMap(StatusDetails.decode)
            let messageCode = details?.messageCode.nonEmpty ?? trailers.first(name: GRPCWire.Header.messageCode) ?? ""
            call.fail(RPCError(code: code, message: message, messageCode: messageCode, violations: details?.violations ?? []))
            return
        }
        if case .unary = call.outcome, call.response == nil {
            call.fail(RPCError(code: .internalError, message: "server sent no response message"))
            return
        }
        call.succeed(call.response ?? ByteBuffer())
    }

    /// Fails the call and resets the stream (the client gives up on it).
    private func end(_ error: RPCError, context: ChannelHandlerContext) {
        call.fail(error)
        context.close(promise: nil)
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
extension H2ClientStreamHandler: Sendable {}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
