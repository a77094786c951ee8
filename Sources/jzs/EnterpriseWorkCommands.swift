import ArgumentParser
import Foundation
import Proto
import RPCClient

/// 企业信息: show, update, attachments.
struct InfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Server information (default), or your enterprise's: show, update, attachment.",
        discussion: "`jzs info` prints the server's version and limits; `jzs info show|update|attachment` work on 企业信息 of the logged-in enterprise.",
        subcommands: [Info.self, Show.self, Update.self, Attachment.self], defaultSubcommand: Info.self)

    static func show(_ i: Wire.Enterprise.EnterpriseInfo, json: Bool) {
        if json {
            var o: [String: Any] = ["enterprise_id": i.enterpriseID, "credit_code": i.creditCode, "province_code": i.provinceCode,
                                    "fields": Dictionary(uniqueKeysWithValues: i.fields.map { ($0.field, $0.value) }),
                                    "attachments": i.attachments.map { ["kind": "\($0.kind)", "content_type": $0.contentType, "size": $0.size, "sha256": $0.sha256] }]
            if let p = i.pendingChange { o["pending_change"] = Dictionary(uniqueKeysWithValues: p.changes.map { ($0.field, $0.value) }) }
            if !i.lastRejectionReason.isEmpty { o["last_rejection_reason"] = i.lastRejectionReason }
            Output.json(o)
            return
        }
        Output.fields([("enterprise", i.enterpriseID), ("credit code", i.creditCode)] + i.fields.map { ($0.field, $0.value) }
                      + i.attachments.map { ("attachment", "\($0.kind == .businessLicence ? "营业执照" : "资质证明") \($0.contentType) \($0.size) bytes") })
        if let p = i.pendingChange {
            print("change under provincial review: " + p.changes.map { "\($0.field) → \($0.value)" }.joined(separator: "; "))
        }
        if !i.lastRejectionReason.isEmpty { print("\u{1B}[31mlast change request rejected: \(i.lastRejectionReason)\u{1B}[0m") }
    }

    struct Show: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "企业信息: the enterprise's information and attachments.")
        @OptionGroup var global: GlobalOptions
        func run(with client: Client) async throws { InfoCommand.show(try await client.enterprise.info(), json: global.json) }
    }

    struct Update: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change fields: --set FIELD=VALUE (repeatable).",
            discussion: "correspondence_address, postcode, contact and contact_phone change at once; other fields (name, legal_representative, enterprise_type, economic_nature, registered_address, qualification_certificate_no, email) go to the provincial authority for confirmation.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("set"), help: "FIELD=VALUE") var assignments: [String]

        func run(with client: Client) async throws {
            let changes = try assignments.map { a -> (String, String) in
                guard let eq = a.firstIndex(of: "=") else { throw ValidationError("--set \(a): expected FIELD=VALUE") }
                return (String(a[..<eq]), String(a[a.index(after: eq)...]))
            }
            let r = try await client.enterprise.updateInfo(changes)
            if global.json {
                Output.json(["applied": r.applied, "change_request": r.changeRequest.map { $0.changeID } ?? ""])
            } else {
                if !r.applied.isEmpty { print("changed: \(r.applied.joined(separator: ", "))") }
                if let c = r.changeRequest { print("sent to the provincial authority for confirmation (request \(c.changeID)): \(c.changes.map(\.field).joined(separator: ", "))") }
            }
        }
    }

    struct Attachment: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Download an attachment (licence or qualification).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "licence or qualification") var kind: String
        @Option(help: "Write to this file.") var out: String

        func run(with client: Client) async throws {
            let k: Wire.Enterprise.AttachmentKind = kind == "qualification" ? .qualificationCertificate : .businessLicence
            let a = try await client.enterprise.attachment(k)
            try LocalFile.write(a.content, to: out)
            if global.json { Output.json(["file": out, "content_type": a.contentType, "bytes": a.content.count]) } else { print("\(out): \(a.contentType), \(a.content.count) bytes") }
        }
    }
}

/// 已注册人员.
struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "staff", abstract: "已注册人员: registered staff.", subcommands: [List.self, Show.self])

    struct List: ClientCommand {
        @OptionGroup var global: GlobalOptions
        @Option(help: "Names containing this.") var name = ""
        @Option(name: .customLong("page-token")) var pageToken = ""

        func run(with client: Client) async throws {
            let r = try await client.enterprise.staff(nameContains: name, pageToken: pageToken)
            if global.json {
                Output.json(r.staff.map { ["registration_id": $0.registrationID, "registration_number": $0.registrationNumber, "name": $0.name,
                                           "id_number": $0.idNumberMasked, "specialties": $0.specialties.map(\.specialty)] as [String: Any] })
            } else {
                Output.table(["registration", "number", "name", "ID number", "specialties"], r.staff.map {
                    [$0.registrationID, $0.registrationNumber, $0.name, $0.idNumberMasked, $0.specialties.map(\.specialty).joined(separator: "、")]
                })
                print("\(r.staff.count) of \(r.page?.total ?? 0)")
            }
        }
    }

    struct Show: ClientCommand {
        @OptionGroup var global: GlobalOptions
        @Argument(help: "注册编号 (registration number).") var registrationNumber: String

        func run(with client: Client) async throws {
            let m = try await client.enterprise.staffMember(registrationNumber: registrationNumber)
            if global.json {
                Output.json(["registration_number": m.registrationNumber, "name": m.name, "id_number": m.idNumberMasked,
                             "specialties": m.specialties.map { ["specialty": $0.specialty, "valid_from": $0.validFrom, "valid_until": $0.validUntil] }])
            } else {
                Output.fields([("registration number", m.registrationNumber), ("name", m.name), ("ID number", m.idNumberMasked)]
                              + m.specialties.map { ($0.specialty, "\($0.validFrom) to \($0.validUntil)") })
            }
        }
    }
}

/// 人员管理 (administrator only).
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "users", abstract: "人员管理: sub-users (administrator only).",
                                                    subcommands: [List.self, Add.self, Edit.self, Remove.self, ResetPassword.self])

    struct List: ClientCommand {
        @OptionGroup var global: GlobalOptions
        func run(with client: Client) async throws {
            let users = try await client.enterprise.users()
            if global.json {
                Output.json(users.map { ["user_id": $0.userID, "account": $0.account, "name": $0.name, "administrator": $0.administrator, "locked": $0.locked] as [String: Any] })
            } else {
                Output.table(["user", "account", "name", "role"], users.map { [$0.userID, $0.account, $0.name, ($0.administrator ? "管理员" : "二级用户") + ($0.locked ? " (locked)" : "")] })
            }
        }
    }

    struct Add: ClientCommand {
        @OptionGroup var global: GlobalOptions
        @Option var name: String
        @Option var account: String
        @Option(help: ArgumentHelp(Messages.passwordFlag("The sub-user's password"))) var password: String?
        @Flag(name: .customLong("password-stdin"), help: ArgumentHelp(Messages.passwordStdin)) var passwordStdin = false
        func validate() throws { try Passwords.checkOneSource(password, "--password", stdin: passwordStdin) }
        func run(with client: Client) async throws {
            let secret = try Passwords.read(password, stdin: passwordStdin, prompt: "Password: ")
            let u = try await client.enterprise.addUser(name: name, account: account, password: secret)
            if global.json { Output.json(["user_id": u.userID, "account": u.account]) } else { print("added \(u.account) (\(u.userID))") }
        }
    }

    struct Edit: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "修改: rename a sub-user.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The sub-user's account.") var account: String
        @Option var name: String
        func run(with client: Client) async throws {
            try await client.enterprise.updateUser(account: account, name: name)
            if global.json { Output.json(["updated": true]) } else { print("updated") }
        }
    }

    struct ResetPassword: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "reset-password", abstract: "重置密码: set a sub-user's password (their sessions end).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The sub-user's account.") var account: String
        @Option(help: ArgumentHelp(Messages.passwordFlag("The new password"))) var password: String?
        @Flag(name: .customLong("password-stdin"), help: ArgumentHelp(Messages.newPasswordStdin)) var passwordStdin = false
        func validate() throws { try Passwords.checkOneSource(password, "--password", stdin: passwordStdin) }
        func run(with client: Client) async throws {
            let secret = try Passwords.read(password, stdin: passwordStdin, prompt: "New password: ")
            try await client.enterprise.updateUser(account: account, newPassword: secret)
            if global.json { Output.json(["reset": true]) } else { print("password reset") }
        }
    }

    struct Remove: ClientCommand {
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The sub-user's account.") var account: String
        func run(with client: Client) async throws {
            try await client.enterprise.removeUser(account: account)
            if global.json { Output.json(["removed": true]) } else { print("removed") }
        }
    }
}

/// Enterprise user passwords.
struct PasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "password", abstract: "Change your password, or recover a forgotten one by SMS.",
                                                    subcommands: [Change.self, Forgot.self])

    struct Change: ClientCommand {
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(Messages.passwordFlag("The current password"))) var old: String?
        @Option(help: ArgumentHelp(Messages.passwordFlag("The new password"))) var new: String?
        @Flag(name: .customLong("password-stdin"), help: ArgumentHelp(Messages.passwordsStdin)) var passwordStdin = false
        func run(with client: Client) async throws {
            let current = try Passwords.read(old, stdin: passwordStdin, prompt: "Current password: ")
            let next = try Passwords.read(new, stdin: passwordStdin, prompt: "New password: ")
            try await client.enterprise.changePassword(old: current, new: next)
            global.sessions.remove()
            if global.json { Output.json(["changed": true]) } else { print("password changed; log in again") }
        }
    }

    struct Forgot: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "找回密码: without --sms-code sends a code to the bound phone; with it sets the new password.")
        @OptionGroup var global: GlobalOptions
        @Option var account: String
        @Option(name: .customLong("sms-code")) var smsCode: String?
        @Option(name: .customLong("new-password"), help: ArgumentHelp(Messages.passwordFlag("The new password"))) var newPassword: String?
        @Flag(name: .customLong("password-stdin"), help: ArgumentHelp(Messages.newPasswordStdin)) var passwordStdin = false
        var anonymous: Bool { true }
        func validate() throws { try Passwords.checkOneSource(newPassword, "--new-password", stdin: passwordStdin) }
        func run(with client: Client) async throws {
            guard let smsCode else {
                try await client.enterprise.requestPasswordReset(account: account)
                if global.json { Output.json(["sent": true]) } else { print("if the account exists, an SMS code was sent to the enterprise's bound phone; rerun with --sms-code") }
                return
            }
            let secret = try Passwords.read(newPassword, stdin: passwordStdin, prompt: "New password: ")
            try await client.enterprise.resetPassword(account: account, smsCode: smsCode, newPassword: secret)
            if global.json { Output.json(["reset": true]) } else { print("password set; log in with it") }
        }
    }
}

extension ProvinceCommand {
    struct Changes: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Enterprise information changes waiting for you.")
        @OptionGroup var global: GlobalOptions
        func run(with client: Client) async throws {
            let list = try await client.provincial.enterpriseChanges()
            if global.json {
                Output.json(list.map { ["change_id": $0.changeID, "enterprise": $0.enterpriseName, "changes": Dictionary(uniqueKeysWithValues: $0.changes.map { ($0.field, $0.value) })] as [String: Any] })
            } else if list.isEmpty {
                print("no change request waiting")
            } else {
                for c in list { print("\(c.changeID)  \(c.enterpriseName): " + c.changes.map { "\($0.field) → \($0.value)" }.joined(separator: "; ")) }
            }
        }
    }

    struct DecideChange: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "decide-change", abstract: "Approve or reject (with --reason) a change request.")
        @OptionGroup var global: GlobalOptions
        @Argument var changeID: String
        @Flag(help: "Approve.") var approve = false
        @Flag(help: "Reject (needs --reason).") var reject = false
        @Option var reason = ""
        func validate() throws { guard approve != reject else { throw ValidationError("give --approve or --reject") } }
        func run(with client: Client) async throws {
            try await client.provincial.decideChange(changeID, approve: approve, reason: reason)
            if global.json { Output.json(["decided": approve ? "approved" : "rejected"]) } else { print(approve ? "approved" : "rejected") }
        }
    }
}
