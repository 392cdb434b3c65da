@testable import App
import Foundation
import GiaoBanCore
import Testing
import VaporTesting

/// Every list of people and units shown or served is in Vietnamese order (issue 17): D before Đ,
/// tones after letters, people by given name.
@Suite("Lists in Vietnamese alphabetical order")
struct VietnameseOrderTests {
    /// The link texts of a page's table rows that point under `prefix`, in order.
    static func linkTexts(_ html: String, prefix: String) -> [String] {
        html.components(separatedBy: "<a href=\"\(prefix)").dropFirst().compactMap {
            $0.components(separatedBy: "\">").dropFirst().first?.components(separatedBy: "</a>").first
        }.filter { !$0.isEmpty && !$0.contains("<") }
    }

    @Test("The admin's units and people pages, and the directory API")
    func adminListsAndAPI() async throws {
        try await withTestApp { t in
            let admin = t.browser()
            try await admin.login(TestApp.Demo.admin)
            let units = Self.linkTexts(try await admin.get("/admin/units").body.string, prefix: "/admin/units/")
                .filter { $0 != "new" }
            #expect(units.count > 10)
            #expect(units == units.sortedVietnamese { $0 })
            // The demo has Đảng ủy and Đoàn Thanh niên: after the D-words, before the H-words.
            let dang = try #require(units.firstIndex(of: "Đảng ủy"))
            #expect(units.prefix(dang).allSatisfy { !$0.hasPrefix("H") })

            struct Person: Decodable { var fullName: String }
            struct People: Decodable { var items: [Person] }
            let token = try await t.token(TestApp.Demo.admin)
            let people = try await t.api(.GET, "/api/v1/people", token: token).content.decode(People.self).items.map(\.fullName)
            #expect(people.count > 20)
            #expect(people == people.sortedByVietnameseName { $0 })
            struct Unit: Decodable { var name: String }
            struct Units: Decodable { var items: [Unit] }
            let apiUnits = try await t.api(.GET, "/api/v1/units", token: token).content.decode(Units.self).items.map(\.name)
            #expect(apiUnits == apiUnits.sortedVietnamese { $0 })
        }
    }
}
