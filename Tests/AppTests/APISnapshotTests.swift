@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

/// Snapshots of the main API answers for the demo week 2021-W33 (see `withDemoHistory`): the
/// JSON is re-indented with sorted keys; arrays keep their order.
@Suite("Snapshots of the main API answers")
struct APISnapshotTests {
    static let week = "2021-W33"

    func answer(_ t: TestApp, _ path: String, as username: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let response = try await t.api(.GET, path, token: try await t.token(username))
        #expect(response.status == .ok, "\(path) as \(username): \(response.status)", sourceLocation: sourceLocation)
        #expect(response.headers.contentType?.subType == "json", sourceLocation: sourceLocation)
        return response.body.string
    }

    @Test("GET /api/v1/groups/{id}/weeks/{week}, as the focal point")
    func groupWeek() async throws {
        try await withDemoHistory { t in
            let government = try await t.group("Khối chính quyền")
            assertSnapshot(of: try await answer(t, "/api/v1/groups/\(government)/weeks/\(Self.week)", as: TestApp.Demo.office),
                           named: "group-week", as: .json)
        }
    }

    @Test("GET /api/v1/ledger/{week}, as the office")
    func ledgerWeek() async throws {
        try await withDemoHistory { t in
            assertSnapshot(of: try await answer(t, "/api/v1/ledger/\(Self.week)", as: TestApp.Demo.office), named: "ledger-week", as: .json)
        }
    }

    @Test("GET /api/v1/reports/{week}, as the reporter")
    func report() async throws {
        try await withDemoHistory { t in
            assertSnapshot(of: try await answer(t, "/api/v1/reports/\(Self.week)", as: TestApp.Demo.reporter), named: "report", as: .json)
        }
    }
}
