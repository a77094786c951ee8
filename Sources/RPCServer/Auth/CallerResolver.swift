public import Model
public import Proto

/// Resolves the ``Caller`` of a call: from the verified client certificate first, otherwise from
/// the session token in `authorization` metadata (through ``SessionResolver``), else anonymous.
public struct CallerResolver: Sendable {
    /// Code of 新疆生产建设兵团 in certificates (`jzs:province:<code>`).
    public let corpsCode: UInt32
    public let sessions: (any SessionResolver)?

    public init(corpsCode: UInt32 = Province.defaultCorpsCode, sessions: (any SessionResolver)? = nil) {
        self.corpsCode = corpsCode
        self.sessions = sessions
    }

    /// The caller named by a client certificate of our CA, if any.
    public func certificateCaller(_ peer: PeerIdentity) -> Caller? {
        for uri in peer.uris {
            if let caller = Caller.fromCertificateURI(uri, corpsCode: corpsCode) { return caller }
        }
        return nil
    }

    /// The caller of one call on a connection whose certificate resolved to `connectionCaller`.
    ///
    /// A session opened with a temporary password may call only the methods whose row in
    /// ``AccessTable`` says ``Access/whileChangingPassword``.
    public func resolve(connectionCaller: Caller?, metadata: Metadata, method: String) async throws -> Caller {
        if let connectionCaller { return connectionCaller }
        guard let token = metadata[Metadata.Key.authorization] else { return .anonymous }
        guard let sessions else {
            throw RegistryError.unauthenticated(Text(.sessionsNotAccepted))
        }
        let session = try await sessions.session(forToken: Self.bearer(token))
        if session.mustChangePassword, AccessTable.access(for: method)?.whileChangingPassword != true {
            throw RegistryError.failedPrecondition(Text(.mustChangePassword))
        }
        return session.caller
    }

    static func bearer(_ value: String) -> String {
        value.hasPrefix("Bearer ") ? String(value.dropFirst(7)) : value
    }
}

/// Turns a session token into a caller (implemented by the session store, issue #3).
/// Throws `RPCError(.unauthenticated)` for unknown, expired or revoked tokens.
public protocol SessionResolver: Sendable {
    func session(forToken token: String) async throws -> SessionCaller
}
