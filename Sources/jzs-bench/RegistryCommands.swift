import ArgumentParser
import Foundation
import Proto
import RPCClient

/// Shared connection options of the registry benchmarks.
struct BenchConnection: ParsableArguments {
    @Option(help: "host:port") var server = "127.0.0.1:7443"
    @Option(help: "CA PEM file") var ca: String
    @Option var password = "Bench-Pass1"

    func client(session: String? = nil) async throws -> Client {
        guard let colon = server.lastIndex(of: ":"), let port = Int(server[server.index(after: colon)...]) else { throw ValidationError("--server host:port") }
        var metadata = Metadata()
        if let session { metadata[Metadata.Key.authorization] = "Bearer \(session)" }
        return try await Client.connect(ClientConfiguration(host: String(server[..<colon]), port: port, trustRootsFile: ca,
                                                            defaultTimeout: .seconds(120), metadata: metadata))
    }

    func login(_ account: String) async throws -> String {
        let anonymous = try await client()
        defer { Task { await anonymous.close() } }
        return try await anonymous.enterprise.login(account: account, password: password).sessionToken
    }
}

func percentile(_ sorted: [UInt32], _ p: Double) -> UInt32 {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

/// One batch report of every application waiting for `bench-admin`'s enterprise (seeded by
/// `jzsd seed`), timed from the call to the answer in hand; the server commits before answering.
struct BatchReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "batch-report", abstract: "Time one durable batch report of N applications.")
    @OptionGroup var connection: BenchConnection
    @Option var account = "bench-admin"
    @Option var count = 10_000

    func run() async throws {
        let client = try await connection.client(session: try await connection.login(account))
        var ids: [String] = []
        var token = ""
        repeat {
            let page = try await client.enterprise.applications(.init(page: .init(pageSize: 500, pageToken: token)))
            ids += page.applications.map(\.applicationID)
            token = page.page?.nextPageToken ?? ""
        } while !token.isEmpty && ids.count < count
        ids = Array(ids.prefix(count))
        guard ids.count == count else { throw ValidationError("only \(ids.count) applications are waiting; seed more (jzsd seed --bench-pending)") }
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await client.enterprise.batchReport(ids, acceptCommitment: true, idempotencyKey: "bench-\(UUID().uuidString)")
        let micros = (clock.now - start).microseconds
        await client.close()
        print(#"{"bench":"batch-report","applications":\#(count),"reported":\#(response.reported),"failed":\#(response.failed),"ms":\#(Double(micros / 100) / 10)}"#)
    }
}

/// List (注册上报, first page) and detail calls of many enterprises, with latency percentiles.
struct ReadsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reads", abstract: "List and detail latency on a seeded database.")
    @OptionGroup var connection: BenchConnection
    @Option(help: "Enterprises to log in as (admin1…adminN of jzsd seed).") var enterprises = 20
    @Option(help: "Highest admin number seeded.") var seeded = 100_000
    @Option var concurrency = 4
    @Option var seconds: Double = 10

    func run() async throws {
        var connected: [Client] = []
        for n in 0..<enterprises {
            let account = "admin\(1 + (n * 7919) % max(1, seeded - 1))"
            connected.append(try await connection.client(session: try await connection.login(account)))
        }
        let clock = ContinuousClock()
        let until = clock.now + .milliseconds(Int64(seconds * 1000))
        let clients = connected
        let concurrency = self.concurrency
        let results = try await withThrowingTaskGroup(of: ([UInt32], [UInt32]).self) { group in
            for w in 0..<concurrency {
                group.addTask {
                    var lists: [UInt32] = [], details: [UInt32] = []
                    var i = w
                    while clock.now < until {
                        let client = clients[i % clients.count]
                        i += concurrency
                        var t = clock.now
                        let page = try await client.enterprise.applications(.init(page: .init(pageSize: 50)))
                        lists.append(UInt32(clamping: (clock.now - t).microseconds))
                        guard let first = page.applications.first else { continue }
                        t = clock.now
                        _ = try await client.enterprise.application(first.applicationID)
                        details.append(UInt32(clamping: (clock.now - t).microseconds))
                    }
                    return (lists, details)
                }
            }
            var all: ([UInt32], [UInt32]) = ([], [])
            for try await r in group { all.0 += r.0; all.1 += r.1 }
            return all
        }
        for c in clients { await c.close() }
        let l = results.0.sorted(), d = results.1.sorted()
        print(#"{"bench":"reads","enterprises":\#(enterprises),"concurrency":\#(concurrency),"list_calls":\#(l.count),"list_p50_us":\#(percentile(l, 0.5)),"list_p99_us":\#(percentile(l, 0.99)),"detail_calls":\#(d.count),"detail_p50_us":\#(percentile(d, 0.5)),"detail_p99_us":\#(percentile(d, 0.99))}"#)
    }
}

/// Login latency (dominated by the scrypt password hash).
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "login", abstract: "Login latency and rate.")
    @OptionGroup var connection: BenchConnection
    @Option var account = "admin1"
    @Option var count = 20
    @Option var concurrency = 1

    func run() async throws {
        let client = try await connection.client()
        let clock = ContinuousClock()
        let start = clock.now
        let (account, count, concurrency, password) = (self.account, self.count, self.concurrency, connection.password)
        let latencies = try await withThrowingTaskGroup(of: [UInt32].self) { group in
            for w in 0..<concurrency {
                group.addTask {
                    var out: [UInt32] = []
                    for _ in stride(from: w, to: count, by: concurrency) {
                        let t = clock.now
                        _ = try await client.enterprise.login(account: account, password: password)
                        out.append(UInt32(clamping: (clock.now - t).microseconds))
                    }
                    return out
                }
            }
            return try await group.reduce(into: [UInt32]()) { $0 += $1 }
        }.sorted()
        let total = Double((clock.now - start).microseconds) / 1e6
        await client.close()
        print(#"{"bench":"login","concurrency":\#(concurrency),"logins":\#(latencies.count),"per_s":\#((Double(latencies.count) / total * 10).rounded() / 10),"p50_ms":\#(Double(percentile(latencies, 0.5) / 100) / 10),"p99_ms":\#(Double(percentile(latencies, 0.99) / 100) / 10)}"#)
    }
}
