public import Proto
public import Model
internal import Foundation

/// The `jzs.public.v1.Public` service: health, server info, the method catalogue, diagnostics.
public struct PublicService: Sendable {
    public let version: String
    public let limits: Limits
    /// Names of the services this server serves (for Health and ServerInfo).
    public let services: [String]
    public let corpsCode: UInt32
    /// What operators must act on soon (expiring CRL or certificates), shown by Health.
    public let warnings: @Sendable () -> [String]
    /// Names the caller for WhoAmI (enterprise, account, person); without it WhoAmI answers the
    /// kind, the principal and a province's own code only.
    public let accounts: Accounts?
    /// The server's health (draining, database reachable), as `grpc.health.v1.Health` reports it.
    public let health: HealthState?

    public init(version: String, limits: Limits, services: [String], corpsCode: UInt32 = Province.defaultCorpsCode,
                accounts: Accounts? = nil, health: HealthState? = nil, warnings: @escaping @Sendable () -> [String] = { [] }) {
        self.accounts = accounts
        self.health = health
        self.version = version
        self.limits = limits
        self.services = services
        self.corpsCode = corpsCode
        self.warnings = warnings
    }

    public func register(with router: inout Router) {
        let services = self.services
        let version = self.version
        let limits = self.limits
        let corpsCode = self.corpsCode
        let warnings = self.warnings
        let accounts = self.accounts
        let health = self.health
        router.register(Methods.Public.health) { request, _ in
            if request.service.isEmpty || services.contains(request.service) {
                guard let health, !health.serving else { return .init(status: .serving, warnings: warnings()) }
                return .init(status: .notServing, warnings: warnings())
            }
            return .init(status: .serviceUnknown)
        }
        router.register(Methods.Public.serverInfo) { _, _ in
            let seconds = Int64(Date.now.timeIntervalSince1970)
            return .init(
                version: version, protocol: TLSContext.alpn, services: services,
                serverTime: .init(seconds: seconds, nanos: 0), maxFrameBytes: limits.maxFrameBytes,
                maxConcurrentCalls: UInt32(limits.maxConcurrentCallsPerConnection),
                maxCallTimeoutMicros: limits.maxCallDuration.microseconds)
        }
        router.register(Methods.Public.listServices) { _, _ in
            .init(services: ServiceCatalog.services.filter { services.contains($0.name) }.map { service in
                .init(name: service.name, methods: service.methods.map {
                    .init(name: $0.name, path: $0.path, requestType: $0.requestType,
                          responseType: $0.responseType, serverStreaming: $0.serverStreaming)
                })
            })
        }
        router.register(Methods.Public.echo) { request, context in
            let caps = EchoCaps(limits: limits, caller: context.caller)
            try caps.check(payload: request.payload.count, text: request.text.utf8.count)
            if request.delayMillis > 0 {
                try await Task.sleep(for: .milliseconds(min(request.delayMillis, 60_000)))
            }
            return .init(payload: request.payload, text: request.text)
        }
        router.register(Methods.Public.echoStream) { request, context, stream in
            let caps = EchoCaps(limits: limits, caller: context.caller)
            try caps.check(payload: request.payload.count, text: 0)
            guard request.count <= caps.count else {
                throw RegistryError.invalid("count", .atMost, "\(caps.count)")
            }
            for i in 0..<request.count {
                if i > 0, request.intervalMillis > 0 {
                    try await Task.sleep(for: .milliseconds(min(request.intervalMillis, 1_000)))
                }
                try await stream.send(.init(payload: request.payload, text: String(i)))
            }
        }
        router.register(Methods.Public.whoAmI) { _, context in
            // One full initialiser call with every field computed per branch: a default that
            // only some branches overwrote was miscompiled in optimised async code (the store
            // of province_code = 0 was dropped, and answers carried stale bytes).
            let caller = context.caller
            let kind: Wire.Common.CallerKind
            let code: UInt32
            let name: String
            switch caller {
            case .anonymous: (kind, code, name) = (.anonymous, 0, "")
            case .ministry: (kind, code, name) = (.ministry, 0, "")
            case .province(let p): (kind, code, name) = (.province, p.rawValue, Province.name(of: p.rawValue, corpsCode: corpsCode) ?? "")
            case .enterpriseUser: (kind, code, name) = (.enterpriseUser, 0, "")
            case .individual: (kind, code, name) = (.individual, 0, "")
            }
            // Names, and an enterprise user's province (its enterprise's), from the store.
            let identity = try await accounts?.identity(of: caller, operatorName: context.operatorName) ?? CallerIdentity()
            let province = identity.provinceCode != 0 && code == 0 ? identity.provinceCode : code
            let provinceName = identity.provinceCode != 0 && code == 0 ? identity.provinceName : name
            return Wire.Public.WhoAmIResponse(kind: kind, provinceCode: province, provinceName: provinceName, principal: caller.principal,
                                              organizationName: identity.organizationName, account: identity.account, name: identity.name)
        }
    }
}

/// The diagnostics' caps for one caller: small without a client certificate, larger for
/// provinces and the ministry (``Limits``).
struct EchoCaps {
    let payload: Int
    let count: Int

    init(limits: Limits, caller: Caller) {
        switch caller {
        case .province, .ministry:
            payload = limits.echoPayloadBytes
            count = limits.echoStreamCount
        default:
            payload = limits.anonymousEchoPayloadBytes
            count = limits.anonymousEchoStreamCount
        }
    }

    func check(payload size: Int, text: Int) throws(RegistryError) {
        if size > payload { throw .invalid("payload", .atMostBytes, "\(payload)") }
        if text > payload { throw .invalid("text", .atMostBytes, "\(payload)") }
    }
}
