import Fluent
import Foundation
import GiaoBanCore
import NIOConcurrencyHelpers
import SQLKit
import SQLiteKit
import SQLiteNIO

/// A row of a read that returns thousands of plain columns (a commune's year of submissions, a
/// group's year of figures). On SQLite the values are read as SQLite gives them: through SQLKit
/// each value went through a `Decoder` that looks up its type's conversion at run time, and each
/// row was handed to the event loop as a task of its own; together half the time of a year's
/// ledger. On PostgreSQL it is SQLKit's row. Either way a value reads exactly as
/// `SQLRow.decode(column:as:)` would read it.
struct PlainRow {
    /// The row as SQLite gave it (`DirectReads`); nil when the row is SQLKit's (`sql`). Two
    /// optionals rather than an enum: a value is read through `direct?.…` in place, where
    /// matching an enum's case copied the row (and counted its references) at every column.
    private let direct: DirectRow?
    private let sql: (any SQLRow)?

    fileprivate init(direct: DirectRow) {
        self.direct = direct
        sql = nil
    }

    fileprivate init(sql: any SQLRow) {
        direct = nil
        self.sql = sql
    }

    struct Unreadable: Error, CustomStringConvertible {
        var column: String
        var type: String
        var description: String { "The column \(column) does not hold a \(type)." }
    }

    /// The row as an `SQLRow`, to decode a model or a part of one from it (the direct row's
    /// values convert as SQLKit's would, see `DirectRow.decode(column:as:)`).
    var asSQLRow: any SQLRow { direct ?? sqlRow }

    /// The SQLKit row; only called where `direct` is nil.
    private var sqlRow: any SQLRow {
        guard let sql else { preconditionFailure("a plain row holds a direct or an SQLKit row") }
        return sql
    }

    /// A value read as SQLite converts it to `T` (the conversion SQLiteKit's `Decoder` ends in,
    /// without its run-time lookup), or as SQLKit decodes it.
    private func value<T: SQLiteDataConvertible & Decodable>(_ column: String, as type: T.Type) throws -> T {
        guard direct != nil else { return try sqlRow.decode(column: column, as: T.self) }
        guard let data = direct?.data(column), let value = T(sqliteData: data) else { throw Unreadable(column: column, type: "\(T.self)") }
        return value
    }

    func string(_ column: String) throws -> String { try value(column, as: String.self) }
    func int(_ column: String) throws -> Int { try value(column, as: Int.self) }
    func date(_ column: String) throws -> Date { try value(column, as: Date.self) }
    func bool(_ column: String) throws -> Bool { try value(column, as: Bool.self) }

    /// A column that may be NULL: nil then, else read as `value(_:as:)` reads it.
    private func optionalValue<T: SQLiteDataConvertible & Decodable>(_ column: String, as type: T.Type) throws -> T? {
        guard direct != nil else {
            // SQLKit reads a missing column as NULL; a misspelled column is an error on both paths.
            let row = sqlRow
            guard row.contains(column: column) else { throw Unreadable(column: column, type: "\(T?.self)") }
            return try row.decodeNil(column: column) ? nil : row.decode(column: column, as: T.self)
        }
        guard let data = direct?.data(column) else { throw Unreadable(column: column, type: "\(T?.self)") }
        if case .null = data { return nil }
        guard let value = T(sqliteData: data) else { throw Unreadable(column: column, type: "\(T.self)") }
        return value
    }

    func optionalString(_ column: String) throws -> String? { try optionalValue(column, as: String.self) }

    /// An id column that may be NULL; a value that is not a UUID is an error, as it is for a model.
    func optionalID(_ column: String) throws -> UUID? {
        guard direct != nil else {
            let row = sqlRow
            guard row.contains(column: column) else { throw Unreadable(column: column, type: "UUID?") }
            return try row.decodeNil(column: column) ? nil : row.decode(column: column, as: UUID.self)
        }
        guard let text = try optionalString(column) else { return nil }
        guard let id = SQLAccess.uuid(text) else { throw Unreadable(column: column, type: "UUID") }
        return id
    }

    /// An id column (see `SQLAccess.id`); nil when it is not a UUID.
    func id(_ column: String) throws -> UUID? {
        guard direct != nil else { return try SQLAccess.id(sqlRow, column) }
        return SQLAccess.uuid(try string(column))
    }

    /// An id column as `UUID.canonicalText` text (see `SQLAccess.idText`).
    func idText(_ column: String) throws -> String {
        guard direct != nil else { return try SQLAccess.idText(sqlRow, column) }
        return SQLAccess.idText(try string(column))
    }
}

extension SQLAccess {
    /// The rows of a read of plain columns, read directly on SQLite (see `PlainRow`, `DirectReads`).
    static func plainRows(_ query: SQLText, on db: any Database) async throws -> [PlainRow] {
        if let tuned = db as? SQLiteTuning.TunedDatabase, let rows = try tuned.directRows(query) {
            return rows.map { PlainRow(direct: $0) }
        }
        return try await sql(db).raw(query.query).all().map { PlainRow(sql: $0) }
    }
}
