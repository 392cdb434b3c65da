@testable import App
import Fluent
import GiaoBanCore
import Testing
import Vapor
import VaporTesting

/// Targets and activity types the report tests need, on top of the demo commune.
func addReportFixtures(_ t: TestApp) async throws -> (count: Target, yesNo: Target, other: Target) {
    let commune = try #require(try await Commune.query(on: t.db).first())
    let communeID = try commune.requireID()
    let group = try #require(try await ReportGroup.query(on: t.db).filter(\.$name == "Khối chính quyền").first())
    let culture = try #require(try await OrgUnit.query(on: t.db).filter(\.$name == "Văn hóa - Xã hội").first())
    let finance = try #require(try await OrgUnit.query(on: t.db).filter(\.$name == "Tài chính - Kế toán").first())
    let count = Target(communeID: communeID, year: 2021, groupID: try group.requireID(), code: "XH04",
                       name: "Số lượt tuyên truyền trên hệ thống truyền thanh xã", unitOfMeasure: "lượt", planned: 150,
                       valueKind: .count, yearToDateRule: .sum, responsibleUnitID: try culture.requireID(), sortOrder: 1)
    let yesNo = Target(communeID: communeID, year: 2021, groupID: try group.requireID(), code: "NTM16", name: "Tiêu chí Văn hóa",
                       unitOfMeasure: "đạt/chưa đạt", planned: 1, valueKind: .yesNo, yearToDateRule: .latest,
                       responsibleUnitID: try culture.requireID(), sortOrder: 2)
    let other = Target(communeID: communeID, year: 2021, groupID: try group.requireID(), code: "KT06", name: "Thu ngân sách",
                       unitOfMeasure: "triệu đồng", planned: 1850, valueKind: .decimal, yearToDateRule: .sum,
                       responsibleUnitID: try finance.requireID(), sortOrder: 3)
    try await [count, yesNo, other].create(on: t.db)
    try await ActivityType(communeID: communeID, code: "CV", name: "Ban hành công văn", defaultUnit: "công văn").save(on: t.db)
    return (count, yesNo, other)
}

struct ReportBody: Encodable, Sendable {
    struct Figure: Encodable, Sendable { var targetId: UUID; var value: String; var completed: Bool }
    struct Work: Encodable, Sendable { var description: String; var quantity: String?; var unit: String; var activityType: String? }
    struct Plan: Encodable, Sendable {
        var date: String; var start: String; var end: String; var title: String; var roomId: String?
        var chairId: String?; var participantIds: [String]
    }
    var targets: [Figure] = []
    var work: [Work] = []
    var plans: [Plan] = []
}

@Suite("Weekly reports")
struct ReportTests {
    @Test("Draft, submit, correct: the first submission instant never moves and corrections are audited")
    func lifecycle() async throws {
        try await withTestApp { t in
            let fixtures = try await addReportFixtures(t)
            let token = try await t.token(TestApp.Demo.reporter)
            var body = ReportBody()
            body.targets = [.init(targetId: try fixtures.count.requireID(), value: "12", completed: true)]
            body.work = [.init(description: "Ban hành công văn hướng dẫn", quantity: "2", unit: "công văn", activityType: "CV")]
            let draft = try await t.api(.PUT, "/api/v1/reports/2021-W33", token: token, json: body)
            #expect(draft.status == .ok, "\(draft.body.string)")
            let saved = try draft.content.decode(ReportDTO.self)
            #expect(saved.status == "draft")
            #expect(saved.firstSubmittedAt == nil)
            #expect(saved.work.first?.quantity == 2)

            let submitted = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: token)
            #expect(submitted.status == .ok)
            let first = try submitted.content.decode(ReportDTO.self)
            #expect(first.status == "submitted")
            #expect(first.firstSubmittedAt == "2021-08-18T09:00:00+07:00")
            #expect(first.late == false)
            #expect(first.targets.first?.value == 12)

            t.clock.advance(by: 2 * 86400) // Friday, after the deadline
            body.targets = [.init(targetId: try fixtures.count.requireID(), value: "15", completed: true)]
            let corrected = try await t.api(.PUT, "/api/v1/reports/2021-W33", token: token, json: body).content.decode(ReportDTO.self)
            #expect(corrected.firstSubmittedAt == "2021-08-18T09:00:00+07:00")
            #expect(corrected.status == "submitted")
            #expect(corrected.revision == 1)
            let again = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: token).content.decode(ReportDTO.self)
            #expect(again.firstSubmittedAt == "2021-08-18T09:00:00+07:00")

            let audit = try await AuditEntry.query(on: t.db).filter(\.$kind == "report").sort(\.$at).all()
            #expect(audit.map(\.action) == ["submit", "update_after_submit"])
            #expect(audit[1].beforeJSON?.contains("\"value\":12") == true)
            #expect(audit[1].afterJSON?.contains("\"value\":15") == true)
            #expect(audit[1].actorID == (try await t.person(TestApp.Demo.reporter)).id)
        }
    }

    @Test("A line without a quantity is a 422 with per-field Vietnamese messages, and nothing changes")
    func invalid() async throws {
        try await withTestApp { t in
            let fixtures = try await addReportFixtures(t)
            let token = try await t.token(TestApp.Demo.reporter)
            var body = ReportBody()
            body.targets = [.init(targetId: try fixtures.other.requireID(), value: "5", completed: true)]
            body.work = [.init(description: "Tuyên truyền", quantity: nil, unit: "lần")]
            body.plans = [.init(date: "2021-08-20", start: "10:00", end: "09:00", title: "Họp", roomId: nil, chairId: nil, participantIds: [])]
            let response = try await t.api(.PUT, "/api/v1/reports/2021-W33", token: token, json: body)
            #expect(response.status == .unprocessableEntity)
            let fields = try response.content.get([String: String].self, at: "error", "fields")
            #expect(fields["work[0].quantity"]?.hasPrefix("Thiếu số lượng") == true)
            #expect(fields["targets[0].targetId"] != nil, "not responsible for a finance target")
            #expect(fields["plans[0].date"] != nil)
            #expect(fields["plans[0].end"] != nil)
            #expect(try await WeeklyReport.query(on: t.db).count() == 0)
        }
    }

    @Test("Submitting for a past week counts as late; a future week cannot be submitted")
    func pastAndFuture() async throws {
        try await withTestApp { t in
            _ = try await addReportFixtures(t)
            let token = try await t.token(TestApp.Demo.reporter)
            let past = try await t.api(.POST, "/api/v1/reports/2021-W31/submit", token: token).content.decode(ReportDTO.self)
            #expect(past.late)
            let future = try await t.api(.POST, "/api/v1/reports/2021-W35/submit", token: token)
            #expect(future.status == .conflict)
            #expect(try await t.api(.PUT, "/api/v1/reports/2021-W35", token: token, json: ReportBody()).status == .ok)
        }
    }

    @Test("Reading reports: own, leaders and the group's focal point; others get 403")
    func readAccess() async throws {
        try await withTestApp { t in
            _ = try await addReportFixtures(t)
            let reporter = try await t.person(TestApp.Demo.reporter)
            let token = try await t.token(TestApp.Demo.reporter)
            #expect(try await t.api(.GET, "/api/v1/reports/2021-W33", token: token).status == .notFound)
            _ = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: token)
            #expect(try await t.api(.GET, "/api/v1/reports/2021-W33", token: token).status == .ok)
            let path = "/api/v1/reports/2021-W33?personId=\(try reporter.requireID())"
            #expect(try await t.api(.GET, path, token: try await t.token(TestApp.Demo.leader)).status == .ok)
            #expect(try await t.api(.GET, path, token: try await t.token(TestApp.Demo.office)).status == .ok)
            // Nam is in the NTM group, whose focal point is Nhung.
            #expect(try await t.api(.GET, path, token: try await t.token(TestApp.Demo.ntmAggregator)).status == .ok)
            let colleague = try await t.token(DemoCommune.username(for: "Lê Thị Mỹ Duyên"))
            #expect(try await t.api(.GET, path, token: colleague).status == .forbidden)
            #expect(try await t.api(.GET, "/api/v1/reports/2021-W33?personId=\(UUID())", token: colleague).status == .notFound)
            #expect(try await t.api(.GET, "/api/v1/reports/2021-W99", token: token).status == .notFound)
        }
    }

    @Test("The form: last week's plan is offered, a refused line keeps its text, numbers accept 1.234,5")
    func form() async throws {
        try await withTestApp { t in
            let fixtures = try await addReportFixtures(t)
            let token = try await t.token(TestApp.Demo.reporter)
            var lastWeek = ReportBody()
            lastWeek.plans = [.init(date: "2021-08-16", start: "07:30", end: "09:00", title: "Kiểm tra thiết chế văn hóa thôn Kim Lữ",
                                    roomId: nil, chairId: nil, participantIds: [])]
            #expect(try await t.api(.PUT, "/api/v1/reports/2021-W32", token: token, json: lastWeek).status == .ok)

            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            let page = try await browser.get("/reports/2021-W33")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("Kiểm tra thiết chế văn hóa thôn Kim Lữ"))
            #expect(html.contains("kế hoạch tuần trước"))
            #expect(html.contains("XH04"))
            #expect(html.contains("150"))

            let countID = try fixtures.count.requireID().uuidString
            let refused = try await browser.post("/reports/2021-W33", [
                ("targets[0][targetId]", countID), ("targets[0][value]", "1.234"), ("targets[0][completed]", "on"),
                ("work[0][description]", "Tuyên truyền phòng chống dịch"), ("work[0][quantity]", ""), ("work[0][unit]", "lần"),
                ("work[1][description]", "Vận động hộ dân"), ("work[1][quantity]", "1.234,5"), ("work[1][unit]", "hộ"),
                ("action", "submit"),
            ])
            #expect(refused.status == .unprocessableEntity)
            let refusedHTML = refused.body.string
            #expect(refusedHTML.contains("value=\"Tuyên truyền phòng chống dịch\""))
            #expect(refusedHTML.contains("value=\"1.234,5\""))
            #expect(refusedHTML.contains("Thiếu số lượng"))
            #expect(try await WeeklyReport.query(on: t.db).filter(\.$weekID == "2021-W33").first()?.status == .draft)

            let accepted = try await browser.post("/reports/2021-W33", [
                ("targets[0][targetId]", countID), ("targets[0][value]", "1.234"), ("targets[0][completed]", "on"),
                ("work[0][description]", "Tuyên truyền phòng chống dịch"), ("work[0][quantity]", "3"), ("work[0][unit]", "lần"),
                ("work[1][description]", "Vận động hộ dân"), ("work[1][quantity]", "1.234,5"), ("work[1][unit]", "hộ"),
                ("action", "submit"),
            ])
            #expect(accepted.status == .seeOther)
            let saved = try await t.api(.GET, "/api/v1/reports/2021-W33", token: token).content.decode(ReportDTO.self)
            #expect(saved.status == "submitted")
            #expect(saved.targets.first?.value == 1234)
            #expect(saved.work.map(\.quantity) == [3, 1234.5])
            let after = try await browser.get("/reports/2021-W33")
            #expect(after.body.string.contains("value=\"1.234,5\""))
            #expect(after.body.string.contains("Đã nộp"))
        }
    }

    @Test("Autosave keeps what is typed, even when it would not pass the checks")
    func autosave() async throws {
        try await withTestApp { t in
            _ = try await addReportFixtures(t)
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            let saved = try await browser.post("/reports/2021-W33/autosave", [
                ("work[0][description]", "Đang gõ dở"), ("work[0][quantity]", ""), ("work[0][unit]", ""),
            ])
            #expect(saved.status == .ok)
            #expect(try saved.content.get(String.self, at: "time") == "09:00")
            let page = try await browser.get("/reports/2021-W33")
            #expect(page.body.string.contains("value=\"Đang gõ dở\""))
            let noToken = try await browser.post("/reports/2021-W33/autosave", [("work[0][description]", "x")], includeCSRF: false)
            #expect(noToken.status == .forbidden)
        }
    }
}
