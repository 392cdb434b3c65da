import Fluent
import Foundation
import GiaoBanCore
import Testing
import Vapor
import VaporTesting
@testable import App

/// A commune's first month on GiaoBan: the ledger owes only what the regime asks (issue: the
/// ledger tells the truth from the first real week). The clock stands at Wednesday 18/08/2021.
@Suite("The ledger from the first real week")
struct LedgerRegimeTests {
    struct CalendarBody: Content { var timeZone: String?; var inUseSince: String?; var monthlyPeriod: String? }
    struct PersonBody: Encodable, Sendable { var joinedOn: String?; var leftOn: String?; var reportsWeekly: Bool? }

    @Test("The in-use date: weeks and months before it are no rows, in the API and on the pages; the admin sets it, others may not")
    func inUseSince() async throws {
        try await withTestApp { t in
            let admin = try await t.token(TestApp.Demo.admin)
            let office = try await t.token(TestApp.Demo.office)
            let read = try await t.api(.GET, "/api/v1/settings/calendar", token: office)
            #expect(read.status == .ok)
            #expect(try read.content.decode(CalendarSettingsDTO.self).monthlyPeriod == "cutOff:15")
            #expect(try read.content.decode(CalendarSettingsDTO.self).inUseSince == nil)
            #expect(try await t.api(.PUT, "/api/v1/settings/calendar", token: office, json: CalendarBody(inUseSince: "2021-08-02")).status == .forbidden)
            let bad = try await t.api(.PUT, "/api/v1/settings/calendar", token: admin, json: CalendarBody(inUseSince: "02/08/2021"))
            #expect(bad.status == .unprocessableEntity)
            #expect(try bad.content.get([String: String].self, at: "error", "fields").keys.contains("inUseSince"))
            let badPeriod = try await t.api(.PUT, "/api/v1/settings/calendar", token: admin, json: CalendarBody(monthlyPeriod: "weekly"))
            #expect(badPeriod.status == .unprocessableEntity)

            func total(_ year: LedgerYearDTO) -> (missing: Int, all: Int) {
                year.people.reduce((0, 0)) { sum, row in
                    let s = row.summary
                    return (sum.0 + s.missing, sum.1 + s.onTime + s.late + s.missing + s.notDue + s.excused)
                }
            }
            let before = try await t.api(.GET, "/api/v1/ledger?year=2021", token: office).content.decode(LedgerYearDTO.self)
            #expect(total(before).missing > 0)
            let saved = try await t.api(.PUT, "/api/v1/settings/calendar", token: admin, json: CalendarBody(inUseSince: "2021-08-02"))
            #expect(saved.status == .ok, "\(saved.body.string)")
            #expect(try saved.content.decode(CalendarSettingsDTO.self).inUseSince == "2021-08-02")
            // Weeks 1–30 are owed by nobody: only 31 and 32 (past) and 33 (not yet due) remain.
            let after = try await t.api(.GET, "/api/v1/ledger?year=2021", token: office).content.decode(LedgerYearDTO.self)
            #expect(total(after).missing < total(before).missing)
            #expect(total(after).all == after.people.count * 3, "three weeks owed per person")
            let w30 = try await t.api(.GET, "/api/v1/ledger/2021-W30", token: office).content.decode(LedgerWeekDTO.self)
            #expect(w30.rows.isEmpty && w30.compilations.isEmpty)
            let ledgerBrowser = t.browser()
            try await ledgerBrowser.login(TestApp.Demo.office)
            let w30Page = try await ledgerBrowser.get("/ledger/weeks/2021-W30").body.string
            #expect(w30Page.contains("id=\"not-owed\"") && w30Page.contains("02/08/2021"))
            #expect(!(try await ledgerBrowser.get("/ledger/weeks/2021-W31").body.string.contains("id=\"not-owed\"")))
            #expect(!(try await t.api(.GET, "/api/v1/ledger/2021-W31", token: office).content.decode(LedgerWeekDTO.self)).rows.isEmpty)
            // Monthly obligations: nothing before August's periods (cell reports from August, monthly from the 15/07–14/08 period).
            let monthly = try await t.api(.GET, "/api/v1/ledger/monthly?year=2021", token: office).content.decode(MonthlyLedgerDTO.self)
            #expect(monthly.cellReports.first?.months.map(\.month) == ["2021-08"])
            #expect(monthly.monthlyReports.first?.months.map(\.month) == ["2021-08", "2021-09"], "the 15/08–14/09 period has begun")
            // null clears it.
            struct Clear: Content { var inUseSince: String? }
            let cleared = try await t.api(.PUT, "/api/v1/settings/calendar", token: admin, json: ["inUseSince": Optional<String>.none])
            #expect(cleared.status == .ok)
            #expect(try cleared.content.decode(CalendarSettingsDTO.self).inUseSince == nil)

            // The settings page sets it too, and shows it back.
            let browser = t.browser()
            try await browser.login(TestApp.Demo.admin)
            let page = try await browser.get("/admin/settings").body.string
            #expect(page.contains("id=\"inUseSince\""))
            let refused = try await browser.post("/admin/settings", Self.settingsFields(inUseSince: "31/02/2021"))
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("31/02/2021"), "what was typed comes back")
            let posted = try await browser.post("/admin/settings", Self.settingsFields(inUseSince: "02/08/2021"))
            #expect(posted.status == .seeOther)
            let commune = try #require(try await Commune.query(on: t.db).first())
            #expect(try commune.calendarSettings.inUseSince == LocalDate(year: 2021, month: 8, day: 2))
            #expect(try await browser.get("/admin/settings").body.string.contains("value=\"02/08/2021\""))
        }
    }

    static func settingsFields(inUseSince: String) -> [(String, String)] {
        [("name", "Xã Sơn Kim 2 (dữ liệu mẫu)"), ("timeZone", "Asia/Ho_Chi_Minh"), ("weekStartDay", "saturday"),
         ("weeklyWeekday", "thursday"), ("weeklyTime", "20:00"), ("compilationWeekday", "friday"), ("compilationTime", "14:00"),
         ("cellReportDueDay", "10"), ("monthlyReportDueDay", "20"), ("monthlyPeriodRule", "cutOff:15"), ("inUseSince", inUseSince)]
    }

    @Test("Days off: the suggestion applies until the office confirms; Quốc khánh 2021 moves week 35's deadlines and briefing")
    func daysOff() async throws {
        try await withTestApp { t in
            let office = try await t.token(TestApp.Demo.office)
            let nam = try await t.token(TestApp.Demo.reporter)
            let suggested = try await t.api(.GET, "/api/v1/calendar/days-off?year=2021", token: nam)
            #expect(suggested.status == .ok)
            let list = try suggested.content.decode(DaysOffDTO.self)
            #expect(!list.confirmed)
            #expect(list.days.contains { $0.date == "2021-09-02" && $0.kind == "holiday" })
            // The suggestion already applies: week 35's reports are due Tuesday 31/08.
            let week = try await t.api(.GET, "/api/v1/weeks/2021-W35", token: nam).content.decode(WeekDTO.self)
            #expect(week.deadlines.weeklyReport == "2021-08-31T20:00:00+07:00")
            #expect(week.deadlines.groupCompilation == "2021-09-01T14:00:00+07:00")
            #expect(week.meetings.allSatisfy { $0.date == "2021-09-01" })

            // The office confirms a list without 03/09: the briefing is back on Friday, reports Wednesday.
            var confirmed = list
            confirmed.days = [.init(date: "2021-01-01", name: "Tết Dương lịch", kind: "holiday"),
                              .init(date: "2021-09-02", name: "Quốc khánh", kind: "holiday")]
            #expect(try await t.api(.PUT, "/api/v1/calendar/days-off?year=2021", token: nam, json: confirmed).status == .forbidden)
            let put = try await t.api(.PUT, "/api/v1/calendar/days-off?year=2021", token: office, json: confirmed)
            #expect(put.status == .ok, "\(put.body.string)")
            #expect(try put.content.decode(DaysOffDTO.self).confirmed)
            let moved = try await t.api(.GET, "/api/v1/weeks/2021-W35", token: nam).content.decode(WeekDTO.self)
            #expect(moved.deadlines.weeklyReport == "2021-09-01T20:00:00+07:00")
            #expect(moved.deadlines.groupCompilation == "2021-09-03T14:00:00+07:00")
            #expect(try await AuditEntry.query(on: t.db).filter(\.$action == "days_off").count() == 1)

            // Refused lists: a day of another year, a make-up day on a weekday, a mismatched year.
            var wrong = confirmed
            wrong.days.append(.init(date: "2022-01-01", name: "Tết", kind: "holiday"))
            wrong.days.append(.init(date: "2021-09-06", name: "Làm bù", kind: "workday"))
            let refused = try await t.api(.PUT, "/api/v1/calendar/days-off?year=2021", token: office, json: wrong)
            #expect(refused.status == .unprocessableEntity)
            #expect(try refused.content.get([String: String].self, at: "error", "fields").keys.sorted() == ["days[2]", "days[3]"])
            #expect(try await t.api(.PUT, "/api/v1/calendar/days-off?year=2022", token: office, json: confirmed).status == .unprocessableEntity)
            #expect(try await t.api(.GET, "/api/v1/calendar/days-off?year=abc", token: office).status == .badRequest)

            // The page: the office edits, a reporter reads.
            let browser = t.browser()
            try await browser.login(TestApp.Demo.office)
            let page = try await browser.get("/calendar/days-off?year=2022")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("chưa được Văn phòng xác nhận"))
            #expect(page.body.string.contains("Quốc khánh"))
            let typo = try await browser.post("/calendar/days-off/2022", [("rows[0][date]", "02/09/2022"), ("rows[0][name]", "Quốc khánh"),
                                                                          ("rows[0][kind]", "holiday"), ("rows[1][date]", "32/09/2022"),
                                                                          ("rows[1][name]", "Nghỉ"), ("rows[1][kind]", "holiday")])
            #expect(typo.status == .unprocessableEntity)
            #expect(typo.body.string.contains("32/09/2022"), "what was typed comes back")
            let ok = try await browser.post("/calendar/days-off/2022", [("rows[0][date]", "02/09/2022"), ("rows[0][name]", "Quốc khánh"),
                                                                        ("rows[0][kind]", "holiday"), ("rows[1][date]", ""), ("rows[1][name]", "")])
            #expect(ok.status == .seeOther)
            let commune = try #require(try await Commune.query(on: t.db).first())
            #expect(try commune.calendar.daysOff.year(2022).confirmed)
            #expect(try commune.calendar.daysOff.year(2022).days.map(\.date.iso) == ["2022-09-02"])
            let reader = t.browser()
            try await reader.login(TestApp.Demo.reporter)
            let readOnly = try await reader.get("/calendar/days-off?year=2021").body.string
            #expect(!readOnly.contains("<form method=\"post\" action=\"/calendar/days-off"))
            #expect(readOnly.contains("Văn phòng đã xác nhận"))
            #expect(try await reader.post("/calendar/days-off/2021", []).status == .forbidden)
        }
    }

    @Test("People's working period and leaders who do not file weekly: set through the API and the page, left out of the ledger")
    func personDuty() async throws {
        try await withTestApp { t in
            let admin = try await t.token(TestApp.Demo.admin)
            let office = try await t.token(TestApp.Demo.office)
            let nam = try await t.person(TestApp.Demo.reporter)
            let path = "/api/v1/people/\(try nam.requireID())"
            let bad = try await t.api(.PATCH, path, token: admin, json: PersonBody(joinedOn: "2021-08-10", leftOn: "2021-08-01"))
            #expect(bad.status == .unprocessableEntity)
            let set = try await t.api(.PATCH, path, token: admin, json: PersonBody(joinedOn: "2021-08-13", leftOn: nil, reportsWeekly: nil))
            #expect(set.status == .ok, "\(set.body.string)")
            let dto = try set.content.decode(PersonDTO.self)
            #expect(dto.joinedOn == "2021-08-13" && dto.leftOn == nil && dto.reportsWeekly)
            // Nam joined on Friday 13/08: week 32 (due Thursday 12/08) is not his; week 33 is.
            func rows(_ week: String) async throws -> [LedgerRowDTO] {
                try await t.api(.GET, "/api/v1/ledger/\(week)", token: office).content.decode(LedgerWeekDTO.self).rows
                    .filter { $0.personId == nam.id }
            }
            #expect(try await rows("2021-W32").isEmpty)
            #expect(try await !rows("2021-W33").isEmpty)
            // A leader whose work the office compiles is in no week at all.
            let binh = try await t.person(TestApp.Demo.leader)
            #expect(!binh.reportsWeekly, "the demo marks the Standing Committee and the People's Committee leaders")
            let hung = try await t.person(TestApp.Demo.supervisor)
            let weekly = try await t.api(.GET, "/api/v1/ledger/2021-W32", token: office).content.decode(LedgerWeekDTO.self)
            #expect(!weekly.rows.contains { $0.personId == hung.id })
            let phuc = try await t.person(DemoCommune.username(for: "Lê Văn Phúc"))
            #expect(weekly.rows.contains { $0.personId == phuc.id })
            _ = try await t.api(.PATCH, "/api/v1/people/\(try phuc.requireID())", token: admin, json: PersonBody(reportsWeekly: false))
            let without = try await t.api(.GET, "/api/v1/ledger/2021-W32", token: office).content.decode(LedgerWeekDTO.self)
            #expect(!without.rows.contains { $0.personId == phuc.id })
            // null clears a date.
            let cleared = try await t.api(.PATCH, path, token: admin, json: ["joinedOn": Optional<String>.none])
            #expect(try cleared.content.decode(PersonDTO.self).joinedOn == nil)

            // The admin page edits the same fields.
            let browser = t.browser()
            try await browser.login(TestApp.Demo.admin)
            let form = try await browser.get("/admin/people/\(try nam.requireID())").body.string
            #expect(form.contains("id=\"joinedOn\"") && form.contains("id=\"reportsWeekly\""))
            let posted = try await browser.post("/admin/people/\(try nam.requireID())", [
                ("fullName", "Hồ Sỹ Nam"), ("username", nam.username), ("position", "Công chức Văn hóa - Xã hội"),
                ("roles[]", "reporter"), ("joinedOn", "01/03/2021"), ("leftOn", "31/12/2021"), ("reportsWeekly[]", "false"),
            ])
            #expect(posted.status == .seeOther, "\(posted.body.string)")
            let stored = try await t.person(TestApp.Demo.reporter)
            #expect(stored.joinedOn == "2021-03-01" && stored.leftOn == "2021-12-31" && !stored.reportsWeekly)
        }
    }

    @Test("Filing on behalf: the office for anyone, a focal point for its members; the report and the audit trail name who filed it")
    func onBehalf() async throws {
        try await withTestApp { t in
            let office = try await t.token(TestApp.Demo.office)
            let ntm = try await t.token(TestApp.Demo.ntmAggregator)
            let nam = try await t.person(TestApp.Demo.reporter)
            let officePerson = try await t.person(TestApp.Demo.office)
            var body = ReportBody()
            body.work = [.init(description: "Họp dân thôn Kim Lữ về làm đường", quantity: "1", unit: "buổi", activityType: nil)]
            let path = "/api/v1/reports/2021-W33?personId=\(try nam.requireID())"
            #expect(try await t.api(.PUT, path, token: office, json: body).status == .ok)
            let submit = try await t.api(.POST, "/api/v1/reports/2021-W33/submit?personId=\(try nam.requireID())", token: office)
            #expect(submit.status == .ok, "\(submit.body.string)")
            let report = try submit.content.decode(ReportDTO.self)
            #expect(report.personId == nam.id && report.filedById == officePerson.id)
            #expect(report.firstSubmittedAt == "2021-08-18T09:00:00+07:00")
            let audit = try #require(try await AuditEntry.query(on: t.db).filter(\.$action == "submit_on_behalf").first())
            #expect(audit.actorID == officePerson.id)
            // The author reads it as theirs.
            let mine = try await t.api(.GET, "/api/v1/reports/2021-W33", token: try await t.token(TestApp.Demo.reporter))
            #expect(try mine.content.decode(ReportDTO.self).filedById == officePerson.id)

            // A focal point files for its members only; a reporter for nobody.
            let huyen = try await t.person(DemoCommune.username(for: "Đinh Thị Huyền"))
            let duyen = try await t.person(DemoCommune.username(for: "Lê Thị Mỹ Duyên"))
            #expect(try await t.api(.PUT, "/api/v1/reports/2021-W33?personId=\(try huyen.requireID())", token: ntm, json: body).status == .ok)
            #expect(try await t.api(.PUT, "/api/v1/reports/2021-W33?personId=\(try duyen.requireID())", token: ntm, json: body).status == .forbidden)
            let reporter = try await t.token(DemoCommune.username(for: "Bùi Văn Lực"))
            #expect(try await t.api(.PUT, path, token: reporter, json: body).status == .forbidden)
            #expect(try await t.api(.PUT, "/api/v1/reports/2021-W33?personId=\(UUID())", token: office, json: body).status == .notFound)

            // The page: the office opens the member's form from the group week and files it.
            let browser = t.browser()
            try await browser.login(TestApp.Demo.office)
            let form = try await browser.get("/reports/2021-W33?personId=\(try duyen.requireID())")
            #expect(form.status == .ok)
            #expect(form.body.string.contains("id=\"on-behalf\"") && form.body.string.contains("Lê Thị Mỹ Duyên"))
            #expect(form.body.string.contains("action=\"/reports/2021-W33?personId=\(try duyen.requireID())\""))
            let filed = try await browser.post("/reports/2021-W33?personId=\(try duyen.requireID())", [
                ("work[0][description]", "Chứng thực 25 bản sao"), ("work[0][quantity]", "25"), ("work[0][unit]", "bản"), ("action", "submit"),
            ])
            #expect(filed.status == .seeOther, "\(filed.body.string)")
            #expect(filed.location?.contains("personId=\(try duyen.requireID())") == true)
            let stored = try #require(try await ReportService.find(personID: try duyen.requireID(), week: ReportWeekID(year: 2021, week: 33), on: t.db))
            #expect(stored.filedByID == officePerson.id && stored.status == .submitted)
        }
    }
}
