import GRDB

/// A consistent copy of a live database, taken with SQLite's online backup API.
///
/// The source is opened read-only, so the copy may be taken beside a running server without
/// becoming a second writer (DESIGN.md §6: the server's one connection does every write and
/// checkpoint): a read-only connection never writes or checkpoints the source. The whole copy is
/// one backup step, so it is one read transaction and one snapshot: writes committed during the
/// copy are not in it, and they never make it restart.
public enum DatabaseBackup {
    /// Copies the database at `source` into the (new, empty) file at `destination`.
    ///
    /// The copy is left in rollback-journal mode, one self-contained file without `-wal` or
    /// `-shm` beside it; `jzsd serve` turns WAL on again when it opens a restored copy.
    /// - Throws: `DatabaseError` when the source cannot be read or the copy cannot be written.
    public static func copy(from source: String, to destination: String) throws {
        let reader = try RegistryDatabase.readOnly(path: source)
        defer { try? reader.close() }
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let copy = try DatabaseQueue(path: destination, configuration: configuration)
        defer { try? copy.close() }
        try copy.writeWithoutTransaction { copyDB in
            try reader.read { sourceDB in
                try sourceDB.backup(to: copyDB)   // one step: all pages, one snapshot
            }
            // Page 1 came from a WAL database and says so; make the copy one plain file.
            try copyDB.execute(sql: "PRAGMA journal_mode = DELETE")
        }
    }
}
