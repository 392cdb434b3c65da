@testable import App
import Fluent
import Foundation
import GiaoBanCore
import GiaoBanOffice
import Testing
import Vapor
import VaporTesting

/// Friday 20/08/2021 14:05 in Hà Nội: the general briefing of 2021-W33 has started (14:00).
let briefingFriday = Date(timeIntervalSince1970: 1_629_443_100) // 2021-08-20T07:05:00Z

@Suite("Briefing conclusions (kết luận giao ban) and the tasks they assign")
struct ConclusionTests {
    struct TaskBody: Content {
        var id: String?
        var content: String?
        var assigneePersonId: String?
        var assigneeUnitId: String?
        var dueOn: String?
    }
    struct Body: Content {
        var text: String?
        var meeting: String?
        var tasks: [TaskBody]?
    }
    struct ReportBody: Content { var state: String?; var report: String? }

    static let path = "/api/v1/briefings/2021-W33/conclusions"

    static func unitID(_ name: String, _ t: TestApp) async throws -> String {
        try #require(try await OrgUnit.query(on: t.db).filter(\.$name == name).first()).requireID().uuidString
    }

    /// The three tasks most tests start from: to a unit, to a person, to another person.
    static func standardBody(_ t: TestApp) async throws -> Body {
        let culture = try await unitID("Văn hóa - Xã hội", t)
        let nhung = try await t.person(TestApp.Demo.ntmAggregator).requireID().uuidString
        let cuong = try await t.person(DemoCommune.username(for: "Phạm Văn Cường")).requireID().uuidString
        return Body(text: "Các đơn vị cơ bản hoàn thành nhiệm vụ tuần.\nTập trung thu BHYT và tiêu chí NTM còn chậm.", meeting: nil, tasks: [
            TaskBody(content: "Đôn đốc thu BHYT hộ cận nghèo thôn Kim Lữ", assigneeUnitId: culture, dueOn: "2021-08-27"),
            TaskBody(content: "Hoàn thiện hồ sơ tiêu chí số 17", assigneePersonId: nhung, dueOn: "2021-09-03"),
            TaskBody(content: "Rà soát lực lượng dân quân thường trực", assigneePersonId: cuong, dueOn: "2021-08-24"),
        ])
    }

    @Test("Recording: before the briefing 409, a reporter 403, invalid tasks 422 with fields, then leader and office record")
    func recording() async throws {
        try await withTestApp { t in
            let leader = try await t.token(TestApp.Demo.leader)
            let office = try await t.token(TestApp.Demo.office)
            let reporter = try await t.token(TestApp.Demo.reporter)
            let body = try await Self.standardBody(t)

            // Wednesday: the briefing has not started.
            let early = try await t.api(.PUT, Self.path, token: leader, json: body)
            #expect(early.status == .conflict)
            #expect(early.body.string.contains("briefing_not_started"))
            #expect(early.body.string.contains("Chưa đến giờ giao ban"))
            #expect(early.body.string.contains("14:00"))
            // Reading before anything is recorded: empty.
            let empty = try await t.api(.GET, Self.path, token: leader)
            #expect(empty.status == .ok)
            let emptyDTO = try empty.content.decode(BriefingConclusionsDTO.self)
            #expect(emptyDTO.text == "" && emptyDTO.tasks.isEmpty && emptyDTO.recordedAt == nil)
            #expect(emptyDTO.recordingOpensAt == "2021-08-20T14:00:00+07:00")

            t.clock.set(briefingFriday)
            #expect(try await t.api(.PUT, Self.path, token: reporter, json: body).status == .forbidden)

            // Validation: every problem with its field.
            let culture = try await Self.unitID("Văn hóa - Xã hội", t)
            let nam = try await t.person(TestApp.Demo.reporter).requireID().uuidString
            let invalid = Body(text: "Kết luận", tasks: [
                TaskBody(content: "  ", assigneeUnitId: culture, dueOn: "2021-08-27"),
                TaskBody(content: "Hai người nhận", assigneePersonId: nam, assigneeUnitId: culture, dueOn: "2021-08-27"),
                TaskBody(content: "Hạn trước ngày họp", assigneePersonId: nam, dueOn: "2021-08-19"),
                TaskBody(content: "Người lạ", assigneePersonId: UUID().uuidString, dueOn: "2021-08-27"),
                TaskBody(content: "Không có hạn", assigneePersonId: nam, dueOn: "mai"),
                TaskBody(id: UUID().uuidString, content: "Id lạ", assigneePersonId: nam, dueOn: "2021-08-27"),
            ])
            let refused = try await t.api(.PUT, Self.path, token: leader, json: invalid)
            #expect(refused.status == .unprocessableEntity)
            let fields = try refused.content.get([String: String].self, at: "error", "fields")
            #expect(fields["tasks.0.content"] != nil)
            #expect(fields["tasks.1.assignee"] != nil)
            #expect(fields["tasks.2.dueOn"]?.contains("20/08/2021") == true)
            #expect(fields["tasks.3.assigneePersonId"] != nil)
            #expect(fields["tasks.4.dueOn"] != nil)
            #expect(fields["tasks.5.id"] != nil)
            #expect(try await BriefingConclusion.query(on: t.db).count() == 0, "a refused PUT writes nothing")
            let nothing = try await t.api(.PUT, Self.path, token: leader, json: Body(text: " ", tasks: []))
            #expect(try nothing.content.get([String: String].self, at: "error", "fields")["text"] != nil)
            #expect(try await t.api(.PUT, Self.path, token: leader, json: Body(text: "x", meeting: "nope")).status == .unprocessableEntity)

            // The leader records.
            let saved = try await t.api(.PUT, Self.path, token: leader, json: body)
            #expect(saved.status == .ok, "\(saved.body.string)")
            let dto = try saved.content.decode(BriefingConclusionsDTO.self)
            #expect(dto.week == "2021-W33")
            #expect(dto.tasks.count == 3)
            #expect(dto.tasks.allSatisfy { $0.state == "open" && $0.report == "" })
            #expect(dto.tasks[0].assigneeUnitId?.uuidString == culture && dto.tasks[0].assigneePersonId == nil)
            #expect(dto.tasks[0].assigneeName == "Văn hóa - Xã hội")
            #expect(dto.tasks[1].assigneeName == "Đặng Thị Hồng Nhung")
            #expect(dto.recordedById == (try await t.person(TestApp.Demo.leader).id))
            // The raw JSON has exactly one assignee key per task.
            #expect(!saved.body.string.contains("\"assigneePersonId\":null"))

            // Everyone newly assigned is told: both people of the unit, and the two people.
            let notes = try await AppNotification.query(on: t.db).filter(\.$kind == "briefing_task").all()
            let cultureMembers = try await PersonUnit.query(on: t.db).filter(\.$unitID == UUID(uuidString: culture)!).count()
            #expect(notes.count == cultureMembers + 2)
            #expect(notes.allSatisfy { $0.url == "/briefings/tasks" && $0.text.contains("tuần 33/2021") })

            // The office records too (replacing the list): the kept task keeps its id, state and report.
            let keptID = dto.tasks[0].id
            let namToken = reporter
            let done = try await t.api(.PUT, "/api/v1/briefings/tasks/\(keptID)", token: namToken,
                                       json: ReportBody(state: "done", report: "Đã thu 45/45 hộ."))
            #expect(done.status == .ok, "\(done.body.string)")
            var changed = body
            changed.tasks = [TaskBody(id: keptID.uuidString, content: "Đôn đốc thu BHYT hộ cận nghèo thôn Kim Lữ (còn 3 hộ)",
                                      assigneeUnitId: culture, dueOn: "2021-08-27"),
                             TaskBody(content: "Việc mới", assigneePersonId: nam, dueOn: "20/08/2021")]
            let replaced = try await t.api(.PUT, Self.path, token: office, json: changed)
            #expect(replaced.status == .ok, "\(replaced.body.string)")
            let after = try replaced.content.decode(BriefingConclusionsDTO.self)
            #expect(after.tasks.map(\.content) == ["Đôn đốc thu BHYT hộ cận nghèo thôn Kim Lữ (còn 3 hộ)", "Việc mới"])
            #expect(after.tasks[0].id == keptID && after.tasks[0].state == "done" && after.tasks[0].report == "Đã thu 45/45 hộ.")
            #expect(after.tasks[1].state == "open" && after.tasks[1].dueOn == "2021-08-20")
            #expect(try await BriefingTask.query(on: t.db).count() == 2)
            #expect(after.recordedById == dto.recordedById, "the first recorder stays")
            #expect(after.updatedById == (try await t.person(TestApp.Demo.office).id))
            // Only the new task's assignee is told again.
            #expect(try await AppNotification.query(on: t.db).filter(\.$kind == "briefing_task").count() == notes.count + 1)

            let audit = try await AuditEntry.query(on: t.db).filter(\.$kind == "briefing_conclusions").sort(\.$at).all()
            #expect(audit.map(\.action) == ["create", "update"])
            #expect(audit[1].beforeJSON?.contains("Rà soát lực lượng dân quân") == true)
            #expect(audit[1].afterJSON?.contains("Việc mới") == true)
            #expect(try await AuditEntry.query(on: t.db).filter(\.$kind == "briefing_task").count() == 1)
        }
    }

    @Test("Reading and reporting: each assignee sees and reports on their own; the office on anyone's; overdue after the due day")
    func reporting() async throws {
        try await withTestApp(at: briefingFriday) { t in
            let leader = try await t.token(TestApp.Demo.leader)
            let saved = try await t.api(.PUT, Self.path, token: leader, json: try await Self.standardBody(t))
            let tasks = try saved.content.decode(BriefingConclusionsDTO.self).tasks
            let nam = try await t.token(TestApp.Demo.reporter)        // Văn hóa - Xã hội: task 0
            let nhung = try await t.token(TestApp.Demo.ntmAggregator) // task 1
            let stranger = try await t.token(DemoCommune.username(for: "Lê Văn Phúc"))
            let office = try await t.token(TestApp.Demo.office)

            let namView = try await t.api(.GET, Self.path, token: nam)
            #expect(namView.status == .ok)
            let namTasks = try namView.content.decode(BriefingConclusionsDTO.self).tasks
            #expect(namTasks.map(\.id) == [tasks[0].id], "an assignee reads their own tasks only")
            #expect(try await t.api(.GET, Self.path, token: stranger).status == .forbidden)
            #expect(try await t.api(.GET, Self.path + ".docx", token: nam).status == .forbidden)

            let taskPath = "/api/v1/briefings/tasks/\(tasks[0].id)"
            #expect(try await t.api(.PUT, taskPath, token: stranger, json: ReportBody(state: "done")).status == .forbidden)
            #expect(try await t.api(.PUT, taskPath, token: leader, json: ReportBody(state: "done")).status == .forbidden)
            #expect(try await t.api(.PUT, "/api/v1/briefings/tasks/\(UUID())", token: nam, json: ReportBody(state: "done")).status == .notFound)
            let badState = try await t.api(.PUT, taskPath, token: nam, json: ReportBody(state: "finished"))
            #expect(badState.status == .unprocessableEntity)
            let noReason = try await t.api(.PUT, taskPath, token: nam, json: ReportBody(state: "not_done", report: ""))
            #expect(noReason.status == .unprocessableEntity)
            #expect(try noReason.content.get([String: String].self, at: "error", "fields")["report"] != nil)
            let progress = try await t.api(.PUT, taskPath, token: nam, json: ReportBody(state: "in_progress", report: "Đã thu 30/45 hộ"))
            #expect(progress.status == .ok)
            #expect(try progress.content.decode(BriefingTaskDTO.self).state == "in_progress")
            let byOffice = try await t.api(.PUT, "/api/v1/briefings/tasks/\(tasks[2].id)", token: office, json: ReportBody(state: "done", report: "Đã rà soát."))
            #expect(byOffice.status == .ok)
            #expect(try await t.api(.PUT, "/api/v1/briefings/tasks/\(tasks[1].id)", token: nhung, json: ReportBody(state: "done")).status == .ok)
            #expect(try await t.api(.PUT, "/api/v1/briefings/tasks/\(tasks[1].id)", token: nam, json: ReportBody(state: "open")).status == .forbidden)
            let malformed = try await t.app.testing().sendRequest(.PUT, taskPath, beforeRequest: { req in
                req.headers.bearerAuthorization = .init(token: nam)
                req.headers.contentType = .json
                req.body = ByteBuffer(string: "{\"state\": 3}")
            })
            #expect(malformed.status == .badRequest)

            // Saturday 28/08: task 0 (due 27/08, in progress) is overdue; done tasks never are.
            t.clock.set(Date(timeIntervalSince1970: 1_630_112_400)) // 2021-08-28T08:00:00+07:00
            let later = try await t.api(.GET, Self.path, token: leader).content.decode(BriefingConclusionsDTO.self)
            #expect(later.tasks.map(\.overdue) == [true, false, false])

            // The report-form block: Nam's open task, for the report of week 34.
            let namPerson = try await t.person(TestApp.Demo.reporter)
            let units = Set(try await PersonUnit.query(on: t.db).filter(\.$personID == namPerson.requireID()).all().map(\.unitID))
            let open = try await BriefingTaskQueries.openTasks(for: namPerson.requireID(), unitIDs: units, week: ReportWeekID("2021-W34")!, on: t.db)
            #expect(open.map(\.id) == [tasks[0].id])
            #expect(try await BriefingTaskQueries.openTasks(for: namPerson.requireID(), unitIDs: units, week: ReportWeekID("2021-W33")!, on: t.db).isEmpty,
                    "week 33's own briefing is reported on in week 34")
            let block = try await BriefingTaskQueries.block(open, calendar: CommuneCalendar(), now: t.clock.now(), on: t.db)
            #expect(block.hasTasks && block.tasks.first?.overdue == true)
            // The weekly report form shows the same block.
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            let text = try await browser.get("/reports/2021-W34").body.string
            #expect(text.contains("Việc được giao tại giao ban"))
            #expect(text.contains("Đôn đốc thu BHYT hộ cận nghèo thôn Kim Lữ"))
            #expect(text.contains("Quá hạn"))
            #expect(text.contains("href=\"/briefings/tasks\""))
        }
    }

    @Test("The notice .docx: Decree 30 layout, state header by default, party header for the party bloc; LibreOffice opens it")
    func notice() async throws {
        try await withTestApp(at: briefingFriday) { t in
            let leader = try await t.token(TestApp.Demo.leader)
            let office = try await t.token(TestApp.Demo.office)
            #expect(try await t.api(.GET, Self.path + ".docx", token: leader).status == .notFound)
            _ = try await t.api(.PUT, Self.path, token: office, json: try await Self.standardBody(t))
            let response = try await t.api(.GET, Self.path + ".docx", token: leader)
            #expect(response.status == .ok)
            #expect(response.headers.first(name: .contentDisposition)?.contains("ket-luan-giao-ban-2021-W33.docx") == true)
            let data = Data(buffer: response.body)
            let text = try DocxReader.text(data)
            for expected in ["ỦY BAN NHÂN DÂN", "XÃ SƠN KIM 2", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                             "/TB-UBND", "Sơn Kim 2, ngày 20 tháng 8 năm 2021", "THÔNG BÁO",
                             "Kết luận của lãnh đạo Ủy ban nhân dân xã tại cuộc họp giao ban chung tuần 33/2021",
                             "Các đơn vị cơ bản hoàn thành nhiệm vụ tuần.", "1. Đôn đốc thu BHYT hộ cận nghèo thôn Kim Lữ.",
                             "Văn hóa - Xã hội", "trước ngày 27/08/2021", "Đặng Thị Hồng Nhung", "Nơi nhận", "TL. CHỦ TỊCH", "Phan Thị Ngọc Ánh",
                             "Ngày 20/08/2021, lãnh đạo Ủy ban nhân dân xã chủ trì cuộc họp giao ban chung tuần 33/2021"] {
                #expect(text.contains(expected), "the notice has \(expected)")
            }
            #expect(!text.contains("ĐẢNG CỘNG SẢN VIỆT NAM"))
            if let size = try libreOfficePDFSize(of: data) { #expect(size > 5000, "LibreOffice opens the notice") }

            var party = try await Self.standardBody(t)
            party.meeting = "partyBloc"
            #expect(try await t.api(.PUT, Self.path, token: leader, json: party).status == .ok)
            let partyText = try DocxReader.text(Data(buffer: try await t.api(.GET, Self.path + ".docx", token: leader).body))
            #expect(partyText.contains("ĐẢNG ỦY XÃ SƠN KIM 2"))
            #expect(partyText.contains("ĐẢNG CỘNG SẢN VIỆT NAM"))
            #expect(partyText.contains("Kết luận của Thường trực Đảng ủy tại cuộc họp giao ban khối Đảng, Mặt trận, đoàn thể tuần 33/2021"))
            #expect(partyText.contains("-TB/ĐU"))
            #expect(partyText.contains("T/L BAN THƯỜNG VỤ"))
            #expect(!partyText.contains("Nguyễn Văn Bình"), "a leader's version leaves the signer's name to the office")
        }
    }

    @Test("The briefing page: the form for leaders and the office after the start, typed values back on refusal, the notice for all readers")
    func briefingPage() async throws {
        try await withTestApp { t in
            let leader = t.browser()
            try await leader.login(TestApp.Demo.leader)
            let before = try await leader.get("/briefing/2021-W33")
            #expect(before.status == .ok)
            #expect(before.body.string.contains("Kết luận giao ban"))
            #expect(before.body.string.contains("Chưa đến giờ giao ban"))
            #expect(!before.body.string.contains("action=\"/briefing/2021-W33/conclusions\""))
            // Posting anyway (a stale page): 409 with the message, nothing saved.
            let early = try await leader.post("/briefing/2021-W33/conclusions", [("text", "Kết luận"), ("meeting", "general")])
            #expect(early.status == .conflict)
            #expect(early.body.string.contains("Chưa đến giờ giao ban"))

            t.clock.set(briefingFriday)
            try await leader.login(TestApp.Demo.leader) // two days on: a new session
            let page = try await leader.get("/briefing/2021-W33")
            let html = page.body.string
            #expect(html.contains("action=\"/briefing/2021-W33/conclusions\""))
            #expect(html.contains("name=\"tasks[2][content]\"") && !html.contains("name=\"tasks[3][content]\""), "three blank rows")
            #expect(html.contains("<optgroup label=\"Đơn vị\">") && html.contains("<optgroup label=\"Cán bộ\">"))

            let culture = try await Self.unitID("Văn hóa - Xã hội", t)
            let nam = try await t.person(TestApp.Demo.reporter).requireID()
            let refused = try await leader.post("/briefing/2021-W33/conclusions", [
                ("meeting", "general"), ("text", "Tập trung thu BHYT."),
                ("tasks[0][id]", ""), ("tasks[0][content]", "Đôn đốc thu BHYT hộ cận nghèo"), ("tasks[0][assignee]", "unit:\(culture)"), ("tasks[0][dueOn]", "27/08/2021"),
                ("tasks[1][id]", ""), ("tasks[1][content]", ""), ("tasks[1][assignee]", ""), ("tasks[1][dueOn]", ""),
                ("tasks[2][id]", ""), ("tasks[2][content]", "Báo cáo kết quả"), ("tasks[2][assignee]", "person:\(nam)"), ("tasks[2][dueOn]", "19/08/2021"),
            ])
            #expect(refused.status == .unprocessableEntity)
            let back = refused.body.string
            #expect(back.contains("id=\"error-summary\""))
            #expect(back.contains("href=\"#task2-due\""), "the message is on the row it was typed in (the blank row is skipped)")
            #expect(back.contains("value=\"19/08/2021\"") && back.contains("value=\"Báo cáo kết quả\""))
            #expect(back.contains("<option value=\"unit:\(culture)\" selected>"))
            #expect(back.contains("Tập trung thu BHYT."))
            #expect(try await BriefingConclusion.query(on: t.db).count() == 0)

            let saved = try await leader.post("/briefing/2021-W33/conclusions", [
                ("meeting", "general"), ("text", "Tập trung thu BHYT."),
                ("tasks[0][id]", ""), ("tasks[0][content]", "Đôn đốc thu BHYT hộ cận nghèo"), ("tasks[0][assignee]", "unit:\(culture)"), ("tasks[0][dueOn]", "27/08/2021"),
                ("tasks[1][id]", ""), ("tasks[1][content]", ""), ("tasks[1][assignee]", ""), ("tasks[1][dueOn]", ""),
            ])
            #expect(saved.status == .seeOther)
            #expect(saved.location == "/briefing/2021-W33?notice=saved#conclusions")
            let shown = try await leader.get("/briefing/2021-W33").body.string
            #expect(shown.contains("Đôn đốc thu BHYT hộ cận nghèo"))
            #expect(shown.contains("/briefing/2021-W33/conclusions.docx"))
            #expect(shown.contains("Ghi bởi Nguyễn Văn Bình"))
            let docx = try await leader.get("/briefing/2021-W33/conclusions.docx")
            #expect(docx.status == .ok)
            #expect(try DocxReader.text(Data(buffer: docx.body)).contains("Đôn đốc thu BHYT hộ cận nghèo"))

            // The office edits the same form.
            let office = t.browser()
            try await office.login(TestApp.Demo.office)
            #expect(try await office.get("/briefing/2021-W33").body.string.contains("action=\"/briefing/2021-W33/conclusions\""))

            // A reporter neither reads the briefing nor records.
            let reporter = t.browser()
            try await reporter.login(TestApp.Demo.reporter)
            #expect(try await reporter.get("/briefing/2021-W33").status == .forbidden)
            #expect(try await reporter.post("/briefing/2021-W33/conclusions", [("text", "x")]).status == .forbidden)
            #expect(try await reporter.get("/briefing/2021-W33/conclusions.docx").status == .forbidden)
        }
    }

    @Test("The assignee's page and home card; the next briefing looks back with overdue tasks first")
    func assigneePages() async throws {
        try await withTestApp(at: briefingFriday) { t in
            let leaderToken = try await t.token(TestApp.Demo.leader)
            let tasks = try await t.api(.PUT, Self.path, token: leaderToken, json: try await Self.standardBody(t))
                .content.decode(BriefingConclusionsDTO.self).tasks

            let nam = t.browser()
            try await nam.login(TestApp.Demo.reporter)
            let home = try await nam.get("/").body.string
            #expect(home.contains("Việc được giao tại giao ban: 1 việc cần báo cáo"))
            #expect(home.contains("href=\"/briefings/tasks\""))
            let page = try await nam.get("/briefings/tasks")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Đôn đốc thu BHYT hộ cận nghèo thôn Kim Lữ"))
            #expect(!page.body.string.contains("Hoàn thiện hồ sơ tiêu chí số 17"), "only Nam's own (his unit's) tasks")
            // The next weekly report asks him to report on it ("Việc được giao tại giao ban").
            let form = try await nam.get("/reports/2021-W34").body.string
            #expect(form.contains("id=\"assigned-tasks\"") && form.contains("Đôn đốc thu BHYT hộ cận nghèo thôn Kim Lữ"))

            let id = tasks[0].id.uuidString
            let refused = try await nam.post("/briefings/tasks", [("tasks[0][id]", id), ("tasks[0][state]", "not_done"), ("tasks[0][report]", "")])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("href=\"#task\(id)-report\""))
            #expect(refused.body.string.contains("<option value=\"not_done\" selected>"))
            let saved = try await nam.post("/briefings/tasks", [("tasks[0][id]", id), ("tasks[0][state]", "in_progress"), ("tasks[0][report]", "Đã thu 30/45 hộ")])
            #expect(saved.location == "/briefings/tasks?notice=saved")
            let task = try #require(try await BriefingTask.find(tasks[0].id, on: t.db))
            #expect(task.state == .inProgress && task.report == "Đã thu 30/45 hộ")

            // Someone with nothing assigned: no card, an empty page.
            let phuc = t.browser()
            try await phuc.login(DemoCommune.username(for: "Lê Văn Phúc"))
            #expect(!(try await phuc.get("/").body.string.contains("Việc được giao tại giao ban")))
            #expect(try await phuc.get("/briefings/tasks").body.string.contains("Không có việc được giao nào cần báo cáo."))

            // The office sees every open task on request.
            let office = t.browser()
            try await office.login(TestApp.Demo.office)
            let all = try await office.get("/briefings/tasks?all=1").body.string
            #expect(all.contains("Hoàn thiện hồ sơ tiêu chí số 17") && all.contains("Rà soát lực lượng dân quân thường trực"))

            // The next week's briefing (Saturday 28/08): last week's tasks, overdue first.
            t.clock.set(Date(timeIntervalSince1970: 1_630_112_400)) // 2021-08-28T08:00:00+07:00
            let leader = t.browser()
            try await leader.login(TestApp.Demo.leader)
            let next = try await leader.get("/briefing/2021-W34").body.string
            #expect(next.contains("Việc được giao tuần trước"))
            let lookBack = try #require(next.components(separatedBy: "id=\"lookback\"").dropFirst().first?.components(separatedBy: "</section>").first)
            let militia = try #require(lookBack.range(of: "Rà soát lực lượng dân quân thường trực"))
            let insurance = try #require(lookBack.range(of: "Đôn đốc thu BHYT hộ cận nghèo thôn Kim Lữ"))
            let dossier = try #require(lookBack.range(of: "Hoàn thiện hồ sơ tiêu chí số 17"))
            #expect(militia.lowerBound < insurance.lowerBound && insurance.lowerBound < dossier.lowerBound,
                    "overdue (due 24/08, then 27/08) before the task due 03/09")
            #expect(lookBack.contains("Quá hạn") && lookBack.contains("Đang thực hiện") && lookBack.contains("Đã thu 30/45 hộ"))
        }
    }

    @Test("The demo records the last two briefings' conclusions: one task done, one in progress, one overdue")
    func demo() async throws {
        try await withTestApp(demo: false) { t in
            try await DemoCommune.loadIfEmpty(t.app)
            let conclusions = try await BriefingConclusion.query(on: t.db).sort(\.$weekID).all()
            #expect(conclusions.count == 2)
            let tasks = try await BriefingTask.query(on: t.db).all()
            #expect((6...8).contains(tasks.count))
            let states = tasks.map(\.state)
            #expect(states.contains(.done) && states.contains(.inProgress) && states.contains(.notDone))
            let calendar = try #require(try await Commune.query(on: t.db).first()).calendar
            let today = BriefingTaskRules.today(letterWednesday, calendar: calendar)
            #expect(tasks.contains { $0.state == .open && BriefingTaskRules.isOverdue(dueOn: $0.due!, state: $0.state, today: today) })
            #expect(tasks.contains { $0.content == "Đôn đốc thu BHYT hộ cận nghèo thôn Kim Lữ" && $0.state == .done })

            let leader = t.browser()
            try await leader.login(TestApp.Demo.leader)
            let page = try await leader.get("/briefing/current")
            let html = try await leader.get(try #require(page.location)).body.string
            #expect(html.contains("Việc được giao tuần trước"))
            #expect(html.contains("Quá hạn"))
        }
    }
}
