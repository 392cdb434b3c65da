import Foundation

/// Rendering of spreadsheet numbers as plain text.
enum NumberText {
    /// Shows a number the way a spreadsheet's "General" format does, without exponent:
    /// 320 → "320", 3.5 → "3.5", 0.1+0.2 → "0.3", 1e20 → "100000000000000000000".
    static func display(_ number: Double) -> String {
        guard number.isFinite else { return "#NUM!" }
        if number == number.rounded(), abs(number) < 1e15 {
            return String(Int64(number))
        }
        return decimal(from: number).map(plain) ?? String(number)
    }

    /// The number rounded to 15 significant digits, as an exact Decimal.
    static func decimal(from number: Double) -> Decimal? {
        guard number.isFinite else { return nil }
        if number == number.rounded(), abs(number) < 1e15 {
            return Decimal(Int64(number))
        }
        let text = String(format: "%.15g", number)
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// A Decimal in plain notation with "." as the decimal separator.
    static func plain(_ value: Decimal) -> String {
        var value = value
        if value.isZero { return "0" }
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 15, .plain)
        return rounded.description
    }

    /// Excel serial date → "dd/MM/yyyy", with " HH:mm" (or ":ss") when a time is asked for.
    /// `date1904` selects the Mac epoch. Nil when out of the range Excel supports.
    static func date(serial: Double, date1904: Bool, showDate: Bool, showTime: Bool, showSeconds: Bool) -> String? {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
        var days = Int(serial.rounded(.down))
        var seconds = Int(((serial - Double(days)) * 86_400).rounded())
        if seconds >= 86_400 { days += 1; seconds -= 86_400 }
        // Days since 1970-01-01.
        let unixDays: Int
        if date1904 {
            unixDays = days - 24_107 // 1904-01-01 is serial 0
        } else if days >= 61 {
            unixDays = days - 25_569 // 1899-12-30 epoch, past the fictitious 29/02/1900
        } else {
            unixDays = days - 25_568 // serials 1…59 (60 is the fictitious 29/02/1900)
        }
        let (year, month, day) = civil(fromDays: unixDays)
        var parts: [String] = []
        if showDate {
            if !date1904 && days == 60 {
                parts.append("29/02/1900")
            } else {
                parts.append(String(format: "%02d/%02d/%04d", day, month, year))
            }
        }
        if showTime {
            let hours = seconds / 3600, minutes = (seconds % 3600) / 60, secs = seconds % 60
            parts.append(showSeconds ? String(format: "%02d:%02d:%02d", hours, minutes, secs)
                                     : String(format: "%02d:%02d", hours, minutes))
        }
        return parts.joined(separator: " ")
    }

    /// Howard Hinnant's days-from-civil inverse.
    private static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// What a number format code asks for, as far as display strings care.
struct NumberFormatKind: Hashable {
    var isDate = false
    var hasTime = false
    var hasSeconds = false
    var hasDate = false
    var isPercent = false
    var isText = false

    static let general = NumberFormatKind()

    static func builtInCode(_ id: Int) -> String? {
        switch id {
        case 0: return nil
        case 1: return "0"
        case 2: return "0.00"
        case 3: return "#,##0"
        case 4: return "#,##0.00"
        case 9: return "0%"
        case 10: return "0.00%"
        case 11: return "0.00E+00"
        case 12: return "# ?/?"
        case 13: return "# ??/??"
        case 14: return "dd/mm/yyyy"
        case 15: return "d-mmm-yy"
        case 16: return "d-mmm"
        case 17: return "mmm-yy"
        case 18: return "h:mm AM/PM"
        case 19: return "h:mm:ss AM/PM"
        case 20: return "h:mm"
        case 21: return "h:mm:ss"
        case 22: return "dd/mm/yyyy h:mm"
        case 37: return "#,##0 ;(#,##0)"
        case 38: return "#,##0 ;[Red](#,##0)"
        case 39: return "#,##0.00;(#,##0.00)"
        case 40: return "#,##0.00;[Red](#,##0.00)"
        case 45: return "mm:ss"
        case 46: return "[h]:mm:ss"
        case 47: return "mmss.0"
        case 48: return "##0.0E+0"
        case 49: return "@"
        case 27...36, 50...58: return "dd/mm/yyyy" // East Asian date formats
        default: return nil
        }
    }

    init() {}

    init(code: String) {
        // Look only at the first section, without quoted text, escapes and [colour]/[$-locale] parts
        // (but keep elapsed-time brackets such as [h]).
        let firstSection = code.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? code
        var stripped = ""
        var inQuote = false
        var inBracket = false
        var bracket = ""
        var escapeNext = false
        for character in firstSection {
            if escapeNext { escapeNext = false; continue }
            if inQuote {
                if character == "\"" { inQuote = false }
                continue
            }
            if inBracket {
                if character == "]" {
                    inBracket = false
                    let lower = bracket.lowercased()
                    if ["h", "hh", "m", "mm", "s", "ss"].contains(lower) { stripped += lower }
                    bracket = ""
                } else {
                    bracket.append(character)
                }
                continue
            }
            switch character {
            case "\"": inQuote = true
            case "\\", "_", "*": escapeNext = true
            case "[": inBracket = true
            default: stripped.append(character)
            }
        }
        let lower = stripped.lowercased()
        if lower == "@" { isText = true; return }
        isPercent = lower.contains("%")
        let hasDay = lower.contains("d"), hasYear = lower.contains("y")
        let hasHour = lower.contains("h"), hasSecond = lower.contains("s")
        let hasMonthOrMinute = lower.contains("m")
        hasDate = hasDay || hasYear || (hasMonthOrMinute && !hasHour && !hasSecond)
        hasTime = hasHour || hasSecond || (hasMonthOrMinute && (hasHour || hasSecond))
        hasSeconds = hasSecond
        isDate = hasDate || hasTime
        if lower.contains("e+") || lower.contains("e-") { isDate = false; hasDate = false; hasTime = false }
    }
}
