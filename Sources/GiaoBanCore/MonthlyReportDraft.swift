import Foundation

// A unit's monthly report drafted from its weekly reports of the period (SPEC §11, letter point
// 4), so that nothing is typed twice, and the totals of "other work" lines per activity type that
// the weekly compilation and the monthly draft share.

/// One line of "other work" as the totals need it.
public struct WorkQuantity: Hashable, Sendable {
    public var description: String
    public var quantity: Decimal
    public var unit: String
    /// The activity-type code from the commune's catalogue, nil for "other".
    public var activityType: String?

    public init(description: String, quantity: Decimal, unit: String, activityType: String? = nil) {
        self.description = description
        self.quantity = quantity
        self.unit = unit
        self.activityType = activityType
    }
}

/// Quantities added up per activity type and unit of measure.
public struct ActivityTotal: Hashable, Codable, Sendable {
    public var activityType: String?
    public var name: String
    public var unit: String
    public var quantity: Decimal
    /// How many lines were added up.
    public var lines: Int

    public init(activityType: String?, name: String, unit: String, quantity: Decimal, lines: Int) {
        self.activityType = activityType
        self.name = name
        self.unit = unit
        self.quantity = quantity
        self.lines = lines
    }
}

public enum WorkTotals {
    /// Totals per activity type and unit of measure. Units compare case-insensitively and keep the
    /// spelling of their first line ("Hộ" and "hộ" are one unit); quantities of different units
    /// are never added. Lines without a type are counted under "Khác" per unit. Typed totals come
    /// first, by name then unit; "Khác" last.
    public static func byActivity(_ lines: [WorkQuantity], typeNames: [String: String]) -> [ActivityTotal] {
        var totals: [String: ActivityTotal] = [:]
        for line in lines {
            let key = "\(line.activityType ?? "")|\(normalised(line.unit))"
            var total = totals[key] ?? ActivityTotal(activityType: line.activityType,
                                                      name: line.activityType.flatMap { typeNames[$0] } ?? "Khác",
                                                      unit: line.unit, quantity: 0, lines: 0)
            total.quantity += line.quantity
            total.lines += 1
            totals[key] = total
        }
        return totals.values.sorted {
            ($0.activityType == nil ? 1 : 0, $0.name, $0.unit) < ($1.activityType == nil ? 1 : 0, $1.name, $1.unit)
        }
    }

    /// The same work reported in several weeks ("Tuyên truyền phòng chống dịch: 3 buổi" every
    /// week) becomes one line with the quantities added, in order of first appearance. Lines match
    /// when their description and unit are equal ignoring case, runs of spaces and outer
    /// whitespace (diacritics count: "ca" is not "cá"), and their activity types are equal.
    public static func merged(_ lines: [WorkQuantity]) -> [WorkQuantity] {
        var order: [String] = []
        var merged: [String: WorkQuantity] = [:]
        for line in lines {
            let key = [line.activityType ?? "", normalised(line.description), normalised(line.unit)].joined(separator: "|")
            if var existing = merged[key] {
                existing.quantity += line.quantity
                merged[key] = existing
            } else {
                order.append(key)
                merged[key] = line
            }
        }
        return order.compactMap { merged[$0] }
    }

    /// Lowercased NFC text with whitespace runs collapsed: diacritics matter ("ca" ≠ "cá").
    static func normalised(_ text: String) -> String {
        VietnameseText.nfc(text).lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

/// A target as the monthly draft needs it.
public struct MonthlyTarget: Hashable, Sendable {
    public var id: UUID
    public var code: String
    public var name: String
    public var unitOfMeasure: String
    public var planned: Decimal?
    public var kind: TargetValueKind
    public var rule: YearToDateRule

    public init(id: UUID, code: String, name: String, unitOfMeasure: String, planned: Decimal?,
                kind: TargetValueKind, rule: YearToDateRule) {
        self.id = id
        self.code = code
        self.name = name
        self.unitOfMeasure = unitOfMeasure
        self.planned = planned
        self.kind = kind
        self.rule = rule
    }
}

/// A submitted weekly figure.
public struct WeekFigure: Hashable, Sendable {
    public var targetID: UUID
    public var week: ReportWeekID
    public var value: Decimal
    public var completed: Bool

    public init(targetID: UUID, week: ReportWeekID, value: Decimal, completed: Bool = true) {
        self.targetID = targetID
        self.week = week
        self.value = value
        self.completed = completed
    }
}

/// A target's line of the monthly report.
public struct MonthlyFigureLine: Hashable, Codable, Sendable {
    public var targetID: UUID
    public var code: String
    public var name: String
    public var unitOfMeasure: String
    public var planned: Decimal?
    /// The period's value under the target's rule (sum of the period's weeks, latest or largest).
    public var monthValue: Decimal?
    /// The value from the start of the year through the period.
    public var yearToDate: Decimal?
    /// `yearToDate` as a percentage of the plan, one decimal.
    public var percentOfPlan: Decimal?

    public init(targetID: UUID, code: String, name: String, unitOfMeasure: String, planned: Decimal?,
                monthValue: Decimal?, yearToDate: Decimal?, percentOfPlan: Decimal?) {
        self.targetID = targetID
        self.code = code
        self.name = name
        self.unitOfMeasure = unitOfMeasure
        self.planned = planned
        self.monthValue = monthValue
        self.yearToDate = yearToDate
        self.percentOfPlan = percentOfPlan
    }
}

public enum MonthlyReportDraft {
    /// The value of one target over `weeks` under `rule`: completed figures of the same week are
    /// first added (several reporters), then `sum` adds the weeks, `latest` takes the latest week
    /// with a figure, `max` the largest week. Nil when no completed figure falls in `weeks`.
    /// Unlike ``YearToDate/value(rule:figures:throughWeek:)`` the weeks may span two reporting
    /// years, which the 15th-to-14th cut-off needs for January.
    public static func value(rule: YearToDateRule, figures: [WeekFigure], weeks: Set<ReportWeekID>) -> Decimal? {
        var totals: [ReportWeekID: Decimal] = [:]
        for figure in figures where figure.completed && weeks.contains(figure.week) {
            totals[figure.week, default: 0] += figure.value
        }
        guard !totals.isEmpty else { return nil }
        switch rule {
        case .sum: return totals.values.reduce(Decimal(0), +)
        case .latest: return totals[totals.keys.max()!]
        case .max: return totals.values.max()
        }
    }

    /// One line per target, in the order given: the period's value (`periodWeeks`, see
    /// ``ReportingPeriods/weeks(in:calendar:)``), the value to date (`weeksToDate`, see
    /// ``ReportingPeriods/weeksToDate(throughMonth:year:rule:calendar:)``) and its share of the plan.
    public static func figureLines(targets: [MonthlyTarget], figures: [WeekFigure], periodWeeks: [ReportWeekID],
                                   weeksToDate: [ReportWeekID]) -> [MonthlyFigureLine] {
        let byTarget = Dictionary(grouping: figures, by: \.targetID)
        let period = Set(periodWeeks)
        let toDate = Set(weeksToDate).union(period)
        return targets.map { target in
            let mine = byTarget[target.id] ?? []
            let yearToDate = value(rule: target.rule, figures: mine, weeks: toDate)
            return MonthlyFigureLine(targetID: target.id, code: target.code, name: target.name,
                                     unitOfMeasure: target.unitOfMeasure, planned: target.planned,
                                     monthValue: value(rule: target.rule, figures: mine, weeks: period),
                                     yearToDate: yearToDate,
                                     percentOfPlan: YearToDate.percentOfPlan(yearToDate: yearToDate, planned: target.planned))
        }
    }

    /// The "results" paragraph of the draft: the period's other work, merged across weeks, one
    /// line each ("- Tuyên truyền phòng chống dịch: 12 buổi."), grouped under the activity
    /// types' names in the order of ``WorkTotals/byActivity(_:typeNames:)``. Empty without work.
    public static func resultsText(work: [WorkQuantity], typeNames: [String: String]) -> String {
        let merged = WorkTotals.merged(work)
        guard !merged.isEmpty else { return "" }
        let groups = Dictionary(grouping: merged, by: { $0.activityType ?? "" })
        let order = WorkTotals.byActivity(merged, typeNames: typeNames).map { $0.activityType ?? "" }
        var seen = Set<String>()
        var lines: [String] = []
        for code in order where seen.insert(code).inserted {
            let title = code.isEmpty ? "Công việc khác" : (typeNames[code] ?? code)
            lines.append("\(title):")
            for item in groups[code] ?? [] {
                let description = VietnameseText.nfc(item.description)
                lines.append("- \(description): \(VietnameseNumber.format(item.quantity)) \(item.unit).")
            }
        }
        return lines.joined(separator: "\n")
    }
}
