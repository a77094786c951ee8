import Foundation
import Model
import Proto
import RPCClient
import RPCServer
import Testing

@Suite("Individual tier over TLS")
struct IndividualTests {
    /// Sends a code, creates the account, logs in; returns the session token.
    func signUp(_ server: TestServer, idNumber: String = "11010519491231002X", phone: String = "13800138000") async throws -> String {
        try await withClient(server.clientConfiguration()) { client in
            _ = try await client.individual.sendRegistrationCode(phone: phone)
            let code = try await server.lastSMSCode(phone)
            _ = try await client.individual.createAccount(.init(idNumber: idNumber, name: "李四", phone: phone,
                                                                password: "Good-Pass1", passwordAgain: "Good-Pass1", smsCode: code))
            return try await client.individual.login(idNumber: idNumber, password: "Good-Pass1").sessionToken
        }
    }

    @Test("Create an account, log in, read the profile, log out")
    func accountFlow() async throws {
        try await withTestServer { server in
            let token = try await signUp(server)
            try await withClient(server.clientConfiguration(session: token)) { client in
                let profile = try await client.individual.profile()
                #expect(profile.name == "李四")
                #expect(profile.idNumberMasked == "1101**********002X")
                #expect(profile.phoneMasked == "138****8000")
                let me = try await client.public.whoAmI()
                #expect(me.kind == .individual)
                try await client.individual.logout()
                let after = await rpcError { _ = try await client.individual.profile() }
                #expect(after?.code == .unauthenticated)
            }
        }
    }

    @Test("Bad input names every wrong field")
    func violations() async throws {
        try await withTestServer { server in
            try await withClient(server.clientConfiguration()) { client in
                let error = await rpcError {
                    _ = try await client.individual.createAccount(.init(idNumber: "110105194912310021", name: "", phone: "123",
                                                                        password: "short", passwordAgain: "other", smsCode: "x"))
                }
                #expect(error?.code == .invalidArgument)
                #expect(error?.violations.map(\.field) == ["id_number", "name", "phone", "password", "password_again", "sms_code"])
                let sms = await rpcError { _ = try await client.unary(Methods.Public.sendSmsCode, .init(phone: "13800138000", purpose: .unspecified)) }
                #expect(sms?.violations.map(\.field) == ["purpose"])
            }
        }
    }

    @Test("Individual methods refuse callers without the right session", arguments: ["none", "garbage", "province", "expired"])
    func isolation(_ who: String) async throws {
        let clock = TestClockE2E()
        try await withTestServer(now: { clock.now }) { server in
            let token = try await signUp(server)
            let configuration: ClientConfiguration
            switch who {
            case "none": configuration = server.clientConfiguration()
            case "garbage": configuration = server.clientConfiguration(session: String(repeating: "ab", count: 32))
            case "province": configuration = server.clientConfiguration(as: "province-37")
            default:
                clock.advance(31 * 60)
                configuration = server.clientConfiguration(session: token)
            }
            try await withClient(configuration) { client in
                let error = await rpcError { _ = try await client.individual.profile() }
                let expected: StatusCode = who == "province" ? .permissionDenied : .unauthenticated
                #expect(error?.code == expected)
                let change = await rpcError { try await client.individual.changePassword(old: "Good-Pass1", new: "Other-Pass2") }
                #expect(change?.code == expected)
            }
        }
    }

    @Test("Each individual sees only their own account")
    func twoIndividuals() async throws {
        try await withTestServer { server in
            let a = try await signUp(server)
            let b = try await signUp(server, idNumber: "11010519491231003X".validID, phone: "13900139000")
            let nameA = try await withClient(server.clientConfiguration(session: a)) { try await $0.individual.profile() }
            let nameB = try await withClient(server.clientConfiguration(session: b)) { try await $0.individual.profile() }
            #expect(nameA.individualID != nameB.individualID)
            #expect(nameA.idNumberMasked.hasSuffix("002X"))
            #expect(nameB.phoneMasked == "139****9000")
        }
    }
}

import Synchronization

final class TestClockE2E: Sendable {
    private let value = Mutex(Date())
    var now: Date { value.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { value.withLock { $0 += seconds } }
}

extension String {
    /// Fixes the check character of an 18-character ID number.
    var validID: String {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(prefix(17).map { Int(String($0))! }, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return String(prefix(17)) + String(Array("10X98765432")[sum % 11])
    }
}

@Suite("Squatted individual accounts")
struct ReassignAccountTests {
    @Test("A province gives a squatted account to its owner: new name, phone and password; the squatter's session ends; audited")
    func reassign() async throws {
        try await withTestServer { server in
            // Given someone registered the owner's ID number under another name
            let squatter = try await withClient(server.clientConfiguration()) { client in
                _ = try await client.individual.sendRegistrationCode(phone: "13800138000")
                _ = try await client.individual.createAccount(.init(idNumber: "11010519491231002X", name: "冒用者", phone: "13800138000",
                                                                    password: "Good-Pass1", passwordAgain: "Good-Pass1",
                                                                    smsCode: try await server.lastSMSCode("13800138000")))
                return try await client.individual.login(idNumber: "11010519491231002X", password: "Good-Pass1").sessionToken
            }
            // When province 37 checks the owner in person and reassigns it (operator required)
            let refused = await rpcError {
                _ = try await withClient(server.clientConfiguration(as: "province-37")) {
                    try await $0.provincial.reassignIndividualAccount(idNumber: "11010519491231002X", name: "张三", phone: "13900139000", verification: "身份证原件核验")
                }
            }
            #expect(refused?.code == .invalidArgument)
            let temporary = try await withClient(server.clientConfiguration(as: "province-37", operator: "审核员李")) {
                try await $0.provincial.reassignIndividualAccount(idNumber: "11010519491231002X", name: "张三", phone: "13900139000", verification: "身份证原件核验")
            }
            // Then the squatter's session and password no longer work, the owner's temporary one does
            #expect(await rpcError { _ = try await withClient(server.clientConfiguration(session: squatter)) { try await $0.individual.profile() } }?.code == .unauthenticated)
            try await withClient(server.clientConfiguration()) { client in
                #expect(await rpcError { _ = try await client.individual.login(idNumber: "11010519491231002X", password: "Good-Pass1") }?.code == .unauthenticated)
                // A temporary password: the session may only change it.
                let first = try await client.individual.login(idNumber: "11010519491231002X", password: temporary)
                #expect(first.passwordChangeRequired)
                try await withClient(server.clientConfiguration(session: first.sessionToken)) { owner in
                    #expect(await rpcError { _ = try await owner.individual.profile() }?.messageCode == TextCode.mustChangePassword.rawValue)
                    try await owner.individual.changePassword(old: temporary, new: "Owner-Pass9")
                }
                let owner = try await client.individual.login(idNumber: "11010519491231002X", password: "Owner-Pass9")
                #expect(!owner.passwordChangeRequired)
                let profile = try await withClient(server.clientConfiguration(session: owner.sessionToken)) { try await $0.individual.profile() }
                #expect(profile.name == "张三")
            }
            let audited = try await server.strings("SELECT caller || ' ' || result FROM audit_log WHERE result LIKE 'account reassigned%'")
            #expect(audited.count == 1)
            #expect(audited.first?.contains("operator=审核员李") == true)
            #expect(audited.first?.contains("身份证原件核验") == true)
        }
    }
}

@Suite("Individual password recovery")
struct IndividualPasswordResetTests {
    @Test("A forgotten password is reset by an SMS code to the bound phone; unknown ID numbers get the same answers; old sessions end")
    func resetBySMS() async throws {
        let clock = TestClockE2E()
        try await withTestServer(now: { clock.now }) { server in
            try await withClient(server.clientConfiguration()) { client in
                _ = try await client.individual.sendRegistrationCode(phone: "13800138000")
                _ = try await client.individual.createAccount(.init(idNumber: "11010519491231002X", name: "张三", phone: "13800138000",
                                                                    password: "Good-Pass1", passwordAgain: "Good-Pass1",
                                                                    smsCode: try await server.lastSMSCode("13800138000")))
                let old = try await client.individual.login(idNumber: "11010519491231002X", password: "Good-Pass1").sessionToken
                // An unknown ID number answers exactly like a known one (no probing), and sends nothing.
                try await client.individual.requestPasswordReset(idNumber: "110105199003070011".validID)
                let unknown = await rpcError { try await client.individual.resetPassword(idNumber: "110105199003070011".validID, smsCode: "123456", newPassword: "New-Pass99") }
                clock.advance(61)  // one SMS code per phone a minute
                try await client.individual.requestPasswordReset(idNumber: "11010519491231002X")
                let wrong = await rpcError { try await client.individual.resetPassword(idNumber: "11010519491231002X", smsCode: "000000", newPassword: "New-Pass99") }
                #expect(unknown == wrong)
                #expect(wrong?.violations.map(\.code) == [TextCode.smsWrongOrExpired.rawValue])
                let code = try await server.lastSMSCode("13800138000")
                try await client.individual.resetPassword(idNumber: "11010519491231002X", smsCode: code, newPassword: "New-Pass99")
                #expect(await rpcError { _ = try await withClient(server.clientConfiguration(session: old)) { try await $0.individual.profile() } }?.code == .unauthenticated)
                #expect(await rpcError { _ = try await client.individual.login(idNumber: "11010519491231002X", password: "Good-Pass1") }?.code == .unauthenticated)
                let fresh = try await client.individual.login(idNumber: "11010519491231002X", password: "New-Pass99")
                #expect(!fresh.passwordChangeRequired)
                // The code is used up.
                #expect(await rpcError { try await client.individual.resetPassword(idNumber: "11010519491231002X", smsCode: code, newPassword: "Other-Pass9") }?.code == .invalidArgument)
            }
        }
    }
}
