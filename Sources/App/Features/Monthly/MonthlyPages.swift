import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// The monthly report pages: the month's units, a unit's report form (drafted from its weekly
/// reports), and the compiled report with the office's assessment.
struct MonthlyPagesController {
    struct UnitRow: Encodable, Sendable {
        var id: String; var name: String; var status: LedgerCellView; var state: String; var canWrite: Bool
        /// The report's page: "/monthly/{month}/units/{id}" or "/monthly/{month}/people/{id}".
        var href: String = ""
    }
    struct IndexView: Encodable, Sendable {
        var month: String; var title: String; var previous: String; var next: String; var due: String; var period: String
        var units: [UnitRow]; var canRead: Bool; var tally: LedgerTallyView
        /// The officials' personal reports (when the commune asks people for them).
        var people: [UnitRow] = []
        var asksUnits = true
        var asksPeople = false
        var previousHref = ""; var nextHref = ""; var compilationHref = ""
    }

    static func stateLabel(_ report: MonthlyReport?) -> String {
        switch report?.status {
        case .submitted?: "Đã gửi"
        case .draft?: "Đang soạn"
        case nil: "Chưa soạn"
        }
    }

    func index(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let calendar = user.calendar
        let month = try PathParameter.month(req, inPath: false) ?? MonthlyService.currentMonth(calendar: calendar, now: req.now)
        // The menu's question, so that its link never answers 403; the list holds what the user may see.
        guard AccessPolicy.allows(user.actor, MonthlyService.openAction(user)) else { throw AppError.forbidden }
        let overview = try await MonthlyOverview.load(actor: user.actor, month: month, calendar: calendar, on: req.db)
        let rows = overview.units.map { unit in
            UnitRow(id: unit.id!.canonicalText, name: unit.name,
                    status: LedgerCellView(overview.entry(unit.id!, calendar: calendar, now: req.now), calendar: calendar),
                    state: Self.stateLabel(overview.reports[unit.id!]),
                    canWrite: AccessPolicy.allows(user.actor, .writeMonthlyReport(unitID: unit.id!)),
                    href: SiteRoute.monthlyUnit(month: month, unitID: unit.id!).path)
        }
        var people: [UnitRow] = []
        let facts = try await AccessFacts.people(overview.people, on: req.db)
        for person in overview.people {
            people.append(UnitRow(
                id: person.id!.canonicalText, name: person.fullName,
                status: LedgerCellView(overview.entry(person.id!, calendar: calendar, now: req.now),
                                                   calendar: calendar),
                state: Self.stateLabel(overview.reports[person.id!]),
                canWrite: facts[person.id!].map { AccessPolicy.allows(user.actor, .writePersonMonthlyReport(person: $0)) } ?? false,
                href: SiteRoute.monthlyPerson(month: month, personID: person.id!).path))
        }
        let reporters = calendar.settings.monthlyReporters
        var view = IndexView(month: month.description, title: "Báo cáo tháng \(month.vietnamese)",
                             previous: month.previous.description, next: month.next.description,
                             due: calendar.vietnameseDateTime(overview.context.dueAt), period: overview.context.period.title,
                             units: rows, canRead: AccessPolicy.allows(user.actor, .readMonthlyReports),
                             tally: .init(LedgerTally(overview.owners.map { overview.entry($0.id, calendar: calendar, now: req.now) })))
        view.people = people
        view.previousHref = SiteRoute.monthly(month: month.previous).path
        view.nextHref = SiteRoute.monthly(month: month.next).path
        view.compilationHref = SiteRoute.monthlyCompilation(month).path
        view.asksUnits = reporters.includesUnits
        view.asksPeople = reporters.includesPeople
        return try await req.render("monthly/index", title: view.title, section: "monthly", view)
    }

    // MARK: A unit's report

    struct FigureRow: Encodable, Sendable {
        var index: Int = 0; var targetId: String; var code: String; var name: String; var unit: String; var planned: String
        var monthValue: String; var yearToDate: String; var percent: String; var note: String; var error: String?
    }
    struct ReportView: Encodable, Sendable {
        /// `unitID`/`unitName` name the owner, a unit or an official; `path` is the form's address.
        var month: String; var unitID: String; var unitName: String; var title: String; var period: String; var weeks: String
        var due: String; var state: String; var status: LedgerCellView; var figures: [FigureRow]
        var results: String; var shortcomings: String; var nextMonth: String; var proposals: String
        var canWrite: Bool; var redrafted: Bool; var submitted: Bool; var errors: FieldErrors
        var path = ""
        var personal = false
        /// The official's name when someone else (the office, a focal point) is writing it.
        var onBehalfOf: String? = nil
        var noTargets = ""
        /// The form afresh from the period's weekly reports.
        var redraftHref = ""
        /// The month's list of reports.
        var listHref = ""
    }
    struct ReportForm: Content {
        struct Figure: Content { var targetId: String?; var monthValue: String?; var yearToDate: String?; var note: String? }
        var figures: [Figure]?
        var results: String?
        var shortcomings: String?
        var nextMonth: String?
        var proposals: String?
        var action: String?
    }

    private func load(_ req: Request) async throws -> (CurrentUser, MonthlyOwner, MonthlyService.Context, Bool) {
        let (user, owner, context) = try await MonthlyOwner.resolve(req, write: false)
        let canWrite: Bool
        switch owner {
        case .unit(let unit): canWrite = AccessPolicy.allows(user.actor, .writeMonthlyReport(unitID: unit.id!))
        case .person(let person):
            canWrite = AccessPolicy.allows(user.actor, .writePersonMonthlyReport(person: try await AccessFacts.person(person, on: req.db)))
        }
        return (user, owner, context, canWrite)
    }

    private static func text(_ value: Decimal?) -> String { value.map { VietnameseNumber.format($0, maxFractionDigits: 6) } ?? "" }

    private func render(_ req: Request, user: CurrentUser, owner: MonthlyOwner, context: MonthlyService.Context, report: MonthlyReport?,
                        content: MonthlyReportContent, typed: ReportForm?, redrafted: Bool, canWrite: Bool, errors: FieldErrors,
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        let calendar = user.calendar
        let typedFigures = Dictionary((typed?.figures ?? []).compactMap { f in f.targetId.map { ($0, f) } }, uniquingKeysWith: { a, _ in a })
        let figures = content.figures.enumerated().map { index, figure -> FigureRow in
            let id = figure.targetId.canonicalText
            let typedRow = typedFigures[id]
            return FigureRow(index: index, targetId: id, code: figure.code, name: figure.name, unit: figure.unitOfMeasure,
                             planned: Self.text(figure.planned),
                             monthValue: typedRow?.monthValue ?? Self.text(figure.monthValue),
                             yearToDate: typedRow?.yearToDate ?? Self.text(figure.yearToDate),
                             percent: figure.percentOfPlan.map { VietnameseNumber.format($0, maxFractionDigits: 1) + "%" } ?? "",
                             note: typedRow?.note ?? figure.note ?? "", error: errors["figures.\(id)"])
        }
        let entry = MonthlyService.ledgerEntry(dueAt: context.dueAt, firstSubmittedAt: report?.firstSubmittedAt, calendar: calendar, now: req.now)
        var view = ReportView(
            month: context.month.description, unitID: owner.id.canonicalText, unitName: owner.name,
            title: "\(owner.name): báo cáo tháng \(context.month.vietnamese)", period: context.period.title,
            weeks: context.periodWeeks.map { "\($0.week)/\($0.year)" }.joined(separator: ", "),
            due: calendar.vietnameseDateTime(context.dueAt), state: Self.stateLabel(report),
            status: LedgerCellView(entry, calendar: calendar), figures: figures,
            results: typed?.results ?? content.results, shortcomings: typed?.shortcomings ?? content.shortcomings,
            nextMonth: typed?.nextMonth ?? content.nextMonth, proposals: typed?.proposals ?? content.proposals,
            canWrite: canWrite, redrafted: redrafted,
            submitted: report?.status == .submitted, errors: errors)
        view.path = owner.route(month: context.month).path
        view.redraftHref = owner.route(month: context.month, redraft: true).path
        view.listHref = SiteRoute.monthly(month: context.month).path
        view.personal = owner.isPerson
        view.onBehalfOf = owner.isPerson && owner.id != user.personID && canWrite ? owner.name : nil
        view.noTargets = req.t(owner.isPerson ? "monthly_person_no_targets" : "monthly_no_targets")
        return try await req.render("monthly/report", title: view.title, section: "monthly", view, status: status)
    }

    func show(_ req: Request) async throws -> Response {
        let (user, owner, context, canWrite) = try await load(req)
        let report = try await MonthlyService.stored(owner, month: context.month, on: req.db)
        let redraft = req.query[String.self, at: "redraft"] == "1" && canWrite
        let content: MonthlyReportContent
        if let stored = try report?.content, !redraft { content = stored } else {
            content = try await MonthlyService.draft(owner: owner, context: context, on: req.db)
        }
        return try await render(req, user: user, owner: owner, context: context, report: report, content: content, typed: nil,
                                redrafted: redraft || report == nil, canWrite: canWrite, errors: .init())
    }

    func save(_ req: Request) async throws -> Response {
        let (user, owner, context, canWrite) = try await load(req)
        guard canWrite else { throw AppError.forbidden }
        let form = try req.content.decode(ReportForm.self)
        let input = MonthlyReportInput(
            figures: (form.figures ?? []).compactMap { f in
                f.targetId.flatMap(UUID.init(uuidString:)).map {
                    MonthlyReportInput.Figure(targetId: $0, monthValue: f.monthValue ?? "", yearToDate: f.yearToDate ?? "", note: f.note ?? "")
                }
            },
            results: form.results ?? "", shortcomings: form.shortcomings ?? "", nextMonth: form.nextMonth ?? "", proposals: form.proposals ?? "")
        let submit = form.action == "submit"
        do {
            _ = try await MonthlyService.save(input, owner: owner, context: context, submit: submit, actor: user.actor, now: req.now, on: req.db)
            return req.redirect(to: owner.route(month: context.month), notice: submit ? "report_submitted" : "saved")
        } catch let error as AppError where error.status == .unprocessableEntity {
            let report = try await MonthlyService.stored(owner, month: context.month, on: req.db)
            let content: MonthlyReportContent
            if let stored = try report?.content { content = stored } else {
                content = try await MonthlyService.draft(owner: owner, context: context, on: req.db)
            }
            return try await render(req, user: user, owner: owner, context: context, report: report, content: content, typed: form,
                                    redrafted: false, canWrite: canWrite, errors: FieldErrors(messages: error.fields), status: .unprocessableEntity)
        }
    }

    // MARK: The compilation

    struct CompiledUnit: Encodable, Sendable {
        var name: String; var id: String; var status: LedgerCellView; var submitted: Bool
        var figures: [FigureRow]; var results: String; var shortcomings: String; var nextMonth: String; var proposals: String
    }
    struct CompilationView: Encodable, Sendable {
        var month: String; var title: String; var previous: String; var next: String; var due: String; var period: String
        var units: [CompiledUnit]; var assessment: String; var nextMonth: String; var canCompile: Bool; var updatedAt: String?
        var tally: LedgerTallyView; var errors: FieldErrors
        var previousHref: String; var nextHref: String; var documentHref: String; var action: String
    }

    private func renderCompilation(_ req: Request, user: CurrentUser, month: ReportMonth, typed: MonthlyCompilationInput?,
                                   errors: FieldErrors, status: HTTPResponseStatus = .ok) async throws -> Response {
        let calendar = user.calendar
        let overview = try await MonthlyOverview.load(actor: user.actor, month: month, calendar: calendar, on: req.db)
        let record = try await MonthlyService.compilation(communeID: user.communeID, month: month, on: req.db)
        let units = try overview.owners.map { owner -> CompiledUnit in
            let report = overview.reports[owner.id]
            let content = report?.status == .submitted ? try report!.content : .empty
            return CompiledUnit(
                name: owner.name, id: owner.id.canonicalText,
                status: LedgerCellView(overview.entry(owner.id, calendar: calendar, now: req.now), calendar: calendar),
                submitted: report?.status == .submitted,
                figures: content.figures.map {
                    FigureRow(targetId: $0.targetId.canonicalText, code: $0.code, name: $0.name, unit: $0.unitOfMeasure, planned: Self.text($0.planned),
                              monthValue: Self.text($0.monthValue), yearToDate: Self.text($0.yearToDate),
                              percent: $0.percentOfPlan.map { VietnameseNumber.format($0, maxFractionDigits: 1) + "%" } ?? "", note: $0.note ?? "")
                },
                results: content.results, shortcomings: content.shortcomings, nextMonth: content.nextMonth, proposals: content.proposals)
        }
        let view = CompilationView(
            month: month.description, title: "Tổng hợp báo cáo tháng \(month.vietnamese)", previous: month.previous.description,
            next: month.next.description, due: calendar.vietnameseDateTime(overview.context.dueAt), period: overview.context.period.title,
            units: units, assessment: typed?.assessment ?? record?.assessment ?? "", nextMonth: typed?.nextMonth ?? record?.nextMonth ?? "",
            canCompile: AccessPolicy.allows(user.actor, .compileMonthlyReports),
            updatedAt: record.map { calendar.vietnameseDateTime($0.updatedAt) },
            tally: .init(LedgerTally(overview.owners.map { overview.entry($0.id, calendar: calendar, now: req.now) })), errors: errors,
            previousHref: SiteRoute.monthlyCompilation(month.previous).path, nextHref: SiteRoute.monthlyCompilation(month.next).path,
            documentHref: SiteRoute.monthlyDocument(month).path, action: SiteRoute.monthlyCompilationText(month).path)
        return try await req.render("monthly/compilation", title: view.title, section: "monthly", view, status: status)
    }

    func compilation(_ req: Request) async throws -> Response {
        let user = try req.authorize(.readMonthlyReports)
        guard let month = try PathParameter.month(req, inPath: true) else { throw AppError.notFound() }
        return try await renderCompilation(req, user: user, month: month, typed: nil, errors: .init())
    }

    func saveCompilation(_ req: Request) async throws -> Response {
        let user = try req.authorize(.compileMonthlyReports)
        guard let month = try PathParameter.month(req, inPath: true) else { throw AppError.notFound() }
        let form = try req.content.decode(MonthlyCompilationInput.self)
        do {
            _ = try await MonthlyService.saveCompilation(assessment: form.assessment, nextMonth: form.nextMonth, communeID: user.communeID,
                                                         month: month, actor: user.actor, now: req.now, on: req.db)
            return req.redirect(to: .monthlyCompilation(month), notice: "saved")
        } catch let error as AppError where error.status == .unprocessableEntity {
            return try await renderCompilation(req, user: user, month: month, typed: form, errors: FieldErrors(messages: error.fields),
                                               status: .unprocessableEntity)
        }
    }

    func document(_ req: Request) async throws -> Response {
        let user = try req.authorize(.readMonthlyReports)
        guard let month = try PathParameter.month(req, inPath: true) else { throw AppError.notFound() }
        return try await MonthlyDocuments.response(for: user, month: month, req: req)
    }
}
