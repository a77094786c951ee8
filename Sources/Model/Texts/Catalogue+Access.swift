extension Catalogue {
    /// Access.
    static let access: [TextCode: Entry] = [
        .loginFirstEnterprise: .init("请先以企业用户身份登录", "log in first as an enterprise user"),
        .loginFirstIndividual: .init("请先以个人身份登录", "log in first as an individual"),
        .needsMinistryCertificate: .init("此操作需要住房城乡建设部的客户端证书", "this needs the ministry's client certificate"),
        .needsProvinceCertificate: .init("此操作需要省级主管部门的客户端证书", "this needs a provincial authority's client certificate"),
        .sessionsNotAccepted: .init("此服务器不接受会话令牌", "session tokens are not accepted by this server"),
    ]
}
