@testable import App
import Fluent
import Foundation
import GiaoBanCore
import Testing
import Vapor
import VaporTesting

/// Issue 20: a target's year-to-date is kept on each of its weekly figures, in the transaction
/// that changes any figure of its year, so that pages read one row per target. These tests hold
/// every write path to it: what is stored is what the figures give now.
@Suite("The running year-to-date kept on each weekly figure")
struct RunningYearToDateTests {
    /// Computing every target's running year-to-date again from its figures changes nothing.
    static func expectKept(_ t: TestApp, _ comment: Comment) async throws {
        let figures = try await TargetWeekFigure.query(on: t.db).all()
        let stale = try TargetFigures.runningTotals(figures)
        #expect(stale.isEmpty, "\(comment): \(stale.count) of \(figures.count) figures keep another year-to-date")
    }

    static func yearToDate(_ t: TestApp, _ target: Target, through week: String, token: String) async throws -> Decimal? {
        let answer = try await t.api(.GET, "/api/v1/targets/\(try target.requireID())/progress?week=\(week)", token: token)
        #expect(answer.status == .ok, "\(answer.body.string)")
        return try answer.content.decode(TargetProgressDTO.self).yearToDate
    }

    @Test("Kept by every write: the demo, the generator, a report, a correction of an earlier week, a figure no longer completed, a withdrawn one")
    func keptByEveryWrite() async throws {
        try await withTestApp { t in
            try await Self.expectKept(t, "the demo commune")
            try await t.generateCommunes(1, people: 6, weeks: 3, prefix: "r")
            #expect(try await TargetWeekFigure.query(on: t.db).count() > 0)
            try await Self.expectKept(t, "a generated commune")

            let fixtures = try await addReportFixtures(t)
            let count = fixtures.count, countID = try count.requireID()
            let nam = try await t.token(TestApp.Demo.reporter)
            let office = try await t.token(TestApp.Demo.office)
            func file(_ week: String, _ figures: [ReportBody.Figure]) async throws {
                let saved = try await t.api(.PUT, "/api/v1/reports/\(week)", token: nam, json: ReportBody(targets: figures))
                #expect(saved.status == .ok, "\(saved.body.string)")
                let submitted = try await t.api(.POST, "/api/v1/reports/\(week)/submit", token: nam)
                #expect(submitted.status == .ok, "\(submitted.body.string)")
            }
            try await file("2021-W31", [.init(targetId: countID, value: "10", completed: true)])
            try await file("2021-W33", [.init(targetId: countID, value: "5", completed: true)])
            try await Self.expectKept(t, "two weeks filed")
            #expect(try await Self.yearToDate(t, count, through: "2021-W33", token: office) == 15)
            #expect(try await Self.yearToDate(t, count, through: "2021-W32", token: office) == 10, "a week without a figure keeps the week before's")
            #expect(try await Self.yearToDate(t, count, through: "2021-W30", token: office) == nil)

            // A correction of week 31 moves week 33's sum.
            try await file("2021-W31", [.init(targetId: countID, value: "20", completed: true)])
            try await Self.expectKept(t, "an earlier week corrected")
            #expect(try await Self.yearToDate(t, count, through: "2021-W33", token: office) == 25)

            // Week 31's work is not finished after all: it no longer counts.
            try await file("2021-W31", [.init(targetId: countID, value: "20", completed: false)])
            try await Self.expectKept(t, "a figure no longer completed")
            #expect(try await Self.yearToDate(t, count, through: "2021-W33", token: office) == 5)
            #expect(try await Self.yearToDate(t, count, through: "2021-W32", token: office) == nil)

            // Week 33's figure is withdrawn: nothing counts.
            try await file("2021-W33", [])
            try await Self.expectKept(t, "a figure withdrawn")
            #expect(try await Self.yearToDate(t, count, through: "2021-W33", token: office) == nil)
        }
    }
}
