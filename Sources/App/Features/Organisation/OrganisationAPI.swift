import Fluent
import SQLKit
import GiaoBanCore
import Vapor

// API representations: their own structs, never Fluent models (no password hash can leak).

struct UnitDTO: Content {
    var id: UUID
    var name: String
    var kind: String
    var active: Bool
    init(_ unit: OrgUnit) throws {
        id = try unit.requireID(); name = unit.name; kind = unit.kind.rawValue; active = unit.active
    }
}

struct PersonDTO: Content {
    var id: UUID
    var fullName: String
    var username: String
    var position: String?
    var unitIds: [UUID]
    var roles: [String]
    var aggregatorOf: [UUID]
    var supervises: [UUID]
    var active: Bool
    /// First and last working day (`yyyy-MM-dd`), null when not set.
    var joinedOn: String?
    var leftOn: String?
    /// False for the leaders whose work the office compiles: they owe no weekly report.
    var reportsWeekly: Bool
    /// True while the person signs in with a one-time password and must choose their own.
    var mustChangePassword: Bool
    var phone: String?
}

struct GroupDTO: Content {
    var id: UUID
    var name: String
    var aggregatorIds: [UUID]
    var memberIds: [UUID]
    var approverId: UUID?
    /// True for a group whose compiled week goes to an approver (set on the group, or an approver named).
    var requiresApproval: Bool
    var active: Bool
    /// Who issues the group's documents: "party" (Party Committee) or "state" (People's Committee).
    var issuingBody: String
}

struct RoomDTO: Content {
    var id: UUID
    var name: String
    var capacity: Int
    var active: Bool
    var kind: String
    var opensAt: String?
    var closesAt: String?
    init(_ room: Room) throws {
        id = try room.requireID(); name = room.name; capacity = room.capacity; active = room.active
        kind = room.resourceKind ?? "room"; opensAt = room.opensAt; closesAt = room.closesAt
    }
}

struct CellDTO: Content {
    var id: UUID
    var name: String
    var supervisorIds: [UUID]
    var active: Bool
    var meetingRule: MeetingRuleDTO?
}

struct ListDTO<Item: Content>: Content {
    var items: [Item]
}

/// Reads that build the DTOs with a fixed number of queries, however many records there are.
enum OrganisationQueries {
    static func people(communeID: UUID, ids: [UUID]? = nil, on db: any Database) async throws -> [PersonDTO] {
        var query = Person.query(on: db).filter(\.$communeID == communeID)
        if let ids { query = query.filter(\.$id ~~ ids) }
        let people = try await query.all().sortedByVietnameseName(\.fullName)
        let personIDs = try people.map { try $0.requireID() }
        guard !personIDs.isEmpty else { return [] }
        async let units = PersonUnit.query(on: db).filter(\.$personID ~~ personIDs).all()
        async let memberships = GroupMembership.query(on: db).filter(\.$personID ~~ personIDs).filter(\.$kind == .aggregator).all()
        async let cells = CellSupervisor.query(on: db).filter(\.$personID ~~ personIDs).all()
        let unitsByPerson = Dictionary(grouping: try await units, by: \.personID)
        let groupsByPerson = Dictionary(grouping: try await memberships, by: \.personID)
        let cellsByPerson = Dictionary(grouping: try await cells, by: \.personID)
        return try people.map { person in
            let id = try person.requireID()
            return PersonDTO(id: id, fullName: person.fullName, username: person.username, position: person.position,
                             unitIds: (unitsByPerson[id] ?? []).map(\.unitID),
                             roles: person.roles.sorted().map(\.rawValue),
                             aggregatorOf: (groupsByPerson[id] ?? []).map(\.groupID),
                             supervises: (cellsByPerson[id] ?? []).map(\.cellID), active: person.active,
                             joinedOn: person.joinedOn, leftOn: person.leftOn, reportsWeekly: person.reportsWeekly,
                             mustChangePassword: person.mustChangePassword, phone: person.phone)
        }
    }

    static func groups(communeID: UUID, ids: [UUID]? = nil, on db: any Database) async throws -> [GroupDTO] {
        var query = ReportGroup.query(on: db).filter(\.$communeID == communeID)
        if let ids { query = query.filter(\.$id ~~ ids) }
        let groups = try await query.all().inDisplayOrder
        let groupIDs = try groups.map { try $0.requireID() }
        guard !groupIDs.isEmpty else { return [] }
        // In Vietnamese order of the people's names (two of the same name by id), the same on
        // every database, not the order the rows happen to come in.
        let rows = try await SQLAccess.sql(db).raw("""
            SELECT gm.group_id, gm.person_id, gm.kind, p.full_name FROM group_memberships gm JOIN people p ON p.id = gm.person_id
            WHERE gm.group_id IN (\(list: groupIDs)) ORDER BY gm.person_id
            """).all()
        let memberships = try rows.map { row -> (group: UUID, person: UUID, kind: String, name: String) in
            guard let group = try SQLAccess.id(row, "group_id"), let person = try SQLAccess.id(row, "person_id") else {
                throw SQLAccess.UnreadableID(column: "group_memberships.group_id/person_id")
            }
            return (group, person, try row.decode(column: "kind", as: String.self), try row.decode(column: "full_name", as: String.self))
        }
        let byGroup = Dictionary(grouping: memberships.sortedByVietnameseName { $0.name }, by: { $0.group })
        return try groups.map { group in
            let id = try group.requireID()
            let rows = byGroup[id] ?? []
            return GroupDTO(id: id, name: group.name,
                            aggregatorIds: rows.filter { $0.kind == GroupMembership.Kind.aggregator.rawValue }.map(\.person),
                            memberIds: rows.filter { $0.kind == GroupMembership.Kind.member.rawValue }.map(\.person),
                            approverId: group.approverID, requiresApproval: group.requiresApproval || group.approverID != nil,
                            active: group.active, issuingBody: group.issuingKind.rawValue)
        }
    }

    static func cells(communeID: UUID, ids: [UUID]? = nil, on db: any Database) async throws -> [CellDTO] {
        var query = PartyCell.query(on: db).filter(\.$communeID == communeID)
        if let ids { query = query.filter(\.$id ~~ ids) }
        let cells = try await query.all().sortedVietnamese(by: \.name)
        let cellIDs = try cells.map { try $0.requireID() }
        guard !cellIDs.isEmpty else { return [] }
        let supervisors = Dictionary(grouping: try await CellSupervisor.query(on: db).filter(\.$cellID ~~ cellIDs).all(), by: \.cellID)
        return try cells.map { cell in
            let id = try cell.requireID()
            return CellDTO(id: id, name: cell.name, supervisorIds: (supervisors[id] ?? []).map(\.personID), active: cell.active,
                           meetingRule: try cell.meetingRule.map(MeetingRuleDTO.init))
        }
    }

    /// A commune's units in Vietnamese order of their names (a few rows, read as plain SQL: the
    /// group week, the briefing and the ledger's week read them on every request).
    static func units(communeID: UUID, on db: any Database) async throws -> [OrgUnit] {
        try await SQLAccess.models(OrgUnit.self, where: "commune_id = \(bind: communeID)", on: db).sortedVietnamese(by: \.name)
    }

    /// Each unit's name (former units too: an older line may name them), for pages that only
    /// name units: two plain columns, neither models nor a sort.
    static func unitNames(communeID: UUID, on db: any Database) async throws -> [UUID: String] {
        let rows = try await SQLAccess.plainRows("SELECT id, name FROM units WHERE commune_id = \(bind: communeID)", on: db)
        return try Dictionary(rows.compactMap { row in try row.id("id").map { ($0, try row.string("name")) } }, uniquingKeysWith: { first, _ in first })
    }
}

/// `/api/v1/units|people|groups|rooms|cells`: anyone signed in reads the directory (to pick
/// chairs, participants and rooms); only admins create and change.
struct OrganisationAPIController {
    private func saving<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let failure as ValidationFailure {
            if failure.fields.values.contains("err_username_taken") || failure.fields.values.contains("err_duplicate_name") {
                throw AppError.conflict("Đã có bản ghi trùng tên.", fields: failure.messages())
            }
            throw failure.apiError
        }
    }

    // Units
    func listUnits(_ req: Request) async throws -> ListDTO<UnitDTO> {
        let user = try req.authorize(.readDirectory)
        return ListDTO(items: try await OrganisationQueries.units(communeID: user.communeID, on: req.db).map(UnitDTO.init))
    }
    func showUnit(_ req: Request) async throws -> UnitDTO {
        let user = try req.authorize(.readDirectory)
        return try UnitDTO(try await OrganisationService.find(OrgUnit.self, req.parameters.get("id"), communeField: \.$communeID, communeID: user.communeID, on: req.db))
    }
    func createUnit(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let input = try req.decodeJSON(OrganisationService.UnitInput.self)
        let unit = try await saving { try await OrganisationService.saveUnit(input, existing: nil, communeID: user.communeID, on: req.db) }
        return try await UnitDTO(unit).encodeResponse(status: .created, for: req)
    }
    func updateUnit(_ req: Request) async throws -> UnitDTO {
        let user = try req.authorize(.manageOrganisation)
        let unit = try await OrganisationService.find(OrgUnit.self, req.parameters.get("id"), communeField: \.$communeID, communeID: user.communeID, on: req.db)
        let input = try req.decodeJSON(OrganisationService.UnitInput.self)
        return try UnitDTO(try await saving { try await OrganisationService.saveUnit(input, existing: unit, communeID: user.communeID, on: req.db) })
    }

    // People
    func listPeople(_ req: Request) async throws -> ListDTO<PersonDTO> {
        let user = try req.authorize(.readDirectory)
        return ListDTO(items: try await OrganisationQueries.people(communeID: user.communeID, on: req.db))
    }
    func showPerson(_ req: Request) async throws -> PersonDTO {
        let user = try req.authorize(.readDirectory)
        let person = try await OrganisationService.find(Person.self, req.parameters.get("id"), communeField: \.$communeID, communeID: user.communeID, on: req.db)
        return try await OrganisationQueries.people(communeID: user.communeID, ids: [person.requireID()], on: req.db)[0]
    }
    func createPerson(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let input = try req.decodeJSON(OrganisationService.PersonInput.self)
        let person = try await saving {
            try await OrganisationService.savePerson(input, existing: nil, communeID: user.communeID, actorID: user.personID, now: req.now,
                                                     hash: { try await req.password.async.hash($0) }, on: req.db)
        }
        let dto = try await OrganisationQueries.people(communeID: user.communeID, ids: [person.requireID()], on: req.db)[0]
        return try await dto.encodeResponse(status: .created, for: req)
    }
    func updatePerson(_ req: Request) async throws -> PersonDTO {
        let user = try req.authorize(.manageOrganisation)
        let person = try await OrganisationService.find(Person.self, req.parameters.get("id"), communeField: \.$communeID, communeID: user.communeID, on: req.db)
        let input = try req.decodeJSON(OrganisationService.PersonInput.self)
        _ = try await saving {
            try await OrganisationService.savePerson(input, existing: person, communeID: user.communeID, actorID: user.personID, now: req.now,
                                                     hash: { try await req.password.async.hash($0) }, on: req.db)
        }
        return try await OrganisationQueries.people(communeID: user.communeID, ids: [person.requireID()], on: req.db)[0]
    }

    // Groups
    func listGroups(_ req: Request) async throws -> ListDTO<GroupDTO> {
        let user = try req.authorize(.readDirectory)
        return ListDTO(items: try await OrganisationQueries.groups(communeID: user.communeID, on: req.db))
    }
    func showGroup(_ req: Request) async throws -> GroupDTO {
        let user = try req.authorize(.readDirectory)
        let group = try await OrganisationService.find(ReportGroup.self, req.parameters.get("id"), communeField: \.$communeID, communeID: user.communeID, on: req.db)
        return try await OrganisationQueries.groups(communeID: user.communeID, ids: [group.requireID()], on: req.db)[0]
    }
    func createGroup(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let input = try req.decodeJSON(OrganisationService.GroupInput.self)
        let group = try await saving { try await OrganisationService.saveGroup(input, existing: nil, communeID: user.communeID, on: req.db) }
        let dto = try await OrganisationQueries.groups(communeID: user.communeID, ids: [group.requireID()], on: req.db)[0]
        return try await dto.encodeResponse(status: .created, for: req)
    }
    func updateGroup(_ req: Request) async throws -> GroupDTO {
        let user = try req.authorize(.manageOrganisation)
        let group = try await OrganisationService.find(ReportGroup.self, req.parameters.get("id"), communeField: \.$communeID, communeID: user.communeID, on: req.db)
        let input = try req.decodeJSON(OrganisationService.GroupInput.self)
        _ = try await saving { try await OrganisationService.saveGroup(input, existing: group, communeID: user.communeID, on: req.db) }
        return try await OrganisationQueries.groups(communeID: user.communeID, ids: [group.requireID()], on: req.db)[0]
    }

    // Rooms
    func listRooms(_ req: Request) async throws -> ListDTO<RoomDTO> {
        let user = try req.authorize(.readDirectory)
        return ListDTO(items: try await Room.query(on: req.db).filter(\.$communeID == user.communeID).all().sortedVietnamese(by: \.name).map(RoomDTO.init))
    }
    func showRoom(_ req: Request) async throws -> RoomDTO {
        let user = try req.authorize(.readDirectory)
        return try RoomDTO(try await OrganisationService.find(Room.self, req.parameters.get("id"), communeField: \.$communeID, communeID: user.communeID, on: req.db))
    }
    func createRoom(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let input = try req.decodeJSON(OrganisationService.RoomInput.self)
        let room = try await saving { try await OrganisationService.saveRoom(input, existing: nil, communeID: user.communeID, on: req.db) }
        return try await RoomDTO(room).encodeResponse(status: .created, for: req)
    }
    func updateRoom(_ req: Request) async throws -> RoomDTO {
        let user = try req.authorize(.manageOrganisation)
        let room = try await OrganisationService.find(Room.self, req.parameters.get("id"), communeField: \.$communeID, communeID: user.communeID, on: req.db)
        let input = try req.decodeJSON(OrganisationService.RoomInput.self)
        return try RoomDTO(try await saving { try await OrganisationService.saveRoom(input, existing: room, communeID: user.communeID, on: req.db) })
    }

    // Cells
    func listCells(_ req: Request) async throws -> ListDTO<CellDTO> {
        let user = try req.authorize(.readDirectory)
        return ListDTO(items: try await OrganisationQueries.cells(communeID: user.communeID, on: req.db))
    }
    func showCell(_ req: Request) async throws -> CellDTO {
        let user = try req.authorize(.readDirectory)
        let cell = try await OrganisationService.find(PartyCell.self, req.parameters.get("id"), communeField: \.$communeID, communeID: user.communeID, on: req.db)
        return try await OrganisationQueries.cells(communeID: user.communeID, ids: [cell.requireID()], on: req.db)[0]
    }
    func createCell(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let input = try req.decodeJSON(OrganisationService.CellInput.self)
        let cell = try await saving { try await OrganisationService.saveCell(input, existing: nil, communeID: user.communeID, on: req.db) }
        let dto = try await OrganisationQueries.cells(communeID: user.communeID, ids: [cell.requireID()], on: req.db)[0]
        return try await dto.encodeResponse(status: .created, for: req)
    }
    func updateCell(_ req: Request) async throws -> CellDTO {
        let user = try req.authorize(.manageOrganisation)
        let cell = try await OrganisationService.find(PartyCell.self, req.parameters.get("id"), communeField: \.$communeID, communeID: user.communeID, on: req.db)
        let input = try req.decodeJSON(OrganisationService.CellInput.self)
        _ = try await saving { try await OrganisationService.saveCell(input, existing: cell, communeID: user.communeID, on: req.db) }
        return try await OrganisationQueries.cells(communeID: user.communeID, ids: [cell.requireID()], on: req.db)[0]
    }
}
