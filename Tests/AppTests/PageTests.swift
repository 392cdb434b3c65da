@testable import App
import Fluent
import GiaoBanCore
import Testing
import Vapor
import VaporTesting

@Suite("Every page renders for the roles it is meant for and refuses the others")
struct PageTests {
    static let everyone = [TestApp.Demo.admin, TestApp.Demo.leader, TestApp.Demo.office, TestApp.Demo.reporter, TestApp.Demo.supervisor]
    static let adminPages = ["/admin/units", "/admin/units/new", "/admin/people", "/admin/people/new", "/admin/groups",
                             "/admin/groups/new", "/admin/rooms", "/admin/rooms/new", "/admin/cells", "/admin/cells/new",
                             "/admin/settings"]

    // The home page's week, deadlines with time left and next briefing: the snapshot
    // `PageSnapshotTests.homeDeadlines` (same account, instant and data).

    @Test("The header keeps an unsubmitted report as overdue after Thursday 20:00, and moves on once it is in")
    func headerOverdue() async throws {
        try await withTestApp { t in
            _ = try await addReportFixtures(t)
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            let wednesday = try await browser.get("/").body.string
            #expect(wednesday.contains("<p class=\"next-due\"><span class=\"due-long\">Báo cáo tuần và kế hoạch tuần tới gửi đầu mối: còn 1 ngày 11 giờ</span>"))
            // A phone shows the short form, on one line with the week.
            #expect(wednesday.contains("<span class=\"due-short\" aria-hidden=\"true\">Hạn báo cáo tuần: còn 1 ngày 11 giờ</span>"))
            // Friday 09:00: 13 hours past the deadline, still not submitted.
            t.clock.advance(by: 2 * 86400)
            try await browser.login(TestApp.Demo.reporter)  // the idle session has expired meanwhile
            let friday = try await browser.get("/").body.string
            #expect(friday.contains("class=\"next-due overdue\""))
            #expect(friday.contains("<a href=\"/reports/current\"><span class=\"due-long\">Báo cáo tuần và kế hoạch tuần tới gửi đầu mối — chưa nộp: quá hạn 13 giờ</span>"))
            // Leave covering Thursday excuses the report, as in the ledger.
            let nam = try await t.person(TestApp.Demo.reporter)
            let leave = try LeaveRecord(of: nam, from: try #require(LocalDate(iso: "2021-08-19")),
                                    to: try #require(LocalDate(iso: "2021-08-19")), reason: "Ốm", createdBy: try nam.requireID(), createdAt: Date())
            try await leave.create(on: t.db)
            #expect(!(try await browser.get("/").body.string.contains("overdue")))
            try await leave.delete(on: t.db)
            _ = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: try await t.token(TestApp.Demo.reporter))
            let after = try await browser.get("/").body.string
            #expect(!after.contains("overdue"))
            // Next week's report (Thursday 26/08 20:00) is next: 6 days 11 hours away.
            #expect(after.contains("<p class=\"next-due\"><span class=\"due-long\">Báo cáo tuần và kế hoạch tuần tới gửi đầu mối: còn 6 ngày 11 giờ</span>"))
        }
    }

    @Test("Common pages render for every role", arguments: PageTests.everyone)
    func commonPages(username: String) async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login(username)
            for path in ["/", "/weeks/2021-W33", "/account/password"] {
                let page = try await browser.get(path)
                #expect(page.status == .ok, "\(username) \(path)")
                #expect(page.body.string.contains("<main"), "\(username) \(path)")
            }
            let current = try await browser.get("/weeks/current")
            #expect(current.location == "/weeks/2021-W33")
        }
    }

    @Test("Admin pages render for the admin")
    func adminPagesForAdmin() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login(TestApp.Demo.admin)
            for path in Self.adminPages {
                let page = try await browser.get(path)
                #expect(page.status == .ok, "\(path)")
            }
            let unit = try #require(try await OrgUnit.query(on: t.db).first())
            let person = try await t.person(TestApp.Demo.reporter)
            let group = try #require(try await ReportGroup.query(on: t.db).first())
            let room = try #require(try await Room.query(on: t.db).first())
            let cell = try #require(try await PartyCell.query(on: t.db).first())
            for path in ["/admin/units/\(try unit.requireID())", "/admin/people/\(try person.requireID())",
                         "/admin/groups/\(try group.requireID())", "/admin/rooms/\(try room.requireID())",
                         "/admin/cells/\(try cell.requireID())"] {
                let page = try await browser.get(path)
                #expect(page.status == .ok, "\(path)")
            }
            #expect(try await browser.get("/admin/people/\(UUID())").status == .notFound)
            #expect(try await browser.get("/admin/people/not-a-uuid").status == .notFound)
        }
    }

    @Test("Admin pages refuse everyone else", arguments: [TestApp.Demo.leader, TestApp.Demo.office, TestApp.Demo.reporter])
    func adminPagesRefused(username: String) async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login(username)
            for path in Self.adminPages {
                let page = try await browser.get(path)
                #expect(page.status == .forbidden, "\(username) \(path)")
                #expect(page.body.string.contains("Bạn không có quyền"))
            }
            let post = try await browser.post("/admin/units", [("name", "Ban X"), ("kind", "field")])
            #expect(post.status == .forbidden)
        }
    }

    @Test("Signed-out visitors are sent to the login page")
    func anonymous() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            for path in ["/", "/weeks/2021-W33", "/account/password"] + Self.adminPages {
                let page = try await browser.get(path)
                #expect(page.status == .seeOther, "\(path)")
                #expect(page.location?.hasPrefix("/login?next=") == true)
            }
            let login = try await browser.get("/login")
            #expect(login.status == .ok)
            #expect(login.body.string.contains("Đăng nhập"))
            #expect(browser.cookie(CSRFMiddleware.cookieName) != nil)
        }
    }

    @Test("A malformed or non-existent week is a 404 page, not a 500")
    func badWeeks() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            for id in ["2021-W53", "2021-W00", "abc", "2021-W3", "9999999-W01"] {
                #expect(try await browser.get("/weeks/\(id)").status == .notFound, "\(id)")
            }
            #expect(try await browser.get("/weeks/2020-W53").status == .ok)
        }
    }

    @Test("The UI is Vietnamese only: no language switch, and an old language cookie changes nothing")
    func vietnameseOnly() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            #expect(try await browser.get("/lang/en?next=%2F").status == .notFound)
            let plain = try await browser.get("/")
            browser.setCookie("giaoban_lang", "en")
            let withCookie = try await browser.get("/")
            for page in [plain, withCookie] {
                let html = page.body.string
                #expect(html.contains("<html lang=\"vi\">"))
                #expect(html.contains(Strings.vietnamese["home_deadlines"]!))
                #expect(!html.contains("/lang/"))
            }
        }
    }

    @Test("Over real HTTP, pages and files are gzip-compressed when the client asks, and files are cached")
    func compressionOverHTTP() async throws {
        try await withTestApp { t in
            // In-memory testing skips the HTTP server's pipeline, where compression happens.
            let live = try t.app.testing(method: .running(hostname: "127.0.0.1", port: 0))
            let gzip: HTTPHeaders = ["Accept-Encoding": "gzip"]
            let plain = try await live.sendRequest(.GET, "/login")
            #expect(plain.status == .ok)
            #expect(plain.headers.first(name: .contentEncoding) == nil)
            let compressed = try await live.sendRequest(.GET, "/login", headers: gzip)
            #expect(compressed.status == .ok)
            #expect(compressed.headers.first(name: .contentEncoding) == "gzip")
            #expect(compressed.body.readableBytes < plain.body.readableBytes)
            #expect(compressed.headers.first(name: .cacheControl) == "no-store")
            let css = try await live.sendRequest(.GET, "/css/app.css", headers: gzip)
            #expect(css.status == .ok)
            #expect(css.headers.first(name: .contentEncoding) == "gzip")
            let plainCSS = try await live.sendRequest(.GET, "/css/app.css")
            #expect(css.body.readableBytes * 3 < plainCSS.body.readableBytes)
            #expect(css.headers.first(name: .cacheControl) == "public, max-age=86400")
            let token = try await t.token(TestApp.Demo.office)
            let api = try await live.sendRequest(.GET, "/api/v1/ledger/2021-W32",
                                                 headers: ["Accept-Encoding": "gzip", "Authorization": "Bearer \(token)"])
            #expect(api.status == .ok)
            #expect(api.headers.first(name: .contentEncoding) == "gzip")
            // Bodies are not inflated: a compressed one is unreadable JSON, a 4xx with a JSON error.
            var body = ByteBuffer()
            body.writeBytes([0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xAB, 0xAE, 0x05, 0x00])
            let compressedBody = try await live.sendRequest(.PUT, "/api/v1/reports/2021-W33",
                                                            headers: ["Content-Encoding": "gzip", "Content-Type": "application/json",
                                                                      "Authorization": "Bearer \(token)"], body: body)
            #expect((400..<500).contains(compressedBody.status.code))
            #expect(compressedBody.body.string.contains("\"error\""))
        }
    }

    @Test("Text typed by users is escaped in pages")
    func escaping() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login(TestApp.Demo.admin)
            let created = try await browser.post("/admin/units", [("name", "<script>alert(1)</script>"), ("kind", "field")])
            #expect(created.status == .seeOther)
            let page = try await browser.get("/admin/units")
            #expect(!page.body.string.contains("<script>alert(1)</script>"))
            #expect(page.body.string.contains("&lt;script&gt;"))
        }
    }

    @Test("Health check and OpenAPI file")
    func healthAndSpec() async throws {
        try await withTestApp { t in
            let health = try await t.app.testing().sendRequest(.GET, "/healthz")
            #expect(health.status == .ok)
            #expect(health.body.string == "ok")
            let spec = try await t.app.testing().sendRequest(.GET, "/api/openapi.yaml")
            #expect(spec.status == .ok)
            #expect(spec.body.string.hasPrefix("openapi: 3.1"))
            #expect(spec.body.string.contains("/api/v1/weeks/{weekId}"))
            let css = try await t.app.testing().sendRequest(.GET, "/css/app.css")
            #expect(css.status == .ok)
        }
    }
}

@Suite("The OpenAPI file describes every API route")
struct OpenAPICoverageTests {
    @Test("Each /api/v1 route and method appears in Resources/openapi.yaml")
    func everyRouteDocumented() async throws {
        try await withTestApp(demo: false) { t in
            let spec = try String(contentsOfFile: t.app.directory.resourcesDirectory + "openapi.yaml", encoding: .utf8)
            let lines = spec.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for route in t.app.routes.all {
                let parts = route.path.map { component -> String in
                    switch component {
                    case .constant(let value): return value
                    case .parameter(let name): return "{\(name == "weekID" ? "weekId" : name)}"
                    case .anything: return "*"
                    case .catchall: return "**"
                    }
                }
                guard parts.first == "api", parts.count > 2, !parts.contains("**") else { continue }
                let path = "/" + parts.joined(separator: "/")
                guard let start = lines.firstIndex(of: "  \(path):") else {
                    Issue.record("\(route.method) \(path) is not in the OpenAPI file")
                    continue
                }
                let block = lines[(start + 1)...].prefix { $0.hasPrefix("    ") || $0.isEmpty }
                #expect(block.contains("    \(route.method.rawValue.lowercased()):"), "\(route.method) \(path) is not described")
            }
        }
    }
}
