import CSV
import Foundation

/// Reading and writing CSV files as rows of strings (RFC 4180, via CSV.swift).
public enum CSVTable {
    /// Reads a CSV file.
    ///
    /// - UTF-8 with or without a byte-order mark; UTF-16 with a byte-order mark.
    /// - The separator is detected from the first non-empty line: comma, semicolon (what Excel
    ///   writes under a Vietnamese locale, where the comma is the decimal separator) or tab.
    /// - Quoted fields may contain separators, doubled quotes and line breaks.
    ///
    /// A line break inside a quoted field does not start a new row, so row *n* of the result is
    /// row *n* as a spreadsheet program shows the file. A blank line gives a row `[""]`.
    /// - Throws: `SpreadsheetError` for a file that is not text, not UTF-8/UTF-16, or over the limits.
    public static func read(_ data: Data) throws -> [[String]] {
        guard data.count <= SpreadsheetLimits.maxUncompressedBytes else {
            throw SpreadsheetError(.tooLarge, "Tệp CSV quá lớn (quá 20 MB).")
        }
        let text = try decode(data)
        let delimiter = detectDelimiter(text)
        // CSV.swift builds each row whole: 20 MB of bare separators would be 20 million fields.
        guard fieldCount(text, delimiter: delimiter) <= SpreadsheetLimits.maxCells * 10 else {
            throw SpreadsheetError(.tooLarge, "Tệp CSV có quá nhiều ô (hơn 1.000.000 ô kể cả ô trống).")
        }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: false, trimFields: false, delimiter: delimiter)
        } catch {
            throw SpreadsheetError(.malformedXML, "Không đọc được tệp CSV.")
        }
        var rows: [[String]] = []
        var cells = 0
        while let row = reader.next() {
            cells += row.filter { !$0.isEmpty }.count
            guard cells <= SpreadsheetLimits.maxCells else {
                throw SpreadsheetError(.tooLarge, "Tệp CSV có quá nhiều ô dữ liệu (hơn 100.000 ô).")
            }
            rows.append(row)
        }
        return rows
    }

    /// Writes rows as CSV: UTF-8 with a byte-order mark (so that Excel shows Vietnamese correctly),
    /// CRLF line ends, fields quoted when they hold the separator, a quote, a line break or
    /// leading/trailing spaces.
    public static func write(_ rows: [[String]], separator: Character = ",", byteOrderMark: Bool = true) -> Data {
        let separatorString = String(separator)
        var output = byteOrderMark ? "\u{FEFF}" : ""
        for row in rows {
            output += row.map { quote($0, separator: separatorString) }.joined(separator: separatorString)
            output += "\r\n"
        }
        return Data(output.utf8)
    }

    private static func quote(_ field: String, separator: String) -> String {
        let needsQuotes = field.contains(separator) || field.contains("\"") || field.contains("\n")
            || field.contains("\r") || field.first?.isWhitespace == true || field.last?.isWhitespace == true
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: - Decoding

    static func decode(_ data: Data) throws -> String {
        let bytes = [UInt8](data.prefix(4))
        if XLSXReader.isZip(data) {
            throw SpreadsheetError(.unsupportedEncoding, "Đây là tệp Excel (.xlsx), không phải CSV. Hãy tải lên với đuôi .xlsx.")
        }
        if XLSXReader.isOLE(data) {
            throw SpreadsheetError(.unsupportedEncoding, "Đây là tệp Excel đời cũ (.xls), không phải CSV. Hãy lưu lại dạng .xlsx hoặc CSV UTF-8.")
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return try utf8(data.dropFirst(3))
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let bigEndian = bytes[0] == 0xFE
            let body = data.dropFirst(2)
            guard body.count % 2 == 0 else { throw encodingError }
            var units: [UInt16] = []
            units.reserveCapacity(body.count / 2)
            var iterator = body.makeIterator()
            while let first = iterator.next(), let second = iterator.next() {
                units.append(bigEndian ? UInt16(first) << 8 | UInt16(second) : UInt16(second) << 8 | UInt16(first))
            }
            var result = String.UnicodeScalarView()
            let failed = transcode(units.makeIterator(), from: UTF16.self, to: UTF32.self, stoppingOnError: true) { unit in
                if let scalar = UnicodeScalar(unit) { result.append(scalar) }
            }
            if failed || result.contains("\u{0}") { throw encodingError }
            return String(result)
        }
        return try utf8(data[...])
    }

    private static func utf8(_ bytes: Data.SubSequence) throws -> String {
        if bytes.contains(0) { throw encodingError }
        let text = String(decoding: bytes, as: UTF8.self)
        // Invalid sequences decode to U+FFFD; accept only if the file really contains that character.
        if text.unicodeScalars.contains("\u{FFFD}") && Data(bytes).range(of: Data([0xEF, 0xBF, 0xBD])) == nil {
            throw encodingError
        }
        return text
    }

    private static var encodingError: SpreadsheetError {
        SpreadsheetError(.unsupportedEncoding,
            "Tệp CSV không ở mã UTF-8 nên tiếng Việt sẽ bị lỗi. Trong Excel hãy chọn “Lưu thành” → “CSV UTF-8 (phân cách bằng dấu phẩy)”, rồi tải lại.")
    }

    /// Number of fields (separators and line ends outside quotes, plus one).
    static func fieldCount(_ text: String, delimiter: UnicodeScalar) -> Int {
        var count = 1
        var inQuotes = false
        for scalar in text.unicodeScalars {
            if scalar == "\"" { inQuotes.toggle() } else if !inQuotes && (scalar == delimiter || scalar == "\n") { count += 1 }
        }
        return count
    }

    /// The separator that occurs most, outside quotes, on the first ten non-empty lines.
    static func detectDelimiter(_ text: String) -> UnicodeScalar {
        var comma = 0, semicolon = 0, tab = 0
        var inQuotes = false
        var lineHasContent = false
        var lines = 0
        for scalar in text.unicodeScalars {
            if scalar == "\"" { inQuotes.toggle(); lineHasContent = true; continue }
            if inQuotes { continue }
            switch scalar {
            case "\n", "\r":
                if lineHasContent { lines += 1 }
                lineHasContent = false
            case ",": comma += 1
            case ";": semicolon += 1
            case "\t": tab += 1
            case " ", "\u{FEFF}": break
            default: lineHasContent = true
            }
            if lines >= 10 { break }
        }
        if semicolon > comma && semicolon >= tab { return ";" }
        if tab > comma && tab > semicolon { return "\t" }
        return ","
    }
}
