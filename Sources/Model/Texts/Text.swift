import Foundation

/// A sentence a person will read, kept as its catalogue code and arguments until the reader's
/// language is known (the server renders it per call, the CLI per user).
///
/// ```swift
/// throw RegistryError.notFound(Text(.applicationNotFound, "\(id)"))
/// Text(.applicationWrongStatus, .text(status.textCode)).rendered(.zh)   // 申请当前状态为“待省级审查”……
/// ```
public struct Text: Sendable, Hashable, Codable, CustomStringConvertible {
    public let code: TextCode
    public let args: [Arg]

    /// One argument: a value shown as it is (a number, a name, an id), or another catalogue text
    /// rendered in the same language (a status, a registration type).
    public enum Arg: Sendable, Hashable, Codable, ExpressibleByStringInterpolation {
        case value(String)
        case text(TextCode)

        public init(stringLiteral value: String) { self = .value(value) }
        public init(stringInterpolation: DefaultStringInterpolation) { self = .value(String(stringInterpolation: stringInterpolation)) }

        func rendered(_ language: Language) -> String {
            switch self {
            case .value(let v): v
            case .text(let code): code.template(language)
            }
        }
    }

    public init(_ code: TextCode, _ args: Arg...) {
        self.code = code
        self.args = args
    }

    public init(_ code: TextCode, arguments: [Arg]) {
        self.code = code
        self.args = arguments
    }

    /// The sentence in `language`: `{1}`, `{2}` … in the catalogue's template are replaced by the
    /// arguments (a missing argument leaves its placeholder; extra arguments are ignored).
    public func rendered(_ language: Language) -> String {
        let text = Self.fill(code.template(language), args.map { $0.rendered(language) })
        // An empty argument (an id the caller did not give) leaves no double or trailing space.
        guard text.contains("  ") || text.hasSuffix(" ") else { return text }
        return text.replacingOccurrences(of: "  ", with: " ").trimmingCharacters(in: .whitespaces)
    }

    /// English, for logs and test failures.
    public var description: String { rendered(.en) }

    static func fill(_ template: String, _ values: [String]) -> String {
        guard !values.isEmpty, template.contains("{") else { return template }
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let after = rest[rest.index(after: open)...]
            if let close = after.firstIndex(of: "}"), let n = Int(after[..<close]), n >= 1, n <= values.count {
                out += values[n - 1]
                rest = after[after.index(after: close)...]
            } else {
                out += "{"
                rest = after
            }
        }
        return out + rest
    }
}

extension TextCode {
    /// The catalogue's template for this code in `language` (English when a table lacks it,
    /// which ``Catalogue`` tests forbid).
    public func template(_ language: Language) -> String {
        let entry = Catalogue.entries[self]
        switch language {
        case .zh: return entry?.zh ?? entry?.en ?? rawValue
        case .en: return entry?.en ?? rawValue
        }
    }
}

extension TextCode {
    /// The text of a certificate status (`valid`, `revoked`, `void`).
    public static func certificateStatus(_ raw: String) -> TextCode {
        switch raw {
        case "valid": .certificateValidStatus
        case "revoked": .certificateRevokedStatus
        default: .certificateVoidStatus
        }
    }
}
