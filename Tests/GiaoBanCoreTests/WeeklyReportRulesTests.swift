import Foundation
import Testing
@testable import GiaoBanCore

@Suite("Weekly report rules")
struct WeeklyReportRulesTests {
    let calendar = CommuneCalendar()
    let count = UUID(), decimal = UUID(), yesNo = UUID(), room = UUID(), person = UUID()

    var context: WeeklyReportContext {
        WeeklyReportContext(targets: [count: .count, decimal: .decimal, yesNo: .yesNo], activityTypes: ["BC", "CV"],
                            roomIDs: [room], personIDs: [person], planWeek: try! calendar.week(parsing: "2021-W34"))
    }

    @Test("A work line without a quantity is refused with a Vietnamese message; blank lines are dropped")
    func quantityRequired() {
        let input = WeeklyReportInput(work: [
            .init(description: "Ban hành công văn", quantity: "2", unit: "công văn", activityType: "CV"),
            .init(),
            .init(description: "Tuyên truyền trên loa", quantity: "", unit: "lần"),
            .init(description: "Vận động hộ dân", quantity: "1.234,5", unit: "hộ"),
        ])
        let (report, problems) = WeeklyReportRules.validate(input, context: context)
        #expect(problems["work[2].quantity"]?.hasPrefix("Thiếu số lượng") == true)
        #expect(problems.count == 1)
        #expect(report.work.map(\.quantity) == [2, Decimal(string: "1234.5")!])
        #expect(report.work[0].activityType == "CV")
    }

    @Test("An exact number written as typed reads back as the same number, never as thousands or rounded")
    func typedNumbersRoundTrip() throws {
        let cases = ["0.3", "1.1", "12.345", "1200", "1234.5", "-0.5", "0", "0.0000001", "123456789012.123456",
                     "0.30000000000000004", "98765432109876543210.5"]
        for text in cases {
            let value = try #require(Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")))
            let typed = WeeklyReportInput.typed(value)
            #expect(VietnameseNumber.parse(typed) == value, "\(text) → \(typed)")
        }
        #expect(WeeklyReportInput.typed(Decimal(string: "12.345")!) == "12,345")
        #expect(WeeklyReportInput.typed(1200) == "1.200")
        // A JSON number with more decimals than are stored reaches the rules whole, and is refused.
        let input = WeeklyReportInput(figures: [.init(targetID: decimal, value: WeeklyReportInput.typed(Decimal(string: "0.30000000000000004")!),
                                                      completed: true)])
        #expect(WeeklyReportRules.validate(input, context: context).problems["targets[0].value"] == VietnameseNumber.tooPreciseMessage)
    }

    @Test("Units, descriptions, unknown activity types and non-positive quantities are refused")
    func workProblems() {
        let input = WeeklyReportInput(work: [
            .init(description: "", quantity: "3", unit: ""),
            .init(description: "Họp", quantity: "0", unit: "cuộc", activityType: "XX"),
            .init(description: "Họp", quantity: "abc", unit: "cuộc"),
        ])
        let problems = WeeklyReportRules.validate(input, context: context).problems
        #expect(Set(problems.keys) == ["work[0].description", "work[0].unit", "work[1].quantity", "work[1].activityType", "work[2].quantity"])
    }

    @Test("Figures: Vietnamese numbers, whole counts, yes/no words, unknown targets")
    func figures() {
        let input = WeeklyReportInput(figures: [
            .init(targetID: count, value: "1.850", completed: true),
            .init(targetID: decimal, value: "3,5", completed: false),
            .init(targetID: yesNo, value: "Đạt", completed: true),
            .init(targetID: UUID(), value: "1", completed: true),
        ])
        let (report, problems) = WeeklyReportRules.validate(input, context: context)
        #expect(Set(problems.keys) == ["targets[3].targetId"])
        #expect(report.figures.map(\.value) == [1850, Decimal(string: "3.5")!, 1])
        #expect(report.figures[1].completed == false)
        let bad = WeeklyReportRules.validate(WeeklyReportInput(figures: [
            .init(targetID: count, value: "2,5", completed: true), .init(targetID: yesNo, value: "có lẽ", completed: true),
            .init(targetID: decimal, value: "-1", completed: true),
        ]), context: context).problems
        #expect(Set(bad.keys) == ["targets[0].value", "targets[1].value", "targets[2].value"])
        // An empty value is simply not reported this week.
        #expect(WeeklyReportRules.validate(WeeklyReportInput(figures: [.init(targetID: count, value: " ", completed: true)]), context: context).report.figures.isEmpty)
    }

    @Test("Plan items fall in next week, end after they start, and name real rooms and people")
    func plans() {
        let good = WeeklyReportInput.PlanLine(date: "23/08/2021", start: "07:30", end: "09:00", title: "Họp giao ban UBND",
                                              roomID: room.uuidString, chairID: person.uuidString, participantIDs: [person.uuidString, person.uuidString])
        let wrongWeek = WeeklyReportInput.PlanLine(date: "2021-08-20", start: "07:30", end: "09:00", title: "X")
        let backwards = WeeklyReportInput.PlanLine(date: "2021-08-24", start: "10:00", end: "10:00", title: "Y", roomID: UUID().uuidString)
        let (report, problems) = WeeklyReportRules.validate(WeeklyReportInput(plans: [good, wrongWeek, backwards]), context: context)
        #expect(Set(problems.keys) == ["plans[1].date", "plans[2].end", "plans[2].roomId"])
        #expect(problems["plans[1].date"] == "Kế hoạch là cho tuần tới: từ 21/08/2021 đến 27/08/2021.")
        #expect(report.plans.count == 1)
        #expect(report.plans[0].participantIDs == [person])
        #expect(report.plans[0].date == LocalDate(year: 2021, month: 8, day: 23))
    }

    @Test("Text is stored in NFC")
    func nfc() {
        let decomposed = "Tuye\u{302}\u{300}n truye\u{302}\u{300}n"
        let report = WeeklyReportRules.validate(WeeklyReportInput(work: [.init(description: decomposed, quantity: "1", unit: "lần")]), context: context).report
        #expect(report.work[0].description == "Tuyền truyền".precomposedStringWithCanonicalMapping)
        #expect(report.work[0].description.unicodeScalars.count == report.work[0].description.count)
    }
}
