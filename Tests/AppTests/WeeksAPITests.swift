@testable import App
import Fluent
import GiaoBanCore
import Testing
import Vapor
import VaporTesting

@Suite("Weeks API and moving a briefing")
struct WeeksAPITests {
    @Test("GET /api/v1/weeks/2021-W33 gives the letter's week with exact instants")
    func letterWeek() async throws {
        try await withTestApp { t in
            let token = try await t.token(TestApp.Demo.reporter)
            let response = try await t.api(.GET, "/api/v1/weeks/2021-W33", token: token)
            #expect(response.status == .ok)
            let week = try response.content.decode(WeekDTO.self)
            #expect(week.id == "2021-W33")
            #expect(week.year == 2021)
            #expect(week.week == 33)
            #expect(week.start == "2021-08-14")
            #expect(week.end == "2021-08-20")
            #expect(week.deadlines.weeklyReport == "2021-08-19T20:00:00+07:00")
            #expect(week.deadlines.groupCompilation == "2021-08-20T14:00:00+07:00")
            let general = try #require(week.meetings.first { $0.slot == "general" })
            #expect(general.date == "2021-08-20")
            #expect(general.startAt == "2021-08-20T14:00:00+07:00")
            #expect(general.endAt == "2021-08-20T16:00:00+07:00")
            #expect(week.meetings.contains { $0.start == "16:00" && $0.end == "17:30" })
        }
    }

    @Test("Week by date and the current week", arguments: [
        ("2021-08-14", "2021-W33"), ("2021-08-20", "2021-W33"), ("2021-08-21", "2021-W34"),
        ("2021-01-01", "2020-W53"), ("2021-01-02", "2021-W01"), ("2025-12-27", "2026-W01"),
    ])
    func byDate(date: String, expected: String) async throws {
        try await withTestApp { t in
            let token = try await t.token(TestApp.Demo.reporter)
            let response = try await t.api(.GET, "/api/v1/weeks?date=\(date)", token: token)
            #expect(response.status == .ok)
            #expect(try response.content.get(String.self, at: "id") == expected)
            let current = try await t.api(.GET, "/api/v1/weeks/current", token: token)
            #expect(try current.content.get(String.self, at: "id") == "2021-W33")
        }
    }

    @Test("Friday 23:59 and Saturday 00:00 in Hà Nội fall in different weeks whatever the server's zone")
    func midnight() async throws {
        // Saturday 21/08/2021 00:00 +07:00 is Friday 17:00 UTC.
        try await withTestApp(at: Date(timeIntervalSince1970: 1_629_478_800 - 1)) { t in
            let token = try await t.token(TestApp.Demo.reporter)
            #expect(try await t.api(.GET, "/api/v1/weeks/current", token: token).content.get(String.self, at: "id") == "2021-W33")
            t.clock.advance(by: 1)
            #expect(try await t.api(.GET, "/api/v1/weeks/current", token: token).content.get(String.self, at: "id") == "2021-W34")
        }
    }

    @Test("Malformed and non-existent week ids are 4xx JSON errors", arguments: ["2021-W53", "2021-W00", "2021-W54", "x", "2021W33", "2021-W033"])
    func badIDs(id: String) async throws {
        try await withTestApp { t in
            let token = try await t.token(TestApp.Demo.reporter)
            let response = try await t.api(.GET, "/api/v1/weeks/\(id)", token: token)
            #expect(response.status == .notFound)
            #expect(try response.content.get(String.self, at: "error", "code") == "week_not_found")
            #expect(!(try response.content.get(String.self, at: "error", "message")).isEmpty)
        }
    }

    @Test("A bad or missing date is a 400 with the field named")
    func badDates() async throws {
        try await withTestApp { t in
            let token = try await t.token(TestApp.Demo.reporter)
            for query in ["", "?date=", "?date=20/08/2021", "?date=2021-02-30", "?date=99999-01-01"] {
                let response = try await t.api(.GET, "/api/v1/weeks\(query)", token: token)
                #expect(response.status == .badRequest, "\(query)")
                #expect(try response.content.get([String: String].self, at: "error", "fields")["date"] != nil)
            }
        }
    }

    @Test("Moving the briefing to Monday morning shows in the week and the API; deadlines stay")
    func moveBriefing() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login(TestApp.Demo.leader)
            let refused = try await browser.post("/weeks/2021-W33/move",
                                                 [("slot", "general"), ("date", "32/08/2021"), ("start", "7h"), ("end", "09:30"), ("reason", "")])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("value=\"32/08/2021\""), "what was typed comes back")
            #expect(refused.body.string.contains("value=\"7h\""))
            let moved = try await browser.post("/weeks/2021-W33/move",
                                               [("slot", "general"), ("date", "23/08/2021"), ("start", "07:30"), ("end", "09:30"),
                                                ("reason", "Thứ Sáu có nhiệm vụ đột xuất phòng chống dịch")])
            #expect(moved.status == .seeOther)
            let page = try await browser.get("/weeks/2021-W33")
            #expect(page.body.string.contains("Thứ Hai, 23/08/2021"))
            #expect(page.body.string.contains("nhiệm vụ đột xuất"))

            let token = try await t.token(TestApp.Demo.reporter)
            let week = try await t.api(.GET, "/api/v1/weeks/2021-W33", token: token).content.decode(WeekDTO.self)
            let general = try #require(week.meetings.first { $0.slot == "general" })
            #expect(general.moved)
            #expect(general.startAt == "2021-08-23T07:30:00+07:00")
            #expect(week.deadlines.weeklyReport == "2021-08-19T20:00:00+07:00")

            // A reporter may not move briefings.
            let reporter = t.browser()
            try await reporter.login(TestApp.Demo.reporter)
            #expect(try await reporter.post("/weeks/2021-W33/move", [("slot", "general"), ("date", "23/08/2021"), ("start", "08:00"),
                                                                       ("end", "09:00"), ("reason", "x")]).status == .forbidden)
            // Back to the usual slot.
            #expect(try await browser.post("/weeks/2021-W33/restore", [("slot", "general")]).status == .seeOther)
            let restored = try await t.api(.GET, "/api/v1/weeks/2021-W33", token: token).content.decode(WeekDTO.self)
            #expect(restored.meetings.allSatisfy { !$0.moved })
        }
    }

    @Test("A commune in another zone gets its own offset")
    func otherZone() async throws {
        try await withTestApp { t in
            let commune = try #require(try await Commune.query(on: t.db).first())
            var settings = try commune.calendarSettings
            settings.timeZoneIdentifier = "Asia/Tokyo"
            commune.setCalendarSettings(settings)
            try await commune.save(on: t.db)
            let token = try await t.token(TestApp.Demo.reporter)
            let week = try await t.api(.GET, "/api/v1/weeks/2021-W33", token: token).content.decode(WeekDTO.self)
            #expect(week.deadlines.weeklyReport == "2021-08-19T20:00:00+09:00")
        }
    }
}
