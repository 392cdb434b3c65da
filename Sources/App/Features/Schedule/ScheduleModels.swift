import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// An item the office put on the weekly schedule, or an override of a reporter's plan item
/// (edited by the office, or hidden when it duplicates another).
final class ScheduleEntry: Model, @unchecked Sendable {
    static let schema = "schedule_items"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "week_id") var weekID: String
    @Field(key: "date") var date: String
    @Field(key: "start_time") var start: String
    @Field(key: "end_time") var end: String
    @Field(key: "title") var title: String
    @OptionalField(key: "room_id") var roomID: UUID?
    @OptionalField(key: "place") var place: String?
    @OptionalField(key: "chair_id") var chairID: UUID?
    @Field(key: "participant_ids") var participantJSON: String
    @Field(key: "unit_ids") var unitJSON: String
    @OptionalField(key: "prepared_by") var preparedBy: String?
    /// The report the item came from, when it replaces a reporter's plan item.
    @OptionalField(key: "source_report_id") var sourceReportID: UUID?
    /// The plan item this row overrides ("reportID:position").
    @OptionalField(key: "source_plan_key") var sourcePlanKey: String?
    /// A hidden override removes the plan item (deleted or merged into another item).
    @Field(key: "hidden") var hidden: Bool
    @Field(key: "updated_by") var updatedBy: UUID
    @Field(key: "updated_at") var updatedAt: Date

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [
            _id, _communeID, _weekID, _date, _start, _end, _title, _roomID, _place, _chairID, _participantJSON,
            _unitJSON, _preparedBy, _sourceReportID, _sourcePlanKey, _hidden, _updatedBy, _updatedAt,
        ]
    }

    init() {}

    var participantIDs: [UUID] {
        get throws { try decodeStoredList(UUID.self, from: participantJSON, column: "participant_ids", communeID: communeID) }
    }
    var unitIDs: [UUID] {
        get throws { try decodeStoredList(UUID.self, from: unitJSON, column: "unit_ids", communeID: communeID) }
    }

    func setParticipantIDs(_ ids: [UUID]) { participantJSON = IDList.encode(ids) }
    func setUnitIDs(_ ids: [UUID]) { unitJSON = IDList.encode(ids) }
}

/// The published state of a week's schedule: what everyone reads, frozen at publication.
final class SchedulePublication: Model, @unchecked Sendable {
    static let schema = "schedule_publications"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "week_id") var weekID: String
    @Field(key: "published_at") var publishedAt: Date
    @Field(key: "published_by") var publishedBy: UUID
    /// The published items as JSON (`[ScheduleItemDTO]`).
    @Field(key: "items_json") var itemsJSON: String

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] { [_id, _communeID, _weekID, _publishedAt, _publishedBy, _itemsJSON] }

    init() {}

    /// Throws `StoredDataError` when the stored JSON does not decode: an empty published schedule
    /// in its place would tell everyone the week has no meetings.
    var items: [ScheduleItemDTO] {
        get throws { try decodeStoredList(ScheduleItemDTO.self, from: itemsJSON, column: "items_json", communeID: communeID) }
    }
}

struct CreateSchedule: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(ScheduleEntry.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("week_id", .string, .required)
            .field("date", .string, .required)
            .field("start_time", .string, .required)
            .field("end_time", .string, .required)
            .field("title", .string, .required)
            .field("room_id", .uuid, .references(Room.schema, "id"))
            .field("place", .string)
            .field("chair_id", .uuid, .references(Person.schema, "id"))
            .field("participant_ids", .string, .required)
            .field("unit_ids", .string, .required)
            .field("prepared_by", .string)
            .field("source_report_id", .uuid)
            .field("source_plan_key", .string)
            .field("hidden", .bool, .required)
            .field("updated_by", .uuid, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await db.schema(SchedulePublication.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("week_id", .string, .required)
            .field("published_at", .datetime, .required)
            .field("published_by", .uuid, .required)
            .field("items_json", .string, .required)
            .unique(on: "commune_id", "week_id")
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(SchedulePublication.schema).delete()
        try await db.schema(ScheduleEntry.schema).delete()
    }
}

/// Rooms become resources of a kind (room, equipment, vehicle) with opening hours.
struct UpdateRoomsAddKindAndHours: AsyncMigration {
    func prepare(on db: any Database) async throws {
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        try await db.schema(Room.schema).field("resource_kind", .string).update()
        try await db.schema(Room.schema).field("opens_at", .string).update()
        try await db.schema(Room.schema).field("closes_at", .string).update()
    }
    func revert(on db: any Database) async throws {
        for field in ["closes_at", "opens_at", "resource_kind"] {
            try await db.schema(Room.schema).deleteField(.string(field)).update()
        }
    }
}
