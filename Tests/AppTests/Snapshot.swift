import Foundation
import Testing

/// A small reference-file snapshot helper (after SwiftPackageIndex-Server's tests): the text is
/// normalised, then compared with `__Snapshots__/<Suite>/<name>.<html|json>` beside this file,
/// where `<Suite>` is the calling file's name.
///
/// - A missing reference fails the test after writing it (so CI never passes on a snapshot
///   nobody looked at); `GIAOBAN_RECORD_SNAPSHOTS=1` rewrites every reference the same way.
///   Re-record with `GIAOBAN_RECORD_SNAPSHOTS=1 swift test --filter Snapshot` and review the
///   change with `git diff`.
/// - A mismatch fails with the first differing lines and writes the output to
///   `<name>.actual.<ext>` (git-ignored) for inspection.
enum SnapshotFormat: String, Sendable {
    case html, json
}

/// Compares `text` (normalised with `SnapshotNormaliser`) with the reference snapshot `name`.
func assertSnapshot(of text: String, named name: String, as format: SnapshotFormat = .html,
                    fileID: String = #fileID, filePath: String = #filePath,
                    line: Int = #line, column: Int = #column) {
    let location = SourceLocation(fileID: fileID, filePath: filePath, line: line, column: column)
    let actual = SnapshotNormaliser.normalise(text, as: format)
    let suite = URL(fileURLWithPath: filePath).deletingPathExtension().lastPathComponent
    let folder = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        .appendingPathComponent("__Snapshots__").appendingPathComponent(suite)
    let reference = folder.appendingPathComponent("\(name).\(format.rawValue)")
    let actualFile = folder.appendingPathComponent("\(name).actual.\(format.rawValue)")
    let recording = ProcessInfo.processInfo.environment["GIAOBAN_RECORD_SNAPSHOTS"] == "1"
    let fileManager = FileManager.default

    guard !recording, let expected = try? String(contentsOf: reference, encoding: .utf8) else {
        do {
            try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
            try actual.write(to: reference, atomically: true, encoding: .utf8)
            try? fileManager.removeItem(at: actualFile)
            Issue.record("Recorded snapshot \(suite)/\(reference.lastPathComponent)\(recording ? "" : " (it was missing)"); review it and run again.",
                         sourceLocation: location)
        } catch {
            Issue.record("Could not write snapshot \(reference.path): \(error)", sourceLocation: location)
        }
        return
    }
    if expected == actual {
        try? fileManager.removeItem(at: actualFile)
        return
    }
    try? actual.write(to: actualFile, atomically: true, encoding: .utf8)
    Issue.record("""
        Snapshot \(suite)/\(reference.lastPathComponent) differs (actual output in \(actualFile.lastPathComponent)):
        \(snapshotDiff(expected: expected, actual: actual))
        """, sourceLocation: location)
}

/// The first differing lines of two texts, with line numbers (`-` reference, `+` actual).
func snapshotDiff(expected: String, actual: String, limit: Int = 8) -> String {
    let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
    // Skip the common head and tail, so an inserted line shows as one change, not a cascade.
    var head = 0
    while head < old.count, head < new.count, old[head] == new[head] { head += 1 }
    var tail = 0
    while tail < old.count - head, tail < new.count - head, old[old.count - 1 - tail] == new[new.count - 1 - tail] { tail += 1 }
    let removed = old[head..<(old.count - tail)]
    let added = new[head..<(new.count - tail)]
    func clip(_ line: Substring) -> String { line.count > 300 ? String(line.prefix(300)) + "…" : String(line) }
    var out: [String] = ["@@ line \(head + 1): \(removed.count) line(s) in the reference, \(added.count) in the output"]
    for (offset, line) in removed.prefix(limit).enumerated() { out.append("-\(head + 1 + offset): \(clip(line))") }
    if removed.count > limit { out.append("-… \(removed.count - limit) more") }
    for (offset, line) in added.prefix(limit).enumerated() { out.append("+\(head + 1 + offset): \(clip(line))") }
    if added.count > limit { out.append("+… \(added.count - limit) more") }
    return out.joined(separator: "\n")
}

/// Replaces what differs between runs and databases with stable placeholders.
enum SnapshotNormaliser {
    static func normalise(_ text: String, as format: SnapshotFormat) -> String {
        var text = text
        if format == .json { text = PrettyJSON.format(text) ?? text }
        text = replacingCSRF(text)
        text = replacingUUIDs(text)
        if !text.hasSuffix("\n") { text += "\n" }
        return text
    }

    /// The session's CSRF token, wherever it appears (forms, or anything else that echoes it).
    static func replacingCSRF(_ text: String) -> String {
        var text = text
        var seen: Set<String> = []
        while let token = Browser.extractCSRF(text) ?? jsonCSRF(text), !token.isEmpty, !seen.contains(token) {
            seen.insert(token)
            text = text.replacingOccurrences(of: token, with: "<csrf>")
        }
        return text
    }

    /// The token a page model carries (`"csrf": "…"`).
    static func jsonCSRF(_ text: String) -> String? {
        guard let match = text.firstMatch(of: /"csrf": "([^"<]+)"/) else { return nil }
        return String(match.output.1)
    }

    private static let uuid = try! NSRegularExpression(
        pattern: "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")

    /// Generated ids become `<id-1>`, `<id-2>`… in order of first appearance, so that the same id
    /// keeps its placeholder across the page (links and their targets still match up).
    static func replacingUUIDs(_ text: String) -> String {
        let ns = text as NSString
        var names: [String: String] = [:]
        var result = ""
        var cursor = 0
        for match in uuid.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            result += ns.substring(with: NSRange(location: cursor, length: match.range.location - cursor))
            let id = ns.substring(with: match.range).lowercased()
            let name = names[id] ?? "<id-\(names.count + 1)>"
            names[id] = name
            result += name
            cursor = match.range.location + match.range.length
        }
        result += ns.substring(from: cursor)
        return result
    }
}

/// Re-indents JSON with sorted keys, keeping every scalar exactly as written (numbers are not
/// round-tripped through Double, strings keep their escapes). Arrays keep their order: that is
/// part of what a snapshot checks.
enum PrettyJSON {
    indirect enum Node {
        case object([(key: String, value: Node)])
        case array([Node])
        case scalar(String)
    }

    static func format(_ text: String) -> String? {
        var parser = Parser(bytes: Array(text.utf8))
        guard let node = parser.value(), parser.atEnd else { return nil }
        var out = ""
        write(node, indent: "", into: &out)
        return out + "\n"
    }

    private static func write(_ node: Node, indent: String, into out: inout String) {
        let inner = indent + "  "
        switch node {
        case .scalar(let raw): out += raw
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += inner
                write(item, indent: inner, into: &out)
                out += index < items.count - 1 ? ",\n" : "\n"
            }
            out += indent + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{\n"
            let sorted = members.sorted { $0.key < $1.key }
            for (index, member) in sorted.enumerated() {
                out += inner + member.key + ": "
                write(member.value, indent: inner, into: &out)
                out += index < sorted.count - 1 ? ",\n" : "\n"
            }
            out += indent + "}"
        }
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool {
            mutating get { skipSpace(); return index == bytes.count }
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        }

        mutating func value() -> Node? {
            skipSpace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var members: [(key: String, value: Node)] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                while true {
                    skipSpace()
                    guard let key = string(), expect(":"), let value = value() else { return nil }
                    members.append((key, value))
                    skipSpace()
                    if expect(",") { continue }
                    return expect("}") ? .object(members) : nil
                }
            case UInt8(ascii: "["):
                index += 1
                var items: [Node] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                while true {
                    guard let item = value() else { return nil }
                    items.append(item)
                    skipSpace()
                    if expect(",") { continue }
                    return expect("]") ? .array(items) : nil
                }
            case UInt8(ascii: "\""):
                return string().map(Node.scalar)
            default:
                let start = index
                while index < bytes.count, !",]} \n\r\t".utf8.contains(bytes[index]) { index += 1 }
                guard index > start else { return nil }
                return .scalar(String(decoding: bytes[start..<index], as: UTF8.self))
            }
        }

        /// A string literal, quotes and escapes included.
        mutating func string() -> String? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let start = index
            index += 1
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
            }
            guard index < bytes.count else { return nil }
            index += 1
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func expect(_ character: Character) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == character.asciiValue! else { return false }
            index += 1
            return true
        }
    }
}
