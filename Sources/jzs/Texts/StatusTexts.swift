import Proto
import Model

/// The names people read for the values the server sends as enums: application statuses,
/// registration types, specialties, history actions, caller kinds, certificate states, yes/no.
/// `--json` keeps the machine values; only text output goes through here.
enum StatusTexts {
    static func application(_ s: Wire.Common.ApplicationStatus, _ language: Language = UILanguage.current) -> String {
        switch s {
        case .awaitingEnterprise: awaitingEnterprise[language]
        case .awaitingProvince: awaitingProvince[language]
        case .awaitingMinistry: awaitingMinistry[language]
        case .awaitingAnnouncement: awaitingAnnouncement[language]
        case .returned: returned[language]
        case .withdrawn: withdrawn[language]
        case .refused: refused[language]
        case .rejected: rejected[language]
        case .completed: completed[language]
        case .unspecified, .unrecognized: unknown[language]
        }
    }

    static let awaitingEnterprise = Phrase("待企业上报", "awaiting the enterprise's report")
    static let awaitingProvince = Phrase("待省级审查", "awaiting provincial review")
    static let awaitingMinistry = Phrase("待部级审批", "awaiting the ministry's decision")
    static let awaitingAnnouncement = Phrase("待公告", "awaiting announcement")
    static let returned = Phrase("已退回", "returned")
    static let withdrawn = Phrase("已撤回", "withdrawn")
    static let refused = Phrase("不予受理", "refused")
    static let rejected = Phrase("不予注册", "rejected")
    static let completed = Phrase("已办结", "completed")
    static let unknown = Phrase("未知", "unknown")

    static func registrationType(_ t: Wire.Common.RegistrationType) -> String {
        guard let domain = t.domain else { return unknown.text }
        return registrationType(domain)
    }

    static func registrationType(_ t: RegistrationType) -> String {
        switch t {
        case .initial: initial.text
        case .change: change.text
        case .renewal: renewal.text
        case .addSpecialty: addSpecialty.text
        case .reRegistration: reRegistration.text
        case .cancellation: cancellation.text
        }
    }

    static let initial = Phrase("初始注册", "initial registration")
    static let change = Phrase("变更注册", "change of registration")
    static let renewal = Phrase("延续注册", "renewal")
    static let addSpecialty = Phrase("增项注册", "added specialty")
    static let reRegistration = Phrase("重新注册", "re-registration")
    static let cancellation = Phrase("注销注册", "cancellation")

    /// A specialty as the server names it (建筑工程); in English its translation.
    static func specialty(_ name: String) -> String {
        guard UILanguage.current == .en, let s = Specialty(rawValue: name) else { return name }
        return specialties[s]?.en ?? name
    }

    static func specialties(_ names: [String]) -> String {
        names.map(specialty).joined(separator: UILanguage.current == .zh ? "、" : ", ")
    }

    static let specialties: [Specialty: Phrase] = [
        .building: Phrase("建筑工程", "building construction"),
        .highway: Phrase("公路工程", "highway engineering"),
        .railway: Phrase("铁路工程", "railway engineering"),
        .civilAviation: Phrase("民航机场工程", "civil aviation airport engineering"),
        .portAndWaterway: Phrase("港口与航道工程", "port and waterway engineering"),
        .waterConservancy: Phrase("水利水电工程", "water conservancy and hydropower"),
        .mining: Phrase("矿业工程", "mining engineering"),
        .municipal: Phrase("市政公用工程", "municipal public works"),
        .telecom: Phrase("通信与广电工程", "telecommunications and broadcasting"),
        .mechanicalElectrical: Phrase("机电工程", "mechanical and electrical engineering"),
    ]

    /// A history entry's action as the server records it ("accepted by province").
    /// A history action as stored by the server (`reported`, `announced in 2026-0002`) in the reader's words.
    static func action(_ raw: String) -> String {
        if let known = actions[raw] { return known.text }
        if raw.hasPrefix("announced in ") { return announcedIn(String(raw.dropFirst("announced in ".count))) }
        return raw
    }

    static let announcedIn = Phrase("第 {1} 号公告公布", "announced in {1}")

    static let actions: [String: Phrase] = [
        "submitted": Phrase("个人申报", "submitted"),
        "resubmitted": Phrase("修改后重新申报", "resubmitted"),
        "withdrawn": Phrase("个人撤回", "withdrawn"),
        "reported": Phrase("企业上报", "reported by the enterprise"),
        "returned by enterprise": Phrase("企业退回", "returned by the enterprise"),
        "returned by province": Phrase("省级退回修改", "returned by the province"),
        "accepted by province": Phrase("省级审查通过", "accepted by the province"),
        "refused by province": Phrase("省级不予受理", "refused by the province"),
        "approved by ministry": Phrase("部级批准注册", "approved by the ministry"),
        "rejected by ministry": Phrase("部级不予注册", "rejected by the ministry"),
    ]

    /// A value with a note after it: 王五（jinan-admin）.
    static let withNote = Phrase("{1}（{2}）", "{1} ({2})")

    static let yes = Phrase("是", "yes")
    static let no = Phrase("否", "no")
    static func yesNo(_ value: Bool) -> String { value ? yes.text : no.text }

    static func callerKind(_ k: Wire.Common.CallerKind) -> String {
        switch k {
        case .anonymous: anonymous.text
        case .province: province.text
        case .ministry: ministry.text
        case .enterpriseUser: enterpriseUser.text
        case .individual: individual.text
        case .unspecified, .unrecognized: unknown.text
        }
    }

    static let anonymous = Phrase("匿名（未登录）", "anonymous")
    static let province = Phrase("省级主管部门", "provincial authority")
    static let ministry = Phrase("住建部执业资格注册中心", "ministry")
    static let enterpriseUser = Phrase("企业用户", "enterprise user")
    static let individual = Phrase("个人用户", "individual")

    static let administrator = Phrase("管理员", "administrator")
    static let subUser = Phrase("二级用户", "sub-user")
    static let locked = Phrase("（已锁定）", " (locked)")

    static let onSite = Phrase("现场认证", "on site")
    static let onSiteAssociated = Phrase("现场关联认证", "on site, associated")

    static let businessLicence = Phrase("营业执照", "business licence")
    static let qualificationCertificate = Phrase("资质证明", "qualification certificate")

    /// Sign-up states.
    static let signupDraft = Phrase("填写中（草稿）", "draft")
    static let signupAuthenticated = Phrase("已认证：管理员可以登录（{1}）", "authenticated: the administrator can log in ({1})")
    static let signupPending = Phrase("待{1}现场认证；请携带营业执照、资质证书，代办的携带法人授权书及经办人身份证",
                                      "waiting for on-site authentication at {1}; bring 营业执照, 资质证书, 法人授权书 and the agent's ID")
    static let signupReturned = Phrase("已被省级主管部门退回：{1}——请用 --restart 重新注册",
                                       "returned by the provincial authority: {1} — sign up again with --restart")
}
