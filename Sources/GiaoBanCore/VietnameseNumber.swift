import Foundation

/// Numbers as Vietnamese people write them: "." groups thousands, "," marks decimals ("1.234,5").
public enum VietnameseNumber {
    /// Parses a number typed in a form. Outer whitespace is ignored; a leading "-" is allowed.
    ///
    /// - With a comma: the comma is the (single) decimal mark and dots may only group thousands
    ///   before it: "1.234,5" → 1234.5, "3,5" → 3.5, "1,2,3" → nil.
    /// - Without a comma, dots that form valid thousands groups are separators ("1.850" → 1850,
    ///   "1.234.567" → 1234567); a group is valid when the first group has 1–3 digits and does
    ///   not start with 0, and every later group has exactly 3 digits. Otherwise a single dot is a
    ///   decimal point ("2.5" → 2.5, "1234.5" → 1234.5, "0.500" → 0.5), as typed on an
    ///   English keyboard or pasted from a spreadsheet.
    /// - Nothing else: no exponent ("1e5"), no spaces inside, no leading or trailing separator
    ///   (",5", "5,", ".5"), no "+". Empty → nil.
    public static func parse(_ text: String) -> Decimal? {
        var body = Substring(text.trimmedWhitespaceAndNewlines)
        let negative = body.first == "-"
        if negative { body = body.dropFirst() }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == ",") }) else { return nil }

        let commaParts = body.split(separator: ",", omittingEmptySubsequences: false)
        let integerDigits: String
        let fractionDigits: String
        switch commaParts.count {
        case 1:
            let dotParts = body.split(separator: ".", omittingEmptySubsequences: false)
            if dotParts.count == 1 {
                integerDigits = String(body)
                fractionDigits = ""
            } else if isThousandsGrouping(dotParts) {
                integerDigits = dotParts.joined()
                fractionDigits = ""
            } else if dotParts.count == 2, !dotParts[0].isEmpty, !dotParts[1].isEmpty {
                integerDigits = String(dotParts[0])
                fractionDigits = String(dotParts[1])
            } else {
                return nil
            }
        case 2:
            let dotParts = commaParts[0].split(separator: ".", omittingEmptySubsequences: false)
            guard !commaParts[0].isEmpty, !commaParts[1].isEmpty, !commaParts[1].contains("."),
                  dotParts.count == 1 || isThousandsGrouping(dotParts) else { return nil }
            integerDigits = dotParts.joined()
            fractionDigits = String(commaParts[1])
        default:
            return nil
        }
        // Decimal holds 38 significant digits; refuse longer input rather than silently round it.
        guard integerDigits.count + fractionDigits.count <= 38 else { return nil }
        let plain = (negative ? "-" : "") + integerDigits + (fractionDigits.isEmpty ? "" : "." + fractionDigits)
        guard let value = Decimal(string: plain, locale: posix), !value.isNaN else { return nil }
        return value.isZero ? 0 : value
    }

    /// Formats with "." thousands groups and "," decimals, rounded (half away from zero) to at most
    /// `maxFractionDigits` decimals, trailing zeros dropped: 1234.5 → "1.234,5", 1850 → "1.850",
    /// 0.25 → "0,25", -3 → "-3". Never "-0". NaN gives "".
    public static func format(_ value: Decimal, maxFractionDigits: Int = 2) -> String {
        guard !value.isNaN else { return "" }
        var input = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, max(0, maxFractionDigits), .plain)
        let negative = rounded < 0
        // Decimal's description is plain positional notation with "." (locale-independent).
        let text = (negative ? -rounded : rounded).description
        // Bytes, not characters: a page formats hundreds of figures, and walking a `String` by
        // `Character` (and counting it at each digit) cost more than the arithmetic.
        let digits = Array(text.utf8)
        let point = digits.firstIndex(of: UInt8(ascii: ".")) ?? digits.endIndex
        var fractionEnd = digits.endIndex
        while fractionEnd > point + 1, digits[fractionEnd - 1] == UInt8(ascii: "0") { fractionEnd -= 1 }
        var formatted: [UInt8] = []
        formatted.reserveCapacity(digits.count + point / 3 + 2)
        if negative { formatted.append(UInt8(ascii: "-")) }
        for index in 0..<point {
            if index > 0, (point - index) % 3 == 0 { formatted.append(UInt8(ascii: ".")) }
            formatted.append(digits[index])
        }
        if fractionEnd > point + 1 {
            formatted.append(UInt8(ascii: ","))
            formatted.append(contentsOf: digits[(point + 1)..<fractionEnd])
        }
        return String(decoding: formatted, as: UTF8.self)
    }

    /// Decimals a stored figure keeps (the database keeps figures as text rounded to this).
    public static let storedFractionDigits = 6

    /// Whether `value` is kept as it is: no more than `storedFractionDigits` decimals. A number
    /// with more would be rounded when stored (0,0000000001 would become 0), so it is refused.
    public static func isStorable(_ value: Decimal) -> Bool {
        var input = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, storedFractionDigits, .plain)
        return rounded == value
    }

    public static var tooPreciseMessage: String {
        "Tối đa \(storedFractionDigits) chữ số sau dấu phẩy; số này sẽ bị làm tròn khi lưu."
    }

    private static let posix = Locale(identifier: "en_US_POSIX")

    private static func isThousandsGrouping(_ groups: [Substring]) -> Bool {
        guard groups.count >= 2, let first = groups.first,
              (1...3).contains(first.count), first.first != "0" else { return false }
        return groups.dropFirst().allSatisfy { $0.count == 3 }
    }
}
