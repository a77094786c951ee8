import ArgumentParser
import Crypto
import Foundation
import Proto
import RPCClient

/// Query options shared by province and ministry listings.
struct QueryOptions: ParsableArguments {
    @Option(help: "Status: awaiting-province, awaiting-ministry, returned, completed, … (repeatable; default: waiting for you).")
    var status: [String] = []
    @Option(help: "Registration type (initial, renewal, …).") var type: String?
    @Option(help: "Only this enterprise id.") var enterprise: String?
    @Option(help: "Submitted on or after (YYYY-MM-DD).") var from: String?
    @Option(help: "Submitted before (YYYY-MM-DD).") var until: String?
    @Option(name: .customLong("page-size")) var pageSize: UInt32 = 50
    @Option(name: .customLong("page-token")) var pageToken = ""

    func query() throws -> Wire.Common.ApplicationQuery {
        let statuses = try status.map { s -> Wire.Common.ApplicationStatus in
            guard let found = Wire.Common.ApplicationStatus.allKnown.first(where: { "\($0)".lowercased() == s.replacingOccurrences(of: "-", with: "").lowercased() }) else {
                throw ValidationError("--status \(s): not a status")
            }
            return found
        }
        func day(_ text: String?) throws -> Wire.Common.Timestamp? {
            guard let text else { return nil }
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withFullDate]
            guard let d = f.date(from: text) else { throw ValidationError("\(text): expected YYYY-MM-DD") }
            return Wire.Common.Timestamp(seconds: Int64(d.timeIntervalSince1970), nanos: 0)
        }
        return .init(statuses: statuses, type: type.flatMap(ApplicationOutput.registrationType) ?? .unspecified,
                     page: .init(pageSize: pageSize, pageToken: pageToken), enterpriseID: enterprise ?? "",
                     submittedFrom: try day(from), submittedUntil: try day(until))
    }
}

extension ProvinceCommand {
    struct Applications: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Applications of your province (default: waiting for you).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var query: QueryOptions
        func run(with client: Client) async throws {
            let page = try await client.provincial.applications(try query.query())
            ApplicationOutput.page(page, json: global.json)
        }
    }

    struct Show: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "One application with its history.")
        @OptionGroup var global: GlobalOptions
        @Argument var applicationID: String
        func run(with client: Client) async throws {
            let a = try await client.provincial.application(applicationID)
            ApplicationOutput.show(a, json: global.json)
        }
    }

    struct Accept: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Accept an application and forward it to the ministry.")
        @OptionGroup var global: GlobalOptions
        @Argument var applicationID: String
        func run(with client: Client) async throws {
            let a = try await client.provincial.accept(applicationID)
            ApplicationOutput.changed(a, json: global.json)
        }
    }

    struct Refuse: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Refuse an application (不予受理, terminal).")
        @OptionGroup var global: GlobalOptions
        @Argument var applicationID: String
        @Option(help: "Why (required).") var reason: String
        func run(with client: Client) async throws {
            let a = try await client.provincial.refuse(applicationID, reason: reason)
            ApplicationOutput.changed(a, json: global.json)
        }
    }

    struct Export: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Stream every matching application as JSON lines.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var query: QueryOptions
        func run(with client: Client) async throws {
            try await Exporter.write(try await client.provincial.export(try query.query()))
        }
    }

    struct Statistics: ClientCommand {
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
        FileHandle.standardError.write(Data("\(n) applications\n".utf8))
    }

    static func statistics(_ s: Wire.Common.ApplicationStatistics, json: Bool) {
        if json {
            Output.json(["total": s.total, "by_status": Dictionary(uniqueKeysWithValues: s.byStatus.map { ("\($0.status)", $0.count) }),
                         "by_type": Dictionary(uniqueKeysWithValues: s.byType.map { (ApplicationOutput.typeName($0.type), $0.count) })])
        } else {
            print("total \(s.total)")
            for x in s.byStatus { print("  \(ApplicationOutput.statusName(x.status)): \(x.count)") }
            for x in s.byType { print("  \(ApplicationOutput.typeName(x.type)): \(x.count)") }
        }
    }
}

/// The ministry's client (ministry certificate and --operator).
struct MinistryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ministry", abstract: "Ministry: applications, decisions, announcements.",
                                                    subcommands: [Applications.self, Show.self, Decide.self, Batch.self, Announce.self, Export.self, Statistics.self])

    struct Applications: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Applications nationwide (default: forwarded to the ministry).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var query: QueryOptions
        func run(with client: Client) async throws {
            let page = try await client.ministry.applications(try query.query())
            ApplicationOutput.page(page, json: global.json)
        }
    }

    struct Show: ClientCommand {
        @OptionGroup var global: GlobalOptions
        @Argument var applicationID: String
        func run(with client: Client) async throws {
            let a = try await client.ministry.application(applicationID)
            ApplicationOutput.show(a, json: global.json)
        }
    }

    struct Decide: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Approve or reject (with --reason) one application.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "approve or reject") var decision: String
        @Argument var applicationID: String
        @Option var reason = ""
        func validate() throws { guard ["approve", "reject"].contains(decision) else { throw ValidationError("approve or reject") } }
        func run(with client: Client) async throws {
            let r = try await client.ministry.decide([.init(applicationID: applicationID, approve: decision == "approve", reason: reason)],
                                                     idempotencyKey: UUID().uuidString)
            let item = r.results[0]
            if item.code != 0 { throw Failure(RPCError(code: StatusCode(wireValue: item.code), message: item.message), json: global.json) }
            if global.json { Output.json(["status": "\(item.status)", "registration_number": item.registrationNumber]) } else {
                print("\(applicationID): \(ApplicationOutput.statusName(item.status))\(item.registrationNumber.isEmpty ? "" : ", 注册编号 \(item.registrationNumber)")")
            }
        }
    }

    struct Batch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Batch work from a file.", subcommands: [BatchDecide.self])
    }

    struct BatchDecide: ClientCommand {
        static let configuration = CommandConfiguration(
            commandName: "decide", abstract: "Decide applications from a CSV or JSON-lines file.",
            discussion: """
                CSV: application_id,decision,reason (decision approve or reject; a header line is optional).
                JSON lines: {"application_id": "…", "decision": "approve", "reason": "…"}.
                Sent in chunks; each chunk's idempotency key comes from the file's SHA-256 and the chunk's
                position, so a rerun after an interruption applies nothing twice and finishes the rest.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "Decisions file (.csv or .jsonl).") var file: String
        @Option(help: "Decisions per call.") var chunk = 1000
        @Option(help: "Write a JSON-lines report (one line per decision) here.") var report: String?

        func run(with client: Client) async throws {
            let data = try LocalFile.read(file, role: "decisions file")
            let decisions = try Self.parse(String(decoding: data, as: UTF8.self))
            guard !decisions.isEmpty else { throw ValidationError("\(file) has no decisions") }
            let base = Digest.hex(Digest.sha256(Array(data))).prefix(32)
            var done = 0, skipped = 0, failed: [(String, String)] = []
            var lines: [String] = []
            let parts = stride(from: 0, to: decisions.count, by: max(1, chunk)).map { Array(decisions[$0..<min($0 + chunk, decisions.count)]) }
            for (n, part) in parts.enumerated() {
                let response = try await client.ministry.decide(part, idempotencyKey: "batch-\(base)-\(n)-\(chunk)")
                for r in response.results {
                    let outcome: String
                    if r.code == 0 { done += 1; outcome = "done" }
                    else if r.code == StatusCode.failedPrecondition.rawValue && r.message.hasPrefix("already decided") { skipped += 1; outcome = "skipped" }
                    else { failed.append((r.applicationID, r.message)); outcome = "failed" }
                    var line: [String: Any] = ["application_id": r.applicationID, "outcome": outcome, "status": "\(r.status)"]
                    if !r.message.isEmpty { line["message"] = r.message }
                    if !r.registrationNumber.isEmpty { line["registration_number"] = r.registrationNumber }
                    lines.append(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
                }
                Progress.show(done: min((n + 1) * chunk, decisions.count), of: decisions.count, json: global.json)
            }
            if let report { try LocalFile.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: report) }
            if global.json {
                Output.json(["done": done, "skipped": skipped, "failed": failed.map { ["application_id": $0.0, "message": $0.1] }])
            } else {
                print("done \(done), skipped (already decided) \(skipped), failed \(failed.count)")
                for (id, message) in failed.prefix(20) { print("  \(id): \(message)") }
                if let report { print("report: \(report)") }
            }
        }

        static func parse(_ text: String) throws -> [Wire.Ministry.Decision] {
            var out: [Wire.Ministry.Decision] = []
            for (i, raw) in text.split(whereSeparator: \.isNewline).enumerated() {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.isEmpty || (i == 0 && line.lowercased().hasPrefix("application_id")) { continue }
                var id = "", decision = "", reason = ""
                if line.hasPrefix("{") {
                    guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { throw ValidationError("line \(i + 1): not JSON") }
                    id = o["application_id"] as? String ?? ""
                    decision = o["decision"] as? String ?? ""
                    reason = o["reason"] as? String ?? ""
                } else {
                    let fields = line.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                    id = fields[0]
                    decision = fields.count > 1 ? fields[1] : ""
                    reason = fields.count > 2 ? fields[2] : ""
                }
                guard !id.isEmpty, ["approve", "reject"].contains(decision.lowercased()) else {
                    throw ValidationError("line \(i + 1): expected application_id,approve|reject[,reason]")
                }
                out.append(.init(applicationID: id, approve: decision.lowercased() == "approve", reason: reason))
            }
            return out
        }
    }

    struct Announce: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Publish a 公告 of every approved application waiting for one.")
        @OptionGroup var global: GlobalOptions
        @Option var title: String
        @Option(help: "Rerun with the same key after a lost reply: the 公告 it published comes back, no second one.") var idempotencyKey: String?
        func run(with client: Client) async throws {
            let a = try await client.ministry.announce(title: title, idempotencyKey: idempotencyKey)
            if global.json { Output.json(["number": a.number, "items": a.itemCount]) } else { print("公告 \(a.number) published with \(a.itemCount) items") }
        }
    }

    struct Export: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Stream every matching application as JSON lines.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var query: QueryOptions
        func run(with client: Client) async throws { try await Exporter.write(try await client.ministry.export(try query.query())) }
    }

    struct Statistics: ClientCommand {
        @OptionGroup var global: GlobalOptions
        func run(with client: Client) async throws { Exporter.statistics(try await client.ministry.statistics(), json: global.json) }
    }
}

/// Public commands: announcements.
struct PublicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "public", abstract: "Public information: announcements.",
                                                    subcommands: [Announcements.self, VerifyCertificate.self])

    // VerifyCertificate: PublicVerifyCommand.swift

    struct Announcements: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Published announcements, or one with its items.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "An announcement number (YYYY-NNNN) for its items.") var number: String?
        var anonymous: Bool { true }
        func run(with client: Client) async throws {
            if let number {
                let a = try await client.public.announcement(number)
                if global.json {
                    Output.json(["number": a.number, "title": a.title, "items": a.items.map { ["name": $0.name, "registration_number": $0.registrationNumber,
                                                                                              "enterprise": $0.enterpriseName, "specialties": $0.specialties] as [String: Any] }])
                } else {
                    print("公告 \(a.number) \(a.title)")
                    Output.table(["注册编号", "姓名", "聘用企业", "类型", "专业"], a.items.map {
                        [$0.registrationNumber, $0.name, $0.enterpriseName, ApplicationOutput.typeName($0.type), $0.specialties.joined(separator: "、")]
                    })
                }
            } else {
                let list = try await client.public.announcements()
                if global.json { Output.json(list.map { ["number": $0.number, "title": $0.title, "items": $0.itemCount] as [String: Any] }) } else {
                    if list.isEmpty { print("no announcement (公告) has been published yet") }
                    for a in list { print("\(a.number)  \(a.title)  (\(a.itemCount))") }
                }
            }
        }
    }
}
