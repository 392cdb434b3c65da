import Foundation

/// Vietnamese alphabetical order, as lists of names, units and targets are read in a commune
/// office (and as Vietnamese dictionaries print them).
///
/// - Letters in the order of the Vietnamese alphabet: a ă â b c d đ e ê g h i k l m n o ô ơ p q r
///   s t u ư v x y. The Latin letters Vietnamese does not use (f, j, w, z) sit where the Latin
///   alphabet puts them, so a foreign word still sorts predictably. ă, â, ê, ô, ơ, ư and đ are
///   letters of their own, not accented a, e, o, u, d: "Dương" comes before "Đặng".
/// - Tones come after letters: two syllables are compared by their letters first, and only when
///   the letters are equal by their tone, in the order of the Vietnamese dictionary (Hoàng Phê,
///   Từ điển tiếng Việt): no tone (ngang), huyền, hỏi, ngã, sắc, nặng — "ma, mà, mả, mã, má, mạ".
///   Text is compared syllable by syllable (words separated by spaces), each syllable whole with
///   its tone before the next, as dictionaries order their headwords: "Anh" < "Ánh" < "Ân".
/// - Case is ignored ("đặng" and "ĐẶNG" are equal before the final tie-break).
/// - A run of digits is one number compared by value and sorts before letters, so "Thôn 2" comes
///   before "Thôn 10" and "KT2" before "KT10".
/// - Anything else (punctuation, other scripts) sorts after letters by code point.
///
/// Keys tie-break on the exact text, so sorting is total and deterministic.
public enum VietnameseCollation {
    /// The sort key of a text. Compute it once per item (`sortedVietnamese(by:)` does) rather than
    /// in a comparator: building it decomposes the text.
    public static func key(_ text: String) -> SortKey {
        memo.value(for: text, kind: 0) { SortKey(words: words(text), tieBreak: text) }
    }

    /// The sort key of a person's full name as Vietnamese lists order people: by the given name
    /// (the last word), then by the family and middle names in their written order.
    /// "Nguyễn Văn An" < "Trần An" < "Lê Thị Ánh" < "Phạm Văn Bình".
    public static func personKey(_ fullName: String) -> SortKey {
        memo.value(for: fullName, kind: 1) {
            var parts = fullName.split(whereSeparator: { $0.isWhitespace }).map(String.init)
            guard parts.count > 1 else { return SortKey(words: words(fullName), tieBreak: fullName) }
            let given = parts.removeLast()
            return SortKey(words: words(given) + words(parts.joined(separator: " ")), tieBreak: fullName)
        }
    }

    /// Keys already computed, by text: the same names and unit names are sorted on every page. A
    /// key depends only on its text, so the memo is never stale; it is emptied when it gets large.
    static let memo = KeyMemo(limit: 50_000)

    final class KeyMemo: @unchecked Sendable {
        private let lock = NSLock()
        private var keys: [Int: [String: SortKey]] = [:]
        private var count = 0
        let limit: Int

        init(limit: Int) { self.limit = limit }

        func value(for text: String, kind: Int, compute: () -> SortKey) -> SortKey {
            if let known = lock.withLock({ keys[kind]?[text] }) { return known }
            let key = compute()
            lock.withLock {
                if count >= limit { keys = [:]; count = 0 }
                if keys[kind, default: [:]].updateValue(key, forKey: text) == nil { count += 1 }
            }
            return key
        }
    }

    /// `a` comes before `b` in Vietnamese order.
    public static func precedes(_ a: String, _ b: String) -> Bool { key(a) < key(b) }

    /// A comparable key: the words' letters and tones, then the exact text.
    public struct SortKey: Comparable, Hashable, Sendable {
        let words: [Word]
        let tieBreak: String

        public static func < (lhs: SortKey, rhs: SortKey) -> Bool {
            // One pass over the words: comparing them for equality first and then in order went
            // over every letter of both names twice, per comparison of a sort.
            let sign = Word.order(lhs.words, rhs.words)
            if sign != 0 { return sign < 0 }
            return lhs.tieBreak.unicodeScalars.lexicographicallyPrecedes(rhs.tieBreak.unicodeScalars)
        }

        /// Equal when the texts collate the same up to case (what `==` would mean to a reader).
        public func collatesEqual(_ other: SortKey) -> Bool { words == other.words }
    }

    struct Word: Comparable, Hashable, Sendable {
        var elements: [Element]
        var tone: Tone

        static func < (lhs: Word, rhs: Word) -> Bool { order(lhs, rhs) < 0 }

        /// Negative, zero or positive as `lhs` comes before, with or after `rhs`: the letters in
        /// order (a word that is the start of another comes first), then the tone.
        static func order(_ lhs: Word, _ rhs: Word) -> Int {
            let count = min(lhs.elements.count, rhs.elements.count)
            for index in 0..<count {
                let sign = Element.order(lhs.elements[index], rhs.elements[index])
                if sign != 0 { return sign }
            }
            if lhs.elements.count != rhs.elements.count { return lhs.elements.count < rhs.elements.count ? -1 : 1 }
            return lhs.tone == rhs.tone ? 0 : (lhs.tone < rhs.tone ? -1 : 1)
        }

        /// Two lists of words compared the same way, word by word.
        static func order(_ lhs: [Word], _ rhs: [Word]) -> Int {
            let count = min(lhs.count, rhs.count)
            for index in 0..<count {
                let sign = order(lhs[index], rhs[index])
                if sign != 0 { return sign }
            }
            return lhs.count == rhs.count ? 0 : (lhs.count < rhs.count ? -1 : 1)
        }
    }

    /// One letter, number or other character of a word. Numbers < letters < anything else.
    struct Element: Comparable, Hashable, Sendable {
        var rank: UInt8
        var value: UInt64
        /// Digits of a number beyond what `value` holds keep their order through this text.
        var long: String = ""

        static func < (lhs: Element, rhs: Element) -> Bool { order(lhs, rhs) < 0 }

        static func order(_ lhs: Element, _ rhs: Element) -> Int {
            if lhs.rank != rhs.rank { return lhs.rank < rhs.rank ? -1 : 1 }
            if lhs.value != rhs.value { return lhs.value < rhs.value ? -1 : 1 }
            // Only numbers longer than `value` holds have a `long` part: most elements skip this.
            if lhs.long.isEmpty && rhs.long.isEmpty { return 0 }
            return lhs.long == rhs.long ? 0 : (lhs.long < rhs.long ? -1 : 1)
        }
    }

    /// The dictionary's tone order.
    public enum Tone: UInt8, Comparable, Sendable, CaseIterable {
        case level = 0, grave, hookAbove, tilde, acute, dotBelow

        public static func < (lhs: Tone, rhs: Tone) -> Bool { lhs.rawValue < rhs.rawValue }

        init?(mark: Unicode.Scalar) {
            switch mark.value {
            case 0x0300, 0x0340: self = .grave
            case 0x0309: self = .hookAbove
            case 0x0303: self = .tilde
            case 0x0301, 0x0341: self = .acute
            case 0x0323: self = .dotBelow
            default: return nil
            }
        }
    }

    /// The alphabet in order; a letter's position is its rank.
    static let alphabet: [String] = ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l",
                                     "m", "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z"]
    static let letterRank: [String: UInt64] = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, UInt64($0)) })

    static func words(_ text: String) -> [Word] {
        text.lowercased().split(whereSeparator: { $0.isWhitespace }).map { word($0) }
    }

    static func word(_ text: Substring) -> Word {
        var elements: [Element] = []
        var tone = Tone.level
        var digits = ""
        func flushDigits() {
            guard !digits.isEmpty else { return }
            let trimmed = String(digits.drop(while: { $0 == "0" }))
            if trimmed.count <= 18 {
                elements.append(Element(rank: 0, value: UInt64(trimmed) ?? 0))
            } else {
                // Longer than a UInt64 holds: more digits is larger, then the digits themselves.
                elements.append(Element(rank: 0, value: UInt64.max, long: String(repeating: "0", count: 64 - min(64, trimmed.count)) + trimmed))
            }
            digits = ""
        }
        for character in text {
            if let ascii = character.asciiValue {
                if ascii >= 0x30, ascii <= 0x39 {
                    digits.append(character)
                    continue
                }
                flushDigits()
                // Plain Latin letters and ASCII signs need no decomposition (most of a name).
                elements.append(asciiElements[Int(ascii)])
                continue
            }
            flushDigits()
            if let letter = precomposedLetters[character] {
                // A precomposed Vietnamese letter (ấ, ự, đ…), looked up instead of decomposed.
                elements.append(letter.element)
                if tone == .level, let mark = letter.tone { tone = mark }
                continue
            }
            let (element, mark) = decomposedElement(character)
            elements.append(element)
            if tone == .level, let mark { tone = mark }
        }
        flushDigits()
        return Word(elements: elements, tone: tone)
    }

    /// What the slow path gives for each ASCII character (index = the ASCII value).
    static let asciiElements: [Element] = (0..<128).map { decomposedElement(Character(Unicode.Scalar(UInt8($0)))).element }

    /// Every lower-case letter of the alphabet with every tone, precomposed (NFC), with what
    /// decomposing it gives. Names are lower-cased before they are split into words.
    static let precomposedLetters: [Character: (element: Element, tone: Tone?)] = {
        var table: [Character: (element: Element, tone: Tone?)] = [:]
        let toneMarks: [Unicode.Scalar?] = [nil, "\u{0300}", "\u{0309}", "\u{0303}", "\u{0301}", "\u{0323}"]
        for letter in alphabet {
            for mark in toneMarks {
                let text = (mark.map { letter + String(Character($0)) } ?? letter).precomposedStringWithCanonicalMapping
                guard text.count == 1, let character = text.first, !character.isASCII else { continue }
                table[character] = decomposedElement(character)
            }
        }
        return table
    }()

    /// A character's element and tone mark, by canonical decomposition.
    static func decomposedElement(_ character: Character) -> (element: Element, tone: Tone?) {
        // Split the character into its base and its marks; the tone marks set the word's tone,
        // the vowel marks (breve, circumflex, horn) make a letter of their own.
        var tone: Tone?
        var base = ""
        for scalar in String(character).decomposedStringWithCanonicalMapping.unicodeScalars {
            if let mark = Tone(mark: scalar) {
                if tone == nil { tone = mark }
            } else {
                base.unicodeScalars.append(scalar)
            }
        }
        let letter = base.precomposedStringWithCanonicalMapping
        if let rank = letterRank[letter] {
            return (Element(rank: 1, value: rank), tone)
        } else if let first = base.unicodeScalars.first, let rank = letterRank[String(first)] {
            // A Latin letter with a mark Vietnamese does not use (ç, ñ…) sorts as its base letter.
            return (Element(rank: 1, value: rank), tone)
        }
        return (Element(rank: 2, value: UInt64(letter.unicodeScalars.first?.value ?? 0)), tone)
    }
}

extension Sequence {
    /// The elements in Vietnamese order of the text `text` gives (units, targets, rooms, groups).
    /// Each key is computed once.
    public func sortedVietnamese(by text: (Element) throws -> String) rethrows -> [Element] {
        let elements = Array(self)
        return Self.ordered(elements, keys: try elements.map { VietnameseCollation.key(try text($0)) })
    }

    /// `elements` in the order of their keys. The positions are sorted, not (key, element) pairs:
    /// moving whole elements through the sort (a person with their groups and units) was most of
    /// its time. Equal keys (the same text) are left in the order the sort leaves them, as before.
    /// Stable: elements with equal keys (two people of the same name) keep their order.
    private static func ordered(_ elements: [Element], keys: [VietnameseCollation.SortKey]) -> [Element] {
        keys.indices.sorted { keys[$0] < keys[$1] || (!(keys[$1] < keys[$0]) && $0 < $1) }.map { elements[$0] }
    }

    /// The elements ordered as Vietnamese lists order people: by given name, then family and
    /// middle names (`VietnameseCollation.personKey`).
    public func sortedByVietnameseName(_ fullName: (Element) throws -> String) rethrows -> [Element] {
        let elements = Array(self)
        return Self.ordered(elements, keys: try elements.map { VietnameseCollation.personKey(try fullName($0)) })
    }
}
