import Vapor

/// The routes of a commune's setup: `admin` is the signed-in admin page group (sessions, CSRF),
/// `api` the signed-in `/api/v1` group (bearer tokens).
enum SetupRoutes {
    static func register(app: Application, admin: any RoutesBuilder, api: any RoutesBuilder) {
        let setup = SetupController()
        admin.get("setup", use: setup.page)
        admin.post("setup", "in-app-reminders", use: setup.acceptInAppReminders)
        let importPages = PeopleImportPagesController()
        admin.get("people", "import", use: importPages.page)
        admin.on(.POST, "people", "import", body: .collect(maxSize: PeopleImportService.maxUpload), use: importPages.upload)
        admin.on(.POST, "people", "import", "confirm", body: .collect(maxSize: PeopleImportService.maxUpload), use: importPages.confirm)
        admin.post("people", ":id", "password", use: importPages.resetPassword)

        api.get("setup", use: setup.api)
        let people = PeopleImportAPIController()
        api.on(.POST, "people", "import", body: .collect(maxSize: PeopleImportService.maxUpload), use: people.importList)
        api.post("people", ":id", "password-reset", use: people.resetPassword)
        api.put("account", "password", use: PasswordChange.api)
        let settings = CommuneSettingsAPIController()
        api.get("settings", "commune", use: settings.show)
        api.put("settings", "commune", use: settings.put)
        // The slips are read with the address alone (the token in it is the key), like a calendar
        // feed: a browser session or a bearer token is not needed, and not enough.
        app.get(SiteRoute.Pattern.api + SiteRoute.Pattern.loginSlips, use: LoginSlips.download)
    }
}
