import ArgumentParser
import NIOCore
import NIOPosix
import Foundation

@main
enum Entry {
    static func main() async {
        // Same executor arrangement as jzsd: tasks run on the NIO event loops.
        // Event-loop threads (default 1): on a small machine one loop that does TLS, framing and
        // the handlers avoids a cross-thread hop per call; raise it on machines with many cores.
        let threads = ProcessInfo.processInfo.environment["JZS_BENCH_THREADS"].flatMap(Int.init) ?? 1
        NIOSingletons.groupLoopCountSuggestion = max(1, min(threads, System.coreCount))
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await Bench.main()
    }
}

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jzs-bench",
        abstract: "Load generator and codec micro-benchmark for jzs.",
        subcommands: [LoadCommand.self, CodecCommand.self, BatchReportCommand.self, ReadsCommand.self, LoginCommand.self, MinistryDecideCommand.self],
        defaultSubcommand: LoadCommand.self)
}
