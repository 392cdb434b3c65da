import Fluent
import FluentSQL
import Foundation
import GiaoBanCore
import NIOConcurrencyHelpers
import SQLKit

/// The SQL side of the database, for the few hot reads that select plain columns instead of
/// whole models. Both drivers GiaoBan runs on (SQLite and PostgreSQL) are SQL databases.
enum SQLAccess {
    struct NotSQL: Error {}
    /// A stored id that is not a UUID (the database was written by something else than GiaoBan).
    struct UnreadableID: Error { var column: String }

    static func sql(_ db: any Database) throws -> any SQLDatabase {
        guard let sql = db as? any SQLDatabase else { throw NotSQL() }
        return sql
    }

    /// An id column as `UUID.canonicalText` text. SQLite keeps ids as that text already, so a hot
    /// read compares strings instead of parsing thousands of UUIDs (Foundation parses them with
    /// `sscanf`); PostgreSQL's native `uuid` is decoded and formatted.
    static func idText(_ row: any SQLRow, _ column: String) throws -> String {
        if let text = try? row.decode(column: column, as: String.self) { return idText(text) }
        return try row.decode(column: column, as: UUID.self).canonicalText
    }

    /// Stored id text as `UUID.canonicalText` spells it (upper case).
    static func idText(_ text: String) -> String {
        text.utf8.contains(where: { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f") }) ? text.uppercased() : text
    }

    /// An id column as a UUID (SQLite's text parsed by `uuid(_:)`, PostgreSQL's native uuid as is).
    static func id(_ row: any SQLRow, _ column: String) throws -> UUID? {
        if let text = try? row.decode(column: column, as: String.self) { return uuid(text) }
        return try row.decode(column: column, as: UUID.self)
    }

    /// A UUID's 36-character text, in either case, parsed by hand: Foundation parses with
    /// `sscanf`, which showed in the profiles of pages that read hundreds of id lists. Written
    /// into the UUID's own bytes (an array per id showed too).
    static func uuid(_ text: some StringProtocol) -> UUID? {
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let valid = withUnsafeMutableBytes(of: &value) { bytes -> Bool in
            var written = 0
            var high: UInt8?
            var position = 0
            for character in text.utf8 {
                defer { position += 1 }
                if position == 8 || position == 13 || position == 18 || position == 23 {
                    guard character == UInt8(ascii: "-") else { return false }
                    continue
                }
                let nibble: UInt8
                switch character {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = character - UInt8(ascii: "A") + 10
                default: return false
                }
                if let first = high {
                    guard written < 16 else { return false }
                    bytes[written] = first << 4 | nibble
                    written += 1
                    high = nil
                } else {
                    high = nibble
                }
            }
            return position == 36 && written == 16
        }
        return valid ? UUID(uuid: value) : nil
    }

    /// An aggregate of ids as comma-separated text, in the database's own spelling; read back with `ids(_:_:)`.
    static func idList(_ sql: any SQLDatabase, _ expression: String) -> String {
        idList(dialect: sql.dialect.name, expression)
    }

    static func idList(dialect: String, _ expression: String) -> String {
        dialect == "postgresql" ? "string_agg(\(expression)::text, ',')" : "group_concat(\(expression), ',')"
    }

    /// The ids of an `idList` column (none when NULL).
    static func ids(_ row: any SQLRow, _ column: String) throws -> Set<UUID> {
        let text = try row.decode(column: column, as: String?.self) ?? ""
        return Set(text.split(separator: ",").compactMap { uuid($0) })
    }

    /// Whether `first`'s bytes come before `second`'s: the order of their `canonicalText`, so ids
    /// are put in a stable order (a person's units, namesakes) without writing them.
    static func bytesPrecede(_ first: UUID, _ second: UUID) -> Bool {
        withUnsafeBytes(of: first.uuid) { a in
            withUnsafeBytes(of: second.uuid) { b in
                for index in 0..<16 where a[index] != b[index] { return a[index] < b[index] }
                return false
            }
        }
    }

    /// A model's rows read by a short statement of plain SQL: `SELECT` its columns `FROM` its table
    /// `WHERE condition` (and `ORDER BY`), decoded as Fluent decodes them. For the reads of the
    /// hottest pages: Fluent's own statements alias every column (`"targets"."id" AS
    /// "targets_id", …`) and build an expression tree per query, and turning that tree into text
    /// and SQLite parsing the text were 12 % of the group week page (issue 20).
    static func models<M: Model>(_ type: M.Type, where condition: SQLText, orderBy order: [PartialKeyPath<M>] = [],
                                 on db: any Database) async throws -> [M] {
        var statement: SQLText = "SELECT \(unsafeRaw: columns(of: M.self)) FROM \(unsafeRaw: M.schema) WHERE " + condition
        if !order.isEmpty {
            // The columns come from the model's own properties, so a sort cannot name a column that is not there.
            let model = M()
            let columns = order.map { path -> String in
                guard let property = model[keyPath: path] as? any AnyQueryableProperty, property.path.count == 1
                else { preconditionFailure("\(path) is not a stored column of \(M.schema)") }
                return property.path[0].description
            }
            statement = statement + " ORDER BY \(unsafeRaw: columns.joined(separator: ", "))"
        }
        // Rows read directly on SQLite (else SQLKit's), decoded as Fluent decodes them.
        if let tuned = db as? SQLiteTuning.TunedDatabase, let rows = try tuned.directRows(statement) {
            return try rows.map { try $0.decode(fluentModel: M.self) }
        }
        return try await sql(db).raw(statement.query).all().map { try $0.decode(fluentModel: M.self) }
    }

    /// The stored columns of a model, comma-separated, worked out once per model type.
    static func columns<M: Model>(of type: M.Type) -> String {
        let key = ObjectIdentifier(M.self)
        if let known = columnLists.withLockedValue({ $0[key] }) { return known }
        let list = M().properties.compactMap { $0 as? any AnyDatabaseProperty }.flatMap(\.keys).map(\.description).joined(separator: ", ")
        columnLists.withLockedValue { $0[key] = list }
        return list
    }

    private static let columnLists = NIOLockedValueBox<[ObjectIdentifier: String]>([:])

    /// `alias.column AS prefixcolumn, …` for every stored field of a model, to read it from a joined
    /// row through `PrefixedRow`.
    static func prefixedColumns<M: Model>(_ model: M.Type, alias: String, prefix: String) -> String {
        M().properties.compactMap { $0 as? any AnyDatabaseProperty }.flatMap(\.keys).map(\.description)
            .map { "\(alias).\($0) AS \(prefix)\($0)" }.joined(separator: ", ")
    }
}

extension SQLQueryString.StringInterpolation {
    /// The values of an `IN (…)` list, each a bind. An empty list becomes `NULL`, which matches no
    /// row on either database: PostgreSQL refuses `IN ()` as a syntax error (SQLite accepts it),
    /// and Fluent's own filters turned an empty list into a false condition the same way.
    mutating func appendInterpolation(list values: [any Encodable & Sendable]) {
        if values.isEmpty { appendLiteral("NULL") } else { appendInterpolation(binds: values) }
    }
}
