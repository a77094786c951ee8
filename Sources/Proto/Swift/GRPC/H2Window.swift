/// Inbound HTTP/2 flow control without NIOHTTP2's stream channels, which topped up each
/// stream's window themselves: both peers run `NIOHTTP2Handler` without a stream multiplexer
/// and send the WINDOW_UPDATEs computed here, by the same rule as NIOHTTP2's own window manager.
public enum H2Window {
    /// The increment that brings `window` back to `target` once it has fallen to half of it or
    /// less (so a stream of small messages costs no WINDOW_UPDATE per message), or nil. A
    /// negative window (after the peer's SETTINGS shrank it) gets the whole way back, capped at
    /// 2^31 - 1.
    public static func increment(window: Int, target: Int) -> Int? {
        if window >= target { return nil }
        if window >= 0 {
            let increment = target - window
            return increment >= window ? increment : nil
        }
        return min(-window + target, Int(Int32.max))
    }
}
