/// Who is calling, resolved once by the server from the client certificate (province, ministry)
/// or the session token (enterprise user, individual). Never taken from a request field.
public enum Caller: Sendable, Hashable {
    case anonymous
    case province(ProvinceCode)
    case ministry
    case enterpriseUser(enterpriseID: String, userID: String, admin: Bool)
    case individual(individualID: String)

    /// A printable principal: `jzs:province:37`, `jzs:ministry`, `anonymous`, …
    public var principal: String {
        switch self {
        case .anonymous: "anonymous"
        case .province(let code): "jzs:province:\(code.rawValue)"
        case .ministry: "jzs:ministry"
        case .enterpriseUser(let enterprise, let user, _): "jzs:enterprise:\(enterprise):user:\(user)"
        case .individual(let id): "jzs:individual:\(id)"
        }
    }

    /// The short kind used in logs: `anonymous`, `province`, `ministry`, `enterprise`, `individual`.
    public var kind: String {
        switch self {
        case .anonymous: "anonymous"
        case .province: "province"
        case .ministry: "ministry"
        case .enterpriseUser: "enterprise"
        case .individual: "individual"
        }
    }

    /// Parses the SAN URI of a client certificate issued by our CA.
    public static func fromCertificateURI(_ uri: String, corpsCode: UInt32 = Province.defaultCorpsCode) -> Caller? {
        if uri == "jzs:ministry" { return .ministry }
        let prefix = "jzs:province:"
        let digits = uri.dropFirst(prefix.count)
        guard uri.hasPrefix(prefix), !digits.isEmpty, digits.count <= 3, digits.first != "0",
              digits.allSatisfy({ $0.isASCII && $0.isNumber }), let raw = UInt32(digits),
              let code = ProvinceCode(raw, corpsCode: corpsCode) else { return nil }
        return .province(code)
    }
}
