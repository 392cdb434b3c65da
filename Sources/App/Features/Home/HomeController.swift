import Fluent
import GiaoBanCore
import Vapor

struct HomeController {
    struct DeadlineRow: Encodable, Sendable {
        var label: String
        var who: String
        var due: String
        var timeLeft: String
        var passed: Bool
        var mine: Bool
        /// Where the reader writes it, when it is theirs to write (their personal monthly report).
        var href: String? = nil
        /// The person's own obligation, already done (the row says so instead of counting down).
        var done: Bool = false
    }
    struct BriefingView: Encodable, Sendable {
        var title: String
        var day: String
        var time: String
        var timeLeft: String
        var moved: Bool
    }
    struct GroupRow: Encodable, Sendable {
        var name: String
        var role: String
    }
    struct View: Encodable, Sendable {
        var weekID: String
        var weekTitle: String
        var weekHref: String
        var deadlines: [DeadlineRow]
        var monthly: [DeadlineRow]
        var briefing: BriefingView?
        var groups: [GroupRow]
        /// The setup checklist, for an admin until the commune is set up.
        var setup: SetupChecklist.Model? = nil
        var setupDone = 0
        var setupTotal = 0
        /// "Việc được giao tại giao ban: N việc cần báo cáo" (shown when N > 0).
        var assignedTasks: String? = nil
        /// The person's own weekly report, said plainly: done, late, returned, on leave or to do.
        var myReport: MyReport? = nil
        var setupHref = SiteRoute.admin(.setup).path
        var tasksHref = SiteRoute.briefingTasks().path
        var monthlyHref = SiteRoute.monthly().path
        var cellsHref = SiteRoute.cells().path
        var ledgerMonthlyHref = SiteRoute.ledgerMonthly().path
    }
    struct MyReport: Encodable, Sendable {
        /// "Đã nộp báo cáo tuần 49 lúc 19:42 (Thứ Năm 03/12) ✓".
        var text: String
        /// done | returned | leave | todo | overdue: the look of the card.
        var state: String
        var href: String
        var action: String
        /// What comes next: "Báo cáo tuần 50: hạn Thứ Năm, 10/12/2026 lúc 17:00".
        var next: String
    }

    func index(_ req: Request) async throws -> Response {
        let user = try req.authorize(.readCalendar)
        let calendar = user.calendar
        let now = req.now
        let week = calendar.week(containing: now)
        let deadlines = calendar.deadlines(for: week)
        let memberships = try await GroupMembership.query(on: req.db).filter(\.$personID == user.personID).all()
        let isReporter = memberships.contains { $0.kind == .member } || user.actor.roles.contains(.reporter)
        func row(_ label: String, _ who: String, _ due: Date, mine: Bool) -> DeadlineRow {
            DeadlineRow(label: label, who: who, due: DueWording.vietnamese(due, calendar: calendar),
                        timeLeft: TimeLeft.vietnamese(from: now, to: due), passed: due <= now, mine: mine)
        }
        let weekly = [
            row(req.t("deadline_weekly_report"), req.t("deadline_who_everyone"), deadlines.weeklyReport, mine: isReporter),
            row(req.t("deadline_group_compilation"), req.t("deadline_who_aggregators"), deadlines.groupCompilation,
                mine: user.actor.isAggregator),
        ]
        // The next party-cell report (for last month, due early this month) and the next monthly
        // report (due before the 20th).
        let today = LocalDate.inZone(now, calendar.timeZone)
        let cellMonth = [-1, 0, 1].map { Self.month(today.year, today.month, plus: $0) }
            .first { calendar.cellReportDeadline(year: $0.0, month: $0.1) > now }!
        let reportMonth = [-1, 0, 1].map { Self.month(today.year, today.month, plus: $0) }
            .first { calendar.monthlyReportDeadline(year: $0.0, month: $0.1) > now }!
        var monthly = [
            row(req.t("deadline_cell_report", "\(cellMonth.1)/\(cellMonth.0)"), req.t("deadline_who_supervisors"),
                calendar.cellReportDeadline(year: cellMonth.0, month: cellMonth.1), mine: user.actor.isCellSupervisor),
        ]
        let monthlyDue = calendar.monthlyReportDeadline(year: reportMonth.0, month: reportMonth.1)
        let reporters = calendar.settings.monthlyReporters
        if reporters.includesUnits {
            monthly.append(row(req.t("deadline_monthly_report", "\(reportMonth.1)/\(reportMonth.0)"), req.t("deadline_who_units"),
                               monthlyDue, mine: true))
        }
        // An official who owes a personal monthly report gets it on their home page, with the way in.
        if reporters.includesPeople, let month = ReportMonth(year: reportMonth.0, month: reportMonth.1),
           MonthlyDuty.personOwes(month, duty: user.person.reportingDuty, calendar: calendar),
           try await !LedgerService.obligated(communeID: user.communeID, personIDs: [user.personID], on: req.db).isEmpty {
            var personal = row(req.t("deadline_monthly_personal", "\(reportMonth.1)/\(reportMonth.0)"), req.t("deadline_who_you"),
                               monthlyDue, mine: true)
            personal.href = SiteRoute.monthlyPerson(month: month, personID: user.personID).path
            monthly.append(personal)
        }
        let nextWeek = calendar.week(containing: week.end.adding(days: 1))
        let moves = try await BriefingMoveRecord.moves(communeID: user.communeID, weeks: [week.id, nextWeek.id], on: req.db)
        let briefing = calendar.nextMeeting(after: now, moves: moves).map { meeting in
            BriefingView(title: meeting.title, day: "\(meeting.date.weekday.vietnameseName), \(meeting.date.vietnamese)",
                         time: "\(meeting.start.text) – \(meeting.end.text)",
                         timeLeft: TimeLeft.vietnamese(from: now, to: meeting.startInstant), moved: meeting.moved)
        }
        let groupIDs = Set(memberships.map(\.groupID))
        let groups = groupIDs.isEmpty ? [] : try await SQLAccess.models(ReportGroup.self, where: "id IN (\(list: Array(groupIDs))) AND active = \(bind: true)",
                                                                        orderBy: [\ReportGroup.$sortOrder], on: req.db)
        let groupRows = groups.map { group in
            let kinds = memberships.filter { $0.groupID == group.id }.map(\.kind)
            let role = kinds.contains(.aggregator) ? req.t("group_aggregators") : req.t("group_members")
            return GroupRow(name: group.name, role: role)
        }
        var view = View(weekID: week.id.description, weekTitle: week.title, weekHref: SiteRoute.week(week.id).path, deadlines: weekly, monthly: monthly,
                        briefing: briefing, groups: groupRows)
        if AccessPolicy.allows(user.actor, .manageOrganisation) {
            let checklist = try await SetupChecklist.load(req, user: user)
            if !checklist.complete {
                view.setup = checklist
                view.setupDone = checklist.items.filter(\.done).count
                view.setupTotal = checklist.items.count
            }
        }
        let assigned = try await BriefingTaskQueries.openTasks(for: user.personID, unitIDs: user.actor.unitIDs,
                                                               week: calendar.week(after: week).id, on: req.db).count
        if assigned > 0 { view.assignedTasks = req.t("tasks_home", String(assigned)) }
        let owes = user.person.reportsWeekly && memberships.contains { $0.kind == .member } && !groups.isEmpty
        if owes {
            let mine = try await myReport(req, user: user, week: week, memberships: memberships)
            view.myReport = mine
            if mine.state == "done" || mine.state == "leave" { view.deadlines[0].done = true }
        }
        return try await req.render(title: req.t("home_title"), section: "home", view)
    }

    /// The home page's answer to "have I done my report?" for the current week, and what is next.
    private func myReport(_ req: Request, user: CurrentUser, week: ReportWeek, memberships: [GroupMembership]) async throws -> MyReport {
        let calendar = user.calendar
        let now = req.now
        let due = calendar.deadlines(for: week).weeklyReport
        let report = try await ReportService.find(personID: user.personID, week: week.id, on: req.db)
        // Leave excuses the week (the ledger's own reading of it).
        let me = LedgerService.Obligated(personID: user.personID, communeID: user.communeID, fullName: user.person.fullName,
                                         groupIDs: memberships.filter { $0.kind == .member }.map(\.groupID),
                                         unitIDs: Array(user.actor.unitIDs), duty: user.person.reportingDuty)
        let entry = try await LedgerService.rows(for: [me], weeks: [week], calendar: calendar, now: now, on: req.db).first?.entry
        let standing = ReportStanding.of(firstSubmittedAt: report?.firstSubmittedAt, returned: report?.returnedAt != nil, due: due, now: now,
                                         excuse: entry?.status == .excused ? entry?.excuse : nil)
        let state: String
        switch standing {
        case .submitted: state = "done"
        case .returned: state = "returned"
        case .onLeave: state = "leave"
        case .toDo(let overdue): state = overdue ? "overdue" : "todo"
        }
        let nextWeek = calendar.week(after: week)
        let next = standing.isDone
            ? req.t("home_next_report", "\(nextWeek.id.week)", DueWording.vietnamese(calendar.deadlines(for: nextWeek).weeklyReport, calendar: calendar))
            : req.t("home_next_report", "\(week.id.week)", "\(DueWording.vietnamese(due, calendar: calendar)) (\(TimeLeft.vietnamese(from: now, to: due)))")
        let action: String
        switch standing {
        case .submitted: action = req.t("home_view_report")
        case .returned: action = req.t("home_fix_report")
        case .onLeave, .toDo: action = req.t("home_open_report")
        }
        return MyReport(text: standing.vietnamese(week: week.id, calendar: calendar), state: state, href: SiteRoute.report(week: week.id).path,
                        action: action, next: next)
    }

    static func month(_ year: Int, _ month: Int, plus offset: Int) -> (Int, Int) {
        let index = year * 12 + (month - 1) + offset
        return (index / 12, index % 12 + 1)
    }
}
