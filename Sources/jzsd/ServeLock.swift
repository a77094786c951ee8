import Foundation

/// `DIR/jzsd.lock`: held with flock(2) by the process that owns the database of a data directory
/// (`jzsd serve`, `jzsd restore`), so that a restore never runs under a server and two servers
/// never write one file (DESIGN.md §6).
///
/// The file is created 0600 and holds "PID COMMAND" of its holder, for the refusal message. It is
/// never deleted (deleting a flock file races with the next taker); the lock itself ends with the
/// holder's process, also when that process is killed.
enum ServeLock {
    static func url(in data: DataDirectory) -> URL { data.root.appendingPathComponent("jzsd.lock") }

    /// Takes the lock for the rest of this process's life.
    /// - Parameter busy: the message to fail with, given who holds the lock ("pid 123, serve").
    /// - Throws: ``ValidationFailure`` with `busy`'s message, or when the file cannot be opened.
    static func hold(in data: DataDirectory, by command: String, busy: (String) -> String) throws {
        let path = url(in: data).path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ValidationFailure("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                .split(separator: " ", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? []
            close(fd)
            throw ValidationFailure(busy(holder.count == 2 ? "pid \(holder[0]), \(holder[1])" : "another process"))
        }
        let holder = Array("\(getpid()) \(command)\n".utf8)
        _ = ftruncate(fd, 0)
        _ = holder.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        // The descriptor stays open on purpose: the lock lasts as long as this process.
    }
}
