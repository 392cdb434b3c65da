import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// A group's week as the focal point, the approver and the leaders see it: who has reported,
/// the merged target table, totals per activity type, everyone's other work and plans.
struct GroupWeekView: Sendable {
    struct Member: Sendable {
        var fullName: String
        var personID: UUID
        var entry: LedgerEntry?
        var report: WeeklyReport?

        /// Whether the first submission came after the week was first compiled (nộp sau khi đã tổng hợp).
        func submittedAfterCompilation(_ groupWeek: GroupWeek) -> Bool {
            guard let submitted = report?.firstSubmittedAt, let compiled = groupWeek.firstCompiledAt else { return false }
            return submitted > compiled
        }
    }
    struct TargetLine: Sendable {
        var target: WeekTarget
        var responsibleUnit: String?
        var progress: TargetProgress?
        var behindPlan: Bool
        /// This week's figure: who entered it, and whether it jumped unusually (confirmed by them).
        var enteredBy: String?
        var enteredByID: UUID?
        var unusualJump: Bool = false
    }
    typealias ActivityTotal = GiaoBanCore.ActivityTotal
    struct WorkLine: Sendable {
        var personID: UUID; var fullName: String; var item: ReportWorkItem
        /// The line's quantity, read once (`ReportWorkItem.quantity` throws on damaged text).
        var quantity: Decimal
    }
    struct PlanLine: Sendable { var personID: UUID; var fullName: String; var item: ReportPlanItem }
    /// A member's "khó khăn, vướng mắc, đề xuất".
    struct Difficulty: Sendable { var personID: UUID; var fullName: String; var text: String }

    var group: ReportGroup
    var groupID: UUID
    var week: ReportWeek
    var groupWeek: GroupWeek
    var aggregatorIDs: [UUID]
    var members: [Member]
    var targets: [TargetLine]
    var activityTotals: [ActivityTotal]
    var work: [WorkLine]
    var plans: [PlanLine]
    var difficulties: [Difficulty]
    var compilationDue: Date
    /// What the briefing compares with, when asked for (`views(…comparingWith:)`).
    var weekBefore: WeekBefore?

    /// Each target's year-to-date figure and the members' on-time count of the week before (a
    /// week before in another year has other targets: no figures to compare).
    struct WeekBefore: Sendable {
        var yearToDate: [UUID: Decimal]
        var onTime: Int
    }
}

enum CompilationService {
    static func group(_ rawID: String?, communeID: UUID, on db: any Database) async throws -> ReportGroup {
        try await OrganisationService.find(ReportGroup.self, rawID, communeField: \.$communeID, communeID: communeID, on: db)
    }

    static func groupWeek(groupID: UUID, communeID: UUID, week: ReportWeekID, now: Date, on db: any Database) async throws -> GroupWeek {
        try await GroupWeek.query(on: db).filter(\.$groupID == groupID).filter(\.$weekID == week.description).first()
            ?? GroupWeek(communeID: communeID, groupID: groupID, week: week, now: now)
    }

    /// The group's focal points, in Vietnamese order of their names (the same on every database).
    static func aggregatorIDs(groupID: UUID, on db: any Database) async throws -> [UUID] {
        try await focalPoints(of: [groupID], on: db)[groupID] ?? []
    }

    /// Each group's focal points, in Vietnamese order of their names (the same on every database):
    /// one statement of three columns, instead of a join that decoded every focal point's whole
    /// `Person`.
    static func focalPoints(of groupIDs: [UUID], on db: any Database) async throws -> [UUID: [UUID]] {
        guard !groupIDs.isEmpty else { return [:] }
        let rows = try await SQLAccess.sql(db).raw("""
            SELECT gm.group_id, gm.person_id, p.full_name FROM group_memberships gm JOIN people p ON p.id = gm.person_id
            WHERE gm.group_id IN (\(list: groupIDs)) AND gm.kind = \(bind: GroupMembership.Kind.aggregator.rawValue)
            """).all()
        let pairs = try rows.compactMap { row -> (group: UUID, person: UUID, name: String)? in
            guard let group = try SQLAccess.id(row, "group_id"), let person = try SQLAccess.id(row, "person_id") else {
                throw SQLAccess.UnreadableID(column: "group_memberships.group_id/person_id")
            }
            return (group, person, try row.decode(column: "full_name", as: String.self))
        }
        return Dictionary(grouping: pairs.sortedByVietnameseName { $0.name }, by: { $0.group }).mapValues { $0.map { $0.person } }
    }

    /// A submitted report's lock (a group of its author compiled or approved the week, see
    /// `ReportLock`), with the sentence that says why and whom to contact: the group's focal
    /// points, and its approver once approved.
    struct ReportLockInfo: Sendable {
        var lock: ReportLock
        var message: String
        var groupName: String
        var contacts: [String]
    }

    static func reportLock(personID: UUID, week: ReportWeekID, everSubmitted: Bool, returned: Bool,
                           on db: any Database) async throws -> ReportLockInfo? {
        guard everSubmitted, !returned else { return nil }
        let groupIDs = try await ReportService.memberGroupIDs(personID: personID, on: db)
        guard !groupIDs.isEmpty else { return nil }
        let (weeks, groups) = try await PageReads.together(on: db,
            { try await SQLAccess.models(GroupWeek.self, where: "group_id IN (\(list: groupIDs)) AND week_id = \(bind: week.description)", on: db) },
            { try await SQLAccess.models(ReportGroup.self, where: "id IN (\(list: groupIDs))", orderBy: [\ReportGroup.$sortOrder], on: db) })
        let states = Dictionary(weeks.map { ($0.groupID, $0.state) }, uniquingKeysWith: { first, _ in first })
        guard let lock = ReportLock.of(everSubmitted: everSubmitted, returned: returned,
                                       groupStates: groups.map { (groupID: $0.id!, state: states[$0.id!] ?? .open) }),
              let group = groups.first(where: { $0.id == lock.groupID }) else { return nil }
        let focalIDs = try await aggregatorIDs(groupID: lock.groupID, on: db)
        let approverID = lock.reason == .approved ? group.approverID : nil
        let contactIDs = focalIDs + (approverID.map { [$0] } ?? [])
        let people = try await Person.query(on: db).filter(\.$id ~~ contactIDs).all()
        let names = Dictionary(uniqueKeysWithValues: people.map { ($0.id!, $0.fullName) })
        let focal = focalIDs.compactMap { names[$0] }
        let approver = approverID.flatMap { names[$0] }
        return ReportLockInfo(lock: lock, message: lock.vietnameseReason(groupName: group.name, focalPoints: focal, approver: approver),
                              groupName: group.name, contacts: (approver.map { [$0] } ?? []) + focal)
    }

    /// A member's first submission that arrives after their group's week was compiled: the focal
    /// points (and the approver, once approved) are told, so that they can reopen and take it in.
    static func notifyLateArrival(person: Person, week: ReportWeek, now: Date, on db: any Database) async throws {
        let personID = try person.requireID()
        let groupIDs = try await ReportService.memberGroupIDs(personID: personID, on: db)
        guard !groupIDs.isEmpty else { return }
        let compiled = try await GroupWeek.query(on: db).filter(\.$groupID ~~ groupIDs).filter(\.$weekID == week.id.description)
            .filter(\.$state ~~ [.compiled, .approved]).all()
        for groupWeek in compiled {
            guard let group = try await ReportGroup.find(groupWeek.groupID, on: db) else { continue }
            var recipients = try await aggregatorIDs(groupID: groupWeek.groupID, on: db)
            if groupWeek.state == .approved, let approver = group.approverID { recipients.append(approver) }
            try await notify(recipients, communeID: person.communeID, kind: "report_after_compilation",
                             text: "\(person.fullName) đã nộp báo cáo tuần \(week.id.week)/\(week.id.year) sau khi nhóm \(group.name) đã tổng hợp.",
                             url: SiteRoute.memberReport(groupID: groupWeek.groupID, week: week.id, personID: personID).path, now: now, on: db)
        }
    }

    /// Marks the person's groups whose approved week was unlocked as "changed after approval".
    static func flagChangeAfterApproval(personID: UUID, week: ReportWeekID, on db: any Database) async throws {
        let groupIDs = try await ReportService.memberGroupIDs(personID: personID, on: db)
        guard !groupIDs.isEmpty else { return }
        let unlocked = try await GroupWeek.query(on: db).filter(\.$groupID ~~ groupIDs).filter(\.$weekID == week.description)
            .filter(\.$state == .unlocked).all()
        for groupWeek in unlocked where !groupWeek.changedAfterApproval {
            groupWeek.changedAfterApproval = true
            try await groupWeek.save(on: db)
        }
    }

    static func view(group: ReportGroup, week: ReportWeek, calendar: CommuneCalendar, now: Date, on db: any Database) async throws -> GroupWeekView {
        try await views(of: [group], week: week, calendar: calendar, now: now, on: db)[0]
    }

    /// The week of several groups of one commune (all of them, for the briefing), from one pass
    /// over the week: each read covers every group at once, in three rounds of statements (side by
    /// side on PostgreSQL, `PageReads`): the groups' weeks, focal points, members, targets, units
    /// and activity types; then the members' ledger and reports, the targets' kept figures and who
    /// entered this week's; then the submitted reports' lines. A fixed number of statements
    /// however many groups.
    ///
    /// `comparingWith`: also the week before, from the same reads (`GroupWeekView.weekBefore`).
    static func views(of groups: [ReportGroup], week: ReportWeek, calendar: CommuneCalendar, now: Date,
                      comparingWith previous: ReportWeek? = nil, on db: any Database) async throws -> [GroupWeekView] {
        guard let communeID = groups.first?.communeID else { return [] }
        let groupIDs = try groups.map { try $0.requireID() }

        let weekID = week.id
        let (groupWeeksRead, aggregators, obligated, targets, unitNames, types) = try await PageReads.together(on: db,
            { try await SQLAccess.models(GroupWeek.self, where: "group_id IN (\(list: groupIDs)) AND week_id = \(bind: weekID.description)", on: db) },
            { try await focalPoints(of: groupIDs, on: db) },
            { try await LedgerService.obligated(communeID: communeID, groupIDs: Set(groupIDs), groupsInOrder: groups.inDisplayOrder, on: db) },
            { try await WeekTarget.active(ofGroups: groupIDs, year: weekID.year, on: db) },
            { try await OrganisationQueries.unitNames(communeID: communeID, on: db) },
            { try await SQLAccess.models(ActivityType.self, where: "commune_id = \(bind: communeID)", on: db) })

        let memberIDs = obligated.map(\.personID)
        let targetIDs = targets.map(\.id)
        let (rows, reports, yearFigures) = try await PageReads.together(on: db,
            { try await LedgerService.rows(for: obligated, weeks: [week] + (previous.map { [$0] } ?? []), calendar: calendar, now: now, on: db) },
            { memberIDs.isEmpty ? [] : try await SQLAccess.models(WeeklyReport.self,
                where: "person_id IN (\(list: memberIDs)) AND week_id = \(bind: weekID.description)", on: db) },
            { try await TargetProgressQuery.keptFigures(of: targetIDs, year: weekID.year, through: weekID.week, on: db) })
        // This week's figures (who entered them) are among the kept ones: the latest through this week.
        let figures = TargetProgressQuery.weekFigures(yearFigures, week: weekID.week)

        let submitted = reports.filter { $0.status == .submitted }
        let submittedIDs = try submitted.map { try $0.requireID() }
        let (workItems, planItems) = try await PageReads.together(on: db,
            { submittedIDs.isEmpty ? [] : try await SQLAccess.models(ReportWorkItem.self, where: "report_id IN (\(list: submittedIDs))",
                                                                     orderBy: [\ReportWorkItem.$position], on: db) },
            { submittedIDs.isEmpty ? [] : try await SQLAccess.models(ReportPlanItem.self, where: "report_id IN (\(list: submittedIDs))",
                                                                     orderBy: [\ReportPlanItem.$date, \ReportPlanItem.$start], on: db) })

        let enterers = Set(figures.values.map(\.enteredByID))
        let knownNames = Dictionary(obligated.map { ($0.personID, $0.fullName) }, uniquingKeysWith: { first, _ in first })
        // Who entered a figure is usually a member already read; others (a former member) by name.
        let otherEnterers = enterers.subtracting(knownNames.keys)
        let others: [(UUID, String)] = otherEnterers.isEmpty ? [] : try await Person.query(on: db)
            .filter(\.$id ~~ Array(otherEnterers)).all().map { ($0.id!, $0.fullName) }
        let entererNames = knownNames.merging(others) { first, _ in first }

        let groupWeeks = Dictionary(groupWeeksRead.map { ($0.groupID, $0) }, uniquingKeysWith: { first, _ in first })
        let entries = Dictionary(rows.filter { $0.week.id == week.id }.map { ($0.obligated.personID, $0.entry) },
                                 uniquingKeysWith: { first, _ in first })
        let onTimeBefore = Set(rows.filter { $0.week.id == previous?.id && $0.entry.status == .onTime }.map(\.obligated.personID))
        let reportByPerson = Dictionary(reports.map { ($0.personID, $0) }, uniquingKeysWith: { first, _ in first })
        let progress = TargetProgressQuery.progress(of: targets, kept: yearFigures, through: week.id)
        let progressBefore = previous.map { previous in
            previous.id.year == week.id.year ? TargetProgressQuery.progress(of: targets, kept: yearFigures, through: previous.id) : [:]
        }
        let typeNames = Dictionary(types.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        let personOfReport = Dictionary(uniqueKeysWithValues: submitted.map { ($0.id!, $0.personID) })
        // People in the order of a Vietnamese list (given name first), each person's lines in their order.
        let nameKeys = knownNames.mapValues { VietnameseCollation.personKey($0) }
        let noKey = VietnameseCollation.personKey("")
        let weeksInYear = WeekNaming.weeksInISOYear(week.id.year)
        let compilationDue = calendar.deadlines(for: week).groupCompilation

        return try groups.map { group in
            let groupID = try group.requireID()
            let people = obligated.filter { $0.groupIDs.contains(groupID) }
            let members = people.map { GroupWeekView.Member(fullName: $0.fullName, personID: $0.personID, entry: entries[$0.personID],
                                                            report: reportByPerson[$0.personID]) }
            let memberIDs = Set(people.map(\.personID))
            let targetLines = targets.filter { $0.groupID == groupID }.map { target in
                let p = progress[target.id]
                let figure = figures[target.id]
                return GroupWeekView.TargetLine(
                    target: target, responsibleUnit: target.responsibleUnitID.flatMap { unitNames[$0] }, progress: p,
                    behindPlan: PlanPace.isBehind(yearToDate: p?.yearToDate, planned: target.planned, kind: target.valueKind,
                                                  rule: target.yearToDateRule, week: week.id.week, weeksInYear: weeksInYear),
                    enteredBy: figure.flatMap { entererNames[$0.enteredByID] }, enteredByID: figure?.enteredByID,
                    unusualJump: figure?.unusualJump ?? false)
            }
            // A line goes to the groups its author chose, so a person in three groups does not
            // count it three times.
            let work = try workItems.compactMap { item -> GroupWeekView.WorkLine? in
                guard let personID = personOfReport[item.reportID], memberIDs.contains(personID), try item.belongs(to: groupID) else { return nil }
                return .init(personID: personID, fullName: knownNames[personID] ?? "", item: item, quantity: try item.quantity)
            }.sorted { (nameKeys[$0.personID] ?? noKey, $0.item.position) < (nameKeys[$1.personID] ?? noKey, $1.item.position) }
            let plans = try planItems.compactMap { item -> GroupWeekView.PlanLine? in
                guard let personID = personOfReport[item.reportID], memberIDs.contains(personID), try item.belongs(to: groupID) else { return nil }
                return .init(personID: personID, fullName: knownNames[personID] ?? "", item: item)
            }
            // Totals per activity type and unit (lines without a type are counted by their unit).
            let activityTotals = WorkTotals.byActivity(work.map {
                WorkQuantity(description: $0.item.description, quantity: $0.quantity,
                             unit: $0.item.unit, activityType: $0.item.activityType)
            }, typeNames: typeNames)
            let difficulties = submitted.compactMap { report -> GroupWeekView.Difficulty? in
                guard memberIDs.contains(report.personID), let text = report.difficulties, !text.isEmpty else { return nil }
                return .init(personID: report.personID, fullName: knownNames[report.personID] ?? "", text: text)
            }.sorted { (nameKeys[$0.personID] ?? noKey) < (nameKeys[$1.personID] ?? noKey) }
            let weekBefore = progressBefore.map { before in
                GroupWeekView.WeekBefore(yearToDate: Dictionary(targetLines.compactMap { line in
                                             before[line.target.id]?.yearToDate.map { (line.target.id, $0) } }, uniquingKeysWith: { first, _ in first }),
                                         onTime: memberIDs.intersection(onTimeBefore).count)
            }
            return GroupWeekView(group: group, groupID: groupID, week: week,
                                 groupWeek: groupWeeks[groupID] ?? GroupWeek(communeID: group.communeID, groupID: groupID, week: week.id, now: now),
                                 aggregatorIDs: aggregators[groupID] ?? [], members: members, targets: targetLines,
                                 activityTotals: activityTotals, work: work, plans: plans, difficulties: difficulties,
                                 compilationDue: compilationDue, weekBefore: weekBefore)
        }
    }

    // MARK: Actions

    enum ActionError: Error {
        case flow(GroupWeekFlowError)
        case invalid([String: String])
        case notFound(String)
        /// Compiling before the reporters' deadline while these members have not submitted:
        /// the focal point confirms first.
        case membersStillReporting([String])
    }

    /// The members who may still submit in time: no submission, no leave, deadline ahead.
    static func stillReporting(group: ReportGroup, week: ReportWeek, calendar: CommuneCalendar, now: Date,
                               on db: any Database) async throws -> [String] {
        let obligated = try await LedgerService.obligated(communeID: group.communeID, groupIDs: [try group.requireID()], on: db)
        return try await LedgerService.rows(for: obligated, weeks: [week], calendar: calendar, now: now, on: db)
            .filter { $0.entry.status == .notDue }
            .map(\.obligated.fullName)
    }

    static func notify(_ personIDs: [UUID], communeID: UUID, kind: String, text: String, url: String, now: Date, on db: any Database) async throws {
        let notes = Set(personIDs).map { AppNotification(communeID: communeID, personID: $0, kind: kind, text: text, url: url, createdAt: now) }
        if !notes.isEmpty { try await notes.create(on: db) }
    }

    /// The focal point, the approver or the leaders act on the group's week.
    static func act(_ action: GroupWeekAction, group: ReportGroup, week: ReportWeek, actor: Actor, comment: String, summary: String?,
                    confirmMissing: Bool = false, calendar: CommuneCalendar, now: Date, on db: any Database) async throws -> GroupWeek {
        let groupID = try group.requireID()
        let part = GroupWeekActor(actor, group: GroupFacts(group))
        if action == .submit && !confirmMissing && part.isAggregator {
            let waiting = try await stillReporting(group: group, week: week, calendar: calendar, now: now, on: db)
            if !waiting.isEmpty { throw ActionError.membersStillReporting(waiting) }
        }
        return try await db.transaction { db in
            let groupWeek = try await groupWeek(groupID: groupID, communeID: group.communeID, week: week.id, now: now, on: db)
            let before = groupWeek.state
            // The flow says both whether the actor may (403) and whether the state allows it (409);
            // `AccessPolicy.actOnGroupWeek` answers the pages with the same rule.
            switch GroupWeekFlow.apply(action, to: before, by: part, requiresApproval: GroupFacts(group).requiresApproval) {
            case .failure(let error): throw ActionError.flow(error)
            case .success(let next): groupWeek.state = next
            }
            let cleanComment = VietnameseText.nfc(comment)
            if action == .returnToAggregator && cleanComment.isEmpty {
                throw ActionError.invalid(["comment": "Ghi rõ lý do trả lại để đầu mối bổ sung."])
            }
            switch action {
            case .submit:
                if let summary { groupWeek.summary = VietnameseText.nfc(summary) }
                if groupWeek.firstCompiledAt == nil { groupWeek.firstCompiledAt = now }
                groupWeek.compiledAt = now
                groupWeek.compiledBy = actor.personID
            case .approve:
                groupWeek.approvedAt = now
                groupWeek.approvedBy = actor.personID
                groupWeek.approverComment = cleanComment.isEmpty ? nil : cleanComment
            case .returnToAggregator, .unlock:
                groupWeek.approverComment = cleanComment.isEmpty ? nil : cleanComment
            case .reopen:
                break
            }
            groupWeek.updatedAt = now
            try await groupWeek.save(on: db)
            try await AuditTrail.record(on: db, communeID: group.communeID, actorID: actor.personID, at: now, kind: "approval",
                                        action: action.rawValue, subjectID: try groupWeek.requireID(), weekID: week.id.description,
                                        before: ["state": before.rawValue],
                                        after: ["state": groupWeek.state.rawValue, "comment": cleanComment, "summary": groupWeek.summary])
            let url = SiteRoute.groupWeek(groupID: groupID, week: week.id).path
            let weekLabel = "tuần \(week.id.week)/\(week.id.year)"
            switch action {
            case .reopen:
                break
            case .submit:
                if let approver = group.approverID {
                    try await notify([approver], communeID: group.communeID, kind: "compiled",
                                     text: "\(group.name): đầu mối đã nộp báo cáo tổng hợp \(weekLabel), chờ xét duyệt.", url: url, now: now, on: db)
                }
            case .approve, .returnToAggregator, .unlock:
                let verb = action == .approve ? "đã được duyệt" : action == .unlock ? "đã được mở khóa để sửa" : "bị trả lại: \(cleanComment)"
                try await notify(try await aggregatorIDs(groupID: groupID, on: db), communeID: group.communeID, kind: action.rawValue,
                                 text: "\(group.name): báo cáo tổng hợp \(weekLabel) \(verb)", url: url, now: now, on: db)
            }
            return groupWeek
        }
    }

    /// The focal point returns a member's report with a comment; the member corrects and submits
    /// again, and the first submission instant stands.
    static func returnReport(group: ReportGroup, week: ReportWeek, personID: UUID, comment: String, actor: Actor,
                             now: Date, on db: any Database) async throws -> WeeklyReport {
        let groupID = try group.requireID()
        // The facts first, then one answer from GiaoBanCore; each refusal keeps its own status.
        let isMember = try await GroupMembership.query(on: db).filter(\.$groupID == groupID).filter(\.$personID == personID)
            .filter(\.$kind == .member).count() > 0
        let found = isMember ? try await ReportService.find(personID: personID, week: week.id, on: db) : nil
        let groupWeek = try await groupWeek(groupID: groupID, communeID: group.communeID, week: week.id, now: now, on: db)
        let refusal = MemberReportReturnRefusal.of(actor, group: GroupFacts(group), groupWeekState: groupWeek.state,
                                                   report: MemberReportStatus(found))
        if refusal == .notFocalPoint {
            throw ActionError.flow(.forbidden("Chỉ đầu mối tổng hợp của nhóm mới trả lại được báo cáo."))
        }
        let cleanComment = VietnameseText.nfc(comment)
        if cleanComment.isEmpty { throw ActionError.invalid(["comment": "Ghi rõ nội dung cần bổ sung, sửa."]) }
        guard let report = found, refusal != .notSubmitted else {
            throw ActionError.notFound("Cán bộ này chưa nộp báo cáo tuần trong nhóm.")
        }
        switch refusal {
        case .groupWeekClosed?:
            throw ActionError.flow(.illegal("Báo cáo tổng hợp đã nộp hoặc đã duyệt: không trả lại báo cáo thành viên được nữa."))
        case .alreadyReturned?:
            throw ActionError.flow(.illegal("Báo cáo này đã được trả lại, đang chờ cán bộ sửa và nộp lại."))
        case .notFocalPoint?, .notSubmitted?, nil:
            break
        }
        return try await db.transaction { db in
            report.returnedAt = now
            report.returnedBy = actor.personID
            report.returnComment = cleanComment
            try await report.save(on: db)
            try await AuditTrail.record(on: db, communeID: group.communeID, actorID: actor.personID, at: now, kind: "report",
                                        action: "return", subjectID: try report.requireID(), weekID: week.id.description,
                                        before: String?.none, after: ["comment": cleanComment])
            try await notify([personID], communeID: group.communeID, kind: "report_returned",
                             text: "Báo cáo tuần \(week.id.week)/\(week.id.year) được trả lại: \(cleanComment)",
                             url: SiteRoute.report(week: week.id).path, now: now, on: db)
            return report
        }
    }

    /// One-click reminder to the members who have not submitted yet.
    static func remindMissing(view: GroupWeekView, actor: Actor, now: Date, on db: any Database) async throws -> Int {
        let missing = view.members.filter { $0.report?.firstSubmittedAt == nil && $0.entry?.status != .excused }.map(\.personID)
        try await notify(missing, communeID: view.group.communeID, kind: "reminder",
                         text: "Nhắc nộp báo cáo tuần \(view.week.id.week)/\(view.week.id.year) (\(view.group.name)).",
                         url: SiteRoute.report(week: view.week.id).path, now: now, on: db)
        return missing.count
    }
}
