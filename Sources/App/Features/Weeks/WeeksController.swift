import Fluent
import GiaoBanCore
import Vapor

/// Week JSON: dates as `yyyy-MM-dd`, instants in ISO-8601 with the commune's offset.
struct WeekDTO: Content {
    struct Deadlines: Content {
        var weeklyReport: String
        var groupCompilation: String
    }
    struct MeetingDTO: Content {
        var slot: String
        var title: String
        var date: String
        var start: String
        var end: String
        var startAt: String
        var endAt: String
        var moved: Bool
        var reason: String?
    }
    var id: String
    var year: Int
    var week: Int
    var start: String
    var end: String
    var title: String
    var deadlines: Deadlines
    var meetings: [MeetingDTO]

    init(week: ReportWeek, calendar: CommuneCalendar, moves: [BriefingMove]) {
        let deadlines = calendar.deadlines(for: week)
        id = week.id.description
        year = week.id.year
        self.week = week.id.week
        start = week.start.iso
        end = week.end.iso
        title = week.title
        self.deadlines = Deadlines(weeklyReport: calendar.isoString(deadlines.weeklyReport),
                                   groupCompilation: calendar.isoString(deadlines.groupCompilation))
        meetings = calendar.meetings(for: week, moves: moves).map { meeting in
            MeetingDTO(slot: meeting.slotKey, title: meeting.title, date: meeting.date.iso,
                       start: meeting.start.text, end: meeting.end.text,
                       startAt: calendar.isoString(meeting.startInstant), endAt: calendar.isoString(meeting.endInstant),
                       moved: meeting.moved,
                       reason: moves.first { $0.slotKey == meeting.slotKey && $0.week == week.id }?.reason)
        }
    }
}

enum WeekLookup {
    /// The week named in a path parameter ("2021-W33", or "current"); a malformed or
    /// non-existent id is a 404 with a clear message, never a 500.
    static func week(_ raw: String?, for user: CurrentUser, now: Date) throws -> ReportWeek {
        let calendar = user.calendar
        guard let raw, raw != "current" else { return calendar.week(containing: now) }
        return try calendar.week(parsing: raw)
    }
}

struct WeeksAPIController {
    func show(_ req: Request) async throws -> WeekDTO {
        let user = try req.authorize(.readCalendar)
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        return try await dto(week, user: user, on: req.db)
    }

    func current(_ req: Request) async throws -> WeekDTO {
        let user = try req.authorize(.readCalendar)
        return try await dto(user.calendar.week(containing: req.now), user: user, on: req.db)
    }

    /// `GET /api/v1/weeks?date=yyyy-MM-dd` → the week containing that day.
    func containing(_ req: Request) async throws -> WeekDTO {
        let user = try req.authorize(.readCalendar)
        guard let text = req.query[String.self, at: "date"] else {
            throw AppError(.badRequest, code: "missing_parameter", message: "Thiếu tham số date (yyyy-MM-dd).",
                           fields: ["date": "Không được để trống."])
        }
        guard let date = LocalDate(iso: text), (1900...9999).contains(date.year) else {
            throw AppError(.badRequest, code: "invalid_parameter", message: "Ngày không hợp lệ, cần dạng yyyy-MM-dd.",
                           fields: ["date": "Ngày không hợp lệ."])
        }
        return try await dto(user.calendar.week(containing: date), user: user, on: req.db)
    }

    private func dto(_ week: ReportWeek, user: CurrentUser, on db: any Database) async throws -> WeekDTO {
        let moves = try await BriefingMoveRecord.moves(communeID: user.communeID, weeks: [week.id], on: db)
        return WeekDTO(week: week, calendar: user.calendar, moves: moves)
    }
}

/// The week page: the week's deadlines and briefings, and moving a briefing.
struct WeekPageController {
    struct MeetingRow: Encodable, Sendable {
        var slot: String
        var title: String
        var day: String
        var time: String
        var moved: Bool
        var reason: String?
    }
    struct DeadlineRow: Encodable, Sendable {
        var label: String
        var who: String
        var due: String
        var timeLeft: String
        var passed: Bool
    }
    struct MoveForm: Encodable, Sendable {
        var slot: String
        var date: String
        var start: String
        var end: String
        var reason: String
    }
    struct View: Encodable, Sendable {
        var weekID: String
        var title: String
        var previousID: String
        var nextID: String
        var deadlines: [DeadlineRow]
        var meetings: [MeetingRow]
        var canMove: Bool
        var slots: [Choice]
        var form: MoveForm
        var errors: FieldErrors
        var previousHref: String
        var nextHref: String
        var moveAction: String
        var restoreAction: String
    }

    struct MoveInput: Content {
        var slot: String?
        var date: String?
        var start: String?
        var end: String?
        var reason: String?
        /// Where to go after moving (the briefing page moves the briefing too).
        var back: String?
    }

    func show(_ req: Request) async throws -> Response {
        let user = try req.authorize(.readCalendar)
        if req.parameters.get("weekID") == "current" {
            let week = user.calendar.week(containing: req.now)
            return req.redirect(to: .week(week.id))
        }
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        return try await render(week, user: user, req: req, form: nil, errors: .init(), status: .ok)
    }

    func render(_ week: ReportWeek, user: CurrentUser, req: Request, form: MoveForm?, errors: FieldErrors,
                status: HTTPResponseStatus) async throws -> Response {
        let calendar = user.calendar
        let moves = try await BriefingMoveRecord.moves(communeID: user.communeID, weeks: [week.id], on: req.db)
        let now = req.now
        let deadlines = calendar.deadlines(for: week)
        let rows = [
            (req.t("deadline_weekly_report"), req.t("deadline_who_everyone"), deadlines.weeklyReport),
            (req.t("deadline_group_compilation"), req.t("deadline_who_aggregators"), deadlines.groupCompilation),
        ].map { DeadlineRow(label: $0.0, who: $0.1, due: DueWording.vietnamese($0.2, calendar: calendar),
                            timeLeft: TimeLeft.vietnamese(from: now, to: $0.2), passed: $0.2 <= now) }
        let meetings = calendar.meetings(for: week, moves: moves).map { meeting in
            MeetingRow(slot: meeting.slotKey, title: meeting.title,
                       day: "\(meeting.date.weekday.vietnameseName), \(meeting.date.vietnamese)",
                       time: "\(meeting.start.text) – \(meeting.end.text)", moved: meeting.moved,
                       reason: moves.first { $0.slotKey == meeting.slotKey }?.reason)
        }
        let firstSlot = calendar.settings.meetingSlots.first
        let defaultForm = MoveForm(slot: firstSlot?.key ?? "",
                                   date: week.end.adding(days: 3).vietnamese,
                                   start: "07:30", end: "09:30", reason: "")
        let chosen = form ?? defaultForm
        let slots = calendar.settings.meetingSlots.map { Choice(value: $0.key, label: $0.title, selected: $0.key == chosen.slot) }
        let previous = calendar.week(containing: week.start.adding(days: -1)).id
        let next = calendar.week(containing: week.end.adding(days: 1)).id
        let view = View(weekID: week.id.description, title: week.title,
                        previousID: previous.description, nextID: next.description,
                        deadlines: rows, meetings: meetings,
                        canMove: AccessPolicy.allows(user.actor, .moveBriefing),
                        slots: slots, form: chosen, errors: errors,
                        previousHref: SiteRoute.week(previous).path, nextHref: SiteRoute.week(next).path,
                        moveAction: SiteRoute.weekMove(week.id).path, restoreAction: SiteRoute.weekRestore(week.id).path)
        return try await req.render("weeks/show", title: week.title, section: "week", view, status: status)
    }

    /// Moves one briefing of the week to another date/time; report content and deadlines stay.
    func move(_ req: Request) async throws -> Response {
        let user = try req.authorize(.moveBriefing)
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        let input = try req.content.decode(MoveInput.self)
        let form = MoveForm(slot: input.slot ?? "", date: input.date ?? "", start: input.start ?? "",
                            end: input.end ?? "", reason: input.reason ?? "")
        var errors = FieldErrors()
        let calendar = user.calendar
        if !calendar.settings.meetingSlots.contains(where: { $0.key == form.slot }) { errors["slot"] = req.t("err_required") }
        let date = LocalDate(vietnamese: form.date.trimmedWhitespace)
        if date == nil { errors["date"] = req.t("err_date") }
        let start = LocalTime(string: form.start.trimmedWhitespace)
        if start == nil { errors["start"] = req.t("err_time") }
        let end = LocalTime(string: form.end.trimmedWhitespace)
        if end == nil { errors["end"] = req.t("err_time") }
        let reason = VietnameseText.nfc(form.reason)
        if reason.isEmpty { errors["reason"] = req.t("err_required") }
        if errors.isEmpty, let date, let start, let end {
            let move = BriefingMove(week: week.id, slotKey: form.slot, date: date, start: start, end: end, reason: reason)
            do {
                try calendar.validate(move, for: week)
                try await BriefingMoveRecord.query(on: req.db)
                    .filter(\.$communeID == user.communeID).filter(\.$weekID == week.id.description)
                    .filter(\.$slotKey == form.slot).delete()
                try await BriefingMoveRecord(communeID: user.communeID, move: move, movedBy: user.personID,
                                             movedAt: req.now).save(on: req.db)
                // Everyone is told (SPEC §3); the report content and deadlines stay as they were.
                let everyone = try await Person.query(on: req.db).filter(\.$communeID == user.communeID).filter(\.$active == true).all()
                let title = calendar.settings.meetingSlots.first { $0.key == form.slot }?.title ?? form.slot
                try await CompilationService.notify(
                    everyone.compactMap(\.id), communeID: user.communeID, kind: "briefing_moved",
                    text: "\(title) tuần \(week.id.week)/\(week.id.year) dời sang \(date.weekday.vietnameseName) \(date.vietnamese), \(start.text)–\(end.text). Lý do: \(reason)",
                    url: SiteRoute.week(week.id).path, now: req.now, on: req.db)
                // `back` is the page the form was opened from, a local path checked like a sign-in `next`.
                let back = input.back.map { LocalRedirect.afterSignIn($0) } ?? SiteRoute.week(week.id).path
                return req.redirect(to: back + (back.contains("?") ? "&" : "?") + "notice=week_move_done")
            } catch let error as CalendarError {
                errors["date"] = error.vietnameseMessage
            }
        }
        return try await render(week, user: user, req: req, form: form, errors: errors, status: .unprocessableEntity)
    }

    /// Puts a moved briefing back in its usual slot.
    func restore(_ req: Request) async throws -> Response {
        let user = try req.authorize(.moveBriefing)
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        let slot = try req.content.get(String.self, at: "slot")
        try await BriefingMoveRecord.query(on: req.db)
            .filter(\.$communeID == user.communeID).filter(\.$weekID == week.id.description)
            .filter(\.$slotKey == slot).delete()
        return req.redirect(to: .week(week.id), notice: "week_move_restored")
    }
}
