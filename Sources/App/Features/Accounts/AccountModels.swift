import Fluent
import Foundation
import Vapor

/// A signed-in browser. Kept in the database so that every app server behind a load balancer
/// recognises it; only a hash of the cookie value is stored.
final class UserSession: Model, @unchecked Sendable {
    static let schema = "user_sessions"
    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "person_id") var personID: UUID
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] { [_id, _tokenHash, _personID, _csrfToken, _createdAt, _expiresAt] }

    init() {}
    init(tokenHash: String, personID: UUID, csrfToken: String, createdAt: Date, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.personID = personID
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// A bearer token for the JSON API (`POST /api/v1/auth/token`); only its hash is stored.
final class APIToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"
    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "person_id") var personID: UUID
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] { [_id, _tokenHash, _personID, _createdAt, _expiresAt] }

    init() {}
    init(tokenHash: String, personID: UUID, createdAt: Date, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.personID = personID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// One sign-in attempt, kept for throttling (shared by all app servers) and for the audit.
final class LoginAttempt: Model, @unchecked Sendable {
    static let schema = "login_attempts"
    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    @Field(key: "succeeded") var succeeded: Bool
    @Field(key: "at") var at: Date
    @OptionalField(key: "remote_address") var remoteAddress: String?

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] { [_id, _username, _succeeded, _at, _remoteAddress] }

    init() {}
    init(username: String, succeeded: Bool, at: Date, remoteAddress: String?) {
        self.username = username
        self.succeeded = succeeded
        self.at = at
        self.remoteAddress = remoteAddress
    }
}
