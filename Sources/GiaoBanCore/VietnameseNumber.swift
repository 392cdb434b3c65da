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
        // Nearly every figure's digits fit in 64 bits: written from them directly. Rounding and
        // writing a `Decimal` through Foundation (`NSDecimalRound`, then `description`, which
        // divides by ten digit by digit, allocating each time) was a twentieth of a group's week.
        if let parts = DecimalParts(value), let text = format(parts, maxFractionDigits: max(0, maxFractionDigits)) { return text }
        return formatByDescription(value, maxFractionDigits: maxFractionDigits)
    }

    /// A `Decimal` whose digits fit in a `UInt64`: mantissa × 10^exponent, and its sign.
    struct DecimalParts {
        var mantissa: UInt64
        var exponent: Int
        var negative: Bool

        init(mantissa: UInt64, exponent: Int, negative: Bool) {
            self.mantissa = mantissa
            self.exponent = exponent
            self.negative = negative
        }

        /// Read from the value's bytes, where Foundation keeps them (its fields are not public on
        /// Linux): the exponent in the first byte; the length in 16-bit words (high four bits)
        /// and the sign (bit 3) in the second; the mantissa's words from the fifth byte on, least
        /// significant first. Nil for a value of more than four words, or when this toolchain's
        /// Foundation lays a `Decimal` out otherwise (`layoutHolds`, checked once).
        init?(_ value: Decimal) {
            guard Self.layoutHolds, let parts = Self.read(value) else { return nil }
            self = parts
        }

        private static func read(_ value: Decimal) -> DecimalParts? {
            guard MemoryLayout<Decimal>.size == 20 else { return nil }
            return withUnsafeBytes(of: value) { bytes -> DecimalParts? in
                let length = Int(bytes[1] >> 4)
                guard length <= 4 else { return nil }
                var mantissa: UInt64 = 0
                for word in 0..<length {
                    mantissa |= (UInt64(bytes[4 + 2 * word]) | UInt64(bytes[5 + 2 * word]) << 8) << (16 * UInt64(word))
                }
                return DecimalParts(mantissa: mantissa, exponent: Int(Int8(bitPattern: bytes[0])), negative: bytes[1] & 0x08 != 0)
            }
        }

        /// Whether values of known parts read as those parts here.
        static let layoutHolds: Bool = {
            let known: [(Decimal, UInt64, Int, Bool)] = [
                (Decimal(sign: .plus, exponent: -2, significand: 12345), 12345, -2, false),
                (Decimal(sign: .minus, exponent: 3, significand: 7), 7, 3, true),
                (Decimal(UInt64.max), UInt64.max, 0, false),
                (Decimal(sign: .minus, exponent: -6, significand: 1_000_001), 1_000_001, -6, true),
            ]
            return known.allSatisfy { value, mantissa, exponent, negative in
                guard let parts = read(value) else { return false }
                return parts.mantissa == mantissa && parts.exponent == exponent && parts.negative == negative
            } && read(Decimal(UInt64.max) + 1) == nil
        }()
    }

    /// `format` from a value's parts: rounded half away from zero to `maxFractionDigits`
    /// decimals, trailing zeros dropped, never "-0". Nil for a whole number beyond 64 bits.
    static func format(_ parts: DecimalParts, maxFractionDigits: Int) -> String? {
        var mantissa = parts.mantissa
        var exponent = parts.exponent
        while exponent > 0 {
            let (product, overflow) = mantissa.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            mantissa = product
            exponent -= 1
        }
        if -exponent > maxFractionDigits {
            let dropped = -exponent - maxFractionDigits
            if dropped > 19 {
                // 10^20 is more than twice any UInt64: the value rounds to zero.
                mantissa = 0
            } else {
                var divisor: UInt64 = 1
                for _ in 0..<dropped { divisor *= 10 }
                let (quotient, remainder) = mantissa.quotientAndRemainder(dividingBy: divisor)
                // Half or more rounds up (`remainder * 2 >= divisor`, without overflowing).
                mantissa = quotient + (remainder >= divisor - remainder ? 1 : 0)
            }
            exponent = -maxFractionDigits
        }
        while exponent < 0, mantissa != 0, mantissa % 10 == 0 {
            mantissa /= 10
            exponent += 1
        }
        if mantissa == 0 { return "0" }
        var digits = Array(String(mantissa).utf8)
        let fractionCount = -exponent
        if digits.count <= fractionCount {
            digits.insert(contentsOf: repeatElement(UInt8(ascii: "0"), count: fractionCount - digits.count + 1), at: 0)
        }
        let point = digits.count - fractionCount
        var formatted: [UInt8] = []
        formatted.reserveCapacity(digits.count + point / 3 + 2)
        if parts.negative { formatted.append(UInt8(ascii: "-")) }
        for index in 0..<point {
            if index > 0, (point - index) % 3 == 0 { formatted.append(UInt8(ascii: ".")) }
            formatted.append(digits[index])
        }
        if fractionCount > 0 {
            formatted.append(UInt8(ascii: ","))
            formatted.append(contentsOf: digits[point...])
        }
        return String(decoding: formatted, as: UTF8.self)
    }

    /// `format` through Foundation's rounding and `Decimal.description`, for any value.
    static func formatByDescription(_ value: Decimal, maxFractionDigits: Int) -> String {
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
