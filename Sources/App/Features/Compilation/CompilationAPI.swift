import Fluent
import Foundation
import GiaoBanCore
import Vapor

struct GroupWeekDTO: Content {
    struct Member: Content {
        var personId: UUID
        var fullName: String
        var status: String?
        var submittedAt: String?
        var lateBySeconds: Int
        var returned: Bool
        var returnComment: String?
        /// The first submission arrived after the group's week was first compiled.
        var submittedAfterCompilation: Bool
        /// Who filed it on the member's behalf, if someone did.
        var filedById: UUID?
    }
    struct TargetLine: Content {
        var targetId: UUID
        var code: String
        var name: String
        var unitOfMeasure: String
        var responsibleUnit: String?
        var value: Decimal?
        var yearToDate: Decimal?
        var planned: Decimal?
        var percent: Decimal?
        var behindPlan: Bool
        /// Who entered this week's figure (one figure per target and week).
        var enteredById: UUID?
        var unusualJump: Bool
    }
    struct Difficulty: Content {
        var personId: UUID
        var fullName: String
        var text: String
    }
    struct ActivityTotal: Content {
        var activityType: String?
        var name: String
        var unit: String
        var quantity: Decimal
        var lines: Int
    }
    struct WorkLine: Content {
        var personId: UUID
        var fullName: String
        var description: String
        var quantity: Decimal
        var unit: String
        var activityType: String?
        var place: String?
        var dates: String?
        var forecast: Bool
    }
    struct PlanLine: Content {
        var personId: UUID
        var fullName: String
        var date: String
        var start: String
        var end: String
        var title: String
        var roomId: UUID?
        var place: String?
    }
    var groupId: UUID
    var groupName: String
    var week: String
    var state: String
    var requiresApproval: Bool
    var summary: String
    var compilationDueAt: String
    var firstCompiledAt: String?
    var compiledAt: String?
    var approvedAt: String?
    var approverComment: String?
    var changedAfterApproval: Bool
    var members: [Member]
    var targets: [TargetLine]
    var activityTotals: [ActivityTotal]
    var work: [WorkLine]
    var plans: [PlanLine]
    /// The members' "khó khăn, vướng mắc, đề xuất" of the week.
    var difficulties: [Difficulty]

    init(_ view: GroupWeekView, calendar: CommuneCalendar) {
        let groupWeek = view.groupWeek
        groupId = view.groupID
        groupName = view.group.name
        week = view.week.id.description
        state = groupWeek.state.rawValue
        requiresApproval = view.group.approverID != nil
        summary = groupWeek.summary
        compilationDueAt = calendar.isoString(view.compilationDue)
        firstCompiledAt = groupWeek.firstCompiledAt.map(calendar.isoString)
        compiledAt = groupWeek.compiledAt.map(calendar.isoString)
        approvedAt = groupWeek.approvedAt.map(calendar.isoString)
        approverComment = groupWeek.approverComment
        changedAfterApproval = groupWeek.changedAfterApproval
        members = view.members.map {
            Member(personId: $0.personID, fullName: $0.fullName, status: $0.entry?.status.rawValue,
                   submittedAt: $0.entry?.submittedAt.map(calendar.isoString), lateBySeconds: $0.entry?.lateBySeconds ?? 0,
                   returned: $0.report?.returnedAt != nil, returnComment: $0.report?.returnComment,
                   submittedAfterCompilation: $0.submittedAfterCompilation(groupWeek), filedById: $0.report?.filedByID)
        }
        targets = view.targets.map {
            TargetLine(targetId: $0.target.id, code: $0.target.code, name: $0.target.name, unitOfMeasure: $0.target.unitOfMeasure,
                       responsibleUnit: $0.responsibleUnit, value: $0.progress?.weekValue,
                       yearToDate: $0.progress?.yearToDate, planned: $0.target.planned,
                       percent: $0.progress?.percent, behindPlan: $0.behindPlan,
                       enteredById: $0.enteredByID, unusualJump: $0.unusualJump)
        }
        activityTotals = view.activityTotals.map {
            ActivityTotal(activityType: $0.activityType, name: $0.name, unit: $0.unit, quantity: $0.quantity, lines: $0.lines)
        }
        work = view.work.map {
            WorkLine(personId: $0.personID, fullName: $0.fullName, description: $0.item.description,
                     quantity: $0.quantity, unit: $0.item.unit,
                     activityType: $0.item.activityType, place: $0.item.place, dates: $0.item.dates, forecast: $0.item.forecast)
        }
        plans = view.plans.map {
            PlanLine(personId: $0.personID, fullName: $0.fullName, date: $0.item.date, start: $0.item.start, end: $0.item.end,
                     title: $0.item.title, roomId: $0.item.roomID, place: $0.item.place)
        }
        difficulties = view.difficulties.map { Difficulty(personId: $0.personID, fullName: $0.fullName, text: $0.text) }
    }
}

/// `/api/v1/groups/{id}/weeks/{weekId}` and its actions.
struct CompilationAPIController {
    struct ActionBody: Content {
        var personId: UUID?
        var comment: String?
        var summary: String?
        /// Compile although some members may still submit in time (see `409 members_still_reporting`).
        var confirmMissing: Bool?
    }

    private func load(_ req: Request) async throws -> (CurrentUser, ReportGroup, ReportWeek) {
        let user = try req.requireUser()
        let group = try await CompilationService.group(req.parameters.get("id"), communeID: user.communeID, on: req.db)
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        return (user, group, week)
    }

    private func body(_ req: Request) throws -> ActionBody {
        guard req.body.data != nil, (req.body.data?.readableBytes ?? 0) > 0 else { return ActionBody() }
        do { return try req.content.decode(ActionBody.self) } catch let refused as AppError { throw refused } catch {
            throw AppError(.badRequest, code: "malformed_body", message: "Nội dung gửi lên không đúng định dạng JSON mong đợi.")
        }
    }

    func show(_ req: Request) async throws -> GroupWeekDTO {
        let (user, group, week) = try await load(req)
        guard AccessPolicy.allows(user.actor, .readGroupWeek(group: GroupFacts(group))) else { throw AppError.forbidden }
        let view = try await CompilationService.view(group: group, week: week, calendar: user.calendar, now: req.now, on: req.db)
        return GroupWeekDTO(view, calendar: user.calendar)
    }

    private func act(_ req: Request, _ action: GroupWeekAction) async throws -> GroupWeekDTO {
        let (user, group, week) = try await load(req)
        let body = try body(req)
        do {
            _ = try await CompilationService.act(action, group: group, week: week, actor: user.actor, comment: body.comment ?? "",
                                                 summary: body.summary, confirmMissing: body.confirmMissing ?? false,
                                                 calendar: user.calendar, now: req.now, on: req.db)
        } catch let error as CompilationService.ActionError {
            throw error.appError
        }
        let view = try await CompilationService.view(group: group, week: week, calendar: user.calendar, now: req.now, on: req.db)
        return GroupWeekDTO(view, calendar: user.calendar)
    }

    func submit(_ req: Request) async throws -> GroupWeekDTO { try await act(req, .submit) }
    func approve(_ req: Request) async throws -> GroupWeekDTO { try await act(req, .approve) }
    func unlock(_ req: Request) async throws -> GroupWeekDTO { try await act(req, .unlock) }
    func reopen(_ req: Request) async throws -> GroupWeekDTO { try await act(req, .reopen) }

    /// With `personId`: the focal point returns that member's report. Without: the approver
    /// returns the compiled report to the focal point.
    func returnAction(_ req: Request) async throws -> GroupWeekDTO {
        let body = try body(req)
        guard let personID = body.personId else { return try await act(req, .returnToAggregator) }
        let (user, group, week) = try await load(req)
        do {
            _ = try await CompilationService.returnReport(group: group, week: week, personID: personID, comment: body.comment ?? "",
                                                          actor: user.actor, now: req.now, on: req.db)
        } catch let error as CompilationService.ActionError {
            throw error.appError
        }
        let view = try await CompilationService.view(group: group, week: week, calendar: user.calendar, now: req.now, on: req.db)
        return GroupWeekDTO(view, calendar: user.calendar)
    }
}
