package import CProto
internal import Crypto
internal import Foundation
internal import Model
internal import NIOCore
internal import Proto

/// Decoding, re-encoding and validation of the request message of any method of the contract.
///
/// Input: one byte that selects a method (its index in ``MethodTable/methods``, modulo their
/// number), then the request bytes. They are decoded with the method's request codec, as the
/// router does (`MessageCodec.decode`, i.e. `ProtobufCBacked.init(buffer:)`); what decodes is
/// encoded again and decoded again, and must come back equal, with equal bytes on a second
/// encoding (the fuzzer reports any difference as a crash). Then the public wire→domain
/// mappings and domain value checks of Model and Crypto run on it (``RequestChecks``).
public func fuzzMessages(_ bytes: UnsafeRawBufferPointer) {
    guard let selector = bytes.first else { return }
    let methods = MethodTable.methods
    let method = methods[Int(selector) % methods.count]
    method.check(UnsafeRawBufferPointer(rebasing: bytes.dropFirst()))
}

/// One method of the contract, reduced to what the messages target needs of it.
package struct FuzzMethod: Sendable {
    /// Full method name, e.g. `/jzs.public.v1.Public/Health`.
    package let path: String
    /// The protobuf-c descriptor of the request type (for seeds).
    package let requestDescriptor: @Sendable () -> UnsafePointer<ProtobufCMessageDescriptor>
    /// Decode, round trip and validate request bytes; traps on a round-trip mismatch.
    package let check: @Sendable (UnsafeRawBufferPointer) -> Void

    init<Request: ProtobufCBacked, Response>(_ method: UnaryMethod<Request, Response>) {
        self.init(path: method.path, codec: method.request)
    }

    init<Request: ProtobufCBacked, Response>(_ method: ServerStreamingMethod<Request, Response>) {
        self.init(path: method.path, codec: method.request)
    }

    private init<Request: ProtobufCBacked>(path: String, codec: MessageCodec<Request>) {
        self.path = path
        requestDescriptor = { Request.cDescriptor }
        check = { bytes in
            let input = ByteBuffer(bytes: bytes)
            let decoded: Request
            do { decoded = try codec.decode(input) } catch { return }  // refused: the server answers INVALID_ARGUMENT
            var encoded = ByteBuffer()
            codec.encode(decoded, &encoded)
            let again: Request
            do {
                again = try codec.decode(encoded)
            } catch WireError.tooLarge where encoded.readableBytes < bytes.count {
                // The allocation budget is proportional to the input size; the re-encoding drops
                // unknown fields and padding and may be refused for that reason alone.
                return
            } catch {
                fatalError("\(path): the re-encoding of a decoded request does not decode: \(error)\n input: \(hex(bytes))\n encoded: \(hex(encoded))")
            }
            guard again == decoded else {
                fatalError("\(path): decode(encode(m)) != m\n input: \(hex(bytes))\n m: \(decoded)\n decode(encode(m)): \(again)")
            }
            var reencoded = ByteBuffer()
            codec.encode(again, &reencoded)
            guard reencoded == encoded else {
                fatalError("\(path): encoding is not stable\n input: \(hex(bytes))\n first: \(hex(encoded))\n second: \(hex(reencoded))")
            }
            RequestChecks.run(decoded)
        }
    }
}

/// Every method of the contract, in the order of the generated `ServiceCatalog`.
///
/// The typed methods (`Methods.*`) are generated as separate static members, with no list of
/// them, so they are listed here once; `FuzzRegressionTests` fails when this list and
/// `ServiceCatalog` differ (a method added to the contract and not here, or the reverse).
package enum MethodTable {
    package static let methods: [FuzzMethod] = {
        let byPath = Dictionary(all.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        // Catalogue order: a method's index, so the corpus, moves only when the contract does.
        return ServiceCatalog.services.flatMap(\.methods).compactMap { byPath[$0.path] }
    }()

    /// Paths in the catalogue without an entry here, and entries not in the catalogue.
    package static var mismatches: (missing: [String], extra: [String]) {
        let listed = Set(all.map(\.path))
        let catalogue = Set(ServiceCatalog.services.flatMap(\.methods).map(\.path))
        return (catalogue.subtracting(listed).sorted(), listed.subtracting(catalogue).sorted())
    }

    static let all: [FuzzMethod] = [
        .init(Methods.Enterprise.startSignup),
        .init(Methods.Enterprise.readIdentityLock),
        .init(Methods.Enterprise.getSignup),
        .init(Methods.Enterprise.updateSignupInfo),
        .init(Methods.Enterprise.uploadSignupAttachment),
        .init(Methods.Enterprise.setSignupAdministrator),
        .init(Methods.Enterprise.bindSignupContact),
        .init(Methods.Enterprise.getLockChallenge),
        .init(Methods.Enterprise.authenticateWithLock),
        .init(Methods.Enterprise.requestOnSiteAuthentication),
        .init(Methods.Enterprise.login),
        .init(Methods.Enterprise.logout),
        .init(Methods.Enterprise.getHome),
        .init(Methods.Enterprise.listApplications),
        .init(Methods.Enterprise.getApplication),
        .init(Methods.Enterprise.reportApplication),
        .init(Methods.Enterprise.batchReportApplications),
        .init(Methods.Enterprise.returnApplication),
        .init(Methods.Enterprise.getEnterpriseInfo),
        .init(Methods.Enterprise.getAttachment),
        .init(Methods.Enterprise.updateEnterpriseInfo),
        .init(Methods.Enterprise.attachToEnterpriseChange),
        .init(Methods.Enterprise.listRegisteredStaff),
        .init(Methods.Enterprise.getRegisteredStaff),
        .init(Methods.Enterprise.listUsers),
        .init(Methods.Enterprise.addUser),
        .init(Methods.Enterprise.updateUser),
        .init(Methods.Enterprise.removeUser),
        .init(Methods.Enterprise.changePassword),
        .init(Methods.Enterprise.requestPasswordReset),
        .init(Methods.Enterprise.resetPassword),
        .init(Methods.Enterprise.getApplicationAttachment),
        .init(Methods.Individual.createAccount),
        .init(Methods.Individual.login),
        .init(Methods.Individual.requestPasswordReset),
        .init(Methods.Individual.resetPassword),
        .init(Methods.Individual.logout),
        .init(Methods.Individual.getProfile),
        .init(Methods.Individual.changePassword),
        .init(Methods.Individual.submitApplication),
        .init(Methods.Individual.listApplications),
        .init(Methods.Individual.getApplication),
        .init(Methods.Individual.withdrawApplication),
        .init(Methods.Individual.resubmitApplication),
        .init(Methods.Individual.downloadCertificate),
        .init(Methods.Individual.attachDocument),
        .init(Methods.Individual.getApplicationAttachment),
        .init(Methods.Ministry.listApplications),
        .init(Methods.Ministry.exportApplications),
        .init(Methods.Ministry.getApplication),
        .init(Methods.Ministry.decideApplications),
        .init(Methods.Ministry.announce),
        .init(Methods.Ministry.getStatistics),
        .init(Methods.Ministry.issueCertificate),
        .init(Methods.Ministry.downloadCertificate),
        .init(Methods.Ministry.revokeCertificate),
        .init(Methods.Ministry.getApplicationAttachment),
        .init(Methods.Provincial.listPendingSignups),
        .init(Methods.Provincial.authenticateSignup),
        .init(Methods.Provincial.returnSignup),
        .init(Methods.Provincial.lookupAdministratorAccount),
        .init(Methods.Provincial.resetAdministratorPassword),
        .init(Methods.Provincial.reassignIndividualAccount),
        .init(Methods.Provincial.listEnterpriseChanges),
        .init(Methods.Provincial.decideEnterpriseChange),
        .init(Methods.Provincial.getSignupAttachment),
        .init(Methods.Provincial.getEnterpriseChangeAttachment),
        .init(Methods.Provincial.getEnterpriseInfo),
        .init(Methods.Provincial.listApplications),
        .init(Methods.Provincial.exportApplications),
        .init(Methods.Provincial.getApplication),
        .init(Methods.Provincial.acceptApplication),
        .init(Methods.Provincial.returnApplication),
        .init(Methods.Provincial.refuseApplication),
        .init(Methods.Provincial.getStatistics),
        .init(Methods.Provincial.getApplicationAttachment),
        .init(Methods.Public.health),
        .init(Methods.Public.serverInfo),
        .init(Methods.Public.listServices),
        .init(Methods.Public.echo),
        .init(Methods.Public.echoStream),
        .init(Methods.Public.whoAmI),
        .init(Methods.Public.sendSmsCode),
        .init(Methods.Public.listAnnouncements),
        .init(Methods.Public.getAnnouncement),
        .init(Methods.Public.verifyCertificate),
        .init(Methods.Public.getSigningKey),
    ]
}

/// The request checks that need no database: the public wire→domain mappings of Proto, the value
/// types of Model (`init(validating:)`) and certificate parsing of Crypto.
///
/// The domain rules of a whole request (`Applications.validate`, `EnterpriseSignup.validate`)
/// are internal to Model and not reachable from here. Values are found by walking the decoded
/// message with `Mirror`, so nested messages of any request are covered without a per-message
/// list; a field is checked by its Swift name.
enum RequestChecks {
    static func run(_ message: Any) {
        visit(message, label: nil, depth: 0)
    }

    private static func visit(_ value: Any, label: String?, depth: Int) {
        guard depth < 16 else { return }
        mapped(value)
        if let text = value as? String, let label {
            checkString(text, field: label)
            return
        }
        if value is [UInt8] { return }  // bytes fields: nothing to validate, costly to mirror
        let mirror = Mirror(reflecting: value)
        // Array elements and Optional payloads keep the label of their field.
        let keepsLabel = mirror.displayStyle == .optional || mirror.displayStyle == .collection
        for child in mirror.children {
            visit(child.value, label: keepsLabel ? label : child.label ?? label, depth: depth + 1)
        }
    }

    /// Wire messages that have a public mapping to a domain value.
    private static func mapped(_ value: Any) {
        switch value {
        case let query as Wire.Common.ApplicationQuery:
            _ = try? ApplicationFilter(query)
            _ = try? ApplicationFilter(query, defaultStatuses: [.awaitingProvince])
            _ = query.statuses.map(\.domain)
            _ = query.submittedFrom?.date
            _ = query.submittedUntil?.date
        case let draft as Wire.Common.ApplicationDraft:
            _ = ApplicationDraft(draft)
        case let info as Wire.Enterprise.EnterpriseBasicInfo:
            _ = EnterpriseBasicInfo(info)
        case let request as Wire.Enterprise.UpdateEnterpriseInfoRequest:
            _ = try? enterpriseFieldChanges(request.changes)
        case let status as Wire.Common.ApplicationStatus:
            _ = status.domain
        case let type as Wire.Common.RegistrationType:
            _ = type.domain
        default:
            break
        }
    }

    private static func checkString(_ text: String, field: String) {
        let name = field.lowercased()
        if name.hasSuffix("creditcode") {
            if let code = try? UnifiedSocialCreditCode(validating: text) { _ = (code.provinceCode, code.description) }
        }
        if name == "idnumber" {
            if let id = try? IDNumber(validating: text) { _ = (id.birthDate, id.isMale, id.masked, id.description) }
        }
        if name.hasSuffix("phone") {
            if let phone = try? MobileNumber(validating: text) { _ = (phone.masked, phone.description) }
        }
        if name == "email" { _ = try? EmailAddress(validating: text) }
        if name == "postcode" { _ = try? Postcode(validating: text) }
        if name.hasSuffix("account") { _ = try? AccountName(validating: text) }
        if name == "name" || name.hasSuffix("holdername") || name.hasSuffix("applicantname") { _ = try? PersonName(validating: text) }
        if name.hasSuffix("password") || name == "passwordagain" { _ = try? NewPassword(validating: text, account: "fuzzadmin") }
        if name == "specialties" || name == "specialty" { _ = Specialty(rawValue: text) }
        if name.hasSuffix("pem"), text.utf8.count <= 64 * 1024, let certificate = try? Certificate(pem: text) {
            _ = (certificate.subject, certificate.uris, certificate.serialHex, certificate.notAfter)
        }
    }
}

func hex(_ bytes: UnsafeRawBufferPointer) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

func hex(_ buffer: ByteBuffer) -> String {
    buffer.withUnsafeReadableBytes { hex($0) }
}
