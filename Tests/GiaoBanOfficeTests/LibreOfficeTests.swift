import Foundation
import Testing
@testable import GiaoBanOffice

/// Opens files written by XLSXWriter in LibreOffice (headless), converts them to CSV and checks
/// the content. Skipped when LibreOffice is not installed
/// (`apt-get install -y libreoffice-calc-nogui`).
@Suite("Mở bằng LibreOffice", .serialized, .enabled(if: LibreOffice.opensWorkbooks))
struct LibreOfficeTests {
    @Test func libreOfficeReadsTheWrittenWorkbook() throws {
        let data = try XLSXWriter.write([XLSXWriterTests.sampleSheet()])
        let rows = try LibreOffice.convertToCSVRows(xlsx: data, asShown: true)
        #expect(rows == [
            ["Mã", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch"],
            ["KT01", "Diện tích gieo trồng lúa cả năm", "ha", "320"],
            ["KT06", "Thu ngân sách nhà nước", "triệu đồng", "1,850"],
            ["KT07", "Đường giao thông nông thôn", "km", "3.5"],
            ["DT06", "Quỹ \"Vì người nghèo\" & <khác>", "triệu đồng", "-0.125"],
            ["CV01", "Không có kế hoạch", "người", ""],
        ])
    }

    @Test func libreOfficeReadsMergedTitlesAndTrickyText() throws {
        let sheet = XLSXWriter.Sheet(
            name: "Tuần 33/2021",
            rows: [
                [XLSXWriter.Cell(.text("BÁO CÁO TUẦN"), style: .init(bold: true, horizontalAlignment: .center))],
                [],
                [XLSXWriter.Cell(.text("dòng 1\ndòng 2"), style: .init(wrapText: true)), "  cách  ", "a,b;\"c\"", .number(Decimal(string: "1234567.891")!, format: "#,##0.00")],
            ],
            columnWidths: [20, 10, 10, 14],
            mergedRanges: [XLSXRange("A1:D1")!],
            frozenRows: 1)
        let rows = try LibreOffice.convertToCSVRows(xlsx: try XLSXWriter.write([sheet]), asShown: true)
        #expect(rows.count == 3)
        #expect(rows[0] == ["BÁO CÁO TUẦN", "", "", ""])
        #expect(rows[2] == ["dòng 1\ndòng 2", "  cách  ", "a,b;\"c\"", "1,234,567.89"])
    }

    @Test func exportedTargetTableRoundTripsThroughLibreOffice() throws {
        let original = TargetTableImport.parse(rows: try CSVTable.read(try Fixture.data("chi-tieu-2021.csv")), defaultGroupName: nil)
        #expect(original.targets.count == 31)
        let xlsx = try TargetTableExport.xlsx(original.targets, year: 2021, title: "BIỂU CHỈ TIÊU NĂM 2021")
        let rows = try LibreOffice.convertToCSVRows(xlsx: xlsx)
        let reimported = TargetTableImport.parse(rows: rows, defaultGroupName: nil)
        #expect(reimported.problems == [])
        #expect(reimported.planYear == 2021)
        #expect(reimported.targets.map(\.code) == original.targets.map(\.code))
        for (a, b) in zip(reimported.targets, original.targets) {
            #expect(a.name == b.name)
            #expect(a.plannedValue == b.plannedValue, "\(a.code)")
            #expect(a.plannedYes == b.plannedYes, "\(a.code)")
            #expect(a.valueKind == b.valueKind, "\(a.code)")
            #expect(a.yearToDateRule == b.yearToDateRule, "\(a.code)")
            #expect(a.responsibleUnitName == b.responsibleUnitName)
            #expect(a.groupName == b.groupName)
        }
    }

    @Test func libreOfficeAgreesWithOurReaderOnTheSample() throws {
        let sample = try Fixture.data("chi-tieu-2021.xlsx")
        let ours = try XLSXReader.read(sample).sheets[0].rows
        let theirs = try LibreOffice.convertToCSVRows(xlsx: sample)
        // LibreOffice's CSV stops at the last used cell of each row; pad to compare.
        let width = ours.first?.count ?? 0
        let padded = theirs.map { $0 + Array(repeating: "", count: max(0, width - $0.count)) }
        #expect(padded == ours)
    }
}

enum LibreOffice {
    static let executable: String? = ["/usr/bin/soffice", "/usr/local/bin/soffice", "/usr/lib/libreoffice/program/soffice"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Whether LibreOffice can open a workbook: Calc beside `soffice`. A machine with Writer alone
    /// (enough for the .docx checks) answers every workbook with "source file could not be loaded".
    static let opensWorkbooks: Bool = executable.map { soffice in
        let program = URL(fileURLWithPath: soffice).resolvingSymlinksInPath().deletingLastPathComponent()
        return FileManager.default.fileExists(atPath: program.appendingPathComponent("libsclo.so").path)
    } ?? false

    /// Converts an .xlsx to CSV (UTF-8, comma, double quotes) with a private profile and returns its rows.
    /// With `asShown`, numbers are written with their number format (in LibreOffice's default locale).
    static func convertToCSVRows(xlsx: Data, asShown: Bool = false) throws -> [[String]] {
        let executable = try #require(executable)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("giaoban-lo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("bang.xlsx")
        try xlsx.write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "-env:UserInstallation=file://\(folder.path)/profile", "--headless", "--norestore",
            "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,\(asShown),false",
            "--outdir", folder.path, input.path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { process.terminate() }
        let output = folder.appendingPathComponent("bang.csv")
        let csv = try Data(contentsOf: output)
        return try CSVTable.read(csv)
    }
}
