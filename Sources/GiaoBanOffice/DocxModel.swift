import Foundation
import GiaoBanCore

// The value types that describe a Vietnamese administrative document for `DocxWriter`:
// Decree 30/2020/NĐ-CP for state bodies, Guideline 36-HD/VPTW for Party bodies.

/// The body that issues a document: the left column of the header block.
public struct IssuingBody: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        /// A Party committee or organisation (Guideline 36-HD/VPTW): "ĐẢNG CỘNG SẢN VIỆT NAM" on
        /// the right, a "*" under the body's name, numbers written "Số 62-BC/ĐU".
        case party
        /// A state body (Decree 30/2020): national name and motto on the right, a short line under
        /// the body's name, numbers written "Số: 62/BC-UBND".
        case state
    }

    public var kind: Kind
    /// The superior body, in capitals, e.g. "HUYỆN ỦY HƯƠNG SƠN" (printed regular). Nil when none.
    public var parentName: String?
    /// The issuing body, in capitals, e.g. "ĐẢNG ỦY XÃ SƠN KIM 2" (printed bold). A long name wraps
    /// in its column; put "\n" where the line should break ("ỦY BAN NHÂN DÂN\nXÃ SƠN KIM 2").
    public var name: String
    /// Number and symbol without the word "Số", e.g. "62-BC/ĐU" or "15/BC-UBND". Nil: no number line.
    public var documentNumber: String?
    /// The place name of the date line, e.g. "Sơn Kim 2".
    public var place: String

    public init(kind: Kind, parentName: String? = nil, name: String, documentNumber: String? = nil, place: String) {
        self.kind = kind
        self.parentName = parentName
        self.name = name
        self.documentNumber = documentNumber
        self.place = place
    }

    /// "Số 62-BC/ĐU" (Party) or "Số: 15/BC-UBND" (state); nil without a number.
    public var numberLine: String? {
        guard let number = documentNumber?.trimmedWhitespaceAndNewlines, !number.isEmpty else { return nil }
        return kind == .party ? "Số \(number)" : "Số: \(number)"
    }
}

/// Horizontal alignment of a paragraph or a table cell.
public enum DocxAlignment: String, Hashable, Sendable {
    case left, center, right, justify
}

/// A piece of text with one formatting. "\n" becomes a line break and "\t" a tab.
public struct DocxRun: Hashable, Sendable, ExpressibleByStringInterpolation {
    public var text: String
    public var bold: Bool
    public var italic: Bool
    public var underline: Bool

    public init(_ text: String, bold: Bool = false, italic: Bool = false, underline: Bool = false) {
        self.text = text
        self.bold = bold
        self.italic = italic
        self.underline = underline
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }
}

/// One block of the document's body.
public enum DocxBlock: Hashable, Sendable {
    /// A bold heading. When `numbered`, the writer numbers it: level 1 "I.", "II."…, level 2 "1.",
    /// "2."… (restarting under each level-1 heading), level 3 "a)", "b)"… Give the text without
    /// its number; level-1 headings are usually written in capitals ("KẾT QUẢ THỰC HIỆN…").
    case heading(String, level: Int = 1, numbered: Bool = true)
    /// A paragraph of runs, justified with a 1 cm first-line indent by default.
    case paragraph([DocxRun], alignment: DocxAlignment = .justify, firstLineIndent: Bool = true)
    /// A dash line: level 1 "- …", level 2 "+ …", level 3 "• …", indented like a paragraph.
    case bullet([DocxRun], level: Int = 1)
    /// A bordered table.
    case table(DocxTable)
    /// Starts a new page.
    case pageBreak

    /// A plain paragraph.
    public static func text(_ text: String, bold: Bool = false, italic: Bool = false) -> DocxBlock {
        .paragraph([DocxRun(text, bold: bold, italic: italic)])
    }

    /// A plain dash line.
    public static func line(_ text: String, level: Int = 1) -> DocxBlock {
        .bullet([DocxRun(text)], level: level)
    }
}

/// A real Word table: header rows (bold, lightly shaded, repeated on every page), thin borders,
/// fixed column widths, cells merged across columns (`columnSpan`) and rows (`rowSpan`).
public struct DocxTable: Hashable, Sendable {
    public enum Width: Hashable, Sendable {
        /// An equal share of the width left over by the other columns.
        case auto
        /// Percent of the text width (page width minus margins).
        case percent(Double)
        /// Twentieths of a point (1 cm = 567 twips).
        case twips(Int)
    }

    public struct Column: Hashable, Sendable {
        public var width: Width
        /// Alignment of the body cells; nil: numbers ("1.850", "3,5", "67,0%") right, text left.
        public var alignment: DocxAlignment?

        public init(_ width: Width = .auto, alignment: DocxAlignment? = nil) {
            self.width = width
            self.alignment = alignment
        }
    }

    /// A cell. Like an HTML table, a cell with `rowSpan` > 1 covers the cells below it: leave
    /// those positions out of the following rows.
    public struct Cell: Hashable, Sendable, ExpressibleByStringInterpolation {
        public var runs: [DocxRun]
        /// Overrides the column's alignment (header cells are centred by default).
        public var alignment: DocxAlignment?
        public var columnSpan: Int
        public var rowSpan: Int

        public init(_ text: String, bold: Bool = false, italic: Bool = false, alignment: DocxAlignment? = nil,
                    columnSpan: Int = 1, rowSpan: Int = 1) {
            self.init(runs: [DocxRun(text, bold: bold, italic: italic)], alignment: alignment,
                      columnSpan: columnSpan, rowSpan: rowSpan)
        }

        public init(runs: [DocxRun], alignment: DocxAlignment? = nil, columnSpan: Int = 1, rowSpan: Int = 1) {
            self.runs = runs
            self.alignment = alignment
            self.columnSpan = columnSpan
            self.rowSpan = rowSpan
        }

        public init(stringLiteral value: String) {
            self.init(value)
        }

        public var text: String { runs.map(\.text).joined() }
    }

    public var columns: [Column]
    /// Rows printed bold, centred and shaded; repeated at the top of each page.
    public var headerRows: [[Cell]]
    public var rows: [[Cell]]
    /// Font size in points; nil: one point under the body size (13 pt for a 14 pt body).
    public var fontSize: Double?
    public var repeatHeaderRows: Bool

    public init(columns: [Column], headerRows: [[Cell]] = [], rows: [[Cell]], fontSize: Double? = nil,
                repeatHeaderRows: Bool = true) {
        self.columns = columns
        self.headerRows = headerRows
        self.rows = rows
        self.fontSize = fontSize
        self.repeatHeaderRows = repeatHeaderRows
    }

    /// A table with one header row of plain texts.
    public init(header: [String], rows: [[String]], widths: [Width] = [], alignments: [DocxAlignment?] = [],
                fontSize: Double? = nil) {
        let count = max(header.count, rows.map(\.count).max() ?? 0)
        let columns = (0..<count).map { index in
            Column(index < widths.count ? widths[index] : .auto, alignment: index < alignments.count ? alignments[index] : nil)
        }
        self.init(columns: columns, headerRows: header.isEmpty ? [] : [header.map { Cell($0) }],
                  rows: rows.map { $0.map { Cell($0) } }, fontSize: fontSize)
    }
}

/// The "Nơi nhận:" block at the bottom left.
public struct DocxRecipients: Hashable, Sendable {
    /// One recipient per line, e.g. "TT Đảng ủy-HĐND". The writer adds "- " and ";" (a leading
    /// dash and a trailing ";" or "." already there are not doubled).
    public var lines: [String]
    /// Who keeps the file copy: the block ends "- Lưu: VP.". Nil: no such line.
    public var archive: String?

    public init(_ lines: [String], archive: String? = "VP") {
        self.lines = lines
        self.archive = archive
    }

    /// The printed lines: "- TT Đảng ủy-HĐND;" … "- Lưu: VP.".
    public var formattedLines: [String] {
        var items = lines.map(Self.bare).filter { !$0.isEmpty }
        if let archive, !Self.bare(archive).isEmpty { items.append("Lưu: " + Self.bare(archive)) }
        return items.enumerated().map { index, item in
            "- " + item + (index == items.count - 1 ? "." : ";")
        }
    }

    private static func bare(_ line: String) -> String {
        var text = line.trimmedWhitespaceAndNewlines
        while let first = text.first, first == "-" || first == "–" || first == "+" || first == "•" {
            text = String(text.dropFirst()).trimmedWhitespace
        }
        while let last = text.last, last == ";" || last == "." || last == "," {
            text = String(text.dropLast()).trimmedWhitespace
        }
        return text
    }
}

/// The signature block at the bottom right.
public struct DocxSignature: Hashable, Sendable {
    /// "T/M ĐẢNG ỦY", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"…; nil when the signer signs in their own name.
    public var authority: String?
    /// "BÍ THƯ", "PHÓ CHỦ TỊCH", "NGƯỜI LẬP BÁO CÁO"…
    public var position: String
    /// The signer's full name (printed bold under the signature space).
    public var name: String
    /// Printed in italics inside the signature space, e.g. "(Đã ký)". Nil leaves it blank.
    public var note: String?

    public init(authority: String? = nil, position: String, name: String, note: String? = nil) {
        self.authority = authority
        self.position = position
        self.name = name
        self.note = note
    }
}

/// Paper, margins, font size and line spacing. Defaults: A4 portrait, margins top/bottom 20 mm,
/// left 30 mm, right 15 mm, Times New Roman 14 pt, line spacing 1.2, page numbers from page 2.
public struct DocxPageSetup: Hashable, Sendable {
    public enum Orientation: String, Hashable, Sendable { case portrait, landscape }

    /// Ranges allowed by Decree 30/2020 (millimetres, points, lines).
    public static let topBottomMarginRange: ClosedRange<Double> = 20...25
    public static let leftMarginRange: ClosedRange<Double> = 30...35
    public static let rightMarginRange: ClosedRange<Double> = 15...20
    public static let fontSizeRange: ClosedRange<Double> = 13...14
    public static let lineSpacingRange: ClosedRange<Double> = 1...1.5

    public var orientation: Orientation
    public var topMargin: Double
    public var bottomMargin: Double
    public var leftMargin: Double
    public var rightMargin: Double
    /// Body font size in points (13 or 14).
    public var fontSize: Double
    /// Line spacing in lines (1.0 = single).
    public var lineSpacing: Double
    /// Page numbers centred at the top of every page but the first (Decree 30).
    public var pageNumbers: Bool

    public init(orientation: Orientation = .portrait, topMargin: Double = 20, bottomMargin: Double = 20,
                leftMargin: Double = 30, rightMargin: Double = 15, fontSize: Double = 14, lineSpacing: Double = 1.2,
                pageNumbers: Bool = true) {
        self.orientation = orientation
        self.topMargin = topMargin
        self.bottomMargin = bottomMargin
        self.leftMargin = leftMargin
        self.rightMargin = rightMargin
        self.fontSize = fontSize
        self.lineSpacing = lineSpacing
        self.pageNumbers = pageNumbers
    }

    public static let portrait = DocxPageSetup()
    public static let landscape = DocxPageSetup(orientation: .landscape)
}

/// A Vietnamese administrative document: header block, title, body, "Nơi nhận" and signature.
public struct OfficialDocument: Hashable, Sendable {
    public var issuer: IssuingBody
    /// The issue date; nil prints a blank "ngày … tháng … năm …" to be filled by hand.
    public var date: LocalDate?
    /// The type of document in capitals, e.g. "BÁO CÁO", "LỊCH CÔNG TÁC TUẦN". Empty for a
    /// letter (công văn), which has a `subject` instead.
    public var title: String
    /// Bold centred lines under the title: the summary ("Kết quả thực hiện nhiệm vụ tuần 33/2021")
    /// and e.g. "(Từ 14/08 đến 20/08/2021)".
    public var subtitle: [String]
    /// The summary of a letter, printed under its number: "V/v chấn chỉnh việc thực hiện…".
    public var subject: String?
    /// "Kính gửi:" lines (letters); empty for none.
    public var addressees: [String]
    public var body: [DocxBlock]
    public var recipients: DocxRecipients?
    public var signature: DocxSignature?
    public var page: DocxPageSetup
    /// The title stored in the file's properties; nil: title and subtitle.
    public var propertiesTitle: String?

    public init(issuer: IssuingBody, date: LocalDate?, title: String, subtitle: [String] = [], subject: String? = nil,
                addressees: [String] = [], body: [DocxBlock], recipients: DocxRecipients? = nil,
                signature: DocxSignature? = nil, page: DocxPageSetup = .portrait, propertiesTitle: String? = nil) {
        self.issuer = issuer
        self.date = date
        self.title = title
        self.subtitle = subtitle
        self.subject = subject
        self.addressees = addressees
        self.body = body
        self.recipients = recipients
        self.signature = signature
        self.page = page
        self.propertiesTitle = propertiesTitle
    }

    /// "Sơn Kim 2, ngày 20 tháng 8 năm 2021". Days under 10 and the months 1 and 2 get a leading
    /// zero ("ngày 05 tháng 02 năm 2021"), as both Decree 30 and Guideline 36 require.
    public static func placeAndDate(place: String, date: LocalDate?) -> String {
        let place = place.trimmedWhitespaceAndNewlines
        let prefix = place.isEmpty ? "" : place + ", "
        guard let date else { return prefix + "ngày      tháng      năm 20     " }
        let day = date.day < 10 ? "0\(date.day)" : "\(date.day)"
        let month = date.month < 3 ? "0\(date.month)" : "\(date.month)"
        return prefix + "ngày \(day) tháng \(month) năm \(date.year)"
    }

    public var placeAndDateLine: String {
        Self.placeAndDate(place: issuer.place, date: date)
    }
}

/// Why a .docx could not be written or read. `message` is Vietnamese.
public struct DocxError: Error, LocalizedError, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// The document to write is invalid (margins out of range, a table row too wide…).
        case invalidDocument
        /// The zip library failed while writing.
        case writeFailed
        /// The data is not a Word document (.docx).
        case notDocx
        /// A part of the document is not well-formed XML, or too large.
        case malformedXML
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var errorDescription: String? { message }
    public var description: String { message }
}
