import CCairo

/// Draws a ``CertificateSheet`` on an A4 page with cairo: as a PDF (for printing) or a PNG (for
/// screens and for the tests that scan the QR code).
///
/// ```swift
/// let pdf = try CertificateRenderer.pdf(sheet)          // bytes of a one-page A4 PDF
/// try LocalFile.write(pdf, to: "cert.pdf")              // the caller decides where and how (0600)
/// ```
///
/// This target is the only owner of cairo, fontconfig and libqrencode pointers: each rendering
/// creates its surface, context and font faces, and destroys them before returning. The text is
/// drawn in a CJK font chosen through fontconfig (``CJKFontFaces``) and embedded as a subset; the
/// QR code (libqrencode) is drawn as filled rectangles, one per dark module.
public enum CertificateRenderer {
    /// A4 in PostScript points (210 × 297 mm).
    public static let pageWidth = 595.2756
    public static let pageHeight = 841.8898

    /// A one-page A4 PDF of `sheet`.
    /// - Throws: ``RenderError`` (no CJK font, a QR code libqrencode refuses, a cairo failure).
    public static func pdf(_ sheet: CertificateSheet) throws(RenderError) -> [UInt8] {
        let faces = try CJKFontFaces()
        let qr = try QRCode(sheet.verificationIdentifier)
        let sink = ByteSink()
        guard let surface = cairo_pdf_surface_create_for_stream({ closure, data, length in
            guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
            Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
                .bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }, Unmanaged.passUnretained(sink).toOpaque(), pageWidth, pageHeight) else { throw .cairo("no PDF surface") }
        defer { cairo_surface_destroy(surface) }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, sheet.documentTitle)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "jzs")
        try draw(sheet, qr: qr, faces: faces, on: surface, scale: 1)
        // Finishing writes the rest of the document (fonts, cross-reference table) to the sink.
        cairo_surface_finish(surface)
        try check(cairo_surface_status(surface))
        return withExtendedLifetime(sink) { sink.bytes }
    }

    /// A PNG of the page at `dotsPerInch` (white paper, 8-bit RGB with alpha).
    public static func png(_ sheet: CertificateSheet, dotsPerInch: Double = 150) throws(RenderError) -> [UInt8] {
        let faces = try CJKFontFaces()
        let qr = try QRCode(sheet.verificationIdentifier)
        let scale = dotsPerInch / 72
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32((pageWidth * scale).rounded(.up)),
                                                       Int32((pageHeight * scale).rounded(.up))) else { throw .cairo("no image surface") }
        defer { cairo_surface_destroy(surface) }
        try check(cairo_surface_status(surface))
        try draw(sheet, qr: qr, faces: faces, on: surface, scale: scale)
        let sink = ByteSink()
        let status = cairo_surface_write_to_png_stream(surface, { closure, data, length in
            guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
            Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
                .bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }, Unmanaged.passUnretained(sink).toOpaque())
        try check(status)
        return withExtendedLifetime(sink) { sink.bytes }
    }

    /// The family of the Chinese font a rendering uses, or nil when none is installed.
    public static func fontFamily() -> String? {
        (try? CJKFontFaces())?.family
    }

    private static func draw(_ sheet: CertificateSheet, qr: QRCode, faces: CJKFontFaces, on surface: OpaquePointer, scale: Double) throws(RenderError) {
        guard let cr = cairo_create(surface) else { throw .cairo("no drawing context") }
        defer { cairo_destroy(cr) }
        cairo_scale(cr, scale, scale)
        CertificatePage(cr: cr, faces: faces).draw(sheet, qr: qr)
        cairo_show_page(cr)
        try check(cairo_status(cr))
    }

    private static func check(_ status: cairo_status_t) throws(RenderError) {
        guard status == CAIRO_STATUS_SUCCESS else { throw .cairo(String(cString: cairo_status_to_string(status))) }
    }
}

/// Collects what cairo writes through its stream callbacks.
private final class ByteSink {
    var bytes: [UInt8] = []
}
