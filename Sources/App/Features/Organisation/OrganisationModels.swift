import Fluent
import NIOConcurrencyHelpers
import Foundation
import GiaoBanCore
import Vapor

/// A commune (xã): one tenant. Everything else belongs to exactly one.
final class Commune: Model, @unchecked Sendable {
    static let schema = "communes"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    /// The calendar regime (zone, week start, deadlines, meeting slots) as JSON, so that a commune
    /// can run its own without a migration per setting.
    @Field(key: "calendar_json") var calendarJSON: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    /// The district or province this commune reports to (itself a row here, holding the regional
    /// accounts); nil for a commune on its own.
    @OptionalField(key: "region_id") var regionID: UUID?
    /// The days off the office confirmed, by year, as JSON (`{"2021": [DayOff…]}`); years not
    /// listed use the statutory suggestion.
    @Field(key: "days_off_json") var daysOffJSON: String
    /// The letterheads' parent bodies, printed above the issuer's name (Decree 30, Guideline 36):
    /// e.g. "ĐẢNG BỘ TỈNH HÀ TĨNH" and "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH". Nil: not set.
    @OptionalField(key: "party_parent_body") var partyParentBody: String?
    @OptionalField(key: "state_parent_body") var stateParentBody: String?
    /// The issuers' own names; nil: "ĐẢNG ỦY XÃ …" and "ỦY BAN NHÂN DÂN XÃ …" from the commune's name.
    @OptionalField(key: "party_body") var partyBody: String?
    @OptionalField(key: "state_body") var stateBody: String?
    /// The admin chose reminders inside the app only (no webhook, no e-mail): the setup checklist
    /// counts the reminder channels as done.
    @Field(key: "in_app_reminders_accepted") var inAppRemindersAccepted: Bool

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [
            _id, _name, _calendarJSON, _createdAt, _regionID, _daysOffJSON, _partyParentBody, _stateParentBody, _partyBody,
            _stateBody, _inAppRemindersAccepted,
        ]
    }

    init() {}
    init(id: UUID? = nil, name: String, settings: CalendarSettings = .letterDefaults) {
        self.id = id
        self.name = name
        self.calendarJSON = Commune.encode(settings)
        self.daysOffJSON = "{}"
        self.inAppRemindersAccepted = false
    }

    /// The calendar regime; throws `StoredDataError` when the stored JSON does not decode (a
    /// default would be another zone and other deadlines, so another ledger, without a word).
    var calendarSettings: CalendarSettings {
        get throws { try decodeStored(CalendarSettings.self, from: calendarJSON, column: "calendar_json", communeID: id) }
    }

    func setCalendarSettings(_ settings: CalendarSettings) {
        calendarJSON = Commune.encode(settings)
    }

    /// The confirmed days off, by year; throws `StoredDataError` when the stored JSON does not decode.
    var confirmedDaysOff: [Int: [DayOff]] {
        get throws {
            let byYear = try decodeStored([String: [DayOff]].self, from: daysOffJSON, column: "days_off_json", communeID: id)
            return Dictionary(uniqueKeysWithValues: byYear.compactMap { key, days in Int(key).map { ($0, days) } })
        }
    }

    func setConfirmedDaysOff(_ daysOff: [Int: [DayOff]]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let byYear = Dictionary(uniqueKeysWithValues: daysOff.map { (String($0.key), $0.value.sorted { $0.date < $1.date }) })
        daysOffJSON = String(decoding: (try? encoder.encode(byYear)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Every rule of time of this commune: its regime and its days off. Every deadline, briefing
    /// and ledger row is computed from this one value, so days off apply everywhere at once.
    /// A signed-in request reads `CurrentUser.calendar`, taken once with the signed-in context.
    var calendar: CommuneCalendar {
        get throws {
            try DecodedCalendars.shared.calendar(settingsJSON: calendarJSON, daysOffJSON: daysOffJSON) {
                CommuneCalendar(settings: try calendarSettings, daysOff: DaysOffSchedule(confirmedYears: try confirmedDaysOff))
            }
        }
    }

    private static func encode(_ settings: CalendarSettings) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(settings)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

enum UnitKind: String, Codable, CaseIterable, Sendable {
    case party, council, committee, front, association, field

    var vietnameseName: String {
        switch self {
        case .party: return "Đảng ủy"
        case .council: return "Hội đồng nhân dân"
        case .committee: return "Ủy ban nhân dân"
        case .front: return "Mặt trận Tổ quốc"
        case .association: return "Hội, đoàn thể"
        case .field: return "Lĩnh vực chuyên môn"
        }
    }
}

/// A unit: Party Committee, People's Council, a specialist field, an association…
final class OrgUnit: Model, @unchecked Sendable {
    static let schema = "units"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "name") var name: String
    @Enum(key: "kind") var kind: UnitKind
    @Field(key: "active") var active: Bool

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] { [_id, _communeID, _name, _kind, _active] }

    init() {}
    init(id: UUID? = nil, communeID: UUID, name: String, kind: UnitKind, active: Bool = true) {
        self.id = id
        self.communeID = communeID
        self.name = name
        self.kind = kind
        self.active = active
    }
}

/// An official with an account. Roles are stored as text so the role list can grow
/// without a schema change; aggregating and supervising come from groups and cells.
final class Person: Model, @unchecked Sendable {
    static let schema = "people"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "full_name") var fullName: String
    /// Lowercased, diacritics removed: what search and sorting use.
    @Field(key: "folded_name") var foldedName: String
    @Field(key: "username") var username: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "roles") var roleList: String
    @OptionalField(key: "position") var position: String?
    @Field(key: "active") var active: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    /// First working day (yyyy-MM-dd); weeks that ended before it do not count in the ledger.
    @OptionalField(key: "joined_on") var joinedOn: String?
    /// Last working day (yyyy-MM-dd); reports due after it are not owed.
    @OptionalField(key: "left_on") var leftOn: String?
    /// False for the leaders whose work the office compiles (the letter: "Thường trực Đảng ủy và
    /// lãnh đạo UBND do Văn phòng tổng hợp"): they owe no weekly report.
    @Field(key: "reports_weekly") var reportsWeekly: Bool
    /// True while the password is a one-time password from a login slip: every page sends the
    /// person to choose their own first.
    @Field(key: "must_change_password") var mustChangePassword: Bool
    /// Digits as the staff list gave them ("0912345678"); nil when unknown.
    @OptionalField(key: "phone") var phone: String?

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [
            _id, _communeID, _fullName, _foldedName, _username, _passwordHash, _roleList, _position, _active,
            _createdAt, _joinedOn, _leftOn, _reportsWeekly, _mustChangePassword, _phone,
        ]
    }

    /// What the person owes as a weekly reporter.
    var reportingDuty: ReportingDuty {
        Self.reportingDuty(joinedOn: joinedOn, leftOn: leftOn, reportsWeekly: reportsWeekly)
    }

    /// The duty from the stored columns (ISO dates as text), for reads that select only those.
    static func reportingDuty(joinedOn: String?, leftOn: String?, reportsWeekly: Bool) -> ReportingDuty {
        ReportingDuty(joinedOn: joinedOn.flatMap(LocalDate.init(iso:)), leftOn: leftOn.flatMap(LocalDate.init(iso:)),
                      reportsWeekly: reportsWeekly)
    }

    init() {}
    init(id: UUID? = nil, communeID: UUID, fullName: String, username: String, passwordHash: String,
         roles: Set<Role>, position: String? = nil, active: Bool = true) {
        self.id = id
        self.communeID = communeID
        self.fullName = fullName
        self.foldedName = VietnameseText.folded(fullName)
        self.username = username
        self.passwordHash = passwordHash
        self.roleList = Person.encodeRoles(roles)
        self.position = position
        self.active = active
        self.reportsWeekly = true
        self.mustChangePassword = false
    }

    var roles: Set<Role> {
        get { Set(roleList.split(separator: ",").compactMap { Role(rawValue: String($0)) }) }
        set { roleList = Person.encodeRoles(newValue) }
    }

    func rename(_ fullName: String) {
        self.fullName = fullName
        self.foldedName = VietnameseText.folded(fullName)
    }

    static func encodeRoles(_ roles: Set<Role>) -> String {
        roles.sorted().map(\.rawValue).joined(separator: ",")
    }
}

final class PersonUnit: Model, @unchecked Sendable {
    static let schema = "person_units"
    @ID(key: .id) var id: UUID?
    @Field(key: "person_id") var personID: UUID
    @Field(key: "unit_id") var unitID: UUID

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] { [_id, _personID, _unitID] }

    init() {}
    init(personID: UUID, unitID: UUID) { self.personID = personID; self.unitID = unitID }
}

/// A report group (nhóm báo cáo): who compiles, who reports, who approves (SPEC §4).
final class ReportGroup: Model, @unchecked Sendable {
    static let schema = "report_groups"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "name") var name: String
    @OptionalField(key: "approver_id") var approverID: UUID?
    @Field(key: "active") var active: Bool
    @Field(key: "position") var sortOrder: Int
    /// Who issues the group's documents: "party" (the Party Committee) or "state" (the People's
    /// Committee). A setting of the group, not a guess from its name.
    @Field(key: "issuing_body") var issuingBody: String
    /// The group's compiled week goes to an approver (the Covid group): the setup checklist asks
    /// for one until it is named.
    @Field(key: "requires_approval") var requiresApproval: Bool

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [_id, _communeID, _name, _approverID, _active, _sortOrder, _issuingBody, _requiresApproval]
    }

    var issuingKind: IssuingKind { IssuingKind(rawValue: issuingBody) ?? .state }

    init() {}
    init(id: UUID? = nil, communeID: UUID, name: String, approverID: UUID? = nil, active: Bool = true, sortOrder: Int = 0) {
        self.id = id
        self.communeID = communeID
        self.name = name
        self.approverID = approverID
        self.active = active
        self.sortOrder = sortOrder
        self.issuingBody = IssuingKind.state.rawValue
        self.requiresApproval = approverID != nil
    }
}

/// One person's place in a group: an aggregator or a member (a person may be both).
final class GroupMembership: Model, @unchecked Sendable {
    static let schema = "group_memberships"
    enum Kind: String, Codable, Sendable { case aggregator, member }
    @ID(key: .id) var id: UUID?
    @Field(key: "group_id") var groupID: UUID
    @Field(key: "person_id") var personID: UUID
    @Enum(key: "kind") var kind: Kind

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] { [_id, _groupID, _personID, _kind] }

    init() {}
    init(groupID: UUID, personID: UUID, kind: Kind) { self.groupID = groupID; self.personID = personID; self.kind = kind }
}

/// A meeting room or another bookable resource.
final class Room: Model, @unchecked Sendable {
    static let schema = "rooms"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "name") var name: String
    @Field(key: "capacity") var capacity: Int
    @Field(key: "active") var active: Bool
    /// "room", "equipment" (projector, loudspeaker) or "vehicle"; nil is a room.
    @OptionalField(key: "resource_kind") var resourceKind: String?
    /// Opening hours ("HH:mm"); items outside them are flagged on the schedule.
    @OptionalField(key: "opens_at") var opensAt: String?
    @OptionalField(key: "closes_at") var closesAt: String?

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [
            _id, _communeID, _name, _capacity, _active, _resourceKind, _opensAt, _closesAt,
        ]
    }

    init() {}
    init(id: UUID? = nil, communeID: UUID, name: String, capacity: Int, active: Bool = true) {
        self.id = id
        self.communeID = communeID
        self.name = name
        self.capacity = capacity
        self.active = active
    }
}

/// A party cell (chi bộ) with the committee members in charge of it.
final class PartyCell: Model, @unchecked Sendable {
    static let schema = "party_cells"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "name") var name: String
    @Field(key: "active") var active: Bool
    /// When the cell holds its regular monthly meeting (`CellMeetingRule` as JSON); nil if unknown.
    @OptionalField(key: "meeting_rule_json") var meetingRuleJSON: String?

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] { [_id, _communeID, _name, _active, _meetingRuleJSON] }

    init() {}
    init(id: UUID? = nil, communeID: UUID, name: String, active: Bool = true) {
        self.id = id
        self.communeID = communeID
        self.name = name
        self.active = active
    }

    /// Nil when unknown (no JSON); throws `StoredDataError` when the JSON is there but does not decode.
    var meetingRule: CellMeetingRule? {
        get throws {
            try meetingRuleJSON.map { try decodeStored(CellMeetingRule.self, from: $0, column: "meeting_rule_json", communeID: communeID) }
        }
    }

    func setMeetingRule(_ rule: CellMeetingRule?) {
        meetingRuleJSON = rule.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) }
    }
}

final class CellSupervisor: Model, @unchecked Sendable {
    static let schema = "cell_supervisors"
    @ID(key: .id) var id: UUID?
    @Field(key: "cell_id") var cellID: UUID
    @Field(key: "person_id") var personID: UUID

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] { [_id, _cellID, _personID] }

    init() {}
    init(cellID: UUID, personID: UUID) { self.cellID = cellID; self.personID = personID }
}

extension Sequence where Element == ReportGroup {
    /// Groups as every list shows them: the order the admin set, then the name in Vietnamese order.
    var inDisplayOrder: [ReportGroup] {
        map { (order: $0.sortOrder, key: VietnameseCollation.key($0.name), group: $0) }
            .sorted { ($0.order, $0.key) < ($1.order, $1.key) }.map(\.group)
    }
}

/// Calendars already decoded, keyed by the exact stored text they were decoded from. Every request
/// needs its commune's calendar, and decoding two JSON columns is a measurable part of a page; the
/// key is the content itself, so an entry can never be stale and no write has to tell this about a
/// change (a changed column is a new key). Bounded: emptied when full.
final class DecodedCalendars: Sendable {
    static let shared = DecodedCalendars()
    /// By the exact text of both columns (`ExactText`: hashed by bytes, as it is on every request).
    private let entries = NIOLockedValueBox<[ExactText: CommuneCalendar]>([:])
    private let capacity = 2_000

    func calendar(settingsJSON: String, daysOffJSON: String, decode: () throws -> CommuneCalendar) throws -> CommuneCalendar {
        let key = ExactText(settingsJSON, daysOffJSON)
        if let known = entries.withLockedValue({ $0[key] }) { return known }
        let decoded = try decode()
        entries.withLockedValue { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = decoded
        }
        return decoded
    }
}
