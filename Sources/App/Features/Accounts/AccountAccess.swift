import Fluent
import GiaoBanCore
import Vapor

/// `/account/access`: what can reach a person's data without their password — the API tokens
/// they were issued and their calendar feed — each listed and revocable by them.
struct AccountAccessController {
    struct TokenRow: Encodable, Sendable {
        var id: UUID; var createdAt: String; var expiresAt: String
        var revokeAction: String
    }
    struct FeedRow: Encodable, Sendable { var createdAt: String }
    struct View: Encodable, Sendable {
        var tokens: [TokenRow]; var feed: FeedRow?
        var feedRevokeAction = SiteRoute.accountCalendarRevoke.path
    }

    func page(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let calendar = user.calendar
        let tokens = try await APIToken.query(on: req.db).filter(\.$personID == user.personID).filter(\.$expiresAt > req.now)
            .sort(\.$createdAt, .descending).all()
        let feed = try await CalendarFeed.query(on: req.db).filter(\.$personID == user.personID).first()
        let view = View(tokens: try tokens.map {
                            let id = try $0.requireID()
                            return TokenRow(id: id, createdAt: calendar.vietnameseDateTime($0.createdAt),
                                            expiresAt: calendar.vietnameseDateTime($0.expiresAt),
                                            revokeAction: SiteRoute.accountTokenRevoke(id).path)
                        },
                        feed: feed.map { FeedRow(createdAt: calendar.vietnameseDateTime($0.createdAt)) })
        return try await req.render("accounts/access", title: req.t("access_title"), section: "access", view)
    }

    /// Revokes one of the person's own tokens (another person's id changes nothing).
    func revokeToken(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw AppError.notFound() }
        try await APIToken.query(on: req.db).filter(\.$id == id).filter(\.$personID == user.personID).delete()
        return req.redirect(to: .accountAccess, notice: "saved")
    }

    /// Removes the person's calendar feed: its address stops working (a new one is made when
    /// they next open `/calendar`).
    func revokeFeed(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        try await CalendarFeed.query(on: req.db).filter(\.$personID == user.personID).delete()
        return req.redirect(to: .accountAccess, notice: "saved")
    }
}
