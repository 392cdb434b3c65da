import Fluent
import GiaoBanCore
import Vapor

/// The admin pages that set up the commune: units, people, groups, rooms, cells and settings.
/// Every refused form comes back with exactly what was typed and a message beside each field.
struct AdminPagesController {
    // MARK: Shared

    private func uuids(_ raw: [String]?) -> [UUID] { (raw ?? []).compactMap(UUID.init(uuidString:)) }

    private func render<V: Encodable & Sendable>(_ req: Request, _ template: String, _ titleKey: String, _ section: String,
                                                 _ view: V, status: HTTPResponseStatus = .ok) async throws -> Response {
        try await req.render(template, title: req.t(titleKey), section: section, view, status: status)
    }

    private func peopleChoices(_ req: Request, communeID: UUID, selected: Set<UUID>) async throws -> [Choice] {
        let people = try await Person.query(on: req.db).filter(\.$communeID == communeID).filter(\.$active == true)
            .all().sortedByVietnameseName(\.fullName)
        return try people.map { Choice(value: try $0.requireID().canonicalText, label: $0.fullName,
                                       selected: selected.contains(try $0.requireID()), hint: $0.position) }
    }

    struct ToggleForm: Content { var active: String? }

    /// Where an item's form posts: the collection for a new item, the item itself for an edit.
    static func formAction(_ collection: SiteRoute.AdminCollection, _ id: UUID?) -> String {
        id.map { SiteRoute.adminItem(collection, $0).path } ?? SiteRoute.admin(collection.section).path
    }

    // MARK: Units

    struct UnitRow: Encodable, Sendable {
        var id: String; var name: String; var kind: String; var people: Int; var active: Bool
        var editHref: String; var activeAction: String
    }
    struct UnitsView: Encodable, Sendable {
        var units: [UnitRow]
        var newHref = SiteRoute.adminNew(.units).path
    }
    struct UnitFormView: Encodable, Sendable {
        var id: String?; var name: String; var kinds: [Choice]; var active: Bool; var errors: FieldErrors
        var action: String
        var cancelHref = SiteRoute.admin(.units).path
    }
    struct UnitForm: Content { var name: String?; var kind: String? }

    func units(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let units = try await OrganisationQueries.units(communeID: user.communeID, on: req.db)
        let unitIDs = try units.map { try $0.requireID() }
        let links = unitIDs.isEmpty ? [] : try await PersonUnit.query(on: req.db).filter(\.$unitID ~~ unitIDs).all()
        let counts = Dictionary(grouping: links, by: \.unitID).mapValues(\.count)
        let rows = try units.map { unit in
            let id = try unit.requireID()
            return UnitRow(id: id.canonicalText, name: unit.name,
                           kind: unit.kind.vietnameseName,
                           people: counts[id] ?? 0, active: unit.active,
                           editHref: SiteRoute.adminItem(.units, id).path, activeAction: SiteRoute.adminItemActive(.units, id).path)
        }
        return try await render(req, "admin/units", "units_title", "units", UnitsView(units: rows))
    }

    private func unitForm(_ req: Request, id: UUID?, name: String, kind: String?, active: Bool, errors: FieldErrors,
                          status: HTTPResponseStatus = .ok) async throws -> Response {
        let kinds = UnitKind.allCases.map { Choice(value: $0.rawValue, label: $0.vietnameseName,
                                                   selected: $0.rawValue == kind) }
        return try await render(req, "admin/unit-form", id == nil ? "unit_new" : "unit_edit", "units",
                                UnitFormView(id: id?.canonicalText, name: name, kinds: kinds, active: active, errors: errors,
                                             action: Self.formAction(.units, id)), status: status)
    }

    func newUnit(_ req: Request) async throws -> Response {
        try req.authorize(.manageOrganisation)
        return try await unitForm(req, id: nil, name: "", kind: nil, active: true, errors: .init())
    }

    func editUnit(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let unit = try await OrganisationService.find(OrgUnit.self, req.parameters.get("id"), communeField: \.$communeID, communeID: user.communeID, on: req.db)
        return try await unitForm(req, id: unit.id, name: unit.name, kind: unit.kind.rawValue, active: unit.active, errors: .init())
    }

    func saveUnit(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let existing = try await req.parameters.get("id").asyncMap {
            try await OrganisationService.find(OrgUnit.self, $0, communeField: \.$communeID, communeID: user.communeID, on: req.db)
        }
        let form = try req.content.decode(UnitForm.self)
        do {
            _ = try await OrganisationService.saveUnit(.init(name: form.name ?? "", kind: form.kind ?? ""), existing: existing,
                                                       communeID: user.communeID, on: req.db)
            return req.redirect(to: .admin(.units), notice: "saved")
        } catch let failure as ValidationFailure {
            return try await unitForm(req, id: existing?.id, name: form.name ?? "", kind: form.kind,
                                      active: existing?.active ?? true, errors: .init(messages: failure.messages()),
                                      status: .unprocessableEntity)
        }
    }

    func toggleUnit(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let unit = try await OrganisationService.find(OrgUnit.self, req.parameters.get("id"), communeField: \.$communeID, communeID: user.communeID, on: req.db)
        unit.active = try req.content.decode(ToggleForm.self).active == "true"
        try await unit.save(on: req.db)
        return req.redirect(to: .admin(.units), notice: "saved")
    }

    // MARK: People

    struct PersonRow: Encodable, Sendable {
        var id: String; var fullName: String; var username: String; var position: String?
        var units: String; var roles: String; var active: Bool; var mustChangePassword = false
        var editHref: String; var activeAction: String
        /// Gives the person a new one-time password.
        var passwordAction: String
    }
    struct PeopleView: Encodable, Sendable {
        var people: [PersonRow]; var query: String
        var newHref = SiteRoute.adminNew(.people).path
        var importHref = SiteRoute.adminPeopleImport.path
        /// The search asks this page again (a GET form: its own field makes the query).
        var searchAction = SiteRoute.admin(.people).path
    }
    struct PersonFormView: Encodable, Sendable {
        var id: String?; var fullName: String; var username: String; var position: String
        var units: [Choice]; var roles: [Choice]; var active: Bool
        var joinedOn: String; var leftOn: String; var reportsWeekly: Bool; var errors: FieldErrors
        var phone = ""
        var action: String
        var cancelHref = SiteRoute.admin(.people).path
    }
    struct PersonForm: Content {
        var fullName: String?; var username: String?; var password: String?; var position: String?
        var unitIds: [String]?; var roles: [String]?
        var joinedOn: String?; var leftOn: String?
        /// "true" when ticked; the form sends "false" from a hidden field before the box.
        var reportsWeekly: [String]?
        var phone: String? = nil
    }

    func people(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let query = (req.query[String.self, at: "q"] ?? "").trimmedWhitespace
        var people = try await OrganisationQueries.people(communeID: user.communeID, on: req.db)
        if !query.isEmpty {
            let needle = VietnameseText.folded(query)
            people = people.filter { VietnameseText.folded($0.fullName).contains(needle) || $0.username.contains(needle) }
        }
        let unitNames = Dictionary(uniqueKeysWithValues: try await OrganisationQueries.units(communeID: user.communeID, on: req.db)
            .map { (try $0.requireID(), $0.name) })
        let rows = people.map { person in
            PersonRow(id: person.id.canonicalText, fullName: person.fullName, username: person.username, position: person.position,
                      units: person.unitIds.compactMap { unitNames[$0] }.sortedVietnamese { $0 }.joined(separator: ", "),
                      roles: person.roles.compactMap(Role.init(rawValue:)).map { $0.vietnameseName }
                        .joined(separator: ", "),
                      active: person.active, mustChangePassword: person.mustChangePassword,
                      editHref: SiteRoute.adminItem(.people, person.id).path,
                      activeAction: SiteRoute.adminItemActive(.people, person.id).path,
                      passwordAction: SiteRoute.adminPersonPassword(person.id).path)
        }
        return try await render(req, "admin/people", "people_title", "people", PeopleView(people: rows, query: query))
    }

    private func personForm(_ req: Request, communeID: UUID, id: UUID?, form: PersonForm, active: Bool, errors: FieldErrors,
                            status: HTTPResponseStatus = .ok) async throws -> Response {
        let selectedUnits = Set(uuids(form.unitIds))
        let units = try await OrganisationQueries.units(communeID: communeID, on: req.db).filter(\.active).map {
            Choice(value: try $0.requireID().canonicalText, label: $0.name, selected: selectedUnits.contains(try $0.requireID()))
        }
        let selectedRoles = Set(form.roles ?? [])
        let roles = Role.allCases.map { Choice(value: $0.rawValue, label: $0.vietnameseName,
                                               selected: selectedRoles.contains($0.rawValue)) }
        let view = PersonFormView(id: id?.canonicalText, fullName: form.fullName ?? "", username: form.username ?? "", position: form.position ?? "",
                                  units: units, roles: roles, active: active, joinedOn: form.joinedOn ?? "", leftOn: form.leftOn ?? "",
                                  reportsWeekly: form.reportsWeekly.map { $0.contains("true") } ?? true, errors: errors,
                                  phone: form.phone ?? "", action: Self.formAction(.people, id))
        return try await render(req, "admin/person-form", id == nil ? "person_new" : "person_edit", "people", view, status: status)
    }

    func newPerson(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        return try await personForm(req, communeID: user.communeID, id: nil, form: PersonForm(roles: ["reporter"]), active: true, errors: .init())
    }

    func editPerson(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let person = try await OrganisationService.find(Person.self, req.parameters.get("id"), communeField: \.$communeID, communeID: user.communeID, on: req.db)
        let dto = try await OrganisationQueries.people(communeID: user.communeID, ids: [person.requireID()], on: req.db)[0]
        let form = PersonForm(fullName: dto.fullName, username: dto.username, password: nil, position: dto.position,
                              unitIds: dto.unitIds.map(\.canonicalText), roles: dto.roles,
                              joinedOn: dto.joinedOn.flatMap(LocalDate.init(iso:))?.vietnamese ?? "",
                              leftOn: dto.leftOn.flatMap(LocalDate.init(iso:))?.vietnamese ?? "",
                              reportsWeekly: [dto.reportsWeekly ? "true" : "false"], phone: dto.phone)
        return try await personForm(req, communeID: user.communeID, id: dto.id, form: form, active: dto.active, errors: .init())
    }

    func savePerson(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let existing = try await req.parameters.get("id").asyncMap {
            try await OrganisationService.find(Person.self, $0, communeField: \.$communeID, communeID: user.communeID, on: req.db)
        }
        let form = try req.content.decode(PersonForm.self)
        let input = OrganisationService.PersonInput(fullName: form.fullName ?? "", username: form.username ?? "",
                                                    password: form.password ?? "", position: form.position ?? "",
                                                    unitIds: uuids(form.unitIds), roles: form.roles ?? [],
                                                    joinedOn: form.joinedOn ?? "", leftOn: form.leftOn ?? "",
                                                    reportsWeekly: form.reportsWeekly.map { $0.contains("true") } ?? true,
                                                    phone: form.phone ?? "")
        do {
            _ = try await OrganisationService.savePerson(input, existing: existing, communeID: user.communeID, actorID: user.personID, now: req.now,
                                                         hash: { try await req.password.async.hash($0) }, on: req.db)
            return req.redirect(to: .admin(.people), notice: "saved")
        } catch let failure as ValidationFailure {
            return try await personForm(req, communeID: user.communeID, id: existing?.id, form: form,
                                        active: existing?.active ?? true, errors: .init(messages: failure.messages()),
                                        status: .unprocessableEntity)
        }
    }

    func togglePerson(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let person = try await OrganisationService.find(Person.self, req.parameters.get("id"), communeField: \.$communeID, communeID: user.communeID, on: req.db)
        let active = try req.content.decode(ToggleForm.self).active == "true"
        do {
            _ = try await OrganisationService.savePerson(.init(active: active), existing: person, communeID: user.communeID,
                                                         actorID: user.personID, now: req.now, hash: { try await req.password.async.hash($0) }, on: req.db)
        } catch let failure as ValidationFailure {
            throw AppError(.conflict, code: "conflict", message: failure.messages().values.first ?? req.t("form_has_errors"))
        }
        return req.redirect(to: .admin(.people), notice: "saved")
    }

    // MARK: Groups

    struct GroupRow: Encodable, Sendable {
        var id: String; var name: String; var aggregators: String; var memberCount: Int; var approver: String?; var active: Bool
        var editHref: String; var activeAction: String
    }
    struct GroupsView: Encodable, Sendable {
        var groups: [GroupRow]
        var newHref = SiteRoute.adminNew(.groups).path
    }
    struct GroupFormView: Encodable, Sendable {
        var id: String?; var name: String; var aggregators: [Choice]; var members: [Choice]; var approvers: [Choice]
        var active: Bool; var errors: FieldErrors
        var issuingBodies: [Choice] = []; var requiresApproval = false
        var action: String
        var cancelHref = SiteRoute.admin(.groups).path
    }
    struct GroupForm: Content {
        var name: String?; var aggregatorIds: [String]?; var memberIds: [String]?; var approverId: String?
        /// "party" or "state".
        var issuingBody: String? = nil
        /// "true" when ticked (a hidden "false" comes first).
        var requiresApproval: [String]? = nil
    }

    func groups(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let groups = try await OrganisationQueries.groups(communeID: user.communeID, on: req.db)
        let names = Dictionary(uniqueKeysWithValues: try await Person.query(on: req.db).filter(\.$communeID == user.communeID).all()
            .map { (try $0.requireID(), $0.fullName) })
        let rows = groups.map { group in
            GroupRow(id: group.id.canonicalText, name: group.name,
                     aggregators: group.aggregatorIds.compactMap { names[$0] }.joined(separator: ", "),
                     memberCount: group.memberIds.count, approver: group.approverId.flatMap { names[$0] }, active: group.active,
                     editHref: SiteRoute.adminItem(.groups, group.id).path, activeAction: SiteRoute.adminItemActive(.groups, group.id).path)
        }
        return try await render(req, "admin/groups", "groups_title", "groups", GroupsView(groups: rows))
    }

    private func groupForm(_ req: Request, communeID: UUID, id: UUID?, form: GroupForm, active: Bool, errors: FieldErrors,
                           status: HTTPResponseStatus = .ok) async throws -> Response {
        let approver = form.approverId.flatMap(UUID.init(uuidString:))
        var approvers = try await peopleChoices(req, communeID: communeID, selected: approver.map { [$0] } ?? [])
        approvers.insert(Choice(value: "", label: req.t("group_no_approver"), selected: approver == nil), at: 0)
        let view = GroupFormView(
            id: id?.canonicalText, name: form.name ?? "",
            aggregators: try await peopleChoices(req, communeID: communeID, selected: Set(uuids(form.aggregatorIds))),
            members: try await peopleChoices(req, communeID: communeID, selected: Set(uuids(form.memberIds))),
            approvers: approvers, active: active, errors: errors,
            issuingBodies: IssuingKind.allCases.map {
                Choice(value: $0.rawValue, label: req.t("group_issuer_" + $0.rawValue), selected: $0.rawValue == (form.issuingBody ?? "state"))
            },
            requiresApproval: form.requiresApproval?.contains("true") ?? (approver != nil),
            action: Self.formAction(.groups, id))
        return try await render(req, "admin/group-form", id == nil ? "group_new" : "group_edit", "groups", view, status: status)
    }

    func newGroup(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        return try await groupForm(req, communeID: user.communeID, id: nil, form: GroupForm(), active: true, errors: .init())
    }

    func editGroup(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let group = try await OrganisationService.find(ReportGroup.self, req.parameters.get("id"), communeField: \.$communeID, communeID: user.communeID, on: req.db)
        let dto = try await OrganisationQueries.groups(communeID: user.communeID, ids: [group.requireID()], on: req.db)[0]
        let form = GroupForm(name: dto.name, aggregatorIds: dto.aggregatorIds.map(\.canonicalText),
                             memberIds: dto.memberIds.map(\.canonicalText), approverId: dto.approverId?.canonicalText,
                             issuingBody: dto.issuingBody, requiresApproval: [dto.requiresApproval ? "true" : "false"])
        return try await groupForm(req, communeID: user.communeID, id: dto.id, form: form, active: dto.active, errors: .init())
    }

    func saveGroup(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let existing = try await req.parameters.get("id").asyncMap {
            try await OrganisationService.find(ReportGroup.self, $0, communeField: \.$communeID, communeID: user.communeID, on: req.db)
        }
        let form = try req.content.decode(GroupForm.self)
        let approver = form.approverId.flatMap(UUID.init(uuidString:))
        let input = OrganisationService.GroupInput(name: form.name ?? "", aggregatorIds: uuids(form.aggregatorIds),
                                                   memberIds: uuids(form.memberIds), approverId: approver,
                                                   clearApprover: approver == nil, issuingBody: form.issuingBody,
                                                   requiresApproval: form.requiresApproval.map { $0.contains("true") } ?? (approver != nil))
        do {
            _ = try await OrganisationService.saveGroup(input, existing: existing, communeID: user.communeID, on: req.db)
            return req.redirect(to: .admin(.groups), notice: "saved")
        } catch let failure as ValidationFailure {
            return try await groupForm(req, communeID: user.communeID, id: existing?.id, form: form,
                                       active: existing?.active ?? true, errors: .init(messages: failure.messages()),
                                       status: .unprocessableEntity)
        }
    }

    func toggleGroup(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let group = try await OrganisationService.find(ReportGroup.self, req.parameters.get("id"), communeField: \.$communeID, communeID: user.communeID, on: req.db)
        group.active = try req.content.decode(ToggleForm.self).active == "true"
        try await group.save(on: req.db)
        return req.redirect(to: .admin(.groups), notice: "saved")
    }

    // MARK: Rooms

    /// A room of the list: the API's room (`RoomDTO`) and where its page and its switch are.
    struct RoomRow: Encodable, Sendable {
        var id: UUID; var name: String; var capacity: Int; var active: Bool; var kind: String; var opensAt: String?; var closesAt: String?
        var editHref: String; var activeAction: String

        init(_ room: RoomDTO) {
            (id, name, capacity, active, kind, opensAt, closesAt) =
                (room.id, room.name, room.capacity, room.active, room.kind, room.opensAt, room.closesAt)
            editHref = SiteRoute.adminItem(.rooms, room.id).path
            activeAction = SiteRoute.adminItemActive(.rooms, room.id).path
        }
    }
    struct RoomsView: Encodable, Sendable {
        var rooms: [RoomRow]
        var newHref = SiteRoute.adminNew(.rooms).path
    }
    struct RoomFormView: Encodable, Sendable {
        var id: String?; var name: String; var capacity: String; var active: Bool; var errors: FieldErrors
        var kinds: [Choice] = []; var opensAt: String = ""; var closesAt: String = ""
        var action: String
        var cancelHref = SiteRoute.admin(.rooms).path
    }
    struct RoomForm: Content { var name: String?; var capacity: String?; var kind: String?; var opensAt: String?; var closesAt: String? }

    static func kindChoices(_ selected: String?) -> [Choice] {
        ScheduleResource.Kind.allCases.map { Choice(value: $0.rawValue, label: $0.vietnameseName, selected: $0.rawValue == (selected ?? "room")) }
    }

    func rooms(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let rooms = try await Room.query(on: req.db).filter(\.$communeID == user.communeID).all().sortedVietnamese(by: \.name).map { RoomRow(try RoomDTO($0)) }
        return try await render(req, "admin/rooms", "rooms_title", "rooms", RoomsView(rooms: rooms))
    }

    func newRoom(_ req: Request) async throws -> Response {
        try req.authorize(.manageOrganisation)
        return try await render(req, "admin/room-form", "room_new", "rooms",
                                RoomFormView(id: nil, name: "", capacity: "", active: true, errors: .init(), kinds: Self.kindChoices(nil),
                                             action: Self.formAction(.rooms, nil)))
    }

    func editRoom(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let room = try await OrganisationService.find(Room.self, req.parameters.get("id"), communeField: \.$communeID, communeID: user.communeID, on: req.db)
        return try await render(req, "admin/room-form", "room_edit", "rooms",
                                RoomFormView(id: room.id?.canonicalText, name: room.name, capacity: String(room.capacity), active: room.active,
                                             errors: .init(), kinds: Self.kindChoices(room.resourceKind), opensAt: room.opensAt ?? "",
                                             closesAt: room.closesAt ?? "", action: Self.formAction(.rooms, room.id)))
    }

    func saveRoom(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let existing = try await req.parameters.get("id").asyncMap {
            try await OrganisationService.find(Room.self, $0, communeField: \.$communeID, communeID: user.communeID, on: req.db)
        }
        let form = try req.content.decode(RoomForm.self)
        let capacityText = (form.capacity ?? "").trimmedWhitespace
        let capacity = VietnameseNumber.parse(capacityText).flatMap { value -> Int? in
            let whole = NSDecimalNumber(decimal: value).intValue
            return Decimal(whole) == value ? whole : nil
        }
        do {
            var input = OrganisationService.RoomInput(name: form.name ?? "", capacity: capacity, kind: form.kind ?? "room",
                                                      opensAt: form.opensAt ?? "", closesAt: form.closesAt ?? "")
            if capacity == nil { input.capacity = -1 }
            _ = try await OrganisationService.saveRoom(input, existing: existing, communeID: user.communeID, on: req.db)
            return req.redirect(to: .admin(.rooms), notice: "saved")
        } catch let failure as ValidationFailure {
            return try await render(req, "admin/room-form", existing == nil ? "room_new" : "room_edit", "rooms",
                                    RoomFormView(id: existing?.id?.canonicalText, name: form.name ?? "", capacity: form.capacity ?? "",
                                                 active: existing?.active ?? true, errors: .init(messages: failure.messages()),
                                                 kinds: Self.kindChoices(form.kind), opensAt: form.opensAt ?? "", closesAt: form.closesAt ?? "",
                                                 action: Self.formAction(.rooms, existing?.id)),
                                    status: .unprocessableEntity)
        }
    }

    func toggleRoom(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let room = try await OrganisationService.find(Room.self, req.parameters.get("id"), communeField: \.$communeID, communeID: user.communeID, on: req.db)
        room.active = try req.content.decode(ToggleForm.self).active == "true"
        try await room.save(on: req.db)
        return req.redirect(to: .admin(.rooms), notice: "saved")
    }

    // MARK: Cells

    struct CellRow: Encodable, Sendable {
        var id: String; var name: String; var supervisors: String; var active: Bool
        var editHref: String; var activeAction: String
    }
    struct CellsView: Encodable, Sendable {
        var cells: [CellRow]
        var newHref = SiteRoute.adminNew(.cells).path
    }
    struct CellFormView: Encodable, Sendable {
        var id: String?; var name: String; var supervisors: [Choice]; var active: Bool; var errors: FieldErrors
        var ruleKinds: [Choice]; var ruleDay: String; var ordinals: [Choice]; var weekdays: [Choice]; var ruleStart: String; var ruleEnd: String
        var action: String
        var cancelHref = SiteRoute.admin(.cells).path
    }
    /// `ruleKind` is "none", "day" (day `ruleDay` of the month) or "weekday" (the `ruleOrdinal`-th `ruleWeekday`).
    struct CellForm: Content {
        var name: String?; var supervisorIds: [String]?
        var ruleKind: String?; var ruleDay: String?; var ruleOrdinal: String?; var ruleWeekday: String?; var ruleStart: String?; var ruleEnd: String?

        init(name: String? = nil, supervisorIds: [String]? = nil, rule: CellMeetingRule? = nil) {
            self.name = name
            self.supervisorIds = supervisorIds
            guard let rule else { ruleKind = "none"; return }
            switch rule.day {
            case .dayOfMonth(let day): ruleKind = "day"; ruleDay = String(day)
            case .nthWeekday(let ordinal, let weekday): ruleKind = "weekday"; ruleOrdinal = String(ordinal); ruleWeekday = String(describing: weekday)
            }
            ruleStart = rule.start.text
            ruleEnd = rule.end.text
        }

        /// The meeting rule as the API takes it; nil for "none".
        var meetingRule: MeetingRuleDTO? {
            switch ruleKind {
            case "day":
                var dto = MeetingRuleDTO(dayOfMonth: Int((ruleDay ?? "").trimmedWhitespace) ?? 0)
                dto.start = (ruleStart ?? "").trimmedWhitespace; dto.end = (ruleEnd ?? "").trimmedWhitespace
                return dto
            case "weekday":
                var dto = MeetingRuleDTO(ordinal: Int(ruleOrdinal ?? "") ?? 0, weekday: ruleWeekday ?? "")
                dto.start = (ruleStart ?? "").trimmedWhitespace; dto.end = (ruleEnd ?? "").trimmedWhitespace
                return dto
            default:
                return nil
            }
        }
    }

    func cells(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let cells = try await OrganisationQueries.cells(communeID: user.communeID, on: req.db)
        let names = Dictionary(uniqueKeysWithValues: try await Person.query(on: req.db).filter(\.$communeID == user.communeID).all()
            .map { (try $0.requireID(), $0.fullName) })
        let rows = cells.map { CellRow(id: $0.id.canonicalText, name: $0.name,
                                       supervisors: $0.supervisorIds.compactMap { names[$0] }.joined(separator: ", "), active: $0.active,
                                       editHref: SiteRoute.adminItem(.cells, $0.id).path,
                                       activeAction: SiteRoute.adminItemActive(.cells, $0.id).path) }
        return try await render(req, "admin/cells", "cells_title", "cells", CellsView(cells: rows))
    }

    private func cellForm(_ req: Request, communeID: UUID, id: UUID?, form: CellForm, active: Bool, errors: FieldErrors,
                          status: HTTPResponseStatus = .ok) async throws -> Response {
        let kind = form.ruleKind ?? "none"
        let view = CellFormView(id: id?.canonicalText, name: form.name ?? "",
                                supervisors: try await peopleChoices(req, communeID: communeID, selected: Set(uuids(form.supervisorIds))),
                                active: active, errors: errors,
                                ruleKinds: [("none", "Chưa cố định"), ("day", "Theo ngày trong tháng"), ("weekday", "Theo thứ trong tuần")].map {
                                    Choice(value: $0.0, label: $0.1, selected: $0.0 == kind)
                                },
                                ruleDay: form.ruleDay ?? "",
                                ordinals: [("1", "Tuần thứ 1"), ("2", "Tuần thứ 2"), ("3", "Tuần thứ 3"), ("4", "Tuần thứ 4"), ("-1", "Tuần cuối")].map {
                                    Choice(value: $0.0, label: $0.1, selected: $0.0 == form.ruleOrdinal)
                                },
                                weekdays: Weekday.allCases.map { Choice(value: String(describing: $0), label: $0.vietnameseName,
                                                                        selected: String(describing: $0) == form.ruleWeekday) },
                                ruleStart: form.ruleStart ?? "", ruleEnd: form.ruleEnd ?? "", action: Self.formAction(.cells, id))
        return try await render(req, "admin/cell-form", id == nil ? "cell_new" : "cell_edit", "cells", view, status: status)
    }

    func newCell(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        return try await cellForm(req, communeID: user.communeID, id: nil, form: CellForm(), active: true, errors: .init())
    }

    func editCell(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let cell = try await OrganisationService.find(PartyCell.self, req.parameters.get("id"), communeField: \.$communeID, communeID: user.communeID, on: req.db)
        let dto = try await OrganisationQueries.cells(communeID: user.communeID, ids: [cell.requireID()], on: req.db)[0]
        return try await cellForm(req, communeID: user.communeID, id: dto.id,
                                  form: CellForm(name: dto.name, supervisorIds: dto.supervisorIds.map(\.canonicalText), rule: cell.meetingRule),
                                  active: dto.active, errors: .init())
    }

    func saveCell(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let existing = try await req.parameters.get("id").asyncMap {
            try await OrganisationService.find(PartyCell.self, $0, communeField: \.$communeID, communeID: user.communeID, on: req.db)
        }
        var form = try req.content.decode(CellForm.self)
        if form.ruleKind == nil { form.ruleKind = "none" }
        do {
            _ = try await OrganisationService.saveCell(.init(name: form.name ?? "", supervisorIds: uuids(form.supervisorIds),
                                                             meetingRule: form.meetingRule, clearMeetingRule: form.meetingRule == nil),
                                                       existing: existing, communeID: user.communeID, on: req.db)
            return req.redirect(to: .admin(.cells), notice: "saved")
        } catch let failure as ValidationFailure {
            var errors = FieldErrors(messages: failure.messages())
            if let rule = failure.arguments["meetingRule"] { errors["meetingRule"] = rule }
            return try await cellForm(req, communeID: user.communeID, id: existing?.id, form: form,
                                      active: existing?.active ?? true, errors: errors, status: .unprocessableEntity)
        }
    }

    func toggleCell(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let cell = try await OrganisationService.find(PartyCell.self, req.parameters.get("id"), communeField: \.$communeID, communeID: user.communeID, on: req.db)
        cell.active = try req.content.decode(ToggleForm.self).active == "true"
        try await cell.save(on: req.db)
        return req.redirect(to: .admin(.cells), notice: "saved")
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case .some(let value): return try await transform(value)
        case .none: return nil
        }
    }
}
