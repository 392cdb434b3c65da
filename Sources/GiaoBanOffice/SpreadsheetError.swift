import Foundation

/// Why a spreadsheet (.xlsx or .csv) could not be read or written.
///
/// `message` is Vietnamese, written for the person who uploaded the file.
public struct SpreadsheetError: Error, LocalizedError, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// The data is not a zip archive (so not an .xlsx).
        case notZip
        /// An old binary Excel file (.xls) or a password-protected workbook (both are OLE files).
        case legacyOrEncrypted
        /// An OpenDocument spreadsheet (.ods).
        case openDocument
        /// A zip archive without an Excel workbook in it (.docx, a plain zip…).
        case noWorkbook
        /// A part of the workbook that should be there is missing.
        case missingPart
        /// A part of the workbook is not well-formed XML, or is not what it should be.
        case malformedXML
        /// The file is too big (uncompressed size, cells, area).
        case tooLarge
        /// A cell address or a cell value is invalid.
        case invalidCell
        /// A CSV file that is not UTF-8 / UTF-16 text.
        case unsupportedEncoding
        /// The workbook to write is invalid (no sheet…).
        case invalidWorkbook
        /// The zip library failed while writing.
        case writeFailed
    }

    public var kind: Kind
    /// A Vietnamese explanation, fit to show to the user.
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var errorDescription: String? { message }
    public var description: String { message }
}

/// Hard limits that protect the server from hostile or accidental huge files.
public enum SpreadsheetLimits {
    /// Largest total uncompressed size of the parts of an .xlsx that are read, and largest CSV.
    public static let maxUncompressedBytes = 20 * 1024 * 1024
    /// Most cells (with a value) in a whole workbook or CSV file.
    public static let maxCells = 100_000
    /// Most grid positions (rows × columns) of the dense `rows` grid of one sheet.
    public static let maxGridArea = 2_000_000
    /// Most entries in a zip archive.
    public static let maxZipEntries = 10_000
}
