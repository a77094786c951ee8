/// Why a certificate could not be drawn.
public enum RenderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No installed font covers Chinese (install fonts-noto-cjk or fonts-wqy-zenhei).
    case noCJKFont
    /// libqrencode refused the text.
    case qrCode(String)
    /// cairo reported a failure (its own status text).
    case cairo(String)

    public var description: String {
        switch self {
        case .noCJKFont: "no installed font covers Chinese (Debian: fonts-noto-cjk or fonts-wqy-zenhei)"
        case .qrCode(let why): "QR code: \(why)"
        case .cairo(let why): "cairo: \(why)"
        }
    }
}
