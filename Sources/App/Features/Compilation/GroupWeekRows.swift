import Foundation
import GiaoBanCore

/// A group's week as rows of a page: the targets by responsible unit, the activity totals and
/// the difficulties. The group-week page and the briefing's group cards show the same rows, so
/// they are built here once rather than by one page for the other.
enum GroupWeekRows {
    struct TargetRow: Encodable, Sendable {
        var code: String; var name: String; var unit: String; var value: String; var yearToDate: String
        var planned: String; var percent: String; var behind: Bool
        /// Who entered this week's figure; whether it jumped more than tenfold (confirmed by them).
        var enteredBy: String? = nil
        var unusual: Bool = false
    }
    struct DifficultyRow: Encodable, Sendable { var name: String; var text: String }
    struct UnitSection: Encodable, Sendable { var unit: String; var targets: [TargetRow] }
    struct TotalRow: Encodable, Sendable { var name: String; var unit: String; var quantity: String; var lines: Int }

    /// The targets under their responsible unit, units in the order their first target comes,
    /// so the page reads like the commune's target list.
    static func targets(_ lines: [GroupWeekView.TargetLine]) -> [UnitSection] {
        var order: [String] = []
        var sections: [String: [TargetRow]] = [:]
        for line in lines {
            let unit = line.responsibleUnit ?? "Chưa giao đơn vị"
            if sections[unit] == nil { order.append(unit) }
            let kind = line.target.valueKind
            sections[unit, default: []].append(TargetRow(
                code: line.target.code, name: line.target.name, unit: line.target.unitOfMeasure,
                value: TargetProgressQuery.display(line.progress?.weekValue, kind: kind),
                yearToDate: TargetProgressQuery.display(line.progress?.yearToDate, kind: kind),
                planned: TargetProgressQuery.display(line.target.planned, kind: kind),
                percent: TargetProgressQuery.displayPercent(line.progress?.percent), behind: line.behindPlan,
                enteredBy: line.enteredBy, unusual: line.unusualJump))
        }
        return order.map { UnitSection(unit: $0, targets: sections[$0] ?? []) }
    }

    static func totals(_ totals: [GroupWeekView.ActivityTotal]) -> [TotalRow] {
        totals.map { TotalRow(name: $0.name, unit: $0.unit, quantity: VietnameseNumber.format($0.quantity), lines: $0.lines) }
    }

    static func difficulties(_ lines: [GroupWeekView.Difficulty]) -> [DifficultyRow] {
        lines.map { DifficultyRow(name: $0.fullName, text: $0.text) }
    }
}
