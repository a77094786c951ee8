import CQRencode

/// A QR code symbol made by libqrencode: a square of dark and light modules.
///
/// Only the module matrix leaves this type; libqrencode's `QRcode` is freed before ``init(_:)``
/// returns, so nothing here owns C memory afterwards.
public struct QRCode: Sendable, Equatable {
    /// Modules per side (21 for version 1, 4 more per version).
    public let size: Int
    /// The symbol's version (1–40), chosen by libqrencode as the smallest that holds the text.
    public let version: Int
    /// Row-major: `modules[y * size + x]` is true for a dark module.
    public let modules: [Bool]

    /// Encodes `text` (UTF-8) at error-correction level M (15 % of the symbol may be damaged),
    /// letting libqrencode pick the modes (a certificate identifier is all alphanumeric).
    /// - Throws: ``RenderError/qrCode(_:)`` when the text is empty, holds a NUL or is too long.
    public init(_ text: String) throws(RenderError) {
        guard !text.isEmpty, !text.utf8.contains(0) else { throw .qrCode("the text to encode is empty or holds a NUL") }
        guard let symbol = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else {
            throw .qrCode("libqrencode could not encode \(text.utf8.count) bytes")
        }
        defer { QRcode_free(symbol) }
        let width = Int(symbol.pointee.width)
        let data = UnsafeBufferPointer(start: symbol.pointee.data, count: width * width)
        // Bit 0 of each byte is the module's colour; the other bits say what the module is for.
        self.size = width
        self.version = Int(symbol.pointee.version)
        self.modules = data.map { $0 & 1 == 1 }
    }

    public func isDark(x: Int, y: Int) -> Bool { modules[y * size + x] }
}
