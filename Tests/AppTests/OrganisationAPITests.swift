@testable import App
import Fluent
import GiaoBanCore
import Testing
import Vapor
import VaporTesting

@Suite("Organisation API and admin forms")
struct OrganisationAPITests {
    struct Created: Decodable { var id: UUID }

    @Test("Units: create, list, update, deactivate; validation, conflicts and roles")
    func units() async throws {
        try await withTestApp { t in
            let admin = try await t.token(TestApp.Demo.admin)
            let reporter = try await t.token(TestApp.Demo.reporter)
            let created = try await t.api(.POST, "/api/v1/units", token: admin, json: ["name": "Ban Chỉ huy Quân sự", "kind": "field"])
            #expect(created.status == .created)
            let id = try created.content.decode(Created.self).id
            #expect(try created.content.get(String.self, at: "kind") == "field")
            let list = try await t.api(.GET, "/api/v1/units", token: reporter)
            #expect(list.status == .ok)
            #expect(try list.content.get([UnitDTO].self, at: "items").contains { $0.id == id })
            let renamed = try await t.api(.PATCH, "/api/v1/units/\(id)", token: admin, json: ["name": "Ban CHQS xã"])
            #expect(try renamed.content.get(String.self, at: "name") == "Ban CHQS xã")
            let off = try await t.api(.PATCH, "/api/v1/units/\(id)", token: admin, json: ["active": false])
            #expect(try off.content.get(Bool.self, at: "active") == false)

            let invalid = try await t.api(.POST, "/api/v1/units", token: admin, json: ["name": " ", "kind": "club"])
            #expect(invalid.status == .unprocessableEntity)
            let fields = try invalid.content.get([String: String].self, at: "error", "fields")
            #expect(fields["name"] == "Không được để trống.")
            #expect(fields["kind"] != nil)
            let duplicate = try await t.api(.POST, "/api/v1/units", token: admin, json: ["name": "Hội Nông dân", "kind": "association"])
            #expect(duplicate.status == .conflict)
            #expect(try await t.api(.POST, "/api/v1/units", token: reporter, json: ["name": "X", "kind": "field"]).status == .forbidden)
            #expect(try await t.api(.PATCH, "/api/v1/units/\(id)", token: reporter, json: ["name": "Y"]).status == .forbidden)
            #expect(try await t.api(.GET, "/api/v1/units/\(UUID())", token: reporter).status == .notFound)
            let malformed = try await t.app.testing().sendRequest(.POST, "/api/v1/units", beforeRequest: { req in
                req.headers.bearerAuthorization = .init(token: admin)
                req.headers.contentType = .json
                req.body = ByteBuffer(string: "[1,2")
            })
            #expect(malformed.status == .badRequest)
            #expect(try malformed.content.get(String.self, at: "error", "code") == "malformed_body")
        }
    }

    @Test("People: accounts with roles and units; the password is never returned")
    func people() async throws {
        try await withTestApp { t in
            let admin = try await t.token(TestApp.Demo.admin)
            let unit = try #require(try await OrgUnit.query(on: t.db).filter(\.$name == "Hội Phụ nữ").first())
            struct NewPerson: Encodable, Sendable {
                var fullName: String; var username: String; var password: String; var unitIds: [UUID]; var roles: [String]
            }
            let body = NewPerson(fullName: "Nguyễn Thị Mai Anh", username: "anh.ntm", password: "mat-khau-2021",
                                 unitIds: [try unit.requireID()], roles: ["reporter"])
            let created = try await t.api(.POST, "/api/v1/people", token: admin, json: body)
            #expect(created.status == .created)
            #expect(!created.body.string.contains("password"))
            let person = try created.content.decode(PersonDTO.self)
            #expect(person.unitIds == [try unit.requireID()])
            #expect(person.roles == ["reporter"])
            _ = try await t.token("anh.ntm", password: "mat-khau-2021")

            let taken = try await t.api(.POST, "/api/v1/people", token: admin, json: body)
            #expect(taken.status == .conflict)
            struct Bad: Encodable, Sendable { var fullName: String; var username: String; var password: String; var roles: [String]; var unitIds: [UUID] }
            let bad = try await t.api(.POST, "/api/v1/people", token: admin,
                                      json: Bad(fullName: "", username: "Có Dấu", password: "123", roles: ["king"], unitIds: [UUID()]))
            #expect(bad.status == .unprocessableEntity)
            let fields = try bad.content.get([String: String].self, at: "error", "fields")
            #expect(Set(fields.keys) == ["fullName", "username", "password", "roles", "unitIds"])

            let promoted = try await t.api(.PATCH, "/api/v1/people/\(person.id)", token: admin, json: ["roles": ["reporter", "leader"]])
            #expect(try promoted.content.get([String].self, at: "roles") == ["leader", "reporter"])
            // An admin cannot remove their own admin role.
            let me = try await t.person(TestApp.Demo.admin)
            let selfDemotion = try await t.api(.PATCH, "/api/v1/people/\(try me.requireID())", token: admin, json: ["roles": ["reporter"]])
            #expect(selfDemotion.status == .unprocessableEntity)
        }
    }

    @Test("Groups: aggregators, members and an optional approver")
    func groups() async throws {
        try await withTestApp { t in
            let admin = try await t.token(TestApp.Demo.admin)
            let office = try await t.person(TestApp.Demo.office)
            let reporter = try await t.person(TestApp.Demo.reporter)
            let leader = try await t.person(TestApp.Demo.leader)
            struct NewGroup: Encodable, Sendable { var name: String; var aggregatorIds: [UUID]; var memberIds: [UUID]; var approverId: UUID? }
            let created = try await t.api(.POST, "/api/v1/groups", token: admin,
                                          json: NewGroup(name: "Chuyển đổi số", aggregatorIds: [try office.requireID()],
                                                         memberIds: [try reporter.requireID()], approverId: try leader.requireID()))
            #expect(created.status == .created)
            let group = try created.content.decode(GroupDTO.self)
            #expect(group.requiresApproval)
            #expect(group.aggregatorIds == [try office.requireID()])
            let noApprover = try await t.api(.PATCH, "/api/v1/groups/\(group.id)", token: admin, json: ["clearApprover": true])
            #expect(try noApprover.content.get(Bool.self, at: "requiresApproval") == false)
            let empty = try await t.api(.POST, "/api/v1/groups", token: admin, json: NewGroup(name: "Trống", aggregatorIds: [], memberIds: [], approverId: nil))
            #expect(empty.status == .unprocessableEntity)
            // Aggregating comes from the group, not a role: the person now shows it.
            let person = try await t.api(.GET, "/api/v1/people/\(try office.requireID())", token: admin).content.decode(PersonDTO.self)
            #expect(person.aggregatorOf.contains(group.id))
            let list = try await t.api(.GET, "/api/v1/groups", token: admin).content.get([GroupDTO].self, at: "items")
            #expect(list.count == 5)

            // Every group lists its people in Vietnamese order of their names, whatever order
            // the rows were written in.
            let names = Dictionary(uniqueKeysWithValues: try await Person.query(on: t.db).all().map { ($0.id!, $0.fullName) })
            for item in list where item.memberIds.count > 1 || item.aggregatorIds.count > 1 {
                for ids in [item.memberIds, item.aggregatorIds] {
                    let listed = ids.compactMap { names[$0] }
                    #expect(listed == listed.sortedByVietnameseName { $0 }, "\(item.name): \(listed)")
                }
            }
            #expect(list.contains { $0.memberIds.count > 1 }, "the demo has groups of several members")
            // Members given in reverse Vietnamese order come back in order.
            let people = try await Person.query(on: t.db).filter(\.$communeID == office.communeID).all()
            let reversed = people.sortedByVietnameseName(\.fullName).prefix(4).reversed().map { $0.id! }
            let mixed = try await t.api(.POST, "/api/v1/groups", token: admin,
                                        json: NewGroup(name: "Tổ công tác", aggregatorIds: [try office.requireID()], memberIds: Array(reversed), approverId: nil))
            #expect(mixed.status == .created, "\(mixed.body.string)")
            let listed = try await t.api(.GET, "/api/v1/groups", token: admin).content.get([GroupDTO].self, at: "items")
            #expect(listed.first { $0.name == "Tổ công tác" }?.memberIds == Array(reversed.reversed()))
        }
    }

    @Test("Rooms and cells")
    func roomsAndCells() async throws {
        try await withTestApp { t in
            let admin = try await t.token(TestApp.Demo.admin)
            struct NewRoom: Encodable, Sendable { var name: String; var capacity: Int }
            let room = try await t.api(.POST, "/api/v1/rooms", token: admin, json: NewRoom(name: "Phòng một cửa", capacity: 8))
            #expect(room.status == .created)
            #expect(try room.content.get(Int.self, at: "capacity") == 8)
            #expect(try await t.api(.POST, "/api/v1/rooms", token: admin, json: NewRoom(name: "Sân", capacity: 0)).status == .unprocessableEntity)
            let supervisor = try await t.person(TestApp.Demo.supervisor)
            struct NewCell: Encodable, Sendable { var name: String; var supervisorIds: [UUID] }
            let cell = try await t.api(.POST, "/api/v1/cells", token: admin, json: NewCell(name: "Chi bộ thôn Mới", supervisorIds: [try supervisor.requireID()]))
            #expect(cell.status == .created)
            let dto = try cell.content.decode(CellDTO.self)
            #expect(dto.supervisorIds == [try supervisor.requireID()])
            let cells = try await t.api(.GET, "/api/v1/cells", token: try await t.token(TestApp.Demo.reporter))
            #expect(try cells.content.get([CellDTO].self, at: "items").count == 9)
        }
    }

    @Test("Ids of another commune look like unknown ids")
    func tenantIsolation() async throws {
        try await withTestApp { t in
            let other = Commune(name: "Xã khác")
            try await other.save(on: t.db)
            let foreignUnit = OrgUnit(communeID: try other.requireID(), name: "Đảng ủy", kind: .party)
            try await foreignUnit.save(on: t.db)
            let admin = try await t.token(TestApp.Demo.admin)
            #expect(try await t.api(.GET, "/api/v1/units/\(try foreignUnit.requireID())", token: admin).status == .notFound)
            #expect(try await t.api(.PATCH, "/api/v1/units/\(try foreignUnit.requireID())", token: admin, json: ["name": "X"]).status == .notFound)
            let units = try await t.api(.GET, "/api/v1/units", token: admin).content.get([UnitDTO].self, at: "items")
            #expect(!units.contains { $0.id == foreignUnit.id })
            struct NewPerson: Encodable, Sendable { var fullName: String; var username: String; var password: String; var unitIds: [UUID] }
            let sneaky = try await t.api(.POST, "/api/v1/people", token: admin,
                                         json: NewPerson(fullName: "A", username: "aaa", password: "12345678", unitIds: [try foreignUnit.requireID()]))
            #expect(sneaky.status == .unprocessableEntity)
        }
    }

    @Test("A refused admin form comes back with what was typed")
    func refusedForms() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login(TestApp.Demo.admin)
            let unit = try await browser.post("/admin/units", [("name", "Hội Nông dân"), ("kind", "association")])
            #expect(unit.status == .unprocessableEntity)
            #expect(unit.body.string.contains("Tên này đã có."))
            #expect(unit.body.string.contains("value=\"Hội Nông dân\""))
            let person = try await browser.post("/admin/people", [("fullName", "Trần Văn Mới"), ("username", "Sai Tên"), ("password", "123"),
                                                                  ("roles[]", "reporter")])
            #expect(person.status == .unprocessableEntity)
            #expect(person.body.string.contains("value=\"Trần Văn Mới\""))
            #expect(person.body.string.contains("value=\"Sai Tên\""))
            #expect(person.body.string.contains("Mật khẩu cần ít nhất 8 ký tự."))
            // The summary at the top lists every message in the form's order, each linking to its field.
            let summary = try #require(person.body.string.firstRange(of: "id=\"error-summary\"").map { person.body.string[$0.lowerBound...] })
            let usernameLink = try #require(summary.firstRange(of: "<a href=\"#username\">"))
            let passwordLink = try #require(summary.firstRange(of: "<a href=\"#password\">Mật khẩu cần ít nhất 8 ký tự.</a>"))
            #expect(usernameLink.lowerBound < passwordLink.lowerBound)
            #expect(person.body.string.contains("id=\"username\""))
            let room = try await browser.post("/admin/rooms", [("name", "Phòng khách"), ("capacity", "nhiều")])
            #expect(room.status == .unprocessableEntity)
            #expect(room.body.string.contains("value=\"nhiều\""))
            let good = try await browser.post("/admin/rooms", [("name", "Phòng khách"), ("capacity", "1.000")])
            #expect(good.status == .seeOther)
            #expect(try await Room.query(on: t.db).filter(\.$name == "Phòng khách").first()?.capacity == 1000)
            let settings = try await browser.post("/admin/settings", [("name", "Xã Sơn Kim 2"), ("timeZone", "Mars/Base"), ("weekStartDay", "saturday"),
                                                                      ("weeklyWeekday", "thursday"), ("weeklyTime", "25:00"),
                                                                      ("compilationWeekday", "friday"), ("compilationTime", "14:00"),
                                                                      ("cellReportDueDay", "10"), ("monthlyReportDueDay", "20")])
            #expect(settings.status == .unprocessableEntity)
            #expect(settings.body.string.contains("value=\"Mars/Base\""))
            #expect(settings.body.string.contains("value=\"25:00\""))
            #expect(settings.body.string.contains("<a href=\"#timeZone\">"))
            #expect(settings.body.string.contains("<a href=\"#weeklyTime\">"))
        }
    }

    @Test("Admin forms create and edit through the browser")
    func adminForms() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login(TestApp.Demo.admin)
            let unit = try #require(try await OrgUnit.query(on: t.db).filter(\.$name == "Hội Phụ nữ").first())
            let created = try await browser.post("/admin/people", [("fullName", "Lê  Thị   Hoa"), ("username", "hoa.lt"), ("password", "mat-khau-hoa"),
                                                                   ("roles[]", "reporter"), ("roles[]", "office"),
                                                                   ("unitIds[]", try unit.requireID().uuidString)])
            #expect(created.status == .seeOther)
            let hoa = try await t.person("hoa.lt")
            #expect(hoa.roles == [.reporter, .office])
            let settings = try await browser.post("/admin/settings", [("name", "Xã Sơn Kim 2"), ("timeZone", "Asia/Ho_Chi_Minh"),
                                                                      ("weekStartDay", "saturday"), ("weeklyWeekday", "thursday"),
                                                                      ("weeklyTime", "17:00"), ("compilationWeekday", "friday"),
                                                                      ("compilationTime", "11:00"), ("cellReportDueDay", "10"),
                                                                      ("monthlyReportDueDay", "20")])
            #expect(settings.status == .seeOther)
            let commune = try #require(try await Commune.query(on: t.db).first())
            #expect(commune.name == "Xã Sơn Kim 2")
            #expect(try commune.calendarSettings.weeklyReportDeadline.time.text == "17:00")
            let deactivate = try await browser.post("/admin/people/\(try hoa.requireID())/active", [("active", "false")])
            #expect(deactivate.status == .seeOther)
            #expect(try await t.person("hoa.lt").active == false)
        }
    }
}
