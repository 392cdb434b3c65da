@testable import App
import Fluent
import Foundation
import GiaoBanCore
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting

/// Instants of week 2021-W33 in Hà Nội (+07).
enum W33 {
    static func at(_ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
        // 2021-08-\(day) hour:minute +07:00
        var components = DateComponents()
        components.year = 2021; components.month = 8; components.day = day; components.hour = hour; components.minute = minute
        components.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
        return Calendar(identifier: .gregorian).date(from: components)!
    }
}

@Suite("Reminders: who is reminded when, once, through the outbox")
struct ReminderTests {
    static func tick(_ t: TestApp, _ now: Date, instance: String = "test") async throws -> ReminderService.TickResult {
        t.clock.set(now)
        return try await ReminderService.tick(app: t.app, now: now, instance: instance)
    }

    static func messages(_ t: TestApp, kind: ObligationKind, purpose: String = "reminder") async throws -> [OutboxMessage] {
        try await OutboxMessage.query(on: t.db).filter(\.$kind == kind.rawValue).filter(\.$purpose == purpose).all()
    }

    @Test("Walking week 33: the afternoon before, two hours before, then the missing lists; each exactly once")
    func walkTheWeek() async throws {
        try await withTestApp { t in
            let commune = try #require(try await Commune.query(on: t.db).first())
            let obligated = try await LedgerService.obligated(communeID: try commune.requireID(), on: t.db)
            let everyone = Set(obligated.map(\.personID))
            // Nam submits on Wednesday morning; Lực is on leave on Thursday.
            let nam = try await t.person(TestApp.Demo.reporter)
            _ = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: try await t.token(TestApp.Demo.reporter))
            let luc = try await t.person(DemoCommune.username(for: "Bùi Văn Lực"))
            try await LeaveRecord(of: luc,
                                  from: LocalDate(year: 2021, month: 8, day: 19)!, to: LocalDate(year: 2021, month: 8, day: 19)!,
                                  reason: "Ốm", createdBy: try luc.requireID(), createdAt: letterWednesday).save(on: t.db)

            // Wednesday 14:59: too early for the weekly report.
            _ = try await Self.tick(t, W33.at(18, 14, 59))
            #expect(try await Self.messages(t, kind: .weeklyReport).isEmpty)

            // Wednesday 15:00: everyone who owes the report and has not submitted, except the excused.
            _ = try await Self.tick(t, W33.at(18, 15))
            let afternoon = try await Self.messages(t, kind: .weeklyReport)
            let expected = everyone.subtracting([try nam.requireID(), try luc.requireID()])
            #expect(Set(afternoon.map(\.recipientID)) == expected)
            #expect(afternoon.count == expected.count, "one per person")
            #expect(afternoon.allSatisfy { $0.dedupeKey.hasSuffix("|d-1@15:00") })
            #expect(afternoon.allSatisfy { $0.url == "/reports/2021-W33" })
            #expect(afternoon.first?.body.contains("20:00 thứ Năm 19/08/2021") == true)
            let notes = try await AppNotification.query(on: t.db).filter(\.$kind == "reminder").all()
            #expect(notes.count >= expected.count)
            // The monthly report is due at 00:00 on 20/08, so its afternoon-before is Thursday's.
            #expect(try await Self.messages(t, kind: .monthlyReport).isEmpty)

            // Running again (a second pass, a restart) sends nothing new.
            let again = try await Self.tick(t, W33.at(18, 15, 1))
            #expect(again.planned == 0)

            // Thursday: Hùng submits at 10:00; at 18:00 the two-hour reminder goes to the rest.
            let hung = try await t.person(DemoCommune.username(for: "Thái Doãn Hùng"))
            t.clock.set(W33.at(19, 10))
            _ = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: try await t.token(hung.username))
            _ = try await Self.tick(t, W33.at(19, 18))
            let twoHours = try await Self.messages(t, kind: .weeklyReport).filter { $0.dedupeKey.hasSuffix("|t-120") }
            #expect(Set(twoHours.map(\.recipientID)) == expected.subtracting([try hung.requireID()]))
            // The focal points' compiled report (Friday 14:00): the afternoon before was Thursday 15:00, caught up at 18:00.
            let compile = try await Self.messages(t, kind: .groupCompilation)
            let office = try await t.person(TestApp.Demo.office)
            #expect(compile.contains { $0.recipientID == office.id! })
            let monthly = try await Self.messages(t, kind: .monthlyReport)
            #expect(!monthly.isEmpty && monthly.allSatisfy { $0.subject.contains("báo cáo tháng 08/2021") })
            #expect(monthly.contains { $0.recipientID == nam.id! }, "the unit's people, even those who filed their weekly report")

            // After the deadline nobody is reminded; the focal points and the office get the missing list, once.
            let afterDeadline = try await Self.tick(t, W33.at(19, 20, 1))
            #expect(afterDeadline.planned > 0)
            #expect(try await Self.messages(t, kind: .weeklyReport).count == afternoon.count + twoHours.count)
            let lists = try await Self.messages(t, kind: .weeklyReport, purpose: "missing")
            let officeLists = lists.filter { $0.recipientID == office.id! }
            #expect(officeLists.count == 4, "one per report group")
            let government = try #require(officeLists.first { $0.subject.hasPrefix("Khối chính quyền") })
            #expect(government.body.contains("chưa nộp"))
            #expect(!government.body.contains("Hồ Sỹ Nam"))
            #expect(government.url == "/ledger/weeks/2021-W33")
            let ntm = try await t.person(TestApp.Demo.ntmAggregator)
            #expect(lists.contains { $0.recipientID == ntm.id! && $0.subject.hasPrefix("Nông thôn mới") })
            #expect(try await Self.tick(t, W33.at(19, 20, 30)).planned == 0)
        }
    }

    @Test("Two servers on one database plan the same reminders at the same moment: each is written once")
    func twoServers() async throws {
        try await withTestApp(sharedDatabase: true) { t in
            try await t.withSecondServer { second in
                t.clock.set(W33.at(18, 15))
                async let first = ReminderService.tick(app: t.app, now: W33.at(18, 15), instance: "a")
                async let other = ReminderService.tick(app: second, now: W33.at(18, 15), instance: "b")
                let results = try await [first, other]
                let messages = try await OutboxMessage.query(on: t.db).all()
                #expect(results.map(\.planned).reduce(0, +) == messages.count)
                #expect(Set(messages.map(\.dedupeKey)).count == messages.count)
                let notes = try await AppNotification.query(on: t.db).filter(\.$kind == "reminder").all()
                #expect(notes.count == messages.count, "one in-app notification per message, none twice")
            }
        }
    }

    @Test("Two servers on one database share browser sessions and API tokens")
    func sharedSessions() async throws {
        try await withTestApp(sharedDatabase: true) { t in
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            let token = try await t.token(TestApp.Demo.office)
            let session = try #require(browser.cookie(SessionAuthMiddleware.cookieName))
            try await t.withSecondServer { second in
                let page = try await second.testing().sendRequest(.GET, "/reports/2021-W33", beforeRequest: { req in
                    req.headers.replaceOrAdd(name: .cookie, value: "\(SessionAuthMiddleware.cookieName)=\(session)")
                })
                #expect(page.status == .ok, "the session made on the first server opens pages on the second")
                #expect(page.body.string.contains("Hồ Sỹ Nam"))
                let api = try await second.testing().sendRequest(.GET, "/api/v1/weeks/current", beforeRequest: { req in
                    req.headers.bearerAuthorization = .init(token: token)
                })
                #expect(api.status == .ok)
                // Signing out on the first server ends the session on the second.
                _ = try await browser.post("/logout", [])
                let after = try await second.testing().sendRequest(.GET, "/reports/2021-W33", beforeRequest: { req in
                    req.headers.replaceOrAdd(name: .cookie, value: "\(SessionAuthMiddleware.cookieName)=\(session)")
                })
                #expect(after.status != .ok)
            }
        }
    }

    @Test("The webhook: signed JSON, retried with back-off after a failure, every attempt in the delivery log")
    func webhook() async throws {
        let receiver = try await WebhookReceiver.start(failFirst: 1)
        do {
            // The receiver runs on this machine: the operator allows it (GIAOBAN_WEBHOOK_ALLOWED_HOSTS).
            try await withTestApp(configure: { $0.webhookAllowedHosts = ["127.0.0.1"] }) { t in
                let admin = try await t.token(TestApp.Demo.admin)
                struct Hook: Content { var url: String; var enabled: Bool }
                let set = try await t.api(.PUT, "/api/v1/settings/webhook", token: admin, json: Hook(url: receiver.url, enabled: true))
                #expect(set.status == .ok, "\(set.body.string)")
                let secret = try #require(try set.content.decode(WebhookDTO.self).secret)
                receiver.secret.withLockedValue { $0 = secret }
                #expect(try await t.api(.GET, "/api/v1/settings/webhook", token: admin).content.decode(WebhookDTO.self).secret == nil)
                // Only Nam takes reminders through the chat bridge; everyone else turned it off.
                let people = try await Person.query(on: t.db).all()
                let nam = try await t.person(TestApp.Demo.reporter)
                for person in people where person.id != nam.id {
                    let preference = ChannelPreference()
                    preference.personID = person.id!
                    preference.inApp = true
                    preference.webhook = false
                    preference.email = false
                    try await preference.save(on: t.db)
                }
                let first = try await Self.tick(t, W33.at(18, 15))
                #expect(first.planned > 0)
                #expect(first.sent == 0, "the receiver fails the first delivery")
                let pending = try await OutboxDelivery.query(on: t.db).filter(\.$channel == .webhook).all()
                #expect(pending.count == 1, "Nam's weekly report")
                #expect(pending.allSatisfy { $0.status == .pending && $0.attempts == 1 && $0.lastError == "HTTP 500" })
                // Before the back-off delay nothing is retried; after it, delivered.
                #expect(try await Self.tick(t, W33.at(18, 15, 0).addingTimeInterval(30)).sent == 0)
                let retry = try await Self.tick(t, W33.at(18, 15).addingTimeInterval(61))
                #expect(retry.sent == 1)
                let log = try await t.api(.GET, "/api/v1/settings/webhook/deliveries", token: admin)
                let items = try log.content.decode(ListDTO<DeliveryDTO>.self).items
                #expect(items.count == 1)
                #expect(items.allSatisfy { $0.status == "sent" })
                #expect(items.map(\.log.count).reduce(0, +) == 2)
                #expect(items.flatMap(\.log).filter { !$0.ok }.first?.statusCode == 500)
                let received = receiver.received.withLockedValue { $0 }
                #expect(received.count == 2)
                #expect(received.allSatisfy { $0.validSignature })
                let payload = try #require(received.last?.json)
                #expect(payload["event"] as? String == "reminder")
                #expect((payload["recipient"] as? [String: Any])?["name"] as? String == "Hồ Sỹ Nam")
                #expect(try await t.api(.GET, "/api/v1/settings/webhook", token: try await t.token(TestApp.Demo.office)).status == .forbidden)
                let bad = try await t.api(.PUT, "/api/v1/settings/webhook", token: admin, json: Hook(url: "ftp://x", enabled: true))
                #expect(bad.status == .unprocessableEntity)
            }
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }

    @Test("E-mail through sendmail for people who chose it; channels and reminder timing are settings")
    func emailAndSettings() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gb-mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("sendmail")
        try "#!/bin/sh\ncat >> \(folder.path)/outbox.txt\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        try await withTestApp(configure: { $0.sendmailPath = script.path }) { t in
            let nam = try await t.token(TestApp.Demo.reporter)
            #expect(try await t.api(.GET, "/api/v1/settings/channels", token: nam).content.decode(ChannelsDTO.self).inApp)
            let refused = try await t.api(.PUT, "/api/v1/settings/channels", token: nam,
                                          json: ChannelsDTO(inApp: false, webhook: false, email: true, emailAddress: "nam at xa"))
            #expect(refused.status == .unprocessableEntity)
            let saved = try await t.api(.PUT, "/api/v1/settings/channels", token: nam,
                                        json: ChannelsDTO(inApp: false, webhook: false, email: true, emailAddress: "nam@sonkim2.gov.vn"))
            #expect(saved.status == .ok)
            // The office moves the reminder to 16:30 the day before, and one hour before.
            let admin = try await t.token(TestApp.Demo.admin)
            let timing = try await t.api(.PUT, "/api/v1/settings/reminders", token: admin,
                                         json: ReminderSettingsDTO(leads: ["d-1@16:30", "t-60"], sendMissingListAfterDeadline: true))
            #expect(timing.status == .ok, "\(timing.body.string)")
            #expect(try timing.content.decode(ReminderSettingsDTO.self).leadTitles == ["Chiều hôm trước, lúc 16:30", "1 giờ trước hạn"])
            #expect(try await t.api(.PUT, "/api/v1/settings/reminders", token: admin,
                                    json: ReminderSettingsDTO(leads: ["soon"], sendMissingListAfterDeadline: true)).status == .unprocessableEntity)
            #expect(try await t.api(.PUT, "/api/v1/settings/reminders", token: nam,
                                    json: ReminderSettingsDTO(leads: ["t-60"], sendMissingListAfterDeadline: true)).status == .forbidden)

            _ = try await Self.tick(t, W33.at(18, 15))
            #expect(try await OutboxMessage.query(on: t.db).count() == 0, "15:00 is no longer a reminder time")
            let result = try await Self.tick(t, W33.at(18, 16, 30))
            #expect(result.sent >= 1)
            let mail = try String(contentsOf: folder.appendingPathComponent("outbox.txt"), encoding: .utf8)
            #expect(mail.contains("To: nam@sonkim2.gov.vn"))
            #expect(mail.contains("Subject: =?UTF-8?B?"))
            #expect(mail.contains("20:00 thứ Năm 19/08/2021"))
            let namID = try await t.person(TestApp.Demo.reporter).requireID()
            #expect(try await AppNotification.query(on: t.db).filter(\.$personID == namID).filter(\.$kind == "reminder").count() == 0,
                    "Nam turned the in-app channel off")

            // The pages.
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            #expect(try await browser.get("/account/channels").body.string.contains("nam@sonkim2.gov.vn"))
            let bad = try await browser.post("/account/channels", [("email", "true"), ("emailAddress", "không phải thư")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("không phải thư"))
            let adminBrowser = t.browser()
            try await adminBrowser.login(TestApp.Demo.admin)
            let page = try await adminBrowser.get("/admin/integrations")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("16:30"))
            let saved2 = try await adminBrowser.post("/admin/integrations", [("dayBefore", "true"), ("dayBeforeTime", "15:00"), ("before", "true"),
                                                                              ("beforeMinutes", "120"), ("missingList", "true"),
                                                                              ("url", "https://chat.example.vn/hook"), ("enabled", "true")])
            #expect(saved2.status == .ok, "a new secret is shown once")
            #expect(saved2.body.string.contains("Khóa bí mật mới"))
            #expect(try await browser.get("/admin/integrations").status == .forbidden)
        }
    }
}

/// A small HTTP server that plays the commune's chat bridge: it checks each request's signature
/// and can fail the first requests to exercise the retries.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var validSignature: Bool
        var body: Data
        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
    }
    let app: Application
    let url: String
    let secret = NIOLockedValueBox<String>("")
    let received = NIOLockedValueBox<[Received]>([])
    let failuresLeft: NIOLockedValueBox<Int>

    private init(app: Application, url: String, failFirst: Int) {
        self.app = app
        self.url = url
        self.failuresLeft = .init(failFirst)
    }

    static func start(failFirst: Int) async throws -> WebhookReceiver {
        let app = try await Application.make(.testing)
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = 0
        let holder = NIOLockedValueBox<WebhookReceiver?>(nil)
        app.post("hook") { req -> HTTPStatus in
            guard let receiver = holder.withLockedValue({ $0 }) else { return .serviceUnavailable }
            let body = req.body.data.map { Data(buffer: $0) } ?? Data()
            let timestamp = req.headers.first(name: "X-GiaoBan-Timestamp") ?? ""
            let expected = ReminderDelivery.signature(secret: receiver.secret.withLockedValue { $0 }, timestamp: timestamp, body: body)
            receiver.received.withLockedValue { $0.append(Received(validSignature: req.headers.first(name: "X-GiaoBan-Signature") == expected, body: body)) }
            let fail = receiver.failuresLeft.withLockedValue { left -> Bool in
                guard left > 0 else { return false }
                left -= 1
                return true
            }
            return fail ? .internalServerError : .noContent
        }
        try app.server.start()
        let port = app.http.server.shared.localAddress?.port ?? 0
        let receiver = WebhookReceiver(app: app, url: "http://127.0.0.1:\(port)/hook", failFirst: failFirst)
        holder.withLockedValue { $0 = receiver }
        return receiver
    }

    func stop() async {
        await app.server.shutdown()
        try? await app.asyncShutdown()
    }
}
