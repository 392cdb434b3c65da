import Fluent
import Foundation
import GiaoBanCore
import GiaoBanOffice
import Vapor

/// `/admin/people/import`: upload the staff list, see what it would do, confirm; then the login
/// slips to download once. `/admin/people/{id}/password`: a new one-time password and its slip.
struct PeopleImportPagesController {
    struct FormView: Encodable, Sendable {
        var errors: FieldErrors
        var action = SiteRoute.adminPeopleImport.path
        var cancelHref = SiteRoute.admin(.people).path
    }
    struct Upload: Content { var file: File? }

    private func form(_ req: Request, errors: FieldErrors, status: HTTPResponseStatus = .ok) async throws -> Response {
        try await req.render("admin/people-import", title: req.t("people_import_title"), section: "people", FormView(errors: errors),
                             status: status)
    }

    /// `GET /admin/people/import`
    func page(_ req: Request) async throws -> Response {
        try req.authorize(.manageOrganisation)
        return try await form(req, errors: .init())
    }

    struct PreviewRow: Encodable, Sendable {
        var row: Int; var fullName: String; var username: String; var position: String; var unit: String; var unitIsNew: Bool
        var roles: String; var phone: String; var action: String; var isUpdate: Bool
    }
    struct ProblemRow: Encodable, Sendable { var row: String; var message: String }
    struct PreviewView: Encodable, Sendable {
        var fileName: String; var content: String; var rows: [PreviewRow]; var problems: [ProblemRow]; var canConfirm: Bool
        var summary: String; var problemsTitle: String; var newUnits: String?
        var confirmAction = SiteRoute.adminPeopleImportConfirm.path
        /// Back to the upload form (cancel, or upload a corrected list).
        var uploadHref = SiteRoute.adminPeopleImport.path
    }

    private func preview(_ req: Request, outcome: PeopleImportService.Outcome, fileName: String, content: String,
                         status: HTTPResponseStatus) async throws -> Response {
        let dto = outcome.dto(dryRun: true, calendar: try req.requireUser().calendar)
        let rows = dto.people.map { item in
            PreviewRow(row: item.row, fullName: item.fullName, username: item.username, position: item.position ?? "",
                       unit: item.unitName ?? "", unitIsNew: item.unitAction == "create",
                       roles: item.roles.compactMap(Role.init(rawValue:)).map { $0.vietnameseName }
                        .joined(separator: ", "),
                       phone: item.phone ?? "", action: req.t(item.action == "create" ? "people_import_create" : "people_import_update"),
                       isUpdate: item.action == "update")
        }
        let problems = outcome.problems.map {
            ProblemRow(row: $0.row > 0 ? req.t("targets_row") + " \($0.row)" : req.t("targets_whole_file"), message: $0.message)
        }
        let newUnits = outcome.newUnitNames
        let view = PreviewView(
            fileName: fileName, content: content, rows: rows, problems: problems,
            canConfirm: outcome.problems.isEmpty && !outcome.rows.isEmpty,
            summary: req.t("people_import_summary", String(outcome.rows.count), String(outcome.created), String(outcome.updated)),
            problemsTitle: req.t("targets_preview_problems", String(outcome.problems.count)),
            newUnits: newUnits.isEmpty ? nil : req.t("people_import_new_units", String(newUnits.count)) + " " + newUnits.joined(separator: ", "))
        return try await req.render("admin/people-import-preview", title: req.t("people_import_preview_title"), section: "people", view,
                                    status: status)
    }

    /// `POST /admin/people/import` (multipart): checks the file and shows the preview; saves nothing.
    func upload(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let upload = try req.content.decode(Upload.self)
        var file = upload.file?.data ?? ByteBuffer()
        guard file.readableBytes > 0 else {
            return try await form(req, errors: FieldErrors(messages: ["file": req.t("err_import_file")]), status: .unprocessableEntity)
        }
        let data = file.readData(length: file.readableBytes) ?? Data()
        let outcome = try await PeopleImportService.run(data, dryRun: true, user: user, req: req)
        return try await preview(req, outcome: outcome, fileName: upload.file?.filename ?? "", content: data.base64EncodedString(), status: .ok)
    }

    struct Confirm: Content { var content: String?; var fileName: String? }

    struct SlipsView: Encodable, Sendable {
        var title: String; var summary: String; var slipsUrl: String?; var expiresAt: String; var backHref: String
        var setupHref = SiteRoute.admin(.setup).path
    }

    /// `POST /admin/people/import/confirm`: saves the previewed list, all or nothing, then offers the slips.
    func confirm(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let form = try req.content.decode(Confirm.self)
        guard let content = form.content, let data = Data(base64Encoded: content), !data.isEmpty else {
            throw AppError.badRequest("Nội dung tệp không hợp lệ. Vui lòng tải tệp lên lại.")
        }
        let outcome = try await PeopleImportService.run(data, dryRun: false, user: user, req: req)
        guard outcome.saved else {
            return try await preview(req, outcome: outcome, fileName: form.fileName ?? "", content: content, status: .unprocessableEntity)
        }
        let view = SlipsView(title: req.t("people_import_saved_title"),
                             summary: req.t("people_import_saved", String(outcome.created), String(outcome.updated)),
                             slipsUrl: outcome.ticket?.url, expiresAt: expiry(outcome.ticket, user: user), backHref: SiteRoute.admin(.people).path)
        return try await req.render("admin/slips", title: view.title, section: "people", view)
    }

    /// `POST /admin/people/{id}/password`: a new one-time password for one person, and its slip.
    func resetPassword(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let person = try await OrganisationService.find(Person.self, req.parameters.get("id"), communeField: \.$communeID,
                                                        communeID: user.communeID, on: req.db)
        let (ticket, _) = try await OneTimePasswords.reset(person, user: user, req: req)
        let view = SlipsView(title: req.t("people_reset_title"), summary: req.t("people_reset_done", person.fullName, person.username),
                             slipsUrl: ticket.url, expiresAt: expiry(ticket, user: user), backHref: SiteRoute.admin(.people).path)
        return try await req.render("admin/slips", title: view.title, section: "people", view)
    }

    private func expiry(_ ticket: LoginSlips.Ticket?, user: CurrentUser) -> String {
        guard let ticket else { return "" }
        let calendar = user.calendar
        let minutes = Int(ticket.expiresAt.timeIntervalSince(calendar.instant(LocalDate.inZone(ticket.expiresAt, calendar.timeZone),
                                                                               LocalTime(hour: 0, minute: 0)!)) / 60)
        return LocalTime(hour: minutes / 60, minute: minutes % 60)?.text ?? ""
    }
}
