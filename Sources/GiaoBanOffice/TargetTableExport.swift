import Foundation
import GiaoBanCore

/// Writes a target table back to .xlsx or .csv, in the layout `TargetTableImport` reads
/// (so an exported table can be edited and imported again).
public enum TargetTableExport {
    /// Vietnamese label of a year-to-date rule, as written in the files: "cộng dồn", "mới nhất", "lớn nhất".
    public static func label(_ rule: YearToDateRule) -> String {
        switch rule {
        case .sum: return "cộng dồn"
        case .latest: return "mới nhất"
        case .max: return "lớn nhất"
        }
    }

    /// Vietnamese label of a value kind: "số đếm", "số thập phân", "có/không".
    public static func label(_ kind: TargetValueKind) -> String {
        switch kind {
        case .count: return "số đếm"
        case .decimal: return "số thập phân"
        case .yesNo: return "có/không"
        }
    }

    public static func headerTitles(year: Int?) -> [String] {
        ["STT", "Mã", "Chỉ tiêu", "Đơn vị tính", year.map { "Kế hoạch năm \($0)" } ?? "Kế hoạch năm",
         "Cách tính lũy kế", "Loại giá trị", "Đơn vị phụ trách", "Nhóm báo cáo"]
    }

    /// Header plus one row per target, plans in Vietnamese format ("1850", "3,5", "Đạt").
    public static func rows(_ targets: [ImportedTarget], year: Int?) -> [[String]] {
        var rows = [headerTitles(year: year)]
        for (index, target) in targets.enumerated() {
            rows.append([
                String(index + 1), target.code, target.name, target.unitOfMeasure, planText(target),
                label(target.yearToDateRule), label(target.valueKind), target.responsibleUnitName ?? "",
                target.groupName ?? "",
            ])
        }
        return rows
    }

    public static func csv(_ targets: [ImportedTarget], year: Int?) -> Data {
        CSVTable.write(rows(targets, year: year))
    }

    /// An .xlsx with a title row, a frozen bold header and bordered rows; plans are numbers
    /// formatted "#,##0" or "#,##0.##".
    public static func xlsx(_ targets: [ImportedTarget], year: Int?, title: String? = nil) throws -> Data {
        let header = headerTitles(year: year)
        var rows: [[XLSXWriter.Cell]] = []
        var merges: [XLSXRange] = []
        var frozen = 1
        var heights: [Double?] = [32]
        if let title, !title.isEmpty {
            heights = [22, nil, 32]
            var style = XLSXWriter.Style(bold: true, horizontalAlignment: .center, fontSize: 13)
            style.wrapText = true
            rows.append([XLSXWriter.Cell(.text(title), style: style)])
            rows.append([])
            merges.append(XLSXRange(firstRow: 1, firstColumn: 1, lastRow: 1, lastColumn: header.count))
            frozen = 3
        }
        rows.append(header.map { XLSXWriter.Cell(.text($0), style: .header) })
        let body = XLSXWriter.Style(bordered: true)
        let centred = XLSXWriter.Style(horizontalAlignment: .center, bordered: true)
        let wrapped = XLSXWriter.Style(wrapText: true, bordered: true)
        for (index, target) in targets.enumerated() {
            let plan: XLSXWriter.Cell
            if let value = target.plannedValue {
                plan = .number(value, format: TargetTableImport.isWhole(value) ? "#,##0" : "#,##0.##", style: body)
            } else {
                plan = XLSXWriter.Cell(.text(planText(target)), style: centred)
            }
            rows.append([
                .number(index + 1, style: centred),
                .text(target.code, style: body),
                .text(target.name, style: wrapped),
                .text(target.unitOfMeasure, style: centred),
                plan,
                .text(label(target.yearToDateRule), style: centred),
                .text(label(target.valueKind), style: centred),
                .text(target.responsibleUnitName ?? "", style: body),
                .text(target.groupName ?? "", style: body),
            ])
        }
        let sheet = XLSXWriter.Sheet(
            name: year.map { "Chỉ tiêu \($0)" } ?? "Chỉ tiêu", rows: rows,
            columnWidths: [6, 9, 50, 12, 12, 14, 14, 26, 30], mergedRanges: merges,
            frozenRows: frozen, landscape: true, rowHeights: heights, fitToPageWidth: true)
        return try XLSXWriter.write([sheet])
    }

    static func planText(_ target: ImportedTarget) -> String {
        if target.valueKind == .yesNo {
            switch target.plannedYes {
            case true?: return "Đạt"
            case false?: return "Chưa đạt"
            case nil: return ""
            }
        }
        guard let value = target.plannedValue else { return "" }
        return NumberText.plain(value).replacingOccurrences(of: ".", with: ",")
    }
}
