@testable import App
import Fluent
import SQLKit
import GiaoBanCore
import Testing
import Vapor
import VaporTesting

@Suite("Personal monthly reports: the commune chooses who owes a monthly report")
struct PersonalMonthlyTests {
    struct CalendarBody: Content {
        var monthlyReporters: String?
        var monthlyPeriod: String?
    }

    static func setReporters(_ t: TestApp, _ reporters: String, period: String? = nil) async throws {
        let admin = try await t.token(TestApp.Demo.admin)
        let put = try await t.api(.PUT, "/api/v1/settings/calendar", token: admin, json: CalendarBody(monthlyReporters: reporters, monthlyPeriod: period))
        #expect(put.status == .ok, "\(put.body.string)")
    }

    /// A member of one of Nam's groups other than Nam, and the focal point of that group.
    static func colleagues(_ t: TestApp, of nam: Person) async throws -> (member: Person, aggregator: Person) {
        let memberships = try await GroupMembership.query(on: t.db).filter(\.$personID == nam.requireID()).filter(\.$kind == .member).all()
        let groupID = try #require(memberships.first?.groupID)
        let inGroup = try await GroupMembership.query(on: t.db).filter(\.$groupID == groupID).all()
        let aggregatorID = try #require(inGroup.first { $0.kind == .aggregator }?.personID)
        let obligated = try await MonthlyService.reporters(communeID: nam.communeID, on: t.db)
        let member = try #require(obligated.first { $0.id != nam.id && $0.id != aggregatorID && !$0.roles.contains(.office) })
        return (member, try #require(try await Person.find(aggregatorID, on: t.db)))
    }

    @Test("Through the API: the setting, the draft from one's own weekly reports, filing on behalf, who owes, the ledger")
    func api() async throws {
        try await withTestApp { t in
            _ = try await MonthlyTests.weeklyHistory(t)
            let admin = try await t.token(TestApp.Demo.admin)
            let namToken = try await t.token(TestApp.Demo.reporter)
            let nam = try await t.person(TestApp.Demo.reporter)
            let namID = try nam.requireID()

            // The setting: units by default, in the calendar settings; a wrong value is refused.
            let before = try await t.api(.GET, "/api/v1/settings/calendar", token: namToken)
            #expect(try before.content.get(String.self, at: "monthlyReporters") == "units")
            #expect(try before.content.get(String.self, at: "monthlyPeriod") == "cutOff:15")
            let wrong = try await t.api(.PUT, "/api/v1/settings/calendar", token: admin, json: CalendarBody(monthlyReporters: "everyone"))
            #expect(wrong.status == .unprocessableEntity)
            #expect(try wrong.content.get(String.self, at: "error", "fields", "monthlyReporters").contains("both"))
            #expect(try await t.api(.PUT, "/api/v1/settings/calendar", token: namToken, json: CalendarBody(monthlyReporters: "both")).status == .forbidden)

            // With units only, nobody owes a personal report: 404 with the reason.
            let path = "/api/v1/monthly-reports/2021-08/people/\(namID)"
            let unitsOnly = try await t.api(.GET, path, token: namToken)
            #expect(unitsOnly.status == .notFound)
            #expect(try unitsOnly.content.get(String.self, at: "error", "message").contains("chỉ yêu cầu các đơn vị"))

            try await Self.setReporters(t, "both", period: "calendarMonth")
            #expect(try await t.api(.GET, "/api/v1/settings/calendar", token: namToken).content.get(String.self, at: "monthlyReporters") == "both")
            // Nam started on 20/07/2021: he owes July and August, not June.
            nam.joinedOn = "2021-07-20"
            try await nam.save(on: t.db)

            let draft = try await t.api(.GET, path, token: namToken)
            #expect(draft.status == .ok, "\(draft.body.string)")
            let report = try draft.content.decode(MonthlyReportDTO.self)
            #expect(report.owner == "person" && report.personId == namID && report.personName == "Hồ Sỹ Nam" && report.unitId == nil)
            #expect(report.status == "new" && report.dueAt == "2021-09-20T00:00:00+07:00")
            #expect(report.weeks == ["2021-W31", "2021-W32", "2021-W33", "2021-W34"])
            // Built from his own weekly reports: the targets he reported on, his work merged.
            #expect(report.content.figures.first { $0.code == "XH04" }?.monthValue == 22)
            #expect(!report.content.figures.contains { $0.code == "KT06" })
            #expect(report.content.results.contains("- Tuyên truyền phòng chống dịch trên loa truyền thanh: 6 buổi."), "\(report.content.results)")
            #expect(try await t.api(.GET, "/api/v1/monthly-reports/2021-06/people/\(namID)", token: namToken).status == .notFound)

            let saved = try await t.api(.PUT, path, token: namToken, json: MonthlyBody(results: "Tuyên truyền 6 buổi về phòng chống dịch."))
            #expect(saved.status == .ok, "\(saved.body.string)")
            #expect(try saved.content.decode(MonthlyReportDTO.self).status == "draft")
            let submitted = try await t.api(.POST, path + "/submit", token: namToken)
            let final = try submitted.content.decode(MonthlyReportDTO.self)
            #expect(final.status == "submitted" && final.ledgerStatus == "on_time" && final.submittedById == namID)
            #expect(final.firstSubmittedAt == "2021-08-18T09:00:00+07:00")
            #expect(try await t.api(.GET, path + "/draft", token: namToken).status == .ok)

            // Who reads and who writes: the leader reads; a colleague does neither; the office and
            // the focal point file on the member's behalf, and the report says who filed it.
            let leader = try await t.token(TestApp.Demo.leader)
            #expect(try await t.api(.GET, path, token: leader).status == .ok)
            #expect(try await t.api(.PUT, path, token: leader, json: MonthlyBody(results: "x")).status == .forbidden)
            let (member, aggregator) = try await Self.colleagues(t, of: nam)
            let memberToken = try await t.token(member.username)
            #expect(try await t.api(.GET, path, token: memberToken).status == .forbidden)
            let memberPath = "/api/v1/monthly-reports/2021-08/people/\(try member.requireID())"
            let office = try await t.token(TestApp.Demo.office)
            let onBehalf = try await t.api(.POST, memberPath + "/submit", token: office, json: MonthlyBody(results: "Văn phòng nhập thay: trực cơ quan 4 buổi."))
            #expect(onBehalf.status == .ok, "\(onBehalf.body.string)")
            let filed = try onBehalf.content.decode(MonthlyReportDTO.self)
            #expect(filed.submittedById == (try await t.person(TestApp.Demo.office)).id && filed.personId == member.id)
            let audit = try await AuditEntry.query(on: t.db).filter(\.$kind == "monthly_report").filter(\.$action == "submit_on_behalf").all()
            #expect(audit.count == 1)
            let aggregatorToken = try await t.token(aggregator.username)
            #expect(try await t.api(.PUT, path, token: aggregatorToken, json: MonthlyBody(proposals: "Đề nghị sửa loa.")).status == .ok)

            // A leader whose work the office compiles owes no personal report.
            let binh = try await t.person(TestApp.Demo.leader)
            let excused = try await t.api(.GET, "/api/v1/monthly-reports/2021-08/people/\(try binh.requireID())", token: office)
            #expect(excused.status == .notFound)
            #expect(try excused.content.get(String.self, at: "error", "message").contains("Văn phòng tổng hợp"))
            #expect(try await t.api(.GET, "/api/v1/monthly-reports/2021-08/people/\(UUID())", token: office).status == .notFound)

            // The month's overview lists the owing officials next to the units.
            let list = try await t.api(.GET, "/api/v1/monthly-reports?month=2021-08", token: office).content.decode(MonthlyOverviewDTO.self)
            #expect(list.monthlyReporters == "both" && list.units.count == 17)
            #expect(list.people.first { $0.personId == namID }?.ledgerStatus == "on_time")
            #expect(!list.people.contains { $0.personId == binh.id })
            let mine = try await t.api(.GET, "/api/v1/monthly-reports?month=2021-08", token: namToken).content.decode(MonthlyOverviewDTO.self)
            #expect(mine.people.map(\.personId) == [namID])
            let compiled = try await t.api(.GET, "/api/v1/monthly-reports/2021-08/compilation", token: office).content.decode(MonthlyCompilationDTO.self)
            #expect(Set(compiled.reports.compactMap(\.personName)) == ["Hồ Sỹ Nam", member.fullName])

            // The ledger: Nam's row holds July and August only (he joined on 20/07).
            let ledger = try await t.api(.GET, "/api/v1/ledger/monthly?year=2021", token: office).content.decode(MonthlyLedgerDTO.self)
            #expect(ledger.monthlyReporters == "both")
            let namRow = try #require(ledger.personalReports.first { $0.id == namID })
            #expect(namRow.months.map(\.month) == ["2021-07", "2021-08"])
            #expect(namRow.months.map(\.status) == ["not_due", "on_time"])
            #expect(!ledger.personalReports.contains { $0.id == binh.id })
            #expect(!ledger.monthlyReports.isEmpty)
            let own = try await t.api(.GET, "/api/v1/ledger/monthly?year=2021", token: namToken).content.decode(MonthlyLedgerDTO.self)
            #expect(own.personalReports.map(\.id) == [namID])

            // People only: the units owe nothing any more; what was written stays readable.
            try await Self.setReporters(t, "people")
            let peopleOnly = try await t.api(.GET, "/api/v1/ledger/monthly?year=2021", token: office).content.decode(MonthlyLedgerDTO.self)
            #expect(peopleOnly.monthlyReports.isEmpty && !peopleOnly.personalReports.isEmpty)
            #expect(try await t.api(.GET, "/api/v1/monthly-reports?month=2021-08", token: office).content.decode(MonthlyOverviewDTO.self).units.isEmpty)
            try await Self.setReporters(t, "units")
            #expect(try await t.api(.GET, path, token: namToken).status == .ok, "a saved report stays readable")
            #expect(try await t.api(.GET, "/api/v1/monthly-reports/2021-07/people/\(namID)", token: namToken).status == .notFound)
            #expect(try await t.api(.GET, "/api/v1/ledger/monthly?year=2021", token: office).content.decode(MonthlyLedgerDTO.self).personalReports.isEmpty)
        }
    }

    @Test("Nothing is owed before the commune used GiaoBan: the ledger and the API agree")
    func inUseSince() async throws {
        try await withTestApp { t in
            let commune = try #require(try await Commune.query(on: t.db).first())
            var settings = try commune.calendarSettings
            settings.monthlyReporters = .people
            settings.inUseSince = LocalDate(iso: "2021-08-02")
            commune.setCalendarSettings(settings)
            try await commune.save(on: t.db)
            let nam = try await t.person(TestApp.Demo.reporter)
            let token = try await t.token(TestApp.Demo.reporter)
            // Cut-off 15: July's period ended on 14/07, before; August's (15/07–14/08) is owed.
            #expect(try await t.api(.GET, "/api/v1/monthly-reports/2021-07/people/\(try nam.requireID())", token: token).status == .notFound)
            #expect(try await t.api(.GET, "/api/v1/monthly-reports/2021-08/people/\(try nam.requireID())", token: token).status == .ok)
            let ledger = try await t.api(.GET, "/api/v1/ledger/monthly?year=2021", token: token).content.decode(MonthlyLedgerDTO.self)
            // September's period (15/08–14/09) has begun on 18/08: listed, not yet due.
            let row = try #require(ledger.personalReports.first)
            #expect(row.months.map(\.month) == ["2021-08", "2021-09"] && row.months.map(\.status) == ["not_due", "not_due"])
        }
    }

    @Test("The pages: the setting, the home page's way in, the official's form, the month, the ledger")
    func pages() async throws {
        try await withTestApp { t in
            let (fixtures, _) = try await MonthlyTests.weeklyHistory(t)
            let admin = t.browser()
            try await admin.login(TestApp.Demo.admin)
            let settingsPage = try await admin.get("/admin/settings")
            #expect(settingsPage.body.string.contains("Ai phải báo cáo tháng"))
            #expect(settingsPage.body.string.contains("value=\"units\" checked"))
            let fields = LedgerRegimeTests.settingsFields(inUseSince: "")
            let refused = try await admin.post("/admin/settings", fields + [("monthlyReporters", "all")])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Hãy chọn: các đơn vị, từng cán bộ hoặc cả hai."))
            #expect(refused.body.string.contains("Xã Sơn Kim 2 (dữ liệu mẫu)"))
            let posted = try await admin.post("/admin/settings", fields + [("monthlyReporters", "both")])
            #expect(posted.status == .seeOther)
            #expect(try await admin.get("/admin/settings").body.string.contains("value=\"both\" checked"))
            #expect(try #require(try await Commune.query(on: t.db).first()).calendarSettings.monthlyReporters == .both)

            let nam = try await t.person(TestApp.Demo.reporter)
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            let path = "/monthly/2021-08/people/\(try nam.requireID())"
            let home = try await browser.get("/")
            #expect(home.body.string.contains("href=\"\(path)\""), "the home page leads to the personal report")
            #expect(home.body.string.contains("Báo cáo tháng 8/2021 của cá nhân"))
            let form = try await browser.get(path)
            #expect(form.status == .ok)
            #expect(form.body.string.contains("Hồ Sỹ Nam: báo cáo tháng"))
            #expect(form.body.string.contains("Tuyên truyền phòng chống dịch trên loa truyền thanh: 6 buổi."))
            #expect(form.body.string.contains("action=\"\(path)\""))
            let typed = "Trong tháng tuyên truyền 6 buổi trên loa truyền thanh."
            let bad = try await browser.post(path, [
                ("figures[0][targetId]", try fixtures.count.requireID().uuidString), ("figures[0][monthValue]", "mười lăm"),
                ("results", typed), ("action", "submit"),
            ])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains(typed) && bad.body.string.contains("mười lăm"))
            let good = try await browser.post(path, [
                ("figures[0][targetId]", try fixtures.count.requireID().uuidString), ("figures[0][monthValue]", "15"),
                ("results", typed), ("action", "submit"),
            ])
            #expect(good.status == .seeOther)
            #expect(good.headers.first(name: .location) == path + "?notice=report_submitted")
            let index = try await browser.get("/monthly?month=2021-08")
            #expect(index.body.string.contains("Báo cáo tháng của cán bộ, công chức"))
            #expect(index.body.string.contains("href=\"\(path)\""))
            #expect(try await browser.get("/ledger/monthly").body.string.contains("Hồ Sỹ Nam"))

            let office = t.browser()
            try await office.login(TestApp.Demo.office)
            let (member, _) = try await Self.colleagues(t, of: nam)
            let onBehalf = try await office.get("/monthly/2021-08/people/\(try member.requireID())")
            #expect(onBehalf.status == .ok)
            #expect(onBehalf.body.string.contains("Bạn đang viết và gửi báo cáo tháng thay cho"))
            #expect(try await office.get("/monthly/2021-08").body.string.contains(typed))
            let ledger = try await office.get("/ledger/monthly?year=2021")
            #expect(ledger.body.string.contains("Báo cáo tháng của cán bộ, công chức (hạn trước ngày 20)"))
            #expect(try await office.get("/monthly/2021-08/report.docx").status == .ok)
            let binh = try await t.person(TestApp.Demo.leader)
            #expect(try await office.get("/monthly/2021-08/people/\(try binh.requireID())").status == .notFound)
            #expect(try await browser.get("/monthly/2021-08/people/\(try member.requireID())").status == .forbidden)
        }
    }

    @Test("Reminders follow the setting: an official is reminded of their own report and led to it")
    func reminders() async throws {
        try await withTestApp { t in
            let commune = try #require(try await Commune.query(on: t.db).first())
            var settings = try commune.calendarSettings
            settings.monthlyReporters = .people
            commune.setCalendarSettings(settings)
            try await commune.save(on: t.db)
            let nam = try await t.person(TestApp.Demo.reporter)
            let plan = try await ReminderService.obligations(commune: commune, now: t.clock.now(), on: t.db)
            let monthly = plan.obligations.filter { $0.kind == .monthlyReport }
            #expect(!monthly.isEmpty)
            #expect(monthly.allSatisfy { $0.subjectKey.hasPrefix("person:") }, "no unit owes under people only")
            let namOwes = try #require(monthly.first { $0.subjectKey == "person:\(try nam.requireID())" && $0.periodKey == "2021-08" })
            #expect(namOwes.recipients == [try nam.requireID()])
            #expect(!monthly.contains { $0.subjectName == "Nguyễn Văn Bình" })

            // 15:00 the day before the deadline (19/08): Nam's reminder links to his report.
            t.clock.set(Date(timeIntervalSince1970: 1_629_360_000)) // 2021-08-19T08:00:00Z = 15:00 +07
            _ = try await ReminderService.plan(commune: commune, now: t.clock.now(), on: t.db, logger: t.app.logger)
            let messages = try await OutboxMessage.query(on: t.db).filter(\.$recipientID == nam.requireID()).filter(\.$kind == "monthlyReport").all()
            let expected = "/monthly/2021-08/people/\(try nam.requireID())"
            #expect(messages.contains { $0.url == expected }, "\(messages.map(\.url))")
        }
    }

    @Test("One table holds both kinds: the migration keeps every row; exactly one owner, one report per owner and month")
    func storage() async throws {
        try await withTestApp { t in
            let commune = try #require(try await Commune.query(on: t.db).first())
            let culture = try #require(try await OrgUnit.query(on: t.db).filter(\.$name == "Văn hóa - Xã hội").first())
            let nam = try await t.person(TestApp.Demo.reporter)
            func report(unit: UUID?, person: UUID?, month: String = "2021-08") -> MonthlyReport {
                let report = MonthlyReport()
                report.communeID = commune.id!
                report.unitID = unit
                report.personID = person
                report.month = month
                report.status = .submitted
                report.setContent(MonthlyReportContent(figures: [], results: "Kết quả tháng.", shortcomings: "", nextMonth: "", proposals: ""))
                report.firstSubmittedAt = Date(timeIntervalSince1970: 1_629_252_000)
                report.updatedAt = Date(timeIntervalSince1970: 1_629_252_000)
                report.updatedBy = nam.id!
                return report
            }
            try await report(unit: culture.id, person: nil).save(on: t.db)
            // Back to the units-only table and forward again: the unit's report survives both ways.
            try await UpdateMonthlyReportsAddPerson().revert(on: t.db)
            try await UpdateMonthlyReportsAddPerson().prepare(on: t.db)
            let kept = try #require(try await MonthlyReport.query(on: t.db).first())
            #expect(try kept.unitID == culture.id && kept.personID == nil && kept.content.results == "Kết quả tháng.")
            #expect(kept.firstSubmittedAt == Date(timeIntervalSince1970: 1_629_252_000))

            try await report(unit: nil, person: nam.id).save(on: t.db)
            try await report(unit: nil, person: nam.id, month: "2021-09").save(on: t.db)
            await #expect(throws: (any Error).self, "one report per person and month") {
                try await report(unit: nil, person: nam.id).save(on: t.db)
            }
            await #expect(throws: (any Error).self, "one report per unit and month") {
                try await report(unit: culture.id, person: nil).save(on: t.db)
            }
            await #expect(throws: (any Error).self, "never both owners") {
                try await report(unit: culture.id, person: nam.id, month: "2021-10").save(on: t.db)
            }
            await #expect(throws: (any Error).self, "never neither") {
                try await report(unit: nil, person: nil, month: "2021-10").save(on: t.db)
            }
            #expect(try await MonthlyReport.query(on: t.db).count() == 3)
            // Reverting keeps the units' reports; the old table cannot hold personal ones.
            try await UpdateMonthlyReportsAddPerson().revert(on: t.db)
            let sql = try SQLAccess.sql(t.db)
            struct Count: Decodable { var n: Int }
            #expect(try await sql.raw("SELECT COUNT(*) AS n FROM monthly_reports").first(decoding: Count.self)?.n == 1)
            try await UpdateMonthlyReportsAddPerson().prepare(on: t.db)
        }
    }
}
