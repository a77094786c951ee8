import ArgumentParser
import RPCClient

extension IndividualCommand {
    /// `jzs individual forgot-password`: the two steps of an SMS password reset.
    struct ForgotPassword: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "forgot-password", abstract: AccountTexts.forgotAbstract.text,
                                                        discussion: AccountTexts.forgotDiscussion.text)
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("id-number"), help: ArgumentHelp(AccountTexts.idNumber)) var idNumber: String
        @Option(name: .customLong("sms-code"), help: ArgumentHelp(SignupTexts.smsCode)) var smsCode: String?
        @Option(name: .customLong("new-password"), help: ArgumentHelp(PasswordTexts.flag(PasswordTexts.new))) var newPassword: String?
        @Flag(name: .customLong("password-stdin"), help: ArgumentHelp(PasswordTexts.newStdin)) var passwordStdin = false
        var fieldNaming: FieldNaming { FieldNaming(flags: ["id_number": "--id-number", "sms_code": "--sms-code", "new_password": "--new-password"]) }
        var anonymous: Bool { true }

        func validate() throws { try Passwords.checkOneSource(newPassword, "--new-password", stdin: passwordStdin) }

        func run(with client: Client) async throws {
            guard let smsCode else {
                try await client.individual.requestPasswordReset(idNumber: idNumber)
                if global.json { Output.json(["sent": true]) } else { print(AccountTexts.codeSent.text) }
                return
            }
            let secret = try Passwords.read(newPassword, stdin: passwordStdin, prompt: PasswordTexts.promptNew.text)
            try await client.individual.resetPassword(idNumber: idNumber, smsCode: smsCode, newPassword: secret)
            global.sessions.remove()
            if global.json { Output.json(["reset": true]) } else { print(AccountTexts.passwordSet.text) }
        }
    }
}
