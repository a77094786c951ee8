import NIOCore
import Proto
import Testing

@Suite("protobuf-c messages")
struct MessageTests {
    @Test("Messages round-trip, including non-ASCII text, repeated and nested fields")
    func roundTrip() throws {
        let message = Wire.Public.ListServicesResponse(services: [
            .init(name: "jzs.public.v1.Public", methods: [
                .init(name: "Health", path: "/jzs.public.v1.Public/Health", requestType: "请求", responseType: "应答", serverStreaming: false),
                .init(name: "EchoStream", path: "/p", requestType: "a", responseType: "b", serverStreaming: true),
            ]),
            .init(name: "空", methods: []),
        ])
        let decoded = try Wire.Public.ListServicesResponse(serializedBytes: message.serializedBytes())
        #expect(decoded == message)
    }

    @Test("Scalars, enums, bytes and sub-messages survive the trip")
    func scalars() throws {
        let info = Wire.Public.ServerInfoResponse(
            version: "1.2.3", protocol: "jzs/1", services: ["a", "b"], serverTime: .init(seconds: -5, nanos: 7),
            maxFrameBytes: .max, maxConcurrentCalls: 3, maxCallTimeoutMicros: .max)
        #expect(try Wire.Public.ServerInfoResponse(serializedBytes: info.serializedBytes()) == info)
        let who = Wire.Public.WhoAmIResponse(kind: .province, provinceCode: 66, provinceName: "新疆生产建设兵团", principal: "jzs:province:66")
        #expect(try Wire.Public.WhoAmIResponse(serializedBytes: who.serializedBytes()) == who)
        let echo = Wire.Public.EchoRequest(payload: Array(0...255), text: "x", delayMillis: 9)
        #expect(try Wire.Public.EchoRequest(serializedBytes: echo.serializedBytes()) == echo)
    }

    @Test("An unknown enum value is kept, not lost")
    func unknownEnum() throws {
        // field 1 (status), varint 42
        let decoded = try Wire.Public.HealthResponse(serializedBytes: [0x08, 42])
        #expect(decoded.status == .unrecognized(42))
        #expect(decoded.serializedBytes() == [0x08, 42])
    }

    @Test("Invalid UTF-8 in a nested string names its path")
    func invalidUTF8Path() throws {
        // services[0] { name "ok" }, services[1] { methods[0] { name <invalid> } }
        let bytes: [UInt8] = [0x0A, 0x04, 0x0A, 0x02, 0x6F, 0x6B,
                              0x0A, 0x06, 0x12, 0x04, 0x0A, 0x02, 0xC3, 0x28]
        #expect(throws: WireError.invalidString(field: "services[1].methods[0].name", reason: "is not valid UTF-8")) {
            _ = try Wire.Public.ListServicesResponse(serializedBytes: bytes)
        }
    }

    @Test("Overlong encodings, surrogates and NUL are refused", arguments: [
        ([0xC0, 0xAF] as [UInt8], "is not valid UTF-8"),
        ([0xED, 0xA0, 0x80], "is not valid UTF-8"),
        ([0xF4, 0x90, 0x80, 0x80], "is not valid UTF-8"),
        ([0x61, 0x00], "contains a NUL character"),
    ])
    func badStrings(text: [UInt8], reason: String) throws {
        let bytes: [UInt8] = [0x0A, UInt8(text.count)] + text
        #expect(throws: WireError.invalidString(field: "service", reason: reason)) {
            _ = try Wire.Public.HealthRequest(serializedBytes: bytes)
        }
    }

    @Test("Garbage is a WireError, never a crash")
    func garbage() {
        var generator = SystemRandomNumberGenerator()
        for length in [1, 2, 3, 7, 16, 100, 1000] {
            for _ in 0..<50 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                _ = try? Wire.Public.ListServicesResponse(serializedBytes: bytes)
                _ = try? Wire.RPC.CallHeaders(serializedBytes: bytes)
            }
        }
        #expect(throws: WireError.self) { _ = try Wire.Public.EchoRequest(serializedBytes: [0x0A, 0x10, 0x01]) }
        #expect(throws: WireError.self) { _ = try Wire.Public.EchoRequest(serializedBytes: [0x0B]) }  // group
    }

    @Test("A message that would allocate far more than its size is refused")
    func allocationCap() throws {
        // One service with 100,000 empty methods: 2 input bytes each, a whole struct each.
        var inner: [UInt8] = []
        for _ in 0..<100_000 { inner += [0x12, 0x00] }
        var bytes: [UInt8] = [0x0A]
        var n = inner.count
        while n >= 0x80 { bytes.append(UInt8(n & 0x7F) | 0x80); n >>= 7 }
        bytes.append(UInt8(n))
        bytes += inner
        #expect(throws: WireError.tooLarge) { _ = try Wire.Public.ListServicesResponse(serializedBytes: bytes) }
    }

    @Test("The method table and the catalogue agree")
    func catalogue() {
        let paths = ServiceCatalog.services.flatMap(\.methods).map(\.path)
        #expect(paths.contains(Methods.Public.health.path))
        #expect(paths.contains(Methods.Public.echoStream.path))
        #expect(ServiceCatalog.services.flatMap(\.methods).first { $0.name == "EchoStream" }?.serverStreaming == true)
        #expect(Set(paths).count == paths.count)
    }

    @Test("Status codes keep gRPC's numbers")
    func statusCodes() {
        #expect(StatusCode.allCases.count == 17)
        #expect(StatusCode.invalidArgument.rawValue == 3)
        #expect(StatusCode.unauthenticated.rawValue == 16)
        #expect(StatusCode(wireValue: 99) == .unknown)
        #expect(StatusCode.internalError.name == "INTERNAL")
    }
}
