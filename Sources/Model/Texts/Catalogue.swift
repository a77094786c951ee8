/// The one catalogue of what the server says to people, in Simplified Chinese and English.
/// Each area keeps its table in its own file (`Catalogue+Area.swift`); ``entries`` joins them and
/// `CatalogueTests` fails when a ``TextCode`` lacks either text or their placeholders differ.
///
/// Templates number their arguments `{1}`, `{2}` … (see ``Text``). Chinese texts use full-width
/// punctuation and name things as the seeds' screens do (统一社会信用代码, 法定代表人).
public enum Catalogue {
    public struct Entry: Sendable {
        public let zh: String
        public let en: String
        public init(_ zh: String, _ en: String) {
            self.zh = zh
            self.en = en
        }
    }

    /// Every table, joined; a code in two tables is a programming error (the test names it).
    public static let entries: [TextCode: Entry] = {
        var all: [TextCode: Entry] = [:]
        for table in tables { all.merge(table) { first, _ in first } }
        return all
    }()

    static let tables: [[TextCode: Entry]] = [review, access, applications, signup, enterpriseandministry, statuses, accounts, values, certificates, accessTable, signupScreens, common]

    static let common: [TextCode: Entry] = [
        .required: .init("必须填写", "is required"),
        .tooLong: .init("最多 {1} 个字符", "must be at most {1} characters"),
        .controlCharacters: .init("不能包含控制字符", "must not contain control characters"),
        .listedTwice: .init("重复列出", "listed twice"),
        .tooManyElements: .init("最多 {1} 项", "at most {1} elements"),
        .notUTF8: .init("不是有效的文字（UTF-8 编码错误或含 NUL）", "is not valid text (bad UTF-8 or a NUL)"),
        .atMost: .init("最多 {1}", "must be at most {1}"),
        .atMostBytes: .init("最多 {1} 字节", "must be at most {1} bytes"),
        .internalError: .init("服务器内部错误，请稍后重试", "internal error; try again later"),
        .storeUnavailable: .init("数据库暂时不可用（可能正在切换到备用库），本次请求未执行，请稍后重试",
                                 "the database is briefly unavailable (it may be switching to its standby); nothing was done, try again shortly"),
        .storeBusy: .init("服务器繁忙，数据库连接已全部占用，请稍后重试", "the server is busy (every database connection is taken); try again shortly"),
        .outcomeUnknown: .init("提交时与数据库的连接中断，无法确定本次请求是否已执行；请先查询结果，或使用同一幂等键重试",
                               "the connection to the database broke while committing, so it is not known whether this was done; check the result first, or retry with the same idempotency key"),
        .callCancelled: .init("调用已取消", "call cancelled"),
        .malformedRequest: .init("请求格式错误：{1}", "malformed request: {1}"),
        .requestTooLarge: .init("请求解码所需内存超过上限", "message needs more memory to decode than allowed"),
        .requestMessageTooLarge: .init("请求消息有 {1} 字节，超过上限 {2} 字节", "request message of {1} bytes exceeds the {2}-byte limit"),
        .responseTooLarge: .init("应答有 {1} 字节，超过单帧上限 {2} 字节", "response of {1} bytes exceeds the {2}-byte frame limit"),
        .serverShuttingDown: .init("服务器正在停机，请在新连接上重试", "server is shutting down; retry on a new connection"),
        .answersUnread: .init("此连接上已有超过 {1} 字节的应答未被读取，请先读取", "more than {1} bytes of answers on this connection are not read yet: read them first"),
        .tooManyCalls: .init("此连接上同时进行的调用过多（上限 {1}）", "too many concurrent calls on this connection (limit {1})"),
        .unknownMethod: .init("没有这个方法：{1}", "unknown method {1}"),
        .unknownService: .init("没有这个服务：{1}", "unknown service {1}"),
        .clientStreaming: .init("不支持客户端流式调用", "client streaming is not supported"),
        .deadlineExceeded: .init("调用超时", "deadline exceeded"),
        .metadataKey: .init("元数据键须为 1 到 64 个 a-z、0-9、“-”、“_”或“.”字符", "must be 1-64 characters of a-z, 0-9, '-', '_' or '.'"),
        .metadataValueTooLong: .init("元数据 {1} 的值过长（上限 {2} 字节）", "metadata {1}: value too long (limit {2} bytes)"),
        .metadataBinary: .init("须为 base64 编码的 UTF-8 文本", "must be UTF-8 text in base64"),
        .operatorRequired: .init("必须填写（代表主管部门办理此事的人）", "is required (the person acting for the authority)"),
        .smsPurpose: .init("请选择验证码用途：个人注册、企业注册或找回密码", "choose what the SMS code is for: individual registration, enterprise sign-up or password reset"),
        .operatorMissing: .init("须写明经办人姓名", "must name the person acting"),
        .operatorControl: .init("不能包含控制字符或格式字符", "must not contain control or format characters"),
        .sourcePasswords: .init("来自您地址的设置或修改密码操作过多，请一分钟后再试", "too many passwords set or changed from your address; try again in a minute"),
        .sourceLogins: .init("来自您地址的登录尝试过多，请一分钟后再试", "too many login attempts from your address; try again in a minute"),
        .sourceSMS: .init("来自您地址的短信验证码请求过多，请一分钟后再试", "too many SMS codes requested from your address; try again in a minute"),
        .smsBusy: .init("短信服务繁忙，请一分钟后再试", "the SMS service is busy; try again in a minute"),
        .sourceAccounts: .init("来自您地址创建的账号或注册过多，请稍后再试", "too many accounts or sign-ups created from your address; try again later"),
    ]
}
