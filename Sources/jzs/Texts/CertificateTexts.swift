import Model
import Proto

/// What `jzs cert …` says, in Simplified Chinese and English: the certified facts' labels, the
/// verdicts, the printed certificate's wording and the commands' help.
///
/// The printed certificate uses both languages of a phrase at once (Chinese, with the English in
/// small type beneath), whatever the reader's language: it is one document for everyone.
enum CertificateTexts {
    // MARK: Help

    static let abstract = Phrase("电子注册证书：签发、查看、下载、验证、打印、撤销。",
                                 "Electronic certificates: issue, show, download, verify, render, revoke.")
    static let issueAbstract = Phrase("住建部：签发（或重新签发）一项注册的证书。", "Ministry: issue (or re-issue) the certificate of a registration.")
    static let showAbstract = Phrase("查看证书文件所证明的内容与签名验证结果；给出查验标识时，查询证书现行状态（公开）。",
                                     "Show what a certificate file certifies, with the verdict; given an identifier, its current status (public).")
    static let showArgument = Phrase("证书文件（jzs cert download 所得），或证书的查验标识。",
                                     "A certificate file (from jzs cert download), or a certificate's verification identifier.")
    static let downloadAbstract = Phrase("下载已签名的证书文件（个人下载本人证书；住建部以 --id 指定）。",
                                         "Download a signed certificate file (your own as an individual; --id as the ministry).")
    static let downloadID = Phrase("证书查验标识（仅住建部）。", "Certificate identifier (ministry only).")
    static let downloadOut = Phrase("保存到此文件。", "Write the file here.")
    static let verifyAbstract = Phrase("以住建部公钥离线验证证书文件并列出其内容；--online 同时查询现行状态。",
                                       "Verify a certificate file offline with the ministry public key and list what it certifies; --online also asks for its current status.")
    static let verifyDiscussion = Phrase("未给出 --public-key 时，从服务器获取部签名公钥。签名无效、超过使用时限或（--online）证书已作废、撤销时，退出状态为 3。",
                                         "Without --public-key the ministry's signing key is fetched from the server. Exit status 3 when the signature does not hold, the use limit has passed or (--online) the certificate is void or revoked.")
    static let fileArgument = Phrase("证书文件（jzs cert download 所得）。", "The certificate file (from jzs cert download).")
    static let publicKeyOption = Phrase("住建部的 SM2 公钥（PEM 文件）。", "The ministry's SM2 public key (PEM).")
    static let onlineFlag = Phrase("同时向服务器查询现行状态（作废、撤销）。", "Also check the current status (void, revoked) with the server.")
    static let renderAbstract = Phrase("将签名有效的证书文件绘制为可打印的 A4 PDF（中文字体、二维码）。",
                                       "Draw a verified certificate file as a printable A4 PDF (Chinese font, QR code).")
    static let renderDiscussion = Phrase("签名不成立或超过使用时限的证书不予绘制（退出状态 3）。输出文件含个人信息，权限为 0600。",
                                         "A certificate whose signature does not hold, or whose use limit has passed, is not drawn (exit status 3). The file holds personal data and is written with mode 0600.")
    static let renderOut = Phrase("写入的 PDF 文件。", "The PDF file to write.")
    static let revokeAbstract = Phrase("住建部：撤销证书。", "Ministry: revoke a certificate.")
    static let registrationNumberArgument = Phrase("注册编号。", "The registration number (注册编号).")
    static let identifierArgument = Phrase("证书查验标识。", "The certificate's verification identifier.")
    static let reasonOption = Phrase("撤销原因。", "Why it is revoked.")
    static let publicVerifyAbstract = Phrase("查询证书现行状态（公开）：按查验标识，或按注册编号和持证人姓名。",
                                             "The current status of a certificate (public): by its identifier, or by registration number and the holder's name.")
    static let publicVerifyDiscussion = Phrase("""
        jzs public verify 1.2.156.3005.2.…            按查验标识
        jzs public verify --registration-number 鲁137212600001 --name 王五
        jzs public verify 鲁137212600001 王五          按注册编号和姓名（姓名须与注册时完全一致）
        注册编号或姓名不符时，均回答“没有找到”（退出状态 15），不提示是哪一项不符。持证人姓名在结果中部分隐去。
        """, """
        jzs public verify 1.2.156.3005.2.…            by identifier
        jzs public verify --registration-number 鲁137212600001 --name 王五
        jzs public verify 鲁137212600001 王五          by registration number and name (exactly as registered)
        A wrong number and a wrong name both answer "not found" (exit status 15), without saying which. The holder's name is shown masked.
        """)
    static let publicVerifyArguments = Phrase("查验标识；或注册编号和持证人姓名。", "An identifier; or a registration number and the holder's name.")
    static let registrationNumberOption = Phrase("注册编号（与 --name 一起使用）。", "Registration number (注册编号), with --name.")
    static let holderNameOption = Phrase("持证人姓名，须与注册时完全一致。", "The holder's full name, exactly as registered.")
    static let publicVerifyUsage = Phrase("请给出查验标识，或给出注册编号和持证人姓名（--registration-number 注册编号 --name 姓名）",
                                          "give an identifier, or a registration number and the holder's name (--registration-number NUMBER --name NAME)")

    // MARK: The certified facts

    static let title = Phrase("中华人民共和国一级建造师注册证书", "Registration Certificate of Class 1 Constructor, People's Republic of China")
    static let holder = Phrase("持证人", "Holder")
    static let idNumber = Phrase("身份证件号码", "ID number")
    static let registrationNumber = Phrase("注册编号", "Registration number")
    static let specialties = Phrase("注册专业", "Specialties")
    static let specialty = Phrase("专业", "Specialty")
    static let validFrom = Phrase("有效期自", "Valid from")
    static let validUntil = Phrase("有效期至", "Valid until")
    static let specialtyValidity = Phrase("{1}（{2} 至 {3}）", "{1} ({2} to {3})")
    static let employer = Phrase("聘用企业", "Employer")
    static let employerCode = Phrase("统一社会信用代码", "Unified social credit code")
    static let employerWithCode = Phrase("{1}（统一社会信用代码 {2}）", "{1} (credit code {2})")
    static let issuer = Phrase("发证机关", "Issuer")
    static let issuedOn = Phrase("发证日期", "Issue date")
    static let validity = Phrase("有效期", "Validity")
    static let range = Phrase("{1} 至 {2}", "{1} to {2}")
    static let version = Phrase("证书版本", "Version")
    static let versionValue = Phrase("第 {1} 版", "{1}")
    static let useUntil = Phrase("使用时限", "Use limit")
    static let useUntilValue = Phrase("至 {1}", "until {1}")
    static let identifier = Phrase("查验标识", "Verification identifier")
    static let status = Phrase("现行状态", "Status")
    static let reason = Phrase("原因", "Reason")
    static let renderOffline = Phrase("注意：只离线核验了签名（给了 --public-key）；证书可能已作废或撤销，加 --online 可核验现行状态。",
                                      "Note: only the signature was checked offline (--public-key given); the certificate may since be void or revoked: add --online to check its current status.")
    static let supersededBy = Phrase("已由新版本 {1} 取代", "superseded by {1}")
    static let registrationCancelled = Phrase("注册已注销", "registration cancelled")
    /// `{1}` year, `{2}` month, `{3}` day: 2026年11月23日; English keeps the ISO date.
    static let dateFormat = Phrase("{1}年{2}月{3}日", "{1}-{2}-{3}")

    // MARK: Verdicts

    static let signatureValid = Phrase("签名有效（SM2/SM3）：证书 {1} 第 {2} 版，使用时限至 {3}",
                                       "signature valid (SM2/SM3): certificate {1} version {2}, usable until {3}")
    static let notValid = Phrase("无效：{1}", "NOT VALID: {1}")
    static let tampered = Phrase("签名无效：文件已被改动，或并非由此公钥签名", "the signature does not match: the file was changed (tampered) or not signed by this key")
    static let useLimitPassed = Phrase("使用时限已于 {1} 届满，请重新下载证书", "the use limit ended on {1}; download the certificate again")
    static let malformed = Phrase("这不是 jzs 电子证书文件，或其签名内容不完整", "not a jzs electronic certificate file, or its signed document is incomplete")
    static let currentValid = Phrase("现行状态：有效（第 {1} 版）", "current status: valid (version {1})")
    static let isNow = Phrase("证书{1}", "the certificate is {1}")
    static let isNowBecause = Phrase("证书{1}：{2}", "the certificate is {1}: {2}")
    static let voidExplained = Phrase("已作废（已有新版本，或注册已终止）", "void (a newer version exists, or the registration ended)")

    static let valid = Phrase("有效", "valid")
    static let void = Phrase("已作废", "void")
    static let revoked = Phrase("已撤销", "revoked")
    static let expired = Phrase("已过期", "expired")
    static let unknown = Phrase("未知", "unknown")

    // MARK: Download and render

    static let fileRole = Phrase("证书文件", "certificate file")
    static let keyRole = Phrase("公钥文件", "public key")

    static let downloaded = Phrase("已保存 {1}：使用时限至 {2}（最长 180 天，届满后请重新下载）",
                                   "{1}: usable until {2} (180 days at most; download again after)")
    static let rendered = Phrase("已生成 {1}：A4 证书 1 页，{2} 字节，字体 {3}", "wrote {1}: a one-page A4 certificate, {2} bytes, font {3}")
    static let notRendered = Phrase("未生成证书：{1}", "the certificate was not drawn: {1}")
    static let noCJKFont = Phrase("未安装中文字体（Debian 软件包 fonts-noto-cjk 或 fonts-wqy-zenhei）",
                                  "no Chinese font is installed (Debian package fonts-noto-cjk or fonts-wqy-zenhei)")
    static let renderFailed = Phrase("无法绘制证书：{1}", "cannot draw the certificate: {1}")

    // MARK: The printed page

    static let signatureBox = Phrase("持证人签名", "Holder's signature")
    static let printedSignature = Phrase("本证书由发证机关以 SM2/SM3 数字签名签发，生成本页时签名验证有效。",
                                         "Signed by the issuer with SM2/SM3; the signature was verified when this page was made.")
    static let printedTime = Phrase("生成时间 {1}（北京时间）。超过使用时限（{2}）或与在线记录不符的打印件无效；须经持证人本人签名。",
                                    "Made {1} (Beijing time). Not valid after the use limit ({2}), where it differs from the online record, or unsigned by the holder.")
    static let printedCheck = Phrase("扫描二维码，或运行 jzs cert show {1}，查验证书现行状态。",
                                     "Scan the QR code, or run jzs cert show {1}, for the certificate's current status.")

    // MARK: Helpers

    /// A certificate date (`2026-11-23`) as the reader writes it: 2026年11月23日 or 2026-11-23.
    static func date(_ iso: String, in language: Language = UILanguage.current) -> String {
        let parts = iso.split(separator: "-").map { Int($0) }
        guard parts.count == 3, let y = parts[0], let m = parts[1], let d = parts[2] else { return iso }
        if language == .en { return iso }
        return Phrase.fill(dateFormat[language], ["\(y)", "\(m)", "\(d)"])
    }

    /// The server's stored void reason (`superseded by ID`, `registration cancelled`) in the
    /// reader's language; the ministry's own revocation reason as written.
    static func reasonText(_ raw: String) -> String {
        if raw.hasPrefix("superseded by ") { return supersededBy(String(raw.dropFirst("superseded by ".count))) }
        if raw == "registration cancelled" { return registrationCancelled.text }
        return raw
    }

    /// The word for a certificate status.
    static func status(_ status: Wire.Common.CertificateStatus) -> Phrase {
        switch status {
        case .valid: valid
        case .void: void
        case .revoked: revoked
        case .expired: expired
        default: unknown
        }
    }
}
