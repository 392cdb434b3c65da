@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Wednesday 25/08/2021 09:00 in Hà Nội (week 2021-W34): the full demo loaded at this instant
/// has ten weeks of history ending with 2021-W33, reported, compiled, approved and concluded.
let snapshotWednesday = letterWednesday.addingTimeInterval(7 * 86_400)

/// The full demo commune as `giaoban demo` loads it (targets, ten weeks of history, two months
/// of cell meetings and monthly reports), at `snapshotWednesday`.
func withDemoHistory(_ body: (TestApp) async throws -> Void) async throws {
    try await withTestApp(at: snapshotWednesday, demo: false) { t in
        try await DemoCommune.loadIfEmpty(t.app)
        try await body(t)
    }
}

extension TestApp {
    func group(_ name: String) async throws -> UUID {
        try #require(try await ReportGroup.query(on: db).filter(\.$name == name).first()).requireID()
    }

    /// The page's HTML as `username` sees it, after checking it answers 200.
    func page(_ path: String, as username: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let browser = browser()
        try await browser.login(username)
        let response = try await browser.get(path)
        #expect(response.status == .ok, "\(path) as \(username)", sourceLocation: sourceLocation)
        return response.body.string
    }
}

/// Snapshots of the main pages for fixed accounts and the demo week 2021-W33: a change to any
/// of them shows up as a reviewable diff of the reference files in `__Snapshots__`.
@Suite("Snapshots of the main pages")
struct PageSnapshotTests {
    static let week = "2021-W33"

    @Test("Home on the plain test demo at Wednesday of 2021-W33: the week, every deadline with time left, the next briefing")
    func homeDeadlines() async throws {
        try await withTestApp { t in
            let html = try await t.page("/", as: TestApp.Demo.ntmAggregator)
            // Wednesday 09:00 → Thursday 20:00 is 1 day 11 hours away.
            #expect(html.contains("còn 1 ngày 11 giờ"))
            assertSnapshot(of: html, named: "home-ntm-aggregator-2021-W33-plain")
        }
    }

    @Test("Home, as a reporter")
    func homeReporter() async throws {
        try await withDemoHistory { t in
            assertSnapshot(of: try await t.page("/", as: TestApp.Demo.reporter), named: "home-reporter")
        }
    }

    @Test("Home, as the office")
    func homeOffice() async throws {
        try await withDemoHistory { t in
            assertSnapshot(of: try await t.page("/", as: TestApp.Demo.office), named: "home-office")
        }
    }

    @Test("The reporter's submitted report of 2021-W33 and the form of the current week")
    func reportForm() async throws {
        try await withDemoHistory { t in
            assertSnapshot(of: try await t.page("/reports/\(Self.week)", as: TestApp.Demo.reporter), named: "report-2021-W33-reporter")
            assertSnapshot(of: try await t.page("/reports/2021-W34", as: TestApp.Demo.reporter), named: "report-2021-W34-reporter")
        }
    }

    @Test("A group's week, as its focal point")
    func groupWeek() async throws {
        try await withDemoHistory { t in
            let government = try await t.group("Khối chính quyền")
            assertSnapshot(of: try await t.page("/groups/\(government)/weeks/\(Self.week)", as: TestApp.Demo.office),
                           named: "group-week-focal-point")
        }
    }

    @Test("A member's report in a group's week, as the focal point")
    func memberReport() async throws {
        try await withDemoHistory { t in
            let government = try await t.group("Khối chính quyền")
            let nam = try await t.person(TestApp.Demo.reporter).requireID()
            assertSnapshot(of: try await t.page("/groups/\(government)/weeks/\(Self.week)/members/\(nam)", as: TestApp.Demo.office),
                           named: "member-report")
        }
    }

    @Test("The ledger of a week, as the office")
    func ledgerWeek() async throws {
        try await withDemoHistory { t in
            assertSnapshot(of: try await t.page("/ledger/weeks/\(Self.week)", as: TestApp.Demo.office), named: "ledger-week")
        }
    }

    @Test("A person's ledger for a year, as the office")
    func ledgerPerson() async throws {
        try await withDemoHistory { t in
            let nam = try await t.person(TestApp.Demo.reporter).requireID()
            assertSnapshot(of: try await t.page("/ledger/people/\(nam)?year=2021", as: TestApp.Demo.office), named: "ledger-person-2021")
        }
    }

    @Test("The briefing of 2021-W33, as the leader")
    func briefing() async throws {
        try await withDemoHistory { t in
            assertSnapshot(of: try await t.page("/briefing/\(Self.week)", as: TestApp.Demo.leader), named: "briefing-leader")
        }
    }

    @Test("The schedule of 2021-W33, as the office")
    func schedule() async throws {
        try await withDemoHistory { t in
            assertSnapshot(of: try await t.page("/schedule/\(Self.week)", as: TestApp.Demo.office), named: "schedule-office")
        }
    }

    @Test("The dashboard, as the leader")
    func dashboard() async throws {
        try await withDemoHistory { t in
            assertSnapshot(of: try await t.page("/dashboard", as: TestApp.Demo.leader), named: "dashboard-leader")
        }
    }

    @Test("The monthly reports list, as the office")
    func monthly() async throws {
        try await withDemoHistory { t in
            assertSnapshot(of: try await t.page("/monthly", as: TestApp.Demo.office), named: "monthly-office")
        }
    }

    @Test("The targets table of 2021, as the office")
    func targets() async throws {
        try await withDemoHistory { t in
            assertSnapshot(of: try await t.page("/targets?year=2021", as: TestApp.Demo.office), named: "targets-2021-office")
        }
    }
}
