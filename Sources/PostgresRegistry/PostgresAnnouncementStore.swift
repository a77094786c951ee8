public import Model
internal import PostgresStore

/// `announcements` and `announcement_items` on PostgreSQL, statement by statement as
/// ``SQLiteAnnouncementStore``.
///
/// Serialisation: a 公告 number is the count of the year's numbers plus one, read before the
/// insert. ``nextSequence(year:)`` first takes a transaction advisory lock on the year (held
/// until the unit of work ends; allowed in read-only units too), so two nodes announcing at
/// once take turns and the second counts the first's committed 公告. `announcements.number`
/// UNIQUE stays the last guard.
struct PostgresAnnouncementStore: AnnouncementStore {
    let tx: PGTransaction

    func nextSequence(year: Int) throws -> Int {
        _ = try tx.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", "jzs-announcement\u{1F}\(year)")
        // Numbers are `YYYY-NNNN`, never deleted: the count of the year's is the last sequence.
        return (try tx.queryOne("SELECT COUNT(*) FROM announcements WHERE number LIKE $1", "\(year)-%")?.decode(Int.self, at: 0) ?? 0) + 1
    }

    func insert(_ a: StoredAnnouncement, items: [StoredAnnouncementItem]) throws {
        try PostgresConflicts.mapping(["announcements_number_key": .uniqueAnnouncementNumber,
                                       "announcement_items_application_id_key": .oneAnnouncementPerApplication]) {
            try tx.execute("INSERT INTO announcements (id, number, title, published_at, item_count) VALUES ($1, $2, $3, $4, $5)",
                           a.id, a.number, a.title, a.publishedAt, a.itemCount)
            for item in items {
                try tx.execute("""
                    INSERT INTO announcement_items (announcement_id, application_id, name, registration_number, enterprise_name, type, specialties)
                    VALUES ($1, $2, $3, $4, $5, $6, $7)
                    """, a.id, item.applicationID, item.name, item.registrationNumber, item.enterpriseName, item.type.rawValue,
                               item.specialties.joined(separator: ","))
            }
        }
    }

    func announcement(number: String) throws -> (StoredAnnouncement, [StoredAnnouncementItem])? {
        guard let head = try tx.queryOne("SELECT * FROM announcements WHERE number = $1", number).map(Self.announcement) else { return nil }
        let items = try tx.query("SELECT * FROM announcement_items WHERE announcement_id = $1 ORDER BY registration_number", head.id).map {
            StoredAnnouncementItem(applicationID: try $0.decode("application_id"), name: try $0.decode("name"),
                                   registrationNumber: try $0.decode("registration_number"), enterpriseName: try $0.decode("enterprise_name"),
                                   type: RegistrationType(rawValue: try $0.decode("type")) ?? .initial,
                                   specialties: try $0.decode(String.self, "specialties").split(separator: ",").map(String.init))
        }
        return (head, items)
    }

    func announcements(limit: Int) throws -> [StoredAnnouncement] {
        try tx.query("SELECT * FROM announcements ORDER BY published_at DESC, number DESC LIMIT $1", limit).map(Self.announcement)
    }

    static func announcement(_ row: PGRow) throws -> StoredAnnouncement {
        StoredAnnouncement(id: try row.decode("id"), number: try row.decode("number"), title: try row.decode("title"),
                           publishedAt: try row.decode("published_at"), itemCount: try row.decode("item_count"))
    }
}
