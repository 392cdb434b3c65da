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
        let messages = errors.compactMapValues(\.string)
        let fields = ctx.parameters.count > 1 ? ctx.parameters[1].string ?? "" : ""
        return .string(HTML.errorSummary(FieldErrors(messages: messages), fields: fields).text)
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
        guard let list = ctx.parameters.first?.array else { return .string("") }
        let hintAttribute = ctx.parameters.count > 1 ? ctx.parameters[1].string : nil
        let choices = list.compactMap { choice -> Choice? in
            guard let fields = choice.dictionary else { return nil }
            let hint = fields["hint"].flatMap { $0.isNil ? nil : ($0.string ?? "") }
            return Choice(value: fields["value"]?.string ?? "", label: fields["label"]?.string ?? "",
                          selected: fields["selected"]?.bool == true, hint: hint)
        }
        return .string(HTML.options(choices, hintAttribute: hintAttribute.map(HTML.init(alreadyEscaped:))).text)
    }
}
