import Fluent
import Foundation
import GiaoBanCore
import GiaoBanOffice
import Vapor

/// The year's target table with this week's, year-to-date and % of plan figures, as .xlsx:
/// STT, Mã, Chỉ tiêu, ĐVT, Kế hoạch năm, Tuần này, Lũy kế, % KH, Đơn vị phụ trách.
/// One section row per report group, numbered I, II, III… as commune tables are.
enum TargetProgressExport {
    static let header = ["STT", "Mã", "Chỉ tiêu", "ĐVT", "Kế hoạch năm", "Tuần này", "Lũy kế", "% KH", "Đơn vị phụ trách"]

    struct Line: Sendable {
        var code: String
        var name: String
        var unitOfMeasure: String
        var kind: TargetValueKind
        var planned: Decimal?
        var thisWeek: Decimal?
        var yearToDate: Decimal?
        var percent: Decimal?
        var responsible: String
    }

    struct Section: Sendable {
        var title: String
        var lines: [Line]
    }

    static func roman(_ number: Int) -> String {
        let table: [(Int, String)] = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                                      (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        var rest = number, text = ""
        for (value, letters) in table { while rest >= value { text += letters; rest -= value } }
        return text
    }

    static func workbook(title: String, subtitle: String, sections: [Section], modified: Date) throws -> Data {
        let columns = header.count
        let body = XLSXWriter.Style(bordered: true)
        let centred = XLSXWriter.Style(horizontalAlignment: .center, bordered: true)
        let wrapped = XLSXWriter.Style(wrapText: true, bordered: true)
        let sectionStyle = XLSXWriter.Style(bold: true, bordered: true)
        var rows: [[XLSXWriter.Cell]] = [
            [XLSXWriter.Cell(.text(title), style: XLSXWriter.Style(bold: true, horizontalAlignment: .center, fontSize: 13))],
            [XLSXWriter.Cell(.text(subtitle), style: XLSXWriter.Style(italic: true, horizontalAlignment: .center))],
            [],
            header.map { XLSXWriter.Cell(.text($0), style: .header) },
        ]
        func value(_ number: Decimal?, kind: TargetValueKind) -> XLSXWriter.Cell {
            guard let number else { return XLSXWriter.Cell(.empty, style: body) }
            if kind == .yesNo { return XLSXWriter.Cell(.text(number >= 1 ? "Đạt" : "Chưa đạt"), style: centred) }
            return .number(number, format: TargetService.isWhole(number) ? "#,##0" : "#,##0.##", style: body)
        }
        var index = 0
        for (sectionIndex, section) in sections.enumerated() {
            if sections.count > 1 {
                rows.append([XLSXWriter.Cell(.text(roman(sectionIndex + 1)), style: XLSXWriter.Style(bold: true, horizontalAlignment: .center, bordered: true)),
                             XLSXWriter.Cell(.empty, style: sectionStyle), XLSXWriter.Cell(.text(section.title), style: sectionStyle)]
                            + Array(repeating: XLSXWriter.Cell(.empty, style: sectionStyle), count: columns - 3))
            }
            for line in section.lines {
                index += 1
                rows.append([
                    .number(index, style: centred),
                    .text(line.code, style: body),
                    .text(line.name, style: wrapped),
                    .text(line.unitOfMeasure, style: centred),
                    value(line.planned, kind: line.kind),
                    value(line.thisWeek, kind: line.kind),
                    value(line.yearToDate, kind: line.kind),
                    line.percent.map { XLSXWriter.Cell.number($0, format: "0.0", style: body) } ?? XLSXWriter.Cell(.empty, style: body),
                    .text(line.responsible, style: wrapped),
                ])
            }
        }
        let sheet = XLSXWriter.Sheet(
            name: "Chỉ tiêu", rows: rows, columnWidths: [6, 9, 48, 11, 12, 11, 11, 9, 26],
            mergedRanges: [XLSXRange(firstRow: 1, firstColumn: 1, lastRow: 1, lastColumn: columns),
                           XLSXRange(firstRow: 2, firstColumn: 1, lastRow: 2, lastColumn: columns)],
            frozenRows: 4, landscape: true, rowHeights: [22, nil, nil, 32], fitToPageWidth: true)
        return try XLSXWriter.write([sheet], modificationDate: modified)
    }
}
