import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// A briefing moved away from its usual slot for one week (SPEC §3).
final class BriefingMoveRecord: Model, @unchecked Sendable {
    static let schema = "briefing_moves"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "week_id") var weekID: String
    @Field(key: "slot_key") var slotKey: String
    @Field(key: "date") var date: String
    @Field(key: "start_time") var startTime: String
    @Field(key: "end_time") var endTime: String
    @Field(key: "reason") var reason: String
    @Field(key: "moved_by") var movedBy: UUID
    @Field(key: "moved_at") var movedAt: Date

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [
            _id, _communeID, _weekID, _slotKey, _date, _startTime, _endTime, _reason, _movedBy, _movedAt,
        ]
    }

    init() {}

    init(communeID: UUID, move: BriefingMove, movedBy: UUID, movedAt: Date) {
        self.communeID = communeID
        self.weekID = move.week.description
        self.slotKey = move.slotKey
        self.date = move.date.iso
        self.startTime = move.start.text
        self.endTime = move.end.text
        self.reason = move.reason
        self.movedBy = movedBy
        self.movedAt = movedAt
    }

    var move: BriefingMove? {
        guard let week = ReportWeekID(weekID), let date = LocalDate(iso: date),
              let start = LocalTime(string: startTime), let end = LocalTime(string: endTime) else { return nil }
        return BriefingMove(week: week, slotKey: slotKey, date: date, start: start, end: end, reason: reason)
    }

    static func moves(communeID: UUID, weeks: [ReportWeekID], on db: any Database) async throws -> [BriefingMove] {
        guard !weeks.isEmpty else { return [] }
        return try await SQLAccess.models(BriefingMoveRecord.self,
                                          where: "commune_id = \(bind: communeID) AND week_id IN (\(list: weeks.map(\.description)))", on: db)
            .compactMap(\.move)
    }
}
