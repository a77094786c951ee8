import FuzzTargets

// libFuzzer executable of the `messages` target (scripts/fuzz builds it with -DFUZZING and
// --sanitize=fuzzer,address; libFuzzer then provides main). Without -DFUZZING (any plain
// `swift build`) it is a replay tool: `FuzzMessages [--write-seeds DIR] [FILE|DIR ...]`.
#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMessagesTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTarget.messages.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#else
@main
enum FuzzMessagesReplay {
    static func main() {
        FuzzReplay.main(.messages)
    }
}
#endif
