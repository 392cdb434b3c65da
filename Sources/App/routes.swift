import Fluent
import GiaoBanCore
import Vapor

/// Every route, grouped by feature. Browser pages get sessions and CSRF protection; the JSON
/// API under `/api/v1` uses bearer tokens only.
func routes(_ app: Application) throws {
    app.get("healthz") { _ -> Response in
        let response = Response(status: .ok, body: .init(string: "ok"))
        response.headers.contentType = .plainText
        return response
    }
    app.get("api", "openapi.yaml") { req -> Response in
        let path = req.application.directory.resourcesDirectory + "openapi.yaml"
        let response = try await req.fileio.asyncStreamFile(at: path)
        response.headers.contentType = HTTPMediaType(type: "application", subType: "yaml", parameters: ["charset": "utf-8"])
        return response
    }

    // Browser pages.
    let web = app.grouped(SessionAuthMiddleware(), CSRFMiddleware())
    let accounts = AccountsController()
    web.get("login", use: accounts.loginPage)
    web.post("login", use: accounts.login)
    web.get("lang", ":code", use: accounts.switchLanguage)

    let signedIn = web.grouped(RequireUserMiddleware())
    signedIn.post("logout", use: accounts.logout)
    signedIn.get("account", "password", use: accounts.passwordPage)
    signedIn.post("account", "password", use: accounts.changePassword)
    signedIn.get(use: HomeController().index)

    let weekPages = WeekPageController()
    signedIn.get("weeks", ":weekID", use: weekPages.show)
    signedIn.post("weeks", ":weekID", "move", use: weekPages.move)
    signedIn.post("weeks", ":weekID", "restore", use: weekPages.restore)

    let reportPages = ReportPageController()
    signedIn.get("reports", "current", use: reportPages.current)
    signedIn.get("reports", ":weekID", use: reportPages.show)
    signedIn.post("reports", ":weekID", use: reportPages.save)
    signedIn.post("reports", ":weekID", "autosave", use: reportPages.autosave)

    let ledgerPages = LedgerPagesController()
    signedIn.get("ledger") { req in req.redirect(to: "/ledger/weeks/current") }
    signedIn.get("ledger", "weeks", ":weekID", use: ledgerPages.week)
    signedIn.get("ledger", "people", ":personID", use: ledgerPages.person)
    signedIn.get("ledger", "summary", use: ledgerPages.summary)
    signedIn.get("ledger", "monthly", use: ledgerPages.monthly)
    signedIn.get("ledger", "summary.xlsx", use: ledgerPages.summaryExport)
    signedIn.get("ledger", "leaves", use: ledgerPages.leaves)
    signedIn.post("ledger", "leaves", use: ledgerPages.addLeave)
    signedIn.post("ledger", "leaves", ":id", "delete", use: ledgerPages.removeLeave)

    let groupPages = CompilationPagesController()
    signedIn.get("groups", use: groupPages.index)
    signedIn.get("groups", ":id", "weeks", ":weekID", use: groupPages.show)
    signedIn.post("groups", ":id", "weeks", ":weekID", ":action", use: groupPages.act)

    signedIn.get("briefing", ":weekID", use: BriefingPageController().show)
    signedIn.get("briefing", ":weekID", "pack.docx", use: BriefingPageController().packDocument)
    signedIn.get("groups", ":id", "weeks", ":weekID", "report.docx", use: CompilationAPIController().reportDocument)
    let schedulePages = SchedulePageController()
    signedIn.get("schedule", ":weekID", use: schedulePages.show)
    signedIn.post("schedule", ":weekID", "items", use: schedulePages.save)
    signedIn.get("schedule", ":weekID", "items", ":itemID", use: schedulePages.edit)
    signedIn.post("schedule", ":weekID", "items", ":itemID", use: schedulePages.save)
    signedIn.post("schedule", ":weekID", "items", ":itemID", "delete", use: schedulePages.delete)
    signedIn.post("schedule", ":weekID", "publish", use: schedulePages.publish)
    signedIn.get("schedule", ":weekID", "schedule.docx", use: schedulePages.document)
    signedIn.get("rooms", ":id", "weeks", ":weekID", use: RoomWeekController().show)
    let feeds = CalendarFeedsController()
    signedIn.get("calendar", use: feeds.page)
    signedIn.post("calendar", "regenerate", use: feeds.regenerate)
    // The feed itself is read by calendar apps: the secret in the address is the key.
    app.get("calendar", ":file", use: feeds.ics)
    let cellPages = CellPagesController()
    signedIn.get("cells", use: cellPages.index)
    signedIn.get("cells", ":id", "meetings", "new", use: cellPages.newMeeting)
    signedIn.post("cells", ":id", "meetings", use: cellPages.saveMeeting)
    signedIn.get("cells", ":id", "meetings", ":meetingID", use: cellPages.editMeeting)
    signedIn.post("cells", ":id", "meetings", ":meetingID", use: cellPages.saveMeeting)
    signedIn.post("cells", ":id", "meetings", ":meetingID", "delete", use: cellPages.deleteMeeting)
    signedIn.post("cells", ":id", "reports", ":month", "submit", use: cellPages.submit)
    signedIn.get("cells", "reports", ":month", use: cellPages.report)
    signedIn.get("cells", "reports", ":month", "report.docx", use: cellPages.reportDocument)
    signedIn.get("cells", "rotation", use: cellPages.rotation)
    signedIn.post("cells", "rotation", ":year", use: cellPages.saveRotation)
    signedIn.get("cells", "rubric", use: cellPages.rubric)
    signedIn.post("cells", "rubric", ":year", use: cellPages.saveRubric)

    let monthlyPages = MonthlyPagesController()
    signedIn.get("monthly", use: monthlyPages.index)
    signedIn.get("monthly", ":month", use: monthlyPages.compilation)
    signedIn.post("monthly", ":month", "compilation", use: monthlyPages.saveCompilation)
    signedIn.get("monthly", ":month", "report.docx", use: monthlyPages.document)
    signedIn.get("monthly", ":month", "units", ":unitID", use: monthlyPages.show)
    signedIn.post("monthly", ":month", "units", ":unitID", use: monthlyPages.save)

    let notifications = NotificationsController()
    signedIn.get("notifications", use: notifications.page)
    signedIn.post("notifications", "read", use: notifications.markRead)

    let admin = signedIn.grouped("admin").grouped(RequireActionMiddleware(action: .manageOrganisation))
    let pages = AdminPagesController()
    admin.get { req in req.redirect(to: "/admin/people") }
    admin.get("units", use: pages.units)
    admin.get("units", "new", use: pages.newUnit)
    admin.post("units", use: pages.saveUnit)
    admin.get("units", ":id", use: pages.editUnit)
    admin.post("units", ":id", use: pages.saveUnit)
    admin.post("units", ":id", "active", use: pages.toggleUnit)
    admin.get("people", use: pages.people)
    admin.get("people", "new", use: pages.newPerson)
    admin.post("people", use: pages.savePerson)
    admin.get("people", ":id", use: pages.editPerson)
    admin.post("people", ":id", use: pages.savePerson)
    admin.post("people", ":id", "active", use: pages.togglePerson)
    admin.get("groups", use: pages.groups)
    admin.get("groups", "new", use: pages.newGroup)
    admin.post("groups", use: pages.saveGroup)
    admin.get("groups", ":id", use: pages.editGroup)
    admin.post("groups", ":id", use: pages.saveGroup)
    admin.post("groups", ":id", "active", use: pages.toggleGroup)
    admin.get("rooms", use: pages.rooms)
    admin.get("rooms", "new", use: pages.newRoom)
    admin.post("rooms", use: pages.saveRoom)
    admin.get("rooms", ":id", use: pages.editRoom)
    admin.post("rooms", ":id", use: pages.saveRoom)
    admin.post("rooms", ":id", "active", use: pages.toggleRoom)
    admin.get("cells", use: pages.cells)
    admin.get("cells", "new", use: pages.newCell)
    admin.post("cells", use: pages.saveCell)
    admin.get("cells", ":id", use: pages.editCell)
    admin.post("cells", ":id", use: pages.saveCell)
    admin.post("cells", ":id", "active", use: pages.toggleCell)
    let settings = SettingsPageController()
    admin.get("settings", use: settings.show)
    admin.post("settings", use: settings.save)

    // JSON API.
    let api = app.grouped("api", "v1").grouped(BearerAuthMiddleware())
    api.post("auth", "token", use: accounts.issueToken)
    let authed = api.grouped(RequireUserMiddleware())
    let weeks = WeeksAPIController()
    authed.get("weeks", use: weeks.containing)
    authed.get("weeks", "current", use: weeks.current)
    authed.get("weeks", ":weekID", use: weeks.show)

    let reports = ReportsAPIController()
    authed.put("reports", ":weekID", use: reports.put)
    authed.post("reports", ":weekID", "submit", use: reports.submit)
    authed.get("reports", ":weekID", use: reports.get)

    // Targets (chỉ tiêu): pages under /targets, API under /api/v1/targets.
    TargetRoutes.register(pages: signedIn, api: authed)

    let compilation = CompilationAPIController()
    authed.get("groups", ":id", "weeks", ":weekID", use: compilation.show)
    authed.post("groups", ":id", "weeks", ":weekID", "submit", use: compilation.submit)
    authed.post("groups", ":id", "weeks", ":weekID", "approve", use: compilation.approve)
    authed.post("groups", ":id", "weeks", ":weekID", "unlock", use: compilation.unlock)
    authed.post("groups", ":id", "weeks", ":weekID", "return", use: compilation.returnAction)
    authed.get("groups", ":id", "weeks", ":weekID", "report.docx", use: compilation.reportDocument)

    authed.get("notifications", use: notifications.list)

    let schedule = ScheduleAPIController()
    authed.get("schedule", ":weekID", use: schedule.show)
    authed.post("schedule", ":weekID", "items", use: schedule.create)
    authed.patch("schedule", ":weekID", "items", ":itemID", use: schedule.update)
    authed.delete("schedule", ":weekID", "items", ":itemID", use: schedule.delete)
    authed.post("schedule", ":weekID", "publish", use: schedule.publish)
    authed.get("rooms", "free", use: schedule.freeRooms)
    authed.get("rooms", ":id", "free", use: schedule.roomFree)

    let ledger = LedgerAPIController()
    authed.get("ledger", use: ledger.year)
    authed.get("ledger", "monthly", use: ledger.monthly)
    authed.get("ledger", ":weekID", use: ledger.week)

    let org = OrganisationAPIController()
    authed.get("units", use: org.listUnits)
    authed.post("units", use: org.createUnit)
    authed.get("units", ":id", use: org.showUnit)
    authed.patch("units", ":id", use: org.updateUnit)
    authed.get("people", use: org.listPeople)
    authed.post("people", use: org.createPerson)
    authed.get("people", ":id", use: org.showPerson)
    authed.patch("people", ":id", use: org.updatePerson)
    authed.get("groups", use: org.listGroups)
    authed.post("groups", use: org.createGroup)
    authed.get("groups", ":id", use: org.showGroup)
    authed.patch("groups", ":id", use: org.updateGroup)
    authed.get("rooms", use: org.listRooms)
    authed.post("rooms", use: org.createRoom)
    authed.get("rooms", ":id", use: org.showRoom)
    authed.patch("rooms", ":id", use: org.updateRoom)
    authed.get("cells", use: org.listCells)
    authed.post("cells", use: org.createCell)
    authed.get("cells", ":id", use: org.showCell)
    authed.patch("cells", ":id", use: org.updateCell)

    // Party-cell meetings, the month's cell reports, rubrics and rotation plans.
    let cellsAPI = CellsAPIController()
    authed.get("cells", ":id", "meetings", use: cellsAPI.listMeetings)
    authed.post("cells", ":id", "meetings", use: cellsAPI.createMeeting)
    authed.get("cells", ":id", "meetings", ":meetingID", use: cellsAPI.showMeeting)
    authed.put("cells", ":id", "meetings", ":meetingID", use: cellsAPI.updateMeeting)
    authed.delete("cells", ":id", "meetings", ":meetingID", use: cellsAPI.deleteMeeting)
    authed.post("cells", ":id", "reports", ":month", "submit", use: cellsAPI.submitMonth)
    authed.get("cells", "reports", ":month", use: cellsAPI.compilation)
    authed.get("cells", "reports", ":month", "report.docx", use: cellsAPI.compilationDocument)
    authed.get("cells", "rubrics", ":year", use: cellsAPI.rubric)
    authed.put("cells", "rubrics", ":year", use: cellsAPI.putRubric)
    authed.get("cells", "rotations", ":year", use: cellsAPI.showRotation)
    authed.get("cells", "rotations", ":year", "proposal", use: cellsAPI.proposeRotation)
    authed.put("cells", "rotations", ":year", use: cellsAPI.putRotation)

    // Monthly reports.
    let monthly = MonthlyAPIController()
    authed.get("monthly-reports", use: monthly.list)
    authed.get("monthly-reports", ":month", "units", ":unitID", use: monthly.show)
    authed.put("monthly-reports", ":month", "units", ":unitID", use: monthly.put)
    authed.get("monthly-reports", ":month", "units", ":unitID", "draft", use: monthly.draft)
    authed.post("monthly-reports", ":month", "units", ":unitID", "submit", use: monthly.submit)
    authed.get("monthly-reports", ":month", "compilation", use: monthly.showCompilation)
    authed.put("monthly-reports", ":month", "compilation", use: monthly.putCompilation)
    authed.get("monthly-reports", ":month", "report.docx", use: monthly.document)

    // Unknown API paths answer in JSON too.
    api.get("**") { _ -> Response in throw AppError.notFound("Không có địa chỉ API này.") }
}
