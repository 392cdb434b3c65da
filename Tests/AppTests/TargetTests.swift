@testable import App
import Fluent
import Foundation
import GiaoBanCore
import GiaoBanOffice
import Testing
import Vapor
import VaporTesting

// MARK: - Helpers

/// The sample files (the same bytes as `../shared/data`), from the office library's fixtures.
enum TargetSample {
    static func data(_ name: String) throws -> Data {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        return try Data(contentsOf: tests.appendingPathComponent("GiaoBanOfficeTests/Fixtures/\(name)"))
    }
    static let xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
}

extension TestApp {
    var commune: Commune {
        get async throws { try #require(try await Commune.query(on: db).filter(\.$name == "Xã Sơn Kim 2 (dữ liệu mẫu)").first()) }
    }

    /// The demo commune's sample target table and NTM criteria for `years`, as the demo has them.
    func loadDemoTargets(_ years: [Int] = [2021]) async throws {
        try await DemoTargets.load(commune: try await commune, years: years, on: db)
    }

    func groupID(_ name: String) async throws -> UUID {
        try #require(try await ReportGroup.query(on: db).filter(\.$name == name).first()).requireID()
    }

    func unitID(_ name: String) async throws -> UUID {
        try #require(try await OrgUnit.query(on: db).filter(\.$name == name).first()).requireID()
    }

    func target(_ code: String, year: Int = 2021) async throws -> Target {
        try #require(try await Target.query(on: db).filter(\.$code == code).filter(\.$year == year).first())
    }

    /// Sends a raw body (a file), as `curl --data-binary` does.
    func upload(_ path: String, token: String?, contentType: String?, body: Data) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.POST, path, beforeRequest: { req in
            if let token { req.headers.bearerAuthorization = .init(token: token) }
            if let contentType { req.headers.replaceOrAdd(name: .contentType, value: contentType) }
            req.body = ByteBuffer(data: body)
        })
    }
}

extension TestApp {
    /// Sends JSON text as typed (with explicit nulls, which a dictionary of optionals would drop).
    func json(_ method: HTTPMethod, _ path: String, token: String?, _ text: String) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(method, path, beforeRequest: { req in
            if let token { req.headers.bearerAuthorization = .init(token: token) }
            req.headers.contentType = .json
            req.body = ByteBuffer(string: text)
        })
    }
}

struct TargetBody: Encodable, Sendable {
    var year: Int?
    var groupId: UUID?
    var code: String?
    var name: String?
    var unitOfMeasure: String?
    var planned: Double?
    var valueKind: String?
    var yearToDateRule: String?
    var responsibleUnitId: UUID?
    var responsiblePersonId: UUID?
    var active: Bool?
}

/// Decoded import answer.
struct ImportAnswer: Decodable {
    struct Item: Decodable { var row: Int; var id: UUID?; var action: String; var code: String; var groupId: UUID?; var planned: Double? }
    struct Problem: Decodable, Equatable { var row: Int; var message: String }
    var year: Int
    var dryRun: Bool
    var saved: Bool
    var targets: [Item]
    var problems: [Problem]
}

struct ProgressAnswer: Decodable, Equatable {
    var week: String
    var value: Double?
    var yearToDate: Double?
    var planned: Double?
    var percent: Double?
}

func hiddenField(_ name: String, in html: String) -> String? {
    guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
    let rest = html[range.upperBound...]
    return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
}

// MARK: - Demo data

@Suite("Targets: the demo commune's table")
struct TargetDemoTests {
    @Test("The demo loads the sample table and the 19 NTM criteria for each year, and the activity catalogue")
    func demoTargets() async throws {
        try await withTestApp(demo: false) { t in
            try await DemoCommune.load(hash: "x", targetYears: [2021, 2022], on: t.db)
            for year in [2021, 2022] {
                let targets = try await Target.query(on: t.db).filter(\.$year == year).all()
                #expect(targets.count == 31 + 19, "\(year)")
                #expect(Set(targets.map(\.sortOrder)).count == targets.count)
            }
            let kt06 = try await t.target("KT06")
            #expect(try kt06.planned == 1850)
            #expect(kt06.responsibleUnitID == (try await t.unitID("Tài chính - Kế toán")))
            #expect(kt06.groupID == (try await t.groupID("Khối chính quyền")))
            #expect(try await t.target("KT07").planned == Decimal(string: "3.5"))
            #expect(try await t.target("CV01").planned == nil)
            #expect(try await t.target("CV05").yearToDateRule == .max)
            #expect(try await t.target("DT01").groupID == (try await t.groupID("Khối Đảng, Mặt trận, đoàn thể")))
            #expect(try await t.target("CV03").responsibleUnitID == (try await t.unitID("Trạm y tế")))
            #expect(try await t.target("DT06").responsibleUnitID == (try await t.unitID("Mặt trận Tổ quốc")))
            #expect(try await t.target("DT01").responsibleUnitID == (try await t.unitID("Đảng ủy")))
            let allResponsible = try await Target.query(on: t.db).all().allSatisfy { $0.responsibleUnitID != nil }
            #expect(allResponsible)
            let ntm = try await t.groupID("Nông thôn mới")
            let criteria = try await Target.query(on: t.db).filter(\.$year == 2021).filter(\.$code =~ "TC").sort(\.$code).all()
            #expect(criteria.map(\.code) == (1...19).map { String(format: "TC%02d", $0) })
            #expect(try criteria.allSatisfy { try $0.valueKind == .yesNo && $0.yearToDateRule == .latest && $0.planned == 1 && $0.groupID == ntm })
            #expect(criteria[15].name == "Tiêu chí số 16 - Văn hóa")
            let types = try await ActivityType.query(on: t.db).sort(\.$code).all()
            #expect(types.count == 12)
            #expect(types.first { $0.code == "VD" }?.defaultUnit == "hộ")
            // Loading again adds nothing.
            try await DemoTargets.load(commune: try await t.commune, years: [2021], on: t.db)
            #expect(try await Target.query(on: t.db).filter(\.$year == 2021).count() == 50)
            #expect(try await ActivityType.query(on: t.db).count() == 12)
        }
    }

    @Test("`giaoban demo` loads the sample table for 2021 and again for the year it runs in")
    func demoRun() async throws {
        let march2023 = Date(timeIntervalSince1970: 1_678_845_600) // Wednesday 15/03/2023 09:00 in Hà Nội
        try await withTestApp(at: march2023, demo: false) { t in
            try await DemoCommune.loadIfEmpty(t.app)
            let y2021 = try await Target.query(on: t.db).filter(\.$year == 2021).count()
            let y2023 = try await Target.query(on: t.db).filter(\.$year == 2023).count()
            #expect(y2021 == 50 && y2023 == 50)
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            let page = try await browser.get("/targets")
            #expect(page.body.string.contains("Bảng chỉ tiêu năm 2023"))
            #expect(page.body.string.contains("Số liệu đến Tuần 11/2023"))
        }
    }

    @Test("Without target years the demo has no targets (tests bring their own)")
    func noTargetsByDefault() async throws {
        try await withTestApp { t in
            let targets = try await Target.query(on: t.db).count()
            let types = try await ActivityType.query(on: t.db).count()
            #expect(targets == 0 && types == 0)
        }
    }
}

// MARK: - API

@Suite("Targets API")
struct TargetAPITests {
    @Test("Create, read, list, change, deactivate — with the audit trail")
    func crud() async throws {
        try await withTestApp { t in
            let admin = try await t.token(TestApp.Demo.admin)
            let gov = try await t.groupID("Khối chính quyền")
            let culture = try await t.unitID("Văn hóa - Xã hội")
            let body = TargetBody(year: 2021, groupId: gov, code: "XH09", name: "  Số hộ  được vận động ", unitOfMeasure: "hộ",
                                  planned: 120, valueKind: "count", responsibleUnitId: culture)
            let created = try await t.api(.POST, "/api/v1/targets", token: admin, json: body)
            #expect(created.status == .created, "\(created.body.string)")
            let dto = try created.content.decode(TargetDTO.self)
            #expect(dto.name == "Số hộ được vận động")
            #expect(dto.yearToDateRule == "sum")
            #expect(dto.planned == 120)
            #expect(dto.active)
            #expect(dto.responsiblePersonId == nil)
            #expect(created.body.string.contains("\"responsiblePersonId\":null"))

            #expect(try await t.api(.GET, "/api/v1/targets/\(dto.id)", token: admin).content.decode(TargetDTO.self) == dto)
            let reporter = try await t.token(TestApp.Demo.reporter)
            let listed = try await t.api(.GET, "/api/v1/targets?year=2021&groupId=\(gov)", token: reporter)
            #expect(listed.status == .ok)
            #expect(try listed.content.get([TargetDTO].self, at: "items").map(\.code) == ["XH09"])
            #expect(try await t.api(.GET, "/api/v1/targets?year=2022", token: reporter).content.get([TargetDTO].self, at: "items").isEmpty)
            #expect(try await t.api(.GET, "/api/v1/targets?groupId=\(try await t.groupID("Nông thôn mới"))", token: reporter)
                .content.get([TargetDTO].self, at: "items").isEmpty)

            // Plans in Vietnamese format, removing the plan with null, deactivating.
            let patched = try await t.json(.PATCH, "/api/v1/targets/\(dto.id)", token: admin, #"{"planned": "1.250", "name": "Số hộ vận động"}"#)
            #expect(patched.status == .ok, "\(patched.body.string)")
            #expect(try patched.content.decode(TargetDTO.self).planned == 1250)
            let cleared = try await t.json(.PATCH, "/api/v1/targets/\(dto.id)", token: admin, #"{"planned": null, "responsibleUnitId": null}"#)
            let clearedDTO = try cleared.content.decode(TargetDTO.self)
            #expect(clearedDTO.planned == nil && clearedDTO.responsibleUnitId == nil)
            #expect(cleared.body.string.contains("\"planned\":null"))
            #expect(clearedDTO.name == "Số hộ vận động")
            let off = try await t.api(.PATCH, "/api/v1/targets/\(dto.id)", token: admin, json: ["active": false])
            #expect(try off.content.decode(TargetDTO.self).active == false)
            #expect(try await t.target("XH09").active == false)

            let audit = try await AuditEntry.query(on: t.db).filter(\.$kind == "target").sort(\.$at).all()
            #expect(audit.map(\.action) == ["create", "update", "update", "update"])
            #expect(audit.allSatisfy { $0.subjectID == dto.id })
            #expect(audit[1].afterJSON?.contains("1250") == true)
            #expect(audit[0].beforeJSON == nil)
        }
    }

    @Test("Yes/no and decimal targets: plans as Đạt, true, 3,5")
    func kinds() async throws {
        try await withTestApp { t in
            let admin = try await t.token(TestApp.Demo.admin)
            let ntm = try await t.groupID("Nông thôn mới")
            let yes = try await t.json(.POST, "/api/v1/targets", token: admin,
                                       #"{"year":2021,"groupId":"\#(ntm)","code":"TC16","name":"Tiêu chí Văn hóa","unitOfMeasure":"đạt/chưa đạt","planned":"Đạt","valueKind":"yesNo"}"#)
            #expect(yes.status == .created, "\(yes.body.string)")
            let yesDTO = try yes.content.decode(TargetDTO.self)
            #expect(yesDTO.planned == 1 && yesDTO.yearToDateRule == "latest")
            let bool = try await t.json(.POST, "/api/v1/targets", token: admin,
                                        #"{"year":2021,"groupId":"\#(ntm)","code":"TC17","name":"Môi trường","unitOfMeasure":"đạt/chưa đạt","planned":true,"valueKind":"yesNo"}"#)
            #expect(try bool.content.decode(TargetDTO.self).planned == 1)
            let decimal = try await t.json(.POST, "/api/v1/targets", token: admin,
                                           #"{"year":2021,"groupId":"\#(ntm)","code":"NTM04","name":"Kênh mương","unitOfMeasure":"km","planned":"3,5","valueKind":"decimal","yearToDateRule":"sum"}"#)
            #expect(try decimal.content.decode(TargetDTO.self).planned == 3.5)
            let number = try await t.json(.POST, "/api/v1/targets", token: admin,
                                          #"{"year":2021,"groupId":"\#(ntm)","code":"NTM05","name":"Thu nhập","unitOfMeasure":"triệu đồng","planned":1.125,"valueKind":"decimal"}"#)
            #expect(try number.content.decode(TargetDTO.self).planned == 1.125)
        }
    }

    @Test("Validation (422), duplicates (409), malformed JSON (400) with Vietnamese messages")
    func refusals() async throws {
        try await withTestApp { t in
            let admin = try await t.token(TestApp.Demo.admin)
            let gov = try await t.groupID("Khối chính quyền")
            let malformed = try await t.json(.POST, "/api/v1/targets", token: admin, "{not json")
            #expect(malformed.status == .badRequest)
            #expect(try malformed.content.get(String.self, at: "error", "code") == "malformed_body")
            #expect(try await t.json(.POST, "/api/v1/targets", token: admin, #"{"year":"năm nay"}"#).status == .badRequest)

            let empty = try await t.json(.POST, "/api/v1/targets", token: admin, "{}")
            #expect(empty.status == .unprocessableEntity)
            let emptyFields = try empty.content.get([String: String].self, at: "error", "fields")
            #expect(Set(emptyFields.keys) == ["year", "groupId", "code", "name", "unitOfMeasure", "valueKind"])
            #expect(emptyFields["name"] == "Không được để trống.")
            #expect(try empty.content.get(String.self, at: "error", "code") == "validation_failed")

            let bad = TargetBody(year: 1900, groupId: UUID(), code: "KT 01", name: "X", unitOfMeasure: "ha", planned: -1,
                                 valueKind: "money", yearToDateRule: "avg", responsibleUnitId: UUID(), responsiblePersonId: UUID())
            let refused = try await t.api(.POST, "/api/v1/targets", token: admin, json: bad)
            #expect(refused.status == .unprocessableEntity)
            let fields = try refused.content.get([String: String].self, at: "error", "fields")
            #expect(Set(fields.keys) == ["year", "groupId", "code", "valueKind", "yearToDateRule", "responsibleUnitId", "responsiblePersonId"])
            #expect(fields["code"]?.contains("không có khoảng trắng") == true)

            let wholeOnly = TargetBody(year: 2021, groupId: gov, code: "XH02", name: "Hộ", unitOfMeasure: "hộ", planned: 2.5, valueKind: "count")
            #expect(try await t.api(.POST, "/api/v1/targets", token: admin, json: wholeOnly)
                .content.get([String: String].self, at: "error", "fields")["planned"] == "Chỉ tiêu số đếm cần kế hoạch là số nguyên.")
            let yesNo = TargetBody(year: 2021, groupId: gov, code: "TC01", name: "Quy hoạch", unitOfMeasure: "đạt", planned: 5, valueKind: "yesNo")
            #expect(try await t.api(.POST, "/api/v1/targets", token: admin, json: yesNo).status == .unprocessableEntity)
            let textPlan = try await t.json(.POST, "/api/v1/targets", token: admin,
                                            #"{"year":2021,"groupId":"\#(gov)","code":"X1","name":"X","unitOfMeasure":"ha","planned":"nhiều","valueKind":"decimal"}"#)
            #expect(try textPlan.content.get([String: String].self, at: "error", "fields")["planned"]?.hasPrefix("Kế hoạch là một số") == true)

            let good = TargetBody(year: 2021, groupId: gov, code: "KT01", name: "Lúa", unitOfMeasure: "ha", planned: 320, valueKind: "decimal")
            #expect(try await t.api(.POST, "/api/v1/targets", token: admin, json: good).status == .created)
            var twin = good
            twin.code = "kt01"
            let duplicate = try await t.api(.POST, "/api/v1/targets", token: admin, json: twin)
            #expect(duplicate.status == .conflict)
            #expect(try duplicate.content.get(String.self, at: "error", "code") == "conflict")
            #expect(try duplicate.content.get([String: String].self, at: "error", "fields")["code"] == "Mã này đã dùng cho một chỉ tiêu khác trong năm.")
            twin.year = 2022
            #expect(try await t.api(.POST, "/api/v1/targets", token: admin, json: twin).status == .created, "the same code another year")
            let other = TargetBody(year: 2021, groupId: gov, code: "KT02", name: "Rừng", unitOfMeasure: "ha", planned: 45, valueKind: "decimal")
            let second = try await t.api(.POST, "/api/v1/targets", token: admin, json: other).content.decode(TargetDTO.self)
            #expect(try await t.api(.PATCH, "/api/v1/targets/\(second.id)", token: admin, json: ["code": "KT01"]).status == .conflict)
            // A kind change must fit the plan that is kept.
            let kind = try await t.api(.PATCH, "/api/v1/targets/\(second.id)", token: admin, json: ["valueKind": "yesNo"])
            #expect(kind.status == .unprocessableEntity)
            #expect(try await t.api(.GET, "/api/v1/targets?year=twenty", token: admin).status == .badRequest)
            #expect(try await t.api(.GET, "/api/v1/targets?groupId=abc", token: admin).status == .badRequest)
            #expect(try await t.api(.GET, "/api/v1/targets/not-a-uuid", token: admin).status == .notFound)
            #expect(try await t.api(.GET, "/api/v1/targets/\(UUID())", token: admin).status == .notFound)
            #expect(try await Target.query(on: t.db).count() == 3)
        }
    }

    @Test("Roles: admin everywhere, focal points in their own groups, nobody else; signed-out gets 401")
    func roles() async throws {
        try await withTestApp { t in
            let gov = try await t.groupID("Khối chính quyền")
            let ntm = try await t.groupID("Nông thôn mới")
            func body(_ code: String, _ group: UUID) -> TargetBody {
                TargetBody(year: 2021, groupId: group, code: code, name: "Chỉ tiêu \(code)", unitOfMeasure: "hộ", planned: 10, valueKind: "count")
            }
            #expect(try await t.api(.GET, "/api/v1/targets", token: nil).status == .unauthorized)
            #expect(try await t.api(.POST, "/api/v1/targets", token: nil, json: body("A1", gov)).status == .unauthorized)
            #expect(try await t.api(.GET, "/api/v1/targets/\(UUID())/progress", token: nil).status == .unauthorized)

            let admin = try await t.token(TestApp.Demo.admin)
            let govTarget = try await t.api(.POST, "/api/v1/targets", token: admin, json: body("A1", gov)).content.decode(TargetDTO.self)

            // Nhung aggregates the NTM group only.
            let nhung = try await t.token(TestApp.Demo.ntmAggregator)
            let own = try await t.api(.POST, "/api/v1/targets", token: nhung, json: body("N1", ntm))
            #expect(own.status == .created)
            let ownDTO = try own.content.decode(TargetDTO.self)
            #expect(try await t.api(.PATCH, "/api/v1/targets/\(ownDTO.id)", token: nhung, json: ["name": "Tiêu chí"]).status == .ok)
            #expect(try await t.api(.POST, "/api/v1/targets", token: nhung, json: body("N2", gov)).status == .forbidden)
            #expect(try await t.api(.PATCH, "/api/v1/targets/\(govTarget.id)", token: nhung, json: ["name": "Đổi"]).status == .forbidden)
            // …and cannot move her target into a group she does not aggregate.
            #expect(try await t.api(.PATCH, "/api/v1/targets/\(ownDTO.id)", token: nhung, json: ["groupId": gov.uuidString]).status == .forbidden)
            #expect(try await t.api(.GET, "/api/v1/targets/\(govTarget.id)", token: nhung).status == .ok)

            // Ánh (office) aggregates the government bloc.
            let anh = try await t.token(TestApp.Demo.office)
            #expect(try await t.api(.PATCH, "/api/v1/targets/\(govTarget.id)", token: anh, json: ["planned": 12]).status == .ok)

            for username in [TestApp.Demo.reporter, TestApp.Demo.leader, TestApp.Demo.supervisor] {
                let token = try await t.token(username)
                #expect(try await t.api(.POST, "/api/v1/targets", token: token, json: body("R1", gov)).status == .forbidden, "\(username)")
                let refused = try await t.api(.PATCH, "/api/v1/targets/\(govTarget.id)", token: token, json: ["name": "X"])
                #expect(refused.status == .forbidden, "\(username)")
                #expect(try refused.content.get(String.self, at: "error", "message") == "Bạn không có quyền thực hiện thao tác này.")
                #expect(try await t.api(.GET, "/api/v1/targets?year=2021", token: token).content.get([TargetDTO].self, at: "items").count == 2)
                #expect(try await t.api(.GET, "/api/v1/targets/\(govTarget.id)/progress?week=2021-W33", token: token).status == .ok)
            }
            #expect(try await t.target("A1").planned == 12)
        }
    }

    @Test("Another commune's targets, groups and units look unknown")
    func tenantIsolation() async throws {
        try await withTestApp { t in
            let other = Commune(name: "Xã khác")
            try await other.save(on: t.db)
            let otherID = try other.requireID()
            let group = ReportGroup(communeID: otherID, name: "Khối chính quyền", sortOrder: 1)
            try await group.save(on: t.db)
            let unit = OrgUnit(communeID: otherID, name: "Văn hóa - Xã hội", kind: .field)
            try await unit.save(on: t.db)
            let foreign = Target(communeID: otherID, year: 2021, groupID: try group.requireID(), code: "KT01", name: "Lúa",
                                 unitOfMeasure: "ha", planned: 10, valueKind: .decimal, yearToDateRule: .sum)
            try await foreign.save(on: t.db)
            let id = try foreign.requireID()
            let admin = try await t.token(TestApp.Demo.admin)
            #expect(try await t.api(.GET, "/api/v1/targets/\(id)", token: admin).status == .notFound)
            #expect(try await t.api(.PATCH, "/api/v1/targets/\(id)", token: admin, json: ["name": "X"]).status == .notFound)
            #expect(try await t.api(.GET, "/api/v1/targets/\(id)/progress?week=2021-W33", token: admin).status == .notFound)
            #expect(try await t.api(.GET, "/api/v1/targets?year=2021", token: admin).content.get([TargetDTO].self, at: "items").isEmpty)
            let sneaky = TargetBody(year: 2021, groupId: try group.requireID(), code: "KT01", name: "Lúa", unitOfMeasure: "ha",
                                    valueKind: "decimal", responsibleUnitId: try unit.requireID())
            let refused = try await t.api(.POST, "/api/v1/targets", token: admin, json: sneaky)
            #expect(refused.status == .unprocessableEntity)
            #expect(Set(try refused.content.get([String: String].self, at: "error", "fields").keys) == ["groupId", "responsibleUnitId"])
            // The same code in another commune is no conflict.
            var mine = sneaky
            mine.groupId = try await t.groupID("Khối chính quyền")
            mine.responsibleUnitId = try await t.unitID("Văn hóa - Xã hội")
            #expect(try await t.api(.POST, "/api/v1/targets", token: admin, json: mine).status == .created)
            let imported = try await t.upload("/api/v1/targets/import?year=2021&groupId=\(try group.requireID())&dryRun=true",
                                              token: admin, contentType: "text/csv", body: try TargetSample.data("chi-tieu-2021.csv"))
            #expect(imported.status == .unprocessableEntity)
            #expect(try imported.content.get([String: String].self, at: "error", "fields")["groupId"] != nil)
        }
    }

    @Test("Progress counts only completed figures of submitted reports")
    func progress() async throws {
        try await withTestApp { t in
            try await t.loadDemoTargets()
            let xh04 = try await t.target("XH04").requireID()
            let xh02 = try await t.target("XH02").requireID()
            let tc16 = try await t.target("TC16").requireID()
            let nam = try await t.token(TestApp.Demo.reporter)
            var w32 = ReportBody()
            w32.targets = [.init(targetId: xh04, value: "10", completed: true)]
            #expect(try await t.api(.PUT, "/api/v1/reports/2021-W32", token: nam, json: w32).status == .ok)
            #expect(try await t.api(.POST, "/api/v1/reports/2021-W32/submit", token: nam).status == .ok)
            var w33 = ReportBody()
            w33.targets = [.init(targetId: xh04, value: "12", completed: true), .init(targetId: xh02, value: "3", completed: false),
                           .init(targetId: tc16, value: "1", completed: true)]
            let saved = try await t.api(.PUT, "/api/v1/reports/2021-W33", token: nam, json: w33)
            #expect(saved.status == .ok, "\(saved.body.string)")
            // A draft does not count yet.
            let draft = try await t.api(.GET, "/api/v1/targets/\(xh04)/progress?week=2021-W33", token: nam).content.decode(ProgressAnswer.self)
            #expect(draft == ProgressAnswer(week: "2021-W33", value: nil, yearToDate: 10, planned: 150, percent: 6.7))
            #expect(try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: nam).status == .ok)
            var w34 = ReportBody()
            w34.targets = [.init(targetId: xh04, value: "100", completed: true)]
            #expect(try await t.api(.PUT, "/api/v1/reports/2021-W34", token: nam, json: w34).status == .ok)

            let leader = try await t.token(TestApp.Demo.leader)
            let response = try await t.api(.GET, "/api/v1/targets/\(xh04)/progress?week=2021-W33", token: leader)
            #expect(response.status == .ok)
            #expect(try response.content.decode(ProgressAnswer.self) == ProgressAnswer(week: "2021-W33", value: 12, yearToDate: 22, planned: 150, percent: 14.7))
            #expect(try await t.api(.GET, "/api/v1/targets/\(xh04)/progress?week=2021-W32", token: leader).content.decode(ProgressAnswer.self)
                == ProgressAnswer(week: "2021-W32", value: 10, yearToDate: 10, planned: 150, percent: 6.7))
            #expect(try await t.api(.GET, "/api/v1/targets/\(xh04)/progress?week=2021-W34", token: leader).content.decode(ProgressAnswer.self)
                == ProgressAnswer(week: "2021-W34", value: nil, yearToDate: 22, planned: 150, percent: 14.7))
            // This week by default.
            #expect(try await t.api(.GET, "/api/v1/targets/\(xh04)/progress", token: leader).content.decode(ProgressAnswer.self).week == "2021-W33")
            // Work not completed is not counted.
            let notDone = try await t.api(.GET, "/api/v1/targets/\(xh02)/progress?week=2021-W33", token: leader)
            #expect(try notDone.content.decode(ProgressAnswer.self) == ProgressAnswer(week: "2021-W33", value: nil, yearToDate: nil, planned: 25, percent: nil))
            #expect(notDone.body.string.contains("\"value\":null"))
            #expect(try await t.api(.GET, "/api/v1/targets/\(tc16)/progress?week=2021-W33", token: leader).content.decode(ProgressAnswer.self)
                == ProgressAnswer(week: "2021-W33", value: 1, yearToDate: 1, planned: 1, percent: 100))
            // Malformed, non-existent and other-year weeks.
            for week in ["abc", "2021-W99", "2021-W00", "2021-33"] {
                let bad = try await t.api(.GET, "/api/v1/targets/\(xh04)/progress?week=\(week)", token: leader)
                #expect(bad.status == .notFound, "\(week)")
                #expect(try bad.content.get(String.self, at: "error", "code") == "week_not_found")
            }
            #expect(try await t.api(.GET, "/api/v1/targets/\(xh04)/progress?week=2020-W53", token: leader).status == .unprocessableEntity)
        }
    }
}

// MARK: - Import and export

@Suite("Targets: import and export")
struct TargetImportTests {
    @Test("The sample .xlsx: a dry run lists 31 targets and saves nothing; the import saves exactly 31")
    func sampleXLSX() async throws {
        try await withTestApp { t in
            let admin = try await t.token(TestApp.Demo.admin)
            let gov = try await t.groupID("Khối chính quyền")
            let xlsx = try TargetSample.data("chi-tieu-2021.xlsx")
            let dry = try await t.upload("/api/v1/targets/import?year=2021&groupId=\(gov)&dryRun=true", token: admin,
                                         contentType: TargetSample.xlsxType, body: xlsx)
            #expect(dry.status == .ok, "\(dry.body.string)")
            let preview = try dry.content.decode(ImportAnswer.self)
            #expect(preview.targets.count == 31)
            #expect(preview.problems.isEmpty)
            #expect(preview.dryRun && !preview.saved)
            #expect(preview.targets.allSatisfy { $0.action == "create" && $0.id == nil && $0.groupId == gov })
            #expect(preview.targets.first { $0.code == "KT06" }?.planned == 1850)
            #expect(preview.targets.first { $0.code == "NTM02" }?.planned == 1)
            #expect(try await Target.query(on: t.db).count() == 0)
            #expect(try await AuditEntry.query(on: t.db).count() == 0)

            let real = try await t.upload("/api/v1/targets/import?year=2021&groupId=\(gov)&dryRun=false", token: admin,
                                          contentType: TargetSample.xlsxType, body: xlsx)
            #expect(real.status == .ok, "\(real.body.string)")
            let done = try real.content.decode(ImportAnswer.self)
            #expect(done.saved && !done.dryRun)
            #expect(done.targets.count == 31 && done.targets.allSatisfy { $0.id != nil && $0.action == "create" })
            let stored = try await Target.query(on: t.db).filter(\.$year == 2021).sort(\.$sortOrder).all()
            #expect(stored.count == 31)
            #expect(stored.first?.code == "KT01" && stored.last?.code == "CV05")
            #expect(try await t.target("KT06").responsibleUnitID == (try await t.unitID("Tài chính - Kế toán")))
            #expect(try await t.target("NTM02").valueKind == .yesNo)
            #expect(try await AuditEntry.query(on: t.db).filter(\.$kind == "target").filter(\.$action == "import").count() == 31)

            // The flat CSV of the same table updates the same 31 targets; its group column wins over groupId.
            let csv = try await t.upload("/api/v1/targets/import?year=2021&groupId=\(gov)&dryRun=false", token: admin,
                                         contentType: "text/csv; charset=utf-8", body: try TargetSample.data("chi-tieu-2021.csv"))
            #expect(csv.status == .ok, "\(csv.body.string)")
            let updated = try csv.content.decode(ImportAnswer.self)
            #expect(updated.targets.count == 31 && updated.targets.allSatisfy { $0.action == "update" })
            #expect(try await Target.query(on: t.db).count() == 31)
            #expect(try await t.target("DT01").groupID == (try await t.groupID("Khối Đảng, Mặt trận, đoàn thể")))
            #expect(try await t.target("CV05").groupID == (try await t.groupID("Phòng chống Covid-19")))
        }
    }

    @Test("The sample .csv without a year takes the year from its header")
    func sampleCSV() async throws {
        try await withTestApp { t in
            let admin = try await t.token(TestApp.Demo.admin)
            let response = try await t.upload("/api/v1/targets/import?dryRun=false", token: admin, contentType: "text/csv",
                                              body: try TargetSample.data("chi-tieu-2021.csv"))
            #expect(response.status == .ok, "\(response.body.string)")
            let answer = try response.content.decode(ImportAnswer.self)
            #expect(answer.year == 2021 && answer.saved && answer.targets.count == 31)
            #expect(try await Target.query(on: t.db).filter(\.$year == 2021).count() == 31)
            #expect(try await t.target("KT07").planned == Decimal(string: "3.5"))
        }
    }

    @Test("A broken CSV: every row's problem with its row number, and nothing saved")
    func brokenCSV() async throws {
        try await withTestApp { t in
            let admin = try await t.token(TestApp.Demo.admin)
            let csv = """
            Mã,Chỉ tiêu,Đơn vị tính,Kế hoạch năm 2021,Cách tính lũy kế,Loại giá trị,Đơn vị phụ trách,Nhóm báo cáo
            KT01,Diện tích lúa,ha,320,cộng dồn,số thập phân,Địa chính - Nông nghiệp,Khối chính quyền
            KT02,Trồng rừng,ha,nhiều lắm,cộng dồn,số thập phân,Địa chính - Nông nghiệp,Khối chính quyền
            KT01,Lúa vụ hè thu,ha,100,cộng dồn,số thập phân,Địa chính - Nông nghiệp,Khối chính quyền
            KT03,Vườn mẫu,vườn,20,cộng dồn,số đếm,Hội Làm Vườn,Khối chính quyền
            KT04,Khu dân cư kiểu mẫu,khu,2,mới nhất,số đếm,hoi nong dan,Nhóm không có
            """
            for dryRun in [true, false] {
                let response = try await t.upload("/api/v1/targets/import?year=2021&dryRun=\(dryRun)", token: admin,
                                                  contentType: "text/csv", body: Data(csv.utf8))
                #expect(response.status == (dryRun ? .ok : .unprocessableEntity))
                let answer = try response.content.decode(ImportAnswer.self)
                #expect(answer.problems.map(\.row) == [3, 4, 5, 6])
                #expect(answer.problems[0].message.contains("nhiều lắm"))
                #expect(answer.problems[1].message.contains("trùng") && answer.problems[1].message.contains("dòng 2"))
                #expect(answer.problems[2].message.contains("Hội Làm Vườn"))
                #expect(answer.problems[3].message.contains("Nhóm không có"))
                #expect(!answer.saved)
                // "hoi nong dan" matched "Hội Nông dân" (diacritics and case ignored): only the group is wrong on row 6.
                #expect(answer.problems.filter { $0.row == 6 }.count == 1)
                #expect(answer.targets.map(\.code) == ["KT01", "KT03", "KT04"])
                if !dryRun {
                    #expect(try response.content.get(String.self, at: "error", "code") == "validation_failed")
                    #expect(try response.content.get(String.self, at: "error", "message").contains("4 lỗi"))
                }
            }
            #expect(try await Target.query(on: t.db).count() == 0)
            #expect(try await AuditEntry.query(on: t.db).count() == 0)
        }
    }

    @Test("Import refusals: roles, media types, empty bodies, bad parameters, unreadable files, other groups")
    func importRefusals() async throws {
        try await withTestApp { t in
            let csv = try TargetSample.data("chi-tieu-2021.csv")
            let admin = try await t.token(TestApp.Demo.admin)
            #expect(try await t.upload("/api/v1/targets/import?year=2021", token: nil, contentType: "text/csv", body: csv).status == .unauthorized)
            let reporter = try await t.token(TestApp.Demo.reporter)
            #expect(try await t.upload("/api/v1/targets/import?year=2021", token: reporter, contentType: "text/csv", body: csv).status == .forbidden)
            let json = try await t.upload("/api/v1/targets/import?year=2021", token: admin, contentType: "application/json", body: csv)
            #expect(json.status == .unsupportedMediaType)
            #expect(try await t.upload("/api/v1/targets/import?year=2021", token: admin, contentType: "text/csv", body: Data()).status == .badRequest)
            #expect(try await t.upload("/api/v1/targets/import?year=21", token: admin, contentType: "text/csv", body: csv).status == .badRequest)
            #expect(try await t.upload("/api/v1/targets/import?dryRun=maybe", token: admin, contentType: "text/csv", body: csv).status == .badRequest)
            #expect(try await t.upload("/api/v1/targets/import?groupId=\(UUID())", token: admin, contentType: "text/csv", body: csv).status == .unprocessableEntity)
            let broken = try await t.upload("/api/v1/targets/import?year=2021&dryRun=true", token: admin, contentType: TargetSample.xlsxType,
                                            body: Data("PK\u{3}\u{4}không phải tệp excel".utf8))
            #expect(broken.status == .ok)
            let brokenAnswer = try broken.content.decode(ImportAnswer.self)
            #expect(brokenAnswer.problems.first?.row == 0)
            #expect(brokenAnswer.problems.first?.message.hasPrefix("Không đọc được tệp") == true)
            let noHeader = try await t.upload("/api/v1/targets/import?year=2021&dryRun=false", token: admin, contentType: "text/csv",
                                              body: Data("a,b\n1,2\n".utf8))
            #expect(noHeader.status == .unprocessableEntity)
            let noYear = try await t.upload("/api/v1/targets/import", token: admin, contentType: "text/csv",
                                            body: Data("Mã,Chỉ tiêu,Đơn vị tính,Kế hoạch\nA1,Lúa,ha,3\n".utf8))
            #expect(noYear.status == .unprocessableEntity)
            #expect(try noYear.content.get([String: String].self, at: "error", "fields")["year"] != nil)

            // Nhung (NTM focal point) may import her group's rows only; the other groups' rows are problems.
            let nhung = try await t.token(TestApp.Demo.ntmAggregator)
            let mixed = try await t.upload("/api/v1/targets/import?year=2021&dryRun=false", token: nhung, contentType: "text/csv", body: csv)
            #expect(mixed.status == .unprocessableEntity)
            let answer = try mixed.content.decode(ImportAnswer.self)
            #expect(answer.problems.count == 27)
            #expect(answer.problems.allSatisfy { $0.message.contains("không phải đầu mối") })
            #expect(try await Target.query(on: t.db).count() == 0)
            let ntmOnly = """
            Mã,Chỉ tiêu,Đơn vị tính,Kế hoạch năm 2021,Cách tính lũy kế,Loại giá trị,Đơn vị phụ trách,Nhóm báo cáo
            NTM01,Số tiêu chí nông thôn mới nâng cao đạt chuẩn,tiêu chí,15,mới nhất,số đếm,Địa chính - Nông nghiệp,Nông thôn mới
            NTM03,Tỷ lệ hộ có nhà tiêu hợp vệ sinh,%,90,mới nhất,số thập phân,Địa chính - Nông nghiệp,nong thon moi
            """
            let own = try await t.upload("/api/v1/targets/import?year=2021&dryRun=false", token: nhung, contentType: "text/csv",
                                         body: Data(ntmOnly.utf8))
            #expect(own.status == .ok, "\(own.body.string)")
            #expect(try await Target.query(on: t.db).count() == 2)
        }
    }

    @Test("Export: the year's table with this week, year-to-date and % of plan, read back from the .xlsx")
    func export() async throws {
        try await withTestApp { t in
            try await t.loadDemoTargets()
            let xh04 = try await t.target("XH04").requireID()
            let nam = try await t.token(TestApp.Demo.reporter)
            for (week, value) in [("2021-W32", "10"), ("2021-W33", "12")] {
                var report = ReportBody()
                report.targets = [.init(targetId: xh04, value: value, completed: true)]
                #expect(try await t.api(.PUT, "/api/v1/reports/\(week)", token: nam, json: report).status == .ok)
                #expect(try await t.api(.POST, "/api/v1/reports/\(week)/submit", token: nam).status == .ok)
            }
            #expect(try await t.api(.GET, "/api/v1/targets/export.xlsx?year=2021", token: nil).status == .unauthorized)
            let response = try await t.api(.GET, "/api/v1/targets/export.xlsx?year=2021&week=2021-W33", token: nam)
            #expect(response.status == .ok)
            #expect(response.headers.contentType?.subType == "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            #expect(response.headers.first(name: .contentDisposition)?.contains("chi-tieu-2021-tuan-33.xlsx") == true)
            let sheet = try #require(try XLSXReader.read(Data(buffer: response.body)).sheets.first)
            #expect(sheet.rows[3] == ["STT", "Mã", "Chỉ tiêu", "ĐVT", "Kế hoạch năm", "Tuần này", "Lũy kế", "% KH", "Đơn vị phụ trách"])
            #expect(sheet.rows[0][0].contains("NĂM 2021"))
            #expect(sheet.rows[1][0].contains("Tuần 33/2021"))
            let row = try #require(sheet.rows.firstIndex { $0.count > 1 && $0[1] == "XH04" }) + 1
            #expect(sheet[row, 5]?.decimalValue == 150)
            #expect(sheet[row, 6]?.decimalValue == 12)
            #expect(sheet[row, 7]?.decimalValue == 22)
            #expect(sheet[row, 8]?.decimalValue == Decimal(string: "14.7"))
            #expect(sheet[row, 9]?.displayString == "Văn hóa - Xã hội")
            #expect(sheet.rows.filter { $0.count > 1 && !$0[1].isEmpty && $0[1] != "Mã" }.count == 50)
            #expect(sheet.rows.contains { $0.first == "I" && $0[2] == "Khối chính quyền" })
            #expect(sheet.rows.contains { $0.first == "III" && $0[2] == "Nông thôn mới" })
            let tc16 = try #require(sheet.rows.first { $0.count > 1 && $0[1] == "TC16" })
            #expect(tc16[4] == "Đạt")
            let kt01 = try #require(sheet.rows.first { $0.count > 1 && $0[1] == "KT01" })
            #expect(kt01[5] == "" && kt01[6] == "" && kt01[7] == "")

            // One group, and the week before.
            let covid = try await t.groupID("Phòng chống Covid-19")
            let one = try await t.api(.GET, "/api/v1/targets/export.xlsx?year=2021&groupId=\(covid)&week=2021-W32", token: nam)
            let oneSheet = try #require(try XLSXReader.read(Data(buffer: one.body)).sheets.first)
            #expect(oneSheet.rows.dropFirst(4).map { $0[1] } == ["CV01", "CV02", "CV03", "CV04", "CV05"])
            #expect(try await t.api(.GET, "/api/v1/targets/export.xlsx?week=2021-W99", token: nam).status == .notFound)

            // The page's download link works with the browser session.
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            let page = try await browser.get("/targets?year=2021")
            #expect(page.body.string.contains("/targets/export.xlsx?year=2021&amp;week=2021-W33"))
            let download = try await browser.get("/targets/export.xlsx?year=2021&week=2021-W33")
            #expect(download.status == .ok)
            #expect(try XLSXReader.read(Data(buffer: download.body)).sheets[0].rows[3][6] == "Lũy kế")
        }
    }
}

// MARK: - Pages

@Suite("Target pages")
struct TargetPageTests {
    static let everyone = [TestApp.Demo.admin, TestApp.Demo.leader, TestApp.Demo.office, TestApp.Demo.reporter,
                           TestApp.Demo.ntmAggregator, TestApp.Demo.supervisor]

    @Test("The table renders for everyone signed in, with filters and the behind-schedule marks", arguments: TargetPageTests.everyone)
    func table(username: String) async throws {
        try await withTestApp { t in
            try await t.loadDemoTargets()
            let browser = t.browser()
            try await browser.login(username)
            let page = try await browser.get("/targets")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("Bảng chỉ tiêu năm 2021"))
            #expect(html.contains("Số liệu đến Tuần 33/2021: 14/08 – 20/08"))
            #expect(html.contains("Diện tích gieo trồng lúa cả năm"))
            #expect(html.contains("1.850"))
            #expect(html.contains("Tiêu chí số 16 - Văn hóa"))
            #expect(html.contains("Chậm tiến độ"))
            #expect(html.contains("href=\"/targets\" aria-current=\"page\""))
            let manages = [TestApp.Demo.admin, TestApp.Demo.office, TestApp.Demo.ntmAggregator].contains(username)
            #expect(html.contains("/targets/new") == manages, "\(username)")
            #expect(html.contains("/targets/import") == manages, "\(username)")
            let ntm = try await t.groupID("Nông thôn mới")
            let filtered = try await browser.get("/targets?year=2021&group=\(ntm)&week=2021-W30")
            #expect(filtered.status == .ok)
            #expect(filtered.body.string.contains("Tuần 30/2021"))
            #expect(filtered.body.string.contains("TC01"))
            #expect(!filtered.body.string.contains("KT01"))
            #expect(try await browser.get("/targets?year=2030").body.string.contains("Chưa có chỉ tiêu nào"))
            #expect(try await browser.get("/targets?year=abc").status == .badRequest)
            #expect(try await browser.get("/targets?week=2021-W99").status == .notFound)
        }
    }

    @Test("The year's figures and who is behind: a summed target with progress on a straight line is not marked")
    func behind() async throws {
        try await withTestApp { t in
            try await t.loadDemoTargets()
            let xh04 = try await t.target("XH04").requireID()
            let nam = try await t.token(TestApp.Demo.reporter)
            var report = ReportBody()
            report.targets = [.init(targetId: xh04, value: "120", completed: true)]
            #expect(try await t.api(.PUT, "/api/v1/reports/2021-W33", token: nam, json: report).status == .ok)
            #expect(try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: nam).status == .ok)
            let browser = t.browser()
            try await browser.login(TestApp.Demo.leader)
            let html = try await browser.get("/targets?year=2021&group=\(try await t.groupID("Khối chính quyền"))").body.string
            let start = try #require(html.range(of: "<code>XH04</code>"))
            let row = html[start.lowerBound...].components(separatedBy: "</tr>")[0]
            #expect(row.contains("80%"))
            #expect(!row.contains("Chậm tiến độ"))
            let kt01 = try #require(html.range(of: "<code>KT01</code>"))
            #expect(html[kt01.lowerBound...].components(separatedBy: "</tr>")[0].contains("Chậm tiến độ"))
            #expect(html.contains("63,5%"), "33 of 52 weeks have passed")
        }
    }

    @Test("The form: new and edit for those who manage the group; refused input comes back as typed")
    func form() async throws {
        try await withTestApp { t in
            try await t.loadDemoTargets()
            let gov = try await t.groupID("Khối chính quyền")
            let ntm = try await t.groupID("Nông thôn mới")
            let kt01 = try await t.target("KT01").requireID()
            let tc01 = try await t.target("TC01").requireID()
            let browser = t.browser()
            try await browser.login(TestApp.Demo.ntmAggregator)
            let new = try await browser.get("/targets/new?year=2021&group=\(ntm)")
            #expect(new.status == .ok)
            #expect(new.body.string.contains("Thêm chỉ tiêu"))
            #expect(new.body.string.contains("<option value=\"\(ntm)\" selected>Nông thôn mới</option>"))
            #expect(!new.body.string.contains("Khối chính quyền</option>"), "only her own groups")
            #expect(try await browser.get("/targets/\(tc01)").status == .ok)
            #expect(try await browser.get("/targets/\(kt01)").status == .forbidden)
            #expect(try await browser.get("/targets/\(UUID())").status == .notFound)

            let refused = try await browser.post("/targets", [
                ("year", "2021"), ("groupId", ntm.uuidString), ("code", "NTM 9"), ("name", "Đường <b>thôn</b>"), ("unitOfMeasure", "km"),
                ("planned", "hai"), ("valueKind", "decimal"), ("yearToDateRule", "sum"), ("responsibleUnitId", ""), ("responsiblePersonId", ""),
            ])
            #expect(refused.status == .unprocessableEntity)
            let html = refused.body.string
            #expect(html.contains("value=\"NTM 9\""))
            #expect(html.contains("Đường &lt;b&gt;thôn&lt;/b&gt;"))
            #expect(html.contains("value=\"hai\""))
            #expect(html.contains("Mã ngắn (tối đa 20 ký tự)"))
            #expect(html.contains("Kế hoạch là một số không âm"))
            #expect(html.contains("aria-invalid=\"true\""))
            let duplicate = try await browser.post("/targets", [
                ("year", "2021"), ("groupId", ntm.uuidString), ("code", "tc01"), ("name", "Trùng"), ("unitOfMeasure", "km"),
                ("planned", ""), ("valueKind", "decimal"), ("yearToDateRule", "sum"),
            ])
            #expect(duplicate.status == .unprocessableEntity)
            #expect(duplicate.body.string.contains("Mã này đã dùng"))
            let forbidden = try await browser.post("/targets", [
                ("year", "2021"), ("groupId", gov.uuidString), ("code", "KT99"), ("name", "X"), ("unitOfMeasure", "ha"),
                ("valueKind", "decimal"), ("yearToDateRule", "sum"),
            ])
            #expect(forbidden.status == .forbidden)

            let lluc = try await t.person(DemoCommune.username(for: "Bùi Văn Lực"))
            let created = try await browser.post("/targets", [
                ("year", "2021"), ("groupId", ntm.uuidString), ("code", "NTM05"), ("name", "Đường trục thôn được cứng hóa"),
                ("unitOfMeasure", "km"), ("planned", "1,5"), ("valueKind", "decimal"), ("yearToDateRule", "sum"),
                ("responsibleUnitId", try await t.unitID("Địa chính - Xây dựng").uuidString), ("responsiblePersonId", try lluc.requireID().uuidString),
            ])
            #expect(created.status == .seeOther)
            #expect(created.location == "/targets?year=2021&group=\(ntm)&notice=saved")
            let stored = try await t.target("NTM05")
            #expect(try stored.planned == Decimal(string: "1.5"))
            #expect(stored.responsiblePersonID == lluc.id)
            let edit = try await browser.get("/targets/\(try stored.requireID())")
            #expect(edit.body.string.contains("value=\"1,5\""))
            let changed = try await browser.post("/targets/\(try stored.requireID())", [
                ("year", "2021"), ("groupId", ntm.uuidString), ("code", "NTM05"), ("name", "Đường trục thôn được cứng hóa"),
                ("unitOfMeasure", "km"), ("planned", "2"), ("valueKind", "decimal"), ("yearToDateRule", "sum"),
                ("responsibleUnitId", ""), ("responsiblePersonId", ""),
            ])
            #expect(changed.status == .seeOther)
            let after = try await t.target("NTM05")
            #expect(try after.planned == 2 && after.responsibleUnitID == nil && after.responsiblePersonID == nil)
            let toggled = try await browser.post("/targets/\(try stored.requireID())/active", [("active", "false")])
            #expect(toggled.status == .seeOther)
            #expect(try await t.target("NTM05").active == false)
            #expect(try await browser.post("/targets/\(kt01)/active", [("active", "false")]).status == .forbidden)
            let actions = try await AuditEntry.query(on: t.db).filter(\.$kind == "target").sort(\.$at).all().map(\.action)
            #expect(actions == ["create", "update", "update"])
            let page = try await browser.get("/targets?year=2021&group=\(ntm)&notice=saved")
            #expect(page.body.string.contains("Đã lưu."))
        }
    }

    @Test("The manage pages refuse those who do not manage any group; signed-out visitors go to the login page",
          arguments: [TestApp.Demo.leader, TestApp.Demo.reporter, TestApp.Demo.supervisor])
    func refused(username: String) async throws {
        try await withTestApp { t in
            try await t.loadDemoTargets()
            let kt01 = try await t.target("KT01").requireID()
            let browser = t.browser()
            try await browser.login(username)
            for path in ["/targets/new", "/targets/import", "/targets/\(kt01)"] {
                let page = try await browser.get(path)
                #expect(page.status == .forbidden, "\(username) \(path)")
                #expect(page.body.string.contains("Bạn không có quyền"))
            }
            #expect(try await browser.post("/targets/\(kt01)", [("name", "X")]).status == .forbidden)
            #expect(try await browser.post("/targets/import/confirm", [("year", "2021"), ("content", "YQ==")]).status == .forbidden)
            let anonymous = t.browser()
            for path in ["/targets", "/targets/new", "/targets/import", "/targets/\(kt01)", "/targets/export.xlsx"] {
                let page = try await anonymous.get(path)
                #expect(page.status == .seeOther, "\(path)")
                #expect(page.location?.hasPrefix("/login?next=") == true)
            }
        }
    }

    @Test("Import through the browser: upload, preview with every target, confirm saves all")
    func importPreviewAndConfirm() async throws {
        try await withTestApp { t in
            let gov = try await t.groupID("Khối chính quyền")
            let browser = t.browser()
            try await browser.login(TestApp.Demo.admin)
            let form = try await browser.get("/targets/import")
            #expect(form.status == .ok)
            #expect(form.body.string.contains("enctype=\"multipart/form-data\""))
            #expect(form.body.string.contains("value=\"2021\""))

            let missing = try await browser.postMultipart("/targets/import", [("year", "2021"), ("groupId", gov.uuidString)],
                                                          files: [("file", "", "application/octet-stream", Data())])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.body.string.contains("Chọn tệp .xlsx hoặc .csv."))

            let preview = try await browser.postMultipart("/targets/import", [("year", "2021"), ("groupId", gov.uuidString)],
                                                          files: [("file", "chi-tieu-2021.xlsx", TargetSample.xlsxType, try TargetSample.data("chi-tieu-2021.xlsx"))])
            #expect(preview.status == .ok, "\(preview.body.string.prefix(400))")
            let html = preview.body.string
            #expect(html.contains("31 chỉ tiêu năm 2021: 31 thêm mới, 0 cập nhật."))
            #expect(html.contains("Xác nhận nhập"))
            #expect(html.contains("Diện tích gieo trồng lúa cả năm"))
            #expect(html.contains("Số ca mắc cao nhất trong một tuần"))
            #expect(try await Target.query(on: t.db).count() == 0)

            let content = try #require(hiddenField("content", in: html))
            #expect(Data(base64Encoded: content) == (try TargetSample.data("chi-tieu-2021.xlsx")))
            let confirmed = try await browser.post("/targets/import/confirm", [
                ("year", try #require(hiddenField("year", in: html))), ("groupId", try #require(hiddenField("groupId", in: html))),
                ("fileName", "chi-tieu-2021.xlsx"), ("content", content),
            ])
            #expect(confirmed.status == .seeOther)
            #expect(confirmed.location == "/targets?year=2021&notice=saved")
            #expect(try await Target.query(on: t.db).count() == 31)
            #expect(try await AuditEntry.query(on: t.db).filter(\.$action == "import").count() == 31)

            // Again: the preview now says every target will be updated.
            let again = try await browser.postMultipart("/targets/import", [("year", "2021"), ("groupId", "")],
                                                        files: [("file", "chi-tieu-2021.csv", "text/csv", try TargetSample.data("chi-tieu-2021.csv"))])
            #expect(again.body.string.contains("31 chỉ tiêu năm 2021: 0 thêm mới, 31 cập nhật."))

            let broken = """
            Mã,Chỉ tiêu,Đơn vị tính,Kế hoạch năm 2021,Nhóm báo cáo
            KT01,Lúa,ha,abc,Khối chính quyền
            KT01,Lúa,ha,3,Khối chính quyền
            """
            let problems = try await browser.postMultipart("/targets/import", [("year", "2021"), ("groupId", "")],
                                                           files: [("file", "hong.csv", "text/csv", Data(broken.utf8))])
            #expect(problems.status == .ok)
            #expect(problems.body.string.contains("Tệp còn 2 lỗi"))
            #expect(problems.body.string.contains("Dòng 2:</strong> Kế hoạch năm “abc” không phải là số"))
            #expect(problems.body.string.contains("Dòng 3:</strong> Mã “KT01” bị trùng"))
            #expect(!problems.body.string.contains("Xác nhận nhập"))
            // Confirming a file with problems anyway (a stale page) saves nothing.
            let forced = try await browser.post("/targets/import/confirm", [
                ("year", "2021"), ("groupId", ""), ("content", Data(broken.utf8).base64EncodedString()),
            ])
            #expect(forced.status == .unprocessableEntity)
            #expect(try await Target.query(on: t.db).filter(\.$name == "Lúa").count() == 0)
        }
    }

    @Test("The NTM focal point imports through the browser too")
    func aggregatorImport() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login(TestApp.Demo.ntmAggregator)
            let form = try await browser.get("/targets/import?year=2021")
            #expect(form.status == .ok)
            #expect(form.body.string.contains("Nông thôn mới</option>"))
            #expect(!form.body.string.contains("Khối chính quyền</option>"))
        }
    }
}
