import Fluent
import GiaoBanCore
import Vapor

/// One year's days off as the API gives and takes them.
struct DaysOffDTO: Content {
    struct Day: Content {
        var date: String
        var name: String
        /// "holiday" or "workday" (a make-up working day).
        var kind: String
    }
    var year: Int
    /// False while the statutory suggestion applies unreviewed.
    var confirmed: Bool
    var days: [Day]

    init(_ list: DaysOffYear) {
        year = list.year
        confirmed = list.confirmed
        days = list.days.map { Day(date: $0.date.iso, name: $0.name, kind: $0.kind.rawValue) }
    }
}

/// The commune's calendar regime as the API gives and takes it. `inUseSince` and `monthlyPeriod`
/// are the parts a commune changes when it starts; the deadlines are read-only here (the settings
/// page edits them).
struct CalendarSettingsDTO: Content {
    var timeZone: String
    /// `yyyy-MM-dd`, or null: since always.
    var inUseSince: String?
    /// "cutOff:15" or "calendarMonth".
    var monthlyPeriod: String
    /// Who owes a monthly report: "units", "people" or "both".
    var monthlyReporters: String
    var weekStartDay: String?
    var weeklyReportDeadline: String?
    var groupCompilationDeadline: String?
    var monthlyReportDueDay: Int?
    var cellReportDueDay: Int?

    init(_ settings: CalendarSettings) {
        timeZone = settings.timeZoneIdentifier
        inUseSince = settings.inUseSince?.iso
        monthlyPeriod = settings.monthlyPeriodRule.description
        monthlyReporters = settings.monthlyReporters.rawValue
        weekStartDay = String(describing: settings.weekStartDay)
        weeklyReportDeadline = "\(settings.weeklyReportDeadline.weekday) \(settings.weeklyReportDeadline.time.text)"
        groupCompilationDeadline = "\(settings.groupCompilationDeadline.weekday) \(settings.groupCompilationDeadline.time.text)"
        monthlyReportDueDay = settings.monthlyReportDueDay
        cellReportDueDay = settings.cellReportDueDay
    }
}

/// The PUT body: every key optional; `"inUseSince": null` clears the date, a missing key keeps it.
struct CalendarSettingsInput: Decodable {
    var timeZone: String?
    var inUseSince: String??
    var monthlyPeriod: String?
    var monthlyReporters: String?

    private enum CodingKeys: String, CodingKey { case timeZone, inUseSince, monthlyPeriod, monthlyReporters }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone)
        monthlyPeriod = try c.decodeIfPresent(String.self, forKey: .monthlyPeriod)
        monthlyReporters = try c.decodeIfPresent(String.self, forKey: .monthlyReporters)
        inUseSince = c.contains(.inUseSince) ? .some(try c.decodeNil(forKey: .inUseSince) ? nil : try c.decode(String.self, forKey: .inUseSince)) : nil
    }
}

/// Days off and the calendar regime: one write path for the page and the API, audited.
enum DaysOffService {
    static func save(year: Int, days: [DayOff], communeID: UUID, actorID: UUID, now: Date, on db: any Database) async throws -> Result<DaysOffYear, DaysOffYear.Problems> {
        let list: DaysOffYear
        switch DaysOffYear.validated(year: year, days: days) {
        case .failure(let problems): return .failure(problems)
        case .success(let valid): list = valid
        }
        try await db.transaction { db in
            guard let commune = try await Commune.find(communeID, on: db) else { throw AppError.unauthorized }
            let before = try commune.calendar.daysOff.year(year)
            var confirmed = try commune.confirmedDaysOff
            confirmed[year] = list.days
            commune.setConfirmedDaysOff(confirmed)
            try await commune.save(on: db)
            try await AuditTrail.record(on: db, communeID: communeID, actorID: actorID, at: now, kind: "settings", action: "days_off",
                                        subjectID: communeID, before: DaysOffDTO(before), after: DaysOffDTO(list))
        }
        return .success(list)
    }

    static func saveCalendar(_ input: CalendarSettingsInput, communeID: UUID, actorID: UUID, now: Date, on db: any Database) async throws -> CalendarSettings {
        guard let commune = try await Commune.find(communeID, on: db) else { throw AppError.unauthorized }
        var settings = try commune.calendarSettings
        let before = CalendarSettingsDTO(settings)
        var problems: [String: String] = [:]
        if let zone = input.timeZone { settings.timeZoneIdentifier = zone }
        if let period = input.monthlyPeriod {
            if let rule = MonthlyPeriodRule(string: period) { settings.monthlyPeriodRule = rule } else {
                problems["monthlyPeriod"] = "Kỳ báo cáo tháng là “cutOff:15” (từ ngày 15 tháng trước đến ngày 14) hoặc “calendarMonth”."
            }
        }
        if let reporters = input.monthlyReporters {
            if let value = MonthlyReporters(rawValue: reporters) { settings.monthlyReporters = value } else {
                problems["monthlyReporters"] = "Ai phải báo cáo tháng: “units” (các đơn vị), “people” (từng cán bộ, công chức) hoặc “both” (cả hai)."
            }
        }
        if let inUseSince = input.inUseSince {
            if let text = inUseSince {
                if let date = LocalDate(iso: text) { settings.inUseSince = date } else {
                    problems["inUseSince"] = "Ngày bắt đầu sử dụng theo dạng yyyy-MM-dd, ví dụ 2026-11-02."
                }
            } else {
                settings.inUseSince = nil
            }
        }
        guard problems.isEmpty else { throw AppError.invalid(problems) }
        do {
            settings = try settings.validated()
        } catch let error as CalendarError {
            throw error.appError
        }
        commune.setCalendarSettings(settings)
        try await commune.save(on: db)
        try await AuditTrail.record(on: db, communeID: communeID, actorID: actorID, at: now, kind: "settings", action: "calendar",
                                    subjectID: communeID, before: before, after: CalendarSettingsDTO(settings))
        return settings
    }

    static func year(_ text: String?, calendar: CommuneCalendar, now: Date) throws -> Int {
        guard let text, !text.isEmpty else { return calendar.localDate(of: now).year }
        guard let year = Int(text), (2000...2100).contains(year) else {
            throw AppError.badRequest("Năm phải là một số từ 2000 đến 2100.")
        }
        return year
    }
}

struct DaysOffAPIController {
    /// `GET /api/v1/calendar/days-off?year=`
    func show(_ req: Request) async throws -> DaysOffDTO {
        let user = try req.authorize(.readCalendar)
        let calendar = user.calendar
        return DaysOffDTO(calendar.daysOff.year(try DaysOffService.year(req.query["year"], calendar: calendar, now: req.now)))
    }

    /// `PUT /api/v1/calendar/days-off?year=`: replaces the year's list and marks it confirmed.
    func put(_ req: Request) async throws -> DaysOffDTO {
        let user = try req.authorize(.manageDaysOff)
        let input = try req.decodeJSON(DaysOffDTO.self)
        let yearText: String? = req.query["year"]
        if let yearText, Int(yearText) != input.year {
            throw AppError.invalid(["year": "Năm trong địa chỉ (\(yearText)) khác năm trong nội dung (\(input.year))."])
        }
        let year = try DaysOffService.year(String(input.year), calendar: user.calendar, now: req.now)
        var fields: [String: String] = [:]
        var days: [DayOff] = []
        for (index, day) in input.days.enumerated() {
            guard let date = LocalDate(iso: day.date) else { fields["days[\(index)].date"] = "Ngày theo dạng yyyy-MM-dd."; continue }
            guard let kind = DayOffKind(rawValue: day.kind) else { fields["days[\(index)].kind"] = "Loại ngày là “holiday” hoặc “workday”."; continue }
            days.append(DayOff(date: date, name: VietnameseText.nfc(day.name), kind: kind))
        }
        guard fields.isEmpty else { throw AppError.invalid(fields) }
        switch try await DaysOffService.save(year: year, days: days, communeID: user.communeID, actorID: user.personID, now: req.now, on: req.db) {
        case .success(let list): return DaysOffDTO(list)
        case .failure(let problems):
            throw AppError.invalid(Dictionary(problems.all.map { ("days[\($0.index)]", $0.message) }, uniquingKeysWith: { a, b in "\(a) \(b)" }))
        }
    }

    /// `GET /api/v1/settings/calendar`
    func settings(_ req: Request) async throws -> CalendarSettingsDTO {
        let user = try req.authorize(.readCalendar)
        return CalendarSettingsDTO(user.calendar.settings)
    }

    /// `PUT /api/v1/settings/calendar` (admin)
    func putSettings(_ req: Request) async throws -> CalendarSettingsDTO {
        let user = try req.authorize(.manageOrganisation)
        let input = try req.decodeJSON(CalendarSettingsInput.self)
        return CalendarSettingsDTO(try await DaysOffService.saveCalendar(input, communeID: user.communeID, actorID: user.personID,
                                                                         now: req.now, on: req.db))
    }
}

/// `/calendar/days-off?year=`: the year's days off and what they do to each week; the office
/// reviews and confirms the list here.
struct DaysOffPageController {
    struct RowForm: Content { var date: String?; var name: String?; var kind: String? }
    struct Form: Content { var rows: [RowForm]? }
    struct RowView: Encodable, Sendable {
        var index: Int
        var date: String
        var weekday: String
        var name: String
        var kinds: [Choice]
        var error: String?
    }
    struct WeekEffect: Encodable, Sendable {
        var title: String
        var text: String
        var noReport: Bool
    }
    struct View: Encodable, Sendable {
        var year: Int
        var previousYear: Int
        var nextYear: Int
        var confirmed: Bool
        var mayEdit: Bool
        var rows: [RowView]
        var weeks: [WeekEffect]
        var errors: FieldErrors
        var previousYearHref: String; var nextYearHref: String; var action: String
    }

    private static func kinds(_ selected: String?) -> [Choice] {
        [(DayOffKind.holiday, "Ngày nghỉ"), (.workday, "Ngày làm bù")].map {
            Choice(value: $0.0.rawValue, label: $0.1, selected: $0.0.rawValue == (selected ?? "holiday"))
        }
    }

    /// The weeks whose deadlines or briefing the days off move, in words a person can check.
    private static func effects(year: Int, calendar: CommuneCalendar) -> [WeekEffect] {
        calendar.daysOffEffects(inYear: year).map { effect in
            switch effect {
            case .noWeeklyReport(let week):
                WeekEffect(title: week.title, text: "Không có báo cáo tuần (dưới hai ngày làm việc); công việc được báo cáo cùng tuần sau.",
                           noReport: true)
            case .moved(let week, let moved):
                WeekEffect(title: week.title, text: "Hạn nộp báo cáo \(describe(moved.weeklyReport, calendar)); giao ban và hạn tổng hợp \(describe(moved.groupCompilation, calendar)).",
                           noReport: false)
            }
        }
    }

    private static func describe(_ instant: Date, _ calendar: CommuneCalendar) -> String {
        let day = calendar.localDate(of: instant)
        return "\(calendar.localTime(of: instant).text) \(day.weekday.vietnameseName) \(day.vietnamese)"
    }

    private func render(_ req: Request, year: Int, rows: [RowForm], confirmed: Bool, errors: FieldErrors,
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        let user = try req.requireUser()
        let calendar = user.calendar
        let mayEdit = AccessPolicy.allows(user.actor, .manageDaysOff)
        let shown = mayEdit ? rows + Array(repeating: RowForm(date: nil, name: nil, kind: nil), count: 3) : rows
        let view = View(
            year: year, previousYear: year - 1, nextYear: year + 1, confirmed: confirmed, mayEdit: mayEdit,
            rows: shown.enumerated().map { index, row in
                let date = row.date.flatMap { LocalDate(vietnamese: $0) ?? LocalDate(iso: $0) }
                return RowView(index: index, date: row.date ?? "", weekday: date?.weekday.vietnameseName ?? "", name: row.name ?? "",
                               kinds: Self.kinds(row.kind), error: errors["row\(index)"])
            },
            weeks: Self.effects(year: year, calendar: calendar), errors: errors,
            previousYearHref: SiteRoute.daysOff(year: year - 1).path, nextYearHref: SiteRoute.daysOff(year: year + 1).path,
            action: SiteRoute.daysOffYear(year).path)
        return try await req.render("calendar/days-off", title: req.t("days_off_title"), section: "week", view, status: status)
    }

    func show(_ req: Request) async throws -> Response {
        let user = try req.authorize(.readCalendar)
        let calendar = user.calendar
        let year = try DaysOffService.year(req.query["year"], calendar: calendar, now: req.now)
        let list = calendar.daysOff.year(year)
        return try await render(req, year: year, rows: list.days.map { RowForm(date: $0.date.vietnamese, name: $0.name, kind: $0.kind.rawValue) },
                                confirmed: list.confirmed, errors: .init())
    }

    func save(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageDaysOff)
        let calendar = user.calendar
        let year = try DaysOffService.year(req.parameters.get("year"), calendar: calendar, now: req.now)
        let form = try req.content.decode(Form.self)
        // Blank rows are the spare lines of the form; a row with a date or a name is a day.
        let rows = (form.rows ?? []).filter {
            !($0.date ?? "").trimmedWhitespace.isEmpty || !($0.name ?? "").trimmedWhitespace.isEmpty
        }
        var errors = FieldErrors()
        var days: [DayOff] = []
        for (index, row) in rows.enumerated() {
            let text = (row.date ?? "").trimmedWhitespace
            guard let date = LocalDate(vietnamese: text) ?? LocalDate(iso: text) else {
                errors["row\(index)"] = req.t("err_date"); continue
            }
            days.append(DayOff(date: date, name: VietnameseText.nfc(row.name ?? ""), kind: DayOffKind(rawValue: row.kind ?? "") ?? .holiday))
        }
        if errors.isEmpty {
            switch try await DaysOffService.save(year: year, days: days, communeID: user.communeID, actorID: user.personID, now: req.now, on: req.db) {
            case .success: return req.redirect(to: .daysOff(year: year), notice: "saved")
            case .failure(let problems):
                for problem in problems.all { errors["row\(problem.index)"] = problem.message }
            }
        }
        return try await render(req, year: year, rows: rows, confirmed: calendar.daysOff.year(year).confirmed, errors: errors,
                                status: .unprocessableEntity)
    }
}
