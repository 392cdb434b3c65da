import GiaoBanCore
import Fluent
import Foundation
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
    fileprivate enum Storage {
        case direct(DirectRow)
        case sql(any SQLRow)
    }

    fileprivate let storage: Storage

    struct Unreadable: Error, CustomStringConvertible {
        var column: String
        var type: String
        var description: String { "The column \(column) does not hold a \(type)." }
    }

    /// A value read as SQLite converts it to `T` (the conversion SQLiteKit's `Decoder` ends in,
    /// without its run-time lookup), or as SQLKit decodes it.
    private func value<T: SQLiteDataConvertible & Decodable>(_ column: String, as type: T.Type) throws -> T {
        switch storage {
        case .direct(let row):
            guard let data = row.data(column), let value = T(sqliteData: data) else { throw Unreadable(column: column, type: "\(T.self)") }
            return value
        case .sql(let row):
            return try row.decode(column: column, as: T.self)
        }
    }

    func string(_ column: String) throws -> String { try value(column, as: String.self) }
    func int(_ column: String) throws -> Int { try value(column, as: Int.self) }
    func date(_ column: String) throws -> Date { try value(column, as: Date.self) }
    func bool(_ column: String) throws -> Bool { try value(column, as: Bool.self) }

    /// A column that may be NULL: nil then, else read as `value(_:as:)` reads it.
    private func optionalValue<T: SQLiteDataConvertible & Decodable>(_ column: String, as type: T.Type) throws -> T? {
        switch storage {
        case .direct(let row):
            guard let data = row.data(column) else { throw Unreadable(column: column, type: "\(T?.self)") }
            if case .null = data { return nil }
            return try value(column, as: T.self)
        case .sql(let row):
            // SQLKit reads a missing column as NULL; a misspelled column is an error on both paths.
            guard row.contains(column: column) else { throw Unreadable(column: column, type: "\(T?.self)") }
            return try row.decodeNil(column: column) ? nil : row.decode(column: column, as: T.self)
        }
    }

    func optionalString(_ column: String) throws -> String? { try optionalValue(column, as: String.self) }

    /// An id column that may be NULL; a value that is not a UUID is an error, as it is for a model.
    func optionalID(_ column: String) throws -> UUID? {
        switch storage {
        case .direct:
            guard let text = try optionalString(column) else { return nil }
            guard let id = SQLAccess.uuid(text) else { throw Unreadable(column: column, type: "UUID") }
            return id
        case .sql(let row):
            guard row.contains(column: column) else { throw Unreadable(column: column, type: "UUID?") }
            return try row.decodeNil(column: column) ? nil : row.decode(column: column, as: UUID.self)
        }
    }

    /// An id column (see `SQLAccess.id`); nil when it is not a UUID.
    func id(_ column: String) throws -> UUID? {
        switch storage {
        case .direct: return SQLAccess.uuid(try string(column))
        case .sql(let row): return try SQLAccess.id(row, column)
        }
    }

    /// An id column as `UUID.canonicalText` text (see `SQLAccess.idText`).
    func idText(_ column: String) throws -> String {
        switch storage {
        case .direct: return SQLAccess.idText(try string(column))
        case .sql(let row): return try SQLAccess.idText(row, column)
        }
    }
}

extension SQLAccess {
    /// The rows of a read of plain columns, read directly on SQLite (see `PlainRow`, `DirectReads`).
    static func plainRows(_ query: SQLText, on db: any Database) async throws -> [PlainRow] {
        if let tuned = db as? SQLiteTuning.TunedDatabase, let rows = try tuned.directRows(query) {
            return rows.map { PlainRow(storage: .direct($0)) }
        }
        return try await sql(db).raw(query.query).all().map { PlainRow(storage: .sql($0)) }
    }
}
