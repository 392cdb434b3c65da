import Fluent
import FluentSQL
import SQLKit
import GiaoBanCore
import Vapor

/// The signed-in person with what every handler needs: their commune and what they may do.
struct CurrentUser: Sendable {
    let person: Person
    let commune: Commune
    /// The commune's calendar, decoded once when the context is built (not at every use); a
    /// commune whose calendar does not decode has no signed-in context (`StoredDataError`).
    let calendar: CommuneCalendar
    let actor: Actor
    /// The browser session, when signed in through the web UI (absent for API tokens).
    let session: UserSession?

    var personID: UUID { actor.personID }
    var communeID: UUID { actor.communeID }

    /// The same context for another request's session (the cached one is kept without it).
    func with(session: UserSession?) -> CurrentUser {
        CurrentUser(person: person, commune: commune, calendar: calendar, actor: actor, session: session)
    }
}

enum SecretToken {
    /// A fresh random token, URL-safe.
    static func make() -> String {
        Data([UInt8].random(count: 32)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// What the database keeps instead of the token itself.
    static func hash(_ token: String) -> String {
        hex(SHA256.hash(data: Data(token.utf8)))
    }

    /// Lower-case hex, without a `String(format:)` per byte: this runs on every signed-in request.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

extension Request {
    private struct CurrentUserKey: StorageKey { typealias Value = CurrentUser }

    var currentUser: CurrentUser? {
        get { storage[CurrentUserKey.self] }
        set { storage[CurrentUserKey.self] = newValue }
    }

    /// The client's address for throttling: the peer, or what a trusted proxy says it forwarded for.
    var clientAddress: String? {
        ClientAddress.resolve(peer: remoteAddress?.ipAddress, forwardedFor: headers[.xForwardedFor],
                              trustedProxies: application.giaobanConfig.trustedProxies)
    }

    /// The signed-in user or a 401 (the error middleware sends browsers to the login page).
    func requireUser() throws -> CurrentUser {
        guard let user = currentUser else { throw AppError.unauthorized }
        return user
    }

    /// The signed-in user, refused with 403 unless the policy allows `action`.
    @discardableResult
    func authorize(_ action: Action) throws -> CurrentUser {
        let user = try requireUser()
        guard AccessPolicy.allows(user.actor, action) else { throw AppError.forbidden }
        return user
    }
}

enum AccountQueries {
    /// Builds the `CurrentUser` for a person id: refuses inactive people and lost communes.
    static func currentUser(personID: UUID, session: UserSession?, on db: any Database) async throws -> CurrentUser? {
        guard let person = try await Person.find(personID, on: db), person.active,
              let commune = try await Commune.find(person.communeID, on: db) else { return nil }
        async let groups = GroupMembership.query(on: db)
            .filter(\.$personID == personID).filter(\.$kind == .aggregator).all()
        async let cells = CellSupervisor.query(on: db).filter(\.$personID == personID).all()
        async let units = PersonUnit.query(on: db).filter(\.$personID == personID).all()
        let actor = Actor(
            personID: personID,
            communeID: person.communeID,
            roles: person.roles,
            aggregatedGroupIDs: Set(try await groups.map(\.groupID)),
            supervisedCellIDs: Set(try await cells.map(\.cellID)),
            unitIDs: Set(try await units.map(\.unitID))
        )
        return CurrentUser(person: person, commune: commune, calendar: try commune.calendar, actor: actor, session: session)
    }

    /// The signed-in context for a person whose commune is at `version`: from `SignedInCache`
    /// when it was built at that version, otherwise read and kept.
    static func currentUser(personID: UUID, version: Int64, session: UserSession?, request: Request) async throws -> CurrentUser? {
        let cache = request.application.signedInCache
        guard request.application.giaobanConfig.pageCache else {
            return try await currentUser(personID: personID, session: session, on: request.db)
        }
        let now = request.now
        if let entry = cache.entry(personID: personID, version: version, at: now) {
            return entry.user.with(session: session)
        }
        guard let user = try await currentUser(personID: personID, session: session, on: request.db) else { return nil }
        cache.store(.init(version: version, minute: MinuteGrain.minute(of: now), user: user.with(session: nil)))
        return user
    }

    struct Versions: Sendable {
        var commune: Int64
        var personal: Int64
    }

    /// One query for what every signed-in request starts with: the live session or token row
    /// with its person's commune version and own version.
    static func credential<Credential: Model>(_ type: Credential.Type, tokenHash: String, now: Date,
                                              on db: any Database) async throws -> (Credential, versions: Versions)? {
        let row = try await SQLAccess.sql(db).raw("""
            SELECT c.*, v.version AS commune_data_version, pv.version AS personal_data_version
            FROM \(ident: Credential.schema) c
            JOIN people p ON p.id = c.person_id
            LEFT JOIN commune_versions v ON v.commune_id = p.commune_id
            LEFT JOIN person_versions pv ON pv.person_id = c.person_id
            WHERE c.token_hash = \(bind: tokenHash) AND c.expires_at > \(bind: now)
            LIMIT 1
            """).first()
        guard let row else { return nil }
        let versions = Versions(commune: try row.decode(column: "commune_data_version", as: Int64?.self) ?? 0,
                                personal: try row.decode(column: "personal_data_version", as: Int64?.self) ?? 0)
        return (try row.decode(fluentModel: Credential.self), versions)
    }
}

/// Recognises the browser session cookie. A missing or expired session simply leaves the
/// request anonymous; pages that need a user refuse it later.
struct SessionAuthMiddleware: AsyncMiddleware {
    static let cookieName = "giaoban_session"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let token = request.cookies[Self.cookieName]?.string, !token.isEmpty {
            let now = request.now
            if let (session, versions) = try await AccountQueries.credential(UserSession.self, tokenHash: SecretToken.hash(token),
                                                                              now: now, on: request.db) {
                request.currentUser = try await AccountQueries.currentUser(personID: session.personID, version: versions.commune,
                                                                           session: session, request: request)
                request.dataVersion = versions.commune
                request.personalDataVersion = versions.personal
                let lifetime = request.application.giaobanConfig.sessionLifetime
                // Sliding expiry, written at most every few minutes rather than on every request.
                if request.currentUser != nil, session.expiresAt.timeIntervalSince(now) < lifetime - 300 {
                    session.expiresAt = now.addingTimeInterval(lifetime)
                    try await session.save(on: request.db)
                }
            }
        }
        return try await next.respond(to: request)
    }
}

/// Recognises `Authorization: Bearer <token>` on API routes.
struct BearerAuthMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let bearer = request.headers.bearerAuthorization {
            guard let (token, versions) = try await AccountQueries.credential(APIToken.self, tokenHash: SecretToken.hash(bearer.token),
                                                                               now: request.now, on: request.db),
                let user = try await AccountQueries.currentUser(personID: token.personID, version: versions.commune, session: nil,
                                                                request: request)
            else {
                throw AppError(.unauthorized, code: "invalid_token", message: "Mã truy cập không hợp lệ hoặc đã hết hạn.")
            }
            request.currentUser = user
            request.dataVersion = versions.commune
            request.personalDataVersion = versions.personal
        }
        return try await next.respond(to: request)
    }
}

/// Requires a signed-in user on every route below it.
struct RequireUserMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        _ = try request.requireUser()
        return try await next.respond(to: request)
    }
}

/// Refuses every route below it unless the policy allows `action`.
struct RequireActionMiddleware: AsyncMiddleware {
    let action: Action
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        try request.authorize(action)
        return try await next.respond(to: request)
    }
}

/// Protects every state-changing browser request against cross-site forgery. A signed-in user's
/// token lives with their session; an anonymous visitor (the login form) gets a token in its own
/// cookie (double submit). The token travels as the `_csrf` form field or the `X-CSRF-Token` header.
struct CSRFMiddleware: AsyncMiddleware {
    static let cookieName = "giaoban_csrf"
    static let fieldName = "_csrf"
    private struct NewTokenKey: StorageKey { typealias Value = String }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if ![.GET, .HEAD, .OPTIONS].contains(request.method) {
            _ = try await request.body.collect(max: 2 << 20).get()
            let sent = request.headers.first(name: "X-CSRF-Token") ?? Self.formToken(request)
            guard let expected = Self.expectedToken(for: request), let sent,
                  sent.utf8.count == expected.utf8.count, Self.constantTimeEquals(sent, expected) else {
                throw AppError(.forbidden, code: "csrf_failed",
                               message: "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại.")
            }
        }
        let response = try await next.respond(to: request)
        if let fresh = request.storage[NewTokenKey.self] {
            response.cookies[Self.cookieName] = HTTPCookies.Value(
                string: fresh, maxAge: 12 * 3600, path: "/",
                isSecure: request.application.giaobanConfig.secureCookies, isHTTPOnly: true, sameSite: .strict)
        }
        return response
    }

    /// The `_csrf` field. A plain form is read as it came (not through the input boundary, whose
    /// refusal of an over-long field must not turn into a CSRF refusal); other bodies through Vapor.
    private static func formToken(_ request: Request) -> String? {
        if request.headers.contentType == .urlEncodedForm, let body = request.body.string {
            for pair in body.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                if parts.count == 2, parts[0] == fieldName {
                    return parts[1].replacingOccurrences(of: "+", with: " ").removingPercentEncoding
                }
            }
            return nil
        }
        return try? request.content.get(String.self, at: fieldName)
    }

    private static func expectedToken(for request: Request) -> String? {
        if let session = request.currentUser?.session { return session.csrfToken }
        return request.cookies[cookieName]?.string
    }

    /// The token a form on this page must carry; creates the anonymous cookie when needed.
    static func token(for request: Request) -> String {
        if let token = expectedToken(for: request), !token.isEmpty { return token }
        if let pending = request.storage[NewTokenKey.self] { return pending }
        let fresh = SecretToken.make()
        request.storage[NewTokenKey.self] = fresh
        return fresh
    }

    private static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        var difference: UInt8 = 0
        for (x, y) in zip(a.utf8, b.utf8) { difference |= x ^ y }
        return difference == 0
    }
}

/// Headers every response carries: no framing, no sniffing, no referrer leaks.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        if response.headers.contentType == .html {
            response.headers.replaceOrAdd(name: "Content-Security-Policy",
                                          value: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'")
            response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        } else if request.url.path.hasPrefix("/css/") || request.url.path.hasPrefix("/js/") {
            // Static files: kept a day, then revalidated cheaply with their ETag.
            response.headers.replaceOrAdd(name: "Cache-Control", value: "public, max-age=86400")
        } else if Self.isPrivate(response.headers.contentType, path: request.url.path) {
            // A person's data — API answers, documents, spreadsheets, calendar feeds — is never
            // kept by a browser, a shared computer's disk or a proxy in between.
            response.headers.replaceOrAdd(name: "Cache-Control", value: "private, no-store")
        }
        return response
    }

    static let privateTypes: [HTTPMediaType] = [
        .json,
        HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.wordprocessingml.document"),
        HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        HTTPMediaType(type: "text", subType: "calendar"),
        HTTPMediaType(type: "text", subType: "csv"),
    ]

    static func isPrivate(_ type: HTTPMediaType?, path: String) -> Bool {
        if path.hasPrefix("/api/v1/") || path.hasPrefix("/calendar/") { return true }
        guard let type else { return false }
        return privateTypes.contains { $0.type == type.type && $0.subType == type.subType }
    }
}
