import Foundation

/// Day of the week, numbered as in ISO 8601 (Monday = 1 … Sunday = 7). Codable as that number.
public enum Weekday: Int, CaseIterable, Codable, Sendable {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    /// "Thứ Hai" … "Thứ Bảy", "Chủ nhật".
    public var vietnameseName: String {
        switch self {
        case .monday: "Thứ Hai"
        case .tuesday: "Thứ Ba"
        case .wednesday: "Thứ Tư"
        case .thursday: "Thứ Năm"
        case .friday: "Thứ Sáu"
        case .saturday: "Thứ Bảy"
        case .sunday: "Chủ nhật"
        }
    }

    /// "T2" … "T7", "CN" (Vietnamese weekdays are counted from Sunday = day 1, so Monday is "thứ 2").
    public var shortVietnamese: String {
        self == .sunday ? "CN" : "T\(rawValue + 1)"
    }

    /// Lowercase English name, e.g. "saturday"; the value ``init(string:)`` accepts first.
    public var englishName: String {
        switch self {
        case .monday: "monday"
        case .tuesday: "tuesday"
        case .wednesday: "wednesday"
        case .thursday: "thursday"
        case .friday: "friday"
        case .saturday: "saturday"
        case .sunday: "sunday"
        }
    }

    /// Number of days from `self` forward to `other` (0...6).
    public func days(to other: Weekday) -> Int {
        LocalDate.floorMod(other.rawValue - rawValue, 7)
    }

    /// Parses, ignoring case and outer whitespace:
    /// - the English name ("saturday") or its three-letter abbreviation ("sat");
    /// - the ISO number "1"…"7" (Monday = 1);
    /// - the Vietnamese short form "T2"…"T7", "CN".
    public init?(string: String) {
        let s = string.trimmedWhitespaceAndNewlines.lowercased()
        for day in Weekday.allCases {
            if s == day.englishName || s == String(day.englishName.prefix(3))
                || s == String(day.rawValue) || s == day.shortVietnamese.lowercased() {
                self = day
                return
            }
        }
        return nil
    }
}
