import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// A cell's regular meeting rule in the API: either `dayOfMonth` (1...31) or `ordinal` (1...4, -1
/// for the last) with `weekday` ("saturday"), plus `start`/`end` ("07:30").
struct MeetingRuleDTO: Content {
    var dayOfMonth: Int?
    var ordinal: Int?
    var weekday: String?
    var start: String
    var end: String
    /// "Ngày 3 hàng tháng, 07:30–10:30" (ignored on input).
    var title: String?

    init(dayOfMonth: Int? = nil, ordinal: Int? = nil, weekday: String? = nil, start: String = "", end: String = "") {
        self.dayOfMonth = dayOfMonth
        self.ordinal = ordinal
        self.weekday = weekday
        self.start = start
        self.end = end
    }

    init(_ rule: CellMeetingRule) {
        switch rule.day {
        case .dayOfMonth(let day): dayOfMonth = day
        case .nthWeekday(let ordinal, let weekday): self.ordinal = ordinal; self.weekday = String(describing: weekday)
        }
        start = rule.start.text
        end = rule.end.text
        title = "\(rule.day.title), \(rule.start.text)–\(rule.end.text)"
    }

    /// The rule, or the Vietnamese problems with it.
    func rule() -> Result<CellMeetingRule, AppError> {
        let day: CellMeetingDay
        if let dayOfMonth {
            day = .dayOfMonth(dayOfMonth)
        } else if let ordinal, let weekday = Weekday.allCases.first(where: { String(describing: $0) == self.weekday }) {
            day = .nthWeekday(ordinal: ordinal, weekday: weekday)
        } else {
            return .failure(.invalid(["meetingRule": "Cần ghi ngày sinh hoạt trong tháng (dayOfMonth) hoặc thứ và tuần trong tháng (weekday, ordinal)."]))
        }
        guard let from = LocalTime(string: start), let to = LocalTime(string: end) else {
            return .failure(.invalid(["meetingRule": "Giờ sinh hoạt không hợp lệ (dạng 07:30)."]))
        }
        let rule = CellMeetingRule(day: day, start: from, end: to)
        let problems = rule.problems()
        return problems.isEmpty ? .success(rule) : .failure(.invalid(["meetingRule": problems.joined(separator: " ")]))
    }
}

/// What the member in charge records for one meeting (API body; the page form converts into it).
struct CellMeetingInput: Content {
    var kind: String?
    /// "yyyy-MM-dd" or "dd/MM/yyyy".
    var date: String?
    var start: String?
    var end: String?
    var supervisorAttended: Bool?
    var summoned: Int?
    var present: Int?
    var absentWithReason: Int?
    var absentWithoutReason: Int?
    var absentWithReasonNames: [String]?
    var absentWithoutReasonNames: [String]?
    var chair: String?
    var secretary: String?
    var content: String?
    var conclusions: String?
    var feedback: String?
    /// Points per rubric criterion key; absent or null when the meeting is not rated.
    var points: [String: Decimal]?
}

struct CellMeetingDTO: Content {
    var id: UUID
    var cellId: UUID
    var kind: String
    var kindTitle: String
    var date: String
    var start: String
    var end: String
    var recordedBy: UUID
    var supervisorAttended: Bool
    var summoned: Int
    var present: Int
    var absentWithReason: Int
    var absentWithoutReason: Int
    var absentWithReasonNames: [String]
    var absentWithoutReasonNames: [String]
    var attendanceRate: Decimal?
    var chair: String
    var secretary: String
    var content: String
    var conclusions: String
    var feedback: String
    var points: [String: Decimal]?
    var rubricYear: Int?
    var total: Decimal?
    var rating: String?
    var ratingTitle: String?

    init(_ meeting: CellMeeting) throws {
        id = meeting.id!
        cellId = meeting.cellID
        kind = meeting.kind
        kindTitle = meeting.meetingKind.title
        date = meeting.date
        start = meeting.start
        end = meeting.end
        recordedBy = meeting.recordedBy
        supervisorAttended = meeting.supervisorAttended
        summoned = meeting.summoned
        present = meeting.present
        absentWithReason = meeting.absentWithReason
        absentWithoutReason = meeting.absentWithoutReason
        absentWithReasonNames = try meeting.absentWithReasonNames
        absentWithoutReasonNames = try meeting.absentWithoutReasonNames
        attendanceRate = try meeting.attendance.rate.map { $0 * 100 }
        chair = meeting.chair
        secretary = meeting.secretary
        content = meeting.content
        conclusions = meeting.conclusions
        feedback = meeting.feedback
        points = try meeting.points
        rubricYear = meeting.rubricYear
        total = try meeting.storedScoreTotal
        rating = meeting.ratingKey
        ratingTitle = meeting.ratingTitle
    }
}

/// Party-cell meetings, the month's cell reports, the rubric and the rotation plans. Every query is
/// scoped to the commune; the rules themselves are in GiaoBanCore.
enum CellService {
    /// Whose rotation plan a request asks for: `personId` when given (an id of the commune that
    /// the user may manage; anything else is "not found", never quietly the user's own plan),
    /// else the user's own. One answer for the page and the API.
    static func rotationPerson(_ raw: String?, user: CurrentUser, on db: any Database) async throws -> Person {
        let personID: UUID
        if let raw, !raw.isEmpty {
            guard let id = UUID(uuidString: raw) else { throw AppError.notFound("Không tìm thấy cán bộ này.") }
            personID = id
        } else {
            personID = user.personID
        }
        guard let person = try await Person.query(on: db).filter(\.$id == personID).filter(\.$communeID == user.communeID).first()
        else { throw AppError.notFound("Không tìm thấy cán bộ này.") }
        guard AccessPolicy.allows(user.actor, .manageRotation(personID: personID)) else { throw AppError.forbidden }
        return person
    }

    static let maxTextLength = 20_000

    // MARK: Cells

    static func cell(_ rawID: String?, communeID: UUID, on db: any Database) async throws -> PartyCell {
        try await OrganisationService.find(PartyCell.self, rawID, communeField: \.$communeID, communeID: communeID, on: db)
    }

    /// The cells an actor works with: those they are in charge of, or every active cell for
    /// leaders, the office and the admin.
    static func cells(for actor: Actor, on db: any Database) async throws -> [PartyCell] {
        var query = PartyCell.query(on: db).filter(\.$communeID == actor.communeID).filter(\.$active == true)
        if !AccessPolicy.allows(actor, .readCellReports) {
            guard actor.isCellSupervisor else { return [] }
            query = query.filter(\.$id ~~ Array(actor.supervisedCellIDs))
        }
        return try await query.all().sortedVietnamese(by: \.name)
    }

    /// The commune's people in charge of a party cell, each once, in Vietnamese order of their names
    /// (one statement from the commune's people: the links of other communes are never read).
    static func supervisors(communeID: UUID, on db: any Database) async throws -> [Person] {
        var seen = Set<UUID>()
        return try await Person.query(on: db).filter(\.$communeID == communeID)
            .join(CellSupervisor.self, on: \Person.$id == \CellSupervisor.$personID).all()
            .filter { seen.insert($0.id!).inserted }
            .sortedByVietnameseName(\.fullName)
    }

    static func supervisors(of cellIDs: [UUID], on db: any Database) async throws -> [UUID: [UUID]] {
        guard !cellIDs.isEmpty else { return [:] }
        return Dictionary(grouping: try await CellSupervisor.query(on: db).filter(\.$cellID ~~ cellIDs).all(), by: \.cellID)
            .mapValues { $0.map(\.personID) }
    }

    // MARK: Rubric

    /// The rubric the commune set for `year`, or the letter's default.
    static func rubric(year: Int, communeID: UUID, on db: any Database) async throws -> (rubric: MeetingRubric, stored: Bool) {
        if let record = try await MeetingRubricRecord.query(on: db).filter(\.$communeID == communeID).filter(\.$year == year).first() {
            return (try record.rubric, true)
        }
        return (MeetingRubric.default(year: year), false)
    }

    static func saveRubric(_ rubric: MeetingRubric, communeID: UUID, actorID: UUID, now: Date, on db: any Database) async throws {
        do { try rubric.validate() } catch let error as CellMeetingError {
            throw AppError.invalid(["rubric": error.vietnameseMessage])
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(rubric), as: UTF8.self)
        let existing = try await MeetingRubricRecord.query(on: db).filter(\.$communeID == communeID).filter(\.$year == rubric.year).first()
        let before = try existing?.rubric
        let record = existing ?? MeetingRubricRecord()
        record.communeID = communeID
        record.year = rubric.year
        record.rubricJSON = json
        record.updatedAt = now
        record.updatedBy = actorID
        try await record.save(on: db)
        try await AuditTrail.record(on: db, communeID: communeID, actorID: actorID, at: now, kind: "rubric",
                                    action: existing == nil ? "create" : "update", subjectID: record.requireID(),
                                    before: before, after: rubric)
    }

    // MARK: Meetings

    static func meetings(cellIDs: [UUID], month: ReportMonth, on db: any Database) async throws -> [CellMeeting] {
        guard !cellIDs.isEmpty else { return [] }
        return try await CellMeeting.query(on: db).filter(\.$cellID ~~ cellIDs).filter(\.$month == month.description)
            .sort(\.$date).sort(\.$start).all()
    }

    static func meeting(_ rawID: String?, cellID: UUID, on db: any Database) async throws -> CellMeeting {
        guard let rawID, let id = UUID(uuidString: rawID),
              let meeting = try await CellMeeting.query(on: db).filter(\.$id == id).filter(\.$cellID == cellID).first()
        else { throw AppError.notFound("Không tìm thấy buổi sinh hoạt này.") }
        return meeting
    }

    /// Checks and stores a meeting. Field problems come back together as a 422 whose `fields` are
    /// `kind`, `date`, `start`, `end`, `attendance`, `chair`, `content`, `points`, `text`.
    static func saveMeeting(_ input: CellMeetingInput, existing: CellMeeting?, cell: PartyCell, actor: Actor, now: Date,
                            on db: any Database) async throws -> CellMeeting {
        var fields: [String: String] = [:]
        let kind = CellMeetingKind(rawValue: input.kind ?? CellMeetingKind.regular.rawValue)
        if kind == nil { fields["kind"] = "Loại buổi sinh hoạt phải là “thuong_ky” (thường kỳ) hoặc “bat_thuong” (bất thường)." }
        let dateText = (input.date ?? "").trimmedWhitespace
        let date = LocalDate(iso: dateText) ?? LocalDate(vietnamese: dateText)
        if date == nil { fields["date"] = dateText.isEmpty ? "Cần ghi ngày sinh hoạt." : "Ngày “\(dateText)” không hợp lệ (dạng dd/mm/yyyy)." }
        let start = LocalTime(string: (input.start ?? "").trimmedWhitespace)
        let end = LocalTime(string: (input.end ?? "").trimmedWhitespace)
        if start == nil { fields["start"] = "Giờ bắt đầu không hợp lệ (dạng 07:30)." }
        if end == nil { fields["end"] = "Giờ kết thúc không hợp lệ (dạng 10:30)." }
        if let start, let end, end <= start { fields["end"] = "Giờ kết thúc phải sau giờ bắt đầu." }
        if let date, let year = existing?.localDate?.year ?? Optional(date.year), !(2000...2100).contains(year) {
            fields["date"] = "Năm của ngày sinh hoạt không hợp lệ."
        }
        let attendance = CellAttendance(
            summoned: input.summoned ?? 0, present: input.present ?? 0,
            absentWithReason: input.absentWithReason ?? 0, absentWithoutReason: input.absentWithoutReason ?? 0,
            absentWithReasonNames: (input.absentWithReasonNames ?? []).map(VietnameseText.nfc).filter { !$0.isEmpty },
            absentWithoutReasonNames: (input.absentWithoutReasonNames ?? []).map(VietnameseText.nfc).filter { !$0.isEmpty })
        do { try attendance.validate() } catch let error as CellMeetingError { fields["attendance"] = error.vietnameseMessage }
        let texts = [input.chair, input.secretary, input.content, input.conclusions, input.feedback].map { VietnameseText.nfc($0 ?? "") }
        if texts[0].isEmpty { fields["chair"] = "Cần ghi người chủ trì." }
        if texts[2].isEmpty { fields["content"] = "Cần ghi nội dung sinh hoạt." }
        if texts.contains(where: { $0.count > maxTextLength }) { fields["text"] = "Mỗi phần nội dung không quá \(maxTextLength) ký tự." }
        var score: RubricScore?
        if let points = input.points, !points.isEmpty, let date {
            let rubric = try await rubric(year: date.year, communeID: cell.communeID, on: db).rubric
            do { score = try rubric.score(points) } catch let error as CellMeetingError { fields["points"] = error.vietnameseMessage }
        }
        guard fields.isEmpty, let kind, let date, let start, let end else { throw AppError.invalid(fields) }

        let meeting = existing ?? CellMeeting()
        let before = try existing.map(CellMeetingDTO.init)
        meeting.communeID = cell.communeID
        meeting.cellID = try cell.requireID()
        meeting.kind = kind.rawValue
        meeting.date = date.iso
        meeting.month = ReportMonth(date).description
        meeting.start = start.text
        meeting.end = end.text
        meeting.recordedBy = existing?.recordedBy ?? actor.personID
        meeting.supervisorAttended = input.supervisorAttended ?? true
        meeting.summoned = attendance.summoned
        meeting.present = attendance.present
        meeting.absentWithReason = attendance.absentWithReason
        meeting.absentWithoutReason = attendance.absentWithoutReason
        meeting.absentWithReasonNamesJSON = StringList.encode(attendance.absentWithReasonNames)
        meeting.absentWithoutReasonNamesJSON = StringList.encode(attendance.absentWithoutReasonNames)
        meeting.chair = texts[0]
        meeting.secretary = texts[1]
        meeting.content = texts[2]
        meeting.conclusions = texts[3]
        meeting.feedback = texts[4]
        if let score {
            meeting.pointsJSON = AuditTrail.json(score.points.mapValues(DecimalText.store))
            meeting.rubricYear = score.year
            meeting.scoreTotal = DecimalText.store(score.total)
            meeting.ratingKey = score.rating.key
            meeting.ratingTitle = score.rating.title
        } else {
            meeting.pointsJSON = nil
            meeting.rubricYear = nil
            meeting.scoreTotal = nil
            meeting.ratingKey = nil
            meeting.ratingTitle = nil
        }
        if existing == nil { meeting.createdAt = now }
        meeting.updatedAt = now
        try await meeting.save(on: db)
        try await AuditTrail.record(on: db, communeID: cell.communeID, actorID: actor.personID, at: now, kind: "cell_meeting",
                                    action: existing == nil ? "create" : "update", subjectID: meeting.requireID(),
                                    before: before, after: try CellMeetingDTO(meeting))
        return meeting
    }

    static func deleteMeeting(_ meeting: CellMeeting, actor: Actor, now: Date, on db: any Database) async throws {
        let before = try CellMeetingDTO(meeting)
        try await meeting.delete(on: db)
        try await AuditTrail.record(on: db, communeID: meeting.communeID, actorID: actor.personID, at: now, kind: "cell_meeting",
                                    action: "delete", subjectID: before.id, before: before, after: Optional<CellMeetingDTO>.none)
    }

    // MARK: The month's report

    static func monthReports(cellIDs: [UUID], months: [ReportMonth], on db: any Database) async throws -> [CellMonthReport] {
        guard !cellIDs.isEmpty, !months.isEmpty else { return [] }
        return try await CellMonthReport.query(on: db).filter(\.$cellID ~~ cellIDs).filter(\.$month ~~ months.map(\.description)).all()
    }

    /// Submits (or re-submits) a cell's report for `month`. The first submission instant is kept for
    /// the ledger. A month is reported once it has ended; its regular meeting must be recorded, or
    /// the note must say why there was none.
    static func submitMonth(cell: PartyCell, month: ReportMonth, note rawNote: String?, actor: Actor, now: Date,
                            calendar: CommuneCalendar, on db: any Database) async throws -> CellMonthReport {
        let cellID = try cell.requireID()
        let today = LocalDate.inZone(now, calendar.timeZone)
        guard month.firstDay <= today else {
            throw AppError.conflict("Tháng \(month.vietnamese) chưa bắt đầu, chưa thể gửi báo cáo.")
        }
        let note = VietnameseText.nfc(rawNote ?? "")
        if note.count > maxTextLength { throw AppError.invalid(["note": "Ghi chú không quá \(maxTextLength) ký tự."]) }
        let meetings = try await meetings(cellIDs: [cellID], month: month, on: db)
        if !meetings.contains(where: { $0.meetingKind == .regular }), note.isEmpty {
            throw AppError.invalid(["note": "Chi bộ chưa có buổi sinh hoạt thường kỳ nào trong tháng \(month.vietnamese): hãy ghi buổi sinh hoạt, hoặc ghi rõ lý do trong phần ghi chú."])
        }
        let existing = try await CellMonthReport.query(on: db).filter(\.$cellID == cellID).filter(\.$month == month.description).first()
        let report = existing ?? CellMonthReport()
        report.communeID = cell.communeID
        report.cellID = cellID
        report.month = month.description
        if existing == nil { report.firstSubmittedAt = now }
        report.lastSubmittedAt = now
        report.submittedBy = actor.personID
        report.note = note
        try await report.save(on: db)
        try await AuditTrail.record(on: db, communeID: cell.communeID, actorID: actor.personID, at: now, kind: "cell_report",
                                    action: existing == nil ? "submit" : "resubmit", subjectID: report.requireID(),
                                    before: Optional<String>.none, after: ["month": month.description, "note": note])
        return report
    }

    // MARK: The month's compilation for the district

    struct MonthCompilation: Sendable {
        var month: ReportMonth
        var rubric: MeetingRubric
        var report: CellMonthlyReport
        var cells: [PartyCell]
        var meetings: [CellMeeting]
        var ledger: [UUID: LedgerEntry]
        var notes: [UUID: String]
        var dueAt: Date
    }

    static func compile(communeID: UUID, month: ReportMonth, cells: [PartyCell], calendar: CommuneCalendar, now: Date,
                        on db: any Database) async throws -> MonthCompilation {
        let ids = try cells.map { try $0.requireID() }
        let meetings = try await meetings(cellIDs: ids, month: month, on: db)
        let rubric = try await rubric(year: month.year, communeID: communeID, on: db).rubric
        let outcomes = try meetings.compactMap { meeting -> CellMonthlyReport.Outcome? in
            guard let date = meeting.localDate else { return nil }
            return CellMonthlyReport.Outcome(cellKey: meeting.cellID.canonicalText, kind: meeting.meetingKind, date: date,
                                             supervisorAttended: meeting.supervisorAttended, attendance: try meeting.attendance,
                                             score: try meeting.score)
        }
        let report = CellMonthlyReport.compile(month: month, cells: cells.map { .init(key: $0.id!.canonicalText, name: $0.name) },
                                               outcomes: outcomes, rubric: rubric)
        let reports = try await monthReports(cellIDs: ids, months: [month], on: db)
        let due = calendar.cellReportDeadline(year: month.year, month: month.month)
        let dueDay = LocalDate.inZone(due, calendar.timeZone)
        let submitted = Dictionary(reports.map { ($0.cellID, $0) }, uniquingKeysWith: { a, _ in a })
        var ledger: [UUID: LedgerEntry] = [:]
        for id in ids {
            ledger[id] = LedgerRules.entry(dueAt: due, dueDay: dueDay, firstSubmittedAt: submitted[id]?.firstSubmittedAt, now: now, leaves: [])
        }
        return MonthCompilation(month: month, rubric: rubric, report: report, cells: cells, meetings: meetings, ledger: ledger,
                                notes: submitted.compactMapValues { $0.note.isEmpty ? nil : $0.note }, dueAt: due)
    }

    // MARK: Rotation

    static func rotationCells(personID: UUID, communeID: UUID, on db: any Database) async throws -> [PartyCell] {
        let links = try await CellSupervisor.query(on: db).filter(\.$personID == personID).all()
        guard !links.isEmpty else { return [] }
        return try await PartyCell.query(on: db).filter(\.$communeID == communeID).filter(\.$active == true)
            .filter(\.$id ~~ links.map(\.cellID)).all().sortedVietnamese(by: \.name)
    }

    /// Cells with a meeting rule, as the rotation needs them; cells without one are listed apart.
    static func rotationInput(_ cells: [PartyCell]) throws -> (cells: [CellRotation.Cell], withoutRule: [PartyCell]) {
        var usable: [CellRotation.Cell] = []
        var without: [PartyCell] = []
        for cell in cells {
            if let rule = try cell.meetingRule { usable.append(.init(key: cell.id!.canonicalText, name: cell.name, rule: rule)) }
            else { without.append(cell) }
        }
        return (usable, without)
    }

    static func rotationPlan(personID: UUID, year: Int, on db: any Database) async throws -> CellRotationPlan? {
        try await CellRotationPlan.query(on: db).filter(\.$personID == personID).filter(\.$year == year).first()
    }

    /// The person's other commitments in `year` that a visit must not overlap: the office's
    /// schedule items where they chair or take part.
    static func otherCommitments(personID: UUID, communeID: UUID, year: Int, on db: any Database) async throws -> [CellRotation.Attendance] {
        let entries = try await ScheduleEntry.query(on: db).filter(\.$communeID == communeID).filter(\.$hidden == false)
            .filter(\.$date >= "\(year)-01-01").filter(\.$date <= "\(year)-12-31").all()
        return try entries.compactMap { entry in
            guard try entry.chairID == personID || entry.participantIDs.contains(personID),
                  let date = LocalDate(iso: entry.date), let start = LocalTime(string: entry.start), let end = LocalTime(string: entry.end)
            else { return nil }
            return CellRotation.Attendance(person: personID.canonicalText, label: entry.title, date: date, start: start, end: end)
        }
    }

    /// Checks and stores an edited plan: hard problems → 422; overlapping times → 409 listing every
    /// clash (nobody is planned into two meetings at once).
    static func saveRotation(personID: UUID, year: Int, visits: [CellRotation.Visit], communeID: UUID, actor: Actor, now: Date,
                             on db: any Database) async throws -> CellRotationPlan {
        let cells = try rotationInput(try await rotationCells(personID: personID, communeID: communeID, on: db)).cells
        let plan = CellRotation.Plan(person: personID.canonicalText, year: year, visits: visits.sorted { ($0.date, $0.start) < ($1.date, $1.start) })
        do { try CellRotation.validate(plan, cells: cells) } catch let error as CellMeetingError {
            throw AppError.invalid(["visits": error.vietnameseMessage])
        }
        let clashes = CellRotation.check(plan, cells: cells,
                                         otherCommitments: try await otherCommitments(personID: personID, communeID: communeID, year: year, on: db))
        if !clashes.isEmpty {
            throw AppError.conflict("Kế hoạch có \(clashes.count) chỗ trùng giờ.", fields: ["visits": clashes.map(\.message).joined(separator: " ")])
        }
        let existing = try await rotationPlan(personID: personID, year: year, on: db)
        let before = try existing?.visits
        let record = existing ?? CellRotationPlan()
        record.communeID = communeID
        record.personID = personID
        record.year = year
        record.visitsJSON = AuditTrail.json(plan.visits)
        record.updatedAt = now
        record.updatedBy = actor.personID
        try await record.save(on: db)
        try await AuditTrail.record(on: db, communeID: communeID, actorID: actor.personID, at: now, kind: "rotation",
                                    action: existing == nil ? "create" : "update", subjectID: record.requireID(),
                                    before: before, after: plan.visits)
        return record
    }
}
