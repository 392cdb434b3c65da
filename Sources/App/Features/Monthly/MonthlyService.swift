import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// What a unit sends for its monthly report (API body; the page form converts into it). Figures
/// are text as typed ("1.234,5" or "1234.5"); blank clears a value.
struct MonthlyReportInput: Content {
    struct Figure: Content {
        var targetId: UUID
        var monthValue: String?
        var yearToDate: String?
        var note: String?
    }
    var figures: [Figure]?
    var results: String?
    var shortcomings: String?
    var nextMonth: String?
    var proposals: String?
}

struct MonthlyReportDTO: Content {
    var unitId: UUID
    var unitName: String
    var month: String
    var periodStart: String
    var periodEnd: String
    /// The report weeks the draft was taken from.
    var weeks: [String]
    /// "draft" (saved, not submitted), "submitted", or "new" (nothing saved: this is the automatic draft).
    var status: String
    var ledgerStatus: String
    var dueAt: String
    var firstSubmittedAt: String?
    var lastSubmittedAt: String?
    var lateBySeconds: Int
    var content: MonthlyReportContent
}

enum MonthlyService {
    static let maxTextLength = 50_000

    struct Context: Sendable {
        var month: ReportMonth
        var period: ReportingPeriod
        var periodWeeks: [ReportWeekID]
        var weeksToDate: [ReportWeekID]
        var dueAt: Date
    }

    static func context(_ month: ReportMonth, calendar: CommuneCalendar) -> Context {
        let rule = calendar.settings.monthlyPeriodRule
        let period = ReportingPeriods.period(for: month, rule: rule)
        return Context(month: month, period: period, periodWeeks: ReportingPeriods.weeks(in: period, calendar: calendar),
                       weeksToDate: ReportingPeriods.weeksToDate(throughMonth: month.month, year: month.year, rule: rule, calendar: calendar),
                       dueAt: calendar.monthlyReportDeadline(year: month.year, month: month.month))
    }

    /// The month whose period contains `now`: the report being written (or, late in a calendar
    /// month, the one just due). A report whose period has not begun cannot be drafted yet.
    static func currentMonth(calendar: CommuneCalendar, now: Date) -> ReportMonth {
        ReportingPeriods.period(containing: LocalDate.inZone(now, calendar.timeZone), rule: calendar.settings.monthlyPeriodRule).reportMonth
    }

    static func unit(_ rawID: String?, communeID: UUID, on db: any Database) async throws -> OrgUnit {
        try await OrganisationService.find(OrgUnit.self, rawID, communeField: \.$communeID, communeID: communeID, on: db)
    }

    /// The units whose reports an actor works with: all active units for readers, else their own.
    static func units(for actor: Actor, on db: any Database) async throws -> [OrgUnit] {
        var query = OrgUnit.query(on: db).filter(\.$communeID == actor.communeID).filter(\.$active == true)
        if !AccessPolicy.allows(actor, .readMonthlyReports) {
            guard !actor.unitIDs.isEmpty else { return [] }
            query = query.filter(\.$id ~~ Array(actor.unitIDs))
        }
        return try await query.all().sortedVietnamese(by: \.name)
    }

    static func mayRead(_ actor: Actor, unitID: UUID) -> Bool {
        AccessPolicy.allows(actor, .readMonthlyReports) || AccessPolicy.allows(actor, .writeMonthlyReport(unitID: unitID))
    }

    static func reports(unitIDs: [UUID], months: [ReportMonth], on db: any Database) async throws -> [MonthlyReport] {
        guard !unitIDs.isEmpty, !months.isEmpty else { return [] }
        return try await MonthlyReport.query(on: db).filter(\.$unitID ~~ unitIDs).filter(\.$month ~~ months.map(\.description)).all()
    }

    // MARK: The automatic draft

    /// The unit's targets of the year: those it is responsible for.
    static func targets(unitID: UUID, communeID: UUID, year: Int, on db: any Database) async throws -> [Target] {
        try await Target.query(on: db).filter(\.$communeID == communeID).filter(\.$year == year)
            .filter(\.$responsibleUnitID == unitID).filter(\.$active == true).sort(\.$sortOrder).all()
    }

    /// Drafts the unit's report from the submitted weekly reports of the period: every target's
    /// figures for the period and to date, and the unit's people's other work, merged.
    static func draft(unit: OrgUnit, context: Context, on db: any Database) async throws -> MonthlyReportContent {
        let unitID = try unit.requireID()
        let targets = try await targets(unitID: unitID, communeID: unit.communeID, year: context.month.year, on: db)
        let targetIDs = try targets.map { try $0.requireID() }
        let years = Set(context.weeksToDate.map(\.year)).union(context.periodWeeks.map(\.year))
        // One figure per target and week: the target's, whoever of its people entered it.
        let rows = targetIDs.isEmpty ? [] : try await TargetWeekFigure.query(on: db).filter(\.$targetID ~~ targetIDs)
            .filter(\.$weekYear ~~ Array(years)).all()
        let figures = rows.map { row in
            WeekFigure(targetID: row.targetID, week: ReportWeekID(year: row.weekYear, week: row.weekNumber),
                       value: row.value, completed: row.completed)
        }
        let lines = MonthlyReportDraft.figureLines(
            targets: targets.map { MonthlyTarget(id: $0.id!, code: $0.code, name: $0.name, unitOfMeasure: $0.unitOfMeasure,
                                                 planned: $0.planned, kind: $0.valueKind, rule: $0.yearToDateRule) },
            figures: figures, periodWeeks: context.periodWeeks, weeksToDate: context.weeksToDate)

        // The other work of the unit's people in the period's weeks.
        let people = try await PersonUnit.query(on: db).filter(\.$unitID == unitID).all().map(\.personID)
        let reports = people.isEmpty || context.periodWeeks.isEmpty ? [] : try await WeeklyReport.query(on: db)
            .filter(\.$personID ~~ people).filter(\.$weekID ~~ context.periodWeeks.map(\.description))
            .filter(\.$status == .submitted).sort(\.$weekID).all()
        let reportIDs = try reports.map { try $0.requireID() }
        let weekOrder = Dictionary(uniqueKeysWithValues: reports.map { ($0.id!, $0.weekID) })
        let items = reportIDs.isEmpty ? [] : try await ReportWorkItem.query(on: db).filter(\.$reportID ~~ reportIDs).all()
            .sorted { (weekOrder[$0.reportID] ?? "", $0.position) < (weekOrder[$1.reportID] ?? "", $1.position) }
        let types = try await ActivityType.query(on: db).filter(\.$communeID == unit.communeID).all()
        let results = MonthlyReportDraft.resultsText(
            work: items.map { WorkQuantity(description: $0.description, quantity: DecimalText.load($0.quantityText) ?? 0,
                                           unit: $0.unit, activityType: $0.activityType) },
            typeNames: Dictionary(types.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a }))
        return MonthlyReportContent(
            figures: lines.map { .init(targetId: $0.targetID, code: $0.code, name: $0.name, unitOfMeasure: $0.unitOfMeasure,
                                       planned: $0.planned, monthValue: $0.monthValue, yearToDate: $0.yearToDate,
                                       percentOfPlan: $0.percentOfPlan, note: nil) },
            results: results, shortcomings: "", nextMonth: "", proposals: "")
    }

    // MARK: Saving

    /// Applies the input to `base` (the stored content or the draft). Field problems come back as a
    /// 422 naming `figures.{targetId}`, `results` or `text`.
    static func apply(_ input: MonthlyReportInput, to base: MonthlyReportContent, submitting: Bool) throws -> MonthlyReportContent {
        var content = base
        var fields: [String: String] = [:]
        let known = Dictionary(uniqueKeysWithValues: content.figures.enumerated().map { ($1.targetId, $0) })
        for figure in input.figures ?? [] {
            guard let index = known[figure.targetId] else {
                fields["figures"] = "Chỉ tiêu \(figure.targetId) không thuộc báo cáo tháng của đơn vị."
                continue
            }
            func parse(_ text: String?, _ label: String) -> Decimal?? {
                guard let text else { return .none }              // not sent: unchanged
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { return .some(nil) }          // blank: cleared
                guard let value = VietnameseNumber.parse(trimmed) else {
                    fields["figures.\(figure.targetId)"] = "\(content.figures[index].code): \(label) “\(trimmed)” không phải là số."
                    return .none
                }
                return .some(value)
            }
            if let value = parse(figure.monthValue, "số trong tháng") { content.figures[index].monthValue = value }
            if let value = parse(figure.yearToDate, "lũy kế") { content.figures[index].yearToDate = value }
            if let note = figure.note { content.figures[index].note = VietnameseText.nfc(note).isEmpty ? nil : VietnameseText.nfc(note) }
            content.figures[index].percentOfPlan = YearToDate.percentOfPlan(yearToDate: content.figures[index].yearToDate,
                                                                            planned: content.figures[index].planned)
        }
        if let text = input.results { content.results = VietnameseText.nfc(text) }
        if let text = input.shortcomings { content.shortcomings = VietnameseText.nfc(text) }
        if let text = input.nextMonth { content.nextMonth = VietnameseText.nfc(text) }
        if let text = input.proposals { content.proposals = VietnameseText.nfc(text) }
        if [content.results, content.shortcomings, content.nextMonth, content.proposals].contains(where: { $0.count > maxTextLength }) {
            fields["text"] = "Mỗi phần nội dung không quá \(maxTextLength) ký tự."
        }
        if submitting, content.results.isEmpty, content.figures.allSatisfy({ $0.monthValue == nil }) {
            fields["results"] = "Báo cáo tháng chưa có kết quả: hãy ghi kết quả thực hiện nhiệm vụ trong tháng trước khi gửi."
        }
        if !fields.isEmpty { throw AppError.invalid(fields) }
        return content
    }

    /// Saves (and with `submit`, submits) a unit's report. Before anything is saved the base is the
    /// automatic draft; afterwards the stored content.
    static func save(_ input: MonthlyReportInput, unit: OrgUnit, context: Context, submit: Bool, actor: Actor, now: Date,
                     on db: any Database) async throws -> MonthlyReport {
        let unitID = try unit.requireID()
        let existing = try await MonthlyReport.query(on: db).filter(\.$unitID == unitID).filter(\.$month == context.month.description).first()
        let base: MonthlyReportContent
        if let stored = existing?.content { base = stored } else { base = try await draft(unit: unit, context: context, on: db) }
        let content = try apply(input, to: base, submitting: submit || existing?.status == .submitted)
        let report = existing ?? MonthlyReport()
        let before = existing?.content
        report.communeID = unit.communeID
        report.unitID = unitID
        report.month = context.month.description
        report.content = content
        report.updatedAt = now
        report.updatedBy = actor.personID
        if existing == nil { report.status = .draft }
        let action: String
        if submit {
            action = report.firstSubmittedAt == nil ? "submit" : "resubmit"
            report.status = .submitted
            if report.firstSubmittedAt == nil { report.firstSubmittedAt = now }
            report.lastSubmittedAt = now
            report.submittedBy = actor.personID
        } else {
            action = report.status == .submitted ? "update_after_submit" : (existing == nil ? "create" : "update")
        }
        try await report.save(on: db)
        try await AuditTrail.record(on: db, communeID: unit.communeID, actorID: actor.personID, at: now, kind: "monthly_report",
                                    action: action, subjectID: report.requireID(), before: before, after: content)
        return report
    }

    static func dto(unit: OrgUnit, context: Context, report: MonthlyReport?, draft: MonthlyReportContent?, calendar: CommuneCalendar,
                    now: Date) -> MonthlyReportDTO {
        let entry = ledgerEntry(dueAt: context.dueAt, firstSubmittedAt: report?.firstSubmittedAt, calendar: calendar, now: now)
        return MonthlyReportDTO(
            unitId: unit.id!, unitName: unit.name, month: context.month.description,
            periodStart: context.period.firstDay.iso, periodEnd: context.period.lastDay.iso,
            weeks: context.periodWeeks.map(\.description),
            status: report.map { $0.status.rawValue } ?? "new", ledgerStatus: entry.status.rawValue,
            dueAt: calendar.isoString(context.dueAt),
            firstSubmittedAt: report?.firstSubmittedAt.map(calendar.isoString), lastSubmittedAt: report?.lastSubmittedAt.map(calendar.isoString),
            lateBySeconds: entry.lateBySeconds, content: report?.content ?? draft ?? .empty)
    }

    static func ledgerEntry(dueAt: Date, firstSubmittedAt: Date?, calendar: CommuneCalendar, now: Date) -> LedgerEntry {
        LedgerRules.entry(dueAt: dueAt, dueDay: LocalDate.inZone(dueAt, calendar.timeZone), firstSubmittedAt: firstSubmittedAt,
                          now: now, leaves: [])
    }

    // MARK: The compilation

    static func compilation(communeID: UUID, month: ReportMonth, on db: any Database) async throws -> MonthlyCompilation? {
        try await MonthlyCompilation.query(on: db).filter(\.$communeID == communeID).filter(\.$month == month.description).first()
    }

    static func saveCompilation(assessment: String?, nextMonth: String?, communeID: UUID, month: ReportMonth, actor: Actor, now: Date,
                                on db: any Database) async throws -> MonthlyCompilation {
        let assessmentText = VietnameseText.nfc(assessment ?? "")
        let nextText = VietnameseText.nfc(nextMonth ?? "")
        if assessmentText.count > maxTextLength || nextText.count > maxTextLength {
            throw AppError.invalid(["text": "Mỗi phần nội dung không quá \(maxTextLength) ký tự."])
        }
        let existing = try await compilation(communeID: communeID, month: month, on: db)
        let before = existing.map { ["assessment": $0.assessment, "nextMonth": $0.nextMonth] }
        let record = existing ?? MonthlyCompilation()
        record.communeID = communeID
        record.month = month.description
        record.assessment = assessmentText
        record.nextMonth = nextText
        record.updatedAt = now
        record.updatedBy = actor.personID
        try await record.save(on: db)
        try await AuditTrail.record(on: db, communeID: communeID, actorID: actor.personID, at: now, kind: "monthly_compilation",
                                    action: existing == nil ? "create" : "update", subjectID: record.requireID(),
                                    before: before, after: ["assessment": assessmentText, "nextMonth": nextText])
        return record
    }
}
