import Foundation

/// A group's members for one week, as the compiled report and the group's page count them:
/// every member falls in exactly one part, so the parts always add up to the total.
///
/// Members without a ledger entry owe nothing that week (they do not report weekly, or had not
/// joined or had left); they are counted as such instead of silently disappearing from the sum.
public struct MemberTally: Hashable, Sendable {
    public var tally: LedgerTally
    /// Members who owe no report this week.
    public var withoutDuty: Int

    public init<S: Sequence>(_ entries: S) where S.Element == LedgerEntry? {
        tally = LedgerTally()
        withoutDuty = 0
        for entry in entries {
            if let entry { tally.add(entry) } else { withoutDuty += 1 }
        }
    }

    /// Every member: the sum of all parts.
    public var total: Int { tally.onTime + tally.late + tally.missing + tally.notDue + tally.excused + withoutDuty }

    /// "Tổng số 19 cán bộ: đúng hạn 1, muộn 0, chưa nộp 0, chưa đến hạn 18." Parts that are zero
    /// and rare (excused, without duty) are left out; the three that a reader checks first
    /// (on time, late, missing) are always written, and "chưa đến hạn" whenever someone is not yet
    /// due, so the figures visibly add up to the total.
    public var vietnameseSentence: String {
        var parts = ["đúng hạn \(tally.onTime)", "muộn \(tally.late)", "chưa nộp \(tally.missing)"]
        if tally.notDue > 0 { parts.append("chưa đến hạn \(tally.notDue)") }
        if tally.excused > 0 { parts.append("vắng có lý do \(tally.excused)") }
        if withoutDuty > 0 { parts.append("không phải báo cáo tuần này \(withoutDuty)") }
        return "Tổng số \(total) cán bộ: \(parts.joined(separator: ", "))."
    }
}

/// The commune's headline for the briefing (SPEC §7): what a Party secretary wants to know
/// before the meeting times — how many groups are compiled, how many people reported on time,
/// how many targets are behind plan, and who is late or missing, by name.
///
/// People are counted once: the weekly report is one per person and week, whatever the number of
/// groups they belong to. Only reports already due count towards "on time"; a person's entries
/// from several groups are merged by taking the most serious status (missing, late, on time,
/// excused, not due), so nobody is reported both on time and missing.
public struct BriefingHeadline: Hashable, Sendable {
    public struct Member: Hashable, Sendable {
        public var personID: UUID
        public var name: String
        /// nil: owes no report this week.
        public var entry: LedgerEntry?

        public init(personID: UUID, name: String, entry: LedgerEntry?) {
            self.personID = personID
            self.name = name
            self.entry = entry
        }
    }

    public struct Group: Hashable, Sendable {
        public var compiled: Bool
        public var members: [Member]
        public var behindTargetIDs: [UUID]

        public init(compiled: Bool, members: [Member], behindTargetIDs: [UUID]) {
            self.compiled = compiled
            self.members = members
            self.behindTargetIDs = behindTargetIDs
        }
    }

    /// A late or missing person; `lateBySeconds` is 0 for the missing.
    public struct Person: Hashable, Sendable {
        public var personID: UUID
        public var name: String
        public var lateBySeconds: Int
    }

    public var groupsCompiled: Int
    public var groups: Int
    /// People whose report was due (and who were not excused).
    public var due: Int
    public var onTime: Int
    /// People whose report is not due yet.
    public var notDue: Int
    public var excused: Int
    public var late: [Person]
    public var missing: [Person]
    public var behindPlan: Int

    /// `groups` in the order shown; late and missing people keep the order of their first
    /// appearance (the groups' member order), so the page reads like the group cards below it.
    public init(groups: [Group]) {
        self.groups = groups.count
        groupsCompiled = groups.filter(\.compiled).count
        var order: [UUID] = []
        var merged: [UUID: Member] = [:]
        for member in groups.flatMap(\.members) {
            if let known = merged[member.personID] {
                if Self.severity(member.entry) > Self.severity(known.entry) { merged[member.personID] = member }
            } else {
                order.append(member.personID)
                merged[member.personID] = member
            }
        }
        var tally = LedgerTally()
        var late: [Person] = []
        var missing: [Person] = []
        for id in order {
            guard let member = merged[id], let entry = member.entry else { continue }
            tally.add(entry)
            switch entry.status {
            case .late: late.append(Person(personID: id, name: member.name, lateBySeconds: entry.lateBySeconds))
            case .missing: missing.append(Person(personID: id, name: member.name, lateBySeconds: 0))
            default: break
            }
        }
        due = tally.counted
        onTime = tally.onTime
        notDue = tally.notDue
        excused = tally.excused
        self.late = late
        self.missing = missing
        behindPlan = Set(groups.flatMap(\.behindTargetIDs)).count
    }

    /// The more serious status wins when one person's entries differ between groups.
    static func severity(_ entry: LedgerEntry?) -> Int {
        switch entry?.status {
        case .missing?: 5
        case .late?: 4
        case .onTime?: 3
        case .excused?: 2
        case .notDue?: 1
        case nil: 0
        }
    }
}
