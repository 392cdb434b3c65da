import Fluent
import SQLKit
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
    /// bcrypt is slow on purpose and runs on the thread pool that SQLite also uses: sign-ins wait
    /// their turn here, so a burst of them cannot starve every other request of threads.
    static let passwordGate = AsyncGate(limit: max(1, System.coreCount / 2))

    /// Every attempt is written down before any password work, as a failure until proven
    /// otherwise, in a transaction that first counts the earlier ones: once the account (5
    /// failures since its last success) or the client address (`LoginThrottle.perAddress`) is
    /// over its limit the attempt is refused without bcrypt and not written (a refused attempt
    /// neither extends the lock nor is a guess). The transactions of one username (and of one
    /// address) run one after another — SQLite's write lock (`BEGIN IMMEDIATE`), PostgreSQL
    /// advisory locks — so parallel guesses cannot all see a count under the limit.
    static func attempt(username rawUsername: String, password: String, on request: Request) async throws -> Outcome {
        let username = rawUsername.trimmedWhitespaceAndNewlines.lowercased()
        let now = request.now
        let address = request.clientAddress
        let decision: (attempt: LoginAttempt?, lockedUntil: Date?) = try await request.db.transaction { db in
            if let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" {
                try await sql.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "login:" + username)))").run()
                if let address { try await sql.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "login-from:" + address)))").run() }
            }
            let recent = try await LoginAttempt.query(on: db)
                .filter(\.$username == username)
                .filter(\.$at > throttle.windowStart(now: now))
                .sort(\.$at, .descending)
                .all()
            // Failures count only since the last success.
            let failures = recent.prefix { !$0.succeeded }.map(\.at)
            // Parallel requests read the clock at slightly different instants: an attempt
            // written by one that started a moment later still counts.
            if let until = throttle.lockedUntil(failures: failures, now: max(now, failures.max() ?? now)) { return (nil, until) }
            if let address {
                let perAddress = LoginThrottle.perAddress
                let fromAddress = try await LoginAttempt.query(on: db)
                    .filter(\.$remoteAddress == address)
                    .filter(\.$succeeded == false)
                    .filter(\.$at > perAddress.windowStart(now: now))
                    .all().map(\.at)
                if let until = perAddress.lockedUntil(failures: fromAddress, now: max(now, fromAddress.max() ?? now)) { return (nil, until) }
            }
            let attempt = LoginAttempt(username: username, succeeded: false, at: now, remoteAddress: address)
            try await attempt.save(on: db)
            return (attempt, nil)
        }
        guard let attempt = decision.attempt else { return .throttled(until: decision.lockedUntil ?? now) }
        let matched: Person? = try await passwordGate.run {
            if let person = try await Person.query(on: request.db).filter(\.$username == username).first(), person.active {
                return try await request.password.async.verify(password, created: person.passwordHash) ? person : nil
            }
            // Spend the same time on unknown users so that timing does not reveal which exist.
            _ = try? await request.password.async.hash(password)
            return nil
        }
        if let matched {
            attempt.succeeded = true
            try await attempt.save(on: request.db)
            return .success(matched)
        }
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
        var action = SiteRoute.login().path
    }

    struct LoginForm: Content {
        var username: String?
        var password: String?
        var next: String?
    }

    struct PasswordView: Encodable, Sendable {
        var errors: FieldErrors
        /// Signed in with a one-time password from a login slip: must choose their own first.
        var oneTime = false
        var action = SiteRoute.accountPassword.path
    }

    struct PasswordForm: Content {
        var current: String?
        var new: String?
        var confirm: String?
    }

    func loginPage(_ req: Request) async throws -> Response {
        if req.currentUser != nil { return req.redirect(to: .home) }
        let next = LocalRedirect.afterSignIn(req.query[String.self, at: "next"])
        return try await req.render("accounts/login", title: req.t("login_title"), section: "login",
                                    LoginView(username: "", next: next, error: nil))
    }

    func login(_ req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        let username = form.username ?? ""
        let next = LocalRedirect.afterSignIn(form.next)
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
        let response = req.redirect(to: .login(), notice: "logged_out")
        response.cookies[SessionAuthMiddleware.cookieName] = .expired
        return response
    }

    func passwordPage(_ req: Request) async throws -> Response {
        let user = try req.authorize(.changeOwnPassword)
        return try await req.render("accounts/password", title: req.t("password_title"), section: "password",
                                    PasswordView(errors: .init(), oneTime: user.person.mustChangePassword))
    }

    func changePassword(_ req: Request) async throws -> Response {
        let user = try req.authorize(.changeOwnPassword)
        let form = try req.content.decode(PasswordForm.self)
        let new = form.new ?? ""
        let problems = try await PasswordChange.check(current: form.current ?? "", new: new, confirm: form.confirm ?? "",
                                                      person: user.person, req: req)
        guard problems.isEmpty else {
            return try await req.render("accounts/password", title: req.t("password_title"), section: "password",
                                        PasswordView(errors: FieldErrors(messages: problems.mapValues { req.t($0) }),
                                                     oneTime: user.person.mustChangePassword),
                                        status: .unprocessableEntity)
        }
        // Everything signed in with the old password is signed out, except this browser.
        try await PasswordChange.apply(new: new, user: user, keepSession: user.session?.id, keepTokenHash: nil, req: req)
        return req.redirect(to: .home, notice: "password_changed")
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

    /// `DELETE /api/v1/auth/token`: revokes the token the request was made with (204).
    func revokeToken(_ req: Request) async throws -> Response {
        _ = try req.requireUser()
        guard let bearer = req.headers.bearerAuthorization else { throw AppError.unauthorized }
        try await APIToken.query(on: req.db).filter(\.$tokenHash == SecretToken.hash(bearer.token)).delete()
        return Response(status: .noContent)
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
            let calendar = try commune?.calendar ?? CommuneCalendar()
            return try await TokenResponse(token: token, expiresAt: calendar.isoString(expires)).encodeResponse(status: .ok, for: req)
        case .wrongCredentials:
            throw AppError(.unauthorized, code: "invalid_credentials", message: "Tên đăng nhập hoặc mật khẩu không đúng.")
        case .throttled(let until):
            throw AppError(.tooManyRequests, code: "too_many_attempts",
                           message: "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau \(SignIn.minutesLeft(until: until, now: req.now)) phút.")
        }
    }
}
