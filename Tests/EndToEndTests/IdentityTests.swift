import Foundation
import Model
import Proto
import RPCClient
import RPCServer
import Testing

@Suite("TLS identities")
struct IdentityTests {
    @Test("A province certificate makes WhoAmI answer that province")
    func provinceCertificate() async throws {
        try await withTestServer { server in
            try await withClient(server.clientConfiguration(as: "province-37")) { client in
                let me = try await client.public.whoAmI()
                #expect(me.kind == .province)
                #expect(me.provinceCode == 37)
                #expect(me.provinceName == "山东省")
                #expect(me.principal == "jzs:province:37")
            }
            try await withClient(server.clientConfiguration(as: "ministry")) { client in
                let got = try await client.public.whoAmI().kind
                #expect(got == .ministry)
            }
            try await withClient(server.clientConfiguration()) { client in
                let got = try await client.public.whoAmI().kind
                #expect(got == .anonymous)
            }
        }
    }

    @Test("A client rejects a server certificate issued for another name")
    func wrongServerName() async throws {
        try await withTestServer(certificate: { ($0.wrongNameCertificate, $0.wrongNameKey) }) { server in
            let error = await rpcError { _ = try await Client.connect(server.clientConfiguration()) }
            #expect(error?.code == .unavailable)
            #expect(error?.message.contains("handshake") == true)
        }
    }

    @Test("A server name that matches the certificate connects")
    func rightServerNameByDNS() async throws {
        try await withTestServer { server in
            try await withClient(server.clientConfiguration(serverName: "localhost")) { client in
                let got = try await client.public.health()
                #expect(got == .serving)
            }
        }
    }

    @Test("A client certificate from another CA fails the call", arguments: ["other-ca", "revoked"])
    func untrustedClientCertificate(name: String) async throws {
        try await withTestServer { server in
            let error = await rpcError {
                let client = try await Client.connect(server.clientConfiguration(as: name))
                defer { Task { await client.close() } }
                _ = try await client.public.whoAmI()
            }
            #expect(error != nil)
            #expect(error?.code == .unavailable)
        }
    }
}

@Suite("Operator names")
struct OperatorTests {
    @Test("An operator with a control or separator character, or over 64 characters, is refused before anything is audited",
          arguments: ["李\u{1F}审核", "line\nbreak", String(repeating: "长", count: 65), "   "])
    func refused(_ name: String) async throws {
        try await withTestServer { server in
            try await withClient(server.clientConfiguration(as: "province-37", operator: name)) { client in
                do {
                    _ = try await client.unary(Methods.Provincial.listPendingSignups, .init())
                    Issue.record("accepted operator \(name.debugDescription)")
                } catch let error as RPCError {
                    #expect(error.code == .invalidArgument)
                    #expect(error.violations.map(\.field) == ["metadata.operator"])
                }
            }
        }
    }

    @Test("A Chinese name with a middle dot is an operator")
    func accepted() async throws {
        try await withTestServer { server in
            try await withClient(server.clientConfiguration(as: "province-37", operator: "阿依古丽·买买提")) { client in
                _ = try await client.unary(Methods.Provincial.listPendingSignups, .init())
            }
        }
    }
}
