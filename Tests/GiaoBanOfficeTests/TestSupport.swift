import Foundation
import Testing
@testable import GiaoBanOffice

/// Sample files: the copies in Fixtures/ (bundled resources) first, else the project's `shared/data`
/// folder next to the project root.
enum Fixture {
    static func data(_ fileName: String) throws -> Data {
        if let url = bundledURL(fileName) { return try Data(contentsOf: url) }
        return try Data(contentsOf: sharedDataURL(fileName))
    }

    static func bundledURL(_ fileName: String) -> URL? {
        let name = (fileName as NSString).deletingPathExtension
        let ext = (fileName as NSString).pathExtension
        return Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures")
    }

    /// `<project>/../shared/data/<fileName>`, from this source file's path.
    static func sharedDataURL(_ fileName: String, filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath)
            .deletingLastPathComponent() // GiaoBanOfficeTests
            .deletingLastPathComponent() // Tests
            .deletingLastPathComponent() // project root
            .deletingLastPathComponent() // folder holding the project and shared/
            .appendingPathComponent("shared/data")
            .appendingPathComponent(fileName)
    }
}

/// Builds an .xlsx-like zip from XML parts, for reader tests.
func makeZip(_ parts: [(String, String)]) throws -> Data {
    try XLSXWriter.zip(parts)
}

/// A minimal workbook around one worksheet body (`<sheetData>…</sheetData>` and whatever follows).
func makeWorkbook(sheetData: String, sharedStrings: [String]? = nil, styles: String? = nil,
                  workbookExtra: String = "", sheetName: String = "Trang 1") throws -> Data {
    var parts: [(String, String)] = [
        ("[Content_Types].xml", #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#),
        ("_rels/.rels", #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ("xl/workbook.xml", #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"# + workbookExtra + #"<sheets><sheet name=""# + sheetName + #"" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
    ]
    var rels = #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"#
    if let sharedStrings {
        rels += #"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#
        parts.append(("xl/sharedStrings.xml", #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"# + sharedStrings.joined() + "</sst>"))
    }
    if let styles {
        rels += #"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#
        parts.append(("xl/styles.xml", #"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"# + styles + "</styleSheet>"))
    }
    parts.append(("xl/_rels/workbook.xml.rels", rels + "</Relationships>"))
    parts.append(("xl/worksheets/sheet1.xml", #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"# + sheetData + "</worksheet>"))
    return try makeZip(parts)
}

/// Runs `body` and returns the SpreadsheetError it throws (fails the test when it throws nothing
/// or something else).
func spreadsheetError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> SpreadsheetError? {
    do {
        try body()
        Issue.record("expected a SpreadsheetError, nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as SpreadsheetError {
        return error
    } catch {
        Issue.record("expected a SpreadsheetError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// True when a message is in Vietnamese (has at least one Vietnamese letter with a diacritic).
func looksVietnamese(_ message: String) -> Bool {
    message.unicodeScalars.contains { (0x00C0...0x1EF9).contains($0.value) }
}

