import Foundation

/// Where a report group's week stands (SPEC §4, §7): members report, the focal point compiles,
/// and groups with an approver go on to approval.
public enum GroupWeekState: String, Codable, CaseIterable, Sendable {
    /// Collecting the members' reports.
    case open
    /// The focal point submitted the compiled report.
    case compiled
    /// The approver approved it: the week's reports of the group are locked.
    case approved
    /// The approver sent the compiled report back with a comment.
    case returned
    /// The approver unlocked an approved week so that figures can be corrected.
    case unlocked

    public var vietnameseName: String {
        switch self {
        case .open: return "Đang thu thập báo cáo"
        case .compiled: return "Đã nộp báo cáo tổng hợp"
        case .approved: return "Đã được duyệt"
        case .returned: return "Bị trả lại để bổ sung"
        case .unlocked: return "Đã mở khóa để sửa"
        }
    }

    /// Whether members may still change their reports of the week: until the group is
    /// compiled, and again when the compiled report is returned or unlocked.
    public var membersMayEdit: Bool {
        switch self {
        case .open, .returned, .unlocked: return true
        case .compiled, .approved: return false
        }
    }
}

public enum GroupWeekAction: String, Codable, CaseIterable, Sendable {
    /// The focal point submits (or resubmits) the compiled report.
    case submit
    /// The approver approves the compiled report.
    case approve
    /// The approver returns the compiled report to the focal point.
    case returnToAggregator
    /// The approver unlocks an approved week.
    case unlock
    /// The focal point of a group without an approver reopens its compiled week, e.g. to take in
    /// a member's report that arrived after compiling.
    case reopen
}

/// What the person acting is to this group.
public struct GroupWeekActor: Hashable, Sendable {
    public var isAggregator: Bool
    public var isApprover: Bool
    public init(isAggregator: Bool, isApprover: Bool) {
        self.isAggregator = isAggregator
        self.isApprover = isApprover
    }
}

public enum GroupWeekFlowError: Error, Equatable, Sendable {
    /// The actor has no right to this action (HTTP 403).
    case forbidden(String)
    /// The action does not apply in the current state (HTTP 409).
    case illegal(String)

    public var vietnameseMessage: String {
        switch self {
        case .forbidden(let message), .illegal(let message): return message
        }
    }
}

public enum GroupWeekFlow {
    /// The state after `action`, or why it is refused. A group without an approver stops at
    /// `compiled`; resubmitting a compiled report (e.g. after a late member) is allowed until it
    /// is approved.
    public static func apply(_ action: GroupWeekAction, to state: GroupWeekState, by actor: GroupWeekActor,
                             requiresApproval: Bool) -> Result<GroupWeekState, GroupWeekFlowError> {
        switch action {
        case .submit:
            guard actor.isAggregator else {
                return .failure(.forbidden("Chỉ đầu mối tổng hợp của nhóm mới nộp được báo cáo tổng hợp."))
            }
            switch state {
            case .open, .returned, .compiled, .unlocked: return .success(.compiled)
            case .approved: return .failure(.illegal("Báo cáo tổng hợp đã được duyệt; cần người duyệt mở khóa trước khi sửa."))
            }
        case .reopen:
            guard actor.isAggregator else {
                return .failure(.forbidden("Chỉ đầu mối tổng hợp của nhóm mới mở lại được báo cáo tổng hợp."))
            }
            guard !requiresApproval else {
                return .failure(.illegal("Nhóm này có người duyệt: người duyệt mở khóa hoặc trả lại báo cáo tổng hợp."))
            }
            guard state == .compiled else {
                return .failure(.illegal("Chỉ mở lại được báo cáo tổng hợp đã nộp."))
            }
            return .success(.open)
        case .approve, .returnToAggregator, .unlock:
            guard requiresApproval else {
                return .failure(.illegal("Nhóm này không cần xét duyệt."))
            }
            guard actor.isApprover else {
                return .failure(.forbidden("Chỉ người được phân công xét duyệt mới thực hiện được thao tác này."))
            }
            switch (action, state) {
            case (.approve, .compiled): return .success(.approved)
            case (.returnToAggregator, .compiled): return .success(.returned)
            case (.unlock, .approved): return .success(.unlocked)
            case (.approve, _), (.returnToAggregator, _):
                return .failure(.illegal("Chỉ duyệt hoặc trả lại được khi đầu mối đã nộp báo cáo tổng hợp."))
            case (.unlock, _):
                return .failure(.illegal("Chỉ mở khóa được báo cáo đã được duyệt."))
            default:
                return .failure(.illegal("Thao tác không hợp lệ."))
            }
        }
    }
}

/// A target whose year-to-date figure is below the straight-line share of its annual plan at
/// this week (SPEC §7: "targets falling behind plan"). Only cumulative (`sum`) targets grow
/// along a line; a level ("latest": coverage rates, criteria met) or a peak ("max") does not.
public enum PlanPace {
    public static func isBehind(yearToDate: Decimal?, planned: Decimal?, kind: TargetValueKind, rule: YearToDateRule = .sum,
                                week: Int, weeksInYear: Int) -> Bool {
        guard let planned, planned > 0, kind != .yesNo, rule == .sum else { return false }
        let expected = planned * YearToDate.straightLineShare(week: week, weeksInYear: weeksInYear)
        return (yearToDate ?? 0) < expected
    }
}
