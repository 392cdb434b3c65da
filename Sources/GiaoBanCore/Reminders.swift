import Foundation

// Reminders before a deadline and "who is missing" lists after it (SPEC §12, issue #7).
//
// Everything here is pure: the current instant and the commune zone are parameters. The web layer
// runs the planner periodically (e.g. every minute), sends what it returns and records each
// `dedupeKey` it sent, so a reminder goes out once per person, obligation and lead even when
// several app servers run the same job or a run is repeated.

// MARK: - Leads

/// When, relative to a deadline, a reminder goes out.
public enum ReminderLead: Hashable, Sendable, Codable, CustomStringConvertible {
    /// At wall time `at` (commune zone) on the calendar day before the deadline's calendar day.
    /// This is the letter's "chiều hôm trước": people are reminded during office hours of the
    /// previous day, whatever time the deadline itself is.
    case previousDay(at: LocalTime)
    /// A fixed span of real time before the deadline (across a daylight-saving change this is
    /// still `minutes` of elapsed time, not of wall-clock time).
    case before(minutes: Int)

    /// The default lead "the afternoon before", 15:00.
    public static let afternoonBefore = ReminderLead.previousDay(at: LocalTime(unchecked: 15, 0))
    /// The default lead "2 hours before".
    public static let twoHoursBefore = ReminderLead.before(minutes: 120)

    /// Stable machine form, used in stored settings and in dedupe keys: "d-1@15:00", "t-120".
    /// Never change it for an existing lead, or reminders already sent would be sent again.
    public var key: String {
        switch self {
        case .previousDay(let time): return "d-1@\(time.text)"
        case .before(let minutes): return "t-\(minutes)"
        }
    }

    /// Parses ``key``. Returns nil for anything else (including "t-0" and negative spans, which
    /// ``ReminderSettings/validated()`` would refuse anyway; they are kept parseable as "t-N" with
    /// N ≥ 0 only so that a bad stored value can be shown and corrected).
    public init?(key: String) {
        if key.hasPrefix("d-1@") {
            guard let time = LocalTime(string: String(key.dropFirst(4))), time.text == String(key.dropFirst(4)) else { return nil }
            self = .previousDay(at: time)
        } else if key.hasPrefix("t-") {
            guard let minutes = ASCII.number(key.dropFirst(2).utf8) else { return nil }
            self = .before(minutes: minutes)
        } else {
            return nil
        }
    }

    public var description: String { key }

    /// Vietnamese label for the settings form: "Chiều hôm trước, lúc 15:00", "2 giờ trước hạn".
    public var title: String {
        switch self {
        case .previousDay(let time):
            let part: String
            switch time.hour {
            case 0..<5: part = "Ngày hôm trước"
            case 5..<11: part = "Sáng hôm trước"
            case 11..<13: part = "Trưa hôm trước"
            case 13..<18: part = "Chiều hôm trước"
            default: part = "Tối hôm trước"
            }
            return "\(part), lúc \(time.text)"
        case .before(let minutes):
            return "\(ReminderLead.span(minutes: minutes)) trước hạn"
        }
    }

    /// "2 giờ", "1 giờ 30 phút", "1 ngày", "1 ngày 2 giờ 5 phút", "45 phút"; "0 phút" for 0 or less.
    static func span(minutes: Int) -> String {
        guard minutes > 0 else { return "0 phút" }
        let days = minutes / 1440, hours = minutes % 1440 / 60, rest = minutes % 60
        var parts: [String] = []
        if days > 0 { parts.append("\(days) ngày") }
        if hours > 0 { parts.append("\(hours) giờ") }
        if rest > 0 { parts.append("\(rest) phút") }
        return parts.joined(separator: " ")
    }

    // Codable as the ``key`` string, so stored settings stay readable and compact.

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let lead = ReminderLead(key: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Expected a reminder lead such as \"d-1@15:00\" or \"t-120\", got \"\(text)\"")
        }
        self = lead
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(key)
    }
}

// MARK: - Settings

/// A commune's reminder regime (commune settings; defaults from issue #7: the afternoon before
/// and 2 hours before, and a missing list to the watchers after the deadline).
public struct ReminderSettings: Hashable, Sendable, Codable {
    /// When to remind, in any order. Empty turns reminders off.
    public var leads: [ReminderLead]
    /// Whether aggregators and the office get the list of who is missing once a deadline passed.
    public var sendMissingListAfterDeadline: Bool

    /// Most leads per deadline: more is noise, and a long list is usually a typing mistake.
    public static let maximumLeads = 6
    /// Longest lead: 7 days (a span longer than the report week would remind about a week that has
    /// not started yet).
    public static let maximumMinutes = 7 * 24 * 60

    public init(leads: [ReminderLead], sendMissingListAfterDeadline: Bool) {
        self.leads = leads
        self.sendMissingListAfterDeadline = sendMissingListAfterDeadline
    }

    /// The afternoon before at 15:00 and 2 hours before; missing lists on.
    public static let defaults = ReminderSettings(leads: [.afternoonBefore, .twoHoursBefore],
                                                  sendMissingListAfterDeadline: true)

    /// Returns `self` if usable, otherwise throws ``CalendarError/invalidSettings(_:)`` (the error
    /// the settings page already shows) with a Vietnamese message naming the first problem:
    /// a span outside 1...10 080 minutes, the same lead twice, or more than six leads.
    public func validated() throws -> ReminderSettings {
        func fail(_ message: String) -> CalendarError { .invalidSettings(message) }
        guard leads.count <= ReminderSettings.maximumLeads else {
            throw fail("Chỉ được đặt tối đa \(ReminderSettings.maximumLeads) lần nhắc cho mỗi hạn nộp (đang có \(leads.count)).")
        }
        var seen = Set<ReminderLead>()
        for lead in leads {
            if case .before(let minutes) = lead, !(1...ReminderSettings.maximumMinutes).contains(minutes) {
                throw fail("Thời gian nhắc trước hạn phải từ 1 phút đến 7 ngày (10.080 phút); “\(minutes)” phút không hợp lệ.")
            }
            guard seen.insert(lead).inserted else {
                throw fail("Lần nhắc “\(lead.title)” bị trùng.")
            }
        }
        return self
    }

    private enum CodingKeys: String, CodingKey {
        case leads, sendMissingListAfterDeadline
    }

    /// Missing keys take the defaults, so settings stored by an older version (or `{}`) decode.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        leads = try container.decodeIfPresent([ReminderLead].self, forKey: .leads) ?? ReminderSettings.defaults.leads
        sendMissingListAfterDeadline = try container.decodeIfPresent(Bool.self, forKey: .sendMissingListAfterDeadline)
            ?? ReminderSettings.defaults.sendMissingListAfterDeadline
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(leads, forKey: .leads)
        try container.encode(sendMissingListAfterDeadline, forKey: .sendMissingListAfterDeadline)
    }
}

// MARK: - Obligations

/// The kinds of deadline the letter sets (SPEC §3).
public enum ObligationKind: String, Codable, CaseIterable, Sendable {
    case weeklyReport
    case groupCompilation
    case monthlyReport
    case cellReport

    public var vietnameseName: String {
        switch self {
        case .weeklyReport: return "Báo cáo tuần"
        case .groupCompilation: return "Báo cáo tổng hợp nhóm"
        case .monthlyReport: return "Báo cáo tháng"
        case .cellReport: return "Báo cáo sinh hoạt chi bộ"
        }
    }
}

/// One thing someone owes by a deadline, as the web layer sees it at planning time.
public struct Obligation: Hashable, Sendable {
    public var kind: ObligationKind
    /// The period it belongs to: "2021-W33" for weekly kinds, "2021-08" for monthly ones.
    public var periodKey: String
    /// Who or what owes it: a person id, a unit id, a cell id (as a string). Together with `kind`
    /// and `periodKey` it identifies the obligation.
    public var subjectKey: String
    /// Name of the subject, shown in missing lists and reminders: "Nguyễn Văn A", "Hội Nông dân".
    public var subjectName: String
    /// What is owed, in Vietnamese: "Báo cáo tuần 33/2021".
    public var title: String
    /// People to remind: the person themself, or the people who report for a unit or cell.
    public var recipients: [UUID]
    public var dueAt: Date
    /// True once a first submission exists (late or not); then nobody is reminded or listed.
    public var submitted: Bool
    /// True when the office excused it (leave covering the deadline); then it is neither reminded
    /// nor listed as missing.
    public var excused: Bool

    public init(kind: ObligationKind, periodKey: String, subjectKey: String, subjectName: String, title: String,
                recipients: [UUID], dueAt: Date, submitted: Bool = false, excused: Bool = false) {
        self.kind = kind
        self.periodKey = periodKey
        self.subjectKey = subjectKey
        self.subjectName = subjectName
        self.title = title
        self.recipients = recipients
        self.dueAt = dueAt
        self.submitted = submitted
        self.excused = excused
    }

    /// Still to be done: neither submitted nor excused.
    public var isOutstanding: Bool { !submitted && !excused }
}

/// Who should be told, after a deadline, who in a set of obligations is missing: e.g. for a report
/// group, its aggregators plus the office staff, watching every member's weekly report.
public struct WatchGroup: Hashable, Sendable {
    /// Stable id of the group (a report group id, "office", a cell supervisor's id…); part of the
    /// dedupe key, so a watcher in two groups gets one list per group.
    public var key: String
    /// Shown in the message, e.g. "Khối chính quyền"; may be empty.
    public var name: String
    public var watchers: [UUID]
    /// May mix kinds and periods; one list is made per kind and period.
    public var obligations: [Obligation]

    public init(key: String, name: String, watchers: [UUID], obligations: [Obligation]) {
        self.key = key
        self.name = name
        self.watchers = watchers
        self.obligations = obligations
    }
}

// MARK: - Planned messages

/// One message to send (in the app and through the outbound channel).
public struct PlannedReminder: Hashable, Sendable {
    public enum Purpose: Hashable, Sendable {
        /// A reminder to someone who has not submitted yet.
        case beforeDeadline(ReminderLead)
        /// The list of who is missing, to a watcher of group `groupKey`; `missingSubjectKeys` in
        /// the order listed.
        case missingList(groupKey: String, missingSubjectKeys: [String])
    }

    /// Deterministic and unique per message: record it when sent and never send the same key again.
    public var dedupeKey: String
    public var recipient: UUID
    public var kind: ObligationKind
    public var periodKey: String
    /// The obligation's subject for a reminder; the group key for a missing list.
    public var subjectKey: String
    public var purpose: Purpose
    /// The instant the message became due (the lead's instant, or the deadline for a missing list).
    public var sendAt: Date
    public var dueAt: Date
    /// Short Vietnamese subject line (notification text, e-mail subject).
    public var subject: String
    /// Vietnamese body; says the deadline ("20:00 thứ Năm 19/08/2021") and the time left or the
    /// missing names.
    public var body: String
}

// MARK: - Planner

public enum ReminderPlanner {
    /// The instant a reminder with `lead` goes out for a deadline at `dueAt`, or nil when that
    /// instant is not strictly before the deadline (a reminder at or after the deadline would only
    /// say "too late").
    ///
    /// `.previousDay(at:)` is computed on wall-clock days in `zone`: the deadline's local calendar
    /// day minus one, at that local time. Across a daylight-saving change the real span to the
    /// deadline is therefore an hour longer or shorter, which is what people expect of "15:00 the
    /// day before". A wall time skipped by a change is moved forward by the gap, like every other
    /// wall time in ``CommuneCalendar``.
    public static func instant(for lead: ReminderLead, dueAt: Date, zone: TimeZone) -> Date? {
        let candidate: Date
        switch lead {
        case .previousDay(let time):
            let day = LocalDate.inZone(dueAt, zone).adding(days: -1)
            candidate = ZoneMath.instant(localSeconds: day.dayNumber * 86_400 + time.minutesFromMidnight * 60, in: zone)
        case .before(let minutes):
            guard minutes > 0 else { return nil }
            candidate = dueAt.addingTimeInterval(-TimeInterval(minutes) * 60)
        }
        return candidate < dueAt ? candidate : nil
    }

    /// The reminders to send now.
    ///
    /// A reminder is due when its lead's instant lies in `(now - lookback, now]` and the deadline
    /// has not passed (`now < dueAt`), for every obligation neither submitted nor excused, once per
    /// distinct recipient. The window lets a run that was late (server down, slow job) still send
    /// what it missed, but no older than `lookback`: a reminder 2 days late is noise.
    ///
    /// When several leads of one obligation fall into the window at once (catch-up after downtime),
    /// only the one with the latest instant is returned — two reminders for the same deadline at
    /// the same time would read as a glitch — and the earlier leads are skipped for good (they can
    /// only leave the window before the chosen one does, so a later run never picks them up).
    /// Ties go to the lead listed first in `settings`. A recipient whose chosen key is in
    /// `alreadySent` gets nothing (not an earlier lead instead).
    ///
    /// Sorted by send instant, then dedupe key.
    public static func due(obligations: [Obligation], settings: ReminderSettings, now: Date, zone: TimeZone,
                           lookback: TimeInterval, alreadySent: Set<String> = []) -> [PlannedReminder] {
        let windowStart = now.addingTimeInterval(-max(0, lookback))
        var result: [PlannedReminder] = []
        for obligation in obligations where obligation.isOutstanding && now < obligation.dueAt {
            var chosen: (lead: ReminderLead, at: Date)?
            for lead in settings.leads {
                guard let at = instant(for: lead, dueAt: obligation.dueAt, zone: zone),
                      windowStart < at, at <= now else { continue }
                if let current = chosen, current.at >= at { continue }
                chosen = (lead, at)
            }
            guard let chosen else { continue }
            for recipient in unique(obligation.recipients) {
                let key = dedupeKey([obligation.kind.rawValue, obligation.periodKey, obligation.subjectKey,
                                     recipient.uuidString.lowercased(), chosen.lead.key])
                guard !alreadySent.contains(key) else { continue }
                result.append(reminder(obligation, lead: chosen.lead, sendAt: chosen.at, recipient: recipient,
                                       key: key, now: now, zone: zone))
            }
        }
        return result.sorted { ($0.sendAt, $0.dedupeKey) < ($1.sendAt, $1.dedupeKey) }
    }

    /// The "who is missing" lists to send now.
    ///
    /// Within each group, obligations are taken per kind and period; that set's deadline is the
    /// latest `dueAt` in it. Once it has passed — `dueAt <= now`, the same instant from which the
    /// ledger counts an obligation as missing — and for at most `lookback` after it, every watcher
    /// gets one list of the outstanding obligations (excused ones are left out and counted apart).
    /// Nothing is sent when nobody is missing (no news is good news) or when
    /// `settings.sendMissingListAfterDeadline` is off.
    ///
    /// Dedupe key: "missing|kind|period|watcher|groupKey". Sorted by send instant, then dedupe key.
    public static func missingLists(groups: [WatchGroup], settings: ReminderSettings, now: Date, zone: TimeZone,
                                    lookback: TimeInterval, alreadySent: Set<String> = []) -> [PlannedReminder] {
        guard settings.sendMissingListAfterDeadline else { return [] }
        let windowStart = now.addingTimeInterval(-max(0, lookback))
        var result: [PlannedReminder] = []
        for group in groups {
            let sets = Dictionary(grouping: group.obligations) { PeriodOf(kind: $0.kind, periodKey: $0.periodKey) }
            for (period, obligations) in sets {
                guard let dueAt = obligations.map(\.dueAt).max(), windowStart < dueAt, dueAt <= now else { continue }
                let missing = obligations.filter(\.isOutstanding).sorted(by: listOrder)
                guard !missing.isEmpty else { continue }
                let excused = obligations.filter { $0.excused && !$0.submitted }.count
                let counted = obligations.count - excused
                let title = missing[0].title
                let deadline = deadlineText(dueAt, zone: zone)
                let groupPrefix = group.name.isEmpty ? "" : "\(group.name): "
                let subject = "\(groupPrefix)\(missing.count)/\(counted) chưa nộp \(title)"
                var lines = ["Đã quá hạn nộp \(title) (\(deadline)). \(groupPrefix)\(missing.count) trên \(counted) chưa nộp:"]
                lines += missing.map { "- \($0.subjectName)" }
                if excused > 0 { lines.append("(\(excused) trường hợp vắng có lý do không tính.)") }
                let body = lines.joined(separator: "\n")
                let missingKeys = missing.map(\.subjectKey)
                for watcher in unique(group.watchers) {
                    let key = dedupeKey(["missing", period.kind.rawValue, period.periodKey,
                                         watcher.uuidString.lowercased(), group.key])
                    guard !alreadySent.contains(key) else { continue }
                    result.append(PlannedReminder(
                        dedupeKey: key, recipient: watcher, kind: period.kind, periodKey: period.periodKey,
                        subjectKey: group.key, purpose: .missingList(groupKey: group.key, missingSubjectKeys: missingKeys),
                        sendAt: dueAt, dueAt: dueAt, subject: subject, body: body))
                }
            }
        }
        return result.sorted { ($0.sendAt, $0.dedupeKey) < ($1.sendAt, $1.dedupeKey) }
    }

    /// "20:00 thứ Năm 19/08/2021" in `zone`. A deadline at 00:00 is written as 24:00 of the day
    /// before ("24:00 thứ Năm 19/08/2021"), as official letters do for "before the 20th", so the
    /// day shown is the last day people have.
    public static func deadlineText(_ dueAt: Date, zone: TimeZone) -> String {
        let local = ZoneMath.localSeconds(of: dueAt, in: zone)
        var date = LocalDate(dayNumber: LocalDate.floorDiv(local, 86_400))
        let seconds = LocalDate.floorMod(local, 86_400)
        var time = "\(ASCII.padded(seconds / 3600, 2)):\(ASCII.padded(seconds % 3600 / 60, 2))"
        if seconds == 0 {
            date = date.adding(days: -1)
            time = "24:00"
        }
        var weekday = date.weekday.vietnameseName
        if weekday.hasPrefix("Thứ") { weekday = "thứ" + weekday.dropFirst(3) }
        return "\(time) \(weekday) \(date.vietnamese)"
    }

    // MARK: Internals

    private struct PeriodOf: Hashable {
        var kind: ObligationKind
        var periodKey: String
    }

    private static func reminder(_ obligation: Obligation, lead: ReminderLead, sendAt: Date, recipient: UUID,
                                 key: String, now: Date, zone: TimeZone) -> PlannedReminder {
        let left = TimeLeft.vietnamese(from: now, to: obligation.dueAt)
        let deadline = deadlineText(obligation.dueAt, zone: zone)
        return PlannedReminder(
            dedupeKey: key, recipient: recipient, kind: obligation.kind, periodKey: obligation.periodKey,
            subjectKey: obligation.subjectKey, purpose: .beforeDeadline(lead), sendAt: sendAt, dueAt: obligation.dueAt,
            subject: "Nhắc nộp \(obligation.title) (\(left))",
            body: "\(obligation.title) của \(obligation.subjectName) chưa được nộp. Hạn nộp: \(deadline), \(left).")
    }

    /// Joins key parts with "|"; a "%" or "|" inside a part is percent-escaped so that different
    /// parts can never produce the same key.
    static func dedupeKey(_ parts: [String]) -> String {
        parts.map { part in
            part.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "|", with: "%7C")
        }.joined(separator: "|")
    }

    private static func unique(_ ids: [UUID]) -> [UUID] {
        var seen = Set<UUID>()
        return ids.filter { seen.insert($0).inserted }
    }

    /// Names in Vietnamese dictionary-like order, ignoring diacritics first; ties by key.
    private static func listOrder(_ a: Obligation, _ b: Obligation) -> Bool {
        let fa = VietnameseText.folded(a.subjectName), fb = VietnameseText.folded(b.subjectName)
        if fa != fb { return fa < fb }
        if a.subjectName != b.subjectName { return a.subjectName < b.subjectName }
        return a.subjectKey < b.subjectKey
    }
}
