import Foundation
import GRDB

/// `announcements` and `announcement_items` on SQLite.
struct SQLiteAnnouncementStore: AnnouncementStore {
    let db: Database

    func nextSequence(year: Int) throws -> Int {
        // Numbers are `YYYY-NNNN`, never deleted: the count of the year's is the last sequence.
        (try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM announcements WHERE number LIKE ?"), arguments: ["\(year)-%"]) ?? 0) + 1
    }

    func insert(_ a: StoredAnnouncement, items: [StoredAnnouncementItem]) throws {
        try SQLiteConflicts.mapping([("announcements.number", .uniqueAnnouncementNumber), ("announcement_items.application_id", .oneAnnouncementPerApplication)]) {
            try db.execute(sql: "INSERT INTO announcements (id, number, title, published_at, item_count) VALUES (?, ?, ?, ?, ?)",
                           arguments: [a.id, a.number, a.title, a.publishedAt, a.itemCount])
            let insert = try db.cachedStatement(sql: """
                INSERT INTO announcement_items (announcement_id, application_id, name, registration_number, enterprise_name, type, specialties)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            for item in items {
                try insert.execute(arguments: [a.id, item.applicationID, item.name, item.registrationNumber, item.enterpriseName, item.type.rawValue,
                                               item.specialties.joined(separator: ",")])
            }
        }
    }

    func announcement(number: String) throws -> (StoredAnnouncement, [StoredAnnouncementItem])? {
        guard let head = try Row.fetchOne(db, sql: "SELECT * FROM announcements WHERE number = ?", arguments: [number]).map(Self.announcement) else { return nil }
        let items = try Row.fetchAll(db, sql: "SELECT * FROM announcement_items WHERE announcement_id = ? ORDER BY registration_number", arguments: [head.id]).map {
            StoredAnnouncementItem(applicationID: $0["application_id"], name: $0["name"], registrationNumber: $0["registration_number"],
                                   enterpriseName: $0["enterprise_name"], type: RegistrationType(rawValue: $0["type"]) ?? .initial,
                                   specialties: ($0["specialties"] as String).split(separator: ",").map(String.init))
        }
        return (head, items)
    }

    func announcements(limit: Int) throws -> [StoredAnnouncement] {
        try Row.fetchAll(db, sql: "SELECT * FROM announcements ORDER BY published_at DESC, number DESC LIMIT ?", arguments: [limit]).map(Self.announcement)
    }

    static func announcement(_ row: Row) -> StoredAnnouncement {
        StoredAnnouncement(id: row["id"], number: row["number"], title: row["title"], publishedAt: row["published_at"], itemCount: row["item_count"])
    }
}
