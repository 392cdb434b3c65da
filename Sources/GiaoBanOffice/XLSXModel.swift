import Foundation

/// A workbook read from an .xlsx file.
public struct XLSXWorkbook: Hashable, Sendable {
    /// Worksheets in workbook order (chart sheets are left out).
    public var sheets: [XLSXSheet]

    public init(sheets: [XLSXSheet]) {
        self.sheets = sheets
    }

    /// The first sheet with this name (names compare as Excel does, ignoring case).
    public func sheet(named name: String) -> XLSXSheet? {
        sheets.first { $0.name.lowercased() == name.lowercased() }
    }
}

/// A rectangular range of cells, 1-based and inclusive ("B16:G16").
public struct XLSXRange: Hashable, Codable, Sendable, CustomStringConvertible {
    public var firstRow: Int
    public var firstColumn: Int
    public var lastRow: Int
    public var lastColumn: Int

    public init(firstRow: Int, firstColumn: Int, lastRow: Int, lastColumn: Int) {
        self.firstRow = Swift.min(firstRow, lastRow)
        self.lastRow = Swift.max(firstRow, lastRow)
        self.firstColumn = Swift.min(firstColumn, lastColumn)
        self.lastColumn = Swift.max(firstColumn, lastColumn)
    }

    /// Parses "A1:G3" or a single cell "B2".
    public init?(_ reference: String) {
        let parts = reference.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2,
              let first = CellReference.parse(String(parts[0])) else { return nil }
        let last = parts.count == 2 ? CellReference.parse(String(parts[1])) : first
        guard let last else { return nil }
        self.init(firstRow: first.row, firstColumn: first.column, lastRow: last.row, lastColumn: last.column)
    }

    public var description: String {
        let first = CellReference.string(row: firstRow, column: firstColumn)
        if firstRow == lastRow && firstColumn == lastColumn { return first }
        return first + ":" + CellReference.string(row: lastRow, column: lastColumn)
    }

    public func contains(row: Int, column: Int) -> Bool {
        (firstRow...lastRow).contains(row) && (firstColumn...lastColumn).contains(column)
    }

    public func overlaps(_ other: XLSXRange) -> Bool {
        firstRow <= other.lastRow && other.firstRow <= lastRow
            && firstColumn <= other.lastColumn && other.firstColumn <= lastColumn
    }
}

/// The value stored in a cell.
public enum XLSXCellValue: Hashable, Sendable {
    case text(String)
    case number(Double)
    case boolean(Bool)
    /// An error value such as `#DIV/0!`.
    case error(String)
}

/// One cell with a value. Positions are 1-based (A1 is row 1, column 1).
public struct XLSXCell: Hashable, Sendable {
    public var row: Int
    public var column: Int
    /// The value; for a formula, its cached result.
    public var value: XLSXCellValue
    /// The formula text without the leading "=", when the cell has one.
    public var formula: String?
    /// The number format code when it is not "General" (e.g. "#,##0.##", "dd/mm/yyyy").
    public var numberFormat: String?
    /// What the cell shows: numbers without a spurious ".0" (Excel's 15 significant digits),
    /// dates as dd/MM/yyyy, percentages as "95%", booleans as TRUE/FALSE.
    public var displayString: String

    public init(row: Int, column: Int, value: XLSXCellValue, formula: String? = nil,
                numberFormat: String? = nil, displayString: String) {
        self.row = row
        self.column = column
        self.value = value
        self.formula = formula
        self.numberFormat = numberFormat
        self.displayString = displayString
    }

    /// "B14"
    public var reference: String { CellReference.string(row: row, column: column) }

    /// The number as an exact decimal, rounded to the 15 significant digits Excel shows
    /// (so 0.1+0.2 stored as 0.30000000000000004 gives 0.3). Nil for non-numbers.
    public var decimalValue: Decimal? {
        guard case .number(let number) = value, number.isFinite else { return nil }
        return NumberText.decimal(from: number)
    }
}

/// One worksheet.
public struct XLSXSheet: Hashable, Sendable {
    public var name: String
    /// Hidden or very hidden in Excel.
    public var isHidden: Bool
    /// Cells that hold a value, row by row, left to right.
    public private(set) var cells: [XLSXCell]
    public var mergedRanges: [XLSXRange]
    /// A dense grid of display strings starting at A1: `rows[r][c]` is the cell at row r+1,
    /// column c+1 ("" where empty). Every row has `columnCount` entries.
    /// (`XLSXReader` refuses sheets whose grid would exceed `SpreadsheetLimits.maxGridArea`;
    /// code that builds a sheet itself should keep to that too.)
    public private(set) var rows: [[String]]
    private var positions: [Int: Int]

    public init(name: String, isHidden: Bool = false, cells: [XLSXCell], mergedRanges: [XLSXRange] = []) {
        self.name = name
        self.isHidden = isHidden
        self.mergedRanges = mergedRanges
        // Keep the last cell written for a position, sort row-major.
        var byPosition: [Int: XLSXCell] = [:]
        for cell in cells where (1...CellReference.maxRow).contains(cell.row) && (1...CellReference.maxColumn).contains(cell.column) {
            byPosition[Self.key(cell.row, cell.column)] = cell
        }
        let sorted = byPosition.values.sorted { ($0.row, $0.column) < ($1.row, $1.column) }
        self.cells = sorted
        var positions: [Int: Int] = [:]
        positions.reserveCapacity(sorted.count)
        for (index, cell) in sorted.enumerated() { positions[Self.key(cell.row, cell.column)] = index }
        self.positions = positions
        let rowCount = sorted.last?.row ?? 0
        let columnCount = sorted.map(\.column).max() ?? 0
        var grid = Array(repeating: Array(repeating: "", count: columnCount), count: rowCount)
        for cell in sorted { grid[cell.row - 1][cell.column - 1] = cell.displayString }
        self.rows = grid
    }

    /// Number of rows of the grid (the last row that has a value).
    public var rowCount: Int { rows.count }
    /// Number of columns of the grid (the last column that has a value).
    public var columnCount: Int { rows.first?.count ?? 0 }

    /// The cell at a 1-based position, if it has a value.
    public subscript(row: Int, column: Int) -> XLSXCell? {
        guard let index = positions[Self.key(row, column)] else { return nil }
        return cells[index]
    }

    /// The cell at an address such as "E14", if it has a value.
    public func cell(_ reference: String) -> XLSXCell? {
        guard let position = CellReference.parse(reference) else { return nil }
        return self[position.row, position.column]
    }

    /// The merged range that covers a position, if any.
    public func mergedRange(containingRow row: Int, column: Int) -> XLSXRange? {
        mergedRanges.first { $0.contains(row: row, column: column) }
    }

    private static func key(_ row: Int, _ column: Int) -> Int { row &* 20_000 &+ column }
}

/// A1-style cell addresses.
public enum CellReference {
    public static let maxRow = 1_048_576
    public static let maxColumn = 16_384

    /// "A" → 1, "Z" → 26, "AA" → 27, "XFD" → 16384.
    public static func columnNumber(_ letters: String) -> Int? {
        guard !letters.isEmpty, letters.utf8.count <= 3 else { return nil }
        var number = 0
        for byte in letters.utf8 {
            let upper = byte >= 97 ? byte - 32 : byte
            guard upper >= 65 && upper <= 90 else { return nil }
            number = number * 26 + Int(upper - 64)
        }
        return number <= maxColumn ? number : nil
    }

    /// 1 → "A", 28 → "AB".
    public static func columnLetters(_ column: Int) -> String {
        var number = Swift.max(1, column)
        var letters: [Character] = []
        while number > 0 {
            let remainder = (number - 1) % 26
            letters.append(Character(UnicodeScalar(UInt8(65 + remainder))))
            number = (number - 1) / 26
        }
        return String(letters.reversed())
    }

    public static func string(row: Int, column: Int) -> String {
        columnLetters(column) + String(row)
    }

    /// Parses "B14" or "$B$14" into a 1-based (row, column).
    public static func parse(_ reference: String) -> (row: Int, column: Int)? {
        var letters = ""
        var digits = ""
        for scalar in reference.unicodeScalars where scalar != "$" {
            switch scalar.value {
            case 65...90, 97...122:
                guard digits.isEmpty else { return nil }
                letters.unicodeScalars.append(scalar)
            case 48...57:
                digits.unicodeScalars.append(scalar)
            default:
                return nil
            }
            if letters.unicodeScalars.count > 3 || digits.unicodeScalars.count > 7 { return nil }
        }
        guard let column = columnNumber(letters), let row = Int(digits), row >= 1, row <= maxRow else { return nil }
        return (row, column)
    }
}
