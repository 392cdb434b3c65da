import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// The monthly report pages: the month's units, a unit's report form (drafted from its weekly
/// reports), and the compiled report with the office's assessment.
struct MonthlyPagesController {
    struct UnitRow: Encodable, Sendable {
        var id: String; var name: String; var status: LedgerPagesController.StatusCell; var state: String; var canWrite: Bool
    }
    struct IndexView: Encodable, Sendable {
        var month: String; var title: String; var previous: String; var next: String; var due: String; var period: String
        var units: [UnitRow]; var canRead: Bool; var tally: LedgerPagesController.TallyView
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
        let calendar = user.commune.calendar
        let month = try MonthlyAPIController.month(req, parameter: false) ?? MonthlyService.currentMonth(calendar: calendar, now: req.now)
        let overview = try await MonthlyOverview.load(actor: user.actor, month: month, calendar: calendar, on: req.db)
        guard AccessPolicy.allows(user.actor, .readMonthlyReports) || !overview.units.isEmpty else { throw AppError.forbidden }
        let rows = overview.units.map { unit in
            UnitRow(id: unit.id!.uuidString, name: unit.name,
                    status: LedgerPagesController.cell(overview.entry(unit.id!, calendar: calendar, now: req.now), calendar: calendar),
                    state: Self.stateLabel(overview.reports[unit.id!]),
                    canWrite: AccessPolicy.allows(user.actor, .writeMonthlyReport(unitID: unit.id!)))
        }
        let view = IndexView(month: month.description, title: "Báo cáo tháng \(month.vietnamese)",
                             previous: month.previous.description, next: month.next.description,
                             due: calendar.vietnameseDateTime(overview.context.dueAt), period: overview.context.period.title,
                             units: rows, canRead: AccessPolicy.allows(user.actor, .readMonthlyReports),
                             tally: .init(LedgerTally(overview.units.map { overview.entry($0.id!, calendar: calendar, now: req.now) })))
        return try await req.render("monthly/index", title: view.title, section: "monthly", view)
    }

    // MARK: A unit's report

    struct FigureRow: Encodable, Sendable {
        var index: Int = 0; var targetId: String; var code: String; var name: String; var unit: String; var planned: String
        var monthValue: String; var yearToDate: String; var percent: String; var note: String; var error: String?
    }
    struct ReportView: Encodable, Sendable {
        var month: String; var unitID: String; var unitName: String; var title: String; var period: String; var weeks: String
        var due: String; var state: String; var status: LedgerPagesController.StatusCell; var figures: [FigureRow]
        var results: String; var shortcomings: String; var nextMonth: String; var proposals: String
        var canWrite: Bool; var redrafted: Bool; var submitted: Bool; var errors: FieldErrors
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

    private func load(_ req: Request) async throws -> (CurrentUser, OrgUnit, MonthlyService.Context) {
        let user = try req.requireUser()
        let unit = try await MonthlyService.unit(req.parameters.get("unitID"), communeID: user.communeID, on: req.db)
        guard MonthlyService.mayRead(user.actor, unitID: try unit.requireID()) else { throw AppError.forbidden }
        guard let month = try MonthlyAPIController.month(req, parameter: true) else { throw AppError.notFound() }
        return (user, unit, MonthlyService.context(month, calendar: user.commune.calendar))
    }

    private static func text(_ value: Decimal?) -> String { value.map { VietnameseNumber.format($0, maxFractionDigits: 6) } ?? "" }

    private func render(_ req: Request, user: CurrentUser, unit: OrgUnit, context: MonthlyService.Context, report: MonthlyReport?,
                        content: MonthlyReportContent, typed: ReportForm?, redrafted: Bool, errors: FieldErrors,
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        let calendar = user.commune.calendar
        let typedFigures = Dictionary((typed?.figures ?? []).compactMap { f in f.targetId.map { ($0, f) } }, uniquingKeysWith: { a, _ in a })
        let figures = content.figures.enumerated().map { index, figure -> FigureRow in
            let id = figure.targetId.uuidString
            let typedRow = typedFigures[id]
            return FigureRow(index: index, targetId: id, code: figure.code, name: figure.name, unit: figure.unitOfMeasure,
                             planned: Self.text(figure.planned),
                             monthValue: typedRow?.monthValue ?? Self.text(figure.monthValue),
                             yearToDate: typedRow?.yearToDate ?? Self.text(figure.yearToDate),
                             percent: figure.percentOfPlan.map { VietnameseNumber.format($0, maxFractionDigits: 1) + "%" } ?? "",
                             note: typedRow?.note ?? figure.note ?? "", error: errors["figures.\(id)"])
        }
        let entry = MonthlyService.ledgerEntry(dueAt: context.dueAt, firstSubmittedAt: report?.firstSubmittedAt, calendar: calendar, now: req.now)
        let view = ReportView(
            month: context.month.description, unitID: unit.id!.uuidString, unitName: unit.name,
            title: "\(unit.name): báo cáo tháng \(context.month.vietnamese)", period: context.period.title,
            weeks: context.periodWeeks.map { "\($0.week)/\($0.year)" }.joined(separator: ", "),
            due: calendar.vietnameseDateTime(context.dueAt), state: Self.stateLabel(report),
            status: LedgerPagesController.cell(entry, calendar: calendar), figures: figures,
            results: typed?.results ?? content.results, shortcomings: typed?.shortcomings ?? content.shortcomings,
            nextMonth: typed?.nextMonth ?? content.nextMonth, proposals: typed?.proposals ?? content.proposals,
            canWrite: AccessPolicy.allows(user.actor, .writeMonthlyReport(unitID: unit.id!)), redrafted: redrafted,
            submitted: report?.status == .submitted, errors: errors)
        return try await req.render("monthly/report", title: view.title, section: "monthly", view, status: status)
    }

    func show(_ req: Request) async throws -> Response {
        let (user, unit, context) = try await load(req)
        let report = try await MonthlyReport.query(on: req.db).filter(\.$unitID == unit.requireID())
            .filter(\.$month == context.month.description).first()
        let redraft = req.query[String.self, at: "redraft"] == "1" && AccessPolicy.allows(user.actor, .writeMonthlyReport(unitID: unit.id!))
        let content: MonthlyReportContent
        if let stored = report?.content, !redraft { content = stored } else {
            content = try await MonthlyService.draft(unit: unit, context: context, on: req.db)
        }
        return try await render(req, user: user, unit: unit, context: context, report: report, content: content, typed: nil,
                                redrafted: redraft || report == nil, errors: .init())
    }

    func save(_ req: Request) async throws -> Response {
        let (user, unit, context) = try await load(req)
        guard AccessPolicy.allows(user.actor, .writeMonthlyReport(unitID: unit.id!)) else { throw AppError.forbidden }
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
            _ = try await MonthlyService.save(input, unit: unit, context: context, submit: submit, actor: user.actor, now: req.now, on: req.db)
            return req.redirect(to: "/monthly/\(context.month)/units/\(unit.id!)?notice=\(submit ? "report_submitted" : "saved")")
        } catch let error as AppError where error.status == .unprocessableEntity {
            let report = try await MonthlyReport.query(on: req.db).filter(\.$unitID == unit.requireID())
                .filter(\.$month == context.month.description).first()
            let content: MonthlyReportContent
            if let stored = report?.content { content = stored } else {
                content = try await MonthlyService.draft(unit: unit, context: context, on: req.db)
            }
            return try await render(req, user: user, unit: unit, context: context, report: report, content: content, typed: form,
                                    redrafted: false, errors: FieldErrors(messages: error.fields), status: .unprocessableEntity)
        }
    }

    // MARK: The compilation

    struct CompiledUnit: Encodable, Sendable {
        var name: String; var id: String; var status: LedgerPagesController.StatusCell; var submitted: Bool
        var figures: [FigureRow]; var results: String; var shortcomings: String; var nextMonth: String; var proposals: String
    }
    struct CompilationView: Encodable, Sendable {
        var month: String; var title: String; var previous: String; var next: String; var due: String; var period: String
        var units: [CompiledUnit]; var assessment: String; var nextMonth: String; var canCompile: Bool; var updatedAt: String?
        var tally: LedgerPagesController.TallyView; var errors: FieldErrors
    }

    private func renderCompilation(_ req: Request, user: CurrentUser, month: ReportMonth, typed: MonthlyCompilationInput?,
                                   errors: FieldErrors, status: HTTPResponseStatus = .ok) async throws -> Response {
        let calendar = user.commune.calendar
        let overview = try await MonthlyOverview.load(actor: user.actor, month: month, calendar: calendar, on: req.db)
        let record = try await MonthlyService.compilation(communeID: user.communeID, month: month, on: req.db)
        let units = overview.units.map { unit -> CompiledUnit in
            let report = overview.reports[unit.id!]
            let content = report?.status == .submitted ? report!.content : .empty
            return CompiledUnit(
                name: unit.name, id: unit.id!.uuidString,
                status: LedgerPagesController.cell(overview.entry(unit.id!, calendar: calendar, now: req.now), calendar: calendar),
                submitted: report?.status == .submitted,
                figures: content.figures.map {
                    FigureRow(targetId: $0.targetId.uuidString, code: $0.code, name: $0.name, unit: $0.unitOfMeasure, planned: Self.text($0.planned),
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
            tally: .init(LedgerTally(overview.units.map { overview.entry($0.id!, calendar: calendar, now: req.now) })), errors: errors)
        return try await req.render("monthly/compilation", title: view.title, section: "monthly", view, status: status)
    }

    func compilation(_ req: Request) async throws -> Response {
        let user = try req.authorize(.readMonthlyReports)
        guard let month = try MonthlyAPIController.month(req, parameter: true) else { throw AppError.notFound() }
        return try await renderCompilation(req, user: user, month: month, typed: nil, errors: .init())
    }

    func saveCompilation(_ req: Request) async throws -> Response {
        let user = try req.authorize(.compileMonthlyReports)
        guard let month = try MonthlyAPIController.month(req, parameter: true) else { throw AppError.notFound() }
        let form = try req.content.decode(MonthlyCompilationInput.self)
        do {
            _ = try await MonthlyService.saveCompilation(assessment: form.assessment, nextMonth: form.nextMonth, communeID: user.communeID,
                                                         month: month, actor: user.actor, now: req.now, on: req.db)
            return req.redirect(to: "/monthly/\(month)?notice=saved")
        } catch let error as AppError where error.status == .unprocessableEntity {
            return try await renderCompilation(req, user: user, month: month, typed: form, errors: FieldErrors(messages: error.fields),
                                               status: .unprocessableEntity)
        }
    }

    func document(_ req: Request) async throws -> Response {
        let user = try req.authorize(.readMonthlyReports)
        guard let month = try MonthlyAPIController.month(req, parameter: true) else { throw AppError.notFound() }
        return try await MonthlyDocuments.response(for: user, month: month, req: req)
    }
}
