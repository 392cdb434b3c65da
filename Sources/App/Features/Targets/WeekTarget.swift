import Fluent
import Foundation
import GiaoBanCore

/// A target as a week's pages show it (the group week, the briefing, their Word documents and the
/// API's group week): the columns they show, read as plain values.
///
/// Read as a `Target` model, each target was fourteen property objects made, filled through
/// run-time type lookups and freed again: a twentieth of a group week's time under load (issue 20),
/// and a briefing reads every group's targets. Targets are written, edited and listed as the
/// `Target` model; this is only what the week's pages read of them.
struct WeekTarget: Sendable, Equatable {
    var id: UUID
    var groupID: UUID
    var year: Int
    var code: String
    var name: String
    var unitOfMeasure: String
    /// The year's plan; a stored text that is not a decimal fails the read (`StoredDataError`).
    var planned: Decimal?
    var valueKind: TargetValueKind
    var yearToDateRule: YearToDateRule
    var responsibleUnitID: UUID?

    /// The active targets of some groups for a year, in the order of the target table.
    static func active(ofGroups groupIDs: [UUID], year: Int, on db: any Database) async throws -> [WeekTarget] {
        guard !groupIDs.isEmpty else { return [] }
        let rows = try await SQLAccess.plainRows("""
            SELECT id, commune_id, group_id, year, code, name, unit_of_measure, planned_value, value_kind, ytd_rule, responsible_unit_id
            FROM targets WHERE group_id IN (\(list: groupIDs)) AND year = \(bind: year) AND active = \(bind: true)
            ORDER BY position, code
            """, on: db)
        return try rows.map(WeekTarget.init(row:))
    }

    private init(row: PlainRow) throws {
        func required(_ id: UUID?, _ column: String) throws -> UUID {
            guard let id else { throw StoredDataError(table: Target.schema, column: column, rowID: nil, communeID: nil, underlying: "not an id") }
            return id
        }
        id = try required(try row.id("id"), "id")
        let communeID = try row.id("commune_id")
        groupID = try required(try row.id("group_id"), "group_id")
        year = try row.int("year")
        code = try row.string("code")
        name = try row.string("name")
        unitOfMeasure = try row.string("unit_of_measure")
        let id = id
        planned = try row.optionalString("planned_value").map {
            try DecimalText.stored($0, table: Target.schema, column: "planned_value", rowID: id, communeID: communeID)
        }
        func stored<Value: RawRepresentable<String>>(_ column: String, as type: Value.Type) throws -> Value {
            let text = try row.string(column)
            guard let value = Value(rawValue: text) else {
                throw StoredDataError(table: Target.schema, column: column, rowID: id, communeID: communeID,
                                      underlying: "not a \(Value.self): \"\(text.prefix(40))\"")
            }
            return value
        }
        valueKind = try stored("value_kind", as: TargetValueKind.self)
        yearToDateRule = try stored("ytd_rule", as: YearToDateRule.self)
        responsibleUnitID = try row.optionalID("responsible_unit_id")
    }
}
