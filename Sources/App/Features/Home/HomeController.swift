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
    }

    /// "Thứ Năm, 19/08/2021 lúc 20:00" in the commune's zone.
    static func dueText(_ instant: Date, calendar: CommuneCalendar) -> String {
        let date = LocalDate.inZone(instant, calendar.timeZone)
        let minutes = Int(instant.timeIntervalSince(calendar.instant(date, LocalTime(hour: 0, minute: 0)!)) / 60)
        let time = LocalTime(hour: minutes / 60, minute: minutes % 60)?.text ?? ""
        return "\(date.weekday.vietnameseName), \(date.vietnamese) lúc \(time)"
    }

    func index(_ req: Request) async throws -> Response {
        let user = try req.authorize(.readCalendar)
        let calendar = user.commune.calendar
        let now = req.now
        let week = calendar.week(containing: now)
        let deadlines = calendar.deadlines(for: week)
        let memberships = try await GroupMembership.query(on: req.db).filter(\.$personID == user.personID).all()
        let isReporter = memberships.contains { $0.kind == .member } || user.actor.roles.contains(.reporter)
        func row(_ label: String, _ who: String, _ due: Date, mine: Bool) -> DeadlineRow {
            DeadlineRow(label: label, who: who, due: Self.dueText(due, calendar: calendar),
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
           try await !MonthlyService.reporters(communeID: user.communeID, personIDs: [user.personID], on: req.db).isEmpty {
            var personal = row(req.t("deadline_monthly_personal", "\(reportMonth.1)/\(reportMonth.0)"), req.t("deadline_who_you"),
                               monthlyDue, mine: true)
            personal.href = "/monthly/\(month)/people/\(user.personID)"
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
        let groups = groupIDs.isEmpty ? [] : try await ReportGroup.query(on: req.db)
            .filter(\.$id ~~ groupIDs).filter(\.$active == true).sort(\.$sortOrder).all()
        let groupRows = groups.map { group in
            let kinds = memberships.filter { $0.groupID == group.id }.map(\.kind)
            let role = kinds.contains(.aggregator) ? req.t("group_aggregators") : req.t("group_members")
            return GroupRow(name: group.name, role: role)
        }
        var view = View(weekID: week.id.description, weekTitle: week.title, deadlines: weekly, monthly: monthly,
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
        return try await req.render("home", title: req.t("home_title"), section: "home", view)
    }

    static func month(_ year: Int, _ month: Int, plus offset: Int) -> (Int, Int) {
        let index = year * 12 + (month - 1) + offset
        return (index / 12, index % 12 + 1)
    }
}
