internal import Synchronization
internal import NIOCore

/// The open connections of a server: counted for the connection limit, drained on shutdown.
final class ConnectionRegistry: Sendable {
    struct Entry: Sendable {
        let channel: any Channel
        let drain: @Sendable () -> Void
    }

    private let state = Mutex<(next: Int, entries: [Int: Entry])>((0, [:]))

    /// Registers a connection unless `limit` are open; returns its key, or nil when full.
    func add(_ entry: Entry, limit: Int) -> Int? {
        state.withLock { s in
            guard s.entries.count < limit else { return nil }
            s.next += 1
            s.entries[s.next] = entry
            return s.next
        }
    }

    func remove(_ key: Int) {
        _ = state.withLock { $0.entries.removeValue(forKey: key) }
    }

    var count: Int { state.withLock { $0.entries.count } }

    var all: [Entry] { state.withLock { Array($0.entries.values) } }
}
