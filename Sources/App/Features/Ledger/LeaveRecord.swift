import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// Leave recorded by the office, with a reason: the person is excused from obligations whose
/// deadline falls inside it.
final class LeaveRecord: Model, @unchecked Sendable {
    static let schema = "leaves"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "person_id") var personID: UUID
    @Field(key: "from_date") var fromDate: String
    @Field(key: "to_date") var toDate: String
    @Field(key: "reason") var reason: String
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [
            _id, _communeID, _personID, _fromDate, _toDate, _reason, _createdBy, _createdAt,
        ]
    }

    init() {}
    /// Leave of `person`'s, in their commune: the ledger reads a commune's leave by the
    /// commune's column, so it is never written apart from the person's.
    init(of person: Person, from: LocalDate, to: LocalDate, reason: String, createdBy: UUID, createdAt: Date) throws {
        self.communeID = person.communeID
        self.personID = try person.requireID()
        self.fromDate = from.iso
        self.toDate = to.iso
        self.reason = reason
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    var period: LeavePeriod? {
        guard let from = LocalDate(iso: fromDate), let to = LocalDate(iso: toDate) else { return nil }
        return LeavePeriod(from: from, to: to, reason: reason)
    }
}

struct CreateLeaves: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(LeaveRecord.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("person_id", .uuid, .required, .references(Person.schema, "id", onDelete: .cascade))
            .field("from_date", .string, .required)
            .field("to_date", .string, .required)
            .field("reason", .string, .required)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime, .required)
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(LeaveRecord.schema).delete() }
}

/// People can have a first working day: weeks that ended before it do not count in the ledger.
struct UpdatePeopleAddJoinedOn: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Person.schema).field("joined_on", .string).update()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(Person.schema).deleteField("joined_on").update()
    }
}
