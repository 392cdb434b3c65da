import Fluent
import Foundation
import GiaoBanCore
import Vapor

struct BriefingTaskDTO: Content {
    var id: UUID
    /// The week of the briefing that assigned it.
    var week: String
    var content: String
    /// Exactly one of the two is present.
    var assigneePersonId: UUID?
    var assigneeUnitId: UUID?
    var assigneeName: String
    var dueOn: String
    var state: String
    var report: String
    var overdue: Bool
    var updatedById: UUID?
    var updatedAt: String?
}

struct BriefingConclusionsDTO: Content {
    var week: String
    /// The meeting slot the conclusions were recorded for ("general", "committeeBloc", "partyBloc").
    var meeting: String?
    var text: String
    var recordedById: UUID?
    var recordedAt: String?
    var updatedById: UUID?
    var updatedAt: String?
    /// When recording opens: the start of the week's first briefing (absent: no briefing that week).
    var recordingOpensAt: String?
    var tasks: [BriefingTaskDTO]
}

struct BriefingConclusionsInput: Content {
    struct Task: Content {
        var id: String?
        var content: String?
        var assigneePersonId: String?
        var assigneeUnitId: String?
        var dueOn: String?
    }
    var text: String?
    var meeting: String?
    var tasks: [Task]?

    var input: ConclusionService.Input {
        ConclusionService.Input(text: text ?? "", meetingKey: meeting, tasks: (tasks ?? []).map {
            .init(id: $0.id, content: $0.content ?? "", assigneePersonID: $0.assigneePersonId, assigneeUnitID: $0.assigneeUnitId,
                  dueOn: $0.dueOn ?? "")
        })
    }
}

struct BriefingTaskReportInput: Content {
    var state: String?
    var report: String?
}

enum BriefingNames {
    /// The names of the people and units the tasks are assigned to.
    static func assignees(_ tasks: [BriefingTask], on db: any Database) async throws -> [UUID: String] {
        let personIDs = Set(tasks.compactMap(\.assigneePersonID)), unitIDs = Set(tasks.compactMap(\.assigneeUnitID))
        var names: [UUID: String] = [:]
        if !personIDs.isEmpty {
            for person in try await Person.query(on: db).filter(\.$id ~~ personIDs).all() { names[person.id!] = person.fullName }
        }
        if !unitIDs.isEmpty {
            for unit in try await OrgUnit.query(on: db).filter(\.$id ~~ unitIDs).all() { names[unit.id!] = unit.name }
        }
        return names
    }

    static func name(of task: BriefingTask, in names: [UUID: String]) -> String {
        (task.assigneeUnitID ?? task.assigneePersonID).flatMap { names[$0] } ?? ""
    }
}

/// `/api/v1/briefings/...`: a briefing's conclusions and the tasks it assigned.
struct ConclusionsAPIController {
    static func dto(_ task: BriefingTask, names: [UUID: String], calendar: CommuneCalendar, now: Date) -> BriefingTaskDTO {
        let today = BriefingTaskRules.today(now, calendar: calendar)
        return BriefingTaskDTO(
            id: task.id!, week: task.weekID, content: task.content, assigneePersonId: task.assigneePersonID,
            assigneeUnitId: task.assigneeUnitID, assigneeName: BriefingNames.name(of: task, in: names), dueOn: task.dueOn,
            state: task.stateCode, report: task.report,
            overdue: task.due.map { BriefingTaskRules.isOverdue(dueOn: $0, state: task.state, today: today) } ?? false,
            updatedById: task.updatedBy, updatedAt: task.updatedAt.map(calendar.isoString))
    }

    static func dto(_ record: ConclusionService.Record, tasks: [BriefingTask], week: ReportWeek, meetings: [Meeting],
                    calendar: CommuneCalendar, now: Date, on db: any Database) async throws -> BriefingConclusionsDTO {
        let names = try await BriefingNames.assignees(tasks, on: db)
        let conclusion = record.conclusion
        return BriefingConclusionsDTO(
            week: week.id.description, meeting: conclusion?.meetingKey, text: conclusion?.text ?? "",
            recordedById: conclusion?.recordedBy, recordedAt: conclusion.map { calendar.isoString($0.recordedAt) },
            updatedById: conclusion?.updatedBy, updatedAt: conclusion.map { calendar.isoString($0.updatedAt) },
            recordingOpensAt: BriefingTaskRules.recordingOpens(meetings: meetings).map(calendar.isoString),
            tasks: tasks.map { dto($0, names: names, calendar: calendar, now: now) })
    }

    /// Leaders, the office and the admin read everything; an assignee reads the text and their own tasks.
    static func readable(_ record: ConclusionService.Record, actor: Actor) throws -> [BriefingTask] {
        if AccessPolicy.allows(actor, .viewBriefing) { return record.tasks }
        let own = record.tasks.filter { AccessPolicy.allows(actor, .readBriefingTask(assignee: $0.assignee)) }
        guard !own.isEmpty else { throw AppError.forbidden }
        return own
    }

    /// `GET /api/v1/briefings/{weekId}/conclusions`.
    func show(_ req: Request) async throws -> BriefingConclusionsDTO {
        let user = try req.requireUser()
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        let calendar = user.calendar
        let record = try await ConclusionService.record(communeID: user.communeID, week: week.id, on: req.db)
        let tasks = try Self.readable(record, actor: user.actor)
        let meetings = try await ConclusionService.meetings(communeID: user.communeID, week: week, calendar: calendar, on: req.db)
        return try await Self.dto(record, tasks: tasks, week: week, meetings: meetings, calendar: calendar, now: req.now, on: req.db)
    }

    /// `PUT /api/v1/briefings/{weekId}/conclusions`: replaces the text and the task list.
    func put(_ req: Request) async throws -> BriefingConclusionsDTO {
        let user = try req.authorize(.recordBriefingConclusions)
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        let body = try req.decodeJSON(BriefingConclusionsInput.self)
        let calendar = user.calendar
        let record = try await ConclusionService.save(body.input, actor: user.actor, week: week, calendar: calendar, now: req.now, on: req.db)
        let meetings = try await ConclusionService.meetings(communeID: user.communeID, week: week, calendar: calendar, on: req.db)
        return try await Self.dto(record, tasks: record.tasks, week: week, meetings: meetings, calendar: calendar, now: req.now, on: req.db)
    }

    /// `PUT /api/v1/briefings/tasks/{id}`: the assignee (or the office) reports on a task.
    func report(_ req: Request) async throws -> BriefingTaskDTO {
        let user = try req.requireUser()
        let body = try req.decodeJSON(BriefingTaskReportInput.self)
        let task = try await ConclusionService.report(taskID: req.parameters.get("id"), state: body.state, report: body.report,
                                                      actor: user.actor, now: req.now, on: req.db)
        let names = try await BriefingNames.assignees([task], on: req.db)
        return Self.dto(task, names: names, calendar: user.calendar, now: req.now)
    }

    /// `GET /api/v1/briefings/{weekId}/conclusions.docx` (and the page's download).
    func document(_ req: Request) async throws -> Response {
        let user = try req.authorize(.viewBriefing)
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        let calendar = user.calendar
        let record = try await ConclusionService.record(communeID: user.communeID, week: week.id, on: req.db)
        guard let conclusion = record.conclusion else {
            throw AppError.notFound("Tuần \(week.id.week)/\(week.id.year) chưa có kết luận giao ban.")
        }
        let meetings = try await ConclusionService.meetings(communeID: user.communeID, week: week, calendar: calendar, on: req.db)
        let names = try await BriefingNames.assignees(record.tasks, on: req.db)
        // The notice is issued by the office ("TL. CHỦ TỊCH / VĂN PHÒNG"): its clerk's name is printed
        // when the office wrote this version; a leader's leaves the space to the office.
        let editor = try await Person.find(conclusion.updatedBy, on: req.db)
        let document = ConclusionDocument.notice(conclusion: conclusion, tasks: record.tasks, names: names, week: week,
                                                 meetings: meetings, commune: user.commune,
                                                 signerName: editor.flatMap { $0.roles.contains(.office) ? $0.fullName : nil } ?? "",
                                                 calendar: calendar)
        return try GroupDocuments.response(document, filename: "ket-luan-giao-ban-\(week.id).docx", now: req.now)
    }
}
