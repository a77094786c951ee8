import Model
import ArgumentParser
import Crypto
import Foundation
import Proto
import RPCClient

struct EnterpriseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enterprise", abstract: SignupTexts.enterpriseAbstract.text,
        subcommands: [Signup.self, Login.self])

    /// The whole sign-up wizard (seed 004). Runs every step not yet done and keeps the draft token
    /// for this profile, so running it again resumes where it stopped.
    struct Signup: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: SignupTexts.signupAbstract.text, discussion: SignupTexts.signupDiscussion.text)
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("credit-code"), help: ArgumentHelp(SignupTexts.creditCode)) var creditCode: String?
        @Option(help: ArgumentHelp(SignupTexts.name)) var name: String?
        @Option(name: .customLong("legal-representative"), help: ArgumentHelp(SignupTexts.legalRepresentative)) var legalRepresentative: String?
        @Option(name: .customLong("registered-address"), help: ArgumentHelp(SignupTexts.registeredAddress)) var registeredAddress: String?
        @Option(name: .customLong("correspondence-address"), help: ArgumentHelp(SignupTexts.correspondenceAddress)) var correspondenceAddress = ""
        @Option(help: ArgumentHelp(SignupTexts.postcode)) var postcode = ""
        @Option(help: ArgumentHelp(SignupTexts.contact)) var contact = ""
        @Option(name: .customLong("contact-phone"), help: ArgumentHelp(SignupTexts.contactPhone)) var contactPhone = ""
        @Option(name: .customLong("province-code"), help: ArgumentHelp(SignupTexts.provinceCode)) var provinceCode: UInt32 = 0
        @Option(help: ArgumentHelp(SignupTexts.licence)) var licence: String?
        @Option(help: ArgumentHelp(SignupTexts.qualification)) var qualification: String?
        @Option(name: .customLong("admin-name"), help: ArgumentHelp(SignupTexts.adminName)) var adminName: String?
        @Option(name: .customLong("admin-account"), help: ArgumentHelp(SignupTexts.adminAccount)) var adminAccount: String?
        @Option(name: .customLong("admin-password"), help: ArgumentHelp(PasswordTexts.flag(PasswordTexts.administrator))) var adminPassword: String?
        @Flag(name: .customLong("password-stdin"), help: ArgumentHelp(PasswordTexts.adminStdin)) var passwordStdin = false
        @Option(help: ArgumentHelp(SignupTexts.email)) var email: String?
        @Option(help: ArgumentHelp(SignupTexts.phone)) var phone: String?
        @Option(name: .customLong("sms-code"), help: ArgumentHelp(SignupTexts.smsCode)) var smsCode: String?
        @Option(help: ArgumentHelp(SignupTexts.auth)) var auth: String?
        @Option(name: .customLong("lock-cert"), help: ArgumentHelp(SignupTexts.lockCert)) var lockCert: String?
        @Option(name: .customLong("lock-key"), help: ArgumentHelp(SignupTexts.lockKey)) var lockKey: String?
        @Flag(help: ArgumentHelp(SignupTexts.restart)) var restart = false

        var anonymous: Bool { true }
        var fieldNaming: FieldNaming {
            FieldNaming(flags: ["credit_code": "--credit-code", "name": "--name", "enterprise_name": "--name",
                                "legal_representative": "--legal-representative", "registered_address": "--registered-address",
                                "correspondence_address": "--correspondence-address", "postcode": "--postcode", "contact": "--contact",
                                "contact_phone": "--contact-phone", "province_code": "--province-code", "licence": "--licence",
                                "account": "--admin-account", "administrator_account": "--admin-account", "password": "--admin-password",
                                "password_again": "--admin-password", "email": "--email", "phone": "--phone", "sms_code": "--sms-code"])
        }

        func validate() throws {
            if let auth, !["lock", "on-site", "on-site-associated"].contains(auth) {
                throw ValidationError(SignupTexts.badAuth.text)
            }
            try Passwords.checkOneSource(adminPassword, "--admin-password", stdin: passwordStdin)
        }

        func run(with client: Client) async throws {
            let drafts = DraftStore(profile: global.sessions.profile)
            if restart { drafts.remove() }
            var token = drafts.load(server: global.serverAddress)
            var state: Wire.Enterprise.SignupState
            var resumed: Wire.Enterprise.SignupState?
            if let existing = token {
                do {
                    resumed = try await client.enterprise.signup(draftToken: existing)
                } catch let error as RPCError where error.code == .notFound {
                    drafts.remove()  // finished or unknown: start anew
                }
            }
            if let resumed {
                state = resumed
                say(SignupTexts.resuming(state.name, state.creditCode))
            } else {
                var code = creditCode, lockedName = name
                if code == nil, let lockCert {
                    let pem = try LocalFile.pem(lockCert, role: FileTexts.lockCertificate.text, label: "CERTIFICATE")
                    let read = try await client.enterprise.readIdentityLock(certificatePEM: pem)
                    code = read.creditCode
                    lockedName = lockedName ?? read.name
                    say(SignupTexts.lockRead(read.creditCode, read.name))
                }
                let info = Wire.Enterprise.EnterpriseBasicInfo(
                    creditCode: try Ask.value(code, SignupTexts.askCreditCode), name: try Ask.value(lockedName, SignupTexts.askName),
                    legalRepresentative: try Ask.value(legalRepresentative, SignupTexts.askLegalRepresentative),
                    registeredAddress: try Ask.value(registeredAddress, SignupTexts.askRegisteredAddress), correspondenceAddress: correspondenceAddress,
                    postcode: postcode, contact: contact, contactPhone: contactPhone, provinceCode: provinceCode)
                let started = try await client.enterprise.startSignup(info)
                token = started.draftToken
                try drafts.save(server: global.serverAddress, token: started.draftToken)
                state = try await client.enterprise.signup(draftToken: started.draftToken)
                say(SignupTexts.step1Done(started.enterpriseID, drafts.file.path))
            }
            let draft = token!
            guard state.status == .draft else { return report(state) }
            if !state.businessLicenceUploaded {
                let file = try Ask.value(licence, SignupTexts.askLicence)
                let stored = try await client.enterprise.upload(draftToken: draft, kind: .businessLicence, content: try Self.read(file))
                say(SignupTexts.step2Licence(stored.contentType))
            }
            if let qualification, !state.qualificationCertificateUploaded {
                _ = try await client.enterprise.upload(draftToken: draft, kind: .qualificationCertificate, content: try Self.read(qualification))
                say(SignupTexts.step2Qualification.text)
            }
            if state.administratorAccount.isEmpty {
                let account = try Ask.value(adminAccount, SignupTexts.askAdminAccount)
                let (p1, p2) = try Passwords.new(adminPassword, stdin: passwordStdin, prompt: PasswordTexts.promptAdmin.text, again: PasswordTexts.promptAgain.text)
                state = try await client.enterprise.setAdministrator(draftToken: draft, name: try Ask.value(adminName, SignupTexts.askAdminName),
                                                                     account: account, password: p1, passwordAgain: p2)
                say(SignupTexts.step3Done(state.administratorAccount))
            }
            if !state.contactBound {
                let mobile = try Ask.value(phone, SignupTexts.askPhone)
                let mail = try Ask.value(email, SignupTexts.askEmail)
                var code = smsCode
                if code == nil {
                    _ = try await client.enterprise.sendSignupCode(phone: mobile)
                    guard isatty(STDIN_FILENO) == 1 else {
                        say(SignupTexts.step4Sent(mobile))
                        return
                    }
                    code = try Ask.value(nil, SignupTexts.askSMSCode)
                }
                state = try await client.enterprise.bindContact(draftToken: draft, email: mail, phone: mobile, smsCode: code!)
                say(SignupTexts.step4Done.text)
            }
            let method = try Ask.value(auth, SignupTexts.askAuth)
            switch method {
            case "lock", "on-site-associated":
                let certPEM = try LocalFile.pem(try Ask.value(lockCert, SignupTexts.askLockCert),
                                                role: FileTexts.lockCertificate.text, label: "CERTIFICATE")
                let keyFile = try Ask.value(lockKey, SignupTexts.askLockKey)
                let keyPEM = try LocalFile.pem(keyFile, role: FileTexts.lockKey.text, label: "PRIVATE KEY")
                let key: PrivateKey
                do {
                    key = try PrivateKey(pem: keyPEM)
                } catch {
                    throw LocalFile.Problem(access: .read, path: keyFile, role: FileTexts.lockKey.text, reason: FileTexts.notPEMKey.text)
                }
                let signature = try Signature.sign(try await client.enterprise.lockChallenge(draftToken: draft), with: key)
                state = method == "lock"
                    ? try await client.enterprise.authenticateWithLock(draftToken: draft, certificatePEM: certPEM, signature: signature)
                    : try await client.enterprise.requestOnSite(draftToken: draft, associated: true, certificatePEM: certPEM, signature: signature)
            default:
                state = try await client.enterprise.requestOnSite(draftToken: draft, associated: false)
            }
            if state.status == .authenticated { drafts.remove() }
            report(state)
        }

        func report(_ s: Wire.Enterprise.SignupState) {
            let status = switch s.status {
            case .authenticated: StatusTexts.signupAuthenticated(s.administratorAccount)
            case .pendingAuthentication: StatusTexts.signupPending("\(s.provinceCode)")
            case .returned: StatusTexts.signupReturned(s.returnReason)
            default: StatusTexts.signupDraft.text
            }
            if global.json {
                Output.json(["enterprise_id": s.enterpriseID, "credit_code": s.creditCode, "name": s.name, "status": "\(s.status)",
                             "administrator_account": s.administratorAccount, "province_code": s.provinceCode])
            } else {
                Output.fields([(SignupTexts.enterprise.text, StatusTexts.withNote(s.name, s.creditCode)), (SignupTexts.administrator.text, s.administratorAccount),
                               (SignupTexts.status.text, status)])
            }
        }

        func say(_ text: String) { if !global.json { print(text) } }

        static func read(_ path: String) throws -> [UInt8] {
            Array(try LocalFile.read(path, role: FileTexts.image.text))
        }
    }

    struct Login: ClientCommand {
        static let configuration = CommandConfiguration(abstract: SignupTexts.loginAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(SignupTexts.account)) var account: String
        @Option(help: ArgumentHelp(PasswordTexts.flag())) var password: String?
        @Flag(name: .customLong("password-stdin"), help: ArgumentHelp(PasswordTexts.stdin)) var passwordStdin = false
        var anonymous: Bool { true }

        func validate() throws { try Passwords.checkOneSource(password, "--password", stdin: passwordStdin) }

        func run(with client: Client) async throws {
            let secret = try Passwords.read(password, stdin: passwordStdin, prompt: PasswordTexts.promptPassword.text)
            let response = try await client.enterprise.login(account: account, password: secret)
            try global.sessions.save(.init(server: global.serverAddress, kind: "enterprise", token: response.sessionToken, account: account))
            if global.json {
                Output.json(["logged_in": true, "administrator": response.administrator,
                             "password_change_required": response.passwordChangeRequired])
            } else {
                print(response.administrator ? SignupTexts.loggedInAsAdministrator(account) : SignupTexts.loggedInAs(account))
                if response.passwordChangeRequired { print(AccountTexts.mustChange("jzs password change")) }
            }
        }
    }
}

/// The draft token of a sign-up in progress, per profile (mode 0600 from creation).
struct DraftStore {
    let profile: String
    var file: URL { SessionStore.directory.deletingLastPathComponent().appendingPathComponent("signups/\(profile).json") }

    func load(server: String) -> String? {
        guard let data = try? Data(contentsOf: file), let object = try? JSONSerialization.jsonObject(with: data) as? [String: String],
              object["server"] == server else { return nil }
        return object["draft_token"]
    }

    func save(server: String, token: String) throws {
        try LocalFile.makePrivateDirectory(file.deletingLastPathComponent())
        try LocalFile.write(try JSONSerialization.data(withJSONObject: ["server": server, "draft_token": token]), to: file.path)
    }

    func remove() { try? FileManager.default.removeItem(at: file) }
}

/// Asks for a missing value on a terminal; in scripts a missing value is a usage error.
enum Ask {
    static func value(_ given: String?, _ label: Phrase) throws -> String {
        if let given, !given.isEmpty { return given }
        guard isatty(STDIN_FILENO) == 1 else { throw ValidationError(SignupTexts.missing(label.text)) }
        print(label.text + (UILanguage.current == .zh ? "：" : ": "), terminator: "")
        guard let line = readLine(), !line.isEmpty else { throw ValidationError(SignupTexts.missingTyped(label.text)) }
        return line
    }
}
