/// Markup written in Swift, for the layout and the pages read most (issue 20: Leaf was a sixth of
/// the group week's time). A `String` interpolated into it is always escaped, in text and in
/// attribute values alike, exactly as Leaf escapes `#(…)` (`& " ' < >`); only another `HTML`, a
/// number or a word of the UI (`t:`) goes in otherwise. So a view cannot forget to escape: a value
/// reaches the page unescaped only if it is already `HTML`.
///
/// Why not Plot (docs/decisions.md): Plot 0.14 writes attribute values as given, and its text
/// escaping keeps anything that looks like an entity, so every user value in a `value="…"` would
/// need escaping by hand at its call site.
struct HTML: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    private(set) var text: String

    init(stringLiteral value: String) { text = value }
    init(stringInterpolation: StringInterpolation) { text = stringInterpolation.text }
    /// Markup that is already HTML (another renderer's output), taken as it is.
    init(rendered text: String) { self.text = text }

    var description: String { text }

    static let empty: HTML = ""

    mutating func append(_ other: HTML) { text += other.text }

    /// The pieces one after another (a `#for` body).
    static func joined(_ pieces: some Sequence<HTML>) -> HTML {
        var result = HTML.empty
        for piece in pieces { result.append(piece) }
        return result
    }

    struct StringInterpolation: StringInterpolationProtocol {
        fileprivate var text: String

        init(literalCapacity: Int, interpolationCount: Int) {
            text = ""
            text.reserveCapacity(literalCapacity + interpolationCount * 24)
        }

        mutating func appendLiteral(_ literal: String) { text += literal }

        /// Text, escaped.
        mutating func appendInterpolation(_ value: String) { HTML.escape(value, into: &text) }

        mutating func appendInterpolation(_ value: Int) { text += String(value) }

        mutating func appendInterpolation(_ html: HTML) { text += html.text }

        /// Nothing when nil (Leaf's `#if(x):…#endif` around a piece).
        mutating func appendInterpolation(_ html: HTML?) { if let html { text += html.text } }

        /// A word of the UI from `Strings` (as `#t("key")`), escaped; an unknown key shows itself.
        mutating func appendInterpolation(t key: String) { HTML.escape(Strings.vietnamese[key] ?? key, into: &text) }

        /// `piece` when `condition` holds, nothing otherwise.
        mutating func appendInterpolation(if condition: Bool, _ piece: @autoclosure () -> HTML) {
            if condition { text += piece().text }
        }

        /// One piece per element (a `#for` loop).
        mutating func appendInterpolation<S: Sequence>(each elements: S, _ piece: (S.Element) -> HTML) {
            for element in elements { text += piece(element).text }
        }
    }

    /// Leaf's `htmlEscaped()`, byte for byte, without building a string per character: most values
    /// (names, numbers, dates) have nothing to escape and are copied whole.
    static func escape(_ value: String, into text: inout String) {
        guard value.utf8.contains(where: { $0 == 0x26 || $0 == 0x22 || $0 == 0x27 || $0 == 0x3C || $0 == 0x3E }) else {
            text += value
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": text += "&amp;"
            case "\"": text += "&quot;"
            case "'": text += "&#39;"
            case "<": text += "&lt;"
            case ">": text += "&gt;"
            default: text.unicodeScalars.append(scalar)
            }
        }
    }
}
