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
        name = name.trimmedWhitespace
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
        // "STT" (bold, 12 pt), a code such as "XH01" and "177,1%" need about 8 %, 10 % and 12 % of a
        // portrait text width to stay on one line (checked in LibreOffice); the target's name gives
        // up the room.
        return DocxTable(columns: [.init(.percent(8)), .init(.percent(10)), .init(.percent(30)), .init(.percent(9)),
                                   .init(.percent(10)), .init(.percent(10)), .init(.percent(11)), .init(.percent(12))],
                         headerRows: [["STT", "Mã", "Chỉ tiêu", "ĐVT", "KH năm", "Tuần này", "Lũy kế", "% KH"].map { DocxTable.Cell($0, bold: true, alignment: .center) }],
                         rows: rows, fontSize: 12)
    }

    static func groupBody(_ view: GroupWeekView, numbered: Bool = true) -> [DocxBlock] {
        var body: [DocxBlock] = []
        let missing = view.members.filter { $0.entry?.status == .missing }.map(\.fullName)
        body.append(.heading("TÌNH HÌNH NỘP BÁO CÁO", level: 1, numbered: numbered))
        // The same tally as the group's page: every member in one part, the parts adding up.
        body.append(.text(MemberTally(view.members.map(\.entry)).vietnameseSentence
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
        for line in view.work { body.append(.line(workText(line))) }
        body.append(.heading("KHÓ KHĂN, VƯỚNG MẮC, ĐỀ XUẤT, KIẾN NGHỊ", level: 1, numbered: numbered))
        body.append(contentsOf: difficultyLines(view))
        body.append(.heading("NHẬN XÉT, ĐÁNH GIÁ CHUNG", level: 1, numbered: numbered))
        let summary = view.groupWeek.summary.trimmedWhitespaceAndNewlines
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

    /// "Hồ Sỹ Nam: Tuyên truyền …: 3 buổi (thôn Kim Lữ) — dự kiến".
    static func workText(_ line: GroupWeekView.WorkLine) -> String {
        let quantity = VietnameseNumber.format(line.quantity)
        var text = "\(line.fullName): \(line.item.description): \(quantity) \(line.item.unit)"
        let extra = [line.item.place, line.item.dates].compactMap { $0 }.joined(separator: ", ")
        if !extra.isEmpty { text += " (\(extra))" }
        if line.item.forecast { text += " — dự kiến" }
        return text
    }

    static func difficultyLines(_ view: GroupWeekView) -> [DocxBlock] {
        guard !view.difficulties.isEmpty else { return [.text("Không có.")] }
        return view.difficulties.map { .line("\($0.fullName): \($0.text.replacingOccurrences(of: "\n", with: " "))") }
    }

    static func groupReport(_ view: GroupWeekView, commune: Commune, aggregatorName: String?, date: LocalDate) -> OfficialDocument {
        let week = view.week
        var body = groupBody(view)
        // The compiler is named, smaller, at the end; the issuing body signs.
        if let aggregatorName, !aggregatorName.isEmpty {
            body.append(.paragraph([DocxRun("Người tổng hợp: ", italic: true), DocxRun(aggregatorName, italic: true)],
                                   alignment: .left, firstLineIndent: false))
        }
        return OfficialDocument(
            issuer: issuer(for: view.group, commune: commune), date: date, title: "BÁO CÁO",
            subtitle: ["Kết quả thực hiện nhiệm vụ tuần \(week.id.week)/\(week.id.year) (từ \(week.start.dayMonth) đến \(week.end.vietnamese))",
                       view.group.name],
            body: body,
            recipients: DocxRecipients(["Thường trực Đảng ủy", "Lãnh đạo UBND xã"]),
            signature: Letterhead.reportSignature(view.group.issuingKind),
            propertiesTitle: "Báo cáo tuần \(week.id) - \(view.group.name)")
    }

    /// The briefing pack: per group at most a page (status, the figures that changed, the targets
    /// behind plan, difficulties and proposals, next week's key items) — the letter asks for
    /// short reports that show results, not every line of every person. Each person's lines go to
    /// an appendix, off unless asked for.
    static func briefingPack(_ views: [(GroupWeekView, BriefingWeek.PreviousWeek)], week: ReportWeek, commune: Commune,
                             meetings: [Meeting], date: LocalDate, appendix: Bool) -> OfficialDocument {
        var body: [DocxBlock] = [.heading("LỊCH GIAO BAN", level: 1, numbered: false)]
        for meeting in meetings {
            body.append(.line("\(meeting.title): \(meeting.date.weekday.vietnameseName) \(meeting.date.vietnamese), \(meeting.start.text)–\(meeting.end.text)\(meeting.moved ? " (đã dời)" : "")"))
        }
        for (index, (view, previous)) in views.enumerated() {
            if index > 0 { body.append(.pageBreak) }
            body.append(contentsOf: briefingGroupPage(view, previous: previous, number: index + 1))
        }
        if appendix {
            body.append(.pageBreak)
            body.append(.heading("PHỤ LỤC: CÔNG VIỆC CỦA TỪNG CÁN BỘ", level: 1, numbered: false))
            for view in views.map(\.0) where !view.work.isEmpty {
                body.append(.heading(view.group.name, level: 2, numbered: false))
                for line in view.work { body.append(.line(workText(line))) }
            }
        }
        return OfficialDocument(
            issuer: Letterhead.issuer(.party, commune: commune), date: date,
            title: "TÀI LIỆU GIAO BAN",
            subtitle: ["Tuần \(week.id.week)/\(week.id.year) (từ \(week.start.dayMonth) đến \(week.end.vietnamese))"],
            body: body, recipients: DocxRecipients(["Các đồng chí dự giao ban"]),
            signature: DocxSignature(authority: "T/L BAN THƯỜNG VỤ", position: "VĂN PHÒNG", name: ""),
            propertiesTitle: "Tài liệu giao ban tuần \(week.id)")
    }

    /// Items shown per list on a group's page of the pack: enough for the meeting, short enough
    /// for one page; the rest is counted ("và 4 nội dung khác").
    static let packListLimit = 6

    static func briefingGroupPage(_ view: GroupWeekView, previous: BriefingWeek.PreviousWeek, number: Int) -> [DocxBlock] {
        var body: [DocxBlock] = []
        func limited(_ lines: [String]) -> [DocxBlock] {
            guard !lines.isEmpty else { return [.text("Không có.")] }
            var blocks = lines.prefix(packListLimit).map { DocxBlock.line($0) }
            if lines.count > packListLimit { blocks.append(.text("… và \(lines.count - packListLimit) nội dung khác (xem báo cáo tổng hợp của nhóm).")) }
            return blocks
        }
        body.append(.heading("\(romanNumeral(number)). \(view.group.name.uppercased())", level: 1, numbered: false))
        let missing = view.members.filter { $0.entry?.status == .missing }.map(\.fullName)
        let late = view.members.filter { $0.entry?.status == .late }.map(\.fullName)
        // The same tally as the group's page and compiled report, every member counted once.
        var status = "\(view.groupWeek.state.vietnameseName). \(MemberTally(view.members.map(\.entry)).vietnameseSentence.dropLast())"
            + " (tuần trước đúng hạn \(previous.onTime))"
        if !late.isEmpty { status += "; muộn: \(late.joined(separator: ", "))" }
        if !missing.isEmpty { status += "; chưa nộp: \(missing.joined(separator: ", "))" }
        body.append(.text(status + "."))
        let summary = view.groupWeek.summary.trimmedWhitespaceAndNewlines
        if !summary.isEmpty { body.append(.text("Nhận xét của đầu mối: " + summary.replacingOccurrences(of: "\n", with: " "))) }

        body.append(.heading("Số liệu thay đổi trong tuần", level: 2, numbered: false))
        let changed = view.targets.compactMap { line -> String? in
            let after = line.progress?.yearToDate
            let before = previous.yearToDate[line.target.id]
            guard after != before, let after else { return nil }
            let kind = line.target.valueKind
            let percent = TargetProgressQuery.displayPercent(line.progress?.percent)
            return "\(line.target.code) \(line.target.name): \(TargetProgressQuery.display(before, kind: kind).nonEmpty ?? "—") → \(TargetProgressQuery.display(after, kind: kind)) \(line.target.unitOfMeasure)" + (percent.isEmpty ? "" : " (\(percent) KH)")
        }
        body.append(contentsOf: limited(changed))
        body.append(.heading("Chỉ tiêu chậm so với kế hoạch", level: 2, numbered: false))
        body.append(contentsOf: limited(view.targets.filter(\.behindPlan).map { line in
            let kind = line.target.valueKind
            return "\(line.target.code) \(line.target.name): \(TargetProgressQuery.display(line.progress?.yearToDate, kind: kind).nonEmpty ?? "0")/\(TargetProgressQuery.display(line.target.planned, kind: kind)) \(line.target.unitOfMeasure) (\(TargetProgressQuery.displayPercent(line.progress?.percent).nonEmpty ?? "0%"))"
        }))
        body.append(.heading("Khó khăn, vướng mắc, đề xuất", level: 2, numbered: false))
        body.append(contentsOf: limited(view.difficulties.map { "\($0.fullName): \($0.text.replacingOccurrences(of: "\n", with: " "))" }))
        body.append(.heading("Công việc trọng tâm tuần tới", level: 2, numbered: false))
        body.append(contentsOf: limited(view.plans.map { plan in
            let date = LocalDate(iso: plan.item.date)
            let day = date.map { "\($0.weekday.shortVietnamese) \($0.dayMonth)" } ?? plan.item.date
            return "\(day) \(plan.item.start): \(plan.item.title)" + (plan.item.place.map { " (\($0))" } ?? "") + " — \(plan.fullName)"
        }))
        return body
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
        guard AccessPolicy.allows(user.actor, .readGroupWeek(group: GroupFacts(group))) else { throw AppError.forbidden }
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        let calendar = user.calendar
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
        let calendar = user.calendar
        let now = req.now, db = req.db
        let views = try await BriefingWeek.load(user: user, week: week, now: now, on: db)
        let moves = try await BriefingMoveRecord.moves(communeID: user.communeID, weeks: [week.id], on: req.db)
        let document = GroupDocuments.briefingPack(views, week: week, commune: user.commune,
                                                   meetings: calendar.meetings(for: week, moves: moves),
                                                   date: LocalDate.inZone(req.now, calendar.timeZone),
                                                   appendix: req.query[String.self, at: "appendix"] == "1")
        return try GroupDocuments.response(document, filename: "giao-ban-\(week.id).docx", now: req.now)
    }
}
