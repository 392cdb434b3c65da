import Fluent
import Foundation
import SQLKit
import GiaoBanCore
import Vapor

/// The stored content of a report, as one value: the read model the API (`ReportDTO`), the form
/// (`input`) and the focal point's page answer from, and what the audit trail keeps before and
/// after each correction. Figures are `Decimal` as stored, and encode as exact JSON numbers.
struct ReportContent: Content, Equatable {
    struct Figure: Content, Equatable {
        var targetId: UUID
        var value: Decimal
        var completed: Bool
        var unusualJump: Bool?
    }
    struct Work: Content, Equatable {
        var description: String
        var quantity: Decimal
        var unit: String
        var activityType: String?
        var place: String?
        var dates: String?
        /// The groups whose compilation carries the line (empty for lines written before lines had groups).
        var groupIds: [UUID]
        /// Expected by Friday (dự kiến), not yet confirmed by its author.
        var forecast: Bool
    }
    struct Plan: Content, Equatable {
        var date: String
        var start: String
        var end: String
        var title: String
        var roomId: UUID?
        var place: String?
        var chairId: UUID?
        var participantIds: [UUID]
        var preparedBy: String?
        var groupIds: [UUID]
    }
    var targets: [Figure]
    var work: [Work]
    var plans: [Plan]
    /// Khó khăn, vướng mắc, đề xuất, kiến nghị.
    var difficulties: String?

    /// The stored report as typed input, numbers as a reporter writes them ("1.234,5"): what the
    /// form shows of a saved report, and what submitting what is saved re-checks (an unusual jump
    /// the reporter confirmed stays confirmed).
    var input: WeeklyReportInput {
        WeeklyReportInput(
            figures: targets.map { .init(targetID: $0.targetId, value: WeeklyReportInput.typed($0.value), completed: $0.completed,
                                         confirmJump: $0.unusualJump == true) },
            work: work.map { .init(description: $0.description, quantity: WeeklyReportInput.typed($0.quantity), unit: $0.unit,
                                   activityType: $0.activityType ?? "", place: $0.place ?? "", dates: $0.dates ?? "",
                                   groupIDs: $0.groupIds.map(\.canonicalText), forecast: $0.forecast) },
            plans: plans.map { .init(date: $0.date, start: $0.start, end: $0.end, title: $0.title, roomID: $0.roomId?.canonicalText ?? "",
                                     place: $0.place ?? "", chairID: $0.chairId?.canonicalText ?? "",
                                     participantIDs: $0.participantIds.map(\.canonicalText), preparedBy: $0.preparedBy ?? "",
                                     groupIDs: $0.groupIds.map(\.canonicalText)) },
            difficulties: difficulties ?? "")
    }
}

/// The API's report: its content (`ReportContent`'s lines, same field names) and its state.
struct ReportDTO: Content {
    var id: UUID
    var personId: UUID
    var week: String
    var status: String
    var firstSubmittedAt: String?
    var lastSubmittedAt: String?
    var updatedAt: String
    var late: Bool
    /// Who submitted it when not its author (nộp thay); null when the author did.
    var filedById: UUID?
    var revision: Int
    var targets: [ReportContent.Figure]
    var work: [ReportContent.Work]
    var plans: [ReportContent.Plan]
    var difficulties: String?
    /// While the focal point has sent the report back: their comment, who and when.
    var returnComment: String?
    var returnedById: UUID?
    var returnedAt: String?
    /// Whether the focal point has sent it back (the page's "Được trả lại"); `status` stays
    /// `submitted` then, as the first submission still counts (docs/decisions.md).
    var returned: Bool
    /// A submitted report no longer open to changes: a group of the author compiled or approved
    /// the week. `lockReason` says why and whom to contact, as the page does.
    var locked: Bool
    var lockReason: String?
}

/// Every write that changes a report goes through here, in one transaction with its audit entry.
enum ReportService {
    struct Loaded {
        var report: WeeklyReport
        var content: ReportContent
    }

    static func find(personID: UUID, week: ReportWeekID, on db: any Database) async throws -> WeeklyReport? {
        // One row at most (a unique key), read as plain SQL: every report page and action asks.
        try await SQLAccess.models(WeeklyReport.self, where: "person_id = \(bind: personID) AND week_id = \(bind: week.description)", on: db).first
    }

    static func content(of report: WeeklyReport, on db: any Database) async throws -> ReportContent {
        let id = try report.requireID()
        // In the targets' own order (the table's), the same on every database.
        async let figures = ReportFigure.query(on: db).filter(\.$reportID == id)
            .join(Target.self, on: \ReportFigure.$targetID == \Target.$id)
            .sort(Target.self, \.$sortOrder).sort(Target.self, \.$code).all()
        async let work = ReportWorkItem.query(on: db).filter(\.$reportID == id).sort(\.$position).all()
        async let plans = ReportPlanItem.query(on: db).filter(\.$reportID == id).sort(\.$position).all()
        return ReportContent(
            targets: try await figures.map { .init(targetId: $0.targetID, value: try $0.value, completed: $0.completed,
                                                   unusualJump: $0.unusualJump ? true : nil) },
            work: try await work.map { try .init(description: $0.description, quantity: try $0.quantity,
                                              unit: $0.unit, activityType: $0.activityType, place: $0.place, dates: $0.dates,
                                              groupIds: $0.groupIDs, forecast: $0.forecast) },
            plans: try await plans.map { try .init(date: $0.date, start: $0.start, end: $0.end, title: $0.title, roomId: $0.roomID,
                                                place: $0.place, chairId: $0.chairID, participantIds: $0.participantIDs, preparedBy: $0.preparedBy,
                                                groupIds: $0.groupIDs) },
            difficulties: report.difficulties)
    }

    /// The API's report, with its lock read from the author's groups.
    static func dto(_ report: WeeklyReport, content: ReportContent, calendar: CommuneCalendar, on db: any Database) async throws -> ReportDTO {
        let lock = try await CompilationService.reportLock(personID: report.personID, week: ReportWeekID(year: report.weekYear, week: report.weekNumber),
                                                           everSubmitted: report.firstSubmittedAt != nil, returned: report.returnedAt != nil, on: db)
        return try dto(report, content: content, calendar: calendar, lockReason: lock?.message)
    }

    static func dto(_ report: WeeklyReport, content: ReportContent, calendar: CommuneCalendar, lockReason: String?) throws -> ReportDTO {
        let due = (try? calendar.week(parsing: report.weekID)).map { calendar.deadlines(for: $0).weeklyReport }
        return ReportDTO(id: try report.requireID(), personId: report.personID, week: report.weekID, status: report.status.rawValue,
                         firstSubmittedAt: report.firstSubmittedAt.map(calendar.isoString),
                         lastSubmittedAt: report.lastSubmittedAt.map(calendar.isoString),
                         updatedAt: calendar.isoString(report.updatedAt),
                         late: report.firstSubmittedAt.map { first in due.map { first > $0 } ?? false } ?? false,
                         filedById: report.filedByID, revision: report.revision, targets: content.targets, work: content.work, plans: content.plans,
                         difficulties: content.difficulties,
                         returnComment: report.returnedAt == nil ? nil : report.returnComment,
                         returnedById: report.returnedAt == nil ? nil : report.returnedBy,
                         returnedAt: report.returnedAt.map(calendar.isoString),
                         returned: report.returnedAt != nil, locked: lockReason != nil, lockReason: lockReason)
    }

    /// The targets a person reports: theirs by name, or their units' (SPEC §6), of the week's year.
    static func responsibleTargets(for person: Person, year: Int, on db: any Database) async throws -> [Target] {
        let personID = try person.requireID()
        let unitIDs = try await PersonUnit.query(on: db).filter(\.$personID == personID).all().map(\.unitID)
        return try await responsibleTargets(personID: personID, communeID: person.communeID, unitIDs: unitIDs, year: year, on: db)
    }

    /// The same, for a caller that has read the person's units already.
    static func responsibleTargets(personID: UUID, communeID: UUID, unitIDs: [UUID], year: Int, on db: any Database) async throws -> [Target] {
        // Plain SQL (`SQLAccess.models`): the report form reads it on every open.
        let units: SQLText = unitIDs.isEmpty ? "" : " OR responsible_unit_id IN (\(list: unitIDs))"
        return try await SQLAccess.models(Target.self, where: """
            commune_id = \(bind: communeID) AND year = \(bind: year) AND active = \(bind: true)
              AND (responsible_person_id = \(bind: personID)\(units))
            """, orderBy: [\Target.$sortOrder, \Target.$code], on: db)
    }

    static func context(for person: Person, week: ReportWeek, calendar: CommuneCalendar, on db: any Database) async throws -> WeeklyReportContext {
        let targets = try await responsibleTargets(for: person, year: week.id.year, on: db)
        async let types = SQLAccess.models(ActivityType.self, where: "commune_id = \(bind: person.communeID) AND active = \(bind: true)", on: db)
        async let rooms = SQLAccess.models(Room.self, where: "commune_id = \(bind: person.communeID) AND active = \(bind: true)", on: db)
        async let people = Person.query(on: db).filter(\.$communeID == person.communeID).filter(\.$active == true).all()
        let groups = try await authorGroups(person, on: db)
        let previousWeek = calendar.week(before: week)
        let previous = previousWeek.id.year == week.id.year
            ? try await TargetFigures.current(targetIDs: targets.compactMap(\.id), week: previousWeek.id, on: db) : [:]
        let facts = Dictionary(uniqueKeysWithValues: try targets.map { target in
            (try target.requireID(), TargetFacts(kind: target.valueKind, unitOfMeasure: target.unitOfMeasure, planned: try target.planned,
                                                 rule: target.yearToDateRule, previousWeekValue: try previous[target.id!].map { try $0.value }))
        })
        return WeeklyReportContext(
            targets: Dictionary(uniqueKeysWithValues: try targets.map { (try $0.requireID(), $0.valueKind) }),
            activityTypes: Set(try await types.map(\.code)),
            roomIDs: Set(try await rooms.compactMap(\.id)),
            personIDs: Set(try await people.compactMap(\.id)),
            planWeek: calendar.week(containing: week.end.adding(days: 1)),
            targetFacts: facts, authorGroupIDs: Set(groups.compactMap(\.id)),
            defaultGroupIDs: defaultGroups(groups, targets: targets))
    }

    /// The active groups the person reports in, in the commune's order.
    static func authorGroups(_ person: Person, on db: any Database) async throws -> [ReportGroup] {
        try await SQLAccess.models(ReportGroup.self, where: """
            active = \(bind: true) AND id IN (SELECT group_id FROM group_memberships WHERE person_id = \(bind: person.requireID()) AND kind = 'member')
            """, orderBy: [\ReportGroup.$sortOrder], on: db)
    }

    /// The groups a person is a member of (reports in), active or not.
    static func memberGroupIDs(personID: UUID, on db: any Database) async throws -> [UUID] {
        try await SQLAccess.sql(db).raw("SELECT group_id FROM group_memberships WHERE person_id = \(bind: personID) AND kind = 'member'")
            .all().compactMap { try SQLAccess.id($0, "group_id") }
    }

    /// Where a line goes when its author chose no group: their only group; or the one group all
    /// their targets belong to; or their first group (the bloc, in the letter's order).
    static func defaultGroups(_ groups: [ReportGroup], targets: [Target]) -> [UUID] {
        let ids = groups.compactMap(\.id)
        guard ids.count > 1 else { return ids }
        let targetGroups = Set(targets.map(\.groupID)).intersection(ids)
        if targetGroups.count == 1 { return Array(targetGroups) }
        return Array(ids.prefix(1))
    }

    enum SaveError: Error {
        case invalid([String: String])
        case locked(String)
    }

    /// Saves the person's report for the week (a draft, or a correction of a submitted report,
    /// which is audited) and submits it when asked. The first-submission instant is set once.
    @discardableResult
    static func save(_ input: WeeklyReportInput, submit: Bool, person: Person, actorID: UUID, week: ReportWeek,
                     calendar: CommuneCalendar, now: Date, on db: any Database) async throws -> Loaded {
        let context = try await context(for: person, week: week, calendar: calendar, on: db)
        let (validated, problems) = WeeklyReportRules.validate(input, context: context)
        guard problems.isEmpty else { throw SaveError.invalid(problems) }
        if submit && week.startInstant > now {
            throw SaveError.locked("Chưa đến tuần \(week.id.week)/\(week.id.year): chỉ có thể lưu nháp.")
        }
        let personID = try person.requireID()
        return try await db.transaction { db in
            let existing = try await find(personID: personID, week: week.id, on: db)
            // A report never submitted stays open after the group is compiled: late is late,
            // never missing. The focal point sees it arrive and may reopen the compilation.
            let everSubmitted = existing?.firstSubmittedAt != nil
            if let lock = try await CompilationService.reportLock(personID: personID, week: week.id, everSubmitted: everSubmitted,
                                                                  returned: existing?.returnedAt != nil, on: db) {
                throw SaveError.locked(lock.message)
            }
            let report = try existing ?? WeeklyReport(of: person, week: week.id, now: now)
            let before = existing == nil ? nil : try await content(of: report, on: db)
            let wasSubmitted = report.status == .submitted
            let firstSubmission = submit && report.firstSubmittedAt == nil
            if submit || wasSubmitted {
                report.status = .submitted
                if report.firstSubmittedAt == nil { report.firstSubmittedAt = now }
                report.lastSubmittedAt = now
            }
            if firstSubmission {
                // The ledger judges the first submission: it records who made it.
                report.filedByID = actorID == personID ? nil : actorID
            }
            if submit, let returnedBy = report.returnedBy, report.returnedAt != nil {
                // A returned report submitted again: the focal point is told; the first
                // submission instant stays what it was.
                report.returnedAt = nil
                report.returnComment = nil
                report.returnedBy = nil
                // The link opens the member's report in the group the returner is focal point of
                // (not "/reports/<week>", which is the focal point's own report).
                let memberGroups = try await GroupMembership.query(on: db).filter(\.$personID == personID).filter(\.$kind == .member).all().map(\.groupID)
                let returnerGroups = Set(try await GroupMembership.query(on: db).filter(\.$personID == returnedBy).filter(\.$kind == .aggregator).all().map(\.groupID))
                let url = (memberGroups.first(where: returnerGroups.contains) ?? memberGroups.first)
                    .map { SiteRoute.memberReport(groupID: $0, week: week.id, personID: personID) } ?? .report(week: week.id, personID: personID)
                try await CompilationService.notify([returnedBy], communeID: person.communeID, kind: "report_resubmitted",
                                                    text: "\(person.fullName) đã nộp lại báo cáo tuần \(week.id.week)/\(week.id.year).",
                                                    url: url.path, now: now, on: db)
            }
            report.updatedAt = now
            report.draftJSON = nil
            report.draftSavedAt = nil
            report.difficulties = validated.difficulties
            try await report.save(on: db)
            let reportID = try report.requireID()
            try await replaceContent(of: report, reportID: reportID, with: validated, on: db)
            if report.status == .submitted {
                // The same transaction makes its figures the targets' figures of the week.
                try await TargetFigures.record(validated.figures, report: report, reportID: reportID, actorID: actorID, now: now, on: db)
            }
            let after = try await content(of: report, on: db)
            if wasSubmitted, before != after {
                report.revision += 1
                try await report.save(on: db)
                try await AuditTrail.record(on: db, communeID: person.communeID, actorID: actorID, at: now, kind: "report",
                                            action: "update_after_submit", subjectID: reportID, weekID: week.id.description,
                                            before: before, after: after)
                try await CompilationService.flagChangeAfterApproval(personID: personID, week: week.id, on: db)
            } else if submit && !wasSubmitted {
                // Filed on behalf: the audit entry's actor is who filed it, its subject the
                // author's report, and the action says so.
                try await AuditTrail.record(on: db, communeID: person.communeID, actorID: actorID, at: now, kind: "report",
                                            action: actorID == personID ? "submit" : "submit_on_behalf", subjectID: reportID,
                                            weekID: week.id.description, before: ReportContent?.none, after: after)
            }
            if firstSubmission {
                try await CompilationService.notifyLateArrival(person: person, week: week, now: now, on: db)
            }
            return Loaded(report: report, content: after)
        }
    }

    private static func replaceContent(of report: WeeklyReport, reportID: UUID, with validated: ValidatedWeeklyReport,
                                       on db: any Database) async throws {
        let week = ReportWeekID(year: report.weekYear, week: report.weekNumber)
        try await ReportFigure.query(on: db).filter(\.$reportID == reportID).delete()
        try await ReportWorkItem.query(on: db).filter(\.$reportID == reportID).delete()
        try await ReportPlanItem.query(on: db).filter(\.$reportID == reportID).delete()
        let figures = validated.figures.map {
            let figure = ReportFigure(reportID: reportID, targetID: $0.targetID, week: week, value: $0.value, completed: $0.completed,
                                      submitted: report.status == .submitted)
            figure.unusualJump = $0.unusualJump
            return figure
        }
        if !figures.isEmpty { try await figures.create(on: db) }
        let work = validated.work.enumerated().map { index, line in
            let item = ReportWorkItem()
            item.reportID = reportID
            item.position = index
            item.description = line.description
            item.quantityText = DecimalText.store(line.quantity)
            item.unit = line.unit
            item.activityType = line.activityType
            item.place = line.place
            item.dates = line.dates
            item.setGroupIDs(line.groupIDs)
            item.forecast = line.forecast
            return item
        }
        if !work.isEmpty { try await work.create(on: db) }
        let plans = validated.plans.enumerated().map { index, line in
            let item = ReportPlanItem()
            item.reportID = reportID
            item.communeID = report.communeID
            item.position = index
            item.date = line.date.iso
            item.start = line.start.text
            item.end = line.end.text
            item.title = line.title
            item.roomID = line.roomID
            item.place = line.place
            item.chairID = line.chairID
            item.setParticipantIDs(line.participantIDs)
            item.preparedBy = line.preparedBy
            item.setGroupIDs(line.groupIDs)
            return item
        }
        if !plans.isEmpty { try await plans.create(on: db) }
    }

    /// The author confirms that a line given as forecast ("dự kiến") was done as written: it is
    /// no longer a forecast. Audited; the ledger does not care either way, so a compiled week
    /// does not lock it.
    static func confirmForecast(personID: UUID, week: ReportWeekID, position: Int, actorID: UUID, communeID: UUID, now: Date,
                                on db: any Database) async throws -> Bool {
        guard let report = try await find(personID: personID, week: week, on: db), report.status == .submitted,
              let item = try await ReportWorkItem.query(on: db).filter(\.$reportID == report.requireID())
                .filter(\.$position == position).filter(\.$forecast == true).first() else { return false }
        try await db.transaction { db in
            item.forecast = false
            try await item.save(on: db)
            try await AuditTrail.record(on: db, communeID: communeID, actorID: actorID, at: now, kind: "report", action: "confirm_forecast",
                                        subjectID: try report.requireID(), weekID: week.description,
                                        before: ["line": item.description, "forecast": "true"], after: ["line": item.description, "forecast": "false"])
        }
        return true
    }

    /// Keeps what was typed, as typed, without checking it: the autosave of the form.
    /// - Returns: the report, and whether this autosave created it (before, only its typing changed).
    @discardableResult
    static func autosave(_ input: WeeklyReportInput, person: Person, week: ReportWeek, now: Date,
                         on db: any Database) async throws -> (report: WeeklyReport, created: Bool) {
        let personID = try person.requireID()
        let existing = try await find(personID: personID, week: week.id, on: db)
        let report = try existing ?? WeeklyReport(of: person, week: week.id, now: now)
        report.draftJSON = AuditTrail.json(input)
        report.draftSavedAt = now
        if report.id == nil { report.updatedAt = now }
        try await report.save(on: db)
        return (report, existing == nil)
    }
}
