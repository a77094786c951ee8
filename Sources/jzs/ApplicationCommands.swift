import ArgumentParser
import Foundation
import Model
import Proto
import RPCClient

/// The fields of an application, shared by apply and resubmit.
struct DraftOptions: ParsableArguments {
    @Option(help: "initial, change, renewal, add-specialty, re-registration or cancellation (or 初始 变更 延续 增项 重新 注销).")
    var type: String
    @Option(name: .customLong("specialty"), help: "A specialty, e.g. 建筑工程 (repeat for several).") var specialties: [String] = []
    @Option(name: .customLong("employer"), help: "The employer's 统一社会信用代码.") var employer: String
    @Option(name: .customLong("certificate-no"), help: "资格证书编号.") var certificateNo: String
    @Option(name: .customLong("qualified-on"), help: "资格证书签发日期 YYYY-MM-DD.") var qualifiedOn: String
    @Option(name: .customLong("contract-start"), help: "劳动合同 start YYYY-MM-DD.") var contractStart: String
    @Option(name: .customLong("contract-end"), help: "劳动合同 end YYYY-MM-DD.") var contractEnd: String

    func validate() throws {
        guard ApplicationOutput.registrationType(type) != nil else { throw ValidationError("--type \(type): not a registration type") }
    }

    var draft: Wire.Common.ApplicationDraft {
        .init(type: ApplicationOutput.registrationType(type) ?? .unspecified, specialties: specialties, employerCreditCode: employer,
              qualificationCertificateNo: certificateNo, qualificationDate: qualifiedOn, contractStart: contractStart, contractEnd: contractEnd)
    }
}

extension IndividualCommand {
    struct Apply: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Submit an application (个人申报).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var fields: DraftOptions

        func run(with client: Client) async throws {
            let a = try await client.individual.submit(fields.draft)
            ApplicationOutput.show(a, json: global.json)
        }
    }

    struct Applications: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Your applications, or one with its history.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "An application id for its detail and history.") var applicationID: String?

        func run(with client: Client) async throws {
            if let applicationID {
                let a = try await client.individual.application(applicationID)
                ApplicationOutput.show(a, json: global.json)
            } else {
                let page = try await client.individual.applications()
                if global.json { Output.json(page.applications.map(ApplicationOutput.json)) } else { ApplicationOutput.table(page) }
            }
        }
    }

    struct Withdraw: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw an application not yet reported.")
        @OptionGroup var global: GlobalOptions
        @Argument var applicationID: String

        func run(with client: Client) async throws {
            let a = try await client.individual.withdraw(applicationID)
            ApplicationOutput.changed(a, json: global.json)
        }
    }

    struct Resubmit: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Edit a returned application and submit it again.")
        @OptionGroup var global: GlobalOptions
        @Argument var applicationID: String
        @OptionGroup var fields: DraftOptions

        func run(with client: Client) async throws {
            let a = try await client.individual.resubmit(applicationID, fields.draft)
            ApplicationOutput.show(a, json: global.json)
        }
    }
}

struct Home: ClientCommand {
    static let configuration = CommandConfiguration(abstract: "Enterprise home: applications waiting for you and statistics.")
    @OptionGroup var global: GlobalOptions

    func run(with client: Client) async throws {
        let h = try await client.enterprise.home()
        if global.json {
            Output.json(["enterprise": h.enterpriseName, "pending": h.pending, "registered_staff": h.registeredStaff,
                         "by_status": Dictionary(uniqueKeysWithValues: h.byStatus.map { ("\($0.status)", $0.count) }),
                         "pending_applications": h.pendingApplications.map(ApplicationOutput.json)])
        } else {
            print("待上报人员 \(h.pending)   已注册人员 \(h.registeredStaff)")
            for s in h.byStatus { print("  \(ApplicationOutput.statusName(s.status)): \(s.count)") }
            if !h.pendingApplications.isEmpty {
                ApplicationOutput.table(.init(applications: h.pendingApplications, page: .init(total: UInt64(h.pending))))
            }
        }
    }
}

/// 注册上报: list, show, report (one or a batch), return.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "注册上报: report or return staff applications.",
                                                    subcommands: [List.self, Show.self, Submit.self, Batch.self, Return.self])

    struct List: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Applications waiting for the enterprise (or --all).")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Every application of the enterprise, whatever its status.") var all = false
        @Option(help: "Only this registration type.") var type: String?
        @Option(name: .customLong("page-size")) var pageSize: UInt32 = 50
        @Option(name: .customLong("page-token")) var pageToken = ""

        func run(with client: Client) async throws {
            let statuses: [Wire.Common.ApplicationStatus] = all ? Wire.Common.ApplicationStatus.allKnown : []
            let query = Wire.Common.ApplicationQuery(statuses: statuses, type: type.flatMap(ApplicationOutput.registrationType) ?? .unspecified,
                                                     page: .init(pageSize: pageSize, pageToken: pageToken))
            let page = try await client.enterprise.applications(query)
            ApplicationOutput.page(page, json: global.json)
        }
    }

    struct Show: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "One application with its history.")
        @OptionGroup var global: GlobalOptions
        @Argument var applicationID: String

        func run(with client: Client) async throws {
            let a = try await client.enterprise.application(applicationID)
            ApplicationOutput.show(a, json: global.json)
        }
    }

    struct Submit: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "submit", abstract: "上报 one application (it can never be undone).")
        @OptionGroup var global: GlobalOptions
        @Argument var applicationID: String
        @Flag(name: .customLong("accept-commitment"), help: "Accept the enterprise's 承诺条款 (required).") var accept = false

        func run(with client: Client) async throws {
            let a = try await client.enterprise.report(applicationID, acceptCommitment: accept)
            ApplicationOutput.changed(a, json: global.json, "\(a.applicationID) reported: \(ApplicationOutput.statusName(a.status))")
        }
    }

    struct Batch: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: "批量上报: report many applications (ids as arguments, or --all-pending).",
            discussion: Messages.batchDiscussion)
        @OptionGroup var global: GlobalOptions
        @Argument var applicationIDs: [String] = []
        @Flag(name: .customLong("all-pending"), help: "Every application waiting for the enterprise.") var allPending = false
        @Flag(name: .customLong("accept-commitment"), help: "Accept the enterprise's 承诺条款 (required).") var accept = false
        @Option(name: .customLong("batch-key"), help: "Idempotency key base (default: random; printed so you can rerun safely).") var key: String?
        @Option(help: "Applications per call (a rerun keeps the recorded chunking).") var chunk = 1000

        func validate() throws {
            // Checked before a plan is recorded: a chunking the server refuses would stay with the key.
            guard (1...Model.Applications.maxBatch).contains(chunk) else { throw ValidationError("--chunk must be 1...\(Model.Applications.maxBatch)") }
        }

        func run(with client: Client) async throws {
            let plans = BatchPlan.Store(profile: global.sessions.profile)
            let base = key ?? UUID().uuidString.lowercased()
            let plan: BatchPlan
            if let recorded = try plans.load(server: global.serverAddress, key: base) {
                // The recorded list, whatever is pending now: the same chunks under the same keys.
                guard applicationIDs.isEmpty || Set(applicationIDs) == Set(recorded.applicationIDs) else {
                    throw ValidationError(Messages.batchKeyUsedForOthers(base))
                }
                plan = recorded
                if !global.json { print(Messages.batchResumed(base, count: plan.applicationIDs.count, chunk: plan.chunk)) }
            } else {
                var ids = applicationIDs
                if allPending {
                    var token = ""
                    repeat {
                        let page = try await client.enterprise.applications(.init(page: .init(pageSize: 500, pageToken: token)))
                        ids += page.applications.map(\.applicationID)
                        token = page.page?.nextPageToken ?? ""
                    } while !token.isEmpty
                }
                guard !ids.isEmpty else { throw ValidationError(Messages.batchNothingToReport) }
                plan = BatchPlan(server: global.serverAddress, key: base, chunk: max(1, chunk), applicationIDs: ids, createdAt: Date())
                try plans.save(plan)  // before anything is sent: a rerun finds exactly what this run sends
                if !global.json { print(Messages.batchKey(base)) }
            }
            var reported = 0, failed: [(String, String)] = []
            let chunks = plan.chunks
            for (n, part) in chunks.enumerated() {
                let response = try await client.enterprise.batchReport(part.ids, acceptCommitment: accept, idempotencyKey: part.key)
                reported += Int(response.reported)
                failed += response.results.filter { $0.code != 0 }.map { ($0.applicationID, $0.message) }
                Progress.show(done: min((n + 1) * plan.chunk, plan.applicationIDs.count), of: plan.applicationIDs.count, json: global.json)
            }
            if global.json {
                Output.json(["reported": reported, "failed": failed.map { ["application_id": $0.0, "message": $0.1] }, "key": base])
            } else {
                print("reported \(reported), failed \(failed.count)")
                for (id, message) in failed { print("  \(id): \(message)") }
            }
            if !failed.isEmpty { throw ExitCode(ExitStatus.itemsFailed) }
        }
    }

    struct Return: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "退回 an application to the applicant.")
        @OptionGroup var global: GlobalOptions
        @Argument var applicationID: String
        @Option(help: "Why (required; shown to the applicant).") var reason: String

        func run(with client: Client) async throws {
            let a = try await client.enterprise.returnApplication(applicationID, reason: reason)
            ApplicationOutput.changed(a, json: global.json, "\(a.applicationID) returned to the applicant")
        }
    }
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
