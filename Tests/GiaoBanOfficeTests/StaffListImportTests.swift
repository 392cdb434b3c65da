import Foundation
import GiaoBanCore
import Testing
@testable import GiaoBanOffice

/// The sample staff list of Sơn Kim 2 as an office keeps it in Excel: a national-name block, a
/// title, a blank row, a two-row header with merged cells, a row of column numbers, section rows,
/// a blank row among the people, two people called Nguyễn Văn Hùng, units written with other
/// case and accents, and signatures under the table. `GIAOBAN_WRITE_FIXTURES=1 swift test
/// --filter StaffListImportTests` rewrites Fixtures/danh-sach-can-bo.xlsx from this.
enum StaffListFixture {
    typealias Cell = XLSXWriter.Cell

    /// (STT, name, position, unit, phone, username, roles, first working day, files weekly)
    static let people: [(String, String, String, String, String, String, String, String, String)] = [
        ("1", "Trần Văn Quyết", "Bí thư Đảng ủy", "Đảng ủy", "0912 345 601", "", "Lãnh đạo", "01/07/2025", "Không"),
        ("2", "Nguyễn Thị Hoài", "Phó Bí thư Thường trực Đảng ủy", "Đảng ủy", "0912 345 602", "", "Lãnh đạo", "01/07/2025", "Không"),
        ("3", "Phan Thị Nương", "Chuyên viên Văn phòng Đảng ủy", "Đảng ủy", "0983.456.603", "", "Văn phòng, Người báo cáo", "01/07/2025", "Có"),
        ("4", "Lê Văn Hùng", "Chủ tịch Ủy ban MTTQ", "Mặt trận Tổ quốc", "0912 345 604", "", "", "", ""),
        ("5", "Hoàng Thị Mai", "Chủ tịch Hội Phụ nữ", "Hội Phụ nữ", "#912345605", "", "", "", ""),
        ("6", "Đặng Văn Sơn", "Chủ tịch Hội Nông dân", "Hội Nông dân", "0912 345 606", "", "", "", ""),
        ("7", "Nguyễn Văn Hùng", "Chủ tịch Hội Cựu chiến binh", "Hội Cựu chiến binh", "0912 345 607", "", "", "", ""),
        ("8", "Võ Thị Thu Trang", "Bí thư Đoàn Thanh niên", "Đoàn Thanh niên", "0912 345 608", "", "", "", ""),
        ("9", "Trần Quang Đạo", "Phó Bí thư, Chủ tịch HĐND", "Hội đồng nhân dân", "0912 345 609", "", "Lãnh đạo", "", "Không"),
        ("", "", "", "", "", "", "", "", ""),
        ("II", "KHỐI CHÍNH QUYỀN", "", "", "", "", "", "", ""),
        ("10", "Nguyễn Đình Phong", "Phó Bí thư, Chủ tịch UBND", "Ủy ban nhân dân", "0912 345 610", "", "Lãnh đạo", "", "Không"),
        ("11", "Lê Thị Hằng", "Phó Chủ tịch UBND", "Ủy ban nhân dân", "0912 345 611", "", "Lãnh đạo, Người báo cáo", "", ""),
        ("12", "Phạm Thị Ngọc Lan", "Công chức Văn phòng - Thống kê", "Văn phòng - Thống kê", "0912 345 612", "", "Văn phòng, Người báo cáo", "", ""),
        ("13", "Bùi Thị Thanh Hương", "Công chức Văn phòng - Thống kê (một cửa)", "Văn phòng - Thống kê", "0912 345 613", "", "", "", ""),
        ("14", "Đinh Văn Lộc", "Công chức Địa chính - Nông nghiệp (phụ trách NTM)", "Địa chính - Nông nghiệp", "0912 345 614", "", "", "", ""),
        ("15", "Phan Văn Khánh", "Công chức Địa chính - Nông nghiệp", "địa chính - nông nghiệp", "0912 345 615", "khanh.pv", "", "", ""),
        ("16", "Hồ Văn Toàn", "Công chức Địa chính - Xây dựng", "Địa chính - Xây dựng", "0912 345 616", "", "", "", ""),
        ("17", "Nguyễn Thị Kim Dung", "Công chức Tài chính - Kế toán", "Tài chính - Kế toán", "0912 345 617", "", "", "", ""),
        ("18", "Trương Văn Bảo", "Công chức Tư pháp - Hộ tịch", "Tư pháp - Hộ tịch", "0912 345 618", "", "", "", ""),
        ("19", "Lê Thị Thảo", "Công chức Văn hóa - Xã hội", "Văn hóa - Xã hội", "0912 345 619", "", "", "", ""),
        ("20", "Phạm Văn Tiến", "Công chức Văn hoá - Xã hội (LĐTBXH)", "Văn hoá - Xã hội", "0912 345 620", "", "", "", ""),
        ("21", "Nguyễn Văn Hùng", "Trưởng Công an xã", "Công an xã", "0912 345 621", "", "", "", ""),
        ("22", "Trần Văn Lâm", "Chỉ huy trưởng Quân sự", "Quân sự", "0912 345 622", "", "", "", ""),
        ("23", "Võ Thị Hạnh", "Trạm trưởng Trạm y tế", "Trạm y tế", "0912 345 623", "", "", "15/08/2025", "Có"),
        ("24", "Dương Thị Nga", "Y sĩ Trạm y tế", "Trạm Y tế", "0912 345 624", "", "", "", ""),
    ]

    static func workbook() throws -> Data {
        let bold = XLSXWriter.Style(bold: true, wrapText: true, horizontalAlignment: .center)
        func text(_ value: String, style: XLSXWriter.Style = .plain) -> Cell {
            value.isEmpty ? .empty : Cell(.text(value), style: style)
        }
        func header(_ titles: [String]) -> [Cell] {
            titles.map { Cell($0.isEmpty ? .empty : .text($0), style: .header) }
        }
        var rows: [[Cell]] = [
            [text("ỦY BAN NHÂN DÂN", style: bold), .empty, .empty, .empty, text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", style: bold)],
            [text("XÃ SƠN KIM 2", style: bold), .empty, .empty, .empty, text("Độc lập - Tự do - Hạnh phúc", style: bold)],
            [text("DANH SÁCH CÁN BỘ, CÔNG CHỨC VÀ NGƯỜI HOẠT ĐỘNG KHÔNG CHUYÊN TRÁCH XÃ SƠN KIM 2", style: bold)],
            [text("(Dùng để cấp tài khoản GiaoBan; cập nhật đến ngày 05/7/2025)")],
            [],
            header(["STT", "Họ và tên", "Chức vụ", "Đơn vị công tác", "Điện thoại", "Tài khoản GiaoBan", "", "Chế độ báo cáo", ""]),
            header(["", "", "", "", "", "Tên đăng nhập", "Vai trò", "Ngày bắt đầu công tác", "Nộp báo cáo tuần"]),
            (1...9).map { text("(\($0))", style: XLSXWriter.Style(italic: true, horizontalAlignment: .center)) },
            [text("I", style: bold), text("KHỐI ĐẢNG, MẶT TRẬN, ĐOÀN THỂ", style: bold)],
        ]
        var merges = ["A1:D1", "A2:D2", "E1:I1", "E2:I2", "A3:I3", "A4:I4", "A6:A7", "B6:B7", "C6:C7", "D6:D7", "E6:E7",
                      "F6:G6", "H6:I6", "B9:I9"]
        for person in people {
            let rowNumber = rows.count + 1
            if person.0 == "II" {
                rows.append([text("II", style: bold), text(person.1, style: bold)])
                merges.append("B\(rowNumber):I\(rowNumber)")
                continue
            }
            var phone: Cell = text(person.4)
            // Typed as a number in Excel: the leading zero is lost ("912345605").
            if person.4.hasPrefix("#") { phone = .number(Decimal(string: String(person.4.dropFirst()))!) }
            var joined: Cell = text(person.7)
            if let date = LocalDate(vietnamese: person.7) {
                joined = .number(date.dayNumber + 25_569, format: "dd/mm/yyyy")
            }
            rows.append([person.0.isEmpty ? .empty : .number(Int(person.0)!), text(person.1), text(person.2), text(person.3), phone,
                         text(person.5), text(person.6), joined, text(person.8)])
        }
        rows.append([])
        let footer = rows.count + 1
        rows.append([.empty, .empty, .empty, .empty, .empty, text("Sơn Kim 2, ngày 05 tháng 7 năm 2025")])
        rows.append([.empty, text("NGƯỜI LẬP BIỂU", style: bold), .empty, .empty, .empty, text("CHỦ TỊCH", style: bold)])
        rows.append([])
        rows.append([.empty, text("Phạm Thị Ngọc Lan", style: bold), .empty, .empty, .empty, text("Nguyễn Đình Phong", style: bold)])
        merges.append("F\(footer):I\(footer)")
        let sheet = XLSXWriter.Sheet(name: "Danh sách", rows: rows,
                                     columnWidths: [5, 24, 30, 22, 14, 14, 16, 14, 10],
                                     mergedRanges: merges.compactMap(XLSXRange.init), landscape: true, fitToPageWidth: true)
        return try XLSXWriter.write([sheet], modificationDate: Date(timeIntervalSince1970: 1_751_700_000))
    }

    static var fixtureURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/danh-sach-can-bo.xlsx")
    }
}

@Suite("Nhập danh sách cán bộ")
struct StaffListImportTests {
    @Test func fixtureIsWhatTheBuilderWrites() throws {
        let built = try StaffListFixture.workbook()
        if ProcessInfo.processInfo.environment["GIAOBAN_WRITE_FIXTURES"] == "1" {
            try built.write(to: StaffListFixture.fixtureURL)
        }
        let stored = try StaffListImport.parse(fileData: try Fixture.data("danh-sach-can-bo.xlsx"))
        #expect(stored == (try StaffListImport.parse(fileData: built)))
    }

    @Test func readsTheSampleWorkbook() throws {
        let result = try StaffListImport.parse(fileData: try Fixture.data("danh-sach-can-bo.xlsx"))
        #expect(result.problems == [])
        #expect(result.headerRow == 7)
        #expect(result.people.count == 24)
        let names = result.people.map(\.fullName)
        #expect(names.first == "Trần Văn Quyết")
        #expect(names.last == "Dương Thị Nga")
        #expect(names.filter { $0 == "Nguyễn Văn Hùng" }.count == 2)
        #expect(!names.contains("KHỐI CHÍNH QUYỀN"))
        #expect(names.filter { $0 == "Phạm Thị Ngọc Lan" }.count == 1, "the signer under the table is not a second person")
        let nuong = try #require(result.people.first { $0.fullName == "Phan Thị Nương" })
        #expect(nuong.row == 12)
        #expect(nuong.position == "Chuyên viên Văn phòng Đảng ủy")
        #expect(nuong.unitName == "Đảng ủy")
        #expect(nuong.phone == "0983456603")
        #expect(nuong.roles == [.office, .reporter])
        #expect(nuong.joinedOn == LocalDate(year: 2025, month: 7, day: 1))
        #expect(nuong.reportsWeekly == true)
        let mai = try #require(result.people.first { $0.fullName == "Hoàng Thị Mai" })
        #expect(mai.phone == "0912345605", "the zero Excel dropped comes back")
        #expect(mai.roles == nil && mai.reportsWeekly == nil && mai.joinedOn == nil)
        let quyet = try #require(result.people.first)
        #expect(quyet.roles == [.leader] && quyet.reportsWeekly == false)
        #expect(result.people.first { $0.fullName == "Phan Văn Khánh" }?.username == "khanh.pv")
        #expect(result.people.first { $0.fullName == "Võ Thị Hạnh" }?.joinedOn == LocalDate(year: 2025, month: 8, day: 15))
    }

    @Test func readsTheSampleCSV() throws {
        let result = try StaffListImport.parse(fileData: try Fixture.data("danh-sach-can-bo.csv"))
        #expect(result.problems == [])
        #expect(result.headerRow == 3)
        #expect(result.people.map(\.fullName) == ["Trần Văn Quyết", "Phan Thị Nương", "Nguyễn Văn Hùng", "Lê Thị Hằng",
                                                  "Nguyễn Văn Hùng", "Võ Thị Hạnh", "Đỗ Minh Châu"])
        #expect(result.people[1].roles == [.office])
        #expect(result.people[2].unitName == "Hội Cựu chiến binh")
        #expect(result.people[4].unitName == "Công an xã")
        #expect(result.people[6].unitName == nil)
    }

    @Test func headerFoundUnderATitleWithoutBOM() throws {
        let csv = "Danh sách cán bộ năm 2025\n\nHọ và tên;Chức vụ;Đơn vị;Điện thoại\nPhan Thị Nương;Công chức;Văn phòng;0912345678\n"
        let result = try StaffListImport.parse(fileData: Data(csv.utf8))
        #expect(result.problems == [])
        #expect(result.people == [ImportedPerson(row: 4, fullName: "Phan Thị Nương", position: "Công chức", unitName: "Văn phòng",
                                                 phone: "0912345678")])
    }

    @Test func familyAndGivenNameInTwoColumns() {
        let rows = [["STT", "Họ và tên", "", "Đơn vị"], ["", "Họ đệm", "Tên", ""], ["1", "Phan Thị", "Nương", "Đảng ủy"]]
        let result = StaffListImport.parse(rows: rows)
        #expect(result.problems == [])
        #expect(result.people.map(\.fullName) == ["Phan Thị Nương"])
    }

    @Test func problemsAreNumberedByRow() {
        let rows = [
            ["Họ và tên", "Đơn vị", "Điện thoại", "Tên đăng nhập", "Vai trò", "Nộp báo cáo tuần", "Ngày bắt đầu công tác"],
            ["Phan Thị Nương", "Đảng ủy", "12ab", "", "", "", ""],
            ["", "Đảng ủy", "0912345678", "", "", "", ""],
            ["Lê Văn A", "UBND", "", "Lê Văn A", "", "", ""],
            ["Lê Văn B", "UBND", "", "", "Thủ quỹ", "", ""],
            ["Lê Văn C", "UBND", "", "", "", "hay quên", ""],
            ["Lê Văn D", "UBND", "", "", "", "", "32/13/2025"],
            ["Lê Văn E", "UBND", "", "", "", "", ""],
            ["Lê Văn E", "UBND", "", "", "", "", ""],
            ["Lê Văn F", "UBND", "", "lvf", "", "", ""],
            ["Lê Văn G", "UBND", "", "lvf", "", "", ""],
        ]
        let result = StaffListImport.parse(rows: rows)
        #expect(result.problems.map(\.row) == [2, 3, 4, 5, 6, 7, 9, 11])
        #expect(result.problems[0].message.contains("Số điện thoại"))
        #expect(result.problems[1].message == "Thiếu họ và tên.")
        #expect(result.problems[6].message.contains("dòng 8"))
        #expect(result.problems[7].message.contains("trùng với dòng 10"))
        #expect(result.people.map(\.row) == [8, 10])
    }

    @Test func noHeader() {
        let result = StaffListImport.parse(rows: [["a", "b"], ["c", "d"]])
        #expect(result.headerRow == nil)
        #expect(result.problems.first?.row == 0)
    }

    @Test func notAFile() {
        #expect(throws: SpreadsheetError.self) { try StaffListImport.parse(fileData: Data([0x50, 0x4B, 0x03, 0x04, 0, 0])) }
    }

    @Test func phoneNumbers() {
        #expect(StaffListImport.normalisedPhone("0912 345 678") == "0912345678")
        #expect(StaffListImport.normalisedPhone("+84 912 345 678") == "+84912345678")
        #expect(StaffListImport.normalisedPhone("912345678") == "0912345678")
        #expect(StaffListImport.normalisedPhone("0912-345") == nil)
        #expect(StaffListImport.normalisedPhone("zalo 0912345678") == nil)
    }
}

@Suite("Phiếu đăng nhập")
struct LoginSlipsDocxTests {
    static func slips(_ count: Int) -> [LoginSlip] {
        (1...count).map { LoginSlip(fullName: "Cán bộ số \($0)", unitName: $0 % 3 == 0 ? nil : "Văn hóa - Xã hội",
                                    username: "canbo\($0)", oneTimePassword: "Kx7mPq3Rt\($0 % 10)") }
    }

    @Test func eightSlipsAPage() throws {
        let data = try LoginSlipsDocx.write(Self.slips(11), communeName: "Xã Sơn Kim 2", serverAddress: "https://giaoban.sonkim2.vn",
                                            issuedOn: LocalDate(year: 2025, month: 7, day: 5)!, modificationDate: Date(timeIntervalSince1970: 0))
        let text = try DocxReader.text(data)
        #expect(text.contains("Cán bộ số 11"))
        #expect(text.contains("https://giaoban.sonkim2.vn"))
        #expect(text.contains("canbo7") && text.contains("Kx7mPq3Rt7"))
        let xml = String(decoding: try DocxReader.documentPart(data), as: UTF8.self)
        #expect(xml.components(separatedBy: "<w:tr>").count - 1 == 6, "11 slips: 6 rows of two")
        #expect(xml.contains("w:w=\"11906\" w:h=\"16838\""), "A4")
        #expect(xml.contains("w:hRule=\"exact\""))
    }
}
