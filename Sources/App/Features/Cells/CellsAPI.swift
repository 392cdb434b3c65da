import Fluent
import Foundation
import GiaoBanCore
import Vapor

struct CellMonthReportDTO: Content {
    var cellId: UUID
    var month: String
    var status: String
    var dueAt: String
    var firstSubmittedAt: String?
    var lastSubmittedAt: String?
    var lateBySeconds: Int
    var note: String?
}

struct CellCompilationDTO: Content {
    struct RatingCount: Content { var rating: String; var title: String; var count: Int }
    struct CellRow: Content {
        var cellId: UUID
        var name: String
        var regularMeetings: Int
        var extraordinaryMeetings: Int
        var supervisorAttended: Bool
        var summoned: Int
        var present: Int
        var attendanceRate: Decimal?
        var total: Decimal?
        var rating: String?
        var ratingTitle: String?
        var status: String
        var submittedAt: String?
        var lateBySeconds: Int
        var note: String?
    }
    var month: String
    var dueAt: String
    var rubricYear: Int
    var attendanceRate: Decimal?
    var ratingCounts: [RatingCount]
    var unratedCells: Int
    var cells: [CellRow]

    init(_ compilation: CellService.MonthCompilation, calendar: CommuneCalendar) {
        month = compilation.month.description
        dueAt = calendar.isoString(compilation.dueAt)
        rubricYear = compilation.rubric.year
        attendanceRate = compilation.report.attendanceRate.map { $0 * 100 }
        ratingCounts = compilation.report.ratingCounts.map { .init(rating: $0.rating.key, title: $0.rating.title, count: $0.count) }
        unratedCells = compilation.report.unratedCells
        cells = compilation.report.rows.map { row in
            let id = UUID(uuidString: row.cell.key)!
            let entry = compilation.ledger[id]
            return CellRow(cellId: id, name: row.cell.name, regularMeetings: row.regularMeetings,
                           extraordinaryMeetings: row.extraordinaryMeetings, supervisorAttended: row.supervisorAttended,
                           summoned: row.summoned, present: row.present,
                           attendanceRate: row.attendanceRate.map { $0 * 100 },
                           total: row.score?.total, rating: row.rating?.key, ratingTitle: row.rating?.title,
                           status: entry?.status.rawValue ?? LedgerStatus.notDue.rawValue,
                           submittedAt: entry?.submittedAt.map(calendar.isoString), lateBySeconds: entry?.lateBySeconds ?? 0,
                           note: compilation.notes[id])
        }
    }
}

struct RubricDTO: Content {
    var year: Int
    /// False while the commune has not set its own rubric for the year (the letter's default applies).
    var stored: Bool
    var maxTotal: Double
    var rubric: MeetingRubric
}

struct RotationDTO: Content {
    struct Visit: Content {
        var cellId: UUID
        var cellName: String?
        var date: String
        var start: String
        var end: String
    }
    struct CellRef: Content { var cellId: UUID; var name: String; var meetingRule: MeetingRuleDTO? }
    var personId: UUID
    var year: Int
    /// False when this is the system's proposal, not yet saved.
    var saved: Bool
    var visits: [Visit]
    var cells: [CellRef]
    /// Cells in the person's charge that have no regular meeting day set (they cannot be planned).
    var cellsWithoutMeetingRule: [CellRef]
    var clashes: [String]
}

struct RotationInput: Content {
    struct Visit: Content { var cellId: UUID; var date: String; var start: String; var end: String }
    var visits: [Visit]
}

struct SubmitCellMonthInput: Content { var note: String? }

/// `/api/v1/cells/...`: meetings, the month's reports and their compilation, rubrics, rotations.
struct CellsAPIController {
    private func readableCell(_ req: Request) async throws -> (CurrentUser, PartyCell) {
        let user = try req.requireUser()
        let cell = try await CellService.cell(req.parameters.get("id"), communeID: user.communeID, on: req.db)
        guard AccessPolicy.allows(user.actor, .readCell(cellID: try cell.requireID())) else { throw AppError.forbidden }
        return (user, cell)
    }

    private func writableCell(_ req: Request) async throws -> (CurrentUser, PartyCell) {
        let user = try req.requireUser()
        let cell = try await CellService.cell(req.parameters.get("id"), communeID: user.communeID, on: req.db)
        guard AccessPolicy.allows(user.actor, .recordCellMeeting(cellID: try cell.requireID())) else { throw AppError.forbidden }
        return (user, cell)
    }

    // MARK: Meetings

    func listMeetings(_ req: Request) async throws -> ListDTO<CellMeetingDTO> {
        let (user, cell) = try await readableCell(req)
        let month = try req.query[String.self, at: "month"].map { try PathParameter.month($0) }
            ?? ReportMonth(LocalDate.inZone(req.now, user.calendar.timeZone))
        return ListDTO(items: try await CellService.meetings(cellIDs: [cell.requireID()], month: month, on: req.db).map(CellMeetingDTO.init))
    }

    func showMeeting(_ req: Request) async throws -> CellMeetingDTO {
        let (_, cell) = try await readableCell(req)
        return try CellMeetingDTO(try await CellService.meeting(req.parameters.get("meetingID"), cellID: cell.requireID(), on: req.db))
    }

    func createMeeting(_ req: Request) async throws -> Response {
        let (user, cell) = try await writableCell(req)
        let input = try req.decodeJSON(CellMeetingInput.self)
        let meeting = try await CellService.saveMeeting(input, existing: nil, cell: cell, actor: user.actor, now: req.now, on: req.db)
        return try await CellMeetingDTO(meeting).encodeResponse(status: .created, for: req)
    }

    func updateMeeting(_ req: Request) async throws -> CellMeetingDTO {
        let (user, cell) = try await writableCell(req)
        let existing = try await CellService.meeting(req.parameters.get("meetingID"), cellID: cell.requireID(), on: req.db)
        let input = try req.decodeJSON(CellMeetingInput.self)
        return try CellMeetingDTO(try await CellService.saveMeeting(input, existing: existing, cell: cell, actor: user.actor, now: req.now, on: req.db))
    }

    func deleteMeeting(_ req: Request) async throws -> HTTPStatus {
        let (user, cell) = try await writableCell(req)
        let meeting = try await CellService.meeting(req.parameters.get("meetingID"), cellID: cell.requireID(), on: req.db)
        try await CellService.deleteMeeting(meeting, actor: user.actor, now: req.now, on: req.db)
        return .noContent
    }

    // MARK: The month's report

    func submitMonth(_ req: Request) async throws -> CellMonthReportDTO {
        let (user, cell) = try await writableCell(req)
        let month = try PathParameter.month(req.parameters.get("month"))
        let input = req.body.data == nil ? SubmitCellMonthInput() : try req.decodeJSON(SubmitCellMonthInput.self)
        let calendar = user.calendar
        let report = try await CellService.submitMonth(cell: cell, month: month, note: input.note, actor: user.actor, now: req.now,
                                                       calendar: calendar, on: req.db)
        let due = calendar.cellReportDeadline(year: month.year, month: month.month)
        let entry = LedgerRules.entry(dueAt: due, dueDay: LocalDate.inZone(due, calendar.timeZone), firstSubmittedAt: report.firstSubmittedAt,
                                      now: req.now, leaves: [])
        return CellMonthReportDTO(cellId: report.cellID, month: report.month, status: entry.status.rawValue, dueAt: calendar.isoString(due),
                                  firstSubmittedAt: calendar.isoString(report.firstSubmittedAt),
                                  lastSubmittedAt: calendar.isoString(report.lastSubmittedAt),
                                  lateBySeconds: entry.lateBySeconds, note: report.note.isEmpty ? nil : report.note)
    }

    /// `GET /api/v1/cells/reports/{month}`: every cell (leaders, office, admin) or the caller's own
    /// cells (members in charge).
    func compilation(_ req: Request) async throws -> CellCompilationDTO {
        let user = try req.requireUser()
        let month = try PathParameter.month(req.parameters.get("month"))
        guard AccessPolicy.allows(user.actor, .openCellMeetings) else { throw AppError.forbidden }
        let cells = try await CellService.cells(for: user.actor, on: req.db)
        let calendar = user.calendar
        let compiled = try await CellService.compile(communeID: user.communeID, month: month, cells: cells, calendar: calendar,
                                                     now: req.now, on: req.db)
        return CellCompilationDTO(compiled, calendar: calendar)
    }

    func compilationDocument(_ req: Request) async throws -> Response {
        let user = try req.authorize(.readCellReports)
        let month = try PathParameter.month(req.parameters.get("month"))
        return try await CellDocuments.response(for: user, month: month, req: req)
    }

    // MARK: Rubric

    func rubric(_ req: Request) async throws -> RubricDTO {
        let user = try req.requireUser()
        let year = try PathParameter.year(req.parameters.get("year"))
        let (rubric, stored) = try await CellService.rubric(year: year, communeID: user.communeID, on: req.db)
        return RubricDTO(year: year, stored: stored, maxTotal: NSDecimalNumber(decimal: rubric.maxTotal).doubleValue, rubric: rubric)
    }

    func putRubric(_ req: Request) async throws -> RubricDTO {
        let user = try req.authorize(.manageRubric)
        let year = try PathParameter.year(req.parameters.get("year"))
        var rubric = try req.decodeJSON(MeetingRubric.self)
        rubric.year = year
        try await CellService.saveRubric(rubric, communeID: user.communeID, actorID: user.personID, now: req.now, on: req.db)
        return RubricDTO(year: year, stored: true, maxTotal: NSDecimalNumber(decimal: rubric.maxTotal).doubleValue, rubric: rubric)
    }

    // MARK: Rotation

    func showRotation(_ req: Request) async throws -> RotationDTO {
        let user = try req.requireUser()
        let year = try PathParameter.year(req.parameters.get("year"))
        let person = try await CellService.rotationPerson(req.query[String.self, at: "personId"], user: user, on: req.db)
        return try await RotationDTO.load(person: person, year: year, proposeAfresh: false, communeID: user.communeID, on: req.db)
    }

    func proposeRotation(_ req: Request) async throws -> RotationDTO {
        let user = try req.requireUser()
        let year = try PathParameter.year(req.parameters.get("year"))
        let person = try await CellService.rotationPerson(req.query[String.self, at: "personId"], user: user, on: req.db)
        return try await RotationDTO.load(person: person, year: year, proposeAfresh: true, communeID: user.communeID, on: req.db)
    }

    func putRotation(_ req: Request) async throws -> RotationDTO {
        let user = try req.requireUser()
        let year = try PathParameter.year(req.parameters.get("year"))
        let person = try await CellService.rotationPerson(req.query[String.self, at: "personId"], user: user, on: req.db)
        let input = try req.decodeJSON(RotationInput.self)
        _ = try await CellService.saveRotation(personID: person.requireID(), year: year, visits: RotationInput.rotationVisits(input.visits),
                                               communeID: user.communeID, actor: user.actor, now: req.now, on: req.db)
        return try await RotationDTO.load(person: person, year: year, proposeAfresh: false, communeID: user.communeID, on: req.db)
    }
}
