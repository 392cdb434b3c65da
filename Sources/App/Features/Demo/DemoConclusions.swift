import Fluent
import Foundation
import GiaoBanCore

/// The conclusions of the demo's last two briefings, with tasks whose assignees have reported on
/// some: one done, one in progress, one overdue and not reported, so that the briefing page's
/// "Việc được giao tuần trước" and the assignees' pages have something real to show.
enum DemoConclusions {
    struct Task {
        var content: String
        var person: String?
        var unit: String?
        /// Days after the briefing week's last day (Friday with the letter's settings).
        var dueAfter: Int
        /// Reported by the assignee the day before the next briefing: state and report.
        var report: (BriefingTaskState, String)?
    }

    static let chair = "Trần Quốc Hưng"

    static func briefings(older: Bool) -> (text: String, tasks: [Task]) {
        if older {
            return ("""
                Các thành viên cơ bản hoàn thành nhiệm vụ tuần; tỷ lệ nộp báo cáo đúng hạn đạt khá.
                Tập trung đôn đốc thu bảo hiểm y tế hộ cận nghèo, hoàn thiện hồ sơ tiêu chí nông thôn mới còn chậm; rà soát hộ nghèo, cận nghèo theo kế hoạch của huyện.
                """, [
                    Task(content: "Đôn đốc thu BHYT hộ cận nghèo thôn Kim Lữ", unit: "Văn hóa - Xã hội", dueAfter: 7,
                         report: (.done, "Đã thu đủ 45/45 hộ cận nghèo thôn Kim Lữ, đã nộp BHXH huyện.")),
                    Task(content: "Hoàn thiện hồ sơ đề nghị công nhận tiêu chí số 17 (môi trường và an toàn thực phẩm)",
                         person: "Đặng Thị Hồng Nhung", dueAfter: 14,
                         report: (.inProgress, "Đã hoàn thiện 3/5 hồ sơ thành phần; chờ kết quả quan trắc nước thải của huyện.")),
                    Task(content: "Rà soát, cập nhật danh sách hộ nghèo, cận nghèo thôn Tân Thủy", person: "Trần Thị Thanh Tâm",
                         dueAfter: 4, report: nil),
                    Task(content: "Kiểm tra, xử lý tình trạng khai thác cát trái phép khu vực Khe Máng", unit: "Công an xã", dueAfter: 7,
                         report: (.notDone, "Lực lượng tập trung bảo vệ chốt kiểm soát dịch; chuyển sang tuần sau, phối hợp Địa chính - Xây dựng.")),
                ])
        }
        return ("""
            Tiếp tục thực hiện nghiêm các biện pháp phòng, chống dịch Covid-19; đẩy nhanh tiến độ các tiêu chí nông thôn mới.
            Các đơn vị báo cáo kết quả thực hiện các việc được giao trong báo cáo tuần tới.
            """, [
                Task(content: "Tổ chức tuyên truyền tiêm vắc xin Covid-19 mũi 2 tại các thôn", unit: "Trạm y tế", dueAfter: 7, report: nil),
                Task(content: "Báo cáo tiến độ giải ngân vốn xây dựng nông thôn mới năm 2021", person: "Nguyễn Thị Kim Oanh", dueAfter: 5, report: nil),
                Task(content: "Xây dựng kế hoạch ra quân làm đường giao thông nội đồng thôn Kim Cương", unit: "Địa chính - Xây dựng",
                     dueAfter: 14, report: nil),
            ])
    }

    /// Records the conclusions of `weeks` (oldest first: the last two of the history).
    static func load(communeID: UUID, weeks: [ReportWeek], calendar: CommuneCalendar, on db: any Database) async throws {
        let people = try await Person.query(on: db).filter(\.$communeID == communeID).all()
        let units = try await OrgUnit.query(on: db).filter(\.$communeID == communeID).all()
        func person(_ name: String) -> Person? { people.first { $0.fullName == name } }
        guard let chairID = person(chair)?.id,
              let leader = try await AccountQueries.currentUser(personID: chairID, session: nil, on: db) else { return }
        for (offset, week) in weeks.suffix(2).enumerated() {
            let meetings = try await ConclusionService.meetings(communeID: communeID, week: week, calendar: calendar, on: db)
            guard let meeting = meetings.first else { continue }
            let plan = briefings(older: offset == 0 && weeks.count > 1)
            let input = ConclusionService.Input(text: plan.text, meetingKey: meeting.slotKey, tasks: plan.tasks.map { task in
                ConclusionService.TaskInput(id: nil, content: task.content, assigneePersonID: task.person.flatMap(person)?.id?.canonicalText,
                                            assigneeUnitID: task.unit.flatMap { name in units.first { $0.name == name } }?.id?.canonicalText,
                                            dueOn: week.end.adding(days: task.dueAfter).iso)
            })
            let record = try await ConclusionService.save(input, actor: leader.actor, week: week, calendar: calendar,
                                                          now: meeting.endInstant, on: db)
            // The assignees report on Thursday of the following week.
            let reportedAt = calendar.instant(week.end.adding(days: 6), LocalTime(hour: 16, minute: 30)!)
            for (task, saved) in zip(plan.tasks, record.tasks) {
                guard let (state, text) = task.report else { continue }
                var reporterID = task.person.flatMap(person)?.id
                if reporterID == nil, let unitID = saved.assigneeUnitID {
                    reporterID = try await PersonUnit.query(on: db).filter(\.$unitID == unitID).first()?.personID
                }
                guard let reporterID, let reporter = try await AccountQueries.currentUser(personID: reporterID, session: nil, on: db) else { continue }
                try await ConclusionService.report(taskID: saved.id?.canonicalText, state: state.rawValue, report: text,
                                                   actor: reporter.actor, now: reportedAt, on: db)
            }
        }
    }
}
