internal import NIOCore
internal import Proto

/// The timers of one connection, for both transports: the periodic limit check (tick) and
/// keepalive, and the timers ``ConnectionState`` arms and cancels through its actions (the
/// earliest call deadline, idle, drain, keepalive timeout). One mechanism, so the jzs/1 and h2
/// handlers cannot differ in when a connection is checked, pinged, drained or closed; what a
/// timer means is the state's (``ConnectionState/timerFired(_:now:queuedBytes:readingPaused:)``).
/// Confined to the connection's event loop, like the handler that owns it.
final class ConnectionTimers {
    /// Which timer fired.
    enum Timer {
        case tick, keepalive, deadline, idle, drain
        case keepaliveTimeout(pingSent: NIODeadline)
    }

    private let eventLoop: any EventLoop
    /// The owner's reaction: performs the state's actions for the timer; false once the
    /// connection is closed (the periodic timers then stop).
    private let fired: (Timer) -> Bool
    private var tick: Scheduled<Void>?
    private var keepalive: Scheduled<Void>?
    private var idle: Scheduled<Void>?
    private var drain: Scheduled<Void>?
    private let deadline = DeadlineTimer()

    init(eventLoop: any EventLoop, fired: @escaping (Timer) -> Bool) {
        self.eventLoop = eventLoop
        self.fired = fired
    }

    /// Starts the limit check, every `interval` until the connection closes.
    func startTick(every interval: TimeAmount) {
        tick = eventLoop.assumeIsolated().scheduleTask(in: interval) { [weak self] in
            guard let self, self.fired(.tick) else { return }
            self.startTick(every: interval)
        }
    }

    /// Starts keepalive, every `interval` until the connection closes.
    func startKeepalive(every interval: TimeAmount) {
        keepalive = eventLoop.assumeIsolated().scheduleTask(in: interval) { [weak self] in
            guard let self, self.fired(.keepalive) else { return }
            self.startKeepalive(every: interval)
        }
    }

    /// Carries out `action` when it arms or cancels a timer; false when it is no timer's.
    func apply(_ action: ConnectionState.Action) -> Bool {
        switch action {
        case .armDeadlineTimer(let at):
            deadline.arm(at: at, on: eventLoop) { [weak self] in _ = self?.fired(.deadline) }
        case .armIdleTimer(let amount):
            idle?.cancel()
            idle = schedule(in: amount, .idle)
        case .cancelIdleTimer:
            idle?.cancel()
            idle = nil
        case .armDrainTimer(let amount):
            drain?.cancel()
            drain = schedule(in: amount, .drain)
        case .cancelDrainTimer:
            drain?.cancel()
            drain = nil
        case .armKeepaliveTimeout(let amount, let sent):
            // Not kept: a timeout for a PING already answered finds nothing to do in the state.
            _ = schedule(in: amount, .keepaliveTimeout(pingSent: sent))
        default:
            return false
        }
        return true
    }

    /// Stops every timer (the connection is gone).
    func cancelAll() {
        for timer in [tick, keepalive, idle, drain] { timer?.cancel() }
        deadline.cancel()
    }

    private func schedule(in amount: TimeAmount, _ timer: Timer) -> Scheduled<Void> {
        eventLoop.assumeIsolated().scheduleTask(in: amount) { [weak self] in _ = self?.fired(timer) }
    }
}

@available(*, unavailable)
extension ConnectionTimers: Sendable {}

extension ConnectionState {
    /// What a connection timer's firing means: the actions for the handler to perform.
    mutating func timerFired(_ timer: ConnectionTimers.Timer, now: NIODeadline, queuedBytes: Int, readingPaused: Bool) -> [Action] {
        switch timer {
        case .tick: tick(now: now, queuedBytes: queuedBytes)
        case .keepalive: keepaliveFired(now: now, readingPaused: readingPaused)
        case .deadline: deadlineTimerFired(now: now)
        case .idle: idleTimerFired()
        case .drain: drainTimerFired()
        case .keepaliveTimeout(let sent): keepaliveTimeoutFired(pingSent: sent, readingPaused: readingPaused)
        }
    }
}
