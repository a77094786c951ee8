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
