import Fluent
import Foundation
import GiaoBanCore
import Vapor

// MARK: - API representations

/// A target as the API shows it. Absent values are JSON `null`, never missing keys.
struct TargetDTO: Content, Equatable {
    var id: UUID
    var year: Int
    var groupId: UUID
    var code: String
    var name: String
    var unitOfMeasure: String
    /// The annual plan; for yes/no targets 1 = Đạt (met), 0 = Chưa đạt.
    var planned: Decimal?
    var valueKind: String
    var yearToDateRule: String
    var responsibleUnitId: UUID?
    var responsiblePersonId: UUID?
    var active: Bool

    init(_ target: Target) throws {
        id = try target.requireID()
        year = target.year
        groupId = target.groupID
        code = target.code
        name = target.name
        unitOfMeasure = target.unitOfMeasure
        planned = try target.planned
        valueKind = target.valueKind.rawValue
        yearToDateRule = target.yearToDateRule.rawValue
        responsibleUnitId = target.responsibleUnitID
        responsiblePersonId = target.responsiblePersonID
        active = target.active
    }

    enum CodingKeys: String, CodingKey {
        case id, year, groupId, code, name, unitOfMeasure, planned, valueKind, yearToDateRule
        case responsibleUnitId, responsiblePersonId, active
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(year, forKey: .year)
        try c.encode(groupId, forKey: .groupId)
        try c.encode(code, forKey: .code)
        try c.encode(name, forKey: .name)
        try c.encode(unitOfMeasure, forKey: .unitOfMeasure)
        try c.encode(planned, forKey: .planned)
        try c.encode(valueKind, forKey: .valueKind)
        try c.encode(yearToDateRule, forKey: .yearToDateRule)
        try c.encode(responsibleUnitId, forKey: .responsibleUnitId)
        try c.encode(responsiblePersonId, forKey: .responsiblePersonId)
        try c.encode(active, forKey: .active)
    }
}

/// `GET /api/v1/targets/{id}/progress`: numbers are JSON numbers, `null` when there is none.
struct TargetProgressDTO: Content {
    var week: String
    var value: Decimal?
    var yearToDate: Decimal?
    var planned: Decimal?
    var percent: Decimal?

    init(_ progress: TargetProgress) {
        week = progress.week.description
        value = progress.weekValue
        yearToDate = progress.yearToDate
        planned = progress.planned
        percent = progress.percent
    }

    enum CodingKeys: String, CodingKey { case week, value, yearToDate, planned, percent }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(week, forKey: .week)
        try c.encode(value, forKey: .value)
        try c.encode(yearToDate, forKey: .yearToDate)
        try c.encode(planned, forKey: .planned)
        try c.encode(percent, forKey: .percent)
    }
}

/// A field of a change: left as it is, emptied, or set. JSON cannot tell "absent" from `null`
/// with plain optionals, and a PATCH needs both (`"planned": null` removes the plan).
enum FieldChange<Value: Sendable>: Sendable {
    case keep
    case clear
    case set(Value)
}

extension KeyedDecodingContainer {
    func change<Value: Decodable & Sendable>(_ type: Value.Type, forKey key: Key) throws -> FieldChange<Value> {
        guard contains(key) else { return .keep }
        if try decodeNil(forKey: key) { return .clear }
        return .set(try decode(Value.self, forKey: key))
    }
}

/// A plan value as the API accepts it: a number, `true`/`false` for yes/no targets, or text in
/// Vietnamese format ("1.850", "3,5", "Đạt").
struct PlanValueText: Decodable, Sendable {
    var text: String
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let bool = try? container.decode(Bool.self) { text = bool ? "1" : "0" }
        else if let number = try? container.decode(Decimal.self) { text = VietnameseNumber.format(number, maxFractionDigits: 6) }
        else { text = try container.decode(String.self) }
    }
}

/// The body of `POST /api/v1/targets` and `PATCH /api/v1/targets/{id}`.
struct TargetInputDTO: Decodable, Sendable {
    var year: Int?
    var groupId: UUID?
    var code: String?
    var name: String?
    var unitOfMeasure: String?
    var planned: FieldChange<PlanValueText>
    var valueKind: String?
    var yearToDateRule: String?
    var responsibleUnitId: FieldChange<UUID>
    var responsiblePersonId: FieldChange<UUID>
    var active: Bool?

    enum CodingKeys: String, CodingKey {
        case year, groupId, code, name, unitOfMeasure, planned, valueKind, yearToDateRule
        case responsibleUnitId, responsiblePersonId, active
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        year = try c.decodeIfPresent(Int.self, forKey: .year)
        groupId = try c.decodeIfPresent(UUID.self, forKey: .groupId)
        code = try c.decodeIfPresent(String.self, forKey: .code)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        unitOfMeasure = try c.decodeIfPresent(String.self, forKey: .unitOfMeasure)
        planned = try c.change(PlanValueText.self, forKey: .planned)
        valueKind = try c.decodeIfPresent(String.self, forKey: .valueKind)
        yearToDateRule = try c.decodeIfPresent(String.self, forKey: .yearToDateRule)
        responsibleUnitId = try c.change(UUID.self, forKey: .responsibleUnitId)
        responsiblePersonId = try c.change(UUID.self, forKey: .responsiblePersonId)
        active = try c.decodeIfPresent(Bool.self, forKey: .active)
    }

    var input: TargetService.Input {
        func text(_ change: FieldChange<UUID>) -> FieldChange<String> {
            switch change {
            case .keep: return .keep
            case .clear: return .clear
            case .set(let id): return .set(id.canonicalText)
            }
        }
        let plan: FieldChange<String>
        switch planned {
        case .keep: plan = .keep
        case .clear: plan = .clear
        case .set(let value): plan = .set(value.text)
        }
        return TargetService.Input(year: year.map(String.init), groupID: groupId?.canonicalText, code: code, name: name,
                                   unitOfMeasure: unitOfMeasure, planned: plan, valueKind: valueKind,
                                   yearToDateRule: yearToDateRule, responsibleUnitID: text(responsibleUnitId),
                                   responsiblePersonID: text(responsiblePersonId), active: active)
    }
}

// MARK: - Rules

/// Creating and changing targets, shared by the pages, the API and the import so that all apply
/// the same rules; every change is written with its audit entry in one transaction.
enum TargetService {
    static let years = 2000...2100
    static let maxCodeLength = 20
    static let maxNameLength = 300
    static let maxUnitLength = 50

    /// What a form or an API call asks to change. `nil` (or `.keep`) leaves a field as it is when
    /// editing; on create, the required fields must be there.
    struct Input: Sendable {
        var year: String?
        var groupID: String?
        var code: String?
        var name: String?
        var unitOfMeasure: String?
        var planned: FieldChange<String> = .keep
        var valueKind: String?
        var yearToDateRule: String?
        var responsibleUnitID: FieldChange<String> = .keep
        var responsiblePersonID: FieldChange<String> = .keep
        var active: Bool?
    }

    /// The clean values of a target, ready to be stored.
    struct Values: Sendable, Encodable, Equatable {
        var year: Int
        var groupID: UUID
        var code: String
        var name: String
        var unitOfMeasure: String
        var planned: Decimal?
        var valueKind: TargetValueKind
        var yearToDateRule: YearToDateRule
        var responsibleUnitID: UUID?
        var responsiblePersonID: UUID?
        var active: Bool

        init(year: Int, groupID: UUID, code: String, name: String, unitOfMeasure: String, planned: Decimal?,
             valueKind: TargetValueKind, yearToDateRule: YearToDateRule, responsibleUnitID: UUID?,
             responsiblePersonID: UUID?, active: Bool) {
            self.year = year
            self.groupID = groupID
            self.code = code
            self.name = name
            self.unitOfMeasure = unitOfMeasure
            self.planned = planned
            self.valueKind = valueKind
            self.yearToDateRule = yearToDateRule
            self.responsibleUnitID = responsibleUnitID
            self.responsiblePersonID = responsiblePersonID
            self.active = active
        }

        init(_ target: Target) throws {
            self.init(year: target.year, groupID: target.groupID, code: target.code, name: target.name,
                      unitOfMeasure: target.unitOfMeasure, planned: try target.planned, valueKind: target.valueKind,
                      yearToDateRule: target.yearToDateRule, responsibleUnitID: target.responsibleUnitID,
                      responsiblePersonID: target.responsiblePersonID, active: target.active)
        }

        func apply(to target: Target) {
            target.year = year
            target.groupID = groupID
            target.code = code
            target.name = name
            target.unitOfMeasure = unitOfMeasure
            target.setPlanned(planned)
            target.valueKind = valueKind
            target.yearToDateRule = yearToDateRule
            target.responsibleUnitID = responsibleUnitID
            target.responsiblePersonID = responsiblePersonID
            target.active = active
        }
    }

    /// A code is short and has no spaces ("KT01", "NTM-02").
    static func isValidCode(_ code: String) -> Bool {
        !code.isEmpty && code.count <= maxCodeLength && !code.contains(where: { $0.isWhitespace })
    }

    /// Text with runs of whitespace collapsed, in NFC.
    static func clean(_ raw: String?) -> String {
        VietnameseText.nfc(raw ?? "").split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// "Đạt"/"có"/"1" → 1, "Chưa đạt"/"không"/"0" → 0, for yes/no plans.
    static func yesNoValue(_ raw: String) -> Decimal? {
        let folded = VietnameseText.folded(raw)
        if ["dat", "co", "1", "yes", "true", "x"].contains(folded) { return 1 }
        if ["chua dat", "khong dat", "khong", "0", "no", "false"].contains(folded) { return 0 }
        return nil
    }

    static func defaultRule(for kind: TargetValueKind) -> YearToDateRule {
        kind == .yesNo ? .latest : .sum
    }

    /// Checks a plan against the value kind; adds the message key to `failure` when it does not fit.
    static func checkPlan(_ value: Decimal?, kind: TargetValueKind, into failure: inout ValidationFailure) {
        guard let value else { return }
        switch kind {
        case .yesNo:
            if value != 0 && value != 1 { failure.add("planned", "err_target_plan_yes_no") }
        case .count:
            if value < 0 { failure.add("planned", "err_target_plan") }
            else if !isWhole(value) { failure.add("planned", "err_target_plan_whole") }
        case .decimal:
            if value < 0 { failure.add("planned", "err_target_plan") }
        }
    }

    static func isWhole(_ value: Decimal) -> Bool {
        var input = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, 0, .plain)
        return rounded == value
    }

    /// Validates `input` against `existing` (nil when creating): returns the clean values, or throws
    /// a `ValidationFailure` (field → message key; a duplicate code is `err_target_code_taken`) or a
    /// 403 when the actor may not manage the target's group (old or new).
    static func validate(_ input: Input, existing: Target?, actor: Actor, on db: any Database) async throws -> Values {
        var failure = ValidationFailure()
        let communeID = actor.communeID

        // Year
        var year = existing?.year
        if let raw = input.year {
            let trimmed = raw.trimmedWhitespace
            if trimmed.isEmpty { failure.add("year", "err_required"); year = nil }
            else if let value = Int(trimmed), years.contains(value) { year = value }
            else { failure.add("year", "err_target_year"); year = nil }
        } else if existing == nil {
            failure.add("year", "err_required")
        }

        // Group: must be one of the commune's; the actor must manage it.
        var groupID = existing?.groupID
        if let raw = input.groupID {
            let trimmed = raw.trimmedWhitespace
            if trimmed.isEmpty { failure.add("groupId", "err_required"); groupID = nil }
            else if let id = UUID(uuidString: trimmed),
                    try await ReportGroup.query(on: db).filter(\.$id == id).filter(\.$communeID == communeID).count() == 1 {
                groupID = id
            } else {
                failure.add("groupId", "err_target_group"); groupID = nil
            }
        } else if existing == nil {
            failure.add("groupId", "err_required")
        }
        if let existing, !AccessPolicy.allows(actor, .manageTargets(groupID: existing.groupID)) { throw AppError.forbidden }
        if let groupID, !AccessPolicy.allows(actor, .manageTargets(groupID: groupID)) { throw AppError.forbidden }

        // Code, name, unit of measure
        var code = existing?.code ?? ""
        if let raw = input.code {
            code = VietnameseText.nfc(raw)
            if code.isEmpty { failure.add("code", "err_required") }
            else if !isValidCode(code) { failure.add("code", "err_target_code") }
        } else if existing == nil {
            failure.add("code", "err_required")
        }
        var name = existing?.name ?? ""
        if input.name != nil || existing == nil {
            name = clean(input.name)
            if name.isEmpty { failure.add("name", "err_required") }
            else if name.count > maxNameLength { failure.add("name", "err_too_long", argument: String(maxNameLength)) }
        }
        var unit = existing?.unitOfMeasure ?? ""
        if input.unitOfMeasure != nil || existing == nil {
            unit = clean(input.unitOfMeasure)
            if unit.isEmpty { failure.add("unitOfMeasure", "err_required") }
            else if unit.count > maxUnitLength { failure.add("unitOfMeasure", "err_too_long", argument: String(maxUnitLength)) }
        }

        // Kind and rule
        var kind = existing?.valueKind
        if let raw = input.valueKind {
            kind = TargetValueKind(rawValue: raw.trimmedWhitespace)
            if kind == nil { failure.add("valueKind", raw.isEmpty ? "err_required" : "err_target_kind") }
        } else if existing == nil {
            failure.add("valueKind", "err_required")
        }
        var rule = existing?.yearToDateRule
        if let raw = input.yearToDateRule, !raw.trimmedWhitespace.isEmpty {
            rule = YearToDateRule(rawValue: raw.trimmedWhitespace)
            if rule == nil { failure.add("yearToDateRule", "err_target_rule") }
        } else if rule == nil, let kind {
            rule = defaultRule(for: kind)
        }

        // Plan, read for the (possibly new) kind
        var planned = try existing?.planned
        switch input.planned {
        case .keep:
            break
        case .clear:
            planned = nil
        case .set(let raw):
            let text = raw.trimmedWhitespace
            if text.isEmpty {
                planned = nil
            } else if kind == .yesNo {
                planned = yesNoValue(text) ?? VietnameseNumber.parse(text)
                if planned == nil { failure.add("planned", "err_target_plan_yes_no") }
            } else if let value = VietnameseNumber.parse(text) {
                planned = value
            } else {
                failure.add("planned", "err_target_plan"); planned = nil
            }
        }
        if let kind { checkPlan(planned, kind: kind, into: &failure) }

        // Responsible unit and person: the commune's own, or nothing.
        let unitID = try await resolveReference(input.responsibleUnitID, current: existing?.responsibleUnitID, model: OrgUnit.self,
                                                communeField: \.$communeID, communeID: communeID, field: "responsibleUnitId",
                                                unknownKey: "err_unknown_unit", into: &failure, on: db)
        let personID = try await resolveReference(input.responsiblePersonID, current: existing?.responsiblePersonID, model: Person.self,
                                                  communeField: \.$communeID, communeID: communeID, field: "responsiblePersonId",
                                                  unknownKey: "err_unknown_person", into: &failure, on: db)

        // One code per year in the commune (letter case ignored: "kt01" is "KT01").
        if failure.fields["code"] == nil, failure.fields["year"] == nil, let year, !code.isEmpty {
            let sameYear = try await Target.query(on: db).filter(\.$communeID == communeID).filter(\.$year == year).all()
            if sameYear.contains(where: { $0.code.uppercased() == code.uppercased() && $0.id != existing?.id }) {
                failure.add("code", "err_target_code_taken")
            }
        }

        guard failure.isEmpty, let year, let groupID, let kind, let rule else { throw failure }
        return Values(year: year, groupID: groupID, code: code, name: name, unitOfMeasure: unit, planned: planned,
                      valueKind: kind, yearToDateRule: rule, responsibleUnitID: unitID, responsiblePersonID: personID,
                      active: input.active ?? existing?.active ?? true)
    }

    /// Creates or changes a target, with its audit entry, in one transaction.
    /// A reference to another record of the commune, as sent: kept, cleared, or set to an id that
    /// must name a record of the same commune.
    static func resolveReference<M: Model>(_ change: FieldChange<String>, current: UUID?, model: M.Type,
                                           communeField: KeyPath<M, FieldProperty<M, UUID>>, communeID: UUID, field: String,
                                           unknownKey: String, into failure: inout ValidationFailure,
                                           on db: any Database) async throws -> UUID? where M.IDValue == UUID {
        switch change {
        case .keep: return current
        case .clear: return nil
        case .set(let raw):
            let trimmed = raw.trimmedWhitespace
            if trimmed.isEmpty { return nil }
            if let id = UUID(uuidString: trimmed),
               try await M.query(on: db).filter(\._$id == id).filter(communeField == communeID).count() == 1 {
                return id
            }
            failure.add(field, unknownKey)
            return current
        }
    }

    static func save(_ input: Input, existing: Target?, actor: Actor, now: Date, on db: any Database) async throws -> Target {
        let values = try await validate(input, existing: existing, actor: actor, on: db)
        return try await db.transaction { db in
            let before = try existing.map(Values.init)
            let target: Target
            if let existing {
                target = existing
            } else {
                let last = try await Target.query(on: db).filter(\.$communeID == actor.communeID).filter(\.$year == values.year)
                    .sort(\.$sortOrder, .descending).first()
                target = Target(communeID: actor.communeID, year: values.year, groupID: values.groupID, code: values.code,
                                name: values.name, unitOfMeasure: values.unitOfMeasure, planned: values.planned,
                                valueKind: values.valueKind, yearToDateRule: values.yearToDateRule,
                                sortOrder: (last?.sortOrder ?? 0) + 1)
            }
            values.apply(to: target)
            try await target.save(on: db)
            if before != values {
                try await AuditTrail.record(on: db, communeID: actor.communeID, actorID: actor.personID, at: now, kind: "target",
                                            action: existing == nil ? "create" : "update", subjectID: try target.requireID(),
                                            before: before, after: values)
            }
            return target
        }
    }

    /// Whether a refusal is about a code already used that year (→ 409 in the API).
    static func isConflict(_ failure: ValidationFailure) -> Bool {
        failure.fields.values.contains("err_target_code_taken")
    }
}

// MARK: - Queries

enum TargetQueries {
    /// The commune's targets of a year (and group), in table order.
    static func list(communeID: UUID, year: Int?, groupID: UUID?, activeOnly: Bool = false, on db: any Database) async throws -> [Target] {
        var query = Target.query(on: db).filter(\.$communeID == communeID)
        if let year { query = query.filter(\.$year == year) }
        if let groupID { query = query.filter(\.$groupID == groupID) }
        if activeOnly { query = query.filter(\.$active == true) }
        return try await query.sort(\.$year).sort(\.$sortOrder).sort(\.$code).all()
    }

    static func find(_ rawID: String?, communeID: UUID, on db: any Database) async throws -> Target {
        try await OrganisationService.find(Target.self, rawID, communeField: \.$communeID, communeID: communeID, on: db)
    }

    /// The week a year's figures are shown for when none is asked: this week in the current
    /// year, the last week of a past year, the first week of a future one.
    static func defaultWeek(year: Int, calendar: CommuneCalendar, now: Date) -> ReportWeek {
        let current = calendar.week(containing: now)
        if current.id.year == year { return current }
        let weeks = calendar.weeks(inYear: year)
        if year < current.id.year, let last = weeks.last { return last }
        return weeks.first ?? current
    }

    /// The years that have targets, plus the current one, newest first.
    static func years(communeID: UUID, current: Int, on db: any Database) async throws -> [Int] {
        let targets = try await Target.query(on: db).filter(\.$communeID == communeID).field(\.$year).unique().all()
        return Array(Set(targets.map(\.year) + [current])).sorted(by: >)
    }

    /// Whether a target falls behind a straight line through the year (the rule is `PlanPace`).
    static func isBehind(_ target: Target, progress: TargetProgress?, week: ReportWeekID) throws -> Bool {
        guard target.year == week.year else { return false }
        return PlanPace.isBehind(yearToDate: progress?.yearToDate, planned: try target.planned, kind: target.valueKind,
                                 rule: target.yearToDateRule, week: week.week, weeksInYear: WeekNaming.weeksInISOYear(week.year))
    }
}
