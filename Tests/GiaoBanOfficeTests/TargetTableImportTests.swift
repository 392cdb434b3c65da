import Foundation
import GiaoBanCore
import Testing
@testable import GiaoBanOffice

@Suite("Nhập bảng chỉ tiêu")
struct TargetTableImportTests {
    static let expectedCodes = [
        "KT01", "KT02", "KT03", "KT04", "KT05", "KT06", "KT07",
        "XH01", "XH02", "XH03", "XH04", "XH05", "QP01", "QP02", "AN01", "AN02",
        "DT01", "DT02", "DT03", "DT04", "DT05", "DT06", "NTM01", "NTM02", "NTM03", "NTM04",
        "CV01", "CV02", "CV03", "CV04", "CV05",
    ]

    func importXLSX(defaultGroupName: String? = "Khối chính quyền") throws -> TargetTableImportResult {
        let sheet = try XLSXReader.read(try Fixture.data("chi-tieu-2021.xlsx")).sheets[0]
        return TargetTableImport.parse(sheet: sheet, defaultGroupName: defaultGroupName)
    }

    func importCSV() throws -> TargetTableImportResult {
        TargetTableImport.parse(rows: try CSVTable.read(try Fixture.data("chi-tieu-2021.csv")), defaultGroupName: nil)
    }

    // MARK: - The sample files

    @Test func sampleXLSXGivesItsThirtyOneTargets() throws {
        let result = try importXLSX()
        #expect(result.problems == [])
        #expect(result.headerRow == 6)
        #expect(result.planYear == 2021)
        #expect(result.sheetName == "Chỉ tiêu 2021")
        #expect(result.targets.count == 31)
        #expect(result.targets.map(\.code) == Self.expectedCodes)
        let kt01 = try #require(result.targets.first)
        #expect(kt01 == ImportedTarget(row: 9, code: "KT01", name: "Diện tích gieo trồng lúa cả năm", unitOfMeasure: "ha",
                                       plannedValue: 320, plannedYes: nil, valueKind: .decimal, yearToDateRule: .sum,
                                       responsibleUnitName: "Địa chính - Nông nghiệp", groupName: "Khối chính quyền",
                                       sectionTitle: "CHỈ TIÊU KINH TẾ"))
        let byCode = Dictionary(uniqueKeysWithValues: result.targets.map { ($0.code, $0) })
        #expect(byCode["KT06"]?.plannedValue == 1850) // typed as the text "1.850"
        #expect(byCode["KT06"]?.row == 14)
        #expect(byCode["KT07"]?.plannedValue == Decimal(string: "3.5"))
        #expect(byCode["NTM02"]?.valueKind == .yesNo)
        #expect(byCode["NTM02"]?.plannedYes == true)
        #expect(byCode["NTM02"]?.plannedValue == nil)
        #expect(byCode["NTM02"]?.yearToDateRule == .latest)
        #expect(byCode["CV01"]?.plannedValue == nil)
        #expect(byCode["CV01"]?.plannedYes == nil)
        #expect(byCode["CV05"]?.yearToDateRule == .max)
        #expect(byCode["CV05"]?.row == 44)
        #expect(byCode["XH01"]?.valueKind == .decimal)
        #expect(byCode["DT01"]?.sectionTitle == "CHỈ TIÊU KHỐI ĐẢNG, MẶT TRẬN, ĐOÀN THỂ")
        #expect(byCode["CV03"]?.sectionTitle == "PHÒNG, CHỐNG DỊCH COVID-19")
        #expect(result.targets.allSatisfy { $0.groupName == "Khối chính quyền" })
    }

    @Test func sampleXLSXRowsAsStringsGiveTheSameTargets() throws {
        let sheet = try XLSXReader.read(try Fixture.data("chi-tieu-2021.xlsx")).sheets[0]
        let fromStrings = TargetTableImport.parse(rows: sheet.rows, defaultGroupName: "Khối chính quyền")
        var fromSheet = TargetTableImport.parse(sheet: sheet, defaultGroupName: "Khối chính quyền")
        fromSheet.sheetName = nil
        #expect(fromStrings == fromSheet)
    }

    @Test func sampleCSVGivesTheSameThirtyOneTargets() throws {
        let result = try importCSV()
        #expect(result.problems == [])
        #expect(result.headerRow == 1)
        #expect(result.planYear == 2021)
        #expect(result.targets.map(\.code) == Self.expectedCodes)
        let byCode = Dictionary(uniqueKeysWithValues: result.targets.map { ($0.code, $0) })
        #expect(byCode["KT06"]?.plannedValue == 1850)
        #expect(byCode["KT07"]?.plannedValue == Decimal(string: "3.5"))
        #expect(byCode["NTM02"]?.valueKind == .yesNo)
        #expect(byCode["NTM02"]?.plannedYes == true)
        #expect(byCode["CV01"]?.plannedValue == nil)
        #expect(byCode["CV01"]?.row == 28)
        #expect(byCode["DT06"]?.name == "Quỹ \"Vì người nghèo\" vận động được")
        #expect(byCode["DT01"]?.groupName == "Khối Đảng, Mặt trận, đoàn thể")
        #expect(byCode["CV05"]?.groupName == "Phòng chống Covid-19")
        #expect(result.targets.allSatisfy { $0.sectionTitle == nil })
    }

    @Test func xlsxAndCSVAgreeFieldByField() throws {
        let fromXLSX = try importXLSX(defaultGroupName: nil).targets
        let fromCSV = try importCSV().targets
        #expect(fromXLSX.count == 31)
        #expect(fromCSV.count == 31)
        for (x, c) in zip(fromXLSX, fromCSV) {
            #expect(x.code == c.code)
            #expect(x.name == c.name, "\(x.code)")
            #expect(x.unitOfMeasure == c.unitOfMeasure, "\(x.code)")
            #expect(x.plannedValue == c.plannedValue, "\(x.code)")
            #expect(x.plannedYes == c.plannedYes, "\(x.code)")
            // The xlsx has no "Loại giá trị" column: the kind is inferred and must match the CSV's.
            #expect(x.valueKind == c.valueKind, "\(x.code)")
            #expect(x.yearToDateRule == c.yearToDateRule, "\(x.code)")
            #expect(x.responsibleUnitName == c.responsibleUnitName, "\(x.code)")
        }
    }

    @Test func importFileDataDetectsTheFormat() throws {
        let fromXLSX = try TargetTableImport.parse(fileData: try Fixture.data("chi-tieu-2021.xlsx"), defaultGroupName: "Nhóm A")
        #expect(fromXLSX.targets.count == 31)
        #expect(fromXLSX.sheetName == "Chỉ tiêu 2021")
        let fromCSV = try TargetTableImport.parse(fileData: try Fixture.data("chi-tieu-2021.csv"), defaultGroupName: "Nhóm A")
        #expect(fromCSV.targets.count == 31)
        #expect(fromCSV.targets[0].groupName == "Khối chính quyền")
        #expect(throws: SpreadsheetError.self) { _ = try TargetTableImport.parse(fileData: Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]), defaultGroupName: nil) }
    }

    @Test func workbookWithATableOnTheSecondSheet() throws {
        let table = try CSVTable.read(try Fixture.data("chi-tieu-2021.csv"))
        let data = try XLSXWriter.write([
            XLSXWriter.Sheet(name: "Hướng dẫn", rows: [["Điền bảng ở trang sau"]]),
            XLSXWriter.Sheet(name: "Bảng", rows: table.map { $0.map { XLSXWriter.Cell(.text($0)) } }),
        ])
        let result = try TargetTableImport.parse(fileData: data, defaultGroupName: nil)
        #expect(result.sheetName == "Bảng")
        #expect(result.targets.count == 31)
        #expect(result.problems == [])
    }

    @Test func samplesInFixturesMatchTheSharedFolder() throws {
        for name in ["chi-tieu-2021.xlsx", "chi-tieu-2021.csv"] {
            let shared = Fixture.sharedDataURL(name)
            guard FileManager.default.fileExists(atPath: shared.path) else { continue }
            #expect(try Data(contentsOf: shared) == (try Data(contentsOf: try #require(Fixture.bundledURL(name)))), "\(name)")
        }
    }

    // MARK: - Problems

    @Test func badPlanAndDuplicateCodeAreReportedWithTheirRows() throws {
        let csv = """
        BIỂU CHỈ TIÊU NĂM 2022
        ,,,,
        Mã,Chỉ tiêu,ĐVT,KH năm 2022,Cách tính lũy kế
        (1),(2),(3),(4),(5)
        I. KINH TẾ,,,,
        KT01,Diện tích lúa,ha,320,cộng dồn
        KT02,Trồng rừng,ha,abc,cộng dồn
        KT01,Diện tích lúa (trùng),ha,300,cộng dồn
        KT03,Vườn mẫu,vườn,"1.850",cộng dồn
        """
        let result = TargetTableImport.parse(rows: try CSVTable.read(Data(csv.utf8)), defaultGroupName: "Khối chính quyền")
        #expect(result.headerRow == 3)
        #expect(result.planYear == 2022)
        #expect(result.problems.map(\.row) == [7, 8])
        #expect(result.problems[0].message.contains("“abc”"))
        #expect(result.problems[0].message.contains("không phải là số"))
        #expect(result.problems[1].message.contains("KT01"))
        #expect(result.problems[1].message.contains("dòng 6"))
        #expect(result.problems.allSatisfy { looksVietnamese($0.message) })
        #expect(result.targets.map(\.code) == ["KT01", "KT03"])
        #expect(result.targets.map(\.row) == [6, 9])
        #expect(result.targets[1].plannedValue == 1850)
        #expect(result.targets.allSatisfy { $0.sectionTitle == "KINH TẾ" })
        #expect(result.problems[0].description.hasPrefix("Dòng 7: "))
    }

    @Test func badRowsInAnXLSXKeepSpreadsheetRowNumbers() throws {
        var rows: [[XLSXWriter.Cell]] = [["UBND XÃ SƠN KIM 2"], [], ["Mã số", "Nội dung", "Đơn vị tính", "Kế hoạch năm 2021"]]
        rows.append(["KT01", "Lúa", "ha", .number(320)])
        rows.append(["KT02", "Rừng", "ha", "abc"])
        rows.append(["KT01", "Lặp", "ha", .number(5)])
        let data = try XLSXWriter.write([XLSXWriter.Sheet(name: "a", rows: rows)])
        let result = try TargetTableImport.parse(fileData: data, defaultGroupName: nil)
        #expect(result.headerRow == 3)
        #expect(result.problems.map(\.row) == [5, 6])
        #expect(result.targets.map(\.code) == ["KT01"])
    }

    @Test func everyProblemIsListed() throws {
        let csv = """
        Mã,Chỉ tiêu,Đơn vị tính,Kế hoạch năm,Cách tính lũy kế,Loại giá trị
        ,Thiếu mã,hộ,5,cộng dồn,số đếm
        KT02,,hộ,5,cộng dồn,số đếm
        KT03,Quy tắc lạ,hộ,5,bình quân,số đếm
        KT04,Loại lạ,hộ,5,cộng dồn,phần trăm
        KT05,Số lẻ cho số đếm,hộ,"2,5",cộng dồn,số đếm
        KT06,Đạt cho số,hộ,Đạt,cộng dồn,số đếm
        KT07,Số cho có/không,đạt/chưa đạt,7,mới nhất,có/không
        KT08,Âm,hộ,-3,cộng dồn,số đếm
        KT09,Hai lỗi,hộ,xyz,trung bình,số đếm
        MÃ RẤT DÀI CÓ DẤU CÁCH,Mã sai,hộ,5,cộng dồn,số đếm
        KT10,Đúng,hộ,5,cộng dồn,số đếm
        """
        let result = TargetTableImport.parse(rows: try CSVTable.read(Data(csv.utf8)), defaultGroupName: nil)
        #expect(result.targets.map(\.code) == ["KT10"])
        #expect(result.problems.map(\.row) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 11])
        let messages = result.problems.map(\.message)
        #expect(messages[0].contains("thiếu mã"))
        #expect(messages[1].contains("thiếu tên"))
        #expect(messages[2].contains("“bình quân”"))
        #expect(messages[3].contains("“phần trăm”"))
        #expect(messages[4].contains("phần thập phân"))
        #expect(messages[5].contains("có/không"))
        #expect(messages[6].contains("“Đạt”"))
        #expect(messages[7].contains("số âm"))
        #expect(messages[10].contains("không hợp lệ"))
    }

    @Test func missingHeaderIsAProblemOfTheWholeFile() {
        let result = TargetTableImport.parse(rows: [["Họ tên", "Ngày sinh"], ["A", "1/1/1990"]], defaultGroupName: nil)
        #expect(result.targets.isEmpty)
        #expect(result.headerRow == nil)
        #expect(result.problems.count == 1)
        #expect(result.problems[0].row == 0)
        #expect(result.problems[0].message.contains("tiêu đề"))
        #expect(result.problems[0].description == result.problems[0].message)
        #expect(TargetTableImport.parse(rows: [], defaultGroupName: nil).problems.count == 1)
    }

    @Test func headerWithoutCodeColumn() {
        let result = TargetTableImport.parse(rows: [["", ""], ["STT", "Chỉ tiêu", "ĐVT", "Kế hoạch"], ["1", "Lúa", "ha", "3"]], defaultGroupName: nil)
        #expect(result.headerRow == 2)
        #expect(result.problems == [ImportProblem(row: 2, message: "Bảng thiếu cột “Mã” chỉ tiêu: mỗi chỉ tiêu cần một mã riêng (ví dụ KT01).")])
    }

    @Test func headerWithNoTargetsUnderIt() {
        let result = TargetTableImport.parse(rows: [["Mã", "Chỉ tiêu", "ĐVT"], ["", "", ""]], defaultGroupName: nil)
        #expect(result.targets.isEmpty)
        #expect(result.problems.map(\.row) == [1])
    }

    // MARK: - Layout variants

    @Test func headerTitlesIgnoreCaseAndDiacritics() {
        let rows = [
            ["MA CHI TIEU", "noi dung", "dvt", "KH NAM 2023", "cach tinh luy ke", "loai gia tri", "don vi phu trach", "nhom bao cao"],
            ["ntm01", "Tiêu chí", "tiêu chí", "15", "MỚI NHẤT", "SỐ ĐẾM", "Địa chính", "NTM"],
        ]
        let result = TargetTableImport.parse(rows: rows, defaultGroupName: "khác")
        #expect(result.problems == [])
        #expect(result.planYear == 2023)
        #expect(result.targets == [ImportedTarget(row: 2, code: "ntm01", name: "Tiêu chí", unitOfMeasure: "tiêu chí", plannedValue: 15,
                                                  plannedYes: nil, valueKind: .count, yearToDateRule: .latest,
                                                  responsibleUnitName: "Địa chính", groupName: "NTM")])
    }

    @Test func decomposedUnicodeIsNormalised() {
        let nfd = { (s: String) in s.decomposedStringWithCanonicalMapping }
        let rows = [[nfd("Mã"), nfd("Chỉ tiêu"), nfd("Đơn vị tính"), nfd("Kế hoạch năm")], ["KT01", nfd("Diện  tích\nlúa"), "ha", "3"]]
        let result = TargetTableImport.parse(rows: rows, defaultGroupName: nil)
        #expect(result.targets.first?.name == "Diện tích lúa")
        #expect(result.targets.first?.name.unicodeScalars.count == "Diện tích lúa".precomposedStringWithCanonicalMapping.unicodeScalars.count)
    }

    @Test func sectionsTotalsAndFooterAreSkipped() {
        let rows: [[String]] = [
            ["STT", "Mã", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch năm"],
            ["1", "2", "3", "4", "5"],
            ["A", "", "KHỐI CHÍNH QUYỀN", "", ""],
            ["I", "", "Kinh tế", "", ""],
            ["1", "KT01", "Lúa", "ha", "320"],
            ["", "II. VĂN HÓA - XÃ HỘI", "", "", ""],
            ["1", "XH01", "Hộ nghèo giảm", "hộ", "25"],
            ["", "", "Tổng cộng", "", "345"],
            [],
            ["", "", "", "", ""],
            ["", "Nơi nhận:", "", "", "Sơn Kim 2, ngày   tháng   năm 2021"],
            ["", "- Như trên;", "", "", "T/M ĐẢNG ỦY"],
            ["", "- Lưu VP.", "", "", "BÍ THƯ"],
            ["", "", "", "", ""],
            ["", "", "", "", "Nguyễn Văn An"],
        ]
        let result = TargetTableImport.parse(rows: rows, defaultGroupName: nil)
        #expect(result.problems == [])
        #expect(result.targets.map(\.code) == ["KT01", "XH01"])
        #expect(result.targets.map(\.sectionTitle) == ["Kinh tế", "VĂN HÓA - XÃ HỘI"])
    }

    @Test func inferenceWithoutRuleAndKindColumns() throws {
        let rows: [[String]] = [
            ["Mã", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch năm"],
            ["A1", "Số hộ", "hộ", "25"],
            ["A2", "Diện tích", "ha", "45"],
            ["A3", "Tỷ lệ", "%", "95"],
            ["A4", "Tiêu chí", "đạt/chưa đạt", ""],
            ["A5", "Tiêu chí 2", "tiêu chí", "Đạt"],
            ["A6", "Sản lượng", "con", "12,5"],
            ["A7", "Thu nhập", "triệu đồng/người/năm", "48"],
            ["A8", "Không kế hoạch", "người", "-"],
            ["A9", "Chưa đạt", "tiêu chí", "chưa đạt"],
            ["A10", "Phần trăm có dấu", "%", "95%"],
        ]
        let result = TargetTableImport.parse(rows: rows, defaultGroupName: nil)
        #expect(result.problems == [])
        let summary = result.targets.map { "\($0.code) \($0.valueKind) \($0.yearToDateRule)" }
        #expect(summary == [
            "A1 count sum", "A2 decimal sum", "A3 decimal latest", "A4 yesNo latest", "A5 yesNo latest",
            "A6 decimal sum", "A7 decimal sum", "A8 count sum", "A9 yesNo latest", "A10 decimal latest",
        ])
        #expect(result.targets[3].plannedYes == nil)
        #expect(result.targets[4].plannedYes == true)
        #expect(result.targets[5].plannedValue == Decimal(string: "12.5"))
        #expect(result.targets[7].plannedValue == nil)
        #expect(result.targets[8].plannedYes == false)
        #expect(result.targets[9].plannedValue == 95)
    }

    @Test func yesNoKindAcceptsOneAndZero() {
        let rows = [["Mã", "Chỉ tiêu", "ĐVT", "Kế hoạch", "Loại giá trị"], ["N1", "TC", "", "1", "có/không"], ["N2", "TC", "", "0", "Có / Không"]]
        let result = TargetTableImport.parse(rows: rows, defaultGroupName: nil)
        #expect(result.problems == [])
        #expect(result.targets.map(\.plannedYes) == [true, false])
        #expect(result.targets.map(\.plannedValue) == [nil, nil])
    }

    @Test func numericCellsOfASheetAreExact() throws {
        // 1.125 stored as a number must not be read like the text "1.125" (= 1125).
        let data = try XLSXWriter.write([XLSXWriter.Sheet(name: "a", rows: [
            ["Mã", "Chỉ tiêu", "ĐVT", "Kế hoạch"],
            ["K1", "Kênh", "km", .number(Decimal(string: "1.125")!)],
            ["K2", "Kênh", "km", "1.125"],
        ])])
        let result = try TargetTableImport.parse(fileData: data, defaultGroupName: nil)
        #expect(result.targets.map(\.plannedValue) == [Decimal(string: "1.125"), 1125])
    }

    // MARK: - Export

    @Test func exportedTablesImportAgain() throws {
        let original = try importCSV().targets
        let csv = TargetTableExport.csv(original, year: 2021)
        let fromCSV = TargetTableImport.parse(rows: try CSVTable.read(csv), defaultGroupName: nil)
        #expect(fromCSV.problems == [])
        #expect(fromCSV.targets == original)

        let xlsx = try TargetTableExport.xlsx(original, year: 2021, title: "BIỂU CHỈ TIÊU NĂM 2021")
        let fromXLSX = try TargetTableImport.parse(fileData: xlsx, defaultGroupName: nil)
        #expect(fromXLSX.problems == [])
        #expect(fromXLSX.headerRow == 3)
        #expect(fromXLSX.planYear == 2021)
        #expect(fromXLSX.targets.map { var t = $0; t.row -= 2; return t } == original)
    }

    @Test func exportLabels() {
        #expect(YearToDateRule.allCases.map(TargetTableExport.label) == ["cộng dồn", "mới nhất", "lớn nhất"])
        #expect(TargetValueKind.allCases.map(TargetTableExport.label) == ["số đếm", "số thập phân", "có/không"])
        for rule in YearToDateRule.allCases { #expect(TargetTableImport.parseRule(TargetTableExport.label(rule)) == rule) }
        for kind in TargetValueKind.allCases { #expect(TargetTableImport.parseKind(TargetTableExport.label(kind)) == kind) }
    }
}
