internal import Proto
internal import Model
internal import Logging
internal import Foundation
internal import NIOCore

/// Runs one accepted call's handler, whatever transport carried it (jzs/1 or gRPC over HTTP/2):
/// resolves the caller (certificate of the connection, else the session of `authorization`),
/// builds the ``CallContext``, runs the router's entry, maps what it threw to an ``RPCError``,
/// logs internal errors and audits denials. Returns the failure, nil for OK.
enum CallExecution {
    struct Call: Sendable {
        let method: String
        let metadata: Metadata
        let requestID: String
        let deadline: ContinuousClock.Instant
        let language: Language
        let connectionCaller: Caller?
        let peerAddress: String
    }

    static func run(_ call: Call, entry: Router.Entry, payload: ByteBuffer, shared: ServerShared, sink: ResponseSink) async -> RPCError? {
        var failure: RPCError?
        var resolved: Caller?
        do {
            let caller = try await shared.callers.resolve(connectionCaller: call.connectionCaller, metadata: call.metadata, method: call.method)
            resolved = caller
            let context = CallContext(caller: caller, method: call.method, metadata: call.metadata, requestID: call.requestID,
                                      deadline: call.deadline, logger: shared.logger)
            // The per-source budgets (anonymous and session callers; certificates are exempt),
            // after the access table: a caller the table refuses spends none of them.
            if call.connectionCaller == nil {
                try shared.router.access(of: call.method).check(context)
                if let spent = shared.sources.spend(method: call.method, address: call.peerAddress) {
                    throw RPCError(code: .resourceExhausted, SourceLimiter.message(spent), language: call.language)
                }
            }
            // A store outage after this call committed a write is "outcome unknown", not "nothing done".
            try await CallCommits.$current.withValue(CallCommits()) { try await entry(payload, context, sink) }
        } catch {
            failure = RPCError(mapping: error, language: call.language)
            // A bug, or the database out of reach: the details go to the log under the call's
            // request-id (the caller gets the catalogue's sentence only).
            let outage: Bool = switch error as? RegistryError { case .storeUnavailable, .outcomeUnknown: true; default: false }
            if failure?.code == .internalError || outage {
                shared.logger.log(level: outage ? .warning : .error, outage ? "database unavailable" : "handler failed", metadata: [
                    "method": "\(LogField.escape(call.method, maxBytes: shared.limits.maxLoggedFieldBytes))",
                    "request-id": "\(LogField.escape(call.requestID, maxBytes: shared.limits.maxLoggedFieldBytes))",
                    "error": "\(LogField.escape("\(error)", maxBytes: 4 * shared.limits.maxLoggedFieldBytes))",
                ])
            }
        }
        if let failure, failure.code == .permissionDenied || failure.code == .unauthenticated, let onDenied = shared.onDenied {
            // Every denial is audited (who, from where, what was refused; never the request).
            let who = resolved?.principal ?? (call.metadata[Metadata.Key.authorization] == nil ? "anonymous" : "session (unresolved)")
            onDenied(AuditEntry(at: Date(), caller: who, tenant: "-", method: call.method, target: "from \(call.peerAddress)",
                                result: "denied: \(failure.code.name): \(failure.message)", requestID: call.requestID))
        }
        return failure
    }
}
