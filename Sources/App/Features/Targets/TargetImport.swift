import Fluent
import Foundation
import GiaoBanCore
import GiaoBanOffice
import Vapor

/// `{"targets": [...], "problems": [{"row", "message"}]}`: what an import found (dry run) or did.
struct TargetImportDTO: Content {
    struct Item: Content {
        var row: Int
        /// The stored target: the existing one for an update, the new one after a real import;
        /// `null` for a target a dry run would create.
        var id: UUID?
        /// "create" or "update" (what was done, or what a dry run would do).
        var action: String
        var year: Int
        var code: String
        var name: String
        var unitOfMeasure: String
        var planned: Decimal?
        var valueKind: String
        var yearToDateRule: String
        var groupId: UUID?
        var groupName: String?
        var responsibleUnitId: UUID?
        var responsibleUnitName: String?
        var section: String?

        enum CodingKeys: String, CodingKey {
            case row, id, action, year, code, name, unitOfMeasure, planned, valueKind, yearToDateRule
            case groupId, groupName, responsibleUnitId, responsibleUnitName, section
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(row, forKey: .row)
            try c.encode(id, forKey: .id)
            try c.encode(action, forKey: .action)
            try c.encode(year, forKey: .year)
            try c.encode(code, forKey: .code)
            try c.encode(name, forKey: .name)
            try c.encode(unitOfMeasure, forKey: .unitOfMeasure)
            try c.encode(planned, forKey: .planned)
            try c.encode(valueKind, forKey: .valueKind)
            try c.encode(yearToDateRule, forKey: .yearToDateRule)
            try c.encode(groupId, forKey: .groupId)
            try c.encode(groupName, forKey: .groupName)
            try c.encode(responsibleUnitId, forKey: .responsibleUnitId)
            try c.encode(responsibleUnitName, forKey: .responsibleUnitName)
            try c.encode(section, forKey: .section)
        }
    }
    /// Row and message, as the import rules found them (the same shape in every import answer).
    typealias Problem = ImportProblem

    var year: Int
    var dryRun: Bool
    /// True when the targets were stored.
    var saved: Bool
    var created: Int
    var updated: Int
    var targets: [Item]
    var problems: [Problem]
    /// Present when a real import was refused (HTTP 422), like every other API error.
    var error: APIErrorBody.Detail?
}

/// Importing a year's target table (SPEC §6): every row is checked first, and the table is
/// saved all at once or not at all.
enum TargetImportService {
    struct Row: Sendable {
        var imported: ImportedTarget
        var values: TargetService.Values?
        var existing: Target?
        var groupName: String?
        var unitName: String?
    }

    struct Outcome: Sendable {
        var year: Int
        var rows: [Row]
        var problems: [ImportProblem]
        var saved: Bool
        var createdIDs: [Int: UUID] = [:]

        var created: Int { rows.filter { $0.existing == nil }.count }
        var updated: Int { rows.filter { $0.existing != nil }.count }

        func dto(dryRun: Bool, error: AppError? = nil) -> TargetImportDTO {
            let items = rows.map { row -> TargetImportDTO.Item in
                let target = row.imported
                let planned: Decimal? = target.valueKind == .yesNo ? target.plannedYes.map { $0 ? 1 : 0 } : target.plannedValue
                return TargetImportDTO.Item(
                    row: target.row, id: row.existing?.id ?? createdIDs[target.row],
                    action: row.existing == nil ? "create" : "update", year: year, code: target.code, name: target.name,
                    unitOfMeasure: target.unitOfMeasure, planned: planned,
                    valueKind: target.valueKind.rawValue, yearToDateRule: target.yearToDateRule.rawValue,
                    groupId: row.values?.groupID, groupName: row.groupName ?? target.groupName,
                    responsibleUnitId: row.values?.responsibleUnitID, responsibleUnitName: row.unitName ?? target.responsibleUnitName,
                    section: target.sectionTitle)
            }
            return TargetImportDTO(
                year: year, dryRun: dryRun, saved: saved, created: created, updated: updated, targets: items,
                problems: problems,
                error: error.map { .init(code: $0.code, message: $0.message, fields: $0.fields) })
        }
    }

    /// Reads the file away from the event loop (unzipping and parsing a workbook is CPU work).
    static func parse(_ data: Data, defaultGroupName: String?, on app: Application) async throws -> TargetTableImportResult {
        do {
            return try await app.threadPool.runIfActive {
                try TargetTableImport.parse(fileData: data, defaultGroupName: defaultGroupName)
            }
        } catch let error as SpreadsheetError {
            return TargetTableImportResult(problems: [ImportProblem(row: 0, message: "Không đọc được tệp: \(error.message)")])
        }
    }

    /// The year named in the request, else the one in the file's plan column or title.
    static func resolveYear(_ requested: Int?, parsed: TargetTableImportResult) -> Int? {
        requested ?? parsed.planYear
    }

    /// Checks an import and, unless `dryRun` or a row has a problem, stores it in one transaction
    /// (creating new codes, updating the year's existing ones) with an audit entry per target.
    /// `defaultGroup` is used for rows without a group column; a group in the file wins.
    static func run(_ data: Data, year requestedYear: Int?, defaultGroup: ReportGroup?, dryRun: Bool,
                    actor: Actor, now: Date, app: Application, on db: any Database) async throws -> Outcome {
        let parsed = try await parse(data, defaultGroupName: defaultGroup?.name, on: app)
        guard let year = resolveYear(requestedYear, parsed: parsed) else {
            throw AppError(.unprocessableEntity, code: "validation_failed",
                           message: "Chưa rõ năm của bảng chỉ tiêu: hãy chọn năm.", fields: ["year": "Không được để trống."])
        }
        var problems = parsed.problems
        let communeID = actor.communeID
        async let groupsQuery = ReportGroup.query(on: db).filter(\.$communeID == communeID).all()
        async let unitsQuery = OrgUnit.query(on: db).filter(\.$communeID == communeID).all()
        async let existingQuery = Target.query(on: db).filter(\.$communeID == communeID).filter(\.$year == year).all()
        let groups = try await groupsQuery, units = try await unitsQuery, existingTargets = try await existingQuery
        let groupsByName = Dictionary(groups.map { (VietnameseText.folded($0.name), $0) }, uniquingKeysWith: { first, _ in first })
        let unitsByName = Dictionary(units.map { (VietnameseText.folded($0.name), $0) }, uniquingKeysWith: { first, _ in first })
        let existingByCode = Dictionary(existingTargets.map { ($0.code.uppercased(), $0) }, uniquingKeysWith: { first, _ in first })

        var rows: [Row] = []
        for target in parsed.targets {
            var rowProblems: [String] = []
            var group: ReportGroup?
            if let name = target.groupName {
                group = groupsByName[VietnameseText.folded(name)]
                if group == nil { rowProblems.append("Nhóm báo cáo “\(name)” không có trong xã.") }
            } else {
                rowProblems.append("Chưa rõ nhóm báo cáo: chọn nhóm mặc định hoặc thêm cột “Nhóm báo cáo” vào tệp.")
            }
            if let group, !AccessPolicy.allows(actor, .manageTargets(groupID: group.id)) {
                rowProblems.append("Bạn không phải đầu mối của nhóm “\(group.name)” nên không nhập được chỉ tiêu của nhóm này.")
            }
            var unit: OrgUnit?
            if let name = target.responsibleUnitName {
                unit = unitsByName[VietnameseText.folded(name)]
                if unit == nil { rowProblems.append("Đơn vị phụ trách “\(name)” không có trong xã.") }
            }
            let existing = existingByCode[target.code.uppercased()]
            if let existing, !AccessPolicy.allows(actor, .manageTargets(groupID: existing.groupID)) {
                rowProblems.append("Mã “\(target.code)” đã là chỉ tiêu của một nhóm khác mà bạn không phụ trách.")
            }
            let name = TargetService.clean(target.name), unitOfMeasure = TargetService.clean(target.unitOfMeasure)
            if name.count > TargetService.maxNameLength {
                rowProblems.append("Tên chỉ tiêu quá dài (tối đa \(TargetService.maxNameLength) ký tự).")
            }
            if unitOfMeasure.isEmpty {
                rowProblems.append("Chỉ tiêu “\(target.code)” thiếu đơn vị tính.")
            } else if unitOfMeasure.count > TargetService.maxUnitLength {
                rowProblems.append("Đơn vị tính quá dài (tối đa \(TargetService.maxUnitLength) ký tự).")
            }
            var values: TargetService.Values?
            if let groupID = group?.id {
                let planned: Decimal? = target.valueKind == .yesNo ? target.plannedYes.map { $0 ? 1 : 0 } : target.plannedValue
                values = TargetService.Values(
                    year: year, groupID: groupID, code: VietnameseText.nfc(target.code), name: name, unitOfMeasure: unitOfMeasure,
                    planned: planned, valueKind: target.valueKind, yearToDateRule: target.yearToDateRule,
                    responsibleUnitID: unit?.id, responsiblePersonID: existing?.responsiblePersonID, active: true)
            }
            problems += rowProblems.map { ImportProblem(row: target.row, message: $0) }
            rows.append(Row(imported: target, values: values, existing: existing, groupName: group?.name, unitName: unit?.name))
        }
        problems.sort { $0.row < $1.row }

        var outcome = Outcome(year: year, rows: rows, problems: problems, saved: false)
        guard !dryRun, problems.isEmpty, !rows.isEmpty else { return outcome }

        let ready = rows.compactMap { row in row.values.map { (row, $0) } }
        outcome.createdIDs = try await db.transaction { db in
            var created: [Int: UUID] = [:]
            for (index, (row, values)) in ready.enumerated() {
                let before = try row.existing.map(TargetService.Values.init)
                let target = row.existing ?? Target(communeID: communeID, year: year, groupID: values.groupID, code: values.code,
                                                    name: values.name, unitOfMeasure: values.unitOfMeasure, planned: values.planned,
                                                    valueKind: values.valueKind, yearToDateRule: values.yearToDateRule)
                values.apply(to: target)
                target.sortOrder = index + 1
                try await target.save(on: db)
                let id = try target.requireID()
                if row.existing == nil { created[row.imported.row] = id }
                try await AuditTrail.record(on: db, communeID: communeID, actorID: actor.personID, at: now, kind: "target",
                                            action: "import", subjectID: id, before: before, after: values)
            }
            return created
        }
        outcome.saved = true
        return outcome
    }
}
