import Foundation
import GiaoBanCore
import ZIPFoundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads .xlsx workbooks (Office Open XML spreadsheets): cell values, cached formula results and
/// merged ranges. Formatting other than number formats is ignored.
public enum XLSXReader {
    /// Reads a workbook from the bytes of an .xlsx file.
    ///
    /// - Throws: `SpreadsheetError` with a Vietnamese message for anything that is not a readable
    ///   .xlsx: not a zip, an old .xls or a password-protected file, a zip without a workbook,
    ///   broken XML, or a file over the limits of `SpreadsheetLimits`.
    public static func read(_ data: Data) throws -> XLSXWorkbook {
        var package = try XLSXPackage(data: data)
        return try package.readWorkbook()
    }

    static let oleSignature: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    static func isZip(_ data: Data) -> Bool {
        let prefix = [UInt8](data.prefix(4))
        return prefix == [0x50, 0x4B, 0x03, 0x04] || prefix == [0x50, 0x4B, 0x05, 0x06]
    }

    static func isOLE(_ data: Data) -> Bool {
        [UInt8](data.prefix(8)) == oleSignature
    }
}

// MARK: - Package (zip) access

private struct XLSXPackage {
    let archive: Archive
    /// Lower-cased normalised path → entry.
    var entries: [String: Entry] = [:]
    var bytesRead = 0
    var cellCount = 0

    init(data: Data) throws {
        if XLSXReader.isOLE(data) {
            throw SpreadsheetError(.legacyOrEncrypted,
                "Tệp là bảng tính Excel đời cũ (.xls) hoặc đã được đặt mật khẩu. Hãy mở tệp trong Excel, bỏ mật khẩu nếu có, rồi “Lưu thành” dạng Sổ làm việc Excel (.xlsx).")
        }
        guard XLSXReader.isZip(data) else {
            throw SpreadsheetError(.notZip, "Tệp không phải là bảng tính Excel (.xlsx). Hãy chọn tệp .xlsx, hoặc tệp .csv.")
        }
        guard data.count <= SpreadsheetLimits.maxUncompressedBytes else {
            throw Self.tooLargeError
        }
        // ZIPFoundation's in-memory archives trap when a hostile offset points past the end of the
        // data (Archive+MemoryFile readData, 0.9.20); file-backed archives just read short. So the
        // bytes go to a private temporary file, removed as soon as the archive is open.
        let temporary = FileManager.default.temporaryDirectory
            .appendingPathComponent("giaoban-xlsx-\(UUID().uuidString).zip")
        do {
            try data.write(to: temporary, options: [.withoutOverwriting])
        } catch {
            throw SpreadsheetError(.writeFailed, "Không lưu tạm được tệp để đọc (\(error.localizedDescription)).")
        }
        defer { try? FileManager.default.removeItem(at: temporary) }
        do {
            archive = try Archive(url: temporary, accessMode: .read)
        } catch {
            throw SpreadsheetError(.notZip, "Tệp .xlsx bị hỏng: không giải nén được.")
        }
        var count = 0
        for entry in archive {
            count += 1
            guard count <= SpreadsheetLimits.maxZipEntries else {
                throw SpreadsheetError(.tooLarge, "Tệp .xlsx chứa quá nhiều thành phần (hơn \(SpreadsheetLimits.maxZipEntries)).")
            }
            guard entry.type == .file else { continue }
            let key = Self.normalise(entry.path).lowercased()
            if entries[key] == nil { entries[key] = entry }
        }
        if count == 0 {
            throw SpreadsheetError(.noWorkbook, "Tệp nén rỗng, không có bảng tính nào.")
        }
    }

    static var tooLargeError: SpreadsheetError {
        SpreadsheetError(.tooLarge, "Tệp bảng tính quá lớn (quá 20 MB khi giải nén). Hãy chỉ để lại bảng cần nhập rồi thử lại.")
    }

    static func normalise(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.replacingOccurrences(of: "\\", with: "/").split(separator: "/") {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }

    /// Resolves a relationship target against the folder of the part that holds the relationship.
    static func resolve(_ target: String, relativeTo sourcePart: String) -> String {
        let target = target.removingPercentEncoding ?? target
        if target.hasPrefix("/") { return normalise(target) }
        let folder = sourcePart.split(separator: "/").dropLast().joined(separator: "/")
        return normalise(folder.isEmpty ? target : folder + "/" + target)
    }

    func has(_ path: String) -> Bool { entries[path.lowercased()] != nil }

    /// The bytes of a part, or nil if the archive has no such part.
    mutating func part(_ path: String) throws -> Data? {
        guard let entry = entries[path.lowercased()] else { return nil }
        let limit = SpreadsheetLimits.maxUncompressedBytes
        guard entry.uncompressedSize <= UInt64(limit - bytesRead) else { throw Self.tooLargeError }
        var data = Data()
        var total = bytesRead
        do {
            _ = try archive.extract(entry, bufferSize: 64 * 1024, skipCRC32: false) { chunk in
                total += chunk.count
                guard total <= limit else { throw Self.tooLargeError }
                data.append(chunk)
            }
        } catch let error as SpreadsheetError {
            throw error
        } catch {
            throw SpreadsheetError(.malformedXML, "Phần “\(path)” của tệp .xlsx bị hỏng, không giải nén được.")
        }
        bytesRead = total
        return data
    }

    // MARK: Workbook

    mutating func readWorkbook() throws -> XLSXWorkbook {
        if let mimetype = try? part("mimetype"), String(decoding: mimetype, as: UTF8.self).contains("opendocument") {
            throw SpreadsheetError(.openDocument, "Tệp là bảng tính OpenDocument (.ods), chưa được hỗ trợ. Hãy lưu lại dạng Excel (.xlsx).")
        }
        let workbookPath = try findWorkbookPath()
        guard let workbookData = try part(workbookPath) else {
            throw noWorkbookError()
        }
        let workbook = WorkbookHandler()
        try XMLSupport.parse(workbookData, part: workbookPath, with: workbook)
        guard workbook.sawWorkbook else {
            throw SpreadsheetError(.malformedXML, "Tệp không chứa sổ làm việc Excel hợp lệ (thiếu phần tử workbook).")
        }

        let relationships = try readRelationships(of: workbookPath)
        var sharedStrings: [String] = []
        if let target = relationships.first(where: { $0.type.hasSuffix("/sharedStrings") })?.target
            ?? (has("xl/sharedStrings.xml") ? "xl/sharedStrings.xml" : nil),
           let data = try part(target) {
            let handler = SharedStringsHandler()
            try XMLSupport.parse(data, part: target, with: handler)
            sharedStrings = handler.strings
        }
        var styles = StylesHandler()
        if let target = relationships.first(where: { $0.type.hasSuffix("/styles") })?.target
            ?? (has("xl/styles.xml") ? "xl/styles.xml" : nil),
           let data = try part(target) {
            let handler = StylesHandler()
            // Styles only affect how numbers are shown: a broken styles part is not fatal.
            if (try? XMLSupport.parse(data, part: target, with: handler)) != nil { styles = handler }
        }
        let formats = styles.formatsByStyleIndex()

        var sheets: [XLSXSheet] = []
        for (position, sheet) in workbook.sheets.enumerated() {
            let relationship = relationships.first { $0.id == sheet.relationshipID }
            if let type = relationship?.type, !type.hasSuffix("/worksheet") { continue } // chart sheets, dialogs
            var path = relationship?.target
            if path == nil {
                let guess = "xl/worksheets/sheet\(position + 1).xml"
                path = has(guess) ? guess : nil
            }
            guard let path, let data = try part(path) else {
                throw SpreadsheetError(.missingPart, "Tệp .xlsx bị hỏng: thiếu nội dung của trang tính “\(sheet.name)”.")
            }
            let handler = WorksheetHandler(sheetName: sheet.name, sharedStrings: sharedStrings, formats: formats,
                                           date1904: workbook.date1904, cellBudget: SpreadsheetLimits.maxCells - cellCount)
            try XMLSupport.parse(data, part: path, with: handler)
            cellCount += handler.cells.count
            let maxRow = handler.cells.map(\.row).max() ?? 0
            let maxColumn = handler.cells.map(\.column).max() ?? 0
            if maxRow * maxColumn > SpreadsheetLimits.maxGridArea {
                let far = CellReference.string(row: maxRow, column: maxColumn)
                throw SpreadsheetError(.tooLarge, "Trang tính “\(sheet.name)” trải quá rộng (có dữ liệu tới ô \(far)). Hãy xóa các ô thừa ở xa bảng rồi thử lại.")
            }
            sheets.append(XLSXSheet(name: sheet.name, isHidden: sheet.hidden, cells: handler.cells,
                                    mergedRanges: handler.merges))
        }
        guard !sheets.isEmpty else {
            throw SpreadsheetError(.noWorkbook, "Sổ làm việc không có trang tính nào.")
        }
        return XLSXWorkbook(sheets: sheets)
    }

    func noWorkbookError() -> SpreadsheetError {
        if has("word/document.xml") {
            return SpreadsheetError(.noWorkbook, "Đây là tệp văn bản Word (.docx), không phải bảng tính Excel (.xlsx).")
        }
        if has("ppt/presentation.xml") {
            return SpreadsheetError(.noWorkbook, "Đây là tệp trình chiếu PowerPoint (.pptx), không phải bảng tính Excel (.xlsx).")
        }
        return SpreadsheetError(.noWorkbook, "Tệp nén không chứa bảng tính Excel (không có phần xl/workbook.xml).")
    }

    mutating func findWorkbookPath() throws -> String {
        if let data = try part("_rels/.rels") {
            let handler = RelationshipsHandler()
            if (try? XMLSupport.parse(data, part: "_rels/.rels", with: handler)) != nil,
               let document = handler.relationships.first(where: { $0.type.hasSuffix("/officeDocument") }) {
                let path = Self.resolve(document.target, relativeTo: "")
                if has(path) { return path }
            }
        }
        if has("xl/workbook.xml") { return "xl/workbook.xml" }
        throw noWorkbookError()
    }

    mutating func readRelationships(of partPath: String) throws -> [Relationship] {
        let components = partPath.split(separator: "/")
        let folder = components.dropLast().joined(separator: "/")
        let name = components.last.map(String.init) ?? partPath
        let relsPath = (folder.isEmpty ? "" : folder + "/") + "_rels/" + name + ".rels"
        guard let data = try part(relsPath) else { return [] }
        let handler = RelationshipsHandler()
        try XMLSupport.parse(data, part: relsPath, with: handler)
        return handler.relationships.map {
            Relationship(id: $0.id, type: $0.type, target: Self.resolve($0.target, relativeTo: partPath))
        }
    }
}

struct Relationship {
    var id: String
    var type: String
    var target: String
}

// MARK: - XML handlers

private final class RelationshipsHandler: SAXHandler {
    var relationships: [Relationship] = []

    override func start(_ name: String, _ attributes: [String: String]) throws {
        guard name == "Relationship", attributes["TargetMode"]?.lowercased() != "external",
              let id = attributes["Id"], let target = attributes["Target"] else { return }
        relationships.append(Relationship(id: id, type: attributes["Type"] ?? "", target: target))
    }
}

private final class WorkbookHandler: SAXHandler {
    struct Sheet {
        var name: String
        var relationshipID: String
        var hidden: Bool
    }

    var sheets: [Sheet] = []
    var date1904 = false
    var sawWorkbook = false

    override func start(_ name: String, _ attributes: [String: String]) throws {
        switch name {
        case "workbook":
            sawWorkbook = true
        case "workbookPr":
            let value = attributes["date1904"]?.lowercased()
            date1904 = value == "1" || value == "true"
        case "sheet":
            guard sheets.count < 1000 else { return }
            let state = attributes["state"] ?? "visible"
            sheets.append(Sheet(name: attributes["name"] ?? "Sheet\(sheets.count + 1)",
                                relationshipID: attributes["id"] ?? "",
                                hidden: state != "visible"))
        default:
            break
        }
    }
}

/// Collects the text of <t> elements under a rich or plain string item, skipping phonetic runs.
private final class SharedStringsHandler: SAXHandler {
    var strings: [String] = []
    private var current = ""
    private var inItem = false
    private var inText = false
    private var phoneticDepth = 0

    override func start(_ name: String, _ attributes: [String: String]) throws {
        switch name {
        case "si": inItem = true; current = ""
        case "rPh": phoneticDepth += 1
        case "t": inText = inItem && phoneticDepth == 0
        default: break
        }
    }

    override func end(_ name: String) throws {
        switch name {
        case "si":
            strings.append(XMLSupport.decodeOOXMLEscapes(current))
            inItem = false
        case "rPh": phoneticDepth = max(0, phoneticDepth - 1)
        case "t": inText = false
        default: break
        }
    }

    override func text(_ string: String) {
        if inText { current += string }
    }
}

private final class StylesHandler: SAXHandler {
    var customFormats: [Int: String] = [:]
    var cellFormatIDs: [Int] = []
    private var inCellXfs = false
    private var xfDepth = 0

    override func start(_ name: String, _ attributes: [String: String]) throws {
        switch name {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"] {
                customFormats[id] = code
            }
        case "cellXfs":
            inCellXfs = true
        case "xf":
            if inCellXfs && cellFormatIDs.count < 65_000 {
                cellFormatIDs.append(attributes["numFmtId"].flatMap(Int.init) ?? 0)
            }
        default:
            break
        }
    }

    override func end(_ name: String) throws {
        if name == "cellXfs" { inCellXfs = false }
    }

    /// (format code, kind) for each cell style index; nil code for General.
    func formatsByStyleIndex() -> [(code: String?, kind: NumberFormatKind)] {
        cellFormatIDs.map { id in
            guard let code = customFormats[id] ?? NumberFormatKind.builtInCode(id) else {
                return (nil, .general)
            }
            if code.lowercased() == "general" { return (nil, .general) }
            return (code, NumberFormatKind(code: code))
        }
    }
}

private final class WorksheetHandler: SAXHandler {
    let sheetName: String
    let sharedStrings: [String]
    let formats: [(code: String?, kind: NumberFormatKind)]
    let date1904: Bool
    let cellBudget: Int

    var cells: [XLSXCell] = []
    var merges: [XLSXRange] = []

    private var inSheetData = false
    private var currentRow = 0
    private var lastColumn = 0
    // Current cell
    private var inCell = false
    private var cellRow = 0
    private var cellColumn = 0
    private var cellType = "n"
    private var cellStyle = 0
    private var valueText: String?
    private var formulaText: String?
    private var inlineText: String?
    private var collecting: Collecting = .none
    private var phoneticDepth = 0
    private var buffer = ""

    private enum Collecting { case none, value, formula, inline }

    init(sheetName: String, sharedStrings: [String], formats: [(code: String?, kind: NumberFormatKind)],
         date1904: Bool, cellBudget: Int) {
        self.sheetName = sheetName
        self.sharedStrings = sharedStrings
        self.formats = formats
        self.date1904 = date1904
        self.cellBudget = cellBudget
    }

    override func start(_ name: String, _ attributes: [String: String]) throws {
        switch name {
        case "sheetData":
            inSheetData = true
        case "row" where inSheetData:
            if let r = attributes["r"] {
                guard let number = Int(r), number >= 1, number <= CellReference.maxRow else {
                    throw SpreadsheetError(.invalidCell, "Trang tính “\(sheetName)” có số dòng không hợp lệ (“\(r.prefix(20))”).")
                }
                currentRow = number
            } else {
                currentRow += 1
            }
            lastColumn = 0
        case "c" where inSheetData:
            inCell = true
            if let r = attributes["r"] {
                guard let position = CellReference.parse(r) else {
                    throw SpreadsheetError(.invalidCell, "Trang tính “\(sheetName)” có địa chỉ ô không hợp lệ (“\(r.prefix(20))”).")
                }
                (cellRow, cellColumn) = position
            } else {
                cellRow = max(currentRow, 1)
                cellColumn = lastColumn + 1
                guard cellColumn <= CellReference.maxColumn else {
                    throw SpreadsheetError(.invalidCell, "Trang tính “\(sheetName)” có dòng \(cellRow) vượt quá số cột cho phép.")
                }
            }
            lastColumn = cellColumn
            cellType = attributes["t"] ?? "n"
            cellStyle = attributes["s"].flatMap(Int.init) ?? 0
            valueText = nil
            formulaText = nil
            inlineText = nil
        case "v" where inCell:
            collecting = .value
            buffer = ""
        case "f" where inCell:
            collecting = .formula
            buffer = ""
        case "is" where inCell:
            inlineText = ""
        case "rPh" where inCell:
            phoneticDepth += 1
        case "t" where inCell && inlineText != nil && phoneticDepth == 0:
            collecting = .inline
            buffer = ""
        case "mergeCell":
            if let ref = attributes["ref"], let range = XLSXRange(ref), merges.count < 100_000 {
                merges.append(range)
            }
        default:
            break
        }
    }

    override func end(_ name: String) throws {
        switch name {
        case "sheetData":
            inSheetData = false
        case "v" where collecting == .value:
            valueText = buffer
            collecting = .none
        case "f" where collecting == .formula:
            formulaText = buffer
            collecting = .none
        case "t" where collecting == .inline:
            inlineText = (inlineText ?? "") + buffer
            collecting = .none
        case "rPh" where inCell:
            phoneticDepth = max(0, phoneticDepth - 1)
        case "c" where inCell:
            inCell = false
            if let cell = try makeCell() {
                guard cells.count < cellBudget else {
                    throw SpreadsheetError(.tooLarge, "Bảng tính có quá nhiều ô dữ liệu (hơn 100.000 ô).")
                }
                cells.append(cell)
            }
        default:
            break
        }
    }

    override func text(_ string: String) {
        if collecting != .none { buffer += string }
    }

    private func makeCell() throws -> XLSXCell? {
        let format: (code: String?, kind: NumberFormatKind) = cellStyle >= 0 && cellStyle < formats.count
            ? formats[cellStyle] : (nil, NumberFormatKind.general)
        let formula = formulaText.flatMap { $0.isEmpty ? nil : $0 }
        let reference = CellReference.string(row: cellRow, column: cellColumn)

        func textCell(_ text: String) -> XLSXCell {
            XLSXCell(row: cellRow, column: cellColumn, value: .text(text), formula: formula,
                     numberFormat: format.code, displayString: text)
        }

        switch cellType {
        case "s":
            guard let raw = valueText?.trimmedWhitespace, !raw.isEmpty else { return nil }
            guard let index = Int(raw), index >= 0, index < sharedStrings.count else {
                throw SpreadsheetError(.invalidCell, "Ô \(reference) của trang tính “\(sheetName)” tham chiếu tới chuỗi không tồn tại; tệp bị hỏng.")
            }
            return textCell(sharedStrings[index])
        case "inlineStr":
            if let inlineText { return textCell(XMLSupport.decodeOOXMLEscapes(inlineText)) }
            return valueText.map(textCell)
        case "str":
            guard valueText != nil || formula != nil else { return nil }
            return textCell(XMLSupport.decodeOOXMLEscapes(valueText ?? ""))
        case "b":
            guard let raw = valueText?.trimmedWhitespace, !raw.isEmpty else { return nil }
            let value = raw == "1" || raw.lowercased() == "true"
            return XLSXCell(row: cellRow, column: cellColumn, value: .boolean(value), formula: formula,
                            numberFormat: format.code, displayString: value ? "TRUE" : "FALSE")
        case "e":
            guard let raw = valueText, !raw.isEmpty else { return nil }
            return XLSXCell(row: cellRow, column: cellColumn, value: .error(raw), formula: formula,
                            numberFormat: format.code, displayString: raw)
        case "d":
            guard let raw = valueText?.trimmedWhitespace, !raw.isEmpty else { return nil }
            return textCell(Self.isoDateDisplay(raw))
        default:
            if let inlineText { return textCell(XMLSupport.decodeOOXMLEscapes(inlineText)) }
            guard let raw = valueText?.trimmedWhitespaceAndNewlines, !raw.isEmpty else { return nil }
            guard raw.utf8.count <= 400, let number = Double(raw), number.isFinite else {
                throw SpreadsheetError(.invalidCell, "Ô \(reference) của trang tính “\(sheetName)” có giá trị số không hợp lệ (“\(raw.prefix(30))”).")
            }
            return XLSXCell(row: cellRow, column: cellColumn, value: .number(number), formula: formula,
                            numberFormat: format.code, displayString: display(number, format.kind))
        }
    }

    private func display(_ number: Double, _ kind: NumberFormatKind) -> String {
        if kind.isDate,
           let text = NumberText.date(serial: number, date1904: date1904, showDate: kind.hasDate,
                                      showTime: kind.hasTime, showSeconds: kind.hasSeconds) {
            return text
        }
        if kind.isPercent, let decimal = NumberText.decimal(from: number) {
            return NumberText.plain(decimal * 100) + "%"
        }
        return NumberText.display(number)
    }

    /// "2021-08-19" or "2021-08-19T14:00:00" → "19/08/2021" / "19/08/2021 14:00".
    static func isoDateDisplay(_ raw: String) -> String {
        let scalars = Array(raw.unicodeScalars)
        func digits(_ range: Range<Int>) -> String? {
            guard range.upperBound <= scalars.count else { return nil }
            let slice = scalars[range]
            guard slice.allSatisfy({ $0.properties.numericType != nil && $0.isASCII }) else { return nil }
            return String(String.UnicodeScalarView(slice))
        }
        guard let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10) else { return raw }
        var result = "\(day)/\(month)/\(year)"
        if scalars.count >= 16, scalars[10] == "T", let hour = digits(11..<13), let minute = digits(14..<16),
           hour != "00" || minute != "00" {
            result += " \(hour):\(minute)"
        }
        return result
    }
}

/// Every file of a zip as text (lower-cased paths), within the reader's limits. For tests and diagnostics.
enum ZipParts {
    static func read(_ data: Data) throws -> [String: String] {
        var package = try XLSXPackage(data: data)
        var result: [String: String] = [:]
        for key in package.entries.keys.sorted() {
            if let part = try package.part(key) { result[key] = String(decoding: part, as: UTF8.self) }
        }
        return result
    }
}
