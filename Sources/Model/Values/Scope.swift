/// What a caller may see. Derived from the ``Caller`` (never from a request field). It becomes
/// a condition only inside the stores, one `visible(to:)` rule per aggregate (docs/STORE.md).
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
}
