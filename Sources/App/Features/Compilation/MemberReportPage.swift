import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// One member's whole report for a group's week, as the focal point reads it before compiling:
/// figures, work lines, plans, difficulties, its standing, its history (submitted, late,
/// returned, corrected) and the return control. Linked from the group-week page and from every
/// notification about the report.
enum MemberReportPage {
    struct Row: Encodable, Sendable, Equatable { var label: String; var value: String; var detail: String? = nil }
    struct WorkRow: Encodable, Sendable, Equatable {
        var description: String; var quantity: String; var place: String?; var dates: String?; var forecast: Bool
    }
    struct PlanRow: Encodable, Sendable, Equatable { var day: String; var time: String; var title: String; var place: String? }
    struct Event: Encodable, Sendable, Equatable { var at: String; var text: String }
    struct Model: Encodable, Sendable {
        var groupID: String; var groupName: String; var weekID: String; var weekTitle: String
        var personID: String; var name: String
        var hasReport: Bool
        var cell: LedgerCellView?
        var statusText: String
        var returned: ReportReturnView?
        var lockReason: String?
        var targets: [Row]; var work: [WorkRow]; var plans: [PlanRow]; var difficulties: String?
        var history: [Event]
        var canReturn: Bool
        var groupHref: String
        var apiHref: String
        /// Returns the report to its author (the group week's "return" form).
        var returnAction: String
    }

    /// The group, week and member of the request, once the actor may read the member's report
    /// (`AccessPolicy.readPersonReports`) and the person is a member of the group.
    static func resolve(_ req: Request) async throws -> (CurrentUser, ReportGroup, ReportWeek, Person) {
        let user = try req.requireUser()
        let group = try await CompilationService.group(req.parameters.get("id"), communeID: user.communeID, on: req.db)
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        guard let personID = req.parameters.get("personId").flatMap(UUID.init(uuidString:)),
              let person = try await Person.query(on: req.db).filter(\.$id == personID).filter(\.$communeID == user.communeID).first(),
              try await GroupMembership.query(on: req.db).filter(\.$groupID == group.requireID()).filter(\.$personID == personID)
                .filter(\.$kind == .member).count() > 0 else {
            throw AppError.notFound("Không tìm thấy thành viên này trong nhóm.")
        }
        guard AccessPolicy.allows(user.actor, .readPersonReports(person: try await AccessFacts.person(person, on: req.db))) else {
            throw AppError.forbidden
        }
        return (user, group, week, person)
    }

    static func load(group: ReportGroup, week: ReportWeek, person: Person, actor: Actor, calendar: CommuneCalendar, now: Date,
                     on db: any Database) async throws -> Model {
        let groupID = try group.requireID()
        let personID = try person.requireID()
        let view = try await CompilationService.view(group: group, week: week, calendar: calendar, now: now, on: db)
        let member = view.members.first { $0.personID == personID }
        var report = member?.report
        if report == nil { report = try await ReportService.find(personID: personID, week: week.id, on: db) }
        var content: ReportContent?
        if let report { content = try await ReportService.content(of: report, on: db) }

        var targets: [Row] = []
        if let content, !content.targets.isEmpty {
            let byID = Dictionary(uniqueKeysWithValues: try await Target.query(on: db).filter(\.$id ~~ content.targets.map(\.targetId)).all()
                .map { ($0.id!, $0) })
            targets = content.targets.compactMap { figure in
                guard let target = byID[figure.targetId] else { return nil }
                let value = TargetProgressQuery.display(figure.value, kind: target.valueKind)
                return Row(label: "\(target.code) \(target.name)", value: "\(value) \(target.valueKind == .yesNo ? "" : target.unitOfMeasure)"
                    .trimmedWhitespace,
                           detail: figure.unusualJump == true ? "Tăng bất thường, đã xác nhận" : nil)
            }
        }
        let work = (content?.work ?? []).map { line in
            WorkRow(description: line.description,
                    quantity: "\(VietnameseNumber.format(line.quantity, maxFractionDigits: VietnameseNumber.storedFractionDigits)) \(line.unit)",
                    place: line.place, dates: line.dates, forecast: line.forecast)
        }
        let plans = (content?.plans ?? []).map { plan in
            let date = LocalDate(iso: plan.date)
            return PlanRow(day: date.map { "\($0.weekday.vietnameseName) \($0.dayMonth)" } ?? plan.date, time: "\(plan.start) – \(plan.end)",
                           title: plan.title, place: plan.place)
        }

        var returned: ReportReturnView?
        var names: [UUID: String] = [:]
        var history: [Event] = []
        if let report, let reportID = report.id {
            let entries = try await AuditEntry.query(on: db).filter(\.$kind == "report").filter(\.$subjectID == reportID).sort(\.$at).all()
            let ids = Set(entries.map(\.actorID) + [report.returnedBy, report.filedByID].compactMap { $0 })
            if !ids.isEmpty {
                names = Dictionary(uniqueKeysWithValues: try await Person.query(on: db).filter(\.$id ~~ Array(ids)).all().map { ($0.id!, $0.fullName) })
            }
            let due = calendar.deadlines(for: week).weeklyReport
            history = try entries.compactMap { entry in
                let who = names[entry.actorID] ?? ""
                let text: String
                switch entry.action {
                case "submit", "submit_on_behalf":
                    let late = Int(entry.at.timeIntervalSince(due))
                    let timing = late > 0 ? LateText.vietnamese(seconds: late) : "đúng hạn"
                    text = entry.action == "submit" ? "Nộp báo cáo (\(timing))" : "\(who) nộp thay (\(timing))"
                case "update_after_submit": text = "Sửa sau khi nộp — \(who)"
                case "return":
                    let comment = try entry.after([String: String].self)?["comment"] ?? ""
                    text = "Trả lại — \(who): \(comment)"
                case "confirm_forecast": text = "Xác nhận việc dự kiến đã làm — \(who)"
                default: return nil
                }
                return Event(at: calendar.vietnameseDateTime(entry.at), text: text)
            }
            if let returnedAt = report.returnedAt {
                returned = .init(by: report.returnedBy.flatMap { names[$0] } ?? "", at: calendar.vietnameseDateTime(returnedAt),
                                 comment: report.returnComment ?? "")
            }
        }
        let lock = try await CompilationService.reportLock(personID: personID, week: week.id, everSubmitted: report?.firstSubmittedAt != nil,
                                                           returned: report?.returnedAt != nil, on: db)
        let cell = member?.entry.map { LedgerCellView($0, calendar: calendar) }
        let statusText: String
        switch report?.status {
        case .submitted? where returned != nil: statusText = "Đã trả lại, chờ nộp lại"
        case .submitted?: statusText = "Đã nộp"
        case .draft?: statusText = "Đang soạn, chưa nộp"
        case nil: statusText = "Chưa có báo cáo"
        }
        return Model(
            groupID: groupID.canonicalText, groupName: group.name, weekID: week.id.description, weekTitle: week.title,
            personID: personID.canonicalText, name: person.fullName, hasReport: report?.status == .submitted, cell: cell,
            statusText: statusText, returned: returned, lockReason: lock?.message,
            targets: targets, work: work, plans: plans, difficulties: report?.status == .submitted ? content?.difficulties : nil,
            history: history,
            canReturn: AccessPolicy.allows(actor, .returnMemberReport(group: GroupFacts(group), groupWeekState: view.groupWeek.state,
                                                                      report: MemberReportStatus(report))),
            groupHref: SiteRoute.groupWeek(groupID: groupID, week: week.id).path,
            apiHref: SiteRoute.memberReportAPI(groupID: groupID, week: week.id, personID: personID).path,
            returnAction: SiteRoute.groupWeekAction(groupID: groupID, week: week.id, .returnReport).path)
    }

    /// `GET /groups/{id}/weeks/{weekID}/members/{personID}`.
    static func show(_ req: Request) async throws -> Response {
        let (user, group, week, person) = try await resolve(req)
        let model = try await load(group: group, week: week, person: person, actor: user.actor, calendar: user.calendar,
                                   now: req.now, on: req.db)
        return try await req.render("groups/member-report", title: "\(person.fullName) · \(week.title)", section: "groups", model)
    }

    /// `GET /api/v1/groups/{id}/weeks/{weekId}/members/{personId}/report`: the same report as
    /// `GET /api/v1/reports/{weekId}?personId=`, reached from the group (404 before it exists).
    static func api(_ req: Request) async throws -> ReportDTO {
        let (user, _, week, person) = try await resolve(req)
        // A draft is its author's until submitted: the focal point sees it once it is sent.
        guard let report = try await ReportService.find(personID: try person.requireID(), week: week.id, on: req.db),
              report.status == .submitted else {
            throw AppError(.notFound, code: "report_not_found", message: "\(person.fullName) chưa nộp báo cáo tuần \(week.id.week)/\(week.id.year).")
        }
        return try await ReportService.dto(report, content: try await ReportService.content(of: report, on: req.db),
                                           calendar: user.calendar, on: req.db)
    }
}
