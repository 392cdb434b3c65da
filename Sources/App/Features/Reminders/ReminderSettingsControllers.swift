import Fluent
import Foundation
import GiaoBanCore
import Vapor

struct ChannelsDTO: Content {
    var inApp: Bool
    var webhook: Bool
    var email: Bool
    var emailAddress: String?
}

struct WebhookDTO: Content {
    var url: String?
    var enabled: Bool
    /// The secret is never shown again after it is set; `hasSecret` says whether there is one.
    var hasSecret: Bool
    /// Only in the answer to a PUT that created or regenerated it.
    var secret: String?
}

struct WebhookInput: Content {
    var url: String?
    var enabled: Bool?
    /// Set this secret (at least 16 characters); absent keeps the current one (a new one is made when none).
    var secret: String?
    var regenerateSecret: Bool?
}

struct ReminderSettingsDTO: Content {
    /// Lead keys: "d-1@15:00" (the day before at 15:00), "t-120" (120 minutes before).
    var leads: [String]
    var leadTitles: [String]?
    var sendMissingListAfterDeadline: Bool
}

struct DeliveryDTO: Content {
    struct Attempt: Content { var at: String; var ok: Bool; var statusCode: Int?; var error: String?; var durationMs: Int }
    var id: UUID
    var messageId: UUID
    var channel: String
    var status: String
    var attempts: Int
    var nextAttemptAt: String?
    var sentAt: String?
    var lastError: String?
    var subject: String
    var recipientId: UUID
    var log: [Attempt]
}

/// Channel preferences (each person's own), the commune's webhook and reminder timing (admin),
/// and the delivery log. The page forms and `/api/v1/settings/...` share these functions.
enum ReminderSettingsService {
    static func channels(personID: UUID, on db: any Database) async throws -> ChannelsDTO {
        let preference = try await ChannelPreference.query(on: db).filter(\.$personID == personID).first()
        return ChannelsDTO(inApp: preference?.inApp ?? true, webhook: preference?.webhook ?? true, email: preference?.email ?? false,
                           emailAddress: preference?.emailAddress)
    }

    static func saveChannels(_ input: ChannelsDTO, personID: UUID, on db: any Database) async throws -> ChannelsDTO {
        let address = (input.emailAddress ?? "").trimmedWhitespace
        if input.email, !isEmailAddress(address) {
            throw AppError.invalid(["emailAddress": "Địa chỉ e-mail không hợp lệ (ví dụ đúng: ten@sonkim2.gov.vn)."])
        }
        if !address.isEmpty, !isEmailAddress(address) {
            throw AppError.invalid(["emailAddress": "Địa chỉ e-mail không hợp lệ (ví dụ đúng: ten@sonkim2.gov.vn)."])
        }
        let preference = try await ChannelPreference.query(on: db).filter(\.$personID == personID).first() ?? ChannelPreference()
        preference.personID = personID
        preference.inApp = input.inApp
        preference.webhook = input.webhook
        preference.email = input.email
        preference.emailAddress = address.isEmpty ? nil : address
        try await preference.save(on: db)
        return try await channels(personID: personID, on: db)
    }

    static func isEmailAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              text.count <= 254 else { return false }
        return !text.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0 == "\n" })
    }

    static func integration(communeID: UUID, on db: any Database) async throws -> CommuneIntegration {
        if let existing = try await ReminderService.integration(communeID: communeID, on: db) { return existing }
        let fresh = CommuneIntegration()
        fresh.communeID = communeID
        fresh.webhookEnabled = false
        fresh.setReminderSettings(.defaults)
        return fresh
    }

    static func webhook(_ integration: CommuneIntegration, secret: String? = nil) -> WebhookDTO {
        WebhookDTO(url: integration.webhookURL, enabled: integration.webhookEnabled,
                   hasSecret: !(integration.webhookSecret ?? "").isEmpty, secret: secret)
    }

    static func saveWebhook(_ input: WebhookInput, communeID: UUID, actorID: UUID, now: Date, allowedHosts: Set<String>,
                            on db: any Database) async throws -> WebhookDTO {
        let integration = try await integration(communeID: communeID, on: db)
        let before = webhook(integration)
        var fields: [String: String] = [:]
        let url = (input.url ?? integration.webhookURL ?? "").trimmedWhitespace
        if !url.isEmpty {
            let parsed = URLComponents(string: url)
            if !(parsed?.scheme == "https" || parsed?.scheme == "http") || (parsed?.host ?? "").isEmpty {
                fields["url"] = "Địa chỉ webhook phải là một URL http(s) đầy đủ."
            } else if case .refused = await WebhookAddressCheck.verdict(url: url, allowed: allowedHosts) {
                // The address policy (docs/decisions.md); a name that does not resolve yet is
                // accepted and judged again before every delivery.
                fields["url"] = WebhookAddressCheck.refusedMessage
            }
        }
        let enabled = input.enabled ?? integration.webhookEnabled
        if enabled, url.isEmpty { fields["url"] = "Cần địa chỉ webhook để bật kênh này." }
        if let secret = input.secret, secret.count < 16 { fields["secret"] = "Khóa bí mật cần ít nhất 16 ký tự." }
        if !fields.isEmpty { throw AppError.invalid(fields) }
        var shown: String?
        if let secret = input.secret {
            integration.webhookSecret = secret
        } else if input.regenerateSecret == true || (integration.webhookSecret ?? "").isEmpty {
            let secret = SecretToken.make()
            integration.webhookSecret = secret
            shown = secret
        }
        integration.webhookURL = url.isEmpty ? nil : url
        integration.webhookEnabled = enabled
        try await integration.save(on: db)
        try await AuditTrail.record(on: db, communeID: communeID, actorID: actorID, at: now, kind: "settings", action: "webhook",
                                    subjectID: integration.requireID(), before: before, after: webhook(integration))
        return webhook(integration, secret: shown)
    }

    static func reminders(_ integration: CommuneIntegration) throws -> ReminderSettingsDTO {
        let settings = try integration.reminderSettings
        return ReminderSettingsDTO(leads: settings.leads.map(\.key), leadTitles: settings.leads.map(\.title),
                                   sendMissingListAfterDeadline: settings.sendMissingListAfterDeadline)
    }

    static func saveReminders(_ input: ReminderSettingsDTO, communeID: UUID, actorID: UUID, now: Date, on db: any Database) async throws -> ReminderSettingsDTO {
        try await saveReminders(validated(input), communeID: communeID, actorID: actorID, now: now, on: db)
    }

    /// The reminder timing as typed, checked without touching the database (a form that also
    /// carries a webhook checks both before saving either).
    static func validated(_ input: ReminderSettingsDTO) throws -> ReminderSettings {
        var leads: [ReminderLead] = []
        for key in input.leads {
            guard let lead = ReminderLead(key: key) else {
                throw AppError.invalid(["leads": "“\(key)” không phải là một mốc nhắc hợp lệ (ví dụ: d-1@15:00, t-120)."])
            }
            leads.append(lead)
        }
        do {
            return try ReminderSettings(leads: leads, sendMissingListAfterDeadline: input.sendMissingListAfterDeadline).validated()
        } catch let error as CalendarError {
            throw AppError.invalid(["leads": error.vietnameseMessage])
        }
    }

    static func saveReminders(_ settings: ReminderSettings, communeID: UUID, actorID: UUID, now: Date, on db: any Database) async throws -> ReminderSettingsDTO {
        let integration = try await integration(communeID: communeID, on: db)
        let before = try reminders(integration)
        integration.setReminderSettings(settings)
        try await integration.save(on: db)
        try await AuditTrail.record(on: db, communeID: communeID, actorID: actorID, at: now, kind: "settings", action: "reminders",
                                    subjectID: integration.requireID(), before: before, after: try reminders(integration))
        return try reminders(integration)
    }

    static func deliveries(communeID: UUID, limit: Int, calendar: CommuneCalendar, on db: any Database) async throws -> [DeliveryDTO] {
        let deliveries = try await OutboxDelivery.query(on: db).filter(\.$communeID == communeID).filter(\.$channel != .inApp)
            .sort(\.$nextAttemptAt, .descending).limit(limit).all()
        let ids = deliveries.compactMap(\.id)
        let messages = Dictionary(try await OutboxMessage.query(on: db).filter(\.$id ~~ deliveries.map(\.messageID)).all().map { ($0.id!, $0) },
                                  uniquingKeysWith: { a, _ in a })
        let attempts = ids.isEmpty ? [:] : Dictionary(grouping: try await DeliveryAttempt.query(on: db).filter(\.$deliveryID ~~ ids)
            .sort(\.$at).all(), by: \.deliveryID)
        return deliveries.map { delivery in
            let message = messages[delivery.messageID]
            return DeliveryDTO(
                id: delivery.id!, messageId: delivery.messageID, channel: delivery.channel.rawValue, status: delivery.status.rawValue,
                attempts: delivery.attempts,
                nextAttemptAt: delivery.status == .pending ? calendar.isoString(delivery.nextAttemptAt) : nil,
                sentAt: delivery.sentAt.map(calendar.isoString), lastError: delivery.lastError, subject: message?.subject ?? "",
                recipientId: message?.recipientID ?? delivery.messageID,
                log: (attempts[delivery.id!] ?? []).map {
                    .init(at: calendar.isoString($0.at), ok: $0.ok, statusCode: $0.statusCode, error: $0.error, durationMs: $0.durationMilliseconds)
                })
        }
    }
}

/// `/api/v1/settings/...`.
struct SettingsAPIController {
    func channels(_ req: Request) async throws -> ChannelsDTO {
        let user = try req.requireUser()
        return try await ReminderSettingsService.channels(personID: user.personID, on: req.db)
    }

    func putChannels(_ req: Request) async throws -> ChannelsDTO {
        let user = try req.requireUser()
        return try await ReminderSettingsService.saveChannels(try req.decodeJSON(ChannelsDTO.self), personID: user.personID, on: req.db)
    }

    func webhook(_ req: Request) async throws -> WebhookDTO {
        let user = try req.authorize(.manageOrganisation)
        return ReminderSettingsService.webhook(try await ReminderSettingsService.integration(communeID: user.communeID, on: req.db))
    }

    func putWebhook(_ req: Request) async throws -> WebhookDTO {
        let user = try req.authorize(.manageOrganisation)
        return try await ReminderSettingsService.saveWebhook(try req.decodeJSON(WebhookInput.self), communeID: user.communeID,
                                                             actorID: user.personID, now: req.now,
                                                             allowedHosts: req.application.giaobanConfig.webhookAllowedHosts, on: req.db)
    }

    func deliveries(_ req: Request) async throws -> ListDTO<DeliveryDTO> {
        let user = try req.authorize(.manageOrganisation)
        var limit = 50
        if let raw = req.query[String.self, at: "limit"], !raw.isEmpty {
            guard let value = Int(raw), (1...500).contains(value) else {
                throw AppError(.badRequest, code: "invalid_parameter", message: "Số dòng phải từ 1 đến 500.", fields: ["limit": "Số dòng phải từ 1 đến 500."])
            }
            limit = value
        }
        return ListDTO(items: try await ReminderSettingsService.deliveries(communeID: user.communeID, limit: limit,
                                                                           calendar: user.calendar, on: req.db))
    }

    func reminders(_ req: Request) async throws -> ReminderSettingsDTO {
        let user = try req.requireUser()
        return try ReminderSettingsService.reminders(try await ReminderSettingsService.integration(communeID: user.communeID, on: req.db))
    }

    func putReminders(_ req: Request) async throws -> ReminderSettingsDTO {
        let user = try req.authorize(.manageOrganisation)
        return try await ReminderSettingsService.saveReminders(try req.decodeJSON(ReminderSettingsDTO.self), communeID: user.communeID,
                                                               actorID: user.personID, now: req.now, on: req.db)
    }
}

/// The pages: each person's channels (`/account/channels`) and the admin's integrations
/// (`/admin/integrations`: webhook, reminder timing, delivery log).
struct ReminderSettingsPages {
    struct ChannelsView: Encodable, Sendable {
        var form: ChannelsDTO; var sendmail: Bool; var errors: FieldErrors
        var action = SiteRoute.accountChannels.path
    }
    struct ChannelsForm: Content { var inApp: String?; var webhook: String?; var email: String?; var emailAddress: String? }

    func channels(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try await ReminderSettingsService.channels(personID: user.personID, on: req.db)
        return try await req.render("accounts/channels", title: req.t("channels_title"), section: "account",
                                    ChannelsView(form: form, sendmail: req.application.giaobanConfig.sendmailPath != nil, errors: .init()))
    }

    func saveChannels(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(ChannelsForm.self)
        let input = ChannelsDTO(inApp: form.inApp == "true", webhook: form.webhook == "true", email: form.email == "true",
                                emailAddress: form.emailAddress)
        do {
            _ = try await ReminderSettingsService.saveChannels(input, personID: user.personID, on: req.db)
            return req.redirect(to: .accountChannels, notice: "saved")
        } catch let error as AppError where error.status == .unprocessableEntity {
            return try await req.render("accounts/channels", title: req.t("channels_title"), section: "account",
                                        ChannelsView(form: input, sendmail: req.application.giaobanConfig.sendmailPath != nil,
                                                     errors: FieldErrors(messages: error.fields)), status: .unprocessableEntity)
        }
    }

    struct DeliveryRow: Encodable, Sendable {
        var subject: String; var channel: String; var status: String; var attempts: Int; var when: String; var error: String?
    }
    struct IntegrationsView: Encodable, Sendable {
        var url: String; var enabled: Bool; var hasSecret: Bool; var newSecret: String?
        var dayBefore: Bool; var dayBeforeTime: String; var before: Bool; var beforeMinutes: String; var extraMinutes: String
        var missingList: Bool; var deliveries: [DeliveryRow]; var errors: FieldErrors
        var action = SiteRoute.admin(.integrations).path
    }
    struct IntegrationsForm: Content {
        var url: String?; var enabled: String?; var regenerateSecret: String?
        var dayBefore: String?; var dayBeforeTime: String?; var before: String?; var beforeMinutes: String?; var extraMinutes: String?
        var missingList: String?
    }

    private func render(_ req: Request, user: CurrentUser, form: IntegrationsForm?, newSecret: String?, errors: FieldErrors,
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        let integration = try await ReminderSettingsService.integration(communeID: user.communeID, on: req.db)
        let settings = try integration.reminderSettings
        var dayBeforeTime = "15:00", beforeMinutes = "120", extra = ""
        var dayBefore = false, before = false
        for lead in settings.leads {
            switch lead {
            case .previousDay(let time): dayBefore = true; dayBeforeTime = time.text
            case .before(let minutes) where !before: before = true; beforeMinutes = String(minutes)
            case .before(let minutes): extra = String(minutes)
            }
        }
        let calendar = user.calendar
        let deliveries = try await ReminderSettingsService.deliveries(communeID: user.communeID, limit: 50, calendar: calendar, on: req.db)
        let view = IntegrationsView(
            url: form?.url ?? integration.webhookURL ?? "", enabled: form.map { $0.enabled == "true" } ?? integration.webhookEnabled,
            hasSecret: !(integration.webhookSecret ?? "").isEmpty, newSecret: newSecret,
            dayBefore: form.map { $0.dayBefore == "true" } ?? dayBefore, dayBeforeTime: form?.dayBeforeTime ?? dayBeforeTime,
            before: form.map { $0.before == "true" } ?? before, beforeMinutes: form?.beforeMinutes ?? beforeMinutes,
            extraMinutes: form?.extraMinutes ?? extra,
            missingList: form.map { $0.missingList == "true" } ?? settings.sendMissingListAfterDeadline,
            deliveries: deliveries.map {
                DeliveryRow(subject: $0.subject, channel: Strings.label("delivery_channel_", $0.channel),
                            status: Strings.label("delivery_status_", $0.status), attempts: $0.attempts,
                            when: $0.sentAt ?? $0.nextAttemptAt ?? "", error: $0.lastError)
            }, errors: errors)
        return try await req.render("admin/integrations", title: req.t("integrations_title"), section: "integrations", view, status: status)
    }

    func integrations(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        return try await render(req, user: user, form: nil, newSecret: nil, errors: .init())
    }

    func saveIntegrations(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageOrganisation)
        let form = try req.content.decode(IntegrationsForm.self)
        var leads: [String] = []
        var errors = FieldErrors()
        if form.dayBefore == "true" {
            if let time = LocalTime(string: (form.dayBeforeTime ?? "").trimmedWhitespace) { leads.append("d-1@\(time.text)") }
            else { errors["leads"] = "Giờ nhắc hôm trước không hợp lệ (dạng 15:00)." }
        }
        for (on, text) in [(form.before == "true", form.beforeMinutes), (!(form.extraMinutes ?? "").isEmpty, form.extraMinutes)] where on {
            if let minutes = Int((text ?? "").trimmedWhitespace) { leads.append("t-\(minutes)") }
            else { errors["leads"] = "Số phút nhắc trước hạn phải là số nguyên." }
        }
        var newSecret: String?
        if errors.isEmpty {
            do {
                // Both halves are checked before either is saved: a refused webhook address must
                // not leave the new reminder timing behind.
                let reminders = try ReminderSettingsService.validated(
                    ReminderSettingsDTO(leads: leads, sendMissingListAfterDeadline: form.missingList == "true"))
                let webhook = try await ReminderSettingsService.saveWebhook(
                    WebhookInput(url: form.url ?? "", enabled: form.enabled == "true", regenerateSecret: form.regenerateSecret == "true"),
                    communeID: user.communeID, actorID: user.personID, now: req.now,
                    allowedHosts: req.application.giaobanConfig.webhookAllowedHosts, on: req.db)
                _ = try await ReminderSettingsService.saveReminders(reminders, communeID: user.communeID, actorID: user.personID,
                                                                    now: req.now, on: req.db)
                newSecret = webhook.secret
                if newSecret == nil { return req.redirect(to: .admin(.integrations), notice: "saved") }
            } catch let error as AppError where error.status == .unprocessableEntity {
                errors = FieldErrors(messages: error.fields)
            }
        }
        // A new secret is shown once, on this page, so the operator can copy it into the bridge.
        return try await render(req, user: user, form: newSecret == nil ? form : nil, newSecret: newSecret, errors: errors,
                                status: errors.isEmpty ? .ok : .unprocessableEntity)
    }
}
