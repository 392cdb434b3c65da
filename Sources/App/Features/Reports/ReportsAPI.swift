import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// A JSON value that may come as a number or as text ("1.234,5"): kept as text for the rules.
struct NumberOrText: Codable, Sendable {
    var text: String
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { text = "" }
        else if let number = try? container.decode(Decimal.self) { text = number.description }
        else if let bool = try? container.decode(Bool.self) { text = bool ? "1" : "0" }
        else { text = try container.decode(String.self) }
    }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

/// The body of `PUT /api/v1/reports/{weekId}`.
struct ReportInputDTO: Content {
    struct Figure: Content {
        var targetId: UUID; var value: NumberOrText?; var completed: Bool?
        /// Confirms an unusual jump from last week's figure (else 422 with the reason).
        var confirmJump: Bool?
    }
    struct Work: Content {
        var description: String?; var quantity: NumberOrText?; var unit: String?; var activityType: String?
        var place: String?; var dates: String?
        /// The author's groups whose compilation carries the line; absent: the author's default.
        var groupIds: [String]?
        /// Expected by Friday (dự kiến).
        var forecast: Bool?
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

    var input: WeeklyReportInput {
        WeeklyReportInput(
            figures: (targets ?? []).map { .init(targetID: $0.targetId, value: $0.value?.text ?? "", completed: $0.completed ?? true,
                                                 confirmJump: $0.confirmJump ?? false) },
            work: (work ?? []).map { .init(description: $0.description ?? "", quantity: $0.quantity?.text ?? "", unit: $0.unit ?? "",
                                           activityType: $0.activityType ?? "", place: $0.place ?? "", dates: $0.dates ?? "",
                                           groupIDs: $0.groupIds ?? [], forecast: $0.forecast ?? false) },
            plans: (plans ?? []).map { .init(date: $0.date ?? "", start: $0.start ?? "", end: $0.end ?? "", title: $0.title ?? "",
                                             roomID: $0.roomId ?? "", place: $0.place ?? "", chairID: $0.chairId ?? "",
                                             participantIDs: $0.participantIds ?? [], preparedBy: $0.preparedBy ?? "",
                                             groupIDs: $0.groupIds ?? []) },
            difficulties: difficulties ?? "")
    }
}

struct ReportsAPIController {
    private func week(_ req: Request, _ user: CurrentUser) throws -> ReportWeek {
        try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
    }

    private func save(_ req: Request, input: WeeklyReportInput, submit: Bool) async throws -> ReportDTO {
        let user = try req.authorize(.writeOwnReport)
        let week = try week(req, user)
        let author = try await ReportAuthor.resolve(req, user: user)
        do {
            let loaded = try await ReportService.save(input, submit: submit, person: author, actorID: user.personID, week: week,
                                                      calendar: user.calendar, now: req.now, on: req.db)
            return try await ReportService.dto(loaded.report, content: loaded.content, calendar: user.calendar, on: req.db)
        } catch ReportService.SaveError.invalid(let problems) {
            throw AppError.invalid(problems, message: "Báo cáo chưa hợp lệ, vui lòng kiểm tra các mục được nêu.")
        } catch ReportService.SaveError.locked(let message) {
            throw AppError.conflict(message)
        }
    }

    /// `PUT /api/v1/reports/{weekId}`: saves the caller's report (a draft until submitted), or
    /// with `?personId=` a colleague's on their behalf (office; focal point for its members).
    func put(_ req: Request) async throws -> ReportDTO {
        try req.authorize(.writeOwnReport)
        let body: ReportInputDTO
        do { body = try req.content.decode(ReportInputDTO.self) } catch let refused as AppError { throw refused } catch {
            throw AppError(.badRequest, code: "malformed_body", message: "Nội dung gửi lên không đúng định dạng JSON mong đợi.")
        }
        return try await save(req, input: body.input, submit: false)
    }

    /// `POST /api/v1/reports/{weekId}/submit`: submits what is saved; the first submission instant
    /// is recorded once and never moves.
    func submit(_ req: Request) async throws -> ReportDTO {
        let user = try req.authorize(.writeOwnReport)
        let week = try week(req, user)
        let author = try await ReportAuthor.resolve(req, user: user)
        let existing = try await ReportService.find(personID: try author.requireID(), week: week.id, on: req.db)
        var input = WeeklyReportInput()
        if let existing {
            let content = try await ReportService.content(of: existing, on: req.db)
            input = Self.input(from: content)
        }
        return try await save(req, input: input, submit: true)
    }

    /// `POST /api/v1/reports/{weekId}/work/{index}/confirm`: a line given as forecast ("dự kiến")
    /// was done as written.
    func confirmForecast(_ req: Request) async throws -> ReportDTO {
        let user = try req.requireUser()
        let week = try week(req, user)
        let author = try await ReportAuthor.resolve(req, user: user)
        let authorID = try author.requireID()
        guard let position = req.parameters.get("index").flatMap(Int.init),
              try await ReportService.confirmForecast(personID: authorID, week: week.id, position: position, actorID: user.personID,
                                                      communeID: user.communeID, now: req.now, on: req.db),
              let report = try await ReportService.find(personID: authorID, week: week.id, on: req.db) else {
            throw AppError(.notFound, code: "forecast_not_found", message: "Không có việc dự kiến ở dòng này.")
        }
        return try await ReportService.dto(report, content: try await ReportService.content(of: report, on: req.db), calendar: user.calendar, on: req.db)
    }

    /// `GET /api/v1/reports/{weekId}` (own) or `?personId=` (for those allowed to read it).
    func get(_ req: Request) async throws -> ReportDTO {
        let user = try req.requireUser()
        let week = try week(req, user)
        var person = user.person
        if let raw = req.query[String.self, at: "personId"] {
            guard let id = UUID(uuidString: raw),
                  let found = try await Person.query(on: req.db).filter(\.$id == id).filter(\.$communeID == user.communeID).first() else {
                throw AppError.notFound("Không tìm thấy cán bộ này.")
            }
            person = found
        }
        let personID = try person.requireID()
        guard AccessPolicy.allows(user.actor, .readPersonReports(person: try await AccessFacts.person(person, on: req.db))) else {
            throw AppError.forbidden
        }
        guard let report = try await ReportService.find(personID: personID, week: week.id, on: req.db) else {
            throw AppError(.notFound, code: "report_not_found", message: "Chưa có báo cáo tuần \(week.id.week)/\(week.id.year).")
        }
        return try await ReportService.dto(report, content: try await ReportService.content(of: report, on: req.db), calendar: user.calendar, on: req.db)
    }

    /// The stored report as typed input: submitting what is saved re-checks it, and an unusual
    /// jump the reporter confirmed stays confirmed.
    static func input(from content: ReportContent) -> WeeklyReportInput {
        WeeklyReportInput(
            figures: content.targets.map { .init(targetID: $0.targetId, value: DecimalText.store(Decimal($0.value)), completed: $0.completed,
                                                 confirmJump: $0.unusualJump == true) },
            work: content.work.map { .init(description: $0.description, quantity: DecimalText.store(Decimal($0.quantity)), unit: $0.unit,
                                           activityType: $0.activityType ?? "", place: $0.place ?? "", dates: $0.dates ?? "",
                                           groupIDs: $0.groupIds.map(\.uuidString), forecast: $0.forecast) },
            plans: content.plans.map { .init(date: $0.date, start: $0.start, end: $0.end, title: $0.title, roomID: $0.roomId?.uuidString ?? "",
                                             place: $0.place ?? "", chairID: $0.chairId?.uuidString ?? "",
                                             participantIDs: $0.participantIds.map(\.uuidString), preparedBy: $0.preparedBy ?? "",
                                             groupIDs: $0.groupIds.map(\.uuidString)) },
            difficulties: content.difficulties ?? "")
    }
}
