import Fluent
import Foundation
import Vapor

/// One change, kept for good: who, when, what, before and after (JSON). The product offers no
/// way to edit or delete these rows.
final class AuditEntry: Model, @unchecked Sendable {
    static let schema = "audit_entries"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "actor_id") var actorID: UUID
    @Field(key: "at") var at: Date
    /// "report", "target", "leave", "account"…
    @Field(key: "kind") var kind: String
    /// "create", "update", "submit", "update_after_submit", "import"…
    @Field(key: "action") var action: String
    @Field(key: "subject_id") var subjectID: UUID
    @OptionalField(key: "week_id") var weekID: String?
    @OptionalField(key: "before_json") var beforeJSON: String?
    @OptionalField(key: "after_json") var afterJSON: String?

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [
            _id, _communeID, _actorID, _at, _kind, _action, _subjectID, _weekID, _beforeJSON, _afterJSON,
        ]
    }

    init() {}

    init(communeID: UUID, actorID: UUID, at: Date, kind: String, action: String, subjectID: UUID,
         weekID: String? = nil, before: String? = nil, after: String? = nil) {
        self.communeID = communeID
        self.actorID = actorID
        self.at = at
        self.kind = kind
        self.action = action
        self.subjectID = subjectID
        self.weekID = weekID
        self.beforeJSON = before
        self.afterJSON = after
    }

    /// The after snapshot as `T` for code that reads a known shape (the audit pages show any
    /// JSON, see `JSONValue`); nil without one, `StoredDataError` when it does not decode.
    func after<T: Decodable>(_ type: T.Type) throws -> T? {
        try afterJSON.map { try decodeStored(T.self, from: $0, column: "after_json", communeID: communeID) }
    }
}

enum AuditTrail {
    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    static func record<Before: Encodable, After: Encodable>(
        on db: any Database, communeID: UUID, actorID: UUID, at: Date, kind: String, action: String,
        subjectID: UUID, weekID: String? = nil, before: Before?, after: After?
    ) async throws {
        let beforeText = before.map { json($0) }
        let afterText = after.map { json($0) }
        try await AuditEntry(communeID: communeID, actorID: actorID, at: at, kind: kind, action: action, subjectID: subjectID,
                             weekID: weekID, before: beforeText, after: afterText).save(on: db)
    }
}

struct CreateAuditEntries: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(AuditEntry.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("actor_id", .uuid, .required)
            .field("at", .datetime, .required)
            .field("kind", .string, .required)
            .field("action", .string, .required)
            .field("subject_id", .uuid, .required)
            .field("week_id", .string)
            .field("before_json", .string)
            .field("after_json", .string)
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(AuditEntry.schema).delete() }
}
