package import Proto
package import NIOCore

/// Why the server closes a connection with GOAWAY (docs/PROTOCOL.md §11.1).
package enum GoAwayReason: UInt32, Sendable {
    case shutdown = 0
    case protocolError = 1
    case idle = 2
    /// A server resource limit or an abuse budget (too many cancels, pings, connections).
    case resourceLimit = 3
}

/// A token bucket: `burst` tokens, refilled at `perSecond`.
package struct TokenBucket: Sendable {
    package let burst: Double
    package let perSecond: Double
    private var tokens: Double
    private var updated: NIODeadline

    package init(burst: Int, perSecond: Int, now: NIODeadline) {
        self.init(burst: burst, perSecond: Double(perSecond), now: now)
    }

    package init(burst: Int, perSecond: Double, now: NIODeadline) {
        self.burst = Double(max(burst, 1))
        self.perSecond = max(perSecond, 0)
        self.tokens = self.burst
        self.updated = now
    }

    /// Takes one token; false when the bucket is empty.
    package mutating func take(now: NIODeadline) -> Bool {
        let elapsed = Double((now - updated).nanoseconds) / 1e9
        if elapsed > 0 {
            tokens = min(burst, tokens + elapsed * perSecond)
            updated = now
        }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}

/// The limits of one connection that are not about single calls: abuse budgets and the
/// timeouts that only a clock decides. A plain value, tested without sockets: the connection
/// reports what happened and does what the returned verdict says.
package struct ConnectionGuard: Sendable {
    /// The GOAWAY message (jzs/1) or debug data (h2) of a connection over the per-address or
    /// total cap (docs/PROTOCOL.md §2.5).
    package static let refusedTooMany = "too many connections from this address"

    package enum Verdict: Equatable, Sendable {
        case proceed
        /// Close the connection; with a GOAWAY when the peer still reads (`reason` not nil).
        case close(GoAwayReason?, String)
    }

    private let limits: Limits
    private var cancels: TokenBucket
    private var pings: TokenBucket
    /// Set once the handshake is done and until the first call opens.
    private var firstCallDeadline: NIODeadline?
    /// When the frame now being received began (nil when no frame is partly received).
    private var partialFrameSince: NIODeadline?
    /// When the outbound queue last made progress (or became non-empty).
    private var lastWriteProgress: NIODeadline

    package init(limits: Limits, now: NIODeadline) {
        self.limits = limits
        self.cancels = TokenBucket(burst: limits.cancelBurst, perSecond: limits.cancelsPerSecond, now: now)
        self.pings = TokenBucket(burst: limits.pingBurst, perSecond: limits.pingsPerSecond, now: now)
        self.lastWriteProgress = now
    }

    /// How often ``tick(now:queuedBytes:)`` should run: a quarter of the shortest timeout it
    /// watches, between 10 ms and 1 s.
    package var tickInterval: TimeAmount {
        let shortest = min(limits.firstCallTimeout, limits.frameReadTimeout, limits.writeStallTimeout)
        let quarter = Int64(shortest.milliseconds / 4)
        return .milliseconds(min(max(quarter, 10), 1000))
    }

    package mutating func handshakeCompleted(now: NIODeadline) {
        firstCallDeadline = now + Self.amount(limits.firstCallTimeout)
    }

    package mutating func callOpened() {
        firstCallDeadline = nil
    }

    /// A CANCEL arrived, or a call was refused for the concurrency limit.
    package mutating func cancelled(now: NIODeadline) -> Verdict {
        cancels.take(now: now) ? .proceed : .close(.resourceLimit, "too many cancelled or refused calls")
    }

    package mutating func pinged(now: NIODeadline) -> Verdict {
        pings.take(now: now) ? .proceed : .close(.resourceLimit, "too many pings")
    }

    /// After reading: whether a frame is left partly received, and whether one completed. The
    /// frame-read timeout runs per frame: from the first byte of the frame still incomplete.
    package mutating func inbound(partialFrame: Bool, frameCompleted: Bool, now: NIODeadline) {
        if !partialFrame {
            partialFrameSince = nil
        } else if partialFrameSince == nil || frameCompleted {
            partialFrameSince = now
        }
    }

    /// The socket took bytes, or the queue was empty when bytes were added.
    package mutating func writeProgress(now: NIODeadline) {
        lastWriteProgress = now
    }

    /// The periodic check of the clock-driven limits.
    package func tick(now: NIODeadline, queuedBytes: Int) -> Verdict {
        if let deadline = firstCallDeadline, now >= deadline {
            return .close(.idle, "no call within the first-call timeout")
        }
        if let since = partialFrameSince, now - since >= Self.amount(limits.frameReadTimeout) {
            return .close(.protocolError, "frame not completed within the frame-read timeout")
        }
        if queuedBytes > 0, now - lastWriteProgress >= Self.amount(limits.writeStallTimeout) {
            // The peer does not read: a GOAWAY would only queue behind the rest.
            return .close(nil, "peer stopped reading (write-stall timeout)")
        }
        return .proceed
    }

    package static func amount(_ d: Duration) -> TimeAmount {
        .microseconds(Int64(clamping: d.microseconds))
    }
}
