import Fluent
import GiaoBanCore
import Vapor

/// Commune settings: name, time zone, week start, deadlines and meeting times. The letter's
/// regime is the default; another commune sets its own here.
struct SettingsPageController {
    struct SlotForm: Content, Sendable {
        var key: String
        var title: String
        var weekday: String
        var start: String
        var end: String
    }
    struct Form: Content {
        var name: String?
        var timeZone: String?
        var weekStartDay: String?
        var weeklyWeekday: String?
        var weeklyTime: String?
        var compilationWeekday: String?
        var compilationTime: String?
        var slots: [SlotForm]?
        var cellReportDueDay: String?
        var monthlyReportDueDay: String?
        /// "calendarMonth" or "cutOff:15".
        var monthlyPeriodRule: String?
        /// "units", "people" or "both" (missing: unchanged).
        var monthlyReporters: String? = nil
        /// dd/mm/yyyy or yyyy-mm-dd; empty: since always.
        var inUseSince: String?
        /// The letterheads: parent bodies and the issuers' names (empty: made from the commune's name).
        var partyParentBody: String? = nil
        var stateParentBody: String? = nil
        var partyBody: String? = nil
        var stateBody: String? = nil
    }
    struct SlotView: Encodable, Sendable {
        var index: Int
        var key: String
        var title: String
        var weekdays: [Choice]
        var start: String
        var end: String
        var error: String?
    }
    struct View: Encodable, Sendable {
        var name: String
        var timeZone: String
        var weekStartDays: [Choice]
        var weeklyWeekdays: [Choice]
        var weeklyTime: String
        var compilationWeekdays: [Choice]
        var compilationTime: String
        var slots: [SlotView]
        var cellReportDueDay: String
        var monthlyReportDueDay: String
        var periodRules: [Choice]
        var monthlyReporters: [Choice] = []
        var inUseSince: String
        var errors: FieldErrors
        var partyParentBody = ""
        var stateParentBody = ""
        var partyBody = ""
        var stateBody = ""
        /// The names printed when the issuer fields are left empty.
        var partyBodyDefault = ""
        var stateBodyDefault = ""
        var action = SiteRoute.admin(.settings).path
        var daysOffHref = SiteRoute.daysOff().path
    }

    private static func weekdayChoices(_ selected: String?) -> [Choice] {
        Weekday.allCases.map { Choice(value: String(describing: $0), label: $0.vietnameseName, selected: String(describing: $0) == selected) }
    }

    private static func form(from commune: Commune, settings: CalendarSettings) -> Form {
        return Form(name: commune.name, timeZone: settings.timeZoneIdentifier,
                    weekStartDay: String(describing: settings.weekStartDay),
                    weeklyWeekday: String(describing: settings.weeklyReportDeadline.weekday),
                    weeklyTime: settings.weeklyReportDeadline.time.text,
                    compilationWeekday: String(describing: settings.groupCompilationDeadline.weekday),
                    compilationTime: settings.groupCompilationDeadline.time.text,
                    slots: settings.meetingSlots.map { SlotForm(key: $0.key, title: $0.title, weekday: String(describing: $0.weekday),
                                                                 start: $0.start.text, end: $0.end.text) },
                    cellReportDueDay: String(settings.cellReportDueDay),
                    monthlyReportDueDay: String(settings.monthlyReportDueDay),
                    monthlyPeriodRule: settings.monthlyPeriodRule.description,
                    monthlyReporters: settings.monthlyReporters.rawValue,
                    inUseSince: settings.inUseSince?.vietnamese ?? "",
                    partyParentBody: commune.partyParentBody ?? "", stateParentBody: commune.stateParentBody ?? "",
                    partyBody: commune.partyBody ?? "", stateBody: commune.stateBody ?? "")
    }

    private func render(_ req: Request, form: Form, errors: FieldErrors, status: HTTPResponseStatus = .ok) async throws -> Response {
        let view = View(
            name: form.name ?? "", timeZone: form.timeZone ?? "",
            weekStartDays: Self.weekdayChoices(form.weekStartDay),
            weeklyWeekdays: Self.weekdayChoices(form.weeklyWeekday), weeklyTime: form.weeklyTime ?? "",
            compilationWeekdays: Self.weekdayChoices(form.compilationWeekday), compilationTime: form.compilationTime ?? "",
            slots: (form.slots ?? []).enumerated().map { index, slot in
                SlotView(index: index, key: slot.key, title: slot.title, weekdays: Self.weekdayChoices(slot.weekday),
                         start: slot.start, end: slot.end, error: errors["slot\(index)"])
            },
            cellReportDueDay: form.cellReportDueDay ?? "", monthlyReportDueDay: form.monthlyReportDueDay ?? "",
            periodRules: [MonthlyPeriodRule.stateCutOff, .calendarMonth].map {
                Choice(value: $0.description, label: $0.title, selected: $0.description == (form.monthlyPeriodRule ?? "cutOff:15"))
            },
            monthlyReporters: MonthlyReporters.allCases.map {
                Choice(value: $0.rawValue, label: $0.title, selected: $0.rawValue == (form.monthlyReporters ?? MonthlyReporters.units.rawValue))
            },
            inUseSince: form.inUseSince ?? "",
            errors: errors,
            partyParentBody: form.partyParentBody ?? "", stateParentBody: form.stateParentBody ?? "",
            partyBody: form.partyBody ?? "", stateBody: form.stateBody ?? "",
            partyBodyDefault: Letterhead.bodyName(.party, commune: Self.unnamed(form.name)),
            stateBodyDefault: Letterhead.bodyName(.state, commune: Self.unnamed(form.name)))
        return try await req.render("admin/settings", title: req.t("settings_title"), section: "settings", view, status: status)
    }

    func show(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        return try await render(req, form: Self.form(from: user.commune, settings: user.calendar.settings), errors: .init())
    }

    /// A commune with only a name, to print the default issuers' names for it.
    private static func unnamed(_ name: String?) -> Commune { Commune(name: name ?? "") }

    private static func weekday(_ text: String?) -> Weekday? {
        Weekday.allCases.first { String(describing: $0) == text }
    }

    func save(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let form = try req.content.decode(Form.self)
        var failure = ValidationFailure()
        let name = OrganisationService.cleanName(form.name, into: &failure)
        let zoneID = (form.timeZone ?? "").trimmedWhitespace
        if TimeZone(identifier: zoneID) == nil { failure.add("timeZone", "err_time_zone") }
        let start = Self.weekday(form.weekStartDay)
        if start == nil { failure.add("weekStartDay", "err_weekday") }
        func deadline(_ day: String?, _ time: String?, _ field: String) -> WeeklyDeadlineRule? {
            guard let weekday = Self.weekday(day) else { failure.add(field, "err_weekday"); return nil }
            guard let time = LocalTime(string: (time ?? "").trimmedWhitespace) else { failure.add(field, "err_time"); return nil }
            return WeeklyDeadlineRule(weekday: weekday, time: time)
        }
        let weekly = deadline(form.weeklyWeekday, form.weeklyTime, "weeklyTime")
        let compilation = deadline(form.compilationWeekday, form.compilationTime, "compilationTime")
        let current = user.calendar.settings
        var slots: [MeetingSlot] = []
        for (index, slot) in (form.slots ?? []).enumerated() {
            let field = "slot\(index)"
            guard current.meetingSlots.contains(where: { $0.key == slot.key }) else { continue }
            let title = VietnameseText.nfc(slot.title)
            if title.isEmpty { failure.add(field, "err_required"); continue }
            guard let weekday = Self.weekday(slot.weekday) else { failure.add(field, "err_weekday"); continue }
            guard let from = LocalTime(string: slot.start.trimmedWhitespace),
                  let to = LocalTime(string: slot.end.trimmedWhitespace) else { failure.add(field, "err_time"); continue }
            if to <= from { failure.add(field, "err_end_before_start"); continue }
            slots.append(MeetingSlot(key: slot.key, title: title, weekday: weekday, start: from, end: to))
        }
        func day(_ text: String?, _ field: String) -> Int? {
            guard let value = Int((text ?? "").trimmedWhitespace), (1...28).contains(value) else {
                failure.add(field, "err_day_of_month"); return nil
            }
            return value
        }
        let cellDay = day(form.cellReportDueDay, "cellReportDueDay")
        let monthlyDay = day(form.monthlyReportDueDay, "monthlyReportDueDay")
        let periodRule = MonthlyPeriodRule(string: form.monthlyPeriodRule ?? "cutOff:15").flatMap { try? $0.validated() }
        if periodRule == nil { failure.add("monthlyPeriodRule", "err_period_rule") }
        let reporters: MonthlyReporters? = form.monthlyReporters.map { MonthlyReporters(rawValue: $0) } ?? .some(current.monthlyReporters)
        if reporters == nil { failure.add("monthlyReporters", "err_monthly_reporters") }
        let inUseText = (form.inUseSince ?? "").trimmedWhitespace
        let inUseSince = inUseText.isEmpty ? nil : LocalDate(vietnamese: inUseText) ?? LocalDate(iso: inUseText)
        if !inUseText.isEmpty && inUseSince == nil { failure.add("inUseSince", "err_date") }
        let partyParent = CommuneSettingsService.letterheadLine(form.partyParentBody, field: "partyParentBody", into: &failure)
        let stateParent = CommuneSettingsService.letterheadLine(form.stateParentBody, field: "stateParentBody", into: &failure)
        let partyBody = CommuneSettingsService.letterheadLine(form.partyBody, field: "partyBody", into: &failure)
        let stateBody = CommuneSettingsService.letterheadLine(form.stateBody, field: "stateBody", into: &failure)
        guard failure.isEmpty, let start, let weekly, let compilation, let cellDay, let monthlyDay, let periodRule, let reporters else {
            return try await render(req, form: form, errors: .init(messages: failure.messages()), status: .unprocessableEntity)
        }
        var settings = current
        settings.timeZoneIdentifier = zoneID
        settings.weekStartDay = start
        settings.weeklyReportDeadline = weekly
        settings.groupCompilationDeadline = compilation
        settings.meetingSlots = slots.isEmpty ? current.meetingSlots : slots
        settings.cellReportDueDay = cellDay
        settings.monthlyReportDueDay = monthlyDay
        settings.monthlyPeriodRule = periodRule
        settings.monthlyReporters = reporters
        settings.inUseSince = inUseSince
        do {
            settings = try settings.validated()
        } catch let error as CalendarError {
            return try await render(req, form: form, errors: .init(messages: ["weekStartDay": error.vietnameseMessage]),
                                    status: .unprocessableEntity)
        }
        // A fresh copy: the signed-in context is shared with other requests and never changed in place.
        guard let commune = try await Commune.find(user.communeID, on: req.db) else { throw AppError.unauthorized }
        commune.name = name
        commune.setCalendarSettings(settings)
        commune.partyParentBody = partyParent
        commune.stateParentBody = stateParent
        commune.partyBody = partyBody
        commune.stateBody = stateBody
        try await commune.save(on: req.db)
        return req.redirect(to: .admin(.settings), notice: "saved")
    }
}
