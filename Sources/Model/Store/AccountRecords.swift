import Foundation
import GRDB

/// A row of `individuals`.
struct IndividualRecord: Codable, FetchableRecord, Sendable {
    var id: String
    var id_number: String
    var name: String
    var phone: String
    var password_hash: String
    var failed_logins: Int
    var locked_until: Double?
    var created_at: Double
}

/// A row of `sessions`.
struct SessionRecord: Codable, FetchableRecord, Sendable {
    var token_hash: Data
    var principal_kind: String
    var principal_id: String
    var enterprise_id: String?
    var is_admin: Int
    var created_at: Double
    var last_seen: Double
    var revoked: Int
    var password_change_required: Int
}
