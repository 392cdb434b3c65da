import Fluent
import Foundation
import SQLKit

/// The SQL side of the database, for the few hot reads that select plain columns instead of
/// whole models. Both drivers GiaoBan runs on (SQLite and PostgreSQL) are SQL databases.
enum SQLAccess {
    struct NotSQL: Error {}

    static func sql(_ db: any Database) throws -> any SQLDatabase {
        guard let sql = db as? any SQLDatabase else { throw NotSQL() }
        return sql
    }

    /// An id column as `UUID.uuidString` text. SQLite keeps ids as that text already, so a hot
    /// read compares strings instead of parsing thousands of UUIDs (Foundation parses them with
    /// `sscanf`); PostgreSQL's native `uuid` is decoded and formatted.
    static func idText(_ row: any SQLRow, _ column: String) throws -> String {
        if let text = try? row.decode(column: column, as: String.self) { return text.uppercased() }
        return try row.decode(column: column, as: UUID.self).uuidString
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
        return Set(text.split(separator: ",").compactMap { UUID(uuidString: String($0)) })
    }

    /// The same ids in a stable order (the aggregate's order is the database's choice).
    static func sortedIDs(_ row: any SQLRow, _ column: String) throws -> [UUID] {
        try ids(row, column).sorted { $0.uuidString < $1.uuidString }
    }

    /// `alias.column AS prefixcolumn, …` for every stored field of a model, to read it from a joined
    /// row through `PrefixedRow`.
    static func prefixedColumns<M: Model>(_ model: M.Type, alias: String, prefix: String) -> String {
        M().properties.compactMap { $0 as? any AnyDatabaseProperty }.flatMap(\.keys).map(\.description)
            .map { "\(alias).\($0) AS \(prefix)\($0)" }.joined(separator: ", ")
    }
}
