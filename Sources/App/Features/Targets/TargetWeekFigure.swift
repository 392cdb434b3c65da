import Fluent
import Foundation
import GiaoBanCore
import SQLKit
import Vapor

/// The one figure of a target for a week (the data-value model of DHIS2): it belongs to the
/// target, not to each reporter. Whoever of the responsible people submits it later replaces it,
/// audited with before and after. A unique key on (target, year, week) makes "one figure per
/// target and week" a fact of the database, not a convention of the code that writes it.
final class TargetWeekFigure: Model, @unchecked Sendable {
    static let schema = "target_week_figures"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "target_id") var targetID: UUID
    @Field(key: "week_year") var weekYear: Int
    @Field(key: "week_number") var weekNumber: Int
    @Field(key: "value") var valueText: String
    @Field(key: "completed") var completed: Bool
    @Field(key: "entered_by") var enteredByID: UUID
    @Field(key: "entered_at") var enteredAt: Date
    /// The report that carried it (its author's, or filed on their behalf).
    @OptionalField(key: "report_id") var reportID: UUID?
    /// A `latest` value more than ten times last week's that the reporter confirmed.
    @Field(key: "unusual_jump") var unusualJump: Bool
    /// The target's year-to-date through this week under each rule (`RunningYearToDate`), kept
    /// by `TargetFigures.keepRunningTotals` in the transaction that changes any figure of the
    /// target's year, so that a page reads one row per target, not the year's figures.
    @OptionalField(key: "year_sum") var yearSumText: String?
    @OptionalField(key: "year_max") var yearMaxText: String?
    @OptionalField(key: "year_latest") var yearLatestText: String?

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [_id, _communeID, _targetID, _weekYear, _weekNumber, _valueText, _completed, _enteredByID, _enteredAt, _reportID, _unusualJump,
         _yearSumText, _yearMaxText, _yearLatestText]
    }

    init() {}

    /// Throws `StoredDataError` when the stored text is not a decimal (never read as 0).
    var value: Decimal { get throws { try storedDecimal(valueText, column: "value", communeID: communeID) } }
    var week: ReportWeekID { ReportWeekID(year: weekYear, week: weekNumber) }

    /// What `yearSumText`, `yearMaxText` and `yearLatestText` hold.
    var runningYearToDate: RunningYearToDate {
        get throws {
            func read(_ text: String?, _ column: String) throws -> Decimal? {
                try text.map { try storedDecimal($0, column: column, communeID: communeID) }
            }
            return RunningYearToDate(sum: try read(yearSumText, "year_sum"), max: try read(yearMaxText, "year_max"),
                                     latest: try read(yearLatestText, "year_latest"))
        }
    }

    /// Stores `running`; false when it was stored already. A figure not yet created always takes
    /// it, NULLs included, so that figures created together have the same columns.
    func keep(_ running: RunningYearToDate) -> Bool {
        let texts = (running.sum.map(DecimalText.store), running.max.map(DecimalText.store), running.latest.map(DecimalText.store))
        guard texts != (yearSumText, yearMaxText, yearLatestText) || !$id.exists else { return false }
        (yearSumText, yearMaxText, yearLatestText) = texts
        return true
    }

    /// Takes `figure` as the week's figure, entered by `personID` through `reportID` at `now`.
    func take(_ figure: ValidatedWeeklyReport.Figure, enteredBy personID: UUID, reportID: UUID, at now: Date) {
        valueText = DecimalText.store(figure.value)
        completed = figure.completed
        enteredByID = personID
        enteredAt = now
        self.reportID = reportID
        unusualJump = figure.unusualJump
    }
}

/// The figures as the audit trail keeps them.
struct TargetFigureAudit: Codable, Sendable, Equatable {
    var week: String
    var value: String
    var completed: Bool
    var enteredBy: UUID

    init(_ figure: TargetWeekFigure) {
        week = figure.week.description
        value = figure.valueText
        completed = figure.completed
        enteredBy = figure.enteredByID
    }
}

enum TargetFigures {
    /// The current figures of some targets for one week.
    static func current(targetIDs: [UUID], week: ReportWeekID, on db: any Database) async throws -> [UUID: TargetWeekFigure] {
        guard !targetIDs.isEmpty else { return [:] }
        let rows = try await SQLAccess.models(TargetWeekFigure.self, where: "target_id IN (\(list: targetIDs)) AND week_year = \(bind: week.year) AND week_number = \(bind: week.week)", on: db)
        return Dictionary(rows.map { ($0.targetID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Makes a submitted report's figures the targets' figures of its week, in the caller's
    /// transaction: a figure that differs from the current one replaces it (audited); a figure
    /// this report had entered and no longer carries is withdrawn (audited).
    static func record(_ figures: [ValidatedWeeklyReport.Figure], report: WeeklyReport, reportID: UUID, actorID: UUID,
                       now: Date, on db: any Database) async throws {
        let week = ReportWeekID(year: report.weekYear, week: report.weekNumber)
        try await lockTargets(of: figures, reportID: reportID, week: week, on: db)
        var touched = Set<UUID>()
        let current = try await TargetWeekFigure.query(on: db).filter(\.$weekYear == week.year).filter(\.$weekNumber == week.week)
            .group(.or) { group in
                group.filter(\.$reportID == reportID)
                if !figures.isEmpty { group.filter(\.$targetID ~~ figures.map(\.targetID)) }
            }
            .all()
        let byTarget = Dictionary(current.map { ($0.targetID, $0) }, uniquingKeysWith: { first, _ in first })
        for figure in figures {
            let valueText = DecimalText.store(figure.value)
            if let existing = byTarget[figure.targetID] {
                guard existing.valueText != valueText || existing.completed != figure.completed || existing.reportID != reportID else { continue }
                let before = TargetFigureAudit(existing)
                existing.take(figure, enteredBy: report.personID, reportID: reportID, at: now)
                try await existing.save(on: db)
                touched.insert(figure.targetID)
                if before.value != valueText || before.completed != figure.completed || before.enteredBy != report.personID {
                    try await AuditTrail.record(on: db, communeID: report.communeID, actorID: actorID, at: now, kind: "target_figure",
                                                action: "replace", subjectID: figure.targetID, weekID: week.description,
                                                before: before, after: TargetFigureAudit(existing))
                }
            } else {
                let created = TargetWeekFigure()
                created.communeID = report.communeID
                created.targetID = figure.targetID
                created.weekYear = week.year
                created.weekNumber = week.week
                created.take(figure, enteredBy: report.personID, reportID: reportID, at: now)
                try await created.create(on: db)
                touched.insert(figure.targetID)
                try await AuditTrail.record(on: db, communeID: report.communeID, actorID: actorID, at: now, kind: "target_figure",
                                            action: "enter", subjectID: figure.targetID, weekID: week.description,
                                            before: TargetFigureAudit?.none, after: TargetFigureAudit(created))
            }
        }
        let kept = Set(figures.map(\.targetID))
        for withdrawn in current where withdrawn.reportID == reportID && !kept.contains(withdrawn.targetID) {
            try await AuditTrail.record(on: db, communeID: report.communeID, actorID: actorID, at: now, kind: "target_figure",
                                        action: "withdraw", subjectID: withdrawn.targetID, weekID: week.description,
                                        before: TargetFigureAudit(withdrawn), after: TargetFigureAudit?.none)
            try await withdrawn.delete(on: db)
            touched.insert(withdrawn.targetID)
        }
        try await keepRunningTotals(targetIDs: Array(touched), year: week.year, on: db)
    }

    /// On PostgreSQL, the figures of the targets a report writes (those it carries and those it
    /// entered before and may withdraw) are written by one transaction at a time (until it ends),
    /// so that the running totals one computes include what another wrote. SQLite runs one
    /// writing transaction at a time anyway.
    private static func lockTargets(of figures: [ValidatedWeeklyReport.Figure], reportID: UUID, week: ReportWeekID,
                                    on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        let held = try await TargetWeekFigure.query(on: db).filter(\.$reportID == reportID)
            .filter(\.$weekYear == week.year).filter(\.$weekNumber == week.week).all(\.$targetID)
        // In one order, so that two transactions never wait for each other.
        for id in Set(figures.map(\.targetID) + held).map(\.canonicalText).sorted() {
            try await sql.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "target-figures:" + id)))").run()
        }
    }

    /// The running year-to-date of every figure of these targets' year, computed again from
    /// their figures and written where it changed: in the transaction that changed a figure (a
    /// correction of week 10 moves every later week's sum). The one place that writes it, with
    /// `runningTotals(_:)` for figures not yet stored.
    static func keepRunningTotals(targetIDs: [UUID], year: Int, on db: any Database) async throws {
        guard !targetIDs.isEmpty else { return }
        let figures = try await TargetWeekFigure.query(on: db).filter(\.$targetID ~~ targetIDs).filter(\.$weekYear == year).all()
        for changed in try runningTotals(figures) { try await changed.save(on: db) }
    }

    /// Sets each figure's running year-to-date from the figures among `figures` of its target
    /// and year (all of them: a target's year is computed whole); returns those that changed.
    @discardableResult
    static func runningTotals(_ figures: [TargetWeekFigure]) throws -> [TargetWeekFigure] {
        struct Year: Hashable { var target: UUID; var year: Int }
        var changed: [TargetWeekFigure] = []
        for (_, year) in Dictionary(grouping: figures, by: { Year(target: $0.targetID, year: $0.weekYear) }) {
            let running = YearToDate.running(try year.map { WeeklyFigure(weekIndex: $0.weekNumber, value: try $0.value, completed: $0.completed) })
            for figure in year where figure.keep(running[figure.weekNumber] ?? RunningYearToDate()) { changed.append(figure) }
        }
        return changed
    }
}

/// The running year-to-date on each weekly figure of a target (see `TargetWeekFigure.yearSumText`),
/// computed for the figures already stored.
struct AddRunningYearToDate: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(TargetWeekFigure.schema).field("year_sum", .string).update()
        try await db.schema(TargetWeekFigure.schema).field("year_max", .string).update()
        try await db.schema(TargetWeekFigure.schema).field("year_latest", .string).update()
        // A few hundred targets at a time, each batch in one transaction: a province's years of
        // figures are not read whole into memory, and SQLite does not commit every row alone.
        let targetIDs = try await TargetWeekFigure.query(on: db).field(\.$targetID).unique().all(\.$targetID)
        var count = 0
        for start in stride(from: 0, to: targetIDs.count, by: 300) {
            let batch = Array(targetIDs[start..<min(start + 300, targetIDs.count)])
            count += try await db.transaction { db in
                let figures = try await TargetWeekFigure.query(on: db).filter(\.$targetID ~~ batch).all()
                for changed in try TargetFigures.runningTotals(figures) { try await changed.save(on: db) }
                return figures.count
            }
        }
        db.logger.info("Running year-to-date kept on \(count) weekly figures of \(targetIDs.count) targets.")
    }

    func revert(on db: any Database) async throws {
        try await db.schema(TargetWeekFigure.schema).deleteField("year_latest").update()
        try await db.schema(TargetWeekFigure.schema).deleteField("year_max").update()
        try await db.schema(TargetWeekFigure.schema).deleteField("year_sum").update()
    }
}

/// The table of one figure per target and week, the new columns of report lines (their groups,
/// forecasts), the report's difficulties, and the fold of figures several people gave for the
/// same target and week before: `sum` targets keep their total, `latest`/`max` targets the figure
/// submitted last. What was folded is logged.
struct CreateTargetWeekFigures: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(ReportWorkItem.schema).field("group_ids", .string, .required, .sql(.default("[]"))).update()
        try await db.schema(ReportWorkItem.schema).field("forecast", .bool, .required, .sql(.default(false))).update()
        try await db.schema(ReportPlanItem.schema).field("group_ids", .string, .required, .sql(.default("[]"))).update()
        try await db.schema(WeeklyReport.schema).field("difficulties", .string).update()
        try await db.schema(ReportFigure.schema).field("unusual_jump", .bool, .required, .sql(.default(false))).update()
        try await db.schema(TargetWeekFigure.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("target_id", .uuid, .required, .references(Target.schema, "id"))
            .field("week_year", .int, .required)
            .field("week_number", .int, .required)
            .field("value", .string, .required)
            .field("completed", .bool, .required)
            .field("entered_by", .uuid, .required, .references(Person.schema, "id"))
            .field("entered_at", .datetime, .required)
            .field("report_id", .uuid)
            .field("unusual_jump", .bool, .required, .sql(.default(false)))
            .unique(on: "target_id", "week_year", "week_number")
            .create()
        if let sql = db as? any SQLDatabase {
            try await sql.raw("CREATE INDEX IF NOT EXISTS idx_target_week_figures_progress ON target_week_figures (target_id, week_year, week_number, completed, value)").run()
        }
        try await Self.fold(on: db, keepRunningTotals: false)
    }

    func revert(on db: any Database) async throws {
        try await db.schema(TargetWeekFigure.schema).delete()
        try await db.schema(ReportFigure.schema).deleteField("unusual_jump").update()
        try await db.schema(WeeklyReport.schema).deleteField("difficulties").update()
        try await db.schema(ReportPlanItem.schema).deleteField("group_ids").update()
        try await db.schema(ReportWorkItem.schema).deleteField("forecast").update()
        try await db.schema(ReportWorkItem.schema).deleteField("group_ids").update()
    }

    /// One figure per target and week from the submitted reports' completed figures, with their
    /// running year-to-date unless `keepRunningTotals` is false: the migration that first folds
    /// comes before those columns (`AddRunningYearToDate` adds and computes them), so the figures
    /// are written with the columns of that migration (`FoldedFigure`).
    static func fold(on db: any Database, keepRunningTotals: Bool = true) async throws {
        let figures = try await ReportFigure.query(on: db).filter(\.$submitted == true).filter(\.$completed == true).all()
        guard !figures.isEmpty else { return }
        let reportIDs = Array(Set(figures.map(\.reportID)))
        var reports: [UUID: WeeklyReport] = [:]
        for chunk in stride(from: 0, to: reportIDs.count, by: 500).map({ Array(reportIDs[$0..<min($0 + 500, reportIDs.count)]) }) {
            for report in try await WeeklyReport.query(on: db).filter(\.$id ~~ chunk).all() { reports[report.id!] = report }
        }
        let targets = Dictionary(uniqueKeysWithValues: try await Target.query(on: db).all().map { ($0.id!, $0) })
        struct Key: Hashable { var target: UUID; var year: Int; var week: Int }
        let grouped = Dictionary(grouping: figures, by: { Key(target: $0.targetID, year: $0.weekYear, week: $0.weekNumber) })
        var folded = 0
        var kept: [FoldedFigure] = []
        for (key, entries) in grouped {
            guard let target = targets[key.target] else { continue }
            let withReports = try entries.compactMap { figure in try reports[figure.reportID].map { (figure, try figure.value, $0) } }
            guard let last = withReports.max(by: { ($0.2.lastSubmittedAt ?? .distantPast, $0.1) < ($1.2.lastSubmittedAt ?? .distantPast, $1.1) })
            else { continue }
            let value = FigureFolding.fold(withReports.map { .init(value: $0.1, submittedAt: $0.2.lastSubmittedAt ?? .distantPast) },
                                           rule: target.yearToDateRule) ?? last.1
            if withReports.count > 1 {
                folded += 1
                db.logger.info("Folded \(withReports.count) figures of target \(target.code) (\(target.yearToDateRule.rawValue)), week \(key.year)-W\(key.week): \(withReports.map { VietnameseNumber.format($0.1) }.joined(separator: ", ")) → \(VietnameseNumber.format(value))")
            }
            let row = FoldedFigure()
            row.communeID = target.communeID
            row.targetID = key.target
            row.weekYear = key.year
            row.weekNumber = key.week
            row.valueText = DecimalText.store(value)
            row.completed = true
            row.enteredByID = last.2.personID
            row.enteredAt = last.2.lastSubmittedAt ?? last.2.updatedAt
            row.reportID = last.2.id
            row.unusualJump = false
            kept.append(row)
        }
        for row in kept { try await row.create(on: db) }
        if keepRunningTotals {
            for (year, rows) in Dictionary(grouping: kept, by: \.weekYear) {
                try await TargetFigures.keepRunningTotals(targetIDs: Array(Set(rows.map(\.targetID))), year: year, on: db)
            }
        }
        db.logger.info("One figure per target and week: \(grouped.count) figures kept, \(folded) of them folded from several reporters.")
    }
}

/// `target_week_figures` as `CreateTargetWeekFigures` made it: Fluent writes every field of a
/// model it creates, and the fold of that migration runs before later columns exist.
final class FoldedFigure: Model, @unchecked Sendable {
    static let schema = TargetWeekFigure.schema
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "target_id") var targetID: UUID
    @Field(key: "week_year") var weekYear: Int
    @Field(key: "week_number") var weekNumber: Int
    @Field(key: "value") var valueText: String
    @Field(key: "completed") var completed: Bool
    @Field(key: "entered_by") var enteredByID: UUID
    @Field(key: "entered_at") var enteredAt: Date
    @OptionalField(key: "report_id") var reportID: UUID?
    @Field(key: "unusual_jump") var unusualJump: Bool

    var properties: [any AnyProperty] {
        [_id, _communeID, _targetID, _weekYear, _weekNumber, _valueText, _completed, _enteredByID, _enteredAt, _reportID, _unusualJump]
    }

    init() {}
}
