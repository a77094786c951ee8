import Foundation

/// The audit row of a read that disclosed full ID numbers or phones (个人信息保护法: handling
/// sensitive personal information is recorded). One row per call (an export: per page it sends),
/// written in the same transaction as the read, before the answer leaves: it names the caller
/// with its `operator`, the method, the request id and which records (ids and count), never
/// the numbers themselves.
public enum DisclosureAudit {
    /// The `result` text every disclosure row starts with (for searching the log).
    public static let marker = "disclosed full id_number, phone"

    /// Appends the row when `records` is not empty (nothing disclosed, nothing to record).
    /// - Parameters:
    ///   - kind: what the records are, `application` or `registration`.
    ///   - records: the ids of the records whose numbers were shown in full.
    static func record(_ audit: AuditContext, kind: String, records: [String], tenant: String, at: Date, in store: any AuditStore) throws {
        guard !records.isEmpty else { return }
        let target = records.count == 1 ? "\(kind):\(records[0])" : "\(kind)s:\(records.count)"
        let result = "\(marker) of \(records.count) \(kind)\(records.count == 1 ? "" : "s"): \(records.joined(separator: ","))"
        try store.append(audit.entry(at: at, tenant: tenant, target: target, result: result))
    }
}
