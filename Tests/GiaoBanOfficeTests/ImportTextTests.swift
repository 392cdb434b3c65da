import Foundation
import Testing
@testable import GiaoBanOffice

@Suite("Số và chữ trong bảng tính")
struct ImportTextTests {
    @Test(arguments: [
        ("1.850", "1850"), ("3,5", "3.5"), ("320", "320"), ("1.234,5", "1234.5"), ("1,234.5", "1234.5"),
        ("1.234.567", "1234567"), ("1,234,567", "1234567"), ("2 500", "2500"), ("95%", "95"), ("-3", "-3"),
        ("0.125", "0.125"), ("3.5", "3.5"), ("12.50", "12.5"), ("0,5", "0.5"), (",5", "0.5"), ("+7", "7"),
        ("1.850,25", "1850.25"), ("  45 ", "45"), ("1\u{00A0}000", "1000"), ("1234.567", "1234.567"),
    ])
    func vietnameseNumbers(text: String, expected: String) {
        #expect(ImportText.number(text) == Decimal(string: expected))
    }

    @Test(arguments: ["abc", "", "-", "1.2.3", "1,2,3", "1.23.456", "1e5", "12abc", "3,5,", "..", "1.234,5,6", "--3", "٣"])
    func notNumbers(text: String) {
        #expect(ImportText.number(text) == nil)
    }

    @Test func folding() {
        #expect(ImportText.fold("  Đơn vị   TÍNH ") == "don vi tinh")
        #expect(ImportText.fold("Kế hoạch năm 2021") == "ke hoach nam 2021")
        #expect(ImportText.fold("Nương".decomposedStringWithCanonicalMapping) == "nuong")
        #expect(ImportText.clean(" a\n\tb\u{00A0} c ") == "a b c")
    }

    @Test func yesNoWords() {
        #expect(ImportText.yesNo("Đạt") == true)
        #expect(ImportText.yesNo("đạt chuẩn") == true)
        #expect(ImportText.yesNo("Chưa đạt") == false)
        #expect(ImportText.yesNo("không") == false)
        #expect(ImportText.yesNo("3") == nil)
    }

    @Test func romanNumerals() {
        for text in ["I", "II", "III", "IV", "V", "VI", "IX", "X", "XIV", "XL", "XC"] { #expect(ImportText.isRomanNumeral(text), "\(text)") }
        for text in ["", "IIII", "VV", "IC", "ii", "KT", "A", "CV01", "IIX"] { #expect(!ImportText.isRomanNumeral(text), "\(text)") }
    }

    @Test func numberDisplay() {
        #expect(NumberText.display(320) == "320")
        #expect(NumberText.display(3.5) == "3.5")
        #expect(NumberText.display(0.1 + 0.2) == "0.3")
        #expect(NumberText.display(-0.0) == "0")
        #expect(NumberText.display(1e-7) == "0.0000001")
        #expect(NumberText.display(123456789.123) == "123456789.123")
        #expect(NumberText.display(.infinity) == "#NUM!")
        #expect(NumberText.date(serial: 1, date1904: false, showDate: true, showTime: false, showSeconds: false) == "01/01/1900")
        #expect(NumberText.date(serial: 60, date1904: false, showDate: true, showTime: false, showSeconds: false) == "29/02/1900")
        #expect(NumberText.date(serial: 61, date1904: false, showDate: true, showTime: false, showSeconds: false) == "01/03/1900")
        #expect(NumberText.date(serial: 44427.99999, date1904: false, showDate: true, showTime: true, showSeconds: true) == "19/08/2021 23:59:59")
        #expect(NumberText.date(serial: -1, date1904: false, showDate: true, showTime: false, showSeconds: false) == nil)
    }

    @Test func numberFormatKinds() {
        #expect(NumberFormatKind(code: "dd/mm/yyyy").isDate)
        #expect(NumberFormatKind(code: "[$-42A]dd/mm/yyyy").isDate)
        #expect(NumberFormatKind(code: "h:mm").hasTime)
        #expect(!NumberFormatKind(code: "h:mm").hasDate)
        #expect(!NumberFormatKind(code: "#,##0.##").isDate)
        #expect(!NumberFormatKind(code: "#,##0\" ha\"").isDate)
        #expect(!NumberFormatKind(code: "[Red]#,##0").isDate)
        #expect(!NumberFormatKind(code: "0.00E+00").isDate)
        #expect(NumberFormatKind(code: "0.0%").isPercent)
        #expect(NumberFormatKind(code: "@").isText)
    }
}
