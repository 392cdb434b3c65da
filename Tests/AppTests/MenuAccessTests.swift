@testable import App
import Fluent
import Foundation
import GiaoBanCore
import Testing
import Vapor
import VaporTesting

/// The menu shows a link iff `AccessPolicy` allows the action that link's page checks: for each
/// kind of person, every link of their menu opens (never a 403), and the pages they may not open
/// are not offered.
@Suite("Menu: every link opens for the person it is shown to")
struct MenuAccessTests {
    /// The links of the signed-in menu (main and admin) on a page everyone opens.
    static func menuLinks(_ browser: Browser) async throws -> [String] {
        let page = try await browser.get("/notifications")
        #expect(page.status == .ok)
        let html = page.body.string
        guard let start = html.range(of: "<details class=\"menu\""), let end = html.range(of: "</details>", range: start.upperBound..<html.endIndex)
        else { Issue.record("no menu"); return [] }
        let menu = html[start.upperBound..<end.lowerBound]
        return menu.components(separatedBy: "href=\"").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
    }

    /// The status a link finally answers, following the redirects a browser would (e.g. `…/current`).
    static func finalStatus(_ browser: Browser, _ path: String) async throws -> HTTPResponseStatus {
        var path = path
        for _ in 0..<4 {
            let response = try await browser.get(path)
            guard [.seeOther, .found, .movedPermanently, .temporaryRedirect].contains(response.status),
                  let location = response.headers.first(name: .location) else { return response.status }
            path = location
        }
        return .loopDetected
    }

    @Test("Reporter, focal point, cell supervisor, approver, office, leader, admin and a regional-only account")
    func everyLinkOpens() async throws {
        try await withTestApp { t in
            let nam = try await t.person(TestApp.Demo.reporter)
            let province = Person(communeID: nam.communeID, fullName: "Cán bộ tỉnh", username: "ctinh",
                                  passwordHash: try await t.app.password.async.hash(DemoCommune.password), roles: [.regional])
            try await province.save(on: t.db)
            let people = [TestApp.Demo.reporter, TestApp.Demo.ntmAggregator, TestApp.Demo.supervisor, TestApp.Demo.approver,
                          TestApp.Demo.office, TestApp.Demo.leader, TestApp.Demo.admin, "ctinh"]
            var menus: [String: [String]] = [:]
            for username in people {
                let browser = t.browser()
                try await browser.login(username)
                let links = try await Self.menuLinks(browser)
                #expect(!links.isEmpty, "\(username)")
                menus[username] = links
                for link in links where link != "/logout" {
                    let status = try await Self.finalStatus(browser, link)
                    #expect(status == .ok, "\(username): \(link) answered \(status)")
                }
            }
            // And the menu hides what the person may not open.
            #expect(menus[TestApp.Demo.reporter]?.contains("/groups") == false)
            #expect(menus[TestApp.Demo.reporter]?.contains("/cells") == false)
            #expect(menus[TestApp.Demo.reporter]?.contains("/ledger/weeks/current") == false)
            #expect(menus[TestApp.Demo.ntmAggregator]?.contains("/groups") == true)
            #expect(menus[TestApp.Demo.ntmAggregator]?.contains("/ledger/weeks/current") == true)
            #expect(menus[TestApp.Demo.supervisor]?.contains("/cells") == true)
            #expect(menus[TestApp.Demo.approver]?.contains("/groups") == true)
            #expect(menus[TestApp.Demo.admin]?.contains("/admin/people") == true)
            #expect(menus[TestApp.Demo.leader]?.contains("/admin/people") == false)
            #expect(menus["ctinh"]?.contains("/rollups") == true)
            for link in ["/groups", "/cells", "/monthly", "/dashboard", "/ledger/weeks/current"] {
                #expect(menus["ctinh"]?.contains(link) == false, "regional-only: \(link)")
            }
            // A refused page is refused in the same words as the menu: the reporter's /groups is 403.
            let reporter = t.browser()
            try await reporter.login(TestApp.Demo.reporter)
            #expect(try await reporter.get("/groups").status == .forbidden)
        }
    }
}
