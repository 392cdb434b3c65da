import Foundation
import Testing
@testable import GiaoBanOffice

@Suite("Ghi tệp .xlsx")
struct XLSXWriterTests {
    static func sampleSheet() -> XLSXWriter.Sheet {
        XLSXWriter.Sheet(
            name: "Chỉ tiêu 2021",
            header: ["Mã", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch"],
            rows: [
                ["KT01", "Diện tích gieo trồng lúa cả năm", "ha", .number(320, format: "#,##0.##")],
                ["KT06", "Thu ngân sách nhà nước", "triệu đồng", .number(1850, format: "#,##0")],
                ["KT07", "Đường giao thông nông thôn", "km", .number(Decimal(string: "3.5")!, format: "#,##0.##")],
                ["DT06", "Quỹ \"Vì người nghèo\" & <khác>", "triệu đồng", .number(Decimal(string: "-0.125")!)],
                ["CV01", "Không có kế hoạch", "người", .empty],
            ],
            columnWidths: [9, 48, 12, nil])
    }

    @Test func writesAWorkbookThatReadsBack() throws {
        let data = try XLSXWriter.write([Self.sampleSheet()])
        #expect(XLSXReader.isZip(data))
        let sheet = try #require(try XLSXReader.read(data).sheets.first)
        #expect(sheet.name == "Chỉ tiêu 2021")
        #expect(sheet.rows == [
            ["Mã", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch"],
            ["KT01", "Diện tích gieo trồng lúa cả năm", "ha", "320"],
            ["KT06", "Thu ngân sách nhà nước", "triệu đồng", "1850"],
            ["KT07", "Đường giao thông nông thôn", "km", "3.5"],
            ["DT06", "Quỹ \"Vì người nghèo\" & <khác>", "triệu đồng", "-0.125"],
            ["CV01", "Không có kế hoạch", "người", ""],
        ])
        #expect(sheet.cell("D2")?.value == .number(320))
        #expect(sheet.cell("D2")?.numberFormat == "#,##0.##")
        #expect(sheet.cell("D3")?.numberFormat == "#,##0")
        #expect(sheet.cell("D5")?.numberFormat == nil)
        #expect(sheet.cell("D4")?.decimalValue == Decimal(string: "3.5"))
    }

    @Test func writesStylesPanesWidthsAndMerges() throws {
        var sheet = Self.sampleSheet()
        sheet.rows.insert([XLSXWriter.Cell(.text("BIỂU CHỈ TIÊU"), style: .init(bold: true, horizontalAlignment: .center))], at: 0)
        sheet.mergedRanges = [XLSXRange("A1:D1")!]
        sheet.frozenRows = 2
        sheet.landscape = true
        sheet.rowHeights = [24, 30]
        sheet.fitToPageWidth = true
        let data = try XLSXWriter.write([sheet])
        let parts = try unzipParts(data)
        let sheetXML = try #require(parts["xl/worksheets/sheet1.xml"])
        #expect(sheetXML.contains(#"<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>"#))
        #expect(sheetXML.contains(#"<col min="2" max="2" width="48" customWidth="1"/>"#))
        #expect(!sheetXML.contains(#"min="4""#))
        #expect(sheetXML.contains(#"<mergeCell ref="A1:D1"/>"#))
        #expect(sheetXML.contains(#"orientation="landscape""#))
        #expect(sheetXML.contains(#"paperSize="9""#))
        #expect(sheetXML.contains(#"<row r="2" ht="30" customHeight="1">"#))
        #expect(sheetXML.contains(#"<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>"#))
        #expect(sheetXML.contains(#"fitToWidth="1" fitToHeight="0""#))
        let styles = try #require(parts["xl/styles.xml"])
        #expect(styles.contains("<b/>"))
        #expect(styles.contains(##"formatCode="#,##0.##""##))
        #expect(styles.contains(#"numFmtId="3""#)) // built-in #,##0
        #expect(styles.contains("Times New Roman"))
        let workbookXML = try #require(parts["xl/workbook.xml"])
        #expect(workbookXML.contains("_xlnm.Print_Titles"))
        #expect(workbookXML.contains("&apos;Chỉ tiêu 2021&apos;!$1:$2"))
        let read = try XLSXReader.read(data).sheets[0]
        #expect(read.mergedRanges == [XLSXRange("A1:D1")!])
        #expect(read.rows[0] == ["BIỂU CHỈ TIÊU", "", "", ""])
    }

    @Test func textIsEscapedAndPreserved() throws {
        let tricky = [
            "  khoảng trắng đầu và cuối  ",
            "dòng 1\ndòng 2\r\ndòng 3",
            "tab\there",
            "ký tự điều khiển \u{0001}\u{000B} ở giữa",
            "mẫu _x0041_ giữ nguyên",
            "<b>&amp;</b> ' \"",
            "Tiếng Việt tổ hợp: Nu\u{031B}\u{0301}ơng", // NFD input is stored as NFC
            "😀 emoji",
        ]
        let data = try XLSXWriter.write([XLSXWriter.Sheet(name: "a", rows: tricky.map { [XLSXWriter.Cell(.text($0))] })])
        let sheet = try XLSXReader.read(data).sheets[0]
        var expected = tricky
        expected[6] = expected[6].precomposedStringWithCanonicalMapping
        #expect(sheet.rows.map { $0[0] } == expected)
    }

    @Test func sheetNamesAreMadeValid() throws {
        #expect(XLSXWriter.uniqueSheetNames(["Tuần 33/2021", "a:b*c?[d]", "", "Sổ", "sổ", String(repeating: "Đ", count: 40)])
            == ["Tuần 33-2021", "a-b-c--d-", "Trang 3", "Sổ", "sổ (2)", String(repeating: "Đ", count: 31)])
        let data = try XLSXWriter.write([
            XLSXWriter.Sheet(name: "Tuần 33/2021", rows: [["a"]]),
            XLSXWriter.Sheet(name: "Tuần 33/2021", rows: [["b"]]),
        ])
        let workbook = try XLSXReader.read(data)
        #expect(workbook.sheets.map(\.name) == ["Tuần 33-2021", "Tuần 33-2021 (2)"])
        #expect(workbook.sheets.map { $0.rows } == [[["a"]], [["b"]]])
    }

    @Test func refusesInvalidWorkbooks() {
        #expect(spreadsheetError { _ = try XLSXWriter.write([]) }?.kind == .invalidWorkbook)
        let overlapping = XLSXWriter.Sheet(name: "x", rows: [["a"]], mergedRanges: [XLSXRange("A1:B2")!, XLSXRange("B2:C3")!])
        let error = spreadsheetError { _ = try XLSXWriter.write([overlapping]) }
        #expect(error?.kind == .invalidWorkbook)
        #expect(error?.message.contains("chồng lên nhau") == true)
    }

    @Test func emptySheetIsValid() throws {
        let data = try XLSXWriter.write([XLSXWriter.Sheet(name: "Trống", rows: [])])
        let sheet = try XLSXReader.read(data).sheets[0]
        #expect(sheet.rows.isEmpty)
        #expect(sheet.name == "Trống")
    }

    @Test func frozenColumnsAndRows() throws {
        let sheet = XLSXWriter.Sheet(name: "x", rows: [["a", "b"], ["c", "d"]], frozenRows: 1, frozenColumns: 1)
        let xml = try #require(try unzipParts(try XLSXWriter.write([sheet]))["xl/worksheets/sheet1.xml"])
        #expect(xml.contains(#"<pane xSplit="1" ySplit="1" topLeftCell="B2" activePane="bottomRight" state="frozen"/>"#))
    }

    @Test func outputIsDeterministicForAFixedDate() throws {
        let date = Date(timeIntervalSince1970: 1_629_331_200)
        let first = try XLSXWriter.write([Self.sampleSheet()], modificationDate: date)
        let second = try XLSXWriter.write([Self.sampleSheet()], modificationDate: date)
        #expect(first == second)
    }
}

/// All parts of a zip as UTF-8 text, read through the reader's own zip access.
func unzipParts(_ data: Data) throws -> [String: String] {
    try ZipParts.read(data)
}
