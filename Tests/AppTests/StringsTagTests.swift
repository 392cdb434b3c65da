@testable import App
import Foundation
import Testing

@Suite("Templates ask for the UI's words by key")
struct StringsTagTests {
    static let views = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Resources/Views")

    static func templates() throws -> [(name: String, text: String)] {
        let files = FileManager.default.enumerator(at: views, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "leaf" } ?? []
        return try files.map { ($0.lastPathComponent, try String(contentsOf: $0, encoding: .utf8)) }
    }

    @Test("Every #t(\"key\") in a template names a string of the table; no template reads the old t.key")
    func everyKeyExists() throws {
        let templates = try Self.templates()
        #expect(templates.count > 40)
        let tag = try Regex(#"#t\("([a-z_0-9]+)"\)"#)
        var used = 0
        for template in templates {
            for match in template.text.matches(of: tag) {
                let key = String(match.output[1].substring ?? "")
                used += 1
                #expect(Strings.vietnamese[key] != nil, "\(template.name): #t(\"\(key)\") is not in Strings")
            }
            #expect(!template.text.contains("#(t."), "\(template.name) still reads the strings table")
        }
        #expect(used > 700)
    }
}
