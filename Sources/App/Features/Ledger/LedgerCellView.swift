import Foundation
import GiaoBanCore

/// One ledger entry as every page shows it (the ledger, a group's week, a member's report, the
/// monthly and cell reports): its status, the Vietnamese label, when it came in and why it was
/// late or excused. One type so that the same entry reads the same on every page.
struct LedgerCellView: Encodable, Sendable {
    var status: String
    var label: String
    var submittedAt: String?
    var detail: String?

    init(status: String, label: String, submittedAt: String? = nil, detail: String? = nil) {
        self.status = status
        self.label = label
        self.submittedAt = submittedAt
        self.detail = detail
    }

    init(_ entry: LedgerEntry, calendar: CommuneCalendar) {
        var detail: String?
        if entry.status == .late { detail = LateText.vietnamese(seconds: entry.lateBySeconds) }
        if entry.status == .excused { detail = entry.excuse?.reason }
        self.init(status: entry.status.rawValue, label: entry.status.vietnameseName,
                  submittedAt: entry.submittedAt.map { calendar.vietnameseDateTime($0) }, detail: detail)
    }
}

/// A count of ledger entries (on time, late, missing, not yet due, excused) and the on-time
/// rate, as the ledger, group-week, briefing and monthly pages all show it: one type so that a
/// tally reads the same on every page.
struct LedgerTallyView: Encodable, Sendable {
    var onTime: Int; var late: Int; var missing: Int; var notDue: Int; var excused: Int; var rate: String
    init(_ tally: LedgerTally) {
        onTime = tally.onTime; late = tally.late; missing = tally.missing; notDue = tally.notDue; excused = tally.excused
        rate = tally.onTimeRate.map { VietnameseNumber.format($0, maxFractionDigits: 1) + "%" } ?? "—"
    }
}
