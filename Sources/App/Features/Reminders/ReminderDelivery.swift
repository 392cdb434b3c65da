import Fluent
import Foundation
import GiaoBanCore
import NIOCore
import Vapor

/// Delivers outbox messages through the outbound channels: a signed JSON webhook and e-mail via
/// the machine's `sendmail`. A delivery is taken under a short lease (compare-and-set in the
/// database), so two servers never send it twice; failures are retried with back-off and every
/// attempt is logged.
enum ReminderDelivery {
    static let leaseSeconds: TimeInterval = 120
    static let batchSize = 50

    /// The JSON a webhook receives.
    struct WebhookPayload: Content {
        struct Recipient: Content { var id: UUID; var name: String }
        var event: String
        var id: UUID
        var commune: String
        var kind: String
        var purpose: String
        var recipient: Recipient
        var subject: String
        var body: String
        var url: String
        var dueAt: String
        var createdAt: String
    }

    /// "sha256=" + hex HMAC-SHA256 of "timestamp.body" with the commune's secret: the receiver
    /// recomputes it and compares, and rejects old timestamps to stop replays.
    static func signature(secret: String, timestamp: String, body: Data) -> String {
        var signed = Data(timestamp.utf8)
        signed.append(UInt8(ascii: "."))
        signed.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + SecretToken.hex(mac)
    }

    /// What one commune's share of a run did.
    private struct CommuneRun: Sendable { var communeID: UUID; var sent = 0; var failed = 0; var touched = false }

    /// Delivers what is due. Each commune's deliveries go in order, communes side by side: a
    /// slow or dead receiver (5 s to connect, 10 s between reads) holds up only its own commune,
    /// and after its first failed webhook the rest of that commune's webhooks wait for the next run.
    static func deliverDue(app: Application, now: Date, instance: String) async throws -> (sent: Int, failed: Int) {
        let db = app.db
        let due = try await OutboxDelivery.query(on: db).filter(\.$status == .pending).filter(\.$nextAttemptAt <= now)
            .filter(\.$channel != .inApp).sort(\.$nextAttemptAt).limit(batchSize).all()
        var byCommune: [UUID: [OutboxDelivery]] = [:]
        for delivery in due { byCommune[delivery.communeID, default: []].append(delivery) }
        let batches = byCommune.map { (communeID: $0.key, deliveries: $0.value) }
        var sent = 0, failed = 0
        var firstError: (any Error)?
        await withTaskGroup(of: (CommuneRun, (any Error)?).self) { group in
            for batch in batches {
                group.addTask {
                    var run = CommuneRun(communeID: batch.communeID)
                    do {
                        try await deliver(batch.deliveries, run: &run, app: app, now: now, instance: instance)
                        return (run, nil)
                    } catch {
                        return (run, error)
                    }
                }
            }
            for await (run, error) in group {
                sent += run.sent
                failed += run.failed
                if let error, firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
        return (sent, failed)
    }

    private static func deliver(_ due: [OutboxDelivery], run: inout CommuneRun,
                                app: Application, now: Date, instance: String) async throws {
        let db = app.db
        var webhookDown = false
        for candidate in due {
            if candidate.channel == .webhook && webhookDown { continue }
            guard let delivery = try await claim(candidate, now: now, instance: instance, on: db) else { continue }
            guard let message = try await OutboxMessage.find(delivery.messageID, on: db) else { continue }
            let started = Date()
            let outcome: Outcome
            switch delivery.channel {
            case .webhook: outcome = await sendWebhook(message, delivery: delivery, app: app, now: now)
            case .email: outcome = Outcome(await sendEmail(message, app: app))
            case .inApp: outcome = Outcome(ok: true)
            }
            if delivery.channel == .webhook && !outcome.ok { webhookDown = true }
            let attempt = DeliveryAttempt()
            attempt.deliveryID = try delivery.requireID()
            attempt.communeID = delivery.communeID
            attempt.at = now
            attempt.ok = outcome.ok
            attempt.statusCode = outcome.code
            attempt.error = outcome.error.map { String($0.prefix(500)) }
            attempt.durationMilliseconds = Int(Date().timeIntervalSince(started) * 1000)
            try await attempt.create(on: db)
            delivery.attempts += 1
            delivery.leaseUntil = nil
            delivery.leaseOwner = nil
            if outcome.ok {
                delivery.status = .sent
                delivery.sentAt = now
                delivery.lastError = nil
                run.sent += 1
            } else {
                delivery.lastError = attempt.error
                if outcome.final || delivery.attempts > backoff.count {
                    delivery.status = .failed
                    run.failed += 1
                } else {
                    delivery.nextAttemptAt = now.addingTimeInterval(backoff[delivery.attempts - 1])
                }
            }
            try await delivery.save(on: db)
            run.touched = true
        }
    }

    /// How a delivery went; `final`: trying again cannot help (the address policy refused it).
    struct Outcome: Sendable {
        var ok: Bool
        var code: Int? = nil
        var error: String? = nil
        var final = false

        init(ok: Bool, code: Int? = nil, error: String? = nil, final: Bool = false) {
            self.ok = ok
            self.code = code
            self.error = error
            self.final = final
        }

        init(_ tuple: (ok: Bool, code: Int?, error: String?)) {
            self.init(ok: tuple.ok, code: tuple.code, error: tuple.error)
        }
    }

    static var backoff: [TimeInterval] { ReminderService.backoff }

    /// Takes the delivery for this server unless another one holds it: an UPDATE guarded by the
    /// lease, then a read-back of the owner.
    static func claim(_ delivery: OutboxDelivery, now: Date, instance: String, on db: any Database) async throws -> OutboxDelivery? {
        let id = try delivery.requireID()
        try await OutboxDelivery.query(on: db).filter(\.$id == id).filter(\.$status == .pending)
            .group(.or) { $0.filter(\.$leaseUntil == nil).filter(\.$leaseUntil < now) }
            .set(\.$leaseUntil, to: now.addingTimeInterval(leaseSeconds)).set(\.$leaseOwner, to: instance).update()
        guard let fresh = try await OutboxDelivery.find(id, on: db), fresh.leaseOwner == instance, fresh.status == .pending else { return nil }
        return fresh
    }

    static func sendWebhook(_ message: OutboxMessage, delivery: OutboxDelivery, app: Application, now: Date) async -> Outcome {
        do {
            guard let integration = try await ReminderService.integration(communeID: message.communeID, on: app.db),
                  integration.webhookEnabled, let url = integration.webhookURL, !url.isEmpty else {
                return Outcome(ok: false, error: "Webhook chưa được cấu hình.")
            }
            // The address policy again, now: the name may resolve elsewhere than when it was saved.
            switch await WebhookAddressCheck.verdict(url: url, allowed: app.giaobanConfig.webhookAllowedHosts) {
            case .allowed: break
            case .refused: return Outcome(ok: false, error: WebhookAddressCheck.refusedLabel, final: true)
            case .unresolved: return Outcome(ok: false, error: "Không phân giải được tên máy của địa chỉ webhook.")
            }
            let commune = try await Commune.find(message.communeID, on: app.db)
            let recipient = try await Person.find(message.recipientID, on: app.db)
            let calendar = try commune?.calendar ?? CommuneCalendar()
            let payload = WebhookPayload(
                event: message.purpose == "missing" ? "missing_list" : "reminder", id: try message.requireID(),
                commune: commune?.name ?? "", kind: message.kind, purpose: message.purpose,
                recipient: .init(id: message.recipientID, name: recipient?.fullName ?? ""), subject: message.subject,
                body: message.body, url: message.url, dueAt: calendar.isoString(message.dueAt), createdAt: calendar.isoString(message.createdAt))
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let body = try encoder.encode(payload)
            let timestamp = String(Int(now.timeIntervalSince1970))
            var headers = HTTPHeaders()
            headers.contentType = .json
            headers.add(name: "X-GiaoBan-Event", value: payload.event)
            headers.add(name: "X-GiaoBan-Delivery", value: try delivery.requireID().canonicalText)
            headers.add(name: "X-GiaoBan-Timestamp", value: timestamp)
            headers.add(name: "X-GiaoBan-Signature", value: signature(secret: integration.webhookSecret ?? "", timestamp: timestamp, body: body))
            let response = try await app.client.post(URI(string: url), headers: headers) { request in
                request.body = ByteBuffer(data: body)
                request.timeout = .seconds(20) // the whole exchange, however slowly it trickles
            }.get()
            let code = Int(response.status.code)
            return Outcome(ok: (200...299).contains(code), code: code, error: (200...299).contains(code) ? nil : "HTTP \(code)")
        } catch {
            return Outcome(ok: false, error: String(describing: error))
        }
    }

    /// An RFC 5322 message for `sendmail -t -i`, UTF-8 throughout (the subject MIME-encoded).
    static func emailText(to address: String, from sender: String, subject: String, body: String) -> String {
        let encodedSubject = "=?UTF-8?B?\(Data(subject.utf8).base64EncodedString())?="
        return """
        To: \(address)
        From: \(sender)
        Subject: \(encodedSubject)
        MIME-Version: 1.0
        Content-Type: text/plain; charset=UTF-8
        Content-Transfer-Encoding: 8bit

        \(body)

        """
    }

    static func sendEmail(_ message: OutboxMessage, app: Application) async -> (ok: Bool, code: Int?, error: String?) {
        guard let sendmail = app.giaobanConfig.sendmailPath else { return (false, nil, "Chưa cấu hình sendmail (GIAOBAN_SENDMAIL).") }
        do {
            guard let preference = try await ChannelPreference.query(on: app.db).filter(\.$personID == message.recipientID).first(),
                  let address = preference.emailAddress, !address.isEmpty else { return (false, nil, "Người nhận chưa có địa chỉ e-mail.") }
            let text = emailText(to: address, from: app.giaobanConfig.mailFrom, subject: "[GiaoBan] " + message.subject,
                                 body: message.body + "\n\n" + message.url)
            let status = try await app.threadPool.runIfActive {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: sendmail)
                process.arguments = ["-t", "-i"]
                let input = Pipe()
                process.standardInput = input
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                input.fileHandleForWriting.write(Data(text.utf8))
                try input.fileHandleForWriting.close()
                process.waitUntilExit()
                return Int(process.terminationStatus)
            }
            return (status == 0, status, status == 0 ? nil : "sendmail exit \(status)")
        } catch {
            return (false, nil, String(describing: error))
        }
    }
}
