import Foundation
import GiaoBanCore

/// One person's sign-in slip: what they need to sign in the first time.
public struct LoginSlip: Hashable, Codable, Sendable {
    public var fullName: String
    public var unitName: String?
    public var username: String
    public var oneTimePassword: String

    public init(fullName: String, unitName: String?, username: String, oneTimePassword: String) {
        self.fullName = fullName
        self.unitName = unitName
        self.username = username
        self.oneTimePassword = oneTimePassword
    }
}

/// A sheet of sign-in slips to print and cut: A4 portrait, eight slips a page (two columns,
/// four rows of fixed height, dashed cutting lines), each with the person's name and unit, the
/// server's address, the username and the one-time password in a font where look-alike
/// characters differ. Opens in Word and LibreOffice.
public enum LoginSlipsDocx {
    public static let slipsPerPage = 8

    /// - Parameters:
    ///   - communeName: printed at the top of each slip.
    ///   - serverAddress: where to sign in, e.g. "https://giaoban.sonkim2.vn".
    ///   - issuedOn: the date printed on each slip.
    public static func write(_ slips: [LoginSlip], communeName: String, serverAddress: String, issuedOn: LocalDate,
                             modificationDate: Date) throws -> Data {
        // The styles of the administrative documents (Times New Roman 13 pt); margins of 10 mm all
        // round, since this is a sheet to cut, not an administrative document.
        let page = DocxPageSetup(fontSize: 13, lineSpacing: 1, pageNumbers: false)
        let margin = DocxWriter.twips(millimetres: 10)
        let pageWidth = 11_906, pageHeight = 16_838 // A4 in twips
        let textWidth = pageWidth - 2 * margin
        let columnWidth = textWidth / 2
        // Four rows per page: the page's text height shared out, less a little for rounding.
        let rowHeight = (pageHeight - 2 * margin) / 4 - 60

        var body = ""
        let dashed = "w:val=\"dashed\" w:sz=\"6\" w:space=\"0\" w:color=\"808080\""
        let borders = ["top", "left", "bottom", "right", "insideH", "insideV"].map { "<w:\($0) \(dashed)/>" }.joined()
        body += "<w:tbl><w:tblPr><w:tblW w:w=\"\(textWidth)\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>"
        body += "<w:tblBorders>\(borders)</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
        body += "<w:tblCellMar><w:top w:w=\"170\" w:type=\"dxa\"/><w:left w:w=\"227\" w:type=\"dxa\"/>"
        body += "<w:bottom w:w=\"113\" w:type=\"dxa\"/><w:right w:w=\"227\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr>"
        body += "<w:tblGrid><w:gridCol w:w=\"\(columnWidth)\"/><w:gridCol w:w=\"\(columnWidth)\"/></w:tblGrid>"
        var index = 0
        let padded: [LoginSlip?] = slips.map { Optional($0) } + Array(repeating: nil, count: slips.count % 2)
        while index < padded.count {
            body += "<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val=\"\(rowHeight)\" w:hRule=\"exact\"/></w:trPr>"
            for slip in padded[index..<index + 2] {
                body += "<w:tc><w:tcPr><w:tcW w:w=\"\(columnWidth)\" w:type=\"dxa\"/></w:tcPr>"
                body += slip.map { cell($0, communeName: communeName, serverAddress: serverAddress, issuedOn: issuedOn) }
                    ?? "<w:p><w:pPr><w:pStyle w:val=\"GBCompact\"/></w:pPr></w:p>"
                body += "</w:tc>"
            }
            body += "</w:tr>"
            index += 2
        }
        body += "</w:tbl>"
        if slips.isEmpty {
            body = paragraph(run("Không có phiếu nào.", size: 13))
        }
        let sectPr = "<w:sectPr><w:pgSz w:w=\"\(pageWidth)\" w:h=\"\(pageHeight)\"/>"
            + "<w:pgMar w:top=\"\(margin)\" w:right=\"\(margin)\" w:bottom=\"\(margin)\" w:left=\"\(margin)\" w:header=\"0\" w:footer=\"0\" w:gutter=\"0\"/>"
            + "<w:cols w:space=\"720\"/><w:docGrid w:linePitch=\"360\"/></w:sectPr>"
        let document = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <w:document xmlns:w="\(DocxWriter.mainNamespace)" xmlns:r="\(DocxWriter.relationshipNamespace)"><w:body>\
        \(body)<w:p><w:pPr><w:pStyle w:val="GBCompact"/><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/></w:pPr></w:p>\(sectPr)</w:body></w:document>
        """
        let parts: [(String, String)] = [
            ("[Content_Types].xml", DocxWriter.contentTypesXML(headers: false)),
            ("_rels/.rels", DocxWriter.rootRelationshipsXML),
            ("docProps/core.xml", DocxWriter.coreXML(title: "Phiếu tài khoản đăng nhập GiaoBan", date: modificationDate)),
            ("docProps/app.xml", DocxWriter.appXML(company: communeName)),
            ("word/document.xml", document),
            ("word/_rels/document.xml.rels", DocxWriter.documentRelationshipsXML(headers: false)),
            ("word/styles.xml", DocxWriter.stylesXML(page: page)),
            ("word/settings.xml", DocxWriter.settingsXML),
        ]
        do {
            return try XLSXWriter.zip(parts, modificationDate: modificationDate)
        } catch {
            throw DocxError(.writeFailed, "Không tạo được tệp .docx (lỗi nén).")
        }
    }

    static func cell(_ slip: LoginSlip, communeName: String, serverAddress: String, issuedOn: LocalDate) -> String {
        var xml = paragraph(run("TÀI KHOẢN GIAOBAN · \(communeName.uppercased())", size: 10, bold: true), after: 80)
        xml += paragraph(run(slip.fullName, size: 14, bold: true))
        xml += paragraph(run(slip.unitName ?? " ", size: 11, italic: true), after: 120)
        xml += paragraph(run("Địa chỉ: ", size: 11) + run(serverAddress, size: 11, bold: true))
        xml += paragraph(run("Tên đăng nhập: ", size: 11) + run(slip.username, size: 14, bold: true, mono: true))
        xml += paragraph(run("Mật khẩu dùng một lần: ", size: 11) + run(slip.oneTimePassword, size: 14, bold: true, mono: true),
                         after: 120)
        xml += paragraph(run("Đăng nhập rồi đặt mật khẩu của riêng mình ngay. Mật khẩu này chỉ dùng được một lần; giữ phiếu kín, không đưa người khác.",
                             size: 9, italic: true))
        xml += paragraph(run("Cấp ngày \(issuedOn.vietnamese)", size: 9))
        return xml
    }

    static func paragraph(_ runs: String, after: Int = 20) -> String {
        "<w:p><w:pPr><w:pStyle w:val=\"GBCompact\"/><w:spacing w:before=\"0\" w:after=\"\(after)\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr>\(runs)</w:p>"
    }

    static func run(_ text: String, size: Double, bold: Bool = false, italic: Bool = false, mono: Bool = false) -> String {
        let text = DocxXML.clean(text)
        guard !text.isEmpty else { return "" }
        var rPr = ""
        if mono {
            rPr += "<w:rFonts w:ascii=\"DejaVu Sans Mono\" w:hAnsi=\"DejaVu Sans Mono\" w:cs=\"Courier New\"/>"
        }
        if bold { rPr += "<w:b/><w:bCs/>" }
        if italic { rPr += "<w:i/><w:iCs/>" }
        let half = DocxXML.halfPoints(size)
        rPr += "<w:sz w:val=\"\(half)\"/><w:szCs w:val=\"\(half)\"/>"
        return "<w:r><w:rPr>\(rPr)</w:rPr><w:t xml:space=\"preserve\">\(XMLSupport.escape(text))</w:t></w:r>"
    }
}
