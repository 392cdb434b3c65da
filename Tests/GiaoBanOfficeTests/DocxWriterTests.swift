import Foundation
import GiaoBanCore
import Testing
@testable import GiaoBanOffice

@Suite("Ghi văn bản .docx")
struct DocxWriterTests {
    static let partyIssuer = IssuingBody(kind: .party, parentName: "HUYỆN ỦY HƯƠNG SƠN", name: "ĐẢNG ỦY XÃ SƠN KIM 2",
                                         documentNumber: "62-BC/ĐU", place: "Sơn Kim 2")
    static let stateIssuer = IssuingBody(kind: .state, parentName: "UBND HUYỆN HƯƠNG SƠN", name: "ỦY BAN NHÂN DÂN XÃ SƠN KIM 2",
                                         documentNumber: "15/BC-UBND", place: "Sơn Kim 2")
    static let modified = Date(timeIntervalSince1970: 1_629_450_000) // 2021-08-20T09:00:00Z

    /// The weekly report of the government bloc, week 33/2021, with a two-row merged header.
    static func targetTable() -> DocxTable {
        DocxTable(
            columns: [
                .init(.percent(8), alignment: .center), .init(.percent(9), alignment: .center), .init(.auto),
                .init(.percent(10), alignment: .center), .init(.percent(9)), .init(.percent(9)), .init(.percent(9)),
                .init(.percent(9)),
            ],
            headerRows: [
                [.init("STT", rowSpan: 2), .init("Mã", rowSpan: 2), .init("Chỉ tiêu", rowSpan: 2), .init("ĐVT", rowSpan: 2),
                 .init("KH năm", rowSpan: 2), .init("Kết quả thực hiện", columnSpan: 2), .init("% KH", rowSpan: 2)],
                ["Tuần này", "Lũy kế"],
            ],
            rows: [
                ["1", "KT01", "Diện tích gieo trồng lúa cả năm", "ha", "320", "0", "318,5", "99,5"],
                ["2", "KT06", "Thu ngân sách nhà nước", "triệu đồng", "1.850", "42,5", "1.240", "67,0"],
                ["3", "KT07", "Đường giao thông nông thôn", "km", "3,5", "0,2", "2,1", "60,0"],
                ["4", "NN03", "Vườn mẫu đạt chuẩn", "vườn", "25", "1", "14", "56,0"],
                ["5", "QP01", "Tuyển chọn, gọi công dân nhập ngũ", "người", "12", "0", "12", "100,0"],
            ])
    }

    static func sampleReport(page: DocxPageSetup = .portrait) -> OfficialDocument {
        OfficialDocument(
            issuer: partyIssuer,
            date: LocalDate(year: 2021, month: 8, day: 20),
            title: "BÁO CÁO",
            subtitle: ["Kết quả thực hiện nhiệm vụ tuần 33/2021 — Khối chính quyền",
                       "(Từ ngày 14/08 đến ngày 20/08/2021)"],
            body: [
                .text("Thực hiện Công văn số 62-CV/ĐU ngày 19/8/2021 của Ban Thường vụ Đảng ủy về chấn chỉnh chế độ báo cáo, Văn phòng tổng hợp kết quả thực hiện nhiệm vụ tuần 33 của khối chính quyền như sau:"),
                .heading("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU KINH TẾ - XÃ HỘI, QUỐC PHÒNG - AN NINH"),
                .table(targetTable()),
                .heading("CÁC NHIỆM VỤ KHÁC ĐÃ THỰC HIỆN"),
                .heading("Lĩnh vực Văn phòng - Thống kê", level: 2),
                .line("Ban hành 1 báo cáo, 2 công văn; tiếp nhận và xử lý 14 văn bản đến."),
                .bullet(["Phát ", DocxRun("3", bold: true), " lần tuyên truyền trên hệ thống loa truyền thanh về phòng, chống dịch Covid-19."]),
                .heading("Lĩnh vực Địa chính - Nông nghiệp", level: 2),
                .line("Vận động 45 hộ tham gia lao động xây dựng nông thôn mới tại thôn Khe Sanh, Tân Hương (2 buổi, ngày 16 và 18/8)."),
                .line("Kiểm tra 6 vườn mẫu đăng ký đạt chuẩn năm 2021.", level: 2),
                .heading("NHIỆM VỤ TUẦN TỚI"),
                .paragraph([DocxRun("Ghi chú: ", bold: true, italic: true),
                            DocxRun("công việc đang triển khai không ghi vào biểu chỉ tiêu.", italic: true)]),
            ],
            recipients: DocxRecipients(["TT Đảng ủy-HĐND", "Lãnh đạo UBND", "TT UBMTTQ; các ban ngành, đoàn thể",
                                        "Các đồng chí ủy viên BCH Đảng ủy"]),
            signature: DocxSignature(authority: "T/M ĐẢNG ỦY", position: "BÍ THƯ", name: "Trần Văn Sơn"),
            page: page)
    }

    @Test func sampleReportIsAValidWordPackage() throws {
        let data = try DocxWriter.write(Self.sampleReport(), modificationDate: Self.modified)
        #expect(XLSXReader.isZip(data))
        let parts = try ZipParts.read(data)
        for name in ["[content_types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels",
                     "word/styles.xml", "word/settings.xml", "docprops/core.xml", "docprops/app.xml",
                     "word/header1.xml", "word/header2.xml"] {
            let xml = try #require(parts[name], "missing \(name)")
            _ = try XMLElements.parse(xml, part: name)
        }
        let contentTypes = try #require(parts["[content_types].xml"])
        #expect(contentTypes.contains("wordprocessingml.document.main+xml"))
        #expect(try #require(parts["_rels/.rels"]).contains(#"Target="word/document.xml""#))
    }

    @Test func sampleReportHasA4PageMarginsFontAndTable() throws {
        let parts = try ZipParts.read(try DocxWriter.write(Self.sampleReport(), modificationDate: Self.modified))
        let document = try XMLElements.parse(try #require(parts["word/document.xml"]))

        let size = try #require(document.first("pgSz"))
        #expect(size["w"] == "11906")
        #expect(size["h"] == "16838")
        #expect(size["orient"] == nil)
        let margins = try #require(document.first("pgMar"))
        #expect(margins["top"] == "1134")    // 20 mm
        #expect(margins["bottom"] == "1134") // 20 mm
        #expect(margins["left"] == "1701")   // 30 mm
        #expect(margins["right"] == "850")   // 15 mm

        let styles = try #require(parts["word/styles.xml"])
        #expect(styles.contains(#"w:ascii="Times New Roman""#))
        #expect(styles.contains(#"<w:sz w:val="28"/>"#)) // 14 pt
        #expect(styles.contains(#"w:styleId="Normal""#))
        #expect(styles.contains(#"<w:style w:type="table" w:customStyle="1" w:styleId="GBTable">"#))
        let styleElements = try XMLElements.parse(styles)
        #expect(styleElements.all("spacing").contains { $0["line"] == "288" }) // 1.2 lines
        #expect(styleElements.all("ind").contains { $0["firstLine"] == "567" }) // 1 cm

        // Header block, target table, closing block.
        #expect(document.all("tbl").count == 3)
        #expect(document.all("tblHeader").count == 2)
        #expect(document.all("tblStyle").map { $0["val"] } == ["GBTable"])
        #expect(document.all("gridSpan").contains { $0["val"] == "2" })
        #expect(document.all("vMerge").filter { $0["val"] == "restart" }.count == 6)
        #expect(document.all("shd").contains { $0["fill"] == DocxWriter.headerFill })
        #expect(document.all("insideV").contains { $0["val"] == "single" })
        // The target table spans the text width: 11906 − 1701 − 850 twips.
        let grids = document.all("gridCol").compactMap { $0["w"].flatMap(Int.init) }
        #expect(grids.count == 2 + 8 + 2)
        let targetTableWidth = grids[2..<10].reduce(0, +)
        #expect(abs(targetTableWidth - 9355) <= 8)
        #expect(document.all("titlePg").count == 1)
        #expect(try #require(parts["word/header1.xml"]).contains("PAGE"))
    }

    @Test func textCarriesHeaderTitleFiguresAndClosing() throws {
        let text = try DocxReader.text(try DocxWriter.write(Self.sampleReport(), modificationDate: Self.modified))
        let lines = text.components(separatedBy: "\n")
        #expect(lines.contains("HUYỆN ỦY HƯƠNG SƠN ĐẢNG ỦY XÃ SƠN KIM 2 *\tĐẢNG CỘNG SẢN VIỆT NAM"))
        #expect(lines.contains("Số 62-BC/ĐU\tSơn Kim 2, ngày 20 tháng 8 năm 2021"))
        #expect(lines.contains("BÁO CÁO"))
        #expect(lines.contains("Kết quả thực hiện nhiệm vụ tuần 33/2021 — Khối chính quyền"))
        #expect(lines.contains("STT\tMã\tChỉ tiêu\tĐVT\tKH năm\tKết quả thực hiện\t% KH"))
        #expect(lines.contains("\t\t\t\t\tTuần này\tLũy kế\t"))
        #expect(lines.contains("2\tKT06\tThu ngân sách nhà nước\ttriệu đồng\t1.850\t42,5\t1.240\t67,0"))
        #expect(lines.contains("3\tKT07\tĐường giao thông nông thôn\tkm\t3,5\t0,2\t2,1\t60,0"))
        #expect(lines.contains("I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU KINH TẾ - XÃ HỘI, QUỐC PHÒNG - AN NINH"))
        #expect(lines.contains("II. CÁC NHIỆM VỤ KHÁC ĐÃ THỰC HIỆN"))
        #expect(lines.contains("1. Lĩnh vực Văn phòng - Thống kê"))
        #expect(lines.contains("2. Lĩnh vực Địa chính - Nông nghiệp"))
        #expect(lines.contains("III. NHIỆM VỤ TUẦN TỚI"))
        #expect(lines.contains("- Phát 3 lần tuyên truyền trên hệ thống loa truyền thanh về phòng, chống dịch Covid-19."))
        #expect(lines.contains("+ Kiểm tra 6 vườn mẫu đăng ký đạt chuẩn năm 2021."))
        let closing = try #require(lines.first { $0.hasPrefix("Nơi nhận:") })
        #expect(closing == "Nơi nhận: - TT Đảng ủy-HĐND; - Lãnh đạo UBND; - TT UBMTTQ; các ban ngành, đoàn thể;"
            + " - Các đồng chí ủy viên BCH Đảng ủy; - Lưu: VP.\tT/M ĐẢNG ỦY BÍ THƯ Trần Văn Sơn")
        #expect(text == text.precomposedStringWithCanonicalMapping)
    }

    @Test func headerAndClosingFormatting() throws {
        let parts = try ZipParts.read(try DocxWriter.write(Self.sampleReport(), modificationDate: Self.modified))
        let paragraphs = try ParagraphFacts.parse(try #require(parts["word/document.xml"]))
        let party = try #require(paragraphs.first { $0.text == "ĐẢNG CỘNG SẢN VIỆT NAM" })
        #expect(party.bold && party.underlined && party.alignment == "center")
        // Non-breaking spaces inside the place's name (see LetterheadPlaceNameTests).
        let name = try #require(paragraphs.first { $0.text == "ĐẢNG ỦY XÃ\u{00A0}SƠN\u{00A0}KIM\u{00A0}2" })
        #expect(name.bold && !name.underlined)
        let parent = try #require(paragraphs.first { $0.text == "HUYỆN ỦY HƯƠNG\u{00A0}SƠN" })
        #expect(!parent.bold)
        #expect(paragraphs.contains { $0.text == "*" })
        let date = try #require(paragraphs.first { $0.text.hasPrefix("Sơn Kim 2, ngày") })
        #expect(date.italic && !date.bold)
        let title = try #require(paragraphs.first { $0.text == "BÁO CÁO" })
        #expect(title.bold && title.alignment == "center" && title.sizes == [28])
        let recipientsHeading = try #require(paragraphs.first { $0.text == "Nơi nhận:" })
        #expect(recipientsHeading.bold && recipientsHeading.italic && recipientsHeading.sizes == [24])
        let archive = try #require(paragraphs.first { $0.text == "- Lưu: VP." })
        #expect(archive.sizes == [22])
        #expect(try #require(paragraphs.first { $0.text == "Trần Văn Sơn" }).bold)
        #expect(try #require(paragraphs.first { $0.text == "BÍ THƯ" }).bold)
        // Body paragraphs: justified with the 1 cm indent of the body style.
        let intro = try #require(paragraphs.first { $0.text.hasPrefix("Thực hiện Công văn") })
        #expect(intro.style == "GBBody" && intro.alignment == "both")
        #expect(try #require(paragraphs.first { $0.text.hasPrefix("I. KẾT QUẢ") }).style == "GBHeading1")
    }

    @Test func numbersAreRightAlignedTextLeftAndHeadersCentred() throws {
        let parts = try ZipParts.read(try DocxWriter.write(Self.sampleReport(), modificationDate: Self.modified))
        let paragraphs = try ParagraphFacts.parse(try #require(parts["word/document.xml"]))
        for figure in ["1.850", "42,5", "3,5", "318,5", "100,0"] {
            #expect(paragraphs.first { $0.text == figure }?.alignment == "right", "\(figure)")
        }
        #expect(paragraphs.first { $0.text == "Thu ngân sách nhà nước" }?.alignment == "left")
        #expect(paragraphs.first { $0.text == "KT06" }?.alignment == "center") // column alignment wins
        let header = try #require(paragraphs.first { $0.text == "Kết quả thực hiện" })
        #expect(header.alignment == "center" && header.bold)
        #expect(header.sizes == [26]) // tables: one point under the body size
    }

    @Test func numberRecognition() {
        for text in ["1.850", "3,5", "-0,125", "67,0%", "+12", "0", "1 250"] {
            #expect(DocxXML.looksLikeNumber(text), "\(text)")
        }
        for text in ["", "KT01", "ha", "1/2", "12a", ",5", "3.", "-", "%"] {
            #expect(!DocxXML.looksLikeNumber(text), "\(text)")
        }
    }

    @Test func propertiesAndDeterminism() throws {
        let first = try DocxWriter.write(Self.sampleReport(), modificationDate: Self.modified)
        let second = try DocxWriter.write(Self.sampleReport(), modificationDate: Self.modified)
        #expect(first == second)
        let parts = try ZipParts.read(first)
        let core = try #require(parts["docprops/core.xml"])
        #expect(core.contains("<dc:title>BÁO CÁO Kết quả thực hiện nhiệm vụ tuần 33/2021 — Khối chính quyền (Từ ngày 14/08 đến ngày 20/08/2021)</dc:title>"))
        #expect(core.contains("<dc:creator>GiaoBan</dc:creator>"))
        #expect(core.contains(#"<dcterms:modified xsi:type="dcterms:W3CDTF">2021-08-20T09:00:00Z</dcterms:modified>"#))
        #expect(try #require(parts["docprops/app.xml"]).contains("<Application>GiaoBan</Application>"))

        // Without a date given, the document's own date (midnight, UTC+7) is used — never the clock.
        let undated = try ZipParts.read(try DocxWriter.write(Self.sampleReport()))
        #expect(try #require(undated["docprops/core.xml"]).contains("2021-08-19T17:00:00Z"))
        #expect(try DocxWriter.write(Self.sampleReport()) == DocxWriter.write(Self.sampleReport()))
    }

    @Test func stateBodyHeader() throws {
        var document = Self.sampleReport()
        document.issuer = Self.stateIssuer
        document.date = LocalDate(year: 2021, month: 2, day: 5)
        document.signature = DocxSignature(authority: "TM. ỦY BAN NHÂN DÂN", position: "CHỦ TỊCH", name: "Nguyễn Văn An",
                                           note: "(Đã ký)")
        document.page.fontSize = 13
        let data = try DocxWriter.write(document, modificationDate: Self.modified)
        let lines = try DocxReader.text(data).components(separatedBy: "\n")
        #expect(lines.contains("UBND HUYỆN HƯƠNG SƠN ỦY BAN NHÂN DÂN XÃ SƠN KIM 2\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"))
        #expect(lines.contains("Số: 15/BC-UBND\tSơn Kim 2, ngày 05 tháng 02 năm 2021"))
        #expect(!lines.contains { $0.contains("ĐẢNG CỘNG SẢN") })
        #expect(lines.last { !$0.isEmpty }?.hasSuffix("\tTM. ỦY BAN NHÂN DÂN CHỦ TỊCH (Đã ký) Nguyễn Văn An") == true)

        let parts = try ZipParts.read(data)
        let paragraphs = try ParagraphFacts.parse(try #require(parts["word/document.xml"]))
        let nation = try #require(paragraphs.first { $0.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" })
        #expect(nation.bold && !nation.underlined)
        let motto = try #require(paragraphs.first { $0.text == "Độc lập - Tự do - Hạnh phúc" })
        #expect(motto.bold && motto.underlined)
        // The short rule under the body's name is a top border.
        #expect(try XMLElements.parse(try #require(parts["word/document.xml"])).all("pBdr").count == 2)
        #expect(try #require(parts["word/styles.xml"]).contains(#"<w:sz w:val="26"/>"#))
    }

    @Test func placeAndDateLine() {
        #expect(OfficialDocument.placeAndDate(place: "Sơn Kim 2", date: LocalDate(year: 2021, month: 8, day: 20))
            == "Sơn Kim 2, ngày 20 tháng 8 năm 2021")
        #expect(OfficialDocument.placeAndDate(place: "Sơn Kim 2", date: LocalDate(year: 2022, month: 1, day: 9))
            == "Sơn Kim 2, ngày 09 tháng 01 năm 2022")
        #expect(OfficialDocument.placeAndDate(place: "Hà Tĩnh", date: LocalDate(year: 2021, month: 12, day: 31))
            == "Hà Tĩnh, ngày 31 tháng 12 năm 2021")
        #expect(OfficialDocument.placeAndDate(place: "Sơn Kim 2", date: nil).hasPrefix("Sơn Kim 2, ngày "))
        #expect(IssuingBody(kind: .party, name: "X", documentNumber: " ", place: "").numberLine == nil)
    }

    static func weeklySchedule() -> OfficialDocument {
        let table = DocxTable(
            header: ["Thứ, ngày", "Thời gian", "Nội dung công việc", "Địa điểm", "Chủ trì", "Thành phần", "Chuẩn bị"],
            rows: [
                ["Thứ Hai\n23/08", "07:30–09:00", "Giao ban Thường trực Đảng ủy", "Phòng họp 1", "Bí thư Đảng ủy", "TT Đảng ủy, Chủ tịch UBND", "Văn phòng"],
                ["", "14:00–16:00", "Kiểm tra vườn mẫu thôn Khe Sanh", "Thôn Khe Sanh", "PCT UBND", "Hội Nông dân, ĐC-NN", "Hội Nông dân"],
                ["Thứ Sáu\n27/08", "14:00–16:00", "Giao ban chung các khối", "Hội trường", "Bí thư Đảng ủy", "Toàn thể CB, CC, CB KCT", "Văn phòng"],
            ],
            widths: [.percent(10), .percent(11), .auto, .percent(12), .percent(12), .percent(18), .percent(10)],
            alignments: [.center, .center, nil, nil, nil, nil, nil])
        return OfficialDocument(
            issuer: stateIssuer, date: LocalDate(year: 2021, month: 8, day: 20), title: "LỊCH CÔNG TÁC TUẦN",
            subtitle: ["Tuần 34/2021 (từ 21/08 đến 27/08/2021)"], body: [.table(table)],
            recipients: DocxRecipients(["Các đồng chí trong BTV Đảng ủy", "Cán bộ, công chức xã"]),
            signature: DocxSignature(position: "CHÁNH VĂN PHÒNG", name: "Phan Thị Nương"),
            page: .landscape)
    }

    @Test func landscapeSchedule() throws {
        let data = try DocxWriter.write(Self.weeklySchedule(), modificationDate: Self.modified)
        let parts = try ZipParts.read(data)
        let document = try XMLElements.parse(try #require(parts["word/document.xml"]))
        let size = try #require(document.first("pgSz"))
        #expect(size["w"] == "16838" && size["h"] == "11906" && size["orient"] == "landscape")
        let grids = document.all("gridCol").compactMap { $0["w"].flatMap(Int.init) }
        #expect(grids.count == 2 + 7 + 2)
        let landscapeTextWidth = 16838 - 1701 - 850
        let scheduleWidth = grids[2..<9].reduce(0, +)
        #expect(abs(scheduleWidth - landscapeTextWidth) <= 8)
        #expect(document.all("tblHeader").count == 1)
        let text = try DocxReader.text(data)
        #expect(text.contains("Thứ Hai 23/08\t07:30–09:00\tGiao ban Thường trực Đảng ủy\tPhòng họp 1"))
        #expect(text.contains("\n\t14:00–16:00\tKiểm tra vườn mẫu thôn Khe Sanh"))
        #expect(text.contains("\tCHÁNH VĂN PHÒNG Phan Thị Nương"))
    }

    @Test func escapesMarkupAndDropsControlCharacters() throws {
        var document = Self.sampleReport()
        document.title = "BÁO CÁO <&> \"trích\" 'dẫn'"
        document.body = [
            .text("A < B && C > D \u{0}\u{1}\u{7}\u{8}\u{B}\u{C}\u{1B}\u{7F}\u{85}\u{FFFE}\u{FFFF}kết thúc"),
            .text("dòng 1\r\ndòng 2\rdòng 3\tcột"),
            .table(DocxTable(header: ["<Mã>", "Tên & \"ghi chú\""], rows: [["a\u{0}b", "</w:t></w:r>"]])),
        ]
        document.recipients = DocxRecipients(["<script>"], archive: "VP & TK")
        let data = try DocxWriter.write(document, modificationDate: Self.modified)
        let parts = try ZipParts.read(data)
        for (name, xml) in parts where name.hasSuffix(".xml") || name.hasSuffix(".rels") {
            _ = try XMLElements.parse(xml, part: name)
            #expect(XMLSupport.isCleanUTF8(Data(xml.utf8)), "\(name)")
        }
        let documentXML = try #require(parts["word/document.xml"])
        #expect(documentXML.contains("BÁO CÁO &lt;&amp;&gt; &quot;trích&quot; &apos;dẫn&apos;"))
        #expect(!documentXML.contains("_x0000_"))
        #expect(try #require(parts["docprops/core.xml"]).contains("<dc:title>BÁO CÁO &lt;&amp;&gt; &quot;trích&quot;"))

        let lines = try DocxReader.text(data).components(separatedBy: "\n")
        #expect(lines.contains("BÁO CÁO <&> \"trích\" 'dẫn'"))
        #expect(lines.contains("A < B && C > D kết thúc"))
        #expect(lines.contains("dòng 1"))
        #expect(lines.contains("dòng 2"))
        #expect(lines.contains("dòng 3\tcột"))
        #expect(lines.contains("<Mã>\tTên & \"ghi chú\""))
        #expect(lines.contains("ab\t</w:t></w:r>"))
        #expect(lines.contains { $0.contains("- <script>; - Lưu: VP & TK.") })
        #expect(documentXML.components(separatedBy: "<w:br/>").count == 3)
    }

    @Test func vietnameseTextIsStoredInNFC() throws {
        var document = Self.sampleReport()
        let decomposed = "Phan Thi\u{0323} Nu\u{031B}o\u{031B}\u{0300}ng" // "Phan Thị Nường", NFD
        document.body = [.text(decomposed)]
        document.signature = DocxSignature(position: "NGƯỜI LẬP BÁO CÁO", name: decomposed)
        let parts = try ZipParts.read(try DocxWriter.write(document, modificationDate: Self.modified))
        let xml = try #require(parts["word/document.xml"])
        let composed = decomposed.precomposedStringWithCanonicalMapping
        #expect(composed.unicodeScalars.count < decomposed.unicodeScalars.count)
        #expect(xml.unicodeScalars.elementsEqual(xml.precomposedStringWithCanonicalMapping.unicodeScalars))
        #expect(xml.components(separatedBy: composed).count == 3)
    }

    @Test func pageSetupWithinDecree30Ranges() throws {
        var document = Self.sampleReport()
        document.page = DocxPageSetup(topMargin: 25, bottomMargin: 22, leftMargin: 35, rightMargin: 20, fontSize: 13,
                                      lineSpacing: 1.3)
        let parts = try ZipParts.read(try DocxWriter.write(document, modificationDate: Self.modified))
        let documentXML = try #require(parts["word/document.xml"])
        let margins = try #require(try XMLElements.parse(documentXML).first("pgMar"))
        #expect(margins["top"] == "1417")
        #expect(margins["bottom"] == "1247")
        #expect(margins["left"] == "1984")
        #expect(margins["right"] == "1134")
        #expect(try #require(parts["word/styles.xml"]).contains(#"w:line="312""#))

        for change: (inout DocxPageSetup) -> Void in [
            { $0.leftMargin = 25 }, { $0.rightMargin = 25 }, { $0.topMargin = 10 }, { $0.bottomMargin = 30 },
            { $0.fontSize = 12 }, { $0.fontSize = .nan }, { $0.lineSpacing = 2 },
        ] {
            var bad = Self.sampleReport()
            change(&bad.page)
            let error = docxError { _ = try DocxWriter.write(bad) }
            #expect(error?.kind == .invalidDocument)
            #expect(error.map { looksVietnamese($0.message) } == true)
        }
    }

    @Test func tableRowsWiderThanTheColumnsAreRefused() throws {
        var document = Self.sampleReport()
        document.body = [.table(DocxTable(columns: [.init(), .init()], rows: [["1", "2", "3"]]))]
        #expect(docxError { _ = try DocxWriter.write(document) }?.kind == .invalidDocument)
        document.body = [.table(DocxTable(columns: [.init(), .init()], rows: [[.init("1", columnSpan: 3)]]))]
        #expect(docxError { _ = try DocxWriter.write(document) }?.kind == .invalidDocument)
        document.body = [.table(DocxTable(columns: [], rows: []))]
        #expect(docxError { _ = try DocxWriter.write(document) }?.kind == .invalidDocument)
        // A row span blocks the cells under it; short rows are padded.
        document.body = [.table(DocxTable(columns: [.init(), .init(), .init()],
                                          rows: [[.init("x", rowSpan: 2), "1"], ["2", "3"], ["4"]]))]
        let lines = try DocxReader.text(try DocxWriter.write(document)).components(separatedBy: "\n")
        #expect(lines.contains("x\t1\t"))
        #expect(lines.contains("\t2\t3"))
        #expect(lines.contains("4\t\t"))
    }

    @Test func columnWidths() {
        let builder = DocxDocumentBuilder(document: Self.sampleReport())
        #expect(builder.textWidth == 9355)
        #expect(builder.columnWidths([.init(.twips(2000)), .init(), .init(.percent(50))]) == [2000, 2678, 4678])
        // Too wide: scaled down to the text width.
        let scaled = builder.columnWidths([.init(.percent(80)), .init(.percent(70))])
        #expect(abs(scaled.reduce(0, +) - 9355) <= 1)
        // Narrower than the page: kept as given.
        #expect(builder.columnWidths([.init(.twips(1500)), .init(.twips(1500))]) == [1500, 1500])
    }

    @Test func recipientsAndHeadingNumbers() throws {
        #expect(DocxRecipients(["- TT Đảng ủy-HĐND;", "Lãnh đạo UBND", "  ", "Trạm y tế xã."]).formattedLines
            == ["- TT Đảng ủy-HĐND;", "- Lãnh đạo UBND;", "- Trạm y tế xã;", "- Lưu: VP."])
        #expect(DocxRecipients(["Như trên"], archive: nil).formattedLines == ["- Như trên."])
        #expect(DocxRecipients([], archive: "VP, ĐU").formattedLines == ["- Lưu: VP, ĐU."])

        var document = Self.sampleReport()
        document.body = [
            .heading("A"), .heading("a", level: 2), .heading("b", level: 2), .heading("x", level: 3), .heading("y", level: 3),
            .heading("B"), .heading("c", level: 2), .heading("z", level: 3), .heading("Không số", level: 2, numbered: false),
            .heading("d", level: 2), .pageBreak,
        ]
        let text = try DocxReader.text(try DocxWriter.write(document))
        #expect(text.contains("I. A\n1. a\n2. b\na) x\nb) y\nII. B\n1. c\na) z\nKhông số\n2. d\n"))
        #expect(DocxXML.romanNumeral(14) == "XIV" && DocxXML.letter(28) == "ab")
    }

    @Test func letterWithSubjectAndAddresseesWithoutPageNumbers() throws {
        var document = Self.sampleReport()
        document.title = ""
        document.subtitle = []
        document.issuer.documentNumber = "62-CV/ĐU"
        document.subject = "V/v chấn chỉnh việc thực hiện chế độ báo cáo"
        document.addressees = ["TT HĐND - Lãnh đạo UBND", "TT UBMTTQ; các ban ngành đoàn thể"]
        document.page.pageNumbers = false
        let data = try DocxWriter.write(document)
        let parts = try ZipParts.read(data)
        #expect(parts["word/header1.xml"] == nil)
        #expect(!(try #require(parts["word/document.xml"]).contains("headerReference")))
        let lines = try DocxReader.text(data).components(separatedBy: "\n")
        #expect(lines.contains("Số 62-CV/ĐU V/v chấn chỉnh việc thực hiện chế độ báo cáo\tSơn Kim 2, ngày 20 tháng 8 năm 2021"))
        #expect(lines.contains("Kính gửi:"))
        #expect(lines.contains("- TT HĐND - Lãnh đạo UBND;"))
        #expect(lines.contains("- TT UBMTTQ; các ban ngành đoàn thể."))
        #expect(!lines.contains("BÁO CÁO"))
    }

    @Test func readerRefusesWhatIsNotADocx() throws {
        #expect(docxError { _ = try DocxReader.text(Data("not a zip".utf8)) }?.kind == .notDocx)
        let workbook = try XLSXWriter.write([XLSXWriterTests.sampleSheet()])
        #expect(docxError { _ = try DocxReader.text(workbook) }?.kind == .notDocx)
        let broken = try makeZip([("word/document.xml", "<w:document><w:body><w:p></w:body>")])
        #expect(docxError { _ = try DocxReader.text(broken) }?.kind == .malformedXML)
    }
}

// MARK: - LibreOffice

/// Converts the written documents to PDF with LibreOffice (headless, private profile) and checks
/// the PDF's text with poppler's pdftotext. Set GIAOBAN_DOCX_OUT to a folder to keep the files.
@Suite("Mở .docx bằng LibreOffice", .serialized,
       .enabled(if: DocxLibreOffice.soffice != nil,
                "LibreOffice (soffice) không có trên PATH: bỏ qua. Cài bằng `apt-get install -y libreoffice-writer-nogui`."))
struct DocxLibreOfficeTests {
    @Test func reportConvertsToPDF() throws {
        let docx = try DocxWriter.write(DocxWriterTests.sampleReport(), modificationDate: DocxWriterTests.modified)
        let pdf = try DocxLibreOffice.convertToPDF(docx, name: "bao-cao-tuan-33")
        #expect(pdf.count > 10_000)
        #expect(pdf.starts(with: Data("%PDF".utf8)))
        guard let text = try DocxLibreOffice.pdfText(pdf) else { return }
        #expect(text.contains("ĐẢNG CỘNG SẢN VIỆT NAM"))
        #expect(text.contains("BÁO CÁO"))
        #expect(text.contains("Kết quả thực hiện nhiệm vụ tuần 33/2021"))
        #expect(text.contains("1.850"))
        #expect(text.contains("318,5"))
        #expect(text.contains("Trần Văn Sơn"))
        if let info = try DocxLibreOffice.pdfInfo(pdf) {
            #expect(info.contains("595.") && info.contains("841.") && info.contains("(A4)"), "\(info)")
        }
    }

    @Test func stateBodyReportConvertsToPDF() throws {
        var document = DocxWriterTests.sampleReport()
        document.issuer = DocxWriterTests.stateIssuer
        document.page.fontSize = 13
        document.signature = DocxSignature(authority: "TM. ỦY BAN NHÂN DÂN", position: "CHỦ TỊCH", name: "Nguyễn Văn An")
        let pdf = try DocxLibreOffice.convertToPDF(try DocxWriter.write(document), name: "bao-cao-ubnd")
        #expect(pdf.count > 10_000)
        guard let text = try DocxLibreOffice.pdfText(pdf) else { return }
        // Each header line fits its column: pdftotext would break a wrapped line.
        #expect(text.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
        #expect(text.contains("Độc lập - Tự do - Hạnh phúc"))
        #expect(text.contains("Số: 15/BC-UBND"))
        #expect(text.contains("Nguyễn Văn An"))
    }

    @Test func headerRowsRepeatOnEveryPage() throws {
        var document = DocxWriterTests.sampleReport()
        var table = DocxWriterTests.targetTable()
        table.rows = (1...80).map { ["\($0)", "CT\($0)", "Chỉ tiêu số \($0)", "hộ", "1.000", "5", "\($0 * 10)", "1,0"] }
        document.body = [.table(table)]
        let pdf = try DocxLibreOffice.convertToPDF(try DocxWriter.write(document), name: "bang-dai")
        guard let text = try DocxLibreOffice.pdfText(pdf) else { return }
        let pages = text.components(separatedBy: "\u{0C}").filter { $0.contains("Chỉ tiêu số") }
        #expect(pages.count >= 2)
        for page in pages {
            // pdftotext gives the wrapped header cells line by line.
            #expect(page.contains("ĐVT") && page.contains("Kết quả thực") && page.contains("Lũy"))
        }
    }

    @Test func landscapeScheduleConvertsToPDF() throws {
        let docx = try DocxWriter.write(DocxWriterTests.weeklySchedule(), modificationDate: DocxWriterTests.modified)
        let pdf = try DocxLibreOffice.convertToPDF(docx, name: "lich-cong-tac-tuan-34")
        #expect(pdf.count > 10_000)
        if let text = try DocxLibreOffice.pdfText(pdf) {
            #expect(text.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
            #expect(text.contains("LỊCH CÔNG TÁC TUẦN"))
            #expect(text.contains("Giao ban chung các khối"))
        }
        if let info = try DocxLibreOffice.pdfInfo(pdf) {
            #expect(info.contains("841.") && info.contains(" x 595."), "\(info)")
        }
    }
}

enum DocxLibreOffice {
    static let soffice: String? = executable("soffice", fallbacks: ["/usr/lib/libreoffice/program/soffice"])

    static func executable(_ name: String, fallbacks: [String] = []) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let candidates = path.split(separator: ":").map { "\($0)/\(name)" } + fallbacks
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a program, waiting at most `timeout` seconds; returns its exit status and standard output.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 180) throws -> (Int32, Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("giaoban-out-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try handle.close()
        return (process.terminationStatus, try Data(contentsOf: output))
    }

    static func convertToPDF(_ docx: Data, name: String) throws -> Data {
        let soffice = try #require(soffice)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("\(name).docx")
        try docx.write(to: input)
        let (status, _) = try run(soffice, [
            "-env:UserInstallation=file://\(folder.path)/profile", "--headless", "--norestore",
            "--convert-to", "pdf:writer_pdf_Export", "--outdir", folder.path, input.path,
        ])
        #expect(status == 0, "soffice exited with \(status)")
        let output = folder.appendingPathComponent("\(name).pdf")
        #expect(FileManager.default.fileExists(atPath: output.path), "LibreOffice did not write \(output.lastPathComponent)")
        let pdf = try Data(contentsOf: output)
        if let keep = ProcessInfo.processInfo.environment["GIAOBAN_DOCX_OUT"], !keep.isEmpty {
            let target = URL(fileURLWithPath: keep)
            try? FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            try? docx.write(to: target.appendingPathComponent("\(name).docx"))
            try? pdf.write(to: target.appendingPathComponent("\(name).pdf"))
        }
        return pdf
    }

    /// The PDF's text (pdftotext -layout off), or nil when poppler-utils is not installed.
    static func pdfText(_ pdf: Data) throws -> String? {
        try popplerOutput("pdftotext", pdf) { ["-enc", "UTF-8", $0, "-"] }
            .map { $0.precomposedStringWithCanonicalMapping }
    }

    static func pdfInfo(_ pdf: Data) throws -> String? {
        try popplerOutput("pdfinfo", pdf) { [$0] }
    }

    private static func popplerOutput(_ tool: String, _ pdf: Data, arguments: (String) -> [String]) throws -> String? {
        guard let executable = executable(tool) else { return nil }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("giaoban-\(UUID().uuidString).pdf")
        try pdf.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, output) = try run(executable, arguments(file.path), timeout: 60)
        #expect(status == 0, "\(tool) exited with \(status)")
        return String(decoding: output, as: UTF8.self)
    }
}

// MARK: - XML helpers

/// Every element of an XML part, in document order (names and attributes without prefixes).
final class XMLElements: SAXHandler {
    private(set) var elements: [(name: String, attributes: [String: String])] = []

    override func start(_ name: String, _ attributes: [String: String]) throws {
        elements.append((name, attributes))
    }

    static func parse(_ xml: String, part: String = "document") throws -> XMLElements {
        let handler = XMLElements()
        try XMLSupport.parse(Data(xml.utf8), part: part, with: handler)
        return handler
    }

    func all(_ name: String) -> [[String: String]] {
        elements.filter { $0.name == name }.map(\.attributes)
    }

    func first(_ name: String) -> [String: String]? {
        elements.first { $0.name == name }?.attributes
    }
}

/// Text and formatting of each paragraph of document.xml.
final class ParagraphFacts: SAXHandler {
    struct Paragraph {
        var text = ""
        var style: String?
        var alignment: String?
        var bold = false
        var italic = false
        var underlined = false
        /// w:sz values of the runs (half points).
        var sizes: Set<Int> = []
    }

    private(set) var paragraphs: [Paragraph] = []
    private var current = Paragraph()
    private var inRun = false
    private var inText = false

    static func parse(_ xml: String) throws -> [Paragraph] {
        let handler = ParagraphFacts()
        try XMLSupport.parse(Data(xml.utf8), part: "word/document.xml", with: handler)
        return handler.paragraphs
    }

    override func start(_ name: String, _ attributes: [String: String]) throws {
        switch name {
        case "p": current = Paragraph()
        case "pStyle": current.style = attributes["val"]
        case "jc" where !inRun: current.alignment = attributes["val"]
        case "r": inRun = true
        case "b" where inRun: current.bold = true
        case "i" where inRun: current.italic = true
        case "u" where inRun: current.underlined = attributes["val"] != "none"
        case "sz" where inRun: if let value = attributes["val"].flatMap(Int.init) { current.sizes.insert(value) }
        case "t" where inRun: inText = true
        default: break
        }
    }

    override func end(_ name: String) throws {
        switch name {
        case "p": paragraphs.append(current)
        case "r": inRun = false
        case "t": inText = false
        default: break
        }
    }

    override func text(_ string: String) {
        if inText { current.text += string }
    }
}

/// Runs `body` and returns the DocxError it throws (fails the test when it throws nothing or something else).
func docxError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> DocxError? {
    do {
        try body()
        Issue.record("expected a DocxError, nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as DocxError {
        return error
    } catch {
        Issue.record("expected a DocxError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

@Suite("Letterhead names break before the place, never inside it")
struct LetterheadPlaceNameTests {
    let nbsp = "\u{00A0}"

    @Test("the place keeps its words together; the body's own words may still break")
    func placeTogether() {
        #expect(DocxXML.keepPlaceNameTogether("ỦY BAN NHÂN DÂN XÃ SƠN KIM 2") == "ỦY BAN NHÂN DÂN XÃ\(nbsp)SƠN\(nbsp)KIM\(nbsp)2")
        #expect(DocxXML.keepPlaceNameTogether("ĐẢNG ỦY XÃ SƠN KIM 2") == "ĐẢNG ỦY XÃ\(nbsp)SƠN\(nbsp)KIM\(nbsp)2")
        #expect(DocxXML.keepPlaceNameTogether("ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH") == "ỦY BAN NHÂN DÂN TỈNH\(nbsp)HÀ\(nbsp)TĨNH")
        // "THỊ XÃ" is one level: no break between its words.
        #expect(DocxXML.keepPlaceNameTogether("ỦY BAN NHÂN DÂN THỊ XÃ HỒNG LĨNH") == "ỦY BAN NHÂN DÂN THỊ\(nbsp)XÃ\(nbsp)HỒNG\(nbsp)LĨNH")
        // A Party committee of a district or province: its name is the place.
        #expect(DocxXML.keepPlaceNameTogether("HUYỆN ỦY HƯƠNG SƠN") == "HUYỆN ỦY HƯƠNG\(nbsp)SƠN")
        #expect(DocxXML.keepPlaceNameTogether("BAN THƯỜNG VỤ TỈNH ỦY HÀ TĨNH") == "BAN THƯỜNG VỤ TỈNH ỦY HÀ\(nbsp)TĨNH")
        #expect(DocxXML.keepPlaceNameTogether("TỈNH ỦY") == "TỈNH ỦY")
        // The last level wins: the commune, not the district, is the place.
        #expect(DocxXML.keepPlaceNameTogether("ĐẢNG BỘ HUYỆN HƯƠNG SƠN XÃ KIM") == "ĐẢNG BỘ HUYỆN HƯƠNG SƠN XÃ\(nbsp)KIM")
    }

    @Test("names without a place level, a bare level word or an explicit break are left alone")
    func leftAlone() {
        #expect(DocxXML.keepPlaceNameTogether("BAN CHỈ ĐẠO PHÒNG CHỐNG DỊCH") == "BAN CHỈ ĐẠO PHÒNG CHỐNG DỊCH")
        #expect(DocxXML.keepPlaceNameTogether("ỦY BAN NHÂN DÂN XÃ") == "ỦY BAN NHÂN DÂN XÃ")
        #expect(DocxXML.keepPlaceNameTogether("ỦY BAN NHÂN DÂN\nXÃ SƠN KIM 2") == "ỦY BAN NHÂN DÂN\nXÃ SƠN KIM 2")
        #expect(DocxXML.keepPlaceNameTogether("XÃ SƠN KIM 2") == "XÃ\(nbsp)SƠN\(nbsp)KIM\(nbsp)2")
    }

    @Test("the written header carries the non-breaking place name")
    func inTheDocument() throws {
        let document = OfficialDocument(
            issuer: IssuingBody(kind: .state, name: "ỦY BAN NHÂN DÂN XÃ SƠN KIM 2", documentNumber: "     /BC-UBND", place: "Sơn Kim 2"),
            date: LocalDate(year: 2026, month: 12, day: 11), title: "BÁO CÁO", body: [.text("Nội dung.")])
        let data = try DocxWriter.write(document, modificationDate: Date(timeIntervalSince1970: 0))
        let xml = try #require(try ZipParts.read(data)["word/document.xml"])
        #expect(xml.contains("ỦY BAN NHÂN DÂN XÃ\(nbsp)SƠN\(nbsp)KIM\(nbsp)2"))
        #expect(!xml.contains("XÃ SƠN KIM 2"))
        // Read back as a reader sees it: plain spaces.
        #expect(try DocxReader.text(data).contains("ỦY BAN NHÂN DÂN XÃ SƠN KIM 2"))
    }
}

@Suite("The closing block stays with a table that ends the body")
struct DocxClosingTests {
    static func rows(_ xml: String) -> [String] {
        xml.components(separatedBy: "<w:tr>").dropFirst().map { $0.components(separatedBy: "</w:tr>")[0] }
    }

    @Test("the table's last row is kept with the next paragraph, its other rows are not; one blank line, a 1 pt last paragraph")
    func keepLastRow() throws {
        let data = try DocxWriter.write(DocxWriterTests.weeklySchedule(), modificationDate: Date(timeIntervalSince1970: 0))
        let xml = try #require(try ZipParts.read(data)["word/document.xml"])
        let body = try #require(xml.components(separatedBy: "<w:tblStyle w:val=\"GBTable\"/>").dropFirst().first?.components(separatedBy: "</w:tbl>").first)
        let rows = Self.rows(body)
        #expect(rows.count == 4)  // the header and three items
        #expect(rows.last?.contains("<w:keepNext/>") == true)
        #expect(rows.dropLast().allSatisfy { !$0.contains("<w:keepNext/>") })
        // Between the table and the closing block: the table's own spacer only (kept with the next).
        let afterTable = try #require(xml.components(separatedBy: "<w:tblStyle w:val=\"GBTable\"/>").last?.components(separatedBy: "</w:tbl>").dropFirst().first)
        let between = try #require(afterTable.components(separatedBy: "<w:tbl>").first)
        #expect(between.components(separatedBy: "<w:p>").count - 1 == 1)
        #expect(between.contains("<w:keepNext/>"))
        // The document's last paragraph is 1 pt high (2 half-points), not a 6 pt line.
        let last = try #require(xml.components(separatedBy: "</w:tbl>").last)
        #expect(last.contains("<w:sz w:val=\"2\"/>"))
        // Landscape: three blank lines for the signature between the position and the name (the
        // fourth paragraph opened there is the name's).
        let signature = try #require(xml.components(separatedBy: "CHÁNH VĂN PHÒNG").dropFirst().first?.components(separatedBy: "Phan Thị Nương").first)
        #expect(signature.components(separatedBy: "<w:p>").count - 1 == 3 + 1)
    }

    @Test("a body that ends in text keeps its blank line before the closing block and no kept row")
    func endsInText() throws {
        var document = DocxWriterTests.weeklySchedule()
        document.body.append(.text("Văn phòng thông báo để các đồng chí biết."))
        let xml = try #require(try ZipParts.read(try DocxWriter.write(document, modificationDate: Date(timeIntervalSince1970: 0)))["word/document.xml"])
        let body = try #require(xml.components(separatedBy: "<w:tblStyle w:val=\"GBTable\"/>").dropFirst().first?.components(separatedBy: "</w:tbl>").first)
        #expect(!body.contains("<w:keepNext/>"))
        let portrait = try #require(try ZipParts.read(try DocxWriter.write(DocxWriterTests.sampleReport(), modificationDate: Date(timeIntervalSince1970: 0)))["word/document.xml"])
        let signature = try #require(portrait.components(separatedBy: ">BÍ THƯ<").dropFirst().first?.components(separatedBy: "Trần Văn Sơn").first)
        #expect(signature.components(separatedBy: "<w:p>").count - 1 == 5 + 1)
    }
}
