import Vapor

/// The target (chỉ tiêu) routes: `pages` is the signed-in browser group (sessions, CSRF), `api`
/// the signed-in `/api/v1` group (bearer tokens).
enum TargetRoutes {
    /// Largest target table accepted by the API import (the browser's uploads are capped lower by
    /// the CSRF check, which reads the form first).
    static let maxImportBody: ByteCount = "20mb"

    static func register(pages: PatternRoutes<SiteRoute.Pattern>, api: PatternRoutes<APIRoute>) {
        let controller = TargetPagesController()
        let apiController = TargetsAPIController()

        pages.get(.targets, use: controller.index)
        pages.get(.targetNew, use: controller.new)
        pages.post(.targets, use: controller.save)
        pages.get(.targetExport, use: apiController.export)
        pages.get(.targetImport, use: controller.importPage)
        pages.on(.POST, .targetImport, body: .collect(maxSize: maxImportBody), use: controller.upload)
        pages.on(.POST, .targetImportConfirm, body: .collect(maxSize: maxImportBody), use: controller.confirm)
        pages.get(.target, use: controller.edit)
        pages.post(.target, use: controller.save)
        pages.post(.targetActive, use: controller.toggle)

        api.get(.targets, use: apiController.list)
        api.post(.targets, use: apiController.create)
        api.get(.targetExport, use: apiController.export)
        api.on(.POST, .targetImport, body: .collect(maxSize: maxImportBody), use: apiController.importTable)
        api.get(.target, use: apiController.show)
        api.patch(.target, use: apiController.update)
        api.get(.targetProgress, use: apiController.progress)
        api.get(.targetFigures, use: apiController.figure)
    }
}
