import Proto

/// How a failure reads: the status line of a failed call, client-side failures (connection, TLS,
/// deadline), usage errors and the exit statuses `jzs --help` lists.
enum FailureTexts {
    /// The human status of a failed call; `--json` keeps the code's name (`INVALID_ARGUMENT`).
    static func status(_ code: StatusCode) -> Phrase {
        switch code {
        case .ok: Phrase("成功", "OK")
        case .cancelled: Phrase("已取消", "cancelled")
        case .unknown: Phrase("未知错误", "unknown error")
        case .invalidArgument: Phrase("参数错误", "invalid input")
        case .deadlineExceeded: Phrase("超时", "timed out")
        case .notFound: Phrase("未找到", "not found")
        case .alreadyExists: Phrase("已存在", "already exists")
        case .permissionDenied: Phrase("无权操作", "not permitted")
        case .resourceExhausted: Phrase("超出限制", "over a limit")
        case .failedPrecondition: Phrase("当前状态不允许此操作", "not allowed in the current state")
        case .aborted: Phrase("操作中止", "aborted")
        case .outOfRange: Phrase("超出范围", "out of range")
        case .unimplemented: Phrase("服务器不支持此操作", "not supported by the server")
        case .internalError: Phrase("服务器内部错误", "server error")
        case .unavailable: Phrase("服务不可用", "unavailable")
        case .dataLoss: Phrase("数据丢失", "data loss")
        case .unauthenticated: Phrase("未登录或会话已失效", "not logged in or the session has ended")
        }
    }

    // MARK: Client-side call failures (the client library's own errors, said again in the user's language)

    static let cannotConnect = Phrase("无法连接服务器 {1}：{2}", "cannot connect to {1}: {2}")
    static let tlsHandshakeFailed = Phrase("与服务器的 TLS 握手失败：{1}", "TLS handshake failed: {1}")
    static let tlsHandshakeTimedOut = Phrase("与服务器的 TLS 握手超时", "TLS handshake timed out")
    static let connectionClosed = Phrase("与服务器的连接已断开", "the connection to the server closed")
    static let connectionFailed = Phrase("与服务器的连接出错：{1}", "the connection to the server failed: {1}")
    static let serverDraining = Phrase("服务器正在停机维护，请稍后重试", "the server is shutting down; try again later")
    static let deadlineExceededPlain = Phrase("服务器没有及时答复（可用 --timeout 延长）", "the server did not answer in time (raise --timeout)")
    static let callCancelled = Phrase("调用已取消", "the call was cancelled")
    static let protocolError = Phrase("服务器的答复无法识别（协议错误）", "the server's answer could not be understood (protocol error)")
    static let requestTooLarge = Phrase("请求过大：{1} 字节，上限 {2} 字节", "the request is too large: {1} bytes, at most {2}")
    static let tlsFiles = Phrase("TLS 证书或私钥文件不可用：{1}", "the TLS certificate or key files cannot be used: {1}")

    static let certificateVerifyFailed = Phrase("服务器证书验证失败（--ca 是否为该服务器的 CA？）",
                                                "certificate verify failed (is --ca the server's CA?)")
    static let keyMismatch = Phrase("私钥与证书不匹配（key values mismatch）", "the private key does not match the certificate (key values mismatch)")
    static let unknownHost = Phrase("未知主机", "unknown host")
    static let timedOut = Phrase("连接超时", "timed out")

    // MARK: Local failures

    static let unexpected = Phrase("意外错误：{1}", "unexpected failure: {1}")
    static let cryptoFailed = Phrase("{1} 失败", "{1} failed")
    static let usagePrefix = Phrase("错误：", "Error: ")
    static let usageLine = Phrase("用法：", "Usage: ")

    // MARK: Field names in violations

    /// `--credit-code（统一社会信用代码）`: the command's own flag with the form's label.
    static let flagWithLabel = Phrase("{1}（{2}）", "{1} ({2})")
    /// A field of one line of a batch file.
    static let fileLine = Phrase("第 {1} 行 {2}", "line {1}, {2}")

    // MARK: Exit statuses (`jzs --help`)

    static let exitStatuses = Phrase("""
        退出状态：0 成功；2 批量操作已执行完，但其中有条目失败（report batch、ministry batch decide，\
        每个失败条目都会列出原因；用同一个 --batch-key 重新运行一次已完成的批次会再次显示其结果）；\
        3 证书无效（cert verify）；10 + 调用失败的 gRPC 状态码（11 已取消，12 未知错误，13 参数错误，\
        14 超时，15 未找到，16 已存在，17 无权操作，18 超出限制，19 当前状态不允许此操作，20 操作中止，\
        21 超出范围，22 服务器不支持此操作，23 服务器内部错误，24 无法连接服务器或 TLS 握手失败，\
        25 数据丢失，26 未登录或会话已失效）；64 用法错误（包括需要确认而没有终端也没有 --yes）；\
        66 输入文件不存在、不可读或内容不对（证书、私钥、身份锁或批量文件）；73 无法写入输出文件；\
        1 其他失败（包括在确认提问时回答“否”）。每次失败在标准错误输出一行说明（使用 --json 时，\
        在标准输出打印一个 {"error": …} 对象，其中保留英文状态码）。
        """, """
        Exit status: 0 OK; 2 a batch ran but some of its items failed (`report batch`, `ministry batch \
        decide`; each failed item is listed with its reason; rerunning a finished --batch-key prints its \
        result again); 3 a certificate is not valid (`cert verify`); 10 + the gRPC status code of a \
        failed call (11 CANCELLED, 12 UNKNOWN, 13 INVALID_ARGUMENT, 14 DEADLINE_EXCEEDED, 15 NOT_FOUND, \
        16 ALREADY_EXISTS, 17 PERMISSION_DENIED, 18 RESOURCE_EXHAUSTED, 19 FAILED_PRECONDITION, \
        20 ABORTED, 21 OUT_OF_RANGE, 22 UNIMPLEMENTED, 23 INTERNAL, 24 UNAVAILABLE: the server cannot be \
        reached or the TLS handshake failed, 25 DATA_LOSS, 26 UNAUTHENTICATED); 64 usage error \
        (including a confirmation needed with no terminal and no --yes); 66 an input file is missing, \
        unreadable or not what it should be (a certificate, key, lock or batch file); 73 an output file \
        cannot be written; 1 any other failure (including answering no to a confirmation). Every \
        failure is one line on standard error (with --json, one {"error": …} object on standard output, \
        with the status code's name).
        """)
}
