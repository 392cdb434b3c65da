import Fluent
import Foundation
import NIOConcurrencyHelpers
import Prometheus
import SQLKit
import Vapor

/// What an operator's tools read: `/healthz` (the process answers), `/readyz` (the database
/// answers and every migration is applied) and `/metrics` (Prometheus text format).
enum Operations {
    static func register(_ site: PatternRoutes<SiteRoute.Pattern>) {
        site.get(.readiness, use: readiness)
        site.get(.metrics, use: metrics)
    }

    /// 200 `ready` only when the database answers and `_fluent_migrations` holds every migration
    /// this binary knows; 503 otherwise (a load balancer then sends traffic elsewhere while a
    /// server waits for its database or runs an upgrade).
    @Sendable static func readiness(_ req: Request) async throws -> Response {
        let missing: [String]
        do {
            missing = try await pendingMigrations(on: req.db)
        } catch {
            req.logger.warning("readyz: database not answering: \(String(describing: error))")
            return plain(.serviceUnavailable, "database unavailable\n")
        }
        guard missing.isEmpty else {
            return plain(.serviceUnavailable, "migrations pending: \(missing.count)\n")
        }
        return plain(.ok, "ready\n")
    }

    /// The names of `AppMigrations.all` not yet recorded as applied.
    static func pendingMigrations(on db: any Database) async throws -> [String] {
        guard let sql = db as? any SQLDatabase else { return [] }
        struct Row: Decodable { var name: String }
        let applied = Set(try await sql.raw("SELECT name FROM _fluent_migrations").all(decoding: Row.self).map(\.name))
        return AppMigrations.all.map(\.name).filter { !applied.contains($0) }
    }

    /// Prometheus text format, from loopback (not through a proxy) or with the metrics token.
    @Sendable static func metrics(_ req: Request) async throws -> Response {
        guard MetricsAccess.allows(peer: req.remoteAddress?.ipAddress, headers: req.headers,
                                   token: req.application.giaobanConfig.metricsToken) else {
            return plain(.forbidden, "forbidden\n")
        }
        let metrics = req.application.appMetrics
        await metrics.refreshFromDatabase(req.db, now: req.now, logger: req.logger)
        let response = Response(status: .ok, body: .init(string: metrics.registry.emitToString()))
        response.headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    static func plain(_ status: HTTPResponseStatus, _ text: String) -> Response {
        let response = Response(status: status, body: .init(string: text))
        response.headers.contentType = .plainText
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}

/// Who may read `/metrics`: a bearer token equal to `GIAOBAN_METRICS_TOKEN`, or a loopback peer
/// whose request did not come through a proxy (nginx on the same machine is a loopback peer too,
/// so a forwarded request needs the token).
enum MetricsAccess {
    static func allows(peer: String?, headers: HTTPHeaders, token: String?) -> Bool {
        if let token, let bearer = headers.bearerAuthorization?.token {
            return constantTimeEqual(Array(bearer.utf8), Array(token.utf8))
        }
        guard let peer else { return false }
        let proxied = headers.contains(name: .xForwardedFor) || headers.contains(name: "Forwarded")
            || headers.contains(name: "X-Real-IP")
        return !proxied && isLoopback(peer)
    }

    static func isLoopback(_ address: String) -> Bool {
        let address = address.lowercased()
        return address == "::1" || address.hasPrefix("127.") || address.hasPrefix("::ffff:127.")
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

/// The server's Prometheus collectors. Request counters and latency histograms are updated by
/// `RequestLogMiddleware`; the database figures are read when `/metrics` is scraped.
final class AppMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// A request's metric series, found without building a string per request.
    private struct RequestKey: Hashable { var method: String; var status: UInt; var route: String }
    private let requests = NIOLockedValueBox<[RequestKey: (Counter, DurationHistogram)]>([:])

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]
    private static var requestsTotal: MetricNameDescriptor {
        .init(
            namespace: "giaoban", metricName: "http_requests", unitName: "total",
            helpText: "HTTP requests answered, by method, route pattern and status")
    }
    private static var requestDuration: MetricNameDescriptor {
        .init(
            namespace: "giaoban", metricName: "http_request_duration", unitName: "seconds",
            helpText: "Time from receiving a request to its answer, by method and route pattern")
    }
    private static var connectionProbe: MetricNameDescriptor {
        .init(
            namespace: "giaoban", metricName: "db_connection_probe", unitName: "seconds",
            helpText: "Time to get a database connection from the pool and run SELECT 1, measured at each scrape")
    }
    private static var probeFailures: MetricNameDescriptor {
        .init(
            namespace: "giaoban", metricName: "db_probe_failures", unitName: "total",
            helpText: "Scrapes at which the database did not answer")
    }
    private static var outboxPending: MetricNameDescriptor {
        .init(
            namespace: "giaoban", metricName: "reminder_outbox_pending", unitName: "deliveries",
            helpText: "Reminder deliveries not sent yet (the outbox backlog), by channel")
    }
    private static var outboxOverdue: MetricNameDescriptor {
        .init(
            namespace: "giaoban", metricName: "reminder_outbox_overdue", unitName: "deliveries",
            helpText: "Pending reminder deliveries whose next attempt is more than 5 minutes late")
    }
    private static var outboxFailed: MetricNameDescriptor {
        .init(
            namespace: "giaoban", metricName: "reminder_outbox_failed", unitName: "deliveries",
            helpText: "Reminder deliveries given up after their retries, by channel")
    }
    private static var migrationsPending: MetricNameDescriptor {
        .init(
            namespace: "giaoban", metricName: "migrations_pending", unitName: "count",
            helpText: "Migrations this binary knows that the database has not applied")
    }

    init() {
        // Present from the first scrape, so that alerts on them work before anything happens.
        for channel in OutboxDelivery.Channel.allCases {
            registry.makeGauge(descriptor: Self.outboxPending, labels: [("channel", channel.rawValue)]).set(Int64(0))
            registry.makeGauge(descriptor: Self.outboxFailed, labels: [("channel", channel.rawValue)]).set(Int64(0))
        }
        registry.makeCounter(descriptor: Self.probeFailures, labels: []).increment(by: Int64(0))
    }

    func recordRequest(method: String, route: String, status: UInt, nanoseconds: UInt64) {
        let key = RequestKey(method: method, status: status, route: route)
        let (counter, histogram) = requests.withLockedValue { known in
            if let pair = known[key] { return pair }
            let pair = (
                registry.makeCounter(descriptor: Self.requestsTotal, labels: [("method", method), ("route", route), ("status", String(status))]),
                registry.makeDurationHistogram(descriptor: Self.requestDuration, labels: [("method", method), ("route", route)],
                                               buckets: Self.latencyBuckets)
            )
            known[key] = pair
            return pair
        }
        counter.increment()
        histogram.recordNanoseconds(Int64(clamping: nanoseconds))
    }

    /// Reads the outbox figures and times a connection probe; a database that does not answer
    /// counts as a probe failure and leaves the last figures in place.
    func refreshFromDatabase(_ db: any Database, now: Date, logger: Logger) async {
        guard let sql = db as? any SQLDatabase else { return }
        let start = ContinuousClock.now
        do {
            try await sql.raw("SELECT 1 AS one").run()
            let elapsed = ContinuousClock.now - start
            registry.makeGauge(descriptor: Self.connectionProbe, labels: []).set(Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
            struct Row: Decodable { var channel: String; var status: String; var count: Int }
            let rows = try await sql.raw("SELECT channel, status, COUNT(*) AS count FROM outbox_deliveries WHERE status <> 'sent' GROUP BY channel, status")
                .all(decoding: Row.self)
            for channel in OutboxDelivery.Channel.allCases {
                let pending = rows.filter { $0.channel == channel.rawValue && $0.status == "pending" }.reduce(0) { $0 + $1.count }
                let failed = rows.filter { $0.channel == channel.rawValue && $0.status == "failed" }.reduce(0) { $0 + $1.count }
                registry.makeGauge(descriptor: Self.outboxPending, labels: [("channel", channel.rawValue)]).set(Double(pending))
                registry.makeGauge(descriptor: Self.outboxFailed, labels: [("channel", channel.rawValue)]).set(Double(failed))
            }
            struct Count: Decodable { var count: Int }
            let overdue = try await sql.raw("SELECT COUNT(*) AS count FROM outbox_deliveries WHERE status = 'pending' AND next_attempt_at < \(bind: now.addingTimeInterval(-300))")
                .first(decoding: Count.self)?.count ?? 0
            registry.makeGauge(descriptor: Self.outboxOverdue, labels: []).set(Double(overdue))
            let pending = try await Operations.pendingMigrations(on: db).count
            registry.makeGauge(descriptor: Self.migrationsPending, labels: []).set(Double(pending))
        } catch {
            registry.makeCounter(descriptor: Self.probeFailures, labels: []).increment()
            logger.warning("metrics: database not answering: \(String(describing: error))")
        }
    }
}

extension Application {
    private struct MetricsKey: StorageKey { typealias Value = AppMetrics }
    /// This server's collectors (one registry per application, so tests never share figures).
    var appMetrics: AppMetrics {
        get {
            if let metrics = storage[MetricsKey.self] { return metrics }
            let metrics = AppMetrics()
            storage[MetricsKey.self] = metrics
            return metrics
        }
        set { storage[MetricsKey.self] = newValue }
    }
}
