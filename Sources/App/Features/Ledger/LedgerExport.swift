import GiaoBanOffice
import Vapor

/// The shape every ledger .xlsx shares: a title, the commune and the period above the table, so a
/// printed or forwarded sheet says what it is (issue 17), then a bold header kept in view.
enum LedgerExport {
    static func sheet(name: String, title: String, commune: String, period: String, note: String? = nil,
                      header: [String], rows: [[XLSXWriter.Cell]], columnWidths: [Double?]) -> XLSXWriter.Sheet {
        let columns = header.count
        let centred = XLSXWriter.Style(bold: true, horizontalAlignment: .center, fontSize: 14)
        var top: [[XLSXWriter.Cell]] = [
            [.text(title, style: centred)],
            [.text(commune, style: XLSXWriter.Style(bold: true, horizontalAlignment: .center))],
            [.text(period, style: XLSXWriter.Style(italic: true, horizontalAlignment: .center))],
        ]
        if let note { top.append([.text(note, style: XLSXWriter.Style(wrapText: true))]) }
        top.append([])
        let merged = (1...top.count - 1).map { XLSXRange(firstRow: $0, firstColumn: 1, lastRow: $0, lastColumn: columns) }
        let headerRow = header.map { XLSXWriter.Cell(.text($0), style: .header) }
        let body = rows.map { row in row.map { cell -> XLSXWriter.Cell in
            var cell = cell
            cell.style.bordered = true
            // Long unit and group lists wrap inside their column rather than spill over the next.
            if case .text = cell.value { cell.style.wrapText = true }
            return cell
        } }
        // Spreadsheet programs do not grow a row for wrapped text on opening, so each row gets the
        // height of its longest cell: lines ≈ characters / column width, 15.75 pt a line.
        func height(_ row: [XLSXWriter.Cell]) -> Double {
            let lines = row.enumerated().map { index, cell -> Int in
                guard case .text(let text) = cell.value, index < columnWidths.count, let width = columnWidths[index], width > 2 else { return 1 }
                return Int((Double(text.count) / (width - 1)).rounded(.up))
            }.max() ?? 1
            return 15.75 * Double(max(1, lines))
        }
        let heights: [Double?] = top.map { _ in nil } + [height(headerRow)] + body.map { height($0) }
        return XLSXWriter.Sheet(name: name, rows: top + [headerRow] + body, columnWidths: columnWidths, mergedRanges: merged,
                                frozenRows: top.count + 1, landscape: true, rowHeights: heights, fitToPageWidth: true)
    }

    static func response(_ data: Data, filename: String) -> Response {
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        return response
    }
}
