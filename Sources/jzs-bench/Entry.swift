import ArgumentParser
import NIOCore
import NIOPosix

@main
enum Entry {
    static func main() async {
        // Same executor arrangement as jzsd: tasks run on the NIO event loops.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await Bench.main()
    }
}

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jzs-bench",
        abstract: "Load generator and codec micro-benchmark for jzs.",
        subcommands: [LoadCommand.self, CodecCommand.self],
        defaultSubcommand: LoadCommand.self)
}
