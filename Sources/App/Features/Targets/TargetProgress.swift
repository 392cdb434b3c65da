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
    /// Progress of many targets at once, with one query for all their figures.
    static func progress(of targets: [Target], through week: ReportWeekID, on db: any Database) async throws -> [UUID: TargetProgress] {
        let ids = try targets.map { try $0.requireID() }
        guard !ids.isEmpty else { return [:] }
        return try progress(of: targets, figures: try await completedFigures(of: ids, year: week.year, throughWeek: week.week, on: db),
                            through: week)
    }

    /// The same from figures read already (`completedFigures` through this week or a later one of
    /// the year): one read serves the briefing's week and the week before.
    static func progress(of targets: [Target], figures byTarget: [UUID: [WeeklyFigure]], through week: ReportWeekID) throws -> [UUID: TargetProgress] {
        var result: [UUID: TargetProgress] = [:]
        for target in targets {
            let id = try target.requireID()
            let figures = byTarget[id] ?? []
            let planned = try target.planned
            // `YearToDate.value` counts only the weeks through `week` itself.
            let ytd = target.year == week.year ? YearToDate.value(rule: target.yearToDateRule, figures: figures, throughWeek: week.week) : nil
            result[id] = TargetProgress(
                targetID: id, week: week,
                weekValue: YearToDate.weekTotal(figures: figures, week: week.week),
                yearToDate: ytd, planned: planned,
                percent: YearToDate.percentOfPlan(yearToDate: ytd, planned: planned))
        }
        return result
    }

    /// The completed figures of some targets, one per week (the target's own, see
    /// `TargetWeekFigure`), up to a week of the year.
    ///
    /// Read as three plain columns through SQL rather than as models: a group's year is thousands
    /// of figures, and the page that shows them is the one everybody opens on Friday.
    static func completedFigures(of targetIDs: [UUID], year: Int, throughWeek: Int,
                                 on db: any Database) async throws -> [UUID: [WeeklyFigure]] {
        guard !targetIDs.isEmpty else { return [:] }
        // Plain SQL text: SQLKit's builder escapes every identifier anew on every call.
        let rows = try await SQLAccess.plainRows("""
            SELECT target_id, week_number, value FROM target_week_figures
            WHERE target_id IN (\(list: targetIDs)) AND week_year = \(bind: year) AND week_number <= \(bind: throughWeek)
              AND completed = \(bind: true)
            """, on: db)
        let idOfText = Dictionary(uniqueKeysWithValues: targetIDs.map { ($0.canonicalText, $0) })
        var result: [UUID: [WeeklyFigure]] = [:]
        for row in rows {
            guard let targetID = idOfText[try row.idText("target_id")] else { continue }
            let value = try DecimalText.stored(try row.string("value"), table: TargetWeekFigure.schema, column: "value",
                                               rowID: nil, communeID: nil)
            result[targetID, default: []].append(WeeklyFigure(weekIndex: try row.int("week_number"), value: value, completed: true))
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
