import Foundation

/// How a search query matches text, in the words a commune office types.
///
/// - **Typed with marks** ("năm", "Đặng", "bảo hiểm"): the query has at least one Vietnamese mark,
///   so it was typed on a Vietnamese keyboard and means exactly what it says: letters and tones
///   must match (case ignored). "năm" finds "Năm 2021", not "Nam" or "nắm".
/// - **Typed without marks** ("nam", "nuong", "dang"), in two passes:
///   1. *strict*: the letters as typed, any tone: "nam" finds "Nam", "Nám", "Nạm", but not "năm"
///      (ă, â, ê, ô, ơ, ư and đ are other letters, as in the alphabet);
///   2. *loose*: every mark ignored, as someone without a Vietnamese keyboard means it: "nuong"
///      finds "Nương". People's names are read loosely when no name matched strictly, so "dang"
///      still finds "Đặng"; phrases (target names, report lines, schedule items) only when nothing
///      at all matched strictly, so "nam" finds Nam and not every "năm" (`passes(strictHits:)`).
/// - **Abbreviations** (`VietnameseAbbreviations`): "bhyt" also finds "bảo hiểm y tế", and
///   "bảo hiểm y tế" also finds "BHYT". In the loose pass a short single word also matches the
///   initials of consecutive words: "ktxh" finds "Kinh tế - xã hội".
///
/// Matching is substring matching on text normalised to NFC, lowercase and single spaces, so "%",
/// "_" and "\\" are letters like any other.
public struct SearchMatcher: Sendable {
    public enum Pass: Sendable { case strict, loose }

    /// The query, normalised (NFC, lowercase, single spaces).
    public let query: String
    /// The query has a Vietnamese mark: match exactly (no loose pass).
    public let hasMarks: Bool
    /// Expansions or abbreviations of the query from the table, folded.
    public let alternatives: [String]
    /// The query read as initials (a single word of 2–6 letters), folded.
    let initials: String?

    public init(_ raw: String) {
        let normalised = Self.normalise(raw)
        query = normalised
        hasMarks = VietnameseText.folded(normalised) != normalised
        let folded = VietnameseText.folded(normalised)
        alternatives = VietnameseAbbreviations.alternatives(for: folded)
        let isWord = !folded.isEmpty && !folded.contains(" ") && folded.allSatisfy { $0.isLetter && $0.isASCII }
        initials = isWord && (2...6).contains(folded.count) ? folded : nil
    }

    public var isEmpty: Bool { query.isEmpty }

    /// Whether `text` matches in the given pass.
    public func matches(_ text: String?, _ pass: Pass) -> Bool {
        guard let text, !query.isEmpty else { return false }
        let candidate = Self.normalise(text)
        if hasMarks {
            if candidate.contains(query) { return true }
        } else if pass == .strict {
            if Self.toneless(candidate).contains(query) { return true }
        } else if VietnameseText.folded(candidate).contains(VietnameseText.folded(query)) {
            return true
        }
        if !alternatives.isEmpty {
            let folded = VietnameseText.folded(candidate)
            if alternatives.contains(where: { Self.containsWords(folded, $0) }) { return true }
        }
        if pass == .loose, let initials {
            return Self.initialsOfWords(VietnameseText.folded(candidate)).contains { $0.hasPrefix(initials) }
        }
        return false
    }

    /// `items` whose texts match in `pass`.
    public func filter<T>(_ items: [T], _ pass: Pass, texts: (T) -> [String?]) -> [T] {
        items.filter { item in texts(item).contains { matches($0, pass) } }
    }

    /// `items` whose texts match strictly, or, when none does and the query had no marks, loosely:
    /// one kind of result on its own.
    public func filter<T>(_ items: [T], texts: (T) -> [String?]) -> [T] {
        let strict = filter(items, .strict, texts: texts)
        guard strict.isEmpty, !hasMarks else { return strict }
        return filter(items, .loose, texts: texts)
    }

    /// A kind of result, for `passes(strictHits:)`.
    public enum Kind: Sendable { case name, freeText }

    /// The pass each kind of result uses, given how many strict hits each kind had: strict for
    /// a kind that had some, and for all when the query had marks; otherwise loose for names,
    /// and loose for free text only when no kind had a strict hit.
    public func passes(strictHits: [(kind: Kind, count: Int)]) -> [Pass] {
        let anyStrict = strictHits.contains { $0.count > 0 }
        return strictHits.map { entry in
            if hasMarks || entry.count > 0 { return .strict }
            return entry.kind == .name || !anyStrict ? .loose : .strict
        }
    }

    static func normalise(_ s: String) -> String {
        s.precomposedStringWithCanonicalMapping.lowercased()
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Tone marks removed, the letters' own marks (ă â ê ô ơ ư đ) kept. Input is NFC lowercase.
    static func toneless(_ s: String) -> String {
        var result = ""
        for character in s {
            let scalars = String(character).decomposedStringWithCanonicalMapping.unicodeScalars
            guard scalars.contains(where: { VietnameseCollation.Tone(mark: $0) != nil }) else {
                result.append(character)
                continue
            }
            var kept = String.UnicodeScalarView()
            for scalar in scalars where VietnameseCollation.Tone(mark: scalar) == nil { kept.append(scalar) }
            result += String(kept).precomposedStringWithCanonicalMapping
        }
        return result
    }

    /// `phrase` occurs in `text` as whole words (both folded).
    static func containsWords(_ text: String, _ phrase: String) -> Bool {
        let words = wordsOf(text), target = wordsOf(phrase)
        guard !target.isEmpty, words.count >= target.count else { return false }
        for start in 0...(words.count - target.count) where Array(words[start..<start + target.count]) == target { return true }
        return false
    }

    static func wordsOf(_ text: String) -> [Substring] {
        text.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
    }

    /// The initials of the words from each word on: "kinh te xa hoi" → ["ktxh", "txh", "xh", "h"].
    static func initialsOfWords(_ folded: String) -> [String] {
        let letters = wordsOf(folded).compactMap(\.first).map(String.init)
        return letters.indices.map { letters[$0...].joined() }
    }
}

/// The abbreviations commune papers use, with what they stand for (folded). "BHYT" and "bảo hiểm y
/// tế" find each other in search. Only abbreviations of three letters or more: two-letter ones
/// ("kh", "du", "tp") are ordinary syllables too often to be read as abbreviations.
public enum VietnameseAbbreviations {
    public static let table: [String: [String]] = [
        "bhyt": ["bao hiem y te"],
        "bhxh": ["bao hiem xa hoi"],
        "bhtn": ["bao hiem that nghiep"],
        "ntm": ["nong thon moi"],
        "ubnd": ["uy ban nhan dan"],
        "hdnd": ["hoi dong nhan dan"],
        "mttq": ["mat tran to quoc"],
        "ubmttq": ["uy ban mat tran to quoc"],
        "dtn": ["doan thanh nien"],
        "tncs": ["thanh nien cong san"],
        "hnd": ["hoi nong dan"],
        "hpn": ["hoi phu nu", "hoi lien hiep phu nu"],
        "lhpn": ["lien hiep phu nu"],
        "hccb": ["hoi cuu chien binh", "cuu chien binh"],
        "ccb": ["cuu chien binh"],
        "nct": ["nguoi cao tuoi"],
        "btv": ["ban thuong vu"],
        "bch": ["ban chap hanh"],
        "dcs": ["dang cong san"],
        "ktxh": ["kinh te xa hoi", "kinh te - xa hoi"],
        "qpan": ["quoc phong an ninh", "quoc phong - an ninh"],
        "antt": ["an ninh trat tu"],
        "attt": ["an toan thong tin"],
        "atgt": ["an toan giao thong"],
        "attp": ["an toan thuc pham", "ve sinh an toan thuc pham"],
        "vsmt": ["ve sinh moi truong"],
        "vsattp": ["ve sinh an toan thuc pham"],
        "kdc": ["khu dan cu"],
        "kdckm": ["khu dan cu kieu mau"],
        "ctmtqg": ["chuong trinh muc tieu quoc gia"],
        "xdntm": ["xay dung nong thon moi"],
        "gpmb": ["giai phong mat bang"],
        "tdtt": ["the duc the thao"],
        "vhtt": ["van hoa thong tin"],
        "vhxh": ["van hoa xa hoi", "van hoa - xa hoi"],
        "dcnn": ["dia chinh nong nghiep", "dia chinh - nong nghiep"],
        "tthc": ["thu tuc hanh chinh"],
        "cchc": ["cai cach hanh chinh"],
        "cntt": ["cong nghe thong tin"],
        "csxh": ["chinh sach xa hoi"],
        "nhcsxh": ["ngan hang chinh sach xa hoi"],
        "hgd": ["ho gia dinh"],
        "pccc": ["phong chay chua chay"],
        "pctt": ["phong chong thien tai"],
        "tkcn": ["tim kiem cuu nan"],
        "gdcd": ["giao duc cong dan"],
        "thcs": ["trung hoc co so"],
        "thpt": ["trung hoc pho thong"],
        "tyt": ["tram y te"],
    ]

    /// Expansions of `folded` when it is an abbreviation, and abbreviations of it when it is an
    /// expansion; folded.
    public static func alternatives(for folded: String) -> [String] {
        var result = table[folded] ?? []
        for (abbreviation, expansions) in table where expansions.contains(folded) { result.append(abbreviation) }
        return result
    }
}
