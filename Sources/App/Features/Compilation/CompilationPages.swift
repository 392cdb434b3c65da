import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// The focal point's week page of a group, the groups list and the leaders' briefing view.
struct CompilationPagesController {
    struct MemberRow: Encodable, Sendable {
        var personID: String; var name: String; var cell: LedgerCellView?
        var returned: Bool; var returnComment: String?; var canReturn: Bool
        /// Arrived after the week was compiled (nộp sau khi đã tổng hợp).
        var afterCompilation: Bool
        /// Someone filed it on the member's behalf.
        var filedOnBehalf: Bool
        /// The office or the focal point may enter this member's report for them.
        var fileHref: String?
        /// The member's whole report for the week.
        var href: String
    }
    struct WorkRow: Encodable, Sendable {
        var name: String; var description: String; var quantity: String; var place: String?; var dates: String?
        var forecast: Bool = false
    }
    struct PlanRow: Encodable, Sendable { var name: String; var day: String; var time: String; var title: String; var place: String? }
    struct WeekView: Encodable, Sendable {
        var groupID: String; var groupName: String; var weekID: String; var weekTitle: String
        var previousID: String; var nextID: String
        var state: String; var stateLabel: String; var requiresApproval: Bool
        var due: String; var timeLeft: String; var compiledAt: String?; var approvedAt: String?; var approverComment: String?
        var changedAfterApproval: Bool
        var members: [MemberRow]; var tally: LedgerTallyView
        var units: [GroupWeekRows.UnitSection]; var totals: [GroupWeekRows.TotalRow]; var work: [WorkRow]; var plans: [PlanRow]
        var summary: String
        var difficulties: [GroupWeekRows.DifficultyRow]
        var isAggregator: Bool; var canSubmit: Bool; var canApprove: Bool; var canUnlock: Bool; var canRemind: Bool
        var canReopen: Bool
        /// Members who may still submit in time, named when compiling early asks for confirmation.
        var confirmMissing: [String]
        var errors: FieldErrors
        var previousHref: String; var nextHref: String; var documentHref: String
        /// The week's ledger (linked when the group changed after approval).
        var ledgerHref: String
        var actions: FormActions
    }

    /// Where each of the page's forms posts, one address per `SiteRoute.GroupWeekForm`.
    struct FormActions: Encodable, Sendable {
        var remind: String; var submit: String; var approve: String; var unlock: String; var reopen: String
        /// Returns a member's report or the group's compilation.
        var returnReport: String

        init(groupID: UUID, week: ReportWeekID) {
            func path(_ form: SiteRoute.GroupWeekForm) -> String { SiteRoute.groupWeekAction(groupID: groupID, week: week, form).path }
            (remind, submit, approve, unlock, reopen, returnReport) =
                (path(.remind), path(.submit), path(.approve), path(.unlock), path(.reopen), path(.returnReport))
        }
    }

    private func load(_ req: Request) async throws -> (CurrentUser, ReportGroup, ReportWeek) {
        let user = try req.requireUser()
        let group = try await CompilationService.group(req.parameters.get("id"), communeID: user.communeID, on: req.db)
        guard AccessPolicy.allows(user.actor, .readGroupWeek(group: GroupFacts(group))) else { throw AppError.forbidden }
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        return (user, group, week)
    }

    func show(_ req: Request) async throws -> Response {
        let (user, group, week) = try await load(req)
        if req.parameters.get("weekID") == "current" { return req.redirect(to: .groupWeek(groupID: group.id!, week: week.id)) }
        return try await render(req, user: user, group: group, week: week, summary: nil, errors: .init(), status: .ok)
    }

    private func render(_ req: Request, user: CurrentUser, group: ReportGroup, week: ReportWeek, summary: String?,
                        errors: FieldErrors, confirmMissing: [String] = [], status: HTTPResponseStatus) async throws -> Response {
        let calendar = user.calendar
        let view = try await CompilationService.view(group: group, week: week, calendar: calendar, now: req.now, on: req.db)
        let facts = GroupFacts(group)
        let state = view.groupWeek.state
        let requiresApproval = facts.requiresApproval
        func allowed(_ action: GroupWeekAction) -> Bool {
            AccessPolicy.allows(user.actor, .actOnGroupWeek(action, group: facts, state: state))
        }
        let members = view.members.map { member in
            MemberRow(personID: member.personID.canonicalText, name: member.fullName,
                      cell: member.entry.map { LedgerCellView($0, calendar: calendar) },
                      returned: member.report?.returnedAt != nil, returnComment: member.report?.returnComment,
                      canReturn: AccessPolicy.allows(user.actor, .returnMemberReport(group: facts, groupWeekState: state,
                                                                                     report: MemberReportStatus(member.report))),
                      afterCompilation: member.submittedAfterCompilation(view.groupWeek), filedOnBehalf: member.report?.filedByID != nil,
                      fileHref: member.report?.firstSubmittedAt == nil && AccessPolicy.allows(user.actor, .fileReportOnBehalf(groupIDs: [view.groupID]))
                        ? SiteRoute.report(week: week.id, personID: member.personID).path : nil,
                      href: SiteRoute.memberReport(groupID: view.groupID, week: week.id, personID: member.personID).path)
        }
        let previous = calendar.week(containing: week.start.adding(days: -1)).id
        let next = calendar.week(containing: week.end.adding(days: 1)).id
        let page = WeekView(
            groupID: view.groupID.canonicalText, groupName: group.name, weekID: week.id.description, weekTitle: week.title,
            previousID: previous.description, nextID: next.description,
            state: state.rawValue, stateLabel: state.vietnameseName,
            requiresApproval: requiresApproval,
            due: DueWording.vietnamese(view.compilationDue, calendar: calendar), timeLeft: TimeLeft.vietnamese(from: req.now, to: view.compilationDue),
            compiledAt: view.groupWeek.compiledAt.map { calendar.vietnameseDateTime($0) },
            approvedAt: view.groupWeek.approvedAt.map { calendar.vietnameseDateTime($0) },
            approverComment: view.groupWeek.approverComment, changedAfterApproval: view.groupWeek.changedAfterApproval,
            members: members, tally: .init(MemberTally(view.members.map(\.entry)).tally),
            units: GroupWeekRows.targets(view.targets), totals: GroupWeekRows.totals(view.activityTotals),
            work: view.work.map { WorkRow(name: $0.fullName, description: $0.item.description,
                                          quantity: "\(VietnameseNumber.format($0.quantity)) \($0.item.unit)",
                                          place: $0.item.place, dates: $0.item.dates, forecast: $0.item.forecast) },
            plans: view.plans.map { plan in
                let date = LocalDate(iso: plan.item.date)
                return PlanRow(name: plan.fullName, day: date.map { "\($0.weekday.vietnameseName) \($0.dayMonth)" } ?? plan.item.date,
                               time: "\(plan.item.start) – \(plan.item.end)", title: plan.item.title, place: plan.item.place)
            },
            summary: summary ?? view.groupWeek.summary,
            difficulties: GroupWeekRows.difficulties(view.difficulties),
            isAggregator: GroupWeekActor(user.actor, group: facts).isAggregator, canSubmit: allowed(.submit), canApprove: allowed(.approve),
            canUnlock: allowed(.unlock), canRemind: AccessPolicy.allows(user.actor, .remindGroupMembers(group: facts)), canReopen: allowed(.reopen),
            confirmMissing: confirmMissing, errors: errors,
            previousHref: SiteRoute.groupWeek(groupID: view.groupID, week: previous).path,
            nextHref: SiteRoute.groupWeek(groupID: view.groupID, week: next).path,
            documentHref: SiteRoute.groupWeekDocument(groupID: view.groupID, week: week.id).path,
            ledgerHref: SiteRoute.ledgerWeek(week.id).path, actions: FormActions(groupID: view.groupID, week: week.id))
        return try await req.render(title: "\(group.name) · \(week.title)", section: "groups", page, status: status)
    }

    struct ActionForm: Content { var comment: String?; var summary: String?; var personId: String?; var confirmMissing: String? }

    func act(_ req: Request) async throws -> Response {
        let (user, group, week) = try await load(req)
        let form = try req.content.decode(ActionForm.self)
        let name = req.parameters.get("action") ?? ""
        do {
            switch name {
            case "submit", "approve", "unlock", "reopen":
                let action = GroupWeekAction(rawValue: name)!
                _ = try await CompilationService.act(action, group: group, week: week, actor: user.actor, comment: form.comment ?? "",
                                                     summary: form.summary, confirmMissing: form.confirmMissing == "true",
                                                     calendar: user.calendar, now: req.now, on: req.db)
            case "return":
                if let personID = form.personId.flatMap(UUID.init(uuidString:)) {
                    _ = try await CompilationService.returnReport(group: group, week: week, personID: personID, comment: form.comment ?? "",
                                                                  actor: user.actor, now: req.now, on: req.db)
                } else {
                    _ = try await CompilationService.act(.returnToAggregator, group: group, week: week, actor: user.actor,
                                                         comment: form.comment ?? "", summary: nil, calendar: user.calendar,
                                                         now: req.now, on: req.db)
                }
            case "remind":
                let view = try await CompilationService.view(group: group, week: week, calendar: user.calendar, now: req.now, on: req.db)
                guard AccessPolicy.allows(user.actor, .remindGroupMembers(group: GroupFacts(group))) else { throw AppError.forbidden }
                _ = try await CompilationService.remindMissing(view: view, actor: user.actor, now: req.now, on: req.db)
                return req.redirect(to: .groupWeek(groupID: group.id!, week: week.id), notice: "reminded")
            default:
                throw AppError.notFound()
            }
        } catch let error as CompilationService.ActionError {
            if case .invalid(let fields) = error {
                return try await render(req, user: user, group: group, week: week, summary: form.summary,
                                        errors: .init(messages: fields), status: .unprocessableEntity)
            }
            if case .membersStillReporting(let names) = error {
                // Asks, with the typed summary kept: the names and a button that confirms.
                return try await render(req, user: user, group: group, week: week, summary: form.summary,
                                        errors: .init(), confirmMissing: names, status: .conflict)
            }
            throw error.appError
        }
        return req.redirect(to: .groupWeek(groupID: group.id!, week: week.id), notice: "saved")
    }

    // MARK: Groups list

    struct GroupRow: Encodable, Sendable {
        var id: String; var name: String; var state: String; var stateLabel: String; var role: String
        /// The group's page for the week.
        var href: String
    }
    struct GroupsView: Encodable, Sendable { var weekID: String; var weekTitle: String; var groups: [GroupRow] }

    func index(_ req: Request) async throws -> Response {
        // The menu's question: whoever may read one group's week opens the list (empty when, say,
        // their only group is no longer active).
        let user = try req.authorize(.openGroupWeeks)
        let calendar = user.calendar
        let week = calendar.week(containing: req.now)
        let groups = try await ReportGroup.query(on: req.db).filter(\.$communeID == user.communeID).filter(\.$active == true)
            .sort(\.$sortOrder).all().filter { AccessPolicy.allows(user.actor, .readGroupWeek(group: GroupFacts($0))) }
        let states = try await GroupWeek.query(on: req.db).filter(\.$groupID ~~ groups.map { $0.id! })
            .filter(\.$weekID == week.id.description).all()
        let stateByGroup = Dictionary(uniqueKeysWithValues: states.map { ($0.groupID, $0.state) })
        let rows = groups.map { group in
            let state = stateByGroup[group.id!] ?? .open
            let role = GroupWeekActor(user.actor, group: GroupFacts(group))
            return GroupRow(id: group.id!.canonicalText, name: group.name, state: state.rawValue,
                            stateLabel: state.vietnameseName,
                            role: role.isAggregator ? req.t("group_aggregators") : role.isApprover ? req.t("group_approver_role") : "",
                            href: SiteRoute.groupWeek(groupID: group.id!, week: week.id).path)
        }
        return try await req.render("groups/index", title: req.t("groups_week_title"), section: "groups",
                                    GroupsView(weekID: week.id.description, weekTitle: week.title, groups: rows))
    }
}
