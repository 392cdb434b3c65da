import Fluent
import Foundation
import GiaoBanCore
import Vapor

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
        let input: WeeklyReportInput
        do { input = try ReportInputDecoder.decode(req) } catch let refused as AppError { throw refused } catch {
            throw AppError(.badRequest, code: "malformed_body", message: "Nội dung gửi lên không đúng định dạng JSON mong đợi.")
        }
        return try await save(req, input: input, submit: false)
    }

    /// `POST /api/v1/reports/{weekId}/submit`: submits what is saved; the first submission instant
    /// is recorded once and never moves.
    func submit(_ req: Request) async throws -> ReportDTO {
        let user = try req.authorize(.writeOwnReport)
        let week = try week(req, user)
        let author = try await ReportAuthor.resolve(req, user: user)
        let existing = try await ReportService.find(personID: try author.requireID(), week: week.id, on: req.db)
        var input = WeeklyReportInput()
        if let existing { input = try await ReportService.content(of: existing, on: req.db).input }
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
}
