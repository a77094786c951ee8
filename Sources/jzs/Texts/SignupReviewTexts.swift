/// The seeds' screens completed (issue #9): the province's view of a sign-up and of a change
/// request's documents, and the enterprise attaching documents to a change request.
enum SignupReviewTexts {
    static let signupsShowHint = Phrase("查看详情：jzs province signups show 企业编号；下载营业执照：jzs province signups attachment 企业编号 --kind licence --out 文件",
                                        "details: jzs province signups show ID; the business licence: jzs province signups attachment ID --kind licence --out FILE")
    static let signupShowAbstract = Phrase("一份等待认证的企业注册的全部信息（企业类型、经济性质、资质证书编号、附件、管理员）。",
                                           "One waiting sign-up in full (enterprise type, economic nature, qualification number, attachments, administrator).")
    static let signupNotWaiting = Phrase("本省没有等待认证的企业注册 {1}（见 jzs province signups）", "no sign-up {1} is waiting in your province (see jzs province signups)")
    static let notGiven = Phrase("（未填写）", "(not given)")
    static let uploadedDownload = Phrase("已上传（下载：--kind {1}）", "uploaded (download with --kind {1})")
    static let otherSignups = Phrase("同一信用代码的其他注册", "other sign-ups, same credit code")
    static let signupAttachmentAbstract = Phrase("下载企业注册上传的营业执照或资质证明，与现场提交的材料核对（文件权限 0600；此次查看记入审计日志）。",
                                                 "Download a sign-up's business licence or qualification certificate to compare with the papers (file mode 0600; the view is audited).")
    static let kindHelp = Phrase("附件种类：licence（营业执照）或 qualification（资质证明）；也可写中文名称。", "licence (营业执照) or qualification (资质证明).")
    static let attachmentSaved = Phrase("{1} 已保存到 {2}（{3}，{4} 字节，SHA-256 {5}…）", "{1} saved to {2} ({3}, {4} bytes, SHA-256 {5}…)")

    // Change requests with documents.
    static let changesAbstract = Phrase("等待确认的企业信息变更（含所附材料）；attachment 子命令下载材料。",
                                        "Enterprise information changes waiting for you (with their documents); the attachment subcommand downloads one.")
    static let changeAttachmentAbstract = Phrase("下载变更申请所附的营业执照或资质证明（文件权限 0600；此次查看记入审计日志）。",
                                                 "Download a document filed with a change request (file mode 0600; the view is audited).")
    static let documents = Phrase("所附材料：{1}", "documents: {1}")
    static let document = Phrase("{1}（{2}，{3} 字节）", "{1} ({2}, {3} bytes)")
    static let noDocuments = Phrase("未附材料", "no documents")
    static let licenceHelp = Phrase("随变更申请提交的新营业执照（图片或 PDF，不超过 500 KB；变更企业名称须附）。",
                                    "The new business licence for the change request (image or PDF, at most 500 KB; needed for a new name).")
    static let qualificationHelp = Phrase("随变更申请提交的资质证明（图片或 PDF，不超过 500 KB）。",
                                          "A qualification certificate for the change request (image or PDF, at most 500 KB).")
    static let attachAbstract = Phrase("给待确认的变更申请补充材料（营业执照、资质证明；同类材料再次上传即替换）。",
                                       "Attach documents to the pending change request (a second document of a kind replaces the first).")
    static let attachOne = Phrase("至少给出 --licence 或 --qualification", "give --licence or --qualification")
    static let noPendingChange = Phrase("没有待确认的变更申请：请先用 {1} 提交变更", "no change request is pending: file one with {1} first")
    static let attached = Phrase("变更申请 {1}——{2}", "change request {1}: {2}")
    static let nameNeedsLicence = Phrase("提示：变更企业名称须附新的营业执照：{1} --licence 文件",
                                         "note: a new name needs the new business licence: {1} --licence FILE")
    static let documentFile = Phrase("材料文件", "document file")
}
