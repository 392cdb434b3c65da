import Foundation
import Testing
@testable import GiaoBanCore

@Suite("Vietnamese numbers")
struct VietnameseNumberTests {
    @Test("parsing", arguments: [
        ("1.234,5", "1234.5"), ("1.850", "1850"), ("3,5", "3.5"), ("1234.5", "1234.5"), ("2.5", "2.5"),
        ("  12 ", "12"), ("-3", "-3"), ("1.234.567", "1234567"), ("1.234.567,89", "1234567.89"), ("0,25", "0.25"),
        ("0.500", "0.5"), ("1234", "1234"), ("1.23", "1.23"), ("1.2345", "1.2345"), ("1234.567", "1234.567"),
        ("1.000.000", "1000000"), ("0", "0"), ("-0", "0"), ("-1.234,5", "-1234.5"), ("\t7\n", "7"), ("0,5", "0.5"),
        ("007", "7"), ("12,000", "12"), ("999.999,999", "999999.999"),
        ("", nil), ("   ", nil), ("abc", nil), ("1,2,3", nil), ("1e5", nil), ("1E5", nil), ("12.34.56", nil),
        ("1,234.5", nil), (",5", nil), ("5,", nil), (".5", nil), ("5.", nil), ("-", nil), ("--3", nil), ("+3", nil),
        ("1 234", nil), ("١٢", nil), ("１２", nil), ("12.34,5", nil), ("1.2.3", nil), ("1..2", nil), ("3,5 ha", nil),
        ("0x1A", nil), ("NaN", nil), ("∞", nil), ("1.234.56", nil), ("1234.567.890", nil),
    ] as [(String, String?)])
    func parsing(text: String, expected: String?) {
        #expect(VietnameseNumber.parse(text) == expected.flatMap { Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX")) })
    }

    @Test func refusesMoreDigitsThanDecimalHolds() {
        #expect(VietnameseNumber.parse(String(repeating: "9", count: 38)) != nil)
        #expect(VietnameseNumber.parse(String(repeating: "9", count: 39)) == nil)
    }

    @Test("formatting", arguments: [
        ("1234.5", 2, "1.234,5"), ("1850", 2, "1.850"), ("0.25", 2, "0,25"), ("-3", 2, "-3"), ("0", 2, "0"),
        ("1234567.891", 2, "1.234.567,89"), ("2.345", 2, "2,35"), ("-2.345", 2, "-2,35"), ("0.001", 2, "0"),
        ("-0.001", 2, "0"), ("100", 2, "100"), ("1000", 2, "1.000"), ("999999.999", 2, "1.000.000"),
        ("12.5", 0, "13"), ("1.23456", 4, "1,2346"), ("1.5", -1, "2"), ("1.50", 2, "1,5"), ("12345678901234567890", 2, "12.345.678.901.234.567.890"),
        ("-1234", 2, "-1.234"), ("0.1", 5, "0,1"), ("123", 2, "123"), ("1234", 2, "1.234"),
    ])
    func formatting(value: String, digits: Int, expected: String) throws {
        let decimal = try #require(Decimal(string: value, locale: Locale(identifier: "en_US_POSIX")))
        #expect(VietnameseNumber.format(decimal, maxFractionDigits: digits) == expected)
    }

    @Test func defaultFractionDigitsAndNaN() {
        #expect(VietnameseNumber.format(Decimal(string: "3.14159")!) == "3,14")
        #expect(VietnameseNumber.format(Decimal.nan) == "")
    }

    @Test("figures are written from their 64-bit digits as Foundation's rounding and description write them")
    func formattingFromPartsAgreesWithFoundation() {
        #expect(VietnameseNumber.DecimalParts.layoutHolds, "this toolchain's Decimal is read from its bytes")
        var generator = SplitMix64(state: 20_261_207)
        var values: [Decimal] = [0, 1, -1, 5, -5, 10, 100, 1000, 999_999, 0.5, -0.5, 0.05, 0.005, -0.005, 0.0049, 0.125, 2.675, 1.005,
                                 Decimal(UInt64.max), -Decimal(UInt64.max), Decimal(UInt64.max) + 1, Decimal(string: "0.000000000000000000001")!,
                                 Decimal(string: "123456789012345678.9")!, Decimal(string: "1e25")!, Decimal(string: "-0.0000001")!,
                                 Decimal(string: "99.995")!, Decimal(string: "-99.995")!, Decimal(string: "0.00000000000000000005")!]
        for _ in 0..<3000 {
            let mantissa = Int64.random(in: -9_999_999_999...9_999_999_999, using: &generator)
            let exponent = Int.random(in: -12...9, using: &generator)
            values.append(Decimal(sign: mantissa < 0 ? .minus : .plus, exponent: exponent, significand: Decimal(mantissa.magnitude)))
        }
        for value in values {
            for digits in 0...6 {
                let expected = VietnameseNumber.formatByDescription(value, maxFractionDigits: digits)
                #expect(VietnameseNumber.format(value, maxFractionDigits: digits) == expected, "\(value) to \(digits)")
            }
        }
    }

    @Test("format then parse gives the value back")
    func roundTrip() {
        let values = ["0", "1", "-1", "12.5", "1850", "1234.5", "-1234567.25", "0.75", "1000000", "999.99", "1000.001"]
        for text in values {
            let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))!
            #expect(VietnameseNumber.parse(VietnameseNumber.format(value, maxFractionDigits: 3)) == value, "\(text)")
        }
    }
}

@Suite("Vietnamese text")
struct VietnameseTextTests {
    @Test("folding", arguments: [
        ("Đặng Thị Nương", "dang thi nuong"), ("Nương", "nuong"), ("Đặng", "dang"), ("ĐẶNG", "dang"), ("đ", "d"),
        ("Phan Thị Nương - VP xã", "phan thi nuong - vp xa"), ("  Hội   Nông dân ", "hoi nong dan"),
        ("Nguyễn Thị Hoài Thương", "nguyen thi hoai thuong"), ("Ủy ban nhân dân", "uy ban nhan dan"),
        ("Sơn Kim 2", "son kim 2"), ("Quốc phòng – an ninh", "quoc phong – an ninh"), ("ABC", "abc"), ("", ""),
        ("Trần Văn Sơn", "tran van son"), ("Phạm Thanh Truyền", "pham thanh truyen"), ("Ư Ơ Ă Â Ê Ô", "u o a a e o"),
        ("Hương Sơn\nHà Tĩnh", "huong son ha tinh"), ("ỹ ỵ ỷ ỳ ý", "y y y y y"), ("Khu dân cư kiểu mẫu", "khu dan cu kieu mau"),
    ])
    func folding(text: String, expected: String) {
        let folded = VietnameseText.folded(text)
        #expect(Array(folded.unicodeScalars) == Array(expected.unicodeScalars))
        // NFD input (combining marks) folds the same.
        #expect(Array(VietnameseText.folded(text.decomposedStringWithCanonicalMapping).unicodeScalars) == Array(expected.unicodeScalars))
        #expect(folded.unicodeScalars.allSatisfy { $0.isASCII || $0 == "–" })
    }

    @Test func searchIgnoresDiacritics() {
        let haystack = VietnameseText.folded("Đ/c Phan Thị Nương – VP xã tổng hợp")
        #expect(haystack.contains(VietnameseText.folded("nuong")))
        #expect(haystack.contains(VietnameseText.folded("NƯƠNG")))
        #expect(haystack.contains(VietnameseText.folded("tong hop")))
    }

    @Test("NFC: precomposed, trimmed")
    func nfc() {
        let nfd = "  Nu\u{031B}o\u{031B}\u{0300}ng Đa\u{0323}\u{0306}ng\n"   // "Nường Đặng" with combining marks
        let result = VietnameseText.nfc(nfd)
        #expect(Array(result.unicodeScalars) == Array("N\u{01B0}\u{1EDD}ng \u{0110}\u{1EB7}ng".unicodeScalars))
        #expect(Array(VietnameseText.nfc("Nương").unicodeScalars) == Array("N\u{01B0}\u{01A1}ng".unicodeScalars))
        #expect(VietnameseText.nfc("  a  b  ") == "a  b")
        #expect(VietnameseText.nfc(" \t\n") == "")
    }
}

@Suite("Time left")
struct TimeLeftTests {
    static let now = CalFixture.instant("2021-08-17T09:00:00Z")

    @Test("countdown text", arguments: [
        (2 * 86_400 + 3 * 3600, "còn 2 ngày 3 giờ"),
        (2 * 86_400 + 3 * 3600 + 59 * 60 + 59, "còn 2 ngày 3 giờ"),
        (2 * 86_400 + 5 * 60, "còn 2 ngày"),
        (86_400, "còn 1 ngày"),
        (3 * 3600 + 20 * 60, "còn 3 giờ 20 phút"),
        (3 * 3600, "còn 3 giờ"),
        (3 * 3600 + 30, "còn 3 giờ"),
        (23 * 3600 + 59 * 60, "còn 23 giờ 59 phút"),
        (45 * 60, "còn 45 phút"),
        (45 * 60 + 59, "còn 45 phút"),
        (60, "còn 1 phút"),
        (30, "còn dưới 1 phút"),
        (0, "còn dưới 1 phút"),
        (-1, "quá hạn dưới 1 phút"),
        (-5 * 60, "quá hạn 5 phút"),
        (-(5 * 60 + 30), "quá hạn 5 phút"),
        (-(86_400 + 2 * 3600), "quá hạn 1 ngày 2 giờ"),
        (-(3 * 3600 + 1), "quá hạn 3 giờ"),
        (-(40 * 86_400), "quá hạn 40 ngày"),
    ])
    func countdown(seconds: Int, expected: String) {
        let deadline = Self.now.addingTimeInterval(TimeInterval(seconds))
        #expect(TimeLeft.vietnamese(from: Self.now, to: deadline) == expected)
    }

    @Test func fractionalSecondsAndTheLetterDeadline() throws {
        let calendar = CalFixture.calendar
        let deadline = calendar.deadlines(for: try calendar.week(parsing: "2021-W33")).weeklyReport
        #expect(TimeLeft.vietnamese(from: CalFixture.instant("2021-08-17T09:00:00+07:00"), to: deadline) == "còn 2 ngày 11 giờ")
        #expect(TimeLeft.vietnamese(from: CalFixture.instant("2021-08-19T19:59:59.500+07:00"), to: deadline) == "còn dưới 1 phút")
        #expect(TimeLeft.vietnamese(from: CalFixture.instant("2021-08-19T20:00:00.500+07:00"), to: deadline) == "quá hạn dưới 1 phút")
        #expect(TimeLeft.vietnamese(from: CalFixture.instant("2021-08-20T22:05:00+07:00"), to: deadline) == "quá hạn 1 ngày 2 giờ")
    }
}

@Suite("Trimming white space")
struct TrimmingTests {
    /// Scalars around and inside the values: ASCII and Unicode spaces, newlines, Vietnamese
    /// letters, combining marks, emoji.
    static let alphabet: [Unicode.Scalar] = [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}", "\u{2003}", "\u{2028}",
                                             "\u{2029}", "\u{3000}", "\u{200B}", "\u{FEFF}", "\u{180E}", "\u{1680}", "\u{00AD}", "a", "Đ", "ễ", "\u{0301}", "-", "1", "😀"]

    @Test("Same as Foundation's trimmingCharacters on random strings and on the edge cases")
    func sameAsFoundation() {
        var random = SplitMix64(state: 20)
        var samples = ["", " ", "\n", "Nguyễn Văn A", " Nguyễn ", "\u{A0}x\u{A0}", "x\u{2028}", "\u{0301}", "a\u{0301} ", "\t\n"]
        for _ in 0..<3_000 {
            let length = Int.random(in: 0...6, using: &random)
            samples.append(String(String.UnicodeScalarView((0..<length).map { _ in Self.alphabet.randomElement(using: &random)! })))
        }
        for sample in samples {
            #expect(sample.trimmedWhitespace == sample.trimmingCharacters(in: .whitespaces), "\(sample.unicodeScalars.map(\.value))")
            #expect(sample.trimmedWhitespaceAndNewlines == sample.trimmingCharacters(in: .whitespacesAndNewlines),
                    "\(sample.unicodeScalars.map(\.value))")
            let inner = sample.dropFirst()
            #expect(inner.trimmedWhitespace == inner.trimmingCharacters(in: .whitespaces))
        }
    }
}

@Suite("Ids as text")
struct UUIDTextTests {
    @Test("canonicalText spells an id as uuidString does")
    func sameAsFoundation() {
        var random = SplitMix64(state: 7)
        var ids = [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                   UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)), UUID()]
        for _ in 0..<2_000 {
            var bytes = [UInt8](repeating: 0, count: 16)
            for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &random) }
            ids.append(UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                                   bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15])))
        }
        for id in ids { #expect(id.canonicalText == id.uuidString) }
    }
}
