import Fluent
import Foundation
import GiaoBanCore
import GiaoBanOffice
import Vapor

/// The month's compiled report on party-cell meetings for the district's organisation board
/// ("Ban Tổ chức Huyện ủy"), due before the 10th of the next month (letter point 3), in the Party's
/// document format (Guideline 36-HD/VPTW).
enum CellDocuments {
    static func percent(_ fraction: Decimal?) -> String {
        fraction.map { VietnameseNumber.format($0 * 100, maxFractionDigits: 1) + "%" } ?? "—"
    }

    static func document(_ compiled: CellService.MonthCompilation, commune: Commune, date: LocalDate) -> OfficialDocument {
        let month = compiled.month
        let report = compiled.report
        var body: [DocxBlock] = []

        body.append(.heading("TÌNH HÌNH CHUNG", level: 1))
        let held = report.cellsWithRegularMeeting
        let rated = report.ratingCounts.map { "\($0.rating.title) \($0.count)" }.joined(separator: ", ")
        body.append(.text("Toàn Đảng bộ có \(report.rows.count) chi bộ; \(held) chi bộ tổ chức sinh hoạt thường kỳ trong tháng \(month.vietnamese)"
                          + (held < report.rows.count ? ", \(report.rows.count - held) chi bộ chưa tổ chức hoặc chưa báo cáo" : "") + "."))
        body.append(.text("Tỷ lệ đảng viên dự sinh hoạt thường kỳ: \(percent(report.attendanceRate)). Đồng chí đảng ủy viên phụ trách dự sinh hoạt tại \(report.cellsAttendedBySupervisor)/\(report.rows.count) chi bộ."))
        body.append(.text("Xếp loại chất lượng sinh hoạt (theo bộ tiêu chí năm \(compiled.rubric.year)): \(rated)"
                          + (report.unratedCells > 0 ? "; chưa đánh giá \(report.unratedCells) chi bộ" : "") + "."))

        body.append(.heading("KẾT QUẢ SINH HOẠT CỦA CÁC CHI BỘ", level: 1))
        let rows: [[DocxTable.Cell]] = report.rows.enumerated().map { index, row in
            let id = UUID(uuidString: row.cell.key)
            let entry = id.flatMap { compiled.ledger[$0] }
            return [
                DocxTable.Cell(String(index + 1), alignment: .center),
                DocxTable.Cell(row.cell.name),
                DocxTable.Cell("\(row.regularMeetings)/\(row.extraordinaryMeetings)", alignment: .center),
                DocxTable.Cell("\(row.present)/\(row.summoned)", alignment: .center),
                DocxTable.Cell(percent(row.attendanceRate), alignment: .right),
                DocxTable.Cell(row.supervisorAttended ? "Có" : "Không", alignment: .center),
                DocxTable.Cell(row.score.map { VietnameseNumber.format($0.total, maxFractionDigits: 1) } ?? "—", alignment: .right),
                DocxTable.Cell(row.rating?.title ?? "—", alignment: .center),
                DocxTable.Cell(entry.map { $0.status.vietnameseName } ?? ""),
            ]
        }
        body.append(.table(DocxTable(
            columns: [.init(.percent(6)), .init(.percent(22)), .init(.percent(10)), .init(.percent(11)), .init(.percent(10)),
                      .init(.percent(9)), .init(.percent(8)), .init(.percent(11)), .init(.percent(13))],
            headerRows: [["STT", "Chi bộ", "Số buổi (TK/BT)", "Có mặt/ triệu tập", "Tỷ lệ dự", "ĐUV dự", "Điểm", "Xếp loại", "Báo cáo"]
                .map { DocxTable.Cell($0, bold: true, alignment: .center) }],
            rows: rows, fontSize: 12)))

        body.append(.heading("NỘI DUNG, KẾT LUẬN CHỦ YẾU", level: 1))
        let meetingsByCell = Dictionary(grouping: compiled.meetings, by: \.cellID)
        var anyContent = false
        for cell in compiled.cells {
            for meeting in meetingsByCell[cell.id!] ?? [] {
                anyContent = true
                let date = meeting.localDate?.vietnamese ?? meeting.date
                var text = "\(cell.name) (\(meeting.meetingKind.title.lowercased()), \(date)): \(meeting.content)"
                if !meeting.conclusions.isEmpty { text += " Kết luận: \(meeting.conclusions)" }
                body.append(.line(text))
            }
            if let note = compiled.notes[cell.id!] { body.append(.line("\(cell.name): \(note)")); anyContent = true }
        }
        if !anyContent { body.append(.text("Chưa có chi bộ nào ghi nội dung sinh hoạt trong tháng.")) }

        body.append(.heading("TƯ TƯỞNG, NGUYỆN VỌNG, KIẾN NGHỊ CỦA ĐẢNG VIÊN", level: 1))
        let feedback = compiled.cells.flatMap { cell in
            (meetingsByCell[cell.id!] ?? []).filter { !$0.feedback.isEmpty }.map { "\(cell.name): \($0.feedback)" }
        }
        if feedback.isEmpty { body.append(.text("Không có kiến nghị.")) }
        for line in feedback { body.append(.line(line)) }

        return OfficialDocument(
            issuer: Letterhead.issuer(.party, commune: commune, documentNumber: "     -BC/ĐU"),
            date: date, title: "BÁO CÁO",
            subtitle: ["Kết quả sinh hoạt chi bộ tháng \(month.month) năm \(month.year)"],
            body: body,
            recipients: DocxRecipients(["Ban Tổ chức Huyện ủy", "Thường trực Đảng ủy"]),
            signature: DocxSignature(authority: "T/M ĐẢNG ỦY", position: "BÍ THƯ", name: ""),
            propertiesTitle: "Báo cáo sinh hoạt chi bộ \(month)")
    }

    static func response(for user: CurrentUser, month: ReportMonth, req: Request) async throws -> Response {
        let calendar = user.calendar
        let cells = try await CellService.cells(for: user.actor, on: req.db)
        let compiled = try await CellService.compile(communeID: user.communeID, month: month, cells: cells, calendar: calendar,
                                                     now: req.now, on: req.db)
        let document = document(compiled, commune: user.commune, date: LocalDate.inZone(req.now, calendar.timeZone))
        return try GroupDocuments.response(document, filename: "bao-cao-sinh-hoat-chi-bo-\(month).docx", now: req.now)
    }
}
