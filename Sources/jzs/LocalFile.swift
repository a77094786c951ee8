import Model
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Every file the CLI reads or writes goes through here, so that a file problem is one sentence
/// (``LocalFile/Problem``) and every file it writes is private.
///
/// What the CLI writes holds personal data or secrets: sessions and sign-up drafts, downloaded
/// certificates and documents (full ID numbers), batch reports and batch plans. ``write(_:to:)``
/// creates each one with mode 0600 from the moment it exists — `open(2)` with `O_CREAT | O_EXCL`
/// and mode 0600 under a temporary name beside the target, then `rename(2)` over it — so no other
/// local user can open it at any time whatever the umask, and a reader never sees half a file.
/// Nothing is created first and `chmod`-ed after.
enum LocalFile {
    /// A file that cannot be read or written, said in one sentence.
    struct Problem: Error, CustomStringConvertible {
        enum Access { case read, write }
        let access: Access
        let path: String
        /// What the file is for the user ("identity lock certificate"), if the command knows.
        let role: String?
        /// Why, e.g. "no such file or directory" or "not a PEM certificate".
        let reason: String

        var description: String {
            switch access {
            case .read:
                // zh: 无法读取 CA 证书文件（--ca）/path; en: cannot read the CA file (--ca) /path.
                FileTexts.cannotRead(role.map { UILanguage.current == .zh ? ($0.hasSuffix("）") ? $0 : $0 + " ") : "the \($0) " } ?? "", path, reason)
            case .write: FileTexts.cannotWrite(path, reason)
            }
        }
    }

    /// The bytes of `path`.
    /// - Parameter role: what the file is, for the message ("identity lock certificate").
    /// - Throws: ``Problem`` (missing, unreadable, a directory).
    static func read(_ path: String, role: String? = nil) throws(Problem) -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Problem(access: .read, path: path, role: role, reason: Self.errnoText()) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw Problem(access: .read, path: path, role: role, reason: FileTexts.isDirectory.text)
        }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw Problem(access: .read, path: path, role: role, reason: Self.errnoText()) }
            if n == 0 { return data }
            data.append(contentsOf: buffer[..<n])
        }
    }

    /// The text of `path` (UTF-8).
    static func text(_ path: String, role: String? = nil) throws(Problem) -> String {
        String(decoding: try read(path, role: role), as: UTF8.self)
    }

    /// A PEM file of the expected kind (`CERTIFICATE`, `PRIVATE KEY`), read and checked for its
    /// armour so that a wrong file is named before OpenSSL reports it in its own words.
    static func pem(_ path: String, role: String, label: String) throws(Problem) -> String {
        let text = try text(path, role: role)
        guard text.contains("-----BEGIN "), text.contains(label + "-----") else {
            throw Problem(access: .read, path: path, role: role, reason: label == "PRIVATE KEY" ? FileTexts.notPEMKey.text : FileTexts.notPEMCertificate.text)
        }
        return text
    }

    /// Writes `bytes` to `path`, readable and writable by the owner only (0600) from creation.
    ///
    /// A target that exists and is not a regular file (`/dev/stdout`, a named pipe) is written in
    /// place: it cannot be replaced, and it is not a file left behind.
    /// - Throws: ``Problem`` naming the target.
    static func write(_ bytes: some DataProtocol, to path: String) throws(Problem) {
        let data = Data(bytes)
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            guard (info.st_mode & S_IFMT) != S_IFDIR else { throw Problem(access: .write, path: path, role: nil, reason: FileTexts.isDirectory.text) }
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw Problem(access: .write, path: path, role: nil, reason: Self.errnoText()) }
            defer { close(fd) }
            try writeAll(data, to: fd, path: path)
            return
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0 ... .max)).tmp").path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw Problem(access: .write, path: path, role: nil, reason: Self.errnoText()) }
        do throws(Problem) {
            try writeAll(data, to: fd, path: path)
            guard fsync(fd) == 0 else { throw Problem(access: .write, path: path, role: nil, reason: Self.errnoText()) }
            close(fd)
            guard rename(temporary, path) == 0 else { throw Problem(access: .write, path: path, role: nil, reason: Self.errnoText()) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
    }

    /// Creates `url` and its missing parents, each new one 0700 from creation (`mkdir(2)` mode).
    static func makePrivateDirectory(_ url: URL) throws(Problem) {
        var missing: [URL] = []
        var candidate = url.standardizedFileURL
        var info = stat()
        while stat(candidate.path, &info) != 0, candidate.path != "/" {
            missing.append(candidate)
            candidate = candidate.deletingLastPathComponent()
        }
        for directory in missing.reversed() {
            guard mkdir(directory.path, 0o700) == 0 || errno == EEXIST else {
                throw Problem(access: .write, path: directory.path, role: nil, reason: Self.errnoText())
            }
        }
    }

    private static func writeAll(_ data: Data, to fd: Int32, path: String) throws(Problem) {
        var offset = 0
        while offset < data.count {
            let n = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw Problem(access: .write, path: path, role: nil, reason: Self.errnoText()) }
            offset += n
        }
    }

    /// `strerror(errno)` as it reads inside a sentence ("no such file or directory"), in the
    /// user's language.
    private static func errnoText() -> String {
        FileTexts.reason(errno: errno).text
    }
}
