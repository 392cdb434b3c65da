import Vapor

/// The target (chỉ tiêu) routes: `pages` is the signed-in browser group (sessions, CSRF), `api`
/// the signed-in `/api/v1` group (bearer tokens).
enum TargetRoutes {
    /// Largest target table accepted by the API import (the browser's uploads are capped lower by
    /// the CSRF check, which reads the form first).
    static let maxImportBody: ByteCount = "20mb"

    static func register(pages: any RoutesBuilder, api: any RoutesBuilder) {
        let controller = TargetPagesController()
        let apiController = TargetsAPIController()

        pages.get("targets", use: controller.index)
        pages.get("targets", "new", use: controller.new)
        pages.post("targets", use: controller.save)
        pages.get("targets", "export.xlsx", use: apiController.export)
        pages.get("targets", "import", use: controller.importPage)
        pages.on(.POST, "targets", "import", body: .collect(maxSize: maxImportBody), use: controller.upload)
        pages.on(.POST, "targets", "import", "confirm", body: .collect(maxSize: maxImportBody), use: controller.confirm)
        pages.get("targets", ":id", use: controller.edit)
        pages.post("targets", ":id", use: controller.save)
        pages.post("targets", ":id", "active", use: controller.toggle)

        api.get("targets", use: apiController.list)
        api.post("targets", use: apiController.create)
        api.get("targets", "export.xlsx", use: apiController.export)
        api.on(.POST, "targets", "import", body: .collect(maxSize: maxImportBody), use: apiController.importTable)
        api.get("targets", ":id", use: apiController.show)
        api.patch("targets", ":id", use: apiController.update)
        api.get("targets", ":id", "progress", use: apiController.progress)
        api.get("targets", ":id", "figures", use: apiController.figure)
    }
}
