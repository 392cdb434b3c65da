import Fluent
import Foundation
import GiaoBanCore
import GiaoBanOffice
import Vapor

/// The compiled group report and the briefing pack as Word documents in Vietnamese
/// administrative format (Decree 30/2020/NĐ-CP; Guideline 36-HD/VPTW for Party bodies).
enum GroupDocuments {
    /// "Xã Sơn Kim 2 (dữ liệu mẫu)" → "Sơn Kim 2": the place line and the issuing body's name.
    static func place(of commune: Commune) -> String {
        var name = commune.name
        if let bracket = name.firstIndex(of: "(") { name = String(name[..<bracket]) }
        name = name.trimmingCharacters(in: .whitespaces)
        for prefix in ["Xã ", "xã ", "Phường ", "Thị trấn "] where name.hasPrefix(prefix) {
            name = String(name.dropFirst(prefix.count))
        }
        return name
    }

    /// The group's issuing body (a setting of the group), with the commune's letterhead.
    static func issuer(for group: ReportGroup, commune: Commune) -> IssuingBody {
        let kind = group.issuingKind
        return Letterhead.issuer(kind, commune: commune, documentNumber: kind == .party ? "     -BC/ĐU" : "     /BC-UBND")
    }

    static func targetTable(_ lines: [GroupWeekView.TargetLine]) -> DocxTable {
        let rows: [[DocxTable.Cell]] = lines.enumerated().map { index, line in
            let kind = line.target.valueKind
            return [
                DocxTable.Cell(String(index + 1), alignment: .center), DocxTable.Cell(line.target.code),
                DocxTable.Cell(line.target.name + (line.behindPlan ? " (chậm)" : "")), DocxTable.Cell(line.target.unitOfMeasure, alignment: .center),
                DocxTable.Cell(TargetProgressQuery.display(line.target.planned, kind: kind), alignment: .right),
                DocxTable.Cell(TargetProgressQuery.display(line.progress?.weekValue, kind: kind), alignment: .right),
                DocxTable.Cell(TargetProgressQuery.display(line.progress?.yearToDate, kind: kind), alignment: .right),
                DocxTable.Cell(TargetProgressQuery.displayPercent(line.progress?.percent), alignment: .right),
            ]
        }
        return DocxTable(columns: [.init(.percent(6)), .init(.percent(9)), .init(.percent(37)), .init(.percent(10)),
                                   .init(.percent(10)), .init(.percent(9)), .init(.percent(10)), .init(.percent(9))],
                         headerRows: [["STT", "Mã", "Chỉ tiêu", "ĐVT", "KH năm", "Tuần này", "Lũy kế", "% KH"].map { DocxTable.Cell($0, bold: true, alignment: .center) }],
                         rows: rows, fontSize: 12)
    }

    static func groupBody(_ view: GroupWeekView, numbered: Bool = true) -> [DocxBlock] {
        var body: [DocxBlock] = []
        let entries = view.members.compactMap(\.entry)
        let tally = LedgerTally(entries)
        let missing = view.members.filter { $0.entry?.status == .missing }.map(\.person.fullName)
        body.append(.heading("TÌNH HÌNH NỘP BÁO CÁO", level: 1, numbered: numbered))
        body.append(.text("Tổng số \(view.members.count) cán bộ phải báo cáo: đúng hạn \(tally.onTime), muộn \(tally.late), chưa nộp \(tally.missing), vắng có lý do \(tally.excused)."
                          + (missing.isEmpty ? "" : " Chưa nộp: \(missing.joined(separator: ", "))."), bold: false))
        body.append(.heading("KẾT QUẢ THỰC HIỆN CHỈ TIÊU", level: 1, numbered: numbered))
        if view.targets.isEmpty {
            body.append(.text("Nhóm chưa có chỉ tiêu của năm \(view.week.id.year)."))
        } else {
            body.append(.table(targetTable(view.targets)))
        }
        body.append(.heading("CÁC CÔNG VIỆC KHÁC ĐÃ THỰC HIỆN", level: 1, numbered: numbered))
        if view.work.isEmpty { body.append(.text("Không có.")) }
        for total in view.activityTotals where total.activityType != nil {
            body.append(.line("\(total.name): \(VietnameseNumber.format(total.quantity)) \(total.unit)"))
        }
        for line in view.work {
            let quantity = VietnameseNumber.format(DecimalText.load(line.item.quantityText) ?? 0)
            var text = "\(line.fullName): \(line.item.description): \(quantity) \(line.item.unit)"
            let extra = [line.item.place, line.item.dates].compactMap { $0 }.joined(separator: ", ")
            if !extra.isEmpty { text += " (\(extra))" }
            body.append(.line(text))
        }
        body.append(.heading("NHẬN XÉT, ĐÁNH GIÁ CHUNG", level: 1, numbered: numbered))
        let summary = view.groupWeek.summary.trimmingCharacters(in: .whitespacesAndNewlines)
        for paragraph in (summary.isEmpty ? ["(Đầu mối chưa ghi nhận xét.)"] : summary.components(separatedBy: "\n")) where !paragraph.isEmpty {
            body.append(.text(paragraph))
        }
        body.append(.heading("KẾ HOẠCH CÔNG TÁC TUẦN TỚI", level: 1, numbered: numbered))
        if view.plans.isEmpty {
            body.append(.text("Không có."))
        } else {
            let rows = view.plans.map { plan -> [String] in
                let date = LocalDate(iso: plan.item.date)
                return [date.map { "\($0.weekday.shortVietnamese) \($0.dayMonth)" } ?? plan.item.date,
                        "\(plan.item.start)–\(plan.item.end)", plan.item.title, plan.item.place ?? "", plan.fullName]
            }
            body.append(.table(DocxTable(header: ["Ngày", "Thời gian", "Nội dung", "Địa điểm", "Người thực hiện"], rows: rows,
                                         widths: [.percent(12), .percent(14), .percent(40), .percent(16), .percent(18)], fontSize: 12)))
        }
        return body
    }

    static func groupReport(_ view: GroupWeekView, commune: Commune, aggregatorName: String?, date: LocalDate) -> OfficialDocument {
        let week = view.week
        return OfficialDocument(
            issuer: issuer(for: view.group, commune: commune), date: date, title: "BÁO CÁO",
            subtitle: ["Kết quả thực hiện nhiệm vụ tuần \(week.id.week)/\(week.id.year) (từ \(week.start.dayMonth) đến \(week.end.vietnamese))",
                       view.group.name],
            body: groupBody(view),
            recipients: DocxRecipients(["Thường trực Đảng ủy", "Lãnh đạo UBND xã"]),
            signature: DocxSignature(position: "NGƯỜI TỔNG HỢP", name: aggregatorName ?? ""),
            propertiesTitle: "Báo cáo tuần \(week.id) - \(view.group.name)")
    }

    static func briefingPack(_ views: [GroupWeekView], week: ReportWeek, commune: Commune, meetings: [Meeting], date: LocalDate) -> OfficialDocument {
        var body: [DocxBlock] = [.heading("LỊCH GIAO BAN", level: 1, numbered: false)]
        for meeting in meetings {
            body.append(.line("\(meeting.title): \(meeting.date.weekday.vietnameseName) \(meeting.date.vietnamese), \(meeting.start.text)–\(meeting.end.text)\(meeting.moved ? " (đã dời)" : "")"))
        }
        for (index, view) in views.enumerated() {
            body.append(.heading("\(romanNumeral(index + 1)). \(view.group.name.uppercased()) (\(view.groupWeek.state.vietnameseName.lowercased()))", level: 1, numbered: false))
            body.append(contentsOf: groupBody(view, numbered: false).map { block in
                if case .heading(let text, _, _) = block { return .heading(text.prefix(1) + text.dropFirst().lowercased(), level: 2, numbered: false) }
                return block
            })
        }
        return OfficialDocument(
            issuer: Letterhead.issuer(.party, commune: commune), date: date,
            title: "TÀI LIỆU GIAO BAN",
            subtitle: ["Tuần \(week.id.week)/\(week.id.year) (từ \(week.start.dayMonth) đến \(week.end.vietnamese))"],
            body: body, recipients: DocxRecipients(["Các đồng chí dự giao ban"]),
            signature: DocxSignature(authority: "T/L BAN THƯỜNG VỤ", position: "VĂN PHÒNG", name: ""),
            propertiesTitle: "Tài liệu giao ban tuần \(week.id)")
    }

    static func romanNumeral(_ number: Int) -> String {
        let values = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        var rest = number, result = ""
        for (value, symbol) in values { while rest >= value { result += symbol; rest -= value } }
        return result
    }

    static func response(_ document: OfficialDocument, filename: String, now: Date) throws -> Response {
        let data = try DocxWriter.write(document, modificationDate: now)
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.wordprocessingml.document")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        return response
    }
}

extension CompilationAPIController {
    /// `GET …/groups/{id}/weeks/{weekId}/report.docx` (API and page).
    func reportDocument(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let group = try await CompilationService.group(req.parameters.get("id"), communeID: user.communeID, on: req.db)
        guard CompilationService.mayRead(user.actor, group: group) else { throw AppError.forbidden }
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        let calendar = user.commune.calendar
        let view = try await CompilationService.view(group: group, week: week, calendar: calendar, now: req.now, on: req.db)
        // The signer is who compiled the report, else the group's first focal point.
        var aggregator: String?
        if let signerID = view.groupWeek.compiledBy ?? view.aggregatorIDs.first {
            aggregator = try await Person.find(signerID, on: req.db)?.fullName
        }
        let date = LocalDate.inZone(view.groupWeek.compiledAt ?? req.now, calendar.timeZone)
        let document = GroupDocuments.groupReport(view, commune: user.commune, aggregatorName: aggregator, date: date)
        let slug = VietnameseText.folded(group.name).replacingOccurrences(of: " ", with: "-").filter { $0.isLetter || $0.isNumber || $0 == "-" }
        return try GroupDocuments.response(document, filename: "bao-cao-\(week.id)-\(slug).docx", now: req.now)
    }
}

extension BriefingPageController {
    /// `GET /briefing/{weekId}/pack.docx`: every group of the week, ready for the meeting.
    func packDocument(_ req: Request) async throws -> Response {
        let user = try req.authorize(.viewBriefing)
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        let views = try await Self.load(user: user, week: week, now: req.now, on: req.db)
        let calendar = user.commune.calendar
        let moves = try await BriefingMoveRecord.moves(communeID: user.communeID, weeks: [week.id], on: req.db)
        let document = GroupDocuments.briefingPack(views, week: week, commune: user.commune,
                                                   meetings: calendar.meetings(for: week, moves: moves),
                                                   date: LocalDate.inZone(req.now, calendar.timeZone))
        return try GroupDocuments.response(document, filename: "giao-ban-\(week.id).docx", now: req.now)
    }
}
