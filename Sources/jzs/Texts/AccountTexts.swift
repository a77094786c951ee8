/// Forgotten individual passwords and temporary passwords (issue #9).
enum AccountTexts {
    static let forgotAbstract = Phrase("忘记密码：向绑定手机发送验证码，再凭验证码设置新密码。",
                                       "Forgotten password: an SMS code to the bound phone, then a new password with that code.")
    static let forgotDiscussion = Phrase("""
        第一步只给 --id-number：向该身份证号码绑定的手机发送验证码（无论账号是否存在，回答都相同）。\
        第二步再加 --sms-code 和新密码：设置新密码，原有登录全部失效。
        """, """
        Step 1, with --id-number only: an SMS code goes to the phone bound to that ID number (the answer is \
        the same whether or not there is such an account). Step 2, with --sms-code and the new password: \
        the password is set and every session ends.
        """)
    static let idNumber = Phrase("身份证号码。", "ID number.")
    static let codeSent = Phrase("如该身份证号码已注册，验证码已发送到绑定的手机（5 分钟内有效；同一手机 60 秒内只发一次，每天最多 10 次）。收到后再次运行本命令并加上 --sms-code。",
                                 "If this ID number has an account, an SMS code went to its bound phone (valid 5 minutes; at most one a minute and 10 a day per phone). Then run this command again with --sms-code.")
    static let passwordSet = Phrase("新密码已设置，请用新密码登录（jzs individual login）。",
                                    "The new password is set: log in with it (jzs individual login).")
    static let mustChange = Phrase("您正在使用他人为您设置的临时密码：修改密码前只能修改密码或退出。请运行 {1}。",
                                   "You logged in with a temporary password someone else set: until you change it you can only change it or log out. Run {1}.")
}
