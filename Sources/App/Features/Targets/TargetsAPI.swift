import Fluent
import Foundation
import GiaoBanCore
import GiaoBanOffice
import Vapor

/// `/api/v1/targets`: anyone signed in reads the commune's targets and their progress; the admin
/// and the focal points of a target's group create, change, deactivate and import them.
struct TargetsAPIController {
    static let xlsxType = HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    private func decode(_ req: Request) throws -> TargetInputDTO {
        do { return try req.content.decode(TargetInputDTO.self) } catch let refused as AppError { throw refused } catch {
            throw AppError(.badRequest, code: "malformed_body", message: "Nội dung gửi lên không đúng định dạng JSON mong đợi.")
        }
    }

    private func saving(_ body: () async throws -> Target) async throws -> Target {
        do { return try await body() } catch let failure as ValidationFailure {
            if TargetService.isConflict(failure) {
                throw AppError.conflict("Mã chỉ tiêu này đã có trong năm.", fields: failure.messages())
            }
            throw failure.apiError
        }
    }

    /// `GET /api/v1/targets?year=&groupId=`
    func list(_ req: Request) async throws -> ListDTO<TargetDTO> {
        let user = try req.requireUser()
        let year = try TargetParameters.year(req, required: false)
        let groupID = try TargetParameters.uuid(req, "groupId")
        let targets = try await TargetQueries.list(communeID: user.communeID, year: year, groupID: groupID, on: req.db)
        return ListDTO(items: try targets.map(TargetDTO.init))
    }

    /// `GET /api/v1/targets/{id}`
    func show(_ req: Request) async throws -> TargetDTO {
        let user = try req.requireUser()
        return try TargetDTO(try await TargetQueries.find(req.parameters.get("id"), communeID: user.communeID, on: req.db))
    }

    /// `POST /api/v1/targets` → 201
    func create(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageTargets(groupID: nil))
        let input = try decode(req).input
        let target = try await saving {
            try await TargetService.save(input, existing: nil, actor: user.actor, now: req.now, on: req.db)
        }
        return try await TargetDTO(target).encodeResponse(status: .created, for: req)
    }

    /// `PATCH /api/v1/targets/{id}` (`"active": false` deactivates)
    func update(_ req: Request) async throws -> TargetDTO {
        let user = try req.authorize(.manageTargets(groupID: nil))
        let target = try await TargetQueries.find(req.parameters.get("id"), communeID: user.communeID, on: req.db)
        guard AccessPolicy.allows(user.actor, .manageTargets(groupID: target.groupID)) else { throw AppError.forbidden }
        let input = try decode(req).input
        return try TargetDTO(try await saving {
            try await TargetService.save(input, existing: target, actor: user.actor, now: req.now, on: req.db)
        })
    }

    /// `GET /api/v1/targets/{id}/progress?week=YYYY-Www`: only submitted, completed figures count.
    func progress(_ req: Request) async throws -> TargetProgressDTO {
        let user = try req.requireUser()
        let target = try await TargetQueries.find(req.parameters.get("id"), communeID: user.communeID, on: req.db)
        let week = try Self.week(req, of: target, calendar: user.calendar)
        let progress = try await TargetProgressQuery.progress(of: [target], through: week.id, on: req.db)
        guard let figures = progress[try target.requireID()] else { throw AppError.notFound() }
        return TargetProgressDTO(figures)
    }

    /// `?week=` of a target's year, or the current week of that year.
    static func week(_ req: Request, of target: Target, calendar: CommuneCalendar) throws -> ReportWeek {
        guard let raw = req.query[String.self, at: "week"] else {
            return TargetQueries.defaultWeek(year: target.year, calendar: calendar, now: req.now)
        }
        let week = try calendar.week(parsing: raw)
        guard week.id.year == target.year else {
            throw AppError.invalid(["week": "Tuần \(week.id.week)/\(week.id.year) không thuộc năm \(target.year) của chỉ tiêu."],
                                   message: "Tuần không thuộc năm của chỉ tiêu.")
        }
        return week
    }

    /// The one figure of a target for a week, whoever of the responsible people entered it.
    struct FigureDTO: Content {
        var week: String
        var value: Decimal?
        var enteredById: UUID?
        var enteredAt: String?
        var completed: Bool
        var unusualJump: Bool
    }

    /// `GET /api/v1/targets/{id}/figures?week=` (default: the current week of the target's year).
    func figure(_ req: Request) async throws -> FigureDTO {
        let user = try req.requireUser()
        let target = try await TargetQueries.find(req.parameters.get("id"), communeID: user.communeID, on: req.db)
        let calendar = user.calendar
        let week = try Self.week(req, of: target, calendar: calendar)
        let figure = try await TargetFigures.current(targetIDs: [try target.requireID()], week: week.id, on: req.db).values.first
        return FigureDTO(week: week.id.description, value: try figure?.value, enteredById: figure?.enteredByID,
                         enteredAt: figure.map { calendar.isoString($0.enteredAt) }, completed: figure?.completed ?? false,
                         unusualJump: figure?.unusualJump ?? false)
    }

    /// `POST /api/v1/targets/import?year=&groupId=&dryRun=` with the .xlsx or .csv file as the body.
    func importTable(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageTargets(groupID: nil))
        if let type = req.headers.contentType, !TargetParameters.acceptsUpload(type) {
            throw AppError(.unsupportedMediaType, code: "unsupported_media_type",
                           message: "Gửi tệp .xlsx (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet) hoặc .csv (text/csv).")
        }
        let year = try TargetParameters.year(req, required: false)
        let dryRun = try TargetParameters.bool(req, "dryRun") ?? false
        var defaultGroup: ReportGroup?
        if let groupID = try TargetParameters.uuid(req, "groupId") {
            defaultGroup = try await ReportGroup.query(on: req.db).filter(\.$id == groupID).filter(\.$communeID == user.communeID).first()
            if defaultGroup == nil {
                throw AppError.invalid(["groupId": Strings.text("err_target_group")])
            }
        }
        guard var body = req.body.data, body.readableBytes > 0 else {
            throw AppError(.badRequest, code: "empty_body", message: "Chưa có tệp: gửi nội dung tệp .xlsx hoặc .csv làm thân yêu cầu.")
        }
        let data = body.readData(length: body.readableBytes) ?? Data()
        let outcome = try await TargetImportService.run(data, year: year, defaultGroup: defaultGroup, dryRun: dryRun,
                                                        actor: user.actor, now: req.now, app: req.application, on: req.db)
        if !dryRun && !outcome.problems.isEmpty {
            let error = AppError.invalid([:], message: "Bảng chỉ tiêu còn \(outcome.problems.count) lỗi; chưa lưu chỉ tiêu nào.")
            return try await outcome.dto(dryRun: dryRun, error: error).encodeResponse(status: .unprocessableEntity, for: req)
        }
        return try await outcome.dto(dryRun: dryRun).encodeResponse(status: .ok, for: req)
    }

    /// `GET /api/v1/targets/export.xlsx?year=&groupId=&week=` (and `/targets/export.xlsx` for the pages).
    func export(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let calendar = user.calendar
        let weekRaw = req.query[String.self, at: "week"].flatMap { $0.isEmpty ? nil : $0 }
        let requestedWeek = try weekRaw.map { try calendar.week(parsing: $0) }
        let year = try TargetParameters.year(req, required: false) ?? requestedWeek?.id.year ?? calendar.week(containing: req.now).id.year
        let week = requestedWeek ?? TargetQueries.defaultWeek(year: year, calendar: calendar, now: req.now)
        let groupID = try TargetParameters.uuid(req, "groupId")
        let table = try await TargetTable.load(communeID: user.communeID, year: year, groupID: groupID, week: week, on: req.db)
        let sections = try table.sections.map { section in
            TargetProgressExport.Section(title: section.group.name, lines: try section.rows.map { row in
                TargetProgressExport.Line(code: row.target.code, name: row.target.name, unitOfMeasure: row.target.unitOfMeasure,
                                          kind: row.target.valueKind, planned: try row.target.planned, thisWeek: row.progress?.weekValue,
                                          yearToDate: row.progress?.yearToDate, percent: row.progress?.percent,
                                          responsible: row.responsible)
            })
        }
        let title = "BẢNG THEO DÕI THỰC HIỆN CHỈ TIÊU NĂM \(year)"
        let subtitle = "\(user.commune.name) · Số liệu đến \(week.title) · chỉ tính số liệu đã hoàn thành trong báo cáo đã nộp"
        let now = req.now
        let data = try await req.application.threadPool.runIfActive {
            try TargetProgressExport.workbook(title: title, subtitle: subtitle, sections: sections, modified: now)
        }
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.contentType = Self.xlsxType
        let groupSuffix = table.sections.count == 1 && groupID != nil ? "-" + VietnameseText.folded(table.sections[0].group.name)
            .replacingOccurrences(of: " ", with: "-").filter { $0.isLetter || $0.isNumber || $0 == "-" } : ""
        response.headers.replaceOrAdd(name: .contentDisposition,
                                      value: "attachment; filename=\"chi-tieu-\(year)\(groupSuffix)-tuan-\(week.id.week).xlsx\"")
        return response
    }
}

/// Query parameters shared by the API and the pages; a malformed one is a 400 with a clear message.
enum TargetParameters {
    static func year(_ req: Request, required: Bool) throws -> Int? {
        guard let raw = req.query[String.self, at: "year"], !raw.isEmpty else {
            if required {
                throw AppError(.badRequest, code: "missing_parameter", message: "Thiếu tham số year (năm, ví dụ 2021).",
                               fields: ["year": "Không được để trống."])
            }
            return nil
        }
        guard let year = Int(raw), TargetService.years.contains(year) else {
            throw AppError(.badRequest, code: "invalid_parameter", message: "Năm không hợp lệ (từ 2000 đến 2100).",
                           fields: ["year": "Năm không hợp lệ."])
        }
        return year
    }

    static func uuid(_ req: Request, _ name: String) throws -> UUID? {
        guard let raw = req.query[String.self, at: name], !raw.isEmpty else { return nil }
        guard let id = UUID(uuidString: raw) else {
            throw AppError(.badRequest, code: "invalid_parameter", message: "Tham số \(name) không phải là mã định danh hợp lệ.",
                           fields: [name: "Mã định danh không hợp lệ."])
        }
        return id
    }

    static func bool(_ req: Request, _ name: String) throws -> Bool? {
        guard let raw = req.query[String.self, at: name], !raw.isEmpty else { return nil }
        switch raw.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default:
            throw AppError(.badRequest, code: "invalid_parameter", message: "Tham số \(name) chỉ nhận true hoặc false.",
                           fields: [name: "Chỉ nhận true hoặc false."])
        }
    }

    /// The content types an import accepts: .xlsx, .csv (as browsers and Excel name it), or raw bytes.
    static func acceptsUpload(_ type: HTTPMediaType) -> Bool {
        let accepted: [(String, String)] = [
            ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text", "csv"),
            ("application", "csv"), ("application", "vnd.ms-excel"), ("text", "plain"), ("application", "octet-stream"),
        ]
        return accepted.contains { $0.0 == type.type.lowercased() && $0.1 == type.subType.lowercased() }
    }
}

/// A year's targets with their progress through a week, grouped by report group in the groups'
/// order: what the page shows and the export writes.
struct TargetTable: Sendable {
    struct Row: Sendable {
        var target: Target
        var progress: TargetProgress?
        var responsible: String
        var behind: Bool
    }
    struct Section: Sendable {
        var group: ReportGroup
        var rows: [Row]
    }
    var week: ReportWeek
    var sections: [Section]

    static func load(communeID: UUID, year: Int, groupID: UUID?, week: ReportWeek, activeOnly: Bool = true,
                     on db: any Database) async throws -> TargetTable {
        async let targetsQuery = TargetQueries.list(communeID: communeID, year: year, groupID: groupID, activeOnly: activeOnly, on: db)
        async let groupsQuery = ReportGroup.query(on: db).filter(\.$communeID == communeID).all().inDisplayOrder
        async let unitsQuery = OrgUnit.query(on: db).filter(\.$communeID == communeID).all()
        async let peopleQuery = Person.query(on: db).filter(\.$communeID == communeID).all()
        let targets = try await targetsQuery
        let progress = try await TargetProgressQuery.progress(of: targets, through: week.id, on: db)
        let unitNames = Dictionary(try await unitsQuery.compactMap { unit in unit.id.map { ($0, unit.name) } }, uniquingKeysWith: { a, _ in a })
        let personNames = Dictionary(try await peopleQuery.compactMap { person in person.id.map { ($0, person.fullName) } },
                                     uniquingKeysWith: { a, _ in a })
        let byGroup = Dictionary(grouping: targets, by: \.groupID)
        var sections: [Section] = []
        for group in try await groupsQuery {
            guard let id = group.id, let targets = byGroup[id], !targets.isEmpty else { continue }
            sections.append(Section(group: group, rows: try targets.map { target in
                let figures = target.id.flatMap { progress[$0] }
                let responsible = [target.responsibleUnitID.flatMap { unitNames[$0] },
                                   target.responsiblePersonID.flatMap { personNames[$0] }].compactMap { $0 }.joined(separator: " – ")
                return Row(target: target, progress: figures, responsible: responsible,
                           behind: try target.active && TargetQueries.isBehind(target, progress: figures, week: week.id))
            }))
        }
        return TargetTable(week: week, sections: sections)
    }
}
