import ArgumentParser
import Crypto
import Foundation
import Model
import Proto
import RPCClient

/// Query options shared by province and ministry listings.
struct QueryOptions: ParsableArguments {
    @Option(help: ArgumentHelp(ReviewTexts.statusHelp))
    var status: [String] = []
    @Option(help: ArgumentHelp(ReviewTexts.typeHelp)) var type: String?
    @Option(help: ArgumentHelp(ReviewTexts.enterpriseHelp)) var enterprise: String?
    @Option(help: ArgumentHelp(ReviewTexts.fromHelp)) var from: String?
    @Option(help: ArgumentHelp(ReviewTexts.untilHelp)) var until: String?
    @Option(name: .customLong("page-size"), help: ArgumentHelp(HelpTexts.pageSize)) var pageSize: UInt32 = 50
    @Option(name: .customLong("page-token"), help: ArgumentHelp(HelpTexts.pageToken)) var pageToken = ""

    /// A status by its CLI name (`awaiting-province`) or its name in either language (待省级审查).
    static func status(named typed: String) -> Wire.Common.ApplicationStatus? {
        let typed = typed.trimmingCharacters(in: .whitespaces)
        let machine = typed.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "").lowercased()
        return Wire.Common.ApplicationStatus.allKnown.first {
            "\($0)".lowercased() == machine || StatusTexts.application($0, .zh) == typed || StatusTexts.application($0, .en).lowercased() == typed.lowercased()
                || serverNames($0).contains(typed)
        }
    }

    /// The status as the server's messages name it (待住房城乡建设部审批, 已批准，待公告), so a name
    /// copied from an error is taken too.
    private static func serverNames(_ status: Wire.Common.ApplicationStatus) -> [String] {
        guard let model = ApplicationStatus.allCases.first(where: { "\($0)" == "\(status)" }) else { return [] }
        return [Text(model.textCode).rendered(.zh), Text(model.textCode).rendered(.en)]
    }

    func query() throws -> Wire.Common.ApplicationQuery {
        // By its CLI name (awaiting-province) or as every output prints it (待省级审查), in either language.
        let statuses = try status.map { s -> Wire.Common.ApplicationStatus in
            guard let found = Self.status(named: s) else {
                throw ValidationError(ReviewTexts.badStatus(s, Wire.Common.ApplicationStatus.allKnown.map { StatusTexts.application($0) }.joined(separator: "、")))
            }
            return found
        }
        if let type, ApplicationOutput.registrationType(type) == nil { throw ValidationError(IndividualTexts.badType(type)) }
        func day(_ text: String?) throws -> Wire.Common.Timestamp? {
            guard let text else { return nil }
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withFullDate]
            f.timeZone = ShownTime.zone   // a day as people here count it
            guard let d = f.date(from: text) else { throw ValidationError(ReviewTexts.badDay(text)) }
            return Wire.Common.Timestamp(seconds: Int64(d.timeIntervalSince1970), nanos: 0)
        }
        return .init(statuses: statuses, type: type.flatMap(ApplicationOutput.registrationType) ?? .unspecified,
                     page: .init(pageSize: pageSize, pageToken: pageToken), enterpriseID: enterprise ?? "",
                     submittedFrom: try day(from), submittedUntil: try day(until))
    }
}

extension ProvinceCommand {
    struct Applications: ClientCommand {
        static let configuration = CommandConfiguration(abstract: ReviewTexts.provinceApplicationsAbstract.text)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var query: QueryOptions
        func run(with client: Client) async throws {
            let page = try await client.provincial.applications(try query.query())
            ApplicationOutput.page(page, json: global.json)
        }
    }

    struct Show: ClientCommand {
        static let configuration = CommandConfiguration(abstract: ReviewTexts.showAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(HelpTexts.applicationID)) var applicationID: String
        func run(with client: Client) async throws {
            let a = try await client.provincial.application(applicationID)
            ApplicationOutput.show(a, json: global.json)
        }
    }

    struct Accept: ClientCommand {
        static let configuration = CommandConfiguration(abstract: ReviewTexts.acceptAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(HelpTexts.applicationID)) var applicationID: String
        func run(with client: Client) async throws {
            let a = try await client.provincial.accept(applicationID)
            ApplicationOutput.changed(a, json: global.json)
        }
    }

    struct Refuse: ClientCommand {
        static let configuration = CommandConfiguration(abstract: ReviewTexts.refuseAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(HelpTexts.applicationID)) var applicationID: String
        @Option(help: ArgumentHelp(HelpTexts.reasonRequired)) var reason: String
        var fieldNaming: FieldNaming { FieldNaming(flags: ["reason": "--reason"]) }
        func run(with client: Client) async throws {
            let a = try await client.provincial.refuse(applicationID, reason: reason)
            ApplicationOutput.changed(a, json: global.json)
        }
    }

    struct Export: ClientCommand {
        static let configuration = CommandConfiguration(abstract: ReviewTexts.exportAbstract.text)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var query: QueryOptions
        func run(with client: Client) async throws {
            try await Exporter.write(try await client.provincial.export(try query.query()))
        }
    }

    struct Statistics: ClientCommand {
        static let configuration = CommandConfiguration(abstract: ReviewTexts.statisticsAbstract.text)
        @OptionGroup var global: GlobalOptions
        func run(with client: Client) async throws { Exporter.statistics(try await client.provincial.statistics(), json: global.json) }
    }
}

enum Exporter {
    static func write(_ stream: ResponseMessages<Wire.Common.Application>) async throws {
        var n = 0
        for try await a in stream {
            let data = try JSONSerialization.data(withJSONObject: ApplicationOutput.json(a), options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
            n += 1
        }
        FileHandle.standardError.write(Data((ReviewTexts.exported("\(n)") + "\n").utf8))
    }

    static func statistics(_ s: Wire.Common.ApplicationStatistics, json: Bool) {
        if json {
            Output.json(["total": s.total, "by_status": Dictionary(uniqueKeysWithValues: s.byStatus.map { ("\($0.status)", $0.count) }),
                         "by_type": Dictionary(uniqueKeysWithValues: s.byType.map { (ApplicationOutput.typeName($0.type), $0.count) })])
        } else {
            print(ReviewTexts.total("\(s.total)"))
            for x in s.byStatus { print(ReportTexts.count(ApplicationOutput.statusName(x.status), "\(x.count)")) }
            for x in s.byType { print(ReportTexts.count(StatusTexts.registrationType(x.type), "\(x.count)")) }
        }
    }
}

/// The ministry's client (ministry certificate and --operator).
struct MinistryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ministry", abstract: ReviewTexts.ministryAbstract.text,
                                                    subcommands: [Applications.self, Show.self, Decide.self, Batch.self, Announce.self, Export.self, Statistics.self])

    struct Applications: ClientCommand {
        static let configuration = CommandConfiguration(abstract: ReviewTexts.ministryApplicationsAbstract.text)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var query: QueryOptions
        func run(with client: Client) async throws {
            let page = try await client.ministry.applications(try query.query())
            ApplicationOutput.page(page, json: global.json)
        }
    }

    struct Show: ClientCommand {
        static let configuration = CommandConfiguration(abstract: ReviewTexts.showAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(HelpTexts.applicationID)) var applicationID: String
        func run(with client: Client) async throws {
            let a = try await client.ministry.application(applicationID)
            ApplicationOutput.show(a, json: global.json)
        }
    }

    struct Decide: ClientCommand {
        static let configuration = CommandConfiguration(abstract: ReviewTexts.decideAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(ReviewTexts.decisionHelp)) var decision: String
        @Argument(help: ArgumentHelp(HelpTexts.applicationID)) var applicationID: String
        @Option(help: ArgumentHelp(ReviewTexts.reasonHelp)) var reason = ""
        var fieldNaming: FieldNaming { FieldNaming(flags: ["reason": "--reason"]) }
        func validate() throws { guard Decisions.approve(decision) != nil else { throw ValidationError(ReviewTexts.badDecision(decision)) } }
        func run(with client: Client) async throws {
            let r = try await client.ministry.decide([.init(applicationID: applicationID, approve: Decisions.approve(decision) == true, reason: reason)],
                                                     idempotencyKey: UUID().uuidString)
            let item = r.results[0]
            if item.code != 0 { throw Failure(RPCError(code: StatusCode(wireValue: item.code), message: item.message), json: global.json, naming: fieldNaming) }
            if global.json { Output.json(["status": "\(item.status)", "registration_number": item.registrationNumber]) } else {
                let status = ApplicationOutput.statusName(item.status)
                print(item.registrationNumber.isEmpty ? ReviewTexts.decided(applicationID, status)
                                                      : ReviewTexts.decidedWithNumber(applicationID, status, item.registrationNumber))
            }
        }
    }

    struct Batch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: ReviewTexts.batchAbstract.text, subcommands: [BatchDecide.self])
    }

    struct BatchDecide: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "decide", abstract: ReviewTexts.batchDecideAbstract.text,
                                                        discussion: ReviewTexts.batchDecideDiscussion.text)
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(ReviewTexts.fileHelp)) var file: String
        @Option(help: ArgumentHelp(ReviewTexts.chunkHelp)) var chunk = 1000
        @Option(help: ArgumentHelp(ReviewTexts.reportHelp)) var report: String?

        /// One decision of the file and the file's line it came from (1-based).
        typealias Line = (line: Int, decision: Wire.Ministry.Decision)

        func run(with client: Client) async throws {
            let data = try LocalFile.read(file, role: FileTexts.decisionsFile.text)
            let decisions = try Self.parse(String(decoding: data, as: UTF8.self))
            guard !decisions.isEmpty else { throw ValidationError(ReviewTexts.noDecisions(file)) }
            let base = Digest.hex(Digest.sha256(Array(data))).prefix(32)
            var done = 0, skipped = 0, failed: [(line: Int, id: String, message: String)] = []
            var lines: [String] = []
            let size = max(1, chunk)
            let parts = stride(from: 0, to: decisions.count, by: size).map { Array(decisions[$0..<min($0 + size, decisions.count)]) }
            for (n, part) in parts.enumerated() {
                let response: Wire.Ministry.DecideApplicationsResponse
                do {
                    response = try await client.ministry.decide(part.map(\.decision), idempotencyKey: "batch-\(base)-\(n)-\(chunk)")
                } catch let error as RPCError {
                    // A violation of item i of this chunk is a line of the file.
                    let fileLines = part.map(\.line)
                    throw Failure(error, json: global.json, naming: FieldNaming(flags: [:]) { fileLines.indices.contains($0) ? fileLines[$0] : nil })
                }
                let lineOf = Dictionary(part.map { ($0.decision.applicationID, $0.line) }, uniquingKeysWith: { first, _ in first })
                for r in response.results {
                    let outcome: String
                    if r.code == 0 { done += 1; outcome = "done" }
                    else if r.code == StatusCode.failedPrecondition.rawValue && r.messageCode == TextCode.alreadyDecided.rawValue { skipped += 1; outcome = "skipped" }
                    else { failed.append((lineOf[r.applicationID] ?? 0, r.applicationID, r.message)); outcome = "failed" }
                    var line: [String: Any] = ["application_id": r.applicationID, "outcome": outcome]
                    if r.status != .unspecified { line["status"] = "\(r.status)" }   // an item not decided here has none
                    if let fileLine = lineOf[r.applicationID] { line["line"] = fileLine }
                    if !r.message.isEmpty { line["message"] = r.message }
                    if !r.registrationNumber.isEmpty { line["registration_number"] = r.registrationNumber }
                    lines.append(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
                }
                Progress.show(done: min((n + 1) * size, decisions.count), of: decisions.count, json: global.json)
            }
            if let report { try LocalFile.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: report) }
            if global.json {
                Output.json(["done": done, "skipped": skipped,
                             "failed": failed.map { ["application_id": $0.id, "line": $0.line, "message": $0.message] as [String: Any] }])
            } else {
                print(ReviewTexts.batchSummary("\(done)", "\(skipped)", "\(failed.count)"))
                for f in failed { print(ReviewTexts.batchFailedItem("\(f.line)", f.id, f.message)) }
                if let report { print(ReviewTexts.reportWritten(report)) }
            }
            if !failed.isEmpty { throw ExitCode(ExitStatus.itemsFailed) }
        }

        static func parse(_ text: String) throws -> [Line] {
            var out: [Line] = []
            // Lines as an editor counts them (blank ones included), 1-based.
            for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
                let number = i + 1
                if line.isEmpty || (out.isEmpty && line.lowercased().hasPrefix("application_id")) { continue }
                var id = "", decision = "", reason = ""
                if line.hasPrefix("{") {
                    guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { throw ValidationError(ReviewTexts.lineNotJSON("\(number)")) }
                    id = o["application_id"] as? String ?? ""
                    decision = o["decision"] as? String ?? ""
                    reason = o["reason"] as? String ?? ""
                } else {
                    let fields = line.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                    id = fields[0]
                    decision = fields.count > 1 ? fields[1] : ""
                    reason = fields.count > 2 ? fields[2] : ""
                }
                guard !id.isEmpty, let approve = Decisions.approve(decision) else {
                    throw ValidationError(ReviewTexts.lineExpected("\(number)"))
                }
                out.append((number, .init(applicationID: id, approve: approve, reason: reason)))
            }
            return out
        }
    }

    struct Announce: ClientCommand {
        static let configuration = CommandConfiguration(abstract: ReviewTexts.announceAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(ReviewTexts.titleHelp)) var title: String
        @Option(help: ArgumentHelp(ReviewTexts.announceKeyHelp)) var idempotencyKey: String?
        var fieldNaming: FieldNaming { FieldNaming(flags: ["title": "--title"]) }
        func run(with client: Client) async throws {
            let a = try await client.ministry.announce(title: title, idempotencyKey: idempotencyKey)
            if global.json { Output.json(["number": a.number, "items": a.itemCount]) } else { print(ReviewTexts.published(a.number, "\(a.itemCount)")) }
        }
    }

    struct Export: ClientCommand {
        static let configuration = CommandConfiguration(abstract: ReviewTexts.exportAbstract.text)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var query: QueryOptions
        func run(with client: Client) async throws { try await Exporter.write(try await client.ministry.export(try query.query())) }
    }

    struct Statistics: ClientCommand {
        static let configuration = CommandConfiguration(abstract: ReviewTexts.statisticsAbstract.text)
        @OptionGroup var global: GlobalOptions
        func run(with client: Client) async throws { Exporter.statistics(try await client.ministry.statistics(), json: global.json) }
    }
}

/// Public commands: announcements.
struct PublicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "public", abstract: PublicTexts.publicAbstract.text,
                                                    subcommands: [Announcements.self, VerifyCertificate.self])

    // VerifyCertificate: PublicVerifyCommand.swift

    struct Announcements: ClientCommand {
        static let configuration = CommandConfiguration(abstract: PublicTexts.announcementsAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(PublicTexts.announcementNumber)) var number: String?
        var anonymous: Bool { true }
        func run(with client: Client) async throws {
            if let number {
                let a = try await client.public.announcement(number)
                if global.json {
                    Output.json(["number": a.number, "title": a.title, "items": a.items.map { ["name": $0.name, "registration_number": $0.registrationNumber,
                                                                                              "enterprise": $0.enterpriseName, "specialties": $0.specialties] as [String: Any] }])
                } else {
                    print(PublicTexts.announcementTitle(a.number, a.title))
                    Output.table([PublicTexts.registrationNumber.text, PublicTexts.name.text, PublicTexts.employer.text, PublicTexts.type.text,
                                  PublicTexts.specialties.text], a.items.map {
                        [$0.registrationNumber, $0.name, $0.enterpriseName, StatusTexts.registrationType($0.type), StatusTexts.specialties($0.specialties)]
                    })
                }
            } else {
                let list = try await client.public.announcements()
                if global.json { Output.json(list.map { ["number": $0.number, "title": $0.title, "items": $0.itemCount] as [String: Any] }) } else {
                    if list.isEmpty { print(PublicTexts.noAnnouncement.text) }
                    for a in list {
                        print(PublicTexts.announcementRow(a.number, a.title, "\(a.itemCount)", a.publishedAt.map { ShownTime.text($0.date) } ?? ""))
                    }
                }
            }
        }
    }
}
