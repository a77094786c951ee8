import Crypto
public import Foundation
public import GRDB

/// What an SMS code is for; a code only works for its purpose.
public enum SMSPurpose: String, Sendable, CaseIterable {
    case individualRegistration = "individual_registration"
    case enterpriseSignup = "enterprise_signup"
    case passwordReset = "password_reset"
}

/// Delivers SMS messages. The embedded default writes them to the outbox table in the same
/// transaction (`jzsd sms outbox` reads it); a real gateway would queue them for sending.
public protocol SMSGateway: Sendable {
    func deliver(to phone: MobileNumber, text: String, at: Date, in db: Database) throws
}

public struct OutboxSMSGateway: SMSGateway {
    public init() {}
    public func deliver(to phone: MobileNumber, text: String, at: Date, in db: Database) throws {
        try db.execute(sql: "INSERT INTO sms_outbox (phone, text, created_at) VALUES (?, ?, ?)",
                       arguments: [phone.rawValue, text, at.timeIntervalSince1970])
    }
}

/// 6-digit codes: 5-minute life, 3 tries, one send per 60 s and 10 a day per phone (DESIGN.md §4).
enum SMSCodes {
    static func issue(to phone: MobileNumber, purpose: SMSPurpose, now: Date, policy: AccountPolicy,
                      gateway: any SMSGateway, in db: Database) throws {
        let t = now.timeIntervalSince1970
        if let last = try Double.fetchOne(db, sql: "SELECT MAX(created_at) FROM sms_codes WHERE phone = ?", arguments: [phone.rawValue]),
           t - last < policy.smsMinimumInterval {
            throw RegistryError.rateLimited(Text(.smsTooSoon, "\(Int(policy.smsMinimumInterval))"))
        }
        let today = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sms_codes WHERE phone = ? AND created_at > ?",
                                     arguments: [phone.rawValue, t - 86_400]) ?? 0
        guard today < policy.smsPerPhonePerDay else {
            throw RegistryError.rateLimited(Text(.smsDailyLimit, "\(policy.smsPerPhonePerDay)"))
        }
        let code = String(format: "%06d", Int(SecureRandom.bytes(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) } % 1_000_000))
        try db.execute(sql: """
            INSERT INTO sms_codes (phone, purpose, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
            """, arguments: [phone.rawValue, purpose.rawValue, Data(hash(phone, purpose, code)), t, t + policy.smsCodeLifetime])
        try gateway.deliver(to: phone, text: "【建造师注册】验证码 \(code)，5分钟内有效。Verification code \(code), valid 5 minutes.", at: now, in: db)
    }

    /// Consumes the newest live code for phone and purpose if `code` matches; counts a try
    /// otherwise. A wrong code is returned, not thrown, so the counted try commits.
    static func consume(_ code: String, phone: MobileNumber, purpose: SMSPurpose, field: String, now: Date,
                        policy: AccountPolicy, in db: Database) throws -> RegistryError? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT id, code_hash, attempts, expires_at FROM sms_codes
            WHERE phone = ? AND purpose = ? AND consumed = 0 ORDER BY created_at DESC LIMIT 1
            """, arguments: [phone.rawValue, purpose.rawValue]) else {
            return .invalid(field, .smsNotSent)
        }
        let id: Int64 = row["id"]
        guard (row["expires_at"] as Double) > now.timeIntervalSince1970 else {
            return .invalid(field, .smsExpired)
        }
        guard (row["attempts"] as Int) < policy.smsCodeAttempts else {
            return .invalid(field, .smsTooManyTries)
        }
        guard Digest.equal(Array(row["code_hash"] as Data), hash(phone, purpose, code)) else {
            try db.execute(sql: "UPDATE sms_codes SET attempts = attempts + 1 WHERE id = ?", arguments: [id])
            return .invalid(field, .smsWrong)
        }
        try db.execute(sql: "UPDATE sms_codes SET consumed = 1 WHERE id = ?", arguments: [id])
        return nil
    }

    static func hash(_ phone: MobileNumber, _ purpose: SMSPurpose, _ code: String) -> [UInt8] {
        Digest.sha256(Array("\(phone.rawValue)|\(purpose.rawValue)|\(code)".utf8))
    }
}
