@testable import App
import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Every statement the main pages and API answers run finds its rows through an index, never by
/// reading a whole table (issue 20: on a province of 150 communes a group's targets were read by
/// scanning 6,000 rows for 10, a unit's people by scanning 8,850). The statements are the ones the
/// app really sends (caught from its query log), planned by SQLite with `EXPLAIN QUERY PLAN`; the
/// planner does not look at row counts here, so the small demo plans as a province would.
@Suite("Query plans: no page reads a whole table")
struct QueryPlanTests {
    /// Keeps the SQL of every statement logged while it is installed.
    final class StatementLog: LogHandler, @unchecked Sendable {
        private let statements = NIOLockedValueBox<[String]>([])
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            guard case .string(let sql)? = event.metadata?["sql"] else { return }
            statements.withLockedValue { $0.append(sql) }
        }

        func take() -> [String] { statements.withLockedValue { taken in defer { taken = [] }; return taken } }
    }

    /// Tables a plan may read whole: Fluent's own bookkeeping, read once at start.
    static let mayScan: Set<String> = ["_fluent_migrations"]

    /// The plan lines of `sql` that read a whole table (`SCAN t` without an index).
    static func scans(_ sql: String, on db: any SQLDatabase) async throws -> [String] {
        // Reads and writes that find rows; not transaction control, pragmas or these plans themselves.
        let verb = sql.prefix(while: { !$0.isWhitespace }).uppercased()
        guard ["SELECT", "WITH", "UPDATE", "DELETE"].contains(verb) else { return [] }
        // Parameters stay unbound (NULL): the plan does not depend on their values.
        let rows = try await db.raw(SQLQueryString("EXPLAIN QUERY PLAN " + sql)).all()
        return try rows.map { try $0.decode(column: "detail", as: String.self) }.filter { detail in
            guard detail.hasPrefix("SCAN "), !detail.contains(" USING ") else { return false }
            let table = detail.dropFirst("SCAN ".count).split(separator: " ").first.map(String.init) ?? ""
            return table != "CONSTANT" && !mayScan.contains(table)
        }
    }

    /// The statement from its `FROM`: the columns of a model read are a long, uninformative list.
    static func fromClause(_ sql: String) -> String {
        String((sql.range(of: " FROM ").map { sql[$0.lowerBound...] } ?? sql[...]).prefix(240))
    }

    @Test("The main pages, the API and the office's forms plan every statement on an index")
    func everyStatementUsesAnIndex() async throws {
        try await withTestApp { t in
            // The plans are SQLite's; PostgreSQL chooses by row counts, so a small demo proves nothing there.
            guard try SQLAccess.sql(t.db).dialect.name == "sqlite" else { return }
            let log = StatementLog()
            t.app.logger = Logger(label: "query-plans") { _ in log }
            let group = try #require(try await ReportGroup.query(on: t.db).filter(\.$name == "Khối chính quyền").first())
            let groupID = try group.requireID()
            let person = try #require(try await Person.query(on: t.db).filter(\.$username == TestApp.Demo.reporter).first())
            let personID = try person.requireID()
            let unit = try #require(try await OrgUnit.query(on: t.db).first())
            let pages = QueryCountTests.pages + [
                "/groups/\(groupID)/weeks/2021-W33", "/groups/\(groupID)/weeks/2021-W33/members/\(personID)",
                "/reports/2021-W33?personId=\(personID)", "/ledger/people/\(personID)", "/ledger/leaves", "/targets?year=2021",
                "/weeks/2021-W33", "/calendar", "/calendar/days-off", "/briefings/tasks", "/notifications", "/search?q=bao",
                "/audit", "/monthly/2021-08", "/monthly/2021-08/units/\(try unit.requireID())",
                "/cells/rotation?year=2021", "/account/access", "/admin/people", "/admin/units", "/admin/groups",
                "/admin/rooms", "/admin/cells", "/admin/settings", "/admin/setup", "/admin/groups/\(groupID)",
            ]
            let office = t.browser()
            try await office.login(TestApp.Demo.office)
            let admin = t.browser()
            try await admin.login(TestApp.Demo.admin)
            let token = try await t.token(TestApp.Demo.office)
            _ = log.take()
            var found: [String] = []
            let sql = try SQLAccess.sql(t.db)
            for path in pages {
                let browser = path.hasPrefix("/admin") || path.hasPrefix("/audit") || path.hasPrefix("/rollups") ? admin : office
                let page = try await browser.get(path)
                #expect(page.status == .ok, "\(path)")
                for statement in Set(log.take()) {
                    for scan in try await Self.scans(statement, on: sql) { found.append("\(path): \(scan) in …\(Self.fromClause(statement))") }
                }
            }
            for path in ["/api/v1/ledger?year=2021", "/api/v1/ledger/2021-W33", "/api/v1/groups/\(groupID)/weeks/2021-W33",
                         "/api/v1/targets?year=2021", "/api/v1/monthly-reports?month=2021-08"] {
                let response = try await t.api(.GET, path, token: token)
                #expect(response.status == .ok, "\(path)")
                for statement in Set(log.take()) {
                    for scan in try await Self.scans(statement, on: sql) { found.append("\(path): \(scan) in …\(Self.fromClause(statement))") }
                }
            }
            #expect(found.isEmpty, "statements that read a whole table:\n\(found.joined(separator: "\n"))")
        }
    }

    @Test("An empty IN list matches no row, on SQLite and on PostgreSQL (which refuses `IN ()`)")
    func emptyList() async throws {
        try await withTestApp { t in
            let none: [UUID] = []
            #expect(try await SQLAccess.models(Person.self, where: "id IN (\(list: none))", on: t.db).isEmpty)
            let someone = try #require(try await Person.query(on: t.db).first()?.id)
            #expect(try await SQLAccess.models(Person.self, where: "id IN (\(list: [someone]))", on: t.db).map(\.id) == [someone])
        }
    }
}
