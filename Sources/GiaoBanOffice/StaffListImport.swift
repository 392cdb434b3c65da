import Foundation
import GiaoBanCore

/// A person read from a staff list row (danh sách cán bộ, công chức).
public struct ImportedPerson: Hashable, Sendable {
    /// 1-based row of the spreadsheet (or CSV record).
    public var row: Int
    public var fullName: String
    public var position: String?
    public var unitName: String?
    /// Digits, with a leading "+" for an international number; a 9-digit number that lost its
    /// leading zero in Excel gets it back ("912345678" → "0912345678").
    public var phone: String?
    /// The username written in the file, lower-cased; nil: to be proposed from the name.
    public var username: String?
    /// The roles written in the file; nil: none written (new people are reporters).
    public var roles: Set<Role>?
    /// "Ngày bắt đầu công tác".
    public var joinedOn: LocalDate?
    /// "Nộp báo cáo tuần": nil when the column is absent or the cell empty.
    public var reportsWeekly: Bool?

    public init(row: Int, fullName: String, position: String? = nil, unitName: String? = nil, phone: String? = nil,
                username: String? = nil, roles: Set<Role>? = nil, joinedOn: LocalDate? = nil, reportsWeekly: Bool? = nil) {
        self.row = row
        self.fullName = fullName
        self.position = position
        self.unitName = unitName
        self.phone = phone
        self.username = username
        self.roles = roles
        self.joinedOn = joinedOn
        self.reportsWeekly = reportsWeekly
    }
}

public struct StaffListImportResult: Hashable, Sendable {
    /// People read without problems, in file order (a row with a problem is left out).
    public var people: [ImportedPerson]
    /// Every problem found, in row order; row 0 concerns the whole file.
    public var problems: [ImportProblem]
    /// 1-based row of the (last) header row, nil when none was found.
    public var headerRow: Int?
    public var sheetName: String?

    public init(people: [ImportedPerson] = [], problems: [ImportProblem] = [], headerRow: Int? = nil, sheetName: String? = nil) {
        self.people = people
        self.problems = problems
        self.headerRow = headerRow
        self.sheetName = sheetName
    }
}

/// Reads a commune's staff list as offices keep it in Excel: a title block, a header that may
/// span two rows with merged cells ("Họ và tên" over "Họ đệm" | "Tên"), a row of column numbers,
/// blank rows, section rows ("I. KHỐI ĐẢNG"), and signature lines under the table.
public enum StaffListImport {
    public static let maxNameLength = 200

    /// Parses rows of display strings (CSV). Row *i* is spreadsheet row *i + 1*.
    public static func parse(rows: [[String]]) -> StaffListImportResult {
        parse(grid: rows)
    }

    /// Parses a worksheet: merged cells count as their first cell's value everywhere they cover,
    /// so a header merged across two rows, or a unit merged down over its people, reads naturally.
    public static func parse(sheet: XLSXSheet) -> StaffListImportResult {
        var grid = sheet.rows
        for range in sheet.mergedRanges {
            let anchorRow = range.firstRow - 1, anchorColumn = range.firstColumn - 1
            guard anchorRow >= 0, anchorRow < grid.count, anchorColumn >= 0, anchorColumn < grid[anchorRow].count else { continue }
            let value = grid[anchorRow][anchorColumn]
            for row in (range.firstRow - 1)..<min(range.lastRow, grid.count) {
                for column in (range.firstColumn - 1)..<min(range.lastColumn, grid[row].count) where grid[row][column].isEmpty {
                    grid[row][column] = value
                }
            }
        }
        var result = parse(grid: grid)
        result.sheetName = sheet.name
        return result
    }

    /// An uploaded file, told apart by content: a ZIP (.xlsx) or else CSV (UTF-8 with or without
    /// a byte-order mark). For a workbook, the first sheet (visible ones first) with a header.
    /// - Throws: `SpreadsheetError` when the file cannot be read at all.
    public static func parse(fileData: Data) throws -> StaffListImportResult {
        if XLSXReader.isZip(fileData) || XLSXReader.isOLE(fileData) {
            let workbook = try XLSXReader.read(fileData)
            let ordered = workbook.sheets.filter { !$0.isHidden } + workbook.sheets.filter(\.isHidden)
            var first: StaffListImportResult?
            for sheet in ordered {
                let result = parse(sheet: sheet)
                if result.headerRow != nil { return result }
                if first == nil { first = result }
            }
            return first ?? StaffListImportResult(problems: [noHeader])
        }
        return parse(rows: try CSVTable.read(fileData))
    }

    // MARK: - Header

    enum Field: Hashable, CaseIterable {
        case index, fullName, familyName, givenName, position, unit, phone, username, role, joinedOn, reportsWeekly
    }

    static func field(forHeader raw: String) -> Field? {
        let folded = ImportText.fold(raw)
        guard !folded.isEmpty else { return nil }
        let joined = ImportText.words(folded).joined(separator: " ")
        if ["stt", "tt", "so tt", "so thu tu", "thu tu"].contains(joined) { return .index }
        if joined.contains("ten dang nhap") || joined.contains("tai khoan") || joined == "username" { return .username }
        if joined.contains("vai tro") || joined.hasPrefix("quyen") || joined == "role" || joined == "roles" { return .role }
        if joined.contains("ngay bat dau") || joined.contains("bat dau cong tac") || joined.contains("ngay vao")
            || joined.contains("ngay nhan cong tac") || joined.contains("ngay tuyen dung") { return .joinedOn }
        if joined.contains("nop bao cao") || joined.contains("bao cao tuan") { return .reportsWeekly }
        if joined.contains("dien thoai") || ["sdt", "dt", "so dt", "di dong", "phone"].contains(joined) { return .phone }
        if joined.contains("chuc vu") || joined.contains("chuc danh") || joined == "position" { return .position }
        if joined.contains("ho va ten dem") || joined.contains("ho dem") || joined == "ho va dem" || joined == "ho" { return .familyName }
        if joined.contains("ho va ten") || joined.contains("ho ten") || joined == "ten can bo" || joined == "full name"
            || joined == "name" { return .fullName }
        if joined == "ten" { return .givenName }
        if joined.contains("don vi") || joined.contains("co quan") || joined.contains("bo phan") || joined.contains("phong ban")
            || joined.contains("noi cong tac") || joined == "unit" { return .unit }
        return nil
    }

    struct Header {
        /// 0-based index of the last header row.
        var row: Int
        var columns: [Field: Int]

        var isValid: Bool {
            let hasName = columns[.fullName] != nil || columns[.givenName] != nil
            return hasName && (columns[.unit] != nil || columns[.position] != nil)
        }
    }

    static func columns(_ labels: [String]) -> [Field: Int] {
        var columns: [Field: Int] = [:]
        for (index, label) in labels.enumerated() {
            guard let field = field(forHeader: label), columns[field] == nil else { continue }
            columns[field] = index
        }
        // "Họ và tên" merged over "Họ đệm" | "Tên": the two sub-columns name the person.
        if let family = columns[.familyName], let given = columns[.givenName], columns[.fullName] == family || columns[.fullName] == given {
            columns[.fullName] = nil
        }
        return columns
    }

    /// The header: one row, or two rows read together (a merged group title over sub-titles),
    /// within the first 30 rows.
    static func findHeader(_ grid: [[String]]) -> Header? {
        for index in grid.indices.prefix(30) {
            let single = Header(row: index, columns: columns(grid[index]))
            var best: Header? = single.isValid ? single : nil
            // Two rows read together only when the upper one is itself a header row (a blank row
            // or a title above the header is not).
            if index + 1 < grid.count && !single.columns.isEmpty {
                let upper = grid[index], lower = grid[index + 1]
                let width = max(upper.count, lower.count)
                let labels = (0..<width).map { column -> String in
                    let below = column < lower.count ? lower[column] : ""
                    let above = column < upper.count ? upper[column] : ""
                    return field(forHeader: below) != nil ? below : above
                }
                let combined = Header(row: index + 1, columns: columns(labels))
                if combined.isValid && combined.columns.count > (best?.columns.count ?? 0) { best = combined }
            }
            if let best { return best }
        }
        return nil
    }

    static let noHeader = ImportProblem(row: 0, message:
        "Không tìm thấy dòng tiêu đề của danh sách cán bộ. Danh sách cần có cột “Họ và tên” và cột “Đơn vị” hoặc “Chức vụ”.")

    // MARK: - Rows

    static func parse(grid: [[String]]) -> StaffListImportResult {
        var result = StaffListImportResult()
        guard let header = findHeader(grid) else {
            result.problems.append(noHeader)
            return result
        }
        result.headerRow = header.row + 1
        let columns = header.columns
        var usernamesSeen: [String: Int] = [:]
        var peopleSeen: [String: Int] = [:]

        for rowIndex in grid.indices where rowIndex > header.row {
            let row = grid[rowIndex]
            let rowNumber = rowIndex + 1
            func text(_ field: Field) -> String {
                guard let column = columns[field], column < row.count else { return "" }
                return ImportText.clean(row[column])
            }
            let nonEmpty = row.map(ImportText.clean).filter { !$0.isEmpty }
            if nonEmpty.isEmpty { continue }
            if TargetTableImport.isColumnNumbersRow(nonEmpty) { continue }

            var name = text(.fullName)
            if name.isEmpty {
                name = [text(.familyName), text(.givenName)].filter { !$0.isEmpty }.joined(separator: " ")
            }
            // Signature block: "Sơn Kim 2, ngày … tháng … năm …", "NGƯỜI LẬP BIỂU", "T/M ỦY BAN NHÂN DÂN"…
            // Everything below it is signatures and names of signers, not staff.
            if TargetTableImport.isFooterLine(name) || (name.isEmpty && nonEmpty.contains(where: TargetTableImport.isFooterLine)) {
                break
            }
            let index = text(.index)
            let position = text(.position), unit = text(.unit)
            // Section rows: "I | KHỐI ĐẢNG", "II. CÁN BỘ CHUYÊN TRÁCH", a title merged across the table,
            // or a title in capitals with nothing else on the row.
            let capitalsOnly = !name.isEmpty && name == name.uppercased() && name.contains(where: \.isLetter)
                && position.isEmpty && unit.isEmpty && text(.phone).isEmpty
            if TargetTableImport.isSectionMarker(index) || TargetTableImport.startsWithSectionMarker(index)
                || TargetTableImport.startsWithSectionMarker(name) || (nonEmpty.count >= 3 && Set(nonEmpty).count == 1)
                || capitalsOnly {
                continue
            }
            // A numbered line left empty in a template.
            if name.isEmpty && nonEmpty == [index] { continue }

            var problems: [String] = []
            if name.isEmpty {
                problems.append("Thiếu họ và tên.")
            } else if !name.contains(where: \.isLetter) || name.contains(where: \.isNumber) {
                problems.append("Họ và tên “\(name)” không hợp lệ.")
            } else if name.count > maxNameLength {
                problems.append("Họ và tên quá dài (tối đa \(maxNameLength) ký tự).")
            }
            if position.count > maxNameLength { problems.append("Chức vụ quá dài (tối đa \(maxNameLength) ký tự).") }
            if unit.count > maxNameLength { problems.append("Tên đơn vị quá dài (tối đa \(maxNameLength) ký tự).") }

            var phone: String?
            let phoneText = text(.phone)
            if !phoneText.isEmpty {
                phone = normalisedPhone(phoneText)
                if phone == nil { problems.append("Số điện thoại “\(phoneText)” không hợp lệ (ví dụ hợp lệ: 0912 345 678).") }
            }

            var username: String?
            let usernameText = text(.username).lowercased()
            if !usernameText.isEmpty {
                if StaffAccounts.isValidUsername(usernameText) {
                    username = usernameText
                    if let first = usernamesSeen[usernameText] {
                        problems.append("Tên đăng nhập “\(usernameText)” trùng với dòng \(first).")
                    } else {
                        usernamesSeen[usernameText] = rowNumber
                    }
                } else {
                    problems.append("Tên đăng nhập “\(usernameText)” không hợp lệ: chỉ dùng chữ thường không dấu, số và dấu chấm, từ 3 đến 40 ký tự (ví dụ nuong.pt).")
                }
            }

            var roles: Set<Role>?
            switch StaffAccounts.roles(from: text(.role)) {
            case .none: break
            case .success(let parsed)?:
                if parsed.contains(.regional) {
                    problems.append("Vai trò “Cấp trên” không dùng cho cán bộ của xã.")
                } else {
                    roles = parsed
                }
            case .failure(let error)?:
                problems.append("Vai trò “\(text(.role))” không rõ; hãy ghi Quản trị, Lãnh đạo, Văn phòng hoặc Người báo cáo (nhiều vai trò cách nhau bằng dấu phẩy).")
                _ = error
            }

            var joinedOn: LocalDate?
            let joinedText = text(.joinedOn)
            if !joinedText.isEmpty {
                joinedOn = LocalDate(vietnamese: joinedText.replacingOccurrences(of: "-", with: "/").replacingOccurrences(of: ".", with: "/"))
                    ?? LocalDate(iso: joinedText)
                if joinedOn == nil { problems.append("Ngày bắt đầu công tác “\(joinedText)” không hợp lệ (dạng 01/07/2025).") }
            }

            var reportsWeekly: Bool?
            let weeklyText = text(.reportsWeekly)
            if !weeklyText.isEmpty {
                reportsWeekly = ["x", "X"].contains(weeklyText) ? true : ImportText.yesNo(weeklyText)
                if reportsWeekly == nil { problems.append("Cột “Nộp báo cáo tuần” chỉ nhận “Có” hoặc “Không” (đang ghi “\(weeklyText)”).") }
            }

            if !name.isEmpty {
                let key = VietnameseText.folded(name) + "|" + VietnameseText.folded(unit)
                if let first = peopleSeen[key] {
                    problems.append("“\(name)”\(unit.isEmpty ? "" : " (\(unit))") đã có ở dòng \(first); nếu là hai người trùng tên cùng đơn vị, hãy ghi tên đăng nhập riêng cho từng người.")
                } else if username == nil {
                    peopleSeen[key] = rowNumber
                }
            }

            guard problems.isEmpty else {
                result.problems += problems.map { ImportProblem(row: rowNumber, message: $0) }
                continue
            }
            result.people.append(ImportedPerson(
                row: rowNumber, fullName: name, position: position.isEmpty ? nil : position, unitName: unit.isEmpty ? nil : unit,
                phone: phone, username: username, roles: roles, joinedOn: joinedOn, reportsWeekly: reportsWeekly))
        }
        if result.people.isEmpty && result.problems.isEmpty {
            result.problems.append(ImportProblem(row: header.row + 1, message: "Không có cán bộ nào dưới dòng tiêu đề."))
        }
        return result
    }

    /// "0912 345 678", "0912.345.678", "+84 912 345 678", 912345678 (Excel dropped the zero) →
    /// digits; nil for anything that is not 9 to 12 digits.
    public static func normalisedPhone(_ raw: String) -> String? {
        let text = ImportText.clean(raw)
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || " .-()+".contains($0)) }) else { return nil }
        let international = text.hasPrefix("+")
        var digits = text.filter(\.isNumber)
        if !international && digits.count == 9 && digits.first != "0" { digits = "0" + digits }
        guard (9...12).contains(digits.count) else { return nil }
        return international ? "+" + digits : digits
    }
}
