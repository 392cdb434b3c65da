import Foundation
import Testing
@testable import GiaoBanCore

@Suite("Vietnamese collation")
struct VietnameseCollationTests {
    func sorted(_ texts: [String]) -> [String] { texts.sortedVietnamese(by: { $0 }) }

    @Test("the alphabet: ă, â, đ, ê, ô, ơ, ư are letters of their own")
    func alphabetOrder() {
        let alphabet = ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "h", "i", "k", "l", "m", "n", "o", "ô", "ơ",
                        "p", "q", "r", "s", "t", "u", "ư", "v", "x", "y"]
        #expect(sorted(alphabet.reversed()) == alphabet)
        #expect(sorted(alphabet.shuffled()) == alphabet)
        // Upper case sorts with its letter.
        #expect(sorted(alphabet.map { $0.uppercased() }.reversed()) == alphabet.map { $0.uppercased() })
    }

    @Test("the issue's names: D before Đ, ư after u, tones after letters")
    func issueNames() {
        let expected = ["Anh", "Ánh", "Ân", "Dũng", "Dương", "Đặng", "Đinh"]
        #expect(sorted(["Đinh", "Ân", "Dương", "Ánh", "Đặng", "Dũng", "Anh"]) == expected)
        #expect(sorted(expected.reversed()) == expected)
    }

    @Test("tones in dictionary order: ngang, huyền, hỏi, ngã, sắc, nặng")
    func toneOrder() {
        let ma = ["ma", "mà", "mả", "mã", "má", "mạ"]
        #expect(sorted(ma.reversed()) == ma)
        #expect(sorted(["mạ", "mác", "ma", "mà"]) == ["ma", "mà", "mạ", "mác"])
        #expect(sorted(["Hường", "Hương", "Hưởng", "Hướng", "Hượng", "Hưỡng"]) == ["Hương", "Hường", "Hưởng", "Hưỡng", "Hướng", "Hượng"])
        // The letters decide before the tone does.
        #expect(sorted(["Ánh", "Anh", "An"]) == ["An", "Anh", "Ánh"])
        #expect(sorted(["Ấn", "Ân", "Ăn", "Ắn"]) == ["Ăn", "Ắn", "Ân", "Ấn"])
    }

    @Test("word by word: a whole syllable with its tone before the next one")
    func syllableBySyllable() {
        #expect(sorted(["An Bình", "Anh", "An"]) == ["An", "An Bình", "Anh"])
        #expect(sorted(["Má Ba", "Ma Bà", "Mà Ba"]) == ["Ma Bà", "Mà Ba", "Má Ba"])
        #expect(sorted(["Hội Phụ nữ", "Hội Nông dân", "Hội Cựu chiến binh", "Đoàn Thanh niên", "Ủy ban Mặt trận Tổ quốc"])
                == ["Đoàn Thanh niên", "Hội Cựu chiến binh", "Hội Nông dân", "Hội Phụ nữ", "Ủy ban Mặt trận Tổ quốc"])
    }

    @Test("case is ignored; the exact text only breaks ties")
    func caseInsensitive() {
        #expect(sorted(["đinh", "Dương", "ĐẶNG", "dũng"]) == ["dũng", "Dương", "ĐẶNG", "đinh"])
        #expect(VietnameseCollation.key("ĐẶNG").collatesEqual(VietnameseCollation.key("đặng")))
        #expect(!VietnameseCollation.key("Đặng").collatesEqual(VietnameseCollation.key("Dặng")))
        // Deterministic between texts that collate equal.
        #expect(sorted(["an", "An", "AN"]) == sorted(["AN", "an", "An"]))
    }

    @Test("NFC and NFD give the same order")
    func normalisation() {
        let nfd = "Đặng".decomposedStringWithCanonicalMapping
        #expect(VietnameseCollation.key(nfd).collatesEqual(VietnameseCollation.key("Đặng")))
        #expect(VietnameseCollation.precedes("Dương".decomposedStringWithCanonicalMapping, "Đinh"))
        #expect(VietnameseCollation.precedes("Anh", "Ánh".decomposedStringWithCanonicalMapping))
    }

    @Test("numbers by value, before letters")
    func numbers() {
        #expect(sorted(["Thôn 10", "Thôn 2", "Thôn 1", "Thôn Kim Lộc"]) == ["Thôn 1", "Thôn 2", "Thôn 10", "Thôn Kim Lộc"])
        #expect(sorted(["KT10", "KT2", "KTA", "QP1"]) == ["KT2", "KT10", "KTA", "QP1"])
        #expect(sorted(["x 100000000000000000000", "x 99999999999999999999", "x 9"]) == ["x 9", "x 99999999999999999999", "x 100000000000000000000"])
        #expect(sorted(["1.2", "1.10"]) == ["1.2", "1.10"])
        // More digits is larger, however many there are.
        let longer = "x " + String(repeating: "1", count: 70), shorter = "x " + String(repeating: "9", count: 65)
        #expect(sorted([longer, shorter, "x 0009"]) == ["x 0009", shorter, longer])
    }

    @Test("other characters after letters; foreign letters at their Latin place")
    func others() {
        #expect(sorted(["(b)", "b", "a"]) == ["a", "b", "(b)"])
        #expect(sorted(["zalo", "wifi", "facebook", "email", "giáo dục"]) == ["email", "facebook", "giáo dục", "wifi", "zalo"])
        #expect(sorted(["Ça", "Cb", "Ca"]).prefix(2).contains("Ca"))
        #expect(sorted(["", "a"]) == ["", "a"])
    }

    @Test("people: by given name, then family and middle names")
    func people() {
        let people = ["Phạm Văn Bình", "Lê Thị Ánh", "Trần An", "Nguyễn Văn An", "Đặng Văn Dũng", "Hồ Sỹ Dương",
                      "Dương Thị Đinh", "Nguyễn Thị Đặng", "Phan Thị Ân", "Anh"]
        let expected = ["Nguyễn Văn An", "Trần An", "Anh", "Lê Thị Ánh", "Phan Thị Ân", "Phạm Văn Bình",
                        "Đặng Văn Dũng", "Hồ Sỹ Dương", "Nguyễn Thị Đặng", "Dương Thị Đinh"]
        #expect(people.sortedByVietnameseName { $0 } == expected)
        #expect(people.reversed().sortedByVietnameseName { $0 } == expected)
        // Same given name: the family name decides, Đ after D.
        #expect(["Đỗ Văn Nam", "Dương Văn Nam", "Hồ Sỹ Nam", "Hồ Nam"].sortedByVietnameseName { $0 }
                == ["Dương Văn Nam", "Đỗ Văn Nam", "Hồ Nam", "Hồ Sỹ Nam"])
        // Extra spaces do not change the order.
        #expect(VietnameseCollation.personKey("  Nguyễn   Văn  An ").collatesEqual(VietnameseCollation.personKey("Nguyễn Văn An")))
    }

    @Test("the letter tables give what decomposing each character gives, in NFC and NFD")
    func lookupTablesMatchDecomposition() {
        // Every Vietnamese letter with every tone, both cases, precomposed and decomposed, plus
        // ASCII signs and letters with marks Vietnamese does not use.
        let vowels = "aăâeêioôơuưy"
        let marks = ["", "\u{0300}", "\u{0309}", "\u{0303}", "\u{0301}", "\u{0323}"]
        var samples: [String] = ["đ", "Đ", "ç", "ñ", "ü", "ß", "中", "-", "(", "~", "_", "@"]
        for vowel in vowels { for mark in marks { samples.append(String(vowel) + mark) } }
        samples += samples.map { $0.uppercased() }
        samples += (0x21..<0x7F).compactMap { Unicode.Scalar($0).map { String(Character($0)) } }
        for sample in samples {
            for form in [sample.precomposedStringWithCanonicalMapping, sample.decomposedStringWithCanonicalMapping] {
                let lowered = form.lowercased()
                guard let character = lowered.first, lowered.count == 1, !(character.isASCII && character.isNumber) else { continue }
                let expected = VietnameseCollation.decomposedElement(character)
                let word = VietnameseCollation.word(Substring(lowered))
                #expect(word.elements == [expected.element], "\(sample)")
                #expect(word.tone == (expected.tone ?? .level), "\(sample)")
            }
        }
        #expect(VietnameseCollation.precomposedLetters.count > 80)
    }

    @Test("keys are remembered by text and kind: a name's person key is not its plain key; a full memo starts again")
    func keyMemo() {
        let name = "Nguyễn Văn An"
        #expect(VietnameseCollation.key(name) == VietnameseCollation.key(name))
        #expect(VietnameseCollation.personKey(name) == VietnameseCollation.personKey(name))
        #expect(VietnameseCollation.key(name) != VietnameseCollation.personKey(name))
        let memo = VietnameseCollation.KeyMemo(limit: 2)
        var computed = 0
        func key(_ text: String) -> VietnameseCollation.SortKey {
            memo.value(for: text, kind: 0) { computed += 1; return VietnameseCollation.SortKey(words: VietnameseCollation.words(text), tieBreak: text) }
        }
        #expect(key("An") == key("An") && computed == 1)
        #expect(key("Bình") < key("Đặng") && computed == 3)
        // The limit was reached: the memo starts again, and its answers stay right.
        #expect(key("An") < key("Bình") && computed == 5)
    }

    @Test("exact text keys: equal by bytes, NFC and NFD apart, two parts kept apart")
    func exactTextKeys() {
        let nfc = "Đặng", nfd = "Đặng".decomposedStringWithCanonicalMapping
        #expect(ExactText(nfc) == ExactText("Đặng"))
        #expect(ExactText(nfc) != ExactText(nfd))
        #expect(ExactText("ab", "c") != ExactText("a", "bc"))
        #expect(ExactText("a", "b") == ExactText("a", "b"))
        #expect(ExactText("a") != ExactText("a", ""))
        #expect(Set([ExactText(nfc), ExactText(nfd), ExactText("Đặng")]).count == 2)
    }

    /// The comparison as it was written before keys became bytes (equality of the word lists
    /// first, then their order; elements as tuples), kept here as the reference.
    static func referencePrecedes(_ lhs: [VietnameseCollation.Word], _ lhsText: String,
                                  _ rhs: [VietnameseCollation.Word], _ rhsText: String) -> Bool {
        func elementPrecedes(_ a: VietnameseCollation.Element, _ b: VietnameseCollation.Element) -> Bool {
            (a.rank, a.value, a.long.count, a.long) < (b.rank, b.value, b.long.count, b.long)
        }
        func wordPrecedes(_ a: VietnameseCollation.Word, _ b: VietnameseCollation.Word) -> Bool {
            if a.elements != b.elements { return a.elements.lexicographicallyPrecedes(b.elements, by: elementPrecedes) }
            return a.tone < b.tone
        }
        if lhs != rhs { return lhs.lexicographicallyPrecedes(rhs, by: wordPrecedes) }
        return lhsText.unicodeScalars.lexicographicallyPrecedes(rhsText.unicodeScalars)
    }

    @Test("the keys' bytes order every pair as the words do, both ways")
    func onePassComparison() {
        let pieces = ["an", "ăn", "ân", "ấn", "Ân", "anh", "a", "b", "Bình", "bình", "Đặng", "dặng", "12", "9", "123456789012345678901234567890",
                      "123456789012345678901234567891", String(repeating: "9", count: 65), String(repeating: "1", count: 70), "007", "x-1", "Nguyễn", "Nguyen", "Văn", "Thị", "Ánh", "Anh", "  ", "é", "Ü", ""]
        // A fixed seed, so that a failure can be run again.
        var generator = SplitMix64(state: 20_211_207)
        var texts = pieces
        for _ in 0..<400 {
            let count = Int.random(in: 1...4, using: &generator)
            texts.append((0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined(separator: " "))
        }
        for kind in 0..<2 {
            let keys = texts.map { kind == 0 ? VietnameseCollation.key($0) : VietnameseCollation.personKey($0) }
            let words = texts.map { kind == 0 ? VietnameseCollation.words($0) : VietnameseCollation.personWords($0) }
            var disagreements: [String] = []
            for (i, a) in keys.enumerated() {
                for (j, b) in keys.enumerated() where (a < b) != Self.referencePrecedes(words[i], texts[i], words[j], texts[j]) {
                    disagreements.append("\(texts[i]) / \(texts[j])")
                }
            }
            #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
        }
    }
}
