import FuzzTargets

// libFuzzer executable of the `tls` target (scripts/fuzz builds it with -DFUZZING and
// --sanitize=fuzzer,address; libFuzzer then provides main). Without -DFUZZING (any plain
// `swift build`) it is a replay tool: `FuzzTLS [--write-seeds DIR] [FILE|DIR ...]`.
#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTLSTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTarget.tls.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#else
@main
enum FuzzTLSReplay {
    static func main() {
        FuzzReplay.main(.tls)
    }
}
#endif
