public import Proto

extension IndividualClient {
    public func attach(_ kind: Wire.Common.DocumentKind, content: [UInt8], to applicationID: String) async throws -> Wire.Common.ApplicationAttachment {
        try await client.unary(Methods.Individual.attachDocument, .init(applicationID: applicationID, kind: kind, content: content))
    }
}

/// Downloading an application's document: the same call for every tier; the method follows the
/// caller's tier.
extension Client {
    public enum Tier: Sendable { case individual, enterprise, province, ministry }

    public func applicationDocument(_ attachmentID: String, of applicationID: String, as tier: Tier) async throws -> Wire.Common.GetApplicationAttachmentResponse {
        let request = Wire.Common.GetApplicationAttachmentRequest(applicationID: applicationID, attachmentID: attachmentID)
        let method = switch tier {
        case .individual: Methods.Individual.getApplicationAttachment
        case .enterprise: Methods.Enterprise.getApplicationAttachment
        case .province: Methods.Provincial.getApplicationAttachment
        case .ministry: Methods.Ministry.getApplicationAttachment
        }
        return try await unary(method, request)
    }
}
