internal import PostgresStore

/// What jzsd's operator commands read on PostgreSQL (their SQLite twins are in jzsd).
extension PostgresRegistryStore {
    /// The embedded SMS gateway's outbox, newest `last` messages (of one phone when given), oldest first.
    public func outbox(phone: String?, last: Int) async throws -> [(createdAt: Double, phone: String, text: String)] {
        try await pool.read { tx in
            try tx.query("""
                SELECT * FROM (SELECT id, phone, text, created_at FROM sms_outbox
                WHERE ($1::text IS NULL OR phone = $1) ORDER BY id DESC LIMIT $2) recent ORDER BY id
                """, phone, last).map { (try $0.decode(Double.self, "created_at"), try $0.decode(String.self, "phone"), try $0.decode(String.self, "text")) }
        }
    }
}
