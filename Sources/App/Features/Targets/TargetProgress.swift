import Fluent
import Foundation
import GiaoBanCore
import SQLKit
import Vapor

/// A target's figures for a week: that week's figure, the year-to-date figure and % of plan.
/// Only the completed figure a responsible person submitted counts (SPEC §4.2), one per week.
struct TargetProgress: Sendable {
    var targetID: UUID
    var week: ReportWeekID
    var weekValue: Decimal?
    var yearToDate: Decimal?
    var planned: Decimal?
    var percent: Decimal?
}

enum TargetProgressQuery {
    /// Progress of many targets at once, with one read of one figure per target.
    static func progress(of targets: [Target], through week: ReportWeekID, on db: any Database) async throws -> [UUID: TargetProgress] {
        let ids = try targets.map { try $0.requireID() }
        guard !ids.isEmpty else { return [:] }
        return try progress(of: targets, kept: try await keptFigures(of: ids, year: week.year, through: [week.week], on: db), through: week)
    }

    /// A target's latest weekly figure through some week, with the year-to-date it keeps
    /// (`TargetWeekFigure.runningYearToDate`).
    struct KeptFigure: Sendable {
        var week: Int
        var value: Decimal
        var completed: Bool
        var running: RunningYearToDate
    }

    /// The same from figures read already (`keptFigures` through this week, among others of the
    /// year): one read serves the briefing's week and the week before.
    static func progress(of targets: [Target], kept: [UUID: [KeptFigure]], through week: ReportWeekID) throws -> [UUID: TargetProgress] {
        var result: [UUID: TargetProgress] = [:]
        for target in targets {
            let id = try target.requireID()
            // The latest figure through `week` holds the year-to-date through `week`: no figure
            // of the target lies between them.
            let latest = (kept[id] ?? []).filter { $0.week <= week.week }.max { $0.week < $1.week }
            let ytd = target.year == week.year ? latest?.running.value(rule: target.yearToDateRule) : nil
            let planned = try target.planned
            result[id] = TargetProgress(
                targetID: id, week: week,
                weekValue: latest.flatMap { $0.week == week.week && $0.completed ? $0.value : nil },
                yearToDate: ytd, planned: planned,
                percent: YearToDate.percentOfPlan(yearToDate: ytd, planned: planned))
        }
        return result
    }

    /// Each target's latest weekly figure (completed or not) through each of `weeks` of `year`:
    /// at most one row per target and week asked for, found in the index, whatever the number of
    /// weeks the year has had (a group's year was a thousand rows to add up on every page).
    static func keptFigures(of targetIDs: [UUID], year: Int, through weeks: [Int],
                            on db: any Database) async throws -> [UUID: [KeptFigure]] {
        let weeks = Array(Set(weeks.filter { $0 >= 1 })).sorted()
        guard !targetIDs.isEmpty, !weeks.isEmpty else { return [:] }
        // Plain SQL text: SQLKit's builder escapes every identifier anew on every call.
        var latest: SQLQueryString = ""
        for (index, week) in weeks.enumerated() {
            if index > 0 { latest = latest + " UNION " }
            latest = latest + """
                SELECT target_id, MAX(week_number) AS week_number FROM target_week_figures
                WHERE target_id IN (\(list: targetIDs)) AND week_year = \(bind: year) AND week_number <= \(bind: week) GROUP BY target_id
                """
        }
        let rows = try await SQLAccess.plainRows("""
            SELECT f.target_id, f.week_number, f.value, f.completed, f.year_sum, f.year_max, f.year_latest
            FROM (\(latest)) m JOIN target_week_figures f
              ON f.target_id = m.target_id AND f.week_year = \(bind: year) AND f.week_number = m.week_number
            """, on: db)
        let idOfText = Dictionary(uniqueKeysWithValues: targetIDs.map { ($0.canonicalText, $0) })
        var result: [UUID: [KeptFigure]] = [:]
        for row in rows {
            guard let targetID = idOfText[try row.idText("target_id")] else { continue }
            func decimal(_ column: String) throws -> Decimal? {
                try row.optionalString(column).map {
                    try DecimalText.stored($0, table: TargetWeekFigure.schema, column: column, rowID: nil, communeID: nil)
                }
            }
            let running = RunningYearToDate(sum: try decimal("year_sum"), max: try decimal("year_max"), latest: try decimal("year_latest"))
            let value = try DecimalText.stored(try row.string("value"), table: TargetWeekFigure.schema, column: "value", rowID: nil, communeID: nil)
            result[targetID, default: []].append(KeptFigure(week: try row.int("week_number"), value: value,
                                                            completed: try row.bool("completed"), running: running))
        }
        return result
    }

    /// How a value of a target reads: "1.850", "3,5", "Đạt"/"Chưa đạt".
    static func display(_ value: Decimal?, kind: TargetValueKind) -> String {
        guard let value else { return "" }
        if kind == .yesNo { return value >= 1 ? "Đạt" : "Chưa đạt" }
        return VietnameseNumber.format(value)
    }

    static func displayPercent(_ percent: Decimal?) -> String {
        percent.map { VietnameseNumber.format($0, maxFractionDigits: 1) + "%" } ?? ""
    }
}
