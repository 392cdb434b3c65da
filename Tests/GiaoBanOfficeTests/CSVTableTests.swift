import Foundation
import Testing
@testable import GiaoBanOffice

@Suite("Đọc và ghi CSV")
struct CSVTableTests {
    @Test func readsTheSampleCSV() throws {
        let rows = try CSVTable.read(try Fixture.data("chi-tieu-2021.csv"))
        #expect(rows.count == 32)
        #expect(rows[0] == ["STT", "Mã", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch năm 2021", "Cách tính lũy kế", "Loại giá trị", "Đơn vị phụ trách", "Nhóm báo cáo"])
        #expect(rows[7][4] == "3,5")
        #expect(rows[17][8] == "Khối Đảng, Mặt trận, đoàn thể")
        #expect(rows[22][2] == "Quỹ \"Vì người nghèo\" vận động được")
        #expect(rows.allSatisfy { $0.count == 9 })
    }

    @Test func byteOrderMarkAndCRLFAreTolerated() throws {
        let data = Data([0xEF, 0xBB, 0xBF]) + Data("Mã,Tên\r\nKT01,Lúa\r\n".utf8)
        #expect(try CSVTable.read(data) == [["Mã", "Tên"], ["KT01", "Lúa"]])
    }

    @Test func semicolonSeparatorIsDetected() throws {
        let text = "Mã;Chỉ tiêu;Kế hoạch\nKT06;Thu ngân sách, phí;1.234,5\nKT07;\"Đường; cầu\";3,5\n"
        #expect(try CSVTable.read(Data(text.utf8)) == [
            ["Mã", "Chỉ tiêu", "Kế hoạch"],
            ["KT06", "Thu ngân sách, phí", "1.234,5"],
            ["KT07", "Đường; cầu", "3,5"],
        ])
    }

    @Test func tabSeparatorIsDetected() throws {
        #expect(try CSVTable.read(Data("a\tb,c\n1\t2\n".utf8)) == [["a", "b,c"], ["1", "2"]])
    }

    @Test func quotedFieldsWithCommasQuotesAndNewlines() throws {
        let text = "a,b,c\n\"x, y\",\"he said \"\"hi\"\"\",\"line 1\nline 2\"\n,,\n"
        let rows = try CSVTable.read(Data(text.utf8))
        #expect(rows == [["a", "b", "c"], ["x, y", "he said \"hi\"", "line 1\nline 2"], ["", "", ""]])
    }

    @Test func blankLinesAndMissingFinalNewline() throws {
        #expect(try CSVTable.read(Data("a,b\n\nc,d".utf8)) == [["a", "b"], [""], ["c", "d"]])
        #expect(try CSVTable.read(Data()) == [])
    }

    @Test func utf16WithByteOrderMark() throws {
        let text = "Mã\tTên\nKT01\tLúa\n"
        var little = Data([0xFF, 0xFE])
        for unit in text.utf16 { little.append(UInt8(unit & 0xFF)); little.append(UInt8(unit >> 8)) }
        #expect(try CSVTable.read(little) == [["Mã", "Tên"], ["KT01", "Lúa"]])
        var big = Data([0xFE, 0xFF])
        for unit in text.utf16 { big.append(UInt8(unit >> 8)); big.append(UInt8(unit & 0xFF)) }
        #expect(try CSVTable.read(big) == [["Mã", "Tên"], ["KT01", "Lúa"]])
    }

    @Test func refusesNonUTF8Text() {
        // "Mã" in Windows-1258 (0xE3 = ã)
        let error = spreadsheetError { _ = try CSVTable.read(Data([0x4D, 0xE3, 0x2C, 0x41, 0x0A])) }
        #expect(error?.kind == .unsupportedEncoding)
        #expect(error?.message.contains("UTF-8") == true)
    }

    @Test func refusesSpreadsheetsUploadedAsCSV() throws {
        let xlsx = try Fixture.data("chi-tieu-2021.xlsx")
        let error = spreadsheetError { _ = try CSVTable.read(xlsx) }
        #expect(error?.kind == .unsupportedEncoding)
        #expect(error?.message.contains(".xlsx") == true)
    }

    @Test func replacementCharacterInTheFileIsKept() throws {
        #expect(try CSVTable.read(Data("a,\u{FFFD}\n".utf8)) == [["a", "\u{FFFD}"]])
    }

    @Test func refusesTooManyCells() {
        let line = Array(repeating: "1", count: 100).joined(separator: ",") + "\n"
        let text = String(repeating: line, count: 1001)
        #expect(spreadsheetError { _ = try CSVTable.read(Data(text.utf8)) }?.kind == .tooLarge)
    }

    @Test func refusesMillionsOfEmptyFields() {
        let error = spreadsheetError { _ = try CSVTable.read(Data(String(repeating: ",", count: 1_000_001).utf8)) }
        #expect(error?.kind == .tooLarge)
    }

    @Test func writeQuotesWhatNeedsQuoting() throws {
        let rows = [["Mã", "Tên"], ["KT01", "a, b"], ["KT02", "nói \"xin chào\""], ["KT03", "dòng 1\ndòng 2"], ["KT04", " cách "], ["", ""]]
        let data = CSVTable.write(rows)
        #expect(data.starts(with: [0xEF, 0xBB, 0xBF]))
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        #expect(text == "Mã,Tên\r\nKT01,\"a, b\"\r\nKT02,\"nói \"\"xin chào\"\"\"\r\nKT03,\"dòng 1\ndòng 2\"\r\nKT04,\" cách \"\r\n,\r\n")
        #expect(try CSVTable.read(data) == rows)
    }

    @Test func writeWithSemicolonAndWithoutBOM() throws {
        let rows = [["a;b", "3,5", "x"]]
        let data = CSVTable.write(rows, separator: ";", byteOrderMark: false)
        #expect(String(decoding: data, as: UTF8.self) == "\"a;b\";3,5;x\r\n")
        #expect(try CSVTable.read(data) == rows)
    }
}
