import Fluent
import Foundation
import GiaoBanCore
import SQLKit
import Vapor

/// One reminder or missing list, written once: `dedupe_key` is unique, so however many app
/// servers plan the same reminder, only one row (and one message per channel) ever exists. The
/// outbox survives restarts; deliveries are retried from it.
final class OutboxMessage: Model, @unchecked Sendable {
    static let schema = "outbox_messages"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "dedupe_key") var dedupeKey: String
    @Field(key: "recipient_id") var recipientID: UUID
    /// `ObligationKind` raw value.
    @Field(key: "kind") var kind: String
    /// "reminder" (before the deadline) or "missing" (the list after it).
    @Field(key: "purpose") var purpose: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    @Field(key: "url") var url: String
    @Field(key: "due_at") var dueAt: Date
    @Field(key: "created_at") var createdAt: Date

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [
            _id, _communeID, _dedupeKey, _recipientID, _kind, _purpose, _subject, _body, _url, _dueAt, _createdAt,
        ]
    }

    init() {}
}

/// One channel's delivery of an outbox message, with its retry state.
final class OutboxDelivery: Model, @unchecked Sendable {
    static let schema = "outbox_deliveries"
    enum Channel: String, Codable, CaseIterable, Sendable { case inApp = "in_app", webhook, email }
    enum Status: String, Codable, Sendable { case pending, sent, failed }
    @ID(key: .id) var id: UUID?
    @Field(key: "message_id") var messageID: UUID
    @Field(key: "commune_id") var communeID: UUID
    @Enum(key: "channel") var channel: Channel
    @Enum(key: "status") var status: Status
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    /// A server that took the delivery holds it until then, so that two servers never send it twice.
    @OptionalField(key: "lease_until") var leaseUntil: Date?
    @OptionalField(key: "lease_owner") var leaseOwner: String?
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "sent_at") var sentAt: Date?

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [
            _id, _messageID, _communeID, _channel, _status, _attempts, _nextAttemptAt, _leaseUntil, _leaseOwner,
            _lastError, _sentAt,
        ]
    }

    init() {}
}

/// Every attempt to deliver through an outbound channel: the delivery log.
final class DeliveryAttempt: Model, @unchecked Sendable {
    static let schema = "delivery_attempts"
    @ID(key: .id) var id: UUID?
    @Field(key: "delivery_id") var deliveryID: UUID
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "at") var at: Date
    @Field(key: "ok") var ok: Bool
    /// HTTP status for webhooks, exit status for sendmail.
    @OptionalField(key: "status_code") var statusCode: Int?
    @OptionalField(key: "error") var error: String?
    @Field(key: "duration_ms") var durationMilliseconds: Int

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [
            _id, _deliveryID, _communeID, _at, _ok, _statusCode, _error, _durationMilliseconds,
        ]
    }

    init() {}
}

/// Which channels a person gets reminders on. Without a row: in the app only.
final class ChannelPreference: Model, @unchecked Sendable {
    static let schema = "channel_preferences"
    @ID(key: .id) var id: UUID?
    @Field(key: "person_id") var personID: UUID
    @Field(key: "in_app") var inApp: Bool
    @Field(key: "webhook") var webhook: Bool
    @Field(key: "email") var email: Bool
    @OptionalField(key: "email_address") var emailAddress: String?

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] { [_id, _personID, _inApp, _webhook, _email, _emailAddress] }

    init() {}
}

/// A commune's outbound integrations: the webhook (for a chat bridge) and the reminder timing.
final class CommuneIntegration: Model, @unchecked Sendable {
    static let schema = "commune_integrations"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @OptionalField(key: "webhook_url") var webhookURL: String?
    @OptionalField(key: "webhook_secret") var webhookSecret: String?
    @Field(key: "webhook_enabled") var webhookEnabled: Bool
    /// `ReminderSettings` as JSON.
    @Field(key: "reminders_json") var remindersJSON: String

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [
            _id, _communeID, _webhookURL, _webhookSecret, _webhookEnabled, _remindersJSON,
        ]
    }

    init() {}

    /// Throws `StoredDataError` when the stored JSON does not decode (the defaults would send
    /// reminders at other times than the commune chose).
    var reminderSettings: ReminderSettings {
        get throws { try decodeStored(ReminderSettings.self, from: remindersJSON, column: "reminders_json", communeID: communeID) }
    }

    func setReminderSettings(_ settings: ReminderSettings) {
        remindersJSON = AuditTrail.json(settings)
    }
}

struct CreateOutbox: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(OutboxMessage.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("dedupe_key", .string, .required)
            .field("recipient_id", .uuid, .required, .references(Person.schema, "id"))
            .field("kind", .string, .required)
            .field("purpose", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("url", .string, .required)
            .field("due_at", .datetime, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "dedupe_key")
            .create()
        try await db.schema(OutboxDelivery.schema).id()
            .field("message_id", .uuid, .required, .references(OutboxMessage.schema, "id", onDelete: .cascade))
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("channel", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("lease_until", .datetime)
            .field("lease_owner", .string)
            .field("last_error", .string)
            .field("sent_at", .datetime)
            .unique(on: "message_id", "channel")
            .create()
        try await db.schema(DeliveryAttempt.schema).id()
            .field("delivery_id", .uuid, .required, .references(OutboxDelivery.schema, "id", onDelete: .cascade))
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("at", .datetime, .required)
            .field("ok", .bool, .required)
            .field("status_code", .int)
            .field("error", .string)
            .field("duration_ms", .int, .required)
            .create()
        try await db.schema(ChannelPreference.schema).id()
            .field("person_id", .uuid, .required, .references(Person.schema, "id"))
            .field("in_app", .bool, .required)
            .field("webhook", .bool, .required)
            .field("email", .bool, .required)
            .field("email_address", .string)
            .unique(on: "person_id")
            .create()
        try await db.schema(CommuneIntegration.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("webhook_url", .string)
            .field("webhook_secret", .string)
            .field("webhook_enabled", .bool, .required)
            .field("reminders_json", .string, .required)
            .unique(on: "commune_id")
            .create()
        if let sql = db as? any SQLDatabase {
            try await sql.raw("CREATE INDEX IF NOT EXISTS idx_outbox_messages_commune_created ON outbox_messages (commune_id, created_at)").run()
            try await sql.raw("CREATE INDEX IF NOT EXISTS idx_outbox_deliveries_due ON outbox_deliveries (status, next_attempt_at)").run()
        }
    }

    func revert(on db: any Database) async throws {
        for schema in [CommuneIntegration.schema, ChannelPreference.schema, DeliveryAttempt.schema, OutboxDelivery.schema, OutboxMessage.schema] {
            try await db.schema(schema).delete()
        }
    }
}
