@testable import App
import Fluent
import Foundation
import GiaoBanCore
import Testing
import Vapor
import VaporTesting

@Suite("Tenancy: one deployment, many communes, nothing crosses")
struct TenancyTests {
    @Test("No commune reads or changes another's data through any API route; the province reads roll-ups only")
    func isolation() async throws {
        try await withTestApp { t in
            // Commune A is the demo, with a few records of every kind; commune B is generated.
            let fixtures = try await addReportFixtures(t)
            let nam = try await t.token(TestApp.Demo.reporter)
            _ = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: nam)
            let kimLu = try #require(try await PartyCell.query(on: t.db).filter(\.$name == "Chi bộ thôn Kim Lữ").first())
            let meeting = try await t.api(.POST, "/api/v1/cells/\(try kimLu.requireID())/meetings", token: try await t.token(TestApp.Demo.supervisor),
                                          json: MeetingBody())
            let meetingID = try meeting.content.decode(CellMeetingDTO.self).id
            let communeA = try #require(try await Commune.query(on: t.db).first())
            try await t.generateCommunes(1, people: 8, weeks: 2, prefix: "b")
            let tokenB = try await t.token("b001.p001")

            let unit = try #require(try await OrgUnit.query(on: t.db).filter(\.$communeID == communeA.requireID()).first())
            let person = try await t.person(TestApp.Demo.reporter)
            let group = try #require(try await ReportGroup.query(on: t.db).filter(\.$communeID == communeA.requireID()).first())
            let room = try #require(try await Room.query(on: t.db).filter(\.$communeID == communeA.requireID()).first())
            let ids: [String: UUID] = [
                "units": try unit.requireID(), "people": try person.requireID(), "groups": try group.requireID(),
                "rooms": try room.requireID(), "cells": try kimLu.requireID(), "targets": try fixtures.count.requireID(),
            ]
            var secrets = Set(ids.values.map(\.uuidString))
            secrets.insert(try communeA.requireID().uuidString)
            secrets.insert(meetingID.uuidString)
            let before = try await Self.fingerprint(communeID: communeA.requireID(), on: t.db)

            var checked = 0
            for route in t.app.routes.all {
                var parts: [String] = []
                var targetsA = false
                var previous = ""
                for component in route.path {
                    switch component {
                    case .constant(let value): parts.append(value); previous = value
                    case .parameter(let name):
                        targetsA = true
                        switch name {
                        case "weekID": parts.append("2021-W33"); targetsA = false
                        case "month": parts.append("2021-08"); targetsA = false
                        case "year": parts.append("2021"); targetsA = false
                        case "meetingID": parts.append(meetingID.uuidString)
                        case "unitID": parts.append(try unit.requireID().uuidString)
                        case "itemID": parts.append(UUID().uuidString)
                        default: parts.append((ids[previous] ?? UUID()).uuidString)
                        }
                    case .anything, .catchall: parts.append("x")
                    }
                }
                guard parts.count > 2, parts[0] == "api", parts[1] == "v1", parts[2] != "auth" else { continue }
                let path = "/" + parts.joined(separator: "/")
                let response = try await t.app.testing().sendRequest(route.method, path, beforeRequest: { req in
                    req.headers.bearerAuthorization = .init(token: tokenB)
                    if route.method != .GET {
                        req.headers.contentType = .json
                        req.body = ByteBuffer(string: "{}")
                    }
                })
                checked += 1
                #expect(response.status.code < 500, "\(route.method) \(path) → \(response.status)")
                let body = response.body.string
                for secret in secrets where body.contains(secret) {
                    Issue.record("\(route.method) \(path) shows commune A's \(secret)")
                }
                #expect(!body.contains("Sơn Kim 2"), "\(route.method) \(path) names commune A")
                if targetsA {
                    #expect(!(200..<300).contains(response.status.code) || route.method == .GET && body.count < 400,
                            "\(route.method) \(path) acted on commune A's record: \(response.status)")
                }
            }
            #expect(checked > 60, "every API route was tried")
            #expect(try await Self.fingerprint(communeID: communeA.requireID(), on: t.db) == before, "commune A is unchanged")

            // The province account reads B's figures, not A's, and nothing else.
            let province = try await t.token("btinh")
            let rollups = try await t.api(.GET, "/api/v1/rollups?year=2021", token: province)
            #expect(rollups.status == .ok)
            let dto = try rollups.content.decode(RollupsDTO.self)
            #expect(dto.communes.map(\.name) == ["Xã Thử Nghiệm 001"])
            #expect(dto.communes.first?.people == 7)
            #expect(dto.communes.first.map { $0.onTime + $0.late + $0.missing } ?? 0 > 0)
            #expect(try await t.api(.GET, "/api/v1/people", token: province).content.decode(ListDTO<PersonDTO>.self).items.map(\.username) == ["btinh"])
            #expect(try await t.api(.GET, "/api/v1/ledger?year=2021", token: province).status == .forbidden)
            #expect(try await t.api(.GET, "/api/v1/rollups", token: tokenB).status == .forbidden)
            #expect(try await t.api(.GET, "/api/v1/rollups", token: nam).status == .forbidden)
            let browser = t.browser()
            try await browser.login("btinh")
            let page = try await browser.get("/rollups?year=2021")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Xã Thử Nghiệm 001"))
        }
    }

    /// Counts of a commune's records that an attack through another commune could change.
    static func fingerprint(communeID: UUID, on db: any Database) async throws -> [Int] {
        [
            try await OrgUnit.query(on: db).filter(\.$communeID == communeID).count(),
            try await Person.query(on: db).filter(\.$communeID == communeID).filter(\.$active == true).count(),
            try await ReportGroup.query(on: db).filter(\.$communeID == communeID).filter(\.$active == true).count(),
            try await Target.query(on: db).filter(\.$communeID == communeID).filter(\.$active == true).count(),
            try await WeeklyReport.query(on: db).filter(\.$communeID == communeID).count(),
            try await CellMeeting.query(on: db).filter(\.$communeID == communeID).count(),
            try await ScheduleEntry.query(on: db).filter(\.$communeID == communeID).count(),
            try await AuditEntry.query(on: db).filter(\.$communeID == communeID).count(),
            try await PartyCell.query(on: db).filter(\.$communeID == communeID).filter(\.$active == true).count(),
            try await Room.query(on: db).filter(\.$communeID == communeID).filter(\.$active == true).count(),
        ]
    }
}
