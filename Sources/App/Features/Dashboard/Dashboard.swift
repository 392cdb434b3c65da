import Fluent
import Foundation
import GiaoBanCore
import GiaoBanOffice
import Vapor

/// The leaders' and the office's dashboard (SPEC §8, §12): target progress per group against the
/// straight-line share of the year, weekly on-time rates per unit over the year, and this week's
/// missing reports. Charts are server-side SVG (no script, print well), each with its numbers in a
/// table beside it. They are drawn 290 units wide without their own title (the page's heading
/// says it): on a 360 px phone that is drawn at full scale, so no text is under 12 px.
struct DashboardController {
    struct TargetRow: Encodable, Sendable { var code: String; var name: String; var yearToDate: String; var planned: String; var percent: String; var behind: Bool }
    struct GroupProgress: Encodable, Sendable { var name: String; var svg: String; var rows: [TargetRow] }
    struct UnitRate: Encodable, Sendable { var name: String; var rate: String; var onTime: Int; var counted: Int }
    struct MissingRow: Encodable, Sendable { var group: String; var count: Int; var names: String }
    struct View: Encodable, Sendable {
        var weekTitle: String; var year: Int; var expected: String
        var groups: [GroupProgress]; var rateSVG: String; var unitRates: [UnitRate]
        var missingSVG: String; var missing: [MissingRow]; var missingLabel: String
        /// The people whose report is overdue, each counted once; nil before the deadline.
        var missingNote: String
        var ledgerSummaryHref = SiteRoute.ledgerSummary().path
        var ledgerMonthlyHref = SiteRoute.ledgerMonthly().path
        var auditHref = SiteRoute.audit().path
    }

    /// The charts' layout width: a 360 px phone's card is about 295 px wide.
    static let chartWidth = 290

    static func percent(_ value: Decimal?) -> String {
        value.map { VietnameseNumber.format($0, maxFractionDigits: 1) + "%" } ?? "—"
    }

    func page(_ req: Request) async throws -> Response {
        let user = try req.authorize(.viewBriefing)
        let calendar = user.calendar
        let week = calendar.week(containing: req.now)
        let year = week.id.year
        let weeksInYear = calendar.weeks(inYear: year).count
        let expected = YearToDate.straightLineShare(week: week.id.week, weeksInYear: weeksInYear) * 100

        // Target progress per group.
        let groups = try await ReportGroup.query(on: req.db).filter(\.$communeID == user.communeID).filter(\.$active == true)
            .all().inDisplayOrder
        let targets = try await TargetQueries.list(communeID: user.communeID, year: year, groupID: nil, activeOnly: true, on: req.db)
        let progress = try await TargetProgressQuery.progress(of: targets, through: week.id, on: req.db)
        var groupViews: [GroupProgress] = []
        for (index, group) in groups.enumerated() {
            let mine = try targets.filter { try $0.groupID == group.id && $0.planned != nil && $0.valueKind != .yesNo }
            guard !mine.isEmpty else { continue }
            let rows = try mine.map { target -> TargetRow in
                let line = progress[target.id!]
                return TargetRow(code: target.code, name: target.name,
                                 yearToDate: TargetProgressQuery.display(line?.yearToDate, kind: target.valueKind),
                                 planned: TargetProgressQuery.display(try target.planned, kind: target.valueKind),
                                 percent: Self.percent(line?.percent),
                                 behind: try TargetQueries.isBehind(target, progress: line, week: week.id))
            }
            let chart = ProgressChart(rows: mine.map { target in
                ProgressChart.Row(label: target.code, yearToDatePercent: progress[target.id!]?.percent,
                                  expectedPercent: target.yearToDateRule == .sum ? expected : nil, note: target.name)
            }, width: Self.chartWidth)
            groupViews.append(GroupProgress(name: group.name, svg: chart.svg(title: "Tiến độ chỉ tiêu: \(group.name)", id: "chart-progress-\(index)",
                                                                             showsTitle: false),
                                            rows: rows))
        }

        // Weekly on-time rates per unit, weeks of the year begun so far.
        let weeks = LedgerService.weeks(ofYear: year, calendar: calendar, now: req.now)
        let people = try await LedgerService.obligated(communeID: user.communeID, on: req.db)
        let rows = try await LedgerService.rows(for: people, weeks: weeks, calendar: calendar, now: req.now, on: req.db)
        let units = try await OrgUnit.query(on: req.db).filter(\.$communeID == user.communeID).filter(\.$active == true).all()
            .sortedVietnamese(by: \.name)
        var series: [RateChart.Series] = []
        var unitRates: [UnitRate] = []
        for unit in units {
            let unitRows = rows.filter { $0.obligated.unitIDs.contains(unit.id!) }
            guard !unitRows.isEmpty else { continue }
            let byWeek = Dictionary(grouping: unitRows, by: \.week.id.week)
            let tally = LedgerTally(unitRows.map(\.entry))
            series.append(RateChart.Series(label: unit.name, points: weeks.map { week in
                (weekNumber: week.id.week, ratePercent: LedgerTally((byWeek[week.id.week] ?? []).map(\.entry)).onTimeRate)
            }, average: tally.onTimeRate))
            unitRates.append(UnitRate(name: unit.name, rate: Self.percent(tally.onTimeRate), onTime: tally.onTime, counted: tally.counted))
        }
        let rateChart = RateChart(series: series, weekCount: weeksInYear, throughWeek: week.id.week, width: Self.chartWidth)

        // This week's reports that are due and not in (the ledger's "missing": never a report not
        // yet due), per group; the total counts each person once, whatever their groups.
        let overdue = rows.filter { $0.week.id == week.id && $0.entry.status == .missing }
        let due = calendar.deadlines(for: week).weeklyReport
        var missing: [MissingRow] = []
        for group in groups {
            let outstanding = overdue.filter { $0.obligated.groupIDs.contains(group.id!) }
            missing.append(MissingRow(group: group.name, count: outstanding.count,
                                      names: outstanding.map(\.obligated.fullName).joined(separator: ", ")))
        }
        let missingLabel = "chưa nộp (quá hạn)"
        let missingNote = req.now < due ? req.t("dashboard_not_due_yet", calendar.vietnameseDateTime(due))
            : req.t("dashboard_missing_total", String(Set(overdue.map(\.obligated.personID)).count))
        let missingChart = CountBarChart(bars: missing.map { CountBarChart.Bar(label: $0.group, count: $0.count) }, unit: "người",
                                         width: Self.chartWidth)

        let view = View(weekTitle: week.title, year: year, expected: Self.percent(expected), groups: groupViews,
                        rateSVG: rateChart.svg(title: "Tỷ lệ nộp báo cáo tuần đúng hạn theo đơn vị, năm \(year)", id: "chart-rates", showsTitle: false),
                        unitRates: unitRates,
                        missingSVG: missingChart.svg(title: "Báo cáo \(week.title) \(missingLabel) theo nhóm", id: "chart-missing", showsTitle: false),
                        missing: missing, missingLabel: missingLabel, missingNote: missingNote)
        return try await req.render("dashboard", title: req.t("dashboard_title"), section: "dashboard", view)
    }
}
