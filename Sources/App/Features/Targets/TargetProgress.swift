import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// A target's figures for a week: that week's total, the year-to-date figure and % of plan.
/// Only submitted reports' completed figures count (SPEC §4.2).
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
        let figures = try await ReportFigure.query(on: db)
            .filter(\.$targetID ~~ ids)
            .filter(\.$weekYear == week.year)
            .filter(\.$weekNumber <= week.week)
            .filter(\.$submitted == true)
            .all()
        let byTarget = Dictionary(grouping: figures, by: \.targetID)
        var result: [UUID: TargetProgress] = [:]
        for target in targets {
            let id = try target.requireID()
            let weekly = (byTarget[id] ?? []).map { WeeklyFigure(weekIndex: $0.weekNumber, value: $0.value, completed: $0.completed) }
            let thisWeek = weekly.filter { $0.weekIndex == week.week && $0.completed }
            let ytd = target.year == week.year ? YearToDate.value(rule: target.yearToDateRule, figures: weekly, throughWeek: week.week) : nil
            result[id] = TargetProgress(
                targetID: id, week: week,
                weekValue: thisWeek.isEmpty ? nil : thisWeek.reduce(Decimal(0)) { $0 + $1.value },
                yearToDate: ytd, planned: target.planned,
                percent: YearToDate.percentOfPlan(yearToDate: ytd, planned: target.planned))
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
