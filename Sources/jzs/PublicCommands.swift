import ArgumentParser
import Foundation
import Proto
import RPCClient

/// A command that works through a connected client: ``run(with:)`` gets the client, which is
/// closed before the command ends, and every failure becomes one sentence and a documented exit
/// status (``AsyncParsableCommand/exit(after:json:)``).
protocol ClientCommand: AsyncParsableCommand {
    var global: GlobalOptions { get }
    /// Calls made without the stored session (login, account creation).
    var anonymous: Bool { get }
    func run(with client: Client) async throws
}

extension ClientCommand {
    var anonymous: Bool { false }

    func run() async throws {
        do {
            try await global.withClient(anonymous: anonymous) { try await run(with: $0) }
        } catch {
            throw Self.exit(after: error, json: global.json)
        }
    }
}

struct Health: ClientCommand {
    var anonymous: Bool { true }
    static let configuration = CommandConfiguration(abstract: "Is the server (or one service) serving?")
    @OptionGroup var global: GlobalOptions
    @Option(help: "A full service name, e.g. jzs.public.v1.Public (default: the whole server).")
    var service = ""

    func run(with client: Client) async throws {
        let status = try await client.public.health(service: service)
        let name = switch status {
        case .serving: "SERVING"
        case .notServing: "NOT_SERVING"
        case .serviceUnknown: "SERVICE_UNKNOWN"
        case .unspecified: "UNSPECIFIED"
        case .unrecognized(let v): "UNRECOGNIZED(\(v))"
        }
        if global.json { Output.json(["status": name]) } else { print(name) }
        if status != .serving { throw ExitCode(1) }
    }
}

struct Info: ClientCommand {
    var anonymous: Bool { true }
    static let configuration = CommandConfiguration(commandName: "server", abstract: "Server version, protocol and limits (the default of `jzs info`).")
    @OptionGroup var global: GlobalOptions

    func run(with client: Client) async throws {
        let info = try await client.public.serverInfo()
        let time = Date(timeIntervalSince1970: TimeInterval(info.serverTime?.seconds ?? 0))
        let stamp = ISO8601DateFormatter().string(from: time)
        if global.json {
            Output.json(["version": info.version, "protocol": info.protocol, "services": info.services,
                         "server_time": stamp, "max_frame_bytes": info.maxFrameBytes,
                         "max_concurrent_calls": info.maxConcurrentCalls, "max_call_timeout_micros": info.maxCallTimeoutMicros])
        } else {
            Output.fields([("version", info.version), ("protocol", info.protocol), ("server time", stamp),
                           ("max frame", "\(info.maxFrameBytes) bytes"), ("max concurrent calls", "\(info.maxConcurrentCalls) per connection"),
                           ("max call time", "\(info.maxCallTimeoutMicros / 1_000_000) s"),
                           ("services", info.services.joined(separator: ", "))])
        }
    }
}

struct Services: ClientCommand {
    var anonymous: Bool { true }
    static let configuration = CommandConfiguration(abstract: "Every service and method the server offers.")
    @OptionGroup var global: GlobalOptions

    func run(with client: Client) async throws {
        let services = try await client.public.listServices()
        if global.json {
            Output.json(services.map { s in
                ["name": s.name, "methods": s.methods.map { m in
                    ["name": m.name, "path": m.path, "request_type": m.requestType, "response_type": m.responseType,
                     "server_streaming": m.serverStreaming] as [String: Any]
                }] as [String: Any]
            })
        } else {
            for s in services {
                print(s.name)
                Output.table(["  method", "request", "response"], s.methods.map {
                    ["  " + $0.path, $0.requestType, ($0.serverStreaming ? "stream " : "") + $0.responseType]
                })
            }
        }
    }
}

struct WhoAmI: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "whoami", abstract: "Who the server takes you to be.")
    @OptionGroup var global: GlobalOptions

    func run(with client: Client) async throws {
        let me = try await client.public.whoAmI()
        let kind = switch me.kind {
        case .anonymous: "anonymous"
        case .province: "province"
        case .ministry: "ministry"
        case .enterpriseUser: "enterprise user"
        case .individual: "individual"
        case .unspecified, .unrecognized: "unknown"
        }
        if global.json {
            var object: [String: Any] = ["kind": kind, "principal": me.principal]
            if me.provinceCode != 0 { object["province_code"] = me.provinceCode; object["province_name"] = me.provinceName }
            for (key, value) in [("organization", me.organizationName), ("account", me.account), ("name", me.name)] where !value.isEmpty { object[key] = value }
            Output.json(object)
        } else {
            var rows = [("kind", kind)]
            if !me.organizationName.isEmpty { rows.append(("organization", me.organizationName)) }
            if !me.account.isEmpty { rows.append(("account", me.account)) }
            if !me.name.isEmpty { rows.append(("name", me.name)) }
            if me.provinceCode != 0 { rows.append(("province", "\(me.provinceName) (\(me.provinceCode))")) }
            rows.append(("principal", me.principal))
            Output.fields(rows)
        }
    }
}

struct Echo: ClientCommand {
    var anonymous: Bool { true }
    static let configuration = CommandConfiguration(abstract: "Diagnostics: send text (and a payload) and time the answer.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Text to send.")
    var text = "ping"
    @Option(help: "Extra payload bytes to send.")
    var payloadSize = 0
    @Option(help: "Ask the server to wait this many milliseconds before answering.")
    var delay: UInt32 = 0
    @Option(help: "Stream this many answers (EchoStream) instead of one.")
    var count: UInt32?

    func validate() throws {
        guard (0...4_000_000).contains(payloadSize) else { throw ValidationError("--payload-size must be 0...4000000") }
    }

    func run(with client: Client) async throws {
        let payload = [UInt8](repeating: 0x61, count: payloadSize)
        let clock = ContinuousClock()
        if let count {
            var received = 0
            let start = clock.now
            for try await _ in try await client.public.echoStream(payload, count: count, intervalMillis: delay) { received += 1 }
            let micros = (clock.now - start).microseconds
            if global.json { Output.json(["responses": received, "micros": micros]) } else { print("\(received) responses in \(micros) µs") }
            return
        }
        let start = clock.now
        let response = try await client.public.echo(payload, text: text, delayMillis: delay)
        let micros = (clock.now - start).microseconds
        if global.json {
            Output.json(["text": response.text, "payload_bytes": response.payload.count, "micros": micros])
        } else {
            print("\(response.text) (\(response.payload.count) payload bytes, \(micros) µs)")
        }
    }
}
