/// The fuzz targets of jzs: each takes arbitrary bytes and must never crash, hang or leak.
///
/// The bodies live in this library so that the libFuzzer executables (`FuzzFrames`, `FuzzTLS`,
/// `FuzzMessages`, built by `scripts/fuzz`) and the regression replay in `make test`
/// (`Tests/FuzzRegressionTests`) run exactly the same code.
///
/// ```swift
/// FuzzTarget.frames.run(bytes)       // the server connection fed plaintext bytes
/// ```
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// ``fuzzFrames(_:)``: the server's connection pipeline fed plaintext frame bytes.
    case frames
    /// ``fuzzTLS(_:)``: the server side of `OpenSSLHandler` fed network bytes.
    case tls
    /// ``fuzzMessages(_:)``: decode, round trip and validation of every request message.
    case messages

    /// Runs one input through this target.
    public func run(_ bytes: UnsafeRawBufferPointer) {
        switch self {
        case .frames: fuzzFrames(bytes)
        case .tls: fuzzTLS(bytes)
        case .messages: fuzzMessages(bytes)
        }
    }

    /// Runs one input held in an array.
    public func run(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { run($0) }
    }
}

/// Deterministic choices a target makes for one input that are not part of the input's bytes
/// (where to split it into reads, how far to move the clock), so that every input replays the same
/// way, and a saved crasher crashes again.
struct InputPlan {
    private var state: UInt64

    init(_ bytes: UnsafeRawBufferPointer) {
        // FNV-1a over the input: any change of the input explores another split.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        state = h
    }

    /// The next pseudo-random number (splitmix64 over the input's hash).
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// Up to `maxPieces` consecutive, non-empty ranges covering `0..<count`.
    mutating func pieces(of count: Int, maxPieces: Int) -> [Range<Int>] {
        guard count > 1 else { return count == 0 ? [] : [0..<count] }
        var cuts = Set<Int>()
        let wanted = Int(next() % UInt64(maxPieces))  // 0 extra cuts: one read
        for _ in 0..<wanted { cuts.insert(1 + Int(next() % UInt64(count - 1))) }
        var bounds = [0] + cuts.sorted() + [count]
        bounds = bounds.reduce(into: []) { if $0.last != $1 { $0.append($1) } }
        return zip(bounds, bounds.dropFirst()).map { $0..<$1 }
    }
}
