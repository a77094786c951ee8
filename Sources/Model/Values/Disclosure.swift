/// How much of a person's ID number (身份证号) and mobile phone a caller sees: the one place
/// that decides it (DESIGN.md §4; 个人信息保护法 art. 28 counts ID numbers as sensitive).
///
/// The reviewers, a province (within its own province: the scope already bounds what it can
/// read) and the ministry, see the numbers in full, because checking identity is their job.
/// Everyone else, the applicant and the enterprise included, sees them masked. A full view is
/// only given together with an audit row (``DisclosureAudit``): a read path without an
/// ``AuditContext`` gets ``masked`` whoever calls.
public enum Disclosure: Sendable, Hashable {
    case masked
    case full

    /// The view `caller` gets when the read is audited.
    public init(for caller: Caller) {
        switch caller {
        case .province, .ministry: self = .full
        case .enterpriseUser, .individual, .anonymous: self = .masked
        }
    }

    /// The view `caller` gets on a read path with (or without) an audit context.
    public init(for caller: Caller, audited audit: AuditContext?) {
        self = audit == nil ? .masked : Disclosure(for: caller)
    }

    /// An ID number as this view shows it: always the masked form, the full one only for ``full``.
    public func idNumber(_ stored: String) -> DisclosedNumber {
        DisclosedNumber(masked: Self.maskIDNumber(stored), full: self == .full ? stored : nil)
    }

    /// A mobile phone as this view shows it (an empty phone stays empty).
    public func phone(_ stored: String) -> DisclosedNumber {
        guard !stored.isEmpty else { return DisclosedNumber(masked: "", full: nil) }
        return DisclosedNumber(masked: Self.maskPhone(stored), full: self == .full ? stored : nil)
    }

    /// `3701**********003X` (the form ``IDNumber/masked`` gives, for any stored text).
    static func maskIDNumber(_ text: String) -> String {
        let c = Array(text)
        guard c.count > 8 else { return String(repeating: "*", count: c.count) }
        return String(c.prefix(4)) + String(repeating: "*", count: c.count - 8) + String(c.suffix(4))
    }

    /// `138****5678` (the form ``MobileNumber/masked`` gives, for any stored text).
    static func maskPhone(_ text: String) -> String {
        let c = Array(text)
        guard c.count > 7 else { return String(repeating: "*", count: c.count) }
        return String(c.prefix(3)) + String(repeating: "*", count: c.count - 7) + String(c.suffix(4))
    }
}

/// A sensitive number as one caller sees it: the masked form always, the full one only when
/// ``Disclosure/full`` let it out (and an audit row says so).
public struct DisclosedNumber: Sendable, Hashable {
    public let masked: String
    /// nil unless disclosed in full.
    public let full: String?

    public init(masked: String, full: String?) {
        self.masked = masked
        self.full = full
    }
}
