import Foundation

/// A calendar feed in iCalendar format (RFC 5545) that phones' calendar apps subscribe to:
/// lines end in CRLF, long lines are folded at 75 octets, text is escaped, and times carry the
/// commune's zone (with a VTIMEZONE block so apps need not know it).
public enum ICalendar {
    public struct Event: Hashable, Sendable {
        public var uid: String
        public var date: LocalDate
        public var start: LocalTime
        public var end: LocalTime
        public var summary: String
        public var location: String?
        public var description: String?
        public init(uid: String, date: LocalDate, start: LocalTime, end: LocalTime, summary: String,
                    location: String? = nil, description: String? = nil) {
            self.uid = uid
            self.date = date
            self.start = start
            self.end = end
            self.summary = summary
            self.location = location
            self.description = description
        }
    }

    /// Escapes TEXT values: backslash, semicolon, comma and newlines.
    public static func escape(_ text: String) -> String {
        var result = ""
        for character in VietnameseText.nfc(text) {
            switch character {
            case "\\": result += "\\\\"
            case ";": result += "\\;"
            case ",": result += "\\,"
            case "\n", "\r\n", "\r": result += "\\n"
            default:
                if character.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) { result.append(character) }
            }
        }
        return result
    }

    /// Folds a content line so that no line is longer than 75 octets, never splitting a UTF-8
    /// character (continuation lines start with one space).
    public static func fold(_ line: String) -> String {
        var lines: [String] = []
        var current = ""
        var octets = 0
        for character in line {
            let size = String(character).utf8.count
            let limit = lines.isEmpty ? 75 : 74
            if octets + size > limit {
                lines.append(current)
                current = ""
                octets = 0
            }
            current.append(character)
            octets += size
        }
        lines.append(current)
        return lines.joined(separator: "\r\n ")
    }

    private static func stamp(_ date: LocalDate, _ time: LocalTime) -> String {
        String(format: "%04d%02d%02dT%02d%02d00", date.year, date.month, date.day, time.hour, time.minute)
    }

    /// The feed. `zone` must have a fixed offset or the VTIMEZONE gives its current offset only;
    /// `generatedAt` is the DTSTAMP (passed in: domain code never reads the clock).
    public static func calendar(name: String, events: [Event], zone: TimeZone, generatedAt: Date) -> String {
        let seconds = zone.secondsFromGMT(for: generatedAt)
        let offset = String(format: "%@%02d%02d", seconds < 0 ? "-" : "+", abs(seconds) / 3600, (abs(seconds) % 3600) / 60)
        let utc = TimeZone(identifier: "UTC")!
        let stampDate = LocalDate.inZone(generatedAt, utc)
        let stampSeconds = Int(generatedAt.timeIntervalSince1970) - stampDate.dayNumber * 86400
        let dtstamp = String(format: "%04d%02d%02dT%02d%02d%02dZ", stampDate.year, stampDate.month, stampDate.day,
                             stampSeconds / 3600, (stampSeconds % 3600) / 60, stampSeconds % 60)
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//GiaoBan//Lich cong tac tuan//VI", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "X-WR-CALNAME:" + escape(name), "X-WR-TIMEZONE:" + zone.identifier,
            "BEGIN:VTIMEZONE", "TZID:" + zone.identifier, "BEGIN:STANDARD", "DTSTART:19700101T000000",
            "TZOFFSETFROM:" + offset, "TZOFFSETTO:" + offset, "END:STANDARD", "END:VTIMEZONE",
        ]
        for event in events {
            lines += ["BEGIN:VEVENT", "UID:" + event.uid, "DTSTAMP:" + dtstamp,
                      "DTSTART;TZID=\(zone.identifier):" + stamp(event.date, event.start),
                      "DTEND;TZID=\(zone.identifier):" + stamp(event.date, event.end),
                      "SUMMARY:" + escape(event.summary)]
            if let location = event.location, !location.isEmpty { lines.append("LOCATION:" + escape(location)) }
            if let description = event.description, !description.isEmpty { lines.append("DESCRIPTION:" + escape(description)) }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }
}
