extension Catalogue {
    /// The sign-up screens completed (issue #9): corrections of a draft, the province's view of
    /// a sign-up's attachments, documents attached to an enterprise information change request.
    static let signupScreens: [TextCode: Entry] = [
        .kindBusinessLicence: .init("营业执照", "business licence"),
        .kindQualificationCertificate: .init("资质证明", "qualification certificate"),
        .signupAttachmentNotFound: .init("企业注册 {1} 没有上传{2}", "sign-up {1} has no {2} uploaded"),
        .changeAttachmentsTooMany: .init("一份变更申请最多附 {1} 个附件（营业执照、资质证明各一份）",
                                         "a change request takes at most {1} attachments (one business licence, one qualification certificate)"),
        .changeAttachmentNotFound: .init("变更申请 {1} 没有附{2}", "change request {1} has no {2} attached"),
        .changeNotPendingAttach: .init("变更申请 {1} 已处理（{2}），不能再添加附件；请提交新的变更申请",
                                       "change request {1} was already decided ({2}); attach the documents to a new change request"),
        .changeAttachmentOnlyEnterprise: .init("只有提出变更申请的企业可以添加附件", "only the enterprise that filed the change request can attach documents"),
    ]
}
