import SQLKit

/// A read's SQL and its values, as the hot reads write it (`SQLAccess.models`, `plainRows`): on
/// SQLite it becomes its text and values directly; elsewhere (PostgreSQL, a transaction) SQLKit's
/// `SQLQueryString` of the same statement.
///
/// SQLKit turns a statement into text by walking a tree of expressions (a raw piece, a list, a
/// bind and its placeholder each through a protocol, the dialect asked once per value): 6 % of a
/// group week's time under load, for a dozen statements SQLite answers in 5–40 µs. Here the pieces
/// are three cases, written in one pass with the placeholders SQLiteKit writes (`?1`, `?2`, …), so
/// a statement has the same text, and the same prepared statement, either way.
struct SQLText: ExpressibleByStringInterpolation, Sendable {
    fileprivate enum Piece: Sendable {
        case raw(String)
        case bind(any Encodable & Sendable)
        /// Values separated by commas; none is `NULL` (see `appendInterpolation(list:)`).
        case list([any Encodable & Sendable])
    }

    fileprivate var pieces: [Piece]

    init(stringLiteral text: String) { pieces = [.raw(text)] }
    init(stringInterpolation: Interpolation) { pieces = stringInterpolation.pieces }

    struct Interpolation: StringInterpolationProtocol {
        fileprivate var pieces: [Piece] = []

        init(literalCapacity: Int, interpolationCount: Int) { pieces.reserveCapacity(2 * interpolationCount + 1) }
        mutating func appendLiteral(_ literal: String) { if !literal.isEmpty { pieces.append(.raw(literal)) } }
        mutating func appendInterpolation(bind value: any Encodable & Sendable) { pieces.append(.bind(value)) }
        /// The values of an `IN (…)` list, each a bind; an empty list is `NULL`, which matches no
        /// row on either database (PostgreSQL refuses `IN ()`).
        mutating func appendInterpolation(list values: [any Encodable & Sendable]) { pieces.append(.list(values)) }
        /// Text written as it is: only names and fragments of the code's own, never input.
        mutating func appendInterpolation(unsafeRaw text: String) { pieces.append(.raw(text)) }
        /// A part of a statement written apart (a condition that is there or not).
        mutating func appendInterpolation(_ part: SQLText) { pieces += part.pieces }
    }

    static func + (first: SQLText, second: SQLText) -> SQLText {
        var joined = first
        joined.pieces += second.pieces
        return joined
    }

    /// The statement as SQLKit writes it, for the databases and connections that go through SQLKit.
    var query: SQLQueryString {
        var interpolation = SQLQueryString.StringInterpolation(literalCapacity: 0, interpolationCount: pieces.count)
        for piece in pieces {
            switch piece {
            case .raw(let text): interpolation.appendLiteral(text)
            case .bind(let value): interpolation.appendInterpolation(bind: value)
            case .list(let values): interpolation.appendInterpolation(list: values)
            }
        }
        return SQLQueryString(stringInterpolation: interpolation)
    }

    /// SQLite's text and the values in the order of their placeholders.
    var sqlite: (text: String, values: [any Encodable & Sendable]) {
        var text = ""
        var values: [any Encodable & Sendable] = []
        func placeholder(_ value: any Encodable & Sendable) {
            values.append(value)
            text += "?"
            text += String(values.count)
        }
        for piece in pieces {
            switch piece {
            case .raw(let raw): text += raw
            case .bind(let value): placeholder(value)
            case .list(let list):
                if list.isEmpty { text += "NULL" }
                for (index, value) in list.enumerated() {
                    if index > 0 { text += ", " }
                    placeholder(value)
                }
            }
        }
        return (text, values)
    }
}
