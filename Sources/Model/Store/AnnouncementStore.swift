// The announcements table group: `announcements`, `announcement_items`. The engine
// implementations own the SQL (SQLite: Store/SQLite/).

/// The head of a published 公告.
public struct StoredAnnouncement: Sendable, Equatable {
    public var id: String
    /// `YYYY-NNNN`.
    public var number: String
    public var title: String
    public var publishedAt: Double
    public var itemCount: Int

    public init(id: String, number: String, title: String, publishedAt: Double, itemCount: Int) {
        self.id = id
        self.number = number
        self.title = title
        self.publishedAt = publishedAt
        self.itemCount = itemCount
    }
}

/// One approval a 公告 publishes, with the names as they were printed.
public struct StoredAnnouncementItem: Sendable, Equatable {
    public var applicationID: String
    public var name: String
    public var registrationNumber: String
    public var enterpriseName: String
    public var type: RegistrationType
    /// Specialty names as stored.
    public var specialties: [String]

    public init(applicationID: String, name: String, registrationNumber: String, enterpriseName: String, type: RegistrationType, specialties: [String]) {
        self.applicationID = applicationID
        self.name = name
        self.registrationNumber = registrationNumber
        self.enterpriseName = enterpriseName
        self.type = type
        self.specialties = specialties
    }
}

/// `announcements` and `announcement_items`: published once, never changed; anyone may read them.
///
/// Invariants every engine keeps: one announcement per number, an application in at most one
/// announcement (``StoreConflict``). ``nextSequence(year:)`` is a serial point like the
/// registration serials (an engine with concurrent writers locks the year).
public protocol AnnouncementStore {
    /// The sequence number the next 公告 of `year` takes (1, 2, …).
    func nextSequence(year: Int) throws -> Int
    func insert(_ announcement: StoredAnnouncement, items: [StoredAnnouncementItem]) throws
    /// The head and items (by registration number) of the announcement numbered `number`.
    func announcement(number: String) throws -> (StoredAnnouncement, [StoredAnnouncementItem])?
    /// Newest first, without their items.
    func announcements(limit: Int) throws -> [StoredAnnouncement]
}
