internal import Foundation
internal import NIOCore
internal import NIOEmbedded
package import Proto

/// The fixed TLS identity of the fuzz targets, and what one real handshake with it produces.
///
/// A fixed certificate keeps runs reproducible and costs no key generation per process. It was
/// made once with
/// `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500
///  -subj /CN=localhost -addext subjectAltName=DNS:localhost -addext basicConstraints=critical,CA:FALSE
///  -addext keyUsage=critical,digitalSignature -addext extendedKeyUsage=serverAuth,clientAuth`.
/// It protects nothing: never trust it anywhere.
package enum FuzzTLSFixture {
    static let certificatePEM = """
        -----BEGIN CERTIFICATE-----
        MIIBwjCCAWmgAwIBAgIUcVDIuplQe9mFgaaieLZx051h4wowCgYIKoZIzj0EAwIw
        FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyOTAzMTkzMloYDzIxMjYxMTA1
        MDMxOTMyWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
        PQMBBwNCAAQe5LJFc3i3PMk7cUmpmxh77pZhmDsjnFAdnVscF557JRWHa/1P4GgU
        SExFzXyxQqwKfPVpH6spcPhfO91yUApCo4GWMIGTMB0GA1UdDgQWBBRu44+j6opt
        GyaPdoe0GsqpfnGSczAfBgNVHSMEGDAWgBRu44+j6optGyaPdoe0GsqpfnGSczAU
        BgNVHREEDTALgglsb2NhbGhvc3QwDAYDVR0TAQH/BAIwADAOBgNVHQ8BAf8EBAMC
        B4AwHQYDVR0lBBYwFAYIKwYBBQUHAwEGCCsGAQUFBwMCMAoGCCqGSM49BAMCA0cA
        MEQCIFGEIWmVe8COM3RM/ArON9eWI3wSMWtOsp07xHP7vmX8AiAAs1flBaQaQiKn
        K+lJRbJpxDlrHjbSUsWXJBqEGz9Ccw==
        -----END CERTIFICATE-----

        """

    static let privateKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgWkiXPBbhNbngCphm
        GMACJosyABdo/GpKkHXaHS42PzmhRANCAAQe5LJFc3i3PMk7cUmpmxh77pZhmDsj
        nFAdnVscF557JRWHa/1P4GgUSExFzXyxQqwKfPVpH6spcPhfO91yUApC
        -----END PRIVATE KEY-----

        """

    /// Server and client contexts over the fixed identity. The server asks for (and verifies)
    /// client certificates against the same certificate, as jzsd does with its client CA.
    package static let contexts: (server: TLSContext, client: TLSContext) = {
        // TLSContext reads files only; OpenSSL has the contents in memory once the contexts exist.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jzs-fuzz-tls-\(getpid())-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let cert = dir.appendingPathComponent("cert.pem").path
            let key = dir.appendingPathComponent("key.pem").path
            try Data(certificatePEM.utf8).write(to: URL(fileURLWithPath: cert))
            try Data(privateKeyPEM.utf8).write(to: URL(fileURLWithPath: key))
            let server = try TLSContext.server(certificateChainFile: cert, privateKeyFile: key, clientTrustRootsFile: cert)
            let client = try TLSContext.client(trustRootsFile: cert, serverName: "localhost")
            return (server, client)
        } catch {
            fatalError("fuzz TLS fixture: \(error)")
        }
    }()

    /// What a client's OpenSSLHandler writes first (its ClientHello flight), for corpus seeds.
    package static func clientHello() throws -> [UInt8] {
        let client = EmbeddedChannel()
        defer { _ = try? client.finish(acceptAlreadyClosed: true) }
        try client.pipeline.syncOperations.addHandler(try OpenSSLHandler(context: contexts.client))
        try client.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        var out: [UInt8] = []
        while let chunk = try client.readOutbound(as: ByteBuffer.self) { out += chunk.readableBytesView }
        return out
    }

    /// The `TLSHandshakeCompleted` event of one real handshake between the fixed contexts.
    ///
    /// The frames target must raise it like the TLS handler does, but the type has no public
    /// initializer; a real handshake (once per process) is the honest way to get one.
    package static let handshakeCompleted: TLSHandshakeCompleted = {
        do {
            let recorder = HandshakeRecorder()
            let server = EmbeddedChannel()
            let client = EmbeddedChannel()
            defer {
                _ = try? client.finish(acceptAlreadyClosed: true)
                _ = try? server.finish(acceptAlreadyClosed: true)
            }
            try server.pipeline.syncOperations.addHandler(try OpenSSLHandler(context: contexts.server))
            try server.pipeline.syncOperations.addHandler(recorder)
            try client.pipeline.syncOperations.addHandler(try OpenSSLHandler(context: contexts.client))
            try server.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            try client.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            var moved = true
            while moved {
                moved = false
                while let b = try client.readOutbound(as: ByteBuffer.self) { try server.writeInbound(b); moved = true }
                while let b = try server.readOutbound(as: ByteBuffer.self) { try client.writeInbound(b); moved = true }
            }
            guard let event = recorder.event else { fatalError("fuzz TLS fixture: the handshake did not complete") }
            return event
        } catch {
            fatalError("fuzz TLS fixture: handshake: \(error)")
        }
    }()
}

/// Keeps the handshake event of the fixture's server channel.
private final class HandshakeRecorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    var event: TLSHandshakeCompleted?

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let done = event as? TLSHandshakeCompleted { self.event = done }
        context.fireUserInboundEventTriggered(event)
    }
}

@available(*, unavailable)
extension HandshakeRecorder: Sendable {}
