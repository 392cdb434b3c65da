@testable import App
import Fluent
import GiaoBanCore
import Testing
import Vapor
import VaporTesting

/// Issue #17, the reporter's and the focal point's part: the home page says what is done, the short
/// form reads forgiving input, a locked report is read-only, the focal point reads a member's whole
/// report (page, API, notifications), and the API says what the page says.
@Suite("A reporter's week on a phone, a focal point who never guesses")
struct PhoneReportWeekTests {
    struct ReturnBody: Encodable, Sendable { var personId: UUID?; var comment: String?; var summary: String?; var confirmMissing: Bool? }

    static func ntm(_ t: TestApp) async throws -> ReportGroup {
        try #require(try await ReportGroup.query(on: t.db).filter(\.$name == "Nông thôn mới").first())
    }

    @Test("The API carries returned, its comment, who and when, and the lock with its reason")
    func apiParity() async throws {
        try await withTestApp { t in
            _ = try await addReportFixtures(t)
            let nam = try await t.token(TestApp.Demo.reporter)
            let namID = try await t.person(TestApp.Demo.reporter).requireID()
            let ntm = try await Self.ntm(t)
            let path = "/api/v1/groups/\(try ntm.requireID())/weeks/2021-W33"
            let focal = try await t.token(TestApp.Demo.ntmAggregator)
            let submitted = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: nam).content.decode(ReportDTO.self)
            #expect(!submitted.returned && !submitted.locked && submitted.lockReason == nil)

            #expect(try await t.api(.POST, path + "/return", token: focal, json: ReturnBody(personId: namID, comment: "Ghi rõ địa điểm")).status == .ok)
            let returned = try await t.api(.GET, "/api/v1/reports/2021-W33", token: nam).content.decode(ReportDTO.self)
            #expect(returned.status == "submitted", "a return does not undo the first submission")
            #expect(returned.returned)
            #expect(returned.returnComment == "Ghi rõ địa điểm")
            #expect(returned.returnedById == (try await t.person(TestApp.Demo.ntmAggregator)).id)
            #expect(returned.returnedAt == "2021-08-18T09:00:00+07:00")
            #expect(!returned.locked)

            _ = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: nam)
            #expect(try await t.api(.POST, path + "/submit", token: focal, json: ReturnBody(summary: "Xong.", confirmMissing: true)).status == .ok)
            let locked = try await t.api(.GET, "/api/v1/reports/2021-W33", token: nam).content.decode(ReportDTO.self)
            #expect(!locked.returned && locked.returnComment == nil)
            #expect(locked.locked)
            #expect(locked.lockReason?.contains("Nông thôn mới") == true)
            #expect(locked.lockReason?.contains("Đặng Thị Hồng Nhung") == true, "names whom to contact")
        }
    }

    @Test("The focal point's page of one member's report: whole report, history, return control; linked from the group week and the notification")
    func memberPage() async throws {
        try await withTestApp { t in
            let fixtures = try await addReportFixtures(t)
            let nam = try await t.token(TestApp.Demo.reporter)
            let namID = try await t.person(TestApp.Demo.reporter).requireID()
            var body = ReportBody()
            body.targets = [.init(targetId: try fixtures.count.requireID(), value: "4", completed: true)]
            body.work = [.init(description: "Tuyên truyền phòng chống dịch", quantity: "3", unit: "buổi", activityType: nil)]
            _ = try await t.api(.PUT, "/api/v1/reports/2021-W33", token: nam, json: body)
            _ = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: nam)
            let ntm = try await Self.ntm(t)
            let page = "/groups/\(try ntm.requireID())/weeks/2021-W33/members/\(namID)"

            let focal = t.browser()
            try await focal.login(TestApp.Demo.ntmAggregator)
            let week = try await focal.get("/groups/\(try ntm.requireID())/weeks/2021-W33").body.string
            #expect(week.contains("href=\"\(page)\""), "the group week links each member to their report")
            #expect(week.contains("class=\"stack\""))
            let html = try await focal.get(page)
            #expect(html.status == .ok)
            let text = html.body.string
            #expect(text.contains("Hồ Sỹ Nam"))
            #expect(text.contains("XH04 Số lượt tuyên truyền"))
            #expect(text.contains("<strong>3 buổi</strong> — Tuyên truyền phòng chống dịch"))
            #expect(text.contains("Nộp báo cáo (đúng hạn)"), "the history")
            #expect(text.contains("id=\"return-comment\""), "the return control")

            // Returned from the page's form; Nam submits again; the notification opens this page.
            let returned = try await focal.post("/groups/\(try ntm.requireID())/weeks/2021-W33/return",
                                                [("personId", namID.uuidString), ("comment", "Bổ sung địa điểm")])
            #expect(returned.status == .seeOther)
            let afterReturn = try await focal.get(page).body.string
            #expect(afterReturn.contains("<blockquote>Bổ sung địa điểm</blockquote>"))
            #expect(afterReturn.contains("Trả lại — Đặng Thị Hồng Nhung: Bổ sung địa điểm"))
            #expect(!afterReturn.contains("id=\"return-comment\""), "no second return while returned")
            _ = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: nam)
            let focalID = try await t.person(TestApp.Demo.ntmAggregator).requireID()
            let note = try #require(try await AppNotification.query(on: t.db).filter(\.$personID == focalID)
                .filter(\.$kind == "report_resubmitted").first())
            #expect(note.url == page, "not /reports/<week>, the focal point's own report")

            // The API behind the page.
            let api = "/api/v1/groups/\(try ntm.requireID())/weeks/2021-W33/members/\(namID)/report"
            let dto = try await t.api(.GET, api, token: try await t.token(TestApp.Demo.ntmAggregator))
            #expect(dto.status == .ok)
            #expect(try dto.content.decode(ReportDTO.self).work.first?.unit == "buổi")
            #expect(try await t.api(.GET, api, token: try await t.token(TestApp.Demo.leader)).status == .ok)
            let huyen = try await t.token(DemoCommune.username(for: "Đinh Thị Huyền"))
            #expect(try await t.api(.GET, api, token: huyen).status == .forbidden, "another member of the group")
            let huyenID = try await t.person(DemoCommune.username(for: "Đinh Thị Huyền")).requireID()
            let notYet = try await t.api(.GET, "/api/v1/groups/\(try ntm.requireID())/weeks/2021-W33/members/\(huyenID)/report",
                                         token: try await t.token(TestApp.Demo.ntmAggregator))
            #expect(notYet.status == .notFound)
            #expect(try await t.api(.GET, "/api/v1/groups/\(try ntm.requireID())/weeks/2021-W33/members/\(UUID())/report",
                                    token: try await t.token(TestApp.Demo.ntmAggregator)).status == .notFound)

            // Pages: a colleague is refused; the leader reads it; a member's page before they submit says so.
            let colleague = t.browser()
            try await colleague.login(DemoCommune.username(for: "Đinh Thị Huyền"))
            #expect(try await colleague.get(page).status == .forbidden)
            let leader = t.browser()
            try await leader.login(TestApp.Demo.leader)
            #expect(try await leader.get(page).status == .ok)
            let empty = try await focal.get("/groups/\(try ntm.requireID())/weeks/2021-W33/members/\(huyenID)")
            #expect(empty.status == .ok)
            #expect(empty.body.string.contains("chưa nộp báo cáo tuần này"))
        }
    }

    @Test("The form reads '3 buổi', '7g30' and '11'; a refused form links each problem to its field and shows what the rules read")
    func forgivingForm() async throws {
        try await withTestApp { t in
            _ = try await addReportFixtures(t)
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            let form = try await browser.get("/reports/2021-W33").body.string
            #expect(form.contains("data-proposal-url=\"/reports/proposal\""))
            #expect(!form.contains("Đã hoàn thành"), "the pre-ticked box whose meaning was unclear is gone")
            #expect(form.contains("> Đang làm dở</label>"), "an unticked 'in progress' box instead")
            #expect(form.contains("việc còn dở thì đánh dấu “Đang làm dở” (chưa cộng)"), "explained once, in place")
            let monday = "23/08/2021"
            let refused = try await browser.post("/reports/2021-W33", [
                ("work[0][description]", "Tập huấn phòng cháy"), ("work[0][quantity]", "3 buổi"), ("work[0][unit]", ""),
                ("plans[0][date]", monday), ("plans[0][start]", "25"), ("plans[0][end]", "11"), ("plans[0][title]", "Họp thôn"),
                ("action", "submit"),
            ])
            #expect(refused.status == .unprocessableEntity)
            let page = refused.body.string
            #expect(page.contains("id=\"problems\" tabindex=\"-1\""))
            #expect(page.contains("<a href=\"#p0-start\">Kế hoạch tuần tới, dòng 1: Giờ bắt đầu: Giờ phải từ 0 đến 23"))
            #expect(page.contains("name=\"work[0][quantity]\" value=\"3\""), "what the rules read comes back")
            #expect(page.contains("name=\"work[0][unit]\" value=\"buổi\""))
            #expect(page.contains("name=\"plans[0][end]\" value=\"11:00\""))
            #expect(page.contains("name=\"plans[0][start]\" value=\"25\""), "a refused time stays as typed")

            let saved = try await browser.post("/reports/2021-W33", [
                ("work[0][description]", "Tập huấn phòng cháy"), ("work[0][quantity]", "3 buổi"), ("work[0][unit]", ""),
                ("plans[0][date]", monday), ("plans[0][start]", "7g30"), ("plans[0][end]", "11"), ("plans[0][title]", "Họp thôn"),
                ("action", "submit"),
            ])
            #expect(saved.status == .seeOther)
            let dto = try await t.api(.GET, "/api/v1/reports/2021-W33", token: try await t.token(TestApp.Demo.reporter)).content.decode(ReportDTO.self)
            #expect(dto.work.first.map { "\($0.quantity) \($0.unit)" } == "3 buổi", "the quantity is a Decimal: 3, not 3.0")
            #expect(dto.plans.first.map { "\($0.start)-\($0.end)" } == "07:30-11:00")

            // The home page says it plainly.
            let home = try await browser.get("/").body.string
            #expect(home.contains("Đã nộp báo cáo tuần 33 lúc 09:00 (Thứ Tư 18/08) ✓"))
            #expect(home.contains("Báo cáo tuần 34: hạn"), "and what is next")
            #expect(home.contains("<strong class=\"left\">Đã nộp ✓</strong>"), "the deadline row no longer counts down")
            #expect(home.contains("<span class=\"due-short\" aria-hidden=\"true\">Hạn báo cáo tuần: còn 8 ngày"),
                    "the header moves on to next week's report")
        }
    }

    @Test("Proposals: a sentence's quantity and unit, on the form's route and the API; text required")
    func proposals() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            let text = "V%E1%BA%ADn%20%C4%91%E1%BB%99ng%2012%20h%E1%BB%99%20vay%20v%E1%BB%91n%20t%E1%BA%A1i%20Kim%20L%E1%BB%99c"
            let answer = try await browser.get("/reports/proposal?text=\(text)")
            #expect(answer.status == .ok)
            let decoded = try answer.content.decode(WorkLineProposal.Answer.self)
            #expect(decoded.proposal == .init(quantity: "12", quantityValue: 12, unit: "hộ"))
            #expect(decoded.split == nil)
            let token = try await t.token(TestApp.Demo.reporter)
            let split = try await t.api(.GET, "/api/v1/work-lines/proposal?text=1,5%20ha", token: token).content.decode(WorkLineProposal.Answer.self)
            #expect(split.split == .init(quantity: "1,5", quantityValue: 1.5, unit: "ha"))
            let none = try await t.api(.GET, "/api/v1/work-lines/proposal?text=H%E1%BB%8Dp%20th%C3%B4n%205", token: token)
                .content.decode(WorkLineProposal.Answer.self)
            #expect(none.proposal == nil && none.split == nil)
            let missing = try await t.api(.GET, "/api/v1/work-lines/proposal", token: token)
            #expect(missing.status == .badRequest)
            #expect(try missing.content.get(String.self, at: "error", "code") == "missing_text")
            #expect(try await t.api(.GET, "/api/v1/work-lines/proposal?text=3", token: nil).status == .unauthorized)
        }
    }

    @Test("A locked report is read-only with the reason and whom to contact, and its autosave answers 409")
    func lockedForm() async throws {
        try await withTestApp { t in
            _ = try await addReportFixtures(t)
            let nam = try await t.token(TestApp.Demo.reporter)
            _ = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: nam)
            let ntm = try await Self.ntm(t)
            let focal = try await t.token(TestApp.Demo.ntmAggregator)
            #expect(try await t.api(.POST, "/api/v1/groups/\(try ntm.requireID())/weeks/2021-W33/submit", token: focal,
                                    json: ReturnBody(summary: "Xong.", confirmMissing: true)).status == .ok)
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            let page = try await browser.get("/reports/2021-W33").body.string
            #expect(page.contains("id=\"report-locked\""))
            #expect(page.contains("liên hệ đầu mối Đặng Thị Hồng Nhung"))
            #expect(page.contains("<fieldset class=\"whole\" disabled>"), "no editable field")
            #expect(!page.contains("data-autosave"), "no autosave")
            #expect(!page.contains("value=\"submit\""), "no submit button")
            let autosave = try await browser.post("/reports/2021-W33/autosave", [("difficulties", "Thêm")])
            #expect(autosave.status == .conflict)
            #expect(try autosave.content.get(String.self, at: "error", "code") == "report_locked")
            #expect(try await ReportService.find(personID: try await t.person(TestApp.Demo.reporter).requireID(),
                                                 week: ReportWeekID(year: 2021, week: 33), on: t.db)?.draftJSON == nil)
        }
    }

    @Test("Home: returned says so and offers to fix it; the header is one compact bar with a menu button")
    func homeReturnedAndHeader() async throws {
        try await withTestApp { t in
            _ = try await addReportFixtures(t)
            let nam = try await t.token(TestApp.Demo.reporter)
            let namID = try await t.person(TestApp.Demo.reporter).requireID()
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            let before = try await browser.get("/").body.string
            #expect(before.contains("Chưa nộp báo cáo tuần 33"))
            #expect(before.contains("<details class=\"menu\" id=\"menu\">"))
            #expect(before.contains("<summary class=\"button secondary small\" aria-label=\"Menu chính\">"))
            _ = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: nam)
            let ntm = try await Self.ntm(t)
            _ = try await t.api(.POST, "/api/v1/groups/\(try ntm.requireID())/weeks/2021-W33/return",
                                token: try await t.token(TestApp.Demo.ntmAggregator), json: ReturnBody(personId: namID, comment: "Sửa"))
            let after = try await browser.get("/").body.string
            #expect(after.contains("Báo cáo tuần 33 được trả lại — cần sửa và nộp lại"))
            #expect(after.contains(">Sửa và nộp lại</a>"))
        }
    }

    @Test("Home: on leave for the due day says nothing is owed; a late submission says it was late")
    func homeLeaveAndLate() async throws {
        try await withTestApp { t in
            _ = try await addReportFixtures(t)
            let nam = try await t.person(TestApp.Demo.reporter)
            let leave = try LeaveRecord(of: nam, from: try #require(LocalDate(iso: "2021-08-19")),
                                    to: try #require(LocalDate(iso: "2021-08-20")), reason: "Nghỉ phép", createdBy: try nam.requireID(), createdAt: Date())
            try await leave.create(on: t.db)
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            #expect(try await browser.get("/").body.string.contains("Nghỉ phép từ 19/08 đến 20/08: không phải nộp báo cáo tuần 33"))
            try await leave.delete(on: t.db)
            t.clock.advance(by: 2 * 86400)  // Friday 09:00, 13 hours after the deadline
            _ = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: try await t.token(TestApp.Demo.reporter))
            try await browser.login(TestApp.Demo.reporter)
            let home = try await browser.get("/").body.string
            #expect(home.contains("Đã nộp muộn báo cáo tuần 33 lúc 09:00 (Thứ Sáu 20/08) — muộn 13 giờ ✓"))
            #expect(home.contains("class=\"card my-report done\""))
        }
    }

    @Test("The form puts the author's own targets first and the group's others behind a collapsed details")
    func ownTargetsFirst() async throws {
        try await withTestApp { t in
            let fixtures = try await addReportFixtures(t)
            let nam = try await t.token(TestApp.Demo.reporter)
            var body = ReportBody()
            body.targets = [.init(targetId: try fixtures.count.requireID(), value: "4", completed: true)]
            _ = try await t.api(.PUT, "/api/v1/reports/2021-W33", token: nam, json: body)
            _ = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: nam)
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            let page = try await browser.get("/reports/2021-W34").body.string
            let others = try #require(page.range(of: "<details class=\"other-targets\" id=\"other-targets\">"))
            let own = try #require(page.range(of: "XH04"))
            let yesNo = try #require(page.range(of: "NTM16"))
            #expect(own.lowerBound < others.lowerBound, "the target Nam reports is first")
            #expect(yesNo.lowerBound > others.lowerBound, "the unit's other target waits behind the details")
            #expect(page.contains("Chỉ tiêu bạn phụ trách"))
        }
    }
}
