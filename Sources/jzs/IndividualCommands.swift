import ArgumentParser
import Foundation
import Proto
import RPCClient

struct IndividualCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "individual", abstract: "The individual tier: account, login, profile.",
        subcommands: [SendCode.self, Register.self, Login.self, Profile.self, Password.self, Apply.self, Applications.self, Withdraw.self, Resubmit.self, Attach.self])

    struct SendCode: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "send-code", abstract: "Send a registration SMS code to a phone.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Mainland mobile number.") var phone: String
        var anonymous: Bool { true }

        func run(with client: Client) async throws {
            let seconds = try await client.individual.sendRegistrationCode(phone: phone)
            if global.json { Output.json(["sent": true, "valid_seconds": seconds]) } else { print("SMS code sent; valid for \(seconds / 60) minutes") }
        }
    }

    struct Register: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open an account (run `jzs individual send-code --phone …` first).",
            discussion: "The password is typed twice at the terminal without echo, or read from standard input with --password-stdin.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("id-number"), help: "居民身份证号码 (18 characters).") var idNumber: String
        @Option(help: "Name as on the ID card.") var name: String
        @Option(help: "Mainland mobile number that received the code.") var phone: String
        @Option(name: .customLong("sms-code"), help: "The 6-digit SMS code.") var smsCode: String
        @Option(help: ArgumentHelp(Messages.passwordFlag())) var password: String?
        @Flag(name: .customLong("password-stdin"), help: ArgumentHelp(Messages.passwordStdin)) var passwordStdin = false
        var anonymous: Bool { true }

        func validate() throws { try Passwords.checkOneSource(password, "--password", stdin: passwordStdin) }

        func run(with client: Client) async throws {
            let (first, second) = try Passwords.new(password, stdin: passwordStdin, prompt: "Password: ", again: "Password again: ")
            let id = try await client.individual.createAccount(.init(
                idNumber: idNumber, name: name, phone: phone, password: first, passwordAgain: second, smsCode: smsCode))
            if global.json { Output.json(["individual_id": id]) } else { print("account created (\(id)); now `jzs individual login --id-number …`") }
        }
    }

    struct Login: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Log in; the session is kept for this profile.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("id-number"), help: "居民身份证号码.") var idNumber: String
        @Option(help: ArgumentHelp(Messages.passwordFlag())) var password: String?
        @Flag(name: .customLong("password-stdin"), help: ArgumentHelp(Messages.passwordStdin)) var passwordStdin = false
        var anonymous: Bool { true }

        func validate() throws { try Passwords.checkOneSource(password, "--password", stdin: passwordStdin) }

        func run(with client: Client) async throws {
            let secret = try Passwords.read(password, stdin: passwordStdin, prompt: "Password: ")
            let response = try await client.individual.login(idNumber: idNumber, password: secret)
            try global.sessions.save(.init(server: global.serverAddress, kind: "individual", token: response.sessionToken,
                                           account: String(idNumber.prefix(4)) + "…"))
            if global.json {
                Output.json(["logged_in": true, "idle_timeout_seconds": response.idleTimeoutSeconds,
                             "absolute_timeout_seconds": response.absoluteTimeoutSeconds])
            } else {
                print("logged in (session saved to \(global.sessions.file.path); idle timeout \(response.idleTimeoutSeconds / 60) min)")
            }
        }
    }

    struct Profile: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Your account (ID number and phone masked).")
        @OptionGroup var global: GlobalOptions

        func run(with client: Client) async throws {
            let p = try await client.individual.profile()
            if global.json {
                Output.json(["individual_id": p.individualID, "name": p.name, "id_number": p.idNumberMasked, "phone": p.phoneMasked])
            } else {
                Output.fields([("account", p.individualID), ("name", p.name), ("ID number", p.idNumberMasked), ("phone", p.phoneMasked)])
            }
        }
    }

    struct Password: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "password", abstract: "Change your password (ends all sessions).")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(Messages.passwordFlag("The current password"))) var old: String?
        @Option(help: ArgumentHelp(Messages.passwordFlag("The new password"))) var new: String?
        @Flag(name: .customLong("password-stdin"), help: ArgumentHelp(Messages.passwordsStdin)) var passwordStdin = false

        func run(with client: Client) async throws {
            let oldPassword = try Passwords.read(old, stdin: passwordStdin, prompt: "Current password: ")
            let newPassword = try Passwords.read(new, stdin: passwordStdin, prompt: "New password: ")
            try await client.individual.changePassword(old: oldPassword, new: newPassword)
            global.sessions.remove()
            if global.json { Output.json(["changed": true]) } else { print("password changed; every session ended, log in again") }
        }
    }
}

struct Logout: ClientCommand {
    static let configuration = CommandConfiguration(abstract: "End the stored session of this profile.")
    @OptionGroup var global: GlobalOptions

    func run(with client: Client) async throws {
        guard let session = global.sessions.load() else {
            if global.json { Output.json(["logged_out": false]) } else { print("not logged in") }
            return
        }
        if session.kind == "individual" { try? await client.individual.logout() }
        if session.kind == "enterprise" { try? await client.enterprise.logout() }
        global.sessions.remove()
        if global.json { Output.json(["logged_out": true]) } else { print("logged out") }
    }
}

/// `jzs login`: an individual (--id-number) or an enterprise user (--account); the session is
/// kept for the profile (`--profile`, default "default") in the user's config directory, mode 0600.
struct LoginCommand: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "login", abstract: "Log in (individual: --id-number; enterprise user: --account).")
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("id-number"), help: "Individual: 居民身份证号码.") var idNumber: String?
    @Option(help: "Enterprise user: login account.") var account: String?
    @Option(help: ArgumentHelp(Messages.passwordFlag())) var password: String?
    @Flag(name: .customLong("password-stdin"), help: ArgumentHelp(Messages.passwordStdin)) var passwordStdin = false
    var anonymous: Bool { true }

    func validate() throws {
        guard (idNumber == nil) != (account == nil) else { throw ValidationError("give --id-number (individual) or --account (enterprise user)") }
        try Passwords.checkOneSource(password, "--password", stdin: passwordStdin)
    }

    func run(with client: Client) async throws {
        let secret = try Passwords.read(password, stdin: passwordStdin, prompt: "Password: ")
        if let idNumber {
            let r = try await client.individual.login(idNumber: idNumber, password: secret)
            try global.sessions.save(.init(server: global.serverAddress, kind: "individual", token: r.sessionToken, account: String(idNumber.prefix(4)) + "…"))
        } else if let account {
            let r = try await client.enterprise.login(account: account, password: secret)
            try global.sessions.save(.init(server: global.serverAddress, kind: "enterprise", token: r.sessionToken, account: account))
        }
        if global.json { Output.json(["logged_in": true]) } else { print("logged in (session kept in \(global.sessions.file.path))") }
    }
}
