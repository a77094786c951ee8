internal import COpenSSL
public import NIOCore

/// Raised through the pipeline once the TLS handshake has completed and ALPN agreed on `jzs/1`
/// or `h2` (``alpn``: the pipeline configures itself for it).
public struct TLSHandshakeCompleted: Sendable {
    public let peer: PeerIdentity
    public let protocolVersion: String
    public let cipher: String
    /// The protocol ALPN agreed on: ``TLSContext/alpn`` or ``TLSContext/alpnH2``.
    public let alpn: String

    public init(peer: PeerIdentity, protocolVersion: String, cipher: String, alpn: String = TLSContext.alpn) {
        self.peer = peer
        self.protocolVersion = protocolVersion
        self.cipher = cipher
        self.alpn = alpn
    }
}

/// TLS failures seen by ``OpenSSLHandler``.
public enum TLSError: Error, Sendable, CustomStringConvertible {
    case handshakeFailed(String)
    case alpnMismatch
    /// The transport closed without close_notify after the handshake (possible truncation).
    case uncleanShutdown
    case failure(String)

    public var description: String {
        switch self {
        case .handshakeFailed(let why): "TLS handshake failed: \(why)"
        case .alpnMismatch: "TLS peer did not agree on ALPN jzs/1 or h2"
        case .uncleanShutdown: "TLS connection closed without close_notify"
        case .failure(let why): "TLS failure: \(why)"
        }
    }
}

/// TLS over the system OpenSSL, as a NIO channel handler over two memory BIOs.
///
/// Ciphertext read from the network goes into the read BIO; plaintext comes out of `SSL_read`.
/// Plaintext written by the pipeline goes through `SSL_write`; the write BIO is drained after
/// every SSL call. Writes before the handshake completes are held and sent after it.
public final class OpenSSLHandler: ChannelDuplexHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private enum State { case idle, handshaking, active, closing, closed }

    private let ssl: OpaquePointer
    private let readBIO: OpaquePointer
    private let writeBIO: OpaquePointer
    private let isServer: Bool
    private let tls: TLSContext  // keeps the SSL_CTX alive
    private var state = State.idle
    private var pending: [(ByteBuffer, EventLoopPromise<Void>?)] = []
    private var pendingFlush = false
    private var receivedCloseNotify = false

    public init(context tls: TLSContext) throws {
        ERR_clear_error()
        guard let ssl = SSL_new(tls.context) else { throw OpenSSLError.drain("SSL_new") }
        guard let rbio = BIO_new(BIO_s_mem()), let wbio = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw OpenSSLError.drain("BIO_new")
        }
        // An empty read BIO means "no data yet", not EOF.
        _ = shim_BIO_set_mem_eof_return(rbio, -1)
        _ = shim_BIO_set_mem_eof_return(wbio, -1)
        SSL_set_bio(ssl, rbio, wbio)  // SSL_free frees both BIOs
        self.ssl = ssl
        self.readBIO = rbio
        self.writeBIO = wbio
        self.isServer = tls.isServer
        self.tls = tls
        if tls.isServer {
            SSL_set_accept_state(ssl)
        } else {
            SSL_set_connect_state(ssl)
            if let name = tls.serverName {
                // A name that cannot be set would leave the peer unchecked: refuse instead.
                let set: Bool
                if Self.isIPAddress(name) {
                    set = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name) == 1
                } else {
                    set = SSL_set1_host(ssl, name) == 1 && shim_SSL_set_tlsext_host_name(ssl, name) == 1
                }
                guard set else {
                    // Fully initialised here: deinit frees the SSL.
                    throw OpenSSLError.drain("setting the expected server name \(name)")
                }
            }
        }
    }

    deinit { SSL_free(ssl) }

    // MARK: Lifecycle

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard state == .idle else { return }
        state = .handshaking
        if !isServer { handshake(context: context) }
    }

    public func channelInactive(context: ChannelHandlerContext) {
        let wasActive = state == .active
        state = .closed
        failPending(TLSError.failure("connection closed"))
        if wasActive && !receivedCloseNotify {
            context.fireErrorCaught(TLSError.uncleanShutdown)
        }
        context.fireChannelInactive()
    }

    // MARK: Inbound

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard state == .handshaking || state == .active || state == .closing else { return }
        let written = buffer.withUnsafeReadableBytes { bytes in
            BIO_write(readBIO, bytes.baseAddress, Int32(bytes.count))
        }
        guard written == buffer.readableBytes else {
            fail(context: context, TLSError.failure("BIO_write"))
            return
        }
        if state == .handshaking { handshake(context: context) }
        if state == .active || state == .closing { readPlaintext(context: context) }
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        context.fireChannelReadComplete()
    }

    private func handshake(context: ChannelHandlerContext) {
        ERR_clear_error()
        let rc = SSL_do_handshake(ssl)
        if rc == 1 {
            drainOutput(context: context, promise: nil, flush: true)
            completeHandshake(context: context)
            return
        }
        let error = SSL_get_error(ssl, rc)
        switch error {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            drainOutput(context: context, promise: nil, flush: true)
        default:
            let why = OpenSSLError.drain("handshake")
            let verify = SSL_get_verify_result(ssl)
            var text = why.description
            if verify != X509_V_OK, let s = X509_verify_cert_error_string(verify) {
                text += " (certificate: \(String(cString: s)))"
            }
            // Send the alert OpenSSL queued, then fail.
            drainOutput(context: context, promise: nil, flush: true)
            fail(context: context, TLSError.handshakeFailed(text))
        }
    }

    private func completeHandshake(context: ChannelHandlerContext) {
        var alpnPointer: UnsafePointer<UInt8>?
        var alpnLength: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &alpnPointer, &alpnLength)
        let alpn = alpnPointer.map { String(decoding: UnsafeBufferPointer(start: $0, count: Int(alpnLength)), as: UTF8.self) }
        guard let alpn, alpn == TLSContext.alpn || alpn == TLSContext.alpnH2 else {
            fail(context: context, TLSError.alpnMismatch)
            return
        }
        state = .active
        let event = TLSHandshakeCompleted(
            peer: peerIdentity(),
            protocolVersion: String(cString: SSL_get_version(ssl)),
            cipher: SSL_get_current_cipher(ssl).map { String(cString: SSL_CIPHER_get_name($0)) } ?? "",
            alpn: alpn)
        context.fireUserInboundEventTriggered(event)
        if pendingFlush { writePending(context: context) }
        // Application data may have arrived with the final handshake flight.
        readPlaintext(context: context)
    }

    private func peerIdentity() -> PeerIdentity {
        guard let cert = SSL_get1_peer_certificate(ssl) else { return .none }
        defer { X509_free(cert) }
        guard SSL_get_verify_result(ssl) == X509_V_OK else { return .none }
        var uris: [String] = []
        if let names = X509_get_ext_d2i(cert, NID_subject_alt_name, nil, nil) {
            let stack = OpaquePointer(names)
            for i in 0..<shim_sk_GENERAL_NAME_num(stack) {
                var len: Int32 = 0
                if let name = shim_sk_GENERAL_NAME_value(stack, i), let p = shim_GENERAL_NAME_uri(name, &len) {
                    uris.append(String(decoding: UnsafeBufferPointer(start: p, count: Int(len)), as: UTF8.self))
                }
            }
            shim_GENERAL_NAMES_free(stack)
        }
        var subject = ""
        if let name = X509_get_subject_name(cert), let line = X509_NAME_oneline(name, nil, 0) {
            subject = String(cString: line)
            shim_OPENSSL_free(line)
        }
        var serial = ""
        if let bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(cert), nil) {
            if let hex = BN_bn2hex(bn) {
                serial = String(cString: hex)
                shim_OPENSSL_free(hex)
            }
            BN_free(bn)
        }
        return PeerIdentity(uris: uris, subject: subject, serialHex: serial)
    }

    private func readPlaintext(context: ChannelHandlerContext) {
        while state == .active || state == .closing {
            let available = max(Int(SSL_pending(ssl)), Int(BIO_ctrl_pending(readBIO)))
            guard available > 0 else { break }
            var buffer = context.channel.allocator.buffer(capacity: min(max(available, 512), 16 * 1024 + 256))
            var rc: Int32 = 0
            ERR_clear_error()
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 512) { out in
                rc = SSL_read(ssl, out.baseAddress, Int32(min(out.count, Int(Int32.max))))
                return rc > 0 ? Int(rc) : 0
            }
            if rc > 0 {
                context.fireChannelRead(wrapInboundOut(buffer))
                continue
            }
            let error = SSL_get_error(ssl, rc)
            drainOutput(context: context, promise: nil, flush: true)  // e.g. key updates
            switch error {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                return
            case SSL_ERROR_ZERO_RETURN:
                receivedCloseNotify = true
                context.close(promise: nil)
                return
            default:
                fail(context: context, TLSError.failure(OpenSSLError.drain("SSL_read").description))
                return
            }
        }
    }

    // MARK: Outbound

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard state != .closed, state != .closing else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        pending.append((unwrapOutboundIn(data), promise))
    }

    public func flush(context: ChannelHandlerContext) {
        pendingFlush = true
        if state == .active { writePending(context: context) }
    }

    private func writePending(context: ChannelHandlerContext) {
        pendingFlush = false
        guard !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        // Small writes are joined so that one TLS record carries many frames.
        var joined: ByteBuffer
        if batch.count == 1 {
            joined = batch[0].0
        } else {
            joined = context.channel.allocator.buffer(capacity: batch.reduce(0) { $0 + $1.0.readableBytes })
            for (b, _) in batch { var b = b; joined.writeBuffer(&b) }
        }
        ERR_clear_error()
        let ok = joined.withUnsafeReadableBytes { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                let rc = SSL_write(ssl, bytes.baseAddress! + offset, Int32(min(bytes.count - offset, 1 << 30)))
                if rc <= 0 { return false }
                offset += Int(rc)
            }
            return true
        }
        var promise: EventLoopPromise<Void>?
        for (_, p) in batch where p != nil {
            if promise == nil { promise = context.eventLoop.makePromise() }
            promise!.futureResult.cascade(to: p)
        }
        guard ok else {
            let error = TLSError.failure(OpenSSLError.drain("SSL_write").description)
            promise?.fail(error)
            fail(context: context, error)
            return
        }
        drainOutput(context: context, promise: promise, flush: true)
    }

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode == .all, state == .active {
            state = .closing
            if pendingFlush { writePending(context: context) }
            ERR_clear_error()
            _ = SSL_shutdown(ssl)  // queues close_notify; we do not wait for the peer's
            drainOutput(context: context, promise: nil, flush: true)
        }
        context.close(mode: mode, promise: promise)
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.fireErrorCaught(error)
    }

    // MARK: Helpers

    /// Moves everything OpenSSL wrote into the write BIO onto the network.
    private func drainOutput(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?, flush: Bool) {
        // The last buffer carries the promise: it completes once the socket took everything.
        var last: ByteBuffer?
        while true {
            let count = Int(BIO_ctrl_pending(writeBIO))
            if count == 0 { break }
            var out = context.channel.allocator.buffer(capacity: count)
            out.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { p in
                Int(max(0, BIO_read(writeBIO, p.baseAddress, Int32(count))))
            }
            if let previous = last { context.write(wrapOutboundOut(previous), promise: nil) }
            last = out
        }
        if let last {
            context.write(wrapOutboundOut(last), promise: promise)
            if flush || promise != nil { context.flush() }
        } else {
            promise?.succeed()
        }
    }

    private func fail(context: ChannelHandlerContext, _ error: TLSError) {
        guard state != .closed else { return }
        state = .closed
        failPending(error)
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }

    private func failPending(_ error: any Error) {
        let batch = pending
        pending.removeAll()
        for (_, p) in batch { p?.fail(error) }
    }

    static func isIPAddress(_ name: String) -> Bool {
        name.contains(":") || (name.split(separator: ".").count == 4 && name.allSatisfy { $0.isNumber || $0 == "." })
    }
}

@available(*, unavailable)
extension OpenSSLHandler: Sendable {}
