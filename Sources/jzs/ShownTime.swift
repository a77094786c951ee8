import Foundation

/// Times as people read them here: China Standard Time (Asia/Shanghai), `yyyy-MM-dd HH:mm`
/// (with seconds where they matter). `--json` keeps ISO 8601 with its offset (``iso(_:)``).
enum ShownTime {
    static let zone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!

    static func text(_ date: Date, seconds: Bool = false) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = zone
        f.dateFormat = seconds ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm"
        return f.string(from: date)
    }

    /// ISO 8601 with offset, for `--json` (as before: UTC, `Z`).
    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}
