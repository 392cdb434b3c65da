@testable import App
import Fluent
import GiaoBanCore
import Testing
import Vapor
import VaporTesting

@Suite("Migrations, bootstrap and the demo commune")
struct MigrationAndBootstrapTests {
    @Test("Migrations run on a fresh database and revert cleanly")
    func migrateAndRevert() async throws {
        try await withTestApp(demo: false) { t in
            #expect(try await Person.query(on: t.db).count() == 0)
            try await t.app.autoRevert()
            try await t.app.autoMigrate()
            #expect(try await Commune.query(on: t.db).count() == 0)
        }
    }

    @Test("An empty database gets the admin account with the configured password")
    func firstAdmin() async throws {
        try await withTestApp(demo: false) { t in
            t.app.giaobanConfig.initialAdminPassword = "mat-khau-rat-dai"
            try await Bootstrap.prepare(t.app)
            let admin = try await t.person("admin")
            #expect(admin.roles == [.admin])
            #expect(try await t.app.password.async.verify("mat-khau-rat-dai", created: admin.passwordHash))
            // A second start changes nothing.
            try await Bootstrap.prepare(t.app)
            #expect(try await Person.query(on: t.db).count() == 1)
            let token = try await t.token("admin", password: "mat-khau-rat-dai")
            #expect(!token.isEmpty)
        }
    }

    @Test("Without a configured password the first admin gets a random one")
    func randomAdminPassword() async throws {
        try await withTestApp(demo: false) { t in
            t.app.giaobanConfig.initialAdminPassword = nil
            try await Bootstrap.prepare(t.app)
            let admin = try await t.person("admin")
            #expect(!(try await t.app.password.async.verify("", created: admin.passwordHash)))
        }
    }

    @Test("The demo commune is shaped like the letter")
    func demoCommune() async throws {
        try await withTestApp { t in
            let people = try await Person.query(on: t.db).all()
            #expect((28...34).contains(people.count))
            #expect(Set(people.map(\.username)).count == people.count)
            let kinds = Set(try await OrgUnit.query(on: t.db).all().map(\.kind))
            #expect(kinds == Set(UnitKind.allCases))
            let groups = try await ReportGroup.query(on: t.db).sort(\.$sortOrder).all()
            #expect(groups.map(\.name) == ["Khối chính quyền", "Khối Đảng, Mặt trận, đoàn thể", "Nông thôn mới", "Phòng chống Covid-19"])
            #expect(groups.filter { $0.approverID != nil }.map(\.name) == ["Phòng chống Covid-19"])
            for group in groups {
                let aggregators = try await GroupMembership.query(on: t.db).filter(\.$groupID == group.requireID())
                    .filter(\.$kind == .aggregator).count()
                #expect(aggregators >= 1, "\(group.name) has an aggregator")
            }
            #expect(try await Room.query(on: t.db).count() == 3)
            let cells = try await PartyCell.query(on: t.db).all()
            #expect(cells.count == 8)
            for cell in cells {
                #expect(try await CellSupervisor.query(on: t.db).filter(\.$cellID == cell.requireID()).count() >= 1)
            }
            // Usernames are readable ASCII, derived from the names.
            #expect(TestApp.Demo.ntmAggregator == "nhung.dth")
        }
    }
}
