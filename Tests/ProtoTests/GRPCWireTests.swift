import NIOCore
import Proto
import Testing

/// The gRPC-over-HTTP/2 conventions both peers share (GRPCWire), byte for byte.
@Suite("gRPC wire conventions")
struct GRPCWireTests {
    @Test("grpc-timeout: every unit parses to microseconds; malformed values are nil; formatting fits 8 digits",
          arguments: [("1H", UInt64(3_600_000_000)), ("2M", 120_000_000), ("3S", 3_000_000), ("250m", 250_000),
                      ("7u", 7), ("1500n", 1), ("1n", 1), ("99999999S", 99_999_999_000_000)])
    func timeouts(value: String, micros: UInt64) {
        #expect(GRPCWire.parseTimeout(value) == micros)
    }

    @Test("grpc-timeout: too long, no unit, a sign or an unknown unit is refused; formatting round-trips")
    func malformedTimeouts() {
        for bad in ["", "S", "123456789S", "10", "-1S", "1s", "1 S", "1x"] { #expect(GRPCWire.parseTimeout(bad) == nil, "\(bad)") }
        for micros: UInt64 in [1, 99_999_999, 100_000_000, 250_000_000_000, 400_000_000_000_000_000] {
            let text = GRPCWire.formatTimeout(micros: micros)
            #expect(text.utf8.count <= 9)
            #expect(GRPCWire.parseTimeout(text).map { $0 <= micros } == true, "\(micros) → \(text)")
        }
    }

    @Test("grpc-message: printable ASCII stays, % and everything else is %XX of UTF-8, and decodes back")
    func percentEncoding() {
        #expect(GRPCWire.percentEncoded("plain text") == "plain text")
        #expect(GRPCWire.percentEncoded("100%") == "100%25")
        #expect(GRPCWire.percentEncoded("证书\n") == "%E8%AF%81%E4%B9%A6%0A")
        for text in ["", "证书编号：须为 12 位", "a%b", "tab\there"] { #expect(GRPCWire.percentDecoded(GRPCWire.percentEncoded(text)) == text) }
        #expect(GRPCWire.percentDecoded("%zz%4") == "%zz%4")   // a malformed escape is kept
    }

    @Test("Binary metadata: ASCII values travel as they are; others as KEY-bin, base64 of UTF-8, padded or not")
    func binaryMetadata() {
        #expect(GRPCWire.header(forMetadata: "operator", value: "reviewer-li") == ("operator", "reviewer-li"))
        let chinese = GRPCWire.header(forMetadata: "operator", value: "审核员李")
        #expect(chinese == ("operator-bin", "5a6h5qC45ZGY5p2O"))
        #expect(GRPCWire.binaryMetadataText(chinese.value) == "审核员李")
        #expect(GRPCWire.header(forMetadata: "request-id", value: "a\nb").name == "request-id-bin")   // control bytes too
        #expect(GRPCWire.binaryMetadataText("5p2O") == "李")
        #expect(GRPCWire.binaryMetadataText("5p") == nil)            // not a whole character
        #expect(GRPCWire.binaryMetadataText("YWI") == "ab")          // unpadded
        #expect(GRPCWire.binaryMetadataText("YWI=") == "ab")         // padded
        #expect(GRPCWire.binaryMetadataText("//4=") == nil)          // ff fe: not UTF-8
        #expect(GRPCWire.binaryMetadataText("not base64!") == nil)
    }
}
