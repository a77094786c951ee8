internal import COpenSSL

/// Message digests through OpenSSL's EVP interface.
public enum Digest {
    public static func sha256(_ data: [UInt8]) -> [UInt8] { digest(data, EVP_sha256()) }

    /// SM3 (GB/T 32905), 256 bits.
    public static func sm3(_ data: [UInt8]) -> [UInt8] { digest(data, EVP_sm3()) }

    static func digest(_ data: [UInt8], _ md: OpaquePointer?) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = data.withUnsafeBytes { raw in
            EVP_Digest(raw.baseAddress, raw.count, &out, &length, md, nil)
        }
        precondition(ok == 1, "EVP_Digest failed")
        return Array(out.prefix(Int(length)))
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }.joined()
    }

    /// Constant-time comparison of two byte strings.
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in CRYPTO_memcmp(pa.baseAddress, pb.baseAddress, a.count) == 0 } }
    }
}
