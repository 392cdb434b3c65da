import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// A year's target (chỉ tiêu) of a report group (SPEC §6). Numbers are stored as canonical
/// decimal text ("3.5") so that hectares and million VND stay exact.
final class Target: Model, @unchecked Sendable {
    static let schema = "targets"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "year") var year: Int
    @Field(key: "group_id") var groupID: UUID
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "unit_of_measure") var unitOfMeasure: String
    @OptionalField(key: "planned_value") var plannedText: String?
    @Enum(key: "value_kind") var valueKind: TargetValueKind
    @Enum(key: "ytd_rule") var yearToDateRule: YearToDateRule
    @OptionalField(key: "responsible_unit_id") var responsibleUnitID: UUID?
    @OptionalField(key: "responsible_person_id") var responsiblePersonID: UUID?
    @Field(key: "position") var sortOrder: Int
    @Field(key: "active") var active: Bool

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [
            _id, _communeID, _year, _groupID, _code, _name, _unitOfMeasure, _plannedText, _valueKind, _yearToDateRule,
            _responsibleUnitID, _responsiblePersonID, _sortOrder, _active,
        ]
    }

    init() {}

    init(id: UUID? = nil, communeID: UUID, year: Int, groupID: UUID, code: String, name: String, unitOfMeasure: String,
         planned: Decimal?, valueKind: TargetValueKind, yearToDateRule: YearToDateRule,
         responsibleUnitID: UUID? = nil, responsiblePersonID: UUID? = nil, sortOrder: Int = 0, active: Bool = true) {
        self.id = id
        self.communeID = communeID
        self.year = year
        self.groupID = groupID
        self.code = code
        self.name = name
        self.unitOfMeasure = unitOfMeasure
        self.plannedText = planned.map(DecimalText.store)
        self.valueKind = valueKind
        self.yearToDateRule = yearToDateRule
        self.responsibleUnitID = responsibleUnitID
        self.responsiblePersonID = responsiblePersonID
        self.sortOrder = sortOrder
        self.active = active
    }

    /// The year's plan; throws `StoredDataError` when the stored text is not a decimal (never
    /// read as "no plan", which would hide the target's percentage).
    var planned: Decimal? {
        get throws { try plannedText.map { try storedDecimal($0, column: "planned_value", communeID: communeID) } }
    }

    func setPlanned(_ value: Decimal?) { plannedText = value.map(DecimalText.store) }
}

/// Decimals as text in the database: canonical, locale-free ("1850", "3.5", "-0.25").
enum DecimalText {
    static func store(_ value: Decimal) -> String {
        var value = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 6, .plain)
        return NSDecimalNumber(decimal: rounded).description(withLocale: Locale(identifier: "en_US_POSIX"))
    }

    /// The decimal `text` holds, or nil when it holds anything else. `Decimal(string:)` alone
    /// would read a prefix ("12abc" as 12, "1,5" as 1), so it only sees whole numbers in its own
    /// notation: more than 18 digits, or an exponent.
    static func load(_ text: String) -> Decimal? {
        if let value = plain(text) { return value }
        guard isNumber(text) else { return nil }
        return Decimal(string: text, locale: posix)
    }

    /// `-?digits(.digits)?([eE][+-]?digits)?`, the whole text.
    private static func isNumber(_ text: String) -> Bool {
        var bytes = text.utf8[...]
        func digits() -> Bool {
            let before = bytes.count
            while let byte = bytes.first, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { bytes = bytes.dropFirst() }
            return bytes.count < before
        }
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        guard digits() else { return false }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            guard digits() else { return false }
        }
        if let byte = bytes.first, byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard digits() else { return false }
        }
        return bytes.isEmpty
    }

    private static let posix = Locale(identifier: "en_US_POSIX")

    /// What `store` writes ("-1234.5": a sign, digits, a point), read without a locale or a
    /// scanner: a year of a group's figures is thousands of them per page. Nil for anything
    /// else (more than 18 digits, an exponent…), which `Decimal(string:)` then reads.
    static func plain(_ text: String) -> Decimal? {
        var significand: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var negative = false
        var seenPoint = false
        var first = true
        for byte in text.utf8 {
            defer { first = false }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard digits < 18 else { return nil }
                significand = significand * 10 + UInt64(byte - UInt8(ascii: "0"))
                if significand > 0 || seenPoint { digits += 1 }
                if seenPoint { fractionDigits += 1 }
            case UInt8(ascii: "-") where first: negative = true
            case UInt8(ascii: "."):
                guard !seenPoint else { return nil }
                seenPoint = true
            default: return nil
            }
        }
        guard digits > 0 || significand == 0, text.utf8.contains(where: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        // Trailing zeros of the fraction say nothing: 1.50 is 1.5, as the scanner reads it.
        while fractionDigits > 0, significand % 10 == 0, significand > 0 {
            significand /= 10
            fractionDigits -= 1
        }
        if significand == 0 { return Decimal(0) }
        return Decimal(sign: negative ? .minus : .plus, exponent: -fractionDigits, significand: Decimal(significand))
    }

    /// A stored decimal, or a `StoredDataError` naming where it was read from: text that is not a
    /// decimal is damaged data, and reading it as 0 would quietly change a year-to-date.
    static func stored(_ text: String, table: String, column: String, rowID: UUID?, communeID: UUID?) throws -> Decimal {
        guard let value = load(text) else {
            throw StoredDataError(table: table, column: column, rowID: rowID, communeID: communeID,
                                  underlying: "not a decimal: \"\(text.prefix(40))\"")
        }
        return value
    }
}

/// An activity type of the "other work" lines (báo cáo, công văn, tuyên truyền…), so totals can
/// be counted per type.
final class ActivityType: Model, @unchecked Sendable {
    static let schema = "activity_types"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "default_unit") var defaultUnit: String
    @Field(key: "active") var active: Bool

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] { [_id, _communeID, _code, _name, _defaultUnit, _active] }

    init() {}
    init(communeID: UUID, code: String, name: String, defaultUnit: String, active: Bool = true) {
        self.communeID = communeID
        self.code = code
        self.name = name
        self.defaultUnit = defaultUnit
        self.active = active
    }
}

struct CreateTargets: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Target.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("year", .int, .required)
            .field("group_id", .uuid, .required, .references(ReportGroup.schema, "id"))
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("unit_of_measure", .string, .required)
            .field("planned_value", .string)
            .field("value_kind", .string, .required)
            .field("ytd_rule", .string, .required)
            .field("responsible_unit_id", .uuid, .references(OrgUnit.schema, "id"))
            .field("responsible_person_id", .uuid, .references(Person.schema, "id"))
            .field("position", .int, .required)
            .field("active", .bool, .required)
            .unique(on: "commune_id", "year", "code")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(Target.schema).delete() }
}

struct CreateActivityTypes: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(ActivityType.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("default_unit", .string, .required)
            .field("active", .bool, .required)
            .unique(on: "commune_id", "code")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(ActivityType.schema).delete() }
}
