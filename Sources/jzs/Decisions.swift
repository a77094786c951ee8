import Foundation

/// A decision as people type it: `approve`/`reject`, or 批准/同意/通过 and 不予注册/驳回/不批准.
enum Decisions {
    static func approve(_ typed: String) -> Bool? {
        switch typed.trimmingCharacters(in: .whitespaces).lowercased() {
        case "approve", "批准", "同意", "通过", "准予注册": true
        case "reject", "不予注册", "驳回", "不批准", "不同意": false
        default: nil
        }
    }
}
