import Crypto
import Foundation
import NIOCore
import NIOEmbedded
import Proto
import Testing

/// Two embedded channels joined by shuttling bytes, each with an OpenSSLHandler.
final class TLSPair {
    let client: EmbeddedChannel
    let server: EmbeddedChannel
    let clientEvents = EventRecorder()
    let serverEvents = EventRecorder()

    init(chunk: Int? = nil, serverName: String = "localhost") throws {
        let pki = try SmallPKI.shared()
        let serverTLS = try TLSContext.server(certificateChainFile: pki.serverCert, privateKeyFile: pki.serverKey, clientTrustRootsFile: pki.ca)
        let clientTLS = try TLSContext.client(trustRootsFile: pki.ca, serverName: serverName)
        server = EmbeddedChannel()
        client = EmbeddedChannel()
        try server.pipeline.syncOperations.addHandler(try OpenSSLHandler(context: serverTLS))
        try server.pipeline.syncOperations.addHandler(serverEvents)
        try client.pipeline.syncOperations.addHandler(try OpenSSLHandler(context: clientTLS))
        try client.pipeline.syncOperations.addHandler(clientEvents)
        self.chunk = chunk
        try server.connect(to: .init(ipAddress: "127.0.0.1", port: 1)).wait()
        try client.connect(to: .init(ipAddress: "127.0.0.1", port: 1)).wait()
        try shuttle()
    }

    let chunk: Int?

    /// An embedded channel and its pipeline hold each other until closed: without this every
    /// pair would leak (and fail the LeakSanitizer run in scripts/sanitize).
    deinit {
        _ = try? client.finish(acceptAlreadyClosed: true)
        _ = try? server.finish(acceptAlreadyClosed: true)
    }

    /// Moves bytes both ways until neither side writes anything.
    func shuttle() throws {
        var moved = true
        while moved {
            moved = false
            while let bytes = try client.readOutbound(as: ByteBuffer.self) { try deliver(bytes, to: server); moved = true }
            while let bytes = try server.readOutbound(as: ByteBuffer.self) { try deliver(bytes, to: client); moved = true }
        }
    }

    private func deliver(_ bytes: ByteBuffer, to channel: EmbeddedChannel) throws {
        guard channel.isActive else { return }
        if let chunk {
            var b = bytes
            while let piece = b.readSlice(length: min(chunk, b.readableBytes)), piece.readableBytes > 0 {
                try channel.writeInbound(piece)
            }
        } else {
            try channel.writeInbound(bytes)
        }
    }
}

final class EventRecorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    var handshake: TLSHandshakeCompleted?
    var received = ByteBuffer()
    var errors: [any Error] = []
    var inactive = false

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let e = event as? TLSHandshakeCompleted { handshake = e }
    }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var b = unwrapInboundIn(data)
        received.writeBuffer(&b)
    }
    func errorCaught(context: ChannelHandlerContext, error: any Error) { errors.append(error) }
    func channelInactive(context: ChannelHandlerContext) { inactive = true }
}

/// Files of a small PKI shared by the TLS handler tests.
struct SmallPKI: Sendable {
    let ca: String, serverCert: String, serverKey: String

    nonisolated(unsafe) private static var cached: SmallPKI?
    private static let lock = NSLock()

    static func shared() throws -> SmallPKI {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jzs-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let ca = try CertificateAuthority.create(commonName: "tls test CA")
        let key = try PrivateKey.generateEC()
        let cert = try ca.issue(.init(commonName: "localhost", usage: .server, altNames: [.dns("localhost")], validityDays: 1), for: key)
        func write(_ s: String, _ n: String) throws -> String {
            let u = dir.appendingPathComponent(n)
            try Data(s.utf8).write(to: u)
            return u.path
        }
        let pki = SmallPKI(ca: try write(ca.certificate.pem(), "ca.pem"), serverCert: try write(cert.pem(), "s.pem"), serverKey: try write(key.privateKeyPEM(), "k.pem"))
        cached = pki
        return pki
    }
}

@Suite("OpenSSL TLS handler")
struct TLSHandlerTests {
    @Test("Two embedded channels complete a TLS 1.3 handshake with ALPN jzs/1 and exchange data")
    func handshakeAndData() throws {
        let pair = try TLSPair()
        #expect(pair.clientEvents.handshake?.protocolVersion == "TLSv1.3")
        #expect(pair.serverEvents.handshake != nil)
        try pair.client.writeAndFlush(ByteBuffer(string: "ping")).wait()
        try pair.shuttle()
        #expect(String(buffer: pair.serverEvents.received) == "ping")
        try pair.server.writeAndFlush(ByteBuffer(string: "pong 回应")).wait()
        try pair.shuttle()
        #expect(String(buffer: pair.clientEvents.received) == "pong 回应")
    }

    @Test("Delivering every byte on its own still works")
    func oneByteChunks() throws {
        let pair = try TLSPair(chunk: 1)
        #expect(pair.clientEvents.handshake != nil)
        let big = String(repeating: "建造师", count: 10_000)
        pair.client.write(ByteBuffer(string: big), promise: nil)
        pair.client.flush()
        try pair.shuttle()
        #expect(String(buffer: pair.serverEvents.received) == big)
    }

    @Test("Writes before the handshake completes are sent after it")
    func writesBeforeHandshake() throws {
        let pki = try SmallPKI.shared()
        let client = EmbeddedChannel()
        let recorder = EventRecorder()
        try client.pipeline.syncOperations.addHandler(try OpenSSLHandler(context: TLSContext.client(trustRootsFile: pki.ca, serverName: "localhost")))
        try client.pipeline.syncOperations.addHandler(recorder)
        client.writeAndFlush(ByteBuffer(string: "early"), promise: nil)
        // Nothing readable by the server yet: only the ClientHello appears once connected.
        try client.connect(to: .init(ipAddress: "127.0.0.1", port: 1)).wait()
        let hello = try client.readOutbound(as: ByteBuffer.self)
        #expect(hello?.getInteger(at: 0, as: UInt8.self) == 0x16)  // handshake record
        _ = try? client.finish()
    }

    @Test("close_notify reaches the peer, which closes without error")
    func closeNotify() throws {
        let pair = try TLSPair()
        pair.client.close(promise: nil)
        try pair.shuttle()
        #expect(pair.serverEvents.inactive)
        #expect(!pair.serverEvents.errors.contains { ($0 as? TLSError).map { if case .uncleanShutdown = $0 { true } else { false } } ?? false })
    }

    @Test("A transport closed without close_notify is reported as unclean (truncation)")
    func truncation() throws {
        let pair = try TLSPair()
        try pair.server.close().wait()   // underlying transport ends; the server handler sees no close_notify
        #expect(pair.serverEvents.errors.contains { ($0 as? TLSError).map { if case .uncleanShutdown = $0 { true } else { false } } ?? false }
                || pair.serverEvents.inactive)
        // Now the harder case: the client's transport vanishes without close_notify.
        let second = try TLSPair()
        second.server.pipeline.fireChannelInactive()
        #expect(second.serverEvents.errors.contains { ($0 as? TLSError).map { if case .uncleanShutdown = $0 { true } else { false } } ?? false })
    }

    @Test("A server certificate for another name fails the handshake")
    func wrongName() throws {
        let pair = try TLSPair(serverName: "not-localhost.example")
        #expect(pair.clientEvents.handshake == nil)
        #expect(pair.clientEvents.errors.contains { ($0 as? TLSError).map { if case .handshakeFailed = $0 { true } else { false } } ?? false })
    }
}
