/// 企业首页 and 注册上报: the pending list, 上报, 批量上报 and 退回.
enum ReportTexts {
    static let homeAbstract = Phrase("企业首页：待上报人员和数据统计。", "Enterprise home: applications waiting for you and statistics.")
    static let homeSummary = Phrase("待上报人员 {1}   已注册人员 {2}", "awaiting your report {1}   registered staff {2}")
    static let count = Phrase("  {1}：{2}", "  {1}: {2}")

    static let abstract = Phrase("注册上报：上报或退回人员的注册申请。", "注册上报: report or return staff applications.")
    static let listAbstract = Phrase("待企业上报的申请（或用 --all 列出全部）。", "Applications waiting for the enterprise (or --all).")
    static let all = Phrase("本企业的全部申请，不论状态。", "Every application of the enterprise, whatever its status.")
    static let onlyType = Phrase("只列出此注册类别（initial、renewal …）。", "Only this registration type (initial, renewal, …).")
    static let showAbstract = Phrase("一件申请及其办理记录。", "One application with its history.")

    static let submitAbstract = Phrase("上报一件申请（上报后不能撤销）。", "上报 one application (it can never be undone).")
    static let submitDiscussion = Phrase("""
        上报前显示企业承诺条款并询问“确认上报？”；--yes 在脚本中直接接受承诺条款并上报。\
        没有终端又没有 --yes 时不上报，退出状态 64。
        """, """
        Shows the enterprise's 承诺条款 (commitment clauses) and asks before reporting; --yes accepts \
        them and reports without asking (for scripts). With no terminal and no --yes nothing is \
        reported (exit status 64).
        """)
    static let reported = Phrase("{1} 已上报：{2}", "{1} reported: {2}")

    static let batchAbstract = Phrase("批量上报：上报多件申请（申请编号作为参数，或 --all-pending）。",
                                      "批量上报: report many applications (ids as arguments, or --all-pending).")
    static let batchDiscussion = Phrase("""
        上报前列出要上报的申请，显示企业承诺条款并询问“确认批量上报？”；脚本中用 --yes。

        按 --chunk 分批发送，每批有自己的批次标识（--batch-key K，依次为 K-0、K-1 …）。发送第一批之前，\
        申请列表和分批方式记录在 $XDG_CONFIG_HOME/jzs/batches/配置名/ 下（权限 0600）。用同一个 \
        --batch-key 重新运行时使用该记录而不是当前的待上报列表，每一批都与上次完全相同：服务器对已经\
        处理过的批次返回保存的结果，只处理其余的，任何申请都不会上报两次。中断（被终止、连接断开）后\
        请用同一个标识重新运行直到完成；重新运行已完成的批次会再次显示保存的结果，退出状态 0。

        输出逐条列出每件申请的结果（申请编号、申请人、成功或失败及原因）。退出状态：0 全部上报；\
        2 有申请未能上报（逐条列出服务器给出的原因）；其他见 jzs --help（调用失败：10 + 状态码，\
        例如无法连接服务器为 24；请用同一个标识重新运行）。
        """, """
        Lists the applications, shows the enterprise's 承诺条款 (commitment clauses) and asks before \
        reporting; scripts pass --yes.

        Sent in chunks of --chunk, each with its own idempotency key (--batch-key K, then -0, -1, …). \
        Before the first chunk is sent, the list of applications and the chunking are recorded for \
        K in $XDG_CONFIG_HOME/jzs/batches/PROFILE/ (mode 0600). A rerun with the same --batch-key \
        reuses that record, not the current pending list, so every chunk is sent again exactly as \
        before: the server answers each chunk it already applied with its stored result, applies the \
        rest, and nothing is reported twice. Rerun after an interruption (kill, lost connection) \
        until it finishes; rerunning a finished batch prints its stored result again and exits 0.

        The output lists each application's outcome (id, applicant, reported or failed with the \
        reason). Exit status: 0 every application was reported; 2 some were not (each is listed with \
        the server's reason); otherwise as in `jzs --help` (a failed call: 10 + its status code, e.g. \
        24 when the server cannot be reached; rerun with the same key).
        """)
    static let allPending = Phrase("全部待企业上报的申请。", "Every application waiting for the enterprise.")
    static let batchKeyHelp = Phrase("批次标识的前缀（默认随机生成并显示，以便安全地重新运行）。", "Idempotency key base (default: random; printed so you can rerun safely).")
    static let chunkHelp = Phrase("每次调用上报的申请数（重新运行时沿用记录的分批方式）。", "Applications per call (a rerun keeps the recorded chunking).")
    static let chunkRange = Phrase("--chunk 应在 1 至 {1} 之间", "--chunk must be 1...{1}")
    static let applicationIDs = Phrase("申请编号。", "Application ids.")

    static let batchKey = Phrase("批次标识 {1}（中断后用 --batch-key {1} 重新运行即可安全续传）",
                                 "idempotency key {1} (rerun with --batch-key {1} to resume safely)")
    static let batchResumed = Phrase("批次 {1}：按此标识记录的列表继续（{2} 件申请，每批 {3} 件）",
                                     "batch {1}: resuming with the list recorded for this key ({2} application(s), chunks of {3})")
    static let batchFinished = Phrase("批次 {1} 已于 {2} 完成，以下是当时的结果（没有再次发送）：",
                                      "batch {1} finished at {2}; its stored result (nothing sent again):")
    static let batchKeyUsedForOthers = Phrase("--batch-key {1} 已记录了其他申请：请给出相同的申请编号（或 --all-pending），或换一个新标识",
                                              "--batch-key {1} was recorded for other applications: give the same ids (or --all-pending), or a new key")
    static let batchNonePending = Phrase("没有待上报的申请", "no application is waiting for the report")
    static let batchNothing = Phrase("没有申请：请给出申请编号或 --all-pending", "no applications: give ids or --all-pending")
    static let batchToReport = Phrase("将要上报的申请（{1} 件）：", "Applications to report ({1}):")
    static let batchSummary = Phrase("上报成功 {1} 件，失败 {2} 件", "reported {1}, failed {2}")
    static let itemReported = Phrase("成功", "reported")
    static let itemFailed = Phrase("失败：{1}", "failed: {1}")

    static let returnAbstract = Phrase("退回申请给申请人。", "退回 an application to the applicant.")
    static let returnReason = Phrase("退回理由（必填；申请人可以看到）。", "Why (required; shown to the applicant).")
    static let returned = Phrase("{1} 已退回申请人", "{1} returned to the applicant")
}
