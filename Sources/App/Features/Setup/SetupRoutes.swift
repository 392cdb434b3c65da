import Vapor

/// The routes of a commune's setup: `admin` is the signed-in admin page group (sessions, CSRF),
/// `api` the signed-in `/api/v1` group (bearer tokens).
enum SetupRoutes {
    static func register(app: Application, admin: PatternRoutes<SiteRoute.Pattern>, api: PatternRoutes<APIRoute>) {
        let setup = SetupController()
        admin.get(.adminSection(.setup), use: setup.page)
        admin.post(.adminSetupInAppReminders, use: setup.acceptInAppReminders)
        let importPages = PeopleImportPagesController()
        admin.get(.adminPeopleImport, use: importPages.page)
        admin.on(.POST, .adminPeopleImport, body: .collect(maxSize: PeopleImportService.maxUpload), use: importPages.upload)
        admin.on(.POST, .adminPeopleImportConfirm, body: .collect(maxSize: PeopleImportService.maxUpload), use: importPages.confirm)
        admin.post(.adminPersonPassword, use: importPages.resetPassword)

        api.get(.setup, use: setup.api)
        let people = PeopleImportAPIController()
        api.on(.POST, .peopleImport, body: .collect(maxSize: PeopleImportService.maxUpload), use: people.importList)
        api.post(.personPasswordReset, use: people.resetPassword)
        api.put(.accountPassword, use: PasswordChange.api)
        let settings = CommuneSettingsAPIController()
        api.get(.communeSettings, use: settings.show)
        api.put(.communeSettings, use: settings.put)
        // The slips are read with the address alone (the token in it is the key), like a calendar
        // feed: a browser session or a bearer token is not needed, and not enough.
        PatternRoutes<APIRoute>(app).get(.loginSlips, use: LoginSlips.download)
    }
}
