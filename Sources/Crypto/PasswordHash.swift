internal import COpenSSL

/// Password hashing with scrypt (RFC 7914) through OpenSSL. The parameters travel with the hash
/// (`scrypt$N$r$p$salt$hash`, hexadecimal), so they can be raised later without breaking logins.
public enum PasswordHash {
    public struct Parameters: Sendable, Equatable {
        public var n: UInt64, r: UInt64, p: UInt64
        public init(n: UInt64, r: UInt64, p: UInt64) { self.n = n; self.r = r; self.p = p }
        /// 2^15 × 8 × 1: 32 MiB and tens of milliseconds per hash on this machine.
        public static let standard = Parameters(n: 1 << 15, r: 8, p: 1)
        /// Cheap parameters for tests only.
        public static let testing = Parameters(n: 1 << 10, r: 8, p: 1)
    }

    /// A new encoded hash of `password` with a random 16-byte salt.
    public static func hash(_ password: String, parameters: Parameters = .standard) throws(CryptoError) -> String {
        let salt = SecureRandom.bytes(16)
        let key = try derive(password, salt: salt, parameters: parameters)
        return "scrypt$\(parameters.n)$\(parameters.r)$\(parameters.p)$\(Digest.hex(salt))$\(Digest.hex(key))"
    }

    /// Whether `password` matches `encoded` (constant-time comparison).
    public static func verify(_ password: String, against encoded: String) -> Bool {
        let parts = encoded.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let n = UInt64(parts[1]), let r = UInt64(parts[2]),
              let p = UInt64(parts[3]), let salt = bytes(fromHex: parts[4]), let expected = bytes(fromHex: parts[5]),
              let key = try? derive(password, salt: salt, parameters: Parameters(n: n, r: r, p: p)) else { return false }
        return Digest.equal(key, expected)
    }

    static func derive(_ password: String, salt: [UInt8], parameters: Parameters) throws(CryptoError) -> [UInt8] {
        var key = [UInt8](repeating: 0, count: 32)
        let pass = Array(password.utf8)
        let maxMemory = parameters.n * parameters.r * 128 * 2 + 1024 * 1024
        ERR_clear_error()
        let ok = pass.withUnsafeBytes { pw in
            EVP_PBE_scrypt(pw.baseAddress?.assumingMemoryBound(to: CChar.self), pass.count, salt, salt.count,
                           parameters.n, parameters.r, parameters.p, maxMemory, &key, key.count)
        }
        guard ok == 1 else { throw .drain("scrypt") }
        return key
    }

    /// Bytes of a hexadecimal string, or nil.
    public static func bytesFromHex(_ hex: String) -> [UInt8]? { bytes(fromHex: hex) }

    static func bytes(fromHex hex: String) -> [UInt8]? {
        let chars = Array(hex.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        for i in stride(from: 0, to: chars.count, by: 2) {
            guard let byte = UInt8(String(decoding: chars[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }
}
