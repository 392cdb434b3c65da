@testable import App
import Fluent
import Foundation
import GiaoBanCore
import GiaoBanOffice
import Testing
import Vapor
import VaporTesting

/// A commune's first afternoon (issue 21): the staff list import, one-time passwords and their
/// slips, the setup checklist and letterheads from settings.
@Suite("Thiết lập xã mới")
struct SetupTests {
    static let adminPassword = "mat-khau-quan-tri-1"

    /// A fresh install: no demo, only the first admin.
    func withFreshInstall(at start: Date = Date(timeIntervalSince1970: 1_752_000_000), // 2025-07-08
                          _ body: (TestApp, String) async throws -> Void) async throws {
        try await withTestApp(at: start, demo: false) { t in
            t.app.giaobanConfig.initialAdminPassword = Self.adminPassword
            try await Bootstrap.prepare(t.app)
            let admin = try await t.token("admin", password: Self.adminPassword)
            try await body(t, admin)
        }
    }

    struct Imported: Decodable {
        struct Item: Decodable {
            var row: Int; var id: UUID?; var action: String; var fullName: String; var username: String
            var position: String?; var unitName: String?; var unitId: UUID?; var unitAction: String?; var roles: [String]
        }
        struct Problem: Decodable { var row: Int; var message: String }
        var people: [Item]; var problems: [Problem]; var saved: Bool; var slipsUrl: String?; var created: Int; var updated: Int
        var unitsCreated: [String]
    }

    /// The usernames and one-time passwords printed on the slips, in order.
    static func passwords(inSlips text: String) -> [String: String] {
        func values(after label: String) -> [String] {
            text.components(separatedBy: label).dropFirst().map { part in
                String(part.prefix { !$0.isWhitespace })
            }
        }
        return Dictionary(zip(values(after: "Tên đăng nhập: "), values(after: "Mật khẩu dùng một lần: ")).map { ($0, $1) },
                          uniquingKeysWith: { first, _ in first })
    }

    @Test("The staff list: dry run, all-or-nothing save, usernames, units, slips once, then updates")
    func importStaffList() async throws {
        try await withFreshInstall { t, admin in
            let xlsx = try TargetSample.data("danh-sach-can-bo.xlsx")
            let dry = try await t.upload("/api/v1/people/import?dryRun=true", token: admin, contentType: TargetSample.xlsxType, body: xlsx)
            #expect(dry.status == .ok, "\(dry.body.string)")
            let preview = try dry.content.decode(Imported.self)
            #expect(preview.saved == false && preview.slipsUrl == nil)
            #expect(preview.problems.isEmpty)
            #expect(preview.people.count == 24)
            #expect(preview.people.allSatisfy { $0.action == "create" && $0.id == nil && $0.unitId == nil && $0.unitAction == "create" })
            let byName = Dictionary(grouping: preview.people, by: \.fullName)
            #expect(byName["Phan Thị Nương"]?.first?.username == "nuong.pt")
            #expect(byName["Phan Thị Nương"]?.first?.roles == ["office", "reporter"])
            #expect(byName["Nguyễn Văn Hùng"]?.map(\.username) == ["hung.nv", "hung.nv2"])
            #expect(byName["Lê Văn Hùng"]?.first?.username == "hung.lv")
            #expect(byName["Phan Văn Khánh"]?.first?.username == "khanh.pv")
            #expect(byName["Hoàng Thị Mai"]?.first?.roles == ["reporter"])
            #expect(preview.unitsCreated.count == 17, "\(preview.unitsCreated)")
            #expect(preview.unitsCreated.contains("Văn hóa - Xã hội") != preview.unitsCreated.contains("Văn hoá - Xã hội"))
            #expect(try await Person.query(on: t.db).count() == 1, "a dry run saves nothing")

            // Raw JSON: every key of the contract is there, null when empty.
            let raw = try JSONSerialization.jsonObject(with: Data(buffer: dry.body)) as? [String: Any]
            let first = try #require((raw?["people"] as? [[String: Any]])?.first)
            for key in ["row", "fullName", "username", "position", "unitName", "unitId", "roles", "action"] {
                #expect(first.keys.contains(key), "people[0] lacks \(key)")
            }

            let saved = try await t.upload("/api/v1/people/import?dryRun=false", token: admin, contentType: TargetSample.xlsxType, body: xlsx)
            #expect(saved.status == .ok, "\(saved.body.string)")
            let result = try saved.content.decode(Imported.self)
            #expect(result.saved && result.created == 24 && result.updated == 0)
            #expect(result.people.allSatisfy { $0.id != nil && $0.unitId != nil })
            let slipsURL = try #require(result.slipsUrl)
            #expect(slipsURL.hasPrefix("/api/v1/people/slips/") && slipsURL.hasSuffix(".docx"))
            #expect(try await OrgUnit.query(on: t.db).count() == 17)
            let units = Dictionary(try await OrgUnit.query(on: t.db).all().map { ($0.name, $0.kind) }, uniquingKeysWith: { a, _ in a })
            #expect(units["Đảng ủy"] == .party && units["Hội Nông dân"] == .association && units["Ủy ban nhân dân"] == .committee
                    && units["Mặt trận Tổ quốc"] == .front && units["Hội đồng nhân dân"] == .council && units["Quân sự"] == .field)
            let nuong = try await t.person("nuong.pt")
            #expect(nuong.mustChangePassword && nuong.phone == "0983456603" && nuong.joinedOn == "2025-07-01" && nuong.reportsWeekly)
            #expect(try await t.person("quyet.tv").reportsWeekly == false)

            // The people API shows the flag.
            let people = try await t.api(.GET, "/api/v1/people/\(try nuong.requireID())", token: admin)
            #expect(try people.content.get(Bool.self, at: "mustChangePassword") == true)

            // The slips: once, as a .docx that LibreOffice opens.
            let slips = try await t.api(.GET, slipsURL, token: nil)
            #expect(slips.status == .ok)
            #expect(slips.headers.contentType?.subType == "vnd.openxmlformats-officedocument.wordprocessingml.document")
            let document = Data(buffer: slips.body)
            let text = try DocxReader.text(document)
            #expect(text.contains("Phan Thị Nương") && text.contains("nuong.pt") && text.contains("hung.nv2"))
            let passwords = Self.passwords(inSlips: text)
            #expect(passwords.count == 24)
            #expect(passwords.values.allSatisfy { $0.count == 10 })
            if let size = try libreOfficePDFSize(of: document) { #expect(size > 1000) }
            #expect(try await t.api(.GET, slipsURL, token: nil).status == .notFound, "a second download finds nothing")
            #expect(try await PendingLoginSlips.query(on: t.db).count() == 0)

            // Signing in with the one-time password: everything but the password change is refused.
            let token = try await t.token("nuong.pt", password: try #require(passwords["nuong.pt"]))
            let refused = try await t.api(.GET, "/api/v1/weeks/current", token: token)
            #expect(refused.status == .forbidden)
            #expect(try refused.content.get(String.self, at: "error", "code") == "password_change_required")
            struct Change: Content { var current: String; var new: String }
            let same = try await t.api(.PUT, "/api/v1/account/password", token: token,
                                       json: Change(current: passwords["nuong.pt"]!, new: passwords["nuong.pt"]!))
            #expect(same.status == .unprocessableEntity)
            let changed = try await t.api(.PUT, "/api/v1/account/password", token: token,
                                          json: Change(current: passwords["nuong.pt"]!, new: "mat-khau-cua-nuong"))
            #expect(changed.status == .ok, "\(changed.body.string)")
            #expect(try await t.api(.GET, "/api/v1/weeks/current", token: token).status == .ok)
            #expect(try await t.person("nuong.pt").mustChangePassword == false)

            // The same list again updates everyone and issues no password.
            let again = try await t.upload("/api/v1/people/import", token: admin, contentType: TargetSample.xlsxType, body: xlsx)
            let second = try again.content.decode(Imported.self)
            #expect(again.status == .ok && second.saved && second.created == 0 && second.updated == 24 && second.slipsUrl == nil)
            #expect(second.unitsCreated.isEmpty && second.people.allSatisfy { $0.unitAction == "match" })
            #expect(try await Person.query(on: t.db).count() == 25)
            #expect(try await t.person("nuong.pt").mustChangePassword == false, "an update keeps the password")
        }
    }

    @Test("A file with problems saves nothing (422, row-numbered problems); usernames stay unique across communes")
    func refusedImport() async throws {
        try await withTestApp { t in
            let admin = try await t.token(TestApp.Demo.admin)
            // The demo has "Bùi Thị Nương" (nuong.bt); a new "Bùi Thị Nương" in another unit gets nuong.bt2.
            let csv = "Họ và tên,Chức vụ,Đơn vị,Vai trò\nBùi Thị Nương,Kế toán,Hội Phụ nữ,\nLê Văn Tám,Thủ quỹ,Văn phòng - Thống kê,Thủ quỹ\n"
            let response = try await t.upload("/api/v1/people/import?dryRun=false", token: admin, contentType: "text/csv", body: Data(csv.utf8))
            #expect(response.status == .unprocessableEntity)
            let body = try response.content.decode(Imported.self)
            #expect(body.saved == false)
            #expect(body.problems.map(\.row) == [3])
            #expect(body.people.first?.username == "nuong.bt2")
            #expect(try response.content.get(String.self, at: "error", "code") == "validation_failed")
            #expect(try await Person.query(on: t.db).filter(\.$fullName == "Lê Văn Tám").count() == 0)
            // Not an admin: refused.
            let reporter = try await t.token(TestApp.Demo.reporter)
            #expect(try await t.upload("/api/v1/people/import?dryRun=true", token: reporter, contentType: "text/csv",
                                       body: Data(csv.utf8)).status == .forbidden)
        }
    }

    @Test("The import pages: preview, confirm, slips link; the new person must choose a password first")
    func importPages() async throws {
        try await withFreshInstall { t, _ in
            let browser = t.browser()
            try await browser.login("admin", password: Self.adminPassword)
            #expect(try await browser.get("/admin/people/import").status == .ok)
            let csv = try TargetSample.data("danh-sach-can-bo.csv")
            let preview = try await browser.postMultipart("/admin/people/import", [],
                                                           files: [("file", "danh-sach-can-bo.csv", "text/csv", csv)])
            #expect(preview.status == .ok)
            #expect(preview.body.string.contains("hung.nv2"))
            let content = try #require(preview.body.string.range(of: "name=\"content\" value=\"").map { range -> String in
                let rest = preview.body.string[range.upperBound...]
                return String(rest[..<rest.firstIndex(of: "\"")!])
            })
            let saved = try await browser.post("/admin/people/import/confirm", [("content", content), ("fileName", "danh-sach-can-bo.csv")])
            #expect(saved.status == .ok)
            let html = saved.body.string
            let link = try #require(html.range(of: "href=\"/api/v1/people/slips/").map { range -> String in
                let rest = html[range.lowerBound...].dropFirst(6)
                return String(rest[..<rest.firstIndex(of: "\"")!])
            })
            let slips = try await browser.get(link)
            #expect(slips.status == .ok)
            let passwords = Self.passwords(inSlips: try DocxReader.text(Data(buffer: slips.body)))
            #expect(passwords.count == 7)

            let person = t.browser()
            try await person.login("hanh.vt", password: try #require(passwords["hanh.vt"]))
            let home = try await person.get("/")
            #expect(home.status == .seeOther && home.location == "/account/password")
            #expect(try await person.get("/reports/current").location == "/account/password")
            let page = try await person.get("/account/password")
            #expect(page.status == .ok && page.body.string.contains("mật khẩu dùng một lần"))
            let done = try await person.post("/account/password", [("current", passwords["hanh.vt"]!), ("new", "tram-y-te-2025"),
                                                                    ("confirm", "tram-y-te-2025")])
            #expect(done.status == .seeOther)
            #expect(try await person.get("/").status == .ok)

            // The admin resets it: a new slip, the person is signed out and must choose again.
            let hanh = try await t.person("hanh.vt")
            _ = try await browser.get("/admin/people")
            let reset = try await browser.post("/admin/people/\(try hanh.requireID())/password", [])
            #expect(reset.status == .ok && reset.body.string.contains("/api/v1/people/slips/"))
            #expect(try await t.person("hanh.vt").mustChangePassword)
            #expect(try await person.get("/").location?.hasPrefix("/login") == true)
        }
    }

    @Test("Slips expire after ten minutes (410); the API reset gives a slip and signs the person out")
    func slipsExpire() async throws {
        try await withTestApp { t in
            let admin = try await t.token(TestApp.Demo.admin)
            let reporter = try await t.token(TestApp.Demo.reporter)
            let nam = try await t.person(TestApp.Demo.reporter)
            let reset = try await t.api(.POST, "/api/v1/people/\(try nam.requireID())/password-reset", token: admin)
            #expect(reset.status == .ok, "\(reset.body.string)")
            let url = try reset.content.get(String.self, at: "slipsUrl")
            #expect(try await t.api(.GET, "/api/v1/weeks/current", token: reporter).status == .unauthorized, "signed out")
            t.clock.advance(by: 11 * 60)
            #expect(try await t.api(.GET, url, token: nil).status == .gone)
            #expect(try await t.api(.GET, url, token: nil).status == .notFound)
            #expect(try await t.api(.GET, "/api/v1/people/slips/nothing-here.docx", token: nil).status == .notFound)
            // Nobody resets their own password this way.
            let me = try await t.person(TestApp.Demo.admin)
            #expect(try await t.api(.POST, "/api/v1/people/\(try me.requireID())/password-reset", token: admin).status == .conflict)
        }
    }

    @Test("The checklist: a fresh install has everything to do; each line turns done; admins only")
    func checklist() async throws {
        try await withFreshInstall { t, admin in
            let response = try await t.api(.GET, "/api/v1/setup", token: admin)
            #expect(response.status == .ok)
            let checklist = try response.content.decode(SetupChecklist.Model.self)
            #expect(checklist.complete == false)
            #expect(checklist.items.map(\.key) == ["commune_name", "letterhead", "in_use_since", "days_off", "units", "people", "groups",
                                                   "approvers", "targets", "rooms", "cells", "reminders"])
            #expect(checklist.items.allSatisfy { !$0.done && $0.url.hasPrefix("/") })

            struct Settings: Content { var name: String; var partyParentBody: String; var stateParentBody: String; var inAppRemindersAccepted: Bool }
            let put = try await t.api(.PUT, "/api/v1/settings/commune", token: admin,
                                      json: Settings(name: "Xã Sơn Kim 2", partyParentBody: "Đảng bộ tỉnh Hà Tĩnh",
                                                     stateParentBody: "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH", inAppRemindersAccepted: true))
            #expect(put.status == .ok, "\(put.body.string)")
            #expect(try put.content.get(String.self, at: "partyParentBody") == "ĐẢNG BỘ TỈNH HÀ TĨNH")
            #expect(try put.content.get(String.self, at: "partyBody") == "ĐẢNG ỦY XÃ SƠN KIM 2")
            let after = try await t.api(.GET, "/api/v1/setup", token: admin).content.decode(SetupChecklist.Model.self)
            let done = Dictionary(after.items.map { ($0.key, $0.done) }, uniquingKeysWith: { a, _ in a })
            #expect(done["commune_name"] == true && done["letterhead"] == true && done["reminders"] == true && done["units"] == false)

            // The page and the admin's home page show it.
            let browser = t.browser()
            try await browser.login("admin", password: Self.adminPassword)
            let page = try await browser.get("/admin/setup")
            #expect(page.status == .ok && page.body.string.contains("setup-checklist"), "\(page.status) \(page.body.string.prefix(800))")
            #expect(try await browser.get("/").body.string.contains("home-checklist"))
        }
    }

    @Test("The demo commune: letterheads carry the province; a group's issuing body is its setting")
    func letterheads() async throws {
        try await withTestApp { t in
            let leader = try await t.token(TestApp.Demo.leader)
            let admin = try await t.token(TestApp.Demo.admin)
            let groups = try await ReportGroup.query(on: t.db).all()
            let government = try #require(groups.first { $0.name == "Khối chính quyền" })
            let party = try #require(groups.first { $0.name == "Khối Đảng, Mặt trận, đoàn thể" })
            #expect(party.issuingKind == .party && government.issuingKind == .state)
            let covid = try #require(groups.first { $0.name == "Phòng chống Covid-19" })
            #expect(covid.requiresApproval)

            func text(_ path: String) async throws -> String {
                let response = try await t.api(.GET, path, token: leader)
                #expect(response.status == .ok, "\(path): \(response.status)")
                return try DocxReader.text(Data(buffer: response.body))
            }
            let governmentReport = try await text("/api/v1/groups/\(try government.requireID())/weeks/2021-W33/report.docx")
            #expect(governmentReport.contains("ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH") && governmentReport.contains("ỦY BAN NHÂN DÂN XÃ SƠN KIM 2"))
            let partyReport = try await text("/api/v1/groups/\(try party.requireID())/weeks/2021-W33/report.docx")
            #expect(partyReport.contains("ĐẢNG BỘ TỈNH HÀ TĨNH") && partyReport.contains("ĐẢNG ỦY XÃ SƠN KIM 2"))
            #expect(partyReport.contains("ĐẢNG CỘNG SẢN VIỆT NAM"))
            let monthly = try await text("/api/v1/monthly-reports/2021-07/report.docx")
            #expect(monthly.contains("ĐẢNG BỘ TỈNH HÀ TĨNH"))
            let cells = try await text("/api/v1/cells/reports/2021-07/report.docx")
            #expect(cells.contains("ĐẢNG BỘ TỈNH HÀ TĨNH"))

            // The group's issuer is a setting: the government group issued by the Party Committee.
            struct Patch: Content { var issuingBody: String }
            let patched = try await t.api(.PATCH, "/api/v1/groups/\(try government.requireID())", token: admin, json: Patch(issuingBody: "party"))
            #expect(patched.status == .ok)
            #expect(try patched.content.get(String.self, at: "issuingBody") == "party")
            let now = try await text("/api/v1/groups/\(try government.requireID())/weeks/2021-W33/report.docx")
            #expect(now.contains("ĐẢNG ỦY XÃ SƠN KIM 2") && !now.contains("ỦY BAN NHÂN DÂN TỈNH"))
            #expect(try await t.api(.PATCH, "/api/v1/groups/\(try government.requireID())", token: admin,
                                    json: Patch(issuingBody: "king")).status == .unprocessableEntity)
        }
    }

    @Test("Usernames and one-time passwords")
    func accountsRules() {
        #expect(StaffAccounts.proposedUsername(fullName: "Phan Thị Nương") == "nuong.pt")
        #expect(StaffAccounts.proposedUsername(fullName: "  Đặng  Thị Hồng Nhung ") == "nhung.dth")
        #expect(StaffAccounts.proposedUsername(fullName: "Nương") == "nuong")
        #expect(StaffAccounts.uniqueUsername("nuong.pt", taken: ["nuong.pt", "nuong.pt2"].contains) == "nuong.pt3")
        #expect(StaffAccounts.uniqueUsername("an", taken: { _ in false }) == "an1")
        var bytes = (0...255).map(UInt8.init).makeIterator()
        let password = StaffAccounts.oneTimePassword { bytes.next() ?? 0 }
        #expect(password.count == 10 && password.allSatisfy(StaffAccounts.passwordAlphabet.contains))
        #expect(!StaffAccounts.passwordAlphabet.contains { "0O1lIo5S".contains($0) })
        #expect(StaffAccounts.roles(from: "Lãnh đạo; văn phòng") == .success([.leader, .office]))
        #expect(StaffAccounts.roles(from: "") == nil)
        if case .failure(let error)? = StaffAccounts.roles(from: "Thủ quỹ") { #expect(error.unknown == ["thu quy"]) } else { Issue.record("Thủ quỹ is no role") }
    }
}
