extension Catalogue {
    /// Enterprise and ministry.
    static let enterpriseandministry: [TextCode: Entry] = [
        .enterpriseInfoWho: .init("企业信息仅供本企业用户和主管部门查看", "enterprise information is for its users and authorities"),
        .enterpriseNotFound: .init("没有找到该企业", "enterprise not found"),
        .attachmentNotFound: .init("没有找到附件 {1}", "attachment {1} not found"),
        .nothingToChange: .init("没有要变更的项目", "nothing to change"),
        .phoneOrLandline: .init("须为手机号码或固定电话（如 010-12345678）", "must be a mobile number or a landline such as 010-12345678"),
        .changeAlreadyPending: .init("已有一项变更申请正在省级审核，请等待结果", "a change request is already under provincial review; wait for its decision"),
        .onlyProvincesDecideChanges: .init("只有省级主管部门审核企业信息变更", "only provincial authorities decide enterprise changes"),
        .rejectReasonRequired: .init("驳回时必须填写理由，说明哪里有问题", "is required when rejecting: say what is wrong"),
        .changeNotFound: .init("没有找到变更申请 {1}", "change request {1} not found"),
        .changeAlreadyDecided: .init("该变更申请已处理（{1}）", "the change request was already decided ({1})"),
        .onlyMinistryDecides: .init("只有住房城乡建设部审批申请", "only the ministry decides applications"),
        .emptyList: .init("不能为空", "is empty"),
        .applicationNotFound: .init("没有找到申请 {1}", "application {1} not found"),
        .alreadyDecided: .init("该申请已审批（当前状态：{1}）", "already decided (it is {1})"),
        .notForwarded: .init("该申请尚未报送住房城乡建设部（当前状态：{1}）", "not forwarded to the ministry (it is {1})"),
        .alreadyRegistered: .init("此人已经注册（只能注册在一个单位）", "the person is registered already (one employer)"),
        .noRegistration: .init("此人没有有效的注册", "the person has no active registration"),
        .specialtyNotRegistered: .init("未注册{1}专业", "{1} is not a registered specialty"),
        .noProvinceAbbreviation: .init("省份代码 {1} 没有注册编号简称", "no registration-number abbreviation for province {1}"),
        .serialsExhausted: .init("省份代码 {1} 的注册流水号已用完", "registration serials of province {1} are exhausted"),
        .onlyMinistryAnnounces: .init("只有住房城乡建设部发布公告", "only the ministry publishes announcements"),
        .requiredUpTo: .init("必须填写（最多 {1} 个字符）", "is required (at most {1} characters)"),
        .nothingToAnnounce: .init("没有待公告的已批准申请", "no approved application is waiting for an announcement"),
        .announcementNotFound: .init("没有找到公告 {1}", "announcement {1} not found"),
    ]
}
