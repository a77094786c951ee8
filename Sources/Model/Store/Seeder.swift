public import Foundation
import Crypto
import GRDB

/// Builds a realistic data set for benchmarks: authenticated enterprises across the provinces,
/// each with an administrator; individuals with valid ID numbers; one application waiting for
/// its employer per person; and a `bench` enterprise (administrator `bench-admin`) with
/// `benchPending` applications waiting. Every account's password is `password`.
public enum Seeder {
    public struct Report: Sendable {
        public let enterprises: Int
        public let persons: Int
        public let applications: Int
        public let seconds: Double
    }

    /// Offline only: the server must not run on this database meanwhile.
    /// - Parameter benchMinistry: of the bench enterprise's people after the first `benchPending`,
    ///   this many have applications already forwarded to the ministry (for decision benchmarks).
    public static func seed(_ database: RegistryDatabase, persons: Int, enterprises: Int, benchPending: Int, benchMinistry: Int = 0, password: String,
                            progress: @Sendable (String) -> Void = { _ in }) throws -> Report {
        precondition(enterprises >= 1 && persons >= benchPending + benchMinistry)
        let started = Date()
        let hash = try PasswordHash.hash(password)
        let now = started.timeIntervalSince1970
        let provinces = Province.mainland.map(\.code)
        try database.pool.write { db in
            let existing = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM enterprises") ?? 0
            guard existing == 0 else { throw RegistryError.failedPrecondition(Text(.seedNeedsEmpty, "\(existing)")) }
            let enterprise = try db.makeStatement(sql: """
                INSERT INTO enterprises (id, credit_code, name, province_code, legal_representative, registered_address, phone, email,
                    status, auth_method, created_at, authenticated_at) VALUES (?, ?, ?, ?, '法人', '注册地址', '13700000000', 'it@example.cn',
                    'authenticated', 'on_site', ?, ?)
                """)
            let user = try db.makeStatement(sql: """
                INSERT INTO enterprise_users (id, enterprise_id, account, name, password_hash, is_admin, enabled, created_at) VALUES (?, ?, ?, '管理员', ?, 1, 1, ?)
                """)
            // Enterprise 0 is the bench enterprise.
            for e in 0..<enterprises {
                let province = provinces[e % provinces.count]
                let code = creditCode(index: e, province: province)
                let id = enterpriseID(e)
                try enterprise.execute(arguments: [id, code, e == 0 ? "基准测试建设有限公司" : "示范建设第\(e)有限公司", province, now, now])
                try user.execute(arguments: ["u" + id, id, e == 0 ? "bench-admin" : "admin\(e)", hash, now])
                if e % 20_000 == 0 { progress("enterprises \(e)/\(enterprises)") }
            }
            let person = try db.makeStatement(sql: """
                INSERT INTO individuals (id, id_number, name, phone, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """)
            let application = try db.makeStatement(sql: """
                INSERT INTO applications (id, individual_id, enterprise_id, province_code, type, specialties, qualification_certificate_no,
                    qualification_date, contract_start, contract_end, status, created_at, updated_at)
                VALUES (?, ?, ?, ?, '01', '建筑工程', ?, '2021-09-20', '2025-01-01', '2029-12-31', ?, ?, ?)
                """)
            let event = try db.makeStatement(sql: """
                INSERT INTO application_events (application_id, at, actor, action, to_status) VALUES (?, ?, ?, 'submitted', 'awaiting_enterprise')
                """)
            for p in 0..<persons {
                let id = String(format: "p%07d", p)
                try person.execute(arguments: [id, idNumber(index: p), "人员\(p)", String(format: "139%08d", p % 100_000_000), hash, now])
                // The first benchPending people apply to the bench enterprise; the rest spread over the others.
                let atMinistry = p >= benchPending && p < benchPending + benchMinistry
                let e = p < benchPending + benchMinistry || enterprises == 1 ? 0 : 1 + (p % (enterprises - 1))
                let app = String(format: "a%07d", p)
                let at = now + Double(p) / 1000
                try application.execute(arguments: [app, id, enterpriseID(e), provinces[e % provinces.count], String(format: "Q%08d", p),
                                                    atMinistry ? "awaiting_ministry" : "awaiting_enterprise", at, at])
                try event.execute(arguments: [app, at, "jzs:individual:\(id)"])
                if p % 100_000 == 0 { progress("persons \(p)/\(persons)") }
            }
            try AuditLog.append(AuditEntry(at: started, caller: "jzsd seed", tenant: "-", method: "seed", target: "database",
                                           result: "seeded \(enterprises) enterprises, \(persons) persons", requestID: "-"), in: db)
        }
        try database.pool.write { db in try db.execute(sql: "ANALYZE") }
        return Report(enterprises: enterprises, persons: persons, applications: persons, seconds: Date().timeIntervalSince(started))
    }

    static func enterpriseID(_ e: Int) -> String { String(format: "e%06d", e) }

    /// A valid GB 32100 code: 91 + province area + a 9-digit body + check character.
    static func creditCode(index: Int, province: UInt32) -> String {
        let body = "91\(province)0100" + String(format: "%09d", index)
        let alphabet = UnifiedSocialCreditCode.alphabet
        let sum = zip(body, UnifiedSocialCreditCode.weights).reduce(0) { $0 + UnifiedSocialCreditCode.values[$1.0]! * $1.1 }
        return body + String(alphabet[(31 - sum % 31) % 31])
    }

    /// A valid GB 11643 number, unique per index: Beijing Chaoyang area, birth 1970-1994, sequence.
    static func idNumber(index: Int) -> String {
        let day = index % 9000
        let sequence = index / 9000
        let birth = CalendarDate(year: 1970, month: 1, day: 1)!.adding(days: day)
        let body = "110105" + String(format: "%04d%02d%02d%03d", birth.year, birth.month, birth.day, sequence % 1000)
        let sum = zip(body.map { Int(String($0))! }, IDNumber.weights).reduce(0) { $0 + $1.0 * $1.1 }
        return body + String(IDNumber.checkCharacters[sum % 11])
    }
}
