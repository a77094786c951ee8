/// 个人: account, login, profile, password, applications (个人申报) and their documents.
enum IndividualTexts {
    static let abstract = Phrase("个人端：账号、登录、个人信息、注册申请。", "The individual tier: account, login, profile.")
    static let sendCodeAbstract = Phrase("向手机发送开户短信验证码。", "Send a registration SMS code to a phone.")
    static let phone = Phrase("大陆手机号码。", "Mainland mobile number.")
    static let codeSent = Phrase("短信验证码已发送，{1} 分钟内有效", "SMS code sent; valid for {1} minutes")

    static let registerAbstract = Phrase("开通个人账号（先运行 jzs individual send-code --phone …）。", "Open an account (run `jzs individual send-code --phone …` first).")
    static let registerDiscussion = Phrase("密码在终端输入两次且不回显，或用 --password-stdin 从标准输入读取。",
                                           "The password is typed twice at the terminal without echo, or read from standard input with --password-stdin.")
    static let idNumber = Phrase("居民身份证号码（18 位）。", "居民身份证号码 (18 characters).")
    static let name = Phrase("姓名，与身份证一致。", "Name as on the ID card.")
    static let registeredPhone = Phrase("收到验证码的大陆手机号码。", "Mainland mobile number that received the code.")
    static let smsCode = Phrase("6 位短信验证码。", "The 6-digit SMS code.")
    static let accountCreated = Phrase("账号已开通，以身份证号码登录：{1}", "account created; log in with your ID number: {1}")

    static let loginAbstract = Phrase("个人登录；会话保存在当前配置名下。", "Log in; the session is kept for this profile.")
    static let loginIDNumber = Phrase("居民身份证号码。", "居民身份证号码 (ID number).")
    static let loggedIn = Phrase("已登录（会话保存在 {1}；{2} 分钟无操作自动失效）", "logged in (session saved to {1}; idle timeout {2} min)")

    static let profileAbstract = Phrase("个人账号信息（身份证号码和手机号码部分隐藏）。", "Your account (ID number and phone masked).")
    static let account = Phrase("账号", "account")
    static let nameLabel = Phrase("姓名", "name")
    static let idNumberLabel = Phrase("身份证号码", "ID number")
    static let phoneLabel = Phrase("手机号码", "phone")

    static let passwordAbstract = Phrase("修改密码（所有会话随即结束）。", "Change your password (ends all sessions).")
    static let passwordChanged = Phrase("密码已修改；所有会话已结束，请重新登录", "password changed; every session ended, log in again")

    static let applyAbstract = Phrase("提交注册申请（个人申报）。", "Submit an application (个人申报).")
    static let applicationsAbstract = Phrase("我的申请，或一件申请及其办理记录。", "Your applications, or one with its history.")
    static let applicationIDForDetail = Phrase("申请编号：显示详情和办理记录。", "An application id for its detail and history.")
    static let withdrawAbstract = Phrase("撤回尚未上报的申请。", "Withdraw an application not yet reported.")
    static let resubmitAbstract = Phrase("修改被退回的申请并重新申报。", "Edit a returned application and submit it again.")

    static let type = Phrase("注册类别：initial（初始注册）、change（变更注册）、renewal（延续注册）、add-specialty（增项注册）、re-registration（重新注册）或 cancellation（注销注册）；也可写 初始 变更 延续 增项 重新 注销。",
                             "initial, change, renewal, add-specialty, re-registration or cancellation (or 初始 变更 延续 增项 重新 注销).")
    static let specialty = Phrase("注册专业，例如 建筑工程（多个专业重复此选项）。", "A specialty, e.g. 建筑工程 (repeat for several).")
    static let employer = Phrase("聘用企业的统一社会信用代码。", "The employer's 统一社会信用代码.")
    static let certificateNo = Phrase("资格证书编号（初始、重新、增项注册填写；一个编号只属于一人）。",
                                      "资格证书编号 (qualification certificate number; for initial, re-registration and added specialty; one number belongs to one person).")
    static let qualifiedOn = Phrase("资格证书签发日期 YYYY-MM-DD（初始、重新、增项注册填写）。",
                                    "资格证书签发日期 (qualification date) YYYY-MM-DD (initial, re-registration, added specialty).")
    static let contractStart = Phrase("劳动合同开始日期 YYYY-MM-DD（初始、重新、变更注册填写）。",
                                      "劳动合同 (labour contract) start YYYY-MM-DD (initial, re-registration, change of employer).")
    static let contractEnd = Phrase("劳动合同结束日期 YYYY-MM-DD（初始、重新、变更注册填写）。",
                                    "劳动合同 (labour contract) end YYYY-MM-DD (initial, re-registration, change of employer).")
    static let badType = Phrase("--type {1}：不是注册类别", "--type {1}: not a registration type")

    static let attachAbstract = Phrase("为申请附上材料（PDF 或图片，不超过 2 MB）。", "Attach a document (PDF or image, ≤ 2 MB) to your application.")
    static let attachKind = Phrase("材料类别：qualification（资格证书）、id-card（身份证）、contract（劳动合同）、education（学历证明）或 other（其他材料）；也可直接写中文名称。",
                                   "qualification, id-card, contract, education or other.")
    static let attachFile = Phrase("材料文件。", "The document file.")
    static let badKind = Phrase("--kind 应为：{1}", "--kind: {1}")
    static let attached = Phrase("已附上 {1}（{2}，{3} 字节）", "attached {1} ({2}, {3} bytes)")

    static let loginCommandAbstract = Phrase("登录（个人：--id-number；企业用户：--account）。", "Log in (individual: --id-number; enterprise user: --account).")
    static let loginCommandIDNumber = Phrase("个人：居民身份证号码。", "Individual: 居民身份证号码.")
    static let loginCommandAccount = Phrase("企业用户：登录账号。", "Enterprise user: login account.")
    static let loginOneOf = Phrase("请给出 --id-number（个人）或 --account（企业用户）之一", "give --id-number (individual) or --account (enterprise user)")
    static let loggedInKept = Phrase("已登录（会话保存在 {1}）", "logged in (session kept in {1})")

    static let oldPassword = Phrase("原密码。", "The current password.")
}
