import Foundation

/// Times as people type them on a phone's number pad or in an official letter: "7", "07", "0730",
/// "7.30", "7:30", "7h", "7h30", "7g30". `LocalTime(string:)` stays strict (settings, the API's
/// stored values); this is for what a reporter types into the weekly report.
public enum TypedTime {
    public enum Problem: Error, Hashable, Sendable {
        /// Not a time at all ("sáng", "7:3", "12345").
        case unreadable
        /// Hour above 23 ("25", "2530").
        case hour
        /// Minutes above 59 ("7:75", "0790").
        case minute

        public var vietnameseMessage: String {
            switch self {
            case .unreadable: return "Không đọc được giờ. Viết ví dụ 7, 7h30, 0730 hoặc 07:30."
            case .hour: return "Giờ phải từ 0 đến 23, ví dụ 7 hoặc 14h."
            case .minute: return "Phút phải từ 00 đến 59, ví dụ 7h30."
            }
        }
    }

    /// The time typed, or why it is not one.
    public static func parse(_ text: String) -> Result<LocalTime, Problem> {
        // Lowercase and without spaces: "7 giờ 30", "7 H 30" and "7h30" read the same.
        let compact = VietnameseText.folded(text).replacingOccurrences(of: " ", with: "")
        guard !compact.isEmpty else { return .failure(.unreadable) }
        var hourDigits = ""
        var minuteDigits = ""
        if compact.allSatisfy(\.isASCIIDigit) {
            // Digits only, as a number pad types them: "7", "07", "730", "0730".
            switch compact.count {
            case 1, 2: hourDigits = compact
            case 3, 4:
                hourDigits = String(compact.dropLast(2))
                minuteDigits = String(compact.suffix(2))
            default: return .failure(.unreadable)
            }
        } else {
            // Hours, one separator (":", ".", ",", "h", "g", "gio"), then two-digit minutes or nothing.
            let hours = compact.prefix { $0.isASCIIDigit }
            var rest = compact.dropFirst(hours.count)
            guard (1...2).contains(hours.count) else { return .failure(.unreadable) }
            let separators = ["gio", ":", ".", ",", "h", "g"]
            guard let separator = separators.first(where: { rest.hasPrefix($0) }) else { return .failure(.unreadable) }
            rest = rest.dropFirst(separator.count)
            // "7h30p" / "7g30'" (phút) are written too.
            if rest.hasSuffix("phut") { rest = rest.dropLast(4) } else if rest.hasSuffix("p") || rest.hasSuffix("'") { rest = rest.dropLast() }
            let letterSeparator = separator == "h" || separator == "g" || separator == "gio"
            guard rest.allSatisfy(\.isASCIIDigit), rest.count == 2 || (rest.isEmpty && letterSeparator) else {
                return .failure(.unreadable)
            }
            hourDigits = String(hours)
            minuteDigits = String(rest)
        }
        guard let hour = Int(hourDigits) else { return .failure(.unreadable) }
        let minute = minuteDigits.isEmpty ? 0 : Int(minuteDigits) ?? -1
        guard hour <= 23 else { return .failure(.hour) }
        guard (0...59).contains(minute), let time = LocalTime(hour: hour, minute: minute) else { return .failure(.minute) }
        return .success(time)
    }

    public static func time(_ text: String) -> LocalTime? {
        if case .success(let time) = parse(text) { return time }
        return nil
    }
}

/// A quantity typed with its unit ("3 buổi", "1,5 ha", "1.200 lượt"), and the quantity and unit
/// of a work line written as a sentence ("Vận động 12 hộ vay vốn tại Kim Lộc").
public enum QuantityInput {
    public struct Split: Hashable, Sendable {
        public var quantity: Decimal
        public var unit: String
        public init(quantity: Decimal, unit: String) {
            self.quantity = quantity
            self.unit = unit
        }
        /// The quantity as a Vietnamese reads it: "1,5", "1.200".
        public var quantityText: String { VietnameseNumber.format(quantity, maxFractionDigits: VietnameseNumber.storedFractionDigits) }
    }

    /// "3 buổi" → 3 buổi; "1,5 ha" → 1,5 ha; "12hộ" → 12 hộ. Nil unless the text is one number
    /// followed by a unit of at most four words (a plain number has no unit to split off).
    public static func split(_ text: String) -> Split? {
        let clean = VietnameseText.nfc(text)
        let number = clean.prefix { $0.isASCIIDigit || $0 == "." || $0 == "," }
        guard !number.isEmpty, let quantity = VietnameseNumber.parse(String(number)) else { return nil }
        let unit = clean.dropFirst(number.count).trimmedWhitespace
        let words = unit.split(separator: " ")
        guard !words.isEmpty, words.count <= 4, let first = unit.first, first.isLetter || first == "%" else { return nil }
        // Digits belong to a unit only in m2, m3, km2: "7h30" is a time, not 7 "h30".
        guard words.allSatisfy({ word in !word.contains(where: \.isASCIIDigit) || squareUnits.contains(VietnameseText.folded(String(word))) }) else {
            return nil
        }
        return Split(quantity: quantity, unit: words.joined(separator: " "))
    }

    /// The quantity and unit a sentence names, to propose to the reporter (never applied silently):
    /// the first number followed by a unit, skipping numbers that name a place, a date, a time, a
    /// document or an ordinal ("thôn 5", "ngày 12/5", "7h30", "số 45/QĐ-UBND", "lần 2").
    public static func propose(_ sentence: String) -> Split? {
        let tokens = tokenize(VietnameseText.nfc(sentence))
        for (index, token) in tokens.enumerated() {
            guard case .number(let text) = token, let value = VietnameseNumber.parse(text), value > 0 else { continue }
            if index > 0, case .word(let previous) = tokens[index - 1], labelWords.contains(VietnameseText.folded(previous)) { continue }
            if index > 1, case .word(let previous) = tokens[index - 1], case .word(let before) = tokens[index - 2],
               labelPairs.contains(VietnameseText.folded(before) + " " + VietnameseText.folded(previous)) { continue }
            guard let unit = unit(after: index, in: tokens) else { continue }
            return Split(quantity: value, unit: unit)
        }
        return nil
    }

    // MARK: Sentences

    private enum Token: Equatable {
        case word(String)
        case number(String)
        /// A date, time, document number, code or anything with digits that is not a plain number.
        case other
        /// Punctuation that ends a phrase: a unit never runs across it.
        case stop
    }

    private static func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        for raw in text.split(whereSeparator: { $0.isWhitespace }) {
            var piece = Substring(raw)
            var trailingStop = false
            while let last = piece.last, ",;:.!?)(\"“”–-".contains(last) {
                piece = piece.dropLast()
                trailingStop = true
            }
            while let first = piece.first, "(\"“”–-".contains(first) { piece = piece.dropFirst() }
            if !piece.isEmpty {
                if squareUnits.contains(VietnameseText.folded(String(piece))) {
                    tokens.append(.word(String(piece)))
                } else if piece.allSatisfy({ $0.isASCIIDigit || $0 == "." || $0 == "," }) {
                    tokens.append(.number(String(piece)))
                } else if let split = glued(piece) {
                    // "12hộ", "3buổi": digits glued to their unit.
                    tokens.append(.number(split.0))
                    tokens.append(.word(split.1))
                } else if piece.contains(where: \.isASCIIDigit) {
                    tokens.append(.other)
                } else {
                    tokens.append(.word(String(piece)))
                }
            }
            if trailingStop { tokens.append(.stop) }
        }
        return tokens
    }

    /// "12hộ" → ("12", "hộ"); nil for "7h30", "m2", "QĐ-UBND" and other codes.
    private static func glued(_ piece: Substring) -> (String, String)? {
        let digits = piece.prefix { $0.isASCIIDigit || $0 == "," || $0 == "." }
        let rest = piece.dropFirst(digits.count)
        guard !digits.isEmpty, !rest.isEmpty, rest.allSatisfy(\.isLetter), VietnameseNumber.parse(String(digits)) != nil else { return nil }
        // "7h", "8g" are times; "2ha" is a unit.
        let folded = VietnameseText.folded(String(rest))
        if folded == "h" || folded == "g" || folded == "gio" { return nil }
        return (String(digits), String(rest))
    }

    /// The unit after the number at `index`: the longest known unit, else the next word when it
    /// is not a word that cannot be a unit ("tại", "và", "người" is fine).
    private static func unit(after index: Int, in tokens: [Token]) -> String? {
        var words: [String] = []
        var position = index + 1
        while position < tokens.count, words.count < maxUnitWords, case .word(let word) = tokens[position] {
            words.append(word)
            position += 1
        }
        guard let first = words.first else {
            // "85%": a rate, not a quantity of work.
            return nil
        }
        let folded = words.map { VietnameseText.folded($0) }
        for length in stride(from: words.count, through: 1, by: -1) {
            if knownUnits.contains(folded.prefix(length).joined(separator: " ")) {
                return words.prefix(length).joined(separator: " ")
            }
        }
        guard !notUnits.contains(folded[0]), first.first?.isLowercase == true else { return nil }
        return first
    }

    private static let maxUnitWords = 4
    /// Units written with a digit.
    private static let squareUnits: Set<String> = ["m2", "m3", "km2", "cm2"]

    /// Words after which a number names something rather than counts it (folded).
    private static let labelWords: Set<String> = [
        "thon", "xom", "to", "ap", "khu", "khom", "so", "ngay", "thang", "nam", "tuan", "quy", "lan", "dot", "lop",
        "khoa", "phong", "cum", "tuyen", "duong", "km", "lo", "thua", "kiot", "nha", "phuong", "xa", "quan", "huyen",
        "luc", "gio", "tiet", "nhom", "doan", "hang", "muc", "dieu", "khoan", "diem", "chuong",
        "block", "tram", "truong", "mau", "ma", "phien",
    ]
    /// Two-word labels: "tổ dân phố 3", "chi bộ 2", "quyết định 15", "ngày thứ 2".
    private static let labelPairs: Set<String> = [
        "dan pho", "chi bo", "quyet dinh", "cong van", "ke hoach", "thong bao", "nghi quyet", "to trinh", "chi thi",
        "thong tu", "nghi dinh", "ngay thu", "phan khu", "khu pho", "giai doan", "lan thu", "dot thu", "tuan thu",
    ]

    /// Units of commune work, folded, up to four words; the longest match wins ("lượt người" over "lượt").
    private static let knownUnits: Set<String> = [
        "ho", "ho dan", "ho gia dinh", "nguoi", "luot", "luot nguoi", "buoi", "cuoc", "cuoc hop", "lop", "lop tap huan", "dot",
        "van ban", "cong van", "bao cao", "ke hoach", "quyet dinh", "to trinh", "thong bao", "giay", "giay chung nhan",
        "ho so", "bo ho so", "truong hop", "vu", "vu viec", "vu an", "con", "lieu", "mui", "mui tiem", "chau", "tre", "tre em",
        "hoc sinh", "hoc vien", "hoi vien", "doan vien", "dang vien", "thanh vien", "can bo", "cong chuc", "nguoi dan",
        "co so", "co so kinh doanh", "ho kinh doanh", "doanh nghiep", "ha", "m2", "m3", "m", "km", "kg", "tan", "ta", "lit",
        "trieu dong", "ty dong", "nghin dong", "ngan dong", "dong", "trieu", "ty", "suat", "suat qua", "phan qua", "xuat",
        "thon", "xom", "to dan pho", "khu dan cu", "diem", "tuyen", "tuyen duong", "tin", "tin bai", "bai", "bai viet",
        "chuyen de", "ban tin", "lan", "luot phat", "cai", "chiec", "bo", "cuon", "to roi", "pano", "bang ron", "khau hieu",
        "tham", "cay", "goc", "con giong", "dan", "cap", "doi", "doi tuong", "benh nhan", "ca", "me", "ba me", "cu tri",
        "y kien", "kien nghi", "ban", "ban sao", "bong den", "giay phep", "hoi nghi", "suat hoc bong", "to gap", "don", "don thu", "lao dong", "hop dong", "thua", "thua dat", "cong trinh", "nha", "can nha",
        "phong", "lop hoc", "truong", "xe", "phuong tien", "mau", "mau nuoc", "ho ngheo", "ho can ngheo", "gia dinh",
        "gia dinh van hoa", "nguoi cao tuoi", "nguoi co cong", "thanh nien", "tan nhan", "chu ho", "cuoc kiem tra",
        "dot kiem tra", "bien ban", "bien ban vi pham", "so", "the", "the bhyt", "the bao hiem y te", "so bhxh",
    ]

    /// Words right after a number that show it is not counting something ("12 tại", "3 và").
    private static let notUnits: Set<String> = [
        "tai", "va", "cua", "cho", "de", "voi", "o", "trong", "ngoai", "tren", "duoi", "den", "tu", "la", "thi", "ma", "nhung",
        "da", "dang", "se", "duoc", "bi", "theo", "ve", "nam", "thang", "ngay", "tuan", "gio", "phut", "giay", "trieu", "nghin",
        "ngan", "tram", "muoi", "lan", "so", "phan", "tren", "hon", "gan", "khoang", "truoc", "sau",
    ]
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
