@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

extension TestApp {
    /// The model the page at `path` is rendered from, as `username` sees it (JSON; see `PageModel`).
    func pageModel(_ path: String, as username: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let browser = browser()
        try await browser.login(username)
        let response = try await browser.get(path, headers: [PageModel.header: "1"])
        #expect(response.status == .ok, "\(path) as \(username)", sourceLocation: sourceLocation)
        #expect(response.headers.contentType == .json, "\(path) answered its model", sourceLocation: sourceLocation)
        return response.body.string
    }
}

/// Snapshots of the models the main pages are rendered from (`Page<View>`: the layout's chrome and
/// the page's own values), on the full demo at `snapshotWednesday`: what each page shows, apart
/// from its template. One demo load serves them all.
@Suite("Snapshots of the main pages' models")
struct PageModelSnapshotTests {
    static let week = PageSnapshotTests.week

    @Test("Home, report form, group week, member report, ledger week, briefing, schedule: each page's model")
    func mainPages() async throws {
        try await withDemoHistory { t in
            let government = try await t.group("Khối chính quyền")
            let nam = try await t.person(TestApp.Demo.reporter).requireID()
            let pages: [(name: String, path: String, user: String)] = [
                ("home-reporter", "/", TestApp.Demo.reporter),
                ("home-office", "/", TestApp.Demo.office),
                ("report-2021-W33-reporter", "/reports/\(Self.week)", TestApp.Demo.reporter),
                ("report-2021-W34-reporter", "/reports/2021-W34", TestApp.Demo.reporter),
                ("report-on-behalf-office", "/reports/2021-W34?personId=\(nam)", TestApp.Demo.office),
                ("group-week-focal-point", "/groups/\(government)/weeks/\(Self.week)", TestApp.Demo.office),
                ("member-report", "/groups/\(government)/weeks/\(Self.week)/members/\(nam)", TestApp.Demo.office),
                ("ledger-week", "/ledger/weeks/\(Self.week)", TestApp.Demo.office),
                ("ledger-summary-2021", "/ledger/summary?year=2021", TestApp.Demo.office),
                ("briefing-leader", "/briefing/\(Self.week)", TestApp.Demo.leader),
                ("schedule-office", "/schedule/\(Self.week)", TestApp.Demo.office),
                ("week-2021-W34", "/weeks/2021-W34", TestApp.Demo.reporter),
            ]
            for page in pages {
                assertSnapshot(of: try await t.pageModel(page.path, as: page.user), named: page.name, as: .json)
            }
        }
    }

    @Test("Without the header a page answers its HTML; outside the testing environment the header is ignored")
    func htmlByDefault() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            let response = try await browser.get("/")
            #expect(response.headers.contentType == .html)
            #expect(response.body.string.contains("<html"))
        }
        let asked: HTTPHeaders = [PageModel.header: "1"]
        #expect(PageModel.isAsked(environment: .testing, headers: asked))
        #expect(!PageModel.isAsked(environment: .testing, headers: [:]))
        for environment in [Environment.production, .development, .custom(name: "staging")] {
            #expect(!PageModel.isAsked(environment: environment, headers: asked), "\(environment.name)")
        }
    }
}
