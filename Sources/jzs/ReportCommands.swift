import ArgumentParser
import Foundation
import Model
import Proto
import RPCClient

struct Home: ClientCommand {
    static let configuration = CommandConfiguration(abstract: ReportTexts.homeAbstract.text)
    @OptionGroup var global: GlobalOptions

    func run(with client: Client) async throws {
        let h = try await client.enterprise.home()
        if global.json {
            Output.json(["enterprise": h.enterpriseName, "pending": h.pending, "registered_staff": h.registeredStaff,
                         "by_status": Dictionary(uniqueKeysWithValues: h.byStatus.map { ("\($0.status)", $0.count) }),
                         "pending_applications": h.pendingApplications.map(ApplicationOutput.json)])
        } else {
            print(ReportTexts.homeSummary("\(h.pending)", "\(h.registeredStaff)"))
            for s in h.byStatus { print(ReportTexts.count(ApplicationOutput.statusName(s.status), "\(s.count)")) }
            if !h.pendingApplications.isEmpty {
                ApplicationOutput.table(.init(applications: h.pendingApplications, page: .init(total: UInt64(h.pending))))
            }
        }
    }
}

/// 注册上报: list, show, report (one or a batch), return.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: ReportTexts.abstract.text,
                                                    subcommands: [List.self, Show.self, Submit.self, Batch.self, Return.self])

    struct List: ClientCommand {
        static let configuration = CommandConfiguration(abstract: ReportTexts.listAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Flag(help: ArgumentHelp(ReportTexts.all)) var all = false
        @Option(help: ArgumentHelp(ReportTexts.onlyType)) var type: String?
        @Option(name: .customLong("page-size"), help: ArgumentHelp(HelpTexts.pageSize)) var pageSize: UInt32 = 50
        @Option(name: .customLong("page-token"), help: ArgumentHelp(HelpTexts.pageToken)) var pageToken = ""

        func validate() throws {
            if let type, ApplicationOutput.registrationType(type) == nil { throw ValidationError(IndividualTexts.badType(type)) }
        }

        func run(with client: Client) async throws {
            let statuses: [Wire.Common.ApplicationStatus] = all ? Wire.Common.ApplicationStatus.allKnown : []
            let query = Wire.Common.ApplicationQuery(statuses: statuses, type: type.flatMap(ApplicationOutput.registrationType) ?? .unspecified,
                                                     page: .init(pageSize: pageSize, pageToken: pageToken))
            let page = try await client.enterprise.applications(query)
            ApplicationOutput.page(page, json: global.json)
        }
    }

    struct Show: ClientCommand {
        static let configuration = CommandConfiguration(abstract: ReportTexts.showAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(HelpTexts.applicationID)) var applicationID: String

        func run(with client: Client) async throws {
            let a = try await client.enterprise.application(applicationID)
            ApplicationOutput.show(a, json: global.json)
        }
    }

    struct Submit: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "submit", abstract: ReportTexts.submitAbstract.text,
                                                        discussion: ReportTexts.submitDiscussion.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(HelpTexts.applicationID)) var applicationID: String
        @OptionGroup var consent: CommitmentOptions
        var fieldNaming: FieldNaming { CommitmentOptions.naming }

        func beforeConnecting() throws {
            try Confirmation.check(yes: consent.accepted, needsYes: ConfirmTexts.needsYesReport, json: global.json)
        }

        func run(with client: Client) async throws {
            if !consent.accepted {
                // What is reported, then the clauses, then the question.
                ApplicationOutput.detail(try await client.enterprise.application(applicationID), to: .standardError)
                try Confirmation.ask(ConfirmTexts.reportQuestion(applicationID), details: CommitmentOptions.clauses, yes: false,
                                     needsYes: ConfirmTexts.needsYesReport, declined: ConfirmTexts.declinedReport, json: global.json)
            }
            let a = try await client.enterprise.report(applicationID, acceptCommitment: true)
            ApplicationOutput.changed(a, json: global.json, ReportTexts.reported(a.applicationID, ApplicationOutput.statusName(a.status)))
        }
    }

    struct Return: ClientCommand {
        static let configuration = CommandConfiguration(abstract: ReportTexts.returnAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(HelpTexts.applicationID)) var applicationID: String
        @Option(help: ArgumentHelp(ReportTexts.returnReason)) var reason: String
        var fieldNaming: FieldNaming { FieldNaming(flags: ["reason": "--reason", "return_reason": "--reason"]) }

        func run(with client: Client) async throws {
            let a = try await client.enterprise.returnApplication(applicationID, reason: reason)
            ApplicationOutput.changed(a, json: global.json, ReportTexts.returned(a.applicationID))
        }
    }
}

/// Consent to the enterprise's 承诺条款: `--yes` for scripts, or the question on a terminal.
/// `--accept-commitment`, the flag of earlier versions, still works (hidden).
struct CommitmentOptions: ParsableArguments {
    @Flag(name: .customLong("yes"), help: ArgumentHelp(ConfirmTexts.yesReport)) var yes = false
    @Flag(name: .customLong("accept-commitment"), help: .hidden) var acceptCommitment = false

    var accepted: Bool { yes || acceptCommitment }

    static let naming = FieldNaming(flags: ["accept_commitment": "--yes"])

    /// The clauses as shown before the question.
    static var clauses: [String] { ["", ConfirmTexts.commitmentTitle.text, ConfirmTexts.commitmentClauses.text, ""] }
}

extension Wire.Common.ApplicationStatus {
    static let allKnown: [Self] = [.awaitingEnterprise, .awaitingProvince, .awaitingMinistry, .awaitingAnnouncement,
                                   .returned, .withdrawn, .refused, .rejected, .completed]
}

/// A progress bar on a terminal (stderr); silent otherwise.
enum Progress {
    static func show(done: Int, of total: Int, json: Bool) {
        guard !json, isatty(STDERR_FILENO) == 1, total > 0 else { return }
        let width = 30
        let filled = width * done / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total)\(done == total ? "\n" : "")".utf8))
    }
}
