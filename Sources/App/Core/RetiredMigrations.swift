import Fluent

// Tables GiaoBan no longer uses. Their migrations stay as they ran (a database made by an earlier
// version has them recorded) and a later migration drops the tables.

/// The per-commune and per-person "data version" counters behind the page cache and the cached
/// signed-in context, both removed in issue 20 (pages are built for every request; nothing kept
/// in memory can go stale, so no write has to remember to move a counter).
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
        try await db.schema("commune_versions")
            .field("commune_id", .uuid, .identifier(auto: false))
            .field("version", .int64, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("commune_versions").delete()
    }
}

/// Drops the data-version counters (issue 20). Reverting recreates them empty, as they began.
struct DropDataVersions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("person_versions").delete()
        try await db.schema("commune_versions").delete()
    }

    func revert(on db: any Database) async throws {
        try await CreateCommuneVersions().prepare(on: db)
        try await CreatePersonVersions().prepare(on: db)
    }
}
