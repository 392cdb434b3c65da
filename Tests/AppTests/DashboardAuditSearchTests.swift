@testable import App
import Fluent
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GiaoBanCore
import Testing
import Vapor
import VaporTesting

@Suite("Dashboard, audit trail and search")
struct DashboardAuditSearchTests {
    @Test("The dashboard draws its charts as SVG with the numbers beside them, for leaders and the office only")
    func dashboard() async throws {
        try await withTestApp { t in
            let fixtures = try await addReportFixtures(t)
            let nam = try await t.token(TestApp.Demo.reporter)
            var body = ReportBody()
            body.targets = [.init(targetId: try fixtures.count.requireID(), value: "45", completed: true)]
            _ = try await t.api(.PUT, "/api/v1/reports/2021-W33", token: nam, json: body)
            _ = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: nam)
            let browser = t.browser()
            try await browser.login(TestApp.Demo.leader)
            // Before Thursday 20:00 nothing is overdue: nobody counts as missing yet.
            let early = try await browser.get("/dashboard")
            #expect(early.body.string.contains("<p id=\"missing-note\">Chưa đến hạn nộp"))
            #expect(!(try #require(early.body.string.components(separatedBy: "id=\"missing-title\"").last?
                .components(separatedBy: "</section>").first).contains("Thái Doãn Hùng")))
            t.clock.set(t.clock.now().addingTimeInterval(2 * 86400))
            try await browser.login(TestApp.Demo.leader) // the session idled out over two days
            let page = try await browser.get("/dashboard")
            #expect(page.status == .ok)
            let html = page.body.string
            // Three kinds of chart, inline, accessible, with no script.
            #expect(html.components(separatedBy: "<svg").count - 1 >= 3)
            #expect(html.contains("role=\"img\""))
            // The charts' titles: the snapshot `PageSnapshotTests.dashboard`.
            #expect(!html.contains("&lt;svg"), "the SVG is markup, not escaped text")
            // The numbers behind: XH04 45 of 150 = 30%, against 33/52 of the year (63,5%).
            let xh04 = try #require(html.components(separatedBy: "<td>XH04</td>").dropFirst().first?.components(separatedBy: "</tr>").first)
            #expect(xh04.contains("<td>45</td><td>150</td><td>30%</td>"))
            #expect(xh04.contains("chậm"), "behind the straight-line share")
            #expect(html.contains("63,5%"))
            #expect(html.contains("XH04"))
            // This week's missing reports: Nam is in, Thái Doãn Hùng is not.
            let missingSection = try #require(html.components(separatedBy: "id=\"missing-title\"").last?.components(separatedBy: "</section>").first)
            #expect(missingSection.contains("Thái Doãn Hùng"))
            #expect(!missingSection.contains("Hồ Sỹ Nam"))
            // The total counts each overdue person once, though the table lists them per group.
            let ledger = try await t.api(.GET, "/api/v1/ledger/2021-W33", token: try await t.token(TestApp.Demo.office))
            let overdue = try ledger.content.decode(LedgerWeekDTO.self).rows.filter { $0.status == "missing" }
            #expect(overdue.contains { $0.groupIds.count > 1 })
            #expect(missingSection.contains("Toàn xã: \(overdue.count) người chưa nộp"))
            #expect(page.body.readableBytes < 100 * 1024)
            for svg in html.components(separatedBy: "<svg").dropFirst() {
                let markup = "<svg" + (svg.components(separatedBy: "</svg>").first ?? "") + "</svg>"
                let parser = XMLParser(data: Data(markup.utf8))
                #expect(parser.parse(), "each chart is well-formed XML")
            }
            let reporter = t.browser()
            try await reporter.login(TestApp.Demo.reporter)
            #expect(try await reporter.get("/dashboard").status == .forbidden)
        }
    }

    @Test("The audit trail: every kind of change, filtered by person, week and kind; office, leaders and admin only")
    func audit() async throws {
        try await withTestApp { t in
            let fixtures = try await addReportFixtures(t)
            let nam = try await t.token(TestApp.Demo.reporter)
            var body = ReportBody()
            body.targets = [.init(targetId: try fixtures.count.requireID(), value: "12", completed: true)]
            _ = try await t.api(.PUT, "/api/v1/reports/2021-W33", token: nam, json: body)
            _ = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: nam)
            body.targets = [.init(targetId: try fixtures.count.requireID(), value: "13", completed: true)]
            _ = try await t.api(.PUT, "/api/v1/reports/2021-W33", token: nam, json: body)
            // An account change by the admin.
            let admin = try await t.token(TestApp.Demo.admin)
            let namPerson = try await t.person(TestApp.Demo.reporter)
            struct Rename: Content { var position: String; var password: String }
            #expect(try await t.api(.PATCH, "/api/v1/people/\(try namPerson.requireID())", token: admin,
                                    json: Rename(position: "Công chức Văn hóa - Xã hội (phụ trách thông tin)", password: "matkhaumoi2021")).status == .ok)

            let office = try await t.token(TestApp.Demo.office)
            let all = try await t.api(.GET, "/api/v1/audit", token: office)
            #expect(all.status == .ok)
            let items = try all.content.decode(ListDTO<AuditEntryDTO>.self).items
            #expect(Set(items.map(\.kind)).isSuperset(of: ["report", "account"]))
            let account = try #require(items.first { $0.kind == "account" })
            #expect(account.actorName == "Quản trị hệ thống")
            guard case .object(let after)? = account.after else { Issue.record("the after snapshot is a JSON object"); return }
            #expect(after["position"] == .string("Công chức Văn hóa - Xã hội (phụ trách thông tin)"))
            #expect(after["passwordChanged"] == .bool(true))
            #expect(!all.body.string.contains("matkhaumoi2021"), "never the password")
            #expect(!all.body.string.contains("$2b$"), "never its hash")

            let mine = try await t.api(.GET, "/api/v1/audit?personId=\(try namPerson.requireID())&week=2021-W33&kind=report", token: office)
            let reportItems = try mine.content.decode(ListDTO<AuditEntryDTO>.self).items
            #expect(!reportItems.isEmpty && reportItems.allSatisfy { $0.kind == "report" && $0.week == "2021-W33" })
            #expect(reportItems.contains { $0.action == "update_after_submit" && $0.before != nil && $0.after != nil })
            #expect(try await t.api(.GET, "/api/v1/audit?limit=1", token: office).content.decode(ListDTO<AuditEntryDTO>.self).items.count == 1)
            #expect(try await t.api(.GET, "/api/v1/audit?week=W33", token: office).status == .badRequest)
            #expect(try await t.api(.GET, "/api/v1/audit?personId=nobody", token: office).status == .badRequest)
            #expect(try await t.api(.GET, "/api/v1/audit", token: nam).status == .forbidden)
            #expect(try await t.api(.GET, "/api/v1/audit", token: try await t.token(TestApp.Demo.leader)).status == .ok)
            // Nothing in the product changes or removes entries.
            #expect(try await t.api(.DELETE, "/api/v1/audit", token: admin).status == .notFound)

            let browser = t.browser()
            try await browser.login(TestApp.Demo.office)
            let page = try await browser.get("/audit?kind=account")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Công chức Văn hóa - Xã hội (phụ trách thông tin)"))
            #expect(page.body.string.contains("<td>Tài khoản</td><td>Sửa</td>"), "kinds and actions in Vietnamese, not codes")
            #expect(try await browser.get("/audit?week=bad").status == .badRequest)
            #expect(try await browser.get("/audit?page=0").status == .badRequest)

            // 120 more entries: the page shows 50, newest first, with the filters kept in its links.
            let officePerson = try await t.person(TestApp.Demo.office)
            for index in 0..<120 {
                try await AuditTrail.record(on: t.db, communeID: officePerson.communeID, actorID: try officePerson.requireID(),
                                            at: t.clock.now().addingTimeInterval(Double(index + 1)), kind: "schedule", action: "update",
                                            subjectID: UUID(), weekID: "2021-W34", before: String?.none, after: ["n": index])
            }
            func rows(_ html: String) -> [String] {
                (html.components(separatedBy: "<tbody>").dropFirst().first?.components(separatedBy: "</tbody>").first ?? "")
                    .components(separatedBy: "<tr>").dropFirst().map { $0 }
            }
            let first = try await browser.get("/audit?kind=schedule&week=2021-W34")
            let firstRows = rows(first.body.string)
            #expect(firstRows.count == 50)
            #expect(firstRows.first?.contains("&quot;n&quot; : 119") == true, "newest first")
            #expect(first.body.string.contains("href=\"/audit?week=2021-W34&amp;kind=schedule&amp;page=2\""), "filters kept")
            #expect(first.body.readableBytes < 100 * 1024)
            let third = try await browser.get("/audit?kind=schedule&week=2021-W34&page=3")
            let thirdRows = rows(third.body.string)
            #expect(thirdRows.count == 20)
            #expect(thirdRows.last?.contains("&quot;n&quot; : 0") == true)
            #expect(!third.body.string.contains("rel=\"next\""))
            #expect(third.body.string.contains("page=2\" rel=\"prev\""))
            #expect(rows(try await browser.get("/audit?kind=schedule&week=2021-W34&page=9").body.string).isEmpty)
        }
    }

    @Test("Search ignores diacritics: “nuong” finds Nương, “dang” finds Đặng; reports only where the caller may read")
    func search() async throws {
        try await withTestApp { t in
            _ = try await addReportFixtures(t)
            let nam = try await t.token(TestApp.Demo.reporter)
            var body = ReportBody()
            body.work = [.init(description: "Tuyên truyền phòng chống dịch trên loa truyền thanh", quantity: "3", unit: "buổi", activityType: nil),
                         .init(description: "Vận động hộ cận nghèo tham gia bảo hiểm y tế", quantity: "12", unit: "hộ", activityType: nil)]
            _ = try await t.api(.PUT, "/api/v1/reports/2021-W33", token: nam, json: body)
            _ = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: nam)

            let leader = try await t.token(TestApp.Demo.leader)
            struct Results: Content { var results: [SearchResultDTO] }
            func search(_ q: String, _ token: String) async throws -> [SearchResultDTO] {
                let response = try await t.api(.GET, "/api/v1/search?q=\(q.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)", token: token)
                #expect(response.status == .ok, "\(q)")
                let decoded = try response.content.decode(Results.self)
                return decoded.results
            }
            let nuong = try await search("nuong", leader)
            #expect(nuong.contains { $0.kind == "person" && $0.title.contains("Nương") })
            let dang = try await search("dang", leader)
            #expect(dang.contains { $0.kind == "person" && $0.title.hasPrefix("Đặng") })
            #expect(try await search("ĐẶNG", leader).filter { $0.kind == "person" }.map(\.id) == dang.filter { $0.kind == "person" }.map(\.id),
                    "case does not matter; marks typed must match")
            // "nam" is the name Nam, not every "năm" (year); "năm" typed with its mark is the word.
            let named = try await search("nam", leader)
            #expect(named.contains { $0.kind == "person" && $0.title == "Hồ Sỹ Nam" })
            #expect(named.filter { $0.kind == "report" }.allSatisfy { SearchMatcher("nam").matches($0.detail, .strict) },
                    "report lines match the letters as typed")
            #expect(named.filter { $0.kind == "target" }.allSatisfy { SearchMatcher("nam").matches($0.title, .strict) },
                    "no target about a year (năm)")
            let target = try await search("tuyen truyen", leader)
            let xh04 = try #require(target.first { $0.kind == "target" && $0.title.hasPrefix("XH04") })
            #expect(xh04.url.hasPrefix("/targets?year=2021&group=") && xh04.url.hasSuffix("#target-\(xh04.id.uuidString)"),
                    "a target result opens the target's own row")
            let table = t.browser()
            try await table.login(TestApp.Demo.leader)
            #expect(try await table.get(String(xh04.url.split(separator: "#")[0])).body.string.contains("id=\"target-\(xh04.id.uuidString)\""))
            // Abbreviations find what they stand for.
            let bhyt = try await search("bhyt", leader)
            #expect(bhyt.contains { $0.kind == "report" && $0.detail == "Vận động hộ cận nghèo tham gia bảo hiểm y tế" }, "\(bhyt.map(\.title))")
            let report = try #require(target.first { $0.kind == "report" })
            #expect(report.url.hasPrefix("/groups/") && report.url.hasSuffix("/weeks/2021-W33"), "a leader opens it in Nam's group")
            #expect(report.detail == "Tuyên truyền phòng chống dịch trên loa truyền thanh")
            #expect(try await search("XH04", leader).contains { $0.kind == "target" })
            // Someone who may not read Nam's report does not find it.
            let other = try await t.token(DemoCommune.username(for: "Thái Doãn Hùng"))
            let others = try await search("loa truyen thanh", other)
            #expect(!others.contains { $0.kind == "report" })
            #expect(try await search("loa truyen thanh", nam).contains { $0.kind == "report" && $0.url == "/reports/2021-W33" })
            #expect(try await search("   ", leader).isEmpty)
            #expect(try await t.api(.GET, "/api/v1/search?q=\(String(repeating: "a", count: 101))", token: leader).status == .unprocessableEntity)

            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            let page = try await browser.get("/search?q=nuong")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Nương"))
        }
    }
}
