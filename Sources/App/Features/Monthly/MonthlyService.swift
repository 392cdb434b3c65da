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
    /// "unit" or "person": whose report this is. A unit's report carries `unitId` and
    /// `unitName`, an official's `personId` and `personName`.
    var owner: String
    var unitId: UUID?
    var unitName: String?
    var personId: UUID?
    var personName: String?
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
    /// Who last submitted it: for an official's report, someone else when the office or a focal
    /// point filed it on their behalf (nộp thay).
    var submittedById: UUID?
    var content: MonthlyReportContent
}

/// Whose monthly report: a unit's, or (when the commune asks people) one official's.
enum MonthlyOwner: Sendable {
    case unit(OrgUnit)
    case person(Person)

    var id: UUID {
        switch self {
        case .unit(let unit): unit.id!
        case .person(let person): person.id!
        }
    }
    var name: String {
        switch self {
        case .unit(let unit): unit.name
        case .person(let person): person.fullName
        }
    }
    var communeID: UUID {
        switch self {
        case .unit(let unit): unit.communeID
        case .person(let person): person.communeID
        }
    }
    var kind: String {
        switch self {
        case .unit: "unit"
        case .person: "person"
        }
    }
    /// The report's page for `month`: "/monthly/{month}/units/{id}" or "/monthly/{month}/people/{id}".
    func route(month: ReportMonth, redraft: Bool = false) -> SiteRoute {
        switch self {
        case .unit(let unit): .monthlyUnit(month: month, unitID: unit.id!, redraft: redraft)
        case .person(let person): .monthlyPerson(month: month, personID: person.id!, redraft: redraft)
        }
    }
    var isPerson: Bool { if case .person = self { true } else { false } }
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

    /// The facts of "may this user open the monthly reports?", the menu's and the list's question.
    static func openAction(_ user: CurrentUser) -> Action {
        let reporters = user.calendar.settings.monthlyReporters
        return .openMonthlyReports(communeAsksUnits: reporters.includesUnits,
                                   asksActorInPerson: reporters.includesPeople && user.person.reportsWeekly)
    }

    static func reports(unitIDs: [UUID], months: [ReportMonth], on db: any Database) async throws -> [MonthlyReport] {
        guard !unitIDs.isEmpty, !months.isEmpty else { return [] }
        return try await MonthlyReport.query(on: db).filter(\.$unitID ~~ unitIDs.map { Optional($0) })
            .filter(\.$month ~~ months.map(\.description)).all()
    }

    static func reports(personIDs: [UUID], months: [ReportMonth], on db: any Database) async throws -> [MonthlyReport] {
        guard !personIDs.isEmpty, !months.isEmpty else { return [] }
        return try await MonthlyReport.query(on: db).filter(\.$personID ~~ personIDs.map { Optional($0) })
            .filter(\.$month ~~ months.map(\.description)).all()
    }

    /// The stored report of `owner` for `month`, if any.
    static func stored(_ owner: MonthlyOwner, month: ReportMonth, on db: any Database) async throws -> MonthlyReport? {
        let query = MonthlyReport.query(on: db).filter(\.$month == month.description)
        switch owner {
        case .unit(let unit): query.filter(\.$unitID == unit.id)
        case .person(let person): query.filter(\.$personID == person.id)
        }
        return try await query.first()
    }

    // MARK: Personal reports

    /// The official of the commune named by `rawID` (an active person).
    static func person(_ rawID: String?, communeID: UUID, on db: any Database) async throws -> Person {
        guard let rawID, let id = UUID(uuidString: rawID),
              let person = try await Person.query(on: db).filter(\.$id == id).filter(\.$communeID == communeID)
                .filter(\.$active == true).first() else {
            throw AppError.notFound("Không tìm thấy cán bộ này.")
        }
        return person
    }

    /// An official's report for `month` exists to be written when they owe it (``MonthlyDuty``),
    /// or when one was saved before (a setting changed since: nothing written is hidden).
    static func requireOwed(_ person: Person, month: ReportMonth, calendar: CommuneCalendar, on db: any Database) async throws {
        let reporter = try await !LedgerService.obligated(communeID: person.communeID, personIDs: [person.requireID()], on: db).isEmpty
        if reporter, MonthlyDuty.personOwes(month, duty: person.reportingDuty, calendar: calendar) { return }
        if try await stored(.person(person), month: month, on: db) != nil { return }
        let reason: String
        if !calendar.settings.monthlyReporters.includesPeople {
            reason = "xã chỉ yêu cầu các đơn vị báo cáo tháng"
        } else if !person.reportsWeekly || !reporter {
            reason = "Văn phòng tổng hợp công việc của lãnh đạo"
        } else if !LedgerRules.owesPeriod(endingOn: MonthlyDuty.period(month, calendar: calendar).lastDay, calendar: calendar) {
            reason = "kỳ báo cáo kết thúc trước ngày xã bắt đầu dùng GiaoBan"
        } else {
            reason = "ngoài thời gian công tác tại xã"
        }
        throw AppError.notFound("\(person.fullName) không phải nộp báo cáo tháng \(month.vietnamese): \(reason).")
    }

    /// The officials who may owe a personal monthly report: those who owe weekly reports (active
    /// members of the commune's groups who file them, ``LedgerService/obligated``), so the
    /// two regimes name the same people. `personIDs` narrows to some.
    static func reporters(communeID: UUID, personIDs: Set<UUID>? = nil, on db: any Database) async throws -> [Person] {
        let obligated = try await LedgerService.obligated(communeID: communeID, personIDs: personIDs, on: db)
        guard !obligated.isEmpty else { return [] }
        // In the obligated people's order (Vietnamese order of their names).
        let people = Dictionary(uniqueKeysWithValues: try await SQLAccess.models(Person.self, where: "id IN (\(list: obligated.map(\.personID)))", on: db)
            .map { ($0.id!, $0) })
        return obligated.compactMap { people[$0.personID] }
    }

    /// The officials who owe a personal report for `month` and whom `actor` may see: everyone
    /// owing for the readers of every monthly report, otherwise the actor alone (if owing).
    static func people(for actor: Actor, month: ReportMonth, calendar: CommuneCalendar, on db: any Database) async throws -> [Person] {
        guard calendar.settings.monthlyReporters.includesPeople else { return [] }
        let scope: Set<UUID>? = AccessPolicy.allows(actor, .readMonthlyReports) ? nil : [actor.personID]
        return try await reporters(communeID: actor.communeID, personIDs: scope, on: db)
            .filter { MonthlyDuty.personOwes(month, duty: $0.reportingDuty, calendar: calendar) }
    }

    // MARK: The automatic draft

    /// The unit's targets of the year: those it is responsible for.
    static func targets(unitID: UUID, communeID: UUID, year: Int, on db: any Database) async throws -> [Target] {
        try await Target.query(on: db).filter(\.$communeID == communeID).filter(\.$year == year)
            .filter(\.$responsibleUnitID == unitID).filter(\.$active == true).sort(\.$sortOrder).all()
    }

    /// Drafts the owner's report from the submitted weekly reports of the period: every target's
    /// figures for the period and to date, and the other work, merged. A unit's draft takes the
    /// unit's targets and its people's work; an official's takes their own weekly reports' work
    /// and the targets they are responsible for or reported on in the period.
    static func draft(owner: MonthlyOwner, context: Context, on db: any Database) async throws -> MonthlyReportContent {
        let weekIDs = context.periodWeeks.map(\.description)
        let authors: [UUID]
        switch owner {
        case .unit(let unit): authors = try await PersonUnit.query(on: db).filter(\.$unitID == unit.requireID()).all().map(\.personID)
        case .person(let person): authors = [try person.requireID()]
        }
        let reports = authors.isEmpty || weekIDs.isEmpty ? [] : try await WeeklyReport.query(on: db)
            .filter(\.$personID ~~ authors).filter(\.$weekID ~~ weekIDs)
            .filter(\.$status == .submitted).sort(\.$weekID).all()
        let reportIDs = try reports.map { try $0.requireID() }

        let targets: [Target]
        switch owner {
        case .unit(let unit):
            targets = try await self.targets(unitID: unit.requireID(), communeID: unit.communeID, year: context.month.year, on: db)
        case .person(let person):
            let reported = reportIDs.isEmpty ? [] : try await ReportFigure.query(on: db).filter(\.$reportID ~~ reportIDs).all().map(\.targetID)
            let query = Target.query(on: db).filter(\.$communeID == person.communeID).filter(\.$year == context.month.year)
                .filter(\.$active == true)
            let personID = try person.requireID()
            if reported.isEmpty {
                query.filter(\.$responsiblePersonID == personID)
            } else {
                query.group(.or) { $0.filter(\.$responsiblePersonID == personID).filter(\.$id ~~ Array(Set(reported))) }
            }
            targets = try await query.sort(\.$sortOrder).all()
        }
        let targetIDs = try targets.map { try $0.requireID() }
        let years = Set(context.weeksToDate.map(\.year)).union(context.periodWeeks.map(\.year))
        // One figure per target and week: the target's, whoever of its people entered it.
        let rows = targetIDs.isEmpty ? [] : try await TargetWeekFigure.query(on: db).filter(\.$targetID ~~ targetIDs)
            .filter(\.$weekYear ~~ Array(years)).all()
        let figures = try rows.map { row in
            WeekFigure(targetID: row.targetID, week: ReportWeekID(year: row.weekYear, week: row.weekNumber),
                       value: try row.value, completed: row.completed)
        }
        let lines = MonthlyReportDraft.figureLines(
            targets: try targets.map { MonthlyTarget(id: $0.id!, code: $0.code, name: $0.name, unitOfMeasure: $0.unitOfMeasure,
                                                 planned: try $0.planned, kind: $0.valueKind, rule: $0.yearToDateRule) },
            figures: figures, periodWeeks: context.periodWeeks, weeksToDate: context.weeksToDate)

        let weekOrder = Dictionary(uniqueKeysWithValues: reports.map { ($0.id!, $0.weekID) })
        let items = reportIDs.isEmpty ? [] : try await ReportWorkItem.query(on: db).filter(\.$reportID ~~ reportIDs).all()
            .sorted { (weekOrder[$0.reportID] ?? "", $0.position) < (weekOrder[$1.reportID] ?? "", $1.position) }
        let types = try await ActivityType.query(on: db).filter(\.$communeID == owner.communeID).all()
        let results = MonthlyReportDraft.resultsText(
            work: try items.map { WorkQuantity(description: $0.description, quantity: try $0.quantity,
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
                fields["figures"] = "Chỉ tiêu \(figure.targetId) không thuộc báo cáo tháng này."
                continue
            }
            func parse(_ text: String?, _ label: String) -> Decimal?? {
                guard let text else { return .none }              // not sent: unchanged
                let trimmed = text.trimmedWhitespace
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

    /// Saves (and with `submit`, submits) the owner's report. Before anything is saved the base is
    /// the automatic draft; afterwards the stored content.
    static func save(_ input: MonthlyReportInput, owner: MonthlyOwner, context: Context, submit: Bool, actor: Actor, now: Date,
                     on db: any Database) async throws -> MonthlyReport {
        let existing = try await stored(owner, month: context.month, on: db)
        let base: MonthlyReportContent
        if let stored = try existing?.content { base = stored } else { base = try await draft(owner: owner, context: context, on: db) }
        let content = try apply(input, to: base, submitting: submit || existing?.status == .submitted)
        let report = existing ?? MonthlyReport()
        let before = try existing?.content
        report.communeID = owner.communeID
        switch owner {
        case .unit(let unit): report.unitID = try unit.requireID()
        case .person(let person): report.personID = try person.requireID()
        }
        report.month = context.month.description
        report.setContent(content)
        report.updatedAt = now
        report.updatedBy = actor.personID
        if existing == nil { report.status = .draft }
        var action: String
        if submit {
            action = report.firstSubmittedAt == nil ? "submit" : "resubmit"
            report.status = .submitted
            if report.firstSubmittedAt == nil { report.firstSubmittedAt = now }
            report.lastSubmittedAt = now
            report.submittedBy = actor.personID
        } else {
            action = report.status == .submitted ? "update_after_submit" : (existing == nil ? "create" : "update")
        }
        // As for weekly reports: the entry's actor is who filed it, its subject the official's
        // report, and the action says it was filed on their behalf.
        if action == "submit", owner.isPerson, owner.id != actor.personID { action = "submit_on_behalf" }
        try await report.save(on: db)
        try await AuditTrail.record(on: db, communeID: owner.communeID, actorID: actor.personID, at: now, kind: "monthly_report",
                                    action: action, subjectID: report.requireID(), before: before, after: content)
        return report
    }

    static func dto(owner: MonthlyOwner, context: Context, report: MonthlyReport?, draft: MonthlyReportContent?, calendar: CommuneCalendar,
                    now: Date) throws -> MonthlyReportDTO {
        let entry = ledgerEntry(dueAt: context.dueAt, firstSubmittedAt: report?.firstSubmittedAt, calendar: calendar, now: now)
        var dto = MonthlyReportDTO(
            owner: owner.kind, month: context.month.description,
            periodStart: context.period.firstDay.iso, periodEnd: context.period.lastDay.iso,
            weeks: context.periodWeeks.map(\.description),
            status: report.map { $0.status.rawValue } ?? "new", ledgerStatus: entry.status.rawValue,
            dueAt: calendar.isoString(context.dueAt),
            firstSubmittedAt: report?.firstSubmittedAt.map(calendar.isoString), lastSubmittedAt: report?.lastSubmittedAt.map(calendar.isoString),
            lateBySeconds: entry.lateBySeconds, submittedById: report?.submittedBy, content: try report?.content ?? draft ?? .empty)
        switch owner {
        case .unit(let unit): dto.unitId = unit.id; dto.unitName = unit.name
        case .person(let person): dto.personId = person.id; dto.personName = person.fullName
        }
        return dto
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
