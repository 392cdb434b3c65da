import Foundation
import GiaoBanCore
import GiaoBanOffice

/// "Thông báo kết luận giao ban": the briefing's conclusions and the tasks it assigned, as a
/// Word document in the Decree 30/2020/NĐ-CP layout (Guideline 36-HD/VPTW for the Party bloc).
enum ConclusionDocument {
    /// Who issues the notice, whose conclusions they are, and who signs.
    struct Issuer {
        var body: IssuingBody
        /// "Thường trực Đảng ủy", "lãnh đạo Ủy ban nhân dân xã": the "Kết luận của …" of the title.
        var concluder: String
        var signature: (authority: String, position: String)
        var recipients: [String]
    }

    /// The one place that chooses the issuer: the Party Committee for the party bloc's meeting,
    /// the People's Committee otherwise. (When the parent body becomes a setting, switch here.)
    static func issuer(meetingKey: String?, commune: Commune) -> Issuer {
        let place = GroupDocuments.place(of: commune)
        if meetingKey == "partyBloc" {
            return Issuer(body: IssuingBody(kind: .party, name: "ĐẢNG ỦY XÃ \(place.uppercased())", documentNumber: "     -TB/ĐU", place: place),
                          concluder: "Thường trực Đảng ủy", signature: ("T/L BAN THƯỜNG VỤ", "VĂN PHÒNG"),
                          recipients: ["Thường trực Đảng ủy", "Các chi bộ, Mặt trận và đoàn thể", "Các đồng chí được giao nhiệm vụ"])
        }
        return Issuer(body: IssuingBody(kind: .state, name: "ỦY BAN NHÂN DÂN\nXÃ \(place.uppercased())", documentNumber: "     /TB-UBND", place: place),
                      concluder: "lãnh đạo Ủy ban nhân dân xã", signature: ("TL. CHỦ TỊCH", "VĂN PHÒNG"),
                      recipients: ["Thường trực Đảng ủy, HĐND xã", "Lãnh đạo UBND xã", "Các cơ quan, đơn vị, cá nhân được giao nhiệm vụ"])
    }

    /// `signerName`: printed under the signature (the office's clerk who issues it); empty leaves
    /// the space for the signer to write.
    static func notice(conclusion: BriefingConclusion, tasks: [BriefingTask], names: [UUID: String], week: ReportWeek,
                       meetings: [Meeting], commune: Commune, signerName: String, calendar: CommuneCalendar) -> OfficialDocument {
        let issuer = issuer(meetingKey: conclusion.meetingKey, commune: commune)
        let meeting = meetings.first { $0.slotKey == conclusion.meetingKey } ?? meetings.first
        let weekName = "tuần \(week.id.week)/\(week.id.year)"
        let meetingName = meeting.map { $0.title.prefix(1).lowercased() + $0.title.dropFirst() } ?? "giao ban"
        var body: [DocxBlock] = []
        let opening = meeting.map { "Ngày \($0.date.vietnamese), \(issuer.concluder)" }
            ?? issuer.concluder.prefix(1).uppercased() + issuer.concluder.dropFirst()
        body.append(.text("\(opening) chủ trì cuộc họp \(meetingName) \(weekName) (từ \(week.start.dayMonth) đến \(week.end.vietnamese)). Sau khi nghe báo cáo kết quả thực hiện nhiệm vụ trong tuần và ý kiến của các đại biểu dự họp, \(issuer.concluder) kết luận như sau:"))
        let paragraphs = conclusion.text.components(separatedBy: "\n").map { $0.trimmedWhitespace }.filter { !$0.isEmpty }
        if !paragraphs.isEmpty {
            body.append(.heading("KẾT LUẬN CHUNG", level: 1))
            for paragraph in paragraphs { body.append(.text(paragraph)) }
        }
        if !tasks.isEmpty {
            body.append(.heading("NHIỆM VỤ GIAO", level: 1))
            for (index, task) in tasks.enumerated() {
                let due = task.due?.vietnamese ?? task.dueOn
                body.append(.paragraph([
                    DocxRun("\(index + 1). ", bold: true),
                    DocxRun(task.content.hasSuffix(".") ? task.content : task.content + "."),
                    DocxRun(" Giao: ", italic: true),
                    DocxRun(BriefingNames.name(of: task, in: names), bold: true),
                    DocxRun("; thời hạn: ", italic: true),
                    DocxRun("trước ngày \(due).", bold: true),
                ]))
            }
            body.append(.text("Các cơ quan, đơn vị, cá nhân được giao nhiệm vụ báo cáo kết quả thực hiện trong báo cáo tuần kế tiếp (mục “Việc được giao tại giao ban” trên GiaoBan)."))
        }
        body.append(.text("Văn phòng thông báo để các cơ quan, đơn vị, cá nhân liên quan biết, thực hiện./."))
        return OfficialDocument(
            issuer: issuer.body, date: calendar.localDate(of: conclusion.updatedAt), title: "THÔNG BÁO",
            subtitle: ["Kết luận của \(issuer.concluder) tại cuộc họp \(meetingName) \(weekName)"],
            body: body, recipients: DocxRecipients(issuer.recipients),
            signature: DocxSignature(authority: issuer.signature.authority, position: issuer.signature.position, name: signerName),
            propertiesTitle: "Thông báo kết luận giao ban \(week.id)")
    }
}
