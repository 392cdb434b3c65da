import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// The party-cell pages: the month's meetings and reports per cell, the meeting form, the month's
/// compilation for the district, the rotation plan and the year's rubric.
struct CellPagesController {
    struct MeetingRow: Encodable, Sendable {
        var id: String; var date: String; var time: String; var kind: String; var attendance: String; var rate: String
        var rating: String?; var total: String?; var supervisorAttended: Bool
        var href: String
    }
    struct CellSection: Encodable, Sendable {
        var id: String; var name: String; var rule: String?; var supervisors: String
        var meetings: [MeetingRow]; var status: LedgerCellView; var note: String
        var canRecord: Bool; var lastSubmitted: String?
        var newMeetingHref: String; var submitAction: String
    }
    struct IndexView: Encodable, Sendable {
        var month: String; var title: String; var previous: String; var next: String; var due: String
        var cells: [CellSection]; var canReadAll: Bool; var canRotate: Bool; var canManageRubric: Bool; var year: Int
        var errors: FieldErrors; var errorCell: String?
        var previousHref: String; var nextHref: String; var compiledHref: String; var rotationHref: String; var rubricHref: String
    }

    static func month(_ req: Request, calendar: CommuneCalendar) throws -> ReportMonth {
        if let raw = req.query[String.self, at: "month"], !raw.isEmpty { return try PathParameter.month(raw) }
        let today = LocalDate.inZone(req.now, calendar.timeZone)
        return CellReportPeriod.reportMonthDue(on: today, dueDay: calendar.settings.cellReportDueDay)
    }

    func index(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let month = try Self.month(req, calendar: user.calendar)
        return try await renderIndex(req, user: user, month: month, errors: .init(), errorCell: nil, notes: [:])
    }

    private func renderIndex(_ req: Request, user: CurrentUser, month: ReportMonth, errors: FieldErrors, errorCell: String?,
                             notes: [UUID: String], status: HTTPResponseStatus = .ok) async throws -> Response {
        let calendar = user.calendar
        // The menu's question, so that its link never answers 403 (a member in charge of cells
        // that are all inactive sees an empty list).
        guard AccessPolicy.allows(user.actor, .openCellMeetings) else { throw AppError.forbidden }
        let cells = try await CellService.cells(for: user.actor, on: req.db)
        let compiled = try await CellService.compile(communeID: user.communeID, month: month, cells: cells, calendar: calendar,
                                                     now: req.now, on: req.db)
        let ids = cells.compactMap(\.id)
        let supervisors = try await CellService.supervisors(of: ids, on: req.db)
        let names = try await ScheduleService.nameLookup(communeID: user.communeID, on: req.db)
        let reports = Dictionary(try await CellService.monthReports(cellIDs: ids, months: [month], on: req.db).map { ($0.cellID, $0) },
                                 uniquingKeysWith: { a, _ in a })
        let byCell = Dictionary(grouping: compiled.meetings, by: \.cellID)
        let sections = try cells.map { cell -> CellSection in
            let id = cell.id!
            let meetings = try (byCell[id] ?? []).map { meeting in
                MeetingRow(id: meeting.id!.canonicalText, date: meeting.localDate?.vietnamese ?? meeting.date, time: "\(meeting.start)–\(meeting.end)",
                           kind: meeting.meetingKind.title, attendance: "\(meeting.present)/\(meeting.summoned)",
                           rate: try meeting.attendance.rateText ?? "—", rating: meeting.ratingTitle,
                           total: try meeting.storedScoreTotal.map { VietnameseNumber.format($0, maxFractionDigits: 1) },
                           supervisorAttended: meeting.supervisorAttended,
                           href: SiteRoute.cellMeeting(cellID: id, meetingID: meeting.id!).path)
            }
            let entry = compiled.ledger[id] ?? LedgerEntry(status: .notDue)
            return CellSection(id: id.canonicalText, name: cell.name,
                               rule: try cell.meetingRule.map { "\($0.day.title), \($0.start.text)–\($0.end.text)" },
                               supervisors: (supervisors[id] ?? []).compactMap { names[$0] }.joined(separator: ", "),
                               meetings: meetings,
                               status: LedgerCellView(entry, calendar: calendar),
                               note: notes[id] ?? reports[id]?.note ?? "",
                               canRecord: AccessPolicy.allows(user.actor, .recordCellMeeting(cellID: id)),
                               lastSubmitted: reports[id].map { calendar.vietnameseDateTime($0.lastSubmittedAt) },
                               newMeetingHref: SiteRoute.cellMeetingNew(cellID: id, month: month).path,
                               submitAction: SiteRoute.cellReportSubmit(cellID: id, month: month).path)
        }
        let view = IndexView(month: month.description, title: "Sinh hoạt chi bộ tháng \(month.vietnamese)",
                             previous: month.previous.description, next: month.next.description,
                             due: calendar.vietnameseDateTime(compiled.dueAt), cells: sections,
                             canReadAll: AccessPolicy.allows(user.actor, .readCellReports),
                             canRotate: AccessPolicy.allows(user.actor, .manageRotation(personID: user.personID)),
                             canManageRubric: AccessPolicy.allows(user.actor, .manageRubric), year: month.year,
                             errors: errors, errorCell: errorCell,
                             previousHref: SiteRoute.cells(month: month.previous).path, nextHref: SiteRoute.cells(month: month.next).path,
                             compiledHref: SiteRoute.cellReport(month).path, rotationHref: SiteRoute.cellRotation(year: month.year).path,
                             rubricHref: SiteRoute.cellRubric(year: month.year).path)
        return try await req.render("cells/index", title: view.title, section: "cell_meetings", view, status: status)
    }

    struct SubmitForm: Content { var note: String? }

    func submit(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let cell = try await CellService.cell(req.parameters.get("id"), communeID: user.communeID, on: req.db)
        guard AccessPolicy.allows(user.actor, .recordCellMeeting(cellID: try cell.requireID())) else { throw AppError.forbidden }
        let month = try PathParameter.month(req.parameters.get("month"))
        let form = try req.content.decode(SubmitForm.self)
        do {
            _ = try await CellService.submitMonth(cell: cell, month: month, note: form.note, actor: user.actor, now: req.now,
                                                  calendar: user.calendar, on: req.db)
        } catch let error as AppError where error.status == .unprocessableEntity || error.status == .conflict {
            var errors = FieldErrors()
            errors["note"] = error.fields["note"] ?? error.message
            return try await renderIndex(req, user: user, month: month, errors: errors, errorCell: cell.id!.canonicalText,
                                         notes: [cell.id!: form.note ?? ""], status: error.status)
        }
        return req.redirect(to: .cells(month: month), notice: "report_submitted")
    }

    // MARK: The meeting form

    struct MeetingForm: Content {
        var kind: String?
        var date: String?
        var start: String?
        var end: String?
        var supervisorAttended: String?
        var summoned: String?
        var present: String?
        var absentWithReason: String?
        var absentWithoutReason: String?
        var absentWithReasonNames: String?
        var absentWithoutReasonNames: String?
        var chair: String?
        var secretary: String?
        var content: String?
        var conclusions: String?
        var feedback: String?
        var points: [String: String]?
    }

    struct CriterionField: Encodable, Sendable { var key: String; var title: String; var max: String; var value: String }
    struct MeetingView: Encodable, Sendable {
        var cellID: String; var cellName: String; var meetingID: String?; var month: String
        var form: MeetingForm; var kinds: [Choice]; var criteria: [CriterionField]; var rubricYear: Int; var maxTotal: String
        var thresholds: String; var errors: FieldErrors; var canEdit: Bool
        /// The month's cell meetings page (back, and cancel).
        var backHref: String
        /// A new meeting, or the meeting being edited.
        var action: String
        var deleteAction: String?
    }

    private static func lines(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: \.isNewline).map { VietnameseText.nfc(String($0)) }.filter { !$0.isEmpty }
    }

    private static func int(_ text: String?, field: String, into errors: inout FieldErrors) -> Int {
        let trimmed = (text ?? "").trimmedWhitespace
        if trimmed.isEmpty { return 0 }
        guard let value = Int(trimmed), value >= 0, value <= 100_000 else {
            errors["attendance"] = "Số đảng viên phải là số nguyên không âm."
            return 0
        }
        return value
    }

    static func input(from form: MeetingForm, errors: inout FieldErrors) -> CellMeetingInput {
        var points: [String: Decimal] = [:]
        for (key, raw) in form.points ?? [:] {
            let text = raw.trimmedWhitespace
            guard !text.isEmpty else { continue }
            guard let value = VietnameseNumber.parse(text) else { errors["points"] = "Điểm “\(text)” không phải là số."; continue }
            points[key] = value
        }
        return CellMeetingInput(
            kind: form.kind, date: form.date, start: form.start, end: form.end,
            supervisorAttended: form.supervisorAttended == "true",
            summoned: int(form.summoned, field: "summoned", into: &errors), present: int(form.present, field: "present", into: &errors),
            absentWithReason: int(form.absentWithReason, field: "absentWithReason", into: &errors),
            absentWithoutReason: int(form.absentWithoutReason, field: "absentWithoutReason", into: &errors),
            absentWithReasonNames: lines(form.absentWithReasonNames), absentWithoutReasonNames: lines(form.absentWithoutReasonNames),
            chair: form.chair, secretary: form.secretary, content: form.content, conclusions: form.conclusions, feedback: form.feedback,
            points: points.isEmpty ? nil : points)
    }

    static func form(from meeting: CellMeeting) throws -> MeetingForm {
        MeetingForm(kind: meeting.kind, date: meeting.localDate?.vietnamese ?? meeting.date, start: meeting.start, end: meeting.end,
                    supervisorAttended: meeting.supervisorAttended ? "true" : "false",
                    summoned: String(meeting.summoned), present: String(meeting.present),
                    absentWithReason: String(meeting.absentWithReason), absentWithoutReason: String(meeting.absentWithoutReason),
                    absentWithReasonNames: try meeting.absentWithReasonNames.joined(separator: "\n"),
                    absentWithoutReasonNames: try meeting.absentWithoutReasonNames.joined(separator: "\n"),
                    chair: meeting.chair, secretary: meeting.secretary, content: meeting.content, conclusions: meeting.conclusions,
                    feedback: meeting.feedback,
                    points: try meeting.points?.mapValues { VietnameseNumber.format($0, maxFractionDigits: 2) })
    }

    private func renderMeeting(_ req: Request, user: CurrentUser, cell: PartyCell, meetingID: UUID?, form: MeetingForm,
                               errors: FieldErrors, status: HTTPResponseStatus = .ok) async throws -> Response {
        let calendar = user.calendar
        let dateText = form.date ?? ""
        let date = LocalDate(vietnamese: dateText) ?? LocalDate(iso: dateText) ?? LocalDate.inZone(req.now, calendar.timeZone)
        let rubric = try await CellService.rubric(year: date.year, communeID: user.communeID, on: req.db).rubric
        let cellID = cell.id!
        let view = MeetingView(
            cellID: cellID.canonicalText, cellName: cell.name, meetingID: meetingID?.canonicalText, month: ReportMonth(date).description, form: form,
            kinds: CellMeetingKind.allCases.map { Choice(value: $0.rawValue, label: $0.title, selected: $0.rawValue == (form.kind ?? "thuong_ky")) },
            criteria: rubric.criteria.map { CriterionField(key: $0.key, title: $0.title, max: VietnameseNumber.format($0.maxPoints),
                                                            value: form.points?[$0.key] ?? "") },
            rubricYear: rubric.year, maxTotal: VietnameseNumber.format(rubric.maxTotal),
            thresholds: rubric.thresholds.map { "\($0.title) ≥ \(VietnameseNumber.format($0.minPoints))" }.joined(separator: "; "),
            errors: errors,
            canEdit: AccessPolicy.allows(user.actor, .recordCellMeeting(cellID: cellID)),
            backHref: SiteRoute.cells(month: ReportMonth(date)).path,
            action: meetingID.map { SiteRoute.cellMeeting(cellID: cellID, meetingID: $0).path } ?? SiteRoute.cellMeetings(cellID: cellID).path,
            deleteAction: meetingID.map { SiteRoute.cellMeetingDelete(cellID: cellID, meetingID: $0).path })
        return try await req.render("cells/meeting", title: "\(cell.name): \(req.t("cell_meeting_title"))", section: "cell_meetings", view, status: status)
    }

    func newMeeting(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let cell = try await CellService.cell(req.parameters.get("id"), communeID: user.communeID, on: req.db)
        guard AccessPolicy.allows(user.actor, .recordCellMeeting(cellID: try cell.requireID())) else { throw AppError.forbidden }
        let calendar = user.calendar
        let month = try Self.month(req, calendar: calendar)
        let rule = try cell.meetingRule
        let date = rule?.meetingDate(in: month) ?? LocalDate.inZone(req.now, calendar.timeZone)
        let form = MeetingForm(kind: "thuong_ky", date: date.vietnamese, start: rule?.start.text ?? "", end: rule?.end.text ?? "",
                               supervisorAttended: "true")
        return try await renderMeeting(req, user: user, cell: cell, meetingID: nil, form: form, errors: .init())
    }

    func editMeeting(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let cell = try await CellService.cell(req.parameters.get("id"), communeID: user.communeID, on: req.db)
        guard AccessPolicy.allows(user.actor, .readCell(cellID: try cell.requireID())) else { throw AppError.forbidden }
        let meeting = try await CellService.meeting(req.parameters.get("meetingID"), cellID: cell.requireID(), on: req.db)
        return try await renderMeeting(req, user: user, cell: cell, meetingID: meeting.id!, form: try Self.form(from: meeting), errors: .init())
    }

    func saveMeeting(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let cell = try await CellService.cell(req.parameters.get("id"), communeID: user.communeID, on: req.db)
        guard AccessPolicy.allows(user.actor, .recordCellMeeting(cellID: try cell.requireID())) else { throw AppError.forbidden }
        let existing = try await req.parameters.get("meetingID").asyncMap {
            try await CellService.meeting($0, cellID: cell.requireID(), on: req.db)
        }
        let form = try req.content.decode(MeetingForm.self)
        var errors = FieldErrors()
        let input = Self.input(from: form, errors: &errors)
        if errors.isEmpty {
            do {
                let meeting = try await CellService.saveMeeting(input, existing: existing, cell: cell, actor: user.actor, now: req.now, on: req.db)
                return req.redirect(to: .cells(month: ReportMonth(meeting.month)), notice: "saved")
            } catch let error as AppError where error.status == .unprocessableEntity {
                errors = FieldErrors(messages: error.fields)
            }
        }
        return try await renderMeeting(req, user: user, cell: cell, meetingID: existing?.id, form: form, errors: errors,
                                       status: .unprocessableEntity)
    }

    func deleteMeeting(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let cell = try await CellService.cell(req.parameters.get("id"), communeID: user.communeID, on: req.db)
        guard AccessPolicy.allows(user.actor, .recordCellMeeting(cellID: try cell.requireID())) else { throw AppError.forbidden }
        let meeting = try await CellService.meeting(req.parameters.get("meetingID"), cellID: cell.requireID(), on: req.db)
        let month = meeting.month
        try await CellService.deleteMeeting(meeting, actor: user.actor, now: req.now, on: req.db)
        return req.redirect(to: .cells(month: ReportMonth(month)), notice: "saved")
    }

    // MARK: The month's compilation

    struct ReportRow: Encodable, Sendable {
        var name: String; var meetings: String; var attendance: String; var rate: String; var supervisor: Bool
        var total: String; var rating: String; var status: LedgerCellView; var note: String?
    }
    struct ReportView: Encodable, Sendable {
        var month: String; var title: String; var previous: String; var next: String; var due: String
        var rows: [ReportRow]; var ratingCounts: [Choice]; var unrated: Int; var attendanceRate: String
        var held: Int; var total: Int; var supervised: Int; var feedback: [String]; var rubricYear: Int
        var previousHref: String; var nextHref: String; var documentHref: String
    }

    func report(_ req: Request) async throws -> Response {
        let user = try req.authorize(.readCellReports)
        let month = try PathParameter.month(req.parameters.get("month"))
        let calendar = user.calendar
        let cells = try await CellService.cells(for: user.actor, on: req.db)
        let compiled = try await CellService.compile(communeID: user.communeID, month: month, cells: cells, calendar: calendar,
                                                     now: req.now, on: req.db)
        let report = compiled.report
        let byCell = Dictionary(grouping: compiled.meetings, by: \.cellID)
        let rows = report.rows.map { row -> ReportRow in
            let id = UUID(uuidString: row.cell.key)!
            return ReportRow(name: row.cell.name, meetings: "\(row.regularMeetings)/\(row.extraordinaryMeetings)",
                             attendance: "\(row.present)/\(row.summoned)", rate: CellDocuments.percent(row.attendanceRate),
                             supervisor: row.supervisorAttended,
                             total: row.score.map { VietnameseNumber.format($0.total, maxFractionDigits: 1) } ?? "—",
                             rating: row.rating?.title ?? "—",
                             status: LedgerCellView(compiled.ledger[id] ?? LedgerEntry(status: .notDue), calendar: calendar),
                             note: compiled.notes[id])
        }
        let feedback = cells.flatMap { cell in (byCell[cell.id!] ?? []).filter { !$0.feedback.isEmpty }.map { "\(cell.name): \($0.feedback)" } }
        let view = ReportView(month: month.description, title: "Tổng hợp sinh hoạt chi bộ tháng \(month.vietnamese)",
                              previous: month.previous.description, next: month.next.description,
                              due: calendar.vietnameseDateTime(compiled.dueAt), rows: rows,
                              ratingCounts: report.ratingCounts.map { Choice(value: String($0.count), label: $0.rating.title, selected: false) },
                              unrated: report.unratedCells, attendanceRate: CellDocuments.percent(report.attendanceRate),
                              held: report.cellsWithRegularMeeting, total: report.rows.count, supervised: report.cellsAttendedBySupervisor,
                              feedback: feedback, rubricYear: compiled.rubric.year,
                              previousHref: SiteRoute.cellReport(month.previous).path, nextHref: SiteRoute.cellReport(month.next).path,
                              documentHref: SiteRoute.cellReportDocument(month).path)
        return try await req.render("cells/report", title: view.title, section: "cell_meetings", view)
    }

    func reportDocument(_ req: Request) async throws -> Response {
        let user = try req.authorize(.readCellReports)
        return try await CellDocuments.response(for: user, month: try PathParameter.month(req.parameters.get("month")), req: req)
    }

    // MARK: Rotation

    struct VisitRow: Encodable, Sendable { var index: Int; var number: Int; var date: String; var start: String; var end: String; var cells: [Choice] }
    struct RotationView: Encodable, Sendable {
        var year: Int; var previousYear: Int; var nextYear: Int; var personID: String; var personName: String; var people: [Choice]; var choosePerson: Bool
        var saved: Bool; var rows: [VisitRow]; var cellRules: [Choice]; var withoutRule: [String]; var clashes: [String]
        var errors: FieldErrors
        var previousYearHref: String; var nextYearHref: String
        /// The same plan proposed afresh from the cells' meeting rules.
        var proposeHref: String
        /// The person chooser asks this page again (a GET form: its own fields make the query).
        var chooseAction = SiteRoute.cellRotation().path
        var action: String
    }
    struct RotationForm: Content {
        struct Row: Content { var date: String?; var start: String?; var end: String?; var cellId: String? }
        var personId: String?
        var rows: [Row]?
    }

    private func renderRotation(_ req: Request, user: CurrentUser, person: Person, dto: RotationDTO, rows: [RotationForm.Row]?,
                                errors: FieldErrors, status: HTTPResponseStatus = .ok) async throws -> Response {
        let chooser = AccessPolicy.allows(user.actor, .manageRotation(personID: UUID()))
        var people: [Choice] = []
        if chooser {
            people = try await CellService.supervisors(communeID: user.communeID, on: req.db)
                .map { Choice(value: $0.id!.canonicalText, label: $0.fullName, selected: $0.id == person.id) }
        }
        func cellChoices(_ selected: String?) -> [Choice] {
            dto.cells.map { Choice(value: $0.cellId.canonicalText, label: $0.name, selected: $0.cellId.canonicalText == selected) }
        }
        let sourceRows = rows ?? dto.visits.map { RotationForm.Row(date: LocalDate(iso: $0.date)?.vietnamese ?? $0.date, start: $0.start,
                                                                    end: $0.end, cellId: $0.cellId.canonicalText) }
        // Two blank rows to add visits by hand.
        let padded = sourceRows + [RotationForm.Row(), RotationForm.Row()]
        let view = RotationView(
            year: dto.year, previousYear: dto.year - 1, nextYear: dto.year + 1, personID: person.id!.canonicalText, personName: person.fullName, people: people, choosePerson: chooser,
            saved: dto.saved,
            rows: padded.enumerated().map { VisitRow(index: $0, number: $0 + 1, date: $1.date ?? "", start: $1.start ?? "", end: $1.end ?? "", cells: cellChoices($1.cellId)) },
            cellRules: dto.cells.map { Choice(value: $0.name, label: $0.meetingRule?.title ?? "", selected: false) },
            withoutRule: dto.cellsWithoutMeetingRule.map(\.name), clashes: dto.clashes, errors: errors,
            previousYearHref: SiteRoute.cellRotation(year: dto.year - 1, personID: person.id).path,
            nextYearHref: SiteRoute.cellRotation(year: dto.year + 1, personID: person.id).path,
            proposeHref: SiteRoute.cellRotation(year: dto.year, personID: person.id, propose: true).path,
            action: SiteRoute.cellRotationYear(dto.year).path)
        return try await req.render("cells/rotation", title: "\(req.t("rotation_title")) \(dto.year)", section: "cell_meetings", view, status: status)
    }

    func rotation(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let year = try req.query[String.self, at: "year"].map { try PathParameter.year($0) }
            ?? LocalDate.inZone(req.now, user.calendar.timeZone).year
        var raw = req.query[String.self, at: "personId"].flatMap { $0.isEmpty ? nil : $0 }
        if raw == nil, !user.actor.isCellSupervisor, AccessPolicy.allows(user.actor, .manageRotation(personID: UUID())) {
            // The office opens the page for someone in charge of cells, not for themselves.
            raw = try await CellService.supervisors(communeID: user.communeID, on: req.db).first?.id?.canonicalText
        }
        let person = try await CellService.rotationPerson(raw, user: user, on: req.db)
        let afresh = req.query[String.self, at: "propose"] == "1"
        let dto = try await RotationDTO.load(person: person, year: year, proposeAfresh: afresh, communeID: user.communeID, on: req.db)
        return try await renderRotation(req, user: user, person: person, dto: dto, rows: nil, errors: .init())
    }

    func saveRotation(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let year = try PathParameter.year(req.parameters.get("year"))
        let form = try req.content.decode(RotationForm.self)
        let person = try await CellService.rotationPerson(form.personId, user: user, on: req.db)
        let filled = (form.rows ?? []).filter { row in
            [row.date, row.start, row.end, row.cellId].contains { !($0 ?? "").trimmedWhitespace.isEmpty }
        }
        var problems: [String] = []
        let visits = filled.enumerated().compactMap { index, row -> RotationInput.Visit? in
            guard let cell = row.cellId.flatMap(UUID.init(uuidString:)) else {
                problems.append("Dòng \(index + 1): chưa chọn chi bộ.")
                return nil
            }
            return RotationInput.Visit(cellId: cell, date: row.date ?? "", start: row.start ?? "", end: row.end ?? "")
        }
        var errors = FieldErrors()
        do {
            if !problems.isEmpty { throw AppError.invalid(["visits": problems.joined(separator: " ")]) }
            _ = try await CellService.saveRotation(personID: person.requireID(), year: year, visits: RotationInput.rotationVisits(visits),
                                                   communeID: user.communeID, actor: user.actor, now: req.now, on: req.db)
            return req.redirect(to: .cellRotation(year: year, personID: person.id!), notice: "saved")
        } catch let error as AppError where error.status == .unprocessableEntity || error.status == .conflict {
            errors["visits"] = [error.message, error.fields["visits"]].compactMap { $0 }.joined(separator: " ")
            let dto = try await RotationDTO.load(person: person, year: year, proposeAfresh: false, communeID: user.communeID, on: req.db)
            return try await renderRotation(req, user: user, person: person, dto: dto, rows: filled, errors: errors, status: error.status)
        }
    }

    // MARK: Rubric

    struct RubricRow: Encodable, Sendable { var index: Int; var number: Int; var key: String; var title: String; var points: String }
    struct RubricView: Encodable, Sendable {
        var year: Int; var previousYear: Int; var nextYear: Int; var basis: String; var stored: Bool; var criteria: [RubricRow]; var thresholds: [RubricRow]
        var maxTotal: String; var canEdit: Bool; var errors: FieldErrors
        var previousYearHref: String; var nextYearHref: String; var action: String
    }
    struct RubricForm: Content {
        struct Row: Content { var key: String?; var title: String?; var points: String? }
        var basis: String?
        var criteria: [Row]?
        var thresholds: [Row]?
    }

    private func renderRubric(_ req: Request, user: CurrentUser, year: Int, form: RubricForm, stored: Bool, errors: FieldErrors,
                              status: HTTPResponseStatus = .ok) async throws -> Response {
        func rows(_ items: [RubricForm.Row]?, extra: Int) -> [RubricRow] {
            ((items ?? []) + Array(repeating: RubricForm.Row(), count: extra)).enumerated().map {
                RubricRow(index: $0, number: $0 + 1, key: $1.key ?? "", title: $1.title ?? "", points: $1.points ?? "")
            }
        }
        let total = (form.criteria ?? []).compactMap { $0.points.flatMap(VietnameseNumber.parse) }.reduce(0, +)
        let view = RubricView(year: year, previousYear: year - 1, nextYear: year + 1, basis: form.basis ?? "", stored: stored, criteria: rows(form.criteria, extra: 2),
                              thresholds: rows(form.thresholds, extra: 1), maxTotal: VietnameseNumber.format(total),
                              canEdit: AccessPolicy.allows(user.actor, .manageRubric), errors: errors,
                              previousYearHref: SiteRoute.cellRubric(year: year - 1).path, nextYearHref: SiteRoute.cellRubric(year: year + 1).path,
                              action: SiteRoute.cellRubricYear(year).path)
        return try await req.render("cells/rubric", title: "\(req.t("rubric_title")) \(year)", section: "cell_meetings", view, status: status)
    }

    func rubric(_ req: Request) async throws -> Response {
        let user = try req.authorize(.openCellMeetings)
        let year = try req.query[String.self, at: "year"].map { try PathParameter.year($0) }
            ?? LocalDate.inZone(req.now, user.calendar.timeZone).year
        let (rubric, stored) = try await CellService.rubric(year: year, communeID: user.communeID, on: req.db)
        let form = RubricForm(basis: rubric.basis,
                              criteria: rubric.criteria.map { .init(key: $0.key, title: $0.title, points: VietnameseNumber.format($0.maxPoints)) },
                              thresholds: rubric.thresholds.map { .init(key: $0.key, title: $0.title, points: VietnameseNumber.format($0.minPoints)) })
        return try await renderRubric(req, user: user, year: year, form: form, stored: stored, errors: .init())
    }

    func saveRubric(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageRubric)
        let year = try PathParameter.year(req.parameters.get("year"))
        let form = try req.content.decode(RubricForm.self)
        var errors = FieldErrors()
        func filled(_ rows: [RubricForm.Row]?) -> [RubricForm.Row] {
            (rows ?? []).filter { ![$0.key, $0.title, $0.points].allSatisfy { ($0 ?? "").trimmedWhitespace.isEmpty } }
        }
        func number(_ text: String?) -> Decimal {
            guard let value = VietnameseNumber.parse((text ?? "").trimmedWhitespace) else {
                errors["rubric"] = "Điểm “\(text ?? "")” không phải là số."
                return .nan
            }
            return value
        }
        func key(_ row: RubricForm.Row) -> String {
            let typed = (row.key ?? "").trimmedWhitespace
            return typed.isEmpty ? VietnameseText.folded(row.title ?? "").replacingOccurrences(of: " ", with: "_") : typed
        }
        let rubric = MeetingRubric(
            year: year, basis: VietnameseText.nfc(form.basis ?? "").isEmpty ? nil : VietnameseText.nfc(form.basis ?? ""),
            criteria: filled(form.criteria).map { RubricCriterion(key: key($0), title: VietnameseText.nfc($0.title ?? ""), maxPoints: number($0.points)) },
            thresholds: filled(form.thresholds).map { RatingThreshold(key: key($0), title: VietnameseText.nfc($0.title ?? ""), minPoints: number($0.points)) })
        if errors.isEmpty {
            do {
                try await CellService.saveRubric(rubric, communeID: user.communeID, actorID: user.personID, now: req.now, on: req.db)
                return req.redirect(to: .cellRubric(year: year), notice: "saved")
            } catch let error as AppError where error.status == .unprocessableEntity {
                errors["rubric"] = error.fields["rubric"] ?? error.message
            }
        }
        let stored = try await CellService.rubric(year: year, communeID: user.communeID, on: req.db).stored
        return try await renderRubric(req, user: user, year: year, form: form, stored: stored, errors: errors, status: .unprocessableEntity)
    }
}
