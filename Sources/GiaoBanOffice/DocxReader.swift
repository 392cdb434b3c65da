import Foundation
import ZIPFoundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads the plain text of a Word document (.docx): enough to check what a document says.
public enum DocxReader {
    /// Largest main document part read (uncompressed).
    public static let maxDocumentBytes = 20 * 1024 * 1024

    /// The text of the main document part, one line per paragraph (in NFC). A table row is one
    /// line with its cells separated by tabs; paragraphs inside a cell are joined by a space.
    /// Line breaks inside a paragraph give "\n" (a space inside a table), `w:tab` gives "\t".
    ///
    /// - Throws: `DocxError` when the data is not a .docx or its document part is broken.
    public static func text(_ data: Data) throws -> String {
        let xml = try documentPart(data)
        let handler = DocxTextHandler()
        do {
            try XMLSupport.parse(xml, part: "word/document.xml", with: handler)
        } catch let error as SpreadsheetError {
            throw DocxError(.malformedXML, error.message)
        }
        guard handler.root == "document" else {
            throw DocxError(.notDocx, "Tệp không phải là văn bản Word (.docx).")
        }
        // A non-breaking space steers line breaking (letterheads keep a place's name together);
        // the text a reader sees has a plain space there.
        return handler.lines.joined(separator: "\n").replacingOccurrences(of: "\u{00A0}", with: " ")
            .precomposedStringWithCanonicalMapping
    }

    /// The bytes of the main document part (the officeDocument relationship's target, else
    /// "word/document.xml").
    static func documentPart(_ data: Data) throws -> Data {
        guard XLSXReader.isZip(data), !XLSXReader.isOLE(data) else {
            throw DocxError(.notDocx, "Tệp không phải là văn bản Word (.docx).")
        }
        // As in XLSXReader: file-backed archives are safe with hostile offsets, in-memory ones are not.
        let temporary = FileManager.default.temporaryDirectory
            .appendingPathComponent("giaoban-docx-\(UUID().uuidString).zip")
        do {
            try data.write(to: temporary, options: [.withoutOverwriting])
        } catch {
            throw DocxError(.writeFailed, "Không lưu tạm được tệp để đọc (\(error.localizedDescription)).")
        }
        defer { try? FileManager.default.removeItem(at: temporary) }
        let archive: Archive
        do {
            archive = try Archive(url: temporary, accessMode: .read)
        } catch {
            throw DocxError(.notDocx, "Tệp .docx bị hỏng: không giải nén được.")
        }
        var path = "word/document.xml"
        if let rels = try? extract(archive, "_rels/.rels"), let target = officeDocumentTarget(rels) {
            path = target
        }
        guard let document = try extract(archive, path) else {
            throw DocxError(.notDocx, "Tệp không phải là văn bản Word (.docx): thiếu phần nội dung “\(path)”.")
        }
        return document
    }

    static func extract(_ archive: Archive, _ path: String) throws -> Data? {
        guard let entry = archive.first(where: { $0.type == .file && $0.path.lowercased() == path.lowercased() }) else {
            return nil
        }
        guard entry.uncompressedSize <= UInt64(maxDocumentBytes) else {
            throw DocxError(.malformedXML, "Phần “\(path)” của tệp .docx quá lớn.")
        }
        var data = Data()
        do {
            _ = try archive.extract(entry, bufferSize: 64 * 1024, skipCRC32: false) { chunk in
                guard data.count + chunk.count <= maxDocumentBytes else {
                    throw DocxError(.malformedXML, "Phần “\(path)” của tệp .docx quá lớn.")
                }
                data.append(chunk)
            }
        } catch let error as DocxError {
            throw error
        } catch {
            throw DocxError(.malformedXML, "Phần “\(path)” của tệp .docx bị hỏng, không giải nén được.")
        }
        return data
    }

    static func officeDocumentTarget(_ rels: Data) -> String? {
        let handler = RelationshipTargetHandler()
        guard (try? XMLSupport.parse(rels, part: "_rels/.rels", with: handler)) != nil,
              var target = handler.target else { return nil }
        target = target.removingPercentEncoding ?? target
        while target.hasPrefix("/") { target.removeFirst() }
        if target.hasPrefix("./") { target.removeFirst(2) }
        return target.isEmpty || target.contains("..") ? nil : target
    }
}

private final class RelationshipTargetHandler: SAXHandler {
    var target: String?

    override func start(_ name: String, _ attributes: [String: String]) throws {
        guard name == "Relationship", target == nil,
              attributes["Type"]?.hasSuffix("/officeDocument") == true else { return }
        target = attributes["Target"]
    }
}

/// Collects paragraph texts; rows of the outermost tables become tab-separated lines.
private final class DocxTextHandler: SAXHandler {
    var lines: [String] = []
    /// The root element's local name ("document" for a Word document).
    private(set) var root: String?
    private var paragraph = ""
    private var cellParagraphs: [String] = []
    private var rowCells: [String] = []
    private var tableDepth = 0
    private var runDepth = 0
    private var inText = false

    override func start(_ name: String, _ attributes: [String: String]) throws {
        if root == nil { root = name }
        switch name {
        case "tbl": tableDepth += 1
        case "tr" where tableDepth == 1: rowCells = []
        case "tc" where tableDepth == 1: cellParagraphs = []
        case "p": paragraph = ""
        case "r": runDepth += 1
        case "t" where runDepth > 0: inText = true
        case "tab" where runDepth > 0: paragraph += tableDepth > 0 ? " " : "\t"
        case "br" where runDepth > 0, "cr" where runDepth > 0: paragraph += tableDepth > 0 ? " " : "\n"
        default: break
        }
    }

    override func end(_ name: String) throws {
        switch name {
        case "tbl": tableDepth = max(tableDepth - 1, 0)
        case "tr" where tableDepth == 1: lines.append(rowCells.joined(separator: "\t"))
        case "tc" where tableDepth == 1: rowCells.append(cellParagraphs.filter { !$0.isEmpty }.joined(separator: " "))
        case "p":
            if tableDepth > 0 { cellParagraphs.append(paragraph) } else { lines.append(paragraph) }
            paragraph = ""
        case "r": runDepth = max(runDepth - 1, 0)
        case "t": inText = false
        default: break
        }
    }

    override func text(_ string: String) {
        if inText { paragraph += string }
    }
}
