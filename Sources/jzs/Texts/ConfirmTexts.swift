/// Questions before what cannot be undone, and the 承诺条款 an enterprise accepts when it reports.
enum ConfirmTexts {
    /// The enterprise's 承诺条款 shown before 上报 and 批量上报.
    ///
    /// The seeds name the clauses but do not give their words: "如果确定上报，点击【上报】按钮，确认
    /// 企业相应的承诺条款，即可完成上报操作 … 因企业上报后信息则进入受理审批阶段，不能进行撤销处理"
    /// (seed-000 §3.1.4; DOMAIN.md §3.2 step 2). The clauses below are written from what the
    /// enterprise vouches for in that step under the rules of DOMAIN.md: the applicant's identity and
    /// materials (§3.2 step 1–2), one employer per person with a labour contract (§1, 变更注册 and
    /// the one-employer rule), that a report cannot be undone (seed-000 §3.1.4), and liability for
    /// false materials (注册管理规定, reg153). Replace them with the official text when it is known.
    static let commitmentTitle = Phrase("企业承诺条款", "The enterprise's commitment clauses (承诺条款)")
    static let commitmentClauses = Phrase("""
        1. 本单位已核实申请人的身份和所提交的注册申请材料，所填信息真实、准确、完整。
        2. 申请人与本单位依法订立了劳动合同，是本单位的在职人员，且未同时受聘于其他单位。
        3. 本单位知悉：上报后申请即进入受理审批阶段，不能撤销。
        4. 如有隐瞒有关情况或提供虚假材料，本单位愿承担相应的法律责任，接受主管部门依法处理。
        """, """
        1. We have checked the applicant's identity and the application's materials; what was entered is true, accurate and complete.
        2. The applicant has a labour contract with us under the law, works for us, and is not employed by any other enterprise at the same time.
        3. We know that once reported the application goes to review and the report cannot be undone.
        4. If anything was concealed or any material is false, we accept the legal liability and the authorities' action under the law.
        """)

    static let reportQuestion = Phrase("确认上报申请 {1}？接受以上承诺条款 [y/N] ", "Report application {1} and accept the clauses above? [y/N] ")
    static let batchQuestion = Phrase("确认批量上报以上 {1} 件申请？接受以上承诺条款 [y/N] ", "Report the {1} applications above and accept the clauses above? [y/N] ")
    static let removeUserQuestion = Phrase("确认删除二级用户 {1}？此操作不能撤销 [y/N] ", "Remove the sub-user {1}? This cannot be undone [y/N] ")

    static let needsYesReport = Phrase("上报不能撤销，需要确认：没有终端可以询问，请加 --yes 表示接受承诺条款并上报",
                                       "a report cannot be undone and needs confirmation: there is no terminal to ask on, so pass --yes to accept the commitment clauses and report")
    static let needsYesRemove = Phrase("删除二级用户不能撤销，需要确认：没有终端可以询问，请加 --yes",
                                       "removing a sub-user cannot be undone and needs confirmation: there is no terminal to ask on, so pass --yes")
    static let declinedReport = Phrase("未确认，没有上报任何申请", "not confirmed: nothing was reported")
    static let declinedRemove = Phrase("未确认，没有删除", "not confirmed: nothing was removed")

    static let yesReport = Phrase("不询问，直接接受承诺条款并上报（供脚本使用）。", "Do not ask: accept the commitment clauses and report (for scripts).")
    static let revokeQuestion = Phrase("确认撤销证书 {1}？撤销后此证书不能恢复，只能由住建部重新签发新版本 [y/N] ",
                                       "Revoke the certificate {1}? It cannot be restored; only a new version issued by the ministry replaces it [y/N] ")
    static let revokeReason = Phrase("撤销理由：{1}", "Reason: {1}")
    static let needsYesRevoke = Phrase("撤销证书不能恢复，需要确认：没有终端可以询问，请加 --yes",
                                       "revoking a certificate cannot be undone and needs confirmation: there is no terminal to ask on, so pass --yes")
    static let declinedRevoke = Phrase("未确认，证书没有撤销", "not confirmed: the certificate was not revoked")
    static let yesRevoke = Phrase("不询问，直接撤销（供脚本使用）。", "Do not ask: revoke (for scripts).")
    static let yesRemove = Phrase("不询问，直接删除（供脚本使用）。", "Do not ask: remove (for scripts).")
}
