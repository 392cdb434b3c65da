import Fluent
import Foundation
import SQLKit
import GiaoBanCore
import Vapor

/// One task as the pages show it.
struct BriefingTaskRow: Encodable, Sendable {
    var id: String
    var index: Int
    var week: String
    var weekTitle: String
    var content: String
    var assigneeName: String
    var due: String
    var overdue: Bool
    var state: String
    var stateLabel: String
    var report: String
    var states: [Choice]
    var stateError: String?
    var reportError: String?

    static func rows(_ tasks: [BriefingTask], names: [UUID: String], calendar: CommuneCalendar, now: Date) -> [BriefingTaskRow] {
        let today = BriefingTaskRules.today(now, calendar: calendar)
        return tasks.enumerated().map { index, task in
            let week = ReportWeekID(task.weekID)
            return BriefingTaskRow(
                id: task.id!.canonicalText, index: index, week: task.weekID,
                weekTitle: week.map { Strings.text("concl_week_of", "\($0.week)/\($0.year)") } ?? task.weekID,
                content: task.content, assigneeName: BriefingNames.name(of: task, in: names), due: task.due?.vietnamese ?? task.dueOn,
                overdue: task.due.map { BriefingTaskRules.isOverdue(dueOn: $0, state: task.state, today: today) } ?? false,
                state: task.stateCode, stateLabel: task.state.vietnameseName,
                report: task.report, states: stateChoices(task.state))
        }
    }

    static func stateChoices(_ selected: BriefingTaskState?) -> [Choice] {
        BriefingTaskState.allCases.map {
            Choice(value: $0.rawValue, label: $0.vietnameseName, selected: $0 == selected)
        }
    }
}

/// What the weekly report form shows in its "assigned-tasks" section (`view.assignedTasks`):
/// the tasks the author reports on, with the words it needs.
struct AssignedTasksBlock: Encodable, Sendable {
    var title: String
    var hint: String
    var linkHref: String
    var linkLabel: String
    var overdueLabel: String
    var dueLabel: String
    var tasks: [BriefingTaskRow]
    var hasTasks: Bool
}

/// The queries other pages call: the tasks a person reports on.
enum BriefingTaskQueries {
    /// The tasks `personID` (or one of `unitIDs`) must report on in their report of `week`: from
    /// earlier briefings, not done yet; overdue first, then by due date.
    static func openTasks(for personID: UUID, unitIDs: Set<UUID>, week: ReportWeekID, on db: any Database) async throws -> [BriefingTask] {
        let open = [BriefingTaskState.open, .inProgress, .notDone].map(\.rawValue)
        // Plain SQL (`SQLAccess.models`): the report form reads it on every open.
        let units: SQLText = unitIDs.isEmpty ? "" : " OR assignee_unit_id IN (\(list: Array(unitIDs)))"
        let tasks = try await SQLAccess.models(BriefingTask.self, where: """
            (assignee_person_id = \(bind: personID)\(units)) AND state IN (\(list: open)) AND week_id < \(bind: week.description)
            """, on: db)
        return order(tasks, today: nil)
    }

    /// Every task of the commune still open (for the office, who may report on anyone's behalf).
    static func allOpenTasks(communeID: UUID, week: ReportWeekID, on db: any Database) async throws -> [BriefingTask] {
        let open = [BriefingTaskState.open, .inProgress, .notDone].map(\.rawValue)
        let tasks = try await BriefingTask.query(on: db).filter(\.$communeID == communeID).filter(\.$stateCode ~~ open)
            .filter(\.$weekID < week.description).all()
        return order(tasks, today: nil)
    }

    /// Briefing order (overdue first, then by due date). Without `today`, only not-done tasks
    /// should be passed: their overdue ones are exactly the earliest due.
    static func order(_ tasks: [BriefingTask], today: LocalDate?) -> [BriefingTask] {
        let byID = Dictionary(tasks.compactMap { task in task.id.map { ($0, task) } }, uniquingKeysWith: { a, _ in a })
        let facts = tasks.compactMap(\.facts)
        return BriefingTaskRules.briefingOrder(facts, today: today ?? LocalDate(year: 1, month: 1, day: 1)!).compactMap { byID[$0.id] }
    }

    /// The block the weekly report form shows for `tasks` (from `openTasks`).
    static func block(_ tasks: [BriefingTask], calendar: CommuneCalendar, now: Date,
                      on db: any Database) async throws -> AssignedTasksBlock {
        let names = try await BriefingNames.assignees(tasks, on: db)
        return AssignedTasksBlock(
            title: Strings.text("tasks_title"), hint: Strings.text("tasks_report_hint"),
            linkHref: BriefingTaskPages.path, linkLabel: Strings.text("tasks_report_link"),
            overdueLabel: Strings.text("concl_overdue"), dueLabel: Strings.text("concl_due_short"),
            tasks: BriefingTaskRow.rows(tasks, names: names, calendar: calendar, now: now), hasTasks: !tasks.isEmpty)
    }

    /// The report form's block for `personID`'s report of `week` in one call.
    static func reportBlock(personID: UUID, unitIDs: Set<UUID>, week: ReportWeekID, calendar: CommuneCalendar, now: Date,
                            on db: any Database) async throws -> AssignedTasksBlock {
        try await block(openTasks(for: personID, unitIDs: unitIDs, week: week, on: db), calendar: calendar, now: now,
                        on: db)
    }
}

/// The "Kết luận giao ban" section of the briefing page: last week's tasks, this week's
/// conclusions, and (for leaders and the office, once the briefing has started) the form.
enum BriefingConclusionsSection {
    struct FormRow: Encodable, Sendable {
        var index: Int
        var id: String
        var content: String
        var people: [Choice]
        var units: [Choice]
        var due: String
        var contentError: String?
        var assigneeError: String?
        var dueError: String?
    }

    struct Form: Encodable, Sendable {
        var text: String
        var meetings: [Choice]
        var rows: [FormRow]
    }

    struct View: Encodable, Sendable {
        var weekID: String
        var recorded: Bool
        var paragraphs: [String]
        var recordedLine: String?
        var meetingTitle: String?
        var tasks: [BriefingTaskRow]
        var lookBack: [BriefingTaskRow]
        var canEdit: Bool
        /// Why the form is not offered yet ("from 14:00 Friday…"), for those who may edit.
        var notYet: String?
        var form: Form?
        var errors: FieldErrors
        var errorOrder: String
        var problem: String?
        var documentHref: String
        var action: String
    }

    /// The posted form, as typed, when it was refused.
    struct Typed: Sendable {
        var form: BriefingConclusionsPageController.PostedForm
        var errors: FieldErrors
        var errorOrder: String
        var problem: String?
    }

    private struct TypedKey: StorageKey { typealias Value = Typed }

    static func setTyped(_ typed: Typed, on req: Request) { req.storage[TypedKey.self] = typed }

    /// `meetings`: the week's briefings when the caller has them (the briefing page lists them).
    static func load(_ req: Request, user: CurrentUser, week: ReportWeek, meetings known: [Meeting]? = nil) async throws -> View {
        let calendar = user.calendar
        let now = req.now, db = req.db
        let record = try await ConclusionService.record(communeID: user.communeID, week: week.id, on: db)
        let meetings: [Meeting]
        if let known {
            meetings = known
        } else {
            meetings = try await ConclusionService.meetings(communeID: user.communeID, week: week, calendar: calendar, on: db)
        }
        // Last week's tasks and older ones still not done.
        let previous = calendar.week(before: week)
        let earlier = try await BriefingTask.query(on: db).filter(\.$communeID == user.communeID)
            .filter(\.$weekID <= previous.id.description).filter(\.$weekID >= calendar.week(containing: week.start.adding(days: -7 * 26)).id.description)
            .all()
        let today = BriefingTaskRules.today(now, calendar: calendar)
        let facts = BriefingTaskRules.lookBack(earlier.compactMap(\.facts), week: week.id, previousWeek: previous.id, today: today)
        let earlierByID = Dictionary(uniqueKeysWithValues: earlier.map { ($0.id!, $0) })
        let lookBackTasks = facts.compactMap { earlierByID[$0.id] }
        let names = try await BriefingNames.assignees(record.tasks + lookBackTasks, on: db)

        var recordedLine: String?
        if let conclusion = record.conclusion, let recorder = try await Person.find(conclusion.updatedBy, on: db) {
            recordedLine = req.t("concl_recorded_by", recorder.fullName, calendar.vietnameseDateTime(conclusion.updatedAt))
        }
        let canEdit = AccessPolicy.allows(user.actor, .recordBriefingConclusions)
        var notYet: String?
        var form: Form?
        let typed = req.storage[TypedKey.self]
        if canEdit {
            do {
                _ = try ConclusionService.checkOpen(meetings: meetings, week: week, now: now)
                form = try await makeForm(user: user, record: record, meetings: meetings, typed: typed, on: db)
            } catch let error as AppError {
                notYet = error.message
            }
        }
        let conclusion = record.conclusion
        return View(
            weekID: week.id.description, recorded: conclusion != nil,
            paragraphs: (conclusion?.text ?? "").components(separatedBy: "\n").map { $0.trimmedWhitespace }.filter { !$0.isEmpty },
            recordedLine: recordedLine,
            meetingTitle: conclusion.flatMap { c in meetings.first { $0.slotKey == c.meetingKey }?.title },
            tasks: BriefingTaskRow.rows(record.tasks, names: names, calendar: calendar, now: now),
            lookBack: BriefingTaskRow.rows(lookBackTasks, names: names, calendar: calendar, now: now),
            canEdit: canEdit, notYet: notYet, form: form, errors: typed?.errors ?? .init(), errorOrder: typed?.errorOrder ?? "",
            problem: typed?.problem, documentHref: SiteRoute.briefingConclusionsDocument(week.id).path,
            action: SiteRoute.briefingConclusions(week.id).path)
    }

    static let blankRows = 3

    private static func makeForm(user: CurrentUser, record: ConclusionService.Record, meetings: [Meeting],
                                 typed: Typed?, on db: any Database) async throws -> Form {
        let people = try await Person.query(on: db).filter(\.$communeID == user.communeID).filter(\.$active == true).all().sortedByVietnameseName(\.fullName)
        let units = try await OrgUnit.query(on: db).filter(\.$communeID == user.communeID).filter(\.$active == true).all().sortedVietnamese(by: \.name)
        struct Raw { var id: String; var content: String; var assignee: String; var due: String }
        var raws: [Raw]
        let text: String
        let meetingKey: String?
        if let typed {
            raws = (typed.form.tasks ?? []).map { Raw(id: $0.id ?? "", content: $0.content ?? "", assignee: $0.assignee ?? "", due: $0.dueOn ?? "") }
            text = typed.form.text ?? ""
            meetingKey = typed.form.meeting
        } else {
            raws = record.tasks.map { task in
                Raw(id: task.id!.canonicalText, content: task.content,
                    assignee: task.assigneeUnitID.map { "unit:\($0)" } ?? task.assigneePersonID.map { "person:\($0)" } ?? "",
                    due: task.due?.vietnamese ?? task.dueOn)
            }
            text = record.conclusion?.text ?? ""
            meetingKey = record.conclusion?.meetingKey
        }
        // Three blank rows after the last filled one.
        while raws.count > 0, raws.last.map({ $0.id.isEmpty && $0.content.isEmpty && $0.assignee.isEmpty && $0.due.isEmpty }) == true {
            raws.removeLast()
        }
        raws += Array(repeating: Raw(id: "", content: "", assignee: "", due: ""), count: blankRows)
        let errors = typed?.errors.messages ?? [:]
        let rows = raws.enumerated().map { index, raw in
            FormRow(index: index, id: raw.id, content: raw.content,
                    people: people.map { Choice(value: "person:\($0.id!)", label: $0.fullName, selected: raw.assignee == "person:\($0.id!)") },
                    units: units.map { Choice(value: "unit:\($0.id!)", label: $0.name, selected: raw.assignee == "unit:\($0.id!)") },
                    due: raw.due, contentError: errors["task\(index)-content"], assigneeError: errors["task\(index)-assignee"],
                    dueError: errors["task\(index)-due"])
        }
        let selectedKey = meetingKey ?? meetings.first?.slotKey
        return Form(text: text, meetings: meetings.map { Choice(value: $0.slotKey, label: $0.title, selected: $0.slotKey == selectedKey) },
                    rows: rows)
    }
}

/// `POST /briefing/{weekId}/conclusions` and the notice's download from the page.
struct BriefingConclusionsPageController {
    struct PostedForm: Content, Sendable {
        struct Task: Content, Sendable { var id: String?; var content: String?; var assignee: String?; var dueOn: String? }
        var text: String?
        var meeting: String?
        var tasks: [Task]?
    }

    func save(_ req: Request) async throws -> Response {
        let user = try req.authorize(.recordBriefingConclusions)
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        let form = try req.content.decode(PostedForm.self)
        // Blank rows are skipped; remember which form row each task came from.
        var rowOf: [Int] = []
        var tasks: [ConclusionService.TaskInput] = []
        for (index, row) in (form.tasks ?? []).enumerated() {
            let assignee = (row.assignee ?? "").trimmedWhitespace
            let blank = [row.content, row.dueOn, row.id].allSatisfy { ($0 ?? "").trimmedWhitespaceAndNewlines.isEmpty } && assignee.isEmpty
            if blank { continue }
            rowOf.append(index)
            tasks.append(.init(id: row.id, content: row.content ?? "",
                               assigneePersonID: assignee.hasPrefix("person:") ? String(assignee.dropFirst(7)) : nil,
                               assigneeUnitID: assignee.hasPrefix("unit:") ? String(assignee.dropFirst(5)) : nil,
                               dueOn: row.dueOn ?? ""))
        }
        let input = ConclusionService.Input(text: form.text ?? "", meetingKey: form.meeting, tasks: tasks)
        do {
            try await ConclusionService.save(input, actor: user.actor, week: week, calendar: user.calendar, now: req.now, on: req.db)
            return req.redirect(to: .briefing(week.id), notice: "saved", fragment: "conclusions")
        } catch let error as AppError where error.status == .unprocessableEntity || error.status == .conflict {
            var errors = FieldErrors()
            var order: [String] = ["text", "meeting"]
            for index in 0..<(form.tasks ?? []).count { order += ["task\(index)-content", "task\(index)-assignee", "task\(index)-due"] }
            for (key, message) in error.fields {
                errors[Self.elementID(for: key, rowOf: rowOf)] = message
            }
            BriefingConclusionsSection.setTyped(.init(form: form, errors: errors, errorOrder: order.joined(separator: " "),
                                                      problem: error.status == .conflict ? error.message : nil), on: req)
            let response = try await BriefingPageController().show(req)
            response.status = error.status
            return response
        }
    }

    /// "tasks.2.dueOn" → "task5-due" (the form row the third task came from).
    static func elementID(for key: String, rowOf: [Int]) -> String {
        let parts = key.split(separator: ".").map(String.init)
        guard parts.count == 3, parts[0] == "tasks", let index = Int(parts[1]), index < rowOf.count else { return key }
        let row = rowOf[index]
        switch parts[2] {
        case "content", "id": return "task\(row)-content"
        case "dueOn": return "task\(row)-due"
        default: return "task\(row)-assignee"
        }
    }
}

/// `/briefings/tasks`: the tasks the signed-in person reports on, one form for all of them.
struct BriefingTaskPages {
    static let path = SiteRoute.briefingTasks().path

    struct PostedForm: Content, Sendable {
        struct Task: Content, Sendable { var id: String?; var state: String?; var report: String? }
        var tasks: [Task]?
        var all: String?
    }

    struct View: Encodable, Sendable {
        var tasks: [BriefingTaskRow]
        var showsAll: Bool
        var canSeeAll: Bool
        var errors: FieldErrors
        var errorOrder: String
        var mineHref = SiteRoute.briefingTasks().path
        var allHref = SiteRoute.briefingTasks(all: true).path
        var action = SiteRoute.briefingTasks().path
    }

    static func tasks(for user: CurrentUser, all: Bool, now: Date, on db: any Database) async throws -> [BriefingTask] {
        // Everything assigned at briefings up to this week's (held or not).
        let through = user.calendar.week(after: user.calendar.week(containing: now)).id
        if all && AccessPolicy.allows(user.actor, .reportOnBriefingTask(assignee: .unit(UUID()))) {
            return try await BriefingTaskQueries.allOpenTasks(communeID: user.communeID, week: through, on: db)
        }
        return try await BriefingTaskQueries.openTasks(for: user.personID, unitIDs: user.actor.unitIDs, week: through, on: db)
    }

    func show(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        return try await render(req, user: user, all: req.query[String.self, at: "all"] == "1", typed: nil, errors: .init())
    }

    private func render(_ req: Request, user: CurrentUser, all: Bool, typed: PostedForm?, errors: FieldErrors,
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        let canSeeAll = AccessPolicy.allows(user.actor, .reportOnBriefingTask(assignee: .unit(UUID())))
        let tasks = try await Self.tasks(for: user, all: all, now: req.now, on: req.db)
        let names = try await BriefingNames.assignees(tasks, on: req.db)
        var rows = BriefingTaskRow.rows(tasks, names: names, calendar: user.calendar, now: req.now)
        if let typed {
            let sent = Dictionary((typed.tasks ?? []).compactMap { task in task.id.map { ($0, task) } }, uniquingKeysWith: { a, _ in a })
            for index in rows.indices {
                guard let row = sent[rows[index].id] else { continue }
                rows[index].report = row.report ?? ""
                rows[index].states = BriefingTaskRow.stateChoices(row.state.flatMap(BriefingTaskState.init(rawValue:)))
                rows[index].stateError = errors["task\(rows[index].id)-state"]
                rows[index].reportError = errors["task\(rows[index].id)-report"]
            }
        }
        let order = rows.flatMap { ["task\($0.id)-state", "task\($0.id)-report"] }.joined(separator: " ")
        let view = View(tasks: rows, showsAll: all && canSeeAll, canSeeAll: canSeeAll, errors: errors, errorOrder: order)
        return try await req.render("briefings/tasks", title: req.t("tasks_title"), section: "tasks", view, status: status)
    }

    func save(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(PostedForm.self)
        let all = form.all == "1"
        let rows = form.tasks ?? []
        // Check every row first, so a refused form saves nothing.
        var errors = FieldErrors()
        var changes: [(id: String, state: String, report: String)] = []
        for row in rows {
            guard let id = row.id, UUID(uuidString: id) != nil else { continue }
            guard let state = row.state.flatMap(BriefingTaskState.init(rawValue:)) else {
                errors["task\(id)-state"] = req.t("tasks_err_state")
                continue
            }
            for (field, message) in BriefingTaskRules.reportProblems(state: state, report: row.report ?? "") {
                errors["task\(id)-\(field)"] = message
            }
            changes.append((id, state.rawValue, row.report ?? ""))
        }
        guard errors.isEmpty else {
            return try await render(req, user: user, all: all, typed: form, errors: errors, status: .unprocessableEntity)
        }
        for change in changes {
            try await ConclusionService.report(taskID: change.id, state: change.state, report: change.report, actor: user.actor,
                                               now: req.now, on: req.db)
        }
        return req.redirect(to: .briefingTasks(all: all), notice: "saved")
    }
}
