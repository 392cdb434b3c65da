import Foundation
import Testing
@testable import GiaoBanCore

@Suite("Forgiving input: times, quantities with units, work lines as sentences")
struct ForgivingInputTests {
    @Test("times as typed on a number pad or in a letter", arguments: [
        ("7", "07:00"), ("07", "07:00"), ("0730", "07:30"), ("730", "07:30"), ("7.30", "07:30"), ("7:30", "07:30"),
        ("7h", "07:00"), ("7h30", "07:30"), ("7g30", "07:30"), ("7H30", "07:30"), ("7 giờ 30", "07:30"), ("7 giờ", "07:00"),
        ("7g", "07:00"), ("14h05", "14:05"), ("1730", "17:30"), ("0", "00:00"), ("23:59", "23:59"), ("  8,15 ", "08:15"),
        ("7h30p", "07:30"), ("7h30'", "07:30"), ("07:30", "07:30"), ("16 h 30", "16:30"), ("2359", "23:59"), ("0000", "00:00"),
        ("7 30", "07:30"),
    ])
    func readsTimes(text: String, expected: String) {
        #expect(TypedTime.time(text)?.text == expected)
    }

    @Test("nonsense is refused with the reason", arguments: [
        ("25", TypedTime.Problem.hour), ("24", .hour), ("2530", .hour), ("24h", .hour),
        ("7:75", .minute), ("0790", .minute), ("7h60", .minute), ("7.99", .minute),
        ("", .unreadable), ("sáng", .unreadable), ("7:3", .unreadable), ("12345", .unreadable), ("7.3", .unreadable),
        ("7:30:00", .unreadable), ("h30", .unreadable), ("-7", .unreadable), ("7:", .unreadable), ("7.", .unreadable),
        ("123h", .unreadable), ("7h3", .unreadable), ("٧", .unreadable), ("7am", .unreadable),
    ])
    func refusesNonsense(text: String, problem: TypedTime.Problem) {
        #expect(TypedTime.parse(text) == .failure(problem))
        #expect(!problem.vietnameseMessage.isEmpty)
    }

    @Test("a quantity typed with its unit is split", arguments: [
        ("3 buổi", "3", "buổi"), ("1,5 ha", "1.5", "ha"), ("12 hộ", "12", "hộ"), ("1.200 lượt", "1200", "lượt"),
        ("3buổi", "3", "buổi"), ("2 lượt người", "2", "lượt người"), ("0,5 km", "0.5", "km"), ("150 triệu đồng", "150", "triệu đồng"),
        ("  7   cuộc  họp ", "7", "cuộc họp"), ("1.234,5 m2", "1234.5", "m2"), ("85 %", "85", "%"),
    ])
    func splitsQuantity(text: String, quantity: String, unit: String) throws {
        let split = try #require(QuantityInput.split(text))
        #expect(split.quantity == Decimal(string: quantity, locale: Locale(identifier: "en_US_POSIX")))
        #expect(split.unit == unit)
    }

    @Test("nothing to split", arguments: ["3", "1,5", "", "buổi", "ba buổi", "3 a b c d e", "1,2,3 hộ", "-3 hộ", "7h30", "12/5"])
    func noSplit(text: String) {
        #expect(QuantityInput.split(text) == nil)
    }

    @Test func splitQuantityReadsTheVietnameseWay() {
        #expect(QuantityInput.split("1,5 ha")?.quantityText == "1,5")
        #expect(QuantityInput.split("1.200 lượt")?.quantityText == "1.200")
    }

    /// A corpus of commune work lines as reporters write them (Fixtures/work-lines.txt): each
    /// line's proposed quantity and unit, or none when its numbers are dates, places or documents.
    @Test func proposesFromTheCorpus() throws {
        let url = try #require(Bundle.module.url(forResource: "work-lines", withExtension: "txt", subdirectory: "Fixtures"))
        let rows = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(rows.count >= 300)
        var failures: [String] = []
        var withQuantity = 0
        for row in rows {
            let parts = row.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            try #require(parts.count == 3, "malformed corpus row: \(row)")
            let proposal = QuantityInput.propose(parts[0])
            let expected: QuantityInput.Split? = parts[1].isEmpty ? nil
                : QuantityInput.Split(quantity: VietnameseNumber.parse(parts[1])!, unit: parts[2])
            if expected != nil { withQuantity += 1 }
            if proposal != expected {
                failures.append("\(parts[0]) → \(proposal.map { "\($0.quantityText) \($0.unit)" } ?? "none"), expected \(parts[1]) \(parts[2])")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) lines: \(failures.joined(separator: "\n"))")
        // Both kinds are represented: lines with a quantity, and lines whose numbers are not one.
        #expect(withQuantity >= 250)
        #expect(rows.count - withQuantity >= 25)
    }

    @Test("sentences", arguments: [
        ("Vận động 12 hộ vay vốn tại Kim Lộc", "12", "hộ"),
        ("vận động 12hộ vay vốn", "12", "hộ"),
        ("Họp (2 cuộc) với thôn", "2", "cuộc"),
        ("Kiểm tra thôn 5: 3 hộ vi phạm", "3", "hộ"),
    ])
    func proposesFromSentences(sentence: String, quantity: String, unit: String) throws {
        let proposal = try #require(QuantityInput.propose(sentence))
        #expect(proposal.quantityText == quantity)
        #expect(proposal.unit == unit)
    }

    @Test("no proposal", arguments: ["", "Họp giao ban", "Họp lúc 7h30 ngày 12/5", "Thôn 5 và xóm 2", "Đạt 85%", "Nghị quyết 15 của Đảng ủy",
                                      "0 hộ", "Trực tết 2027"])
    func noProposal(sentence: String) {
        #expect(QuantityInput.propose(sentence) == nil)
    }

    @Test func rulesSplitQuantityAndReadTypedTimes() throws {
        let planWeek = try CommuneCalendar().week(parsing: "2026-W50")
        let context = WeeklyReportContext(targets: [:], activityTypes: [], roomIDs: [], personIDs: [], planWeek: planWeek)
        let day = planWeek.start.vietnamese
        let input = WeeklyReportInput(
            work: [.init(description: "Tập huấn", quantity: "3 buổi"), .init(description: "Trồng lúa", quantity: "1,5 ha", unit: "ha"),
                   .init(description: "Họp", quantity: "2 cuộc", unit: "buổi")],
            plans: [.init(date: day, start: "7g30", end: "11", title: "Họp thôn"), .init(date: day, start: "25", end: "7:75", title: "Sai giờ")])
        let (report, problems) = WeeklyReportRules.validate(input, context: context)
        #expect(report.work.map(\.unit) == ["buổi", "ha"])
        #expect(report.work.map(\.quantity) == [3, Decimal(string: "1.5", locale: Locale(identifier: "en_US_POSIX"))!])
        // Two different units: refused, with both named.
        #expect(problems["work[2].quantity"]?.contains("buổi") == true)
        #expect(report.plans.first.map { "\($0.start.text)-\($0.end.text)" } == "07:30-11:00")
        #expect(problems["plans[1].start"]?.contains("0 đến 23") == true)
        #expect(problems["plans[1].end"]?.contains("00 đến 59") == true)

        let shown = WeeklyReportRules.normalised(input)
        #expect(shown.work.map(\.quantity) == ["3", "1,5", "2 cuộc"])
        #expect(shown.work.map(\.unit) == ["buổi", "ha", "buổi"])
        #expect(shown.plans.map(\.start) == ["07:30", "25"])
    }
}
