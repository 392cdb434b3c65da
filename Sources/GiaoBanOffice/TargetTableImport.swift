import Foundation
import GiaoBanCore

/// A target (chỉ tiêu) read from a spreadsheet row.
public struct ImportedTarget: Hashable, Codable, Sendable {
    /// 1-based row of the spreadsheet (or CSV record) the target was read from.
    public var row: Int
    public var code: String
    public var name: String
    public var unitOfMeasure: String
    /// Annual plan; nil when there is none, and for yes/no targets (see `plannedYes`).
    public var plannedValue: Decimal?
    /// Annual plan of a yes/no target ("Đạt" → true, "Chưa đạt" → false); nil when none.
    public var plannedYes: Bool?
    public var valueKind: TargetValueKind
    public var yearToDateRule: YearToDateRule
    public var responsibleUnitName: String?
    /// The file's report-group column, else the `defaultGroupName` given to the import.
    public var groupName: String?
    /// The section row above the target ("CHỈ TIÊU KINH TẾ"), if any.
    public var sectionTitle: String?

    public init(row: Int, code: String, name: String, unitOfMeasure: String, plannedValue: Decimal?,
                plannedYes: Bool?, valueKind: TargetValueKind, yearToDateRule: YearToDateRule,
                responsibleUnitName: String?, groupName: String?, sectionTitle: String? = nil) {
        self.row = row
        self.code = code
        self.name = name
        self.unitOfMeasure = unitOfMeasure
        self.plannedValue = plannedValue
        self.plannedYes = plannedYes
        self.valueKind = valueKind
        self.yearToDateRule = yearToDateRule
        self.responsibleUnitName = responsibleUnitName
        self.groupName = groupName
        self.sectionTitle = sectionTitle
    }
}

/// Something wrong in the imported table, to show to the user.
public struct ImportProblem: Hashable, Codable, Sendable, CustomStringConvertible {
    /// 1-based spreadsheet row; 0 when the problem concerns the whole file (no header row found).
    public var row: Int
    /// Vietnamese explanation.
    public var message: String

    public init(row: Int, message: String) {
        self.row = row
        self.message = message
    }

    public var description: String { row > 0 ? "Dòng \(row): \(message)" : message }
}

public struct TargetTableImportResult: Hashable, Sendable {
    /// Targets read without problems, in file order. A row with a problem is left out
    /// (for a duplicate code, the later row).
    public var targets: [ImportedTarget]
    /// Every problem found, in row order.
    public var problems: [ImportProblem]
    /// 1-based row of the header row, nil when none was found.
    public var headerRow: Int?
    /// The year named in the plan column title ("Kế hoạch năm 2021") or in the title block.
    public var planYear: Int?
    /// The name of the sheet the table was read from (for .xlsx files).
    public var sheetName: String?

    public init(targets: [ImportedTarget] = [], problems: [ImportProblem] = [], headerRow: Int? = nil,
                planYear: Int? = nil, sheetName: String? = nil) {
        self.targets = targets
        self.problems = problems
        self.headerRow = headerRow
        self.planYear = planYear
        self.sheetName = sheetName
    }

    public var hasProblems: Bool { !problems.isEmpty }
}

/// Reads an annual target table laid out the way a commune office lays it out in Excel
/// (SPEC §6): a title block, a header row, maybe a row of column numbers, section rows,
/// the targets, and signature lines under the table.
public enum TargetTableImport {
    /// Parses rows of display strings (e.g. `XLSXSheet.rows` or `CSVTable.read`).
    /// Row *i* of `rows` is spreadsheet row *i + 1*.
    public static func parse(rows: [[String]], defaultGroupName: String?) -> TargetTableImportResult {
        parse(cells: rows.map { $0.map { ImportCell(text: $0, number: nil) } }, defaultGroupName: defaultGroupName)
    }

    /// Parses a worksheet, using the exact numeric value of number cells (so a plan stored as the
    /// number 1.125 is not mistaken for "1.125" = 1125 typed as text).
    public static func parse(sheet: XLSXSheet, defaultGroupName: String?) -> TargetTableImportResult {
        var grid = sheet.rows.map { $0.map { ImportCell(text: $0, number: nil) } }
        for cell in sheet.cells {
            // Dates and percentages keep their display text ("95%" reads as 95, not 0.95).
            let format = cell.numberFormat.map(NumberFormatKind.init(code:)) ?? .general
            if let decimal = cell.decimalValue, !format.isDate, !format.isPercent {
                grid[cell.row - 1][cell.column - 1].number = decimal
            }
        }
        var result = parse(cells: grid, defaultGroupName: defaultGroupName)
        result.sheetName = sheet.name
        return result
    }

    /// Parses an uploaded file, .xlsx or .csv (told apart by content, not by name). For a workbook,
    /// the first sheet (visible ones first) that has a target table header is used.
    /// - Throws: `SpreadsheetError` when the file cannot be read at all.
    public static func parse(fileData: Data, defaultGroupName: String?) throws -> TargetTableImportResult {
        if XLSXReader.isZip(fileData) || XLSXReader.isOLE(fileData) {
            let workbook = try XLSXReader.read(fileData)
            let ordered = workbook.sheets.filter { !$0.isHidden } + workbook.sheets.filter(\.isHidden)
            var first: TargetTableImportResult?
            for sheet in ordered {
                let result = parse(sheet: sheet, defaultGroupName: defaultGroupName)
                if result.headerRow != nil { return result }
                if first == nil { first = result }
            }
            return first ?? TargetTableImportResult()
        }
        return parse(rows: try CSVTable.read(fileData), defaultGroupName: defaultGroupName)
    }

    // MARK: - Implementation

    struct ImportCell {
        var text: String
        var number: Decimal?
    }

    enum Field: Hashable, CaseIterable {
        case index, code, name, unit, plan, rule, kind, responsible, group
    }

    static func field(forHeader raw: String) -> Field? {
        let folded = ImportText.fold(raw)
        guard !folded.isEmpty else { return nil }
        let words = ImportText.words(folded)
        let joined = words.joined(separator: " ")
        if ["stt", "tt", "so tt", "so thu tu", "thu tu"].contains(joined) { return .index }
        if words.first == "ma" && words.count <= 3 || ["code", "ky hieu", "ma so"].contains(joined) { return .code }
        if joined.contains("ke hoach") || words.first == "kh" || joined.hasPrefix("chi tieu nam")
            || joined.hasPrefix("chi tieu giao") || joined.hasPrefix("muc tieu nam") { return .plan }
        if joined.contains("luy ke") || joined.contains("cach tinh") { return .rule }
        if joined.contains("loai gia tri") || joined.contains("kieu gia tri") || joined.contains("loai so lieu")
            || joined.contains("kieu du lieu") { return .kind }
        if joined.contains("don vi tinh") || joined == "dvt" || joined == "dv tinh" { return .unit }
        if joined.contains("phu trach") || joined.contains("chu tri") || joined.contains("thuc hien")
            || joined.contains("dau moi") || joined.contains("co quan") { return .responsible }
        if words.first == "nhom" || joined.contains("nhom bao cao") || joined.contains("khoi") { return .group }
        if joined.contains("chi tieu") || joined.contains("noi dung") || words.first == "ten" { return .name }
        return nil
    }

    static func findHeader(_ rows: [[ImportCell]]) -> (row: Int, columns: [Field: Int])? {
        for (rowIndex, row) in rows.enumerated() {
            var columns: [Field: Int] = [:]
            for (columnIndex, cell) in row.enumerated() {
                guard let field = field(forHeader: cell.text), columns[field] == nil else { continue }
                columns[field] = columnIndex
            }
            let keyFields = [Field.code, .unit, .plan].filter { columns[$0] != nil }.count
            if columns[.name] != nil && keyFields >= 2 { return (rowIndex, columns) }
        }
        return nil
    }

    static func parse(cells rows: [[ImportCell]], defaultGroupName: String?) -> TargetTableImportResult {
        var result = TargetTableImportResult()
        guard let header = findHeader(rows) else {
            result.problems.append(ImportProblem(row: 0, message:
                "Không tìm thấy dòng tiêu đề của bảng chỉ tiêu. Bảng cần có các cột “Mã”, “Chỉ tiêu” (hoặc “Nội dung”), “Đơn vị tính” và “Kế hoạch năm”."))
            return result
        }
        let headerNumber = header.row + 1
        result.headerRow = headerNumber
        let columns = header.columns
        result.planYear = planYear(rows: rows, header: header)
        guard columns[.code] != nil else {
            result.problems.append(ImportProblem(row: headerNumber, message:
                "Bảng thiếu cột “Mã” chỉ tiêu: mỗi chỉ tiêu cần một mã riêng (ví dụ KT01)."))
            return result
        }
        let defaultGroup = defaultGroupName.map(ImportText.clean).flatMap { $0.isEmpty ? nil : $0 }

        var section: String?
        var inFooter = false
        var codesSeen: [String: Int] = [:]

        for rowIndex in rows.indices where rowIndex > header.row {
            let row = rows[rowIndex]
            let rowNumber = rowIndex + 1
            func cell(_ field: Field) -> ImportCell? {
                guard let column = columns[field], column < row.count else { return nil }
                return row[column]
            }
            func text(_ field: Field) -> String { cell(field).map { ImportText.clean($0.text) } ?? "" }

            let nonEmpty = row.map { ImportText.clean($0.text) }.filter { !$0.isEmpty }
            if nonEmpty.isEmpty { continue }
            if isColumnNumbersRow(nonEmpty) { continue }

            let code = text(.code), name = text(.name), unit = text(.unit), planText = text(.plan)
            let index = text(.index)
            let hasPlan = !planText.isEmpty
            let codeLike = isCodeLike(code)
            let strongTarget = codeLike && !name.isEmpty && !unit.isEmpty
            if inFooter && !strongTarget { continue }
            // Signature block: "Sơn Kim 2, ngày … tháng … năm …", "T/M ĐẢNG ỦY", "Nơi nhận:"… A target's own
            // name is not looked at, so a target called "Chủ tịch …" is not taken for a signature.
            let nameColumn = columns[.name]
            let footerCandidates = row.enumerated().filter { $0.offset != nameColumn || code.isEmpty }
                .map { ImportText.clean($0.element.text) }.filter { !$0.isEmpty }
            if !strongTarget && footerCandidates.contains(where: isFooterLine) {
                inFooter = true
                continue
            }

            if isTotalLabel(ImportText.fold(code)) || (code.isEmpty && isTotalLabel(ImportText.fold(name))) { continue }
            let targetLike = codeLike && (!name.isEmpty || !unit.isEmpty || hasPlan)
            if !targetLike {
                if isSectionMarker(index) || isSectionMarker(code) || startsWithSectionMarker(code)
                    || startsWithSectionMarker(name) || (unit.isEmpty && !hasPlan) {
                    section = sectionTitle(code: code, name: name, index: index)
                    continue
                }
            } else if isSectionMarker(index) && unit.isEmpty && !hasPlan {
                section = sectionTitle(code: code, name: name, index: index)
                continue
            }

            // A target row.
            var problems: [String] = []
            if code.isEmpty {
                problems.append(name.isEmpty ? "Thiếu mã và tên chỉ tiêu." : "Chỉ tiêu “\(name)” thiếu mã.")
            } else if !codeLike {
                problems.append("Mã chỉ tiêu “\(code)” không hợp lệ: mã phải ngắn (tối đa 20 ký tự) và không có khoảng trắng, ví dụ KT01.")
            }
            if !code.isEmpty && name.isEmpty {
                problems.append("Chỉ tiêu “\(code)” thiếu tên.")
            }
            if !code.isEmpty && codeLike {
                let key = code.uppercased()
                if let firstRow = codesSeen[key] {
                    problems.append("Mã “\(code)” bị trùng: đã dùng ở dòng \(firstRow).")
                } else {
                    codesSeen[key] = rowNumber
                }
            }

            let plan = parsePlan(cell(.plan))
            let ruleText = text(.rule), kindText = text(.kind)
            var rule: YearToDateRule?
            if !ruleText.isEmpty {
                rule = parseRule(ruleText)
                if rule == nil {
                    problems.append("Cách tính lũy kế “\(ruleText)” không hợp lệ; hãy ghi “cộng dồn”, “mới nhất” hoặc “lớn nhất”.")
                }
            }
            var kind: TargetValueKind?
            if !kindText.isEmpty {
                kind = parseKind(kindText)
                if kind == nil {
                    problems.append("Loại giá trị “\(kindText)” không hợp lệ; hãy ghi “số đếm”, “số thập phân” hoặc “có/không”.")
                }
            }

            var plannedValue: Decimal?
            var plannedYes: Bool?
            switch plan {
            case .none:
                break
            case .invalid(let raw):
                problems.append("Kế hoạch năm “\(raw)” không phải là số (ví dụ hợp lệ: 1.850 hoặc 3,5; để trống nếu không có kế hoạch).")
            case .yes(let value):
                if let kind, kind != .yesNo {
                    problems.append("Kế hoạch “\(planText)” chỉ dùng cho chỉ tiêu loại có/không, nhưng loại giá trị đã ghi là “\(kindText)”.")
                } else {
                    plannedYes = value
                }
            case .number(let value):
                if kind == .yesNo {
                    if value == 1 || value == 0 {
                        plannedYes = value == 1
                    } else {
                        problems.append("Chỉ tiêu có/không chỉ nhận kế hoạch “Đạt”, “Chưa đạt” hoặc để trống (đang ghi “\(planText)”).")
                    }
                } else if value < 0 {
                    problems.append("Kế hoạch năm “\(planText)” là số âm.")
                } else if kind == .count && !isWhole(value) {
                    problems.append("Kế hoạch năm “\(planText)” có phần thập phân nhưng loại giá trị là “số đếm”.")
                } else {
                    plannedValue = value
                }
            }

            guard problems.isEmpty else {
                result.problems += problems.map { ImportProblem(row: rowNumber, message: $0) }
                continue
            }

            let valueKind = kind ?? inferKind(unit: unit, plan: plan)
            let yearToDateRule = rule ?? inferRule(kind: valueKind, unit: unit)
            if valueKind == .yesNo, plannedYes == nil, let plannedValue {
                // Inferred yes/no with a numeric plan cannot happen (numbers infer count/decimal),
                // but keep the two plan fields consistent anyway.
                plannedYes = plannedValue != 0
            }
            let responsible = text(.responsible)
            let group = text(.group)
            result.targets.append(ImportedTarget(
                row: rowNumber, code: code, name: name, unitOfMeasure: unit,
                plannedValue: valueKind == .yesNo ? nil : plannedValue,
                plannedYes: valueKind == .yesNo ? plannedYes : nil,
                valueKind: valueKind, yearToDateRule: yearToDateRule,
                responsibleUnitName: responsible.isEmpty ? nil : responsible,
                groupName: group.isEmpty ? defaultGroup : group,
                sectionTitle: section))
        }

        if result.targets.isEmpty && result.problems.isEmpty {
            result.problems.append(ImportProblem(row: headerNumber, message: "Không có chỉ tiêu nào dưới dòng tiêu đề."))
        }
        return result
    }

    // MARK: Cell interpretation

    enum PlanValue: Equatable {
        case none
        case number(Decimal)
        case yes(Bool)
        case invalid(String)
    }

    static func parsePlan(_ cell: ImportCell?) -> PlanValue {
        guard let cell else { return .none }
        if let number = cell.number { return .number(number) }
        let text = ImportText.clean(cell.text)
        if text.isEmpty || ["-", "–", "—", "x", "X", "…", "...", "/"].contains(text) { return .none }
        if let yes = ImportText.yesNo(text) { return .yes(yes) }
        if let number = ImportText.number(text) { return .number(number) }
        return .invalid(text)
    }

    static func parseRule(_ raw: String) -> YearToDateRule? {
        let folded = ImportText.fold(raw)
        if folded.contains("cong don") || ["tong", "tong cong", "cong", "sum"].contains(folded) { return .sum }
        if folded.contains("moi nhat") || folded.contains("gan nhat") || folded.contains("hien tai")
            || folded.contains("hien co") || folded.contains("cuoi ky") || folded == "latest" { return .latest }
        if folded.contains("lon nhat") || folded.contains("cao nhat") || folded.contains("toi da") || folded == "max" { return .max }
        return nil
    }

    static func parseKind(_ raw: String) -> TargetValueKind? {
        let folded = slashed(ImportText.fold(raw))
        if folded.contains("so dem") || ["dem", "so nguyen", "nguyen", "count"].contains(folded) { return .count }
        if folded.contains("thap phan") || ["so thuc", "so le", "decimal"].contains(folded) { return .decimal }
        if folded.contains("co/khong") || folded.contains("dat/chua dat") || folded.contains("dat/khong dat")
            || ["co khong", "yes/no", "yesno", "boolean"].contains(folded) { return .yesNo }
        return nil
    }

    private static let decimalUnitWords: Set<String> = [
        "ha", "hecta", "km", "m", "m2", "m3", "km2", "m²", "m³", "cm", "mm", "tan", "ta", "kg", "lit",
        "dong", "usd", "trieu", "ty", "nghin", "ngan", "%", "‰",
    ]

    static func isYesNoUnit(_ unit: String) -> Bool {
        let folded = slashed(ImportText.fold(unit))
        return folded.contains("dat/chua") || folded.contains("dat/khong") || folded.contains("co/khong")
            || ["dat", "dat chuan", "co khong"].contains(folded)
    }

    static func inferKind(unit: String, plan: PlanValue) -> TargetValueKind {
        if case .yes = plan { return .yesNo }
        if isYesNoUnit(unit) { return .yesNo }
        let words = ImportText.words(ImportText.fold(unit))
        if unit.contains("%") || words.contains(where: decimalUnitWords.contains) { return .decimal }
        if case .number(let value) = plan, !isWhole(value) { return .decimal }
        return .count
    }

    static func inferRule(kind: TargetValueKind, unit: String) -> YearToDateRule {
        if kind == .yesNo || unit.contains("%") { return .latest }
        return .sum
    }

    static func isWhole(_ value: Decimal) -> Bool {
        var input = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, 0, .plain)
        return rounded == value
    }

    private static func slashed(_ folded: String) -> String {
        folded.replacingOccurrences(of: " / ", with: "/").replacingOccurrences(of: " /", with: "/")
            .replacingOccurrences(of: "/ ", with: "/")
    }

    // MARK: Row shapes

    static func isCodeLike(_ code: String) -> Bool {
        guard !code.isEmpty, code.count <= 20, code.filter({ $0 == " " }).count <= 1,
              code.contains(where: { $0.isLetter || $0.isNumber }) else { return false }
        if isSectionMarker(code) || startsWithSectionMarker(code) { return false }
        return true
    }

    /// "I", "IV.", "A", "B)" — a Roman numeral or a capital letter used to number a section.
    static func isSectionMarker(_ text: String) -> Bool {
        var text = text
        if text.hasSuffix(".") || text.hasSuffix(")") { text.removeLast() }
        guard !text.isEmpty else { return false }
        if ImportText.isRomanNumeral(text) { return true }
        return text.count == 1 && text.first.map { $0.isUppercase && $0.isASCII } == true
    }

    /// "I. KINH TẾ", "II - VĂN HÓA", "A) ĐẢNG": a numbered section title in one cell.
    static func startsWithSectionMarker(_ text: String) -> Bool {
        guard let space = text.firstIndex(of: " ") else { return false }
        var marker = String(text[..<space])
        let rest = text[space...].trimmedWhitespace
        guard !rest.isEmpty else { return false }
        let separated = marker.hasSuffix(".") || marker.hasSuffix(")") || rest.hasPrefix("-") || rest.hasPrefix("–")
        if marker.hasSuffix(".") || marker.hasSuffix(")") { marker.removeLast() }
        return separated && ImportText.isRomanNumeral(marker)
    }

    static func sectionTitle(code: String, name: String, index: String) -> String? {
        let candidates = [name, code].filter { !$0.isEmpty && !isSectionMarker($0) }
        guard var title = candidates.first else { return nil }
        if startsWithSectionMarker(title), let space = title.firstIndex(of: " ") {
            title = title[space...].trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: "-–")))
        }
        return title
    }

    /// A row of column numbers under the header: "(1) (2) (3)…" or "1 2 3…".
    static func isColumnNumbersRow(_ nonEmpty: [String]) -> Bool {
        guard nonEmpty.count >= 2 else { return false }
        var parenthesised = 0
        var plainNumbers: [Int] = []
        for text in nonEmpty {
            if text.hasPrefix("(") && text.count <= 24 && text.contains(")") {
                parenthesised += 1
            } else if let number = Int(text), number >= 0, number < 100 {
                plainNumbers.append(number)
            } else {
                return false
            }
        }
        if parenthesised > 0 { return true }
        return plainNumbers == Array(plainNumbers.first!..<(plainNumbers.first! + plainNumbers.count))
    }

    static func isTotalLabel(_ folded: String) -> Bool {
        ["tong cong", "cong", "tong", "tong so", "cong chung"].contains(folded) || folded.hasPrefix("tong cong")
    }

    private static let footerPrefixes = [
        "t/m", "tm.", "tm ", "t.m", "k/t", "kt.", "noi nhan", "nguoi lap", "nguoi ky", "ky ten", "(ky",
        "xac nhan", "thu truong", "bi thu", "pho bi thu", "chu tich", "pho chu tich", "truong ban",
    ]

    /// Signature block lines: "Sơn Kim 2, ngày 19 tháng 8 năm 2021", "T/M ĐẢNG ỦY", "Nơi nhận:"…
    static func isFooterLine(_ text: String) -> Bool {
        let folded = ImportText.fold(text)
        if let day = folded.range(of: "ngay"), let month = folded.range(of: "thang", range: day.upperBound..<folded.endIndex),
           folded.range(of: "nam", range: month.upperBound..<folded.endIndex) != nil {
            return true
        }
        return footerPrefixes.contains { folded.hasPrefix($0) }
    }

    static func planYear(rows: [[ImportCell]], header: (row: Int, columns: [Field: Int])) -> Int? {
        func year(in text: String) -> Int? {
            let scalars = Array(text.unicodeScalars)
            guard scalars.count >= 4 else { return nil }
            for start in 0...(scalars.count - 4) {
                let slice = scalars[start..<(start + 4)]
                guard slice.allSatisfy({ $0.isASCII && $0.properties.numericType != nil }),
                      start == 0 || !(scalars[start - 1].properties.numericType != nil),
                      start + 4 == scalars.count || !(scalars[start + 4].properties.numericType != nil),
                      let value = Int(String(String.UnicodeScalarView(slice))),
                      (1990...2100).contains(value) else { continue }
                return value
            }
            return nil
        }
        if let column = header.columns[.plan], column < rows[header.row].count,
           let value = year(in: rows[header.row][column].text) {
            return value
        }
        for row in rows[..<header.row] {
            for cell in row where ImportText.fold(cell.text).contains("nam") {
                if let value = year(in: cell.text) { return value }
            }
        }
        return nil
    }
}
