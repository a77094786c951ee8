/// A provincial-level review authority, identified by its GB/T 2260 two-digit code
/// (DOMAIN.md §5.5), or by the configured code of 新疆生产建设兵团.
public struct ProvinceCode: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let rawValue: UInt32

    public init?(_ rawValue: UInt32, corpsCode: UInt32 = Province.defaultCorpsCode) {
        guard Province.name(of: rawValue, corpsCode: corpsCode) != nil else { return nil }
        self.rawValue = rawValue
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var description: String { String(rawValue) }
}

/// The 32 review authorities: the 31 mainland provincial divisions and 新疆生产建设兵团.
public enum Province {
    /// Code used for 新疆生产建设兵团 unless configured otherwise (GB/T 2260 has none; DOMAIN.md §5.5).
    public static let defaultCorpsCode: UInt32 = 66

    /// The 31 mainland province-level divisions (GB/T 2260), code → name.
    public static let mainland: [(code: UInt32, name: String)] = [
        (11, "北京市"), (12, "天津市"), (13, "河北省"), (14, "山西省"), (15, "内蒙古自治区"),
        (21, "辽宁省"), (22, "吉林省"), (23, "黑龙江省"),
        (31, "上海市"), (32, "江苏省"), (33, "浙江省"), (34, "安徽省"), (35, "福建省"), (36, "江西省"), (37, "山东省"),
        (41, "河南省"), (42, "湖北省"), (43, "湖南省"), (44, "广东省"), (45, "广西壮族自治区"), (46, "海南省"),
        (50, "重庆市"), (51, "四川省"), (52, "贵州省"), (53, "云南省"), (54, "西藏自治区"),
        (61, "陕西省"), (62, "甘肃省"), (63, "青海省"), (64, "宁夏回族自治区"), (65, "新疆维吾尔自治区"),
    ]

    public static let corpsName = "新疆生产建设兵团"

    /// The one-character abbreviation that leads a registration number (DOMAIN.md §2.3; 贵 and
    /// 云 are used for 贵州 and 云南, 兵 for the corps).
    public static func abbreviation(of code: UInt32, corpsCode: UInt32 = defaultCorpsCode) -> String? {
        if code == corpsCode { return "兵" }
        let table: [UInt32: String] = [
            11: "京", 12: "津", 13: "冀", 14: "晋", 15: "蒙", 21: "辽", 22: "吉", 23: "黑", 31: "沪", 32: "苏", 33: "浙",
            34: "皖", 35: "闽", 36: "赣", 37: "鲁", 41: "豫", 42: "鄂", 43: "湘", 44: "粤", 45: "桂", 46: "琼", 50: "渝",
            51: "川", 52: "贵", 53: "云", 54: "藏", 61: "陕", 62: "甘", 63: "青", 64: "宁", 65: "新",
        ]
        return table[code]
    }

    /// Every review authority's code with the given 兵团 code.
    public static func allCodes(corpsCode: UInt32 = defaultCorpsCode) -> [UInt32] {
        mainland.map(\.code) + [corpsCode]
    }

    public static func name(of code: UInt32, corpsCode: UInt32 = defaultCorpsCode) -> String? {
        if code == corpsCode { return corpsName }
        return mainland.first { $0.code == code }?.name
    }
}

extension Province {
    /// The ministry's registration centre, as history lines and `whoami` name it.
    public static let ministryAuthorityName = "住房和城乡建设部执业资格注册中心"

    /// The provincial construction authority (省级住房和城乡建设主管部门) of a review authority
    /// code, as history lines and `whoami` name it: 山东省住房和城乡建设厅, 北京市住房和城乡建设委员会,
    /// 新疆生产建设兵团住房和城乡建设局. A code that is not a mainland division is the 兵团's (a
    /// ``ProvinceCode`` is only made for the 32 authorities).
    public static func authorityName(of code: UInt32) -> String {
        guard let name = mainland.first(where: { $0.code == code })?.name else { return corpsName + "住房和城乡建设局" }
        switch code {
        case 31: return name + "住房和城乡建设管理委员会"
        case 11, 12, 50: return name + "住房和城乡建设委员会"
        default: return name + "住房和城乡建设厅"
        }
    }
}
