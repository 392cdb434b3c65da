import Foundation

/// What every piece of text a person or a client sends goes through once, at the input boundary
/// (the JSON and form decoders), before any rule looks at it, so that "required", length and
/// duplicate checks see the text that will be stored and shown.
public enum InputText {
    /// The longest single text accepted anywhere (a group summary, minutes, a monthly report's
    /// parts): about ten printed pages.
    public static let maxLength = 20_000

    /// The longest-text message, for a field.
    public static var tooLongMessage: String {
        "Nội dung quá dài: tối đa \(VietnameseNumber.format(Decimal(maxLength))) ký tự."
    }

    /// Characters that are never kept: C0 and C1 controls (NUL included) except newline and tab,
    /// carriage returns (a CRLF becomes LF), the bidirectional overrides and isolates
    /// (U+202A–202E, U+2066–2069) that make a name read differently from what it is, and the
    /// zero-width characters (U+200B–200D, U+FEFF) that make two equal-looking names differ.
    public static func isDropped(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true
        case 0x200B...0x200D, 0xFEFF: return true
        default: return false
        }
    }

    /// `text` without the dropped characters (see `isDropped`); everything else untouched.
    public static func clean(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isDropped) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where !isDropped(scalar) { scalars.append(scalar) }
        return String(scalars)
    }

    /// How long a text is for `maxLength` (characters as a person counts them).
    public static func isTooLong(_ text: String) -> Bool {
        text.unicodeScalars.count > maxLength && text.count > maxLength
    }
}

/// Where a `next` parameter may send someone after signing in or switching the language: a path
/// of this site, never another site and never anything that could break the `Location` header.
public enum LocalRedirect {
    /// `next` when it is a safe local path, otherwise `nil`. A safe path starts with exactly one
    /// `/`, is not followed by a second `/` or a `\` (browsers read `//host` and `/\host` as
    /// another site), and has no control or whitespace character anywhere — neither as typed nor
    /// once percent-decoded (`%0d%0a` would split the response, `%09` is dropped by browsers).
    public static func path(_ next: String?) -> String? {
        guard let next, isSafe(next) else { return nil }
        var decoded = next
        // Decoded repeatedly (a double-encoded `%252f` is `%2f` after one pass): every form must pass.
        for _ in 0..<3 {
            guard decoded.contains("%") else { break }
            guard let once = decoded.removingPercentEncoding else { return nil }
            guard isSafe(once) else { return nil }
            if once == decoded { break }
            decoded = once
        }
        return next
    }

    /// Where to go after signing in: `next` when it is a safe local path (`path(_:)`) other than
    /// the sign-in page itself (which would loop), otherwise the home page.
    public static func afterSignIn(_ next: String?) -> String {
        guard let next = path(next), !next.hasPrefix("/login") else { return "/" }
        return next
    }

    private static func isSafe(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard scalars.first == "/" else { return false }
        if scalars.count > 1, scalars[1] == "/" || scalars[1] == "\\" { return false }
        for scalar in scalars {
            if scalar == "\\" { return false }
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
                || scalar.properties.generalCategory == .format || scalar.properties.generalCategory == .lineSeparator
                || scalar.properties.generalCategory == .paragraphSeparator { return false }
        }
        return true
    }
}
