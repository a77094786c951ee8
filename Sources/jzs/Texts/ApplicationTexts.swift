/// An application as people read it: the labels of its detail and of the tables of applications.
enum ApplicationTexts {
    static let application = Phrase("申请编号", "application")
    static let applicant = Phrase("申请人", "applicant")
    static let phone = Phrase("手机号码", "Phone")
    static let idNumber = Phrase("身份证号码", "ID number")
    static let employer = Phrase("聘用企业", "employer")
    static let type = Phrase("注册类别", "type")
    static let specialties = Phrase("注册专业", "specialties")
    static let qualification = Phrase("资格证书", "qualification")
    static let qualificationValue = Phrase("{1}（{2} 签发）", "{1} of {2}")
    static let contract = Phrase("劳动合同", "contract")
    static let contractValue = Phrase("{1} 至 {2}", "{1} to {2}")
    static let status = Phrase("状态", "status")
    static let returnReason = Phrase("退回理由", "return reason")
    static let documents = Phrase("附件（{1} 附件编号 --out 文件）：", "documents ({1} ID --out FILE):")
    static let bytes = Phrase("{1} 字节", "{1} bytes")
    static let history = Phrase("办理记录：", "history:")
    static let pageSummary = Phrase("共 {2} 件，本页 {1} 件", "{1} of {2}")
    static let nextPage = Phrase("；下一页：--page-token {1}", "; next page: --page-token {1}")
    static let changedStatus = Phrase("{1}：{2}", "{1}: {2}")

    // Document kinds (--kind takes these names as well as its English ones).
    static let qualificationCertificate = Phrase("资格证书", "qualification certificate")
    static let idCard = Phrase("身份证", "ID card")
    static let labourContract = Phrase("劳动合同", "labour contract")
    static let education = Phrase("学历证明", "education")
    static let other = Phrase("其他材料", "other")
}
