internal import Synchronization

/// Whether the call being served has committed a write yet, so that a database outage later in
/// the same call is not reported as "nothing was done".
///
/// Some calls run more than one unit of work (issue a certificate, then read it back; use up an
/// SMS code, then create the account). If the database fails over between them, the first change
/// stands: the call must answer UNKNOWN (`call.outcome_unknown`: retry only with the same
/// idempotency key), not UNAVAILABLE (`call.store_unavailable`, which clients send again by
/// themselves). The server binds a fresh record around each call (``CallCommits/current``); an
/// engine notes every write it commits and asks before it reports an outage.
public final class CallCommits: Sendable {
    @TaskLocal public static var current: CallCommits?

    private let committed = Atomic<Bool>(false)

    public init() {}

    /// A write of this call committed.
    public func noteCommit() { committed.store(true, ordering: .relaxed) }

    /// Whether a write of this call committed.
    public var any: Bool { committed.load(ordering: .relaxed) }
}
