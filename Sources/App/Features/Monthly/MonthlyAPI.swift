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
    struct PersonRow: Content {
        var personId: UUID
        var personName: String
        var status: String
        var ledgerStatus: String
        var firstSubmittedAt: String?
        var lateBySeconds: Int
    }
    var month: String
    var periodStart: String
    var periodEnd: String
    var dueAt: String
    /// The commune's setting: "units", "people" or "both".
    var monthlyReporters: String
    /// The units that owe the month's report (none when the commune asks only people).
    var units: [UnitRow]
    /// The officials who owe a personal report (none when the commune asks only units).
    var people: [PersonRow]
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

/// Everything the monthly pages and API share: the month's owing units and officials (as the
/// commune's `monthlyReporters` setting says) with their reports.
struct MonthlyOverview: Sendable {
    var context: MonthlyService.Context
    var units: [OrgUnit]
    var people: [Person]
    /// Keyed by the owner's id (a unit's or a person's).
    var reports: [UUID: MonthlyReport]

    /// Units first, then officials: the order of the pages and the compiled document.
    var owners: [MonthlyOwner] { units.map(MonthlyOwner.unit) + people.map(MonthlyOwner.person) }

    static func load(actor: Actor, month: ReportMonth, calendar: CommuneCalendar, on db: any Database) async throws -> MonthlyOverview {
        let units = calendar.settings.monthlyReporters.includesUnits ? try await MonthlyService.units(for: actor, on: db) : []
        let people = try await MonthlyService.people(for: actor, month: month, calendar: calendar, on: db)
        let unitReports = try await MonthlyService.reports(unitIDs: units.compactMap(\.id), months: [month], on: db)
        let personReports = try await MonthlyService.reports(personIDs: people.compactMap(\.id), months: [month], on: db)
        let keyed = unitReports.compactMap { report in report.unitID.map { ($0, report) } }
            + personReports.compactMap { report in report.personID.map { ($0, report) } }
        return MonthlyOverview(context: MonthlyService.context(month, calendar: calendar), units: units, people: people,
                               reports: Dictionary(keyed, uniquingKeysWith: { a, _ in a }))
    }

    var isEmpty: Bool { units.isEmpty && people.isEmpty }

    func entry(_ ownerID: UUID, calendar: CommuneCalendar, now: Date) -> LedgerEntry {
        MonthlyService.ledgerEntry(dueAt: context.dueAt, firstSubmittedAt: reports[ownerID]?.firstSubmittedAt, calendar: calendar, now: now)
    }
}

/// `/api/v1/monthly-reports/...`: each unit's monthly report (drafted from its weekly reports),
/// and the month's compilation for the Standing Committee, the Executive Committee and the district.
struct MonthlyAPIController {
    func list(_ req: Request) async throws -> MonthlyOverviewDTO {
        let user = try req.requireUser()
        let calendar = user.calendar
        let month = try PathParameter.month(req, inPath: false) ?? MonthlyService.currentMonth(calendar: calendar, now: req.now)
        guard AccessPolicy.allows(user.actor, MonthlyService.openAction(user)) else { throw AppError.forbidden }
        let overview = try await MonthlyOverview.load(actor: user.actor, month: month, calendar: calendar, on: req.db)
        return MonthlyOverviewDTO(
            month: month.description, periodStart: overview.context.period.firstDay.iso, periodEnd: overview.context.period.lastDay.iso,
            dueAt: calendar.isoString(overview.context.dueAt), monthlyReporters: calendar.settings.monthlyReporters.rawValue,
            units: overview.units.map { unit in
                let entry = overview.entry(unit.id!, calendar: calendar, now: req.now)
                return .init(unitId: unit.id!, unitName: unit.name, status: overview.reports[unit.id!].map { $0.status.rawValue } ?? "new",
                             ledgerStatus: entry.status.rawValue, firstSubmittedAt: entry.submittedAt.map(calendar.isoString),
                             lateBySeconds: entry.lateBySeconds)
            },
            people: overview.people.map { person in
                let entry = overview.entry(person.id!, calendar: calendar, now: req.now)
                return .init(personId: person.id!, personName: person.fullName,
                             status: overview.reports[person.id!].map { $0.status.rawValue } ?? "new",
                             ledgerStatus: entry.status.rawValue, firstSubmittedAt: entry.submittedAt.map(calendar.isoString),
                             lateBySeconds: entry.lateBySeconds)
            })
    }

    func show(_ req: Request) async throws -> MonthlyReportDTO {
        let (user, owner, context) = try await MonthlyOwner.resolve(req, write: false)
        let report = try await MonthlyService.stored(owner, month: context.month, on: req.db)
        let draft = report == nil ? try await MonthlyService.draft(owner: owner, context: context, on: req.db) : nil
        return try MonthlyService.dto(owner: owner, context: context, report: report, draft: draft, calendar: user.calendar, now: req.now)
    }

    /// The automatic draft afresh (what "redraft" would put in the form), without saving anything.
    func draft(_ req: Request) async throws -> MonthlyReportDTO {
        let (user, owner, context) = try await MonthlyOwner.resolve(req, write: true)
        let report = try await MonthlyService.stored(owner, month: context.month, on: req.db)
        var dto = try MonthlyService.dto(owner: owner, context: context, report: report, draft: nil, calendar: user.calendar, now: req.now)
        dto.content = try await MonthlyService.draft(owner: owner, context: context, on: req.db)
        return dto
    }

    func put(_ req: Request) async throws -> MonthlyReportDTO {
        let (user, owner, context) = try await MonthlyOwner.resolve(req, write: true)
        let input = try req.decodeJSON(MonthlyReportInput.self)
        let report = try await MonthlyService.save(input, owner: owner, context: context, submit: false, actor: user.actor, now: req.now, on: req.db)
        return try MonthlyService.dto(owner: owner, context: context, report: report, draft: nil, calendar: user.calendar, now: req.now)
    }

    func submit(_ req: Request) async throws -> MonthlyReportDTO {
        let (user, owner, context) = try await MonthlyOwner.resolve(req, write: true)
        let input = req.body.data == nil ? MonthlyReportInput() : try req.decodeJSON(MonthlyReportInput.self)
        let report = try await MonthlyService.save(input, owner: owner, context: context, submit: true, actor: user.actor, now: req.now, on: req.db)
        return try MonthlyService.dto(owner: owner, context: context, report: report, draft: nil, calendar: user.calendar, now: req.now)
    }

    static func compilation(user: CurrentUser, month: ReportMonth, now: Date, on db: any Database) async throws -> MonthlyCompilationDTO {
        let calendar = user.calendar
        let overview = try await MonthlyOverview.load(actor: user.actor, month: month, calendar: calendar, on: db)
        let record = try await MonthlyService.compilation(communeID: user.communeID, month: month, on: db)
        return MonthlyCompilationDTO(
            month: month.description, assessment: record?.assessment ?? "", nextMonth: record?.nextMonth ?? "",
            updatedAt: record.map { calendar.isoString($0.updatedAt) },
            reports: try overview.owners.compactMap { owner in
                guard let report = overview.reports[owner.id], report.status == .submitted else { return nil }
                return try MonthlyService.dto(owner: owner, context: overview.context, report: report, draft: nil, calendar: calendar, now: now)
            })
    }

    func showCompilation(_ req: Request) async throws -> MonthlyCompilationDTO {
        let user = try req.authorize(.readMonthlyReports)
        guard let month = try PathParameter.month(req, inPath: true) else { throw AppError.notFound() }
        return try await Self.compilation(user: user, month: month, now: req.now, on: req.db)
    }

    func putCompilation(_ req: Request) async throws -> MonthlyCompilationDTO {
        let user = try req.authorize(.compileMonthlyReports)
        guard let month = try PathParameter.month(req, inPath: true) else { throw AppError.notFound() }
        let input = try req.decodeJSON(MonthlyCompilationInput.self)
        _ = try await MonthlyService.saveCompilation(assessment: input.assessment, nextMonth: input.nextMonth, communeID: user.communeID,
                                                     month: month, actor: user.actor, now: req.now, on: req.db)
        return try await Self.compilation(user: user, month: month, now: req.now, on: req.db)
    }

    func document(_ req: Request) async throws -> Response {
        let user = try req.authorize(.readMonthlyReports)
        guard let month = try PathParameter.month(req, inPath: true) else { throw AppError.notFound() }
        return try await MonthlyDocuments.response(for: user, month: month, req: req)
    }
}

/// The compiled monthly report as a Word document of the Party Committee (Guideline 36-HD/VPTW).
enum MonthlyDocuments {
    static func document(_ overview: MonthlyOverview, compilation: MonthlyCompilation?, commune: Commune, calendar: CommuneCalendar,
                         now: Date) throws -> OfficialDocument {
        let context = overview.context
        let month = context.month
        var body: [DocxBlock] = []
        body.append(.text("Kỳ báo cáo: từ ngày \(context.period.firstDay.vietnamese) đến ngày \(context.period.lastDay.vietnamese).", italic: true))

        body.append(.heading("TÌNH HÌNH THỰC HIỆN CHẾ ĐỘ BÁO CÁO", level: 1))
        let owners = overview.owners
        let entries = owners.map { ($0, overview.entry($0.id, calendar: calendar, now: now)) }
        let tally = LedgerTally(entries.map(\.1))
        let who = [overview.units.isEmpty ? nil : "\(overview.units.count) đơn vị", overview.people.isEmpty ? nil : "\(overview.people.count) cán bộ, công chức"]
            .compactMap { $0 }.joined(separator: " và ")
        body.append(.text("\(who.isEmpty ? "Không có ai" : who) phải báo cáo: đúng hạn \(tally.onTime), muộn \(tally.late), chưa nộp \(tally.missing + tally.notDue)."))
        let missing = entries.filter { $0.1.submittedAt == nil }.map(\.0.name)
        if !missing.isEmpty { body.append(.text("Chưa nộp: \(missing.joined(separator: ", ")).")) }

        body.append(.heading("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", level: 1))
        var rows: [[DocxTable.Cell]] = []
        for owner in owners {
            guard let report = overview.reports[owner.id], try !report.content.figures.isEmpty else { continue }
            rows.append([DocxTable.Cell(owner.name, bold: true, columnSpan: 7)])
            for figure in try report.content.figures {
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

        func section(_ title: String, _ text: (MonthlyReportContent) -> String) throws {
            body.append(.heading(title, level: 1))
            var any = false
            for owner in owners {
                guard let report = overview.reports[owner.id] else { continue }
                let paragraphs = text(try report.content).split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
                guard !paragraphs.isEmpty else { continue }
                any = true
                body.append(.heading(owner.name, level: 2))
                for paragraph in paragraphs {
                    if paragraph.hasPrefix("- ") { body.append(.line(String(paragraph.dropFirst(2)))) } else { body.append(.text(paragraph)) }
                }
            }
            if !any { body.append(.text("Không có.")) }
        }
        // The heading names who reported: units, officials, or both (the commune's setting).
        let reporters = [overview.units.isEmpty ? nil : "CÁC ĐƠN VỊ", overview.people.isEmpty ? nil : "CÁN BỘ, CÔNG CHỨC"].compactMap { $0 }
        try section("KẾT QUẢ THỰC HIỆN NHIỆM VỤ" + (reporters.isEmpty ? "" : " CỦA " + reporters.joined(separator: " VÀ ")), \.results)
        try section("TỒN TẠI, HẠN CHẾ", \.shortcomings)

        body.append(.heading("ĐÁNH GIÁ CHUNG", level: 1))
        let assessment = (compilation?.assessment ?? "").split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        for paragraph in assessment.isEmpty ? ["(Văn phòng chưa ghi đánh giá chung.)"] : assessment { body.append(.text(paragraph)) }

        body.append(.heading("NHIỆM VỤ TRỌNG TÂM THÁNG TỚI", level: 1))
        for paragraph in (compilation?.nextMonth ?? "").split(whereSeparator: \.isNewline).map(String.init) where !paragraph.isEmpty {
            body.append(.text(paragraph))
        }
        try section("ĐỀ XUẤT, KIẾN NGHỊ", \.proposals)

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
        let calendar = user.calendar
        let overview = try await MonthlyOverview.load(actor: user.actor, month: month, calendar: calendar, on: req.db)
        let compilation = try await MonthlyService.compilation(communeID: user.communeID, month: month, on: req.db)
        let document = try document(overview, compilation: compilation, commune: user.commune, calendar: calendar, now: req.now)
        return try GroupDocuments.response(document, filename: "bao-cao-thang-\(month).docx", now: req.now)
    }
}
