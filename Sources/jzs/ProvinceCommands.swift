import ArgumentParser
import Foundation
import Proto
import RPCClient

/// Provincial-authority commands; need the province's client certificate (--cert/--key) and
/// --operator (who is acting; audited).
struct ProvinceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "province", abstract: "Provincial authority: sign-ups, enterprise changes, application review.",
        subcommands: [Signups.self, Authenticate.self, Return.self, LookupAccount.self, ResetAdmin.self, ReassignAccount.self, Changes.self, DecideChange.self,
                     Applications.self, Show.self, Accept.self, Refuse.self, Export.self, Statistics.self])

    struct Signups: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Sign-ups waiting for on-site authentication in your province.")
        @OptionGroup var global: GlobalOptions

        func run(with client: Client) async throws {
            let list = try await client.provincial.pendingSignups()
            if global.json {
                Output.json(list.map { ["enterprise_id": $0.enterpriseID, "credit_code": $0.creditCode, "name": $0.name,
                                        "method": "\($0.method)", "administrator_account": $0.administratorAccount] })
            } else if list.isEmpty {
                print("no sign-up waiting")
            } else {
                Output.table(["enterprise", "credit code", "name", "method", "admin"], list.map {
                    [$0.enterpriseID, $0.creditCode, $0.name, $0.method == .onSiteAssociated ? "on-site associated" : "on-site", $0.administratorAccount]
                })
            }
        }
    }

    struct Authenticate: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Confirm on-site authentication of a sign-up.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Enterprise id (from `jzs province signups`).") var enterpriseID: String

        func run(with client: Client) async throws {
            let s = try await client.provincial.authenticate(enterpriseID: enterpriseID)
            if global.json { Output.json(["enterprise_id": s.enterpriseID, "status": "\(s.status)"]) } else { print("\(s.name) authenticated; its administrator \(s.administratorAccount) can log in") }
        }
    }

    struct Return: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: "Return an application for correction, or a wrong sign-up (by its enterprise id).",
            discussion: "An application id of your province returns the application to its applicant; an enterprise id returns that sign-up (the enterprise signs up again).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Application id or enterprise id.") var id: String
        @Option(help: "Why (required; shown to the applicant or enterprise).") var reason: String

        func run(with client: Client) async throws {
            do {
                _ = try await client.provincial.application(id)
            } catch let error as RPCError where error.code == .notFound {
                try await client.provincial.returnSignup(enterpriseID: id, reason: reason)
                if global.json { Output.json(["returned": "sign-up"]) } else { print("sign-up returned") }
                return
            }
            let a = try await client.provincial.returnApplication(id, reason: reason)
            ApplicationOutput.changed(a, json: global.json)
        }
    }

    struct LookupAccount: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "lookup-account", abstract: "An enterprise's administrator account (forgotten account).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "统一社会信用代码.") var creditCode: String

        func run(with client: Client) async throws {
            let found = try await client.provincial.lookupAdministrator(creditCode: creditCode)
            if global.json {
                Output.json(["enterprise_id": found.enterpriseID, "name": found.enterpriseName, "administrator_account": found.administratorAccount])
            } else {
                Output.fields([("enterprise", "\(found.enterpriseName) (\(found.enterpriseID))"), ("administrator account", found.administratorAccount)])
            }
        }
    }

    struct ResetAdmin: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "reset-admin", abstract: "Give an enterprise administrator a temporary password.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Enterprise id.") var enterpriseID: String

        func run(with client: Client) async throws {
            let temporary = try await client.provincial.resetAdministratorPassword(enterpriseID: enterpriseID)
            if global.json { Output.json(["temporary_password": temporary]) } else { print("temporary password: \(temporary) (tell it in person)") }
        }
    }

    struct ReassignAccount: ClientCommand {
        static let configuration = CommandConfiguration(
            commandName: "reassign-account",
            abstract: "Give an individual account (找回被冒用的个人账号) to its owner after checking their documents in person.",
            discussion: "The name and phone become the owner's, every session ends, and a temporary password is shown once. Audited with --operator and --verification.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The owner's ID number (身份证号).") var idNumber: String
        @Option(help: "The owner's name as on the ID card.") var name: String
        @Option(help: "The owner's mobile phone.") var phone: String
        @Option(help: "What was checked in person, e.g. 身份证原件核验.") var verification: String

        func run(with client: Client) async throws {
            let temporary = try await client.provincial.reassignIndividualAccount(idNumber: idNumber, name: name, phone: phone, verification: verification)
            if global.json { Output.json(["temporary_password": temporary]) } else { print("account given to its owner; temporary password: \(temporary) (tell it in person)") }
        }
    }
}
