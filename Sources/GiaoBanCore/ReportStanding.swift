import Foundation

/// Why a member's weekly report can no longer be changed: a group they report in has compiled its
/// week (the focal point sent the compiled report) or had it approved. A report never submitted
/// stays open (late is late, never missing), and a report the focal point returned is open again.
public struct ReportLock: Hashable, Sendable {
    public enum Reason: String, Hashable, Codable, Sendable {
        /// The group's compiled report was sent: the focal point may reopen it.
        case compiled
        /// The approver approved the week: only they can unlock it.
        case approved
    }
    public var reason: Reason
    /// The group whose week locks the report: its focal points (and approver) are the contacts.
    public var groupID: UUID

    public init(reason: Reason, groupID: UUID) {
        self.reason = reason
        self.groupID = groupID
    }

    /// The lock on a report, if any, given the states of the author's groups for its week
    /// (groups in the commune's order). Approval wins over compilation: it takes the approver to lift.
    public static func of(everSubmitted: Bool, returned: Bool, groupStates: [(groupID: UUID, state: GroupWeekState)]) -> ReportLock? {
        guard everSubmitted, !returned else { return nil }
        if let approved = groupStates.first(where: { $0.state == .approved }) { return ReportLock(reason: .approved, groupID: approved.groupID) }
        if let compiled = groupStates.first(where: { !$0.state.membersMayEdit }) { return ReportLock(reason: .compiled, groupID: compiled.groupID) }
        return nil
    }

    /// "Đầu mối đã nộp báo cáo tổng hợp của nhóm Khối Đảng…": the reason, and who can reopen it.
    public func vietnameseReason(groupName: String, focalPoints: [String], approver: String?) -> String {
        let contacts = focalPoints.isEmpty ? "đầu mối của nhóm" : "đầu mối " + focalPoints.joined(separator: ", ")
        switch reason {
        case .compiled:
            return "Nhóm \(groupName) đã nộp báo cáo tổng hợp tuần này nên báo cáo của bạn đã khóa. Cần sửa: liên hệ \(contacts)."
        case .approved:
            let who = approver.map { "người duyệt \($0)" } ?? "người duyệt"
            return "Báo cáo tổng hợp của nhóm \(groupName) đã được duyệt nên báo cáo của bạn đã khóa. Cần sửa: liên hệ \(who) (hoặc \(contacts))."
        }
    }
}

/// Where a person's weekly report stands, as their home page says it: done (on time or late),
/// returned for changes, excused by leave, or still to do (with the deadline passed or not).
public enum ReportStanding: Hashable, Sendable {
    case submitted(at: Date, lateBySeconds: Int)
    /// The focal point sent it back: the person must fix and submit again.
    case returned
    /// On leave for the due day: nothing is owed.
    case onLeave(LeavePeriod)
    /// Not submitted yet; `overdue` once the deadline has passed.
    case toDo(overdue: Bool)

    public static func of(firstSubmittedAt: Date?, returned: Bool, due: Date, now: Date, excuse: LeavePeriod?) -> ReportStanding {
        if returned { return .returned }
        if let first = firstSubmittedAt { return .submitted(at: first, lateBySeconds: max(0, Int(first.timeIntervalSince(due)))) }
        if let excuse { return .onLeave(excuse) }
        return .toDo(overdue: due <= now)
    }

    public var isDone: Bool {
        switch self {
        case .submitted, .onLeave: return true
        case .returned, .toDo: return false
        }
    }

    /// "Đã nộp báo cáo tuần 49 lúc 19:42 (Thứ Năm 03/12) ✓"; "Đã nộp muộn 2 giờ 5 phút…";
    /// "Được trả lại — cần sửa và nộp lại"; "Nghỉ phép (…) từ 01/12 đến 05/12: không phải nộp".
    public func vietnamese(week: ReportWeekID, calendar: CommuneCalendar) -> String {
        switch self {
        case .submitted(let at, let late):
            let day = calendar.localDate(of: at)
            let when = "lúc \(calendar.localTime(of: at).text) (\(day.weekday.vietnameseName) \(day.dayMonth))"
            if late > 0 { return "Đã nộp muộn báo cáo tuần \(week.week) \(when) — \(LateText.vietnamese(seconds: late)) ✓" }
            return "Đã nộp báo cáo tuần \(week.week) \(when) ✓"
        case .returned:
            return "Báo cáo tuần \(week.week) được trả lại — cần sửa và nộp lại"
        case .onLeave(let leave):
            let reason = leave.reason.isEmpty ? "Nghỉ" : leave.reason
            return "\(reason) từ \(leave.from.dayMonth) đến \(leave.to.dayMonth): không phải nộp báo cáo tuần \(week.week)"
        case .toDo(let overdue):
            return overdue ? "Chưa nộp báo cáo tuần \(week.week) — đã quá hạn" : "Chưa nộp báo cáo tuần \(week.week)"
        }
    }
}

/// Which of the targets a person may report are theirs to fill first on the form, and which go
/// behind "Chỉ tiêu khác của nhóm": a unit's targets are open to all its people, but each person
/// usually reports a few of them.
public enum ReportTargetSplit {
    public struct Candidate: Hashable, Sendable {
        public var id: UUID
        /// The person the target names as responsible, if it names one.
        public var namedPersonID: UUID?
        public init(id: UUID, namedPersonID: UUID?) {
            self.id = id
            self.namedPersonID = namedPersonID
        }
    }

    /// One week's figure of a target, and who entered it.
    public struct Entry: Hashable, Sendable {
        public var targetID: UUID
        public var enteredBy: UUID
        public init(targetID: UUID, enteredBy: UUID) {
            self.targetID = targetID
            self.enteredBy = enteredBy
        }
    }

    /// The author's own targets: those naming them; those whose figures this year they entered at
    /// least as often as anyone else (a unit's people share its targets, each usually keeps a
    /// few), unless another person is named; and those holding a value or an error on the form
    /// now (never hidden). With nothing to go by (no names, no figures of theirs), all are theirs.
    public static func own(_ targets: [Candidate], authorID: UUID, entries: [Entry], onForm: Set<UUID>) -> Set<UUID> {
        var counts: [UUID: [UUID: Int]] = [:]
        for entry in entries { counts[entry.targetID, default: [:]][entry.enteredBy, default: 0] += 1 }
        func keptByAuthor(_ target: UUID) -> Bool {
            guard let byPerson = counts[target], let mine = byPerson[authorID], mine > 0 else { return false }
            return byPerson.allSatisfy { $0.key == authorID || $0.value <= mine }
        }
        var own = Set(targets.filter { $0.namedPersonID == authorID || ($0.namedPersonID == nil && keptByAuthor($0.id)) }.map(\.id))
        if own.isEmpty { return Set(targets.map(\.id)) }
        own.formUnion(targets.map(\.id).filter(onForm.contains))
        return own
    }
}
