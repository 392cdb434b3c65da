@testable import App
import GiaoBanCore
import Fluent
import Foundation
import Logging
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The checkout's root (this file is Tests/AppTests/DeploymentTests.swift).
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path + "/"

@Suite("Running where it is installed: home folder, readiness, metrics, logs, rotating backups")
struct DeploymentTests {
    @Test("Without templates in GIAOBAN_HOME the server refuses to start and names the folder")
    func missingHome() async throws {
        let app = try await Application.make(.testing)
        var config = AppConfig(database: .sqliteMemory, bcryptCost: 4, migrateOnStart: false)
        config.homeSearch = .init(setting: "/nonexistent/giaoban-home", executable: nil, workingDirectory: "/tmp")
        do {
            try await configure(app, config: config)
            Issue.record("configure should refuse a home without templates")
        } catch let missing as AppHome.Missing {
            #expect(missing.searched == ["/nonexistent/giaoban-home/"])
            #expect(missing.description.contains("/nonexistent/giaoban-home/"))
            #expect(missing.description.contains("GIAOBAN_HOME"))
        }
        try await app.asyncShutdown()
    }

    @Test("Unset, the home is the executable's folder, then the working directory; both are named when neither has templates")
    func homeSearchOrder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gb-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("Resources/Views"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("x".utf8).write(to: folder.appendingPathComponent(AppHome.marker))
        let installed = try AppHome.locate(setting: nil, executable: folder.path + "/giaoban", workingDirectory: "/")
        #expect(installed == folder.path + "/")
        // A checkout run with `swift run`: the binary under .build has no templates, the working directory has.
        let checkout = try AppHome.locate(setting: nil, executable: packageRoot + ".build/debug/giaoban", workingDirectory: packageRoot)
        #expect(checkout == packageRoot)
        // GIAOBAN_HOME wins, relative paths are taken from the working directory.
        let relative = try AppHome.locate(setting: folder.lastPathComponent, executable: nil,
                                          workingDirectory: folder.deletingLastPathComponent().path)
        #expect(relative == folder.path + "/")
        #expect(throws: AppHome.Missing.self) {
            try AppHome.locate(setting: nil, executable: "/nonexistent/bin/giaoban", workingDirectory: "/nonexistent/work")
        }
        do {
            _ = try AppHome.locate(setting: nil, executable: "/nonexistent/bin/giaoban", workingDirectory: "/nonexistent/work")
        } catch let missing as AppHome.Missing {
            #expect(missing.searched == ["/nonexistent/bin/", "/nonexistent/work/"])
        }
    }

    @Test("Started from another working directory, pages, files and the OpenAPI file come from the home folder")
    func servesFromAnotherWorkingDirectory() async throws {
        try await withTestApp(configure: { config in
            config.homeSearch = .init(setting: nil, executable: packageRoot + "giaoban", workingDirectory: "/tmp")
        }) { t in
            #expect(t.app.directory.viewsDirectory == packageRoot + "Resources/Views/")
            #expect(try await t.app.testing().sendRequest(.GET, "/login").status == .ok)
            let spec = try await t.app.testing().sendRequest(.GET, "/api/openapi.yaml")
            #expect(spec.status == .ok)
            #expect(spec.body.string.contains("openapi:"))
            #expect(try await t.app.testing().sendRequest(.GET, "/css/app.css").status == .ok)
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            #expect(try await browser.get("/").status == .ok)
        }
    }

    @Test("Public/ is asked only for addresses that can name a file there; every file in it is served")
    func staticFilesOnlyWhereTheyCanBe() async throws {
        let statics = StaticFilesMiddleware(publicDirectory: packageRoot + "Public/")
        #expect(statics.prefixes == ["/css/", "/favicon.svg", "/js/"])
        #expect(statics.mayNameAFile("/css/app.css") && statics.mayNameAFile("/favicon.svg"))
        #expect(!statics.mayNameAFile("/reports/2026-W49") && !statics.mayNameAFile("/healthz") && !statics.mayNameAFile("/favicon.svg.bak"))
        try await withTestApp { t in
            for path in ["/css/app.css", "/js/report.js", "/js/drafts.js", "/favicon.svg"] {
                let status = try await t.app.testing().sendRequest(.GET, path).status
                #expect(status == .ok, "\(path)")
            }
            let missing = try await t.app.testing().sendRequest(.GET, "/css/missing.css").status
            #expect(missing == .notFound)
            let outside = try await t.app.testing().sendRequest(.GET, "/css/../Package.swift").status
            #expect(outside != .ok)
        }
    }

    @Test("/healthz answers without the database; /readyz only when every migration is applied")
    func readiness() async throws {
        try await withTestApp { t in
            let health = try await t.app.testing().sendRequest(.GET, "/healthz")
            #expect(health.status == .ok)
            #expect(health.body.string == "ok")
            let ready = try await t.app.testing().sendRequest(.GET, "/readyz")
            #expect(ready.status == .ok)
            #expect(ready.body.string == "ready\n")
            #expect(try await Operations.pendingMigrations(on: t.db).isEmpty)
            // An upgrade in progress: the newest migration not yet recorded.
            let newest = try #require(AppMigrations.all.last?.name)
            let sql = try #require(t.db as? any SQLDatabase)
            try await sql.delete(from: "_fluent_migrations").where("name", .equal, newest).run()
            #expect(try await Operations.pendingMigrations(on: t.db) == [newest])
            let upgrading = try await t.app.testing().sendRequest(.GET, "/readyz")
            #expect(upgrading.status == .serviceUnavailable)
            #expect(upgrading.body.string.contains("migrations pending: 1"))
            #expect(try await t.app.testing().sendRequest(.GET, "/healthz").status == .ok)
        }
    }

    @Test("/readyz is 503 when the database does not answer")
    func readinessWithoutDatabase() async throws {
        try await withTestApp(demo: false) { t in
            // Drop the bookkeeping table: the query fails as it would against a database that is gone.
            let sql = try #require(t.db as? any SQLDatabase)
            try await sql.drop(table: "_fluent_migrations").run()
            let response = try await t.app.testing().sendRequest(.GET, "/readyz")
            #expect(response.status == .serviceUnavailable)
        }
    }

    @Test("/metrics: refused without loopback or token; Prometheus text with requests by route and status, latency, outbox")
    func metrics() async throws {
        try await withTestApp(configure: { $0.metricsToken = "scrape-secret" }) { t in
            // In-memory requests have no peer address: only the token opens it.
            #expect(try await t.app.testing().sendRequest(.GET, "/metrics").status == .forbidden)
            #expect(try await t.app.testing().sendRequest(.GET, "/metrics", headers: ["Authorization": "Bearer wrong"]).status == .forbidden)
            _ = try await t.app.testing().sendRequest(.GET, "/healthz")
            let token = try await t.token(TestApp.Demo.reporter)
            #expect(try await t.api(.GET, "/api/v1/weeks/2021-W33", token: token).status == .ok)
            #expect(try await t.api(.GET, "/api/v1/weeks/2021-W99", token: token).status != .ok)
            let scrape = try await t.app.testing().sendRequest(.GET, "/metrics", headers: ["Authorization": "Bearer scrape-secret"])
            #expect(scrape.status == .ok)
            #expect(scrape.headers.first(name: .contentType)?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = scrape.body.string
            #expect(text.contains(#"giaoban_http_requests_total{method="GET",route="/healthz",status="200"} 1"#))
            // The route pattern, never the raw path.
            #expect(text.contains(#"route="/api/v1/weeks/:weekID""#))
            #expect(!text.contains("2021-W33"))
            #expect(text.contains(#"giaoban_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="0.005"}"#))
            #expect(text.contains("# TYPE giaoban_http_request_duration_seconds histogram"))
            #expect(text.contains(#"giaoban_reminder_outbox_pending_deliveries{channel="in_app"} 0"#))
            #expect(text.contains(#"giaoban_reminder_outbox_failed_deliveries{channel="webhook"} 0"#))
            #expect(text.contains("giaoban_db_connection_probe_seconds "))
            #expect(text.contains("giaoban_migrations_pending_count 0"))

            // A failed webhook delivery and a pending one show on the next scrape.
            let person = try await t.person(TestApp.Demo.reporter)
            let message = OutboxMessage()
            message.communeID = person.communeID
            message.dedupeKey = "metrics-test"
            message.recipientID = try person.requireID()
            message.kind = "reminder"
            message.purpose = "test"
            message.subject = "s"
            message.body = "b"
            message.url = "/"
            message.dueAt = t.clock.now()
            message.createdAt = t.clock.now()
            try await message.save(on: t.db)
            for (channel, status) in [(OutboxDelivery.Channel.webhook, OutboxDelivery.Status.failed), (.email, .pending)] {
                let delivery = OutboxDelivery()
                delivery.messageID = try message.requireID()
                delivery.communeID = person.communeID
                delivery.channel = channel
                delivery.status = status
                delivery.attempts = 1
                delivery.nextAttemptAt = t.clock.now()
                try await delivery.save(on: t.db)
            }
            let after = try await t.app.testing().sendRequest(.GET, "/metrics", headers: ["Authorization": "Bearer scrape-secret"]).body.string
            #expect(after.contains(#"giaoban_reminder_outbox_failed_deliveries{channel="webhook"} 1"#))
            #expect(after.contains(#"giaoban_reminder_outbox_pending_deliveries{channel="email"} 1"#))
        }
    }

    @Test("/metrics over real HTTP: open to a loopback client, closed to one that came through a proxy")
    func metricsOverLoopback() async throws {
        try await withTestApp(demo: false) { t in
            let live = try t.app.testing(method: .running(hostname: "127.0.0.1", port: 0))
            #expect(try await live.sendRequest(.GET, "/healthz").status == .ok)
            let direct = try await live.sendRequest(.GET, "/metrics")
            #expect(direct.status == .ok)
            #expect(direct.body.string.contains("giaoban_http_requests_total"))
            let proxied = try await live.sendRequest(.GET, "/metrics", headers: ["X-Forwarded-For": "203.0.113.9"])
            #expect(proxied.status == .forbidden)
        }
    }

    @Test("Tasks run on the event loops unless GIAOBAN_TASK_EXECUTOR=pool asks for Swift's own pool")
    func taskExecutorSetting() {
        #expect(TaskExecution.onEventLoops([:]))
        #expect(TaskExecution.onEventLoops(["GIAOBAN_TASK_EXECUTOR": "event-loops"]))
        #expect(!TaskExecution.onEventLoops(["GIAOBAN_TASK_EXECUTOR": "pool"]))
        #expect(!TaskExecution.onEventLoops(["GIAOBAN_TASK_EXECUTOR": "Pool"]))
    }

    @Test("The built executable runs its tasks on the event loops, or on Swift's pool when asked",
          .enabled(if: BackupRestoreTests.binary != nil), arguments: [nil, "pool"] as [String?])
    func builtExecutableTaskExecutor(setting: String?) throws {
        // `routes` opens no database.
        let (status, output) = try BackupRestoreTests.run(["routes"], environment: ["LOG_LEVEL": "debug"]
            .merging(setting.map { ["GIAOBAN_TASK_EXECUTOR": $0] } ?? [:]) { $1 })
        #expect(status == 0, "\(output)")
        let expected = setting == "pool" ? "Swift tasks run on Swift's thread pool." : "Swift tasks run on NIO's event loops."
        #expect(output.contains(expected), "\(output)")
    }

    @Test("Who may read metrics")
    func metricsAccess() {
        #expect(MetricsAccess.allows(peer: "127.0.0.1", headers: [:], token: nil))
        #expect(MetricsAccess.allows(peer: "::1", headers: [:], token: "t"))
        #expect(!MetricsAccess.allows(peer: "10.0.0.5", headers: [:], token: nil))
        #expect(!MetricsAccess.allows(peer: "127.0.0.1", headers: ["X-Forwarded-For": "1.2.3.4"], token: nil))
        #expect(MetricsAccess.allows(peer: "10.0.0.5", headers: ["Authorization": "Bearer t0k"], token: "t0k"))
        #expect(!MetricsAccess.allows(peer: "10.0.0.5", headers: ["Authorization": "Bearer t0k"], token: nil))
        #expect(!MetricsAccess.allows(peer: "127.0.0.1", headers: ["Authorization": "Bearer bad"], token: "t0k"))
    }

    @Test("The client address: X-Forwarded-For only from a trusted proxy")
    func clientAddress() {
        let proxies = ClientAddress.trustedProxies(" 127.0.0.1, ::1 ")
        #expect(proxies.count == 2)
        #expect(ClientAddress.resolve(peer: "::1", forwardedFor: ["203.0.113.7"], trustedProxies: proxies) == "203.0.113.7",
                "an IPv6 proxy is recognised whatever its spelling")
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["203.0.113.7"], trustedProxies: proxies) == "203.0.113.7")
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["6.6.6.6, 203.0.113.7"], trustedProxies: proxies) == "203.0.113.7",
                "the left part is what the client claimed")
        #expect(ClientAddress.resolve(peer: "198.51.100.1", forwardedFor: ["203.0.113.7"], trustedProxies: proxies) == "198.51.100.1",
                "an untrusted peer cannot choose its address")
        #expect(ClientAddress.resolve(peer: "::ffff:127.0.0.1", forwardedFor: [], trustedProxies: proxies) == "127.0.0.1")
        #expect(ClientAddress.resolve(peer: nil, forwardedFor: ["1.1.1.1"], trustedProxies: proxies) == nil)
    }

    @Test("JSON logs: one object per line with time, level, message and metadata; secrets never written")
    func jsonLogLines() throws {
        let sink = LogSink()
        var logger = Logger(label: "test") { label in JSONLogHandler(label: label, level: .info, sink: sink) }
        logger[metadataKey: "request-id"] = "abc"
        logger.debug("not written")
        logger.info("request", metadata: ["route": "/reports/:weekID", "status": .stringConvertible(200),
                                          "duration_ms": .stringConvertible(1.25), "password": "hunter2",
                                          "X-Api-Token": "tok", "note": "line\n\"quoted\"\u{1}"])
        #expect(sink.lines.count == 1)
        let line = try #require(sink.lines.first)
        #expect(line.hasSuffix("}\n"))
        #expect(!line.dropLast().contains("\n"))
        #expect(!line.contains("hunter2") && !line.contains("tok\""))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "info")
        #expect(object["message"] as? String == "request")
        #expect(object["request-id"] as? String == "abc")
        #expect(object["route"] as? String == "/reports/:weekID")
        #expect(object["status"] as? Int == 200)
        #expect(object["duration_ms"] as? Double == 1.25)
        #expect(object["note"] as? String == "line\n\"quoted\"\u{1}")
        let time = try #require(object["time"] as? String)
        #expect(time.count == 24 && time.hasSuffix("Z"))
    }

    @Test("`backup DIR --keep N` writes timestamped copies, keeps the newest N, and a copy restores")
    func rotatingBackups() async throws {
        try await withTestApp(sharedDatabase: true) { t in
            guard case .sqliteFile = t.config.database else { return }  // PostgreSQL: pg_dump, checked in scripts/two-servers.sh
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gb-rotate-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let nam = try await t.token(TestApp.Demo.reporter)
            var written: [String] = []
            let start = Date(timeIntervalSince1970: 1_700_000_000)
            for day in 0..<4 {
                if day == 2 { #expect(try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: nam).status == .ok) }
                let result = try await DatabaseBackup.rotatingBackup(t.app, folder: folder, keep: 2, now: start.addingTimeInterval(Double(day) * 86400))
                written.append(result.written)
                if day == 0 { try Data("not a copy".utf8).write(to: URL(fileURLWithPath: folder + "/notes.txt")) }
                #expect(result.removed == (day < 2 ? [] : [written[day - 2]]))
            }
            let left = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
            #expect(left == ["giaoban-20231116-221320.sqlite", "giaoban-20231117-221320.sqlite", "notes.txt"], "other files are left alone")
            // Same second twice: a second name, never an overwrite.
            let again = try await DatabaseBackup.rotatingBackup(t.app, folder: folder, keep: nil, now: start.addingTimeInterval(3 * 86400))
            #expect(again.written.hasSuffix("giaoban-20231117-221320-2.sqlite"))
            let third = try await DatabaseBackup.rotatingBackup(t.app, folder: folder, keep: 2, now: start.addingTimeInterval(3 * 86400))
            #expect(third.written.hasSuffix("giaoban-20231117-221320-3.sqlite"))
            #expect(third.removed.map { ($0 as NSString).lastPathComponent } == ["giaoban-20231117-221320.sqlite", "giaoban-20231116-221320.sqlite"],
                    "copies of the same second are ordered by their number")
            await #expect(throws: DatabaseBackup.Failure.self) {
                try await DatabaseBackup.rotatingBackup(t.app, folder: folder, keep: 0, now: start)
            }

            // Restore the newest copy and open it as a server would.
            let target = folder + "/restored.sqlite"
            try await DatabaseBackup.restore(from: third.written, into: target, app: t.app)
            let restored = try await Application.make(.testing)
            do {
                var config = t.config
                config.database = .sqliteFile(target)
                try await configure(restored, config: config)
                let person = try await t.person(TestApp.Demo.reporter).requireID()
                let reports = try await WeeklyReport.query(on: restored.db).filter(\.$status == .submitted)
                    .filter(\.$weekID == "2021-W33").filter(\.$personID == person).count()
                #expect(reports == 1, "the copy taken after the submission holds it")
                #expect(try await Person.query(on: restored.db).count() == (try await Person.query(on: t.db).count()))
                #expect(try await Operations.pendingMigrations(on: restored.db).isEmpty)
            } catch {
                try? await restored.asyncShutdown()
                throw error
            }
            try await restored.asyncShutdown()
        }
    }
}
