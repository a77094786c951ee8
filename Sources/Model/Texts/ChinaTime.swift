public import Foundation

/// Times as people in China read them: Beijing time (Asia/Shanghai, UTC+8, no daylight saving).
public enum ChinaTime {
    public static let zone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!

    /// `2026-11-29 14:20` in Beijing time.
    public static func minutes(_ date: Date) -> String { format(date, "yyyy-MM-dd HH:mm") }

    /// `2026-11-29 14:20:05` in Beijing time.
    public static func seconds(_ date: Date) -> String { format(date, "yyyy-MM-dd HH:mm:ss") }

    /// `2026-11-29` in Beijing time.
    public static func day(_ date: Date) -> String { format(date, "yyyy-MM-dd") }

    static func format(_ date: Date, _ pattern: String) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = zone
        f.dateFormat = pattern
        return f.string(from: date)
    }
}
