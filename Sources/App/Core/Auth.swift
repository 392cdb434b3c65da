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
    /// Builds the `CurrentUser` for a person id, in one statement: refuses inactive people and lost communes.
    static func currentUser(personID: UUID, session: UserSession?, on db: any Database) async throws -> CurrentUser? {
        let row = try await SQLAccess.plainRows("""
            SELECT \(unsafeRaw: SignedInContext.columns(try SQLAccess.sql(db), .person))
            FROM people p JOIN communes m ON m.id = p.commune_id
            WHERE p.id = \(bind: personID) AND p.active = \(bind: true)
            """, on: db).first
        return try row.map { try SignedInContext.user(from: $0.asSQLRow, session: session) }
    }

    /// One statement for what every signed-in request starts with: the live session or token row,
    /// its person, their commune, and what they aggregate, supervise, belong to and approve.
    /// An inactive person's credential finds nothing. Read as plain rows (directly on SQLite):
    /// through SQLKit, writing the statement and handing its row over cost more than SQLite took.
    static func signedIn<Credential: Model>(_ type: Credential.Type, tokenHash: String, now: Date,
                                            on db: any Database) async throws -> (Credential, CurrentUser)? {
        let rows = try await SQLAccess.plainRows("""
            SELECT c.*, \(unsafeRaw: SignedInContext.columns(try SQLAccess.sql(db), .credential))
            FROM \(unsafeRaw: Credential.schema) c
            JOIN people p ON p.id = c.person_id
            JOIN communes m ON m.id = p.commune_id
            WHERE c.token_hash = \(bind: tokenHash) AND c.expires_at > \(bind: now) AND p.active = \(bind: true)
            LIMIT 1
            """, on: db)
        guard let row = rows.first?.asSQLRow else { return nil }
        let credential = try row.decode(fluentModel: Credential.self)
        return (credential, try SignedInContext.user(from: row, session: credential as? UserSession))
    }
}

/// The columns of the signed-in context and how a row of them becomes a `CurrentUser`. The person's
/// and commune's columns come prefixed (`p__`, `m__`) beside the credential's own; the id sets as
/// comma-separated text from one sub-select each, so the whole context is one round trip.
enum SignedInContext {
    static let personPrefix = "p__"
    static let communePrefix = "m__"

    /// Where the person's id comes from: a credential row `c` joined to `p`, or `p` alone.
    enum Anchor: String { case credential = "c.person_id", person = "p.id" }

    private static let sqliteColumns = (credential: columns(dialect: "sqlite", person: Anchor.credential.rawValue),
                                        person: columns(dialect: "sqlite", person: Anchor.person.rawValue))
    private static let postgresColumns = (credential: columns(dialect: "postgresql", person: Anchor.credential.rawValue),
                                          person: columns(dialect: "postgresql", person: Anchor.person.rawValue))

    /// The select list, built once per dialect.
    static func columns(_ sql: any SQLDatabase, _ anchor: Anchor) -> String {
        let built = sql.dialect.name == "postgresql" ? postgresColumns : sqliteColumns
        return anchor == .credential ? built.credential : built.person
    }

    private static func columns(dialect: String, person: String) -> String {
        let list = { SQLAccess.idList(dialect: dialect, $0) }
        let personal = [SQLAccess.prefixedColumns(Person.self, alias: "p", prefix: personPrefix)]
        let communal = [SQLAccess.prefixedColumns(Commune.self, alias: "m", prefix: communePrefix)]
        let sets = [
            "(SELECT \(list("gm.group_id")) FROM group_memberships gm WHERE gm.person_id = \(person) AND gm.kind = 'aggregator') AS aggregated_group_ids",
            "(SELECT \(list("cs.cell_id")) FROM cell_supervisors cs WHERE cs.person_id = \(person)) AS supervised_cell_ids",
            "(SELECT \(list("pu.unit_id")) FROM person_units pu WHERE pu.person_id = \(person)) AS unit_ids",
            "(SELECT \(list("ag.id")) FROM report_groups ag WHERE ag.approver_id = \(person)) AS approved_group_ids",
        ]
        return (personal + communal + sets).joined(separator: ", ")
    }

    static func user(from row: any SQLRow, session: UserSession?) throws -> CurrentUser {
        let person = try PrefixedRow(row: row, prefix: personPrefix).decode(fluentModel: Person.self)
        let commune = try PrefixedRow(row: row, prefix: communePrefix).decode(fluentModel: Commune.self)
        func ids(_ column: String) throws -> Set<UUID> { try SQLAccess.ids(row, column) }
        let personID = try person.requireID()
        let actor = Actor(
            personID: personID,
            communeID: person.communeID,
            roles: person.roles,
            aggregatedGroupIDs: try ids("aggregated_group_ids"),
            supervisedCellIDs: try ids("supervised_cell_ids"),
            unitIDs: try ids("unit_ids"),
            approvedGroupIDs: try ids("approved_group_ids")
        )
        return CurrentUser(person: person, commune: commune, calendar: try commune.calendar, actor: actor, session: session)
    }
}

/// A row's columns that start with `prefix`, named without it: one model's part of a joined row.
struct PrefixedRow: SQLRow {
    let row: any SQLRow
    let prefix: String

    var allColumns: [String] { row.allColumns.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) } }
    func contains(column: String) -> Bool { row.contains(column: prefix + column) }
    func decodeNil(column: String) throws -> Bool { try row.decodeNil(column: prefix + column) }
    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D { try row.decode(column: prefix + column, as: type) }
}

/// Recognises the browser session cookie. A missing or expired session simply leaves the
/// request anonymous; pages that need a user refuse it later.
struct SessionAuthMiddleware: AsyncMiddleware {
    static let cookieName = "giaoban_session"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let token = request.cookies[Self.cookieName]?.string, !token.isEmpty {
            let now = request.now
            if let (session, user) = try await AccountQueries.signedIn(UserSession.self, tokenHash: SecretToken.hash(token),
                                                                                   now: now, on: request.db) {
                request.currentUser = user
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
            guard let (_, user) = try await AccountQueries.signedIn(APIToken.self, tokenHash: SecretToken.hash(bearer.token),
                                                                               now: request.now, on: request.db)
            else {
                throw AppError(.unauthorized, code: "invalid_token", message: "Mã truy cập không hợp lệ hoặc đã hết hạn.")
            }
            request.currentUser = user
        }
        return try await next.respond(to: request)
    }
}

/// Requires a signed-in user on every route below it.
///
/// This and the other middleware that await nothing are future-based: an async middleware costs a
/// task and two thread hops on every request it passes.
struct RequireUserMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        do {
            _ = try request.requireUser()
        } catch {
            return request.eventLoop.makeFailedFuture(error)
        }
        return next.respond(to: request)
    }
}

/// Refuses every route below it unless the policy allows `action`.
struct RequireActionMiddleware: Middleware {
    let action: Action
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        do {
            try request.authorize(action)
        } catch {
            return request.eventLoop.makeFailedFuture(error)
        }
        return next.respond(to: request)
    }
}

/// Protects every state-changing browser request against cross-site forgery. A signed-in user's
/// token lives with their session; an anonymous visitor (the login form) gets a token in its own
/// cookie (double submit). The token travels as the `_csrf` form field or the `X-CSRF-Token` header.
struct CSRFMiddleware: Middleware {
    static let cookieName = "giaoban_csrf"
    static let fieldName = "_csrf"
    private struct NewTokenKey: StorageKey { typealias Value = String }

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let checked: EventLoopFuture<Void>
        if [.GET, .HEAD, .OPTIONS].contains(request.method) {
            checked = request.eventLoop.makeSucceededVoidFuture()
        } else {
            checked = request.body.collect(max: 2 << 20).flatMapThrowing { _ in
                let sent = request.headers.first(name: "X-CSRF-Token") ?? Self.formToken(request)
                guard let expected = Self.expectedToken(for: request), let sent,
                      sent.utf8.count == expected.utf8.count, Self.constantTimeEquals(sent, expected) else {
                    throw AppError(.forbidden, code: "csrf_failed",
                                   message: "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại.")
                }
            }
        }
        return checked.flatMap { next.respond(to: request) }.map { response in
            if let fresh = request.storage[NewTokenKey.self] {
                response.cookies[Self.cookieName] = HTTPCookies.Value(
                    string: fresh, maxAge: 12 * 3600, path: "/",
                    isSecure: request.application.giaobanConfig.secureCookies, isHTTPOnly: true, sameSite: .strict)
            }
            return response
        }
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
struct SecurityHeadersMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).map { response in Self.secure(response, for: request) }
    }

    static func secure(_ response: Response, for request: Request) -> Response {
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        // The media type as plain text: Vapor's `contentType` parses every parameter of the header,
        // which showed in the profile of the smallest answer.
        let type = mediaType(response.headers.first(name: .contentType))
        if type == "text/html" {
            response.headers.replaceOrAdd(name: "Content-Security-Policy",
                                          value: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'")
            response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
            return response
        }
        let path = request.targetPath
        if path.hasPrefix("/css/") || path.hasPrefix("/js/") {
            // Static files: kept a day, then revalidated cheaply with their ETag.
            response.headers.replaceOrAdd(name: "Cache-Control", value: "public, max-age=86400")
        } else if Self.isPrivate(type, path: path) {
            // A person's data — API answers, documents, spreadsheets, calendar feeds — is never
            // kept by a browser, a shared computer's disk or a proxy in between.
            response.headers.replaceOrAdd(name: "Cache-Control", value: "private, no-store")
        }
        return response
    }

    static let privateTypes: Set<String> = [
        "application/json",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/calendar",
        "text/csv",
    ]

    /// `text/html` of `Text/HTML; charset=utf-8`: the type and subtype, lower-cased, no parameters.
    static func mediaType(_ header: String?) -> String {
        guard let header else { return "" }
        let end = header.firstIndex(of: ";") ?? header.endIndex
        return header[..<end].trimmedWhitespace.lowercased()
    }

    static func isPrivate(_ type: String, path: String) -> Bool {
        path.hasPrefix("/api/v1/") || path.hasPrefix("/calendar/") || privateTypes.contains(type)
    }
}
