import Foundation
import Testing
@testable import GiaoBanCore

@Suite("Search matching: marks, abbreviations, initials")
struct SearchMatchingTests {
    let texts = ["Hồ Sỹ Nam", "Kế hoạch năm 2021", "Nắm tình hình", "Phan Thị Nương", "Đặng Văn Dũng",
                 "Cấp thẻ BHYT cho người cao tuổi", "Vận động người dân mua bảo hiểm y tế", "Xây dựng nông thôn mới",
                 "Họp Ban chấp hành Đoàn Thanh niên", "Kinh tế - xã hội", "Sinh hoạt HĐND xã", "Giảm 50% phí, mã A_1"]

    func found(_ query: String) -> [String] {
        SearchMatcher(query).filter(texts) { [$0] }
    }

    @Test("without marks: the letters as typed, any tone; ă â ê ô ơ ư đ are other letters")
    func plainQueryIsStrictFirst() {
        #expect(found("nam") == ["Hồ Sỹ Nam"])
        #expect(found("NAM") == ["Hồ Sỹ Nam"])
        #expect(SearchMatcher("nam").matches("Nám", .strict) && SearchMatcher("nam").matches("nạm", .strict))
        #expect(!SearchMatcher("nam").matches("năm", .strict) && !SearchMatcher("nam").matches("nâm", .strict))
        #expect(!SearchMatcher("dung").matches("Đụng", .strict) && SearchMatcher("dung").matches("Dũng", .strict))
        #expect(found("ho sy") == ["Hồ Sỹ Nam"])
    }

    @Test("without marks and nothing strict: every mark ignored (“nuong” finds Nương, “dang” finds Đặng)")
    func looseWhenNothingStrict() {
        #expect(found("nuong") == ["Phan Thị Nương"])
        #expect(found("dang") == ["Đặng Văn Dũng"])
        #expect(found("nong thon") == ["Xây dựng nông thôn mới"])
        // Strict hits hide the loose ones: "nam" never brings every "năm".
        #expect(!found("nam").contains("Kế hoạch năm 2021"))
        #expect(SearchMatcher("nuong").matches("Nương", .loose) && !SearchMatcher("nuong").matches("Nương", .strict))
    }

    @Test("with marks: exactly as typed, case ignored, NFC or NFD")
    func markedQueryIsExact() {
        #expect(found("năm") == ["Kế hoạch năm 2021"])
        #expect(found("Năm") == ["Kế hoạch năm 2021"])
        #expect(found("nắm") == ["Nắm tình hình"])
        #expect(found("đặng") == ["Đặng Văn Dũng"])
        #expect(found("ĐẶNG") == ["Đặng Văn Dũng"])
        #expect(found("dặng").isEmpty, "a mark typed is meant")
        #expect(found("Nương".decomposedStringWithCanonicalMapping) == ["Phan Thị Nương"])
        #expect(found("nương  ") == ["Phan Thị Nương"])
    }

    @Test("abbreviations both ways, with or without marks", arguments: [
        ("bhyt", ["Cấp thẻ BHYT cho người cao tuổi", "Vận động người dân mua bảo hiểm y tế"]),
        ("BHYT", ["Cấp thẻ BHYT cho người cao tuổi", "Vận động người dân mua bảo hiểm y tế"]),
        ("bảo hiểm y tế", ["Cấp thẻ BHYT cho người cao tuổi", "Vận động người dân mua bảo hiểm y tế"]),
        ("ntm", ["Xây dựng nông thôn mới"]),
        ("hđnd", ["Sinh hoạt HĐND xã"]),
        ("hdnd", ["Sinh hoạt HĐND xã"]),
        ("đtn", ["Họp Ban chấp hành Đoàn Thanh niên"]),
        ("dtn", ["Họp Ban chấp hành Đoàn Thanh niên"]),
        ("ktxh", ["Kinh tế - xã hội"]),
    ])
    func abbreviations(query: String, expected: [String]) {
        #expect(found(query) == expected)
    }

    @Test("initials of consecutive words, in the loose pass only")
    func initials() {
        let matcher = SearchMatcher("bch")
        #expect(matcher.matches("Họp Ban chấp hành Đoàn Thanh niên", .loose))
        #expect(!SearchMatcher("xdntm").matches("Xây dựng nông thôn", .loose))
        #expect(SearchMatcher("xdntm").matches("Xây dựng nông thôn mới", .loose))
        #expect(!SearchMatcher("vdnd").matches("Vận động người dân", .strict))
        #expect(SearchMatcher("vdnd").matches("Vận động người dân", .loose))
        // Longer words and phrases are not read as initials.
        #expect(!SearchMatcher("vandong").matches("Vận động người dân", .loose))
    }

    @Test("the table: keys of three letters or more, expansions folded, known ones present")
    func table() {
        for (key, expansions) in VietnameseAbbreviations.table {
            #expect(key.count >= 3 && VietnameseText.folded(key) == key, "\(key)")
            for expansion in expansions { #expect(VietnameseText.folded(expansion) == expansion, "\(expansion)") }
        }
        for key in ["bhyt", "ntm", "ubnd", "hdnd", "mttq", "dtn", "hccb", "qpan"] { #expect(VietnameseAbbreviations.table[key] != nil) }
        #expect(VietnameseAbbreviations.alternatives(for: "uy ban nhan dan") == ["ubnd"])
    }

    @Test("LIKE wildcards and backslashes are letters")
    func wildcards() {
        #expect(found("%").count == 1 && found("_").count == 1)
        #expect(found("50%") == ["Giảm 50% phí, mã A_1"])
        #expect(found("\\").isEmpty)
        #expect(found("   ").isEmpty && SearchMatcher("  ").isEmpty)
    }
}

extension SearchMatchingTests {
    @Test("which pass each kind uses: names loosen on their own, free text only when nothing matched strictly")
    func passes() {
        let plain = SearchMatcher("nam")
        // A person Nam matched strictly: report lines stay strict (no flood of "năm").
        #expect(plain.passes(strictHits: [(.name, 1), (.name, 0), (.freeText, 0), (.freeText, 0)]) == [.strict, .loose, .strict, .strict])
        // Nothing strict anywhere: everything is read loosely ("tuyen truyen").
        #expect(plain.passes(strictHits: [(.name, 0), (.freeText, 0)]) == [.loose, .loose])
        // A report line matched strictly: names still loosen ("dang" finds Đặng).
        #expect(plain.passes(strictHits: [(.name, 0), (.freeText, 2)]) == [.loose, .strict])
        // Marks typed: always strict.
        #expect(SearchMatcher("năm").passes(strictHits: [(.name, 0), (.freeText, 0)]) == [.strict, .strict])
    }
}
