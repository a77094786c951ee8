import ArgumentParser
import Foundation
import Proto
import RPCClient

struct IndividualCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "individual", abstract: IndividualTexts.abstract.text,
        subcommands: [SendCode.self, Register.self, Login.self, Profile.self, Password.self, ForgotPassword.self, Apply.self, Applications.self, Withdraw.self, Resubmit.self, Attach.self])

    struct SendCode: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "send-code", abstract: IndividualTexts.sendCodeAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(IndividualTexts.phone)) var phone: String
        var anonymous: Bool { true }

        func run(with client: Client) async throws {
            let seconds = try await client.individual.sendRegistrationCode(phone: phone)
            if global.json { Output.json(["sent": true, "valid_seconds": seconds]) } else { print(IndividualTexts.codeSent("\(seconds / 60)")) }
        }
    }

    struct Register: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: IndividualTexts.registerAbstract.text, discussion: IndividualTexts.registerDiscussion.text)
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("id-number"), help: ArgumentHelp(IndividualTexts.idNumber)) var idNumber: String
        @Option(help: ArgumentHelp(IndividualTexts.name)) var name: String
        @Option(help: ArgumentHelp(IndividualTexts.registeredPhone)) var phone: String
        @Option(name: .customLong("sms-code"), help: ArgumentHelp(IndividualTexts.smsCode)) var smsCode: String
        @Option(help: ArgumentHelp(PasswordTexts.flag())) var password: String?
        @Flag(name: .customLong("password-stdin"), help: ArgumentHelp(PasswordTexts.stdin)) var passwordStdin = false
        var anonymous: Bool { true }
        var fieldNaming: FieldNaming {
            FieldNaming(flags: ["id_number": "--id-number", "name": "--name", "applicant_name": "--name", "phone": "--phone",
                                "sms_code": "--sms-code", "password": "--password", "password_again": "--password"])
        }

        func validate() throws { try Passwords.checkOneSource(password, "--password", stdin: passwordStdin) }

        func run(with client: Client) async throws {
            let (first, second) = try Passwords.new(password, stdin: passwordStdin, prompt: PasswordTexts.promptPassword.text, again: PasswordTexts.promptAgain.text)
            let id = try await client.individual.createAccount(.init(
                idNumber: idNumber, name: name, phone: phone, password: first, passwordAgain: second, smsCode: smsCode))
            if global.json { Output.json(["individual_id": id]) } else { print(IndividualTexts.accountCreated(CommandHint.jzs("individual login --id-number \(idNumber.uppercased())"))) }
        }
    }

    struct Login: ClientCommand {
        static let configuration = CommandConfiguration(abstract: IndividualTexts.loginAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("id-number"), help: ArgumentHelp(IndividualTexts.loginIDNumber)) var idNumber: String
        @Option(help: ArgumentHelp(PasswordTexts.flag())) var password: String?
        @Flag(name: .customLong("password-stdin"), help: ArgumentHelp(PasswordTexts.stdin)) var passwordStdin = false
        var anonymous: Bool { true }

        func validate() throws { try Passwords.checkOneSource(password, "--password", stdin: passwordStdin) }

        func run(with client: Client) async throws {
            let secret = try Passwords.read(password, stdin: passwordStdin, prompt: PasswordTexts.promptPassword.text)
            let response = try await client.individual.login(idNumber: idNumber, password: secret)
            try global.sessions.save(.init(server: global.serverAddress, kind: "individual", token: response.sessionToken,
                                           account: String(idNumber.prefix(4)) + "…"))
            if global.json {
                Output.json(["logged_in": true, "idle_timeout_seconds": response.idleTimeoutSeconds,
                             "absolute_timeout_seconds": response.absoluteTimeoutSeconds,
                             "password_change_required": response.passwordChangeRequired])
            } else {
                print(IndividualTexts.loggedIn(global.sessions.file.path, "\(response.idleTimeoutSeconds / 60)"))
                if response.passwordChangeRequired { print(AccountTexts.mustChange(CommandHint.jzs("individual password"))) }
            }
        }
    }

    struct Profile: ClientCommand {
        static let configuration = CommandConfiguration(abstract: IndividualTexts.profileAbstract.text)
        @OptionGroup var global: GlobalOptions

        func run(with client: Client) async throws {
            let p = try await client.individual.profile()
            if global.json {
                Output.json(["individual_id": p.individualID, "name": p.name, "id_number": p.idNumberMasked, "phone": p.phoneMasked])
            } else {
                Output.fields([(IndividualTexts.nameLabel.text, p.name),
                               (IndividualTexts.idNumberLabel.text, p.idNumberMasked), (IndividualTexts.phoneLabel.text, p.phoneMasked)])
            }
        }
    }

    struct Password: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "password", abstract: IndividualTexts.passwordAbstract.text)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var passwords: PasswordChangeOptions
        var fieldNaming: FieldNaming { PasswordChangeOptions.naming }

        func validate() throws { try passwords.validate() }

        func run(with client: Client) async throws {
            let (oldPassword, newPassword) = try passwords.read()
            try await client.individual.changePassword(old: oldPassword, new: newPassword)
            global.sessions.remove()
            if global.json { Output.json(["changed": true]) } else { print(IndividualTexts.passwordChanged.text) }
        }
    }
}

struct Logout: ClientCommand {
    static let configuration = CommandConfiguration(abstract: PublicTexts.logoutAbstract.text)
    @OptionGroup var global: GlobalOptions

    func run(with client: Client) async throws {
        guard let session = global.sessions.load() else {
            if global.json { Output.json(["logged_out": false]) } else { print(PublicTexts.notLoggedIn.text) }
            return
        }
        if session.kind == "individual" { try? await client.individual.logout() }
        if session.kind == "enterprise" { try? await client.enterprise.logout() }
        global.sessions.remove()
        if global.json { Output.json(["logged_out": true]) } else { print(PublicTexts.loggedOut.text) }
    }
}

/// `jzs login`: an individual (--id-number) or an enterprise user (--account); the session is
/// kept for the profile (`--profile`, default "default") in the user's config directory, mode 0600.
struct LoginCommand: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "login", abstract: IndividualTexts.loginCommandAbstract.text)
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("id-number"), help: ArgumentHelp(IndividualTexts.loginCommandIDNumber)) var idNumber: String?
    @Option(help: ArgumentHelp(IndividualTexts.loginCommandAccount)) var account: String?
    @Option(help: ArgumentHelp(PasswordTexts.flag())) var password: String?
    @Flag(name: .customLong("password-stdin"), help: ArgumentHelp(PasswordTexts.stdin)) var passwordStdin = false
    var anonymous: Bool { true }

    func validate() throws {
        guard (idNumber == nil) != (account == nil) else { throw ValidationError(IndividualTexts.loginOneOf.text) }
        try Passwords.checkOneSource(password, "--password", stdin: passwordStdin)
    }

    func run(with client: Client) async throws {
        let secret = try Passwords.read(password, stdin: passwordStdin, prompt: PasswordTexts.promptPassword.text)
        var mustChange: String?
        if let idNumber {
            let r = try await client.individual.login(idNumber: idNumber, password: secret)
            try global.sessions.save(.init(server: global.serverAddress, kind: "individual", token: r.sessionToken, account: String(idNumber.prefix(4)) + "…"))
            if r.passwordChangeRequired { mustChange = CommandHint.jzs("individual password") }
        } else if let account {
            let r = try await client.enterprise.login(account: account, password: secret)
            try global.sessions.save(.init(server: global.serverAddress, kind: "enterprise", token: r.sessionToken, account: account))
            if r.passwordChangeRequired { mustChange = CommandHint.jzs("password change") }
        }
        if global.json {
            Output.json(["logged_in": true, "password_change_required": mustChange != nil])
        } else {
            print(IndividualTexts.loggedInKept(global.sessions.file.path))
            if let mustChange { print(AccountTexts.mustChange(mustChange)) }
        }
    }
}
