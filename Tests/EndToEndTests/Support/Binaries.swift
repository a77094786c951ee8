import Foundation

/// Where the tests find the built `jzs` and `jzsd`: `$JZS_BIN_DIR` when set (sanitizer runs build
/// into their own scratch path, e.g. `.build-asan/release`), else the ordinary `.build/debug`.
enum Binaries {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var directory: URL {
        if let dir = ProcessInfo.processInfo.environment["JZS_BIN_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir, relativeTo: repository).standardizedFileURL
        }
        return repository.appendingPathComponent(".build/debug")
    }
}
