import Foundation
import Model
import PostgresRegistry
import PostgresStore
import PostgresTestSupport
import Proto
import RPCServer
import Testing

/// How a database outage reaches the caller (PROTOCOL.md §8.1, §8.4): the engine's failures to
/// the domain's, case by case, and the domain's to status codes and catalogue sentences.
@Suite("Database outages: what the caller is told")
struct OutageMappingTests {
    static let failures: [(PGError, writing: Bool, committedBefore: Bool, expected: String)] = [
        (.connectionFailed("refused"), true, false, "storeUnavailable"),
        (.connectionFailed("refused"), true, true, "outcomeUnknown"),
        (.connectionLost("57P01"), false, false, "storeUnavailable"),
        (.connectionLost("57P01"), false, true, "outcomeUnknown"),
        (.poolClosed, true, false, "storeUnavailable"),
        (.readOnly("25006"), true, false, "storeUnavailable"),
        (.readOnly("25006"), true, true, "outcomeUnknown"),
        (.readOnly("25006"), false, false, "storage"),          // a write inside a read unit: a bug
        (.commitOutcomeUnknown("lost during COMMIT"), true, false, "outcomeUnknown"),
        (.poolBusy, true, false, "rateLimited"),                 // load, not an outage
        (.uniqueViolation(constraint: "x", message: "duplicate"), true, false, "storage"),
        (.serializationFailure("40001"), true, false, "storage"),
    ]

    @Test("PostgreSQL failures: unreachable is UNAVAILABLE until the call committed something, a cut COMMIT is UNKNOWN, a full pool is load")
    func engineMapping() {
        for (error, writing, committedBefore, expected) in Self.failures {
            let mapped = PostgresRegistryStore.map(error, writing: writing, committedBefore: committedBefore)
            let name: String = switch mapped {
            case .storeUnavailable: "storeUnavailable"
            case .outcomeUnknown: "outcomeUnknown"
            case .storage: "storage"
            case .rateLimited(let text): text.code == .storeBusy ? "rateLimited" : "rateLimited(\(text.code))"
            default: "\(mapped)"
            }
            #expect(name == expected, "\(error) writing=\(writing) committedBefore=\(committedBefore)")
        }
    }

    @Test("On the wire: UNAVAILABLE call.store_unavailable, UNKNOWN call.outcome_unknown, RESOURCE_EXHAUSTED call.store_busy, in the caller's language, never the database's words")
    func wireMapping() {
        let cases: [(RegistryError, StatusCode, String)] = [
            (.storeUnavailable("cannot connect to PostgreSQL: db1 refused"), .unavailable, "call.store_unavailable"),
            (.outcomeUnknown("connection lost during COMMIT on db1"), .unknown, "call.outcome_unknown"),
            (.rateLimited(Text(.storeBusy)), .resourceExhausted, "call.store_busy"),
        ]
        for (error, code, messageCode) in cases {
            for language in Language.allCases {
                let wire = RPCError(error, language: language)
                #expect(wire.code == code && wire.messageCode == messageCode)
                #expect(!wire.message.contains("db1") && !wire.message.contains("PostgreSQL"))
                #expect(wire.message.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF } == (language == .zh))
            }
        }
    }

    @Test("A call's committed write is noted (so a later outage in the same call is UNKNOWN); reads and other calls note nothing")
    func commitsAreNoted() async throws {
        let store = try await PostgresRegistryStore.open(url: try await PostgresCluster.shared().makeDatabase(), connections: 1)
        defer { store.close() }
        let call = CallCommits()
        try await CallCommits.$current.withValue(call) {
            _ = try await store.read { tx in try tx.audit.verify() }
            #expect(!call.any, "a read commits nothing")
            try await store.write { tx in try tx.sms.queue(phone: "13800000001", text: "x", at: Date()) }
            #expect(call.any)
        }
        let other = CallCommits()
        try await CallCommits.$current.withValue(other) { _ = try await store.read { tx in try tx.audit.verify() } }
        #expect(!other.any)
    }
}
