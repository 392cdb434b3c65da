import Foundation
import Testing
@testable import GiaoBanOffice

@Test(arguments: 0..<64) func docxScratchDeterminism(_ n: Int) throws {
    let reference = try DocxWriter.write(DocxWriterTests.sampleReport(), modificationDate: DocxWriterTests.modified)
    for i in 0..<30 {
        _ = try XLSXWriter.write([XLSXWriterTests.sampleSheet()], modificationDate: Date(timeIntervalSince1970: Double(n * 1_000_000 + i * 77_777)))
        let b = try DocxWriter.write(DocxWriterTests.sampleReport(), modificationDate: DocxWriterTests.modified)
        if reference != b {
            Issue.record("differ at \(n)/\(i)")
            return
        }
    }
}
