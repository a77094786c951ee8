import Foundation
import NIOHPACK
import Proto
import RPCServer
import Testing

/// The server's own check of a request's header block (RFC 9113 §8.2–8.3), which replaces
/// NIOHTTP2's validator (switched off on the server): a block that is not a well-formed request
/// gets a reason, and its stream is reset with PROTOCOL_ERROR (test_h2_hostile.py sends these
/// over the wire).
@Suite("gRPC request header blocks")
struct GRPCRequestHeadTests {
    static let pseudo: [(String, String)] = [(":method", "POST"), (":scheme", "https"), (":path", "/jzs.public.v1.Public/Echo"),
                                             (":authority", "localhost")]
    static let regular: [(String, String)] = [("content-type", "application/grpc"), ("te", "trailers"), ("operator", "审核员李")]

    static func scan(_ fields: [(String, String)]) -> GRPCRequestHead.Scan {
        GRPCRequestHead.Scan(HPACKHeaders(fields))
    }

    @Test("a stock client's request is well-formed, with its path and method read")
    func wellFormed() {
        let scan = Self.scan(Self.pseudo + Self.regular + [("grpc-timeout", "5S"), ("user-agent", "grpc-python/1.76")])
        #expect(scan.malformed == nil)
        #expect(scan.path == "/jzs.public.v1.Public/Echo")
        #expect(scan.method == "POST")
        // :authority is optional; a value may hold spaces, tabs and UTF-8.
        #expect(Self.scan(Array(Self.pseudo.prefix(3)) + [("x-note", " a\tb 审 ")]).malformed == nil)
    }

    @Test("each malformed block is named", arguments: [
        ("uppercase name", pseudo + [("Operator", "x")]),
        ("empty name", pseudo + [("", "x")]),
        ("space in a name", pseudo + [("my header", "x")]),
        ("connection", pseudo + [("connection", "keep-alive")]),
        ("transfer-encoding", pseudo + [("transfer-encoding", "chunked")]),
        ("upgrade", pseudo + [("upgrade", "h2c")]),
        ("keep-alive", pseudo + [("keep-alive", "5")]),
        ("proxy-connection", pseudo + [("proxy-connection", "close")]),
        ("te gzip", pseudo + [("te", "gzip")]),
        ("CR in a value", pseudo + [("request-id", "a\r\nb")]),
        ("NUL in a value", pseudo + [("request-id", "a\u{0}b")]),
        ("pseudo after regular", Array(pseudo.prefix(3)) + [("te", "trailers"), (":authority", "localhost")]),
        ("status in a request", pseudo + [(":status", "200")]),
        ("protocol", pseudo + [(":protocol", "websocket")]),
        ("unknown pseudo", pseudo + [(":foo", "x")]),
        ("duplicate method", pseudo + [(":method", "POST")]),
        ("no path", [(":method", "POST"), (":scheme", "https")]),
        ("no scheme", [(":method", "POST"), (":path", "/a/b")]),
        ("no method", [(":scheme", "https"), (":path", "/a/b")]),
        ("empty path", [(":method", "POST"), (":scheme", "https"), (":path", "")]),
        ("space in path", [(":method", "POST"), (":scheme", "https"), (":path", "/a b")]),
        ("DEL in method", [(":method", "PO\u{7F}ST"), (":scheme", "https"), (":path", "/a/b")]),
    ] as [(String, [(String, String)])])
    func malformed(_ name: String, _ fields: [(String, String)]) {
        #expect(Self.scan(fields).malformed != nil, "\(name) was taken as well-formed")
    }

    @Test("a malformed block's reason names the header, never its value")
    func reasonNamesTheHeader() throws {
        let reason = try #require(Self.scan(Self.pseudo + [("request-id", "secret\r\n")]).malformed)
        #expect(reason.contains("request-id"))
        #expect(!reason.contains("secret"))
    }

    static func parse(_ metadata: [(String, String)]) -> Result<GRPCRequestHead, RPCError> {
        GRPCRequestHead.parse(scan(pseudo + [("content-type", "application/grpc"), ("te", "trailers")] + metadata), limits: .default)
    }

    @Test("more than 64 metadata entries get the answer jzs/1's element cap gives: INVALID_ARGUMENT naming metadata")
    func tooManyEntries() throws {
        let entries = (0..<64).map { ("x-note-\($0)", "v") }
        #expect((try? Self.parse(entries).get()) != nil)
        guard case .failure(let error) = Self.parse(entries + [("x-note-64", "v")]) else {
            Issue.record("65 entries were taken")
            return
        }
        #expect(error.code == .invalidArgument)
        #expect(error.violations.map(\.field) == ["metadata"])
        #expect(error.violations.first?.code == "field.too_many_elements")
    }

    @Test("a binary entry is base64 of UTF-8 text without NUL, as every jzs/1 string: operator-bin decodes, a NUL is refused")
    func binaryEntries() throws {
        let name = Data("审核员李".utf8).base64EncodedString()
        #expect(try Self.parse([("operator-bin", name)]).get().metadata[Metadata.Key.operator] == "审核员李")
        let nul = Data("req\u{0}1".utf8).base64EncodedString()
        guard case .failure(let error) = Self.parse([("request-id-bin", nul)]) else {
            Issue.record("a NUL in request-id-bin was taken")
            return
        }
        #expect(error.code == .invalidArgument)
        #expect(error.violations.map(\.field) == ["metadata.request-id-bin"])
    }

    @Test("a request-id is echoed as request-id when printable ASCII, else as request-id-bin (a header value holds neither CR, LF nor UTF-8)")
    func requestIDEcho() {
        let plain = GRPCResponseHeaders.trailers(error: nil, requestID: "req-0001", only: false)
        #expect(plain.first(name: "request-id") == "req-0001")
        for id in ["审核-1", "a\r\nb"] {
            let trailers = GRPCResponseHeaders.trailers(error: RPCError(code: .notFound, message: "x"), requestID: id, only: true)
            #expect(trailers.first(name: "request-id") == nil)
            #expect(trailers.first(name: "request-id-bin").flatMap { Data(base64Encoded: $0) }.flatMap { String(data: $0, encoding: .utf8) } == id)
        }
    }
}
