import Fluent
import Foundation
import GiaoBanCore
import SQLKit
import Vapor

/// The compliance ledger of weekly reports, derived from the first-submission instants, the
/// group memberships and the office's leave records. A fixed number of queries per call, however
/// many people or weeks.
enum LedgerService {
    /// Someone who may owe weekly reports: what the ledgers, the group weeks and the briefing show
    /// of them, read as plain columns (decoding whole `Person` models was a tenth of the briefing).
    struct Obligated: Sendable {
        var personID: UUID
        var fullName: String
        var groupIDs: [UUID]
        var unitIDs: [UUID]
        var duty: ReportingDuty
    }

    struct Row: Sendable {
        var obligated: Obligated
        var week: ReportWeek
        var dueAt: Date
        var entry: LedgerEntry
    }

    /// Everyone who may owe a weekly report: active members of the commune's active groups who
    /// file weekly (leaders whose work the office compiles do not). Which weeks they owe is
    /// ``rows(for:weeks:calendar:now:on:)``'s answer. `groupIDs` narrows to some groups (a focal
    /// point's); `personIDs` to some people. `groupsInOrder`: the groups in display order when the
    /// caller has read them already (at least every active group of `groupIDs`); otherwise they
    /// are read here.
    static func obligated(communeID: UUID, groupIDs: Set<UUID>? = nil, personIDs: Set<UUID>? = nil,
                          groupsInOrder: [ReportGroup]? = nil, on db: any Database) async throws -> [Obligated] {
        if let groupIDs, groupIDs.isEmpty { return [] }
        if let personIDs, personIDs.isEmpty { return [] }
        // The groups in their display order, so that each person's list reads the same everywhere;
        // the active ones (of those chosen) are the groups whose members owe reports.
        let ordered: [ReportGroup]
        if let groupsInOrder {
            ordered = groupsInOrder
        } else {
            ordered = try await SQLAccess.models(ReportGroup.self, where: "commune_id = \(bind: communeID)", on: db).inDisplayOrder
        }
        let owing = ordered.filter { group in
            group.active && group.communeID == communeID && (groupIDs?.contains(group.id!) ?? true)
        }.map { $0.id! }
        guard !owing.isEmpty else { return [] }
        let groupOrder = Dictionary(ordered.enumerated().map { ($1.id!, $0) }, uniquingKeysWith: { first, _ in first })
        let sql = try SQLAccess.sql(db)
        // One row per membership (a person's groups gathered here): a correlated list of groups
        // and a second one to test for any group cost a few lookups per person of the commune.
        // By id, so that namesakes keep one order (the sort by name below is stable).
        var personFilter: SQLText = ""
        if let personIDs { personFilter = " AND p.id IN (\(list: Array(personIDs)))" }
        let rows = try await SQLAccess.plainRows("""
            SELECT gm.group_id, p.id, p.full_name, p.joined_on, p.left_on, p.reports_weekly,
              (SELECT \(unsafeRaw: SQLAccess.idList(sql, "pu.unit_id")) FROM person_units pu WHERE pu.person_id = p.id) AS unit_ids
            FROM group_memberships gm JOIN people p ON p.id = gm.person_id
            WHERE gm.group_id IN (\(list: owing)) AND gm.kind = \(bind: GroupMembership.Kind.member.rawValue)
              AND p.commune_id = \(bind: communeID) AND p.active = \(bind: true) AND p.reports_weekly = \(bind: true)\(personFilter)
            ORDER BY p.id
            """, on: db)
        var people: [Obligated] = []
        var position: [UUID: Int] = [:]
        for row in rows {
            guard let id = try row.id("id"), let groupID = try row.id("group_id") else { throw SQLAccess.UnreadableID(column: "people.id/group_id") }
            if let index = position[id] {
                people[index].groupIDs.append(groupID)
                continue
            }
            position[id] = people.count
            let duty = Person.reportingDuty(joinedOn: try row.optionalString("joined_on"), leftOn: try row.optionalString("left_on"),
                                            reportsWeekly: try row.bool("reports_weekly"))
            people.append(Obligated(personID: id, fullName: try row.string("full_name"), groupIDs: [groupID],
                                    unitIDs: SQLAccess.sortedIDs(try row.optionalString("unit_ids")), duty: duty))
        }
        for index in people.indices where people[index].groupIDs.count > 1 {
            people[index].groupIDs.sort { first, second in
                let (a, b) = (groupOrder[first] ?? .max, groupOrder[second] ?? .max)
                return a != b ? a < b : SQLAccess.bytesPrecede(first, second)
            }
        }
        return people.sortedByVietnameseName(\.fullName)
    }

    /// The ledger rows of some weeks for some people: only the weeks each person owes (see
    /// `LedgerRules.owesWeeklyReport`): a week that is not owed is no row, so it counts nowhere.
    static func rows(for people: [Obligated], weeks: [ReportWeek], calendar: CommuneCalendar, now: Date,
                     on db: any Database) async throws -> [Row] {
        var rows: [Row] = []
        try await walk(people, weeks: weeks, calendar: calendar, now: now, on: db) { person, week, due, entry in
            rows.append(Row(obligated: people[person], week: week, dueAt: due, entry: entry))
        }
        return rows
    }

    /// Each person's tally over some weeks (the same entries as ``rows(for:weeks:calendar:now:on:)``,
    /// counted as they are made: a commune's year is 3,000 of them, and the year's ledger shows
    /// only the counts). Everyone in `people` has a tally, empty when they owed nothing.
    static func tallies(for people: [Obligated], weeks: [ReportWeek], calendar: CommuneCalendar, now: Date,
                        on db: any Database) async throws -> [UUID: LedgerTally] {
        var tallies = [LedgerTally](repeating: LedgerTally(), count: people.count)
        try await walk(people, weeks: weeks, calendar: calendar, now: now, on: db) { person, _, _, entry in
            tallies[person].add(entry)
        }
        return Dictionary(zip(people.map(\.personID), tallies), uniquingKeysWith: { first, _ in first })
    }

    /// Every owed (person, week) of `people` × `weeks` with its ledger entry, week by week and in
    /// the order of `people` within a week; `visit` gets the person's index in `people`. People
    /// and weeks are each listed once (as `obligated` and `weeks(of…)` give them).
    private static func walk(_ people: [Obligated], weeks: [ReportWeek], calendar: CommuneCalendar, now: Date, on db: any Database,
                             _ visit: (_ person: Int, _ week: ReportWeek, _ due: Date, _ entry: LedgerEntry) -> Void) async throws {
        guard !people.isEmpty, !weeks.isEmpty else { return }
        let personIDs = people.map(\.personID)
        let weekIDs = weeks.map(\.id.description)
        // Three columns of the submitted reports only, between the first and the last week asked
        // for (week ids sort as the weeks fall): a list of a year's weeks made SQLite seek the
        // index once per person and week (3,000 times for a commune), a range once per person.
        let submissions = try await SQLAccess.plainRows("""
            SELECT person_id, week_id, first_submitted_at FROM weekly_reports
            WHERE person_id IN (\(list: personIDs)) AND week_id >= \(bind: weekIDs.min()!) AND week_id <= \(bind: weekIDs.max()!)
              AND first_submitted_at IS NOT NULL
            """, on: db)
        let personPosition = Dictionary(people.enumerated().map { ($1.personID.canonicalText, $0) }, uniquingKeysWith: { first, _ in first })
        let weekPosition = Dictionary(weekIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        // The first submission of person p in week w at [w * people.count + p]; rows of weeks in
        // the range but not asked for are skipped.
        var firstSubmission = [Date?](repeating: nil, count: people.count * weeks.count)
        for row in submissions {
            guard let week = weekPosition[try row.string("week_id")], let person = personPosition[try row.idText("person_id")] else { continue }
            firstSubmission[week * people.count + person] = try row.date("first_submitted_at")
        }
        let leaves = Dictionary(grouping: try await SQLAccess.models(LeaveRecord.self, where: "person_id IN (\(list: personIDs))", on: db), by: \.personID)
            .mapValues { $0.compactMap(\.period) }
        let leavesByIndex = people.map { leaves[$0.personID] ?? [] }
        for (w, week) in weeks.enumerated() {
            guard let (due, dueDay) = LedgerRules.weeklyReportDue(week, calendar: calendar) else { continue }
            for p in people.indices where people[p].duty.owesReport(dueDay: dueDay) {
                visit(p, week, due, LedgerRules.entry(dueAt: due, dueDay: dueDay, firstSubmittedAt: firstSubmission[w * people.count + p],
                                                     now: now, leaves: leavesByIndex[p]))
            }
        }
    }

    struct CompilationRow: Sendable {
        var group: ReportGroup
        var aggregatorIDs: [UUID]
        var dueAt: Date
        var entry: LedgerEntry
    }

    /// The focal points' obligation: each group's compiled report, due Friday 14:00 by default,
    /// counted from its first submission like any other obligation.
    static func compilationRows(communeID: UUID, groupIDs: Set<UUID>?, week: ReportWeek, calendar: CommuneCalendar, now: Date,
                                on db: any Database) async throws -> [CompilationRow] {
        guard LedgerRules.owesCompilation(week, calendar: calendar) else { return [] }
        let groups = try await activeGroups(communeID: communeID, groupIDs: groupIDs, on: db)
        let ids = groups.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        let (entries, aggregators) = try await PageReads.together(on: db,
            { try await compilationEntries(of: groups, week: week, calendar: calendar, now: now, on: db) },
            { try await CompilationService.focalPoints(of: ids, on: db) })
        let due = calendar.deadlines(for: week).groupCompilation
        return groups.compactMap { group in
            entries[group.id!].map { CompilationRow(group: group, aggregatorIDs: aggregators[group.id!] ?? [], dueAt: due, entry: $0) }
        }
    }

    /// The commune's active groups (only `groupIDs` when given: the groups a focal point reads), in
    /// display order.
    static func activeGroups(communeID: UUID, groupIDs: Set<UUID>?, on db: any Database) async throws -> [ReportGroup] {
        let readable: SQLText = groupIDs.map { " AND id IN (\(list: Array($0)))" } ?? ""
        return try await SQLAccess.models(ReportGroup.self, where: "commune_id = \(bind: communeID) AND active = \(bind: true)" + readable,
                                          on: db).inDisplayOrder
    }

    /// Each group's entry for its compiled report of the week (nothing when the week owes none),
    /// from the groups the caller has read: one statement, the groups' weeks.
    static func compilationEntries(of groups: [ReportGroup], week: ReportWeek, calendar: CommuneCalendar, now: Date,
                                   on db: any Database) async throws -> [UUID: LedgerEntry] {
        let ids = groups.compactMap(\.id)
        guard LedgerRules.owesCompilation(week, calendar: calendar), !ids.isEmpty else { return [:] }
        let weeks = try await SQLAccess.models(GroupWeek.self, where: "group_id IN (\(list: ids)) AND week_id = \(bind: week.id.description)", on: db)
        let firstCompiled = Dictionary(weeks.map { ($0.groupID, $0.firstCompiledAt) }, uniquingKeysWith: { first, _ in first })
        let due = calendar.deadlines(for: week).groupCompilation
        let dueDay = LocalDate.inZone(due, calendar.timeZone)
        return Dictionary(uniqueKeysWithValues: ids.map { id in
            (id, LedgerRules.entry(dueAt: due, dueDay: dueDay, firstSubmittedAt: firstCompiled[id] ?? nil, now: now, leaves: []))
        })
    }

    /// The weeks of a year that have begun by `now` (a year's ledger does not list the future).
    static func weeks(ofYear year: Int, calendar: CommuneCalendar, now: Date) -> [ReportWeek] {
        calendar.weeks(inYear: year).filter { $0.startInstant <= now }
    }

    /// The weeks whose report counts in a month: those whose Friday falls in it (the same rule
    /// that names the weeks, see `ReportingPeriods`), so every week belongs to exactly one month.
    static func weeks(ofMonth month: Int, year: Int, calendar: CommuneCalendar, now: Date) -> [ReportWeek] {
        let period = ReportingPeriods.period(forMonth: month, year: year, rule: .calendarMonth)
        let ids = Set(ReportingPeriods.weeks(in: period, calendar: calendar))
        return weeks(ofYear: year, calendar: calendar, now: now).filter { ids.contains($0.id) }
    }

    /// The groups whose ledger an actor may read: all for leaders/office/admin, else their own.
    static func readableGroups(_ actor: Actor) -> Set<UUID>? {
        AccessPolicy.allows(actor, .readCommuneLedger) ? nil : actor.aggregatedGroupIDs
    }
}
