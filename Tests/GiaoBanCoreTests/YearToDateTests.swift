import Foundation
import Testing
@testable import GiaoBanCore

@Suite("Lũy kế từ đầu năm")
struct YearToDateTests {
    private func fig(_ week: Int, _ value: Decimal, completed: Bool = true) -> WeeklyFigure {
        WeeklyFigure(weekIndex: week, value: value, completed: completed)
    }

    @Test func sumAddsCompletedWeeksUpToTheGivenWeek() {
        let figures = [fig(1, 3), fig(2, 4), fig(5, 10), fig(6, 100)]
        #expect(YearToDate.value(rule: .sum, figures: figures, throughWeek: 5) == 17)
        #expect(YearToDate.value(rule: .sum, figures: figures, throughWeek: 6) == 117)
        #expect(YearToDate.value(rule: .sum, figures: figures, throughWeek: 1) == 3)
    }

    @Test func workInProgressDoesNotCount() {
        let figures = [fig(1, 3), fig(2, 4, completed: false), fig(3, 1)]
        #expect(YearToDate.value(rule: .sum, figures: figures, throughWeek: 3) == 4)
        #expect(YearToDate.value(rule: .latest, figures: [fig(1, 3), fig(2, 9, completed: false)], throughWeek: 2) == 3)
        #expect(YearToDate.value(rule: .max, figures: [fig(1, 3), fig(2, 9, completed: false)], throughWeek: 2) == 3)
        #expect(YearToDate.value(rule: .sum, figures: [fig(2, 9, completed: false)], throughWeek: 2) == nil)
    }

    @Test func latestTakesTheLatestWeekThatHasAFigure() {
        let figures = [fig(3, 12), fig(1, 20), fig(7, 5), fig(9, 40)]
        #expect(YearToDate.value(rule: .latest, figures: figures, throughWeek: 8) == 5)
        #expect(YearToDate.value(rule: .latest, figures: figures, throughWeek: 9) == 40)
        #expect(YearToDate.value(rule: .latest, figures: figures, throughWeek: 2) == 20)
    }

    @Test func latestValueZeroIsAValue() {
        // Nobody in quarantine any more is 0, not "no figure".
        #expect(YearToDate.value(rule: .latest, figures: [fig(1, 6), fig(2, 0)], throughWeek: 2) == 0)
    }

    @Test func maxTakesTheLargestWeek() {
        let figures = [fig(1, 2), fig(2, 8), fig(3, 5), fig(10, 50)]
        #expect(YearToDate.value(rule: .max, figures: figures, throughWeek: 3) == 8)
        #expect(YearToDate.value(rule: .max, figures: figures, throughWeek: 10) == 50)
    }

    @Test func figuresOfTheSameWeekAreAddedFirst() {
        // Two villages report the people quarantined in week 4.
        let figures = [fig(3, 10), fig(4, 2), fig(4, 3)]
        #expect(YearToDate.value(rule: .latest, figures: figures, throughWeek: 4) == 5)
        #expect(YearToDate.value(rule: .max, figures: figures, throughWeek: 4) == 10)
        #expect(YearToDate.value(rule: .sum, figures: figures, throughWeek: 4) == 15)
    }

    /// The rule as the SPEC words it, with a dictionary of weekly totals (how it was first written).
    private func reference(rule: YearToDateRule, figures: [WeeklyFigure], throughWeek: Int) -> Decimal? {
        guard throughWeek >= 1 else { return nil }
        var weekTotals: [Int: Decimal] = [:]
        for figure in figures where figure.completed && figure.weekIndex >= 1 && figure.weekIndex <= throughWeek {
            weekTotals[figure.weekIndex, default: 0] += figure.value
        }
        guard !weekTotals.isEmpty else { return nil }
        switch rule {
        case .sum: return weekTotals.values.reduce(Decimal(0), +)
        case .latest: return weekTotals[weekTotals.keys.max()!]
        case .max: return weekTotals.values.max()
        }
    }

    @Test func sameAsTheRuleOnRandomYears() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let figures = (0..<Int.random(in: 0...60, using: &generator)).map { _ in
                WeeklyFigure(weekIndex: Int.random(in: -1...53, using: &generator),
                             value: Decimal(Int.random(in: -50...500, using: &generator)) / 10,
                             completed: Int.random(in: 0...4, using: &generator) > 0)
            }
            let week = Int.random(in: -1...60, using: &generator)
            for rule in YearToDateRule.allCases {
                #expect(YearToDate.value(rule: rule, figures: figures, throughWeek: week) == reference(rule: rule, figures: figures, throughWeek: week))
            }
        }
    }

    /// What the database keeps per weekly figure (`YearToDate.running`) answers as the rule does
    /// through every week: through a week with a figure, its own running value; through a week
    /// without, the running value of the latest week before it that has a figure (none: nil).
    @Test func runningEqualsTheRuleThroughEveryWeek() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1_000 {
            // One figure per week, as the database holds them, some not completed.
            let weeks = Set((0..<Int.random(in: 0...53, using: &generator)).map { _ in Int.random(in: 1...53, using: &generator) })
            let figures = weeks.shuffled(using: &generator).map { week in
                WeeklyFigure(weekIndex: week, value: Decimal(Int.random(in: -50...500, using: &generator)) / 10,
                             completed: Int.random(in: 0...4, using: &generator) > 0)
            }
            let running = YearToDate.running(figures)
            #expect(Set(running.keys) == weeks)
            for through in 1...53 {
                let kept = running.filter { $0.key <= through }.max { $0.key < $1.key }?.value
                for rule in YearToDateRule.allCases {
                    #expect(kept?.value(rule: rule) == YearToDate.value(rule: rule, figures: figures, throughWeek: through),
                            "\(rule) through week \(through)")
                }
            }
        }
        let early = YearToDate.running([WeeklyFigure(weekIndex: 2, value: 4, completed: false), WeeklyFigure(weekIndex: 3, value: 5)])
        #expect(early[2] == RunningYearToDate(), "a figure not completed counts nowhere, not even as 0")
        #expect(early[3] == RunningYearToDate(sum: 5, max: 5, latest: 5))
    }

    /// What a page shows through a week from the figures the database keeps: the week's own
    /// figure only when completed, the year-to-date of the latest figure at or before the week.
    @Test func throughAWeekFromTheKeptFigures() {
        let figures = [fig(2, 7), fig(3, 4), fig(4, 100, completed: false), fig(6, 0)]
        let running = YearToDate.running(figures)
        let kept = figures.map { YearToDate.KeptFigure(week: $0.weekIndex, value: $0.value, completed: $0.completed, running: running[$0.weekIndex]!) }
        let week3 = YearToDate.through(week: 3, kept: kept, rule: .sum)
        #expect(week3.weekValue == 4 && week3.yearToDate == 11)
        let week4 = YearToDate.through(week: 4, kept: kept, rule: .sum)
        #expect(week4.weekValue == nil && week4.yearToDate == 11, "a figure not completed is no figure of the week and adds nothing")
        let week5 = YearToDate.through(week: 5, kept: kept, rule: .latest)
        #expect(week5.weekValue == nil && week5.yearToDate == 4, "a week without a figure keeps the latest completed one")
        let week6 = YearToDate.through(week: 6, kept: kept, rule: .latest)
        #expect(week6.weekValue == 0 && week6.yearToDate == 0, "a figure of 0 is a figure")
        #expect(YearToDate.through(week: 6, kept: kept, rule: .max).yearToDate == 7)
        let before = YearToDate.through(week: 1, kept: kept, rule: .sum)
        #expect(before.weekValue == nil && before.yearToDate == nil)
        for week in 1...53 {
            for rule in YearToDateRule.allCases {
                #expect(YearToDate.through(week: week, kept: kept, rule: rule).yearToDate
                        == YearToDate.value(rule: rule, figures: figures, throughWeek: week), "\(rule) through week \(week)")
            }
        }
    }

    @Test func noFigureGivesNil() {
        for rule in YearToDateRule.allCases {
            #expect(YearToDate.value(rule: rule, figures: [], throughWeek: 52) == nil)
            #expect(YearToDate.value(rule: rule, figures: [fig(10, 1)], throughWeek: 9) == nil)
            #expect(YearToDate.value(rule: rule, figures: [fig(1, 1)], throughWeek: 0) == nil)
        }
    }

    @Test func weeksOutsideTheYearAreIgnored() {
        let figures = [fig(0, 100), fig(-1, 100), fig(2, 1)]
        #expect(YearToDate.value(rule: .sum, figures: figures, throughWeek: 53) == 1)
    }

    @Test func decimalsStayExact() {
        let figures = [fig(1, Decimal(string: "0.1")!), fig(2, Decimal(string: "0.2")!)]
        #expect(YearToDate.value(rule: .sum, figures: figures, throughWeek: 2) == Decimal(string: "0.3")!)
    }

    @Test func percentOfPlanRoundsToOneDecimal() {
        #expect(YearToDate.percentOfPlan(yearToDate: 45, planned: 320) == Decimal(string: "14.1")!)
        #expect(YearToDate.percentOfPlan(yearToDate: 1, planned: 3) == Decimal(string: "33.3")!)
        #expect(YearToDate.percentOfPlan(yearToDate: 2, planned: 3) == Decimal(string: "66.7")!)
        #expect(YearToDate.percentOfPlan(yearToDate: 1, planned: 8) == Decimal(string: "12.5")!)
        #expect(YearToDate.percentOfPlan(yearToDate: 1, planned: 16) == Decimal(string: "6.3")!)
        #expect(YearToDate.percentOfPlan(yearToDate: 1850, planned: 1850) == 100)
        #expect(YearToDate.percentOfPlan(yearToDate: 5, planned: 2) == 250)
        #expect(YearToDate.percentOfPlan(yearToDate: 0, planned: 20) == 0)
        #expect(YearToDate.percentOfPlan(yearToDate: Decimal(string: "1.2")!, planned: Decimal(string: "3.5")!) == Decimal(string: "34.3")!)
    }

    @Test func percentOfPlanWithoutPlanIsNil() {
        #expect(YearToDate.percentOfPlan(yearToDate: 10, planned: nil) == nil)
        #expect(YearToDate.percentOfPlan(yearToDate: 10, planned: 0) == nil)
        #expect(YearToDate.percentOfPlan(yearToDate: nil, planned: 10) == nil)
    }

    @Test func straightLineShare() {
        #expect(YearToDate.straightLineShare(week: 26, weeksInYear: 52) == Decimal(string: "0.5")!)
        #expect(YearToDate.straightLineShare(week: 52, weeksInYear: 52) == 1)
        #expect(YearToDate.straightLineShare(week: 0, weeksInYear: 52) == 0)
        #expect(YearToDate.straightLineShare(week: 60, weeksInYear: 53) == 1)
        #expect(YearToDate.straightLineShare(week: -3, weeksInYear: 52) == 0)
        #expect(YearToDate.straightLineShare(week: 5, weeksInYear: 0) == 0)
        let share = YearToDate.straightLineShare(week: 33, weeksInYear: 52)
        #expect(abs(NSDecimalNumber(decimal: share).doubleValue - 33.0 / 52.0) < 1e-12)
    }

    @Test func fallingBehindPlanComparison() {
        // Week 33 of 52: 63.5 % of the year is gone; 45 of 320 ha (14.1 %) is behind plan.
        let percent = YearToDate.percentOfPlan(yearToDate: 45, planned: 320)!
        let share = YearToDate.straightLineShare(week: 33, weeksInYear: 52)
        #expect(percent / 100 < share)
    }

    @Test func enumsRoundTripTheirRawValues() {
        #expect(TargetValueKind(rawValue: "yesNo") == .yesNo)
        #expect(YearToDateRule.allCases == [.sum, .latest, .max])
        #expect(TargetValueKind.allCases.count == 3)
    }
}
