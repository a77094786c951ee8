import Foundation
import Model
import Proto
import RPCClient

/// The failures the client library makes itself (it cannot reach the server, the TLS handshake
/// fails, the connection closes, the deadline passes), said again as one sentence in the user's
/// language. The library marks them with a `client.*` message code (RPCClient's `ClientCode`),
/// which picks the sentence, whichever transport (jzs/1 or h2) failed; the English message is
/// read only for the details it carries (the host, the system's or OpenSSL's reason), so nothing
/// of NIO or OpenSSL reaches the user in either language.
enum ClientFailure {
    /// The sentence for a client-side failure, or nil when the server sent the error.
    static func sentence(_ error: RPCError) -> String? {
        let m = error.message
        switch error.messageCode {
        case ClientCode.unreachable where m.hasPrefix("cannot connect to "):
            break   // the host and the reason are read below
        case ClientCode.tls where m.hasPrefix("TLS handshake failed: "):
            return tls(m)
        case ClientCode.handshakeTimeout:
            return FailureTexts.tlsHandshakeTimedOut.text
        case ClientCode.connectionLost:
            if m.hasPrefix("connection failed: ") { return FailureTexts.connectionFailed(reason(String(m.dropFirst("connection failed: ".count)))) }
            if m.hasPrefix("stream failed: ") { return FailureTexts.connectionFailed(reason(String(m.dropFirst("stream failed: ".count)))) }
            return FailureTexts.connectionClosed.text
        case ClientCode.draining:
            return FailureTexts.serverDraining.text
        case ClientCode.deadline:
            return FailureTexts.deadlineExceededPlain.text
        case ClientCode.cancelled:
            return FailureTexts.callCancelled.text
        default:
            break
        }
        switch error.code {
        case .unavailable:
            if m.hasPrefix("cannot connect to ") {
                // "cannot connect to HOST:PORT: REASON" (HOST may be an IPv6 address with colons).
                let rest = m.dropFirst("cannot connect to ".count)
                guard let split = rest.range(of: ": ") else { return FailureTexts.cannotConnect(String(rest), "") }
                return FailureTexts.cannotConnect(String(rest[..<split.lowerBound]), reason(String(rest[split.upperBound...])))
            }
            if m.hasPrefix("TLS handshake failed: ") { return tls(m) }
            if m == "TLS handshake timed out" { return FailureTexts.tlsHandshakeTimedOut.text }
            if m == "connection closed" || m == "client closed" { return FailureTexts.connectionClosed.text }
            if m.hasPrefix("connection failed: ") { return FailureTexts.connectionFailed(reason(String(m.dropFirst("connection failed: ".count)))) }
            if m.hasPrefix("refused by GOAWAY") || m.contains("draining") { return FailureTexts.serverDraining.text }
            return nil
        case .deadlineExceeded where m == "deadline exceeded":
            return FailureTexts.deadlineExceededPlain.text
        case .cancelled where m == "call cancelled" || m == "stream cancelled":
            return FailureTexts.callCancelled.text
        case .internalError where m.hasPrefix("protocol error") || m.hasPrefix("undecodable") || m == "server sent no response message":
            return FailureTexts.protocolError.text
        default:
            return nil
        }
    }

    /// A transport reason: a system error ("connection refused"), a TLS failure, or "timed out".
    static func reason(_ text: String) -> String {
        if let known = FileTexts.reason(englishText: text) { return known.text }
        if text.hasPrefix("TLS handshake failed: ") { return tls(text) }
        switch text {
        case "timed out": return FailureTexts.timedOut.text
        case "unknown host": return FailureTexts.unknownHost.text
        default: return text
        }
    }

    /// "TLS handshake failed: certificate verify failed (…)" in the user's language; OpenSSL's own
    /// reason is kept after the sentence in English, for whoever must fix the files.
    static func tls(_ text: String) -> String {
        let why = String(text.dropFirst("TLS handshake failed: ".count))
        if why.hasPrefix("certificate verify failed"), UILanguage.current == .zh {
            return FailureTexts.tlsHandshakeFailed(FailureTexts.certificateVerifyFailed.text + " " + why)
        }
        return FailureTexts.tlsHandshakeFailed(why)
    }
}
