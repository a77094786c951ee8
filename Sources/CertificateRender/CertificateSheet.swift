/// What a printed certificate shows, already worded: the renderer draws these texts and knows
/// nothing of their meaning, so the wording (the CLI's catalogue) and the layout stay apart.
public struct CertificateSheet: Sendable, Equatable {
    /// A label printed in Chinese with its English rendering in small type beneath.
    public struct Label: Sendable, Equatable {
        public var chinese: String
        public var english: String
        public init(_ chinese: String, _ english: String) {
            self.chinese = chinese
            self.english = english
        }
    }

    /// One certified fact: its label and its value as the certificate states it.
    public struct Fact: Sendable, Equatable {
        public var label: Label
        public var value: String
        public init(_ label: Label, _ value: String) {
            self.label = label
            self.value = value
        }
    }

    public var title: Label
    public var facts: [Fact]
    public var specialtiesHeading: Label
    /// Column headings of the specialties table (specialty, valid from, valid until).
    public var specialtyColumns: [Label]
    /// One row per specialty, as many cells as ``specialtyColumns``.
    public var specialties: [[String]]
    /// What the QR code encodes: the certificate's verification identifier (证照标识).
    public var verificationIdentifier: String
    public var verificationLabel: Label
    /// The box the holder signs by hand after printing (DOMAIN.md §7.1).
    public var signatureLabel: Label
    /// Small print at the foot of the page, one line each.
    public var notes: [String]
    /// PDF document title (metadata).
    public var documentTitle: String

    public init(title: Label, facts: [Fact], specialtiesHeading: Label, specialtyColumns: [Label], specialties: [[String]],
                verificationIdentifier: String, verificationLabel: Label, signatureLabel: Label, notes: [String], documentTitle: String) {
        self.title = title
        self.facts = facts
        self.specialtiesHeading = specialtiesHeading
        self.specialtyColumns = specialtyColumns
        self.specialties = specialties
        self.verificationIdentifier = verificationIdentifier
        self.verificationLabel = verificationLabel
        self.signatureLabel = signatureLabel
        self.notes = notes
        self.documentTitle = documentTitle
    }
}
