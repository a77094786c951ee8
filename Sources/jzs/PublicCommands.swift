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
    /// How the fields a server refuses are named for this command (its flags, file lines).
    var fieldNaming: FieldNaming { get }
    /// Checks that need no server (a confirmation that cannot be asked): run before connecting,
    /// and failing like ``run(with:)``.
    func beforeConnecting() throws
    func run(with client: Client) async throws
}

extension ClientCommand {
    var anonymous: Bool { false }
    var fieldNaming: FieldNaming { FieldNaming() }
    func beforeConnecting() throws {}

    func run() async throws {
        do {
            try beforeConnecting()
            try await global.withClient(anonymous: anonymous) { try await run(with: $0) }
        } catch {
            throw Self.exit(after: error, json: global.json, naming: fieldNaming)
        }
    }
}

struct Health: ClientCommand {
    var anonymous: Bool { true }
    static let configuration = CommandConfiguration(abstract: PublicTexts.healthAbstract.text)
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(PublicTexts.healthService))
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
        let shown = switch status {
        case .serving: PublicTexts.serving.text
        case .notServing: PublicTexts.notServing.text
        case .serviceUnknown: PublicTexts.serviceUnknown.text
        case .unspecified, .unrecognized: PublicTexts.unspecified.text
        }
        if global.json { Output.json(["status": name]) } else { print(shown) }
        if status != .serving { throw ExitCode(1) }
    }
}

struct Info: ClientCommand {
    var anonymous: Bool { true }
    static let configuration = CommandConfiguration(commandName: "server", abstract: PublicTexts.serverAbstract.text)
    @OptionGroup var global: GlobalOptions

    func run(with client: Client) async throws {
        let info = try await client.public.serverInfo()
        let time = Date(timeIntervalSince1970: TimeInterval(info.serverTime?.seconds ?? 0))
        if global.json {
            Output.json(["version": info.version, "protocol": info.protocol, "services": info.services,
                         "server_time": ShownTime.iso(time), "max_frame_bytes": info.maxFrameBytes,
                         "max_concurrent_calls": info.maxConcurrentCalls, "max_call_timeout_micros": info.maxCallTimeoutMicros])
        } else {
            Output.fields([(PublicTexts.version.text, info.version), (PublicTexts.protocolName.text, info.protocol),
                           (PublicTexts.serverTime.text, ShownTime.text(time, seconds: true)),
                           (PublicTexts.maxFrame.text, PublicTexts.maxFrameValue("\(info.maxFrameBytes)")),
                           (PublicTexts.maxCalls.text, PublicTexts.maxCallsValue("\(info.maxConcurrentCalls)")),
                           (PublicTexts.maxCallTime.text, PublicTexts.seconds("\(info.maxCallTimeoutMicros / 1_000_000)")),
                           (PublicTexts.services.text, info.services.joined(separator: ", "))])
        }
    }
}

struct Services: ClientCommand {
    var anonymous: Bool { true }
    static let configuration = CommandConfiguration(abstract: PublicTexts.servicesAbstract.text)
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
                Output.table(["  " + PublicTexts.method.text, PublicTexts.request.text, PublicTexts.response.text], s.methods.map {
                    ["  " + $0.path, $0.requestType, ($0.serverStreaming ? PublicTexts.stream.text : "") + $0.responseType]
                })
            }
        }
    }
}

struct WhoAmI: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "whoami", abstract: PublicTexts.whoamiAbstract.text)
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
            var rows = [(PublicTexts.kind.text, StatusTexts.callerKind(me.kind))]
            if !me.organizationName.isEmpty { rows.append((PublicTexts.organization.text, me.organizationName)) }
            if !me.account.isEmpty { rows.append((PublicTexts.account.text, me.account)) }
            if !me.name.isEmpty { rows.append((PublicTexts.name.text, me.name)) }
            if me.provinceCode != 0 { rows.append((PublicTexts.province.text, "\(me.provinceName)（\(me.provinceCode)）")) }
            // The principal identifies a caller to support staff; an anonymous caller has none.
            if me.kind != .anonymous { rows.append((PublicTexts.principal.text, me.principal)) }
            Output.fields(rows)
        }
    }
}

struct Echo: ClientCommand {
    var anonymous: Bool { true }
    static let configuration = CommandConfiguration(abstract: PublicTexts.echoAbstract.text)
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(PublicTexts.echoText))
    var text = "ping"
    @Option(help: ArgumentHelp(PublicTexts.echoPayload))
    var payloadSize = 0
    @Option(help: ArgumentHelp(PublicTexts.echoDelay))
    var delay: UInt32 = 0
    @Option(help: ArgumentHelp(PublicTexts.echoCount))
    var count: UInt32?

    func validate() throws {
        guard (0...4_000_000).contains(payloadSize) else { throw ValidationError(PublicTexts.echoPayloadRange.text) }
    }

    func run(with client: Client) async throws {
        let payload = [UInt8](repeating: 0x61, count: payloadSize)
        let clock = ContinuousClock()
        if let count {
            var received = 0
            let start = clock.now
            for try await _ in try await client.public.echoStream(payload, count: count, intervalMillis: delay) { received += 1 }
            let micros = (clock.now - start).microseconds
            if global.json { Output.json(["responses": received, "micros": micros]) } else { print(PublicTexts.echoStreamed("\(received)", "\(micros)")) }
            return
        }
        let start = clock.now
        let response = try await client.public.echo(payload, text: text, delayMillis: delay)
        let micros = (clock.now - start).microseconds
        if global.json {
            Output.json(["text": response.text, "payload_bytes": response.payload.count, "micros": micros])
        } else {
            print(PublicTexts.echoAnswered(response.text, "\(response.payload.count)", "\(micros)"))
        }
    }
}
