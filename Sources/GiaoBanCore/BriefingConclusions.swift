import Foundation

// The conclusions of a briefing (kết luận giao ban) and the tasks it assigns: who may record and
// report on them, what a valid task is, which tasks an assignee must report on in a week, and the
// order the next briefing reads them in. Pure rules: the caller passes the commune calendar and
// the instant; nothing here reads the clock.

/// Where an assigned task stands, as its assignee reports it.
public enum BriefingTaskState: String, Codable, CaseIterable, Hashable, Sendable {
    /// Assigned, nothing reported yet.
    case open
    case done
    case inProgress = "in_progress"
    case notDone = "not_done"

    public var vietnameseName: String {
        switch self {
        case .open: return "Chưa báo cáo"
        case .done: return "Đã hoàn thành"
        case .inProgress: return "Đang thực hiện"
        case .notDone: return "Chưa thực hiện"
        }
    }
}

/// Who carries a task out: one person, or one unit (any of its people reports on it).
public enum BriefingTaskAssignee: Hashable, Sendable {
    case person(UUID)
    case unit(UUID)

    public var personID: UUID? { if case .person(let id) = self { return id } else { return nil } }
    public var unitID: UUID? { if case .unit(let id) = self { return id } else { return nil } }

    /// Whether the task is the actor's own: assigned to them, or to one of their units.
    public func includes(personID: UUID, unitIDs: Set<UUID>) -> Bool {
        switch self {
        case .person(let id): return id == personID
        case .unit(let id): return unitIDs.contains(id)
        }
    }
}

/// A task as typed on the form or sent to the API, before it is checked.
public struct BriefingTaskDraft: Hashable, Sendable {
    public var content: String
    public var assigneePersonID: UUID?
    public var assigneeUnitID: UUID?
    /// Nil when missing or not a date.
    public var dueOn: LocalDate?

    public init(content: String, assigneePersonID: UUID? = nil, assigneeUnitID: UUID? = nil, dueOn: LocalDate?) {
        self.content = content
        self.assigneePersonID = assigneePersonID
        self.assigneeUnitID = assigneeUnitID
        self.dueOn = dueOn
    }
}

/// What the rules need to know of a recorded task.
public struct BriefingTaskFacts: Hashable, Sendable {
    public var id: UUID
    /// The week of the briefing that assigned it.
    public var briefingWeek: ReportWeekID
    public var assignee: BriefingTaskAssignee
    public var dueOn: LocalDate
    public var state: BriefingTaskState
    /// Its place in the conclusions' list (ties in the ordering keep it).
    public var position: Int

    public init(id: UUID, briefingWeek: ReportWeekID, assignee: BriefingTaskAssignee, dueOn: LocalDate,
                state: BriefingTaskState, position: Int = 0) {
        self.id = id
        self.briefingWeek = briefingWeek
        self.assignee = assignee
        self.dueOn = dueOn
        self.state = state
        self.position = position
    }
}

public enum BriefingTaskRules {
    public static let maxContentLength = 1_000
    public static let maxReportLength = 4_000
    public static let maxConclusionsLength = 20_000

    /// What is wrong with a task, by field: "content", "assignee", "dueOn" (Vietnamese messages).
    /// `briefingDay` is the day of the briefing that assigns it: a task cannot be due before it.
    public static func problems(_ draft: BriefingTaskDraft, briefingDay: LocalDate) -> [String: String] {
        var problems: [String: String] = [:]
        let content = draft.content.trimmedWhitespaceAndNewlines
        if content.isEmpty {
            problems["content"] = "Ghi nội dung việc được giao."
        } else if content.count > maxContentLength {
            problems["content"] = "Quá dài (tối đa \(maxContentLength) ký tự)."
        }
        switch (draft.assigneePersonID, draft.assigneeUnitID) {
        case (nil, nil): problems["assignee"] = "Chọn người hoặc đơn vị được giao."
        case (.some, .some): problems["assignee"] = "Chỉ giao cho một người hoặc một đơn vị, không giao cả hai."
        default: break
        }
        if let due = draft.dueOn {
            if due < briefingDay {
                problems["dueOn"] = "Thời hạn phải từ ngày giao ban (\(briefingDay.vietnamese)) trở đi."
            }
        } else {
            problems["dueOn"] = "Nhập thời hạn dạng dd/mm/yyyy."
        }
        return problems
    }

    /// The assignee of a draft without problems.
    public static func assignee(of draft: BriefingTaskDraft) -> BriefingTaskAssignee? {
        switch (draft.assigneePersonID, draft.assigneeUnitID) {
        case (let person?, nil): return .person(person)
        case (nil, let unit?): return .unit(unit)
        default: return nil
        }
    }

    /// What is wrong with an assignee's report: "report" when it is too long, or missing while
    /// the task is reported not done (the briefing needs to know why).
    public static func reportProblems(state: BriefingTaskState, report: String) -> [String: String] {
        let text = report.trimmedWhitespaceAndNewlines
        if text.count > maxReportLength { return ["report": "Quá dài (tối đa \(maxReportLength) ký tự)."] }
        if state == .notDone && text.isEmpty { return ["report": "Ghi rõ lý do chưa thực hiện và hướng xử lý."] }
        return [:]
    }

    /// The commune's day at `now`.
    public static func today(_ now: Date, calendar: CommuneCalendar) -> LocalDate {
        calendar.localDate(of: now)
    }

    /// Overdue: the due day has passed in the commune and the task is not done.
    public static func isOverdue(dueOn: LocalDate, state: BriefingTaskState, today: LocalDate) -> Bool {
        state != .done && dueOn < today
    }

    public static func isOverdue(_ task: BriefingTaskFacts, now: Date, calendar: CommuneCalendar) -> Bool {
        isOverdue(dueOn: task.dueOn, state: task.state, today: today(now, calendar: calendar))
    }

    /// Whether the assignee reports on `task` in their report of `week`: it was assigned at an
    /// earlier briefing, is not done yet, and is theirs (to them or to one of their units).
    public static func mustReport(_ task: BriefingTaskFacts, personID: UUID, unitIDs: Set<UUID>, week: ReportWeekID) -> Bool {
        task.briefingWeek < week && task.state != .done && task.assignee.includes(personID: personID, unitIDs: unitIDs)
    }

    /// The tasks the assignee reports on in `week`, in briefing order.
    public static func toReport(_ tasks: [BriefingTaskFacts], personID: UUID, unitIDs: Set<UUID>, week: ReportWeekID,
                                today: LocalDate) -> [BriefingTaskFacts] {
        briefingOrder(tasks.filter { mustReport($0, personID: personID, unitIDs: unitIDs, week: week) }, today: today)
    }

    /// The order the next briefing reads tasks in: overdue first, then by due date, then by the
    /// briefing that assigned them and their place in its list.
    public static func briefingOrder(_ tasks: [BriefingTaskFacts], today: LocalDate) -> [BriefingTaskFacts] {
        tasks.sorted { a, b in
            let lateA = isOverdue(dueOn: a.dueOn, state: a.state, today: today)
            let lateB = isOverdue(dueOn: b.dueOn, state: b.state, today: today)
            if lateA != lateB { return lateA }
            if a.dueOn != b.dueOn { return a.dueOn < b.dueOn }
            if a.briefingWeek != b.briefingWeek { return a.briefingWeek < b.briefingWeek }
            if a.position != b.position { return a.position < b.position }
            return a.id.uuidString < b.id.uuidString
        }
    }

    /// What the next briefing (of `week`) looks back on: every task of the briefing the week
    /// before, whatever its state, and the tasks of earlier briefings still not done.
    public static func lookBack(_ tasks: [BriefingTaskFacts], week: ReportWeekID, previousWeek: ReportWeekID,
                                today: LocalDate) -> [BriefingTaskFacts] {
        briefingOrder(tasks.filter { task in
            task.briefingWeek == previousWeek || (task.briefingWeek < previousWeek && task.state != .done)
        }, today: today)
    }

    /// When conclusions may be recorded: from the start of the week's first briefing. Nil when
    /// the week holds no briefing.
    public static func recordingOpens(meetings: [Meeting]) -> Date? {
        meetings.map(\.startInstant).min()
    }
}
