internal import Synchronization
package import NIOCore
package import Proto
package import Model

/// Per-source budgets of the methods an anonymous attacker would hammer (issue #8): password
/// logins, SMS sends (also one server-wide budget for the gateway), account creation, public
/// certificate look-ups (guessing a holder's name for a 注册编号) and the other methods that hash
/// a password (the hashing pool is shared with logins: a flood of them would make every login
/// answer "busy"). One
/// token bucket per (class, client address), in memory: each jzsd node keeps its own, which
/// multiplies the budget by the number of nodes behind the load balancer (documented).
package final class SourceLimiter: Sendable {
    package enum Class: String, Sendable, CaseIterable {
        case login, sms, smsGlobal, account, lookup, password
    }

    /// Which budgets each method spends (every call, before its handler runs).
    package static let table: [String: [Class]] = [
        "/jzs.individual.v1.Individual/Login": [.login],
        "/jzs.enterprise.v1.Enterprise/Login": [.login],
        "/jzs.enterprise.v1.Enterprise/ResetPassword": [.login],
        "/jzs.public.v1.Public/SendSmsCode": [.sms, .smsGlobal],
        "/jzs.enterprise.v1.Enterprise/RequestPasswordReset": [.sms, .smsGlobal],
        "/jzs.individual.v1.Individual/ResetPassword": [.login],
        "/jzs.individual.v1.Individual/RequestPasswordReset": [.sms, .smsGlobal],
        "/jzs.individual.v1.Individual/CreateAccount": [.account],
        "/jzs.enterprise.v1.Enterprise/StartSignup": [.account],
        "/jzs.public.v1.Public/VerifyCertificate": [.lookup],
        "/jzs.enterprise.v1.Enterprise/SetSignupAdministrator": [.password],
        "/jzs.enterprise.v1.Enterprise/AddUser": [.password],
        "/jzs.enterprise.v1.Enterprise/UpdateUser": [.password],
        "/jzs.enterprise.v1.Enterprise/ChangePassword": [.password],
        "/jzs.individual.v1.Individual/ChangePassword": [.password],
    ]

    private struct Key: Hashable {
        let type: Class
        let address: String
    }

    private let limits: Limits
    private let buckets = Mutex<[Key: TokenBucket]>([:])
    /// Beyond this many tracked (class, address) pairs the table starts again empty: a bound on
    /// memory for floods from very many addresses, at the price of fresh budgets for all.
    private let maxTracked = 100_000

    package init(limits: Limits) {
        self.limits = limits
    }

    private func bucket(_ type: Class, now: NIODeadline) -> TokenBucket {
        func perSecond(_ count: Int, per seconds: Int) -> Double { Double(count) / Double(seconds) }
        switch type {
        case .login: return TokenBucket(burst: limits.loginBurstPerAddress, perSecond: perSecond(limits.loginsPerMinutePerAddress, per: 60), now: now)
        case .sms: return TokenBucket(burst: limits.smsBurstPerAddress, perSecond: perSecond(limits.smsPerMinutePerAddress, per: 60), now: now)
        case .smsGlobal: return TokenBucket(burst: limits.smsBurstGlobal, perSecond: perSecond(limits.smsPerMinuteGlobal, per: 60), now: now)
        case .account: return TokenBucket(burst: limits.accountBurstPerAddress, perSecond: perSecond(limits.accountsPerHourPerAddress, per: 3600), now: now)
        case .lookup: return TokenBucket(burst: limits.lookupBurstPerAddress, perSecond: perSecond(limits.lookupsPerMinutePerAddress, per: 60), now: now)
        case .password: return TokenBucket(burst: limits.passwordBurstPerAddress, perSecond: perSecond(limits.passwordsPerMinutePerAddress, per: 60), now: now)
        }
    }

    /// Spends one token of each budget `method` uses for `address`; the first empty budget.
    package func spend(method: String, address: String, now: NIODeadline = .now()) -> Class? {
        guard let classes = Self.table[method] else { return nil }
        return buckets.withLock { table in
            if table.count > maxTracked { table.removeAll(keepingCapacity: true) }
            for type in classes {
                let key = Key(type: type, address: type == .smsGlobal ? "" : address)
                var b = table[key] ?? bucket(type, now: now)
                let ok = b.take(now: now)
                table[key] = b
                if !ok { return type }
            }
            return nil
        }
    }

    /// The message a refused caller reads.
    package static func message(_ type: Class) -> Text {
        switch type {
        case .login: Text(.sourceLogins)
        case .sms: Text(.sourceSMS)
        case .smsGlobal: Text(.smsBusy)
        case .account: Text(.sourceAccounts)
        case .lookup: Text(.sourceLookups)
        case .password: Text(.sourcePasswords)
        }
    }
}
