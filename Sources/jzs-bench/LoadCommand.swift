import ArgumentParser
import Foundation
import Proto
import RPCClient
import Synchronization

/// Drives Public/Echo and prints exactly one JSON line:
/// `{"impl":"jzs","concurrency":C,"connections":K,"payload":P,"seconds":S,"calls":N,"calls_per_s":X,"p50_us":…,"p99_us":…,"errors":E}`.
/// Latency runs from just before the call to the response in hand; a call counts when it was
/// sent inside the measured window (after the warm-up).
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "load", abstract: "Echo load (the default command).")

    @Option(help: "host:port") var server = "127.0.0.1:7443"
    @Option(help: "CA PEM file") var ca: String
    @Option(help: "Client certificate PEM") var cert: String?
    @Option(help: "Client key PEM") var key: String?
    @Option(help: "Calls in flight at once") var concurrency = 16
    @Option(help: "TLS connections (calls spread evenly)") var connections = 1
    @Option(help: "Echo payload bytes") var payload = 256
    @Option(help: "Measured seconds") var seconds: Double = 10
    @Option(help: "Warm-up seconds (not measured)") var warmup: Double = 2
    @Option(name: .customLong("protocol"), help: "jzs/1 (default) or h2 (gRPC over HTTP/2)") var wireProtocol = "jzs/1"

    func validate() throws {
        guard concurrency >= 1, connections >= 1, connections <= concurrency else {
            throw ValidationError("need 1 <= --connections <= --concurrency")
        }
        guard WireProtocol(rawValue: wireProtocol) != nil else { throw ValidationError("--protocol jzs/1 or h2") }
        guard seconds > 0, warmup >= 0, payload >= 0, payload <= 4_000_000 else { throw ValidationError("bad --seconds/--warmup/--payload") }
    }

    func run() async throws {
        guard let colon = server.lastIndex(of: ":"), let port = Int(server[server.index(after: colon)...]) else {
            throw ValidationError("--server host:port")
        }
        let host = String(server[..<colon])
        var clients: [Client] = []
        for _ in 0..<connections {
            clients.append(try await Client.connect(ClientConfiguration(
                host: host, port: port, trustRootsFile: ca, certificateFile: cert, privateKeyFile: key ?? cert,
                protocol: WireProtocol(rawValue: wireProtocol)!)))
        }
        let body = [UInt8](repeating: 0x5A, count: payload)
        let clock = ContinuousClock()
        let start = clock.now
        let measureFrom = start + .milliseconds(Int64(warmup * 1000))
        let measureUntil = measureFrom + .milliseconds(Int64(seconds * 1000))
        let stopAt = measureUntil

        let results = try await withThrowingTaskGroup(of: WorkerResult.self) { group in
            for worker in 0..<concurrency {
                let client = clients[worker % clients.count]
                group.addTask {
                    var result = WorkerResult()
                    result.latencies.reserveCapacity(200_000)
                    let request = Wire.Public.EchoRequest(payload: body)
                    while true {
                        let sent = clock.now
                        if sent >= stopAt { break }
                        let ok: Bool
                        do {
                            _ = try await client.unary(Methods.Public.echo, request)
                            ok = true
                        } catch {
                            ok = false
                            if result.firstError == nil { result.firstError = "\(error)" }
                        }
                        let done = clock.now
                        guard sent >= measureFrom, sent < measureUntil else { continue }
                        if ok {
                            result.latencies.append(UInt32(clamping: (done - sent).microseconds))
                        } else {
                            result.errors += 1
                        }
                    }
                    return result
                }
            }
            var all = WorkerResult()
            for try await r in group {
                all.latencies.append(contentsOf: r.latencies)
                all.errors += r.errors
                all.firstError = all.firstError ?? r.firstError
            }
            return all
        }
        for c in clients { await c.close() }
        if let first = results.firstError {
            FileHandle.standardError.write(Data("jzs-bench: \(results.errors) errors, first: \(first)\n".utf8))
        }

        let sorted = results.latencies.sorted()
        func percentile(_ p: Double) -> UInt32 {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }
        let calls = sorted.count + results.errors
        let rate = (Double(calls) / seconds * 10).rounded() / 10
        print(#"{"impl":"\#(wireProtocol == "h2" ? "jzs-h2" : "jzs")","concurrency":\#(concurrency),"connections":\#(connections),"payload":\#(payload),"seconds":\#(seconds),"calls":\#(calls),"calls_per_s":\#(rate),"p50_us":\#(percentile(0.5)),"p99_us":\#(percentile(0.99)),"errors":\#(results.errors)}"#)
    }
}

struct WorkerResult: Sendable {
    var latencies: [UInt32] = []
    var errors = 0
    var firstError: String?
}
