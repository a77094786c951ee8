/// 企业注册 (seed-004) and enterprise login.
enum SignupTexts {
    static let enterpriseAbstract = Phrase("企业端：注册、登录。", "The enterprise tier: sign-up, login.")
    static let signupAbstract = Phrase("企业注册（第一步至第五步）；再次运行可以继续。", "Sign an enterprise up (steps 1-5); rerun to resume.")
    static let signupDiscussion = Phrase("""
        步骤：1 填写基本信息，2 上传营业执照（及资质证明），3 设置管理员，4 绑定邮箱和手机（短信验证码），\
        5 企业认证（身份锁认证、现场认证或现场关联认证）。缺少的信息在终端上询问（包括短信验证码）。\
        没有终端又没有 --sms-code 时，发送验证码后停止：收到短信后加 --sms-code 验证码 再运行一次。
        """, """
        Steps: 1 basic information, 2 business licence (and qualification certificate), 3 \
        administrator, 4 e-mail and phone bound by SMS code, 5 authentication (identity lock, on \
        site, or on-site associated). Missing values (the SMS code too) are asked for on a \
        terminal. With no terminal and no --sms-code the code is sent and the command stops: rerun \
        it with --sms-code CODE.
        """)

    static let creditCode = Phrase("统一社会信用代码（省略时从 --lock-cert 读取）。", "统一社会信用代码 (read from --lock-cert when omitted).")
    static let name = Phrase("企业名称，与营业执照完全一致。", "Enterprise name, exactly as on the business licence.")
    static let legalRepresentative = Phrase("法定代表人。", "法定代表人 (legal representative).")
    static let registeredAddress = Phrase("注册地址。", "注册地址 (registered address).")
    static let correspondenceAddress = Phrase("通讯地址。", "通讯地址 (correspondence address).")
    static let postcode = Phrase("邮政编码。", "邮政编码 (postcode).")
    static let contact = Phrase("联系人。", "联系人 (contact person).")
    static let contactPhone = Phrase("联系电话。", "联系电话 (contact phone).")
    static let enterpriseType = Phrase("企业类型（可选），如 有限责任公司。", "企业类型, enterprise type (optional), e.g. 有限责任公司.")
    static let economicNature = Phrase("经济性质（可选），如 国有、集体、私营。", "经济性质, economic nature (optional), e.g. 国有, 集体, 私营.")
    static let qualificationNumber = Phrase("资质证书编号（可选；无资质企业不填）。", "资质证书编号, the qualification certificate number (optional; none for an enterprise without one).")
    static let provinceCode = Phrase("省份代码，仅用于中央登记的信用代码。", "Only for centrally issued credit codes.")
    static let licence = Phrase("营业执照图片（gif/jpg/png/bmp，不超过 500 KB）。", "Business licence image (gif/jpg/png/bmp, at most 500 KB).")
    static let qualification = Phrase("资质证明图片（可选）。", "Qualification certificate image (optional).")
    static let adminName = Phrase("管理员姓名。", "The administrator's name.")
    static let adminAccount = Phrase("管理员账号。", "The administrator's account.")
    static let email = Phrase("电子邮箱。", "E-mail.")
    static let phone = Phrase("手机号码（接收短信验证码）。", "Mobile phone (receives the SMS code).")
    static let smsCode = Phrase("短信验证码。", "The SMS code.")
    static let auth = Phrase("认证方式：lock（身份锁认证）、on-site（现场认证）或 on-site-associated（现场关联认证）。",
                             "lock, on-site or on-site-associated.")
    static let lockCert = Phrase("身份锁证书（PEM）。", "Identity lock certificate (PEM).")
    static let lockKey = Phrase("身份锁私钥（PEM）。", "Identity lock private key (PEM).")
    static let restart = Phrase("放弃保存的草稿，重新开始注册。", "Forget the stored draft and start a new sign-up.")
    static let badAuth = Phrase("--auth 应为 lock、on-site 或 on-site-associated", "--auth must be lock, on-site or on-site-associated")

    static let resuming = Phrase("继续 {1}（{2}）的注册", "resuming the sign-up of {1} ({2})")
    static let lockRead = Phrase("已读取身份锁：{1} {2}", "identity lock read: {1} {2}")
    static let step1Done = Phrase("第一步完成：企业编号 {1}；草稿保存在 {2}", "step 1 done: enterprise {1}; draft kept in {2}")
    static let step2Licence = Phrase("第二步：营业执照已保存（{1}）", "step 2: business licence stored ({1})")
    static let step2Qualification = Phrase("第二步：资质证明已保存", "step 2: qualification certificate stored")
    static let step3Done = Phrase("第三步：管理员 {1} 已设置（认证通过后启用）", "step 3: administrator {1} set (enabled after authentication)")
    static let step4AlreadySent = Phrase("第四步：{1} 在 60 秒内已收到过验证码：若是本次注册的（5 分钟内有效），加 --sms-code 验证码 再运行一次；否则请稍候再运行",
                                         "step 4: {1} received an SMS code less than 60 seconds ago: if it is this sign-up's (valid for 5 minutes), rerun with --sms-code CODE; otherwise wait a minute and rerun")
    static let step4AlreadySentAsk = Phrase("{1} 在 60 秒内已收到过验证码；若是本次注册的（5 分钟内有效）请输入，否则请稍候重新运行",
                                            "{1} received an SMS code less than 60 seconds ago; type it if it is this sign-up's (valid for 5 minutes), otherwise wait a minute and rerun")
    static let step4Sent = Phrase("第四步：短信验证码已发送到 {1}；请加 --sms-code 验证码 再运行一次",
                                  "step 4: SMS code sent to {1}; rerun with --sms-code CODE to continue")
    static let step1Corrected = Phrase("第一步：已更正 {1}", "step 1: corrected {1}")
    static let step2LicenceReplaced = Phrase("第二步：营业执照已更换为新文件（{1}）", "step 2: business licence replaced by the new file ({1})")
    static let step2QualificationReplaced = Phrase("第二步：资质证明已更换为新文件", "step 2: qualification certificate replaced by the new file")
    static let step3AccountChanged = Phrase("第三步：管理员账号已由 {1} 改为 {2}（认证通过后启用）",
                                            "step 3: administrator account changed from {1} to {2} (enabled after authentication)")
    static let step3Reset = Phrase("第三步：管理员 {1} 已重新设置（姓名和密码）", "step 3: administrator {1} set again (name and password)")
    static let notAppliedPending = Phrase("""
        此注册已提交省级主管部门现场认证，以下更正不能再生效：{1}。如填写有误，请联系工商注册地省级主管部门退回此注册，\
        退回后用 --restart 重新注册（从第一步开始）。
        """, """
        the sign-up was submitted for on-site authentication, so these corrections can no longer apply: {1}. If it is wrong, \
        ask the provincial authority to return it, then sign up again with --restart (from step 1).
        """)
    static let notAppliedReturned = Phrase("此注册已被省级主管部门退回，以下更正没有保存：{1}。请用 --restart 重新注册，并在第一步填写正确的信息。",
                                           "the sign-up was returned by the provincial authority, so these corrections were not stored: {1}. Sign up again with --restart and give the right values from step 1.")
    static let notAppliedAuthenticated = Phrase("企业已通过认证，注册不能再更正：{1}。请登录后用 {2} 变更企业信息（名称等须省级主管部门确认）。",
                                                "the enterprise is already authenticated, so the sign-up can no longer be corrected: {1}. Log in and use {2} (a new name and the like need the provincial authority).")
    static let statusAbstract = Phrase("查看保存的企业注册进度（不做任何修改）；被退回的注册显示退回理由。",
                                       "Show where the stored sign-up stands (changes nothing); a returned sign-up shows the province's reason.")
    static let noDraft = Phrase("此配置下没有保存的企业注册；用 {1} 开始注册", "no sign-up is stored for this profile; start one with {1}")
    static let accountPlaceholder = Phrase("管理员账号", "ACCOUNT")
    static let draftEnded = Phrase("保存的企业注册已不在进行中：若已通过认证，管理员可以登录（{1}）；若已过期或被退回，用 {2} --restart 重新注册",
                                   "the stored sign-up is no longer in progress: if it was authenticated, the administrator can log in ({1}); if it expired or was returned, sign up again with {2} --restart")
    static let step4Done = Phrase("第四步：邮箱和手机已绑定", "step 4: e-mail and phone bound")

    // Values asked for on a terminal.
    static let askCreditCode = Phrase("统一社会信用代码", "统一社会信用代码 (unified social credit code)")
    static let askName = Phrase("企业名称", "enterprise name")
    static let askLegalRepresentative = Phrase("法定代表人", "legal representative")
    static let askRegisteredAddress = Phrase("注册地址", "registered address")
    static let askLicence = Phrase("营业执照图片文件", "business licence image file")
    static let askAdminAccount = Phrase("管理员账号", "administrator account")
    static let askAdminName = Phrase("管理员姓名", "administrator's name")
    static let askPhone = Phrase("手机号码", "mobile phone")
    static let askEmail = Phrase("电子邮箱", "e-mail")
    static let askSMSCode = Phrase("短信验证码", "SMS code")
    static let askAuth = Phrase("认证方式（lock、on-site、on-site-associated）", "authentication (lock, on-site, on-site-associated)")
    static let askLockCert = Phrase("身份锁证书文件", "identity lock certificate file")
    static let askLockKey = Phrase("身份锁私钥文件", "identity lock key file")
    static let missing = Phrase("缺少 {1}：没有终端可以询问，请用这个选项给出", "missing {1}: there is no terminal to ask on, so pass the option")
    static let missingTyped = Phrase("缺少{1}", "missing {1}")

    // The sign-up's state.
    static let enterprise = Phrase("企业", "enterprise")
    static let administrator = Phrase("管理员", "administrator")
    static let status = Phrase("状态", "status")

    static let loginAbstract = Phrase("企业用户登录；会话保存在当前配置名下。", "Log in as an enterprise user; the session is kept for this profile.")
    static let account = Phrase("登录账号。", "Login account.")
    static let loggedInAs = Phrase("已登录：{1}", "logged in as {1}")
    static let loggedInAsAdministrator = Phrase("已登录：{1}（管理员）", "logged in as {1} (administrator)")
}
