public import Proto

/// Typed calls of the `jzs.public.v1.Public` service.
public struct PublicClient: Sendable {
    let client: Client

    public func health(service: String = "") async throws -> Wire.Public.ServingStatus {
        try await client.unary(Methods.Public.health, .init(service: service)).status
    }

    public func serverInfo() async throws -> Wire.Public.ServerInfoResponse {
        try await client.unary(Methods.Public.serverInfo, .init())
    }

    public func listServices() async throws -> [Wire.Public.ServiceDescription] {
        try await client.unary(Methods.Public.listServices, .init()).services
    }

    public func echo(_ payload: [UInt8] = [], text: String = "", delayMillis: UInt32 = 0, timeout: Duration? = nil) async throws -> Wire.Public.EchoResponse {
        try await client.unary(Methods.Public.echo, .init(payload: payload, text: text, delayMillis: delayMillis), timeout: timeout)
    }

    public func echoStream(_ payload: [UInt8] = [], count: UInt32, intervalMillis: UInt32 = 0) async throws -> ResponseMessages<Wire.Public.EchoResponse> {
        try await client.serverStreaming(Methods.Public.echoStream, .init(payload: payload, count: count, intervalMillis: intervalMillis))
    }

    public func whoAmI() async throws -> Wire.Public.WhoAmIResponse {
        try await client.unary(Methods.Public.whoAmI, .init())
    }
}

extension Client {
    /// The public service.
    public var `public`: PublicClient { PublicClient(client: self) }
}
