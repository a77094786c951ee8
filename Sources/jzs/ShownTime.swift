import Foundation
import Model

/// Times as people read them here: China Standard Time (Asia/Shanghai), `yyyy-MM-dd HH:mm`
/// (with seconds where they matter). `--json` keeps ISO 8601 with its offset (``iso(_:)``).
enum ShownTime {
    static var zone: TimeZone { ChinaTime.zone }

    static func text(_ date: Date, seconds: Bool = false) -> String {
        seconds ? ChinaTime.seconds(date) : ChinaTime.minutes(date)
    }

    /// ISO 8601 with offset, for `--json` (as before: UTC, `Z`).
    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}
