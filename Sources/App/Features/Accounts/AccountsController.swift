import Fluent
import GiaoBanCore
import Vapor

/// Checking credentials, shared by the login form and the API token endpoint, with throttling
/// kept in the database so that every app server counts the same failures.
enum SignIn {
    enum Outcome {
        case success(Person)
        case wrongCredentials
        case throttled(until: Date)
    }

    static let throttle = LoginThrottle()

    static func attempt(username rawUsername: String, password: String, on request: Request) async throws -> Outcome {
        let username = rawUsername.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let now = request.now
        let since = throttle.windowStart(now: now)
        let recent = try await LoginAttempt.query(on: request.db)
            .filter(\.$username == username)
            .filter(\.$at > since)
            .sort(\.$at, .descending)
            .all()
        // Failures count only since the last success.
        let failures = recent.prefix { !$0.succeeded }.map(\.at)
        if let until = throttle.lockedUntil(failures: failures, now: now) {
            return .throttled(until: until)
        }
        var matched: Person?
        if let person = try await Person.query(on: request.db).filter(\.$username == username).first(), person.active {
            if try await request.password.async.verify(password, created: person.passwordHash) {
                matched = person
            }
        } else {
            // Spend the same time on unknown users so that timing does not reveal which exist.
            _ = try? await request.password.async.hash(password)
        }
        try await LoginAttempt(username: username, succeeded: matched != nil, at: now,
                               remoteAddress: request.clientAddress).save(on: request.db)
        if let matched { return .success(matched) }
        return .wrongCredentials
    }

    static func minutesLeft(until: Date, now: Date) -> String {
        String(max(1, Int((until.timeIntervalSince(now) / 60).rounded(.up))))
    }
}

struct AccountsController {
    struct LoginView: Encodable, Sendable {
        var username: String
        var next: String
        var error: String?
    }

    struct LoginForm: Content {
        var username: String?
        var password: String?
        var next: String?
    }

    struct PasswordView: Encodable, Sendable {
        var errors: FieldErrors
    }

    struct PasswordForm: Content {
        var current: String?
        var new: String?
        var confirm: String?
    }

    func loginPage(_ req: Request) async throws -> Response {
        if req.currentUser != nil { return req.redirect(to: "/") }
        let next = Self.safeNext(req.query[String.self, at: "next"])
        return try await req.render("accounts/login", title: req.t("login_title"), section: "login",
                                    LoginView(username: "", next: next, error: nil))
    }

    func login(_ req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        let username = form.username ?? ""
        let next = Self.safeNext(form.next)
        switch try await SignIn.attempt(username: username, password: form.password ?? "", on: req) {
        case .success(let person):
            let response = req.redirect(to: next, redirectType: .normal)
            try await startSession(for: person, request: req, response: response)
            return response
        case .wrongCredentials:
            return try await req.render("accounts/login", title: req.t("login_title"), section: "login",
                                        LoginView(username: username, next: next, error: req.t("login_failed")),
                                        status: .unauthorized)
        case .throttled(let until):
            let minutes = SignIn.minutesLeft(until: until, now: req.now)
            return try await req.render("accounts/login", title: req.t("login_title"), section: "login",
                                        LoginView(username: username, next: next, error: req.t("login_throttled", minutes)),
                                        status: .tooManyRequests)
        }
    }

    /// A new session on every sign-in (never reusing one a visitor brought: no session fixation).
    private func startSession(for person: Person, request: Request, response: Response) async throws {
        let token = SecretToken.make()
        let now = request.now
        let config = request.application.giaobanConfig
        let session = UserSession(tokenHash: SecretToken.hash(token), personID: try person.requireID(),
                                  csrfToken: SecretToken.make(), createdAt: now,
                                  expiresAt: now.addingTimeInterval(config.sessionLifetime))
        try await session.save(on: request.db)
        // Old expired sessions are swept here rather than by a timer: one query per sign-in.
        try await UserSession.query(on: request.db).filter(\.$expiresAt < now).delete()
        response.cookies[SessionAuthMiddleware.cookieName] = HTTPCookies.Value(
            string: token, expires: nil, maxAge: nil, path: "/",
            isSecure: config.secureCookies, isHTTPOnly: true, sameSite: .lax)
    }

    func logout(_ req: Request) async throws -> Response {
        if let session = req.currentUser?.session {
            try await session.delete(on: req.db)
        }
        let response = req.redirect(to: "/login?notice=logged_out")
        response.cookies[SessionAuthMiddleware.cookieName] = .expired
        return response
    }

    func passwordPage(_ req: Request) async throws -> Response {
        try req.authorize(.changeOwnPassword)
        return try await req.render("accounts/password", title: req.t("password_title"), section: "password",
                                    PasswordView(errors: .init()))
    }

    func changePassword(_ req: Request) async throws -> Response {
        let user = try req.authorize(.changeOwnPassword)
        let form = try req.content.decode(PasswordForm.self)
        var errors = FieldErrors()
        if !(try await req.password.async.verify(form.current ?? "", created: user.person.passwordHash)) {
            errors["current"] = req.t("err_password_wrong")
        }
        let new = form.new ?? ""
        if new.count < 8 { errors["new"] = req.t("err_password_short") }
        if new != (form.confirm ?? "") { errors["confirm"] = req.t("err_password_mismatch") }
        guard errors.isEmpty else {
            return try await req.render("accounts/password", title: req.t("password_title"), section: "password",
                                        PasswordView(errors: errors), status: .unprocessableEntity)
        }
        // A fresh copy: the signed-in context is shared with other requests and never changed in place.
        guard let person = try await Person.find(user.personID, on: req.db) else { throw AppError.unauthorized }
        person.passwordHash = try await req.password.async.hash(new)
        try await person.save(on: req.db)
        // Everything signed in with the old password is signed out, except this browser.
        var others = UserSession.query(on: req.db).filter(\.$personID == user.personID)
        if let current = user.session?.id { others = others.filter(\.$id != current) }
        try await others.delete()
        try await APIToken.query(on: req.db).filter(\.$personID == user.personID).delete()
        try await AuditTrail.record(on: req.db, communeID: user.communeID, actorID: user.personID, at: req.now, kind: "account",
                                    action: "password_changed", subjectID: user.personID,
                                    before: Optional<String>.none, after: Optional<String>.none)
        return req.redirect(to: "/?notice=password_changed")
    }

    func switchLanguage(_ req: Request) async throws -> Response {
        let language = Language(rawValue: req.parameters.get("code") ?? "") ?? .vi
        let response = req.redirect(to: Self.safeNext(req.query[String.self, at: "next"]))
        response.cookies[Request.languageCookie] = HTTPCookies.Value(
            string: language.rawValue, maxAge: 365 * 24 * 3600, path: "/",
            isSecure: req.application.giaobanConfig.secureCookies, isHTTPOnly: true, sameSite: .lax)
        return response
    }

    /// Only local paths: a `next` parameter must never send someone to another site.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"),
              !next.hasPrefix("/login") else { return "/" }
        return next
    }

    // MARK: API

    struct TokenRequest: Content {
        var username: String
        var password: String
    }

    struct TokenResponse: Content {
        var token: String
        var expiresAt: String
    }

    func issueToken(_ req: Request) async throws -> Response {
        let body: TokenRequest
        do { body = try req.content.decode(TokenRequest.self) } catch {
            throw AppError.invalid(["username": "Không được để trống.", "password": "Không được để trống."],
                                   message: "Cần gửi {\"username\", \"password\"}.")
        }
        switch try await SignIn.attempt(username: body.username, password: body.password, on: req) {
        case .success(let person):
            let token = SecretToken.make()
            let now = req.now
            let expires = now.addingTimeInterval(req.application.giaobanConfig.apiTokenLifetime)
            try await APIToken(tokenHash: SecretToken.hash(token), personID: try person.requireID(),
                               createdAt: now, expiresAt: expires).save(on: req.db)
            let commune = try await Commune.find(person.communeID, on: req.db)
            let calendar = commune?.calendar ?? CommuneCalendar()
            return try await TokenResponse(token: token, expiresAt: calendar.isoString(expires)).encodeResponse(status: .ok, for: req)
        case .wrongCredentials:
            throw AppError(.unauthorized, code: "invalid_credentials", message: "Tên đăng nhập hoặc mật khẩu không đúng.")
        case .throttled(let until):
            throw AppError(.tooManyRequests, code: "too_many_attempts",
                           message: "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau \(SignIn.minutesLeft(until: until, now: req.now)) phút.")
        }
    }
}
