import Foundation

/// A calendar day in the proleptic Gregorian calendar, with no time and no time zone.
///
/// All day arithmetic is done on `dayNumber` (days since 1970-01-01) with integer formulas, so a
/// `LocalDate` never depends on the process time zone, locale or `Calendar.current`.
/// The only bridge to instants is ``inZone(_:_:)``, which always takes an explicit zone.
public struct LocalDate: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Validates the day against the month length (leap years included). Years are limited to
    /// 1...9999 so that every valid date has a four-digit `iso` form.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= LocalDate.daysInMonth(year: year, month: month) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Builds the date `dayNumber` days after 1970-01-01 (negative numbers go back in time).
    /// Unlike the validating initialiser this never fails; years outside 1...9999 are possible.
    public init(dayNumber: Int) {
        // Howard Hinnant's civil_from_days: eras of 400 years (146 097 days) starting 0000-03-01.
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// Parses `yyyy-MM-dd` strictly: exactly ten ASCII characters, zero-padded, no whitespace.
    public init?(iso: String) {
        let b = Array(iso.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let y = ASCII.number(b[0..<4]), let m = ASCII.number(b[5..<7]), let d = ASCII.number(b[8..<10])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Parses the Vietnamese `dd/MM/yyyy` form, also unpadded `d/M/yyyy`. Outer whitespace is
    /// ignored (this is what people type into forms); the year must have four digits.
    public init?(vietnamese: String) {
        let parts = vietnamese.trimmedWhitespaceAndNewlines
            .split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3,
              (1...2).contains(parts[0].utf8.count), (1...2).contains(parts[1].utf8.count), parts[2].utf8.count == 4,
              let d = ASCII.number(parts[0].utf8), let m = ASCII.number(parts[1].utf8), let y = ASCII.number(parts[2].utf8)
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// `2021-08-14`.
    public var iso: String {
        "\(ASCII.padded(year, 4))-\(ASCII.padded(month, 2))-\(ASCII.padded(day, 2))"
    }

    /// `14/08/2021`.
    public var vietnamese: String {
        "\(ASCII.padded(day, 2))/\(ASCII.padded(month, 2))/\(ASCII.padded(year, 4))"
    }

    /// `14/08`.
    public var dayMonth: String {
        "\(ASCII.padded(day, 2))/\(ASCII.padded(month, 2))"
    }

    public var description: String { iso }

    /// Days since 1970-01-01 (negative before it).
    public var dayNumber: Int {
        // Howard Hinnant's days_from_civil, the inverse of init(dayNumber:).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public func adding(days: Int) -> LocalDate {
        LocalDate(dayNumber: dayNumber + days)
    }

    public var weekday: Weekday {
        // 1970-01-01 was a Thursday (ISO weekday 4).
        Weekday(rawValue: LocalDate.floorMod(dayNumber + 3, 7) + 1)!
    }

    /// 1 for 1 January.
    public var dayOfYear: Int {
        dayNumber - LocalDate(unchecked: year, 1, 1).dayNumber + 1
    }

    /// The calendar day that `instant` falls on in `zone` (uses the zone's offset at that instant,
    /// so daylight saving time is respected).
    public static func inZone(_ instant: Date, _ zone: TimeZone) -> LocalDate {
        let local = ZoneMath.localSeconds(of: instant, in: zone)
        return LocalDate(dayNumber: floorDiv(local, 86_400))
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// Number of days in `month` (1...12) of `year`; 0 for an invalid month.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeapYear(year) ? 29 : 28
        default: return 0
        }
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    // MARK: Codable as "yyyy-MM-dd"

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = LocalDate(iso: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Expected a yyyy-MM-dd date, got \"\(text)\"")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }

    // MARK: Internals

    /// For dates known to be valid by construction (no validation, no optional).
    init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func floorMod(_ a: Int, _ b: Int) -> Int {
        a - floorDiv(a, b) * b
    }
}

/// Small ASCII helpers shared by the strict parsers and formatters (no locale involved).
public enum ASCII {
    /// The upper-case hex digit of a value 0...15 (ids and percent-encoding spell bytes with them).
    public static func upperHexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10
    }

    /// Decimal value of a non-empty run of ASCII digits; nil if any byte is not `0`...`9`.
    static func number<S: Sequence>(_ bytes: S) -> Int? where S.Element == UInt8 {
        var value = 0
        var count = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), count < 18 else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            count += 1
        }
        return count > 0 ? value : nil
    }

    /// `value` written with at least `width` digits (zero-padded); the sign goes in front.
    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let pad = String(repeating: "0", count: max(0, width - digits.count))
        return (value < 0 ? "-" : "") + pad + digits
    }
}
