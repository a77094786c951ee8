import ArgumentParser
import Crypto
import Foundation
import Proto
import RPCClient

struct EnterpriseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enterprise", abstract: "The enterprise tier: sign-up, login.",
        subcommands: [Signup.self, Login.self])

    /// The whole sign-up wizard (seed 004). Runs every step not yet done and keeps the draft token
    /// for this profile, so running it again resumes where it stopped.
    struct Signup: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign an enterprise up (steps 1-5); rerun to resume.",
            discussion: """
                Steps: 1 basic information, 2 business licence (and qualification certificate), 3
                administrator, 4 e-mail and phone bound by SMS code, 5 authentication (identity lock,
                on site, or on-site associated). Missing values are asked for on a terminal. Without
                --sms-code the code is sent and the command stops: rerun it with --sms-code CODE.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("credit-code"), help: "统一社会信用代码 (read from --lock-cert when omitted).") var creditCode: String?
        @Option(help: "Enterprise name, exactly as on the business licence.") var name: String?
        @Option(name: .customLong("legal-representative"), help: "法定代表人.") var legalRepresentative: String?
        @Option(name: .customLong("registered-address"), help: "注册地址.") var registeredAddress: String?
        @Option(name: .customLong("correspondence-address")) var correspondenceAddress = ""
        @Option var postcode = ""
        @Option var contact = ""
        @Option(name: .customLong("contact-phone")) var contactPhone = ""
        @Option(name: .customLong("province-code"), help: "Only for centrally issued credit codes.") var provinceCode: UInt32 = 0
        @Option(help: "Business licence image (gif/jpg/png/bmp, at most 500 KB).") var licence: String?
        @Option(help: "Qualification certificate image (optional).") var qualification: String?
        @Option(name: .customLong("admin-name")) var adminName: String?
        @Option(name: .customLong("admin-account")) var adminAccount: String?
        @Option(name: .customLong("admin-password"), help: ArgumentHelp(Messages.passwordFlag("The administrator's password"))) var adminPassword: String?
        @Flag(name: .customLong("password-stdin"), help: ArgumentHelp(Messages.adminPasswordStdin)) var passwordStdin = false
        @Option var email: String?
        @Option var phone: String?
        @Option(name: .customLong("sms-code")) var smsCode: String?
        @Option(help: "lock, on-site or on-site-associated.") var auth: String?
        @Option(name: .customLong("lock-cert"), help: "Identity lock certificate (PEM).") var lockCert: String?
        @Option(name: .customLong("lock-key"), help: "Identity lock private key (PEM).") var lockKey: String?
        @Flag(help: "Forget the stored draft and start a new sign-up.") var restart = false

        var anonymous: Bool { true }

        func validate() throws {
            if let auth, !["lock", "on-site", "on-site-associated"].contains(auth) {
                throw ValidationError("--auth must be lock, on-site or on-site-associated")
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
                say("resuming the sign-up of \(state.name) (\(state.creditCode))")
            } else {
                var code = creditCode, lockedName = name
                if code == nil, let lockCert {
                    let pem = try LocalFile.pem(lockCert, role: "identity lock certificate (--lock-cert)", label: "CERTIFICATE")
                    let read = try await client.enterprise.readIdentityLock(certificatePEM: pem)
                    code = read.creditCode
                    lockedName = lockedName ?? read.name
                    say("identity lock read: \(read.creditCode) \(read.name)")
                }
                let info = Wire.Enterprise.EnterpriseBasicInfo(
                    creditCode: try Ask.value(code, "统一社会信用代码"), name: try Ask.value(lockedName, "企业名称"),
                    legalRepresentative: try Ask.value(legalRepresentative, "法定代表人"),
                    registeredAddress: try Ask.value(registeredAddress, "注册地址"), correspondenceAddress: correspondenceAddress,
                    postcode: postcode, contact: contact, contactPhone: contactPhone, provinceCode: provinceCode)
                let started = try await client.enterprise.startSignup(info)
                token = started.draftToken
                try drafts.save(server: global.serverAddress, token: started.draftToken)
                state = try await client.enterprise.signup(draftToken: started.draftToken)
                say("step 1 done: enterprise \(started.enterpriseID); draft kept in \(drafts.file.path)")
            }
            let draft = token!
            guard state.status == .draft else { return report(state) }
            if !state.businessLicenceUploaded {
                let file = try Ask.value(licence, "营业执照 image file")
                let stored = try await client.enterprise.upload(draftToken: draft, kind: .businessLicence, content: try Self.read(file))
                say("step 2: business licence stored (\(stored.contentType))")
            }
            if let qualification, !state.qualificationCertificateUploaded {
                _ = try await client.enterprise.upload(draftToken: draft, kind: .qualificationCertificate, content: try Self.read(qualification))
                say("step 2: qualification certificate stored")
            }
            if state.administratorAccount.isEmpty {
                let account = try Ask.value(adminAccount, "管理员账号")
                let (p1, p2) = try Passwords.new(adminPassword, stdin: passwordStdin, prompt: "管理员密码: ", again: "再次输入密码: ")
                state = try await client.enterprise.setAdministrator(draftToken: draft, name: try Ask.value(adminName, "管理员姓名"),
                                                                     account: account, password: p1, passwordAgain: p2)
                say("step 3: administrator \(state.administratorAccount) set (enabled after authentication)")
            }
            if !state.contactBound {
                let mobile = try Ask.value(phone, "手机号码")
                let mail = try Ask.value(email, "邮箱")
                var code = smsCode
                if code == nil {
                    _ = try await client.enterprise.sendSignupCode(phone: mobile)
                    guard isatty(STDIN_FILENO) == 1 else {
                        say("step 4: SMS code sent to \(mobile); rerun with --sms-code CODE to continue")
                        return
                    }
                    code = try Ask.value(nil, "短信验证码")
                }
                state = try await client.enterprise.bindContact(draftToken: draft, email: mail, phone: mobile, smsCode: code!)
                say("step 4: e-mail and phone bound")
            }
            let method = try Ask.value(auth, "authentication (lock, on-site, on-site-associated)")
            switch method {
            case "lock", "on-site-associated":
                let certPEM = try LocalFile.pem(try Ask.value(lockCert, "identity lock certificate file"),
                                                role: "identity lock certificate (--lock-cert)", label: "CERTIFICATE")
                let keyFile = try Ask.value(lockKey, "identity lock key file")
                let keyPEM = try LocalFile.pem(keyFile, role: "identity lock key (--lock-key)", label: "PRIVATE KEY")
                let key: PrivateKey
                do {
                    key = try PrivateKey(pem: keyPEM)
                } catch {
                    throw LocalFile.Problem(access: .read, path: keyFile, role: "identity lock key (--lock-key)", reason: Messages.notPEM("PRIVATE KEY"))
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
            case .authenticated: "authenticated: the administrator can log in (jzs enterprise login --account \(s.administratorAccount))"
            case .pendingAuthentication: "waiting for on-site authentication at the provincial authority (\(s.provinceCode)); bring 营业执照, 资质证书, 法人授权书 and the agent's ID"
            case .returned: "returned by the provincial authority: \(s.returnReason) — sign up again with --restart"
            default: "draft"
            }
            if global.json {
                Output.json(["enterprise_id": s.enterpriseID, "credit_code": s.creditCode, "name": s.name, "status": "\(s.status)",
                             "administrator_account": s.administratorAccount, "province_code": s.provinceCode])
            } else {
                Output.fields([("enterprise", "\(s.name) (\(s.creditCode))"), ("administrator", s.administratorAccount), ("status", status)])
            }
        }

        func say(_ text: String) { if !global.json { print(text) } }

        static func read(_ path: String) throws -> [UInt8] {
            Array(try LocalFile.read(path, role: "image"))
        }
    }

    struct Login: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Log in as an enterprise user; the session is kept for this profile.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Login account.") var account: String
        @Option(help: ArgumentHelp(Messages.passwordFlag())) var password: String?
        @Flag(name: .customLong("password-stdin"), help: ArgumentHelp(Messages.passwordStdin)) var passwordStdin = false
        var anonymous: Bool { true }

        func validate() throws { try Passwords.checkOneSource(password, "--password", stdin: passwordStdin) }

        func run(with client: Client) async throws {
            let secret = try Passwords.read(password, stdin: passwordStdin, prompt: "Password: ")
            let response = try await client.enterprise.login(account: account, password: secret)
            try global.sessions.save(.init(server: global.serverAddress, kind: "enterprise", token: response.sessionToken, account: account))
            if global.json {
                Output.json(["logged_in": true, "administrator": response.administrator])
            } else {
                print("logged in as \(account)\(response.administrator ? " (administrator)" : "")")
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
    static func value(_ given: String?, _ label: String) throws -> String {
        if let given, !given.isEmpty { return given }
        guard isatty(STDIN_FILENO) == 1 else { throw ValidationError("missing \(label): pass it as an option") }
        print("\(label): ", terminator: "")
        guard let line = readLine(), !line.isEmpty else { throw ValidationError("missing \(label)") }
        return line
    }
}
