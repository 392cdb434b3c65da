import Foundation
import ZIPFoundation

/// Writes simple, valid .xlsx workbooks: text and number cells, bold/italic, number formats,
/// wrapping, alignment, thin borders, column widths, merged cells, frozen header rows and an
/// A4 page setup. Opens in Excel and LibreOffice.
public enum XLSXWriter {
    public enum HorizontalAlignment: String, Hashable, Sendable {
        case left, center, right
    }

    public struct Style: Hashable, Sendable {
        public var bold: Bool
        public var italic: Bool
        /// Excel number format code, e.g. "#,##0.##", "0.0%", "dd/mm/yyyy". Nil = General.
        public var numberFormat: String?
        public var wrapText: Bool
        public var horizontalAlignment: HorizontalAlignment?
        /// Thin border on all four sides.
        public var bordered: Bool
        /// Font size in points; nil uses the workbook's default (12 pt).
        public var fontSize: Double?

        public init(bold: Bool = false, italic: Bool = false, numberFormat: String? = nil, wrapText: Bool = false,
                    horizontalAlignment: HorizontalAlignment? = nil, bordered: Bool = false, fontSize: Double? = nil) {
            self.bold = bold
            self.italic = italic
            self.numberFormat = numberFormat
            self.wrapText = wrapText
            self.horizontalAlignment = horizontalAlignment
            self.bordered = bordered
            self.fontSize = fontSize
        }

        public static let plain = Style()
        /// Bold, centred, wrapped and bordered: a table header.
        public static let header = Style(bold: true, wrapText: true, horizontalAlignment: .center, bordered: true)
    }

    public struct Cell: Hashable, Sendable, ExpressibleByStringLiteral {
        public enum Value: Hashable, Sendable {
            case empty
            case text(String)
            case number(Decimal)
        }

        public var value: Value
        public var style: Style

        public init(_ value: Value, style: Style = .plain) {
            self.value = value
            self.style = style
        }

        public init(stringLiteral value: String) {
            self.init(.text(value))
        }

        public static let empty = Cell(.empty)

        public static func text(_ text: String, bold: Bool = false, style: Style? = nil) -> Cell {
            var style = style ?? .plain
            if bold { style.bold = true }
            return Cell(.text(text), style: style)
        }

        public static func number(_ number: Decimal, format: String? = nil, bold: Bool = false, style: Style? = nil) -> Cell {
            var style = style ?? .plain
            if bold { style.bold = true }
            if let format { style.numberFormat = format }
            return Cell(.number(number), style: style)
        }

        public static func number(_ number: Int, format: String? = nil, bold: Bool = false, style: Style? = nil) -> Cell {
            Self.number(Decimal(number), format: format, bold: bold, style: style)
        }
    }

    public struct Sheet: Sendable {
        public var name: String
        public var rows: [[Cell]]
        /// Widths in Excel character units, index 0 = column A; nil keeps the default width.
        public var columnWidths: [Double?]
        public var mergedRanges: [XLSXRange]
        /// Rows kept visible when scrolling (and repeated on every printed page); 0 = none.
        public var frozenRows: Int
        /// Columns kept visible when scrolling; 0 = none.
        public var frozenColumns: Int
        public var landscape: Bool
        /// Row heights in points, index 0 = row 1; nil keeps the default height.
        public var rowHeights: [Double?]
        /// Shrink the printout so that all columns fit the page width.
        public var fitToPageWidth: Bool

        public init(name: String, rows: [[Cell]], columnWidths: [Double?] = [], mergedRanges: [XLSXRange] = [],
                    frozenRows: Int = 0, frozenColumns: Int = 0, landscape: Bool = false,
                    rowHeights: [Double?] = [], fitToPageWidth: Bool = false) {
            self.name = name
            self.rows = rows
            self.columnWidths = columnWidths
            self.mergedRanges = mergedRanges
            self.frozenRows = frozenRows
            self.frozenColumns = frozenColumns
            self.landscape = landscape
            self.rowHeights = rowHeights
            self.fitToPageWidth = fitToPageWidth
        }

        /// A table: one header row (bold, bordered, frozen) above rows of bordered cells.
        public init(name: String, header: [String], rows: [[Cell]], columnWidths: [Double?] = [],
                    landscape: Bool = false) {
            let headerRow = header.map { Cell(.text($0), style: .header) }
            let body = rows.map { row in
                row.map { cell -> Cell in
                    var cell = cell
                    cell.style.bordered = true
                    return cell
                }
            }
            self.init(name: name, rows: [headerRow] + body, columnWidths: columnWidths, frozenRows: 1,
                      landscape: landscape, fitToPageWidth: true)
        }
    }

    /// Builds the .xlsx file.
    ///
    /// Sheet names are made valid for Excel (no `[]:*?/\`, at most 31 characters, unique).
    /// - Throws: `SpreadsheetError` when there is no sheet, a sheet is larger than Excel allows,
    ///   or merged ranges overlap.
    public static func write(_ sheets: [Sheet], modificationDate: Date = Date()) throws -> Data {
        guard !sheets.isEmpty else {
            throw SpreadsheetError(.invalidWorkbook, "Sổ làm việc cần có ít nhất một trang tính.")
        }
        var builder = WorkbookBuilder()
        let names = uniqueSheetNames(sheets.map(\.name))
        var sheetXML: [String] = []
        for (index, sheet) in sheets.enumerated() {
            sheetXML.append(try builder.worksheetXML(sheet, name: names[index], isFirst: index == 0))
        }
        var parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypesXML(sheetCount: sheets.count)),
            ("_rels/.rels", rootRelationshipsXML),
            ("docProps/app.xml", appXML),
            ("docProps/core.xml", coreXML(date: modificationDate)),
            ("xl/workbook.xml", workbookXML(sheets: sheets, names: names)),
            ("xl/_rels/workbook.xml.rels", workbookRelationshipsXML(sheetCount: sheets.count)),
            ("xl/styles.xml", builder.stylesXML()),
            ("xl/sharedStrings.xml", builder.sharedStringsXML()),
        ]
        for (index, xml) in sheetXML.enumerated() {
            parts.append(("xl/worksheets/sheet\(index + 1).xml", xml))
        }
        return try zip(parts, modificationDate: modificationDate)
    }

    // MARK: - Parts

    /// Serialises `zip`: ZIPFoundation (0.9.20) turns the modification date into DOS date and time
    /// with `gmtime`, whose static buffer is shared by all threads, so concurrent writes could
    /// stamp entries with each other's (or garbled) dates. Shared with DocxWriter.
    static let zipLock = NSLock()

    static func zip(_ parts: [(String, String)], modificationDate: Date = Date()) throws -> Data {
        zipLock.lock()
        defer { zipLock.unlock() }
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for (path, xml) in parts {
                let data = Data(xml.utf8)
                try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count),
                                     modificationDate: modificationDate, compressionMethod: .deflate) { position, size in
                    let start = Int(position)
                    return data.subdata(in: start..<Swift.min(start + size, data.count))
                }
            }
            guard let data = archive.data else {
                throw SpreadsheetError(.writeFailed, "Không tạo được tệp .xlsx (lỗi nén).")
            }
            return data
        } catch let error as SpreadsheetError {
            throw error
        } catch {
            throw SpreadsheetError(.writeFailed, "Không tạo được tệp .xlsx (lỗi nén: \(error)).")
        }
    }

    static func uniqueSheetNames(_ names: [String]) -> [String] {
        var used: Set<String> = []
        var result: [String] = []
        for (index, raw) in names.enumerated() {
            var name = String(raw.precomposedStringWithCanonicalMapping.map { "[]:*?/\\".contains($0) ? "-" : $0 })
            name = name.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "'")))
            name = String(name.unicodeScalars.filter { $0.value >= 0x20 }.map(Character.init))
            if name.isEmpty { name = "Trang \(index + 1)" }
            name = truncate(name, to: 31)
            var candidate = name
            var counter = 2
            while used.contains(candidate.lowercased()) {
                let suffix = " (\(counter))"
                candidate = truncate(name, to: 31 - suffix.utf16.count) + suffix
                counter += 1
            }
            used.insert(candidate.lowercased())
            result.append(candidate)
        }
        return result
    }

    private static func truncate(_ name: String, to limit: Int) -> String {
        var result = ""
        for character in name {
            if result.utf16.count + String(character).utf16.count > limit { break }
            result.append(character)
        }
        return result
    }

    private static func contentTypesXML(sheetCount: Int) -> String {
        var xml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
        <Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>\
        <Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
        <Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
        """
        for index in 1...sheetCount {
            xml += "<Override PartName=\"/xl/worksheets/sheet\(index).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        return xml + "</Types>"
    }

    private static let rootRelationshipsXML = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
    <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
    <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>\
    <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>\
    </Relationships>
    """

    private static let appXML = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>GiaoBan</Application></Properties>
    """

    private static func coreXML(date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let stamp = formatter.string(from: date)
        return """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
        xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>GiaoBan</dc:creator>\
        <dcterms:created xsi:type="dcterms:W3CDTF">\(stamp)</dcterms:created>\
        <dcterms:modified xsi:type="dcterms:W3CDTF">\(stamp)</dcterms:modified></cp:coreProperties>
        """
    }

    private static func workbookXML(sheets: [Sheet], names: [String]) -> String {
        var xml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
        xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
        <bookViews><workbookView activeTab="0"/></bookViews><sheets>
        """
        for (index, name) in names.enumerated() {
            xml += "<sheet name=\"\(XMLSupport.escape(name))\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
        }
        xml += "</sheets>"
        var definedNames = ""
        for (index, sheet) in sheets.enumerated() where sheet.frozenRows > 0 {
            let quoted = "'" + names[index].replacingOccurrences(of: "'", with: "''") + "'"
            definedNames += "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"\(index)\">"
                + XMLSupport.escape("\(quoted)!$1:$\(sheet.frozenRows)") + "</definedName>"
        }
        if !definedNames.isEmpty { xml += "<definedNames>\(definedNames)</definedNames>" }
        return xml + "</workbook>"
    }

    private static func workbookRelationshipsXML(sheetCount: Int) -> String {
        var xml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
        """
        for index in 1...sheetCount {
            xml += "<Relationship Id=\"rId\(index)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(index).xml\"/>"
        }
        xml += "<Relationship Id=\"rId\(sheetCount + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
        xml += "<Relationship Id=\"rId\(sheetCount + 2)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
        return xml + "</Relationships>"
    }
}

// MARK: - Styles and shared strings

private struct WorkbookBuilder {
    struct FontKey: Hashable { var bold: Bool; var italic: Bool; var size: Double }

    static let defaultFontSize = 12.0
    static let builtInFormats: [String: Int] = [
        "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10, "0.00E+00": 11,
        "dd/mm/yyyy": 14, "h:mm": 20, "h:mm:ss": 21, "@": 49,
    ]

    var strings: [String] = []
    var stringIndex: [String: Int] = [:]
    var stringReferences = 0
    var fonts: [FontKey] = [FontKey(bold: false, italic: false, size: defaultFontSize)]
    var customFormats: [String: Int] = [:]
    var styles: [XLSXWriter.Style] = [.plain]
    var styleIndex: [XLSXWriter.Style: Int] = [.plain: 0]

    mutating func sharedString(_ text: String) -> Int {
        stringReferences += 1
        if let index = stringIndex[text] { return index }
        strings.append(text)
        stringIndex[text] = strings.count - 1
        return strings.count - 1
    }

    mutating func style(_ style: XLSXWriter.Style) -> Int {
        var style = style
        if style.numberFormat?.lowercased() == "general" || style.numberFormat?.isEmpty == true { style.numberFormat = nil }
        if let index = styleIndex[style] { return index }
        styles.append(style)
        styleIndex[style] = styles.count - 1
        let font = FontKey(bold: style.bold, italic: style.italic, size: style.fontSize ?? Self.defaultFontSize)
        if !fonts.contains(font) { fonts.append(font) }
        if let format = style.numberFormat, Self.builtInFormats[format] == nil, customFormats[format] == nil {
            customFormats[format] = 164 + customFormats.count
        }
        return styles.count - 1
    }

    mutating func worksheetXML(_ sheet: XLSXWriter.Sheet, name: String, isFirst: Bool) throws -> String {
        guard sheet.rows.count <= CellReference.maxRow,
              sheet.rows.allSatisfy({ $0.count <= CellReference.maxColumn }) else {
            throw SpreadsheetError(.invalidWorkbook, "Trang tính “\(name)” vượt quá kích thước Excel cho phép.")
        }
        let merges = sheet.mergedRanges.filter { $0.firstRow != $0.lastRow || $0.firstColumn != $0.lastColumn }
        for range in merges where range.lastRow > CellReference.maxRow || range.lastColumn > CellReference.maxColumn || range.firstRow < 1 || range.firstColumn < 1 {
            throw SpreadsheetError(.invalidWorkbook, "Vùng gộp ô \(range) của trang tính “\(name)” không hợp lệ.")
        }
        for (index, range) in merges.enumerated() {
            for other in merges[(index + 1)...] where range.overlaps(other) {
                throw SpreadsheetError(.invalidWorkbook, "Các vùng gộp ô \(range) và \(other) của trang tính “\(name)” chồng lên nhau.")
            }
        }

        var xml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
        xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
        """
        if sheet.fitToPageWidth { xml += "<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>" }
        let lastRow = max(sheet.rows.count, merges.map(\.lastRow).max() ?? 0, 1)
        let lastColumn = max(sheet.rows.map(\.count).max() ?? 0, merges.map(\.lastColumn).max() ?? 0, 1)
        xml += "<dimension ref=\"A1:\(CellReference.string(row: lastRow, column: lastColumn))\"/>"

        xml += "<sheetViews><sheetView workbookViewId=\"0\"\(isFirst ? " tabSelected=\"1\"" : "")>"
        let frozenRows = max(0, min(sheet.frozenRows, CellReference.maxRow - 1))
        let frozenColumns = max(0, min(sheet.frozenColumns, CellReference.maxColumn - 1))
        if frozenRows > 0 || frozenColumns > 0 {
            let topLeft = CellReference.string(row: frozenRows + 1, column: frozenColumns + 1)
            let pane = frozenRows > 0 && frozenColumns > 0 ? "bottomRight" : (frozenRows > 0 ? "bottomLeft" : "topRight")
            xml += "<pane"
            if frozenColumns > 0 { xml += " xSplit=\"\(frozenColumns)\"" }
            if frozenRows > 0 { xml += " ySplit=\"\(frozenRows)\"" }
            xml += " topLeftCell=\"\(topLeft)\" activePane=\"\(pane)\" state=\"frozen\"/>"
            xml += "<selection pane=\"\(pane)\" activeCell=\"\(topLeft)\" sqref=\"\(topLeft)\"/>"
        }
        xml += "</sheetView></sheetViews>"
        xml += "<sheetFormatPr defaultRowHeight=\"15.75\"/>"

        let widths = sheet.columnWidths.prefix(CellReference.maxColumn).enumerated().compactMap { index, width -> (Int, Double)? in
            guard let width, width.isFinite, width > 0 else { return nil }
            return (index + 1, min(width, 255))
        }
        if !widths.isEmpty {
            xml += "<cols>"
            for (column, width) in widths {
                xml += "<col min=\"\(column)\" max=\"\(column)\" width=\"\(Self.number(width))\" customWidth=\"1\"/>"
            }
            xml += "</cols>"
        }

        xml += "<sheetData>"
        for (rowIndex, row) in sheet.rows.enumerated() {
            let rowNumber = rowIndex + 1
            var heightAttributes = ""
            if rowIndex < sheet.rowHeights.count, let height = sheet.rowHeights[rowIndex], height.isFinite, height > 0 {
                heightAttributes = " ht=\"\(Self.number(min(height, 409)))\" customHeight=\"1\""
            }
            var rowXML = ""
            for (columnIndex, cell) in row.enumerated() {
                let reference = CellReference.string(row: rowNumber, column: columnIndex + 1)
                let styleID = style(cell.style)
                let styleAttribute = styleID == 0 ? "" : " s=\"\(styleID)\""
                switch cell.value {
                case .empty, .text(""):
                    if styleID != 0 { rowXML += "<c r=\"\(reference)\"\(styleAttribute)/>" }
                case .text(let text):
                    let index = sharedString(text.precomposedStringWithCanonicalMapping)
                    rowXML += "<c r=\"\(reference)\"\(styleAttribute) t=\"s\"><v>\(index)</v></c>"
                case .number(let number):
                    if number.isNaN {
                        rowXML += "<c r=\"\(reference)\"\(styleAttribute) t=\"e\"><v>#NUM!</v></c>"
                    } else {
                        rowXML += "<c r=\"\(reference)\"\(styleAttribute)><v>\(NumberText.plain(number))</v></c>"
                    }
                }
            }
            if !rowXML.isEmpty || !heightAttributes.isEmpty {
                xml += "<row r=\"\(rowNumber)\"\(heightAttributes)>\(rowXML)</row>"
            }
        }
        xml += "</sheetData>"

        if !merges.isEmpty {
            xml += "<mergeCells count=\"\(merges.count)\">"
            for range in merges { xml += "<mergeCell ref=\"\(range)\"/>" }
            xml += "</mergeCells>"
        }
        // Decree 30/2020 margins: top/bottom 20 mm, left 30 mm, right 15 mm (in inches).
        xml += "<pageMargins left=\"1.18\" right=\"0.59\" top=\"0.79\" bottom=\"0.79\" header=\"0.3\" footer=\"0.3\"/>"
        xml += "<pageSetup paperSize=\"9\" orientation=\"\(sheet.landscape ? "landscape" : "portrait")\""
        xml += sheet.fitToPageWidth ? " fitToWidth=\"1\" fitToHeight=\"0\"/>" : "/>"
        return xml + "</worksheet>"
    }

    func sharedStringsXML() -> String {
        var xml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="\(stringReferences)" uniqueCount="\(strings.count)">
        """
        for text in strings {
            let needsPreserve = text.first.map { $0.isWhitespace } == true || text.last.map { $0.isWhitespace } == true
                || text.contains("\n") || text.contains("\t")
            xml += needsPreserve ? "<si><t xml:space=\"preserve\">" : "<si><t>"
            xml += XMLSupport.escapeCellText(text) + "</t></si>"
        }
        return xml + "</sst>"
    }

    func stylesXML() -> String {
        var xml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
        """
        if !customFormats.isEmpty {
            xml += "<numFmts count=\"\(customFormats.count)\">"
            for (code, id) in customFormats.sorted(by: { $0.value < $1.value }) {
                xml += "<numFmt numFmtId=\"\(id)\" formatCode=\"\(XMLSupport.escape(code))\"/>"
            }
            xml += "</numFmts>"
        }
        xml += "<fonts count=\"\(fonts.count)\">"
        for font in fonts {
            xml += "<font>" + (font.bold ? "<b/>" : "") + (font.italic ? "<i/>" : "")
                + "<sz val=\"\(Self.number(font.size))\"/><name val=\"Times New Roman\"/><family val=\"1\"/></font>"
        }
        xml += "</fonts>"
        xml += "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
        xml += "<borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border>"
        xml += "<border><left style=\"thin\"><color auto=\"1\"/></left><right style=\"thin\"><color auto=\"1\"/></right>"
        xml += "<top style=\"thin\"><color auto=\"1\"/></top><bottom style=\"thin\"><color auto=\"1\"/></bottom><diagonal/></border></borders>"
        xml += "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        xml += "<cellXfs count=\"\(styles.count)\">"
        for style in styles {
            let font = FontKey(bold: style.bold, italic: style.italic, size: style.fontSize ?? Self.defaultFontSize)
            let fontID = fonts.firstIndex(of: font) ?? 0
            let formatID = style.numberFormat.map { Self.builtInFormats[$0] ?? customFormats[$0] ?? 0 } ?? 0
            let borderID = style.bordered ? 1 : 0
            xml += "<xf numFmtId=\"\(formatID)\" fontId=\"\(fontID)\" fillId=\"0\" borderId=\"\(borderID)\" xfId=\"0\""
            if formatID != 0 { xml += " applyNumberFormat=\"1\"" }
            if fontID != 0 { xml += " applyFont=\"1\"" }
            if borderID != 0 { xml += " applyBorder=\"1\"" }
            if style.wrapText || style.horizontalAlignment != nil {
                xml += " applyAlignment=\"1\"><alignment"
                if let alignment = style.horizontalAlignment { xml += " horizontal=\"\(alignment.rawValue)\"" }
                xml += " vertical=\"center\""
                if style.wrapText { xml += " wrapText=\"1\"" }
                xml += "/></xf>"
            } else {
                xml += "/>"
            }
        }
        xml += "</cellXfs>"
        xml += "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
        xml += "<dxfs count=\"0\"/><tableStyles count=\"0\" defaultTableStyle=\"TableStyleMedium9\" defaultPivotStyle=\"PivotStyleLight16\"/>"
        return xml + "</styleSheet>"
    }

    static func number(_ value: Double) -> String {
        NumberText.display((value * 100).rounded() / 100)
    }
}
