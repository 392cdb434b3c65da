import Foundation

/// Text normalisation for storage (NFC, SPEC §13) and diacritic-insensitive search.
public enum VietnameseText {
    /// Unicode NFC (precomposed), outer whitespace and newlines trimmed, without the characters
    /// `InputText` never keeps (controls, bidi overrides, zero-width). Inner text is otherwise untouched.
    public static func nfc(_ s: String) -> String {
        InputText.clean(s).precomposedStringWithCanonicalMapping.trimmedWhitespaceAndNewlines
    }

    /// Search key: lowercase, diacritics removed, đ/Đ → d, outer whitespace trimmed and inner
    /// runs of whitespace collapsed to one space. "Đặng Thị Nương" → "dang thi nuong".
    /// NFC and NFD input give the same result. Locale-independent.
    public static func folded(_ s: String) -> String {
        // Decompose so that every tone and vowel mark becomes a separate combining scalar, then drop them.
        var scalars = String.UnicodeScalarView()
        for scalar in s.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark:
                continue
            default:
                // đ (U+0111) has no decomposition: it is a letter of its own, mapped by hand.
                scalars.append(scalar == "\u{0111}" ? "d" : scalar)
            }
        }
        return String(scalars)
            .split(whereSeparator: { $0.isWhitespace })
            .joined(separator: " ")
    }
}
