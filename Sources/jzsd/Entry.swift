import ArgumentParser
import NIOCore
import NIOPosix
import Foundation
#if canImport(Glibc)
import Glibc
#endif

@main
enum Entry {
    static func main() async {
        // Everything jzsd creates (database, keys, backups) is private from its first byte:
        // files 0600 and directories 0700 unless opened on purpose (DataDirectory.write).
        umask(0o077)
        // Run Swift concurrency on NIO's event loops: call handlers then resume on the thread
        // that does the I/O instead of hopping to another pool. Must happen before any task.
        // Event-loop threads (default 1): on a small machine one loop that does TLS, framing and
        // the handlers avoids a cross-thread hop per call; raise it on machines with many cores.
        let threads = ProcessInfo.processInfo.environment["JZSD_THREADS"].flatMap(Int.init) ?? 1
        NIOSingletons.groupLoopCountSuggestion = max(1, min(threads, System.coreCount))
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await JZSD.main()
    }
}
