@testable import App
import Fluent
import Foundation
import GiaoBanCore
import Testing
import Vapor
import VaporTesting

/// Half a minute into Wednesday 09:00 of the letter's week: not a whole-minute instant, so pages
/// are cached (on a whole minute they are not, see `PageCache`).
private let midMinute = letterWednesday.addingTimeInterval(30)

@Suite("Page cache: answers kept per commune data version and minute, never stale, never someone else's")
struct PageCacheTests {
    static func nam(_ rows: [LedgerRowDTO], _ t: TestApp) async throws -> String? {
        let nam = try await t.person(TestApp.Demo.reporter)
        return rows.first { $0.personId == nam.id }?.status
    }

    @Test("A repeated page costs no query beyond the session's; another person gets their own copy")
    func repeatedPage() async throws {
        try await withTestApp(at: midMinute, configure: { $0.exposeQueryCount = true }) { t in
            let office = t.browser()
            try await office.login(TestApp.Demo.office)
            let first = try await office.get("/ledger/weeks/2021-W33")
            #expect(first.status == .ok)
            #expect((Int(first.headers.first(name: "X-Query-Count") ?? "") ?? 0) > 0)
            let hitsBefore = t.app.pageCache.statistics.hits
            let second = try await office.get("/ledger/weeks/2021-W33")
            #expect(second.status == .ok)
            #expect(second.body.string == first.body.string)
            #expect(second.headers.first(name: "X-Query-Count") == "0", "only the session read, which is plain SQL")
            #expect(second.headers.contentType == .html)
            #expect(second.headers.first(name: "Content-Security-Policy") != nil, "security headers are added to cached answers too")
            #expect(t.app.pageCache.statistics.hits == hitsBefore + 1)

            let leader = t.browser()
            try await leader.login(TestApp.Demo.leader)
            let theirs = try await leader.get("/ledger/weeks/2021-W33").body.string
            #expect(theirs.contains("<span class=\"user\">Nguyễn Văn Bình"))
            #expect(first.body.string.contains("<span class=\"user\">Phan Thị Ngọc Ánh"))
            #expect(Self.formToken(theirs) != nil && Self.formToken(theirs) != Self.formToken(first.body.string),
                    "each page carries its own session's form token")

            // The API keys on the token the same way.
            let token = try await t.token(TestApp.Demo.office)
            let api1 = try await t.api(.GET, "/api/v1/ledger/2021-W33", token: token)
            let api2 = try await t.api(.GET, "/api/v1/ledger/2021-W33", token: token)
            #expect(api2.headers.first(name: "X-Query-Count") == "0")
            #expect(api1.body.string == api2.body.string)
            #expect(api2.headers.contentType == .json)
        }
    }

    @Test("A submission through one server shows at once on that server and on another one sharing the database")
    func changesShowAtOnceEverywhere() async throws {
        try await withTestApp(at: midMinute, sharedDatabase: true) { t in
            try await t.withSecondServer { second in
                let office = try await t.token(TestApp.Demo.office)
                let ledger = { try await t.api(.GET, "/api/v1/ledger/2021-W33", token: office).content.decode(LedgerWeekDTO.self) }
                #expect(try await Self.nam(try await ledger().rows, t) == "not_due")
                #expect(try await Self.nam(try await ledger().rows, t) == "not_due")
                #expect(t.app.pageCache.statistics.hits >= 1)

                // Nam submits on the other server.
                let token = try await t.token(TestApp.Demo.reporter)
                let submitted = try await second.testing().sendRequest(.POST, "/api/v1/reports/2021-W33/submit", beforeRequest: { req in
                    req.headers.bearerAuthorization = .init(token: token)
                })
                #expect(submitted.status == .ok)
                #expect(try await Self.nam(try await ledger().rows, t) == "on_time")

                // The server that took the change answers with it as well.
                let page = { try await second.testing().sendRequest(.GET, "/api/v1/ledger/2021-W33", beforeRequest: { req in
                    req.headers.bearerAuthorization = .init(token: office)
                }).content.decode(LedgerWeekDTO.self) }
                #expect(try await Self.nam(try await page().rows, t) == "on_time")
                let version = try await DataVersion.current(communeID: try await t.person(TestApp.Demo.office).communeID, on: t.db)
                #expect(version == 1, "the one write moved the commune on once")
            }
        }
    }

    static func formToken(_ html: String) -> Substring? {
        guard let start = html.range(of: "name=\"_csrf\" value=\"") else { return nil }
        return html[start.upperBound...].prefix { $0 != "\"" }
    }

    @Test("Autosaved typing changes only its author's pages; the first autosave, which creates the report, changes the commune's")
    func autosaveIsPersonal() async throws {
        try await withTestApp(at: midMinute) { t in
            let communeID = try await t.person(TestApp.Demo.reporter).communeID
            let nam = t.browser()
            try await nam.login(TestApp.Demo.reporter)
            let office = t.browser()
            try await office.login(TestApp.Demo.office)
            let type = { (text: String) in
                try await nam.post("/reports/2021-W33/autosave", [("work[0][description]", text), ("work[0][quantity]", ""), ("work[0][unit]", "")])
            }
            #expect(try await type("Bản nháp đầu").status == .ok)
            let afterFirst = try await DataVersion.current(communeID: communeID, on: t.db)
            #expect(afterFirst == 1, "the first autosave created the report")

            #expect(try await nam.get("/reports/2021-W33").body.string.contains("value=\"Bản nháp đầu\""))
            let ledger = try await office.get("/ledger/weeks/2021-W33").body.string
            #expect(try await type("Đang gõ tiếp").status == .ok)
            #expect(try await DataVersion.current(communeID: communeID, on: t.db) == afterFirst, "the commune did not move")
            #expect(try await nam.get("/reports/2021-W33").body.string.contains("value=\"Đang gõ tiếp\""),
                    "the author's form shows the latest typing at once")
            let hits = t.app.pageCache.statistics.hits
            #expect(try await office.get("/ledger/weeks/2021-W33").body.string == ledger)
            #expect(t.app.pageCache.statistics.hits == hits + 1, "the colleague's page was kept")
        }
    }

    @Test("Countdowns move with the minute; the deadline instant itself is never kept")
    func minutes() async throws {
        // Thursday 19/08 19:58:30 in Hà Nội: a minute and a half before the weekly report's deadline.
        try await withTestApp(at: W33.at(19, 19, 58).addingTimeInterval(30)) { t in
            let nam = t.browser()
            try await nam.login(TestApp.Demo.reporter)
            let header = "Báo cáo tuần và kế hoạch tuần tới gửi đầu mối"
            #expect(try await nam.get("/").body.string.contains("\(header): còn 1 phút"))
            #expect(try await nam.get("/").body.string.contains("\(header): còn 1 phút"))
            t.clock.advance(by: 60)
            #expect(try await nam.get("/").body.string.contains("\(header): còn dưới 1 phút"))
            // 20:00:00 exactly is still in time; half a second later the report is overdue.
            t.clock.set(W33.at(19, 20))
            let kept = t.app.pageCache.statistics
            #expect(try await nam.get("/").body.string.contains("\(header): còn dưới 1 phút"))
            #expect(t.app.pageCache.statistics.hits == kept.hits, "a whole-minute instant is not answered from the cache")
            t.clock.advance(by: 0.5)
            #expect(try await nam.get("/").body.string.contains("\(header) — chưa nộp: quá hạn dưới 1 phút"))
        }
    }

    @Test("Reminders written by the background job show in the header at once")
    func backgroundWrites() async throws {
        let afternoon = W33.at(18, 15).addingTimeInterval(30)
        try await withTestApp(at: afternoon) { t in
            let nam = t.browser()
            try await nam.login(TestApp.Demo.reporter)
            let before = try await nam.get("/").body.string
            #expect(!before.contains("<span class=\"count\">"))
            #expect(try await nam.get("/").body.string == before)
            let result = try await ReminderService.tick(app: t.app, now: afternoon, instance: "test")
            #expect(result.planned > 0)
            #expect(try await nam.get("/").body.string.contains("<span class=\"count\">1</span>"))
        }
    }

    @Test("An admin's change to a person takes effect on that person's next request")
    func signedInContextFollowsChanges() async throws {
        try await withTestApp(at: midMinute) { t in
            let nam = t.browser()
            try await nam.login(TestApp.Demo.reporter)
            #expect(try await nam.get("/reports/2021-W33").status == .ok)
            #expect(try await nam.get("/ledger/weeks/2021-W33").status == .forbidden)
            let person = try await t.person(TestApp.Demo.reporter)
            let admin = try await t.token(TestApp.Demo.admin)
            let promoted = try await t.api(.PATCH, "/api/v1/people/\(try person.requireID())", token: admin,
                                           json: ["roles": ["reporter", "office"]])
            #expect(promoted.status == .ok, "\(promoted.body.string)")
            #expect(try await nam.get("/ledger/weeks/2021-W33").status == .ok)
            let deactivated = try await t.api(.PATCH, "/api/v1/people/\(try person.requireID())", token: admin, json: ["active": false])
            #expect(deactivated.status == .ok, "\(deactivated.body.string)")
            let after = try await nam.get("/reports/2021-W33")
            #expect(after.status != .ok, "a deactivated person is signed out at once")
        }
    }

    @Test("A page that prints absolute addresses is kept per host it was asked through")
    func perHost() async throws {
        try await withTestApp(at: midMinute) { t in
            let nam = t.browser()
            try await nam.login(TestApp.Demo.reporter)
            let session = try #require(nam.cookie(SessionAuthMiddleware.cookieName))
            func calendar(_ host: String, _ scheme: String) async throws -> String {
                try await t.app.testing().sendRequest(.GET, "/calendar", beforeRequest: { req in
                    req.headers.replaceOrAdd(name: .cookie, value: "\(SessionAuthMiddleware.cookieName)=\(session)")
                    req.headers.replaceOrAdd(name: .host, value: host)
                    req.headers.replaceOrAdd(name: "X-Forwarded-Proto", value: scheme)
                }).body.string
            }
            #expect(try await calendar("10.0.0.5:8080", "http").contains("http://10.0.0.5:8080/calendar/"))
            #expect(try await calendar("giaoban.xa.gov.vn", "https").contains("https://giaoban.xa.gov.vn/calendar/"))
            #expect(try await calendar("10.0.0.5:8080", "http").contains("http://10.0.0.5:8080/calendar/"))
        }
    }

    @Test("Roll-ups and the audit trail are read fresh every time")
    func uncachedPages() async throws {
        try await withTestApp(at: midMinute, configure: { $0.exposeQueryCount = true }) { t in
            let admin = t.browser()
            try await admin.login(TestApp.Demo.admin)
            _ = try await admin.get("/audit")
            let again = try await admin.get("/audit")
            #expect(again.status == .ok)
            #expect((Int(again.headers.first(name: "X-Query-Count") ?? "") ?? 0) > 0)
        }
    }

    @Test("Requests for a page that is being built wait for it instead of building it again")
    func singleFlight() async throws {
        let cache = PageCache()
        let commune = UUID()
        let generation = try #require(PageCache.Generation(version: 3, at: Date(timeIntervalSince1970: 1_629_252_030)))
        guard case .build = await cache.lookup(communeID: commune, generation: generation, key: "k") else {
            Issue.record("the first request builds the page")
            return
        }
        async let waiting = cache.lookup(communeID: commune, generation: generation, key: "k")
        while cache.statistics.misses < 2 { await Task.yield() }
        let entry = PageCache.Entry(status: .ok, headers: ["Content-Type": "text/html"], body: ByteBuffer(string: "<p>trang</p>"))
        cache.finish(communeID: commune, generation: generation, key: "k", entry: entry)
        guard case .shared(let shared) = await waiting else {
            Issue.record("the second request waited for the first")
            return
        }
        #expect(shared?.body == entry.body)
        guard case .hit = await cache.lookup(communeID: commune, generation: generation, key: "k") else {
            Issue.record("the built page is kept")
            return
        }
        // A build that failed hands nothing on: the waiting request builds the page itself.
        guard case .build = await cache.lookup(communeID: commune, generation: generation, key: "other") else {
            Issue.record("a new page is built")
            return
        }
        async let second = cache.lookup(communeID: commune, generation: generation, key: "other")
        while cache.statistics.misses < 4 { await Task.yield() }
        cache.finish(communeID: commune, generation: generation, key: "other", entry: nil)
        guard case .shared(nil) = await second else {
            Issue.record("nothing is shared from a failed build")
            return
        }
    }

    @Test("A burst of requests for a page not yet kept builds it once")
    func burst() async throws {
        try await withTestApp(at: midMinute, configure: { $0.exposeQueryCount = true }) { t in
            let token = try await t.token(TestApp.Demo.office)
            // The signed-in context first, so that only building the answer costs queries.
            #expect(try await t.api(.GET, "/api/v1/weeks/current", token: token).status == .ok)
            let responses = try await withThrowingTaskGroup(of: TestingHTTPResponse.self) { group in
                for _ in 0..<8 { group.addTask { try await t.api(.GET, "/api/v1/ledger/2021-W33", token: token) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.allSatisfy { $0.status == .ok })
            #expect(Set(responses.map(\.body.string)).count == 1)
            let built = responses.filter { (Int($0.headers.first(name: "X-Query-Count") ?? "") ?? 0) > 0 }
            #expect(built.count == 1, "one request built the answer; the others took it")
        }
    }

    @Test("The cache keeps one generation per commune and stays within its byte budget")
    func budget() {
        let cache = PageCache(budgetBytes: 10_000, largestEntryBytes: 4_000)
        let commune = UUID(), other = UUID()
        let now = Date(timeIntervalSince1970: 1_629_252_030)
        let v1 = try! #require(PageCache.Generation(version: 1, at: now))
        let v2 = try! #require(PageCache.Generation(version: 2, at: now))
        #expect(PageCache.Generation(version: 1, at: Date(timeIntervalSince1970: 1_629_252_000)) == nil)
        func entry(_ size: Int) -> PageCache.Entry {
            .init(status: .ok, headers: [:], body: ByteBuffer(repeating: 0x61, count: size))
        }
        cache.store(entry(3_000), communeID: commune, generation: v1, key: "a")
        #expect(cache.peek(communeID: commune, generation: v1, key: "a") != nil)
        #expect(cache.peek(communeID: commune, generation: v2, key: "a") == nil, "a newer version is not answered from an older one")
        cache.store(entry(3_000), communeID: commune, generation: v2, key: "b")
        #expect(cache.peek(communeID: commune, generation: v1, key: "a") == nil, "the older generation is gone")
        cache.store(entry(3_000), communeID: commune, generation: v1, key: "late")
        #expect(cache.peek(communeID: commune, generation: v1, key: "late") == nil, "a late answer for an older version is not kept")
        cache.store(entry(5_000), communeID: other, generation: v1, key: "big")
        #expect(cache.peek(communeID: other, generation: v1, key: "big") == nil, "larger than an entry may be")
        for index in 0..<10 { cache.store(entry(3_000), communeID: other, generation: v1, key: "k\(index)") }
        #expect(cache.statistics.bytes <= 10_000)
        cache.forget(communeID: other)
        cache.forget(communeID: commune)
        #expect(cache.statistics.bytes == 0)
    }
}
