import Leaf
import Vapor

/// `#errorSummary(view.errors, t.form_has_errors, "fullName position username:user-name")`: the
/// box at the top of a refused form that lists every message, each linking to its field, so a
/// keyboard or screen-reader user can jump straight to what needs fixing.
///
/// The third parameter gives the fields in the order the form shows them (`key` or `key:elementID`
/// when the input's id differs from the key); messages for other keys follow in key order.
struct ErrorSummaryTag: UnsafeUnescapedLeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let errors = ctx.parameters.first?.dictionary, !errors.isEmpty else { return .string("") }
        let heading = ctx.parameters.count > 1 ? ctx.parameters[1].string ?? "" : ""
        let declared = (ctx.parameters.count > 2 ? ctx.parameters[2].string ?? "" : "")
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
