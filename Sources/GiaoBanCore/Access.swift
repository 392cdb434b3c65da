import Foundation

/// The roles a person can be granted directly (SPEC §1). Aggregating a report group and
/// supervising a party cell are not roles: they follow from the group's and the cell's own
/// lists, so they appear in `Actor` as sets of ids instead.
public enum Role: String, Codable, CaseIterable, Sendable, Comparable {
    case admin, leader, office, reporter
    /// A district or province account: reads the roll-ups of the communes that report to its
    /// region, and nothing inside them.
    case regional

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    public var vietnameseName: String {
        switch self {
        case .admin: return "Quản trị"
        case .leader: return "Lãnh đạo"
        case .office: return "Văn phòng"
        case .reporter: return "Người báo cáo"
        case .regional: return "Cấp trên (xem tổng hợp)"
        }
    }
}

/// Who is asking: what the policy needs to know about the signed-in person.
public struct Actor: Hashable, Sendable {
    public var personID: UUID
    public var communeID: UUID
    public var roles: Set<Role>
    public var aggregatedGroupIDs: Set<UUID>
    public var supervisedCellIDs: Set<UUID>
    /// The units the person belongs to (a unit's monthly report is written by its people).
    public var unitIDs: Set<UUID>
    /// The report groups whose compiled report the person approves: like aggregating, it follows
    /// from the group, and it opens the groups' weeks (the menu asks without loading each group).
    public var approvedGroupIDs: Set<UUID>

    public init(personID: UUID, communeID: UUID, roles: Set<Role>,
                aggregatedGroupIDs: Set<UUID> = [], supervisedCellIDs: Set<UUID> = [], unitIDs: Set<UUID> = [],
                approvedGroupIDs: Set<UUID> = []) {
        self.personID = personID
        self.communeID = communeID
        self.roles = roles
        self.aggregatedGroupIDs = aggregatedGroupIDs
        self.supervisedCellIDs = supervisedCellIDs
        self.unitIDs = unitIDs
        self.approvedGroupIDs = approvedGroupIDs
    }

    public var isAggregator: Bool { !aggregatedGroupIDs.isEmpty }
    public var isCellSupervisor: Bool { !supervisedCellIDs.isEmpty }
    /// Leaders and the office read everything of their commune (SPEC §1).
    public var readsWholeCommune: Bool { roles.contains(.leader) || roles.contains(.office) || roles.contains(.admin) }
    /// A district or province account and nothing else: it reads roll-ups, it never reports.
    public var isRegionalOnly: Bool { roles.contains(.regional) && roles.subtracting([.regional]).isEmpty }
    public var isApprover: Bool { !approvedGroupIDs.isEmpty }
}

/// What the policy needs to know about one report group: the web layer reads it from the
/// database and passes it in, the policy decides.
public struct GroupFacts: Hashable, Sendable {
    public var id: UUID
    public var communeID: UUID
    /// The person who approves the group's compiled report; `nil` when it needs no approval.
    public var approverID: UUID?

    public init(id: UUID, communeID: UUID, approverID: UUID?) {
        self.id = id
        self.communeID = communeID
        self.approverID = approverID
    }

    public var requiresApproval: Bool { approverID != nil }
}

/// What the policy needs to know about the person whose records are asked for.
public struct PersonFacts: Hashable, Sendable {
    public var id: UUID
    public var communeID: UUID
    /// The groups the person reports in (as a member, not as a focal point).
    public var groupIDs: Set<UUID>
    /// The approvers of those groups.
    public var groupApproverIDs: Set<UUID>

    public init(id: UUID, communeID: UUID, groupIDs: Set<UUID> = [], groupApproverIDs: Set<UUID> = []) {
        self.id = id
        self.communeID = communeID
        self.groupIDs = groupIDs
        self.groupApproverIDs = groupApproverIDs
    }
}

/// A member's weekly report as the focal point's return control sees it.
public enum MemberReportStatus: Hashable, Sendable {
    /// No report in the group: none, a draft, or the person is not a member of the group.
    case notSubmitted
    /// Submitted and not sent back.
    case submitted
    /// Sent back and not yet submitted again.
    case returned
}

extension GroupWeekActor {
    /// What `actor` is to `group`: its focal point, its approver (nothing across communes).
    public init(_ actor: Actor, group: GroupFacts) {
        let ownCommune = actor.communeID == group.communeID
        self.init(isAggregator: ownCommune && actor.aggregatedGroupIDs.contains(group.id),
                  isApprover: ownCommune && group.approverID != nil && group.approverID == actor.personID)
    }
}

/// Why a focal point may not return a member's report: the caller answers each differently
/// (403, 404, 409); `AccessPolicy` answers yes or no with the same rule.
public enum MemberReportReturnRefusal: Hashable, Sendable {
    case notFocalPoint
    case notSubmitted
    /// The report was returned already and awaits its author.
    case alreadyReturned
    /// The group's week is compiled or approved: members' reports are closed.
    case groupWeekClosed

    public static func of(_ actor: Actor, group: GroupFacts, groupWeekState: GroupWeekState,
                          report: MemberReportStatus) -> MemberReportReturnRefusal? {
        guard GroupWeekActor(actor, group: group).isAggregator else { return .notFocalPoint }
        switch report {
        case .notSubmitted: return .notSubmitted
        case .returned: return .alreadyReturned
        case .submitted: break
        }
        return groupWeekState.membersMayEdit ? nil : .groupWeekClosed
    }
}

/// What someone may want to do. Each feature adds its cases; the decision stays in `AccessPolicy`.
public enum Action: Hashable, Sendable {
    /// Create, edit or deactivate units, people, groups, rooms, cells and commune settings.
    case manageOrganisation
    /// See the commune's directory (units, people, groups, rooms, cells): needed to pick a
    /// chair, participants or a room when planning.
    case readDirectory
    /// Move a briefing to another date or time (SPEC §3).
    case moveBriefing
    /// Read the week calendar and deadlines.
    case readCalendar
    /// Change one's own password.
    case changeOwnPassword
    /// Read the compliance ledger and summaries of the whole commune.
    case readCommuneLedger
    /// Compile, edit and publish the weekly work schedule (the commune office).
    case manageSchedule
    /// Open the leaders' briefing view of all groups and its document pack.
    case viewBriefing
    /// Record leave that excuses people from obligations (the office keeps the ledger).
    case manageLeave
    /// Create, change, import or deactivate the targets (chỉ tiêu) of a report group; `nil`
    /// asks whether the actor may manage the targets of at least one group.
    case manageTargets(groupID: UUID?)
    /// Record a party cell's meetings and submit its month's report: the committee members in
    /// charge of the cell, and the admin (who may enter them on a member's behalf).
    case recordCellMeeting(cellID: UUID)
    /// Read every cell's meetings and the month's compilation for the district.
    case readCellReports
    /// Set the quality-evaluation rubric of a year (SPEC §10: data the commune sets per year).
    case manageRubric
    /// Keep the rotation plan of one committee member: that member, or the admin and office.
    case manageRotation(personID: UUID)
    /// Draft, edit and submit one unit's monthly report: the unit's own people, the admin and office.
    case writeMonthlyReport(unitID: UUID)
    /// Read every unit's monthly report and compile them (the office and the focal points, who
    /// compile for the Standing and Executive Committees; leaders read).
    case readMonthlyReports
    case compileMonthlyReports
    /// Read the roll-ups (on-time rates, target progress) of the communes in the actor's region.
    case readRollups
    /// Review and confirm the year's days off (the office keeps the calendar).
    case manageDaysOff
    /// Enter and submit a person's weekly report on their behalf (nộp thay): the office for
    /// anyone, a focal point for the members of its groups (`groupIDs`: the person's groups).
    case fileReportOnBehalf(groupIDs: Set<UUID>)
    /// Record a briefing's conclusions and the tasks it assigns (kết luận giao ban): the leaders
    /// and the office (and the admin).
    case recordBriefingConclusions
    /// Report on a task a briefing assigned: its assignee (the person, or any person of the
    /// unit), and the office (and the admin) on their behalf.
    case reportOnBriefingTask(assignee: BriefingTaskAssignee)
    /// Read a task a briefing assigned: whoever reads the briefing, and its assignee.
    case readBriefingTask(assignee: BriefingTaskAssignee)
    /// Save, autosave or submit one's own weekly report: everyone of the commune, not a district
    /// or province account (it only reads roll-ups).
    case writeOwnReport
    /// Read one person's weekly reports and their standing in the ledger, all of it: the person;
    /// the leaders and the office (and the admin); the focal points and the approver of a group
    /// the person reports in. Never a person of another commune.
    case readPersonReports(person: PersonFacts)
    /// Open a report group's week (its members' reports, the compiled report, its document): the
    /// group's focal points and approver, and the leaders and the office (and the admin).
    case readGroupWeek(group: GroupFacts)
    /// Open the list of groups' weeks (`/groups`): whoever may read at least one group's week.
    case openGroupWeeks
    /// Remind the members of a group who have not reported: its focal points, and the leaders and
    /// the office (and the admin). Not the approver, who only reads.
    case remindGroupMembers(group: GroupFacts)
    /// Submit, approve, return, unlock or reopen a group's compiled report in `state`: the
    /// transitions of ``GroupWeekFlow`` that the actor's part in the group allows.
    case actOnGroupWeek(GroupWeekAction, group: GroupFacts, state: GroupWeekState)
    /// Return a member's submitted report to them: the group's focal point, while the week is
    /// still open to members (see ``MemberReportReturnRefusal``).
    case returnMemberReport(group: GroupFacts, groupWeekState: GroupWeekState, report: MemberReportStatus)
    /// Open the week ledger of groups (`/ledger/weeks/…`): the readers of the commune's ledger,
    /// and focal points (for their groups).
    case readGroupLedgers
    /// Open the monthly reports (`/monthly`): their readers; the people of a unit when the commune
    /// asks units for one (`communeAsksUnits`); and the officials asked for a personal one
    /// (`asksActorInPerson`: the commune asks people and the actor reports weekly).
    case openMonthlyReports(communeAsksUnits: Bool, asksActorInPerson: Bool)
    /// Read one unit's monthly report: those who write it and the readers of every monthly report.
    case readUnitMonthlyReport(unitID: UUID)
    /// Write one official's personal monthly report: the official (not a regional account), and
    /// on their behalf those who may file their weekly report.
    case writePersonMonthlyReport(person: PersonFacts)
    /// Read one official's personal monthly report: those who write it and the readers of every
    /// monthly report.
    case readPersonMonthlyReport(person: PersonFacts)
    /// Open the party cells' pages (`/cells`, the rubric): the readers of every cell, and the
    /// committee members in charge of a cell.
    case openCellMeetings
    /// Read one cell's meetings: the readers of every cell and the members in charge of it.
    case readCell(cellID: UUID)
    /// The pages everyone of the commune opens from the menu: home, the week, the schedule, the
    /// targets, one's own weekly report (writing it is `writeOwnReport`).
    case readHome, readOwnReport, readTargets
}

public enum AccessPolicy {
    /// The single answer to "may this actor do that?". Commune isolation is checked by the caller
    /// (every query is scoped to `actor.communeID`); an action that carries facts about a group or
    /// a person refuses another commune's too, so that a slip in a query cannot open it. The web
    /// layer only loads the facts an action needs and asks here: no "may" is decided elsewhere.
    public static func allows(_ actor: Actor, _ action: Action) -> Bool {
        switch action {
        case .manageOrganisation:
            return actor.roles.contains(.admin)
        case .readDirectory, .readCalendar, .changeOwnPassword:
            return true
        case .moveBriefing:
            return actor.roles.contains(.admin) || actor.roles.contains(.leader) || actor.roles.contains(.office)
        case .readCommuneLedger, .viewBriefing:
            return actor.readsWholeCommune
        case .manageLeave, .manageSchedule:
            return actor.roles.contains(.admin) || actor.roles.contains(.office)
        case .manageTargets(let groupID):
            // The admin, and the focal points (aggregators) of the target's group.
            if actor.roles.contains(.admin) { return true }
            guard let groupID else { return actor.isAggregator }
            return actor.aggregatedGroupIDs.contains(groupID)
        case .recordCellMeeting(let cellID):
            return actor.roles.contains(.admin) || actor.supervisedCellIDs.contains(cellID)
        case .readCellReports:
            return actor.readsWholeCommune
        case .manageRubric:
            return actor.roles.contains(.admin) || actor.roles.contains(.office)
        case .manageRotation(let personID):
            if actor.roles.contains(.admin) || actor.roles.contains(.office) { return true }
            return actor.personID == personID && actor.isCellSupervisor
        case .writeMonthlyReport(let unitID):
            return actor.roles.contains(.admin) || actor.roles.contains(.office) || actor.unitIDs.contains(unitID)
        case .readMonthlyReports:
            return actor.readsWholeCommune || actor.isAggregator
        case .compileMonthlyReports:
            return actor.roles.contains(.admin) || actor.roles.contains(.office) || actor.isAggregator
        case .readRollups:
            return actor.roles.contains(.regional)
        case .manageDaysOff:
            return actor.roles.contains(.admin) || actor.roles.contains(.office)
        case .fileReportOnBehalf(let groupIDs):
            if actor.roles.contains(.admin) || actor.roles.contains(.office) { return true }
            return !actor.aggregatedGroupIDs.isDisjoint(with: groupIDs)
        case .recordBriefingConclusions:
            return actor.roles.contains(.admin) || actor.roles.contains(.leader) || actor.roles.contains(.office)
        case .reportOnBriefingTask(let assignee):
            if actor.roles.contains(.admin) || actor.roles.contains(.office) { return true }
            return assignee.includes(personID: actor.personID, unitIDs: actor.unitIDs)
        case .readBriefingTask(let assignee):
            return allows(actor, .viewBriefing) || assignee.includes(personID: actor.personID, unitIDs: actor.unitIDs)
        case .writeOwnReport:
            return !actor.isRegionalOnly
        case .readPersonReports(let person):
            guard person.communeID == actor.communeID else { return false }
            if actor.personID == person.id || actor.readsWholeCommune || person.groupApproverIDs.contains(actor.personID) { return true }
            return !actor.aggregatedGroupIDs.isDisjoint(with: person.groupIDs)
        case .readGroupWeek(let group):
            guard group.communeID == actor.communeID else { return false }
            let part = GroupWeekActor(actor, group: group)
            return actor.readsWholeCommune || part.isAggregator || part.isApprover
        case .openGroupWeeks:
            return actor.readsWholeCommune || actor.isAggregator || actor.isApprover
        case .remindGroupMembers(let group):
            guard group.communeID == actor.communeID else { return false }
            return actor.readsWholeCommune || GroupWeekActor(actor, group: group).isAggregator
        case .actOnGroupWeek(let action, let group, let state):
            guard group.communeID == actor.communeID else { return false }
            if case .success = GroupWeekFlow.apply(action, to: state, by: GroupWeekActor(actor, group: group),
                                                   requiresApproval: group.requiresApproval) { return true }
            return false
        case .returnMemberReport(let group, let groupWeekState, let report):
            return MemberReportReturnRefusal.of(actor, group: group, groupWeekState: groupWeekState, report: report) == nil
        case .readGroupLedgers:
            return allows(actor, .readCommuneLedger) || actor.isAggregator
        case .openMonthlyReports(let communeAsksUnits, let asksActorInPerson):
            if allows(actor, .readMonthlyReports) || (communeAsksUnits && !actor.unitIDs.isEmpty) { return true }
            return asksActorInPerson && allows(actor, .writeOwnReport)
        case .readUnitMonthlyReport(let unitID):
            return allows(actor, .readMonthlyReports) || allows(actor, .writeMonthlyReport(unitID: unitID))
        case .writePersonMonthlyReport(let person):
            guard person.communeID == actor.communeID else { return false }
            if person.id == actor.personID { return allows(actor, .writeOwnReport) }
            return allows(actor, .fileReportOnBehalf(groupIDs: person.groupIDs))
        case .readPersonMonthlyReport(let person):
            guard person.communeID == actor.communeID else { return false }
            return allows(actor, .readMonthlyReports) || allows(actor, .writePersonMonthlyReport(person: person))
        case .openCellMeetings:
            return allows(actor, .readCellReports) || actor.isCellSupervisor
        case .readCell(let cellID):
            return allows(actor, .readCellReports) || actor.supervisedCellIDs.contains(cellID)
        case .readHome, .readOwnReport, .readTargets:
            return true
        }
    }
}

/// Refuses further sign-in attempts for a username after repeated failures, so that passwords
/// cannot be guessed quickly. The attempts are stored in the database by the caller, so that
/// every app server sees the same count.
public struct LoginThrottle: Sendable {
    public var maxFailures: Int
    public var window: TimeInterval

    /// Failed sign-ins from one client address (whatever the usernames) before that address
    /// waits: guessing across many accounts, or a flood of bcrypt work, from one place.
    public static let perAddress = LoginThrottle(maxFailures: 20, window: 15 * 60)

    public init(maxFailures: Int = 5, window: TimeInterval = 15 * 60) {
        self.maxFailures = maxFailures
        self.window = window
    }

    /// The earliest instant from which failures count.
    public func windowStart(now: Date) -> Date { now.addingTimeInterval(-window) }

    /// `nil` when a new attempt is allowed; otherwise the instant from which it will be.
    /// `failures` are the instants of failed attempts since the last success.
    public func lockedUntil(failures: [Date], now: Date) -> Date? {
        let recent = failures.filter { $0 > windowStart(now: now) && $0 <= now }.sorted()
        guard recent.count >= maxFailures else { return nil }
        // The lock lifts when the oldest failure that keeps the count at the limit leaves the window.
        let pivot = recent[recent.count - maxFailures]
        return pivot.addingTimeInterval(window)
    }
}
