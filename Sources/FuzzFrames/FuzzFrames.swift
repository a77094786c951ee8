import FuzzTargets

// libFuzzer executable of the `frames` target (scripts/fuzz builds it with -DFUZZING and
// --sanitize=fuzzer,address; libFuzzer then provides main). Without -DFUZZING (any plain
// `swift build`) it is a replay tool: `FuzzFrames [--write-seeds DIR] [FILE|DIR ...]`.
#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFramesTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTarget.frames.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#else
@main
enum FuzzFramesReplay {
    static func main() {
        FuzzReplay.main(.frames)
    }
}
#endif
