@testable import App
import Foundation
import Leaf
import LeafKit
import NIOCore
import NIOPosix
import Testing

@Suite("#options writes what the #for loop over <option>s wrote")
struct OptionsTagTests {
    /// Templates held in memory, by name.
    struct MemorySource: LeafSource {
        var templates: [String: String]
        func file(template: String, escape: Bool, on eventLoop: any EventLoop) -> EventLoopFuture<ByteBuffer> {
            guard let text = templates[template] else { return eventLoop.makeFailedFuture(LeafError(.noTemplateExists(template))) }
            return eventLoop.makeSucceededFuture(ByteBuffer(string: text))
        }
    }

    static func render(_ template: String, _ choices: [Choice]) async throws -> String {
        let sources = LeafSources()
        try sources.register(using: MemorySource(templates: ["page": template]))
        let renderer = LeafRenderer(configuration: LeafConfiguration(rootDirectory: "/"),
                                    tags: LeafKit.defaultTags.merging(["options": OptionsTag()]) { $1 },
                                    cache: DefaultLeafCache(), sources: sources, eventLoop: MultiThreadedEventLoopGroup.singleton.any())
        let context: [String: LeafData] = ["list": .array(choices.map { choice in
            var fields: [String: LeafData] = ["value": .string(choice.value), "label": .string(choice.label), "selected": .bool(choice.selected)]
            if let hint = choice.hint { fields["hint"] = .string(hint) }
            return .dictionary(fields)
        })]
        var buffer = try await renderer.render(path: "page", context: context).get()
        return buffer.readString(length: buffer.readableBytes) ?? ""
    }

    static let choices = [
        Choice(value: "", label: "—", selected: false),
        Choice(value: "a\"b", label: "Nguyễn <Văn> & \"An\"", selected: true, hint: "buổi"),
        Choice(value: "x'y", label: "Lê Thị Ánh", selected: false, hint: ""),
        Choice(value: "z", label: "Trần An", selected: true),
    ]

    @Test("plain options: value, selected, label, escaped the same")
    func plain() async throws {
        let loop = ##"#for(c in list):<option value="#(c.value)"#if(c.selected): selected#endif>#(c.label)</option>#endfor"##
        let expected = try await Self.render(loop, Self.choices)
        #expect(expected.contains("&quot;An&quot;"))
        #expect(try await Self.render("#options(list)", Self.choices) == expected)
        #expect(try await Self.render("#options(list)", []) == "")
    }

    @Test("with a hint attribute: written for every choice that has a hint, even an empty one")
    func hinted() async throws {
        let loop = ##"#for(c in list):<option value="#(c.value)"#if(c.hint): data-unit="#(c.hint)"#endif#if(c.selected): selected#endif>#(c.label)</option>#endfor"##
        let expected = try await Self.render(loop, Self.choices)
        #expect(expected.contains(#"data-unit="buổi""#))
        #expect(try await Self.render(#"#options(list, "data-unit")"#, Self.choices) == expected)
    }
}
