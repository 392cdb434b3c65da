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
        return try progress(of: targets, kept: try await keptFigures(of: ids, year: week.year, through: week.week, on: db), through: week)
    }

    /// A target's latest weekly figure through some week, with the year-to-date it keeps
    /// (`TargetWeekFigure.runningYearToDate`).
    struct KeptFigure: Sendable {
        var figure: YearToDate.KeptFigure
        /// Who entered it, and whether it jumped unusually (confirmed by them).
        var enteredByID: UUID
        var unusualJump: Bool
        var week: Int { figure.week }
    }

    /// Each target's figure of `week` itself (completed or not) among figures read by `keptFigures`
    /// through that week.
    static func weekFigures(_ kept: [UUID: [KeptFigure]], week: Int) -> [UUID: KeptFigure] {
        kept.compactMapValues { figures in figures.first { $0.week == week } }
    }

    /// The same from figures read already by `keptFigures` through `week` or the week after: one
    /// read serves the briefing's week and the week before.
    static func progress(of targets: [Target], kept: [UUID: [KeptFigure]], through week: ReportWeekID) throws -> [UUID: TargetProgress] {
        try progress(of: targets.map { (id: try $0.requireID(), year: $0.year, rule: $0.yearToDateRule, planned: try $0.planned) },
                     kept: kept, through: week)
    }

    /// The same for the targets a week's pages read (`WeekTarget`).
    static func progress(of targets: [WeekTarget], kept: [UUID: [KeptFigure]], through week: ReportWeekID) -> [UUID: TargetProgress] {
        progress(of: targets.map { (id: $0.id, year: $0.year, rule: $0.yearToDateRule, planned: $0.planned) }, kept: kept, through: week)
    }

    private static func progress(of targets: [(id: UUID, year: Int, rule: YearToDateRule, planned: Decimal?)], kept: [UUID: [KeptFigure]],
                                 through week: ReportWeekID) -> [UUID: TargetProgress] {
        var result: [UUID: TargetProgress] = [:]
        for target in targets {
            let figures = YearToDate.through(week: week.week, kept: (kept[target.id] ?? []).map(\.figure), rule: target.rule)
            // A target of another year has no year-to-date in this one.
            let ytd = target.year == week.year ? figures.yearToDate : nil
            result[target.id] = TargetProgress(
                targetID: target.id, week: week, weekValue: figures.weekValue, yearToDate: ytd, planned: target.planned,
                percent: YearToDate.percentOfPlan(yearToDate: ytd, planned: target.planned))
        }
        return result
    }

    /// Each target's two latest weekly figures (completed or not) through `week` of `year`: what
    /// `progress(of:kept:through:)` needs through `week` and through the week before (no figure
    /// lies between them), found in the index however many weeks the year has had (a group's year
    /// was a thousand figures to read and add up on every page).
    static func keptFigures(of targetIDs: [UUID], year: Int, through week: Int,
                            on db: any Database) async throws -> [UUID: [KeptFigure]] {
        guard !targetIDs.isEmpty, week >= 1 else { return [:] }
        // Plain SQL text: SQLKit's builder escapes every identifier anew on every call. Driven
        // from the targets, so that each target's latest two weeks are one index lookup.
        let rows = try await SQLAccess.plainRows("""
            SELECT f.target_id, f.week_number, f.value, f.completed, f.year_sum, f.year_max, f.year_latest, f.entered_by, f.unusual_jump
            FROM targets t JOIN target_week_figures f ON f.target_id = t.id AND f.week_year = \(bind: year) AND f.week_number IN (
              SELECT g.week_number FROM target_week_figures g WHERE g.target_id = t.id AND g.week_year = \(bind: year)
                AND g.week_number <= \(bind: week) ORDER BY g.week_number DESC LIMIT 2)
            WHERE t.id IN (\(list: targetIDs))
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
            guard let enteredBy = try row.id("entered_by") else { throw SQLAccess.UnreadableID(column: "target_week_figures.entered_by") }
            let figure = YearToDate.KeptFigure(week: try row.int("week_number"), value: value, completed: try row.bool("completed"),
                                               running: running)
            result[targetID, default: []].append(KeptFigure(figure: figure, enteredByID: enteredBy, unusualJump: try row.bool("unusual_jump")))
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
