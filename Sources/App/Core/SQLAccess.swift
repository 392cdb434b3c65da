import Fluent
import SQLKit

/// The SQL side of the database, for the few hot reads that select plain columns instead of
/// whole models. Both drivers GiaoBan runs on (SQLite and PostgreSQL) are SQL databases.
enum SQLAccess {
    struct NotSQL: Error {}

    static func sql(_ db: any Database) throws -> any SQLDatabase {
        guard let sql = db as? any SQLDatabase else { throw NotSQL() }
        return sql
    }
}
