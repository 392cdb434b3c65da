import Foundation
import Testing
@testable import GiaoBanCore

@Suite("Compiling and approving a group's week")
struct GroupWeekFlowTests {
    static let aggregator = GroupWeekActor(isAggregator: true, isApprover: false)
    static let approver = GroupWeekActor(isAggregator: false, isApprover: true)
    static let nobody = GroupWeekActor(isAggregator: false, isApprover: false)

    @Test("Every legal transition", arguments: [
        (GroupWeekAction.submit, GroupWeekState.open, GroupWeekState.compiled),
        (.submit, .compiled, .compiled),
        (.submit, .returned, .compiled),
        (.submit, .unlocked, .compiled),
        (.approve, .compiled, .approved),
        (.returnToAggregator, .compiled, .returned),
        (.unlock, .approved, .unlocked),
    ])
    func legal(action: GroupWeekAction, from: GroupWeekState, to: GroupWeekState) {
        let actor = action == .submit ? Self.aggregator : Self.approver
        #expect(GroupWeekFlow.apply(action, to: from, by: actor, requiresApproval: true) == .success(to))
    }

    @Test("Every other pair of action and state is illegal (409)")
    func illegal() {
        let legal: Set<String> = ["submit-open", "submit-compiled", "submit-returned", "submit-unlocked",
                                  "approve-compiled", "returnToAggregator-compiled", "unlock-approved"]
        for action in GroupWeekAction.allCases {
            for state in GroupWeekState.allCases where !legal.contains("\(action.rawValue)-\(state.rawValue)") {
                let actor = action == .submit || action == .reopen ? Self.aggregator : Self.approver
                let result = GroupWeekFlow.apply(action, to: state, by: actor, requiresApproval: true)
                guard case .failure(.illegal) = result else {
                    Issue.record("\(action) from \(state) should be illegal, got \(result)")
                    continue
                }
            }
        }
    }

    @Test("The wrong person is refused (403) whatever the state")
    func forbidden() {
        for state in GroupWeekState.allCases {
            if case .failure(.forbidden) = GroupWeekFlow.apply(.submit, to: state, by: Self.approver, requiresApproval: true) {} else {
                Issue.record("an approver cannot submit the compiled report")
            }
            for action in [GroupWeekAction.approve, .returnToAggregator, .unlock] {
                for actor in [Self.aggregator, Self.nobody] {
                    if case .failure(.forbidden) = GroupWeekFlow.apply(action, to: state, by: actor, requiresApproval: true) {} else {
                        Issue.record("\(action) by a non-approver from \(state) should be forbidden")
                    }
                }
            }
        }
    }

    @Test("Without an approver the focal point reopens a compiled week (to take in a late report); only from compiled, only the focal point")
    func reopen() {
        #expect(GroupWeekFlow.apply(.reopen, to: .compiled, by: Self.aggregator, requiresApproval: false) == .success(.open))
        for state in GroupWeekState.allCases where state != .compiled {
            if case .failure(.illegal) = GroupWeekFlow.apply(.reopen, to: state, by: Self.aggregator, requiresApproval: false) {} else {
                Issue.record("reopen from \(state) should be illegal")
            }
        }
        if case .failure(.forbidden) = GroupWeekFlow.apply(.reopen, to: .compiled, by: Self.nobody, requiresApproval: false) {} else {
            Issue.record("only the focal point reopens")
        }
        if case .failure(.illegal) = GroupWeekFlow.apply(.reopen, to: .compiled, by: Self.aggregator, requiresApproval: true) {} else {
            Issue.record("with an approver, the approver unlocks")
        }
    }

    @Test("A group without an approver stops at compiled")
    func noApproval() {
        #expect(GroupWeekFlow.apply(.submit, to: .open, by: Self.aggregator, requiresApproval: false) == .success(.compiled))
        if case .failure(.illegal) = GroupWeekFlow.apply(.approve, to: .compiled, by: Self.approver, requiresApproval: false) {} else {
            Issue.record("approval is illegal without an approver")
        }
    }

    @Test("Members may edit until the week is compiled, and again when returned or unlocked")
    func editing() {
        #expect(GroupWeekState.open.membersMayEdit)
        #expect(!GroupWeekState.compiled.membersMayEdit)
        #expect(!GroupWeekState.approved.membersMayEdit)
        #expect(GroupWeekState.returned.membersMayEdit)
        #expect(GroupWeekState.unlocked.membersMayEdit)
    }

    @Test("Behind plan: year-to-date below the straight-line share")
    func pace() {
        // Week 26 of 52: half the year; 320 ha planned → 160 expected.
        #expect(PlanPace.isBehind(yearToDate: 159, planned: 320, kind: .decimal, week: 26, weeksInYear: 52))
        #expect(!PlanPace.isBehind(yearToDate: 160, planned: 320, kind: .decimal, week: 26, weeksInYear: 52))
        #expect(PlanPace.isBehind(yearToDate: nil, planned: 20, kind: .count, week: 10, weeksInYear: 52))
        #expect(!PlanPace.isBehind(yearToDate: nil, planned: nil, kind: .count, week: 10, weeksInYear: 52))
        #expect(!PlanPace.isBehind(yearToDate: 0, planned: 1, kind: .yesNo, week: 50, weeksInYear: 52))
        // A level such as the health-insurance coverage rate is not expected to grow in a line.
        #expect(!PlanPace.isBehind(yearToDate: 40, planned: 95, kind: .decimal, rule: .latest, week: 40, weeksInYear: 52))
        #expect(!PlanPace.isBehind(yearToDate: 1, planned: 10, kind: .count, rule: .max, week: 40, weeksInYear: 52))
    }
}
