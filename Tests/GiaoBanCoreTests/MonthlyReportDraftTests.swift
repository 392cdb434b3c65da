import Foundation
import Testing
@testable import GiaoBanCore

@Suite("Monthly report draft from weekly reports")
struct MonthlyReportDraftTests {
    static let households = UUID(uuidString: "00000000-0000-0000-0000-00000000000A")!
    static let quarantined = UUID(uuidString: "00000000-0000-0000-0000-00000000000B")!
    static let peak = UUID(uuidString: "00000000-0000-0000-0000-00000000000C")!

    static let targets = [
        MonthlyTarget(id: households, code: "KT-01", name: "Hộ được vận động", unitOfMeasure: "hộ", planned: 320, kind: .count, rule: .sum),
        MonthlyTarget(id: quarantined, code: "YT-02", name: "Người đang cách ly", unitOfMeasure: "người", planned: nil, kind: .count, rule: .latest),
        MonthlyTarget(id: peak, code: "YT-03", name: "Ca mắc cao nhất trong tuần", unitOfMeasure: "ca", planned: 10, kind: .count, rule: .max),
    ]

    static func week(_ text: String) -> ReportWeekID { ReportWeekID(text)! }

    @Test("August 2021 (calendar month): the period's weeks and the year to date, per rule")
    func august2021() throws {
        let calendar = CalFixture.calendar
        let period = ReportingPeriods.period(forMonth: 8, year: 2021, rule: .calendarMonth)
        let periodWeeks = ReportingPeriods.weeks(in: period, calendar: calendar)
        // Fridays 06, 13, 20, 27 August name weeks 31–34.
        #expect(periodWeeks.map(\.description) == ["2021-W31", "2021-W32", "2021-W33", "2021-W34"])
        let toDate = ReportingPeriods.weeksToDate(throughMonth: 8, year: 2021, rule: .calendarMonth, calendar: calendar)
        #expect(toDate.first?.description == "2021-W01")
        #expect(toDate.last?.description == "2021-W34")

        let figures = [
            WeekFigure(targetID: Self.households, week: Self.week("2021-W20"), value: 100),
            WeekFigure(targetID: Self.households, week: Self.week("2021-W31"), value: 10),
            WeekFigure(targetID: Self.households, week: Self.week("2021-W33"), value: 5),
            WeekFigure(targetID: Self.households, week: Self.week("2021-W33"), value: 7),         // a second reporter
            WeekFigure(targetID: Self.households, week: Self.week("2021-W34"), value: 50, completed: false), // not done yet
            WeekFigure(targetID: Self.households, week: Self.week("2021-W35"), value: 1000),      // September
            WeekFigure(targetID: Self.quarantined, week: Self.week("2021-W30"), value: 40),
            WeekFigure(targetID: Self.quarantined, week: Self.week("2021-W32"), value: 12),
            WeekFigure(targetID: Self.peak, week: Self.week("2021-W10"), value: 9),
            WeekFigure(targetID: Self.peak, week: Self.week("2021-W32"), value: 4),
        ]
        let lines = MonthlyReportDraft.figureLines(targets: Self.targets, figures: figures, periodWeeks: periodWeeks, weeksToDate: toDate)
        #expect(lines.map(\.code) == ["KT-01", "YT-02", "YT-03"])
        #expect(lines[0].monthValue == 22)
        #expect(lines[0].yearToDate == 122)
        #expect(lines[0].percentOfPlan == Decimal(string: "38.1"))
        #expect(lines[1].monthValue == 12)
        #expect(lines[1].yearToDate == 12)
        #expect(lines[1].percentOfPlan == nil)
        #expect(lines[2].monthValue == 4)
        #expect(lines[2].yearToDate == 9)
        #expect(lines[2].percentOfPlan == 90)
    }

    @Test("no figure in the period: nil, not zero")
    func emptyPeriod() {
        let lines = MonthlyReportDraft.figureLines(targets: Self.targets, figures: [], periodWeeks: [Self.week("2021-W31")],
                                                   weeksToDate: [Self.week("2021-W31")])
        #expect(lines.allSatisfy { $0.monthValue == nil && $0.yearToDate == nil && $0.percentOfPlan == nil })
    }

    @Test("January under the 15th–14th cut-off takes weeks named in the previous year")
    func cutOffJanuary() {
        let calendar = CalFixture.calendar
        let rule = MonthlyPeriodRule.stateCutOff
        let period = ReportingPeriods.period(forMonth: 1, year: 2022, rule: rule)
        let weeks = ReportingPeriods.weeks(in: period, calendar: calendar)
        // Fridays 17/12, 24/12, 31/12/2021, 07/01 and 14/01/2022 (the period's last day).
        #expect(weeks.map(\.description) == ["2021-W50", "2021-W51", "2021-W52", "2022-W01", "2022-W02"])
        let toDate = ReportingPeriods.weeksToDate(throughMonth: 1, year: 2022, rule: rule, calendar: calendar)
        #expect(toDate == weeks)
        let figures = [
            WeekFigure(targetID: Self.households, week: Self.week("2021-W49"), value: 1000), // 10/12: last year's December
            WeekFigure(targetID: Self.households, week: Self.week("2021-W51"), value: 3),
            WeekFigure(targetID: Self.households, week: Self.week("2022-W01"), value: 4),
        ]
        let line = MonthlyReportDraft.figureLines(targets: [Self.targets[0]], figures: figures, periodWeeks: weeks, weeksToDate: toDate)[0]
        #expect(line.monthValue == 7)
        #expect(line.yearToDate == 7)
    }

    @Test("latest across a year boundary takes the later week")
    func latestAcrossYears() {
        let figures = [
            WeekFigure(targetID: Self.quarantined, week: Self.week("2021-W52"), value: 8),
            WeekFigure(targetID: Self.quarantined, week: Self.week("2022-W01"), value: 3),
        ]
        let weeks: Set<ReportWeekID> = [Self.week("2021-W52"), Self.week("2022-W01")]
        #expect(MonthlyReportDraft.value(rule: .latest, figures: figures, weeks: weeks) == 3)
        #expect(MonthlyReportDraft.value(rule: .max, figures: figures, weeks: weeks) == 8)
        #expect(MonthlyReportDraft.value(rule: .sum, figures: figures, weeks: weeks) == 11)
    }

    @Test("the same work over several weeks merges into one line; units never mix")
    func mergedWork() {
        let work = [
            WorkQuantity(description: "Tuyên truyền phòng chống dịch", quantity: 3, unit: "buổi", activityType: "tuyen_truyen"),
            WorkQuantity(description: "Kiểm tra chốt kiểm soát", quantity: 2, unit: "lượt"),
            WorkQuantity(description: "tuyên truyền  phòng chống dịch ", quantity: 4, unit: "Buổi", activityType: "tuyen_truyen"),
            WorkQuantity(description: "Tuyên truyền phòng chống dịch", quantity: 1, unit: "bài", activityType: "tuyen_truyen"),
            WorkQuantity(description: "Kiem tra chot kiem soat", quantity: 1, unit: "lượt"),
        ]
        let merged = WorkTotals.merged(work)
        #expect(merged.count == 4)
        #expect(merged[0].quantity == 7)
        #expect(merged[0].description == "Tuyên truyền phòng chống dịch")
        #expect(merged[1].quantity == 2)   // diacritics count: the unaccented line stays apart
        #expect(merged[3].description == "Kiem tra chot kiem soat")

        let totals = WorkTotals.byActivity(work, typeNames: ["tuyen_truyen": "Tuyên truyền"])
        #expect(totals.map(\.name) == ["Tuyên truyền", "Tuyên truyền", "Khác"])
        // Ties in name sort by unit as Swift compares strings ("buổi" before "bài").
        #expect(totals.map(\.unit) == ["buổi", "bài", "lượt"])
        #expect(totals.map(\.quantity) == [7, 1, 3])
        #expect(totals.map(\.lines) == [2, 1, 2])
    }

    @Test("the results paragraph lists merged work under the activity names, Vietnamese numbers")
    func resultsText() {
        let work = [
            WorkQuantity(description: "Hỗ trợ làm đường", quantity: Decimal(string: "1.5")!, unit: "km", activityType: "ntm"),
            WorkQuantity(description: "Họp dân", quantity: 2, unit: "cuộc"),
            WorkQuantity(description: "Hỗ trợ làm đường", quantity: 1, unit: "km", activityType: "ntm"),
        ]
        let text = MonthlyReportDraft.resultsText(work: work, typeNames: ["ntm": "Xây dựng nông thôn mới"])
        #expect(text == """
            Xây dựng nông thôn mới:
            - Hỗ trợ làm đường: 2,5 km.
            Công việc khác:
            - Họp dân: 2 cuộc.
            """)
        #expect(MonthlyReportDraft.resultsText(work: [], typeNames: [:]) == "")
    }

    @Test("settings stored before the period rule existed decode as calendar months; the cut-off round-trips")
    func settingsPeriodRule() throws {
        var settings = CalendarSettings.letterDefaults
        let encoded = try JSONEncoder().encode(settings)
        var object = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        object.removeValue(forKey: "monthlyPeriodRule")
        let old = try JSONSerialization.data(withJSONObject: object)
        let decoded = try JSONDecoder().decode(CalendarSettings.self, from: old)
        #expect(decoded.monthlyPeriodRule == .stateCutOff)
        #expect(decoded == settings)

        settings.monthlyPeriodRule = .calendarMonth
        #expect(try JSONDecoder().decode(CalendarSettings.self, from: JSONEncoder().encode(settings)).monthlyPeriodRule == .calendarMonth)
        settings.monthlyPeriodRule = .stateCutOff
        let again = try JSONDecoder().decode(CalendarSettings.self, from: JSONEncoder().encode(settings))
        #expect(again.monthlyPeriodRule == .cutOff(day: 15))
        settings.monthlyPeriodRule = .cutOff(day: 31)
        #expect(throws: CalendarError.self) { try settings.validated() }
    }
}

@Suite("Which months the ledger owes")
struct MonthsBegunTests {
    @Test("Monthly reports: a month counts once its period has begun; the cut-off starts December on 15/11")
    func reportMonths() {
        let day = LocalDate(year: 2021, month: 11, day: 20)!
        #expect(ReportingPeriods.reportMonthsBegun(inYear: 2021, rule: .calendarMonth, today: day).map(\.month) == Array(1...11))
        #expect(ReportingPeriods.reportMonthsBegun(inYear: 2021, rule: .stateCutOff, today: day).map(\.month) == Array(1...12))
        #expect(ReportingPeriods.reportMonthsBegun(inYear: 2021, rule: .stateCutOff, today: LocalDate(year: 2021, month: 11, day: 14)!).count == 11)
        // Across the year boundary: January 2022's cut-off period begins on 15/12/2021.
        #expect(ReportingPeriods.reportMonthsBegun(inYear: 2022, rule: .stateCutOff, today: LocalDate(year: 2021, month: 12, day: 15)!)
                    .map(\.description) == ["2022-01"])
        #expect(ReportingPeriods.reportMonthsBegun(inYear: 2022, rule: .calendarMonth, today: LocalDate(year: 2021, month: 12, day: 31)!).isEmpty)
    }

    @Test("Cell reports: calendar months that have begun, whatever the monthly rule")
    func cellMonths() {
        #expect(CellReportPeriod.monthsBegun(inYear: 2021, today: LocalDate(year: 2021, month: 9, day: 1)!).map(\.month) == Array(1...9))
        #expect(CellReportPeriod.monthsBegun(inYear: 2021, today: LocalDate(year: 2020, month: 12, day: 31)!).isEmpty)
        #expect(CellReportPeriod.monthsBegun(inYear: 2020, today: LocalDate(year: 2021, month: 1, day: 1)!).count == 12)
    }

    @Test("The average share of plan: one decimal, half away from zero; nil without targets")
    func average() {
        #expect(YearToDate.averagePercent([]) == nil)
        #expect(YearToDate.averagePercent([10, 20, Decimal(string: "30.15")!]) == Decimal(string: "20.1"))
        #expect(YearToDate.averagePercent([Decimal(string: "0.05")!]) == Decimal(string: "0.1"))
    }
}
