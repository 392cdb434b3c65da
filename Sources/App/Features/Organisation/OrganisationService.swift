import Fluent
import GiaoBanCore
import GiaoBanOffice
import Vapor

/// A refused input: field name → key of the message in the strings table (with its arguments),
/// so the API and the UI give the same Vietnamese messages from one validation.
struct ValidationFailure: Error, Sendable {
    var fields: [String: String] = [:]
    var arguments: [String: String] = [:]
    var isEmpty: Bool { fields.isEmpty }

    mutating func add(_ field: String, _ key: String, argument: String? = nil) {
        guard fields[field] == nil else { return }
        fields[field] = key
        if let argument { arguments[field] = argument }
    }

    func messages() -> [String: String] {
        fields.reduce(into: [:]) { result, entry in
            if let argument = arguments[entry.key] {
                result[entry.key] = Strings.text(entry.value, argument)
            } else {
                result[entry.key] = Strings.text(entry.value)
            }
        }
    }

    var apiError: AppError { AppError.invalid(messages()) }
}

/// Creating and changing the commune's organisation, shared by the admin pages and the API so
/// that both apply the same rules. Every query is scoped to the commune.
enum OrganisationService {
    static let maxNameLength = 200

    static func cleanName(_ raw: String?, field: String = "name", into failure: inout ValidationFailure) -> String {
        // Runs of spaces typed by accident collapse to one, so "Lê  Thị" and "Lê Thị" are one name.
        let name = VietnameseText.nfc(raw ?? "").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if name.isEmpty { failure.add(field, "err_required") }
        else if name.count > maxNameLength { failure.add(field, "err_too_long", argument: String(maxNameLength)) }
        return name
    }

    /// Ids must name active records of the same commune; anything else is refused, never trusted.
    static func checkIDs<M: Model>(_ ids: [UUID], of type: M.Type, communeField: KeyPath<M, FieldProperty<M, UUID>>,
                                   communeID: UUID, field: String, key: String,
                                   into failure: inout ValidationFailure, on db: any Database) async throws -> [UUID]
    where M.IDValue == UUID {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [] }
        let found = try await M.query(on: db).filter(\._$id ~~ unique).filter(communeField == communeID).all()
        if found.count != unique.count { failure.add(field, key) }
        return unique
    }

    // MARK: Units

    struct UnitInput: Content {
        var name: String?
        var kind: String?
        var active: Bool?
    }

    static func saveUnit(_ input: UnitInput, existing: OrgUnit?, communeID: UUID, on db: any Database) async throws -> OrgUnit {
        var failure = ValidationFailure()
        let name = input.name == nil && existing != nil ? existing!.name : cleanName(input.name, into: &failure)
        let kind: UnitKind? = input.kind.map { UnitKind(rawValue: $0) } ?? existing?.kind
        if kind == nil { failure.add("kind", "err_unit_kind") }
        if failure.fields["name"] == nil {
            let clash = try await OrgUnit.query(on: db).filter(\.$communeID == communeID).filter(\.$name == name).first()
            if let clash, clash.id != existing?.id { failure.add("name", "err_duplicate_name") }
        }
        guard failure.isEmpty, let kind else { throw failure }
        let unit = existing ?? OrgUnit(communeID: communeID, name: name, kind: kind)
        unit.name = name
        unit.kind = kind
        if let active = input.active { unit.active = active }
        try await unit.save(on: db)
        return unit
    }

    // MARK: People

    struct PersonInput: Content {
        var fullName: String?
        var username: String?
        var password: String?
        var position: String?
        var unitIds: [UUID]?
        var roles: [String]?
        var active: Bool?
        /// First and last working day, `yyyy-MM-dd` (or dd/mm/yyyy from the page); an empty text,
        /// or JSON `null`, clears the date; absent keeps it.
        var joinedOn: String? = nil
        var leftOn: String? = nil
        /// False for the leaders whose work the office compiles: they owe no weekly report.
        var reportsWeekly: Bool? = nil
        /// Digits of a phone number; an empty text clears it, absent keeps it.
        var phone: String? = nil
    }

    static func isValidUsername(_ username: String) -> Bool {
        (3...40).contains(username.count) && username.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || ".-_".contains($0) }
    }

    /// Creates or updates a person and their units; `actorID` keeps an admin from locking themselves out.
    static func savePerson(_ input: PersonInput, existing: Person?, communeID: UUID, actorID: UUID, now: Date,
                           hash: (String) async throws -> String, on db: any Database) async throws -> Person {
        var failure = ValidationFailure()
        let fullName = input.fullName == nil && existing != nil ? existing!.fullName : cleanName(input.fullName, field: "fullName", into: &failure)
        let username = (input.username ?? existing?.username ?? "").trimmedWhitespace.lowercased()
        if username.isEmpty { failure.add("username", "err_required") }
        else if !isValidUsername(username) { failure.add("username", "err_username_format") }
        else {
            let clash = try await Person.query(on: db).filter(\.$username == username).first()
            if let clash, clash.id != existing?.id { failure.add("username", "err_username_taken") }
        }
        let password = input.password ?? ""
        if existing == nil && password.isEmpty { failure.add("password", "err_required") }
        else if !password.isEmpty && password.count < 8 { failure.add("password", "err_password_short") }
        var roles = existing?.roles ?? [.reporter]
        if let names = input.roles {
            let parsed = names.compactMap(Role.init(rawValue:))
            if parsed.count != names.count { failure.add("roles", "err_required") }
            roles = Set(parsed)
        }
        if let existing, existing.id == actorID {
            if existing.roles.contains(.admin) && !roles.contains(.admin) || input.active == false {
                failure.add("roles", "err_admin_self")
            }
        }
        let unitIDs = try await checkIDs(input.unitIds ?? [], of: OrgUnit.self, communeField: \.$communeID,
                                         communeID: communeID, field: "unitIds", key: "err_unknown_unit",
                                         into: &failure, on: db)
        let position = input.position.map(VietnameseText.nfc) ?? existing?.position
        if let position, position.count > maxNameLength { failure.add("position", "err_too_long", argument: String(maxNameLength)) }
        func day(_ text: String?, current: String?, field: String) -> String? {
            guard let text = text?.trimmedWhitespace else { return current }
            if text.isEmpty { return nil }
            guard let date = LocalDate(iso: text) ?? LocalDate(vietnamese: text) else { failure.add(field, "err_date"); return current }
            return date.iso
        }
        var phoneValue = existing?.phone
        if let text = input.phone?.trimmedWhitespace {
            if text.isEmpty { phoneValue = nil }
            else if let normalised = StaffListImport.normalisedPhone(text) { phoneValue = normalised }
            else { failure.add("phone", "err_phone") }
        }
        let phone = phoneValue
        let joinedOn = day(input.joinedOn, current: existing?.joinedOn, field: "joinedOn")
        let leftOn = day(input.leftOn, current: existing?.leftOn, field: "leftOn")
        if let joinedOn, let leftOn, leftOn < joinedOn { failure.add("leftOn", "err_left_before_joined") }
        guard failure.isEmpty else { throw failure }

        let passwordHash = password.isEmpty ? existing?.passwordHash ?? "" : try await hash(password)
        let finalRoles = roles
        let before = existing.map(AccountAudit.init)
        return try await db.transaction { db in
            let person = existing ?? Person(communeID: communeID, fullName: fullName, username: username,
                                            passwordHash: passwordHash, roles: finalRoles)
            person.rename(fullName)
            person.username = username
            person.passwordHash = passwordHash
            person.roles = finalRoles
            person.position = position?.isEmpty == true ? nil : position
            if let active = input.active { person.active = active }
            person.joinedOn = joinedOn
            person.leftOn = leftOn
            person.phone = phone
            if let reportsWeekly = input.reportsWeekly { person.reportsWeekly = reportsWeekly }
            try await person.save(on: db)
            let personID = try person.requireID()
            if input.unitIds != nil || existing == nil {
                try await PersonUnit.query(on: db).filter(\.$personID == personID).delete()
                for unitID in unitIDs { try await PersonUnit(personID: personID, unitID: unitID).save(on: db) }
            }
            if input.active == false {
                // A deactivated person is signed out everywhere at once.
                try await UserSession.query(on: db).filter(\.$personID == personID).delete()
                try await APIToken.query(on: db).filter(\.$personID == personID).delete()
            }
            var after = AccountAudit(person)
            after.unitIds = input.unitIds != nil || existing == nil ? unitIDs.sorted { $0.canonicalText < $1.canonicalText } : nil
            after.passwordChanged = !password.isEmpty && existing != nil ? true : nil
            try await AuditTrail.record(on: db, communeID: communeID, actorID: actorID, at: now, kind: "account",
                                        action: existing == nil ? "create" : "update", subjectID: personID, before: before, after: after)
            return person
        }
    }

    /// What the audit trail keeps of an account: never the password or its hash.
    struct AccountAudit: Codable, Sendable {
        var fullName: String
        var username: String
        var roles: [String]
        var position: String?
        var active: Bool
        var unitIds: [UUID]?
        var passwordChanged: Bool?
        var joinedOn: String?
        var leftOn: String?
        var reportsWeekly: Bool

        init(_ person: Person) {
            fullName = person.fullName
            username = person.username
            roles = person.roles.map(\.rawValue).sorted()
            position = person.position
            active = person.active
            joinedOn = person.joinedOn
            leftOn = person.leftOn
            reportsWeekly = person.reportsWeekly
        }
    }

    // MARK: Groups

    struct GroupInput: Content {
        var name: String?
        var aggregatorIds: [UUID]?
        var memberIds: [UUID]?
        var approverId: UUID?
        /// Set to true to remove the approver (JSON `null` cannot be told from "absent").
        var clearApprover: Bool?
        var active: Bool?
        /// "party" or "state": who issues the group's documents. Absent keeps it (new groups: "state").
        var issuingBody: String? = nil
        /// The group's compiled week goes to an approver. Absent keeps it (new groups: true when an approver is named).
        var requiresApproval: Bool? = nil
    }

    static func saveGroup(_ input: GroupInput, existing: ReportGroup?, communeID: UUID, on db: any Database) async throws -> ReportGroup {
        var failure = ValidationFailure()
        let name = input.name == nil && existing != nil ? existing!.name : cleanName(input.name, into: &failure)
        if failure.fields["name"] == nil {
            let clash = try await ReportGroup.query(on: db).filter(\.$communeID == communeID).filter(\.$name == name).first()
            if let clash, clash.id != existing?.id { failure.add("name", "err_duplicate_name") }
        }
        let aggregators = try await checkIDs(input.aggregatorIds ?? [], of: Person.self, communeField: \.$communeID,
                                             communeID: communeID, field: "aggregatorIds", key: "err_unknown_person",
                                             into: &failure, on: db)
        if existing == nil && aggregators.isEmpty || input.aggregatorIds != nil && aggregators.isEmpty {
            failure.add("aggregatorIds", "err_need_aggregator")
        }
        let members = try await checkIDs(input.memberIds ?? [], of: Person.self, communeField: \.$communeID,
                                         communeID: communeID, field: "memberIds", key: "err_unknown_person",
                                         into: &failure, on: db)
        if let approver = input.approverId {
            _ = try await checkIDs([approver], of: Person.self, communeField: \.$communeID, communeID: communeID,
                                   field: "approverId", key: "err_unknown_person", into: &failure, on: db)
        }
        if let body = input.issuingBody, IssuingKind(rawValue: body) == nil { failure.add("issuingBody", "err_issuing_body") }
        guard failure.isEmpty else { throw failure }
        return try await db.transaction { db in
            let nextOrder = existing == nil ? (try await ReportGroup.query(on: db).filter(\.$communeID == communeID).count()) + 1 : 0
            let group = existing ?? ReportGroup(communeID: communeID, name: name, sortOrder: nextOrder)
            group.name = name
            if let approver = input.approverId { group.approverID = approver }
            if input.clearApprover == true { group.approverID = nil }
            if let active = input.active { group.active = active }
            if let body = input.issuingBody.flatMap(IssuingKind.init(rawValue:)) { group.issuingBody = body.rawValue }
            // Without an explicit choice, naming an approver asks for approval and removing it stops asking.
            if let requires = input.requiresApproval { group.requiresApproval = requires }
            else if input.clearApprover == true { group.requiresApproval = false }
            else if input.approverId != nil || existing == nil { group.requiresApproval = group.approverID != nil }
            try await group.save(on: db)
            let groupID = try group.requireID()
            for (ids, kind) in [(input.aggregatorIds.map { _ in aggregators }, GroupMembership.Kind.aggregator),
                                (input.memberIds.map { _ in members }, .member)] {
                guard let ids else { continue }
                try await GroupMembership.query(on: db).filter(\.$groupID == groupID).filter(\.$kind == kind).delete()
                for personID in ids { try await GroupMembership(groupID: groupID, personID: personID, kind: kind).save(on: db) }
            }
            return group
        }
    }

    // MARK: Rooms

    struct RoomInput: Content {
        var name: String?
        var capacity: Int?
        var active: Bool?
        /// "room", "equipment" or "vehicle".
        var kind: String?
        /// Opening hours "HH:mm"; an empty string clears them.
        var opensAt: String?
        var closesAt: String?
    }

    static func saveRoom(_ input: RoomInput, existing: Room?, communeID: UUID, on db: any Database) async throws -> Room {
        var failure = ValidationFailure()
        let name = input.name == nil && existing != nil ? existing!.name : cleanName(input.name, into: &failure)
        if failure.fields["name"] == nil {
            let clash = try await Room.query(on: db).filter(\.$communeID == communeID).filter(\.$name == name).first()
            if let clash, clash.id != existing?.id { failure.add("name", "err_duplicate_name") }
        }
        let capacity = input.capacity ?? existing?.capacity
        if capacity == nil || !(1...10_000).contains(capacity!) { failure.add("capacity", "err_capacity") }
        let kind = input.kind ?? existing?.resourceKind ?? "room"
        if ScheduleResource.Kind(rawValue: kind) == nil { failure.add("kind", "err_resource_kind") }
        func hours(_ raw: String?, current: String?, field: String) -> String? {
            guard let raw else { return current }
            let trimmed = raw.trimmedWhitespace
            if trimmed.isEmpty { return nil }
            guard let time = LocalTime(string: trimmed) else { failure.add(field, "err_time"); return current }
            return time.text
        }
        let opens = hours(input.opensAt, current: existing?.opensAt, field: "opensAt")
        let closes = hours(input.closesAt, current: existing?.closesAt, field: "closesAt")
        if let opens, let closes, let from = LocalTime(string: opens), let to = LocalTime(string: closes), to <= from {
            failure.add("closesAt", "err_end_before_start")
        }
        guard failure.isEmpty, let capacity else { throw failure }
        let room = existing ?? Room(communeID: communeID, name: name, capacity: capacity)
        room.name = name
        room.capacity = capacity
        room.resourceKind = kind == "room" ? nil : kind
        room.opensAt = opens
        room.closesAt = closes
        if let active = input.active { room.active = active }
        try await room.save(on: db)
        return room
    }

    // MARK: Cells

    struct CellInput: Content {
        var name: String?
        var supervisorIds: [UUID]?
        var active: Bool?
        /// When the cell holds its regular meeting; absent leaves it unchanged.
        var meetingRule: MeetingRuleDTO?
        /// True removes the meeting rule.
        var clearMeetingRule: Bool?
    }

    static func saveCell(_ input: CellInput, existing: PartyCell?, communeID: UUID, on db: any Database) async throws -> PartyCell {
        var failure = ValidationFailure()
        let name = input.name == nil && existing != nil ? existing!.name : cleanName(input.name, into: &failure)
        if failure.fields["name"] == nil {
            let clash = try await PartyCell.query(on: db).filter(\.$communeID == communeID).filter(\.$name == name).first()
            if let clash, clash.id != existing?.id { failure.add("name", "err_duplicate_name") }
        }
        let supervisors = try await checkIDs(input.supervisorIds ?? [], of: Person.self, communeField: \.$communeID,
                                             communeID: communeID, field: "supervisorIds", key: "err_unknown_person",
                                             into: &failure, on: db)
        var rule: CellMeetingRule?
        if let dto = input.meetingRule {
            switch dto.rule() {
            case .success(let value): rule = value
            case .failure(let error): failure.add("meetingRule", "err_text", argument: error.fields["meetingRule"] ?? error.message)
            }
        }
        guard failure.isEmpty else { throw failure }
        let newRule = rule
        return try await db.transaction { db in
            let cell = existing ?? PartyCell(communeID: communeID, name: name)
            cell.name = name
            if let newRule { cell.setMeetingRule(newRule) } else if input.clearMeetingRule == true { cell.setMeetingRule(nil) }
            if let active = input.active { cell.active = active }
            try await cell.save(on: db)
            let cellID = try cell.requireID()
            if input.supervisorIds != nil {
                try await CellSupervisor.query(on: db).filter(\.$cellID == cellID).delete()
                for personID in supervisors { try await CellSupervisor(cellID: cellID, personID: personID).save(on: db) }
            }
            return cell
        }
    }

    // MARK: Lookups

    /// A record of the caller's commune or a 404: ids of other communes look exactly like unknown ids.
    static func find<M: Model>(_ type: M.Type, _ rawID: String?, communeField: KeyPath<M, FieldProperty<M, UUID>>,
                               communeID: UUID, on db: any Database) async throws -> M where M.IDValue == UUID {
        // Plain SQL (`SQLAccess.models`): every page of a group, unit or person starts here, and
        // Fluent's own query cost more to build and serialise than SQLite took to answer it.
        guard let rawID, let id = SQLAccess.uuid(rawID) else { throw AppError.notFound() }
        let communeColumn = M()[keyPath: communeField].key.description
        guard let model = try await SQLAccess.models(M.self, where: "id = \(bind: id) AND \(unsafeRaw: communeColumn) = \(bind: communeID)",
                                                     on: db).first
        else { throw AppError.notFound() }
        return model
    }
}

extension OrganisationService.PersonInput {
    private enum CodingKeys: String, CodingKey {
        case fullName, username, password, position, unitIds, roles, active, joinedOn, leftOn, reportsWeekly, phone
    }

    /// JSON `null` for a date clears it (an empty text); an absent key keeps it.
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func day(_ key: CodingKeys) throws -> String? {
            guard c.contains(key) else { return nil }
            return try c.decodeNil(forKey: key) ? "" : try c.decode(String.self, forKey: key)
        }
        self.init(fullName: try c.decodeIfPresent(String.self, forKey: .fullName),
                  username: try c.decodeIfPresent(String.self, forKey: .username),
                  password: try c.decodeIfPresent(String.self, forKey: .password),
                  position: try c.decodeIfPresent(String.self, forKey: .position),
                  unitIds: try c.decodeIfPresent([UUID].self, forKey: .unitIds),
                  roles: try c.decodeIfPresent([String].self, forKey: .roles),
                  active: try c.decodeIfPresent(Bool.self, forKey: .active),
                  joinedOn: try day(.joinedOn), leftOn: try day(.leftOn),
                  reportsWeekly: try c.decodeIfPresent(Bool.self, forKey: .reportsWeekly),
                  phone: try day(.phone))
    }
}
