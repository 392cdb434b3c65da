import Fluent
import Foundation
import GiaoBanCore
import GiaoBanOffice
import Vapor

extension SchedulePageController {
    /// `GET /schedule/{weekId}/schedule.docx`: the usual "Lịch công tác tuần" table on A4
    /// landscape — the published schedule, or the working one for the office.
    func document(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        let calendar = user.calendar
        let publication = try await ScheduleService.publication(communeID: user.communeID, week: week.id, on: req.db)
        let items = AccessPolicy.allows(user.actor, .manageSchedule)
            ? try await ScheduleService.items(communeID: user.communeID, week: week, calendar: calendar, on: req.db)
            : try ScheduleService.published(publication)
        let names = try await ScheduleService.nameLookup(communeID: user.communeID, on: req.db)
        var rows: [[DocxTable.Cell]] = []
        for day in week.days {
            let dayItems = items.filter { $0.date == day.iso }
            let label = "\(day.weekday.vietnameseName)\n\(day.vietnamese)"
            // An empty weekend says nothing on paper: leaving it out keeps a usual week, "Nơi nhận"
            // and the signature on one page. Empty working days stay, as "nothing planned".
            if dayItems.isEmpty, [.saturday, .sunday].contains(day.weekday) { continue }
            if dayItems.isEmpty {
                rows.append([DocxTable.Cell(label, bold: true), "", "", "", "", "", ""])
                continue
            }
            for (index, item) in dayItems.enumerated() {
                // The day cell spans the day's rows, so the following rows leave its place out.
                let dayCell: [DocxTable.Cell] = index == 0 ? [DocxTable.Cell(label, bold: true, rowSpan: dayItems.count)] : []
                let text = ScheduleService.rowText(item, names: names)
                rows.append(dayCell + [
                    DocxTable.Cell("\(item.start)–\(item.end)", alignment: .center),
                    DocxTable.Cell(item.title),
                    DocxTable.Cell(text.chair),
                    DocxTable.Cell(text.participants),
                    DocxTable.Cell(text.place),
                    DocxTable.Cell(text.preparedBy),
                ])
            }
        }
        // The content gets the room most items need to stay on one line ("Làm việc với thôn Khe
        // Máng về kế hoạch tuần"), so a usual week fits one page with "Nơi nhận" and the signature.
        let table = DocxTable(columns: [.init(.percent(10)), .init(.percent(10)), .init(.percent(33)), .init(.percent(13)),
                                        .init(.percent(12)), .init(.percent(11)), .init(.percent(11))],
                              headerRows: [["Thứ, ngày", "Thời gian", "Nội dung", "Chủ trì", "Thành phần", "Địa điểm", "Chuẩn bị"]
                                  .map { DocxTable.Cell($0, bold: true, alignment: .center) }],
                              rows: rows, fontSize: 12)
        let document = OfficialDocument(
            issuer: Letterhead.issuer(.state, commune: user.commune),
            date: LocalDate.inZone(publication?.publishedAt ?? req.now, calendar.timeZone),
            title: "LỊCH CÔNG TÁC TUẦN", subtitle: ["Tuần \(week.id.week)/\(week.id.year) (từ \(week.start.vietnamese) đến \(week.end.vietnamese))"],
            body: [.table(table)], recipients: DocxRecipients(["Thường trực Đảng ủy, HĐND, UBND", "Các ban, ngành, đoàn thể"]),
            signature: DocxSignature(authority: "TL. CHỦ TỊCH", position: "VĂN PHÒNG", name: ""),
            page: .landscape, propertiesTitle: "Lịch công tác tuần \(week.id)")
        return try GroupDocuments.response(document, filename: "lich-cong-tac-\(week.id).docx", now: req.now)
    }
}
