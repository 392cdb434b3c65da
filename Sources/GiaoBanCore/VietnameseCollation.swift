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
        memo.value(for: fullName, kind: 1) { SortKey(words: personWords(fullName), tieBreak: fullName) }
    }

    /// A full name's words in the order people are sorted by: the given name, then the others.
    static func personWords(_ fullName: String) -> [Word] {
        var parts = fullName.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        guard parts.count > 1 else { return words(fullName) }
        let given = parts.removeLast()
        return words(given) + words(parts.joined(separator: " "))
    }

    /// Keys already computed, by text: the same names and unit names are sorted on every page. A
    /// key depends only on its text, so the memo is never stale; it is emptied when it gets large.
    static let memo = KeyMemo(limit: 50_000)

    final class KeyMemo: @unchecked Sendable {
        /// A text and which key of it (`ExactText`: hashed by its bytes, not normalised).
        struct Entry: Hashable {
            let text: ExactText
            let kind: UInt8
        }

        private let lock = NSLock()
        private var keys: [Entry: SortKey] = [:]
        let limit: Int

        init(limit: Int) { self.limit = limit }

        func value(for text: String, kind: UInt8, compute: () -> SortKey) -> SortKey {
            let entry = Entry(text: ExactText(text), kind: kind)
            if let known = lock.withLock({ keys[entry] }) { return known }
            let key = compute()
            lock.withLock {
                if keys.count >= limit { keys = [:] }
                keys[entry] = key
            }
            return key
        }
    }

    /// `a` comes before `b` in Vietnamese order.
    public static func precedes(_ a: String, _ b: String) -> Bool { key(a) < key(b) }

    /// The positions of `keys` in their order. The positions are sorted, not (key, element)
    /// pairs: moving whole elements through the sort (a person with their groups and units) was
    /// most of its time; and the keys' bytes are laid end to end first, so that comparing two of
    /// them touches no reference count. Stable: equal keys (the same text, two people of the same
    /// name) keep their order.
    public static func order(of keys: [SortKey]) -> [Int] {
        var bytes: [UInt8] = []
        var bounds: [Int] = [0]
        bounds.reserveCapacity(keys.count + 1)
        for key in keys {
            bytes.append(contentsOf: key.bytes)
            bounds.append(bytes.count)
        }
        return bytes.withUnsafeBufferPointer { all in
            bounds.withUnsafeBufferPointer { bounds in
                keys.indices.sorted { a, b in
                    let sign = order(UnsafeBufferPointer(rebasing: all[bounds[a]..<bounds[a + 1]]),
                                     UnsafeBufferPointer(rebasing: all[bounds[b]..<bounds[b + 1]]))
                    return sign != 0 ? sign < 0 : a < b
                }
            }
        }
    }

    /// A comparable key: the words' letters and tones, then the exact text, written as bytes
    /// whose plain byte order (`memcmp`, shorter first) is the collation order.
    ///
    /// Sorting compares keys many times per element. Keys held as words of elements made every
    /// comparison retain and release the arrays it walked (a tenth of a ledger week's time, for
    /// sixty names); bytes are compared in place. The encoding, element by element:
    /// - a number: 1, then its value in 8 bytes, big-endian; a number too long for 8 bytes has
    ///   all bits set there, then its digit count in 2 bytes and its digits, so more digits is
    ///   larger;
    /// - a letter: 2, then its place in the alphabet;
    /// - anything else: 3, then its code point in 4 bytes;
    /// - the end of a word: 0, then its tone (a word that is the start of another ends first);
    /// - the end of the words: 0 (fewer words first), then the text in UTF-8, whose byte order
    ///   is the order of its code points: the tie-break.
    public struct SortKey: Comparable, Hashable, Sendable {
        let bytes: [UInt8]
        /// Where the words end and the tie-break text starts.
        let wordsEnd: Int

        init(words: [Word], tieBreak: String) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(words.reduce(0) { $0 + $1.elements.count * 2 + 2 } + tieBreak.utf8.count + 1)
            for word in words {
                for element in word.elements { element.encode(into: &bytes) }
                bytes.append(0)
                bytes.append(word.tone.rawValue)
            }
            bytes.append(0)
            wordsEnd = bytes.count
            bytes.append(contentsOf: tieBreak.utf8)
            self.bytes = bytes
        }

        public static func < (lhs: SortKey, rhs: SortKey) -> Bool {
            lhs.bytes.withUnsafeBufferPointer { left in
                rhs.bytes.withUnsafeBufferPointer { right in VietnameseCollation.order(left, right) < 0 }
            }
        }

        /// Equal when the texts collate the same up to case (what `==` would mean to a reader).
        public func collatesEqual(_ other: SortKey) -> Bool {
            wordsEnd == other.wordsEnd && bytes[..<wordsEnd].elementsEqual(other.bytes[..<other.wordsEnd])
        }
    }

    /// Negative, zero or positive as the key bytes `lhs` come before, with or after `rhs`.
    static func order(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Int {
        let common = min(lhs.count, rhs.count)
        if common > 0, let left = lhs.baseAddress, let right = rhs.baseAddress {
            let sign = memcmp(left, right, common)
            if sign != 0 { return Int(sign) }
        }
        return lhs.count == rhs.count ? 0 : (lhs.count < rhs.count ? -1 : 1)
    }

    struct Word: Hashable, Sendable {
        var elements: [Element]
        var tone: Tone
    }

    /// One letter, number or other character of a word. Numbers < letters < anything else.
    struct Element: Hashable, Sendable {
        var rank: UInt8
        var value: UInt64
        /// The digits of a number too long for `value` (which then has all bits set).
        var long: String = ""

        /// This element's bytes in a `SortKey` (see there).
        func encode(into bytes: inout [UInt8]) {
            bytes.append(rank + 1)
            switch rank {
            case 0:
                withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
                guard !long.isEmpty else { return }
                let count = UInt16(min(long.utf8.count, Int(UInt16.max)))
                withUnsafeBytes(of: count.bigEndian) { bytes.append(contentsOf: $0) }
                bytes.append(contentsOf: long.utf8.prefix(Int(count)))
            case 1:
                bytes.append(UInt8(truncatingIfNeeded: value))
            default:
                withUnsafeBytes(of: UInt32(truncatingIfNeeded: value).bigEndian) { bytes.append(contentsOf: $0) }
            }
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
                elements.append(Element(rank: 0, value: UInt64.max, long: trimmed))
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
    /// Written into the caller's module (`@inlinable`), so that it is compiled for the caller's
    /// element type: a generic sort run through the run-time's type metadata was most of
    /// sorting a person's one or two units.
    @inlinable
    public func sortedVietnamese(by text: (Element) throws -> String) rethrows -> [Element] {
        let elements = Array(self)
        guard elements.count > 1 else { return elements }
        return VietnameseCollation.order(of: try elements.map { VietnameseCollation.key(try text($0)) }).map { elements[$0] }
    }

    /// The elements ordered as Vietnamese lists order people: by given name, then family and
    /// middle names (`VietnameseCollation.personKey`).
    @inlinable
    public func sortedByVietnameseName(_ fullName: (Element) throws -> String) rethrows -> [Element] {
        let elements = Array(self)
        guard elements.count > 1 else { return elements }
        return VietnameseCollation.order(of: try elements.map { VietnameseCollation.personKey(try fullName($0)) }).map { elements[$0] }
    }
}
