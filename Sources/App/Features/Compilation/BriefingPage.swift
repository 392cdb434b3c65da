import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// The leaders' view for the Friday 14:00 briefing: every group of the week on one page, with
/// what changed since last week and the targets behind plan (SPEC §7).
struct BriefingPageController {
    struct BehindRow: Encodable, Sendable { var code: String; var name: String; var yearToDate: String; var planned: String; var percent: String }
    struct ChangeRow: Encodable, Sendable { var code: String; var name: String; var before: String; var after: String }
    struct GroupCard: Encodable, Sendable {
        var id: String; var name: String; var state: String; var stateLabel: String; var summary: String
        var tally: LedgerTallyView; var previousOnTime: Int
        var behind: [BehindRow]; var changes: [ChangeRow]; var totals: [GroupWeekRows.TotalRow]
        var difficulties: [GroupWeekRows.DifficultyRow]
        var href: String
    }
    struct MeetingRow: Encodable, Sendable { var title: String; var day: String; var time: String; var moved: Bool }
    /// The commune's headline, first on the page (`BriefingHeadline`).
    struct HeadlineView: Encodable, Sendable {
        struct Name: Encodable, Sendable { var name: String; var detail: String? }
        var groupsCompiled: Int; var groups: Int
        var onTime: Int; var due: Int; var notDue: Int
        var behindPlan: Int
        /// Where "targets behind plan" links to: the first group card that lists some.
        var behindHref: String?
        var late: [Name]; var missing: [Name]
    }
    struct View: Encodable, Sendable {
        var weekID: String; var title: String; var previousID: String; var nextID: String
        var headline: HeadlineView
        var meetings: [MeetingRow]; var groups: [GroupCard]; var canMove: Bool
        var slots: [Choice]; var moveDate: String
        /// The "Kết luận giao ban" section (`BriefingConclusionsSection.View.body`).
        var conclusions: BriefingConclusionsSection.View? = nil
        var previousHref: String
        var nextHref: String
        var packHref: String
        var moveAction: String
        /// Where the move form returns to: this page.
        var moveBack: String
    }

    /// The commune's headline from every group's week: compiled groups, people on time (each
    /// person once), targets behind plan, and the late and missing by name.
    static func headline(_ views: [GroupWeekView]) -> BriefingHeadline {
        BriefingHeadline(groups: views.map { view in
            BriefingHeadline.Group(
                compiled: [.compiled, .approved].contains(view.groupWeek.state),
                members: view.members.map { .init(personID: $0.personID, name: $0.fullName, entry: $0.entry) },
                behindTargetIDs: view.targets.filter(\.behindPlan).compactMap { $0.target.id })
        })
    }

    func show(_ req: Request) async throws -> Response {
        let user = try req.authorize(.viewBriefing)
        let calendar = user.calendar
        if req.parameters.get("weekID") == "current" {
            return req.redirect(to: .briefing(calendar.week(containing: req.now).id))
        }
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        let now = req.now, db = req.db
        let views = try await BriefingWeek.load(user: user, week: week, now: now, on: db)
        let cards = views.map { current, before in
            let changes = current.targets.compactMap { line -> ChangeRow? in
                let after = line.progress?.yearToDate
                let earlier = before.yearToDate[line.target.id]
                guard after != earlier else { return nil }
                return ChangeRow(code: line.target.code, name: line.target.name,
                                 before: TargetProgressQuery.display(earlier, kind: line.target.valueKind).nonEmpty ?? "—",
                                 after: TargetProgressQuery.display(after, kind: line.target.valueKind).nonEmpty ?? "—")
            }
            return GroupCard(
                id: current.groupID.canonicalText, name: current.group.name, state: current.groupWeek.state.rawValue,
                stateLabel: current.groupWeek.state.vietnameseName,
                summary: current.groupWeek.summary,
                tally: .init(LedgerTally(current.members.compactMap(\.entry))),
                previousOnTime: before.onTime,
                behind: current.targets.filter(\.behindPlan).map {
                    BehindRow(code: $0.target.code, name: $0.target.name,
                              yearToDate: TargetProgressQuery.display($0.progress?.yearToDate, kind: $0.target.valueKind).nonEmpty ?? "0",
                              planned: TargetProgressQuery.display($0.target.planned, kind: $0.target.valueKind),
                              percent: TargetProgressQuery.displayPercent($0.progress?.percent).nonEmpty ?? "0%")
                },
                changes: changes, totals: GroupWeekRows.totals(current.activityTotals),
                difficulties: GroupWeekRows.difficulties(current.difficulties),
                href: SiteRoute.groupWeek(groupID: current.groupID, week: week.id).path)
        }
        let headline = Self.headline(views.map(\.0))
        let firstBehind = views.first { view, _ in view.targets.contains(where: \.behindPlan) }?.0.groupID
        let headlineView = HeadlineView(
            groupsCompiled: headline.groupsCompiled, groups: headline.groups, onTime: headline.onTime, due: headline.due,
            notDue: headline.notDue, behindPlan: headline.behindPlan, behindHref: firstBehind.map { "#behind-\($0.canonicalText)" },
            late: headline.late.map { .init(name: $0.name, detail: LateText.vietnamese(seconds: $0.lateBySeconds)) },
            missing: headline.missing.map { .init(name: $0.name, detail: nil) })
        let moves = try await BriefingMoveRecord.moves(communeID: user.communeID, weeks: [week.id], on: req.db)
        let weekMeetings = calendar.meetings(for: week, moves: moves)
        let meetingRows = weekMeetings.map {
            MeetingRow(title: $0.title, day: "\($0.date.weekday.vietnameseName) \($0.date.vietnamese)", time: "\($0.start.text) – \($0.end.text)", moved: $0.moved)
        }
        let previous = calendar.week(containing: week.start.adding(days: -1)).id
        let next = calendar.week(containing: week.end.adding(days: 1)).id
        var view = View(weekID: week.id.description, title: week.title,
                        previousID: previous.description, nextID: next.description,
                        headline: headlineView, meetings: meetingRows, groups: cards, canMove: AccessPolicy.allows(user.actor, .moveBriefing),
                        slots: calendar.settings.meetingSlots.enumerated().map { Choice(value: $0.element.key, label: $0.element.title, selected: $0.offset == 0) },
                        moveDate: week.end.adding(days: 3).vietnamese,
                        previousHref: SiteRoute.briefing(previous).path, nextHref: SiteRoute.briefing(next).path,
                        packHref: SiteRoute.briefingPack(week.id).path, moveAction: SiteRoute.weekMove(week.id).path,
                        moveBack: SiteRoute.briefing(week.id).path)
        view.conclusions = try await BriefingConclusionsSection.load(req, user: user, week: week, meetings: weekMeetings)
        return try await req.render(title: req.t("briefing_title"), section: "briefing", view)
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
