import CCairo

/// The layout of the A4 certificate, in points from the top-left corner: title, the certified
/// facts, the specialties table, then the QR code with the verification identifier, the box for
/// the holder's signature and the small print.
///
/// Borrows the cairo context and faces of one rendering (``CertificateRenderer``).
struct CertificatePage {
    let cr: OpaquePointer
    let faces: CJKFontFaces

    private static let width = CertificateRenderer.pageWidth
    private static let height = CertificateRenderer.pageHeight
    private static let left = 62.0
    private static let right = width - 62
    private static let valueColumn = 200.0

    private typealias RGB = (Double, Double, Double)
    private static let green: RGB = (0.09, 0.34, 0.24)
    private static let ink: RGB = (0.08, 0.08, 0.08)
    private static let grey: RGB = (0.42, 0.42, 0.42)
    private static let rule: RGB = (0.78, 0.82, 0.80)
    private static let band: RGB = (0.91, 0.95, 0.93)

    func draw(_ sheet: CertificateSheet, qr: QRCode) {
        // White paper (the PNG surface starts transparent).
        color((1, 1, 1))
        cairo_rectangle(cr, 0, 0, Self.width, Self.height)
        cairo_fill(cr)
        frame()

        // Title.
        font(bold: true, size: 21)
        color(Self.green)
        show(sheet.title.chinese, x: Self.width / 2, y: 88, centered: true)
        font(bold: false, size: 10)
        color(Self.grey)
        show(sheet.title.english, x: Self.width / 2, y: 107, centered: true)
        line(from: (Self.left, 122), to: (Self.right, 122), width: 0.8, color: Self.green)

        // The certified facts: a row each, the value fitted into its column.
        let factsTop = 140.0
        let rowHeight = min(30, 320 / Double(max(sheet.facts.count, 1)))
        for (i, fact) in sheet.facts.enumerated() {
            let y = factsTop + Double(i) * rowHeight
            label(fact.label, x: Self.left, y: y + 13, size: min(11.5, rowHeight * 0.4))
            color(Self.ink)
            let fitted = fit(fact.value, bold: false, size: min(12.5, rowHeight * 0.45), minimum: 8, width: Self.right - Self.valueColumn)
            if fitted.lines.count == 1 {
                show(fitted.lines[0], x: Self.valueColumn, y: y + 14)
            } else {
                for (n, text) in fitted.lines.prefix(2).enumerated() { show(text, x: Self.valueColumn, y: y + 9 + Double(n) * (fitted.size + 2)) }
            }
            line(from: (Self.left, y + rowHeight - 3), to: (Self.right, y + rowHeight - 3), width: 0.3, color: Self.rule)
        }

        specialties(sheet, top: factsTop + Double(sheet.facts.count) * rowHeight + 14, bottom: 612)
        verification(sheet, qr: qr, top: 628)
        signatureBox(sheet.signatureLabel, top: 628)

        // Small print: up to six lines above the inner frame.
        color(Self.grey)
        for (i, note) in sheet.notes.prefix(6).enumerated() {
            let fitted = fit(note, bold: false, size: 6.5, minimum: 4.5, width: Self.right - Self.left)
            show(fitted.lines[0], x: Self.left, y: 756 + Double(i) * 9)
        }
    }

    // MARK: Blocks

    private func frame() {
        color(Self.green)
        cairo_set_line_width(cr, 2.5)
        cairo_rectangle(cr, 24, 24, Self.width - 48, Self.height - 48)
        cairo_stroke(cr)
        cairo_set_line_width(cr, 0.7)
        cairo_rectangle(cr, 30, 30, Self.width - 60, Self.height - 60)
        cairo_stroke(cr)
    }

    private func specialties(_ sheet: CertificateSheet, top: Double, bottom: Double) {
        font(bold: true, size: 12)
        color(Self.green)
        show(sheet.specialtiesHeading.chinese, x: Self.left, y: top + 4)
        let headingWidth = advance(sheet.specialtiesHeading.chinese)
        font(bold: false, size: 7.5)
        color(Self.grey)
        show(sheet.specialtiesHeading.english, x: Self.left + headingWidth + 8, y: top + 4)

        let columns = [Self.left, 290.0, 420.0]
        let tableTop = top + 12
        let rows = Double(sheet.specialties.count + 1)
        let rowHeight = min(22, (bottom - tableTop) / rows)
        color(Self.band)
        cairo_rectangle(cr, Self.left, tableTop, Self.right - Self.left, rowHeight)
        cairo_fill(cr)
        for (i, heading) in sheet.specialtyColumns.prefix(columns.count).enumerated() {
            font(bold: false, size: min(10, rowHeight * 0.5))
            color(Self.ink)
            show(heading.chinese, x: columns[i] + 6, y: tableTop + rowHeight * 0.68)
            let w = advance(heading.chinese)
            font(bold: false, size: min(7, rowHeight * 0.36))
            color(Self.grey)
            show(heading.english, x: columns[i] + 12 + w, y: tableTop + rowHeight * 0.68)
        }
        for (r, row) in sheet.specialties.enumerated() {
            let y = tableTop + Double(r + 1) * rowHeight
            color(Self.ink)
            for (i, cell) in row.prefix(columns.count).enumerated() {
                let limit = (i + 1 < columns.count ? columns[i + 1] : Self.right) - columns[i] - 12
                let fitted = fit(cell, bold: false, size: min(11, rowHeight * 0.55), minimum: 5, width: limit)
                show(fitted.lines[0], x: columns[i] + 6, y: y + rowHeight * 0.68)
            }
            line(from: (Self.left, y + rowHeight), to: (Self.right, y + rowHeight), width: 0.3, color: Self.rule)
        }
        line(from: (Self.left, tableTop), to: (Self.right, tableTop), width: 0.6, color: Self.green)
    }

    /// The QR code (lower left, as on the national e-certificates) and the identifier beside it.
    private func verification(_ sheet: CertificateSheet, qr: QRCode, top: Double) {
        // At least 2.4 pt a module (5 pixels at 150 dpi) and a quiet zone of 4 modules.
        let module = min(3.0, max(2.4, 110 / Double(qr.size + 8)))
        let side = Double(qr.size + 8) * module
        color((1, 1, 1))
        cairo_rectangle(cr, Self.left, top, side, side)
        cairo_fill(cr)
        color((0, 0, 0))
        for y in 0..<qr.size {
            for x in 0..<qr.size where qr.isDark(x: x, y: y) {
                cairo_rectangle(cr, Self.left + Double(x + 4) * module, top + Double(y + 4) * module, module, module)
            }
        }
        cairo_fill(cr)

        let x = Self.left + side + 12
        label(sheet.verificationLabel, x: x, y: top + 18, size: 11)
        color(Self.ink)
        font(bold: false, size: 8.5)
        var lines: [String] = []
        var current = ""
        let parts = sheet.verificationIdentifier.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        for (i, part) in parts.enumerated() {
            let piece = part + (i + 1 < parts.count ? "." : "")
            if !current.isEmpty, advance(current + piece) > 360 - x { lines.append(current); current = "" }
            current += piece
        }
        if !current.isEmpty { lines.append(current) }
        for (i, text) in lines.enumerated() { show(text, x: x, y: top + 44 + Double(i) * 12) }
    }

    private func signatureBox(_ caption: CertificateSheet.Label, top: Double) {
        let x = 380.0
        cairo_set_line_width(cr, 0.6)
        color(Self.grey)
        cairo_rectangle(cr, x, top, Self.right - x, 96)
        cairo_stroke(cr)
        label(caption, x: x + 8, y: top + 16, size: 10)
    }

    // MARK: Drawing primitives

    /// A Chinese label with its English rendering beneath, in small grey type.
    private func label(_ label: CertificateSheet.Label, x: Double, y: Double, size: Double) {
        font(bold: false, size: size)
        color(Self.ink)
        show(label.chinese, x: x, y: y)
        font(bold: false, size: max(5.5, size * 0.62))
        color(Self.grey)
        show(label.english, x: x, y: y + size * 0.85)
    }

    private func font(bold: Bool, size: Double) {
        cairo_set_font_face(cr, bold ? faces.bold : faces.regular)
        cairo_set_font_size(cr, size)
    }

    private func color(_ c: RGB) {
        cairo_set_source_rgb(cr, c.0, c.1, c.2)
    }

    private func show(_ text: String, x: Double, y: Double, centered: Bool = false) {
        cairo_move_to(cr, centered ? x - advance(text) / 2 : x, y)
        cairo_show_text(cr, text)
    }

    private func advance(_ text: String) -> Double {
        var extents = cairo_text_extents_t()
        cairo_text_extents(cr, text, &extents)
        return extents.x_advance
    }

    private func line(from a: (Double, Double), to b: (Double, Double), width: Double, color c: RGB) {
        color(c)
        cairo_set_line_width(cr, width)
        cairo_move_to(cr, a.0, a.1)
        cairo_line_to(cr, b.0, b.1)
        cairo_stroke(cr)
    }

    /// `text` at the largest size from `size` down to `minimum` that fits `width`; at `minimum`,
    /// broken between characters into as many lines as it needs. Leaves the font set to the result.
    private func fit(_ text: String, bold: Bool, size: Double, minimum: Double, width: Double) -> (size: Double, lines: [String]) {
        var s = size
        while true {
            font(bold: bold, size: s)
            if advance(text) <= width { return (s, [text]) }
            if s - 0.5 < minimum { break }
            s -= 0.5
        }
        var lines: [String] = []
        var current = ""
        for character in text {
            if !current.isEmpty, advance(current + String(character)) > width { lines.append(current); current = "" }
            current.append(character)
        }
        if !current.isEmpty { lines.append(current) }
        return (s, lines)
    }
}
