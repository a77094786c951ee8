/// Commands anyone may run: health, server information, services, whoami, echo, announcements,
/// certificate status, logout, and document downloads.
enum PublicTexts {
    static let healthAbstract = Phrase("服务器（或某项服务）是否正常？", "Is the server (or one service) serving?")
    static let healthService = Phrase("完整的服务名，例如 jzs.public.v1.Public（默认：整个服务器）。",
                                      "A full service name, e.g. jzs.public.v1.Public (default: the whole server).")
    static let serving = Phrase("正常服务", "SERVING")
    static let notServing = Phrase("暂停服务", "NOT_SERVING")
    static let serviceUnknown = Phrase("没有这项服务", "SERVICE_UNKNOWN")
    static let unspecified = Phrase("未知", "UNSPECIFIED")

    static let serverAbstract = Phrase("服务器版本、协议和限制（jzs info 的默认子命令）。", "Server version, protocol and limits (the default of `jzs info`).")
    static let version = Phrase("版本", "version")
    static let protocolName = Phrase("协议", "protocol")
    static let serverTime = Phrase("服务器时间", "server time")
    static let maxFrame = Phrase("最大帧", "max frame")
    static let maxFrameValue = Phrase("{1} 字节", "{1} bytes")
    static let maxCalls = Phrase("最大并发调用", "max concurrent calls")
    static let maxCallsValue = Phrase("每个连接 {1} 个", "{1} per connection")
    static let maxCallTime = Phrase("最长调用时间", "max call time")
    static let seconds = Phrase("{1} 秒", "{1} s")
    static let services = Phrase("服务", "services")

    static let servicesAbstract = Phrase("服务器提供的全部服务和方法。", "Every service and method the server offers.")
    static let method = Phrase("方法", "method")
    static let request = Phrase("请求", "request")
    static let response = Phrase("响应", "response")
    static let stream = Phrase("流式 ", "stream ")

    static let whoamiAbstract = Phrase("服务器认定的当前身份。", "Who the server takes you to be.")
    static let kind = Phrase("身份", "kind")
    static let principal = Phrase("主体", "principal")
    static let province = Phrase("省份", "province")

    static let echoAbstract = Phrase("诊断：发送文字（和附加数据）并计时。", "Diagnostics: send text (and a payload) and time the answer.")
    static let echoText = Phrase("要发送的文字。", "Text to send.")
    static let echoPayload = Phrase("附加发送的字节数。", "Extra payload bytes to send.")
    static let echoDelay = Phrase("请服务器等待这么多毫秒后再答复。", "Ask the server to wait this many milliseconds before answering.")
    static let echoCount = Phrase("以流的方式接收这么多个答复（EchoStream），而不是一个。", "Stream this many answers (EchoStream) instead of one.")
    static let echoPayloadRange = Phrase("--payload-size 应在 0...4000000 之间", "--payload-size must be 0...4000000")
    static let echoStreamed = Phrase("{1} 个答复，用时 {2} 微秒", "{1} responses in {2} µs")
    static let echoAnswered = Phrase("{1}（{2} 字节附加数据，{3} 微秒）", "{1} ({2} payload bytes, {3} µs)")

    static let publicAbstract = Phrase("公开信息：公告、证书状态。", "Public information: announcements.")
    static let announcementsAbstract = Phrase("已发布的公告，或一期公告的名单。", "Published announcements, or one with its items.")
    static let announcementNumber = Phrase("公告编号（YYYY-NNNN），列出其名单。", "An announcement number (YYYY-NNNN) for its items.")
    static let announcementTitle = Phrase("公告 {1} {2}", "公告 (announcement) {1} {2}")
    static let noAnnouncement = Phrase("尚未发布任何公告", "no announcement (公告) has been published yet")
    static let registrationNumber = Phrase("注册编号", "registration number")
    static let name = Phrase("姓名", "name")
    static let employer = Phrase("聘用企业", "employer")
    static let type = Phrase("注册类别", "type")
    static let specialties = Phrase("注册专业", "specialties")
    static let verifyAbstract = Phrase("按证书标识查询证书状态。", "The status of a certificate by its identifier.")

    static let logoutAbstract = Phrase("结束当前配置名下保存的会话。", "End the stored session of this profile.")
    static let notLoggedIn = Phrase("未登录", "not logged in")
    static let loggedOut = Phrase("已退出登录", "logged out")

    static let documentAbstract = Phrase("下载申请所附的材料。", "Download a document attached to an application.")
    static let documentNeedsCaller = Phrase("请先登录，或使用省级主管部门/住建部证书", "log in, or use a province or ministry certificate")
    static let downloaded = Phrase("{1}：{2}，{3} 字节", "{1}: {2}, {3} bytes")
    static let attachmentID = Phrase("附件编号。", "Attachment id.")
}
