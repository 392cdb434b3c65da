import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A small event-driven XML reader on top of Foundation's `XMLParser`.
/// Element and attribute names are given without their namespace prefix ("x:c" → "c", "r:id" → "id").
class SAXHandler: NSObject, XMLParserDelegate {
    private(set) var failure: Error?
    /// Set when libxml2 reports an error. (swift-corelibs-foundation's `parse()` can return true
    /// after errors, and accepts unclosed elements, so well-formedness is also checked by depth.)
    private(set) var sawXMLError = false
    private(set) var depth = 0
    private(set) var sawRoot = false

    func start(_ name: String, _ attributes: [String: String]) throws {}
    func end(_ name: String) throws {}
    func text(_ string: String) {}

    final func fail(_ error: Error, _ parser: XMLParser) {
        if failure == nil { failure = error }
        parser.abortParsing()
    }

    final func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                      qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        depth += 1
        sawRoot = true
        guard failure == nil else { return }
        var attributes: [String: String] = [:]
        for (key, value) in attributeDict { attributes[Self.localName(key)] = value }
        do { try start(Self.localName(elementName), attributes) } catch { fail(error, parser) }
    }

    final func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                      qualifiedName qName: String?) {
        depth -= 1
        guard failure == nil else { return }
        do { try end(Self.localName(elementName)) } catch { fail(error, parser) }
    }

    final func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        sawXMLError = true
    }

    final func parser(_ parser: XMLParser, validationErrorOccurred validationError: Error) {
        sawXMLError = true
    }

    final func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard failure == nil else { return }
        text(string)
    }

    final func parser(_ parser: XMLParser, foundIgnorableWhitespace whitespaceString: String) {
        guard failure == nil else { return }
        text(whitespaceString)
    }

    final func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard failure == nil else { return }
        text(String(decoding: CDATABlock, as: UTF8.self))
    }

    static func localName(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }
}

enum XMLSupport {
    /// Parses `data` with `handler`. Documents with a DTD are refused outright: no part of an
    /// .xlsx has one, and refusing them shuts out entity-expansion bombs.
    static func parse(_ data: Data, part: String, with handler: SAXHandler) throws {
        if data.range(of: Data("<!DOCTYPE".utf8)) != nil || data.range(of: Data("<!ENTITY".utf8)) != nil {
            throw SpreadsheetError(.malformedXML, "Phần “\(part)” của tệp có khai báo DTD không được phép; tệp có thể đã bị sửa đổi.")
        }
        // Foundation's XMLParser traps on some malformed byte sequences: hand it only clean UTF-8.
        guard isCleanUTF8(data), declaresUTF8OrNothing(data) else {
            throw SpreadsheetError(.malformedXML, "Phần “\(part)” của tệp bị hỏng (không phải văn bản UTF-8 hợp lệ).")
        }
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = false
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = handler
        let ok = parser.parse()
        if let failure = handler.failure { throw failure }
        if !ok || handler.sawXMLError || parser.parserError != nil || handler.depth != 0 || !handler.sawRoot {
            throw SpreadsheetError(.malformedXML, "Phần “\(part)” của tệp bị hỏng (XML không hợp lệ ở dòng \(parser.lineNumber)).")
        }
    }

    /// True when `data` is well-formed UTF-8 without NUL or other characters XML 1.0 forbids.
    static func isCleanUTF8(_ data: Data) -> Bool {
        var iterator = data.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                let value = Unicode.UTF8.decode(encoded).value
                if value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D { return false }
                if value == 0xFFFE || value == 0xFFFF { return false }
            case .emptyInput:
                return true
            case .error:
                return false
            }
        }
    }

    /// False when the XML declaration names an encoding other than UTF-8.
    static func declaresUTF8OrNothing(_ data: Data) -> Bool {
        let head = String(decoding: data.prefix(200), as: UTF8.self)
        guard head.hasPrefix("<?xml") || head.hasPrefix("\u{FEFF}<?xml"),
              let end = head.range(of: "?>") else { return true }
        let declaration = head[..<end.lowerBound].lowercased()
        guard let encoding = declaration.range(of: "encoding") else { return true }
        let value = declaration[encoding.upperBound...]
            .drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
            .prefix { $0 != "\"" && $0 != "'" && $0 != " " }
        return value == "utf-8" || value == "utf8"
    }

    /// Escapes text for element content or attribute values.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\r": result += "&#13;"
            case "\t", "\n": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    // Not allowed in XML 1.0: use the OOXML escape that Excel itself writes.
                    result += String(format: "_x%04X_", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// Escapes cell text: XML escaping plus protection of a literal "_xHHHH_" (written "_x005F_xHHHH_").
    static func escapeCellText(_ text: String) -> String {
        guard text.contains("_x") else { return escape(text) }
        let scalars = Array(text.unicodeScalars)
        var protected = String.UnicodeScalarView()
        for index in scalars.indices {
            if isOOXMLEscape(scalars, at: index) { protected.append(contentsOf: "_x005F".unicodeScalars) }
            protected.append(scalars[index])
        }
        return escape(String(protected))
    }

    /// Decodes OOXML "_xHHHH_" escapes in shared/inline strings.
    static func decodeOOXMLEscapes(_ text: String) -> String {
        guard text.contains("_x") else { return text }
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if isOOXMLEscape(scalars, at: index) {
                let hex = String(String.UnicodeScalarView(scalars[(index + 2)..<(index + 6)]))
                if let value = UInt32(hex, radix: 16), let scalar = UnicodeScalar(value) {
                    result.append(scalar)
                }
                index += 7
                continue
            }
            result.append(scalars[index])
            index += 1
        }
        return String(result)
    }

    private static func isOOXMLEscape(_ scalars: [UnicodeScalar], at index: Int) -> Bool {
        guard index + 7 <= scalars.count, scalars[index] == "_", scalars[index + 1] == "x",
              scalars[index + 6] == "_" else { return false }
        return scalars[(index + 2)...(index + 5)].allSatisfy { $0.properties.isASCIIHexDigit }
    }
}
