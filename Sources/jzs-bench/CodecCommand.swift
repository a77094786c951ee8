import ArgumentParser
import CProto
import CProtobufC
import Foundation
import NIOCore
import Proto

/// Encode+decode of one EchoRequest with a `payload`-byte body through the generated Swift
/// types, beside the same round trip in raw protobuf-c (pack, unpack, free). Prints one JSON line.
struct CodecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "codec", abstract: "Codec micro-benchmark.")

    @Option(help: "Payload bytes of the message") var payload = 256
    @Option(help: "Round trips per measurement") var iterations = 200_000

    func run() async throws {
        let body = [UInt8](repeating: 0x5A, count: payload)
        let message = Wire.Public.EchoRequest(payload: body, text: "benchmark")

        // Ours: Swift value -> protobuf-c struct -> bytes -> checked unpack -> Swift value.
        var buffer = ByteBufferAllocator().buffer(capacity: payload + 64)
        func ours() throws {
            buffer.clear()
            message.encode(into: &buffer)
            let decoded = try Wire.Public.EchoRequest(buffer: buffer)
            precondition(decoded.payload.count == payload)
        }

        // Raw protobuf-c: a C struct pointing at the bytes, pack, unpack, free.
        var scratch = [UInt8](repeating: 0, count: payload + 64)
        let text = strdup("benchmark")!
        defer { free(text) }
        func raw() {
            body.withUnsafeBufferPointer { bodyPointer in
                var m = Jzs__Public__V1__EchoRequest()
                jzs__public__v1__echo_request__init(&m)
                m.payload = ProtobufCBinaryData(len: payload, data: UnsafeMutablePointer(mutating: bodyPointer.baseAddress))
                m.text = text
                let size = jzs__public__v1__echo_request__pack(&m, &scratch)
                let unpacked = jzs__public__v1__echo_request__unpack(nil, size, scratch)!
                precondition(unpacked.pointee.payload.len == payload)
                jzs__public__v1__echo_request__free_unpacked(unpacked, nil)
            }
        }

        for _ in 0..<(iterations / 10) { try ours(); raw() }   // warm-up
        let clock = ContinuousClock()
        var best = (ours: Double.infinity, raw: Double.infinity)
        for _ in 0..<5 {
            var t = clock.now
            for _ in 0..<iterations { try ours() }
            best.ours = min(best.ours, Double((clock.now - t).microseconds) * 1000 / Double(iterations))
            t = clock.now
            for _ in 0..<iterations { raw() }
            best.raw = min(best.raw, Double((clock.now - t).microseconds) * 1000 / Double(iterations))
        }
        let ratio = (best.ours / best.raw * 100).rounded() / 100
        print(#"{"bench":"codec","message":"jzs.public.v1.EchoRequest","payload":\#(payload),"ours_ns":\#(Int(best.ours)),"raw_protobuf_c_ns":\#(Int(best.raw)),"ratio":\#(ratio)}"#)
    }
}
