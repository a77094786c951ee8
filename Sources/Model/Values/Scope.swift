import GRDB

/// What a caller may see. Derived from the ``Caller`` (never from a request field); the only
/// place it becomes SQL is ``Scope/enterprisesFilter``.
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

    /// SQL condition on a certificate's registration (aliased `r`) for downloading its signed file:
    /// the holder their own, the ministry any.
    var certificatesFilter: (sql: String, arguments: StatementArguments) {
        switch self {
        case .nationwide: ("1", [])
        case .individual(let id): ("r.individual_id = ?", [id])
        case .province, .enterprise, .nothing: ("0", [])
        }
    }
}
