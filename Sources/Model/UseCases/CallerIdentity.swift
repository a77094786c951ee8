/// Who a caller is, in the names a person reads (`jzs whoami`): the organisation, the account
/// and the person, and the province an enterprise user's enterprise belongs to.
public struct CallerIdentity: Sendable, Equatable {
    /// A province's own code, or an enterprise user's enterprise's; 0 for the others.
    public let provinceCode: UInt32
    public let provinceName: String
    /// The enterprise's name; the authority of a province or of the ministry; empty otherwise.
    public let organizationName: String
    /// An enterprise user's account; empty otherwise.
    public let account: String
    /// The person: an enterprise user's or individual's name, or the `operator` of a province or
    /// ministry call.
    public let name: String

    public init(provinceCode: UInt32 = 0, provinceName: String = "", organizationName: String = "", account: String = "", name: String = "") {
        self.provinceCode = provinceCode
        self.provinceName = provinceName
        self.organizationName = organizationName
        self.account = account
        self.name = name
    }
}

extension Accounts {
    /// The names of `caller`; `operatorName` is the `operator` metadata entry of the call.
    /// - Throws: `.storage` when the database fails (a session whose user is gone resolves to
    ///   nothing before this is asked).
    public func identity(of caller: Caller, operatorName: String?) async throws(RegistryError) -> CallerIdentity {
        let person = operatorName?.trimmed ?? ""
        switch caller {
        case .anonymous:
            return CallerIdentity()
        case .ministry:
            return CallerIdentity(organizationName: Province.ministryAuthorityName, name: person)
        case .province(let code):
            return CallerIdentity(provinceCode: code.rawValue, provinceName: Self.provinceName(code.rawValue),
                                  organizationName: Province.authorityName(of: code.rawValue), name: person)
        case .enterpriseUser(let enterprise, let user, _):
            let scope = Scope(caller)
            let found = try await store.read { tx in try tx.accounts.enterpriseUserIdentity(id: user, visibleTo: scope) }
            guard let found else { return CallerIdentity() }
            return CallerIdentity(provinceCode: found.provinceCode, provinceName: Self.provinceName(found.provinceCode),
                                  organizationName: found.enterpriseName, account: found.user.account, name: found.user.name)
        case .individual(let id):
            let name = try await store.read { tx in try tx.accounts.individual(id: id)?.name }
            return CallerIdentity(name: name ?? "")
        }
    }

    /// A valid ``ProvinceCode`` outside the mainland table is the 兵团's, whatever its configured code.
    static func provinceName(_ code: UInt32) -> String {
        Province.mainland.first { $0.code == code }?.name ?? Province.corpsName
    }
}
