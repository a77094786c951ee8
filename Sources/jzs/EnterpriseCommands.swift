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
    /// for this profile, so running it again resumes where it stopped. A resumed draft takes every
    /// changed value (step 1 fields, a different licence file, another administrator) and says so;
    /// once submitted, a correction is refused with the step to redo.
    struct Signup: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: SignupTexts.signupAbstract.text, discussion: SignupTexts.signupDiscussion.text,
            subcommands: [Status.self])
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("credit-code"), help: ArgumentHelp(SignupTexts.creditCode)) var creditCode: String?
        @Option(help: ArgumentHelp(SignupTexts.name)) var name: String?
        @Option(name: .customLong("legal-representative"), help: ArgumentHelp(SignupTexts.legalRepresentative)) var legalRepresentative: String?
        @Option(name: .customLong("enterprise-type"), help: ArgumentHelp(SignupTexts.enterpriseType)) var enterpriseType: String?
        @Option(name: .customLong("economic-nature"), help: ArgumentHelp(SignupTexts.economicNature)) var economicNature: String?
        @Option(name: .customLong("registered-address"), help: ArgumentHelp(SignupTexts.registeredAddress)) var registeredAddress: String?
        @Option(name: .customLong("correspondence-address"), help: ArgumentHelp(SignupTexts.correspondenceAddress)) var correspondenceAddress: String?
        @Option(help: ArgumentHelp(SignupTexts.postcode)) var postcode: String?
        @Option(help: ArgumentHelp(SignupTexts.contact)) var contact: String?
        @Option(name: .customLong("contact-phone"), help: ArgumentHelp(SignupTexts.contactPhone)) var contactPhone: String?
        @Option(name: .customLong("qualification-number"), help: ArgumentHelp(SignupTexts.qualificationNumber)) var qualificationNumber: String?
        @Option(name: .customLong("province-code"), help: ArgumentHelp(SignupTexts.provinceCode)) var provinceCode: UInt32?
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
        var fieldNaming: FieldNaming { Self.naming }

        /// Wire field → the flag that sets it (for the server's violations).
        static let naming = FieldNaming(flags: [
            "credit_code": "--credit-code", "name": "--name", "enterprise_name": "--name",
            "legal_representative": "--legal-representative", "enterprise_type": "--enterprise-type", "economic_nature": "--economic-nature",
            "registered_address": "--registered-address", "correspondence_address": "--correspondence-address", "postcode": "--postcode",
            "contact": "--contact", "contact_phone": "--contact-phone", "qualification_certificate_no": "--qualification-number",
            "province_code": "--province-code", "licence": "--licence", "content": "--licence",
            "account": "--admin-account", "administrator_account": "--admin-account", "password": "--admin-password",
            "password_again": "--admin-password", "email": "--email", "phone": "--phone", "sms_code": "--sms-code",
            "signature": "--lock-key", "certificate_pem": "--lock-cert"])

        func validate() throws {
            if let auth, !["lock", "on-site", "on-site-associated"].contains(auth) {
                throw ValidationError(SignupTexts.badAuth.text)
            }
            try Passwords.checkOneSource(adminPassword, "--admin-password", stdin: passwordStdin)
        }

        /// Step 1 values given as flags, by wire field name (empty flags count as not given).
        var givenInfo: [(field: String, value: String)] {
            let pairs: [(String, String?)] = [
                ("credit_code", creditCode), ("name", name), ("legal_representative", legalRepresentative),
                ("enterprise_type", enterpriseType), ("economic_nature", economicNature), ("registered_address", registeredAddress),
                ("correspondence_address", correspondenceAddress), ("postcode", postcode), ("contact", contact),
                ("contact_phone", contactPhone), ("qualification_certificate_no", qualificationNumber),
                ("province_code", provinceCode.map { "\($0)" }),
            ]
            return pairs.compactMap { field, value in
                guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
                return (field, value)
            }
        }

        /// What the flags would change in a stored sign-up: step-1 fields (by wire name), files,
        /// the administrator. Province codes of a provincial credit code are not compared (the
        /// code decides the province).
        func differences(from s: Wire.Enterprise.SignupState, countingPassword: Bool) throws -> (info: [(field: String, value: String)], licence: [UInt8]?, qualification: [UInt8]?, administrator: Bool) {
            let stored = s.info ?? .init(creditCode: s.creditCode, name: s.name, provinceCode: s.provinceCode)
            func current(_ field: String) -> String {
                switch field {
                case "credit_code": stored.creditCode
                case "name": stored.name
                case "legal_representative": stored.legalRepresentative
                case "enterprise_type": stored.enterpriseType
                case "economic_nature": stored.economicNature
                case "registered_address": stored.registeredAddress
                case "correspondence_address": stored.correspondenceAddress
                case "postcode": stored.postcode
                case "contact": stored.contact
                case "contact_phone": stored.contactPhone
                case "qualification_certificate_no": stored.qualificationCertificateNo
                default: "\(stored.provinceCode)"
                }
            }
            let info = givenInfo.filter { pair in
                let given = pair.value.trimmingCharacters(in: .whitespaces)
                if pair.field == "credit_code" { return given.uppercased() != current(pair.field).uppercased() }
                return given != current(pair.field)
            }
            let licenceBytes = try licence.map(Self.read)
            let qualificationBytes = try qualification.map(Self.read)
            func differs(_ bytes: [UInt8]?, _ stored: String) -> [UInt8]? {
                guard let bytes else { return nil }
                return Digest.hex(Digest.sha256(bytes)) == stored ? nil : bytes
            }
            let hadAdministrator = !s.administratorAccount.isEmpty
            let administrator = hadAdministrator && ((adminAccount.map { !$0.isEmpty && $0 != s.administratorAccount } ?? false)
                || (adminName.map { !$0.isEmpty && $0 != s.administratorName } ?? false)
                || (countingPassword && (adminPassword != nil || passwordStdin)))
            return (info, differs(licenceBytes, s.businessLicenceSha256), differs(qualificationBytes, s.qualificationCertificateSha256), administrator)
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
            var newLicence: [UInt8]?, newQualification: [UInt8]?, redoAdministrator = false
            if let resumed {
                state = resumed
                say(SignupTexts.resuming(state.name, state.creditCode))
                // A password cannot be compared: it counts as a correction only while it can still apply.
                let wanted = try differences(from: state, countingPassword: state.status == .draft)
                guard state.status == .draft else {
                    // Submitted (or returned, or done): a correction can no longer apply: say which and why.
                    report(state)
                    var labels = wanted.info.map { FieldLabels.name(of: "info.\($0.field)", UILanguage.current) }
                    if wanted.licence != nil { labels.append(StatusTexts.businessLicence.text) }
                    if wanted.qualification != nil { labels.append(StatusTexts.qualificationCertificate.text) }
                    if wanted.administrator { labels.append(SignupTexts.administrator.text) }
                    guard !labels.isEmpty else { return }
                    let list = labels.joined(separator: UILanguage.current == .zh ? "、" : ", ")
                    let why = switch state.status {
                    case .pendingAuthentication: SignupTexts.notAppliedPending(list)
                    case .returned: SignupTexts.notAppliedReturned(list)
                    default: SignupTexts.notAppliedAuthenticated(list, CommandHint.jzs("info update"))
                    }
                    throw Failure(precondition: why, json: global.json)
                }
                if !wanted.info.isEmpty {
                    let r = try await client.enterprise.correctSignup(draftToken: token!, wanted.info.map { ($0.field, $0.value) })
                    if let s = r.state { state = s }
                    if !r.changed.isEmpty {
                        say(SignupTexts.step1Corrected(r.changed.map { FieldLabels.name(of: "info.\($0)", UILanguage.current) }
                                                       .joined(separator: UILanguage.current == .zh ? "、" : ", ")))
                    }
                }
                newLicence = wanted.licence
                newQualification = wanted.qualification
                redoAdministrator = wanted.administrator
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
                    creditCode: try Ask.value(code, SignupTexts.askCreditCode, flag: "--credit-code"), name: try Ask.value(lockedName, SignupTexts.askName, flag: "--name"),
                    legalRepresentative: try Ask.value(legalRepresentative, SignupTexts.askLegalRepresentative, flag: "--legal-representative"),
                    enterpriseType: enterpriseType ?? "", economicNature: economicNature ?? "",
                    registeredAddress: try Ask.value(registeredAddress, SignupTexts.askRegisteredAddress, flag: "--registered-address"),
                    correspondenceAddress: correspondenceAddress ?? "", postcode: postcode ?? "", contact: contact ?? "",
                    contactPhone: contactPhone ?? "", qualificationCertificateNo: qualificationNumber ?? "", provinceCode: provinceCode ?? 0)
                let started = try await client.enterprise.startSignup(info)
                token = started.draftToken
                try drafts.save(server: global.serverAddress, token: started.draftToken)
                state = try await client.enterprise.signup(draftToken: started.draftToken)
                say(SignupTexts.step1Done(started.enterpriseID, drafts.file.path))
            }
            let draft = token!
            guard state.status == .draft else { return report(state) }
            if !state.businessLicenceUploaded {
                let file = try Ask.value(licence, SignupTexts.askLicence, flag: "--licence")
                let stored = try await client.enterprise.upload(draftToken: draft, kind: .businessLicence, content: try Self.read(file))
                say(SignupTexts.step2Licence(stored.contentType))
            } else if let newLicence {
                let stored = try await client.enterprise.upload(draftToken: draft, kind: .businessLicence, content: newLicence)
                say(SignupTexts.step2LicenceReplaced(stored.contentType))
            }
            if let qualification, !state.qualificationCertificateUploaded {
                _ = try await client.enterprise.upload(draftToken: draft, kind: .qualificationCertificate, content: try Self.read(qualification))
                say(SignupTexts.step2Qualification.text)
            } else if let newQualification {
                _ = try await client.enterprise.upload(draftToken: draft, kind: .qualificationCertificate, content: newQualification)
                say(SignupTexts.step2QualificationReplaced.text)
            }
            if state.administratorAccount.isEmpty || redoAdministrator {
                let before = state.administratorAccount
                let account = before.isEmpty ? try Ask.value(adminAccount, SignupTexts.askAdminAccount, flag: "--admin-account") : (adminAccount.flatMap { $0.isEmpty ? nil : $0 } ?? before)
                let person = before.isEmpty ? try Ask.value(adminName, SignupTexts.askAdminName, flag: "--admin-name") : (adminName.flatMap { $0.isEmpty ? nil : $0 } ?? state.administratorName)
                let (p1, p2) = try Passwords.new(adminPassword, stdin: passwordStdin, prompt: PasswordTexts.promptAdmin.text, again: PasswordTexts.promptAgain.text)
                state = try await client.enterprise.setAdministrator(draftToken: draft, name: person, account: account, password: p1, passwordAgain: p2)
                if before.isEmpty {
                    say(SignupTexts.step3Done(state.administratorAccount))
                } else if before != state.administratorAccount {
                    say(SignupTexts.step3AccountChanged(before, state.administratorAccount))
                } else {
                    say(SignupTexts.step3Reset(state.administratorAccount))
                }
            }
            if !state.contactBound {
                let mobile = try Ask.value(phone, SignupTexts.askPhone, flag: "--phone")
                let mail = try Ask.value(email, SignupTexts.askEmail, flag: "--email")
                var code = smsCode
                if code == nil {
                    // A rerun within the minute: the code sent a moment ago still holds (5 minutes).
                    var sent = true
                    do {
                        _ = try await client.enterprise.sendSignupCode(phone: mobile)
                    } catch let error as RPCError where error.messageCode == TextCode.smsTooSoon.rawValue {
                        sent = false
                    }
                    guard isatty(STDIN_FILENO) == 1 else {
                        say(sent ? SignupTexts.step4Sent(mobile) : SignupTexts.step4AlreadySent(mobile))
                        return
                    }
                    if !sent { say(SignupTexts.step4AlreadySentAsk(mobile)) }
                    code = try Ask.value(nil, SignupTexts.askSMSCode, flag: "--sms-code")
                }
                state = try await client.enterprise.bindContact(draftToken: draft, email: mail, phone: mobile, smsCode: code!)
                say(SignupTexts.step4Done.text)
            }
            let method = try Ask.value(auth, SignupTexts.askAuth, flag: "--auth")
            switch method {
            case "lock", "on-site-associated":
                let certPEM = try LocalFile.pem(try Ask.value(lockCert, SignupTexts.askLockCert, flag: "--lock-cert"),
                                                role: FileTexts.lockCertificate.text, label: "CERTIFICATE")
                let keyFile = try Ask.value(lockKey, SignupTexts.askLockKey, flag: "--lock-key")
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

        func report(_ s: Wire.Enterprise.SignupState) { Self.report(s, json: global.json) }

        /// The sign-up as the seeds' 图8 asks the enterprise to check it: name, credit code, the
        /// other step-1 fields, the administrator account, the status (with the province's reason).
        static func report(_ s: Wire.Enterprise.SignupState, json: Bool) {
            let status = switch s.status {
            case .authenticated: StatusTexts.signupAuthenticated(CommandHint.jzs("enterprise login --account \(s.administratorAccount)"))
            case .pendingAuthentication: StatusTexts.signupPending(Province.authorityName(of: s.provinceCode))
            case .returned: StatusTexts.signupReturned(s.returnReason)
            default: StatusTexts.signupDraft.text
            }
            let info = s.info ?? .init()
            if json {
                var o: [String: Any] = ["enterprise_id": s.enterpriseID, "credit_code": s.creditCode, "name": s.name, "status": "\(s.status)",
                                        "administrator_account": s.administratorAccount, "province_code": s.provinceCode,
                                        "enterprise_type": info.enterpriseType, "economic_nature": info.economicNature,
                                        "qualification_certificate_no": info.qualificationCertificateNo,
                                        "business_licence_uploaded": s.businessLicenceUploaded,
                                        "qualification_certificate_uploaded": s.qualificationCertificateUploaded]
                if !s.returnReason.isEmpty { o["return_reason"] = s.returnReason }
                Output.json(o)
            } else {
                let language = UILanguage.current
                var rows: [(String, String)] = [(SignupTexts.enterprise.text, StatusTexts.withNote(s.name, s.creditCode))]
                // The optional fields of step 1 show when given (图8 asks to check name, code and account).
                let optional: [(String, String)] = [("info.enterprise_type", info.enterpriseType), ("info.economic_nature", info.economicNature),
                                                    ("info.qualification_certificate_no", info.qualificationCertificateNo)]
                rows += optional.filter { !$0.1.isEmpty }.map { (FieldLabels.name(of: $0.0, language), $0.1) }
                rows += [(SignupTexts.administrator.text, s.administratorAccount), (SignupTexts.status.text, status)]
                Output.fields(rows)
            }
        }

        func say(_ text: String) { if !global.json { print(text) } }

        static func read(_ path: String) throws -> [UInt8] {
            Array(try LocalFile.read(path, role: FileTexts.image.text))
        }

        /// `jzs enterprise signup status`: where the stored sign-up stands, changing nothing (a
        /// returned sign-up shows the province's reason).
        struct Status: ClientCommand {
            static let configuration = CommandConfiguration(abstract: SignupTexts.statusAbstract.text)
            @OptionGroup var global: GlobalOptions
            var anonymous: Bool { true }

            func run(with client: Client) async throws {
                let drafts = DraftStore(profile: global.sessions.profile)
                guard let token = drafts.load(server: global.serverAddress) else {
                    throw Failure(precondition: SignupTexts.noDraft(CommandHint.jzs("enterprise signup")), json: global.json)
                }
                do {
                    Signup.report(try await client.enterprise.signup(draftToken: token), json: global.json)
                } catch let error as RPCError where error.code == .notFound {
                    // The server ends a draft's token when the sign-up is authenticated (or expires).
                    throw Failure(precondition: SignupTexts.draftEnded(CommandHint.jzs("enterprise login --account " + SignupTexts.accountPlaceholder.text),
                                                                       CommandHint.jzs("enterprise signup")), json: global.json)
                }
            }
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
                if response.passwordChangeRequired { print(AccountTexts.mustChange(CommandHint.jzs("password change"))) }
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
    static func value(_ given: String?, _ label: Phrase, flag: String) throws -> String {
        if let given, !given.isEmpty { return given }
        guard isatty(STDIN_FILENO) == 1 else { throw ValidationError(SignupTexts.missing(FailureTexts.flagWithLabel(flag, label.text))) }
        print(label.text + (UILanguage.current == .zh ? "：" : ": "), terminator: "")
        guard let line = readLine(), !line.isEmpty else { throw ValidationError(SignupTexts.missingTyped(label.text)) }
        return line
    }
}
