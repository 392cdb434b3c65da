import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// The weekly report form: quick on a phone, forgiving of Vietnamese number formats, and never
/// losing what was typed (autosave as typed; a refused form comes back unchanged).
struct ReportPageController {
    struct Form: Content {
        struct Figure: Content { var targetId: String?; var value: String?; var completed: String?; var confirmJump: String? }
        struct Work: Content {
            var description: String?; var quantity: String?; var unit: String?; var activityType: String?
            var place: String?; var dates: String?; var groupIds: [String]?; var forecast: String?
        }
        struct Plan: Content {
            var date: String?; var start: String?; var end: String?; var title: String?; var roomId: String?
            var place: String?; var chairId: String?; var participantIds: [String]?; var preparedBy: String?
            var groupIds: [String]?
        }
        var targets: [Figure]?
        var work: [Work]?
        var plans: [Plan]?
        var difficulties: String?
        var action: String?

        var input: WeeklyReportInput {
            WeeklyReportInput(
                figures: (targets ?? []).compactMap { figure in
                    guard let id = figure.targetId.flatMap(UUID.init(uuidString:)) else { return nil }
                    return .init(targetID: id, value: figure.value ?? "", completed: figure.completed != nil,
                                 confirmJump: figure.confirmJump != nil)
                },
                work: (work ?? []).map { .init(description: $0.description ?? "", quantity: $0.quantity ?? "", unit: $0.unit ?? "",
                                               activityType: $0.activityType ?? "", place: $0.place ?? "", dates: $0.dates ?? "",
                                               groupIDs: $0.groupIds ?? [], forecast: $0.forecast != nil) },
                plans: (plans ?? []).map { .init(date: $0.date ?? "", start: $0.start ?? "", end: $0.end ?? "", title: $0.title ?? "",
                                                 roomID: $0.roomId ?? "", place: $0.place ?? "", chairID: $0.chairId ?? "",
                                                 participantIDs: $0.participantIds ?? [], preparedBy: $0.preparedBy ?? "",
                                                 groupIDs: $0.groupIds ?? []) },
                difficulties: difficulties ?? "")
        }
    }

    struct TargetRow: Encodable, Sendable {
        var index: Int; var id: String; var code: String; var name: String; var unit: String; var yesNo: Bool
        var value: String; var completed: Bool; var yearToDate: String; var planned: String; var percent: String
        var yesSelected: Bool; var noSelected: Bool
        var error: String?
        /// The week's figure as it stands, and who entered it (one figure per target and week).
        var current: String?
        /// An unusual jump was refused: the box that confirms it is shown.
        var askConfirmJump: Bool = false
        var confirmJump: Bool = false
    }
    struct WorkRow: Encodable, Sendable {
        var index: Int; var description: String; var quantity: String; var unit: String; var activityTypes: [Choice]
        var place: String; var dates: String; var fromPlan: Bool
        var descriptionError: String?; var quantityError: String?; var unitError: String?; var activityTypeError: String?
        var groups: [Choice] = []; var forecast: Bool = false; var groupError: String? = nil
    }
    struct PlanRow: Encodable, Sendable {
        var index: Int; var dates: [Choice]; var start: String; var end: String; var title: String; var rooms: [Choice]
        var place: String; var chairs: [Choice]; var participants: [Choice]; var preparedBy: String
        var dateError: String?; var startError: String?; var endError: String?; var titleError: String?; var roomError: String?
        var groups: [Choice] = []
    }
    /// Last week's forecast line, to confirm in one tap.
    struct ForecastRow: Encodable, Sendable { var id: String; var text: String }
    struct View: Encodable, Sendable {
        var weekID: String; var weekTitle: String; var planWeekTitle: String
        var previousID: String; var nextID: String
        var status: String; var submitted: Bool; var submittedAt: String?; var late: Bool; var lateText: String?
        var due: String; var timeLeft: String; var duePassed: Bool
        var targets: [TargetRow]; var work: [WorkRow]; var plans: [PlanRow]
        var problems: [String]; var offeredFromLastWeek: Bool; var restoredDraftAt: String?
        var updatedAt: String; var storageKey: String
        /// The person's plan items that clash with next week's published schedule.
        var scheduleClashes: [String]
        /// Set while the focal point has sent the report back: who, when and what to fix.
        var returned: Returned?
        /// Set when someone files for the author (nộp thay): the author's name, and the query
        /// that keeps the author in every link and form of the page.
        var onBehalfOf: String?
        var personQuery: String
        /// Who filed the submitted report, when not its author.
        var filedBy: String?
        var difficulties: String
        var difficultiesError: String?
        /// Whether the author reports in several groups (each line then says which).
        var chooseGroups: Bool
        var forecasts: [ForecastRow]
        var previousWeekHref: String
        /// "Việc được giao tại giao ban": the briefing's tasks the author reports on this week.
        var assignedTasks: AssignedTasksBlock?
    }
    struct Returned: Encodable, Sendable { var by: String; var at: String; var comment: String }

    func current(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        return req.redirect(to: "/reports/\(user.commune.calendar.week(containing: req.now).id)")
    }

    func show(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        let author = try await ReportAuthor.resolve(req, user: user)
        return try await render(req, user: user, author: author, week: week, typed: nil, problems: [:], status: .ok)
    }

    /// Saves ("Lưu") or submits ("Nộp báo cáo"); a refused form comes back as typed, with messages.
    func save(_ req: Request) async throws -> Response {
        let user = try req.authorize(.writeOwnReport)
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        let author = try await ReportAuthor.resolve(req, user: user)
        let form = try req.content.decode(Form.self)
        let input = form.input
        let submit = form.action == "submit"
        do {
            try await ReportService.save(input, submit: submit, person: author, actorID: user.personID, week: week,
                                         calendar: user.commune.calendar, now: req.now, on: req.db)
            let personQuery = author.id == user.personID ? "?" : "?personId=\(author.id!)&"
            return req.redirect(to: "/reports/\(week.id)\(personQuery)notice=\(submit ? "report_submitted" : "saved")")
        } catch ReportService.SaveError.invalid(let problems) {
            // Keep the typed text on the server too, so a closed tab loses nothing.
            try await ReportService.autosave(input, person: author, week: week, now: req.now, on: req.db)
            return try await render(req, user: user, author: author, week: week, typed: input, problems: problems, status: .unprocessableEntity)
        } catch ReportService.SaveError.locked(let message) {
            return try await render(req, user: user, author: author, week: week, typed: input, problems: ["": message], status: .conflict)
        }
    }

    /// `POST /reports/{weekID}/work/{index}/confirm`: last week's forecast line was done as written.
    func confirmForecast(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        let author = try await ReportAuthor.resolve(req, user: user)
        guard let position = req.parameters.get("index").flatMap(Int.init),
              try await ReportService.confirmForecast(personID: author.requireID(), week: week.id, position: position, actorID: user.personID,
                                                      communeID: user.communeID, now: req.now, on: req.db) else {
            throw AppError.notFound("Không tìm thấy việc dự kiến này.")
        }
        let next = user.commune.calendar.week(after: week)
        let query = author.id == user.personID ? "?" : "?personId=\(author.id!)&"
        return req.redirect(to: "/reports/\(next.id)\(query)notice=saved")
    }

    /// The form's background save: keeps what is typed, as typed (JSON answer for the script).
    func autosave(_ req: Request) async throws -> Response {
        let user = try req.authorize(.writeOwnReport)
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        let author = try await ReportAuthor.resolve(req, user: user)
        let form = try req.content.decode(Form.self)
        let (report, created) = try await ReportService.autosave(form.input, person: author, week: week, now: req.now, on: req.db)
        // Typing autosaved into an existing report changes only its author's form; the first
        // autosave creates the report, which the focal point's page lists.
        req.changedOnlyForSelf = !created
        struct Saved: Content { var savedAt: String; var time: String }
        let calendar = user.commune.calendar
        let savedAt = report.draftSavedAt ?? req.now
        return try await Saved(savedAt: calendar.isoString(savedAt), time: calendar.localTime(of: savedAt).text).encodeResponse(for: req)
    }

    private func render(_ req: Request, user: CurrentUser, author: Person, week: ReportWeek, typed: WeeklyReportInput?,
                        problems: [String: String], status: HTTPResponseStatus) async throws -> Response {
        let calendar = user.commune.calendar
        let now = req.now
        let db = req.db
        let authorID = try author.requireID()
        let onBehalf = authorID != user.personID
        let report = try await ReportService.find(personID: authorID, week: week.id, on: db)
        let planWeek = calendar.week(containing: week.end.adding(days: 1))
        let previousWeek = calendar.week(containing: week.start.adding(days: -1))

        // What the form shows: what was just typed, else the autosaved typing, else the saved
        // report, else last week's plan as this week's starting list.
        var input = typed
        var restoredDraftAt: String?
        var offered = false
        if input == nil, let report, let draft = report.typedDraft {
            input = draft
            restoredDraftAt = report.draftSavedAt.map { calendar.vietnameseDateTime($0) }
        }
        if input == nil, let report {
            input = ReportsAPIController.input(from: try await ReportService.content(of: report, on: db))
        }
        if input == nil {
            var start = WeeklyReportInput()
            if let last = try await ReportService.find(personID: authorID, week: previousWeek.id, on: db) {
                let plans = try await ReportPlanItem.query(on: db).filter(\.$reportID == last.requireID()).sort(\.$position).all()
                start.work = plans.map { plan in
                    .init(description: plan.title, dates: LocalDate(iso: plan.date)?.vietnamese ?? plan.date)
                }
                offered = !plans.isEmpty
            }
            input = start
        }
        let typedInput = input ?? WeeklyReportInput()

        let targets = try await ReportService.responsibleTargets(for: author, year: week.id.year, on: db)
        let progress = try await TargetProgressQuery.progress(of: targets, through: ReportWeekID(year: week.id.year, week: week.id.week - 1), on: db)
        let typedFigures = Dictionary(typedInput.figures.map { ($0.targetID, $0) }, uniquingKeysWith: { first, _ in first })
        let currentFigures = try await TargetFigures.current(targetIDs: targets.compactMap(\.id), week: week.id, on: db)
        let entererIDs = Set(currentFigures.values.map(\.enteredByID))
        let enterers = entererIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Person.query(on: db)
            .filter(\.$id ~~ Array(entererIDs)).all().map { ($0.id!, $0.fullName) })
        let targetRows = try targets.enumerated().map { index, target in
            let id = try target.requireID()
            let typedFigure = typedFigures[id]
            let figureIndex = typedInput.figures.firstIndex { $0.targetID == id }
            let value: String
            if let typedFigure {
                value = target.valueKind == .yesNo ? typedFigure.value : (typed == nil && report?.typedDraft == nil
                    ? DecimalText.load(typedFigure.value).map { VietnameseNumber.format($0, maxFractionDigits: 6) } ?? typedFigure.value
                    : typedFigure.value)
            } else { value = "" }
            let p = progress[id]
            return TargetRow(index: index, id: id.uuidString, code: target.code, name: target.name, unit: target.unitOfMeasure,
                             yesNo: target.valueKind == .yesNo, value: value, completed: typedFigure?.completed ?? true,
                             yearToDate: TargetProgressQuery.display(p?.yearToDate, kind: target.valueKind),
                             planned: TargetProgressQuery.display(target.planned, kind: target.valueKind),
                             percent: TargetProgressQuery.displayPercent(p?.percent),
                             yesSelected: ["1", "dat", "co"].contains(VietnameseText.folded(value)),
                             noSelected: ["0", "chua dat", "khong"].contains(VietnameseText.folded(value)),
                             error: figureIndex.flatMap { problems["targets[\($0)].value"] ?? problems["targets[\($0)].targetId"] },
                             current: currentFigures[id].map { figure in
                                 "\(TargetProgressQuery.display(figure.value, kind: target.valueKind)) — \(enterers[figure.enteredByID] ?? ""), \(calendar.vietnameseDateTime(figure.enteredAt))"
                             },
                             askConfirmJump: figureIndex.flatMap { problems["targets[\($0)].value"] }?.hasPrefix("Số liệu tăng bất thường") == true
                                 || typedFigure?.confirmJump == true,
                             confirmJump: typedFigure?.confirmJump == true)
        }
        let groups = try await ReportService.authorGroups(author, on: db)
        let defaultGroups = ReportService.defaultGroups(groups, targets: targets)
        func groupChoices(_ typed: [String]) -> [Choice] {
            let chosen = typed.isEmpty ? defaultGroups.map(\.uuidString) : typed
            return groups.map { Choice(value: $0.id!.uuidString, label: $0.name, selected: chosen.contains($0.id!.uuidString)) }
        }
        // Last week's lines that were forecasts: confirmed in one tap.
        var forecasts: [ForecastRow] = []
        if let last = try await ReportService.find(personID: authorID, week: previousWeek.id, on: db), last.status == .submitted {
            forecasts = try await ReportWorkItem.query(on: db).filter(\.$reportID == last.requireID()).filter(\.$forecast == true)
                .sort(\.$position).all().map { item in
                    ForecastRow(id: String(item.position),
                                text: "\(item.description): \(VietnameseNumber.format(DecimalText.load(item.quantityText) ?? 0)) \(item.unit)")
                }
        }

        let types = try await ActivityType.query(on: db).filter(\.$communeID == user.communeID).filter(\.$active == true).sort(\.$name).all()
        var workLines = typedInput.work
        workLines.append(contentsOf: Array(repeating: WeeklyReportInput.WorkLine(), count: max(2, 5 - workLines.count)))
        let workRows = workLines.enumerated().map { index, line in
            WorkRow(index: index, description: line.description, quantity: Self.readable(line.quantity, typed: typed != nil || restoredDraftAt != nil),
                    unit: line.unit,
                    activityTypes: [Choice(value: "", label: "—", selected: line.activityType.isEmpty)]
                        + types.map { Choice(value: $0.code, label: $0.name, selected: $0.code == line.activityType, hint: $0.defaultUnit) },
                    place: line.place, dates: line.dates, fromPlan: offered && index < typedInput.work.count,
                    descriptionError: problems["work[\(index)].description"], quantityError: problems["work[\(index)].quantity"],
                    unitError: problems["work[\(index)].unit"], activityTypeError: problems["work[\(index)].activityType"],
                    groups: groupChoices(line.groupIDs), forecast: line.forecast, groupError: problems["work[\(index)].groupIds"])
        }

        let rooms = try await Room.query(on: db).filter(\.$communeID == user.communeID).filter(\.$active == true).sort(\.$name).all()
        let people = try await Person.query(on: db).filter(\.$communeID == user.communeID).filter(\.$active == true).sort(\.$foldedName).all()
        var planLines = typedInput.plans
        planLines.append(contentsOf: Array(repeating: WeeklyReportInput.PlanLine(), count: max(1, 3 - planLines.count)))
        let planRows = planLines.enumerated().map { index, line in
            let date = LocalDate(iso: line.date) ?? LocalDate(vietnamese: line.date)
            return PlanRow(
                index: index,
                dates: [Choice(value: "", label: "—", selected: date == nil)]
                    + planWeek.days.map { Choice(value: $0.vietnamese, label: "\($0.weekday.vietnameseName) \($0.dayMonth)", selected: $0 == date) },
                start: line.start, end: line.end, title: line.title,
                rooms: [Choice(value: "", label: "—", selected: line.roomID.isEmpty)]
                    + rooms.map { Choice(value: $0.id!.uuidString, label: "\($0.name) (\($0.capacity))", selected: $0.id!.uuidString == line.roomID) },
                place: line.place,
                chairs: [Choice(value: "", label: "—", selected: line.chairID.isEmpty)]
                    + people.map { Choice(value: $0.id!.uuidString, label: $0.fullName, selected: $0.id!.uuidString == line.chairID) },
                participants: people.map { Choice(value: $0.id!.uuidString, label: $0.fullName, selected: line.participantIDs.contains($0.id!.uuidString)) },
                preparedBy: line.preparedBy,
                dateError: problems["plans[\(index)].date"], startError: problems["plans[\(index)].start"],
                endError: problems["plans[\(index)].end"], titleError: problems["plans[\(index)].title"],
                roomError: problems["plans[\(index)].roomId"] ?? problems["plans[\(index)].chairId"] ?? problems["plans[\(index)].participantIds"]
                    ?? problems["plans[\(index)].groupIds"],
                groups: groupChoices(line.groupIDs))
        }

        // Told at once: the plan items that clash with next week's published schedule.
        var clashes: [String] = []
        if let publication = try await ScheduleService.publication(communeID: user.communeID, week: planWeek.id, on: db) {
            let published = ScheduleService.published(publication).filter { $0.sourceReportId != report?.id }.compactMap(\.domainItem)
            let publishedByID = Dictionary(published.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let rooms = try await ScheduleService.resources(communeID: user.communeID, on: db)
            let members = try await ScheduleService.unitMembers(communeID: user.communeID, on: db)
            let names = try await ScheduleService.nameLookup(communeID: user.communeID, on: db)
            for line in typedInput.plans {
                guard let date = LocalDate(iso: line.date) ?? LocalDate(vietnamese: line.date),
                      let start = LocalTime(string: line.start), let end = LocalTime(string: line.end), end > start else { continue }
                // Booked as the schedule will book it: the author is in their own plan line.
                let booking = PlanOwnership.booking(chair: line.chairID.isEmpty ? nil : UUID(uuidString: line.chairID),
                                                    participants: line.participantIDs.compactMap(UUID.init(uuidString:)), author: authorID)
                let candidate = ScheduleItem(date: date, start: start, end: end, roomID: line.roomID.isEmpty ? nil : UUID(uuidString: line.roomID),
                                             chairID: booking.chair, participantIDs: Set(booking.participants), title: line.title)
                for conflict in ScheduleConflicts.conflicts(of: candidate, against: published, rooms: rooms, unitMembers: members) {
                    // Says what it clashes with: the other item's title, time, room and chair.
                    let detail = conflict.vietnameseClashDetail(from: candidate.id, items: publishedByID) { names[$0] }
                    clashes.append("\(line.title) (\(date.dayMonth) \(start.text)): \(conflict.vietnameseDescription(names: names))"
                                   + (detail.isEmpty ? "" : ". \(detail)"))
                }
            }
        }

        var returned: Returned?
        if let report, let returnedAt = report.returnedAt {
            var returner: Person?
            if let returnedBy = report.returnedBy { returner = try await Person.find(returnedBy, on: db) }
            returned = Returned(by: returner?.fullName ?? "", at: calendar.vietnameseDateTime(returnedAt),
                                comment: report.returnComment ?? "")
        }

        let authorUnitIDs = Set(try await PersonUnit.query(on: db).filter(\.$personID == authorID).all().map(\.unitID))
        let assignedTasks = try await BriefingTaskQueries.reportBlock(personID: authorID, unitIDs: authorUnitIDs, week: week.id,
                                                                      calendar: calendar, now: now, language: req.language, on: db)
        var filedBy: String?
        if let filerID = report?.filedByID { filedBy = try await Person.find(filerID, on: db)?.fullName }
        let due = calendar.deadlines(for: week).weeklyReport
        let lateBy = report?.firstSubmittedAt.map { Int($0.timeIntervalSince(due)) } ?? 0
        let statusText: String
        switch report?.status {
        case .submitted? where returned != nil: statusText = req.t("report_status_returned")
        case .submitted?: statusText = req.t("report_status_submitted")
        case .draft?: statusText = req.t("report_status_draft")
        case nil: statusText = req.t("report_status_new")
        }
        let view = View(
            weekID: week.id.description, weekTitle: week.title, planWeekTitle: planWeek.title,
            previousID: previousWeek.id.description, nextID: planWeek.id.description,
            status: statusText, submitted: report?.status == .submitted,
            submittedAt: report?.firstSubmittedAt.map { calendar.vietnameseDateTime($0) },
            late: lateBy > 0, lateText: lateBy > 0 ? LateText.vietnamese(seconds: lateBy) : nil,
            due: HomeController.dueText(due, calendar: calendar), timeLeft: TimeLeft.vietnamese(from: now, to: due), duePassed: due <= now,
            targets: targetRows, work: workRows, plans: planRows,
            problems: problems.sorted { $0.key < $1.key }.map { Self.describe($0.key, $0.value) },
            offeredFromLastWeek: offered, restoredDraftAt: restoredDraftAt,
            updatedAt: report.map { calendar.isoString($0.draftSavedAt ?? $0.updatedAt) } ?? "",
            storageKey: "giaoban-report-\(authorID.uuidString)-\(week.id)", scheduleClashes: clashes, returned: returned,
            onBehalfOf: onBehalf ? author.fullName : nil, personQuery: onBehalf ? "?personId=\(authorID)" : "",
            filedBy: filedBy, difficulties: typedInput.difficulties, difficultiesError: problems["difficulties"],
            chooseGroups: groups.count > 1, forecasts: forecasts,
            previousWeekHref: "/reports/\(previousWeek.id)\(onBehalf ? "?personId=\(authorID)" : "")",
            assignedTasks: assignedTasks.hasTasks ? assignedTasks : nil)
        return try await req.render("reports/form", title: week.title, section: "report", view, status: status)
    }

    /// Numbers stored in canonical form show in Vietnamese format; typed text shows as typed.
    private static func readable(_ quantity: String, typed: Bool) -> String {
        guard !typed, let value = DecimalText.load(quantity) else { return quantity }
        return VietnameseNumber.format(value, maxFractionDigits: 6)
    }

    /// "Dòng 3 (việc đã làm): Thiếu số lượng…" for the summary at the top of the form.
    private static func describe(_ key: String, _ message: String) -> String {
        let parts = key.split(separator: "[")
        guard parts.count > 1, let number = Int(parts[1].prefix { $0.isNumber }) else { return message }
        let section: String
        switch parts[0] {
        case "work": section = "Việc đã làm, dòng"
        case "plans": section = "Kế hoạch tuần tới, dòng"
        default: section = "Chỉ tiêu, dòng"
        }
        return "\(section) \(number + 1): \(message)"
    }
}
