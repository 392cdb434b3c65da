import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// The demo's party-cell meetings and monthly reports for the last `months` months and this one: most cells meet
/// on their day and report before the 10th, one reports late and one not at all; most units
/// submit the monthly report drafted from their weekly reports before the 20th. Deterministic.
enum DemoMonthlyHistory {
    static let contents = [
        "Quán triệt nghị quyết của Đảng ủy xã; kiểm điểm việc thực hiện nghị quyết tháng trước; triển khai nhiệm vụ tháng tới.",
        "Sinh hoạt chuyên đề học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh; bàn giải pháp phát triển kinh tế hộ.",
        "Đánh giá kết quả thu nộp các khoản đóng góp, công tác phòng chống dịch và xây dựng nông thôn mới tại thôn.",
    ]
    static let feedback = [
        "Đề nghị xã sớm sửa chữa tuyến đường liên thôn bị hư hỏng sau mưa lũ.",
        "Đảng viên phấn khởi với kết quả xây dựng nông thôn mới; mong được tập huấn kỹ thuật trồng trọt.",
        "",
    ]

    static func load(communeID: UUID, months count: Int, now: Date, on db: any Database) async throws {
        guard let commune = try await Commune.find(communeID, on: db) else { return }
        let calendar = try commune.calendar
        let today = LocalDate.inZone(now, calendar.timeZone)
        let months = (0...count).map { ReportMonth(today).adding(months: -$0) }.reversed()
        var random = DemoHistory.Generator(state: 84)
        let rubric = MeetingRubric.default(year: today.year)
        let cells = try await PartyCell.query(on: db).filter(\.$communeID == communeID).sort(\.$name).all()
        let supervisors = try await CellService.supervisors(of: cells.compactMap(\.id), on: db)
        for month in months {
            for (index, cell) in cells.enumerated() {
                guard let rule = try cell.meetingRule, let date = rule.meetingDate(in: month), date < today,
                      let supervisorID = supervisors[cell.id!]?.first,
                      let supervisor = try await AccountQueries.currentUser(personID: supervisorID, session: nil, on: db) else { continue }
                let summoned = random.int(12...40)
                let withReason = random.int(0...3)
                let withoutReason = random.chance(20) ? 1 : 0
                var points: [String: Decimal] = [:]
                for criterion in rubric.criteria {
                    let share = Decimal(random.int(70...100)) / 100
                    points[criterion.key] = YearToDate.rounded(criterion.maxPoints * share, scale: 0)
                }
                let input = CellMeetingInput(
                    kind: CellMeetingKind.regular.rawValue, date: date.iso, start: rule.start.text, end: rule.end.text,
                    supervisorAttended: random.chance(75), summoned: summoned, present: summoned - withReason - withoutReason,
                    absentWithReason: withReason, absentWithoutReason: withoutReason,
                    chair: "Bí thư chi bộ", secretary: "Phó bí thư chi bộ",
                    content: contents[random.int(0...(contents.count - 1))],
                    conclusions: "Thống nhất nghị quyết tháng \(month.next.month) với các chỉ tiêu cụ thể, phân công đảng viên phụ trách.",
                    feedback: feedback[random.int(0...(feedback.count - 1))], points: points)
                let recordedAt = calendar.instant(date, rule.end).addingTimeInterval(3600 * 12)
                _ = try await CellService.saveMeeting(input, existing: nil, cell: cell, actor: supervisor.actor, now: recordedAt, on: db)
                // One cell never reports, one reports late; the others before the 10th.
                if index == 5 { continue }
                let due = calendar.cellReportDeadline(year: month.year, month: month.month)
                let submittedAt = index == 3 ? due.addingTimeInterval(Double(random.int(2...40)) * 3600)
                                             : due.addingTimeInterval(-Double(random.int(10...120)) * 3600)
                guard submittedAt <= now else { continue }
                _ = try await CellService.submitMonth(cell: cell, month: month, note: nil, actor: supervisor.actor, now: submittedAt,
                                                      calendar: calendar, on: db)
            }
        }

        // Monthly reports: units with targets submit the draft (a few days before the 20th).
        let units = try await OrgUnit.query(on: db).filter(\.$communeID == communeID).sort(\.$name).all()
        for month in months {
            let context = MonthlyService.context(month, calendar: calendar)
            guard context.dueAt <= now else { continue }
            for unit in units {
                guard let personID = try await PersonUnit.query(on: db).filter(\.$unitID == unit.id!).first()?.personID,
                      let writer = try await AccountQueries.currentUser(personID: personID, session: nil, on: db),
                      random.chance(85) else { continue }
                let late = random.chance(15)
                let submittedAt = context.dueAt.addingTimeInterval(late ? Double(random.int(5...60)) * 3600 : -Double(random.int(20...90)) * 3600)
                let input = MonthlyReportInput(
                    shortcomings: "Một số chỉ tiêu còn chậm so với kế hoạch; việc báo cáo của một vài cán bộ chưa kịp thời.",
                    nextMonth: "Tập trung hoàn thành các chỉ tiêu còn chậm; đôn đốc báo cáo đúng hạn.",
                    proposals: "")
                do {
                    _ = try await MonthlyService.save(input, owner: .unit(unit), context: context, submit: true, actor: writer.actor, now: submittedAt, on: db)
                } catch let error as AppError where error.status == .unprocessableEntity {
                    continue  // nothing to report: the unit had no figures and no work that month
                }
            }
        }
    }
}
