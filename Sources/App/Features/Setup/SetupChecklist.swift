import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// What a commune still lacks before the regime can start, line by line: each is done or links
/// to the page that does it. `/admin/setup`, `GET /api/v1/setup`, and the admin's home page
/// until everything is done.
enum SetupChecklist {
    struct Item: Content, Equatable {
        /// Stable key: commune_name, letterhead, in_use_since, days_off, units, people, groups,
        /// approvers, targets, rooms, cells, reminders.
        var key: String
        var title: String
        var done: Bool
        /// The page that does it.
        var url: String
        /// What is missing, when not done.
        var detail: String?
    }

    struct Model: Content, Equatable {
        var complete: Bool
        var items: [Item]
    }

    /// The name a fresh install gives the commune (`Bootstrap`): not yet a real name.
    static let placeholderNames: Set<String> = ["xa moi"]

    static func load(commune: Commune, calendar: CommuneCalendar, now: Date, sendmailConfigured: Bool,
                     on db: any Database) async throws -> Model {
        let communeID = try commune.requireID()
        let today = LocalDate.inZone(now, calendar.timeZone)
        let reportYear = calendar.week(containing: now).id.year
        func t(_ key: String, _ arguments: String...) -> String {
            var text = Strings.text(key)
            for argument in arguments { if let range = text.range(of: "%@") { text.replaceSubrange(range, with: argument) } }
            return text
        }

        async let unitsQuery = OrgUnit.query(on: db).filter(\.$communeID == communeID).filter(\.$active == true).count()
        async let peopleQuery = Person.query(on: db).filter(\.$communeID == communeID).filter(\.$active == true).all()
        async let groupsQuery = ReportGroup.query(on: db).filter(\.$communeID == communeID).filter(\.$active == true).all()
        async let targetsQuery = Target.query(on: db).filter(\.$communeID == communeID).filter(\.$year == reportYear)
            .filter(\.$active == true).count()
        async let roomsQuery = Room.query(on: db).filter(\.$communeID == communeID).filter(\.$active == true).count()
        async let cellsQuery = PartyCell.query(on: db).filter(\.$communeID == communeID).filter(\.$active == true).all()
        async let integrationQuery = ReminderService.integration(communeID: communeID, on: db)
        let units = try await unitsQuery, people = try await peopleQuery, groups = try await groupsQuery
        let targets = try await targetsQuery, rooms = try await roomsQuery, cells = try await cellsQuery
        let integration = try await integrationQuery

        let groupIDs = groups.compactMap(\.id)
        let memberships = groupIDs.isEmpty ? [] : try await GroupMembership.query(on: db).filter(\.$groupID ~~ groupIDs).all()
        let cellIDs = cells.compactMap(\.id)
        let supervisors = cellIDs.isEmpty ? [] : try await CellSupervisor.query(on: db).filter(\.$cellID ~~ cellIDs).all()

        var items: [Item] = []
        let name = commune.name.trimmedWhitespace
        items.append(Item(key: "commune_name", title: t("setup_commune_name"),
                          done: !name.isEmpty && !placeholderNames.contains(VietnameseText.folded(name)), url: SiteRoute.admin(.settings).path,
                          detail: t("setup_commune_name_detail", name)))
        let missingParents = [(commune.partyParentBody, "setup_party_parent"), (commune.stateParentBody, "setup_state_parent")]
            .filter { ($0.0 ?? "").trimmedWhitespace.isEmpty }.map { t($0.1) }
        items.append(Item(key: "letterhead", title: t("setup_letterhead"), done: missingParents.isEmpty, url: SiteRoute.admin(.settings).path(fragment: "letterhead"),
                          detail: missingParents.isEmpty ? nil : t("setup_missing", missingParents.joined(separator: ", "))))
        items.append(Item(key: "in_use_since", title: t("setup_in_use_since"), done: calendar.settings.inUseSince != nil,
                          url: SiteRoute.admin(.settings).path(fragment: "inUseSince"), detail: nil))
        items.append(Item(key: "days_off", title: t("setup_days_off", String(today.year)),
                          done: calendar.daysOff.year(today.year).confirmed, url: SiteRoute.daysOff(year: today.year).path, detail: nil))
        items.append(Item(key: "units", title: t("setup_units"), done: units > 0, url: SiteRoute.admin(.units).path, detail: nil))
        let staff = people.filter { $0.roles.contains(.reporter) }.count
        items.append(Item(key: "people", title: t("setup_people"), done: staff > 0, url: SiteRoute.adminPeopleImport.path,
                          detail: t("setup_people_detail", String(staff))))

        let byGroup = Dictionary(grouping: memberships, by: \.groupID)
        let incomplete = groups.filter { group in
            let rows = group.id.flatMap { byGroup[$0] } ?? []
            return !rows.contains { $0.kind == .aggregator } || !rows.contains { $0.kind == .member }
        }
        items.append(Item(key: "groups", title: t("setup_groups"), done: !groups.isEmpty && incomplete.isEmpty, url: SiteRoute.admin(.groups).path,
                          detail: groups.isEmpty ? t("setup_groups_none")
                            : incomplete.isEmpty ? t("setup_groups_count", String(groups.count))
                            : t("setup_groups_incomplete", incomplete.map(\.name).joined(separator: ", "))))
        let needApprover = groups.filter { $0.requiresApproval && $0.approverID == nil }
        let approving = groups.filter { $0.requiresApproval || $0.approverID != nil }
        items.append(Item(key: "approvers", title: t("setup_approvers"), done: !approving.isEmpty && needApprover.isEmpty,
                          url: (needApprover.first?.id.map { SiteRoute.adminItem(.groups, $0) } ?? .admin(.groups)).path,
                          detail: approving.isEmpty ? t("setup_approvers_none")
                            : needApprover.isEmpty ? nil : t("setup_missing", needApprover.map(\.name).joined(separator: ", "))))
        items.append(Item(key: "targets", title: t("setup_targets", String(reportYear)), done: targets > 0,
                          url: SiteRoute.targetImport(year: reportYear).path, detail: targets > 0 ? t("setup_targets_count", String(targets)) : nil))
        items.append(Item(key: "rooms", title: t("setup_rooms"), done: rooms > 0, url: SiteRoute.admin(.rooms).path, detail: nil))
        let supervised = Set(supervisors.map(\.cellID))
        let unsupervised = cells.filter { !($0.id.map(supervised.contains) ?? false) }
        items.append(Item(key: "cells", title: t("setup_cells"), done: !cells.isEmpty && unsupervised.isEmpty,
                          url: (unsupervised.first?.id.map { SiteRoute.adminItem(.cells, $0) } ?? .admin(.cells)).path,
                          detail: unsupervised.isEmpty ? nil : t("setup_missing", unsupervised.map(\.name).joined(separator: ", "))))
        let webhook = integration.map { $0.webhookEnabled && !($0.webhookURL ?? "").isEmpty } ?? false
        items.append(Item(key: "reminders", title: t("setup_reminders"),
                          done: webhook || sendmailConfigured || commune.inAppRemindersAccepted, url: SiteRoute.admin(.integrations).path,
                          detail: webhook ? t("setup_reminders_webhook") : sendmailConfigured ? t("setup_reminders_email")
                            : commune.inAppRemindersAccepted ? t("setup_reminders_in_app") : nil))
        return Model(complete: items.allSatisfy(\.done), items: items)
    }

    static func load(_ req: Request, user: CurrentUser) async throws -> Model {
        try await load(commune: user.commune, calendar: user.calendar, now: req.now, sendmailConfigured: req.application.giaobanConfig.sendmailPath != nil,
                       on: req.db)
    }
}

struct SetupController {
    /// `GET /api/v1/setup` (admin): always in Vietnamese, like every API answer.
    func api(_ req: Request) async throws -> SetupChecklist.Model {
        let user = try req.authorize(.manageOrganisation)
        return try await SetupChecklist.load(commune: user.commune, calendar: user.calendar, now: req.now,
                                             sendmailConfigured: req.application.giaobanConfig.sendmailPath != nil, on: req.db)
    }

    struct View: Encodable, Sendable {
        var checklist: SetupChecklist.Model
        var doneCount: Int
        var totalCount: Int
        var remindersDone: Bool
        var inAppRemindersAction = SiteRoute.adminSetupInAppReminders.path
        var integrationsHref = SiteRoute.admin(.integrations).path
    }

    /// `GET /admin/setup`
    func page(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let checklist = try await SetupChecklist.load(req, user: user)
        let view = View(checklist: checklist, doneCount: checklist.items.filter(\.done).count, totalCount: checklist.items.count,
                        remindersDone: checklist.items.first { $0.key == "reminders" }?.done ?? false)
        return try await req.render("admin/setup", title: req.t("setup_title"), section: "setup", view)
    }

    struct AcceptForm: Content { var accept: String? }

    /// `POST /admin/setup/in-app-reminders`: reminders inside the app are enough for now.
    func acceptInAppReminders(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let accept = (try? req.content.decode(AcceptForm.self).accept) != "false"
        _ = try await CommuneSettingsService.save(CommuneSettingsInput(inAppRemindersAccepted: accept), communeID: user.communeID,
                                                  actorID: user.personID, now: req.now, on: req.db)
        return req.redirect(to: .admin(.setup), notice: "saved")
    }
}
