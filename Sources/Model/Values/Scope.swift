import GRDB

/// What a caller may see. Derived from the ``Caller`` (never from a request field). It becomes
/// SQL only inside the stores, one `visible(to:)` rule per aggregate (docs/STORE.md); the
/// `…Filter` fragments below serve the use cases not yet moved to the store layer and go with them.
public enum Scope: Sendable, Hashable {
    case nationwide
    case province(ProvinceCode)
    case enterprise(String)
    case individual(String)
    case nothing

    public init(_ caller: Caller) {
        switch caller {
        case .ministry: self = .nationwide
        case .province(let code): self = .province(code)
        case .enterpriseUser(let enterprise, _, _): self = .enterprise(enterprise)
        case .individual(let id): self = .individual(id)
        case .anonymous: self = .nothing
        }
    }

    /// SQL condition on the `applications` table (aliased `a`) for this scope.
    var applicationsFilter: (sql: String, arguments: StatementArguments) {
        switch self {
        case .nationwide: ("1", [])
        case .province(let code): ("a.province_code = ?", [code.rawValue])
        case .enterprise(let id): ("a.enterprise_id = ?", [id])
        case .individual(let id): ("a.individual_id = ?", [id])
        case .nothing: ("0", [])
        }
    }

    /// SQL condition on the `enterprises` table (aliased `e`) for this scope.
    var enterprisesFilter: (sql: String, arguments: StatementArguments) {
        switch self {
        case .nationwide: ("1", [])
        case .province(let code): ("e.province_code = ?", [code.rawValue])
        case .enterprise(let id): ("e.id = ?", [id])
        case .individual, .nothing: ("0", [])
        }
    }

    /// SQL condition on the `registrations` table (aliased `r`): the ministry all, an enterprise its
    /// registered staff, a person their own (and so their certificates).
    var registrationsFilter: (sql: String, arguments: StatementArguments) {
        switch self {
        case .nationwide: ("1", [])
        case .enterprise(let id): ("r.enterprise_id = ?", [id])
        case .individual(let id): ("r.individual_id = ?", [id])
        case .province, .nothing: ("0", [])
        }
    }

    /// SQL condition on `enterprise_changes` (aliased `c`): an enterprise its own requests, a
    /// province those of its enterprises, the ministry all.
    var enterpriseChangesFilter: (sql: String, arguments: StatementArguments) {
        switch self {
        case .nationwide: ("1", [])
        case .province(let code): ("c.province_code = ?", [code.rawValue])
        case .enterprise(let id): ("c.enterprise_id = ?", [id])
        case .individual, .nothing: ("0", [])
        }
    }
}
