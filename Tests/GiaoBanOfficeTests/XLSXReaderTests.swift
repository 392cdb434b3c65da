import Foundation
import GiaoBanCore
import Testing
@testable import GiaoBanOffice

@Suite("Đọc tệp .xlsx")
struct XLSXReaderTests {
    @Test func readsTheSampleTargetTable() throws {
        let workbook = try XLSXReader.read(try Fixture.data("chi-tieu-2021.xlsx"))
        #expect(workbook.sheets.count == 1)
        let sheet = try #require(workbook.sheets.first)
        #expect(sheet.name == "Chỉ tiêu 2021")
        #expect(workbook.sheet(named: "chỉ tiêu 2021") != nil)
        #expect(sheet.rowCount == 47)
        #expect(sheet.columnCount == 7)
        #expect(sheet.rows.allSatisfy { $0.count == 7 })
        #expect(sheet.rows[0][0] == "UBND XÃ SƠN KIM 2")
        #expect(sheet.rows[1] == Array(repeating: "", count: 7))
        #expect(sheet.rows[5] == ["STT", "Mã số", "Nội dung chỉ tiêu", "ĐVT", "Kế hoạch năm 2021", "Cách tính lũy kế", "Đơn vị chủ trì"])
        #expect(sheet.rows[6] == ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"])
        #expect(sheet.rows[8] == ["1", "KT01", "Diện tích gieo trồng lúa cả năm", "ha", "320", "cộng dồn", "Địa chính - Nông nghiệp"])
        // Plan typed as text in Vietnamese format, and a real decimal number.
        #expect(sheet.cell("E14")?.value == .text("1.850"))
        #expect(sheet.cell("E15")?.value == .number(3.5))
        #expect(sheet.cell("E15")?.displayString == "3.5")
        #expect(sheet.cell("E15")?.decimalValue == Decimal(string: "3.5"))
        #expect(sheet[9, 5]?.displayString == "320")
        #expect(sheet.cell("E40") == nil) // CV01: no plan
        #expect(sheet.rows[39][4] == "")
        #expect(sheet.rows[35][4] == "Đạt")
        #expect(sheet.rows[45][4] == "Sơn Kim 2, ngày 19 tháng 8 năm 2021")
        // Merged ranges
        #expect(sheet.mergedRanges.count == 8)
        #expect(sheet.mergedRanges.contains(XLSXRange("B16:G16")!))
        #expect(sheet.mergedRange(containingRow: 3, column: 4) == XLSXRange("A3:G3"))
        #expect(sheet.mergedRange(containingRow: 9, column: 2) == nil)
    }

    @Test func cellKindsAndStrings() throws {
        let shared = [
            "<si><t>Đơn giản</t></si>",
            // rich text runs are concatenated; phonetic runs are not part of the text
            "<si><r><rPr><b/></rPr><t>Kế hoạch </t></r><r><t xml:space=\"preserve\">năm 2021</t></r><rPh sb=\"0\" eb=\"1\"><t>ふりがな</t></rPh></si>",
            "<si><t>A &amp; B &lt;C&gt; \"D\"</t></si>",
            "<si><t>dòng 1_x000D_\ndòng 2 _x005F_x0041_</t></si>",
        ]
        let sheetData = """
        <sheetData>
        <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>
        <row r="2"><c r="A2" t="inlineStr"><is><t>nội dòng</t></is></c><c r="B2" t="inlineStr"><is><r><t>a</t></r><r><t>b</t></r></is></c>
          <c r="C2" t="b"><v>1</v></c><c r="D2" t="b"><v>0</v></c><c r="E2" t="e"><v>#DIV/0!</v></c></row>
        <row r="3"><c r="A3"><v>1.0</v></c><c r="B3"><v>0.30000000000000004</v></c><c r="C3"><v>-2.5E-3</v></c>
          <c r="D3"><v>1E+20</v></c><c r="E3"><v>123456789012</v></c><c r="F3"><v>-0</v></c></row>
        <row r="4"><c r="A4"><f>SUM(A3:C3)</f><v>0.2975</v></c><c r="B4" t="str"><f>CONCAT("x","y")</f><v>xy</v></c>
          <c r="C4" t="d"><v>2021-08-19T14:30:00</v></c><c r="D4" s="1"/></row>
        </sheetData>
        """
        let sheet = try #require(try XLSXReader.read(try makeWorkbook(sheetData: sheetData, sharedStrings: shared)).sheets.first)
        #expect(sheet.rows[0] == ["Đơn giản", "Kế hoạch năm 2021", "A & B <C> \"D\"", "dòng 1\r\ndòng 2 _x0041_", "", ""])
        #expect(sheet.rows[1] == ["nội dòng", "ab", "TRUE", "FALSE", "#DIV/0!", ""])
        #expect(sheet.cell("C2")?.value == .boolean(true))
        #expect(sheet.cell("E2")?.value == .error("#DIV/0!"))
        #expect(sheet.rows[2] == ["1", "0.3", "-0.0025", "100000000000000000000", "123456789012", "0"])
        #expect(sheet.cell("B3")?.decimalValue == Decimal(string: "0.3"))
        #expect(sheet.cell("A4")?.formula == "SUM(A3:C3)")
        #expect(sheet.cell("A4")?.displayString == "0.2975")
        #expect(sheet.cell("B4")?.value == .text("xy"))
        #expect(sheet.cell("B4")?.formula == "CONCAT(\"x\",\"y\")")
        #expect(sheet.cell("C4")?.displayString == "19/08/2021 14:30")
        #expect(sheet.cell("D4") == nil) // styled but empty
        #expect(sheet.rowCount == 4)
        #expect(sheet.columnCount == 6)
    }

    @Test func dateAndPercentFormats() throws {
        let styles = """
        <numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/><numFmt numFmtId="165" formatCode="#,##0.0&quot; ha&quot;"/></numFmts>
        <cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="9"/><xf numFmtId="165"/><xf numFmtId="22"/></cellXfs>
        """
        let sheetData = """
        <sheetData><row r="1">
        <c r="A1" s="1"><v>44427</v></c><c r="B1" s="2"><v>44427.75</v></c><c r="C1" s="3"><v>0.95</v></c>
        <c r="D1" s="4"><v>1850</v></c><c r="E1" s="5"><v>44427.5</v></c><c r="F1" s="1"><v>1</v></c><c r="G1" s="99"><v>7</v></c>
        </row></sheetData>
        """
        let sheet = try #require(try XLSXReader.read(try makeWorkbook(sheetData: sheetData, styles: styles)).sheets.first)
        #expect(sheet.rows[0] == ["19/08/2021", "19/08/2021", "95%", "1850", "19/08/2021 12:00", "01/01/1900", "7"])
        #expect(sheet.cell("A1")?.numberFormat == "dd/mm/yyyy")
        #expect(sheet.cell("D1")?.numberFormat == "#,##0.0\" ha\"")
        #expect(sheet.cell("A1")?.value == .number(44427))
    }

    @Test func date1904Workbooks() throws {
        let styles = #"<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>"#
        let data = try makeWorkbook(sheetData: #"<sheetData><row r="1"><c r="A1" s="1"><v>42965</v></c></row></sheetData>"#,
                                    styles: styles, workbookExtra: #"<workbookPr date1904="1"/>"#)
        #expect(try XLSXReader.read(data).sheets[0].rows[0][0] == "19/08/2021")
    }

    @Test func cellsAndRowsWithoutAddresses() throws {
        let sheetData = """
        <sheetData><row><c t="inlineStr"><is><t>a</t></is></c><c><v>2</v></c></row><row/><row><c r="C3"><v>3</v></c><c><v>4</v></c></row></sheetData>
        """
        let sheet = try XLSXReader.read(try makeWorkbook(sheetData: sheetData)).sheets[0]
        #expect(sheet.rows == [["a", "2", "", ""], ["", "", "", ""], ["", "", "3", "4"]])
    }

    @Test func prefixedNamespacesAndAbsoluteTargets() throws {
        let parts: [(String, String)] = [
            ("[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"),
            ("_rels/.rels", #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/xl/workbook.xml"/></Relationships>"#),
            ("xl/workbook.xml", #"<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:sheets><x:sheet name="Ẩn" sheetId="2" state="hidden" r:id="rId7"/><x:sheet name="Hai" sheetId="1" r:id="rId8"/></x:sheets></x:workbook>"#),
            ("xl/_rels/workbook.xml.rels", #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/a.xml"/><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/../worksheets/b.xml"/></Relationships>"#),
            ("xl/worksheets/a.xml", #"<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>ẩn</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>"#),
            ("xl/worksheets/b.xml", #"<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="2"><x:c r="B2"><x:v>5</x:v></x:c></x:row></x:sheetData><x:mergeCells><x:mergeCell ref="A1:B2"/></x:mergeCells></x:worksheet>"#),
        ]
        let workbook = try XLSXReader.read(try makeZip(parts))
        #expect(workbook.sheets.map(\.name) == ["Ẩn", "Hai"])
        #expect(workbook.sheets[0].isHidden)
        #expect(!workbook.sheets[1].isHidden)
        #expect(workbook.sheets[0].rows == [["ẩn"]])
        #expect(workbook.sheets[1].rows == [["", ""], ["", "5"]])
        #expect(workbook.sheets[1].mergedRanges == [XLSXRange(firstRow: 1, firstColumn: 1, lastRow: 2, lastColumn: 2)])
    }

    @Test func cellReferences() {
        #expect(CellReference.parse("A1")! == (1, 1))
        #expect(CellReference.parse("$AB$12")! == (12, 28))
        #expect(CellReference.parse("XFD1048576")! == (1_048_576, 16_384))
        #expect(CellReference.parse("XFE1") == nil)
        #expect(CellReference.parse("A0") == nil)
        #expect(CellReference.parse("A1048577") == nil)
        #expect(CellReference.parse("1A") == nil)
        #expect(CellReference.parse("") == nil)
        #expect(CellReference.parse("AAAA1") == nil)
        #expect(CellReference.columnLetters(1) == "A")
        #expect(CellReference.columnLetters(26) == "Z")
        #expect(CellReference.columnLetters(27) == "AA")
        #expect(CellReference.columnLetters(16_384) == "XFD")
        for column in [1, 25, 26, 27, 52, 53, 702, 703, 16_384] {
            #expect(CellReference.columnNumber(CellReference.columnLetters(column)) == column)
        }
        #expect(XLSXRange("B16:G16")?.description == "B16:G16")
        #expect(XLSXRange("C3")?.description == "C3")
        #expect(XLSXRange("G3:A1") == XLSXRange("A1:G3"))
        #expect(XLSXRange("A1:") == nil)
    }

    @Test func sheetsBuiltByHandIgnoreImpossiblePositions() {
        let sheet = XLSXSheet(name: "x", cells: [
            XLSXCell(row: 0, column: 1, value: .text("a"), displayString: "a"),
            XLSXCell(row: 2, column: -1, value: .text("b"), displayString: "b"),
            XLSXCell(row: 2, column: 2, value: .number(3), displayString: "3"),
            XLSXCell(row: 2, column: 2, value: .number(4), displayString: "4"),
        ])
        #expect(sheet.rows == [["", ""], ["", "4"]])
        #expect(sheet.cells.count == 1)
        #expect(sheet[2, 2]?.value == .number(4))
        #expect(sheet.cell("B2")?.reference == "B2")
    }

    // MARK: - Broken and hostile files

    @Test func refusesANonZip() {
        let error = spreadsheetError { _ = try XLSXReader.read(Data("STT,Mã\n1,KT01\n".utf8)) }
        #expect(error?.kind == .notZip)
        #expect(error.map { looksVietnamese($0.message) } == true)
        #expect(spreadsheetError { _ = try XLSXReader.read(Data()) }?.kind == .notZip)
    }

    @Test func refusesOldExcelAndEncryptedFiles() {
        var data = Data(XLSXReader.oleSignature)
        data.append(Data(repeating: 0, count: 600))
        let error = spreadsheetError { _ = try XLSXReader.read(data) }
        #expect(error?.kind == .legacyOrEncrypted)
        #expect(error?.message.contains(".xls") == true)
    }

    @Test func refusesAZipWithoutAWorkbook() throws {
        let plain = try makeZip([("ghi-chu.txt", "xin chào")])
        let error = spreadsheetError { _ = try XLSXReader.read(plain) }
        #expect(error?.kind == .noWorkbook)
        #expect(error.map { looksVietnamese($0.message) } == true)

        let word = try makeZip([("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document xmlns:w=\"w\"/>")])
        let wordError = spreadsheetError { _ = try XLSXReader.read(word) }
        #expect(wordError?.kind == .noWorkbook)
        #expect(wordError?.message.contains("Word") == true)

        let ods = try makeZip([("mimetype", "application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", "<x/>")])
        #expect(spreadsheetError { _ = try XLSXReader.read(ods) }?.kind == .openDocument)
    }

    @Test func refusesBrokenXML() throws {
        let data = try makeWorkbook(sheetData: "<sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></row></sheetData>")
        let error = spreadsheetError { _ = try XLSXReader.read(data) }
        #expect(error?.kind == .malformedXML)
        #expect(error?.message.contains("sheet1.xml") == true)
    }

    @Test func refusesEntityBombs() throws {
        let bomb = """
        <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
        <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>
        """
        var parts: [(String, String)] = []
        parts.append(("_rels/.rels", #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#))
        parts.append(("xl/workbook.xml", #"<workbook xmlns:r="r"><sheets><sheet name="a" sheetId="1" r:id="rId1"/></sheets></workbook>"#))
        parts.append(("xl/_rels/workbook.xml.rels", #"<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="x/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#))
        parts.append(("xl/sharedStrings.xml", bomb))
        parts.append(("xl/worksheets/sheet1.xml", "<worksheet><sheetData/></worksheet>"))
        let error = spreadsheetError { _ = try XLSXReader.read(try makeZip(parts)) }
        #expect(error?.kind == .malformedXML)
    }

    @Test func refusesBadCellAddressesAndValues() throws {
        let badAddress = try makeWorkbook(sheetData: #"<sheetData><row r="1"><c r="A0"><v>1</v></c></row></sheetData>"#)
        #expect(spreadsheetError { _ = try XLSXReader.read(badAddress) }?.kind == .invalidCell)
        let badRow = try makeWorkbook(sheetData: #"<sheetData><row r="-4"><c><v>1</v></c></row></sheetData>"#)
        #expect(spreadsheetError { _ = try XLSXReader.read(badRow) }?.kind == .invalidCell)
        let badNumber = try makeWorkbook(sheetData: #"<sheetData><row r="1"><c r="A1"><v>một</v></c></row></sheetData>"#)
        let numberError = spreadsheetError { _ = try XLSXReader.read(badNumber) }
        #expect(numberError?.kind == .invalidCell)
        #expect(numberError?.message.contains("A1") == true)
        let badShared = try makeWorkbook(sheetData: #"<sheetData><row r="1"><c r="B1" t="s"><v>5</v></c></row></sheetData>"#,
                                         sharedStrings: ["<si><t>x</t></si>"])
        let sharedError = spreadsheetError { _ = try XLSXReader.read(badShared) }
        #expect(sharedError?.kind == .invalidCell)
        #expect(sharedError?.message.contains("B1") == true)
    }

    @Test func refusesTooManyCells() throws {
        var xml = "<sheetData>"
        for row in 1...1001 {
            xml += "<row r=\"\(row)\">"
            for column in 1...100 { xml += "<c r=\"\(CellReference.string(row: row, column: column))\"><v>1</v></c>" }
            xml += "</row>"
        }
        xml += "</sheetData>"
        let error = spreadsheetError { _ = try XLSXReader.read(try makeWorkbook(sheetData: xml)) }
        #expect(error?.kind == .tooLarge)
        #expect(error?.message.contains("100.000") == true)
    }

    @Test func acceptsExactlyTheCellLimit() throws {
        var xml = "<sheetData>"
        for row in 1...1000 {
            xml += "<row r=\"\(row)\">"
            for column in 1...100 { xml += "<c><v>\(column)</v></c>" }
            xml += "</row>"
        }
        xml += "</sheetData>"
        let sheet = try XLSXReader.read(try makeWorkbook(sheetData: xml)).sheets[0]
        #expect(sheet.cells.count == 100_000)
        #expect(sheet.rows[999][99] == "100")
    }

    @Test func refusesHugeUncompressedParts() throws {
        // 21 MB of spaces compresses to a few kilobytes: a zip bomb in miniature.
        let padding = String(repeating: " ", count: 21 * 1024 * 1024)
        let data = try makeWorkbook(sheetData: "<sheetData/>" + padding)
        #expect(data.count < 1024 * 1024)
        let error = spreadsheetError { _ = try XLSXReader.read(data) }
        #expect(error?.kind == .tooLarge)
        #expect(error?.message.contains("20 MB") == true)
    }

    @Test func refusesASheetSpreadOverAHugeArea() throws {
        let data = try makeWorkbook(sheetData: #"<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>"#)
        let error = spreadsheetError { _ = try XLSXReader.read(data) }
        #expect(error?.kind == .tooLarge)
        #expect(error?.message.contains("XFD1048576") == true)
    }

    @Test func truncatedFilesGiveAnError() throws {
        let sample = try Fixture.data("chi-tieu-2021.xlsx")
        for length in [4, 30, 100, sample.count / 2, sample.count - 30, sample.count - 1] {
            do {
                _ = try XLSXReader.read(sample.prefix(length))
            } catch is SpreadsheetError {
                continue
            } catch {
                Issue.record("truncated to \(length): unexpected error \(error)")
            }
        }
    }

    /// Set GIAOBAN_FUZZ_ITERATIONS for a longer run.
    static let fuzzIterations = ProcessInfo.processInfo.environment["GIAOBAN_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 300

    @Test func mutatedFilesNeverCrash() throws {
        let sample = try Fixture.data("chi-tieu-2021.xlsx")
        var generator = SplitMix64(state: 2021)
        var failures = 0
        for _ in 0..<Self.fuzzIterations {
            var bytes = [UInt8](sample)
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[index] = UInt8.random(in: 0...255, using: &generator)
            }
            do {
                _ = try XLSXReader.read(Data(bytes))
            } catch is SpreadsheetError {
                failures += 1
            } catch {
                Issue.record("unexpected error type: \(error)")
            }
        }
        #expect(failures > 0)
    }

    /// Mutates the XML inside the parts (then zips it again), so that the XML handling is what
    /// gets the hostile input rather than the zip checksum.
    @Test func mutatedXMLNeverCrashes() throws {
        let parts = try ZipParts.read(try Fixture.data("chi-tieu-2021.xlsx"))
        let names = ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "_rels/.rels", "xl/styles.xml"]
        let alphabet: [UInt8] = Array("<>/\"'=&;:#x0159AZ _-.ạ".utf8) + [0, 0x80, 0xC3, 0xFF, 0x0A]
        var generator = SplitMix64(state: 33)
        var outcomes = (ok: 0, refused: 0)
        for iteration in 0..<Self.fuzzIterations {
            var mutated = parts
            let name = names[iteration % names.count]
            var bytes = Array(try #require(mutated[name]).utf8)
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[index] = alphabet.randomElement(using: &generator)!
                case 1: bytes.remove(at: index)
                default: bytes.insert(alphabet.randomElement(using: &generator)!, at: index)
                }
            }
            mutated[name] = String(decoding: bytes, as: UTF8.self)
            let data = try makeZip(mutated.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
            do {
                _ = try XLSXReader.read(data)
                outcomes.ok += 1
            } catch is SpreadsheetError {
                outcomes.refused += 1
            } catch {
                Issue.record("unexpected error type: \(error)")
            }
        }
        #expect(outcomes.ok > 0)
        #expect(outcomes.refused > 0)
    }
}
