#if canImport(Glibc)
import Glibc
#endif

/// Files the CLI reads and writes: the sentence of a file problem, what each file is, and the
/// system's reasons (`strerror`) in both languages.
enum FileTexts {
    static let cannotRead = Phrase("无法读取 {1}{2}：{3}", "cannot read {1}{2}: {3}")
    static let cannotWrite = Phrase("无法写入 {1}：{2}", "cannot write {1}: {2}")
    static let isDirectory = Phrase("这是一个目录", "it is a directory")
    static let notPEMCertificate = Phrase("不是 PEM 格式的证书文件", "not a PEM certificate file")
    static let notPEMKey = Phrase("不是 PEM 格式的私钥文件", "not a PEM private key file")
    static let notBatchRecord = Phrase("不是本服务器、本批次标识的批次记录（将其移走即可重新使用该标识）",
                                       "not a batch record of this server and key (move it away to start the key anew)")

    // What a file is for, as the sentence names it (zh: before the path; en: "the … ").
    static let caFile = Phrase("CA 证书文件（--ca）", "CA file (--ca)")
    static let clientCertificate = Phrase("客户端证书（--cert）", "client certificate (--cert)")
    static let privateKey = Phrase("私钥文件（--key）", "private key (--key)")
    static let lockCertificate = Phrase("身份锁证书（--lock-cert）", "identity lock certificate (--lock-cert)")
    static let lockKey = Phrase("身份锁私钥（--lock-key）", "identity lock key (--lock-key)")
    static let image = Phrase("图片文件", "image")
    static let document = Phrase("附件文件", "document")
    static let decisionsFile = Phrase("决定文件（--file）", "decisions file")
    static let batchRecord = Phrase("批次记录", "batch record")

    /// `strerror(code)` in the user's language: the common reasons are translated, others keep the
    /// system's English words.
    static func reason(errno code: Int32) -> Phrase {
        if let known = system[code] { return known }
        let text = String(cString: strerror(code))
        let sentence = text.prefix(1).lowercased() + text.dropFirst()
        return Phrase(sentence, sentence)
    }

    /// The phrase of a system reason given in English words (as the client library reports it,
    /// e.g. "connection refused"), or nil when it is not one of the known ones.
    static func reason(englishText text: String) -> Phrase? {
        system.values.first { $0.en == text }
    }

    static let system: [Int32: Phrase] = [
        ENOENT: Phrase("文件或目录不存在", "no such file or directory"),
        EACCES: Phrase("没有访问权限", "permission denied"),
        EPERM: Phrase("操作不被允许", "operation not permitted"),
        EISDIR: Phrase("这是一个目录", "is a directory"),
        ENOTDIR: Phrase("路径中有一部分不是目录", "not a directory"),
        ENOSPC: Phrase("磁盘空间不足", "no space left on device"),
        EROFS: Phrase("文件系统只读", "read-only file system"),
        EEXIST: Phrase("文件已存在", "file exists"),
        ENAMETOOLONG: Phrase("文件名过长", "file name too long"),
        ELOOP: Phrase("符号链接层数过多", "too many levels of symbolic links"),
        ECONNREFUSED: Phrase("连接被拒绝", "connection refused"),
        ECONNRESET: Phrase("连接被对方重置", "connection reset by peer"),
        EHOSTUNREACH: Phrase("无法访问该主机", "no route to host"),
        ENETUNREACH: Phrase("网络不可达", "network is unreachable"),
        ETIMEDOUT: Phrase("连接超时", "connection timed out"),
        EPIPE: Phrase("连接已断开", "broken pipe"),
        EADDRNOTAVAIL: Phrase("无法分配请求的地址", "cannot assign requested address"),
    ]
}
