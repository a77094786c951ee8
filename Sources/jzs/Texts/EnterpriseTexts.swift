/// 企业信息, 已注册人员, 人员管理 and enterprise passwords (seed-000 §3.1.4–3.1.5).
enum EnterpriseTexts {
    static let infoAbstract = Phrase("服务器信息（默认），或本企业的企业信息：show、update、attachment。",
                                     "Server information (default), or your enterprise's: show, update, attachment.")
    static let infoDiscussion = Phrase("jzs info 显示服务器的版本和限制；jzs info show|update|attachment 查看和修改已登录企业的企业信息。",
                                       "`jzs info` prints the server's version and limits; `jzs info show|update|attachment` work on 企业信息 of the logged-in enterprise.")
    static let showAbstract = Phrase("企业信息：基本信息和证明材料。", "企业信息: the enterprise's information and attachments.")
    static let enterprise = Phrase("企业编号", "enterprise")
    static let creditCode = Phrase("统一社会信用代码", "credit code")
    static let attachment = Phrase("证明材料", "attachment")
    static let attachmentValue = Phrase("{1} {2} {3} 字节", "{1} {2} {3} bytes")
    static let pendingChange = Phrase("省级主管部门审查中的修改：{1}", "change under provincial review: {1}")
    static let lastRejected = Phrase("上次修改申请未通过：{1}", "last change request rejected: {1}")

    static let updateAbstract = Phrase("修改企业信息：--set 字段=值（可重复）。", "Change fields: --set FIELD=VALUE (repeatable).")
    static let updateDiscussion = Phrase("""
        通讯地址（correspondence_address）、邮政编码（postcode）、联系人（contact）、联系电话（contact_phone）\
        立即生效；其他字段（name 企业名称、legal_representative 法定代表人、enterprise_type 企业类型、\
        economic_nature 经济性质、registered_address 注册地址、qualification_certificate_no 资质证书编号、\
        email 电子邮箱）需经省级主管部门确认。审查中不能再次提交修改申请。
        """, """
        correspondence_address, postcode, contact and contact_phone change at once; other fields (name, \
        legal_representative, enterprise_type, economic_nature, registered_address, \
        qualification_certificate_no, email) go to the provincial authority for confirmation.
        """)
    static let setHelp = Phrase("项目=值；项目写中文名称（如 联系人=钱九）或英文字段名（contact=钱九），见下文。", "FIELD=VALUE; the field by its name (contact=…) or its Chinese label (联系人=…), listed below.")
    static let badSet = Phrase("--set {1}：应为 项目=值", "--set {1}: expected FIELD=VALUE")
    static let changed = Phrase("已修改：{1}", "changed: {1}")
    static let sentForConfirmation = Phrase("已提交省级主管部门确认（申请 {1}）：{2}", "sent to the provincial authority for confirmation (request {1}): {2}")

    static let attachmentAbstract = Phrase("下载证明材料（licence 营业执照或 qualification 资质证明）。", "Download an attachment (licence or qualification).")
    static let attachmentKind = Phrase("licence（营业执照）或 qualification（资质证明）；也可写中文名称", "licence or qualification")

    static let staffAbstract = Phrase("已注册人员。", "已注册人员: registered staff.")
    static let staffListAbstract = Phrase("本企业的已注册人员。", "Registered staff of your enterprise.")
    static let staffShowAbstract = Phrase("一名已注册人员的详情。", "One registered person's detail.")
    static let nameContains = Phrase("姓名包含此文字。", "Names containing this.")
    static let registrationNumberHelp = Phrase("注册编号（如 鲁137202400001）。", "注册编号, the registration number (e.g. 鲁137202400001).")
    static let registration = Phrase("注册记录", "registration")
    static let number = Phrase("注册编号", "number")
    static let registrationNumber = Phrase("注册编号", "registration number")
    static let name = Phrase("姓名", "name")
    static let idNumber = Phrase("身份证号码", "ID number")
    static let specialties = Phrase("注册专业", "specialties")
    static let validity = Phrase("{1} 至 {2}", "{1} to {2}")
    static let ofTotal = Phrase("共 {2} 人，本页 {1} 人", "{1} of {2}")

    static let usersAbstract = Phrase("人员管理：二级用户（仅管理员）。", "人员管理: sub-users (administrator only).")
    static let usersListAbstract = Phrase("本企业的用户。", "The enterprise's users.")
    static let user = Phrase("用户编号", "user")
    static let account = Phrase("账号", "account")
    static let role = Phrase("角色", "role")
    static let addAbstract = Phrase("新增二级用户。", "Add a sub-user.")
    static let userName = Phrase("姓名。", "Name.")
    static let userAccount = Phrase("登录账号。", "Login account.")
    static let added = Phrase("已新增 {1}（{2}）", "added {1} ({2})")
    static let editAbstract = Phrase("修改：更改二级用户的姓名。", "修改: rename a sub-user.")
    static let userAccountHelp = Phrase("二级用户的账号（jzs users list 中的账号列）。", "The sub-user's account (the account column of `jzs users list`).")
    static let updated = Phrase("已修改", "updated")
    static let resetAbstract = Phrase("重置密码：设置二级用户的密码（其会话随即结束）。", "重置密码: set a sub-user's password (their sessions end).")
    static let passwordReset = Phrase("密码已重置", "password reset")
    static let removeAbstract = Phrase("删除二级用户（不能撤销；先询问确认）。", "Remove a sub-user (cannot be undone; asks first).")
    static let removed = Phrase("已删除 {1}", "removed {1}")

    static let passwordAbstract = Phrase("修改密码，或通过短信找回忘记的密码。", "Change your password, or recover a forgotten one by SMS.")
    static let changeAbstract = Phrase("修改当前登录用户的密码（需要原密码）。", "Change your password (the current one is required).")
    static let passwordChanged = Phrase("密码已修改；请重新登录", "password changed; log in again")
    static let forgotAbstract = Phrase("找回密码：不带 --sms-code 时向绑定的手机发送验证码；带上验证码时设置新密码。",
                                       "找回密码: without --sms-code sends a code to the bound phone; with it sets the new password.")
    static let forgotAccount = Phrase("忘记密码的账号。", "The account whose password is forgotten.")
    static let forgotSent = Phrase("如果该账号存在，验证码已发送到企业绑定的手机；收到后加 --sms-code 再运行一次",
                                   "if the account exists, an SMS code was sent to the enterprise's bound phone; rerun with --sms-code")
    static let passwordSet = Phrase("新密码已设置；请用它登录", "password set; log in with it")
}
