import Foundation

/// Text helpers for reading what people type into spreadsheets.
enum ImportText {
    /// NFC, line breaks and runs of spaces (incl. no-break spaces) collapsed to one space, trimmed.
    static func clean(_ text: String) -> String {
        var result = ""
        var pendingSpace = false
        for scalar in text.precomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.isWhitespace || scalar == "\u{200B}" || scalar == "\u{FEFF}" {
                pendingSpace = !result.isEmpty
                continue
            }
            if scalar.value < 0x20 || scalar.value == 0x7F { continue }
            if pendingSpace { result += " "; pendingSpace = false }
            result.unicodeScalars.append(scalar)
        }
        return result
    }

    /// Lower-case, without Vietnamese diacritics ("Đơn vị tính" → "don vi tinh"), spaces collapsed.
    static func fold(_ text: String) -> String {
        let cleaned = clean(text).replacingOccurrences(of: "đ", with: "d").replacingOccurrences(of: "Đ", with: "d")
        var result = String.UnicodeScalarView()
        for scalar in cleaned.decomposedStringWithCanonicalMapping.unicodeScalars {
            if (0x0300...0x036F).contains(scalar.value) { continue }
            result.append(scalar)
        }
        return String(result).lowercased()
    }

    /// Words of folded text, split at spaces and punctuation other than "/", "%" and "&".
    static func words(_ folded: String) -> [String] {
        folded.split { character in
            !(character.isLetter || character.isNumber || character == "/" || character == "%" || character == "&")
        }.map(String.init)
    }

    // MARK: - Numbers

    /// Parses a number as Vietnamese offices type it: "1.850" (thousands dot) → 1850, "3,5" → 3.5,
    /// "1.234,5" → 1234.5, "1,234.5" → 1234.5, "2 500" → 2500, "95%" → 95, "-3" → -3.
    /// A single dot followed by exactly three digits is a thousands separator ("1.850"), otherwise
    /// a decimal point ("3.5", "0.125"). Nil when the text is not a number.
    static func number(_ raw: String) -> Decimal? {
        var text = clean(raw).replacingOccurrences(of: " ", with: "")
        if text.hasSuffix("%") { text.removeLast() }
        guard !text.isEmpty, text.utf8.count <= 60 else { return nil }
        var negative = false
        if text.hasPrefix("-") || text.hasPrefix("−") { negative = true; text.removeFirst() }
        else if text.hasPrefix("+") { text.removeFirst() }
        guard let first = text.first, first.isASCII, first.isNumber || first == "." || first == "," else { return nil }
        guard text.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "." || $0 == "," }) else { return nil }
        guard text.contains(where: { $0.isNumber }) else { return nil }

        let dots = text.filter { $0 == "." }.count
        let commas = text.filter { $0 == "," }.count
        var grouping: Character?
        var decimalMark: Character?
        if dots > 0 && commas > 0 {
            let lastDot = text.lastIndex(of: ".")!, lastComma = text.lastIndex(of: ",")!
            decimalMark = lastDot > lastComma ? "." : ","
            grouping = decimalMark == "." ? "," : "."
            let marks = decimalMark == "." ? dots : commas
            guard marks == 1 else { return nil }
        } else if commas > 1 {
            grouping = ","
        } else if commas == 1 {
            decimalMark = ","
        } else if dots > 1 {
            grouping = "."
        } else if dots == 1 {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            if parts[1].count == 3, (1...3).contains(parts[0].count), parts[0].first != "0" {
                grouping = "."
            } else {
                decimalMark = "."
            }
        }

        var integerPart = Substring(text)
        var fractionPart: Substring = ""
        if let decimalMark, let index = text.lastIndex(of: decimalMark) {
            integerPart = text[..<index]
            fractionPart = text[text.index(after: index)...]
            guard !fractionPart.contains(where: { !$0.isNumber }) else { return nil }
        }
        if let grouping {
            let groups = integerPart.split(separator: grouping, omittingEmptySubsequences: false)
            guard groups.count > 1, (1...3).contains(groups[0].count),
                  groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
            integerPart = Substring(groups.joined())
        }
        guard integerPart.allSatisfy({ $0.isNumber }) else { return nil }
        if integerPart.isEmpty && fractionPart.isEmpty { return nil }
        let normalised = (integerPart.isEmpty ? "0" : String(integerPart)) + (fractionPart.isEmpty ? "" : "." + fractionPart)
        guard let value = Decimal(string: normalised, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        return negative ? -value : value
    }

    /// Yes/no words: "Đạt", "đạt chuẩn", "có", "hoàn thành" → true; "chưa đạt", "không đạt", "không" → false.
    static func yesNo(_ raw: String) -> Bool? {
        let folded = fold(raw).trimmingCharacters(in: CharacterSet(charactersIn: ".!"))
        switch folded {
        case "dat", "dat chuan", "co", "hoan thanh", "yes", "true", "✓", "✔":
            return true
        case "chua dat", "khong dat", "khong", "chua", "chua hoan thanh", "no", "false":
            return false
        default:
            return nil
        }
    }

    static func isRomanNumeral(_ text: String) -> Bool {
        let upper = text.uppercased()
        guard !upper.isEmpty, upper.count <= 8, text == upper,
              upper.allSatisfy({ "IVXLC".contains($0) }) else { return false }
        // Standard form: validate by converting back.
        let values: [Character: Int] = ["I": 1, "V": 5, "X": 10, "L": 50, "C": 100]
        var total = 0
        let digits = upper.map { values[$0]! }
        for (index, value) in digits.enumerated() {
            if index + 1 < digits.count && value < digits[index + 1] { total -= value } else { total += value }
        }
        return total > 0 && total < 400 && roman(total) == upper
    }

    private static func roman(_ number: Int) -> String {
        let table: [(Int, String)] = [(100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"),
                                      (5, "V"), (4, "IV"), (1, "I")]
        var number = number
        var result = ""
        for (value, letters) in table {
            while number >= value { result += letters; number -= value }
        }
        return result
    }
}
