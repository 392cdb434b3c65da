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
        var communeID: UUID
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
        let owingSet = Set(owing)
        let groupOrder = Dictionary(ordered.enumerated().map { ($1.id!, $0) }, uniquingKeysWith: { first, _ in first })
        // The memberships of the reporting people, and their units, in two plain statements
        // without a correlated list of units (a sub-query per person). For some groups (a focal
        // point's, a group's page) they are read from those groups' memberships; SQLite takes
        // the tables in the order written after CROSS JOIN (its documented way to choose), where
        // it would start from the commune's people and probe each group for each person;
        // PostgreSQL reads it as the inner join it is. For all the groups, the commune's people's
        // memberships are read whole and the owing groups chosen below.
        let chosen = personIDs.map { Array($0) }
        let (peopleChosen, linksChosen): (SQLText, SQLText) = chosen.map { (" AND p.id IN (\(list: $0))", " AND pu.person_id IN (\(list: $0))") } ?? ("", "")
        let member = GroupMembership.Kind.member.rawValue
        let reporting: SQLText = "p.commune_id = \(bind: communeID) AND p.active = \(bind: true) AND p.reports_weekly = \(bind: true)\(peopleChosen)"
        let membershipsRead: SQLText
        let linksRead: SQLText
        if groupIDs != nil {
            membershipsRead = """
                SELECT gm.group_id, p.id, p.full_name, p.joined_on, p.left_on, p.reports_weekly
                FROM group_memberships gm CROSS JOIN people p
                WHERE p.id = gm.person_id AND gm.group_id IN (\(list: owing)) AND gm.kind = \(bind: member) AND \(reporting)
                """
            linksRead = """
                SELECT pu.person_id, pu.unit_id FROM group_memberships gm JOIN person_units pu ON pu.person_id = gm.person_id
                WHERE gm.group_id IN (\(list: owing)) AND gm.kind = \(bind: member)\(linksChosen)
                """
        } else {
            membershipsRead = """
                SELECT gm.group_id, p.id, p.full_name, p.joined_on, p.left_on, p.reports_weekly
                FROM people p JOIN group_memberships gm ON gm.person_id = p.id
                WHERE \(reporting) AND gm.kind = \(bind: member)
                """
            linksRead = """
                SELECT pu.person_id, pu.unit_id FROM person_units pu JOIN units u ON u.id = pu.unit_id
                WHERE u.commune_id = \(bind: communeID)\(linksChosen)
                """
        }
        let (memberships, unitLinks) = try await PageReads.together(on: db,
            { try await SQLAccess.plainRows(membershipsRead, on: db) },
            { try await SQLAccess.plainRows(linksRead, on: db) })
        var people: [Obligated] = []
        var position: [UUID: Int] = [:]
        for row in memberships {
            guard let id = try row.id("id"), let groupID = try row.id("group_id") else { throw SQLAccess.UnreadableID(column: "people.id/group_id") }
            guard owingSet.contains(groupID) else { continue }
            if let index = position[id] {
                people[index].groupIDs.append(groupID)
                continue
            }
            position[id] = people.count
            let duty = Person.reportingDuty(joinedOn: try row.optionalString("joined_on"), leftOn: try row.optionalString("left_on"),
                                            reportsWeekly: try row.bool("reports_weekly"))
            people.append(Obligated(personID: id, communeID: communeID, fullName: try row.string("full_name"), groupIDs: [groupID], unitIDs: [], duty: duty))
        }
        for row in unitLinks {
            guard let personID = try row.id("person_id"), let unitID = try row.id("unit_id") else {
                throw SQLAccess.UnreadableID(column: "person_units.person_id/unit_id")
            }
            // A person in two of the groups read comes once per group.
            if let index = position[personID], !people[index].unitIDs.contains(unitID) { people[index].unitIDs.append(unitID) }
        }
        for index in people.indices {
            if people[index].groupIDs.count > 1 {
                people[index].groupIDs.sort { first, second in
                    let (a, b) = (groupOrder[first] ?? .max, groupOrder[second] ?? .max)
                    return a != b ? a < b : SQLAccess.bytesPrecede(first, second)
                }
            }
            if people[index].unitIDs.count > 1 { people[index].unitIDs.sort(by: SQLAccess.bytesPrecede) }
        }
        // Namesakes in the order of their ids (the sort by name is stable), whatever order the
        // statement gave them in.
        return orderingNamesakes(people.sortedByVietnameseName(\.fullName))
    }

    /// People sorted by name, with each run of the same full name in the order of the ids' bytes
    /// (the order of their text), so that namesakes stand in one order on every page.
    static func orderingNamesakes(_ people: [Obligated]) -> [Obligated] {
        var people = people
        var start = 0
        while start < people.count {
            var end = start + 1
            while end < people.count, people[end].fullName == people[start].fullName { end += 1 }
            if end - start > 1 { people[start..<end].sort { SQLAccess.bytesPrecede($0.personID, $1.personID) } }
            start = end
        }
        return people
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
        // The deadlines first: a week nobody owes (holidays, before the commune's first day) needs
        // no reads, and leave counts only where it covers a deadline.
        let dues = weeks.map { LedgerRules.weeklyReportDue($0, calendar: calendar) }
        let dueDays = dues.compactMap { $0?.day }
        guard let firstDueDay = dueDays.min(), let lastDueDay = dueDays.max() else { return }
        let weekIDs = weeks.map(\.id.description)
        // Whose rows: a handful of people's own (an index seek each), or else their commune's,
        // one range of the commune's index (a list of sixty ids cost SQLite more than the rows:
        // binding each, then a temporary index of them). Rows of anyone not asked for are skipped.
        let communes = Set(people.map(\.communeID))
        let whose: (reports: SQLText, leaves: SQLText)
        if people.count >= 8, communes.count == 1, let communeID = communes.first {
            whose = ("commune_id = \(bind: communeID)", "commune_id = \(bind: communeID)")
        } else {
            let personIDs = people.map(\.personID)
            whose = ("person_id IN (\(list: personIDs))", "person_id IN (\(list: personIDs))")
        }
        // Between the first and the last week asked for (week ids sort as the weeks fall): a
        // list of a year's weeks made SQLite seek the index once per person and week.
        let (submissions, leaveRows) = try await PageReads.together(on: db, {
            try await SQLAccess.plainRows("""
                SELECT person_id, week_id, first_submitted_at FROM weekly_reports
                WHERE \(whose.reports) AND week_id >= \(bind: weekIDs.min()!) AND week_id <= \(bind: weekIDs.max()!)
                  AND first_submitted_at IS NOT NULL
                """, on: db)
        }, {
            // Leave that covers one of the deadlines at least (dates are ISO text, which sorts as
            // the days fall); where two cover a deadline, the earlier one's reason is shown.
            try await SQLAccess.plainRows("""
                SELECT person_id, from_date, to_date, reason FROM leaves
                WHERE \(whose.leaves) AND from_date <= \(bind: lastDueDay.iso) AND to_date >= \(bind: firstDueDay.iso)
                ORDER BY from_date
                """, on: db)
        })
        let personPosition = Dictionary(people.enumerated().map { ($1.personID, $0) }, uniquingKeysWith: { first, _ in first })
        let weekPosition = Dictionary(weekIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        // The first submission of person p in week w at [w * people.count + p]; rows of weeks in
        // the range but not asked for are skipped.
        var firstSubmission = [Date?](repeating: nil, count: people.count * weeks.count)
        for row in submissions {
            guard let week = weekPosition[try row.string("week_id")], let personID = try row.id("person_id"),
                  let person = personPosition[personID] else { continue }
            firstSubmission[week * people.count + person] = try row.date("first_submitted_at")
        }
        var leavesByIndex = [[LeavePeriod]](repeating: [], count: people.count)
        for row in leaveRows {
            guard let personID = try row.id("person_id"), let person = personPosition[personID],
                  let from = LocalDate(iso: try row.string("from_date")), let to = LocalDate(iso: try row.string("to_date")) else { continue }
            leavesByIndex[person].append(LeavePeriod(from: from, to: to, reason: try row.string("reason")))
        }
        for (w, week) in weeks.enumerated() {
            guard let (due, dueDay) = dues[w] else { continue }
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
