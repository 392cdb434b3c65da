import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// The in-app notification centre: reminders, returned reports, moved briefings.
struct NotificationsController {
    struct Row: Encodable, Sendable { var text: String; var url: String; var at: String; var unread: Bool }
    struct View: Encodable, Sendable {
        var rows: [Row]
        var markReadAction = SiteRoute.notificationsRead.path
        var channelsHref = SiteRoute.accountChannels.path
    }

    struct NotificationDTO: Content {
        var id: UUID; var kind: String; var text: String; var url: String; var createdAt: String; var read: Bool
    }
    struct ListDTO: Content { var unread: Int; var items: [NotificationDTO] }

    private func recent(_ user: CurrentUser, on db: any Database) async throws -> [AppNotification] {
        try await AppNotification.query(on: db).filter(\.$personID == user.personID).sort(\.$createdAt, .descending).limit(100).all()
    }

    func page(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let calendar = user.calendar
        let rows = try await recent(user, on: req.db).map {
            Row(text: $0.text, url: $0.url, at: calendar.vietnameseDateTime($0.createdAt), unread: $0.readAt == nil)
        }
        return try await req.render("notifications", title: req.t("notifications_title"), section: "notifications", View(rows: rows))
    }

    func markRead(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        try await AppNotification.query(on: req.db).filter(\.$personID == user.personID).filter(\.$readAt == nil)
            .set(\.$readAt, to: req.now).update()
        return req.redirect(to: .notifications)
    }

    /// `GET /api/v1/notifications`: the caller's latest notifications and the unread count.
    func list(_ req: Request) async throws -> ListDTO {
        let user = try req.requireUser()
        let calendar = user.calendar
        let items = try await recent(user, on: req.db)
        return ListDTO(unread: items.filter { $0.readAt == nil }.count,
                       items: items.map { NotificationDTO(id: $0.id!, kind: $0.kind, text: $0.text, url: $0.url,
                                                          createdAt: calendar.isoString($0.createdAt), read: $0.readAt != nil) })
    }
}
