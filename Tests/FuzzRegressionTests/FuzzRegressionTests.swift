import Foundation
import FuzzTargets
import Testing

/// Replays the committed fuzz inputs (FuzzTesting/Corpus/<target>/ and
/// FuzzTesting/Regressions/<target>/) through the same target functions the fuzzers run, so a
/// crash fixed once stays fixed. A crash here takes the test process down; to see which file,
/// replay the folder with the target's executable, which names each file before running it:
/// `.build/debug/FuzzFrames FuzzTesting/Regressions/frames`.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    /// FuzzTesting/ at the repository root.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzTesting")

    /// Crashers of bugs not fixed yet ("target/file"), from FuzzTesting/KnownFailures: kept in
    /// Regressions/, skipped here until the fix lands. Each line there says which bug.
    static let knownFailures: Set<String> = {
        let text = (try? String(contentsOf: root.appendingPathComponent("KnownFailures"), encoding: .utf8)) ?? ""
        return Set(text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { $0.split(separator: " ").first.map(String.init) })
    }()

    static func inputs(_ target: FuzzTarget) -> [String] {
        FuzzReplay.files(in: ["Corpus", "Regressions"].map { root.appendingPathComponent($0).appendingPathComponent(target.rawValue).path })
    }

    @Test("Every committed input of a target runs without a crash", arguments: FuzzTarget.allCases)
    func replay(_ target: FuzzTarget) throws {
        let files = Self.inputs(target)
        #expect(!files.isEmpty, "no corpus for \(target.rawValue) under \(Self.root.path)")
        var ran = 0
        for file in files where !Self.knownFailures.contains("\(target.rawValue)/\(URL(fileURLWithPath: file).lastPathComponent)") {
            let bytes = try #require(FileManager.default.contents(atPath: file), "cannot read \(file)")
            target.run([UInt8](bytes))
            ran += 1
        }
        #expect(ran > 0)
    }

    @Test("The messages target lists exactly the methods of the generated catalogue")
    func methodTableMatchesCatalogue() {
        let (missing, extra) = MethodTable.mismatches
        #expect(missing.isEmpty, "methods of ServiceCatalog missing from MethodTable.all: \(missing)")
        #expect(extra.isEmpty, "methods in MethodTable.all that are not in ServiceCatalog: \(extra)")
        #expect(MethodTable.methods.count <= 256, "one selector byte no longer reaches every method")
    }

    // The harnesses must reach the code they fuzz: a target that silently stops at its first
    // step (a missing event, a pipeline that changed) would still "pass" every input.

    @Test("The frames target answers the Health call of PROTOCOL.md §13.1 like the real server")
    func framesReachTheHandlers() throws {
        let request = try #require(FileManager.default.contents(atPath: Self.root.path + "/Corpus/frames/doc-13.1-health"))
        let output = [UInt8](request).withUnsafeBytes { framesSession($0, keepOutput: true, events: false) }
        // §13.1, server → client: MESSAGE HealthResponse{SERVING}, then TRAILERS echoing request-id.
        let expected = FuzzSeeds.bytes(hex: """
            00 00 00 02 02 00 00 00 00 01 08 01 00 00 00 18 03 00 00 00 00 01 22 16 0a 0a 72 65 71 75 65 73
            74 2d 69 64 12 08 72 65 71 2d 30 30 30 31
            """)
        #expect(output.starts(with: expected), "server wrote \(output)")
    }

    @Test("The frames target streams the EchoStream answer of PROTOCOL.md §13.2")
    func framesStream() throws {
        let request = try #require(FileManager.default.contents(atPath: Self.root.path + "/Corpus/frames/doc-13.2-echo-stream"))
        let output = [UInt8](request).withUnsafeBytes { framesSession($0, keepOutput: true, events: false) }
        let expected = FuzzSeeds.bytes(hex: """
            00 00 00 07 02 00 00 00 00 02 0a 02 68 69 12 01 30 00 00 00 07 02 00 00 00 00 02 0a 02 68 69 12
            01 31 00 00 00 00 03 00 00 00 00 02
            """)
        #expect(output.starts(with: expected), "server wrote \(output)")
    }

    @Test("The TLS target answers a real ClientHello with a ServerHello record")
    func tlsReachesTheHandshake() throws {
        let hello = try FuzzTLSFixture.clientHello()
        let output = hello.withUnsafeBytes { tlsSession($0, keepOutput: true) }
        #expect(output.first == 0x16, "server wrote \(output.prefix(16))")  // handshake record
        #expect(output.count > 100)
    }
}
