import Foundation
import GRDB

// The moved stores as seen from use cases not yet moved to the store layer (they still hold a
// GRDB `Database`). Each overload goes when its last caller moves (docs/STORE.md, "Moving").

extension Idempotency {
    /// ``once(principal:key:method:request:at:in:_:)`` inside a GRDB transaction.
    static func once<T: Codable>(principal: String, key: String?, method: String, request: String, at now: Date, in db: Database,
                                 _ body: () throws -> T) throws -> T {
        try once(principal: principal, key: key, method: method, request: request, at: now, in: SQLiteIdempotencyStore(db: db), body)
    }
}

extension SMSCodes {
    /// ``consume(_:phone:purpose:field:now:policy:in:)`` inside a GRDB transaction.
    static func consume(_ code: String, phone: MobileNumber, purpose: SMSPurpose, field: String, now: Date,
                        policy: AccountPolicy, in db: Database) throws -> RegistryError? {
        try consume(code, phone: phone, purpose: purpose, field: field, now: now, policy: policy, in: SQLiteSMSStore(db: db))
    }
}

extension Accounts {
    /// A password set by someone else for enterprise user `userID`: its lock cleared, its
    /// sessions ended (EnterpriseSignup's administrator reset, inside a GRDB transaction).
    static func passwordReplaced(enterpriseUser userID: String, in db: Database) throws {
        try passwordReplaced(enterpriseUser: userID, in: SQLiteTransaction(db))
    }
}
