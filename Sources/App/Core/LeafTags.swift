import Leaf
import Vapor

/// `#errorSummary(view.errors, "fullName position username:user-name")`: the
/// box at the top of a refused form that lists every message, each linking to its field, so a
/// keyboard or screen-reader user can jump straight to what needs fixing.
///
/// The second parameter gives the fields in the order the form shows them (`key` or `key:elementID`
/// when the input's id differs from the key); messages for other keys follow in key order.
struct ErrorSummaryTag: UnsafeUnescapedLeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let errors = ctx.parameters.first?.dictionary, !errors.isEmpty else { return .string("") }
        let heading = Strings.vietnamese["form_has_errors"] ?? ""
        let declared = (ctx.parameters.count > 1 ? ctx.parameters[1].string ?? "" : "")
            .split(separator: " ").map { part -> (key: String, id: String) in
                let pieces = part.split(separator: ":", maxSplits: 1).map(String.init)
                return (pieces[0], pieces.count > 1 ? pieces[1] : pieces[0])
            }
        let declaredKeys = Set(declared.map(\.key))
        let ordered = declared.filter { errors[$0.key] != nil }
            + errors.keys.filter { !declaredKeys.contains($0) }.sorted().map { (key: $0, id: $0) }
        var html = #"<div class="alert error-summary" role="alert" id="error-summary" tabindex="-1">"#
        html += "<p><strong>\(heading.htmlEscaped())</strong></p><ul>"
        for field in ordered {
            guard let message = errors[field.key]?.string, !message.isEmpty else { continue }
            html += "<li><a href=\"#\(field.id.htmlEscaped())\">\(message.htmlEscaped())</a></li>"
        }
        return .string(html + "</ul></div>")
    }
}

/// `#t("key")`: a word of the UI from `Strings`, escaped like any other value. A template asks for
/// the words it shows instead of every page carrying the whole table in its model. An unknown key
/// shows the key itself (and `StringsTagTests` checks that every key the templates use exists).
struct StringsTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        try ctx.requireParameterCount(1)
        guard let key = ctx.parameters[0].string else { throw Abort(.internalServerError, reason: "#t takes its key as a string") }
        return .string(Strings.vietnamese[key] ?? key)
    }
}

/// `#options(list)`: the `<option>`s of a `<select>` from a list of `Choice`s (value, label,
/// selected), escaped as `#(…)` escapes. `#options(list, "data-unit")` also writes each choice's
/// hint as that attribute. One tag instead of a `#for` with an `#if` per option: the report form's
/// people lists are hundreds of options, and Leaf resolves every parameter of a loop body anew.
struct OptionsTag: UnsafeUnescapedLeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let choices = ctx.parameters.first?.array else { return .string("") }
        let hintAttribute = ctx.parameters.count > 1 ? ctx.parameters[1].string : nil
        var html = ""
        html.reserveCapacity(choices.count * 64)
        for choice in choices {
            guard let fields = choice.dictionary else { continue }
            html += "<option value=\""
            html += (fields["value"]?.string ?? "").htmlEscaped()
            html += "\""
            if let hintAttribute, let hint = fields["hint"], !hint.isNil {
                html += " \(hintAttribute)=\"" + (hint.string ?? "").htmlEscaped() + "\""
            }
            if fields["selected"]?.bool == true { html += " selected" }
            html += ">" + (fields["label"]?.string ?? "").htmlEscaped() + "</option>"
        }
        return .string(html)
    }
}
