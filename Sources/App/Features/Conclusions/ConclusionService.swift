import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// Recording a briefing's conclusions and the tasks it assigns, and the assignees' reports on
/// them. Every write is audited in the same transaction; the API and the pages both come here.
enum ConclusionService {
    /// A task as sent: `id` names a task of these conclusions that is kept (with its state and report).
    struct TaskInput: Sendable {
        var id: String?
        var content: String
        var assigneePersonID: String?
        var assigneeUnitID: String?
        /// As typed or sent: `yyyy-MM-dd` (API) or `dd/mm/yyyy` (form).
        var dueOn: String
    }

    struct Input: Sendable {
        var text: String
        var meetingKey: String?
        var tasks: [TaskInput]
    }

    /// The week's conclusions with its tasks in list order (nil conclusion: none recorded yet).
    struct Record: Sendable {
        var conclusion: BriefingConclusion?
        var tasks: [BriefingTask]
    }

    static func record(communeID: UUID, week: ReportWeekID, on db: any Database) async throws -> Record {
        guard let conclusion = try await BriefingConclusion.query(on: db).filter(\.$communeID == communeID)
            .filter(\.$weekID == week.description).first() else { return Record(conclusion: nil, tasks: []) }
        let tasks = try await BriefingTask.query(on: db).filter(\.$conclusionID == conclusion.requireID()).sort(\.$position).all()
        return Record(conclusion: conclusion, tasks: tasks)
    }

    /// The week's briefings (moves included).
    static func meetings(communeID: UUID, week: ReportWeek, calendar: CommuneCalendar, on db: any Database) async throws -> [Meeting] {
        let moves = try await BriefingMoveRecord.moves(communeID: communeID, weeks: [week.id], on: db)
        return calendar.meetings(for: week, moves: moves)
    }

    /// Refuses recording before the week's first briefing starts, or in a week without one.
    static func checkOpen(meetings: [Meeting], week: ReportWeek, now: Date) throws -> Meeting {
        guard let opens = BriefingTaskRules.recordingOpens(meetings: meetings),
              let first = meetings.first(where: { $0.startInstant == opens }) else {
            throw AppError(.conflict, code: "no_briefing",
                           message: "Tuần \(week.id.week)/\(week.id.year) không có cuộc họp giao ban nên không có kết luận để ghi.")
        }
        guard now >= opens else {
            throw AppError(.conflict, code: "briefing_not_started",
                           message: "Chưa đến giờ giao ban (\(first.title): \(first.date.weekday.vietnameseName) \(first.date.vietnamese) lúc \(first.start.text)). Kết luận được ghi tại hoặc sau cuộc họp.")
        }
        return first
    }

    /// Replaces the week's conclusions: the text and the task list. Tasks sent with an id keep
    /// their state and report; tasks left out are removed. Newly assigned people (or the people
    /// of a newly assigned unit) are notified.
    @discardableResult
    static func save(_ input: Input, actor: Actor, week: ReportWeek, calendar: CommuneCalendar, now: Date,
                     on db: any Database) async throws -> Record {
        guard AccessPolicy.allows(actor, .recordBriefingConclusions) else { throw AppError.forbidden }
        let communeID = actor.communeID
        let meetings = try await meetings(communeID: communeID, week: week, calendar: calendar, on: db)
        let first = try checkOpen(meetings: meetings, week: week, now: now)
        let existing = try await record(communeID: communeID, week: week.id, on: db)
        let existingByID = Dictionary(existing.tasks.compactMap { task in task.id.map { ($0, task) } }, uniquingKeysWith: { a, _ in a })

        // Check everything before writing anything.
        var problems: [String: String] = [:]
        let text = VietnameseText.nfc(input.text).trimmedWhitespaceAndNewlines
        if text.count > BriefingTaskRules.maxConclusionsLength {
            problems["text"] = "Quá dài (tối đa \(BriefingTaskRules.maxConclusionsLength) ký tự)."
        }
        if text.isEmpty && input.tasks.isEmpty {
            problems["text"] = "Ghi nội dung kết luận hoặc ít nhất một việc được giao."
        }
        let meetingKey = input.meetingKey.map { $0.trimmedWhitespace }.flatMap { $0.isEmpty ? nil : $0 }
        if let meetingKey, !meetings.contains(where: { $0.slotKey == meetingKey }) {
            problems["meeting"] = "Tuần này không có cuộc họp “\(meetingKey)”."
        }
        let personIDs = Set(input.tasks.compactMap { $0.assigneePersonID.flatMap(UUID.init(uuidString:)) })
        let unitIDs = Set(input.tasks.compactMap { $0.assigneeUnitID.flatMap(UUID.init(uuidString:)) })
        let people = personIDs.isEmpty ? [] : try await Person.query(on: db).filter(\.$communeID == communeID)
            .filter(\.$id ~~ personIDs).all()
        let units = unitIDs.isEmpty ? [] : try await OrgUnit.query(on: db).filter(\.$communeID == communeID)
            .filter(\.$id ~~ unitIDs).all()
        let knownPeople = Dictionary(uniqueKeysWithValues: people.map { ($0.id!, $0) })
        let knownUnits = Dictionary(uniqueKeysWithValues: units.map { ($0.id!, $0) })

        var checked: [Checked] = []
        var seenIDs: Set<UUID> = []
        for (index, task) in input.tasks.enumerated() {
            let key = "tasks.\(index)"
            var id: UUID?
            if let rawID = task.id?.trimmedWhitespace, !rawID.isEmpty {
                if let parsed = UUID(uuidString: rawID), existingByID[parsed] != nil, !seenIDs.contains(parsed) {
                    id = parsed
                    seenIDs.insert(parsed)
                } else {
                    problems["\(key).id"] = "Việc này không thuộc kết luận của tuần \(week.id.week)/\(week.id.year)."
                }
            }
            let person = Self.blankToNil(task.assigneePersonID)
            let unit = Self.blankToNil(task.assigneeUnitID)
            let personID = person.flatMap(UUID.init(uuidString:))
            let unitID = unit.flatMap(UUID.init(uuidString:))
            let draft = BriefingTaskDraft(content: VietnameseText.nfc(task.content), assigneePersonID: person == nil ? nil : personID ?? UUID(),
                                          assigneeUnitID: unit == nil ? nil : unitID ?? UUID(), dueOn: Self.day(task.dueOn))
            for (field, message) in BriefingTaskRules.problems(draft, briefingDay: first.date) {
                problems["\(key).\(field)"] = message
            }
            if problems["\(key).assignee"] == nil {
                // Exactly one was given: it must be an active person or unit of this commune
                // (a kept task may stay with someone who has since left).
                let kept = id.flatMap { existingByID[$0] }
                if person != nil {
                    if let found = personID.flatMap({ knownPeople[$0] }) {
                        if !found.active && kept?.assigneePersonID != found.id {
                            problems["\(key).assigneePersonId"] = "\(found.fullName) không còn công tác."
                        }
                    } else {
                        problems["\(key).assigneePersonId"] = "Không có cán bộ này trong xã."
                    }
                } else if unit != nil {
                    if let found = unitID.flatMap({ knownUnits[$0] }) {
                        if !found.active && kept?.assigneeUnitID != found.id {
                            problems["\(key).assigneeUnitId"] = "Đơn vị \(found.name) đã ngừng hoạt động."
                        }
                    } else {
                        problems["\(key).assigneeUnitId"] = "Không có đơn vị này trong xã."
                    }
                }
            }
            if let assignee = BriefingTaskRules.assignee(of: draft), let due = draft.dueOn {
                checked.append(Checked(id: id, content: draft.content.trimmedWhitespaceAndNewlines,
                                       assignee: assignee, dueOn: due))
            }
        }
        guard problems.isEmpty else { throw AppError.invalid(problems) }

        let before = snapshot(existing.conclusion, existing.tasks)
        let tasksToSave = checked

        return try await db.transaction { db in
            let conclusion = existing.conclusion ?? BriefingConclusion(communeID: communeID, week: week.id, meetingKey: meetingKey,
                                                                     text: text, by: actor.personID, at: now)
            conclusion.text = text
            conclusion.meetingKey = meetingKey
            conclusion.updatedBy = actor.personID
            conclusion.updatedAt = now
            try await conclusion.save(on: db)
            let conclusionID = try conclusion.requireID()
            let keptIDs = Set(tasksToSave.compactMap(\.id))
            for task in existing.tasks where !keptIDs.contains(task.id!) { try await task.delete(on: db) }
            var saved: [BriefingTask] = []
            var newlyAssigned: [BriefingTask] = []
            for (position, item) in tasksToSave.enumerated() {
                let task: BriefingTask
                if let id = item.id, let kept = existingByID[id] {
                    task = kept
                    if task.assignee != item.assignee { newlyAssigned.append(task) }
                    task.content = item.content
                    task.assignee = item.assignee
                    task.dueOn = item.dueOn.iso
                    task.position = position
                } else {
                    task = BriefingTask(communeID: communeID, conclusionID: conclusionID, week: week.id, position: position,
                                        content: item.content, assignee: item.assignee, dueOn: item.dueOn, createdAt: now)
                    newlyAssigned.append(task)
                }
                try await task.save(on: db)
                saved.append(task)
            }
            try await AuditTrail.record(on: db, communeID: communeID, actorID: actor.personID, at: now, kind: "briefing_conclusions",
                                        action: existing.conclusion == nil ? "create" : "update", subjectID: conclusionID,
                                        weekID: week.id.description, before: before, after: snapshot(conclusion, saved))
            try await notifyAssigned(newlyAssigned, week: week, communeID: communeID, now: now, on: db)
            return Record(conclusion: conclusion, tasks: saved)
        }
    }

    /// A task that passed the checks.
    struct Checked: Sendable { var id: UUID?; var content: String; var assignee: BriefingTaskAssignee; var dueOn: LocalDate }

    /// What the audit trail keeps of the conclusions, before and after.
    struct Snapshot: Encodable { var text: String; var meeting: String?; var tasks: [TaskSnapshot] }
    struct TaskSnapshot: Encodable { var id: UUID?; var content: String; var assigneePersonId: UUID?; var assigneeUnitId: UUID?; var dueOn: String }

    static func snapshot(_ conclusion: BriefingConclusion?, _ tasks: [BriefingTask]) -> Snapshot? {
        guard let conclusion else { return nil }
        return Snapshot(text: conclusion.text, meeting: conclusion.meetingKey, tasks: tasks.map {
            TaskSnapshot(id: $0.id, content: $0.content, assigneePersonId: $0.assigneePersonID, assigneeUnitId: $0.assigneeUnitID, dueOn: $0.dueOn)
        })
    }

    /// An in-app notice to each newly assigned person, or to every active person of an assigned unit.
    static func notifyAssigned(_ tasks: [BriefingTask], week: ReportWeek, communeID: UUID, now: Date, on db: any Database) async throws {
        guard !tasks.isEmpty else { return }
        let unitIDs = Set(tasks.compactMap(\.assigneeUnitID))
        var unitPeople: [UUID: [UUID]] = [:]
        if !unitIDs.isEmpty {
            let links = try await PersonUnit.query(on: db).filter(\.$unitID ~~ unitIDs).all()
            let active = Set(try await Person.query(on: db).filter(\.$id ~~ Set(links.map(\.personID))).filter(\.$active == true).all().compactMap(\.id))
            for link in links where active.contains(link.personID) { unitPeople[link.unitID, default: []].append(link.personID) }
        }
        for task in tasks {
            let recipients = task.assigneeUnitID.map { unitPeople[$0] ?? [] } ?? [task.assigneePersonID].compactMap { $0 }
            let due = task.due?.vietnamese ?? task.dueOn
            try await CompilationService.notify(recipients, communeID: communeID, kind: "briefing_task",
                                                text: "Việc được giao tại giao ban tuần \(week.id.week)/\(week.id.year): \(task.content) (hạn \(due)).",
                                                url: BriefingTaskPages.path, now: now, on: db)
        }
    }

    /// The assignee (or the office) reports on a task: its state and what was done.
    @discardableResult
    static func report(taskID rawID: String?, state rawState: String?, report rawReport: String?, key: String = "",
                       actor: Actor, now: Date, on db: any Database) async throws -> BriefingTask {
        guard let rawID, let id = UUID(uuidString: rawID),
              let task = try await BriefingTask.query(on: db).filter(\.$id == id).filter(\.$communeID == actor.communeID).first()
        else { throw AppError.notFound("Không tìm thấy việc được giao này.") }
        guard AccessPolicy.allows(actor, .reportOnBriefingTask(assignee: task.assignee)) else { throw AppError.forbidden }
        var problems: [String: String] = [:]
        guard let state = rawState.flatMap(BriefingTaskState.init(rawValue:)) else {
            throw AppError.invalid([key + "state": "Chọn một trong: open, done, in_progress, not_done."])
        }
        let report = VietnameseText.nfc(rawReport ?? "").trimmedWhitespaceAndNewlines
        for (field, message) in BriefingTaskRules.reportProblems(state: state, report: report) { problems[key + field] = message }
        guard problems.isEmpty else { throw AppError.invalid(problems) }
        guard state != task.state || report != task.report else { return task }
        let before = ["state": task.stateCode, "report": task.report]
        task.state = state
        task.report = report
        task.updatedBy = actor.personID
        task.updatedAt = now
        try await db.transaction { db in
            try await task.save(on: db)
            try await AuditTrail.record(on: db, communeID: actor.communeID, actorID: actor.personID, at: now, kind: "briefing_task",
                                        action: "report", subjectID: id, weekID: task.weekID, before: before,
                                        after: ["state": task.stateCode, "report": task.report])
        }
        return task
    }

    /// `yyyy-MM-dd` or `dd/mm/yyyy`.
    static func day(_ text: String) -> LocalDate? {
        let trimmed = text.trimmedWhitespaceAndNewlines
        return LocalDate(iso: trimmed) ?? LocalDate(vietnamese: trimmed)
    }

    static func blankToNil(_ text: String?) -> String? {
        guard let text = text?.trimmedWhitespace, !text.isEmpty else { return nil }
        return text
    }
}
