internal import Synchronization
internal import NIOCore
internal import Proto

/// The open connections of a server: counted for the connection limits, drained on shutdown.
///
/// A connection is *handshaking* from accept until TLS completes, then either a *certificate*
/// connection (a province or the ministry) or an *other* one (anonymous or session callers).
/// Limits (``Limits``): all connections ≤ `maxConnections`; handshakes per address ≤
/// `maxHandshakesPerAddress`; other connections per address ≤ `maxConnectionsPerAddress` and in
/// all ≤ `maxConnections - reservedCertificateConnections`, so certificate callers always find room.
final class ConnectionRegistry: Sendable {
    struct Entry: Sendable {
        let channel: any Channel
        let drain: @Sendable () -> Void
    }

    private enum Kind { case handshaking, certificate, other }

    private struct Record {
        let entry: Entry
        let address: String
        var kind: Kind
        /// The client certificate's serial (certificate connections only).
        var serial: String?
    }

    private struct State {
        var next = 0
        var records: [Int: Record] = [:]
        var handshaking: [String: Int] = [:]
        var others: [String: Int] = [:]
        var otherTotal = 0
    }

    private let limits: Limits
    private let state = Mutex(State())

    init(limits: Limits) {
        self.limits = limits
    }

    /// Why a new TCP connection was closed before TLS.
    enum Refusal: Error, CustomStringConvertible {
        case serverFull(limit: Int)
        case handshakesFromAddress(limit: Int)

        var description: String {
            switch self {
            case .serverFull(let limit): "connection limit reached (\(limit))"
            case .handshakesFromAddress(let limit): "handshakes in progress from this address at the limit (\(limit))"
            }
        }
    }

    /// Registers a new TCP connection from `address`; returns its key.
    /// - Throws: ``Refusal`` when the server or that address has no room for another handshake.
    func add(_ entry: Entry, address: String) throws(Refusal) -> Int {
        try state.withLock { s throws(Refusal) in
            guard s.records.count < limits.maxConnections else { throw .serverFull(limit: limits.maxConnections) }
            guard s.handshaking[address, default: 0] < limits.maxHandshakesPerAddress else {
                throw .handshakesFromAddress(limit: limits.maxHandshakesPerAddress)
            }
            s.next += 1
            s.records[s.next] = Record(entry: entry, address: address, kind: .handshaking)
            s.handshaking[address, default: 0] += 1
            return s.next
        }
    }

    /// Classifies a connection once its handshake is done (`certificateSerial` nil without a
    /// client certificate); false when a connection without one finds its address (or the
    /// non-reserved capacity) full.
    func admit(_ key: Int, certificateSerial: String?) -> Bool {
        state.withLock { s in
            guard var record = s.records[key], record.kind == .handshaking else { return false }
            Self.decrement(&s.handshaking, record.address)
            if let certificateSerial {
                record.kind = .certificate
                record.serial = certificateSerial
                s.records[key] = record
                return true
            }
            guard s.others[record.address, default: 0] < limits.maxConnectionsPerAddress,
                  s.otherTotal < max(0, limits.maxConnections - limits.reservedCertificateConnections) else {
                // Refused: forgotten now, so it counts nowhere while it closes.
                s.records[key] = nil
                return false
            }
            record.kind = .other
            s.records[key] = record
            s.others[record.address, default: 0] += 1
            s.otherTotal += 1
            return true
        }
    }

    func remove(_ key: Int) {
        state.withLock { s in
            guard let record = s.records.removeValue(forKey: key) else { return }
            switch record.kind {
            case .handshaking: Self.decrement(&s.handshaking, record.address)
            case .other:
                Self.decrement(&s.others, record.address)
                s.otherTotal -= 1
            case .certificate: break
            }
        }
    }

    private static func decrement(_ counts: inout [String: Int], _ address: String) {
        let n = counts[address, default: 0] - 1
        counts[address] = n > 0 ? n : nil
    }

    var count: Int { state.withLock { $0.records.count } }

    var all: [Entry] { state.withLock { $0.records.values.map(\.entry) } }

    /// The certificate connections whose client certificate has one of `serials`.
    func certificateConnections(serials: Set<String>) -> [Entry] {
        state.withLock { s in s.records.values.filter { $0.serial.map(serials.contains) ?? false }.map(\.entry) }
    }
}
