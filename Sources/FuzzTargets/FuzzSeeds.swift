internal import CProto
internal import Foundation
internal import Proto

/// The seed inputs of the committed corpus (`FuzzTesting/Corpus/<target>/`), by file name.
///
/// Written by `FuzzFrames --write-seeds DIR` (and the other two executables) in their replay
/// mode; regenerate them when the contract changes. Seeds are meaningful inputs the fuzzer
/// mutates: real requests, real frame sequences, real ClientHellos.
package enum FuzzSeeds {
    package static func seeds(for target: FuzzTarget) throws -> [(name: String, bytes: [UInt8])] {
        switch target {
        case .messages: messages()
        case .frames: frames()
        case .tls: try tls()
        }
    }

    // MARK: messages

    /// Per method: the empty request and one with every field set (descriptor-driven).
    static func messages() -> [(name: String, bytes: [UInt8])] {
        MethodTable.methods.enumerated().flatMap { index, method in
            let name = method.path.split(separator: "/").suffix(2).joined(separator: "-")
                .replacingOccurrences(of: "jzs.", with: "").replacingOccurrences(of: ".v1.", with: "-")
            let full = RequestSynthesizer.bytes(of: method.requestDescriptor())
            return [
                ("\(pad3(index))-\(name)-empty", [UInt8(index)]),
                ("\(pad3(index))-\(name)-full", [UInt8(index)] + full),
            ]
        }
    }

    // MARK: frames

    static func frames() -> [(name: String, bytes: [UInt8])] {
        var seeds: [(String, [UInt8])] = []
        // docs/PROTOCOL.md §13, client → server, byte for byte.
        let health = Self.bytes(hex: """
            00 00 00 3b 01 00 00 00 00 01 0a 1c 2f 6a 7a 73 2e 70 75 62 6c 69 63 2e 76 31 2e 50 75 62 6c 69
            63 2f 48 65 61 6c 74 68 12 16 0a 0a 72 65 71 75 65 73 74 2d 69 64 12 08 72 65 71 2d 30 30 30 31
            18 c0 96 b1 02 00 00 00 16 02 01 00 00 00 01 0a 14 6a 7a 73 2e 70 75 62 6c 69 63 2e 76 31 2e 50
            75 62 6c 69 63
            """)
        let echoStream = Self.bytes(hex: """
            00 00 00 27 01 00 00 00 00 02 0a 20 2f 6a 7a 73 2e 70 75 62 6c 69 63 2e 76 31 2e 50 75 62 6c 69
            63 2f 45 63 68 6f 53 74 72 65 61 6d 18 80 87 a7 0e 00 00 00 06 02 01 00 00 00 02 0a 02 68 69 10
            02
            """)
        let cancelPing = Self.bytes(hex: "00 00 00 00 04 00 00 00 00 04 00 00 00 08 05 00 00 00 00 00 00 01 02 03 04 05 06 07")
        let drainPong = Self.bytes(hex: "00 00 00 08 06 00 00 00 00 00 6a 7a 73 64 72 61 69 6e")
        // §13.3: call 3 is §13.2 with count 20000.
        let tooMany = call(3, "/jzs.public.v1.Public/EchoStream", request: Self.bytes(hex: "0a 02 68 69 10 a0 9c 01"),
                           timeoutMicros: 30_000_000)
        // §13.4: call 4, an Echo with delay_millis, then CANCEL and PING.
        let echoDelayed = call(4, "/jzs.public.v1.Public/Echo", request: Self.bytes(hex: "0a 02 68 69 18 e8 07"))
        seeds.append(("doc-13.1-health", health))
        seeds.append(("doc-13.2-echo-stream", echoStream))
        seeds.append(("doc-13.3-echo-stream-too-many", call(1, "/jzs.public.v1.Public/EchoStream",
                                                             request: Self.bytes(hex: "0a 02 68 69 10 a0 9c 01"))))
        seeds.append(("doc-13.4-cancel-ping", call(4, "/jzs.public.v1.Public/Echo", request: nil) + cancelPing))
        seeds.append(("doc-13.5-drain-pong", drainPong))
        seeds.append(("doc-13-session", health + echoStream + tooMany + echoDelayed + cancelPing + drainPong
                                         + frame(.goAway, 0, Wire.RPC.GoAway(lastCallID: 0, reason: 0, message: "bye").serializedBytes())))

        // Every Public method with a full request (the others are unknown to the fuzz router).
        for method in MethodTable.methods where method.path.hasPrefix("/jzs.public.v1.Public/") {
            let name = String(method.path.split(separator: "/").last!)
            seeds.append(("call-Public-\(name)",
                          call(1, method.path, request: RequestSynthesizer.bytes(of: method.requestDescriptor()))))
        }

        // The call rules of §5 and the checks of §5.6, one at a time.
        let info = "/jzs.public.v1.Public/ServerInfo"
        seeds.append(("call-unknown-method", call(1, "/jzs.public.v1.Public/Nope", request: [])))
        seeds.append(("call-other-service", call(1, "/jzs.enterprise.v1.Enterprise/Login", request: [])))
        seeds.append(("call-without-end-stream", call(1, info, request: nil) + frame(.message, 1, [], flags: 0)))
        seeds.append(("call-message-before-headers", frame(.message, 1, [], flags: 1)))
        seeds.append(("call-trailers-from-client", call(1, info, request: nil) + frame(.trailers, 1, [])))
        seeds.append(("call-id-not-increasing", call(5, info, request: []) + call(5, info, request: []) + call(2, info, request: [])))
        seeds.append(("call-id-too-large", call(0x8000_0000, info, request: [])))
        seeds.append(("call-id-last", call(0x7FFF_FFFF, info, request: [])))
        seeds.append(("call-concurrency-cap", (1...6).flatMap { call(UInt32($0), info, request: nil) }
                                                + (1...6).flatMap { frame(.message, UInt32($0), [], flags: 1) }))
        seeds.append(("call-cancel-then-message", call(1, info, request: nil) + frame(.cancel, 1, []) + frame(.message, 1, [], flags: 1)))
        seeds.append(("call-cancel-unknown", frame(.cancel, 9, [])))
        seeds.append(("call-second-message", call(1, info, request: []) + frame(.message, 1, [], flags: 1)))
        seeds.append(("call-deadline-tiny", call(1, info, request: nil, timeoutMicros: 1)))
        seeds.append(("call-goaway-with-open-call", call(1, info, request: nil)
                      + frame(.goAway, 0, Wire.RPC.GoAway(lastCallID: 1, reason: 0, message: "").serializedBytes())
                      + frame(.message, 1, [], flags: 1)))
        seeds.append(("metadata-authorization", call(1, "/jzs.public.v1.Public/WhoAmI", request: [],
                                                     metadata: [("authorization", "Bearer abc")])))
        seeds.append(("metadata-too-many", call(1, info, request: [], metadata: (0..<65).map { ("k\($0)", "v") })))
        seeds.append(("metadata-bad-key", call(1, info, request: [], metadata: [("Bad Key", "v")])))
        seeds.append(("metadata-long-value", call(1, info, request: [], metadata: [("request-id", String(repeating: "x", count: 65))])))
        seeds.append(("headers-not-utf8", frame(.headers, 1, [0x0a, 0x02, 0xff, 0xfe]) + frame(.message, 1, [], flags: 1)))
        seeds.append(("headers-garbage", frame(.headers, 1, [0xff, 0xff, 0xff]) + frame(.message, 1, [], flags: 1)))
        seeds.append(("request-garbage", call(1, "/jzs.public.v1.Public/Echo", request: [0x0a, 0xff, 0xff, 0xff, 0x0f])))
        seeds.append(("ping-pong", frame(.ping, 0, [1, 2, 3, 4, 5, 6, 7, 8]) + frame(.pong, 0, [0, 0, 0, 0, 0, 0, 0, 0])))
        seeds.append(("ping-flood", (0..<8).flatMap { i in frame(.ping, 0, [UInt8](repeating: UInt8(i), count: 8)) }))
        seeds.append(("frame-too-large", [0x00, 0x01, 0x00, 0x00, 0x02, 0x01, 0x00, 0x00, 0x00, 0x01]))
        seeds.append(("frame-unknown-type", [0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x01]))
        seeds.append(("frame-bad-flags", frame(.headers, 1, [0x0a, 0x00], flags: 0x01)))
        seeds.append(("frame-ping-bad-length", frame(.ping, 0, [1, 2, 3])))
        seeds.append(("frame-ping-with-call-id", frame(.ping, 3, [1, 2, 3, 4, 5, 6, 7, 8])))
        seeds.append(("frame-truncated", Array(health.dropLast(5))))
        return seeds
    }

    private enum Kind: UInt8 { case headers = 1, message, trailers, cancel, ping, pong, goAway }

    /// One frame as docs/PROTOCOL.md §3.1 lays it out (written here, not with the server's
    /// encoder, so that seeds do not depend on the code under test).
    private static func frame(_ kind: Kind, _ callID: UInt32, _ payload: [UInt8], flags: UInt8 = 0) -> [UInt8] {
        be32(UInt32(payload.count)) + [kind.rawValue, flags] + be32(callID) + payload
    }

    /// HEADERS, then (unless `request` is nil) the END_STREAM MESSAGE with `request`.
    private static func call(_ id: UInt32, _ method: String, request: [UInt8]?, timeoutMicros: UInt64 = 5_000_000,
                             metadata: [(String, String)] = []) -> [UInt8] {
        let headers = Wire.RPC.CallHeaders(method: method, metadata: metadata.map { Wire.RPC.MetadataEntry(key: $0.0, value: $0.1) },
                                           timeoutMicros: timeoutMicros)
        var out = frame(.headers, id, headers.serializedBytes())
        if let request { out += frame(.message, id, request, flags: 1) }
        return out
    }

    private static func be32(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)]
    }

    static func pad3(_ n: Int) -> String {
        String(repeating: "0", count: max(0, 3 - String(n).count)) + String(n)
    }

    package static func bytes(hex: String) -> [UInt8] {
        hex.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { UInt8($0, radix: 16)! }
    }

    // MARK: tls

    /// The ClientHello an OpenSSLHandler client sends (TLS 1.3 and 1.2, ALPN jzs/1, SNI), and a
    /// few cuts and extensions of it. ClientHellos of other clients (no ALPN, TLS 1.2 only) were
    /// captured from `openssl s_client` once (FuzzTesting/README.md).
    static func tls() throws -> [(name: String, bytes: [UInt8])] {
        let hello = try FuzzTLSFixture.clientHello()
        // A TLS 1.3 application-data record (type 23) of garbage after the hello.
        let record: [UInt8] = [0x17, 0x03, 0x03, 0x00, 0x10] + (0..<16).map { UInt8($0) }
        // A plaintext fatal alert (handshake_failure) after the hello.
        let alert: [UInt8] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]
        return [
            ("clienthello-opensslhandler", hello),
            ("clienthello-opensslhandler-half", Array(hello.prefix(hello.count / 2))),
            ("clienthello-then-appdata", hello + record),
            ("clienthello-then-alert", hello + alert),
            ("clienthello-twice", hello + hello),
        ]
    }
}

/// Builds an encoded message with every field set, from the protobuf-c descriptor alone, with
/// plausible values picked by field name (a valid credit code for `*credit_code`, a date for
/// `*_date`, ...), so that seeds get past the value checks and into the code behind them.
enum RequestSynthesizer {
    static func bytes(of descriptor: UnsafePointer<ProtobufCMessageDescriptor>, depth: Int = 0) -> [UInt8] {
        var out: [UInt8] = []
        let d = descriptor.pointee
        for i in 0..<Int(d.n_fields) {
            let field = d.fields[i]
            let name = String(cString: field.name)
            let repeats = field.label == PROTOBUF_C_LABEL_REPEATED ? 2 : 1
            for k in 0..<repeats { append(field, name: name, element: k, depth: depth, to: &out) }
        }
        return out
    }

    private static func append(_ f: ProtobufCFieldDescriptor, name: String, element: Int, depth: Int, to out: inout [UInt8]) {
        func tag(_ wireType: UInt64) { varint(UInt64(f.id) << 3 | wireType, &out) }
        func lengthDelimited(_ bytes: [UInt8]) {
            tag(2)
            varint(UInt64(bytes.count), &out)
            out += bytes
        }
        switch f.type {
        case PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_UINT32, PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_BOOL:
            tag(0)
            varint(integer(name), &out)
        case PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SINT64:
            tag(0)
            varint(integer(name) << 1, &out)  // zigzag of a positive value
        case PROTOBUF_C_TYPE_FIXED32, PROTOBUF_C_TYPE_SFIXED32, PROTOBUF_C_TYPE_FLOAT:
            tag(5)
            out += withUnsafeBytes(of: UInt32(integer(name)).littleEndian, Array.init)
        case PROTOBUF_C_TYPE_FIXED64, PROTOBUF_C_TYPE_SFIXED64, PROTOBUF_C_TYPE_DOUBLE:
            tag(1)
            out += withUnsafeBytes(of: integer(name).littleEndian, Array.init)
        case PROTOBUF_C_TYPE_ENUM:
            let e = f.descriptor.assumingMemoryBound(to: ProtobufCEnumDescriptor.self).pointee
            let index = min(1 + element, Int(e.n_values) - 1)  // the first value after UNSPECIFIED
            tag(0)
            varint(UInt64(bitPattern: Int64(e.values[max(index, 0)].value)), &out)
        case PROTOBUF_C_TYPE_STRING:
            lengthDelimited(Array(string(name, element: element).utf8))
        case PROTOBUF_C_TYPE_BYTES:
            lengthDelimited(name.contains("signature") ? [UInt8](repeating: 0x5a, count: 64)
                            : [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52])
        case PROTOBUF_C_TYPE_MESSAGE:
            let nested = f.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
            lengthDelimited(depth < 4 ? bytes(of: nested, depth: depth + 1) : [])
        default:
            break
        }
    }

    private static func integer(_ name: String) -> UInt64 {
        switch name {
        case "province_code": 11
        case "page_size": 20
        case "count": 2
        case "seconds": 1_700_000_000
        case "delay_millis", "interval_millis", "nanos": 0
        case "timeout_micros": 5_000_000
        case "size": 16
        default: 1
        }
    }

    private static func string(_ name: String, element: Int) -> String {
        switch name {
        case let n where n.hasSuffix("credit_code"): "91350100M000100Y43"
        case "id_number": "11010519491231002X"
        case let n where n.hasSuffix("phone"): "13700137000"
        case "email": "fuzz@example.com"
        case "postcode": "100000"
        case let n where n.hasSuffix("password") || n == "password_again": "Passw0rd!2024"
        case let n where n.hasSuffix("account"): "fuzzadmin"
        case "qualification_date", "contract_start", "valid_from", "submitted_on": "2020-01-01"
        case "contract_end", "valid_until", "use_until": "2030-12-31"
        case "specialties", "specialty": element == 0 ? "建筑工程" : "公路工程"
        case "field": element == 0 ? "contact" : "name"
        case let n where n.hasSuffix("_pem"): FuzzTLSFixture.certificatePEM
        case "service": "jzs.public.v1.Public"
        case "method", "path": "/jzs.public.v1.Public/Health"
        case "key": "request-id"
        case "content_type": "image/png"
        case "sms_code": "123456"
        case "name", "applicant_name", "holder_name", "contact", "legal_representative": "张三"
        default: "示例-\(name)-\(element)"
        }
    }

    private static func varint(_ value: UInt64, _ out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7f) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}
