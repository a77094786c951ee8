import Foundation

/// Files only their owner may read (0600), created exclusively, and the fsyncs that make a rename
/// durable. Backups and restored databases hold password hashes and full ID numbers.
enum PrivateFile {
    /// Creates an empty file at `path` with mode 0600; fails if anything is there already.
    static func create(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("cannot create", path) }
        close(fd)
    }

    /// Copies `source` to a new file `destination` (mode 0600, fsynced).
    static func copy(_ source: String, to destination: String) throws {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw failure("cannot read", source) }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw failure("cannot create", destination) }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw failure("cannot read", source) }
            if count == 0 { break }
            var written = 0
            while written < count {
                let n = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, count - written) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw failure("cannot write", destination) }
                written += n
            }
        }
        guard fsync(output) == 0 else { throw failure("cannot sync", destination) }
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
