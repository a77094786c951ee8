public import Foundation

/// A child process started with `posix_spawn`, every descriptor above stderr closed in the child,
/// and reaped with `waitpid` by whoever waits for it — never Foundation's `Process`.
///
/// Why not `Process`: it learns that a child exited when the child's end of a socket pair closes.
/// Every other child started meanwhile inherits that end (it is not close-on-exec), so a
/// long-running child (a `jzsd serve`, a postmaster) keeps another child's exit unseen: that one
/// stays a zombie and `waitUntilExit()` never returns. With tests running in parallel on a
/// cooperative pool of two threads, two such waits stalled the whole suite (CI, ASan run).
public final class Spawned: @unchecked Sendable {
    // @unchecked: `pid` is immutable; `termination` is guarded by `lock`.
    public let pid: pid_t
    private let lock = NSLock()
    private var termination: Termination?

    /// How a child ended.
    public struct Termination: Sendable, Equatable {
        /// The exit status, or the signal's number when ``signaled``.
        public let status: Int32
        public let signaled: Bool
        /// The shell's convention: the exit status, or 128 + the signal.
        public var code: Int32 { signaled ? 128 + status : status }
    }

    /// Where one of the child's standard descriptors goes.
    public enum Redirect: Sendable {
        case null
        /// A file, created if missing (mode 0600), truncated unless `append`.
        case file(String, append: Bool = false)
        /// A descriptor of ours (e.g. one end of a pipe), duplicated onto the child's.
        case descriptor(Int32)
        /// Wherever the child's stdout goes (for stderr).
        case stdout
    }

    public struct Failure: Error, CustomStringConvertible {
        public let what: String
        public let code: Int32
        public var description: String { "\(what): \(String(cString: strerror(code)))" }
    }

    private init(pid: pid_t) { self.pid = pid }

    /// Starts `executable` with `arguments`; `environment` replaces ours when given.
    public static func start(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                             stdin: Redirect = .null, stdout: Redirect = .null, stderr: Redirect = .null) throws -> Spawned {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, redirect) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            switch redirect {
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case .file(let path, let append):
                posix_spawn_file_actions_addopen(&actions, target, path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0o600)
            case .descriptor(let fd):
                posix_spawn_file_actions_adddup2(&actions, fd, target)
            case .stdout:
                posix_spawn_file_actions_adddup2(&actions, 1, target)
            }
        }
        try closeInheritedDescriptors(&actions)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { envp?.forEach { free($0) } }
        var pid = pid_t()
        let spawned = envp.map { envp in posix_spawn(&pid, executable, &actions, nil, argv, envp) }
            ?? posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw Failure(what: "posix_spawn \(executable)", code: spawned) }
        return Spawned(pid: pid)
    }

    /// Sends `signal` unless the child has been reaped (its pid may belong to another process by then).
    public func signal(_ signal: Int32) {
        lock.withLock { if termination == nil { _ = Glibc.kill(pid, signal) } }
    }

    /// Whether the child still runs (reaps it without waiting when it has exited).
    public var isRunning: Bool { reap(blocking: false) == nil }

    /// Blocks until the child exits and returns how. Block only on a thread of your own, or
    /// after SIGKILL (which ends the child at once), never for long on the cooperative pool.
    @discardableResult
    public func wait() -> Termination { reap(blocking: true)! }

    /// Waits on a thread of its own, so the cooperative pool is never blocked.
    public func exit() async -> Termination {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: self.wait()) }
        }
    }

    /// Kills the child with SIGKILL and reaps it (returns within milliseconds).
    public func kill() {
        signal(SIGKILL)
        wait()
    }

    private func reap(blocking: Bool) -> Termination? {
        while true {
            if let done = lock.withLock({ termination }) { return done }
            var status: Int32 = 0
            let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if result < 0 && errno == EINTR { continue }
            let done: Termination? = lock.withLock {
                if termination == nil, result == pid {
                    let signaled = (status & 0x7f) != 0
                    termination = Termination(status: signaled ? status & 0x7f : (status >> 8) & 0xff, signaled: signaled)
                }
                return termination
            }
            if done != nil || !blocking { return done }
            // ECHILD: a concurrent waiter reaped the child and is about to record how it ended.
            usleep(1000)
        }
    }

    /// Closes every descriptor above stderr in the child, so it holds none of ours (sockets,
    /// pipes, other children's ends). glibc ≥ 2.34 has `posix_spawn_file_actions_addclosefrom_np`,
    /// but only under `_GNU_SOURCE`, which Swift's Glibc module does not set: looked up at run time.
    static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) throws {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            throw Failure(what: "posix_spawn_file_actions_addclosefrom_np (glibc ≥ 2.34 needed)", code: ENOSYS)
        }
        let result = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        guard result == 0 else { throw Failure(what: "posix_spawn_file_actions_addclosefrom_np", code: result) }
    }
}

extension Spawned {
    /// Runs a program to completion on a thread of its own and returns its status and its
    /// standard output and error (merged unless `mergeErrors` is false, then stderr is dropped).
    /// - Parameter input: written to the program's standard input, then closed.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           mergeErrors: Bool = true, input: Data? = nil) async throws -> (termination: Termination, output: Data) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    try runNow(executable, arguments, environment: environment, mergeErrors: mergeErrors, input: input)
                })
            }
        }
    }

    private static func runNow(_ executable: String, _ arguments: [String], environment: [String: String]?,
                               mergeErrors: Bool, input: Data?) throws -> (termination: Termination, output: Data) {
        let output = try Pipe2()
        defer { output.closeBoth() }
        let stdinPipe = input == nil ? nil : try Pipe2()
        defer { stdinPipe?.closeBoth() }
        let child = try start(executable, arguments, environment: environment,
                              stdin: stdinPipe.map { .descriptor($0.read) } ?? .null,
                              stdout: .descriptor(output.write), stderr: mergeErrors ? .descriptor(output.write) : .null)
        output.closeWrite()
        if let stdinPipe, let input {
            stdinPipe.closeRead()
            // A child that exits without reading its input gives EPIPE here, not a fatal SIGPIPE.
            // The input is small (a password, a few lines): written whole before the output is read.
            _ = Glibc.signal(SIGPIPE, SIG_IGN)
            input.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let n = Glibc.write(stdinPipe.write, bytes.baseAddress! + offset, bytes.count - offset)
                    if n < 0 { if errno == EINTR { continue } else { break } }
                    offset += n
                }
            }
            stdinPipe.closeWrite()
        }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(output.read, $0.baseAddress!, $0.count) }
            if n > 0 { data.append(contentsOf: buffer[0..<n]) } else if n == 0 || errno != EINTR { break }
        }
        return (child.wait(), data)
    }
}

/// A pipe whose descriptors are close-on-exec (the child gets its end by dup2, which clears it).
private final class Pipe2 {
    private(set) var read: Int32 = -1
    private(set) var write: Int32 = -1

    init() throws {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw Spawned.Failure(what: "pipe", code: errno) }
        (read, write) = (fds[0], fds[1])
        _ = fcntl(read, F_SETFD, FD_CLOEXEC)
        _ = fcntl(write, F_SETFD, FD_CLOEXEC)
    }

    func closeRead() { if read >= 0 { close(read); read = -1 } }
    func closeWrite() { if write >= 0 { close(write); write = -1 } }
    func closeBoth() { closeRead(); closeWrite() }
}
