internal import COpenSSL

/// What a peer proved in the handshake: the SAN URIs and subject of its verified certificate.
public struct PeerIdentity: Sendable, Hashable {
    public var uris: [String]
    public var subject: String
    /// The certificate's serial number in upper-case hexadecimal (matched against the CRL).
    public var serialHex: String

    public init(uris: [String], subject: String, serialHex: String = "") {
        self.uris = uris
        self.subject = subject
        self.serialHex = serialHex
    }

    public static let none = PeerIdentity(uris: [], subject: "")
}

/// A configured OpenSSL `SSL_CTX` (immutable once built).
///
/// TLS 1.3 preferred, 1.2 minimum with the Mozilla-intermediate cipher list, no renegotiation,
/// no compression, ALPN required: servers accept `jzs/1` (preferred) and `h2` (gRPC over HTTP/2,
/// docs/PROTOCOL.md §2.2), clients offer the one they speak. Servers verify client certificates when presented
/// (against `trustRootsFile`, with the CRL when given); clients always verify the server.
public final class TLSContext: @unchecked Sendable {
    // @unchecked: the SSL_CTX is configured in init and never mutated afterwards; OpenSSL allows
    // concurrent SSL_new on a shared context.
    let context: OpaquePointer
    public let isServer: Bool
    /// Server identity the client checks (host name or IP address); nil on servers.
    public let serverName: String?

    public static let alpn = "jzs/1"
    /// gRPC over HTTP/2 on the same listener (issue #11).
    public static let alpnH2 = "h2"
    static let tls12Ciphers = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
        "DHE-RSA-AES128-GCM-SHA256", "DHE-RSA-AES256-GCM-SHA384", "DHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")

    /// A server context.
    /// - Parameters:
    ///   - certificateChainFile: PEM, leaf first.
    ///   - privateKeyFile: PEM private key of the leaf.
    ///   - clientTrustRootsFile: PEM CA(s) that issue client certificates; nil disables them.
    ///   - crlFile: PEM CRL of that CA; revoked client certificates fail the handshake.
    public static func server(
        certificateChainFile: String, privateKeyFile: String,
        clientTrustRootsFile: String?, crlFile: String? = nil
    ) throws -> TLSContext {
        let ctx = try makeBase(server: true)
        do {
            guard SSL_CTX_use_certificate_chain_file(ctx, certificateChainFile) == 1 else {
                throw OpenSSLError.drain("loading certificate chain \(certificateChainFile)")
            }
            guard SSL_CTX_use_PrivateKey_file(ctx, privateKeyFile, SSL_FILETYPE_PEM) == 1,
                  SSL_CTX_check_private_key(ctx) == 1 else {
                throw OpenSSLError.drain("loading private key \(privateKeyFile)")
            }
            if let clientTrustRootsFile {
                guard SSL_CTX_load_verify_locations(ctx, clientTrustRootsFile, nil) == 1 else {
                    throw OpenSSLError.drain("loading client trust roots \(clientTrustRootsFile)")
                }
                if let crlFile { try loadCRL(crlFile, into: ctx) }
                // Client certificates are optional (public callers have none) but verified when sent.
                SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
                SSL_CTX_set_verify_depth(ctx, 4)
            } else {
                SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nil)
            }
            SSL_CTX_set_alpn_select_cb(ctx, selectALPN, nil)
            _ = shim_SSL_CTX_set_session_cache_mode(ctx, Int(SSL_SESS_CACHE_SERVER))
            let sid = Array("jzs".utf8)
            _ = SSL_CTX_set_session_id_context(ctx, sid, UInt32(sid.count))
        } catch {
            SSL_CTX_free(ctx)
            throw error
        }
        return TLSContext(ctx, isServer: true, serverName: nil)
    }

    /// A client context.
    /// - Parameters:
    ///   - trustRootsFile: PEM CA(s) the server certificate must chain to.
    ///   - serverName: the host name or IP address the server certificate must name.
    ///   - certificateFile / privateKeyFile: the client certificate (provinces, ministry), if any.
    public static func client(
        trustRootsFile: String, serverName: String,
        certificateFile: String? = nil, privateKeyFile: String? = nil, alpn offered: String = alpn
    ) throws -> TLSContext {
        let ctx = try makeBase(server: false)
        do {
            guard SSL_CTX_load_verify_locations(ctx, trustRootsFile, nil) == 1 else {
                throw OpenSSLError.drain("loading trust roots \(trustRootsFile)")
            }
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
            if let certificateFile {
                guard SSL_CTX_use_certificate_chain_file(ctx, certificateFile) == 1 else {
                    throw OpenSSLError.drain("loading client certificate \(certificateFile)")
                }
                guard SSL_CTX_use_PrivateKey_file(ctx, privateKeyFile ?? certificateFile, SSL_FILETYPE_PEM) == 1,
                      SSL_CTX_check_private_key(ctx) == 1 else {
                    throw OpenSSLError.drain("loading client key \(privateKeyFile ?? certificateFile)")
                }
            }
            var wire: [UInt8] = [UInt8(offered.utf8.count)] + Array(offered.utf8)
            guard SSL_CTX_set_alpn_protos(ctx, &wire, UInt32(wire.count)) == 0 else {
                throw OpenSSLError.drain("setting ALPN")
            }
        } catch {
            SSL_CTX_free(ctx)
            throw error
        }
        return TLSContext(ctx, isServer: false, serverName: serverName)
    }

    private init(_ context: OpaquePointer, isServer: Bool, serverName: String?) {
        self.context = context
        self.isServer = isServer
        self.serverName = serverName
    }

    deinit { SSL_CTX_free(context) }

    private static func makeBase(server: Bool) throws -> OpaquePointer {
        ERR_clear_error()
        guard let ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()) else {
            throw OpenSSLError.drain("SSL_CTX_new")
        }
        _ = shim_SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)
        _ = SSL_CTX_set_options(ctx, shim_SSL_OP_NO_RENEGOTIATION | shim_SSL_OP_NO_COMPRESSION
                                | shim_SSL_OP_CIPHER_SERVER_PREFERENCE)
        guard SSL_CTX_set_cipher_list(ctx, tls12Ciphers) == 1 else {
            SSL_CTX_free(ctx)
            throw OpenSSLError.drain("setting TLS 1.2 ciphers")
        }
        _ = shim_SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384")
        _ = shim_SSL_CTX_set_mode(ctx, Int(SSL_MODE_RELEASE_BUFFERS))
        return ctx
    }

    private static func loadCRL(_ path: String, into ctx: OpaquePointer) throws {
        guard let bio = BIO_new_file(path, "r") else { throw OpenSSLError.drain("opening CRL \(path)") }
        defer { BIO_free(bio) }
        let store = SSL_CTX_get_cert_store(ctx)
        var loaded = 0
        while let crl = PEM_read_bio_X509_CRL(bio, nil, nil, nil) {
            X509_STORE_add_crl(store, crl)
            X509_CRL_free(crl)
            loaded += 1
        }
        ERR_clear_error()  // the loop ends on a "no start line" error
        guard loaded > 0 else { throw OpenSSLError(operation: "loading CRL \(path)", details: ["no CRL found"]) }
        X509_STORE_set_flags(store, UInt(X509_V_FLAG_CRL_CHECK))
    }
}

/// ALPN: the server takes `jzs/1` when offered, else `h2`; a client offering neither is refused.
private func selectALPN(
    _ ssl: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
    _ outlen: UnsafeMutablePointer<UInt8>?, _ input: UnsafePointer<UInt8>?, _ inlen: UInt32,
    _ arg: UnsafeMutableRawPointer?
) -> Int32 {
    guard let input, let out, let outlen else { return SSL_TLSEXT_ERR_ALERT_FATAL }
    var i = 0
    let total = Int(inlen)
    var h2: Int?
    while i < total {
        let len = Int(input[i])
        if i + 1 + len > total { break }
        if len == 5, input[i + 1] == 0x6A, input[i + 2] == 0x7A, input[i + 3] == 0x73,
           input[i + 4] == 0x2F, input[i + 5] == 0x31 {  // "jzs/1"
            out.pointee = input + i + 1
            outlen.pointee = UInt8(len)
            return SSL_TLSEXT_ERR_OK
        }
        if len == 2, input[i + 1] == 0x68, input[i + 2] == 0x32 { h2 = i }  // "h2"
        i += 1 + len
    }
    if let h2 {
        out.pointee = input + h2 + 1
        outlen.pointee = 2
        return SSL_TLSEXT_ERR_OK
    }
    return SSL_TLSEXT_ERR_ALERT_FATAL
}
