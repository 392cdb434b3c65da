import Fluent
import Foundation
import GiaoBanCore
import GiaoBanOffice
import SQLKit
import Vapor

/// `{"people": [...], "problems": [{"row", "message"}], "saved": bool, "slipsUrl"?}`: what a staff
/// list import found (dry run) or did.
struct PeopleImportDTO: Content {
    struct Item: Content {
        var row: Int
        /// The stored person: the existing one for an update, the new one after a real import;
        /// null for a person a dry run would create.
        var id: UUID?
        /// "create" or "update".
        var action: String
        var fullName: String
        var username: String
        var position: String?
        var unitName: String?
        /// The unit's id; null when none, or when a dry run would create the unit.
        var unitId: UUID?
        /// "match" (an existing unit), "create" (a new one), null without a unit.
        var unitAction: String?
        var roles: [String]
        var phone: String?
        var joinedOn: String?
        var reportsWeekly: Bool?

        enum CodingKeys: String, CodingKey {
            case row, id, action, fullName, username, position, unitName, unitId, unitAction, roles, phone, joinedOn, reportsWeekly
        }

        /// Every key is always present (null when empty), as the contract lists them.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(row, forKey: .row)
            try c.encode(id, forKey: .id)
            try c.encode(action, forKey: .action)
            try c.encode(fullName, forKey: .fullName)
            try c.encode(username, forKey: .username)
            try c.encode(position, forKey: .position)
            try c.encode(unitName, forKey: .unitName)
            try c.encode(unitId, forKey: .unitId)
            try c.encode(unitAction, forKey: .unitAction)
            try c.encode(roles, forKey: .roles)
            try c.encode(phone, forKey: .phone)
            try c.encode(joinedOn, forKey: .joinedOn)
            try c.encode(reportsWeekly, forKey: .reportsWeekly)
        }
    }
    /// Row and message, as the import rules found them (the same shape in every import answer).
    typealias Problem = ImportProblem

    var dryRun: Bool
    /// True when the people were stored.
    var saved: Bool
    var created: Int
    var updated: Int
    /// Units the import creates (dry run) or created.
    var unitsCreated: [String]
    var people: [Item]
    var problems: [Problem]
    /// When saved with new people: the one-time login slips (.docx), downloadable once within ten minutes.
    var slipsUrl: String?
    var slipsExpireAt: String?
    /// Present when a real import was refused (HTTP 422), like every other API error.
    var error: APIErrorBody.Detail?
}

/// Importing the commune's staff list: every row checked first, then saved all at once or not
/// at all. New people get a username proposed from their name and a one-time password printed
/// on a slip; people already there (same username, or same name in the same unit) are updated.
enum PeopleImportService {
    /// The largest staff list upload the import takes: one limit for the page and the API, so a
    /// file that one accepts the other does not refuse.
    static let maxUpload: ByteCount = "5mb"

    struct Row: Sendable {
        var imported: ImportedPerson
        var existing: Person?
        var username: String
        /// Folded unit name (the key into `Outcome.units`), nil without a unit.
        var unitKey: String?
        var roles: Set<Role>
    }

    struct UnitPlan: Sendable {
        var name: String
        var existing: OrgUnit?
        var kind: UnitKind
    }

    struct Outcome: Sendable {
        var rows: [Row] = []
        var problems: [ImportProblem] = []
        var units: [String: UnitPlan] = [:]
        var saved = false
        var createdIDs: [Int: UUID] = [:]
        var unitIDs: [String: UUID] = [:]
        var ticket: LoginSlips.Ticket?

        var created: Int { rows.filter { $0.existing == nil }.count }
        var updated: Int { rows.filter { $0.existing != nil }.count }
        var newUnitNames: [String] { units.values.filter { $0.existing == nil }.map(\.name).sortedVietnamese { $0 } }

        func dto(dryRun: Bool, calendar: CommuneCalendar, error: AppError? = nil) -> PeopleImportDTO {
            let items = rows.map { row -> PeopleImportDTO.Item in
                let person = row.imported
                let plan = row.unitKey.flatMap { units[$0] }
                return PeopleImportDTO.Item(
                    row: person.row, id: row.existing?.id ?? createdIDs[person.row], action: row.existing == nil ? "create" : "update",
                    fullName: person.fullName, username: row.username, position: person.position ?? row.existing?.position,
                    unitName: plan?.name ?? person.unitName, unitId: plan?.existing?.id ?? row.unitKey.flatMap { unitIDs[$0] },
                    unitAction: plan.map { $0.existing == nil ? "create" : "match" },
                    roles: row.roles.sorted().map(\.rawValue), phone: person.phone ?? row.existing?.phone,
                    joinedOn: person.joinedOn?.iso ?? row.existing?.joinedOn,
                    reportsWeekly: person.reportsWeekly ?? row.existing?.reportsWeekly)
            }
            return PeopleImportDTO(
                dryRun: dryRun, saved: saved, created: created, updated: updated, unitsCreated: newUnitNames, people: items,
                problems: problems,
                slipsUrl: ticket?.url, slipsExpireAt: ticket.map { calendar.isoString($0.expiresAt) },
                error: error.map { .init(code: $0.code, message: $0.message, fields: $0.fields) })
        }
    }

    /// A new unit's kind, from its name: the Party Committee, the People's Council or Committee,
    /// the Fatherland Front, an association or youth union, else a specialist field.
    static func unitKind(forName name: String) -> UnitKind {
        let folded = VietnameseText.folded(name)
        if folded.hasPrefix("dang uy") || folded.hasPrefix("dang bo") || folded.hasPrefix("chi bo") { return .party }
        if folded.hasPrefix("hoi dong nhan dan") || folded.hasPrefix("hdnd") { return .council }
        if folded.hasPrefix("uy ban nhan dan") || folded == "ubnd" || folded.hasPrefix("ubnd ") { return .committee }
        if folded.contains("mat tran") || folded.hasPrefix("mttq") || folded.hasPrefix("ubmttq") { return .front }
        if folded.hasPrefix("hoi ") || folded.hasPrefix("doan ") || folded.contains("cuu chien binh") { return .association }
        return .field
    }

    /// Reads the file away from the event loop.
    static func parse(_ data: Data, on app: Application) async throws -> StaffListImportResult {
        do {
            return try await app.threadPool.runIfActive { try StaffListImport.parse(fileData: data) }
        } catch let error as SpreadsheetError {
            return StaffListImportResult(problems: [ImportProblem(row: 0, message: "Không đọc được tệp: \(error.message)")])
        }
    }

    /// The usernames already used anywhere in the database that start with one of `bases`
    /// (usernames are unique across communes).
    static func takenUsernames(startingWith bases: Set<String>, on db: any Database) async throws -> Set<String> {
        guard !bases.isEmpty else { return [] }
        let sql = try SQLAccess.sql(db)
        var taken = Set<String>()
        let sorted = bases.sorted()
        for start in stride(from: 0, to: sorted.count, by: 200) {
            let chunk = sorted[start..<min(start + 200, sorted.count)]
            let rows = try await sql.select().column("username").from(Person.schema).where(group: { group in
                for base in chunk { group.orWhere("username", .like, base + "%") }
                return group
            }).all()
            for row in rows { taken.insert(try row.decode(column: "username", as: String.self)) }
        }
        return taken
    }

    /// Checks the file and, unless `dryRun` or a row has a problem, stores it in one transaction
    /// with an audit entry per person, and seals the new people's login slips.
    static func run(_ data: Data, dryRun: Bool, user: CurrentUser, req: Request) async throws -> Outcome {
        let db = req.db
        let parsed = try await parse(data, on: req.application)
        var outcome = Outcome()
        var problems = parsed.problems
        let communeID = user.communeID

        async let peopleQuery = Person.query(on: db).filter(\.$communeID == communeID).all()
        async let unitsQuery = OrgUnit.query(on: db).filter(\.$communeID == communeID).all()
        let people = try await peopleQuery, units = try await unitsQuery
        let personIDs = people.compactMap(\.id)
        let links = personIDs.isEmpty ? [] : try await PersonUnit.query(on: db).filter(\.$personID ~~ personIDs).all()
        let unitsOfPerson = Dictionary(grouping: links, by: \.personID).mapValues { Set($0.map(\.unitID)) }
        let unitsByKey = Dictionary(units.map { (VietnameseText.folded($0.name), $0) }, uniquingKeysWith: { first, _ in first })
        let peopleByUsername = Dictionary(people.map { ($0.username, $0) }, uniquingKeysWith: { first, _ in first })
        let peopleByName = Dictionary(grouping: people, by: \.foldedName)

        // Usernames written in the file that belong to someone in another commune.
        let written = Set(parsed.people.compactMap(\.username))
        let foreign = written.isEmpty ? [] : try await Person.query(on: db).filter(\.$username ~~ Array(written))
            .filter(\.$communeID != communeID).all().map(\.username)
        let proposals = Dictionary(parsed.people.compactMap { person in
            StaffAccounts.proposedUsername(fullName: person.fullName).map { (person.row, $0) }
        }, uniquingKeysWith: { first, _ in first })
        var taken = try await takenUsernames(startingWith: Set(proposals.values), on: db)
        taken.formUnion(written)

        var claimed: [UUID: Int] = [:]
        for person in parsed.people {
            var rowProblems: [String] = []
            var unitKey: String?
            if let unitName = person.unitName {
                let key = VietnameseText.folded(unitName)
                unitKey = key
                if outcome.units[key] == nil {
                    let existing = unitsByKey[key]
                    outcome.units[key] = UnitPlan(name: existing?.name ?? VietnameseText.nfc(unitName), existing: existing,
                                                  kind: existing?.kind ?? unitKind(forName: unitName))
                }
            }
            // The existing person: same username, else the same name in the same unit.
            var existing: Person?
            if let username = person.username {
                if foreign.contains(username) {
                    rowProblems.append("Tên đăng nhập “\(username)” đã có người dùng; hãy chọn tên khác hoặc để trống để hệ thống đề xuất.")
                }
                existing = peopleByUsername[username]
            } else {
                let sameName = peopleByName[VietnameseText.folded(person.fullName)] ?? []
                let unitID = unitKey.flatMap { unitsByKey[$0]?.id }
                let matches = sameName.filter { candidate in
                    let theirs = candidate.id.flatMap { unitsOfPerson[$0] } ?? []
                    return unitID.map(theirs.contains) ?? theirs.isEmpty
                }
                if matches.count > 1 {
                    rowProblems.append("Có \(matches.count) cán bộ tên “\(person.fullName)” trong đơn vị này; hãy ghi tên đăng nhập của người cần cập nhật.")
                } else {
                    existing = matches.first
                }
            }
            if let id = existing?.id {
                if let first = claimed[id] {
                    rowProblems.append("Dòng này và dòng \(first) cùng là tài khoản “\(existing!.username)”.")
                } else {
                    claimed[id] = person.row
                }
            }
            let roles = person.roles ?? existing?.roles ?? [.reporter]
            if let existing, existing.id == user.personID, existing.roles.contains(.admin), !roles.contains(.admin) {
                rowProblems.append(Strings.text("err_admin_self"))
            }
            var username = existing?.username ?? person.username ?? ""
            if existing == nil && person.username == nil {
                if let base = proposals[person.row] {
                    username = StaffAccounts.uniqueUsername(base, taken: taken.contains)
                    taken.insert(username)
                } else {
                    rowProblems.append("Không đề xuất được tên đăng nhập từ họ và tên; hãy ghi cột “Tên đăng nhập”.")
                }
            }
            problems += rowProblems.map { ImportProblem(row: person.row, message: $0) }
            outcome.rows.append(Row(imported: person, existing: existing, username: username, unitKey: unitKey, roles: roles))
        }
        problems.sort { $0.row < $1.row }
        outcome.problems = problems
        guard !dryRun, problems.isEmpty, !outcome.rows.isEmpty else { return outcome }

        // Hashing is the slow part (bcrypt): done before the transaction, in parallel.
        let newRows = outcome.rows.filter { $0.existing == nil }
        let passwords = try await OneTimePasswords.make(count: newRows.count, hasher: { [req] in try await req.password.async.hash($0) })
        let passwordByRow = Dictionary(zip(newRows, passwords).map { ($0.imported.row, $1) }, uniquingKeysWith: { first, _ in first })
        let now = req.now
        let calendar = user.calendar
        let serverAddress = LoginSlips.serverAddress(req)
        let plan = outcome
        let result = try await db.transaction { db -> (created: [Int: UUID], units: [String: UUID], ticket: LoginSlips.Ticket?) in
            var unitIDs: [String: UUID] = [:]
            for (key, unitPlan) in plan.units {
                if let existing = unitPlan.existing {
                    if !existing.active { existing.active = true; try await existing.save(on: db) }
                    unitIDs[key] = try existing.requireID()
                } else {
                    let unit = OrgUnit(communeID: communeID, name: unitPlan.name, kind: unitPlan.kind)
                    try await unit.save(on: db)
                    unitIDs[key] = try unit.requireID()
                }
            }
            var created: [Int: UUID] = [:]
            var slips: [LoginSlip] = []
            for row in plan.rows {
                let imported = row.imported
                let before = row.existing.map(OrganisationService.AccountAudit.init)
                let person: Person
                if let existing = row.existing {
                    person = existing
                } else {
                    guard let password = passwordByRow[imported.row] else { continue }
                    person = Person(communeID: communeID, fullName: imported.fullName, username: row.username,
                                    passwordHash: password.hash, roles: row.roles)
                    person.mustChangePassword = true
                    slips.append(LoginSlip(fullName: imported.fullName, unitName: row.unitKey.flatMap { plan.units[$0]?.name },
                                           username: row.username, oneTimePassword: password.plain))
                }
                person.rename(VietnameseText.nfc(imported.fullName))
                person.roles = row.roles
                person.active = true
                if let position = imported.position { person.position = VietnameseText.nfc(position) }
                if let phone = imported.phone { person.phone = phone }
                if let joinedOn = imported.joinedOn { person.joinedOn = joinedOn.iso }
                if let weekly = imported.reportsWeekly { person.reportsWeekly = weekly }
                try await person.save(on: db)
                let personID = try person.requireID()
                if row.existing == nil { created[imported.row] = personID }
                var unitList: [UUID]?
                if let key = row.unitKey, let unitID = unitIDs[key] {
                    let already = row.existing.flatMap { $0.id.flatMap { unitsOfPerson[$0] } } ?? []
                    if !already.contains(unitID) { try await PersonUnit(personID: personID, unitID: unitID).save(on: db) }
                    unitList = Array(already.union([unitID])).sorted { $0.canonicalText < $1.canonicalText }
                }
                var after = OrganisationService.AccountAudit(person)
                after.unitIds = unitList
                try await AuditTrail.record(on: db, communeID: communeID, actorID: user.personID, at: now, kind: "account",
                                            action: row.existing == nil ? "import_create" : "import_update", subjectID: personID,
                                            before: before, after: after)
            }
            var ticket: LoginSlips.Ticket?
            if !slips.isEmpty {
                let sheet = LoginSlips.Sheet(communeName: user.commune.name, serverAddress: serverAddress,
                                             issuedOn: LocalDate.inZone(now, calendar.timeZone).iso, slips: slips)
                ticket = try await LoginSlips.store(sheet, communeID: communeID, actorID: user.personID, now: now, on: db)
            }
            return (created, unitIDs, ticket)
        }
        outcome.createdIDs = result.created
        outcome.unitIDs = result.units
        outcome.ticket = result.ticket
        outcome.saved = true
        return outcome
    }
}

/// `POST /api/v1/people/import?dryRun=` and `POST /api/v1/people/{id}/password-reset`.
struct PeopleImportAPIController {
    func importList(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        if let type = req.headers.contentType, !TargetParameters.acceptsUpload(type) {
            throw AppError(.unsupportedMediaType, code: "unsupported_media_type",
                           message: "Gửi tệp .xlsx (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet) hoặc .csv (text/csv).")
        }
        let dryRun = try TargetParameters.bool(req, "dryRun") ?? false
        guard var body = req.body.data, body.readableBytes > 0 else {
            throw AppError(.badRequest, code: "empty_body", message: "Chưa có tệp: gửi nội dung tệp .xlsx hoặc .csv làm thân yêu cầu.")
        }
        let data = body.readData(length: body.readableBytes) ?? Data()
        let outcome = try await PeopleImportService.run(data, dryRun: dryRun, user: user, req: req)
        let calendar = user.calendar
        if !dryRun && !outcome.problems.isEmpty {
            let error = AppError.invalid([:], message: "Danh sách cán bộ còn \(outcome.problems.count) lỗi; chưa lưu người nào.")
            return try await outcome.dto(dryRun: dryRun, calendar: calendar, error: error).encodeResponse(status: .unprocessableEntity, for: req)
        }
        return try await outcome.dto(dryRun: dryRun, calendar: calendar).encodeResponse(status: .ok, for: req)
    }

    func resetPassword(_ req: Request) async throws -> OneTimePasswords.ResetResult {
        let user = try req.authorize(.manageOrganisation)
        let person = try await OrganisationService.find(Person.self, req.parameters.get("id"), communeField: \.$communeID,
                                                        communeID: user.communeID, on: req.db)
        let (ticket, saved) = try await OneTimePasswords.reset(person, user: user, req: req)
        return OneTimePasswords.ResetResult(personId: try saved.requireID(), username: saved.username, mustChangePassword: true,
                                            slipsUrl: ticket.url, slipsExpireAt: user.calendar.isoString(ticket.expiresAt))
    }
}
