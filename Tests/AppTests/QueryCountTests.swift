@testable import App
import Fluent
import Foundation
import GiaoBanCore
import Testing
import Vapor
import VaporTesting

@Suite("No N+1 queries: a page's query count does not grow with the data")
struct QueryCountTests {
    static let pages = ["/", "/reports/2021-W33", "/ledger/weeks/2021-W33", "/ledger/summary?year=2021", "/briefing/2021-W33",
                        "/schedule/2021-W34", "/dashboard", "/monthly?month=2021-08", "/cells?month=2021-08", "/ledger/monthly?year=2021"]

    static func counts(_ t: TestApp, browser: Browser, groupPath: String, apiToken: String) async throws -> [String: Int] {
        var result: [String: Int] = [:]
        for path in pages + [groupPath] {
            let page = try await browser.get(path)
            #expect(page.status == .ok, "\(path)")
            result[path] = Int(page.headers.first(name: "X-Query-Count") ?? "") ?? -1
        }
        for path in ["/api/v1/ledger?year=2021", "/api/v1/ledger/2021-W33", "/api/v1/monthly-reports?month=2021-08"] {
            let response = try await t.api(.GET, path, token: apiToken)
            result[path] = Int(response.headers.first(name: "X-Query-Count") ?? "") ?? -1
        }
        return result
    }

    /// Adds `count` people to the group, each with four submitted weeks of reports.
    static func addPeople(_ range: ClosedRange<Int>, to group: ReportGroup, _ t: TestApp) async throws {
        let commune = try #require(try await Commune.query(on: t.db).first())
        let unit = try #require(try await OrgUnit.query(on: t.db).filter(\.$name == "Văn phòng - Thống kê").first())
        let calendar = try commune.calendar
        for index in range {
            let person = Person(communeID: try commune.requireID(), fullName: "Người Thử \(index)", username: "thu\(index)",
                                passwordHash: "x", roles: [.reporter])
            try await person.save(on: t.db)
            try await PersonUnit(personID: try person.requireID(), unitID: try unit.requireID()).save(on: t.db)
            try await GroupMembership(groupID: try group.requireID(), personID: try person.requireID(), kind: .member).save(on: t.db)
            for weekID in ["2021-W30", "2021-W31", "2021-W32", "2021-W33"] {
                let week = try calendar.week(ReportWeekID(weekID)!)
                var input = WeeklyReportInput()
                input.work = [.init(description: "Việc thử", quantity: "2", unit: "việc")]
                input.plans = [.init(date: week.end.adding(days: 3).vietnamese, start: "08:00", end: "09:00", title: "Họp thử \(index)")]
                try await ReportService.save(input, submit: true, person: person, actorID: try person.requireID(),
                                             week: week, calendar: calendar, now: letterWednesday, on: t.db)
            }
        }
    }

    @Test("Twenty more people with a month of reports add no query to the main pages")
    func flatCounts() async throws {
        // Measures the pages as built, not as answered from the cache (the fixtures below are
        // written straight into the database, which the cache is not told about).
        try await withTestApp(configure: { $0.exposeQueryCount = true }) { t in
            let group = try #require(try await ReportGroup.query(on: t.db).filter(\.$name == "Khối chính quyền").first())
            let groupPath = "/groups/\(try group.requireID())/weeks/2021-W33"
            // A few people first, so that every page already shows reports, work and plans.
            try await Self.addPeople(1...3, to: group, t)
            let browser = t.browser()
            try await browser.login(TestApp.Demo.office)
            let token = try await t.token(TestApp.Demo.office)
            let before = try await Self.counts(t, browser: browser, groupPath: groupPath, apiToken: token)
            #expect(before.values.allSatisfy { $0 > 0 }, "\(before)")
            try await Self.addPeople(4...23, to: group, t)
            let after = try await Self.counts(t, browser: browser, groupPath: groupPath, apiToken: token)
            let grown = before.keys.sorted().filter { after[$0] != before[$0] }.map { "\($0): \(before[$0]!) → \(after[$0] ?? -1)" }
            #expect(grown.isEmpty, "queries grew with the data: \(grown)")
        }
    }
}
