import Fluent
import Foundation
import SQLKit
import Vapor

/// A counter per commune that every change to the commune's data moves on. Whatever a server keeps
/// in memory about a commune (the signed-in context, rendered pages) is valid only for the version
/// it was built at, so several servers sharing one database never serve each other's stale copies:
/// the version lives in the database, read in the same query as the session.
enum DataVersion {
    static let schema = "commune_versions"

    /// Moves the commune's version on. Called after the change committed, so a reader that sees the
    /// new version also sees the change.
    static func bump(communeID: UUID, on db: any Database) async throws {
        try await SQLAccess.sql(db).raw("""
            INSERT INTO commune_versions (commune_id, version) VALUES (\(bind: communeID), 1)
            ON CONFLICT (commune_id) DO UPDATE SET version = commune_versions.version + 1
            """).run()
    }

    /// Moves one person's own version on: for changes only they see (the autosaved typing of
    /// their report form), so that their colleagues' pages are kept.
    static func bump(personID: UUID, on db: any Database) async throws {
        try await SQLAccess.sql(db).raw("""
            INSERT INTO person_versions (person_id, version) VALUES (\(bind: personID), 1)
            ON CONFLICT (person_id) DO UPDATE SET version = person_versions.version + 1
            """).run()
    }

    /// Moves the commune on and drops what this server keeps of it at once (other servers see the
    /// new version with their next session read).
    static func changed(communeID: UUID, app: Application, on db: any Database) async throws {
        try await bump(communeID: communeID, on: db)
        app.signedInCache.forget(communeID: communeID)
        app.pageCache.forget(communeID: communeID)
    }

    /// The commune's current version (0 before its first change).
    static func current(communeID: UUID, on db: any Database) async throws -> Int64 {
        let row = try await SQLAccess.sql(db).raw("SELECT version FROM commune_versions WHERE commune_id = \(bind: communeID)").first()
        return try row?.decode(column: "version", as: Int64.self) ?? 0
    }
}

struct CreatePersonVersions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("person_versions")
            .field("person_id", .uuid, .identifier(auto: false))
            .field("version", .int64, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("person_versions").delete()
    }
}

struct CreateCommuneVersions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(DataVersion.schema)
            .field("commune_id", .uuid, .identifier(auto: false))
            .field("version", .int64, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(DataVersion.schema).delete()
    }
}

extension Request {
    private struct DataVersionKey: StorageKey { typealias Value = Int64 }
    private struct PersonalVersionKey: StorageKey { typealias Value = Int64 }
    private struct PersonalChangeKey: StorageKey { typealias Value = Bool }

    /// The signed-in user's commune version as read with their session or token.
    var dataVersion: Int64? {
        get { storage[DataVersionKey.self] }
        set { storage[DataVersionKey.self] = newValue }
    }

    /// The signed-in user's own version (changes only they see), read with the commune's.
    var personalDataVersion: Int64 {
        get { storage[PersonalVersionKey.self] ?? 0 }
        set { storage[PersonalVersionKey.self] = newValue }
    }

    /// Set by a handler whose change only the signed-in person sees: `DataVersionMiddleware`
    /// then moves their own version on instead of the commune's.
    var changedOnlyForSelf: Bool {
        get { storage[PersonalChangeKey.self] ?? false }
        set { storage[PersonalChangeKey.self] = newValue }
    }
}

/// Moves the signed-in user's commune on after every request that may have changed something
/// (anything but GET/HEAD/OPTIONS), refused or not: a refused form may still have saved a draft.
/// Background work (reminders) and commands bump on their own.
struct DataVersionMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard ![.GET, .HEAD, .OPTIONS].contains(request.method) else {
            return try await next.respond(to: request)
        }
        do {
            let response = try await next.respond(to: request)
            await bump(request)
            return response
        } catch {
            await bump(request)
            throw error
        }
    }

    /// Never fails the request: the change itself is committed (answering 500 would invite a
    /// second submission, and the SQLite retry would run the request again). What the servers
    /// keep expires with the minute anyway, so a lost bump costs at most a minute's staleness.
    private func bump(_ request: Request) async {
        guard let user = request.currentUser else { return }
        do {
            if request.changedOnlyForSelf {
                try await DataVersion.bump(personID: user.personID, on: request.db)
            } else {
                try await DataVersion.changed(communeID: user.communeID, app: request.application, on: request.db)
            }
        } catch {
            request.logger.error("Could not move the data version on: \(String(reflecting: error))")
        }
    }
}
