import Foundation
import Model

/// What `jzsd serve` checks before it opens the database: that SQLite finds the file sound.
///
/// `PRAGMA quick_check` reads every page and walks every b-tree, but does not match index
/// entries to their rows; on the seeded benchmark database it costs a fraction of
/// `integrity_check` (figures in the commit introducing it), so it runs at every start.
/// It opens the file read-only and closes it before the server's own connections open.
enum StartupCheck {
    /// - Throws: ``ValidationFailure`` naming the file and the way out (`jzsd restore`).
    static func requireSoundDatabase(_ data: DataDirectory) throws {
        let path = data.database.path
        guard PrivateFile.exists(path) else { return }   // a new database is created on open
        let report = try DatabaseCheck.run(path: path, depth: .quick)
        guard report.problems.isEmpty else {
            throw ValidationFailure("""
                the database \(path) is damaged (\(report.problems.prefix(2).joined(separator: "; "))), so jzsd will not serve it: \
                stop here, keep the file, and restore the last good backup with `jzsd restore --data \(data.root.path) --from BACKUP-FILE` \
                (it keeps the damaged file aside)
                """)
        }
    }
}
