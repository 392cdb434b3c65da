import Fluent
import Foundation
import GiaoBanCore
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// Reminders before each deadline and the lists of who is missing after it (SPEC §12), through
/// a persistent outbox: planning writes each message once (a unique key, so several app servers
/// never duplicate it), in-app notifications are created in the same transaction, and outbound
/// channels (webhook, e-mail) are delivered from the outbox with retries, surviving restarts.
enum ReminderService {
    /// How late a reminder may still go out (a server that was down catches up, but not with stale news).
    static let lookback: TimeInterval = 6 * 3600
    /// Retry delays of outbound deliveries, in seconds; after the last one the delivery has failed.
    static let backoff: [TimeInterval] = [60, 300, 900, 3600, 4 * 3600, 12 * 3600]

    struct TickResult: Sendable, Equatable {
        var planned = 0
        var sent = 0
        var failed = 0
        /// Communes left out because their stored data does not decode.
        var skippedCommunes: [UUID] = []
    }

    static func integration(communeID: UUID, on db: any Database) async throws -> CommuneIntegration? {
        try await CommuneIntegration.query(on: db).filter(\.$communeID == communeID).first()
    }

    /// Plans every commune's reminders due at `now`, then delivers what the outbound channels owe.
    /// A commune whose stored settings do not decode gets no reminders this tick (logged as an
    /// error, every tick until repaired); the others still get theirs.
    static func tick(app: Application, now: Date, instance: String) async throws -> TickResult {
        var result = TickResult()
        for commune in try await Commune.query(on: app.db).all() {
            let communeID = try commune.requireID()
            let planned: Int
            do {
                planned = try await plan(commune: commune, now: now, on: app.db, logger: app.logger)
            } catch let stored as StoredDataError {
                var metadata = stored.logMetadata
                metadata["commune-id"] = .string(communeID.canonicalText)
                app.logger.error("Reminders skipped for a commune: stored data unreadable: \(stored.table).\(stored.column)",
                                 metadata: metadata)
                result.skippedCommunes.append(communeID)
                continue
            }
            result.planned += planned
        }
        let delivered = try await ReminderDelivery.deliverDue(app: app, now: now, instance: instance)
        result.sent = delivered.sent
        result.failed = delivered.failed
        return result
    }

    // MARK: Obligations

    struct Plan: Sendable {
        var obligations: [Obligation]
        var groups: [WatchGroup]
    }

    /// The commune's obligations around `now`: this week's reports and compiled reports, the
    /// monthly reports and cell reports of this and last month; who watches each for the missing list.
    static func obligations(commune: Commune, now: Date, on db: any Database) async throws -> Plan {
        let communeID = try commune.requireID()
        let calendar = try commune.calendar
        let week = calendar.week(containing: now)
        let people = try await Person.query(on: db).filter(\.$communeID == communeID).filter(\.$active == true).all()
        let office = people.filter { $0.roles.contains(.office) }.compactMap(\.id)
        var obligations: [Obligation] = []
        var groups: [WatchGroup] = []

        // Weekly reports: members of each group; the group's focal points and the office watch.
        let obligated = try await LedgerService.obligated(communeID: communeID, on: db)
        let rows = try await LedgerService.rows(for: obligated, weeks: [week], calendar: calendar, now: now, on: db)
        let title = "báo cáo tuần \(week.id.week)/\(week.id.year)"
        let weekly = rows.map { row in
            Obligation(kind: .weeklyReport, periodKey: week.id.description, subjectKey: row.obligated.personID.canonicalText,
                       subjectName: row.obligated.fullName, title: title, recipients: [row.obligated.personID],
                       dueAt: row.dueAt, submitted: row.entry.submittedAt != nil, excused: row.entry.status == .excused)
        }
        obligations += weekly
        let compilations = try await LedgerService.compilationRows(communeID: communeID, groupIDs: nil, week: week,
                                                                   calendar: calendar, now: now, on: db)
        for compilation in compilations {
            let groupID = try compilation.group.requireID()
            let members = Set(obligated.filter { $0.groupIDs.contains(groupID) }.map { $0.personID.canonicalText })
            groups.append(WatchGroup(key: "group:\(groupID)", name: compilation.group.name,
                                     watchers: compilation.aggregatorIDs + office,
                                     obligations: weekly.filter { members.contains($0.subjectKey) }))
        }
        let compiled = compilations.map { row in
            Obligation(kind: .groupCompilation, periodKey: week.id.description, subjectKey: row.group.id!.canonicalText,
                       subjectName: row.group.name, title: "báo cáo tổng hợp tuần \(week.id.week)/\(week.id.year)",
                       recipients: row.aggregatorIDs, dueAt: row.dueAt, submitted: row.entry.submittedAt != nil)
        }
        obligations += compiled
        groups.append(WatchGroup(key: "compilations", name: "", watchers: office, obligations: compiled))

        // Monthly reports, as the commune asks them: a unit's people are reminded of the unit's
        // report, an official of their own; the office watches both.
        let reporters = calendar.settings.monthlyReporters
        let units = reporters.includesUnits
            ? try await OrgUnit.query(on: db).filter(\.$communeID == communeID).filter(\.$active == true).all() : []
        let unitMembers = units.isEmpty ? [:] : Dictionary(grouping: try await PersonUnit.query(on: db).filter(\.$unitID ~~ units.compactMap(\.id)).all(), by: \.unitID)
            .mapValues { $0.map(\.personID) }
        let monthlyPeople = reporters.includesPeople ? try await MonthlyService.reporters(communeID: communeID, on: db) : []
        let current = MonthlyService.currentMonth(calendar: calendar, now: now)
        for month in [current.previous, current] {
            let context = MonthlyService.context(month, calendar: calendar)
            let title = "báo cáo tháng \(month.vietnamese)"
            var monthly: [Obligation] = []
            if MonthlyDuty.unitOwes(month, calendar: calendar) {
                let reports = try await MonthlyService.reports(unitIDs: units.compactMap(\.id), months: [month], on: db)
                let submitted = Set(reports.filter { $0.firstSubmittedAt != nil }.compactMap(\.unitID))
                monthly += units.compactMap { unit -> Obligation? in
                    guard let members = unitMembers[unit.id!], !members.isEmpty else { return nil }
                    return Obligation(kind: .monthlyReport, periodKey: month.description, subjectKey: unit.id!.canonicalText,
                                      subjectName: unit.name, title: title, recipients: members,
                                      dueAt: context.dueAt, submitted: submitted.contains(unit.id!))
                }
            }
            let owing = monthlyPeople.filter { MonthlyDuty.personOwes(month, duty: $0.reportingDuty, calendar: calendar) }
            if !owing.isEmpty {
                let reports = try await MonthlyService.reports(personIDs: owing.compactMap(\.id), months: [month], on: db)
                let submitted = Set(reports.filter { $0.firstSubmittedAt != nil }.compactMap(\.personID))
                // "person:" keeps a personal report's outbox key apart from a unit's and tells
                // `url(for:)` where it is written.
                monthly += owing.map { person in
                    Obligation(kind: .monthlyReport, periodKey: month.description, subjectKey: Self.personalSubjectPrefix + person.id!.canonicalText,
                               subjectName: person.fullName, title: "\(title) của cá nhân", recipients: [person.id!],
                               dueAt: context.dueAt, submitted: submitted.contains(person.id!))
                }
            }
            obligations += monthly
            groups.append(WatchGroup(key: "monthly", name: "", watchers: office, obligations: monthly))
        }

        // Party-cell reports: the members in charge are reminded; the office watches.
        let cells = try await PartyCell.query(on: db).filter(\.$communeID == communeID).filter(\.$active == true).all()
        let supervisors = try await CellService.supervisors(of: cells.compactMap(\.id), on: db)
        let cellMonth = CellReportPeriod.reportMonthDue(on: LocalDate.inZone(now, calendar.timeZone), dueDay: calendar.settings.cellReportDueDay)
        for month in [cellMonth.previous, cellMonth] {
            let due = calendar.cellReportDeadline(year: month.year, month: month.month)
            let submitted = Set(try await CellService.monthReports(cellIDs: cells.compactMap(\.id), months: [month], on: db).map(\.cellID))
            let cellObligations = cells.compactMap { cell -> Obligation? in
                guard let people = supervisors[cell.id!], !people.isEmpty else { return nil }
                return Obligation(kind: .cellReport, periodKey: month.description, subjectKey: cell.id!.canonicalText,
                                  subjectName: cell.name, title: "báo cáo sinh hoạt chi bộ tháng \(month.vietnamese)",
                                  recipients: people, dueAt: due, submitted: submitted.contains(cell.id!))
            }
            obligations += cellObligations
            groups.append(WatchGroup(key: "cells", name: "", watchers: office, obligations: cellObligations))
        }
        return Plan(obligations: obligations, groups: groups)
    }

    /// The subject key of an official's personal monthly report in the outbox.
    static let personalSubjectPrefix = "person:"

    /// Where a reminder takes its reader.
    /// The keys were written above from typed values (a week's or month's name, an id), so they
    /// read back; one that does not (a stored-data fault) leads home rather than to a broken page.
    static func url(for reminder: PlannedReminder) -> String {
        (route(for: reminder) ?? .home).path
    }

    private static func route(for reminder: PlannedReminder) -> SiteRoute? {
        let week = ReportWeekID(reminder.periodKey)
        let month = ReportMonth(reminder.periodKey)
        switch (reminder.purpose, reminder.kind) {
        case (.beforeDeadline, .weeklyReport): return week.map { .report(week: $0) }
        case (.beforeDeadline, .groupCompilation):
            guard let week, let groupID = UUID(uuidString: reminder.subjectKey) else { return nil }
            return .groupWeek(groupID: groupID, week: week)
        case (.beforeDeadline, .monthlyReport):
            guard let month else { return nil }
            if reminder.subjectKey.hasPrefix(personalSubjectPrefix) {
                return UUID(uuidString: String(reminder.subjectKey.dropFirst(personalSubjectPrefix.count)))
                    .map { .monthlyPerson(month: month, personID: $0) }
            }
            return UUID(uuidString: reminder.subjectKey).map { .monthlyUnit(month: month, unitID: $0) }
        case (.beforeDeadline, .cellReport): return month.map { .cells(month: $0) }
        case (.missingList, .weeklyReport), (.missingList, .groupCompilation): return week.map { .ledgerWeek($0) }
        case (.missingList, .monthlyReport): return month.map { .monthly(month: $0) }
        case (.missingList, .cellReport): return month.map { .cellReport($0) }
        }
    }

    // MARK: Planning into the outbox

    /// Writes the reminders due at `now` into the outbox; returns how many were new.
    @discardableResult
    static func plan(commune: Commune, now: Date, on db: any Database, logger: Logger) async throws -> Int {
        let communeID = try commune.requireID()
        let integration = try await integration(communeID: communeID, on: db)
        let settings = try integration?.reminderSettings ?? .defaults
        let plan = try await obligations(commune: commune, now: now, on: db)
        let zone = try commune.calendar.timeZone
        // Keys already written recently; the unique index still guards against another server racing us.
        let recent = try await OutboxMessage.query(on: db).filter(\.$communeID == communeID)
            .filter(\.$createdAt >= now.addingTimeInterval(-2 * lookback - 86_400)).all().map(\.dedupeKey)
        let sent = Set(recent)
        let planned = ReminderPlanner.due(obligations: plan.obligations, settings: settings, now: now, zone: zone,
                                          lookback: lookback, alreadySent: sent)
            + ReminderPlanner.missingLists(groups: plan.groups, settings: settings, now: now, zone: zone,
                                           lookback: lookback, alreadySent: sent)
        guard !planned.isEmpty else { return 0 }
        let recipients = Set(planned.map(\.recipient))
        let preferences = Dictionary(try await ChannelPreference.query(on: db).filter(\.$personID ~~ Array(recipients)).all()
            .map { ($0.personID, $0) }, uniquingKeysWith: { a, _ in a })
        let webhookReady = integration.map { $0.webhookEnabled && !($0.webhookURL ?? "").isEmpty } ?? false
        var written = 0
        for reminder in planned {
            let preference = preferences[reminder.recipient]
            var channels: [OutboxDelivery.Channel] = []
            if preference?.inApp ?? true { channels.append(.inApp) }
            if webhookReady, preference?.webhook ?? true { channels.append(.webhook) }
            if preference?.email == true, !(preference?.emailAddress ?? "").isEmpty { channels.append(.email) }
            let chosenChannels = channels
            do {
                try await db.transaction { db in
                    let message = OutboxMessage()
                    message.communeID = communeID
                    message.dedupeKey = reminder.dedupeKey
                    message.recipientID = reminder.recipient
                    message.kind = reminder.kind.rawValue
                    if case .missingList = reminder.purpose { message.purpose = "missing" } else { message.purpose = "reminder" }
                    message.subject = reminder.subject
                    message.body = reminder.body
                    message.url = url(for: reminder)
                    message.dueAt = reminder.dueAt
                    message.createdAt = now
                    try await message.create(on: db)
                    for channel in chosenChannels {
                        let delivery = OutboxDelivery()
                        delivery.messageID = try message.requireID()
                        delivery.communeID = communeID
                        delivery.channel = channel
                        delivery.attempts = 0
                        delivery.nextAttemptAt = now
                        if channel == .inApp {
                            try await AppNotification(communeID: communeID, personID: reminder.recipient, kind: "reminder",
                                                      text: reminder.subject, url: message.url, createdAt: now).create(on: db)
                            delivery.status = .sent
                            delivery.sentAt = now
                            delivery.attempts = 1
                        } else {
                            delivery.status = .pending
                        }
                        try await delivery.create(on: db)
                    }
                }
                written += 1
            } catch {
                // Another server wrote the same key first (the unique index refused ours): nothing to do.
                if try await OutboxMessage.query(on: db).filter(\.$dedupeKey == reminder.dedupeKey).count() > 0 { continue }
                throw error
            }
        }
        if written > 0 { logger.info("Reminders: \(written) new message(s) for \(commune.name)") }
        return written
    }
}

/// The lifecycle handler that runs `ReminderService.tick` every `interval` seconds on a server.
struct ReminderScheduler: LifecycleHandler {
    let interval: TimeInterval
    let instance = "server-" + UUID().canonicalText.prefix(8)

    func didBootAsync(_ application: Application) async throws {
        let box = application.reminderTask
        let instance = self.instance
        let seconds = Int64(interval)
        box.withLockedValue { task in
            task = application.eventLoopGroup.next().scheduleRepeatedAsyncTask(initialDelay: .seconds(5), delay: .seconds(seconds)) { _ in
                application.eventLoopGroup.next().makeFutureWithTask {
                    do {
                        _ = try await ReminderService.tick(app: application, now: application.clock.now(), instance: instance)
                    } catch {
                        application.logger.error("Reminder run failed: \(String(reflecting: error))")
                    }
                }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        application.reminderTask.withLockedValue { $0?.cancel(); $0 = nil }
    }
}

extension Application {
    private struct ReminderTaskKey: StorageKey { typealias Value = NIOLockedValueBox<RepeatedTask?> }
    var reminderTask: NIOLockedValueBox<RepeatedTask?> {
        if let box = storage[ReminderTaskKey.self] { return box }
        let box = NIOLockedValueBox<RepeatedTask?>(nil)
        storage[ReminderTaskKey.self] = box
        return box
    }
}
