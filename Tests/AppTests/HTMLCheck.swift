import Foundation
import Testing

/// Small structural reads of rendered pages: an element by id (its outer HTML, with nested
/// elements of the same tag balanced), the elements of a tag inside it, and the visible text.
/// Enough for our own templates, which are well-formed; it is not a general HTML parser.
enum HTMLCheck {
    struct Missing: Error, CustomStringConvertible { var description: String }

    /// The outer HTML of the element with `id`.
    static func element(id: String, in html: String) throws -> String {
        guard let attribute = html.range(of: "id=\"\(id)\""),
              let open = html[..<attribute.lowerBound].range(of: "<", options: .backwards) else {
            throw Missing(description: "no element with id=\"\(id)\"")
        }
        let tag = String(html[open.upperBound...].prefix { $0.isLetter || $0.isNumber })
        return try balanced(tag: tag, from: open.lowerBound, in: html)
    }

    /// The outer HTML of every `tag` element in `html` (outermost first, in document order).
    static func elements(_ tag: String, in html: String) -> [String] {
        var result: [String] = []
        var cursor = html.startIndex
        while let open = html.range(of: "<\(tag)", range: cursor ..< html.endIndex) {
            let next = html[open.upperBound...].first
            guard next == ">" || next == " " else { cursor = open.upperBound; continue }
            guard let element = try? balanced(tag: tag, from: open.lowerBound, in: html) else { break }
            result.append(element)
            cursor = html.index(open.lowerBound, offsetBy: element.count)
        }
        return result
    }

    /// The text with tags removed and whitespace collapsed.
    static func text(_ html: String) -> String {
        var text = ""
        var inTag = false
        for character in html {
            if character == "<" { inTag = true; text.append(" "); continue }
            if character == ">" { inTag = false; continue }
            if !inTag { text.append(character) }
        }
        text = text.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
        return text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    private static func balanced(tag: String, from start: String.Index, in html: String) throws -> String {
        var depth = 0
        var cursor = start
        while cursor < html.endIndex {
            guard let next = html.range(of: "<", range: cursor ..< html.endIndex) else { break }
            let rest = html[next.upperBound...]
            if rest.hasPrefix("/\(tag)>") {
                depth -= 1
                let end = html.index(next.upperBound, offsetBy: tag.count + 2)
                if depth == 0 { return String(html[start ..< end]) }
                cursor = end
                continue
            }
            if rest.hasPrefix(tag), let after = rest.dropFirst(tag.count).first, after == " " || after == ">" {
                depth += 1
            }
            cursor = next.upperBound
        }
        throw Missing(description: "<\(tag)> is not closed")
    }
}
