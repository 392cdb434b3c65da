import Vapor

/// The registered shape of every JSON API route under `/api/v1` (the API's counterpart of
/// `SiteRoute.Pattern`). Paths, methods and parameter names are the public contract described in
/// `Resources/openapi.yaml`; `routes.swift` registers each route from one of these, and the two
/// links into the API (`SiteRoute.memberReportAPI`, `.loginSlips`) are filled from the same lists.
enum APIRoute: RoutePattern {
    // Accounts.
    case authToken
    case accountPassword

    // Weeks and weekly reports.
    case weeks, currentWeek, week
    case report, reportSubmit, reportForecastConfirm
    case workLineProposal

    // Targets.
    case targets, targetExport, targetImport, target, targetProgress, targetFigures

    // Group weeks (compilation).
    case groupWeek, memberReport
    case groupWeekSubmit, groupWeekApprove, groupWeekUnlock, groupWeekReopen, groupWeekReturn
    case groupWeekDocument

    // Briefings.
    case briefingConclusions, briefingConclusionsDocument, briefingTask

    // Reading across the commune.
    case notifications, audit, search, rollups

    // Settings.
    case channelSettings, webhookSettings, webhookDeliveries, calendarSettings, reminderSettings, communeSettings
    case daysOff

    // Schedule.
    case schedule, scheduleItems, scheduleItem, schedulePublish, freeRooms, roomFree

    // Ledger.
    case ledger, ledgerMonthly, ledgerWeek

    // Organisation: the five collections and their items.
    case collection(SiteRoute.AdminCollection)
    case collectionItem(SiteRoute.AdminCollection)

    // Party cells.
    case cellMeetings, cellMeeting, cellReportSubmit, cellReport, cellReportDocument
    case cellRubric, cellRotation, cellRotationProposal

    // Monthly reports.
    case monthlyReports
    case monthlyUnit, monthlyUnitDraft, monthlyUnitSubmit
    case monthlyPerson, monthlyPersonDraft, monthlyPersonSubmit
    case monthlyCompilation, monthlyDocument

    // Setup.
    case setup, peopleImport, personPasswordReset
    /// A login-slips document (read with the address alone: the token in it is the key).
    case loginSlips

    /// Any other address under the prefix, answered with a JSON 404.
    case unknown

    static let prefix: [PathComponent] = ["api", "v1"]
    static let linkTemplates = makeLinkTemplates()

    static let all: [APIRoute] = [
        .authToken, .accountPassword,
        .weeks, .currentWeek, .week, .report, .reportSubmit, .reportForecastConfirm, .workLineProposal,
        .targets, .targetExport, .targetImport, .target, .targetProgress, .targetFigures,
        .groupWeek, .memberReport, .groupWeekSubmit, .groupWeekApprove, .groupWeekUnlock, .groupWeekReopen, .groupWeekReturn,
        .groupWeekDocument,
        .briefingConclusions, .briefingConclusionsDocument, .briefingTask,
        .notifications, .audit, .search, .rollups,
        .channelSettings, .webhookSettings, .webhookDeliveries, .calendarSettings, .reminderSettings, .communeSettings, .daysOff,
        .schedule, .scheduleItems, .scheduleItem, .schedulePublish, .freeRooms, .roomFree,
        .ledger, .ledgerMonthly, .ledgerWeek,
        .cellMeetings, .cellMeeting, .cellReportSubmit, .cellReport, .cellReportDocument, .cellRubric, .cellRotation,
        .cellRotationProposal,
        .monthlyReports, .monthlyUnit, .monthlyUnitDraft, .monthlyUnitSubmit, .monthlyPerson, .monthlyPersonDraft,
        .monthlyPersonSubmit, .monthlyCompilation, .monthlyDocument,
        .setup, .peopleImport, .personPasswordReset, .loginSlips, .unknown,
    ] + SiteRoute.AdminCollection.allCases.flatMap { [APIRoute.collection($0), .collectionItem($0)] }

    var components: [PathComponent] {
        switch self {
        case .authToken: ["auth", "token"]
        case .accountPassword: ["account", "password"]

        case .weeks: ["weeks"]
        case .currentWeek: ["weeks", "current"]
        case .week: ["weeks", ":weekID"]
        case .report: ["reports", ":weekID"]
        case .reportSubmit: Self.report.components + ["submit"]
        case .reportForecastConfirm: Self.report.components + ["work", ":index", "confirm"]
        case .workLineProposal: ["work-lines", "proposal"]

        case .targets: ["targets"]
        case .targetExport: ["targets", "export.xlsx"]
        case .targetImport: ["targets", "import"]
        case .target: ["targets", ":id"]
        case .targetProgress: Self.target.components + ["progress"]
        case .targetFigures: Self.target.components + ["figures"]

        // The same shapes as the group week's pages, so a page and its JSON cannot drift apart.
        case .groupWeek: SiteRoute.Pattern.groupWeek.components
        case .memberReport: SiteRoute.Pattern.memberReport.components + ["report"]
        case .groupWeekSubmit: Self.groupWeek.components + ["submit"]
        case .groupWeekApprove: Self.groupWeek.components + ["approve"]
        case .groupWeekUnlock: Self.groupWeek.components + ["unlock"]
        case .groupWeekReopen: Self.groupWeek.components + ["reopen"]
        case .groupWeekReturn: Self.groupWeek.components + ["return"]
        case .groupWeekDocument: Self.groupWeek.components + ["report.docx"]

        case .briefingConclusions: ["briefings", ":weekID", "conclusions"]
        case .briefingConclusionsDocument: ["briefings", ":weekID", "conclusions.docx"]
        case .briefingTask: ["briefings", "tasks", ":id"]

        case .notifications: ["notifications"]
        case .audit: ["audit"]
        case .search: ["search"]
        case .rollups: ["rollups"]

        case .channelSettings: ["settings", "channels"]
        case .webhookSettings: ["settings", "webhook"]
        case .webhookDeliveries: Self.webhookSettings.components + ["deliveries"]
        case .calendarSettings: ["settings", "calendar"]
        case .reminderSettings: ["settings", "reminders"]
        case .communeSettings: ["settings", "commune"]
        case .daysOff: ["calendar", "days-off"]

        case .schedule: ["schedule", ":weekID"]
        case .scheduleItems: Self.schedule.components + ["items"]
        case .scheduleItem: Self.scheduleItems.components + [":itemID"]
        case .schedulePublish: Self.schedule.components + ["publish"]
        case .freeRooms: ["rooms", "free"]
        case .roomFree: ["rooms", ":id", "free"]

        case .ledger: ["ledger"]
        case .ledgerMonthly: ["ledger", "monthly"]
        case .ledgerWeek: ["ledger", ":weekID"]

        case .collection(let collection): [.constant(collection.rawValue)]
        case .collectionItem(let collection): [.constant(collection.rawValue), ":id"]

        case .cellMeetings: ["cells", ":id", "meetings"]
        case .cellMeeting: Self.cellMeetings.components + [":meetingID"]
        case .cellReportSubmit: ["cells", ":id", "reports", ":month", "submit"]
        case .cellReport: ["cells", "reports", ":month"]
        case .cellReportDocument: Self.cellReport.components + ["report.docx"]
        case .cellRubric: ["cells", "rubrics", ":year"]
        case .cellRotation: ["cells", "rotations", ":year"]
        case .cellRotationProposal: Self.cellRotation.components + ["proposal"]

        case .monthlyReports: ["monthly-reports"]
        case .monthlyUnit: ["monthly-reports", ":month", "units", ":unitID"]
        case .monthlyUnitDraft: Self.monthlyUnit.components + ["draft"]
        case .monthlyUnitSubmit: Self.monthlyUnit.components + ["submit"]
        case .monthlyPerson: ["monthly-reports", ":month", "people", ":personID"]
        case .monthlyPersonDraft: Self.monthlyPerson.components + ["draft"]
        case .monthlyPersonSubmit: Self.monthlyPerson.components + ["submit"]
        case .monthlyCompilation: ["monthly-reports", ":month", "compilation"]
        case .monthlyDocument: ["monthly-reports", ":month", "report.docx"]

        case .setup: ["setup"]
        case .peopleImport: ["people", "import"]
        case .personPasswordReset: ["people", ":id", "password-reset"]
        case .loginSlips: ["people", "slips", ":file"]

        case .unknown: [.catchall]
        }
    }
}
