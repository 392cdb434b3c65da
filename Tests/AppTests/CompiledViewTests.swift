@testable import App
import Foundation
import GiaoBanCore
import LeafKit
import Testing

/// The layout and the pages written in Swift (`HTML`, `CompiledView`): escaping, the words they ask
/// for, and the layout's branches. The pages themselves are in the HTML snapshots.
@Suite("Views written in Swift")
struct CompiledViewTests {
    @Test("An interpolated string is escaped exactly as Leaf escapes #(…), whatever it holds")
    func escapesAsLeaf() {
        var generator = SplitMix64(state: 20)
        let alphabet = Array("aă âđ&\"'<>;#x1Ệệ\u{301}😀\n\t=/")
        for _ in 0..<2000 {
            let length = Int(generator.next() % 24)
            let text = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            let html: HTML = "<p title=\"\(text)\">\(text)</p>"
            let escaped: String = text.htmlEscaped()
            let expected = "<p title=\"" + escaped + "\">" + escaped + "</p>"
            #expect(html.text == expected, Comment(rawValue: text.debugDescription))
        }
        let hostile = #""><script>alert('x')</script>&amp;"#
        let html: HTML = "<input value=\"\(hostile)\">"
        #expect(html.text == #"<input value="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;">"#)
        // HTML and numbers go in as they are; a word of the UI is escaped like any text.
        let inner: HTML = "<b>\("a&b")</b>"
        #expect(("\(inner) \(42) \(t: "app_name")" as HTML).text == "<b>a&amp;b</b> 42 GiaoBan")
    }

    @Test("Every word a view written in Swift asks for (t: \"key\") is in the strings table")
    func everyKeyExists() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/App")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
        let key = try Regex(#"\b(?:t|titleKey): "([a-z_0-9]+)""#)
        var used = 0
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            guard text.contains("-> HTML") else { continue }
            for match in text.matches(of: key) {
                let name = String(match.output[1].substring ?? "")
                used += 1
                #expect(Strings.vietnamese[name] != nil, "\(file.lastPathComponent): t: \"\(name)\" is not in Strings")
            }
        }
        #expect(used > 100, "the views were read")
    }

    static func chrome() -> PageChrome {
        PageChrome(title: "Sổ <theo dõi>", section: "ledger", communeName: "Xã \"Sơn\" & Kim", userName: "Lê Thị <b>Mai</b>",
                   roleNames: "Văn phòng", nav: [.init(href: "/ledger/weeks/current", label: "Sổ theo dõi", current: true),
                                                   .init(href: "/", label: "Trang chủ", current: false)],
                   adminNav: [.init(href: "/admin/units", label: "Đơn vị", current: false)],
                   weekTitle: "Tuần 45/2026", nextDue: "Báo cáo tuần chưa nộp: quá 1 ngày", nextDueShort: "Chưa nộp",
                   nextDueOverdue: true, csrf: "token'1", flash: "Đã lưu.", unreadCount: 3)
    }

    @Test("The layout: values escaped, the current menu item marked, the bell's count, an overdue report linked, the notice")
    func layoutSignedIn() {
        let html = PageLayout.page(Self.chrome(), body: "<h1>Nội dung</h1>").text
        #expect(html.hasPrefix("<!doctype html>\n<html lang=\"vi\">"))
        #expect(html.contains("<title>Sổ &lt;theo dõi&gt; · GiaoBan</title>"))
        #expect(html.contains(#"<span class="commune">Xã &quot;Sơn&quot; &amp; Kim</span>"#))
        #expect(html.contains(#"<span class="user">Lê Thị &lt;b&gt;Mai&lt;/b&gt; · Văn phòng</span>"#))
        #expect(html.contains(#"<li><a href="/ledger/weeks/current" aria-current="page">Sổ theo dõi</a></li><li><a href="/">Trang chủ</a></li>"#))
        #expect(html.contains(#"<span class="bell-label">Thông báo</span> <span class="count">3</span></a>"#))
        #expect(html.contains(#"<nav class="admin-nav" aria-label="Quản trị">"#))
        #expect(html.contains(#"<input type="hidden" name="_csrf" value="token&#39;1">"#))
        #expect(html.contains(#"<p class="next-due overdue"><a href="/reports/current"><span class="due-long">Báo cáo tuần chưa nộp: quá 1 ngày</span>"#))
        #expect(html.contains(#"<span class="week">Tuần 45/2026</span>"#))
        #expect(html.contains(#"<p class="notice" role="status">Đã lưu.</p>"#))
        #expect(html.contains("<main id=\"main\" tabindex=\"-1\">"))
        #expect(html.contains("<h1>Nội dung</h1>\n</main>"))
    }

    @Test("The layout signed out: no menu, no bell, no deadline line")
    func layoutSignedOut() {
        var chrome = Self.chrome()
        chrome.userName = nil
        chrome.adminNav = []
        let html = PageLayout.page(chrome, body: "").text
        #expect(!html.contains("class=\"bell\""))
        #expect(!html.contains("<details class=\"menu\""))
        #expect(!html.contains("where-line"))
        #expect(html.contains("<a class=\"brand\" href=\"/\">GiaoBan</a>"))
    }
}
