import Foundation

/// Files only their owner may read (0600), created exclusively; renames that replace nothing; the
/// fsync that makes a rename durable. Backups and restored databases hold password hashes and
/// full ID numbers.
enum PrivateFile {
    /// Creates an empty file at `path` with mode 0600; fails if anything is there already.
    static func create(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("cannot create", path) }
        close(fd)
    }

    /// Renames `source` to `destination`, replacing nothing: fails if `destination` exists.
    static func moveWithoutReplacing(_ source: String, to destination: String) throws {
        // link(2) fails atomically when the name is taken; rename(2) would replace it.
        guard link(source, destination) == 0 else { throw failure("cannot create", destination) }
        unlink(source)
    }

    /// Renames `source` to `destination`, replacing it if it exists.
    static func move(_ source: String, to destination: String) throws {
        guard rename(source, destination) == 0 else { throw failure("cannot rename \(source) to", destination) }
    }

    /// Makes the renames in `path`'s directory durable.
    static func syncDirectory(of path: String) {
        let fd = open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    private static func failure(_ what: String, _ path: String) -> ValidationFailure {
        ValidationFailure("\(what) \(path): \(String(cString: strerror(errno)))")
    }
}
