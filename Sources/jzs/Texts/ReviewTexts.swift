/// The provincial authority and the ministry: sign-ups, enterprise changes, review, decisions, 公告.
enum ReviewTexts {
    static let provinceAbstract = Phrase("省级主管部门：企业注册认证、企业信息变更、注册申请审查。",
                                         "Provincial authority: sign-ups, enterprise changes, application review.")
    static let signupsAbstract = Phrase("本省等待现场认证的企业注册。", "Sign-ups waiting for on-site authentication in your province.")
    static let noSignup = Phrase("没有等待认证的企业注册", "no sign-up waiting")
    static let enterprise = Phrase("企业编号", "enterprise")
    static let creditCode = Phrase("统一社会信用代码", "credit code")
    static let name = Phrase("企业名称", "name")
    static let method = Phrase("认证方式", "method")
    static let admin = Phrase("管理员账号", "admin")
    static let authenticateAbstract = Phrase("确认企业注册的现场认证。", "Confirm on-site authentication of a sign-up.")
    static let enterpriseIDHelp = Phrase("企业编号（见 jzs province signups）。", "Enterprise id (from `jzs province signups`).")
    static let authenticated = Phrase("{1} 已通过认证；其管理员 {2} 可以登录", "{1} authenticated; its administrator {2} can log in")

    static let returnAbstract = Phrase("退回申请修改，或退回错误的企业注册（用企业编号）。", "Return an application for correction, or a wrong sign-up (by its enterprise id).")
    static let returnDiscussion = Phrase("给出本省的申请编号时退回申请人修改；给出企业编号时退回该企业注册（企业需重新注册）。",
                                         "An application id of your province returns the application to its applicant; an enterprise id returns that sign-up (the enterprise signs up again).")
    static let returnID = Phrase("申请编号或企业编号。", "Application id or enterprise id.")
    static let returnReason = Phrase("理由（必填；申请人或企业可以看到）。", "Why (required; shown to the applicant or enterprise).")
    static let signupReturned = Phrase("已退回该企业注册", "sign-up returned")

    static let lookupAbstract = Phrase("查询企业的管理员账号（忘记账号）。", "An enterprise's administrator account (forgotten account).")
    static let creditCodeHelp = Phrase("统一社会信用代码。", "统一社会信用代码 (unified social credit code).")
    static let administratorAccount = Phrase("管理员账号", "administrator account")

    static let resetAdminAbstract = Phrase("为企业管理员设置临时密码。", "Give an enterprise administrator a temporary password.")
    static let enterpriseID = Phrase("企业编号。", "Enterprise id.")
    static let temporaryPassword = Phrase("临时密码：{1}（请当面告知）", "temporary password: {1} (tell it in person)")

    static let reassignAbstract = Phrase("当面核验证件后，把个人账号交还其本人（找回被冒用的个人账号）。",
                                         "Give an individual account (找回被冒用的个人账号) to its owner after checking their documents in person.")
    static let reassignDiscussion = Phrase("姓名和手机号码改为本人的，所有会话结束，临时密码只显示一次。连同 --operator 和 --verification 记入审计日志。",
                                           "The name and phone become the owner's, every session ends, and a temporary password is shown once. Audited with --operator and --verification.")
    static let ownerIDNumber = Phrase("本人的身份证号码。", "The owner's ID number (身份证号).")
    static let ownerName = Phrase("本人姓名，与身份证一致。", "The owner's name as on the ID card.")
    static let ownerPhone = Phrase("本人的手机号码。", "The owner's mobile phone.")
    static let verification = Phrase("当面核验了什么，例如 身份证原件核验。", "What was checked in person, e.g. 身份证原件核验.")
    static let reassigned = Phrase("账号已交还本人；临时密码：{1}（请当面告知）", "account given to its owner; temporary password: {1} (tell it in person)")

    static let changesAbstract = Phrase("等待确认的企业信息变更。", "Enterprise information changes waiting for you.")
    static let noChange = Phrase("没有等待确认的变更申请", "no change request waiting")
    static let decideChangeAbstract = Phrase("同意或驳回（需 --reason）企业信息变更申请。", "Approve or reject (with --reason) a change request.")
    static let changeID = Phrase("变更申请编号。", "Change request id.")
    static let approveHelp = Phrase("同意。", "Approve.")
    static let rejectHelp = Phrase("驳回（需要 --reason）。", "Reject (needs --reason).")
    static let reasonHelp = Phrase("理由。", "Why.")
    static let approveOrReject = Phrase("请给出 --approve 或 --reject 之一", "give --approve or --reject")
    static let approved = Phrase("已同意", "approved")
    static let rejected = Phrase("已驳回", "rejected")

    // Listings (province and ministry)
    static let statusHelp = Phrase("""
        申请状态，写中文名称或英文名：待企业上报（awaiting-enterprise）、待省级审查（awaiting-province）、\
        待部级审批（awaiting-ministry）、待公告（awaiting-announcement）、已退回（returned）、已撤回（withdrawn）、\
        不予受理（refused）、不予注册（rejected）、已办结（completed）。可重复；默认：等待您办理的。
        """, "Status, by name (awaiting-enterprise, awaiting-province, awaiting-ministry, awaiting-announcement, returned, withdrawn, refused, rejected, completed) or as listings print it; repeatable (default: waiting for you).")
    static let typeHelp = Phrase("注册类别：初始、变更、延续、增项、重新、注销（也可写“初始注册”或 initial 等）。", "Registration type: initial, change, renewal, add-specialty, re-registration, cancellation (or 初始, 变更 …).")
    static let enterpriseHelp = Phrase("只看此企业编号。", "Only this enterprise id.")
    static let fromHelp = Phrase("申报日期不早于（YYYY-MM-DD，北京时间）。", "Submitted on or after (YYYY-MM-DD, China Standard Time).")
    static let untilHelp = Phrase("申报日期早于（YYYY-MM-DD，北京时间）。", "Submitted before (YYYY-MM-DD, China Standard Time).")
    static let badStatus = Phrase("--status {1}：不是申请状态（可选：{2}）", "--status {1}: not an application status (one of: {2})")
    static let badDay = Phrase("{1}：应为 YYYY-MM-DD", "{1}: expected YYYY-MM-DD")

    static let provinceApplicationsAbstract = Phrase("本省的注册申请（默认：等待您审查的）。", "Applications of your province (default: waiting for you).")
    static let showAbstract = Phrase("一件申请及其办理记录。", "One application with its history.")
    static let acceptAbstract = Phrase("审查通过，报送住建部。", "Accept an application and forward it to the ministry.")
    static let refuseAbstract = Phrase("不予受理（终结）。", "Refuse an application (不予受理, terminal).")
    static let exportAbstract = Phrase("以 JSON 行的形式导出全部符合条件的申请。", "Stream every matching application as JSON lines.")
    static let statisticsAbstract = Phrase("按状态和注册类别统计申请。", "Applications counted by status and type.")
    static let exported = Phrase("共 {1} 件申请", "{1} applications")
    static let total = Phrase("合计 {1}", "total {1}")

    static let ministryAbstract = Phrase("住建部：注册申请、审批决定、公告。", "Ministry: applications, decisions, announcements.")
    static let ministryApplicationsAbstract = Phrase("全国的注册申请（默认：已报送住建部的）。", "Applications nationwide (default: forwarded to the ministry).")
    static let decideAbstract = Phrase("批准或不予注册（需 --reason）一件申请。", "Approve or reject (with --reason) one application.")
    static let decisionHelp = Phrase("批准（approve）或 不予注册（reject）", "approve (批准) or reject (不予注册)")
    static let badDecision = Phrase("决定“{1}”无效：应为 批准（approve）或 不予注册（reject）", "decision \"{1}\": expected approve (批准) or reject (不予注册)")
    static let decided = Phrase("{1}：{2}", "{1}: {2}")
    static let decidedWithNumber = Phrase("{1}：{2}，注册编号 {3}", "{1}: {2}, 注册编号 (registration number) {3}")

    static let batchAbstract = Phrase("从文件批量办理。", "Batch work from a file.")
    static let batchDecideAbstract = Phrase("按 CSV 或 JSON 行文件批量作出决定。", "Decide applications from a CSV or JSON-lines file.")
    static let batchDecideDiscussion = Phrase("""
        CSV：application_id,decision,reason（decision 为 approve 或 reject；可以有表头行）。
        JSON 行：{"application_id": "…", "decision": "approve", "reason": "…"}。
        分批发送；每批的批次标识由文件的 SHA-256 和批次位置得出，中断后重新运行不会重复办理，只完成其余部分。
        输出逐条列出失败的决定及原因；文件有误时指出文件的行号。
        退出状态：0 全部办理（或此前已办理）；2 有决定未能办理（逐条列出原因）；其他见 jzs --help。
        """, """
        CSV: application_id,decision,reason (decision approve or reject; a header line is optional).
        JSON lines: {"application_id": "…", "decision": "approve", "reason": "…"}.
        Sent in chunks; each chunk's idempotency key comes from the file's SHA-256 and the chunk's
        position, so a rerun after an interruption applies nothing twice and finishes the rest.
        Failed decisions are listed with their reasons; a problem in the file names its line.
        Exit status: 0 every decision was applied (or had been); 2 some were not (each is listed with
        its reason); otherwise as in `jzs --help`.
        """)
    static let fileHelp = Phrase("决定文件（.csv 或 .jsonl）。", "Decisions file (.csv or .jsonl).")
    static let chunkHelp = Phrase("每次调用的决定数。", "Decisions per call.")
    static let reportHelp = Phrase("把 JSON 行报告（每个决定一行）写到此文件。", "Write a JSON-lines report (one line per decision) here.")
    static let noDecisions = Phrase("{1} 中没有决定", "{1} has no decisions")
    static let lineNotJSON = Phrase("第 {1} 行：不是 JSON", "line {1}: not JSON")
    static let lineExpected = Phrase("第 {1} 行：应为 application_id,approve|reject[,reason]", "line {1}: expected application_id,approve|reject[,reason]")
    static let batchSummary = Phrase("已办理 {1}，跳过（此前已决定）{2}，失败 {3}", "done {1}, skipped (already decided) {2}, failed {3}")
    static let batchFailedItem = Phrase("  第 {1} 行 {2}：{3}", "  line {1}, {2}: {3}")
    static let reportWritten = Phrase("报告：{1}", "report: {1}")

    static let announceAbstract = Phrase("把所有已批准、待公告的申请发布为一期公告。", "Publish a 公告 of every approved application waiting for one.")
    static let titleHelp = Phrase("公告标题。", "The announcement's title.")
    static let announceKeyHelp = Phrase("答复丢失后用同一标识重新运行：返回已发布的公告，不会再发一期。",
                                        "Rerun with the same key after a lost reply: the 公告 it published comes back, no second one.")
    static let published = Phrase("公告 {1} 已发布，共 {2} 人", "公告 {1} published with {2} items")
}
