/// Peer-supplied text made safe for a log line or an error message: control characters,
/// quotes and backslashes are escaped (so no value can start a new line or forge a field) and
/// the result is cut to a byte budget, marked with "…".
enum LogField {
    static func escape(_ text: String, maxBytes: Int) -> String {
        var out = ""
        out.reserveCapacity(min(text.utf8.count, maxBytes) + 8)
        var used = 0
        for scalar in text.unicodeScalars {
            let piece: String
            switch scalar {
            case "\n": piece = "\\n"
            case "\r": piece = "\\r"
            case "\t": piece = "\\t"
            case "\\": piece = "\\\\"
            case "\"": piece = "\\\""
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                    || scalar.properties.generalCategory == .lineSeparator
                    || scalar.properties.generalCategory == .paragraphSeparator
                    || scalar.properties.generalCategory == .format {
                    piece = "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    piece = String(scalar)
                }
            }
            let size = piece.utf8.count
            if used + size > maxBytes {
                out += "…"
                return out
            }
            out += piece
            used += size
        }
        return out
    }
}
