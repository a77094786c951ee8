internal import Foundation

/// A PostgreSQL connection URL as jzsd takes it (`jzsd init --database`, `JZSD_DATABASE`,
/// `jzsd migrate-store --to`): libpq's URI form, multi-host allowed
/// (`postgresql://jzs@db1:5432,db2:5432/jzs?target_session_attrs=read-write`).
///
/// A password belongs in `~/.pgpass` or `PGPASSFILE`, not in the URL (jzsd.json is 0600, but the
/// URL is printed); ``redacted`` hides one if given anyway.
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    public let raw: String

    public enum Invalid: Error, CustomStringConvertible {
        case scheme(String)
        public var description: String {
            switch self {
            case .scheme(let given): "\(given): expected a PostgreSQL URL, postgresql://USER@HOST:PORT/DATABASE"
            }
        }
    }

    public init(_ raw: String) throws {
        guard raw.hasPrefix("postgresql://") || raw.hasPrefix("postgres://") else { throw Invalid.scheme(Self.redact(raw)) }
        self.raw = Self.withReadWriteTarget(raw)
    }

    /// The URL with any password replaced by `***`.
    public var redacted: String { Self.redact(raw) }
    public var description: String { redacted }

    /// Several hosts without `target_session_attrs` would let libpq settle on a standby; jzsd
    /// writes, so it asks for the writable primary unless the URL says otherwise.
    static func withReadWriteTarget(_ raw: String) -> String {
        guard !raw.contains("target_session_attrs=") else { return raw }
        return raw + (raw.contains("?") ? "&" : "?") + "target_session_attrs=read-write"
    }

    static func redact(_ raw: String) -> String {
        guard let scheme = raw.range(of: "://"),
              let at = raw[scheme.upperBound...].firstIndex(of: "@"),
              let colon = raw[scheme.upperBound..<at].firstIndex(of: ":") else { return raw }
        return String(raw[..<raw.index(after: colon)]) + "***" + String(raw[at...])
    }
}
