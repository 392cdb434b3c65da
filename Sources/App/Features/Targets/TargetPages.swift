import Fluent
import Foundation
import GiaoBanCore
import GiaoBanOffice
import Vapor

/// The target pages: the year's table with this week / year-to-date / plan / %, the form for
/// those who manage a group's targets, and the import with its preview. A refused form comes
/// back with exactly what was typed and a message beside each field.
struct TargetPagesController {
    // MARK: Labels

    private func kindLabel(_ kind: TargetValueKind, _ req: Request) -> String {
        switch kind {
        case .count: return req.t("targets_kind_count")
        case .decimal: return req.t("targets_kind_decimal")
        case .yesNo: return req.t("targets_kind_yes_no")
        }
    }

    private func ruleLabel(_ rule: YearToDateRule, _ req: Request) -> String {
        switch rule {
        case .sum: return req.t("targets_rule_sum")
        case .latest: return req.t("targets_rule_latest")
        case .max: return req.t("targets_rule_max")
        }
    }

    private func display(_ value: Decimal?, kind: TargetValueKind, _ req: Request) -> String {
        guard let value else { return "" }
        if kind == .yesNo { return value >= 1 ? req.t("report_yes") : req.t("report_no") }
        return VietnameseNumber.format(value)
    }

    private func percentText(_ percent: Decimal?) -> String {
        percent.map { VietnameseNumber.format($0, maxFractionDigits: 1) + "%" } ?? ""
    }

    // MARK: The table

    struct RowView: Encodable, Sendable {
        var index: Int; var id: String; var code: String; var name: String; var unit: String; var kind: String; var rule: String
        var planned: String; var thisWeek: String; var yearToDate: String; var percent: String; var responsible: String
        var behind: Bool; var active: Bool; var canEdit: Bool
        var editHref: String?
    }
    struct SectionView: Encodable, Sendable { var name: String; var rows: [RowView] }
    struct IndexView: Encodable, Sendable {
        var year: Int; var years: [Choice]; var groups: [Choice]; var weekID: String; var weekTitle: String
        var shareText: String; var behindCount: Int; var sections: [SectionView]; var canManage: Bool
        var exportHref: String; var importHref: String; var newHref: String
        var previousWeekHref: String?; var nextWeekHref: String?
        /// The filter asks this page again (a GET form: its own fields make the query).
        var filterAction = SiteRoute.targets().path
    }

    /// `GET /targets?year=&group=&week=`
    func index(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let calendar = user.calendar
        let currentYear = calendar.week(containing: req.now).id.year
        let weekRaw = req.query[String.self, at: "week"].flatMap { $0.isEmpty ? nil : $0 }
        let requestedWeek = try weekRaw.map { try calendar.week(parsing: $0) }
        let year = try TargetParameters.year(req, required: false) ?? requestedWeek?.id.year ?? currentYear
        let week = requestedWeek.flatMap { $0.id.year == year ? $0 : nil }
            ?? TargetQueries.defaultWeek(year: year, calendar: calendar, now: req.now)
        let groupRaw = req.query[String.self, at: "group"].flatMap { $0.isEmpty ? nil : $0 }
        let groupID = groupRaw.flatMap(UUID.init(uuidString:))
        if groupRaw != nil && groupID == nil { throw AppError.badRequest("Nhóm báo cáo không hợp lệ.") }

        let table = try await TargetTable.load(communeID: user.communeID, year: year, groupID: groupID, week: week,
                                               activeOnly: false, on: req.db)
        let groups = try await ReportGroup.query(on: req.db).filter(\.$communeID == user.communeID)
            .all().inDisplayOrder
        let years = try await TargetQueries.years(communeID: user.communeID, current: currentYear, on: req.db)
        var index = 0
        let sections = try table.sections.map { section in
            SectionView(name: section.group.name, rows: try section.rows.map { row in
                index += 1
                let target = row.target
                return RowView(index: index, id: target.id?.canonicalText ?? "", code: target.code, name: target.name,
                               unit: target.unitOfMeasure, kind: kindLabel(target.valueKind, req), rule: ruleLabel(target.yearToDateRule, req),
                               planned: display(try target.planned, kind: target.valueKind, req),
                               thisWeek: display(row.progress?.weekValue, kind: target.valueKind, req),
                               yearToDate: display(row.progress?.yearToDate, kind: target.valueKind, req),
                               percent: percentText(row.progress?.percent), responsible: row.responsible,
                               behind: row.behind, active: target.active,
                               canEdit: AccessPolicy.allows(user.actor, .manageTargets(groupID: target.groupID)),
                               editHref: target.id.map { SiteRoute.target($0).path })
            })
        }
        let share = YearToDate.straightLineShare(week: week.id.week, weeksInYear: WeekNaming.weeksInISOYear(week.id.year)) * 100
        let weeks = calendar.weeks(inYear: year)
        let previous = weeks.last(where: { $0.id < week.id })
        let next = weeks.first(where: { $0.id > week.id })
        let view = IndexView(
            year: year,
            years: years.map { Choice(value: String($0), label: String($0), selected: $0 == year) },
            groups: groups.map { Choice(value: $0.id?.canonicalText ?? "", label: $0.name, selected: $0.id == groupID) },
            weekID: week.id.description, weekTitle: week.title,
            shareText: req.t("targets_behind_hint", VietnameseNumber.format(share, maxFractionDigits: 1) + "%"),
            behindCount: sections.flatMap(\.rows).filter(\.behind).count,
            sections: sections,
            canManage: AccessPolicy.allows(user.actor, .manageTargets(groupID: nil)),
            exportHref: SiteRoute.targetExport(year: year, groupID: groupID, week: week.id).path,
            importHref: SiteRoute.targetImport(year: year).path,
            newHref: SiteRoute.targetNew(year: year, groupID: groupID).path,
            previousWeekHref: previous.map { SiteRoute.targets(year: year, groupID: groupID, week: $0.id).path },
            nextWeekHref: next.map { SiteRoute.targets(year: year, groupID: groupID, week: $0.id).path })
        return try await req.render("targets/index", title: req.t("targets_title"), section: "targets", view)
    }

    // MARK: The form

    struct Form: Content {
        var year: String?; var groupId: String?; var code: String?; var name: String?; var unitOfMeasure: String?
        var planned: String?; var valueKind: String?; var yearToDateRule: String?
        var responsibleUnitId: String?; var responsiblePersonId: String?
    }
    struct FormView: Encodable, Sendable {
        var id: String?; var year: String; var groups: [Choice]; var code: String; var name: String; var unitOfMeasure: String
        var planned: String; var kinds: [Choice]; var rules: [Choice]; var units: [Choice]; var people: [Choice]
        var active: Bool; var errors: FieldErrors; var backHref: String
        /// A new target, or the target being edited.
        var action: String
        var activeAction: String?
    }

    private func form(_ req: Request, user: CurrentUser, id: UUID?, form: Form, active: Bool, errors: FieldErrors,
                      status: HTTPResponseStatus = .ok) async throws -> Response {
        async let groupsQuery = ReportGroup.query(on: req.db).filter(\.$communeID == user.communeID).all().inDisplayOrder
        async let unitsQuery = OrganisationQueries.units(communeID: user.communeID, on: req.db)
        async let peopleQuery = Person.query(on: req.db).filter(\.$communeID == user.communeID).filter(\.$active == true)
            .all().sortedByVietnameseName(\.fullName)
        let groups = try await groupsQuery.filter { AccessPolicy.allows(user.actor, .manageTargets(groupID: $0.id)) }
        let units = try await unitsQuery.filter { $0.active || $0.id?.canonicalText == form.responsibleUnitId }
        let people = try await peopleQuery
        let view = FormView(
            id: id?.canonicalText, year: form.year ?? "",
            groups: groups.map { Choice(value: $0.id?.canonicalText ?? "", label: $0.name, selected: $0.id?.canonicalText == form.groupId) },
            code: form.code ?? "", name: form.name ?? "", unitOfMeasure: form.unitOfMeasure ?? "", planned: form.planned ?? "",
            kinds: TargetValueKind.allCases.map { Choice(value: $0.rawValue, label: kindLabel($0, req), selected: $0.rawValue == form.valueKind) },
            rules: YearToDateRule.allCases.map { Choice(value: $0.rawValue, label: ruleLabel($0, req), selected: $0.rawValue == form.yearToDateRule) },
            units: units.map { Choice(value: $0.id?.canonicalText ?? "", label: $0.name, selected: $0.id?.canonicalText == form.responsibleUnitId) },
            people: people.map { Choice(value: $0.id?.canonicalText ?? "", label: $0.fullName, selected: $0.id?.canonicalText == form.responsiblePersonId,
                                        hint: $0.position) },
            active: active, errors: errors,
            backHref: SiteRoute.targets(year: form.year.flatMap { Int($0) }, groupID: form.groupId.flatMap(UUID.init(uuidString:))).path,
            action: id.map { SiteRoute.target($0).path } ?? SiteRoute.targets().path,
            activeAction: id.map { SiteRoute.targetActive($0).path })
        return try await req.render("targets/form", title: req.t(id == nil ? "targets_new" : "targets_edit"), section: "targets",
                                    view, status: status)
    }

    /// `GET /targets/new?year=&group=`
    func new(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageTargets(groupID: nil))
        let year = (try? TargetParameters.year(req, required: false)) ?? nil
        let group = req.query[String.self, at: "group"]
        return try await form(req, user: user, id: nil,
                              form: Form(year: String(year ?? user.calendar.week(containing: req.now).id.year), groupId: group,
                                         valueKind: TargetValueKind.count.rawValue, yearToDateRule: YearToDateRule.sum.rawValue),
                              active: true, errors: .init())
    }

    /// `GET /targets/{id}`: the edit form.
    func edit(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageTargets(groupID: nil))
        let target = try await TargetQueries.find(req.parameters.get("id"), communeID: user.communeID, on: req.db)
        guard AccessPolicy.allows(user.actor, .manageTargets(groupID: target.groupID)) else { throw AppError.forbidden }
        let form = Form(year: String(target.year), groupId: target.groupID.canonicalText, code: target.code, name: target.name,
                        unitOfMeasure: target.unitOfMeasure, planned: display(try target.planned, kind: target.valueKind, req),
                        valueKind: target.valueKind.rawValue, yearToDateRule: target.yearToDateRule.rawValue,
                        responsibleUnitId: target.responsibleUnitID?.canonicalText, responsiblePersonId: target.responsiblePersonID?.canonicalText)
        return try await self.form(req, user: user, id: target.id, form: form, active: target.active, errors: .init())
    }

    /// `POST /targets` and `POST /targets/{id}`.
    func save(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageTargets(groupID: nil))
        let existing = try await req.parameters.get("id").asyncMap {
            try await TargetQueries.find($0, communeID: user.communeID, on: req.db)
        }
        if let existing, !AccessPolicy.allows(user.actor, .manageTargets(groupID: existing.groupID)) { throw AppError.forbidden }
        let form = try req.content.decode(Form.self)
        let input = TargetService.Input(
            year: form.year ?? "", groupID: form.groupId ?? "", code: form.code ?? "", name: form.name ?? "",
            unitOfMeasure: form.unitOfMeasure ?? "", planned: .set(form.planned ?? ""), valueKind: form.valueKind ?? "",
            yearToDateRule: form.yearToDateRule ?? "", responsibleUnitID: .set(form.responsibleUnitId ?? ""),
            responsiblePersonID: .set(form.responsiblePersonId ?? ""))
        do {
            let target = try await TargetService.save(input, existing: existing, actor: user.actor, now: req.now, on: req.db)
            return req.redirect(to: .targets(year: target.year, groupID: target.groupID), notice: "saved")
        } catch let failure as ValidationFailure {
            return try await self.form(req, user: user, id: existing?.id, form: form, active: existing?.active ?? true,
                                       errors: .init(messages: failure.messages()), status: .unprocessableEntity)
        }
    }

    struct ToggleForm: Content { var active: String? }

    /// `POST /targets/{id}/active`: deactivates or reactivates.
    func toggle(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageTargets(groupID: nil))
        let target = try await TargetQueries.find(req.parameters.get("id"), communeID: user.communeID, on: req.db)
        let active = try req.content.decode(ToggleForm.self).active == "true"
        _ = try await TargetService.save(.init(active: active), existing: target, actor: user.actor, now: req.now, on: req.db)
        return req.redirect(to: .targets(year: target.year, groupID: target.groupID), notice: "saved")
    }

    // MARK: Import

    struct ImportFormView: Encodable, Sendable {
        var year: String; var groups: [Choice]; var errors: FieldErrors
        var action = SiteRoute.targetImport().path
        var cancelHref = SiteRoute.targets().path
    }
    struct Upload: Content { var year: String?; var groupId: String?; var file: File? }

    private func importForm(_ req: Request, user: CurrentUser, year: String, groupID: String?, errors: FieldErrors,
                            status: HTTPResponseStatus = .ok) async throws -> Response {
        let groups = try await ReportGroup.query(on: req.db).filter(\.$communeID == user.communeID).all().inDisplayOrder
            .filter { AccessPolicy.allows(user.actor, .manageTargets(groupID: $0.id)) }
        let view = ImportFormView(year: year, groups: groups.map {
            Choice(value: $0.id?.canonicalText ?? "", label: $0.name, selected: $0.id?.canonicalText == groupID)
        }, errors: errors)
        return try await req.render("targets/import", title: req.t("targets_import_title"), section: "targets", view, status: status)
    }

    /// `GET /targets/import?year=`
    func importPage(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageTargets(groupID: nil))
        let year = ((try? TargetParameters.year(req, required: false)) ?? nil) ?? user.calendar.week(containing: req.now).id.year
        return try await importForm(req, user: user, year: String(year), groupID: nil, errors: .init())
    }

    struct PreviewRow: Encodable, Sendable {
        var row: Int; var code: String; var name: String; var unit: String; var planned: String; var kind: String; var rule: String
        var group: String; var responsible: String; var action: String; var isUpdate: Bool; var hasProblem: Bool
    }
    struct ProblemRow: Encodable, Sendable { var row: String; var message: String }
    struct PreviewView: Encodable, Sendable {
        var year: Int; var groupId: String; var fileName: String; var content: String
        var rows: [PreviewRow]; var problems: [ProblemRow]; var canConfirm: Bool; var summary: String; var problemsTitle: String
        var confirmAction = SiteRoute.targetImportConfirm.path
        /// Back to the upload form (cancel, or upload a corrected file).
        var uploadHref: String
    }

    private func preview(_ req: Request, outcome: TargetImportService.Outcome, groupID: String, fileName: String, content: String,
                         status: HTTPResponseStatus) async throws -> Response {
        let problemRows = Set(outcome.problems.map(\.row))
        let rows = outcome.rows.map { row -> PreviewRow in
            let target = row.imported
            let planned: Decimal? = target.valueKind == .yesNo ? target.plannedYes.map { $0 ? 1 : 0 } : target.plannedValue
            return PreviewRow(row: target.row, code: target.code, name: target.name, unit: target.unitOfMeasure,
                              planned: display(planned, kind: target.valueKind, req), kind: kindLabel(target.valueKind, req),
                              rule: ruleLabel(target.yearToDateRule, req), group: row.groupName ?? target.groupName ?? "",
                              responsible: row.unitName ?? target.responsibleUnitName ?? "",
                              action: req.t(row.existing == nil ? "targets_action_create" : "targets_action_update"),
                              isUpdate: row.existing != nil, hasProblem: problemRows.contains(target.row))
        }
        let problems = outcome.problems.map {
            ProblemRow(row: $0.row > 0 ? req.t("targets_row") + " \($0.row)" : req.t("targets_whole_file"), message: $0.message)
        }
        let view = PreviewView(
            year: outcome.year, groupId: groupID, fileName: fileName, content: content, rows: rows, problems: problems,
            canConfirm: outcome.problems.isEmpty && !outcome.rows.isEmpty,
            summary: req.t("targets_preview_summary", String(outcome.rows.count), String(outcome.year),
                           String(outcome.created), String(outcome.updated)),
            problemsTitle: req.t("targets_preview_problems", String(outcome.problems.count)),
            uploadHref: SiteRoute.targetImport(year: outcome.year).path)
        return try await req.render("targets/preview", title: req.t("targets_preview_title"), section: "targets", view, status: status)
    }

    private func defaultGroup(_ raw: String?, user: CurrentUser, on db: any Database) async throws -> (ReportGroup?, Bool) {
        guard let raw, !raw.isEmpty else { return (nil, true) }
        guard let id = UUID(uuidString: raw),
              let group = try await ReportGroup.query(on: db).filter(\.$id == id).filter(\.$communeID == user.communeID).first()
        else { return (nil, false) }
        return (group, true)
    }

    /// `POST /targets/import` (multipart): checks the file and shows the preview; saves nothing.
    func upload(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageTargets(groupID: nil))
        let upload = try req.content.decode(Upload.self)
        var errors = FieldErrors()
        let yearText = (upload.year ?? "").trimmedWhitespace
        let year = Int(yearText)
        if !yearText.isEmpty && (year.map { !TargetService.years.contains($0) } ?? true) { errors["year"] = req.t("err_target_year") }
        let (group, groupOK) = try await defaultGroup(upload.groupId, user: user, on: req.db)
        if !groupOK { errors["groupId"] = req.t("err_target_group") }
        var file = upload.file?.data ?? ByteBuffer()
        if file.readableBytes == 0 { errors["file"] = req.t("err_import_file") }
        guard errors.isEmpty else {
            return try await importForm(req, user: user, year: yearText, groupID: upload.groupId, errors: errors, status: .unprocessableEntity)
        }
        let data = file.readData(length: file.readableBytes) ?? Data()
        do {
            let outcome = try await TargetImportService.run(data, year: year, defaultGroup: group, dryRun: true, actor: user.actor,
                                                            now: req.now, app: req.application, on: req.db)
            return try await preview(req, outcome: outcome, groupID: group?.id?.canonicalText ?? "", fileName: upload.file?.filename ?? "",
                                     content: data.base64EncodedString(), status: .ok)
        } catch let error as AppError where error.status == .unprocessableEntity {
            errors["year"] = error.message
            return try await importForm(req, user: user, year: yearText, groupID: upload.groupId, errors: errors, status: .unprocessableEntity)
        }
    }

    struct Confirm: Content { var year: String?; var groupId: String?; var content: String?; var fileName: String? }

    /// `POST /targets/import/confirm`: imports the previewed file, all or nothing.
    func confirm(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageTargets(groupID: nil))
        let form = try req.content.decode(Confirm.self)
        guard let content = form.content, let data = Data(base64Encoded: content), !data.isEmpty else {
            throw AppError.badRequest("Nội dung tệp không hợp lệ. Vui lòng tải tệp lên lại.")
        }
        guard let year = form.year.flatMap({ Int($0) }), TargetService.years.contains(year) else {
            throw AppError.badRequest("Năm không hợp lệ. Vui lòng tải tệp lên lại.")
        }
        let (group, groupOK) = try await defaultGroup(form.groupId, user: user, on: req.db)
        guard groupOK else { throw AppError.badRequest(req.t("err_target_group")) }
        let outcome = try await TargetImportService.run(data, year: year, defaultGroup: group, dryRun: false, actor: user.actor,
                                                        now: req.now, app: req.application, on: req.db)
        guard outcome.saved else {
            return try await preview(req, outcome: outcome, groupID: group?.id?.canonicalText ?? "", fileName: form.fileName ?? "",
                                     content: content, status: .unprocessableEntity)
        }
        return req.redirect(to: .targets(year: year), notice: "saved")
    }
}
