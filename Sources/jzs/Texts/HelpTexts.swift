import ArgumentParser

/// `jzs --help`: the root command and the options every command shares.
enum HelpTexts {
    static let rootAbstract = Phrase("建设行业执业资格管理信息系统（一级建造师）客户端 jzs。",
                                     "Client of jzs, 建设行业执业资格管理信息系统（一级建造师）.")

    static let rootDiscussion = Phrase("""
        语言：--lang zh|en 选择界面语言（中文或英文）；未给出时依次取环境变量 JZS_LANG、配置文件中的 \
        "lang"、区域设置（LC_ALL、LC_MESSAGES、LANG：zh_* 为中文，C/POSIX 与 en_* 为英文），都没有时用中文。\
        服务器的提示也使用同一种语言。

        全局选项（--server、--ca、--cert、--key、--timeout、--json、--profile、--operator、--lang、--protocol）\
        可以写在子命令之前或之后。连接设置依次取自选项、环境变量（JZS_SERVER、JZS_CA、JZS_CERT、\
        JZS_KEY、JZS_TIMEOUT）、配置文件（$XDG_CONFIG_HOME/jzs/config.json 或 \
        ~/.config/jzs/config.json，键 "server"、"ca"、"cert"、"key"、"timeout"、"lang"），最后是默认值\
        （服务器 127.0.0.1:7443；若存在 .jzs-data/pki/ca.pem 则用作 CA）。

        不可撤销的操作（上报、批量上报、删除二级用户、撤销证书）在终端上先显示内容并询问确认；脚本中请加 --yes。\
        没有终端又没有 --yes 时不执行，退出状态 64。

        密码在终端输入时不回显，或用 --password-stdin 从标准输入读取；--password（以及 \
        --old-password、--new-password、--admin-password）会让密码出现在进程列表中，本机其他用户\
        可以看到：仅供脚本使用。jzs 写出的文件（会话、下载、报告）只有本人可读（0600）。\
        文字输出中的时间为北京时间（Asia/Shanghai）；--json 输出保留 ISO 8601 时间和英文机器值。


        """, """
        Language: --lang zh|en chooses the language of every text (Chinese or English); without it, \
        JZS_LANG, then "lang" in the config file, then the locale (LC_ALL, LC_MESSAGES, LANG: zh_* is \
        Chinese, C/POSIX and en_* English), then Chinese. The server answers in the same language.

        Global options (--server, --ca, --cert, --key, --timeout, --json, --profile, --operator, --lang, --protocol) \
        may come before or after the command. Connection settings come from flags, then environment \
        variables (JZS_SERVER, JZS_CA, JZS_CERT, JZS_KEY, JZS_TIMEOUT), then the config file \
        ($XDG_CONFIG_HOME/jzs/config.json or ~/.config/jzs/config.json, keys "server", "ca", "cert", \
        "key", "timeout", "lang"), then defaults (server 127.0.0.1:7443; CA .jzs-data/pki/ca.pem when \
        it exists).

        What cannot be undone (上报, 批量上报, removing a sub-user, revoking a certificate) is shown and confirmed on a \
        terminal first; scripts pass --yes. With no terminal and no --yes nothing is done (exit 64).

        Passwords are typed at the terminal without echo, or read from standard input with \
        --password-stdin; --password (and --old-password, --new-password, --admin-password) puts the \
        password in the process list, where other local users can read it: for scripts only. Files jzs \
        writes (sessions, downloads, reports) are created readable by you only (0600). Times in text \
        output are China Standard Time (Asia/Shanghai); --json keeps ISO 8601 times and machine values.


        """)

    // MARK: Global options

    static let server = Phrase("服务器地址 host:port（环境变量 JZS_SERVER；默认 127.0.0.1:7443）。",
                               "Server as host:port (env JZS_SERVER; default 127.0.0.1:7443).")
    static let ca = Phrase("签发服务器证书的 CA 证书 PEM 文件（环境变量 JZS_CA）。",
                           "PEM file of the CA that issued the server certificate (env JZS_CA).")
    static let cert = Phrase("客户端证书 PEM，省级主管部门和住建部使用（环境变量 JZS_CERT）。",
                             "Client certificate PEM, for provinces and the ministry (env JZS_CERT).")
    static let key = Phrase("--cert 的私钥 PEM（环境变量 JZS_KEY；默认与 --cert 同一文件）。",
                            "Private key PEM of --cert (env JZS_KEY; default: the --cert file).")
    static let timeout = Phrase("每次调用的时限，单位秒（环境变量 JZS_TIMEOUT；默认 30）。",
                                "Deadline of each call in seconds (env JZS_TIMEOUT; default 30).")
    static let json = Phrase("输出供脚本使用的 JSON，而不是文字。", "Print JSON for scripts instead of text.")
    static let profile = Phrase("会话配置名（环境变量 JZS_PROFILE；默认 \"default\"）：login 把会话保存在其名下。",
                                "Session profile (env JZS_PROFILE; default \"default\"): `login` stores the session under it.")
    static let operatorName = Phrase("代表省级主管部门或住建部办理的经办人（环境变量 JZS_OPERATOR）；记入审计日志。",
                                     "Person acting for a province or the ministry (env JZS_OPERATOR); audited.")
    static let lang = Phrase("界面语言：zh（中文）或 en（英文）（环境变量 JZS_LANG；默认按区域设置，否则中文）。",
                             "Language: zh (Chinese) or en (English) (env JZS_LANG; default: from the locale, else Chinese).")
    static let wireProtocol = Phrase("与服务器通信的协议：jzs/1（默认）或 h2（标准 gRPC，HTTP/2）（环境变量 JZS_PROTOCOL）。",
                                     "Protocol to the server: jzs/1 (default) or h2 (standard gRPC over HTTP/2) (env JZS_PROTOCOL).")
    static let yes = Phrase("不询问，直接确认（供脚本使用）。", "Do not ask: confirm (for scripts).")

    static let badLang = Phrase("--lang {1}：应为 zh 或 en", "--lang {1}: expected zh or en")
    static let badProtocol = Phrase("--protocol {1}：应为 jzs/1 或 h2", "--protocol {1}: expected jzs/1 or h2")
    static let badServer = Phrase("--server {1}：应为 host:port", "--server {1}: expected host:port")
    static let noCA = Phrase("没有 CA 文件：请用 --ca FILE 指定（服务器的 pki/ca.pem）或设置 JZS_CA",
                             "no CA file: give --ca FILE (the server's pki/ca.pem) or set JZS_CA")
    static let badTimeout = Phrase("--timeout 应大于 0 秒、不超过 3600 秒", "--timeout must be in (0, 3600] seconds")

    // Shared option help
    static let pageSize = Phrase("每页条数。", "Entries per page.")
    static let pageToken = Phrase("上一页给出的分页标记。", "The page token printed with the previous page.")
    static let applicationID = Phrase("申请编号。", "Application id.")
    static let reasonRequired = Phrase("理由（必填）。", "Why (required).")
    static let outFile = Phrase("写入此文件。", "Write to this file.")
}

extension ArgumentHelp {
    /// The help of an option or argument in the user's language.
    init(_ phrase: Phrase, valueName: String? = nil) { self.init(phrase.text, valueName: valueName) }
}
