public import Model

/// Session tokens resolved by the accounts store.
public struct AccountSessions: SessionResolver {
    let accounts: Accounts

    public init(accounts: Accounts) { self.accounts = accounts }

    public func session(forToken token: String) async throws -> SessionCaller {
        try await accounts.session(forToken: token)
    }
}

extension CallContext {
    /// Who did it, for the audit row written with the change.
    var audit: AuditContext {
        AuditContext(caller: caller, method: method, requestID: requestID, operatorName: operatorName)
    }

    /// The bearer token of this call, if any.
    var sessionToken: String? {
        metadata[Metadata.Key.authorization].map { CallerResolver.bearer($0) }
    }

    // The requireX() checks below and in the services repeat what the Router has already
    // enforced from ``AccessTable`` before the handler ran: defence in depth, and they hand the
    // handler its caller. The table is what decides (and what the isolation tests iterate).

    /// The caller as an enterprise user, or UNAUTHENTICATED / PERMISSION_DENIED.
    func requireEnterpriseUser() throws(RegistryError) -> Caller {
        switch caller {
        case .enterpriseUser: return caller
        case .anonymous: throw .unauthenticated(Text(.loginFirstEnterprise))
        default: throw .forbidden(Text(.onlyEnterpriseUsers))
        }
    }

    /// The caller as an individual, or UNAUTHENTICATED / PERMISSION_DENIED.
    func requireIndividual() throws(RegistryError) -> Caller {
        switch caller {
        case .individual: return caller
        case .anonymous: throw .unauthenticated(Text(.loginFirstIndividual))
        default: throw .forbidden(Text(.onlyIndividuals))
        }
    }
}

internal import Proto
