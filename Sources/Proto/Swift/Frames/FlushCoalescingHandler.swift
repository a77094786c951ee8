public import NIOCore

/// Applies ``FlushCoalescer`` to the flushes of the handlers after it: for HTTP/2, where
/// `NIOHTTP2Handler` flushes once per stream write, it sits between the TLS handler and
/// `NIOHTTP2Handler`, so that the calls started or answered in one event-loop tick share one TLS
/// record and one syscall (the first flush of a tick still goes at once).
///
/// Confined to the channel's event loop.
public final class FlushCoalescingHandler: ChannelOutboundHandler {
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private let coalescer = FlushCoalescer()

    public init() {}

    public func flush(context: ChannelHandlerContext) {
        coalescer.wrote(context)
    }

    /// Writes held for the end of the tick go out before the close (the TLS handler then
    /// sends its close_notify after them).
    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        coalescer.flushNow(context)
        context.close(mode: mode, promise: promise)
    }
}

@available(*, unavailable)
extension FlushCoalescingHandler: Sendable {}
