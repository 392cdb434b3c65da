import Foundation

/// A wall-clock time of day to the minute, 00:00 ... 23:59 (24:00 is not a valid value).
/// Codable as the string "HH:mm".
public struct LocalTime: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int

    public init?(hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// Parses "HH:mm" or "H:mm" (minutes always two digits). Outer whitespace is ignored.
    /// The Vietnamese notation used in official letters is accepted as well: "20h", "7h30", "16h05".
    public init?(string: String) {
        let b = Array(string.trimmedWhitespaceAndNewlines.utf8)
        let colon = b.firstIndex(of: UInt8(ascii: ":"))
        let hMark = b.firstIndex { $0 == UInt8(ascii: "h") || $0 == UInt8(ascii: "H") }
        if let colon {
            guard (1...2).contains(colon), b.count == colon + 3,
                  let h = ASCII.number(b[..<colon]), let m = ASCII.number(b[(colon + 1)...]) else { return nil }
            self.init(hour: h, minute: m)
        } else if let hMark {
            let minutes = b[(hMark + 1)...]
            guard (1...2).contains(hMark), minutes.isEmpty || minutes.count == 2,
                  let h = ASCII.number(b[..<hMark]) else { return nil }
            let m = minutes.isEmpty ? 0 : ASCII.number(minutes)
            guard let m else { return nil }
            self.init(hour: h, minute: m)
        } else {
            return nil
        }
    }

    /// Builds the time `minutes` after midnight; nil outside 0..<1440.
    public init?(minutesFromMidnight minutes: Int) {
        guard (0..<1440).contains(minutes) else { return nil }
        self.init(unchecked: minutes / 60, minutes % 60)
    }

    /// "20:00", "07:30".
    public var text: String { "\(ASCII.padded(hour, 2)):\(ASCII.padded(minute, 2))" }

    public var description: String { text }

    public var minutesFromMidnight: Int { hour * 60 + minute }

    public static let midnight = LocalTime(unchecked: 0, 0)

    public static func < (lhs: LocalTime, rhs: LocalTime) -> Bool {
        lhs.minutesFromMidnight < rhs.minutesFromMidnight
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let time = LocalTime(string: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Expected an HH:mm time, got \"\(text)\"")
        }
        self = time
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    /// For values known to be in range.
    init(unchecked hour: Int, _ minute: Int) {
        self.hour = hour
        self.minute = minute
    }
}
