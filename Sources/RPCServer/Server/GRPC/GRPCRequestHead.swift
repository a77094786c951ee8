package import NIOHPACK
package import Proto
internal import Model

/// The HEADERS of one gRPC request, checked: the method (`:path`), the deadline
/// (`grpc-timeout`) and the call metadata: every header but the HTTP/2 pseudo-headers and the
/// transport's own (`content-type`, `te`, `user-agent`, `grpc-*`), validated as jzs/1 metadata
/// is (``ConnectionState/validatedMetadata(_:limits:)``). A pure function of the headers.
package struct GRPCRequestHead {
    package var path: String
    package var timeoutMicros: UInt64
    package var metadata: Metadata

    /// Header names that are the transport's, not the call's metadata.
    static func isTransportHeader(_ name: String) -> Bool {
        name.hasPrefix(":") || name.hasPrefix("grpc-") || name == GRPCWire.Header.contentType || name == GRPCWire.Header.te
            || name == GRPCWire.Header.userAgent
    }

    /// A request's headers read in one pass: the first value of each header the transport
    /// checks, the call metadata in order, and whether the block is a well-formed HTTP/2 request
    /// at all (``HeaderRules``; NIOHTTP2's own check of every header block is switched off).
    package struct Scan {
        package var method: String?
        package var path: String?
        var contentType: String?
        var encoding: String?
        var timeout: String?
        var acceptLanguage: String?
        var entries: [Wire.RPC.MetadataEntry] = []
        /// Why the block is not a well-formed request (for the log), if it is not: the stream is
        /// then reset with PROTOCOL_ERROR, as RFC 9113 §8.1.1 asks of a malformed request.
        package var malformed: String?

        package init(_ headers: HPACKHeaders) {
            malformed = read(headers)
        }

        /// Reads the block; returns why it is malformed, or nil.
        private mutating func read(_ headers: HPACKHeaders) -> String? {
            var seen = HeaderRules.Pseudo()
            var regular = false
            for (name, value, _) in headers {
                if name.utf8.first == UInt8(ascii: ":") {
                    guard !regular else { return "pseudo-header \(name) after a regular header" }
                    guard let pseudo = HeaderRules.Pseudo(requestName: name) else { return "pseudo-header \(name) in a request" }
                    guard !seen.contains(pseudo) else { return "pseudo-header \(name) twice" }
                    guard HeaderRules.isPseudoValue(value) else { return "bytes a pseudo-header value cannot hold in \(name)" }
                    seen.insert(pseudo)
                    if pseudo == .method { method = value }
                    if pseudo == .path {
                        guard !value.isEmpty else { return "empty :path" }
                        path = value
                    }
                    continue
                }
                regular = true
                guard HeaderRules.isFieldName(name) else { return "header name that is not a lowercase token" }
                guard HeaderRules.isFieldValue(value) else { return "NUL, CR or LF in the value of \(name)" }
                switch name {
                case "connection", "transfer-encoding", "proxy-connection", "keep-alive", "upgrade":
                    return "connection-specific header \(name)"
                case GRPCWire.Header.te:
                    guard value == "trailers" else { return "te other than trailers" }
                case GRPCWire.Header.contentType: if contentType == nil { contentType = value }
                case GRPCWire.Header.encoding: if encoding == nil { encoding = value }
                case GRPCWire.Header.timeout: if timeout == nil { timeout = value }
                case Metadata.Key.acceptLanguage:
                    acceptLanguage = value   // the last one, as in the call's metadata
                    entries.append(Wire.RPC.MetadataEntry(key: name, value: value))
                default:
                    if !isTransportHeader(name) { entries.append(Wire.RPC.MetadataEntry(key: name, value: value)) }
                }
            }
            return seen.isSuperset(of: .required) ? nil : "a request without :method, :scheme and :path"
        }

        /// The language of `accept-language` (for the errors of this request).
        var language: Language { Language(acceptLanguage: acceptLanguage) }
    }

    /// The checked head, or the error its call must end with (in the order of
    /// docs/PROTOCOL.md §5.6: the request's form before its method).
    package static func parse(_ scan: Scan, limits: Limits) -> Result<GRPCRequestHead, RPCError> {
        let language = scan.language
        guard scan.method == "POST", let path = scan.path else {
            return .failure(RPCError(code: .internalError, Text(.malformedRequest, "HTTP/2 request is not a POST with a :path"), language: language))
        }
        guard let type = scan.contentType, GRPCWire.isGRPCContentType(type) else {
            return .failure(RPCError(code: .internalError, Text(.malformedRequest, "content-type is not application/grpc"), language: language))
        }
        if let encoding = scan.encoding, encoding != "identity" {
            return .failure(RPCError(code: .unimplemented, Text(.malformedRequest, "grpc-encoding \(LogField.escape(encoding, maxBytes: 32)) (jzs takes no compression)"),
                                     language: language))
        }
        var timeout: UInt64 = 0
        if let value = scan.timeout {
            guard let parsed = GRPCWire.parseTimeout(value) else {
                return .failure(RPCError(code: .internalError, Text(.malformedRequest, "grpc-timeout"), language: language))
            }
            timeout = parsed
        }
        do {
            let metadata = try ConnectionState.validatedMetadata(try textMetadata(scan.entries, language: language), limits: limits)
            return .success(GRPCRequestHead(path: path, timeoutMicros: timeout, metadata: metadata))
        } catch {
            return .failure(error)
        }
    }
}

extension GRPCRequestHead {
    /// The call metadata with every binary entry (`KEY-bin`, ``GRPCWire/binarySuffix``) decoded
    /// into KEY, so a call sees the same metadata as over jzs/1: `operator-bin` with the base64
    /// of "审核员李" is the operator 审核员李.
    /// - Throws: INVALID_ARGUMENT naming the entry when its value is not base64 of UTF-8 text.
    static func textMetadata(_ entries: [Wire.RPC.MetadataEntry], language: Language) throws(RPCError) -> [Wire.RPC.MetadataEntry] {
        guard entries.contains(where: { $0.key.hasSuffix(GRPCWire.binarySuffix) }) else { return entries }
        return try entries.map { (entry) throws(RPCError) -> Wire.RPC.MetadataEntry in
            guard entry.key.hasSuffix(GRPCWire.binarySuffix) else { return entry }
            guard let text = GRPCWire.binaryMetadataText(entry.value) else {
                throw RPCError(field: "metadata.\(entry.key)", Text(.metadataBinary), language: language)
            }
            return Wire.RPC.MetadataEntry(key: String(entry.key.dropLast(GRPCWire.binarySuffix.count)), value: text)
        }
    }
}

/// The response headers and trailers of gRPC calls (docs/PROTOCOL.md, "gRPC over HTTP/2").
package enum GRPCResponseHeaders {
    /// `:status 200` and the content type, before the first message.
    static let head: HPACKHeaders = [":status": "200", GRPCWire.Header.contentType: GRPCWire.contentType]

    /// The trailers of most calls (OK after a message, no request-id), built once.
    static let ok: HPACKHeaders = [GRPCWire.Header.status: "0"]

    /// The trailers ending a call: `grpc-status`, `grpc-message` (percent-encoded),
    /// `grpc-status-details-bin` (google.rpc.Status with BadRequest and ErrorInfo),
    /// `jzs-message-code`, and `request-id` when there is one to echo.
    package static func trailers(error: RPCError?, requestID: String?, only: Bool) -> HPACKHeaders {
        if error == nil, requestID == nil, !only { return ok }
        var headers: HPACKHeaders = only ? head : [:]
        guard let error else {
            headers.add(name: GRPCWire.Header.status, value: "0")
            if let requestID { headers.add(echo: requestID) }
            return headers
        }
        headers.add(name: GRPCWire.Header.status, value: "\(error.code.rawValue)")
        headers.add(name: GRPCWire.Header.message, value: GRPCWire.percentEncoded(error.message))
        if let details = StatusDetails.encode(error) {
            headers.add(name: GRPCWire.Header.statusDetails, value: Base64.encode(details))
        }
        if !error.messageCode.isEmpty { headers.add(name: GRPCWire.Header.messageCode, value: error.messageCode) }
        if let requestID { headers.add(echo: requestID) }
        return headers
    }
}

extension HPACKHeaders {
    /// The request-id echoed as the client may have sent it: `request-id` when printable ASCII,
    /// else `request-id-bin` (a value that came as `request-id-bin` is any UTF-8 text, and a
    /// header value cannot carry CR, LF or non-ASCII bytes).
    mutating func add(echo requestID: String) {
        let header = GRPCWire.header(forMetadata: Metadata.Key.requestID, value: requestID)
        add(name: header.name, value: header.value)
    }
}
