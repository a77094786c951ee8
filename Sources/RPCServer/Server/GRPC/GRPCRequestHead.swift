internal import NIOHPACK
internal import Proto
internal import Model

/// The HEADERS of one gRPC request, checked: the method (`:path`), the deadline
/// (`grpc-timeout`) and the call metadata: every header but the HTTP/2 pseudo-headers and the
/// transport's own (`content-type`, `te`, `user-agent`, `grpc-*`), validated as jzs/1 metadata
/// is (``ConnectionState/validatedMetadata(_:limits:)``). A pure function of the headers.
struct GRPCRequestHead {
    var path: String
    var timeoutMicros: UInt64
    var metadata: Metadata

    /// Header names that are the transport's, not the call's metadata.
    static func isTransportHeader(_ name: String) -> Bool {
        name.hasPrefix(":") || name.hasPrefix("grpc-") || name == GRPCWire.Header.contentType || name == GRPCWire.Header.te
            || name == GRPCWire.Header.userAgent
    }

    /// The request's path, or nil when `:path` is missing.
    static func path(of headers: HPACKHeaders) -> String? {
        headers.first(name: ":path")
    }

    /// The checked head, or the error its call must end with (in the order of
    /// docs/PROTOCOL.md §5.6: the request's form before its method).
    static func parse(_ headers: HPACKHeaders, limits: Limits) -> Result<GRPCRequestHead, RPCError> {
        let language = Language(acceptLanguage: headers.first(name: Metadata.Key.acceptLanguage))
        guard headers.first(name: ":method") == "POST", let path = headers.first(name: ":path") else {
            return .failure(RPCError(code: .internalError, Text(.malformedRequest, "HTTP/2 request is not a POST with a :path"), language: language))
        }
        guard let type = headers.first(name: GRPCWire.Header.contentType), GRPCWire.isGRPCContentType(type) else {
            return .failure(RPCError(code: .internalError, Text(.malformedRequest, "content-type is not application/grpc"), language: language))
        }
        if let encoding = headers.first(name: GRPCWire.Header.encoding), encoding != "identity" {
            return .failure(RPCError(code: .unimplemented, Text(.malformedRequest, "grpc-encoding \(LogField.escape(encoding, maxBytes: 32)) (jzs takes no compression)"),
                                     language: language))
        }
        var timeout: UInt64 = 0
        if let value = headers.first(name: GRPCWire.Header.timeout) {
            guard let parsed = GRPCWire.parseTimeout(value) else {
                return .failure(RPCError(code: .internalError, Text(.malformedRequest, "grpc-timeout"), language: language))
            }
            timeout = parsed
        }
        var entries: [Wire.RPC.MetadataEntry] = []
        for (name, value, _) in headers where !isTransportHeader(name) {
            entries.append(Wire.RPC.MetadataEntry(key: name, value: value))
        }
        do {
            let metadata = try ConnectionState.validatedMetadata(entries, limits: limits)
            return .success(GRPCRequestHead(path: path, timeoutMicros: timeout, metadata: metadata))
        } catch {
            return .failure(error)
        }
    }
}

/// The response headers and trailers of gRPC calls (docs/PROTOCOL.md, "gRPC over HTTP/2").
enum GRPCResponseHeaders {
    /// `:status 200` and the content type, before the first message.
    static let head: HPACKHeaders = [":status": "200", GRPCWire.Header.contentType: GRPCWire.contentType]

    /// The trailers of most calls (OK after a message, no request-id), built once.
    static let ok: HPACKHeaders = [GRPCWire.Header.status: "0"]

    /// The trailers ending a call: `grpc-status`, `grpc-message` (percent-encoded),
    /// `grpc-status-details-bin` (google.rpc.Status with BadRequest and ErrorInfo),
    /// `jzs-message-code`, and `request-id` when there is one to echo.
    static func trailers(error: RPCError?, requestID: String?, only: Bool) -> HPACKHeaders {
        if error == nil, requestID == nil, !only { return ok }
        var headers: HPACKHeaders = only ? head : [:]
        guard let error else {
            headers.add(name: GRPCWire.Header.status, value: "0")
            if let requestID { headers.add(name: Metadata.Key.requestID, value: requestID) }
            return headers
        }
        headers.add(name: GRPCWire.Header.status, value: "\(error.code.rawValue)")
        headers.add(name: GRPCWire.Header.message, value: GRPCWire.percentEncoded(error.message))
        if let details = StatusDetails.encode(error) {
            headers.add(name: GRPCWire.Header.statusDetails, value: Base64.encode(details))
        }
        if !error.messageCode.isEmpty { headers.add(name: GRPCWire.Header.messageCode, value: error.messageCode) }
        if let requestID { headers.add(name: Metadata.Key.requestID, value: requestID) }
        return headers
    }
}
