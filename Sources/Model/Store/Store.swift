import Foundation
import GRDB

/// Runs store work on the database, turning everything but ``RegistryError`` into `.storage`.
/// Every write is one IMMEDIATE transaction through the single writer.
extension RegistryDatabase {
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(RegistryError) -> T {
        do {
            return try await pool.write(body)
        } catch let error as RegistryError {
            throw error
        } catch {
            throw .storage("\(error)")
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(RegistryError) -> T {
        do {
            return try await pool.read(body)
        } catch let error as RegistryError {
            throw error
        } catch {
            throw .storage("\(error)")
        }
    }
}

/// Who did something, for the audit row written with the change.
public struct AuditContext: Sendable {
    public let caller: Caller
    public let method: String
    public let requestID: String
    /// The `operator` metadata entry of provincial and ministry calls.
    public let operatorName: String?

    public init(caller: Caller, method: String, requestID: String, operatorName: String? = nil) {
        self.caller = caller
        self.method = method
        self.requestID = requestID
        self.operatorName = operatorName
    }

    func entry(at: Date, tenant: String, target: String, result: String) -> AuditEntry {
        let who = operatorName.map { "\(caller.principal) operator=\($0)" } ?? caller.principal
        return AuditEntry(at: at, caller: who, tenant: tenant, method: method, target: target, result: result, requestID: requestID)
    }
}
