/// The 10 specialties (专业) of 一级建造师 (DOMAIN.md §2.1), with the seal's short names.
public enum Specialty: String, Sendable, Hashable, Codable, CaseIterable {
    case building = "建筑工程"
    case highway = "公路工程"
    case railway = "铁路工程"
    case civilAviation = "民航机场工程"
    case portAndWaterway = "港口与航道工程"
    case waterConservancy = "水利水电工程"
    case mining = "矿业工程"
    case municipal = "市政公用工程"
    case telecom = "通信与广电工程"
    case mechanicalElectrical = "机电工程"

    /// Short name on the seal: 建筑, 公路, 铁路, 民航, 港航, 水利, 矿业, 市政, 通信, 机电.
    public var shortName: String {
        switch self {
        case .building: "建筑"
        case .highway: "公路"
        case .railway: "铁路"
        case .civilAviation: "民航"
        case .portAndWaterway: "港航"
        case .waterConservancy: "水利"
        case .mining: "矿业"
        case .municipal: "市政"
        case .telecom: "通信"
        case .mechanicalElectrical: "机电"
        }
    }
}

/// Registration types (注册类型) with the national feed's codes (DOMAIN.md §1.1).
public enum RegistrationType: String, Sendable, Hashable, Codable, CaseIterable {
    case initial = "01"        // 初始注册
    case change = "02"         // 变更注册
    case renewal = "03"        // 延续注册
    case addSpecialty = "04"   // 增项注册
    case reRegistration = "05" // 重新注册
    case cancellation = "07"   // 注销

    public var chineseName: String {
        switch self {
        case .initial: "初始注册"
        case .change: "变更注册"
        case .renewal: "延续注册"
        case .addSpecialty: "增项注册"
        case .reRegistration: "重新注册"
        case .cancellation: "注销"
        }
    }
}
