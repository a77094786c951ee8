import ArgumentParser
import Foundation
import Model
import Proto
import RPCClient

/// 企业信息: show, update, attachments.
struct InfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: EnterpriseTexts.infoAbstract.text, discussion: EnterpriseTexts.infoDiscussion.text,
        subcommands: [Info.self, Show.self, Update.self, Attach.self, Attachment.self], defaultSubcommand: Info.self)

    static func show(_ i: Wire.Enterprise.EnterpriseInfo, json: Bool) {
        if json {
            var o: [String: Any] = ["enterprise_id": i.enterpriseID, "credit_code": i.creditCode, "province_code": i.provinceCode,
                                    "fields": Dictionary(uniqueKeysWithValues: i.fields.map { ($0.field, $0.value) }),
                                    "attachments": i.attachments.map { ["kind": "\($0.kind)", "content_type": $0.contentType, "size": $0.size, "sha256": $0.sha256] }]
            if let p = i.pendingChange {
                o["pending_change"] = Dictionary(uniqueKeysWithValues: p.changes.map { ($0.field, $0.value) })
                o["pending_change_id"] = p.changeID
                o["pending_change_attachments"] = p.attachments.map { ["kind": "\($0.kind)", "content_type": $0.contentType, "size": $0.size, "sha256": $0.sha256] }
            }
            if !i.lastRejectionReason.isEmpty { o["last_rejection_reason"] = i.lastRejectionReason }
            Output.json(o)
            return
        }
        let language = UILanguage.current
        Output.fields([(EnterpriseTexts.enterprise.text, i.enterpriseID), (EnterpriseTexts.creditCode.text, i.creditCode)]
                      + i.fields.map { (FieldLabels.name(of: "enterprise.\($0.field)", language), $0.value) }
                      + i.attachments.map {
                          let kind = $0.kind == .businessLicence ? StatusTexts.businessLicence : StatusTexts.qualificationCertificate
                          return (EnterpriseTexts.attachment.text, EnterpriseTexts.attachmentValue(kind.text, $0.contentType, "\($0.size)"))
                      })
        if let p = i.pendingChange {
            print(EnterpriseTexts.pendingChange(changes(p.changes)))
            if !p.attachments.isEmpty { print(documents(p.attachments)) }
        }
        // Red on a terminal, as the seeds' screen shows the rejection reason in red.
        if !i.lastRejectionReason.isEmpty {
            let line = EnterpriseTexts.lastRejected(i.lastRejectionReason)
            print(isatty(STDOUT_FILENO) == 1 ? "\u{1B}[31m\(line)\u{1B}[0m" : line)
        }
    }

    /// Changed fields as people read them: 联系人 → 钱九; 企业名称 → ….
    static func changes(_ list: [Wire.Enterprise.FieldValue]) -> String {
        list.map { FieldLabels.name(of: "enterprise.\($0.field)", UILanguage.current) + " → " + $0.value }
            .joined(separator: UILanguage.current == .zh ? "；" : "; ")
    }

    /// 所附材料：营业执照（image/png，1234 字节）.
    static func documents(_ list: [Wire.Enterprise.AttachmentInfo]) -> String {
        guard !list.isEmpty else { return SignupReviewTexts.documents(SignupReviewTexts.noDocuments.text) }
        return SignupReviewTexts.documents(list.map {
            SignupReviewTexts.document(($0.kind == .businessLicence ? StatusTexts.businessLicence : StatusTexts.qualificationCertificate).text,
                                       $0.contentType, "\($0.size)")
        }.joined(separator: UILanguage.current == .zh ? "、" : ", "))
    }

    /// The documents given as --licence / --qualification, read.
    static func documentFiles(licence: String?, qualification: String?) throws -> [Wire.Enterprise.ChangeAttachment] {
        var out: [Wire.Enterprise.ChangeAttachment] = []
        if let licence { out.append(.init(kind: .businessLicence, content: Array(try LocalFile.read(licence, role: SignupReviewTexts.documentFile.text)))) }
        if let qualification { out.append(.init(kind: .qualificationCertificate, content: Array(try LocalFile.read(qualification, role: SignupReviewTexts.documentFile.text)))) }
        return out
    }

    /// The CLI's flags for the documents of a change request (`attachments[0].content` → --licence).
    static func documentNaming(_ files: [Wire.Enterprise.ChangeAttachment]) -> FieldNaming {
        FieldNaming(flags: ["content": files.first?.kind == .qualificationCertificate ? "--qualification" : "--licence", "attachments": "--licence/--qualification"])
    }

    struct Show: ClientCommand {
        static let configuration = CommandConfiguration(abstract: EnterpriseTexts.showAbstract.text)
        @OptionGroup var global: GlobalOptions
        func run(with client: Client) async throws { InfoCommand.show(try await client.enterprise.info(), json: global.json) }
    }

    struct Update: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: EnterpriseTexts.updateAbstract.text, discussion: EnterpriseTexts.updateDiscussion.text)
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("set"), help: ArgumentHelp(EnterpriseTexts.setHelp)) var assignments: [String] = []
        @Option(help: ArgumentHelp(SignupReviewTexts.licenceHelp)) var licence: String?
        @Option(help: ArgumentHelp(SignupReviewTexts.qualificationHelp)) var qualification: String?
        var fieldNaming: FieldNaming {
            var naming = InfoCommand.documentNaming((try? InfoCommand.documentFiles(licence: licence, qualification: qualification)) ?? [])
            naming.flags["field"] = "--set"
            return naming
        }

        func validate() throws {
            if assignments.isEmpty && licence == nil && qualification == nil { throw ValidationError(EnterpriseTexts.setHelp.text) }
        }

        /// `--set` takes a field by its wire name (`contact`) or its label in either language (联系人).
        static func fieldName(_ typed: String) -> String {
            let key = typed.trimmingCharacters(in: .whitespaces)
            for field in EnterpriseField.allCases {
                let path = "enterprise.\(field.rawValue)"
                if key == field.rawValue || key == FieldLabels.name(of: path, .zh) || key.lowercased() == FieldLabels.name(of: path, .en).lowercased() {
                    return field.rawValue
                }
            }
            return key
        }

        func run(with client: Client) async throws {
            let changes = try assignments.map { a -> (String, String) in
                guard let eq = a.firstIndex(of: "=") else { throw ValidationError(EnterpriseTexts.badSet(a)) }
                return (Self.fieldName(String(a[..<eq])), String(a[a.index(after: eq)...]))
            }
            let files = try InfoCommand.documentFiles(licence: licence, qualification: qualification)
            let r = try await client.enterprise.updateInfo(changes, attachments: files)
            if global.json {
                Output.json(["applied": r.applied, "change_request": r.changeRequest.map { $0.changeID } ?? "",
                             "attachments": r.changeRequest?.attachments.map { "\($0.kind)" } ?? []])
            } else {
                let comma = UILanguage.current == .zh ? "、" : ", "
                if !r.applied.isEmpty { print(EnterpriseTexts.changed(r.applied.map { FieldLabels.name(of: "enterprise.\($0)", UILanguage.current) }.joined(separator: comma))) }
                if let c = r.changeRequest {
                    let named = c.changes.map { FieldLabels.name(of: "enterprise.\($0.field)", UILanguage.current) }
                        + c.attachments.map { ($0.kind == .businessLicence ? StatusTexts.businessLicence : StatusTexts.qualificationCertificate).text }
                    print(EnterpriseTexts.sentForConfirmation(c.changeID, named.joined(separator: comma)))
                    if c.changes.contains(where: { $0.field == "name" }), !c.attachments.contains(where: { $0.kind == .businessLicence }) {
                        print(SignupReviewTexts.nameNeedsLicence(CommandHint.jzs("info attach")))
                    }
                }
            }
        }
    }

    /// `jzs info attach --licence FILE`: documents for the pending change request, after filing it.
    struct Attach: ClientCommand {
        static let configuration = CommandConfiguration(abstract: SignupReviewTexts.attachAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(SignupReviewTexts.licenceHelp)) var licence: String?
        @Option(help: ArgumentHelp(SignupReviewTexts.qualificationHelp)) var qualification: String?
        var fieldNaming: FieldNaming { InfoCommand.documentNaming(qualification != nil && licence == nil ? [.init(kind: .qualificationCertificate)] : []) }

        func validate() throws {
            if licence == nil && qualification == nil { throw ValidationError(SignupReviewTexts.attachOne.text) }
        }

        func run(with client: Client) async throws {
            let files = try InfoCommand.documentFiles(licence: licence, qualification: qualification)
            guard let pending = try await client.enterprise.info().pendingChange else {
                throw Failure(precondition: SignupReviewTexts.noPendingChange(CommandHint.jzs("info update")), json: global.json)
            }
            var change = pending
            for file in files { change = try await client.enterprise.attachToChange(pending.changeID, kind: file.kind, content: file.content) }
            if global.json {
                Output.json(["change_request": change.changeID, "attachments": change.attachments.map { "\($0.kind)" }])
            } else {
                print(SignupReviewTexts.attached(change.changeID, InfoCommand.documents(change.attachments)))
            }
        }
    }

    struct Attachment: ClientCommand {
        static let configuration = CommandConfiguration(abstract: EnterpriseTexts.attachmentAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(EnterpriseTexts.attachmentKind)) var kind: DocumentKind
        @Option(help: ArgumentHelp(HelpTexts.outFile)) var out: String

        func run(with client: Client) async throws {
            let a = try await client.enterprise.attachment(kind.wire)
            try LocalFile.write(a.content, to: out)
            if global.json { Output.json(["file": out, "content_type": a.contentType, "bytes": a.content.count]) } else { print(PublicTexts.downloaded(out, a.contentType, "\(a.content.count)")) }
        }
    }
}

/// 已注册人员.
struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "staff", abstract: EnterpriseTexts.staffAbstract.text, subcommands: [List.self, Show.self])

    struct List: ClientCommand {
        static let configuration = CommandConfiguration(abstract: EnterpriseTexts.staffListAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(EnterpriseTexts.nameContains)) var name = ""
        @Option(name: .customLong("page-token"), help: ArgumentHelp(HelpTexts.pageToken)) var pageToken = ""

        func run(with client: Client) async throws {
            let r = try await client.enterprise.staff(nameContains: name, pageToken: pageToken)
            if global.json {
                Output.json(r.staff.map { ["registration_id": $0.registrationID, "registration_number": $0.registrationNumber, "name": $0.name,
                                           "id_number": $0.idNumberMasked, "specialties": $0.specialties.map(\.specialty)] as [String: Any] })
            } else {
                Output.table([EnterpriseTexts.registration.text, EnterpriseTexts.number.text, EnterpriseTexts.name.text,
                              EnterpriseTexts.idNumber.text, EnterpriseTexts.specialties.text], r.staff.map {
                    [$0.registrationID, $0.registrationNumber, $0.name, $0.idNumberMasked, StatusTexts.specialties($0.specialties.map(\.specialty))]
                })
                print(EnterpriseTexts.ofTotal("\(r.staff.count)", "\(r.page?.total ?? 0)"))
            }
        }
    }

    struct Show: ClientCommand {
        static let configuration = CommandConfiguration(abstract: EnterpriseTexts.staffShowAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(EnterpriseTexts.registrationNumberHelp)) var registrationNumber: String

        func run(with client: Client) async throws {
            let m = try await client.enterprise.staffMember(registrationNumber: registrationNumber)
            if global.json {
                Output.json(["registration_number": m.registrationNumber, "name": m.name, "id_number": m.idNumberMasked,
                             "specialties": m.specialties.map { ["specialty": $0.specialty, "valid_from": $0.validFrom, "valid_until": $0.validUntil] }])
            } else {
                Output.fields([(EnterpriseTexts.registrationNumber.text, m.registrationNumber), (EnterpriseTexts.name.text, m.name),
                               (EnterpriseTexts.idNumber.text, m.idNumberMasked)]
                              + m.specialties.map { (StatusTexts.specialty($0.specialty), EnterpriseTexts.validity($0.validFrom, $0.validUntil)) })
            }
        }
    }
}

/// 人员管理 (administrator only).
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "users", abstract: EnterpriseTexts.usersAbstract.text,
                                                    subcommands: [List.self, Add.self, Edit.self, Remove.self, ResetPassword.self])

    struct List: ClientCommand {
        static let configuration = CommandConfiguration(abstract: EnterpriseTexts.usersListAbstract.text)
        @OptionGroup var global: GlobalOptions
        func run(with client: Client) async throws {
            let users = try await client.enterprise.users()
            if global.json {
                Output.json(users.map { ["user_id": $0.userID, "account": $0.account, "name": $0.name, "administrator": $0.administrator, "locked": $0.locked] as [String: Any] })
            } else {
                Output.table([EnterpriseTexts.user.text, EnterpriseTexts.account.text, EnterpriseTexts.name.text, EnterpriseTexts.role.text], users.map {
                    [$0.userID, $0.account, $0.name, ($0.administrator ? StatusTexts.administrator : StatusTexts.subUser).text + ($0.locked ? StatusTexts.locked.text : "")]
                })
            }
        }
    }

    struct Add: ClientCommand {
        static let configuration = CommandConfiguration(abstract: EnterpriseTexts.addAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(EnterpriseTexts.userName)) var name: String
        @Option(help: ArgumentHelp(EnterpriseTexts.userAccount)) var account: String
        @Option(help: ArgumentHelp(PasswordTexts.flag(PasswordTexts.subUser))) var password: String?
        @Flag(name: .customLong("password-stdin"), help: ArgumentHelp(PasswordTexts.stdin)) var passwordStdin = false
        var fieldNaming: FieldNaming { FieldNaming(flags: ["name": "--name", "account": "--account", "password": "--password"]) }
        func validate() throws { try Passwords.checkOneSource(password, "--password", stdin: passwordStdin) }
        func run(with client: Client) async throws {
            let secret = try Passwords.read(password, stdin: passwordStdin, prompt: PasswordTexts.promptPassword.text)
            let u = try await client.enterprise.addUser(name: name, account: account, password: secret)
            if global.json { Output.json(["user_id": u.userID, "account": u.account]) } else { print(EnterpriseTexts.added(u.account, u.userID)) }
        }
    }

    struct Edit: ClientCommand {
        static let configuration = CommandConfiguration(abstract: EnterpriseTexts.editAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(EnterpriseTexts.userAccountHelp)) var account: String
        @Option(help: ArgumentHelp(EnterpriseTexts.userName)) var name: String
        func run(with client: Client) async throws {
            try await client.enterprise.updateUser(account: account, name: name)
            if global.json { Output.json(["updated": true]) } else { print(EnterpriseTexts.updated.text) }
        }
    }

    struct ResetPassword: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "reset-password", abstract: EnterpriseTexts.resetAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(EnterpriseTexts.userAccountHelp)) var account: String
        @Option(help: ArgumentHelp(PasswordTexts.flag(PasswordTexts.new))) var password: String?
        @Flag(name: .customLong("password-stdin"), help: ArgumentHelp(PasswordTexts.newStdin)) var passwordStdin = false
        func validate() throws { try Passwords.checkOneSource(password, "--password", stdin: passwordStdin) }
        func run(with client: Client) async throws {
            let secret = try Passwords.read(password, stdin: passwordStdin, prompt: PasswordTexts.promptNew.text)
            try await client.enterprise.updateUser(account: account, newPassword: secret)
            if global.json { Output.json(["reset": true]) } else { print(EnterpriseTexts.passwordReset.text) }
        }
    }

    struct Remove: ClientCommand {
        static let configuration = CommandConfiguration(abstract: EnterpriseTexts.removeAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(EnterpriseTexts.userAccountHelp)) var account: String
        @Flag(help: ArgumentHelp(ConfirmTexts.yesRemove)) var yes = false

        func beforeConnecting() throws {
            try Confirmation.check(yes: yes, needsYes: ConfirmTexts.needsYesRemove, json: global.json)
        }

        func run(with client: Client) async throws {
            var who = account
            if !yes {
                // Name the person: the account and name, not only the id typed.
                if let user = try await client.enterprise.users().first(where: { $0.account == account }) { who = StatusTexts.withNote(user.account, user.name) }
                try Confirmation.ask(ConfirmTexts.removeUserQuestion(who), yes: false, needsYes: ConfirmTexts.needsYesRemove,
                                     declined: ConfirmTexts.declinedRemove, json: global.json)
            }
            try await client.enterprise.removeUser(account: account)
            if global.json { Output.json(["removed": true]) } else { print(EnterpriseTexts.removed(who)) }
        }
    }
}

/// Enterprise user passwords.
struct PasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "password", abstract: EnterpriseTexts.passwordAbstract.text,
                                                    subcommands: [Change.self, Forgot.self])

    struct Change: ClientCommand {
        static let configuration = CommandConfiguration(abstract: EnterpriseTexts.changeAbstract.text)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var passwords: PasswordChangeOptions
        var fieldNaming: FieldNaming { PasswordChangeOptions.naming }
        func validate() throws { try passwords.validate() }
        func run(with client: Client) async throws {
            let (current, next) = try passwords.read()
            try await client.enterprise.changePassword(old: current, new: next)
            global.sessions.remove()
            if global.json { Output.json(["changed": true]) } else { print(EnterpriseTexts.passwordChanged.text) }
        }
    }

    struct Forgot: ClientCommand {
        static let configuration = CommandConfiguration(abstract: EnterpriseTexts.forgotAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(EnterpriseTexts.forgotAccount)) var account: String
        @Option(name: .customLong("sms-code"), help: ArgumentHelp(SignupTexts.smsCode)) var smsCode: String?
        @Option(name: .customLong("new-password"), help: ArgumentHelp(PasswordTexts.flag(PasswordTexts.new))) var newPassword: String?
        @Flag(name: .customLong("password-stdin"), help: ArgumentHelp(PasswordTexts.newStdin)) var passwordStdin = false
        var fieldNaming: FieldNaming { FieldNaming(flags: ["account": "--account", "sms_code": "--sms-code", "new_password": "--new-password"]) }
        var anonymous: Bool { true }
        func validate() throws { try Passwords.checkOneSource(newPassword, "--new-password", stdin: passwordStdin) }
        func run(with client: Client) async throws {
            guard let smsCode else {
                try await client.enterprise.requestPasswordReset(account: account)
                if global.json { Output.json(["sent": true]) } else { print(EnterpriseTexts.forgotSent.text) }
                return
            }
            let secret = try Passwords.read(newPassword, stdin: passwordStdin, prompt: PasswordTexts.promptNew.text)
            try await client.enterprise.resetPassword(account: account, smsCode: smsCode, newPassword: secret)
            if global.json { Output.json(["reset": true]) } else { print(EnterpriseTexts.passwordSet.text) }
        }
    }
}

extension ProvinceCommand {
    /// Change requests waiting for the province (default), and the documents filed with one.
    struct Changes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: SignupReviewTexts.changesAbstract.text,
                                                        subcommands: [List.self, Attachment.self], defaultSubcommand: List.self)

        struct List: ClientCommand {
            static let configuration = CommandConfiguration(abstract: ReviewTexts.changesAbstract.text)
            @OptionGroup var global: GlobalOptions
            func run(with client: Client) async throws {
                let list = try await client.provincial.enterpriseChanges()
                if global.json {
                    Output.json(list.map { ["change_id": $0.changeID, "enterprise": $0.enterpriseName,
                                            "changes": Dictionary(uniqueKeysWithValues: $0.changes.map { ($0.field, $0.value) }),
                                            "attachments": $0.attachments.map { ["kind": "\($0.kind)", "content_type": $0.contentType, "size": $0.size, "sha256": $0.sha256] }] as [String: Any] })
                } else if list.isEmpty {
                    print(ReviewTexts.noChange.text)
                } else {
                    for c in list {
                        print("\(c.changeID)  \(c.enterpriseName)" + (UILanguage.current == .zh ? "：" : ": ") + InfoCommand.changes(c.changes))
                        if !c.attachments.isEmpty { print("    " + InfoCommand.documents(c.attachments)) }
                    }
                }
            }
        }

        /// `jzs province changes attachment CHANGE_ID --kind licence --out FILE` (0600; audited).
        struct Attachment: ClientCommand {
            static let configuration = CommandConfiguration(abstract: SignupReviewTexts.changeAttachmentAbstract.text)
            @OptionGroup var global: GlobalOptions
            @Argument(help: ArgumentHelp(ReviewTexts.changeID)) var changeID: String
            @Option(help: ArgumentHelp(SignupReviewTexts.kindHelp)) var kind: DocumentKind = .licence
            @Option(help: ArgumentHelp(HelpTexts.outFile)) var out: String
            var fieldNaming: FieldNaming { FieldNaming(flags: ["kind": "--kind"]) }

            func run(with client: Client) async throws {
                let a = try await client.provincial.changeAttachment(changeID: changeID, kind: kind.wire)
                try LocalFile.write(a.content, to: out)
                if global.json {
                    Output.json(["file": out, "content_type": a.contentType, "bytes": a.content.count, "sha256": a.sha256])
                } else {
                    print(SignupReviewTexts.attachmentSaved(kind.label, out, a.contentType, "\(a.content.count)", String(a.sha256.prefix(16))))
                }
            }
        }
    }

    struct DecideChange: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "decide-change", abstract: ReviewTexts.decideChangeAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(ReviewTexts.changeID)) var changeID: String
        @Flag(help: ArgumentHelp(ReviewTexts.approveHelp)) var approve = false
        @Flag(help: ArgumentHelp(ReviewTexts.rejectHelp)) var reject = false
        @Option(help: ArgumentHelp(ReviewTexts.reasonHelp)) var reason = ""
        var fieldNaming: FieldNaming { FieldNaming(flags: ["reason": "--reason"]) }
        func validate() throws { guard approve != reject else { throw ValidationError(ReviewTexts.approveOrReject.text) } }
        func run(with client: Client) async throws {
            try await client.provincial.decideChange(changeID, approve: approve, reason: reason)
            if global.json { Output.json(["decided": approve ? "approved" : "rejected"]) } else { print((approve ? ReviewTexts.approved : ReviewTexts.rejected).text) }
        }
    }
}
