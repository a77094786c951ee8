import ArgumentParser
import NIOCore
import NIOPosix

@main
enum Entry {
    static func main() async {
        // Run Swift concurrency on NIO's event loops: call handlers then resume on the thread
        // that does the I/O instead of hopping to another pool. Must happen before any task.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await JZSD.main()
    }
}
