/// What a person calls each request field: the label of the seeds' form (统一社会信用代码,
/// 法定代表人, 营业执照) in both languages, keyed by the field's last name on the wire. The
/// server names fields this way in messages; the CLI uses it where it has no flag of its own.
public enum FieldLabels {
    /// `info.credit_code` → 统一社会信用代码; `decisions[3].reason` → 第 4 项的理由; an
    /// unknown path is shown as it is.
    public static func name(of path: String, _ language: Language) -> String {
        let (key, positions) = split(path)
        // A field whose label depends on its message (an enterprise's 资质证书编号 is not a
        // person's 资格证书编号) is listed under `message.field` as well.
        let qualified = path.split(separator: ".").suffix(2).joined(separator: ".").filter { $0 != "[" && $0 != "]" && !$0.isNumber }
        let base = (labels[qualified] ?? labels[key]).map { language == .zh ? $0.zh : $0.en } ?? path
        guard let item = positions.last else { return base }
        return language == .zh ? "第 \(item) 项的\(base)" : "\(base) (item \(item))"
    }

    /// The last name of a path and its indexes made 1-based: `items[2].id_number` → (id_number, [3]).
    public static func split(_ path: String) -> (key: String, positions: [Int]) {
        var positions: [Int] = []
        var name = ""
        var index = ""
        var inIndex = false
        for ch in path {
            switch ch {
            case "[": inIndex = true; index = ""
            case "]": inIndex = false; if let n = Int(index) { positions.append(n + 1) }
            case ".": name = ""
            default: if inIndex { index.append(ch) } else { name.append(ch) }
            }
        }
        return (name, positions)
    }

    static let labels: [String: Catalogue.Entry] = [
        "field": .init("变更项目", "field to change"),
        "credit_code": .init("统一社会信用代码", "unified social credit code"),
        "employer_credit_code": .init("聘用企业统一社会信用代码", "employer's unified social credit code"),
        "enterprise_credit_code": .init("企业统一社会信用代码", "enterprise's unified social credit code"),
        "name": .init("名称", "name"),
        "enterprise_name": .init("企业名称", "enterprise name"),
        "legal_representative": .init("法定代表人", "legal representative"),
        "registered_address": .init("注册地址", "registered address"),
        "correspondence_address": .init("通讯地址", "correspondence address"),
        "postcode": .init("邮政编码", "postcode"),
        "contact": .init("联系人", "contact person"),
        "contact_phone": .init("联系电话", "contact phone"),
        "email": .init("电子邮箱", "e-mail"),
        "enterprise_type": .init("企业类型", "enterprise type"),
        "economic_nature": .init("经济性质", "economic nature"),
        "licence": .init("营业执照", "business licence"),
        "content": .init("附件内容", "attachment content"),
        "content_type": .init("附件类型", "attachment type"),
        "account": .init("账号", "account"),
        "administrator_account": .init("管理员账号", "administrator account"),
        "password": .init("密码", "password"),
        "password_again": .init("确认密码", "password (again)"),
        "old_password": .init("原密码", "current password"),
        "new_password": .init("新密码", "new password"),
        "phone": .init("手机号码", "mobile phone"),
        "sms_code": .init("短信验证码", "SMS code"),
        "id_number": .init("身份证号码", "ID number"),
        "applicant_name": .init("姓名", "name"),
        "holder_name": .init("持证人姓名", "holder's name"),
        "type": .init("注册类别", "registration type"),
        "specialties": .init("注册专业", "specialties"),
        "specialty": .init("注册专业", "specialty"),
        "qualification_certificate_no": .init("资格证书编号", "qualification certificate number"),
        "qualification_date": .init("资格证书签发日期", "qualification date"),
        "contract_start": .init("劳动合同开始日期", "labour contract start"),
        "contract_end": .init("劳动合同结束日期", "labour contract end"),
        "accept_commitment": .init("承诺条款", "commitment clauses"),
        "application_id": .init("申请编号", "application id"),
        "application_ids": .init("申请编号列表", "application ids"),
        "attachment_id": .init("附件编号", "attachment id"),
        "registration_number": .init("注册编号", "registration number"),
        "certificate_id": .init("证书标识", "certificate identifier"),
        "reason": .init("理由", "reason"),
        "return_reason": .init("退回理由", "reason for returning"),
        "approve": .init("审查意见", "decision"),
        "decisions": .init("决定", "decisions"),
        "items": .init("条目", "items"),
        "title": .init("标题", "title"),
        "page_size": .init("每页条数", "page size"),
        "page_token": .init("分页标记", "page token"),
        "draft_token": .init("注册草稿标记", "sign-up draft token"),
        "session_token": .init("会话令牌", "session token"),
        "user_id": .init("用户", "user"),
        "operator": .init("经办人（--operator）", "operator (--operator)"),
        "metadata": .init("调用元数据", "call metadata"),
        "metadata.key": .init("元数据名", "metadata key"),
        "metadata.value": .init("元数据值", "metadata value"),
        "count": .init("数量", "count"),
        "payload": .init("数据", "payload"),
        "text": .init("文本", "text"),
        // Sign-up screens (issue #9).
        "info.name": .init("企业名称", "enterprise name"),
        "enterprise.name": .init("企业名称", "enterprise name"),
        "info": .init("企业基本信息", "enterprise information"),
        "verification": .init("现场核验情况", "on-site verification"),
        "signature": .init("身份锁签名", "identity-lock signature"),
        "certificate_pem": .init("身份锁证书", "identity-lock certificate"),
        "changes": .init("变更内容", "changes"),
        "purpose": .init("验证码用途", "SMS code purpose"),
        "draft": .init("申请内容", "application"),
        "attachment": .init("附件", "attachment"),
        "info.qualification_certificate_no": .init("资质证书编号", "qualification certificate number (资质证书编号)"),
        "enterprise.qualification_certificate_no": .init("资质证书编号", "qualification certificate number (资质证书编号)"),
        "qualification_number": .init("资质证书编号", "qualification certificate number (资质证书编号)"),
        "kind": .init("附件种类", "attachment kind"),
        "enterprise_id": .init("企业编号", "enterprise id"),
        "change_id": .init("变更申请编号", "change request id"),
        "attachments": .init("附件", "attachments"),
        "qualification": .init("资质证明", "qualification certificate"),
        "administrator_name": .init("管理员姓名", "administrator's name"),
    ]
}
