import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// The weekly report form: quick on a phone, forgiving of Vietnamese number formats, and never
/// losing what was typed (autosave as typed; a refused form comes back unchanged).
struct ReportPageController {
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
        /// One of the author's own targets (shown first); the others wait behind "Chỉ tiêu khác".
        var own: Bool = true
    }
    struct WorkRow: Encodable, Sendable {
        var index: Int; var description: String; var quantity: String; var unit: String; var activityTypes: [Choice]
        var place: String; var dates: String; var fromPlan: Bool
        var descriptionError: String?; var quantityError: String?; var unitError: String?; var activityTypeError: String?
        var groups: [Choice] = []; var forecast: Bool = false; var groupError: String? = nil
        /// The line's less used fields (type, place, dates, groups) start open when they hold something.
        var moreOpen: Bool = false
    }
    struct PlanRow: Encodable, Sendable {
        var index: Int; var dates: [Choice]; var start: String; var end: String; var title: String; var rooms: [Choice]
        var place: String; var chairs: [Choice]; var participants: [Choice]; var preparedBy: String
        var dateError: String?; var startError: String?; var endError: String?; var titleError: String?; var roomError: String?
        var groups: [Choice] = []
        var moreOpen: Bool = false
    }
    /// A problem of a refused form, linking to its field.
    struct Problem: Encodable, Sendable { var text: String; var href: String }
    /// Last week's forecast line, to confirm in one tap.
    struct ForecastRow: Encodable, Sendable {
        var id: String; var text: String
        /// Confirms the line as done (a form of last week's report).
        var confirmAction: String
    }
    struct View: Encodable, Sendable {
        var weekID: String; var weekTitle: String; var planWeekTitle: String
        var previousID: String; var nextID: String
        var status: String; var submitted: Bool; var submittedAt: String?; var late: Bool; var lateText: String?
        var due: String; var timeLeft: String; var duePassed: Bool
        var targets: [TargetRow]; var work: [WorkRow]; var plans: [PlanRow]
        /// The author's own targets, and the other targets of their groups (behind a <details>).
        var ownTargets: [TargetRow]; var otherTargets: [TargetRow]; var othersOpen: Bool
        var problems: [Problem]; var offeredFromLastWeek: Bool; var restoredDraftAt: String?
        /// "Đây là nội dung bạn đang gõ dở, được tự lưu lúc …".
        var restoredNotice: String?
        /// Set when the report can no longer be changed: why and whom to contact. The page is then
        /// read-only and does not autosave.
        var lockReason: String?
        var updatedAt: String; var storageKey: String
        /// The person's plan items that clash with next week's published schedule.
        var scheduleClashes: [String]
        /// Set while the focal point has sent the report back: who, when and what to fix.
        var returned: ReportReturnView?
        /// Set when someone files for the author (nộp thay): the author's name. Every link and
        /// form of the page then keeps the author (`SiteRoute.report(week:personID:)`).
        var onBehalfOf: String?
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
        var nextWeekHref: String
        var action: String
        /// Where the form's script saves what is typed, as typed.
        var autosaveAction: String
        /// Where the form's script asks for the quantity a work line's text suggests.
        var proposalHref: String
    }

    func current(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        return req.redirect(to: .report(week: user.calendar.week(containing: req.now).id))
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
        let input = try ReportInputDecoder.decode(req)
        // "Lưu" or "Nộp báo cáo": the button pressed, the form's only field that is not the report.
        let submit = (try? req.content.get(String.self, at: "action")) == "submit"
        do {
            try await ReportService.save(input, submit: submit, person: author, actorID: user.personID, week: week,
                                         calendar: user.calendar, now: req.now, on: req.db)
            let onBehalfOf = author.id == user.personID ? nil : author.id
            return req.redirect(to: .report(week: week.id, personID: onBehalfOf), notice: submit ? "report_submitted" : "saved")
        } catch ReportService.SaveError.invalid(let problems) {
            // Keep the typed text on the server too, so a closed tab loses nothing.
            try await ReportService.autosave(input, person: author, week: week, now: req.now, on: req.db)
            // What the rules read ("3 buổi" → 3 and buổi, "7g30" → 07:30) comes back, the rest as typed.
            return try await render(req, user: user, author: author, week: week, typed: WeeklyReportRules.normalised(input),
                                    problems: problems, status: .unprocessableEntity)
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
        let next = user.calendar.week(after: week)
        let onBehalfOf = author.id == user.personID ? nil : author.id
        return req.redirect(to: .report(week: next.id, personID: onBehalfOf), notice: "saved")
    }

    /// The form's background save: keeps what is typed, as typed (JSON answer for the script).
    func autosave(_ req: Request) async throws -> Response {
        let user = try req.authorize(.writeOwnReport)
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        let author = try await ReportAuthor.resolve(req, user: user)
        let input = try ReportInputDecoder.decode(req)
        // A locked report keeps nothing: the form must not say "Đã tự lưu" for it (409, with why).
        if let existing = try await ReportService.find(personID: author.requireID(), week: week.id, on: req.db),
           let lock = try await CompilationService.reportLock(personID: author.requireID(), week: week.id,
                                                              everSubmitted: existing.firstSubmittedAt != nil,
                                                              returned: existing.returnedAt != nil, on: req.db) {
            // JSON, as every answer of this route (the script reads the message).
            let response = Response(status: .conflict)
            try response.content.encode(APIErrorBody(error: .init(code: "report_locked", message: lock.message, fields: [:])), as: .json)
            return response
        }
        let (report, _) = try await ReportService.autosave(input, person: author, week: week, now: req.now, on: req.db)
        struct Saved: Content { var savedAt: String; var time: String }
        let calendar = user.calendar
        let savedAt = report.draftSavedAt ?? req.now
        return try await Saved(savedAt: calendar.isoString(savedAt), time: calendar.localTime(of: savedAt).text).encodeResponse(for: req)
    }

    private func render(_ req: Request, user: CurrentUser, author: Person, week: ReportWeek, typed: WeeklyReportInput?,
                        problems: [String: String], status: HTTPResponseStatus) async throws -> Response {
        let calendar = user.calendar
        let now = req.now
        let db = req.db
        let authorID = try author.requireID()
        let onBehalf = authorID != user.personID
        let planWeek = calendar.week(containing: week.end.adding(days: 1))
        let previousWeek = calendar.week(containing: week.start.adding(days: -1))
        let reads = try await ReportFormReads.load(author: author, week: week, previousWeek: previousWeek.id, typed: typed != nil,
                                                   calendar: calendar, now: now, on: db)
        let report = reads.report
        let names = reads.names

        // What the form shows: what was just typed, else the autosaved typing, else the saved
        // report, else last week's plan as this week's starting list.
        var input = typed
        var restoredDraftAt: String?
        var offered = false
        if input == nil, let report, let draft = try report.typedDraft {
            input = draft
            restoredDraftAt = report.draftSavedAt.map { calendar.vietnameseDateTime($0) }
        }
        if input == nil, report != nil {
            input = reads.saved
        }
        if input == nil {
            var start = WeeklyReportInput()
            start.work = reads.lastWeekPlans.map { plan in
                .init(description: plan.title, dates: LocalDate(iso: plan.date)?.vietnamese ?? plan.date)
            }
            offered = !reads.lastWeekPlans.isEmpty
            input = start
        }
        let typedInput = input ?? WeeklyReportInput()

        let targets = reads.targets
        let progress = reads.progress
        let typedFigures = Dictionary(typedInput.figures.map { ($0.targetID, $0) }, uniquingKeysWith: { first, _ in first })
        let currentFigures = reads.currentFigures
        var targetRows = try targets.enumerated().map { index, target in
            let id = try target.requireID()
            let typedFigure = typedFigures[id]
            let figureIndex = typedInput.figures.firstIndex { $0.targetID == id }
            // Typed figures as typed; a saved report's are already in Vietnamese notation (`ReportContent.input`).
            let value = typedFigure?.value ?? ""
            let p = progress[id]
            return TargetRow(index: index, id: id.canonicalText, code: target.code, name: target.name, unit: target.unitOfMeasure,
                             yesNo: target.valueKind == .yesNo, value: value, completed: typedFigure?.completed ?? true,
                             yearToDate: TargetProgressQuery.display(p?.yearToDate, kind: target.valueKind),
                             planned: TargetProgressQuery.display(try target.planned, kind: target.valueKind),
                             percent: TargetProgressQuery.displayPercent(p?.percent),
                             yesSelected: ["1", "dat", "co"].contains(VietnameseText.folded(value)),
                             noSelected: ["0", "chua dat", "khong"].contains(VietnameseText.folded(value)),
                             error: figureIndex.flatMap { problems["targets[\($0)].value"] ?? problems["targets[\($0)].targetId"] },
                             current: try currentFigures[id].map { figure in
                                 "\(TargetProgressQuery.display(try figure.value, kind: target.valueKind)) — \(names[figure.enteredByID] ?? ""), \(calendar.vietnameseDateTime(figure.enteredAt))"
                             },
                             askConfirmJump: figureIndex.flatMap { problems["targets[\($0)].value"] }?.hasPrefix("Số liệu tăng bất thường") == true
                                 || typedFigure?.confirmJump == true,
                             confirmJump: typedFigure?.confirmJump == true)
        }
        // The author's own targets first; the rest of their groups' behind "Chỉ tiêu khác của nhóm".
        let entries = reads.entries
        let onForm = Set(targetRows.filter { !$0.value.isEmpty || $0.error != nil }.compactMap { UUID(uuidString: $0.id) })
        let own = ReportTargetSplit.own(targets.map { .init(id: $0.id!, namedPersonID: $0.responsiblePersonID) }, authorID: authorID,
                                        entries: entries, onForm: onForm)
        for index in targetRows.indices { targetRows[index].own = own.contains(UUID(uuidString: targetRows[index].id)!) }
        let groups = reads.groups
        let defaultGroups = ReportService.defaultGroups(groups, targets: targets)
        func groupChoices(_ typed: [String]) -> [Choice] {
            let chosen = typed.isEmpty ? defaultGroups.map(\.canonicalText) : typed
            return groups.map { Choice(value: $0.id!.canonicalText, label: $0.name, selected: chosen.contains($0.id!.canonicalText)) }
        }
        // Groups other than the default were chosen: the line's collapsed part opens to show them.
        func chosenOther(_ typed: [String]) -> Bool {
            let chosen = Set(typed.filter { !$0.isEmpty })
            return !chosen.isEmpty && chosen != Set(defaultGroups.map(\.canonicalText))
        }
        // Last week's lines that were forecasts: confirmed in one tap.
        let forecasts = try reads.forecasts.map { item in
            ForecastRow(id: String(item.position),
                        text: "\(item.description): \(VietnameseNumber.format(try item.quantity)) \(item.unit)",
                        confirmAction: SiteRoute.reportForecastConfirm(week: previousWeek.id, index: item.position,
                                                                       personID: onBehalf ? authorID : nil).path)
        }

        let types = reads.activityTypes
        var workLines = typedInput.work
        // Blank lines to fill: three on an empty report, one more after what is written ("+ Thêm dòng" adds more).
        workLines.append(contentsOf: Array(repeating: WeeklyReportInput.WorkLine(), count: workLines.isEmpty ? 3 : 1))
        let workRows = workLines.enumerated().map { index, line in
            WorkRow(index: index, description: line.description, quantity: line.quantity,
                    unit: line.unit,
                    activityTypes: [Choice(value: "", label: "—", selected: line.activityType.isEmpty)]
                        + types.map { Choice(value: $0.code, label: $0.name, selected: $0.code == line.activityType, hint: $0.defaultUnit) },
                    place: line.place, dates: line.dates, fromPlan: offered && index < typedInput.work.count,
                    descriptionError: problems["work[\(index)].description"], quantityError: problems["work[\(index)].quantity"],
                    unitError: problems["work[\(index)].unit"], activityTypeError: problems["work[\(index)].activityType"],
                    groups: groupChoices(line.groupIDs), forecast: line.forecast, groupError: problems["work[\(index)].groupIds"],
                    moreOpen: !line.activityType.isEmpty || !line.place.isEmpty || !line.dates.isEmpty || line.forecast || chosenOther(line.groupIDs)
                        || problems["work[\(index)].activityType"] != nil || problems["work[\(index)].groupIds"] != nil)
        }

        // Each plan line lists every room and person: their ids are spelled once here, not once
        // per line.
        let rooms = reads.rooms.map { (id: $0.id!.canonicalText, label: "\($0.name) (\($0.capacity))") }
        let people = reads.people.filter(\.active).map { (id: $0.id.canonicalText, name: $0.fullName) }
        var planLines = typedInput.plans
        planLines.append(contentsOf: Array(repeating: WeeklyReportInput.PlanLine(), count: planLines.isEmpty ? 2 : 1))
        let planRows = planLines.enumerated().map { index, line in
            let date = LocalDate(iso: line.date) ?? LocalDate(vietnamese: line.date)
            return PlanRow(
                index: index,
                dates: [Choice(value: "", label: "—", selected: date == nil)]
                    + planWeek.days.map { Choice(value: $0.vietnamese, label: "\($0.weekday.vietnameseName) \($0.dayMonth)", selected: $0 == date) },
                start: line.start, end: line.end, title: line.title,
                rooms: [Choice(value: "", label: "—", selected: line.roomID.isEmpty)]
                    + rooms.map { Choice(value: $0.id, label: $0.label, selected: $0.id == line.roomID) },
                place: line.place,
                chairs: [Choice(value: "", label: "—", selected: line.chairID.isEmpty)]
                    + people.map { Choice(value: $0.id, label: $0.name, selected: $0.id == line.chairID) },
                participants: people.map { Choice(value: $0.id, label: $0.name, selected: line.participantIDs.contains($0.id)) },
                preparedBy: line.preparedBy,
                dateError: problems["plans[\(index)].date"], startError: problems["plans[\(index)].start"],
                endError: problems["plans[\(index)].end"], titleError: problems["plans[\(index)].title"],
                roomError: problems["plans[\(index)].roomId"] ?? problems["plans[\(index)].chairId"] ?? problems["plans[\(index)].participantIds"]
                    ?? problems["plans[\(index)].groupIds"],
                groups: groupChoices(line.groupIDs),
                moreOpen: !line.roomID.isEmpty || !line.place.isEmpty || !line.chairID.isEmpty || !line.participantIDs.isEmpty
                    || !line.preparedBy.isEmpty || chosenOther(line.groupIDs) || ["roomId", "chairId", "participantIds", "groupIds"]
                        .contains { problems["plans[\(index)].\($0)"] != nil })
        }

        // Told at once: the plan items that clash with next week's published schedule.
        var clashes: [String] = []
        if let publication = try await ScheduleService.publication(communeID: user.communeID, week: planWeek.id, on: db) {
            let published = try ScheduleService.published(publication).filter { $0.sourceReportId != report?.id }.compactMap(\.domainItem)
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

        var returned: ReportReturnView?
        if let report, let returnedAt = report.returnedAt {
            returned = ReportReturnView(by: report.returnedBy.flatMap { names[$0] } ?? "", at: calendar.vietnameseDateTime(returnedAt),
                                        comment: report.returnComment ?? "")
        }

        let assignedTasks = reads.assignedTasks
        let lock = reads.lock
        let filedBy = report?.filedByID.flatMap { names[$0] }
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
            due: DueWording.vietnamese(due, calendar: calendar), timeLeft: TimeLeft.vietnamese(from: now, to: due), duePassed: due <= now,
            targets: targetRows, work: workRows, plans: planRows,
            ownTargets: targetRows.filter(\.own), otherTargets: targetRows.filter { !$0.own },
            othersOpen: targetRows.contains { !$0.own && $0.error != nil },
            problems: Self.problems(problems),
            offeredFromLastWeek: offered, restoredDraftAt: restoredDraftAt,
            restoredNotice: restoredDraftAt.map { req.t("report_restored_server", $0) }, lockReason: lock?.message,
            updatedAt: report.map { calendar.isoString($0.draftSavedAt ?? $0.updatedAt) } ?? "",
            storageKey: "giaoban-report-\(authorID.canonicalText)-\(week.id)", scheduleClashes: clashes, returned: returned,
            onBehalfOf: onBehalf ? author.fullName : nil,
            filedBy: filedBy, difficulties: typedInput.difficulties, difficultiesError: problems["difficulties"],
            chooseGroups: groups.count > 1, forecasts: forecasts,
            previousWeekHref: SiteRoute.report(week: previousWeek.id, personID: onBehalf ? authorID : nil).path,
            assignedTasks: assignedTasks.hasTasks ? assignedTasks : nil,
            nextWeekHref: SiteRoute.report(week: planWeek.id, personID: onBehalf ? authorID : nil).path,
            action: SiteRoute.report(week: week.id, personID: onBehalf ? authorID : nil).path,
            autosaveAction: SiteRoute.reportAutosave(week: week.id, personID: onBehalf ? authorID : nil).path,
            proposalHref: SiteRoute.reportProposal.path)
        return try await req.render(title: week.title, section: "report", view, status: status)
    }

    /// The summary's problems in the order of the form, each linking to its field's id.
    static func problems(_ problems: [String: String]) -> [Problem] {
        func order(_ key: String) -> (Int, Int, String) {
            let section = ["targets": 0, "work": 1, "plans": 2, "difficulties": 3][String(key.prefix { $0 != "[" && $0 != "." })] ?? 4
            let number = Int(key.drop { $0 != "[" }.dropFirst().prefix { $0.isNumber }) ?? 0
            return (section, number, key)
        }
        return problems.sorted { order($0.key) < order($1.key) }.map { key, message in
            Problem(text: describe(key, message), href: "#" + fieldID(key))
        }
    }

    /// The id of the form's field for a rules key: `work[2].quantity` → `w2-quantity`.
    static func fieldID(_ key: String) -> String {
        let section = key.prefix { $0 != "[" && $0 != "." }
        guard let number = Int(key.drop { $0 != "[" }.dropFirst().prefix { $0.isNumber }) else {
            return key == "difficulties" ? "difficulties" : "report-form"
        }
        let field = key.split(separator: ".").last.map(String.init) ?? ""
        switch section {
        case "targets": return "t\(number)-value"
        case "work":
            let names = ["description": "description", "quantity": "quantity", "unit": "unit", "activityType": "type", "groupIds": "groups"]
            return "w\(number)-\(names[field] ?? "description")"
        case "plans":
            let names = ["date": "date", "start": "start", "end": "end", "title": "title", "roomId": "room", "chairId": "chair",
                         "participantIds": "participants", "groupIds": "groups"]
            return "p\(number)-\(names[field] ?? "title")"
        default: return "report-form"
        }
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
