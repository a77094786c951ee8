import ArgumentParser
import Foundation
import Proto
import RPCClient

/// Provincial-authority commands; need the province's client certificate (--cert/--key) and
/// --operator (who is acting; audited).
struct ProvinceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "province", abstract: ReviewTexts.provinceAbstract.text,
        subcommands: [Signups.self, Authenticate.self, Return.self, LookupAccount.self, ResetAdmin.self, ReassignAccount.self, Changes.self, DecideChange.self,
                     Applications.self, Show.self, Accept.self, Refuse.self, Export.self, Statistics.self])

    struct Authenticate: ClientCommand {
        static let configuration = CommandConfiguration(abstract: ReviewTexts.authenticateAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(ReviewTexts.enterpriseIDHelp)) var enterpriseID: String

        func run(with client: Client) async throws {
            let s = try await client.provincial.authenticate(enterpriseID: enterpriseID)
            if global.json { Output.json(["enterprise_id": s.enterpriseID, "status": "\(s.status)"]) } else { print(ReviewTexts.authenticated(s.name, s.administratorAccount)) }
        }
    }

    struct Return: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: ReviewTexts.returnAbstract.text, discussion: ReviewTexts.returnDiscussion.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(ReviewTexts.returnID)) var id: String
        @Option(help: ArgumentHelp(ReviewTexts.returnReason)) var reason: String
        var fieldNaming: FieldNaming { FieldNaming(flags: ["reason": "--reason", "return_reason": "--reason"]) }

        func run(with client: Client) async throws {
            do {
                _ = try await client.provincial.application(id)
            } catch let error as RPCError where error.code == .notFound {
                try await client.provincial.returnSignup(enterpriseID: id, reason: reason)
                if global.json { Output.json(["returned": "sign-up"]) } else { print(ReviewTexts.signupReturned.text) }
                return
            }
            let a = try await client.provincial.returnApplication(id, reason: reason)
            ApplicationOutput.changed(a, json: global.json)
        }
    }

    struct LookupAccount: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "lookup-account", abstract: ReviewTexts.lookupAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(ReviewTexts.creditCodeHelp)) var creditCode: String

        func run(with client: Client) async throws {
            let found = try await client.provincial.lookupAdministrator(creditCode: creditCode)
            if global.json {
                Output.json(["enterprise_id": found.enterpriseID, "name": found.enterpriseName, "administrator_account": found.administratorAccount])
            } else {
                Output.fields([(ReviewTexts.name.text, StatusTexts.withNote(found.enterpriseName, found.enterpriseID)),
                               (ReviewTexts.administratorAccount.text, found.administratorAccount)])
            }
        }
    }

    struct ResetAdmin: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "reset-admin", abstract: ReviewTexts.resetAdminAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(ReviewTexts.enterpriseID)) var enterpriseID: String

        func run(with client: Client) async throws {
            let temporary = try await client.provincial.resetAdministratorPassword(enterpriseID: enterpriseID)
            if global.json { Output.json(["temporary_password": temporary]) } else { print(ReviewTexts.temporaryPassword(temporary)) }
        }
    }

    struct ReassignAccount: ClientCommand {
        static let configuration = CommandConfiguration(
            commandName: "reassign-account",
            abstract: ReviewTexts.reassignAbstract.text, discussion: ReviewTexts.reassignDiscussion.text)
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(ReviewTexts.ownerIDNumber)) var idNumber: String
        @Option(help: ArgumentHelp(ReviewTexts.ownerName)) var name: String
        @Option(help: ArgumentHelp(ReviewTexts.ownerPhone)) var phone: String
        @Option(help: ArgumentHelp(ReviewTexts.verification)) var verification: String
        var fieldNaming: FieldNaming {
            FieldNaming(flags: ["id_number": "--id-number", "name": "--name", "phone": "--phone", "verification": "--verification"])
        }

        func run(with client: Client) async throws {
            let temporary = try await client.provincial.reassignIndividualAccount(idNumber: idNumber, name: name, phone: phone, verification: verification)
            if global.json { Output.json(["temporary_password": temporary]) } else { print(ReviewTexts.reassigned(temporary)) }
        }
    }
}
