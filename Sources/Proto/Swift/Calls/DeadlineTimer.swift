public import NIOCore

/// One timer per connection, armed for the earliest deadline of its calls (not one timer per
/// call): arming for a later deadline than the armed one costs nothing. Confined to the
/// connection's event loop, like the handler that owns it.
public final class DeadlineTimer {
    private var armed: (at: NIODeadline, timer: Scheduled<Void>)?

    public init() {}

    /// Arms for `deadline` unless already armed for an earlier one; `fire` runs on the loop then.
    public func arm(at deadline: NIODeadline, on eventLoop: any EventLoop, fire: @escaping () -> Void) {
        if let armed, armed.at <= deadline { return }
        armed?.timer.cancel()
        let timer = eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] () -> Void in
            self?.armed = nil
            fire()
        }
        armed = (deadline, timer)
    }

    public func cancel() {
        armed?.timer.cancel()
        armed = nil
    }

    /// The earliest of `deadlines` still in the future, after calling `expire` for the others.
    public static func sweep<Key>(_ deadlines: [(Key, NIODeadline)], now: NIODeadline = .now(), expire: (Key) -> Void) -> NIODeadline? {
        var next: NIODeadline?
        for (key, deadline) in deadlines {
            if deadline <= now { expire(key) } else { next = min(next ?? deadline, deadline) }
        }
        return next
    }
}

@available(*, unavailable)
extension DeadlineTimer: Sendable {}
