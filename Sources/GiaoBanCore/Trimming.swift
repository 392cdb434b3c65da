import Foundation

extension StringProtocol {
    /// `trimmingCharacters(in: .whitespaces)`, without Foundation's work when neither end can be
    /// trimmed, which is nearly always: on Linux that call bridges to `NSString` and was a
    /// tenth of the schedule page (every name, time and place of every item).
    public var trimmedWhitespace: String {
        mayBeTrimmed ? trimmingCharacters(in: .whitespaces) : String(self)
    }

    /// `trimmingCharacters(in: .whitespacesAndNewlines)`, with the same shortcut.
    public var trimmedWhitespaceAndNewlines: String {
        mayBeTrimmed ? trimmingCharacters(in: .whitespacesAndNewlines) : String(self)
    }

    /// Whether the first or the last scalar might be trimmed. A letter, mark, digit, punctuation
    /// or symbol at both ends never is; anything else (spaces, controls, and format characters
    /// such as U+200B, which Foundation's sets hold on Linux) is left to Foundation to decide.
    private var mayBeTrimmed: Bool {
        guard let first = unicodeScalars.first, let last = unicodeScalars.last else { return false }
        return !Self.isNeverTrimmed(first) || !Self.isNeverTrimmed(last)
    }

    private static func isNeverTrimmed(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar.value > 0x20 && scalar.value < 0x7F }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }
}
