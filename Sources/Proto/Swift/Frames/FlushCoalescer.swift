public import NIOCore

/// When to flush a connection's writes: the first write of an event-loop tick is flushed at
/// once (so the peer, on another core, can start on it), and every later write of that tick
/// shares one flush at its end (so many calls share one TLS record and one syscall).
///
/// Confined to the channel's event loop, like the handler that owns it.
public final class FlushCoalescer {
    private var endOfTickPending = false
    private var unflushed = false

    public init() {}

    /// Call after `context.write`.
    public func wrote(_ context: ChannelHandlerContext) {
        if !endOfTickPending {
            endOfTickPending = true
            context.flush()
            context.eventLoop.assumeIsolated().execute { [self] in
                endOfTickPending = false
                if unflushed {
                    unflushed = false
                    context.flush()
                }
            }
        } else {
            unflushed = true
        }
    }
}

@available(*, unavailable)
extension FlushCoalescer: Sendable {}
