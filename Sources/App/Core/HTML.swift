import LeafKit

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
    /// Text that is already HTML (Leaf's output, a template's own attribute name), taken as it
    /// is: the one way around the escaping, so it is named to stand out.
    init(alreadyEscaped text: String) { self.text = text }

    var description: String { text }

    static let empty: HTML = ""

    mutating func append(_ other: HTML) { text += other.text }

    static func + (lhs: HTML, rhs: HTML) -> HTML { HTML(alreadyEscaped: lhs.text + rhs.text) }

    /// The pieces one after another (a `#for` body), with `separator` between two pieces.
    static func joined(_ pieces: some Sequence<HTML>, separator: HTML = .empty) -> HTML {
        var result = HTML.empty
        var first = true
        for piece in pieces {
            if !first { result.append(separator) }
            result.append(piece)
            first = false
        }
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

    /// Leaf's own `htmlEscaped()`, so a Swift view and a template escape alike; most values (names,
    /// numbers, dates) have nothing to escape and are copied whole, without LeafKit building a
    /// string scalar by scalar.
    static func escape(_ value: String, into text: inout String) {
        if value.utf8.contains(where: { $0 == 0x26 || $0 == 0x22 || $0 == 0x27 || $0 == 0x3C || $0 == 0x3E }) {
            text += value.htmlEscaped()
        } else {
            text += value
        }
    }
}

extension HTML {
    /// The box at the top of a refused form that lists every message, each linking to its field,
    /// so a keyboard or screen-reader user can jump straight to what needs fixing (`#errorSummary`).
    /// `fields` gives the form's fields in the order it shows them, `key` or `key:elementID` when
    /// the input's id differs from the key; messages for other keys follow in key order.
    static func errorSummary(_ errors: FieldErrors, fields: String) -> HTML {
        guard !errors.isEmpty else { return .empty }
        let declared = fields.split(separator: " ").map { part -> (key: String, id: String) in
            let pieces = part.split(separator: ":", maxSplits: 1).map(String.init)
            return (pieces[0], pieces.count > 1 ? pieces[1] : pieces[0])
        }
        let declaredKeys = Set(declared.map(\.key))
        let ordered = declared.filter { errors[$0.key] != nil }
            + errors.messages.keys.filter { !declaredKeys.contains($0) }.sorted().map { (key: $0, id: $0) }
        var html: HTML = #"<div class="alert error-summary" role="alert" id="error-summary" tabindex="-1"><p><strong>\#(t: "form_has_errors")</strong></p><ul>"#
        for field in ordered {
            guard let message = errors[field.key], !message.isEmpty else { continue }
            html.append("<li><a href=\"#\(field.id)\">\(message)</a></li>")
        }
        html.append("</ul></div>")
        return html
    }

    /// The `<option>`s of a `<select>` (`#options`): each choice's value and label, `selected`,
    /// and its hint as `hintAttribute` when given. The report form's people lists are hundreds of
    /// options, which Leaf resolved parameter by parameter in a loop.
    static func options(_ choices: [Choice], hintAttribute: HTML? = nil) -> HTML {
        var html = HTML.empty
        html.text.reserveCapacity(choices.count * 64)
        for choice in choices {
            html.append("<option value=\"\(choice.value)\"")
            if let hintAttribute, let hint = choice.hint { html.append(" \(hintAttribute)=\"\(hint)\"") }
            if choice.selected { html.append(" selected") }
            html.append(">\(choice.label)</option>")
        }
        return html
    }
}

extension HTML {
    /// The week pager at the top of a week's page: the week before and the week after.
    static func weekPager(label: HTML, previous: String, next: String) -> HTML {
        """
        <nav class="pager" aria-label="\(label)">
          <a href="\(previous)" rel="prev">← \(t: "week_previous")</a>
          <a href="\(next)" rel="next">\(t: "week_next") →</a>
        </nav>
        """
    }
}

extension HTML {
    /// A refused field's message under it, `<p class="error">`, with `id="<field>-error"` when the
    /// field points to it (`invalid(_:describedBy:)`); nothing when the field has no error.
    static func fieldError(_ message: String?, id field: String? = nil) -> HTML? {
        guard let message else { return nil }
        guard let field else { return #"<p class="error">\#(message)</p>"# }
        return #"<p class="error" id="\#(field)-error">\#(message)</p>"#
    }

    /// ` aria-invalid="true" aria-describedby="<field>-error"` on a refused field's input.
    static func invalid(_ message: String?, describedBy field: String) -> HTML? {
        message == nil ? nil : #" aria-invalid="true" aria-describedby="\#(field)-error""#
    }
}
