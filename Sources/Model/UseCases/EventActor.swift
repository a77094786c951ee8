import Foundation

/// Who acted on an application, as its history keeps it: the machine principal
/// (`jzs:province:37`) and the name a person reads, fixed when the event is written (a later
/// rename does not rewrite history).
///
/// - Province: its authority and the `operator` metadata entry, `山东省住房和城乡建设厅 · 张三`.
/// - Ministry: `住房和城乡建设部执业资格注册中心 · 王五`.
/// - Enterprise user: the enterprise and the user, `某建设有限公司 · 李四（lisi）`.
/// - Individual: the person's name.
struct EventActor: Sendable {
    let principal: String
    let name: String

    /// - Parameters:
    ///   - caller: who acts (the use case's caller; the audit context only lends its `operator`).
    init(_ caller: Caller, _ audit: AuditContext, in tx: any StoreTransaction) throws {
        principal = caller.principal
        let operatorName = audit.operatorName?.trimmingCharacters(in: .whitespacesAndNewlines)
        func with(_ organization: String) -> String {
            guard let person = operatorName, !person.isEmpty else { return organization }
            return "\(organization) · \(person)"
        }
        switch caller {
        case .province(let code):
            name = with(Province.authorityName(of: code.rawValue))
        case .ministry:
            name = with(Province.ministryAuthorityName)
        case .enterpriseUser(let enterprise, let user, _):
            let organization = try tx.enterprises.name(of: enterprise) ?? principal
            if let person = try tx.accounts.enterpriseUser(.id(user), visibleTo: .enterprise(enterprise)) {
                name = "\(organization) · \(person.name)（\(person.account)）"
            } else {
                name = organization
            }
        case .individual(let id):
            name = try tx.accounts.individual(id: id)?.name ?? principal
        case .anonymous:
            name = principal
        }
    }

    /// The name for an event written before names were kept (v13): the authority of a province
    /// or the ministry, else the principal as it was stored.
    static func fallbackName(principal: String) -> String {
        if principal == Caller.ministry.principal { return Province.ministryAuthorityName }
        if principal.hasPrefix("jzs:province:"), let raw = UInt32(principal.dropFirst("jzs:province:".count)) {
            return Province.authorityName(of: raw)
        }
        return principal
    }
}
