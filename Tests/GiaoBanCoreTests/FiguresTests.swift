import Foundation
import Testing
@testable import GiaoBanCore

@Suite("One figure per target and week: plausibility, folding, groups of lines")
struct FiguresTests {
    static let coverage = TargetFacts(kind: .decimal, unitOfMeasure: "%", planned: 95, rule: .latest)

    @Test("A coverage rate above 100 % and a yes/no value other than 0/1 are impossible")
    func impossible() {
        guard case .impossible(let message) = FigurePlausibility.check(168.2, facts: Self.coverage) else { Issue.record("accepted"); return }
        #expect(message.contains("100%"))
        #expect(FigurePlausibility.check(100, facts: Self.coverage) == .plausible)
        // A % target whose plan is above 100 (growth rates) is not a coverage rate.
        #expect(FigurePlausibility.check(130, facts: TargetFacts(kind: .decimal, unitOfMeasure: "%", planned: 120, rule: .latest)) == .plausible)
        #expect(FigurePlausibility.check(130, facts: TargetFacts(kind: .decimal, unitOfMeasure: "Tỷ lệ (%)", planned: 90, rule: .latest)) != .plausible)
        guard case .impossible = FigurePlausibility.check(2, facts: TargetFacts(kind: .yesNo, rule: .latest)) else { Issue.record("2 as yes/no"); return }
        #expect(FigurePlausibility.check(1, facts: TargetFacts(kind: .yesNo, rule: .latest)) == .plausible)
    }

    @Test("A latest value more than ten times last week's needs a confirmation; sums and first figures do not")
    func unusual() {
        var facts = TargetFacts(kind: .count, unitOfMeasure: "người", planned: nil, rule: .latest, previousWeekValue: 5)
        #expect(FigurePlausibility.check(50, facts: facts) == .plausible)
        guard case .unusual(let message) = FigurePlausibility.check(51, facts: facts) else { Issue.record("not unusual"); return }
        #expect(message.hasPrefix("Số liệu tăng bất thường"))
        facts.previousWeekValue = nil
        #expect(FigurePlausibility.check(5000, facts: facts) == .plausible)
        facts.previousWeekValue = 5
        facts.rule = .sum
        #expect(FigurePlausibility.check(5000, facts: facts) == .plausible)
    }

    @Test("The report rules refuse the impossible, ask about the unusual, and mark a confirmed jump")
    func reportRules() throws {
        let target = UUID()
        let week = try CommuneCalendar().week(parsing: "2021-W34")
        var facts = Self.coverage
        facts.previousWeekValue = 8
        let context = WeeklyReportContext(targets: [target: .decimal], activityTypes: [], roomIDs: [], personIDs: [], planWeek: week,
                                          targetFacts: [target: facts])
        let refused = WeeklyReportRules.validate(WeeklyReportInput(figures: [.init(targetID: target, value: "168,2", completed: true)]), context: context)
        #expect(refused.problems["targets[0].value"]?.contains("100%") == true)
        let jump = WeeklyReportRules.validate(WeeklyReportInput(figures: [.init(targetID: target, value: "85", completed: true)]), context: context)
        #expect(jump.problems["targets[0].value"]?.hasPrefix("Số liệu tăng bất thường") == true)
        let confirmed = WeeklyReportRules.validate(WeeklyReportInput(figures: [.init(targetID: target, value: "85", completed: true, confirmJump: true)]),
                                                   context: context)
        #expect(confirmed.problems.isEmpty)
        #expect(confirmed.report.figures.first?.unusualJump == true)
    }

    @Test("Folding duplicates: a sum keeps the total, latest and max keep the figure submitted last")
    func folding() {
        let early = Date(timeIntervalSince1970: 1_000), late = Date(timeIntervalSince1970: 2_000)
        let entries = [FigureFolding.Entry(value: 85, submittedAt: late), FigureFolding.Entry(value: 84, submittedAt: early)]
        #expect(FigureFolding.fold(entries, rule: .sum) == 169)
        #expect(FigureFolding.fold(entries, rule: .latest) == 85)
        #expect(FigureFolding.fold([.init(value: 90, submittedAt: early), .init(value: 40, submittedAt: late)], rule: .max) == 40)
        #expect(FigureFolding.fold([], rule: .sum) == nil)
    }

    @Test("A line goes to the groups chosen, or to the author's default; a group the author is not in is refused")
    func lineGroups() throws {
        let bloc = UUID(), ntm = UUID(), other = UUID()
        let week = try CommuneCalendar().week(parsing: "2021-W34")
        let context = WeeklyReportContext(targets: [:], activityTypes: [], roomIDs: [], personIDs: [], planWeek: week,
                                          authorGroupIDs: [bloc, ntm], defaultGroupIDs: [bloc])
        let input = WeeklyReportInput(work: [
            .init(description: "Lao động làm đường", quantity: "2", unit: "buổi", groupIDs: [ntm.uuidString], forecast: true),
            .init(description: "Ban hành công văn", quantity: "3", unit: "công văn"),
            .init(description: "Việc khác", quantity: "1", unit: "việc", groupIDs: [other.uuidString]),
        ], difficulties: "  Thiếu kinh phí sửa loa.  ")
        let result = WeeklyReportRules.validate(input, context: context)
        #expect(result.report.work.map(\.groupIDs) == [[ntm], [bloc]])
        #expect(result.report.work.first?.forecast == true)
        #expect(result.problems.keys.sorted() == ["work[2].groupIds"])
        #expect(result.report.difficulties == "Thiếu kinh phí sửa loa.")
        let long = WeeklyReportRules.validate(WeeklyReportInput(difficulties: String(repeating: "a", count: 4001)), context: context)
        #expect(long.problems["difficulties"] != nil)
    }

    @Test("A draft typed before lines had groups still decodes")
    func legacyDraft() throws {
        let json = #"{"figures":[{"targetID":"6E7B3C2A-0000-4000-8000-000000000001","value":"3","completed":true}],"work":[{"description":"Họp","quantity":"1","unit":"cuộc","activityType":"","place":"","dates":""}],"plans":[]}"#
        let input = try JSONDecoder().decode(WeeklyReportInput.self, from: Data(json.utf8))
        #expect(input.work.first?.groupIDs == [] && input.work.first?.forecast == false)
        #expect(input.difficulties == "" && input.figures.first?.confirmJump == false)
        #expect(try JSONDecoder().decode(WeeklyReportInput.self, from: JSONEncoder().encode(input)) == input)
    }
}
