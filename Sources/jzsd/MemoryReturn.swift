import CMalloc

/// Makes freed memory go back to the system, so a burst of maximum-size frames does not leave
/// the server's RSS high for good (issue #7).
///
/// glibc raises its mmap threshold dynamically up to 32 MiB once a large mmapped block is
/// freed; after that, 4 MiB frame buffers come from the heap arenas and stay resident after
/// they are freed. A fixed threshold keeps every large buffer mmapped (unmapped on free), and
/// a periodic `malloc_trim` hands back what the arenas hold free.
enum MemoryReturn {
    /// Buffers of this size or more are mmapped and unmapped on free.
    static let mmapThreshold: Int32 = 256 * 1024

    static func configure() {
        jzs_malloc_configure(mmapThreshold, 2 * mmapThreshold)
    }

    /// Returns free heap pages to the system (cheap when there is nothing to return).
    static func trim() {
        jzs_malloc_trim()
    }

    /// Trims every `interval` until cancelled.
    static func run(every interval: Duration = .seconds(10)) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }   // cancelled: the server stopped
            trim()
        }
    }
}
