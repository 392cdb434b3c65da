@testable import App
import Fluent
import Foundation
import GiaoBanCore
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Stored JSON that does not decode is an error that names the row, never a silent default
/// (issue 20): a default calendar would be another zone and other deadlines, so another ledger.
@Suite("Stored JSON: decoded or refused loudly")
struct StoredDataTests {
    static let garbage = "{\"timeZone\": \"Asia/Ho_Chi_Minh\", " // cut short, as by a bad hand edit

    static func breakCalendar(of communeID: UUID, _ t: TestApp) async throws {
        try await SQLAccess.sql(t.db).raw("UPDATE communes SET calendar_json = \(bind: garbage) WHERE id = \(bind: communeID)").run()
    }

    /// The demo commune (A) and two generated communes of a province (001, 002).
    static func communes(_ t: TestApp) async throws -> (a: Commune, first: Commune, second: Commune) {
        let a = try #require(try await Commune.query(on: t.db).first())
        try await t.generateCommunes(2, people: 6, weeks: 2, prefix: "b")
        let first = try #require(try await Commune.query(on: t.db).filter(\.$name == "Xã Thử Nghiệm 001").first())
        let second = try #require(try await Commune.query(on: t.db).filter(\.$name == "Xã Thử Nghiệm 002").first())
        return (a, first, second)
    }

    @Test("A commune whose calendar does not decode: its pages and API answer a clear 500, other communes are served")
    func brokenCalendarRefusesRequests() async throws {
        try await withTestApp { t in
            let (a, first, _) = try await Self.communes(t)
            let nam = try await t.token(TestApp.Demo.reporter)
            let other = try await t.token("b001.p001")
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            try await Self.breakCalendar(of: try a.requireID(), t)

            let page = try await browser.get("/")
            #expect(page.status == .internalServerError)
            #expect(page.body.string.contains("Cài đặt của xã (lịch làm việc) bị hỏng, không đọc được. Hãy báo quản trị hệ thống."))

            let api = try await t.api(.GET, "/api/v1/weeks/current", token: nam)
            #expect(api.status == .internalServerError)
            let body = try api.content.decode(APIErrorBody.self)
            #expect(body.error.code == "stored_data_unreadable")
            #expect(body.error.message.contains("lịch làm việc"))

            // Another commune, including its signed-in cache, is untouched.
            #expect(try await t.api(.GET, "/api/v1/weeks/current", token: other).status == .ok)
            let otherBrowser = t.browser()
            try await otherBrowser.login("b001.p001")
            #expect(try await otherBrowser.get("/").status == .ok)
            #expect(try first.calendar.timeZone.identifier == "Asia/Ho_Chi_Minh")
        }
    }

    @Test("A figure, a plan or a quantity whose stored text is not a decimal: a clear 500 that names it, never 0")
    func damagedDecimalsRefuseLoudly() async throws {
        try await withTestApp { t in
            let fixtures = try await addReportFixtures(t)
            let countID = try fixtures.count.requireID()
            let token = try await t.token(TestApp.Demo.reporter)
            let body = ReportBody(targets: [.init(targetId: countID, value: "12", completed: true)],
                                  work: [.init(description: "Tuyên truyền", quantity: "3", unit: "buổi", activityType: nil)])
            #expect(try await t.api(.PUT, "/api/v1/reports/2021-W33", token: token, json: body).status == .ok)
            #expect(try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: token).status == .ok)
            let office = try await t.token(TestApp.Demo.office)
            let group = try #require(try await ReportGroup.query(on: t.db).filter(\.$name == "Khối chính quyền").first())
            let groupWeek = "/api/v1/groups/\(try group.requireID())/weeks/2021-W33"
            #expect(try await t.api(.GET, groupWeek, token: office).status == .ok)
            let sql = try SQLAccess.sql(t.db)

            func expectRefused(_ path: String, naming what: String) async throws {
                let answer = try await t.api(.GET, path, token: office)
                #expect(answer.status == .internalServerError, "\(path): \(answer.body.string)")
                let error = try answer.content.decode(APIErrorBody.self).error
                #expect(error.code == "stored_data_unreadable")
                #expect(error.message.contains(what), "\(error.message)")
            }
            // "12abc" used to read as 12 (a prefix), and text that was no number at all as 0.
            try await sql.raw("UPDATE target_week_figures SET value = '12abc' WHERE target_id = \(bind: countID)").run()
            try await expectRefused(groupWeek, naming: "Số liệu chỉ tiêu")
            try await expectRefused("/api/v1/targets/\(countID)/progress?week=2021-W33", naming: "Số liệu chỉ tiêu")
            try await sql.raw("UPDATE target_week_figures SET value = '12' WHERE target_id = \(bind: countID)").run()

            try await sql.raw("UPDATE targets SET planned_value = '1,850' WHERE id = \(bind: countID)").run()
            try await expectRefused(groupWeek, naming: "Kế hoạch năm của chỉ tiêu")
            try await sql.raw("UPDATE targets SET planned_value = '150' WHERE id = \(bind: countID)").run()

            // The week's pages read targets as plain values (`WeekTarget`): a kind or rule that is
            // none of GiaoBan's is refused there too, named so the office knows what to report.
            try await sql.raw("UPDATE targets SET value_kind = 'so-luong' WHERE id = \(bind: countID)").run()
            try await expectRefused(groupWeek, naming: "Loại số liệu của chỉ tiêu")
            try await sql.raw("UPDATE targets SET value_kind = \(bind: fixtures.count.valueKind.rawValue) WHERE id = \(bind: countID)").run()
            try await sql.raw("UPDATE targets SET ytd_rule = 'tong' WHERE id = \(bind: countID)").run()
            try await expectRefused(groupWeek, naming: "Cách tính lũy kế của chỉ tiêu")
            try await sql.raw("UPDATE targets SET ytd_rule = \(bind: fixtures.count.yearToDateRule.rawValue) WHERE id = \(bind: countID)").run()

            try await sql.raw("UPDATE report_work_items SET quantity = 'ba' WHERE description = 'Tuyên truyền'").run()
            try await expectRefused(groupWeek, naming: "Khối lượng công việc")
            try await sql.raw("UPDATE report_work_items SET quantity = '3' WHERE description = 'Tuyên truyền'").run()
            #expect(try await t.api(.GET, groupWeek, token: office).status == .ok)
        }
    }

    @Test("Reminders skip a commune whose calendar does not decode and still serve the others; the roll-up lists it as unreadable")
    func brokenCommuneSkippedByJobsAndRollups() async throws {
        try await withTestApp { t in
            let (a, first, second) = try await Self.communes(t)
            let secondID = try second.requireID()
            try await Self.breakCalendar(of: secondID, t)

            t.clock.set(W33.at(18, 15))
            let result = try await ReminderService.tick(app: t.app, now: W33.at(18, 15), instance: "test")
            #expect(result.skippedCommunes == [secondID])
            #expect(result.planned > 0)
            let messages = try await OutboxMessage.query(on: t.db).all()
            #expect(messages.contains { $0.communeID == (try? a.requireID()) }, "the demo commune is still reminded")
            #expect(!messages.contains { $0.communeID == secondID })

            let province = try await t.token("btinh")
            let rollups = try await t.api(.GET, "/api/v1/rollups?year=2021", token: province)
            #expect(rollups.status == .ok)
            let dto = try rollups.content.decode(RollupsDTO.self)
            #expect(dto.communes.map(\.communeId) == [try first.requireID()])
            #expect(dto.unreadable.map(\.communeId) == [secondID])
            let browser = t.browser()
            try await browser.login("btinh")
            let page = try await browser.get("/rollups?year=2021")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Xã Thử Nghiệm 002"))
            #expect(page.body.string.contains("bị hỏng, không đọc được"))
        }
    }

    // MARK: Each accessor, without a database

    static let communeID = UUID()

    /// `body` throws a `StoredDataError` naming `table` and `column`.
    static func expectRefused(_ table: String, _ column: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("\(table).\(column): bad JSON was accepted")
        } catch let error as StoredDataError {
            #expect(error.table == table && error.column == column)
            #expect(error.communeID == communeID || table == "report_work_items")
            #expect(!error.underlying.isEmpty)
        } catch {
            Issue.record("\(table).\(column): \(error)")
        }
    }

    @Test("Every JSON accessor throws StoredDataError on text that does not decode, and reads absent values as absent")
    func accessorsRefuseBadJSON() throws {
        let bad = "{oops"
        let commune = Commune(id: Self.communeID, name: "Xã")
        commune.calendarJSON = bad
        Self.expectRefused("communes", "calendar_json") { _ = try commune.calendarSettings }
        Self.expectRefused("communes", "calendar_json") { _ = try commune.calendar }
        commune.setCalendarSettings(.letterDefaults)
        commune.daysOffJSON = "[1, 2]"
        Self.expectRefused("communes", "days_off_json") { _ = try commune.confirmedDaysOff }
        Self.expectRefused("communes", "days_off_json") { _ = try commune.calendar }
        commune.setConfirmedDaysOff([:])
        #expect(try commune.calendar.settings == .letterDefaults)

        let integration = CommuneIntegration()
        integration.communeID = Self.communeID
        integration.remindersJSON = bad
        Self.expectRefused("commune_integrations", "reminders_json") { _ = try integration.reminderSettings }

        let cell = PartyCell(communeID: Self.communeID, name: "Chi bộ")
        #expect(try cell.meetingRule == nil, "no rule is not an error")
        cell.meetingRuleJSON = bad
        Self.expectRefused("party_cells", "meeting_rule_json") { _ = try cell.meetingRule }

        let meeting = CellMeeting()
        meeting.communeID = Self.communeID
        meeting.pointsJSON = nil
        #expect(try meeting.points == nil, "an unscored meeting is not an error")
        meeting.pointsJSON = bad
        Self.expectRefused("cell_meetings", "points_json") { _ = try meeting.points }
        meeting.absentWithReasonNamesJSON = ""
        #expect(try meeting.absentWithReasonNames == [], "an empty column is an empty list")
        meeting.absentWithReasonNamesJSON = bad
        Self.expectRefused("cell_meetings", "absent_with_reason_names") { _ = try meeting.absentWithReasonNames }
        meeting.absentWithoutReasonNamesJSON = "[1]"
        Self.expectRefused("cell_meetings", "absent_without_reason_names") { _ = try meeting.absentWithoutReasonNames }

        let rubric = MeetingRubricRecord()
        rubric.communeID = Self.communeID
        rubric.rubricJSON = bad
        Self.expectRefused("meeting_rubrics", "rubric_json") { _ = try rubric.rubric }

        let rotation = CellRotationPlan()
        rotation.communeID = Self.communeID
        rotation.visitsJSON = bad
        Self.expectRefused("cell_rotation_plans", "visits_json") { _ = try rotation.visits }

        let monthly = MonthlyReport()
        monthly.communeID = Self.communeID
        monthly.contentJSON = bad
        Self.expectRefused("monthly_reports", "content_json") { _ = try monthly.content }

        let reporter = Person()
        reporter.id = UUID()
        reporter.communeID = Self.communeID
        let report = try WeeklyReport(of: reporter, week: try #require(ReportWeekID("2021-W33")), now: letterWednesday)
        #expect(try report.typedDraft == nil, "no draft is not an error")
        report.draftJSON = bad
        Self.expectRefused("weekly_reports", "draft_json") { _ = try report.typedDraft }

        let work = ReportWorkItem()
        #expect(try work.groupIDs == [])
        work.groupJSON = "[\"not a uuid\"]"
        Self.expectRefused("report_work_items", "group_ids") { _ = try work.groupIDs }
        Self.expectRefused("report_work_items", "group_ids") { _ = try work.belongs(to: UUID()) }

        let plan = ReportPlanItem()
        plan.communeID = Self.communeID
        plan.participantJSON = bad
        Self.expectRefused("report_plan_items", "participant_ids") { _ = try plan.participantIDs }
        plan.groupJSON = bad
        Self.expectRefused("report_plan_items", "group_ids") { _ = try plan.groupIDs }

        let entry = ScheduleEntry()
        entry.communeID = Self.communeID
        entry.participantJSON = bad
        entry.unitJSON = bad
        Self.expectRefused("schedule_items", "participant_ids") { _ = try entry.participantIDs }
        Self.expectRefused("schedule_items", "unit_ids") { _ = try entry.unitIDs }

        let publication = SchedulePublication()
        publication.communeID = Self.communeID
        publication.itemsJSON = bad
        Self.expectRefused("schedule_publications", "items_json") { _ = try publication.items }
        Self.expectRefused("schedule_publications", "items_json") { _ = try ScheduleService.published(publication) }

        let audit = AuditEntry(communeID: Self.communeID, actorID: UUID(), at: letterWednesday, kind: "report", action: "return",
                               subjectID: UUID(), after: bad)
        Self.expectRefused("audit_entries", "after_json") { _ = try audit.after([String: String].self) }
        // The audit trail's display shows what it cannot parse as text rather than hiding it.
        #expect(JSONValue.parse(bad) == .string(bad))
    }

    @Test("The error tells the user what is broken and whom to tell, and gives the operator the row in the log")
    func errorWordingAndLog() {
        let rowID = UUID()
        let error = StoredDataError(table: "communes", column: "calendar_json", rowID: rowID, communeID: rowID, underlying: "dataCorrupted")
        #expect(error.appError.status == .internalServerError)
        #expect(error.appError.code == "stored_data_unreadable")
        #expect(error.appError.message == "Cài đặt của xã (lịch làm việc) bị hỏng, không đọc được. Hãy báo quản trị hệ thống.")
        #expect(error.logMetadata["commune-id"] == .string(rowID.uuidString))
        #expect(error.logMetadata["table"] == "communes" && error.logMetadata["column"] == "calendar_json")
        #expect(error.logMetadata["decoding-error"] == "dataCorrupted")
        let other = StoredDataError(table: "x", column: "y", rowID: nil, communeID: nil, underlying: "")
        #expect(other.vietnameseMessage == "Dữ liệu đã lưu (x.y) bị hỏng, không đọc được. Hãy báo quản trị hệ thống.")
    }
    @Test("Lists of ids are read by hand exactly as JSONDecoder reads them, and anything else is left to it")
    func idListsAsJSONDecoderReadsThem() throws {
        let a = UUID(), b = UUID()
        let readable = ["[]", " [ ] ", "[\"\(a.uuidString)\"]", "[\"\(a.uuidString)\",\"\(b.uuidString)\"]",
                        "[ \"\(a.uuidString.lowercased())\" ,\n\t\"\(b.uuidString)\" ]\n"]
        for text in readable {
            let expected = try JSONDecoder().decode([UUID].self, from: Data(text.utf8))
            #expect(StoredJSON.idList(text) == expected, "\(text)")
        }
        // Not what GiaoBan writes, or not a list of ids: the hand reader declines, and the
        // decoder reads (escapes) or refuses (the rest) as before.
        let declined = ["[\"\\u0041\(a.uuidString.dropFirst())\"]", "[\"\(a.uuidString)\",]", "[\"\(a.uuidString)\"", "\"\(a.uuidString)\"",
                        "[\"\(a.uuidString)x\"]", "[\"not-an-id\"]", "[1]", "[\"\(a.uuidString)\"] x", "[,]", "{}", "[null]"]
        for text in declined {
            #expect(StoredJSON.idList(text) == nil, "\(text)")
        }
        #expect(try JSONDecoder().decode([UUID].self, from: Data(declined[0].utf8)) == [UUID(uuidString: "A" + a.uuidString.dropFirst())!])
    }
}

