import Fluent
import Foundation
import GiaoBanCore
import GiaoBanOffice
import Vapor

struct MonthlyOverviewDTO: Content {
    struct UnitRow: Content {
        var unitId: UUID
        var unitName: String
        var status: String
        var ledgerStatus: String
        var firstSubmittedAt: String?
        var lateBySeconds: Int
    }
    var month: String
    var periodStart: String
    var periodEnd: String
    var dueAt: String
    var units: [UnitRow]
}

struct MonthlyCompilationDTO: Content {
    var month: String
    var assessment: String
    var nextMonth: String
    var updatedAt: String?
    var reports: [MonthlyReportDTO]
}

struct MonthlyCompilationInput: Content {
    var assessment: String?
    var nextMonth: String?
}

/// Everything the monthly pages and API share: the month's units with their reports.
struct MonthlyOverview: Sendable {
    var context: MonthlyService.Context
    var units: [OrgUnit]
    var reports: [UUID: MonthlyReport]

    static func load(actor: Actor, month: ReportMonth, calendar: CommuneCalendar, on db: any Database) async throws -> MonthlyOverview {
        let units = try await MonthlyService.units(for: actor, on: db)
        let reports = try await MonthlyService.reports(unitIDs: units.compactMap(\.id), months: [month], on: db)
        return MonthlyOverview(context: MonthlyService.context(month, calendar: calendar), units: units,
                               reports: Dictionary(reports.map { ($0.unitID, $0) }, uniquingKeysWith: { a, _ in a }))
    }

    func entry(_ unitID: UUID, calendar: CommuneCalendar, now: Date) -> LedgerEntry {
        MonthlyService.ledgerEntry(dueAt: context.dueAt, firstSubmittedAt: reports[unitID]?.firstSubmittedAt, calendar: calendar, now: now)
    }
}

/// `/api/v1/monthly-reports/...`: each unit's monthly report (drafted from its weekly reports),
/// and the month's compilation for the Standing Committee, the Executive Committee and the district.
struct MonthlyAPIController {
    static func month(_ req: Request, parameter: Bool) throws -> ReportMonth? {
        let raw = parameter ? req.parameters.get("month") : req.query[String.self, at: "month"]
        guard let raw, !raw.isEmpty else { return nil }
        return try CellsAPIController.month(raw)
    }

    func list(_ req: Request) async throws -> MonthlyOverviewDTO {
        let user = try req.requireUser()
        let calendar = user.commune.calendar
        let month = try Self.month(req, parameter: false) ?? MonthlyService.currentMonth(calendar: calendar, now: req.now)
        let overview = try await MonthlyOverview.load(actor: user.actor, month: month, calendar: calendar, on: req.db)
        guard AccessPolicy.allows(user.actor, .readMonthlyReports) || !overview.units.isEmpty else { throw AppError.forbidden }
        return MonthlyOverviewDTO(
            month: month.description, periodStart: overview.context.period.firstDay.iso, periodEnd: overview.context.period.lastDay.iso,
            dueAt: calendar.isoString(overview.context.dueAt),
            units: overview.units.map { unit in
                let entry = overview.entry(unit.id!, calendar: calendar, now: req.now)
                return .init(unitId: unit.id!, unitName: unit.name, status: overview.reports[unit.id!].map { $0.status.rawValue } ?? "new",
                             ledgerStatus: entry.status.rawValue, firstSubmittedAt: entry.submittedAt.map(calendar.isoString),
                             lateBySeconds: entry.lateBySeconds)
            })
    }

    private func unit(_ req: Request, write: Bool) async throws -> (CurrentUser, OrgUnit, MonthlyService.Context) {
        let user = try req.requireUser()
        let unit = try await MonthlyService.unit(req.parameters.get("unitID"), communeID: user.communeID, on: req.db)
        let allowed = write ? AccessPolicy.allows(user.actor, .writeMonthlyReport(unitID: try unit.requireID()))
                            : MonthlyService.mayRead(user.actor, unitID: try unit.requireID())
        guard allowed else { throw AppError.forbidden }
        guard let month = try Self.month(req, parameter: true) else { throw AppError.notFound() }
        return (user, unit, MonthlyService.context(month, calendar: user.commune.calendar))
    }

    private func stored(_ unit: OrgUnit, _ context: MonthlyService.Context, on db: any Database) async throws -> MonthlyReport? {
        try await MonthlyReport.query(on: db).filter(\.$unitID == unit.requireID()).filter(\.$month == context.month.description).first()
    }

    func show(_ req: Request) async throws -> MonthlyReportDTO {
        let (user, unit, context) = try await unit(req, write: false)
        let report = try await stored(unit, context, on: req.db)
        let draft = report == nil ? try await MonthlyService.draft(unit: unit, context: context, on: req.db) : nil
        return MonthlyService.dto(unit: unit, context: context, report: report, draft: draft, calendar: user.commune.calendar, now: req.now)
    }

    /// The automatic draft afresh (what "redraft" would put in the form), without saving anything.
    func draft(_ req: Request) async throws -> MonthlyReportDTO {
        let (user, unit, context) = try await unit(req, write: true)
        let report = try await stored(unit, context, on: req.db)
        var dto = MonthlyService.dto(unit: unit, context: context, report: report, draft: nil, calendar: user.commune.calendar, now: req.now)
        dto.content = try await MonthlyService.draft(unit: unit, context: context, on: req.db)
        return dto
    }

    func put(_ req: Request) async throws -> MonthlyReportDTO {
        let (user, unit, context) = try await unit(req, write: true)
        let input = try req.decodeJSON(MonthlyReportInput.self)
        let report = try await MonthlyService.save(input, unit: unit, context: context, submit: false, actor: user.actor, now: req.now, on: req.db)
        return MonthlyService.dto(unit: unit, context: context, report: report, draft: nil, calendar: user.commune.calendar, now: req.now)
    }

    func submit(_ req: Request) async throws -> MonthlyReportDTO {
        let (user, unit, context) = try await unit(req, write: true)
        let input = req.body.data == nil ? MonthlyReportInput() : try req.decodeJSON(MonthlyReportInput.self)
        let report = try await MonthlyService.save(input, unit: unit, context: context, submit: true, actor: user.actor, now: req.now, on: req.db)
        return MonthlyService.dto(unit: unit, context: context, report: report, draft: nil, calendar: user.commune.calendar, now: req.now)
    }

    static func compilation(user: CurrentUser, month: ReportMonth, now: Date, on db: any Database) async throws -> MonthlyCompilationDTO {
        let calendar = user.commune.calendar
        let overview = try await MonthlyOverview.load(actor: user.actor, month: month, calendar: calendar, on: db)
        let record = try await MonthlyService.compilation(communeID: user.communeID, month: month, on: db)
        return MonthlyCompilationDTO(
            month: month.description, assessment: record?.assessment ?? "", nextMonth: record?.nextMonth ?? "",
            updatedAt: record.map { calendar.isoString($0.updatedAt) },
            reports: overview.units.compactMap { unit in
                guard let report = overview.reports[unit.id!], report.status == .submitted else { return nil }
                return MonthlyService.dto(unit: unit, context: overview.context, report: report, draft: nil, calendar: calendar, now: now)
            })
    }

    func showCompilation(_ req: Request) async throws -> MonthlyCompilationDTO {
        let user = try req.authorize(.readMonthlyReports)
        guard let month = try Self.month(req, parameter: true) else { throw AppError.notFound() }
        return try await Self.compilation(user: user, month: month, now: req.now, on: req.db)
    }

    func putCompilation(_ req: Request) async throws -> MonthlyCompilationDTO {
        let user = try req.authorize(.compileMonthlyReports)
        guard let month = try Self.month(req, parameter: true) else { throw AppError.notFound() }
        let input = try req.decodeJSON(MonthlyCompilationInput.self)
        _ = try await MonthlyService.saveCompilation(assessment: input.assessment, nextMonth: input.nextMonth, communeID: user.communeID,
                                                     month: month, actor: user.actor, now: req.now, on: req.db)
        return try await Self.compilation(user: user, month: month, now: req.now, on: req.db)
    }

    func document(_ req: Request) async throws -> Response {
        let user = try req.authorize(.readMonthlyReports)
        guard let month = try Self.month(req, parameter: true) else { throw AppError.notFound() }
        return try await MonthlyDocuments.response(for: user, month: month, req: req)
    }
}

/// The compiled monthly report as a Word document of the Party Committee (Guideline 36-HD/VPTW).
enum MonthlyDocuments {
    static func document(_ overview: MonthlyOverview, compilation: MonthlyCompilation?, commune: Commune, calendar: CommuneCalendar,
                         now: Date) -> OfficialDocument {
        let context = overview.context
        let month = context.month
        var body: [DocxBlock] = []
        body.append(.text("Kỳ báo cáo: từ ngày \(context.period.firstDay.vietnamese) đến ngày \(context.period.lastDay.vietnamese).", italic: true))

        body.append(.heading("TÌNH HÌNH THỰC HIỆN CHẾ ĐỘ BÁO CÁO", level: 1))
        let entries = overview.units.map { ($0, overview.entry($0.id!, calendar: calendar, now: now)) }
        let tally = LedgerTally(entries.map(\.1))
        body.append(.text("\(overview.units.count) đơn vị phải báo cáo: đúng hạn \(tally.onTime), muộn \(tally.late), chưa nộp \(tally.missing + tally.notDue)."))
        let missing = entries.filter { $0.1.submittedAt == nil }.map(\.0.name)
        if !missing.isEmpty { body.append(.text("Chưa nộp: \(missing.joined(separator: ", ")).")) }

        body.append(.heading("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", level: 1))
        var rows: [[DocxTable.Cell]] = []
        for unit in overview.units {
            guard let report = overview.reports[unit.id!], !report.content.figures.isEmpty else { continue }
            rows.append([DocxTable.Cell(unit.name, bold: true, columnSpan: 7)])
            for figure in report.content.figures {
                rows.append([DocxTable.Cell(figure.code), DocxTable.Cell(figure.name), DocxTable.Cell(figure.unitOfMeasure, alignment: .center),
                             DocxTable.Cell(figure.planned.map { VietnameseNumber.format($0) } ?? "", alignment: .right),
                             DocxTable.Cell(figure.monthValue.map { VietnameseNumber.format($0) } ?? "—", alignment: .right),
                             DocxTable.Cell(figure.yearToDate.map { VietnameseNumber.format($0) } ?? "—", alignment: .right),
                             DocxTable.Cell(figure.percentOfPlan.map { VietnameseNumber.format($0, maxFractionDigits: 1) + "%" } ?? "", alignment: .right)])
            }
        }
        if rows.isEmpty {
            body.append(.text("Chưa có số liệu chỉ tiêu."))
        } else {
            body.append(.table(DocxTable(
                columns: [.init(.percent(10)), .init(.percent(38)), .init(.percent(9)), .init(.percent(11)), .init(.percent(11)),
                          .init(.percent(11)), .init(.percent(10))],
                headerRows: [["Mã", "Chỉ tiêu", "ĐVT", "KH năm", "Trong tháng", "Lũy kế", "% KH"].map { DocxTable.Cell($0, bold: true, alignment: .center) }],
                rows: rows, fontSize: 12)))
        }

        func section(_ title: String, _ text: (MonthlyReportContent) -> String) {
            body.append(.heading(title, level: 1))
            var any = false
            for unit in overview.units {
                guard let report = overview.reports[unit.id!] else { continue }
                let paragraphs = text(report.content).split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
                guard !paragraphs.isEmpty else { continue }
                any = true
                body.append(.heading(unit.name, level: 2))
                for paragraph in paragraphs {
                    if paragraph.hasPrefix("- ") { body.append(.line(String(paragraph.dropFirst(2)))) } else { body.append(.text(paragraph)) }
                }
            }
            if !any { body.append(.text("Không có.")) }
        }
        section("KẾT QUẢ THỰC HIỆN NHIỆM VỤ CỦA CÁC ĐƠN VỊ", \.results)
        section("TỒN TẠI, HẠN CHẾ", \.shortcomings)

        body.append(.heading("ĐÁNH GIÁ CHUNG", level: 1))
        let assessment = (compilation?.assessment ?? "").split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        for paragraph in assessment.isEmpty ? ["(Văn phòng chưa ghi đánh giá chung.)"] : assessment { body.append(.text(paragraph)) }

        body.append(.heading("NHIỆM VỤ TRỌNG TÂM THÁNG TỚI", level: 1))
        for paragraph in (compilation?.nextMonth ?? "").split(whereSeparator: \.isNewline).map(String.init) where !paragraph.isEmpty {
            body.append(.text(paragraph))
        }
        section("ĐỀ XUẤT, KIẾN NGHỊ", \.proposals)

        return OfficialDocument(
            issuer: Letterhead.issuer(.party, commune: commune, documentNumber: "     -BC/ĐU"),
            date: LocalDate.inZone(now, calendar.timeZone), title: "BÁO CÁO",
            subtitle: ["Kết quả thực hiện nhiệm vụ tháng \(month.month) năm \(month.year)", "và nhiệm vụ trọng tâm tháng \(month.next.month) năm \(month.next.year)"],
            body: body,
            recipients: DocxRecipients(["Ban Thường vụ Huyện ủy", "Thường trực Đảng ủy", "Ban Chấp hành Đảng bộ xã", "Lãnh đạo HĐND, UBND xã"]),
            signature: DocxSignature(authority: "T/M ĐẢNG ỦY", position: "BÍ THƯ", name: ""),
            propertiesTitle: "Báo cáo tháng \(month)")
    }

    static func response(for user: CurrentUser, month: ReportMonth, req: Request) async throws -> Response {
        let calendar = user.commune.calendar
        let overview = try await MonthlyOverview.load(actor: user.actor, month: month, calendar: calendar, on: req.db)
        let compilation = try await MonthlyService.compilation(communeID: user.communeID, month: month, on: req.db)
        let document = document(overview, compilation: compilation, commune: user.commune, calendar: calendar, now: req.now)
        return try GroupDocuments.response(document, filename: "bao-cao-thang-\(month).docx", now: req.now)
    }
}
