import CCairo

/// The Chinese font faces of one rendering: matched through fontconfig and opened by cairo's
/// FreeType backend (`cairo_ft_font_face_create_for_pattern`), so the PDF embeds a subset of the
/// actual font file and the page looks the same on every reader, with or without CJK fonts.
///
/// Owns two `cairo_font_face_t` references, released in `deinit`. Used by one rendering on one
/// thread: not `Sendable`.
final class CJKFontFaces {
    /// Preferred families, best first: Debian's fonts-noto-cjk, then fonts-wqy-zenhei / -microhei.
    static let families = ["Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback"]
    /// Characters the certificate cannot do without (证, 建, 造, 师): a font lacking them is no CJK font.
    static let requiredCharacters: [UInt32] = [0x8BC1, 0x5EFA, 0x9020, 0x5E08]

    let regular: OpaquePointer
    let bold: OpaquePointer
    /// The family and file fontconfig chose for the regular face (for diagnostics and tests).
    let family: String
    let file: String

    /// - Throws: ``RenderError/noCJKFont`` when no installed font covers Chinese.
    init() throws(RenderError) {
        guard let regular = Self.match(bold: false) else { throw .noCJKFont }
        guard let bold = Self.match(bold: true) else {
            cairo_font_face_destroy(regular.face)
            throw .noCJKFont
        }
        self.regular = regular.face
        self.bold = bold.face
        self.family = regular.family
        self.file = regular.file
    }

    deinit {
        cairo_font_face_destroy(regular)
        cairo_font_face_destroy(bold)
    }

    /// The best installed match for the preferred families in Simplified Chinese, as a cairo face.
    /// Fontconfig's substitution adds synthetic emboldening where a family has no bold weight.
    private static func match(bold: Bool) -> (face: OpaquePointer, family: String, file: String)? {
        let spec = families.joined(separator: ",") + ":lang=zh-cn" + (bold ? ":weight=bold" : "")
        let parsed = spec.withCString { chars in
            chars.withMemoryRebound(to: FcChar8.self, capacity: spec.utf8.count + 1) { FcNameParse($0) }
        }
        guard let pattern = parsed else { return nil }
        defer { FcPatternDestroy(pattern) }
        guard FcConfigSubstitute(nil, pattern, FcMatchPattern) != 0 else { return nil }
        FcDefaultSubstitute(pattern)
        var result = FcResultNoMatch
        guard let font = FcFontMatch(nil, pattern, &result), result == FcResultMatch else { return nil }
        defer { FcPatternDestroy(font) }
        var charset: OpaquePointer?
        guard FcPatternGetCharSet(font, FC_CHARSET, 0, &charset) == FcResultMatch, let charset,
              requiredCharacters.allSatisfy({ FcCharSetHasChar(charset, $0) != 0 }) else { return nil }
        // cairo keeps its own copy of the pattern (it opens FC_FILE at FC_INDEX when it first draws).
        guard let face = cairo_ft_font_face_create_for_pattern(font) else { return nil }
        guard cairo_font_face_status(face) == CAIRO_STATUS_SUCCESS else {
            cairo_font_face_destroy(face)
            return nil
        }
        return (face, string(of: font, FC_FAMILY), string(of: font, FC_FILE))
    }

    private static func string(of pattern: OpaquePointer, _ object: String) -> String {
        var value: UnsafeMutablePointer<FcChar8>?
        guard FcPatternGetString(pattern, object, 0, &value) == FcResultMatch, let value else { return "" }
        return String(cString: value)
    }
}
