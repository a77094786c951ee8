import ArgumentParser
import Foundation
import Model
import Proto
import RPCClient

extension ReportCommand {
    /// 批量上报 under an idempotency key (``BatchPlan``): confirmed once, sent in chunks, each
    /// application's outcome listed, the result recorded so a rerun of a finished key prints it.
    struct Batch: ClientCommand {
        static let configuration = CommandConfiguration(abstract: ReportTexts.batchAbstract.text, discussion: ReportTexts.batchDiscussion.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(ReportTexts.applicationIDs, valueName: "application-id")) var applicationIDs: [String] = []
        @Flag(name: .customLong("all-pending"), help: ArgumentHelp(ReportTexts.allPending)) var allPending = false
        @OptionGroup var consent: CommitmentOptions
        @Option(name: .customLong("batch-key"), help: ArgumentHelp(ReportTexts.batchKeyHelp)) var key: String?
        @Option(help: ArgumentHelp(ReportTexts.chunkHelp)) var chunk = 1000
        var fieldNaming: FieldNaming { CommitmentOptions.naming }

        func validate() throws {
            // Checked before a plan is recorded: a chunking the server refuses would stay with the key.
            guard (1...Model.Applications.maxBatch).contains(chunk) else { throw ValidationError(ReportTexts.chunkRange("\(Model.Applications.maxBatch)")) }
        }

        var plans: BatchPlan.Store { BatchPlan.Store(profile: global.sessions.profile) }

        /// The plan recorded for `--batch-key`, checked against the ids given.
        func recordedPlan() throws -> BatchPlan? {
            guard let key, let recorded = try plans.load(server: global.serverAddress, key: key) else { return nil }
            // The recorded list, whatever is pending now: the same chunks under the same keys.
            guard applicationIDs.isEmpty || Set(applicationIDs) == Set(recorded.applicationIDs) else {
                throw ValidationError(ReportTexts.batchKeyUsedForOthers(key))
            }
            return recorded
        }

        func beforeConnecting() throws {
            // A finished key sends nothing and needs no consent.
            if try recordedPlan()?.result != nil { return }
            try Confirmation.check(yes: consent.accepted, needsYes: ConfirmTexts.needsYesReport, json: global.json)
        }

        func run(with client: Client) async throws {
            let base = key ?? UUID().uuidString.lowercased()
            var plan: BatchPlan
            if let recorded = try recordedPlan() {
                plan = recorded
                if let result = recorded.result {
                    if !global.json { print(ReportTexts.batchFinished(base, ShownTime.text(result.finishedAt, seconds: true))) }
                    show(result, plan: plan)
                    return   // what was done is done: exit 0, whatever the items' outcomes were
                }
                if !global.json { print(ReportTexts.batchResumed(base, "\(plan.applicationIDs.count)", "\(plan.chunk)")) }
            } else {
                let pending = try await pendingApplicants(client)
                let ids = allPending ? applicationIDs + pending.ids.filter { !applicationIDs.contains($0) } : applicationIDs
                if ids.isEmpty, allPending {   // nothing waits for the report: nothing to do, not a mistake
                    if global.json { Output.json(["reported": 0]) } else { print(ReportTexts.batchNonePending.text) }
                    return
                }
                guard !ids.isEmpty else { throw ValidationError(ReportTexts.batchNothing.text) }
                plan = BatchPlan(server: global.serverAddress, key: base, chunk: max(1, chunk), applicationIDs: ids, createdAt: Date(),
                                 applicants: pending.names.filter { ids.contains($0.key) })
                try plans.save(plan)  // before anything is sent: a rerun finds exactly what this run sends
                if !global.json { print(ReportTexts.batchKey(base)) }
            }
            if !consent.accepted {
                let rows = plan.applicationIDs.map { ["  " + $0, plan.applicants?[$0] ?? ""] }
                let listing = [ReportTexts.batchToReport("\(plan.applicationIDs.count)")] + Output.tableLines(["", ""], rows).dropFirst()
                try Confirmation.ask(ConfirmTexts.batchQuestion("\(plan.applicationIDs.count)"), details: listing + CommitmentOptions.clauses,
                                     yes: false, needsYes: ConfirmTexts.needsYesReport, declined: ConfirmTexts.declinedReport, json: global.json)
            }
            var items: [BatchPlan.Result.Item] = []
            for (n, part) in plan.chunks.enumerated() {
                let response = try await client.enterprise.batchReport(part.ids, acceptCommitment: true, idempotencyKey: part.key)
                let answered = Dictionary(response.results.map { ($0.applicationID, $0) }, uniquingKeysWith: { first, _ in first })
                for id in part.ids {
                    // An id the server did not list was reported (the results list every item; kept safe).
                    let r = answered[id]
                    let ok = (r?.code ?? 0) == 0
                    items.append(.init(applicationID: id, reported: ok, code: ok ? nil : StatusCode(wireValue: r!.code).name,
                                       message: ok ? nil : r!.message))
                }
                Progress.show(done: min((n + 1) * plan.chunk, plan.applicationIDs.count), of: plan.applicationIDs.count, json: global.json)
            }
            let result = BatchPlan.Result(finishedAt: Date(), items: items)
            plan.result = result
            try plans.save(plan)
            show(result, plan: plan)
            if !result.failed.isEmpty { throw ExitCode(ExitStatus.itemsFailed) }
        }

        /// Ids and applicant names of the applications waiting for the enterprise.
        func pendingApplicants(_ client: Client) async throws -> (ids: [String], names: [String: String]) {
            var ids: [String] = [], names: [String: String] = [:]
            var token = ""
            repeat {
                let page = try await client.enterprise.applications(.init(page: .init(pageSize: 500, pageToken: token)))
                for a in page.applications {
                    ids.append(a.applicationID)
                    names[a.applicationID] = a.applicantName
                }
                token = page.page?.nextPageToken ?? ""
            } while !token.isEmpty
            return (ids, names)
        }

        /// Each application's outcome, then the totals (text), or one JSON object.
        func show(_ result: BatchPlan.Result, plan: BatchPlan) {
            if global.json {
                Output.json(["reported": result.reportedCount, "key": plan.key,
                             "failed": result.failed.map { ["application_id": $0.applicationID, "message": $0.message ?? ""] },
                             "items": result.items.map { item -> [String: Any] in
                                 var o: [String: Any] = ["application_id": item.applicationID, "outcome": item.reported ? "reported" : "failed",
                                                         "applicant": plan.applicants?[item.applicationID] ?? ""]
                                 if let code = item.code { o["code"] = code }
                                 if let message = item.message { o["message"] = message }
                                 return o
                             }])
                return
            }
            Output.table([ApplicationTexts.application.text, ApplicationTexts.applicant.text, ApplicationTexts.status.text], result.items.map {
                [$0.applicationID, plan.applicants?[$0.applicationID] ?? "", $0.reported ? ReportTexts.itemReported.text : ReportTexts.itemFailed($0.message ?? "")]
            })
            print(ReportTexts.batchSummary("\(result.reportedCount)", "\(result.failed.count)"))
        }
    }
}
