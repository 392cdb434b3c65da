import Foundation
import GiaoBanCore

/// Writes an `OfficialDocument` as a Word document (.docx, Office Open XML) laid out the way
/// Decree 30/2020/NĐ-CP (state bodies) and Guideline 36-HD/VPTW (Party bodies) ask: A4, Times
/// New Roman, the header block as a borderless two-column table, bordered data tables whose
/// header rows repeat on each page, and the "Nơi nhận" / signature block. Opens in Word and
/// LibreOffice.
public enum DocxWriter {
    /// Shading of table header rows: a light grey.
    static let headerFill = "E7E6E6"
    static let creator = "GiaoBan"

    /// Builds the .docx file.
    ///
    /// - Parameter modificationDate: stored as the document's creation and modification time and
    ///   as the time of the zip entries. Nil: midnight (UTC+7) of the document's date, or
    ///   1 January 2000 for an undated document — the writer never reads the clock, so the same
    ///   document always gives the same bytes.
    /// - Throws: `DocxError` when the page setup is outside Decree 30's ranges, a table has no
    ///   column or a row wider than its columns, or the zip library fails.
    public static func write(_ document: OfficialDocument, modificationDate: Date? = nil) throws -> Data {
        try validate(document.page)
        let date = modificationDate ?? defaultModificationDate(document.date)
        var builder = DocxDocumentBuilder(document: document)
        let documentXML = try builder.documentXML()
        var parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypesXML(headers: document.page.pageNumbers)),
            ("_rels/.rels", rootRelationshipsXML),
            ("docProps/core.xml", coreXML(title: propertiesTitle(document), date: date)),
            ("docProps/app.xml", appXML(company: document.issuer.name)),
            ("word/document.xml", documentXML),
            ("word/_rels/document.xml.rels", documentRelationshipsXML(headers: document.page.pageNumbers)),
            ("word/styles.xml", stylesXML(page: document.page)),
            ("word/settings.xml", settingsXML),
        ]
        if document.page.pageNumbers {
            parts.append(("word/header1.xml", pageNumberHeaderXML(fontSize: document.page.fontSize)))
            parts.append(("word/header2.xml", emptyHeaderXML))
        }
        do {
            return try XLSXWriter.zip(parts, modificationDate: date)
        } catch {
            throw DocxError(.writeFailed, "Không tạo được tệp .docx (lỗi nén).")
        }
    }

    // MARK: - Checks and units

    static func validate(_ page: DocxPageSetup) throws {
        func check(_ value: Double, _ range: ClosedRange<Double>, _ what: String, _ unit: String) throws {
            guard value.isFinite, range.contains(value) else {
                throw DocxError(.invalidDocument,
                    "\(what) phải trong khoảng \(DocxXML.number(range.lowerBound))–\(DocxXML.number(range.upperBound)) \(unit) (Nghị định 30/2020/NĐ-CP); đang là \(DocxXML.number(value)) \(unit).")
            }
        }
        try check(page.topMargin, DocxPageSetup.topBottomMarginRange, "Lề trên", "mm")
        try check(page.bottomMargin, DocxPageSetup.topBottomMarginRange, "Lề dưới", "mm")
        try check(page.leftMargin, DocxPageSetup.leftMarginRange, "Lề trái", "mm")
        try check(page.rightMargin, DocxPageSetup.rightMarginRange, "Lề phải", "mm")
        try check(page.fontSize, DocxPageSetup.fontSizeRange, "Cỡ chữ", "pt")
        try check(page.lineSpacing, DocxPageSetup.lineSpacingRange, "Giãn dòng", "dòng")
    }

    /// Millimetres → twips (1/1440 inch): 30 mm → 1701.
    static func twips(millimetres: Double) -> Int {
        Int((millimetres * 1440 / 25.4).rounded())
    }

    static func defaultModificationDate(_ date: LocalDate?) -> Date {
        guard let date else { return Date(timeIntervalSince1970: 946_684_800) } // 2000-01-01T00:00:00Z
        return Date(timeIntervalSince1970: TimeInterval(date.dayNumber * 86_400 - 7 * 3_600))
    }

    static func propertiesTitle(_ document: OfficialDocument) -> String {
        if let title = document.propertiesTitle { return title }
        let pieces = ([document.title] + document.subtitle + [document.subject ?? ""])
            .map { $0.trimmedWhitespaceAndNewlines }
            .filter { !$0.isEmpty }
        return pieces.joined(separator: " ")
    }

    // MARK: - Package parts

    static let mainNamespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    static let relationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    static func contentTypesXML(headers: Bool) -> String {
        var xml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
        <Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>\
        <Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>\
        <Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
        <Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
        """
        if headers {
            for index in 1...2 {
                xml += "<Override PartName=\"/word/header\(index).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
            }
        }
        return xml + "</Types>"
    }

    static let rootRelationshipsXML = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
    <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>\
    <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>\
    <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>\
    </Relationships>
    """

    /// Relationship ids of document.xml.
    static let stylesID = "rId1", settingsID = "rId2", pageNumberHeaderID = "rId3", firstPageHeaderID = "rId4"

    static func documentRelationshipsXML(headers: Bool) -> String {
        let base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        var xml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="\(stylesID)" Type="\(base)styles" Target="styles.xml"/>\
        <Relationship Id="\(settingsID)" Type="\(base)settings" Target="settings.xml"/>
        """
        if headers {
            xml += "<Relationship Id=\"\(pageNumberHeaderID)\" Type=\"\(base)header\" Target=\"header1.xml\"/>"
            xml += "<Relationship Id=\"\(firstPageHeaderID)\" Type=\"\(base)header\" Target=\"header2.xml\"/>"
        }
        return xml + "</Relationships>"
    }

    static func coreXML(title: String, date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        let stamp = formatter.string(from: date)
        return """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
        xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\
        <dc:title>\(DocxXML.attribute(title))</dc:title>\
        <dc:creator>\(creator)</dc:creator>\
        <cp:lastModifiedBy>\(creator)</cp:lastModifiedBy>\
        <dc:language>vi-VN</dc:language>\
        <dcterms:created xsi:type="dcterms:W3CDTF">\(stamp)</dcterms:created>\
        <dcterms:modified xsi:type="dcterms:W3CDTF">\(stamp)</dcterms:modified>\
        </cp:coreProperties>
        """
    }

    static func appXML(company: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">\
        <Application>\(creator)</Application><Company>\(DocxXML.attribute(company))</Company></Properties>
        """
    }

    static let settingsXML = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <w:settings xmlns:w="\(mainNamespace)">\
    <w:zoom w:percent="100"/>\
    <w:defaultTabStop w:val="567"/>\
    <w:characterSpacingControl w:val="doNotCompress"/>\
    <w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>\
    <w:themeFontLang w:val="vi-VN"/>\
    <w:decimalSymbol w:val=","/>\
    <w:listSeparator w:val=";"/>\
    </w:settings>
    """

    /// The page number, centred at the top (Decree 30: from the second page on).
    static func pageNumberHeaderXML(fontSize: Double) -> String {
        let size = DocxXML.halfPoints(fontSize)
        let rPr = "<w:rPr><w:sz w:val=\"\(size)\"/><w:szCs w:val=\"\(size)\"/></w:rPr>"
        return """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <w:hdr xmlns:w="\(mainNamespace)"><w:p><w:pPr><w:pStyle w:val="GBCompact"/><w:jc w:val="center"/>\(rPr)</w:pPr>\
        <w:r>\(rPr)<w:fldChar w:fldCharType="begin"/></w:r>\
        <w:r>\(rPr)<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>\
        <w:r>\(rPr)<w:fldChar w:fldCharType="separate"/></w:r>\
        <w:r>\(rPr)<w:t>2</w:t></w:r>\
        <w:r>\(rPr)<w:fldChar w:fldCharType="end"/></w:r></w:p></w:hdr>
        """
    }

    /// The first page carries no number.
    static let emptyHeaderXML = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <w:hdr xmlns:w="\(mainNamespace)"><w:p><w:pPr><w:pStyle w:val="GBCompact"/></w:pPr></w:p></w:hdr>
    """

    static func stylesXML(page: DocxPageSetup) -> String {
        let size = DocxXML.halfPoints(page.fontSize)
        let line = DocxXML.lineTwips(page.lineSpacing)
        let fonts = "<w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\"/>"
        let border = "w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\""
        let borders = ["top", "left", "bottom", "right", "insideH", "insideV"].map { "<w:\($0) \(border)/>" }.joined()
        func heading(_ level: Int, italic: Bool) -> String {
            """
            <w:style w:type="paragraph" w:customStyle="1" w:styleId="GBHeading\(level)"><w:name w:val="GB Heading \(level)"/>\
            <w:basedOn w:val="GBBody"/><w:next w:val="GBBody"/><w:qFormat/>\
            <w:pPr><w:keepNext/><w:outlineLvl w:val="\(level - 1)"/></w:pPr>\
            <w:rPr><w:b/><w:bCs/>\(italic ? "<w:i/><w:iCs/>" : "")</w:rPr></w:style>
            """
        }
        return """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <w:styles xmlns:w="\(mainNamespace)">\
        <w:docDefaults><w:rPrDefault><w:rPr>\(fonts)<w:sz w:val="\(size)"/><w:szCs w:val="\(size)"/>\
        <w:lang w:val="vi-VN" w:eastAsia="vi-VN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>\
        <w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>\
        <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>\
        <w:pPr><w:spacing w:before="0" w:after="0" w:line="\(line)" w:lineRule="auto"/></w:pPr>\
        <w:rPr>\(fonts)<w:sz w:val="\(size)"/><w:szCs w:val="\(size)"/><w:lang w:val="vi-VN"/></w:rPr></w:style>\
        <w:style w:type="paragraph" w:customStyle="1" w:styleId="GBBody"><w:name w:val="GB Body"/><w:basedOn w:val="Normal"/><w:qFormat/>\
        <w:pPr><w:spacing w:before="0" w:after="120" w:line="\(line)" w:lineRule="auto"/><w:ind w:firstLine="567"/><w:jc w:val="both"/></w:pPr></w:style>\
        \(heading(1, italic: false))\(heading(2, italic: false))\(heading(3, italic: true))\
        <w:style w:type="paragraph" w:customStyle="1" w:styleId="GBTitle"><w:name w:val="GB Title"/><w:basedOn w:val="Normal"/><w:qFormat/>\
        <w:pPr><w:keepNext/><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/></w:pPr>\
        <w:rPr><w:b/><w:bCs/></w:rPr></w:style>\
        <w:style w:type="paragraph" w:customStyle="1" w:styleId="GBCompact"><w:name w:val="GB Compact"/><w:basedOn w:val="Normal"/>\
        <w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:style>\
        <w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/>\
        <w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>\
        <w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>\
        </w:tblCellMar></w:tblPr></w:style>\
        <w:style w:type="table" w:customStyle="1" w:styleId="GBTable"><w:name w:val="GB Table"/><w:basedOn w:val="TableNormal"/>\
        <w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>\
        <w:tblPr><w:tblBorders>\(borders)</w:tblBorders><w:tblCellMar>\
        <w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/><w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>\
        </w:tblCellMar></w:tblPr></w:style>\
        </w:styles>
        """
    }
}

// MARK: - Text and XML helpers

enum DocxXML {
    /// NFC, line ends as "\n", and without the characters XML 1.0 forbids or that mean nothing in
    /// a document (C0/C1 controls other than tab and line feed, U+FFFE, U+FFFF).
    static func clean(_ text: String) -> String {
        let text = text.precomposedStringWithCanonicalMapping
        var result = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar.value {
            case 0x0D: result.append("\n")
            case 0x0A: if !previousWasCR { result.append(scalar) }
            case 0x09: result.append(scalar)
            case 0x00..<0x20, 0x7F...0x9F, 0xFFFE, 0xFFFF: continue
            default: result.append(scalar)
            }
        }
        return String(result)
    }

    /// Cleaned, escaped text for an attribute or a one-line element: tabs and line breaks become spaces.
    static func attribute(_ text: String) -> String {
        let flat = clean(text).map { $0 == "\n" || $0 == "\t" ? " " : $0 }
        return XMLSupport.escape(String(flat))
    }

    /// Points → half points (w:sz).
    static func halfPoints(_ points: Double) -> Int {
        Int((points * 2).rounded())
    }

    /// Line spacing in lines → w:spacing/@w:line (240 = single) for lineRule="auto".
    static func lineTwips(_ lines: Double) -> Int {
        Int((lines * 240).rounded())
    }

    /// 14 → "14", 1.15 → "1,15" (Vietnamese decimal comma, for messages).
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        if value == value.rounded() { return String(Int(value)) }
        return String(format: "%.2f", value)
            .replacingOccurrences(of: "0+$", with: "", options: .regularExpression)
            .replacingOccurrences(of: ".", with: ",")
    }

    struct RunFormat: Hashable {
        var bold = false
        var italic = false
        var underline = false
        /// Points; nil: the paragraph style's size.
        var size: Double?

        var rPr: String {
            var xml = ""
            if bold { xml += "<w:b/><w:bCs/>" }
            if italic { xml += "<w:i/><w:iCs/>" }
            if let size {
                let half = halfPoints(size)
                xml += "<w:sz w:val=\"\(half)\"/><w:szCs w:val=\"\(half)\"/>"
            }
            if underline { xml += "<w:u w:val=\"single\"/>" }
            return xml.isEmpty ? "" : "<w:rPr>\(xml)</w:rPr>"
        }
    }

    /// One `w:r` with its text; "\n" becomes `w:br`, "\t" `w:tab`. Empty text gives "".
    static func run(_ text: String, _ format: RunFormat) -> String {
        let text = clean(text)
        guard !text.isEmpty else { return "" }
        var content = ""
        var segment = ""
        func flush() {
            if !segment.isEmpty { content += "<w:t xml:space=\"preserve\">\(XMLSupport.escape(segment))</w:t>" }
            segment = ""
        }
        for character in text {
            switch character {
            case "\n": flush(); content += "<w:br/>"
            case "\t": flush(); content += "<w:tab/>"
            default: segment.append(character)
            }
        }
        flush()
        return "<w:r>\(format.rPr)\(content)</w:r>"
    }

    static func runs(_ runs: [DocxRun], size: Double? = nil, bold: Bool = false, italic: Bool = false) -> String {
        runs.map { item in
            run(item.text, RunFormat(bold: item.bold || bold, italic: item.italic || italic, underline: item.underline, size: size))
        }.joined()
    }

    struct ParagraphFormat {
        var style = "GBBody"
        var keepNext = false
        var alignment: DocxAlignment?
        var spacingBefore: Int?
        var spacingAfter: Int?
        /// Line spacing in 240ths of a line (lineRule auto).
        var line: Int?
        var firstLine: Int?
        var left: Int?
        var right: Int?
        /// A top border: with left/right indents, a short horizontal rule.
        var topRule = false
        /// Size of the paragraph mark (the height of an empty paragraph), points.
        var markSize: Double?
        /// An exact line height in twentieths of a point (overrides `line`).
        var exactLine: Int?

        var pPr: String {
            var xml = "<w:pStyle w:val=\"\(style)\"/>"
            if keepNext { xml += "<w:keepNext/>" }
            if topRule { xml += "<w:pBdr><w:top w:val=\"single\" w:sz=\"6\" w:space=\"1\" w:color=\"000000\"/></w:pBdr>" }
            if spacingBefore != nil || spacingAfter != nil || line != nil {
                xml += "<w:spacing"
                if let spacingBefore { xml += " w:before=\"\(spacingBefore)\"" }
                if let spacingAfter { xml += " w:after=\"\(spacingAfter)\"" }
                if let exactLine { xml += " w:line=\"\(exactLine)\" w:lineRule=\"exact\"" }
                else if let line { xml += " w:line=\"\(line)\" w:lineRule=\"auto\"" }
                xml += "/>"
            }
            if left != nil || right != nil || firstLine != nil {
                xml += "<w:ind"
                if let left { xml += " w:left=\"\(left)\"" }
                if let right { xml += " w:right=\"\(right)\"" }
                if let firstLine { xml += " w:firstLine=\"\(firstLine)\"" }
                xml += "/>"
            }
            if let alignment { xml += "<w:jc w:val=\"\(jc(alignment))\"/>" }
            if let markSize {
                let half = halfPoints(markSize)
                xml += "<w:rPr><w:sz w:val=\"\(half)\"/><w:szCs w:val=\"\(half)\"/></w:rPr>"
            }
            return "<w:pPr>\(xml)</w:pPr>"
        }
    }

    static func paragraph(_ content: String, _ format: ParagraphFormat) -> String {
        "<w:p>\(format.pPr)\(content)</w:p>"
    }

    static func jc(_ alignment: DocxAlignment) -> String {
        switch alignment {
        case .left: "left"
        case .center: "center"
        case .right: "right"
        case .justify: "both"
        }
    }

    /// True for a figure as Vietnamese write it: "1.850", "3,5", "-0,125", "67,0%", "+12".
    /// Administrative words after which a place's proper name starts ("XÃ SƠN KIM 2").
    static let placeLevels = ["XÃ", "PHƯỜNG", "THỊ TRẤN", "HUYỆN", "QUẬN", "THỊ XÃ", "THÀNH PHỐ", "TỈNH"]

    /// "ỦY BAN NHÂN DÂN XÃ SƠN KIM 2" with non-breaking spaces inside "XÃ SƠN KIM 2": a
    /// letterhead line too long for its column then breaks before the place ("ỦY BAN NHÂN DÂN /
    /// XÃ SƠN KIM 2"), never inside its name ("… XÃ SƠN / KIM 2"). The last administrative word
    /// counts ("ĐẢNG ỦY XÃ …" keeps "XÃ …"); after a Party committee ("HUYỆN ỦY HƯƠNG SƠN") the
    /// name alone is the place. Lines with an explicit break are left as they are.
    static func keepPlaceNameTogether(_ line: String) -> String {
        guard !line.contains("\n") else { return line }
        let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        var start: Int?
        var index = 0
        while index < words.count {
            // Longest level first, so "THỊ XÃ" is one level, not "THỊ" followed by "XÃ".
            let match = placeLevels.map { $0.split(separator: " ").map(String.init) }.sorted { $0.count > $1.count }.first { parts in
                index + parts.count < words.count && Array(words[index ..< index + parts.count]) == parts
            }
            if let match, words[index + match.count] == "ỦY" {
                // "HUYỆN ỦY HƯƠNG SƠN" is a Party committee: its name after "ỦY" is the place.
                if index + match.count + 1 < words.count { start = index + match.count + 1 }
                index += match.count + 1
            } else if let match {
                start = index
                index += match.count
            } else {
                index += 1
            }
        }
        guard let start else { return line }
        let place = words[start...].joined(separator: "\u{00A0}")
        return start == 0 ? place : words[..<start].joined(separator: " ") + " " + place
    }

    static func looksLikeNumber(_ text: String) -> Bool {
        var body = Substring(text.trimmedWhitespace)
        if let first = body.first, "+-−".contains(first) { body = body.dropFirst() }
        if body.last == "%" { body = body.dropLast() }
        guard let first = body.first, first.isASCII, first.isNumber,
              let last = body.last, last.isASCII, last.isNumber else { return false }
        return body.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "." || $0 == "," || $0 == " " }
    }

    static func romanNumeral(_ number: Int) -> String {
        guard number > 0, number < 4000 else { return String(number) }
        let values: [(Int, String)] = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        var rest = number
        var result = ""
        for (value, letters) in values {
            while rest >= value { result += letters; rest -= value }
        }
        return result
    }

    /// 1 → "a", 26 → "z", 27 → "aa".
    static func letter(_ number: Int) -> String {
        var rest = max(number, 1)
        var result = ""
        while rest > 0 {
            rest -= 1
            result = String(UnicodeScalar(UInt8(97 + rest % 26))) + result
            rest /= 26
        }
        return result
    }
}

// MARK: - document.xml

struct DocxDocumentBuilder {
    let document: OfficialDocument
    let page: DocxPageSetup
    let pageWidth: Int
    let pageHeight: Int
    /// Page width between the margins, twips.
    let textWidth: Int
    var headingCounters = [0, 0, 0]

    init(document: OfficialDocument) {
        self.document = document
        self.page = document.page
        let landscape = page.orientation == .landscape
        pageWidth = landscape ? 16_838 : 11_906
        pageHeight = landscape ? 11_906 : 16_838
        textWidth = pageWidth - DocxWriter.twips(millimetres: page.leftMargin) - DocxWriter.twips(millimetres: page.rightMargin)
    }

    typealias P = DocxXML.ParagraphFormat
    typealias R = DocxXML.RunFormat

    var bodySize: Double { page.fontSize }
    var bodyLine: Int { DocxXML.lineTwips(page.lineSpacing) }

    mutating func documentXML() throws -> String {
        var xml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <w:document xmlns:w="\(DocxWriter.mainNamespace)" xmlns:r="\(DocxWriter.relationshipNamespace)"><w:body>
        """
        xml += headerBlock()
        xml += titleBlock()
        xml += addresseeBlock()
        let closes = document.recipients != nil || document.signature != nil
        for (index, block) in document.body.enumerated() {
            // A body ending in a table keeps its last row with "Nơi nhận" and the signature: when
            // they do not fit under it, the row goes over with them instead of leaving them alone
            // on a page of their own.
            if closes, index == document.body.count - 1, case .table(let table) = block {
                xml += try tableXML(table, keepLastRowWithNext: true)
            } else {
                xml += try blockXML(block)
            }
        }
        let endsWithTable = document.body.last.map { if case .table = $0 { true } else { false } } ?? false
        xml += closingBlock(afterTable: endsWithTable)
        xml += sectionProperties()
        return xml + "</w:body></w:document>"
    }

    // MARK: Header block

    /// The two-column borderless table: issuing body and number left; national name (or
    /// "ĐẢNG CỘNG SẢN VIỆT NAM"), motto and the place-and-date line right.
    func headerBlock() -> String {
        let issuer = document.issuer
        let party = issuer.kind == .party
        // The national name (12.5 pt bold, about 9.2 cm) needs 58 % of a portrait A4 text width.
        let leftWidth = textWidth * (party ? 45 : 42) / 100
        let widths = [leftWidth, textWidth - leftWidth]
        let centred = P(style: "GBCompact", alignment: .center)
        var firstRowCentred = centred
        firstRowCentred.spacingBefore = 120

        var left = ""
        var right = ""
        var leftBelow = ""
        var rightBelow = ""
        let bodyNameSize: Double = party ? 14 : 13
        if let parent = nonEmpty(issuer.parentName) {
            left += DocxXML.paragraph(DocxXML.run(DocxXML.keepPlaceNameTogether(parent), R(size: bodyNameSize)), centred)
        }
        left += DocxXML.paragraph(DocxXML.run(DocxXML.keepPlaceNameTogether(issuer.name), R(bold: true, size: bodyNameSize)), centred)
        if party {
            left += DocxXML.paragraph(DocxXML.run("*", R(size: bodyNameSize)), centred)
            right += DocxXML.paragraph(DocxXML.run("ĐẢNG CỘNG SẢN VIỆT NAM", R(bold: true, underline: true, size: 15)), centred)
        } else {
            left += shortRule(cellWidth: widths[0], fraction: 0.4)
            right += DocxXML.paragraph(DocxXML.run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", R(bold: true, size: 12.5)), centred)
            right += DocxXML.paragraph(DocxXML.run("Độc lập - Tự do - Hạnh phúc", R(bold: true, underline: true, size: 13.5)), centred)
        }
        if let number = issuer.numberLine {
            leftBelow += DocxXML.paragraph(DocxXML.run(number, R(size: party ? 14 : 13)), firstRowCentred)
        }
        if let subject = nonEmpty(document.subject) {
            var format = centred
            if leftBelow.isEmpty { format.spacingBefore = 120 }
            leftBelow += DocxXML.paragraph(DocxXML.run(subject, R(size: 12)), format)
        }
        rightBelow += DocxXML.paragraph(DocxXML.run(document.placeAndDateLine, R(italic: true, size: party ? 14 : bodySize)), firstRowCentred)

        return layoutTable(widths: widths, rows: [[left, right], [leftBelow, rightBelow]])
    }

    /// An empty paragraph whose top border, shortened by indents, draws a centred rule `fraction`
    /// of the cell (or page) width long.
    func shortRule(cellWidth: Int, fraction: Double) -> String {
        let indent = Int(Double(cellWidth) * (1 - fraction) / 2)
        // Word and LibreOffice draw a top border below the spacing before: 4 pt clear the descenders.
        var format = P(style: "GBCompact", spacingBefore: 80, spacingAfter: 0, line: 240, left: indent, right: indent, topRule: true)
        format.markSize = 2
        return DocxXML.paragraph("", format)
    }

    /// A borderless table of fixed column widths whose cells are ready-made paragraphs.
    func layoutTable(widths: [Int], rows: [[String]], trailingPoints: Double = 6) -> String {
        let none = ["top", "left", "bottom", "right", "insideH", "insideV"].map { "<w:\($0) w:val=\"nil\"/>" }.joined()
        var xml = "<w:tbl><w:tblPr><w:tblW w:w=\"\(widths.reduce(0, +))\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>"
        xml += "<w:tblBorders>\(none)</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
        xml += "<w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar>"
        xml += "<w:tblLook w:val=\"0000\" w:firstRow=\"0\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr>"
        xml += "<w:tblGrid>" + widths.map { "<w:gridCol w:w=\"\($0)\"/>" }.joined() + "</w:tblGrid>"
        for row in rows where row.contains(where: { !$0.isEmpty }) {
            xml += "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
            for (index, content) in row.enumerated() {
                xml += "<w:tc><w:tcPr><w:tcW w:w=\"\(widths[index])\" w:type=\"dxa\"/></w:tcPr>"
                xml += content.isEmpty ? DocxXML.paragraph("", P(style: "GBCompact")) : content
                xml += "</w:tc>"
            }
            xml += "</w:tr>"
        }
        return xml + "</w:tbl>" + spacer(points: trailingPoints)
    }

    /// The paragraph that follows every table (Word merges adjacent tables and wants a paragraph
    /// before the section properties).
    func spacer(points: Double = 6, keepNext: Bool = false) -> String {
        var format = P(style: "GBCompact", keepNext: keepNext, spacingBefore: 0, spacingAfter: 0, line: 240)
        format.markSize = points
        // A tiny spacer is exactly that high: with "auto" spacing even a 1 pt mark takes a line's
        // leading, enough to spill onto an empty last page.
        if points < 2 { format.exactLine = Int(points * 20) }
        return DocxXML.paragraph("", format)
    }

    // MARK: Title and addressees

    func titleBlock() -> String {
        var xml = ""
        let title = document.title.trimmedWhitespaceAndNewlines
        let lines = document.subtitle.compactMap(nonEmpty)
        guard !title.isEmpty || !lines.isEmpty else { return "" }
        var format = P(style: "GBTitle", keepNext: true, alignment: .center, spacingBefore: 240, spacingAfter: 0)
        if !title.isEmpty {
            xml += DocxXML.paragraph(DocxXML.run(title, R(bold: true, size: 14)), format)
            format.spacingBefore = 0
        }
        for line in lines {
            xml += DocxXML.paragraph(DocxXML.run(line, R(bold: true, size: 14)), format)
            format.spacingBefore = 0
        }
        var rule = P(style: "GBCompact", keepNext: true, spacingBefore: 100, spacingAfter: 200, line: 240,
                     left: textWidth * 2 / 5, right: textWidth * 2 / 5, topRule: true)
        rule.markSize = 2
        xml += DocxXML.paragraph("", rule)
        return xml
    }

    func addresseeBlock() -> String {
        let names = document.addressees.compactMap(nonEmpty)
        guard !names.isEmpty else { return "" }
        let formatted = DocxRecipients(names, archive: nil).formattedLines
        if formatted.count == 1 {
            let text = "Kính gửi: " + formatted[0].dropFirst(2)
            return DocxXML.paragraph(DocxXML.run(text, R()), P(alignment: .center, spacingAfter: 120, firstLine: 0))
        }
        var xml = DocxXML.paragraph(DocxXML.run("Kính gửi:", R()),
                                    P(keepNext: true, alignment: .left, spacingAfter: 0, firstLine: 0, left: 1134))
        for (index, line) in formatted.enumerated() {
            let last = index == formatted.count - 1
            xml += DocxXML.paragraph(DocxXML.run(line, R()),
                                     P(keepNext: !last, alignment: .left, spacingAfter: last ? 120 : 0, firstLine: 0, left: 2835))
        }
        return xml
    }

    // MARK: Body

    mutating func blockXML(_ block: DocxBlock) throws -> String {
        switch block {
        case .heading(let text, let level, let numbered):
            let level = min(max(level, 1), 3)
            var prefix = ""
            if numbered {
                headingCounters[level - 1] += 1
                for deeper in level..<headingCounters.count { headingCounters[deeper] = 0 }
                let number = headingCounters[level - 1]
                switch level {
                case 1: prefix = DocxXML.romanNumeral(number) + ". "
                case 2: prefix = "\(number). "
                default: prefix = DocxXML.letter(number) + ") "
                }
            }
            let format = P(style: "GBHeading\(level)", keepNext: true, alignment: .justify, spacingBefore: 120)
            return DocxXML.paragraph(DocxXML.run(prefix + text, R(bold: true, italic: level == 3)), format)

        case .paragraph(let runs, let alignment, let firstLineIndent):
            return DocxXML.paragraph(DocxXML.runs(runs), P(alignment: alignment, firstLine: firstLineIndent ? 567 : 0))

        case .bullet(let runs, let level):
            let level = min(max(level, 1), 3)
            let marker = ["-", "+", "•"][level - 1] + " "
            let indent = 567 + (level - 1) * 284
            return DocxXML.paragraph(DocxXML.run(marker, R()) + DocxXML.runs(runs), P(alignment: .justify, firstLine: indent))

        case .table(let table):
            return try tableXML(table)

        case .pageBreak:
            return "<w:p><w:pPr><w:pStyle w:val=\"GBCompact\"/></w:pPr><w:r><w:br w:type=\"page\"/></w:r></w:p>"
        }
    }

    // MARK: Tables

    /// Column widths in twips: explicit widths first, `.auto` columns share what is left; the
    /// whole is scaled down when it is wider than the text area.
    func columnWidths(_ columns: [DocxTable.Column]) -> [Int] {
        var widths: [Double?] = columns.map { column in
            switch column.width {
            case .auto: return nil
            case .percent(let percent): return max(0, percent.isFinite ? percent : 0) * Double(textWidth) / 100
            case .twips(let twips): return Double(max(0, twips))
            }
        }
        let autoCount = widths.filter { $0 == nil }.count
        let fixed = widths.compactMap { $0 }.reduce(0, +)
        if autoCount > 0 {
            let share = max((Double(textWidth) - fixed) / Double(autoCount), 567)
            widths = widths.map { $0 ?? share }
        }
        var result = widths.map { max($0 ?? 0, 1) }
        let total = result.reduce(0, +)
        if total > Double(textWidth) {
            result = result.map { $0 * Double(textWidth) / total }
        }
        return result.map { max(Int($0.rounded()), 113) }
    }

    enum LaidOutCell {
        case cell(DocxTable.Cell, column: Int, span: Int, restartsMerge: Bool)
        case continuation(column: Int, span: Int)
    }

    /// Places cells on the grid as HTML does: a cell with rowSpan > 1 covers the positions below
    /// it, which the following rows leave out; short rows are padded with empty cells.
    func layOut(_ rows: [[DocxTable.Cell]], columnCount: Int) throws -> [[LaidOutCell]] {
        var covering: [Int: (remaining: Int, span: Int)] = [:]
        var result: [[LaidOutCell]] = []
        for (rowIndex, row) in rows.enumerated() {
            var laidOut: [LaidOutCell] = []
            var column = 0
            var cells = row[...]
            while column < columnCount {
                if let cover = covering[column], cover.remaining > 0 {
                    laidOut.append(.continuation(column: column, span: cover.span))
                    covering[column] = cover.remaining > 1 ? (cover.remaining - 1, cover.span) : nil
                    column += cover.span
                    continue
                }
                guard let cell = cells.popFirst() else {
                    laidOut.append(.cell(DocxTable.Cell(""), column: column, span: 1, restartsMerge: false))
                    column += 1
                    continue
                }
                let span = max(cell.columnSpan, 1)
                let overlapsCover = (column + 1 ..< column + span).contains { covering[$0] != nil }
                guard column + span <= columnCount, !overlapsCover else {
                    throw DocxError(.invalidDocument, "Dòng \(rowIndex + 1) của bảng có nhiều ô hơn số cột (\(columnCount)).")
                }
                let rowSpan = max(cell.rowSpan, 1)
                if rowSpan > 1 { covering[column] = (rowSpan - 1, span) }
                laidOut.append(.cell(cell, column: column, span: span, restartsMerge: rowSpan > 1))
                column += span
            }
            if !cells.isEmpty {
                throw DocxError(.invalidDocument, "Dòng \(rowIndex + 1) của bảng có nhiều ô hơn số cột (\(columnCount)).")
            }
            result.append(laidOut)
        }
        return result
    }

    func tableXML(_ table: DocxTable, keepLastRowWithNext: Bool = false) throws -> String {
        guard !table.columns.isEmpty else {
            throw DocxError(.invalidDocument, "Bảng phải có ít nhất một cột.")
        }
        let widths = columnWidths(table.columns)
        let size = table.fontSize.flatMap { $0.isFinite && $0 >= 6 && $0 <= 28 ? $0 : nil } ?? (bodySize - 1)
        let grid = try layOut(table.headerRows + table.rows, columnCount: widths.count)
        let headerCount = table.headerRows.count

        let border = "w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\""
        let borders = ["top", "left", "bottom", "right", "insideH", "insideV"].map { "<w:\($0) \(border)/>" }.joined()
        var xml = "<w:tbl><w:tblPr><w:tblStyle w:val=\"GBTable\"/><w:tblW w:w=\"\(widths.reduce(0, +))\" w:type=\"dxa\"/>"
        xml += "<w:jc w:val=\"center\"/><w:tblBorders>\(borders)</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
        xml += "<w:tblCellMar><w:top w:w=\"28\" w:type=\"dxa\"/><w:left w:w=\"85\" w:type=\"dxa\"/>"
        xml += "<w:bottom w:w=\"28\" w:type=\"dxa\"/><w:right w:w=\"85\" w:type=\"dxa\"/></w:tblCellMar>"
        xml += "<w:tblLook w:val=\"04A0\" w:firstRow=\"\(headerCount > 0 ? 1 : 0)\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr>"
        xml += "<w:tblGrid>" + widths.map { "<w:gridCol w:w=\"\($0)\"/>" }.joined() + "</w:tblGrid>"

        for (rowIndex, row) in grid.enumerated() {
            let isHeader = rowIndex < headerCount
            let keepNext = keepLastRowWithNext && rowIndex == grid.count - 1
            xml += "<w:tr><w:trPr><w:cantSplit/>"
            if isHeader && table.repeatHeaderRows { xml += "<w:tblHeader/>" }
            xml += "</w:trPr>"
            for item in row {
                let column: Int, span: Int
                var cellXML = ""
                var merge = ""
                switch item {
                case .cell(let cell, let at, let columns, let restarts):
                    column = at
                    span = columns
                    if restarts { merge = "<w:vMerge w:val=\"restart\"/>" }
                    let alignment = cell.alignment
                        ?? (isHeader ? .center : table.columns[at].alignment)
                        ?? (DocxXML.looksLikeNumber(cell.text) ? .right : .left)
                    let runs = DocxXML.runs(cell.runs, size: size, bold: isHeader)
                    var format = P(style: "GBCompact", keepNext: keepNext, alignment: alignment)
                    format.markSize = size
                    cellXML = DocxXML.paragraph(runs, format)
                case .continuation(let at, let columns):
                    column = at
                    span = columns
                    merge = "<w:vMerge/>"
                    var format = P(style: "GBCompact", keepNext: keepNext)
                    format.markSize = size
                    cellXML = DocxXML.paragraph("", format)
                }
                let width = widths[column ..< column + span].reduce(0, +)
                xml += "<w:tc><w:tcPr><w:tcW w:w=\"\(width)\" w:type=\"dxa\"/>"
                if span > 1 { xml += "<w:gridSpan w:val=\"\(span)\"/>" }
                xml += merge
                if isHeader { xml += "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"\(DocxWriter.headerFill)\"/>" }
                xml += "<w:vAlign w:val=\"center\"/></w:tcPr>\(cellXML)</w:tc>"
            }
            xml += "</w:tr>"
        }
        return xml + "</w:tbl>" + spacer(keepNext: keepLastRowWithNext)
    }

    // MARK: Closing

    /// "Nơi nhận:" left, the signature right, in a borderless table. After a table, whose own
    /// spacer already separates it, no second blank line is added.
    func closingBlock(afterTable: Bool = false) -> String {
        guard document.recipients != nil || document.signature != nil else { return "" }
        let leftWidth = textWidth * 45 / 100
        let widths = [leftWidth, textWidth - leftWidth]
        var left = ""
        if let recipients = document.recipients {
            left += DocxXML.paragraph(DocxXML.run("Nơi nhận:", R(bold: true, italic: true, size: 12)),
                                      P(style: "GBCompact", alignment: .left))
            for line in recipients.formattedLines {
                left += DocxXML.paragraph(DocxXML.run(line, R(size: 11)), P(style: "GBCompact", alignment: .left))
            }
        }
        var right = ""
        if let signature = document.signature {
            let centred = P(style: "GBCompact", alignment: .center)
            if let authority = nonEmpty(signature.authority) {
                right += DocxXML.paragraph(DocxXML.run(authority, R(bold: true, size: bodySize)), centred)
            }
            right += DocxXML.paragraph(DocxXML.run(signature.position, R(bold: true, size: bodySize)), centred)
            var blank = centred
            blank.markSize = bodySize
            let note = nonEmpty(signature.note)
            // Room to sign and stamp: three lines (five on a portrait page) are enough by hand, and
            // a landscape schedule keeps its closing on the table's page more often.
            for index in 0..<(page.orientation == .landscape ? 3 : 5) {
                if index == 1, let note {
                    right += DocxXML.paragraph(DocxXML.run(note, R(italic: true, size: bodySize)), centred)
                } else {
                    right += DocxXML.paragraph("", blank)
                }
            }
            // No name yet (the signer writes it): no empty line for it either.
            if nonEmpty(signature.name) != nil {
                right += DocxXML.paragraph(DocxXML.run(signature.name, R(bold: true, size: bodySize)), centred)
            }
        }
        // The document's last paragraph (Word needs one after a table) is 1 pt high, so a closing
        // block that ends at the foot of a page does not push it onto an empty page of its own.
        return (afterTable ? "" : spacer()) + layoutTable(widths: widths, rows: [[left, right]], trailingPoints: 1)
    }

    func sectionProperties() -> String {
        var xml = "<w:sectPr>"
        if page.pageNumbers {
            xml += "<w:headerReference w:type=\"default\" r:id=\"\(DocxWriter.pageNumberHeaderID)\"/>"
            xml += "<w:headerReference w:type=\"first\" r:id=\"\(DocxWriter.firstPageHeaderID)\"/>"
        }
        xml += "<w:pgSz w:w=\"\(pageWidth)\" w:h=\"\(pageHeight)\""
        if page.orientation == .landscape { xml += " w:orient=\"landscape\"" }
        xml += "/>"
        let top = DocxWriter.twips(millimetres: page.topMargin)
        let bottom = DocxWriter.twips(millimetres: page.bottomMargin)
        let left = DocxWriter.twips(millimetres: page.leftMargin)
        let right = DocxWriter.twips(millimetres: page.rightMargin)
        xml += "<w:pgMar w:top=\"\(top)\" w:right=\"\(right)\" w:bottom=\"\(bottom)\" w:left=\"\(left)\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/>"
        xml += "<w:cols w:space=\"720\"/>"
        if page.pageNumbers { xml += "<w:titlePg/>" }
        xml += "<w:docGrid w:linePitch=\"360\"/>"
        return xml + "</w:sectPr>"
    }

    func nonEmpty(_ text: String?) -> String? {
        guard let text = text?.trimmedWhitespaceAndNewlines, !text.isEmpty else { return nil }
        return text
    }
}
