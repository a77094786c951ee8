import Crypto
public import Foundation

/// What an SMS code is for; a code only works for its purpose.
public enum SMSPurpose: String, Sendable, CaseIterable {
    case individualRegistration = "individual_registration"
    case enterpriseSignup = "enterprise_signup"
    case passwordReset = "password_reset"
}

/// Delivers SMS messages. The embedded default queues them in the outbox in the same unit of
/// work (`jzsd sms outbox` reads it); a real gateway would queue them for sending.
public protocol SMSGateway: Sendable {
    func deliver(to phone: MobileNumber, text: String, at: Date, in tx: any StoreTransaction) throws
}

public struct OutboxSMSGateway: SMSGateway {
    public init() {}
    public func deliver(to phone: MobileNumber, text: String, at: Date, in tx: any StoreTransaction) throws {
        try tx.sms.queue(phone: phone.rawValue, text: text, at: at)
    }
}

/// 6-digit codes: 5-minute life, 3 tries, one send per 60 s and 10 a day per phone (DESIGN.md §4).
enum SMSCodes {
    static func issue(to phone: MobileNumber, purpose: SMSPurpose, now: Date, policy: AccountPolicy,
                      gateway: any SMSGateway, in tx: any StoreTransaction) throws {
        let t = now.timeIntervalSince1970
        if let last = try tx.sms.lastSent(to: phone.rawValue), t - last < policy.smsMinimumInterval {
            throw RegistryError.rateLimited(Text(.smsTooSoon, "\(Int(policy.smsMinimumInterval))"))
        }
        let today = try tx.sms.sentCount(to: phone.rawValue, since: t - 86_400)
        guard today < policy.smsPerPhonePerDay else {
            throw RegistryError.rateLimited(Text(.smsDailyLimit, "\(policy.smsPerPhonePerDay)"))
        }
        let code = String(format: "%06d", Int(SecureRandom.bytes(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) } % 1_000_000))
        try tx.sms.insertCode(phone: phone.rawValue, purpose: purpose, codeHash: Data(hash(phone, purpose, code)),
                              createdAt: t, expiresAt: t + policy.smsCodeLifetime)
        try gateway.deliver(to: phone, text: "【建造师注册】验证码 \(code)，5分钟内有效。Verification code \(code), valid 5 minutes.", at: now, in: tx)
    }

    /// Consumes the newest live code for phone and purpose if `code` matches; counts a try
    /// otherwise. A wrong code is returned, not thrown, so the counted try commits.
    static func consume(_ code: String, phone: MobileNumber, purpose: SMSPurpose, field: String, now: Date,
                        policy: AccountPolicy, in store: any SMSStore) throws -> RegistryError? {
        guard let live = try store.newestLiveCode(phone: phone.rawValue, purpose: purpose) else {
            return .invalid(field, .smsNotSent)
        }
        guard live.expiresAt > now.timeIntervalSince1970 else {
            return .invalid(field, .smsExpired)
        }
        guard live.attempts < policy.smsCodeAttempts else {
            return .invalid(field, .smsTooManyTries)
        }
        guard Digest.equal(Array(live.codeHash), hash(phone, purpose, code)) else {
            try store.countAttempt(codeID: live.id)
            return .invalid(field, .smsWrong)
        }
        try store.consume(codeID: live.id)
        return nil
    }

    static func hash(_ phone: MobileNumber, _ purpose: SMSPurpose, _ code: String) -> [UInt8] {
        Digest.sha256(Array("\(phone.rawValue)|\(purpose.rawValue)|\(code)".utf8))
    }
}
