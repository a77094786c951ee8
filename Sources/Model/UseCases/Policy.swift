public import Crypto
public import Foundation

/// Account and session rules in one place (DESIGN.md §4).
public struct AccountPolicy: Sendable {
    public var lockAfterFailures = 5
    public var lockDuration: TimeInterval = 30 * 60
    public var sessionIdleTimeout: TimeInterval = 30 * 60
    public var sessionAbsoluteTimeout: TimeInterval = 12 * 3600
    /// `last_seen` is written at most this often per session (saves a write per call).
    public var sessionTouchInterval: TimeInterval = 60
    public var passwordHashing = PasswordHash.Parameters.standard
    public var smsCodeLifetime: TimeInterval = 5 * 60
    public var smsCodeAttempts = 3
    public var smsMinimumInterval: TimeInterval = 60
    public var smsPerPhonePerDay = 10

    public init() {}

    /// Cheap hashing for tests (the rules are unchanged).
    public static var testing: AccountPolicy {
        var p = AccountPolicy()
        p.passwordHashing = .testing
        return p
    }
}

/// Registration rules a province or the ministry may set (jzsd.json "rules"; DOMAIN.md §1.4).
public struct RegistrationRules: Sendable, Equatable {
    /// 延续注册 opens this many days before a specialty expires (the Beijing 二建 practice: 90).
    public var renewalOpensDays = 90
    /// … and closes this many days before it (the review needs the time: 30).
    public var renewalClosesDays = 30

    public init() {}
}
