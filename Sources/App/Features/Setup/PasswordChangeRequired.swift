import Fluent
import GiaoBanCore
import Vapor

/// A person signed in with a one-time password chooses their own before anything else: every
/// page answers 303 to `/account/password`, every API route 403 `password_change_required`,
/// except signing out and changing the password.
struct PasswordChangeRequiredMiddleware: Middleware {
    static let allowedPaths: Set<String> = [SiteRoute.logout.path, SiteRoute.accountPassword.path, APIRoute.accountPassword.address]

    /// Future-based: it awaits nothing, and an async middleware costs a task on every request.
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard let user = request.currentUser, user.person.mustChangePassword,
              !Self.allowedPaths.contains(request.targetPath) else {
            return next.respond(to: request)
        }
        if request.targetPath.hasPrefix("/api/") {
            return request.eventLoop.makeFailedFuture(AppError(.forbidden, code: "password_change_required",
                message: "Bạn đang dùng mật khẩu một lần: hãy đặt mật khẩu của riêng mình trước (PUT /api/v1/account/password)."))
        }
        return request.eventLoop.makeSucceededFuture(request.redirect(to: .accountPassword))
    }
}

/// Changing one's own password: the page and the API share the rules.
enum PasswordChange {
    struct Input: Content {
        var current: String?
        var new: String?
    }

    struct Result: Content {
        var mustChangePassword: Bool
    }

    /// Field → message key for what is wrong; empty when the change may go ahead.
    static func check(current: String, new: String, confirm: String?, person: Person, req: Request) async throws -> [String: String] {
        var errors: [String: String] = [:]
        if !(try await req.password.async.verify(current, created: person.passwordHash)) {
            errors["current"] = person.mustChangePassword ? "err_one_time_password_wrong" : "err_password_wrong"
        }
        if new.count < 8 { errors["new"] = "err_password_short" }
        else if person.mustChangePassword && new == current { errors["new"] = "err_password_same_as_one_time" }
        if let confirm, new != confirm { errors["confirm"] = "err_password_mismatch" }
        return errors
    }

    /// Stores the new password, ends the one-time state, and signs out every other session and
    /// token (`keepSession` / `keepTokenHash` are the caller's own).
    static func apply(new: String, user: CurrentUser, keepSession: UUID?, keepTokenHash: String?, req: Request) async throws {
        // A fresh copy: the signed-in context is shared with other requests and never changed in place.
        guard let person = try await Person.find(user.personID, on: req.db) else { throw AppError.unauthorized }
        let wasOneTime = person.mustChangePassword
        person.passwordHash = try await req.password.async.hash(new)
        person.mustChangePassword = false
        try await person.save(on: req.db)
        var others = UserSession.query(on: req.db).filter(\.$personID == user.personID)
        if let keepSession { others = others.filter(\.$id != keepSession) }
        try await others.delete()
        var tokens = APIToken.query(on: req.db).filter(\.$personID == user.personID)
        if let keepTokenHash { tokens = tokens.filter(\.$tokenHash != keepTokenHash) }
        try await tokens.delete()
        try await AuditTrail.record(on: req.db, communeID: user.communeID, actorID: user.personID, at: req.now, kind: "account",
                                    action: wasOneTime ? "one_time_password_replaced" : "password_changed", subjectID: user.personID,
                                    before: Optional<String>.none, after: Optional<String>.none)
    }

    /// `PUT /api/v1/account/password` `{"current", "new"}` → `{"mustChangePassword": false}`.
    static func api(_ req: Request) async throws -> Result {
        let user = try req.authorize(.changeOwnPassword)
        let input = try req.decodeJSON(Input.self)
        let errors = try await check(current: input.current ?? "", new: input.new ?? "", confirm: nil, person: user.person, req: req)
        guard errors.isEmpty else { throw AppError.invalid(errors.mapValues { Strings.text($0) }) }
        try await apply(new: input.new ?? "", user: user, keepSession: nil,
                        keepTokenHash: req.headers.bearerAuthorization.map { SecretToken.hash($0.token) }, req: req)
        return Result(mustChangePassword: false)
    }
}
