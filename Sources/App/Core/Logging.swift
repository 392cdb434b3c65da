import Foundation
import GiaoBanCore
import Logging
import NIOConcurrencyHelpers
import Vapor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `LOG_FORMAT=json`: one JSON object per line on standard output, for journald, Loki or any log
/// shipper; otherwise Vapor's console lines. The level is Vapor's (`LOG_LEVEL`, `--log`).
public enum LogFormat {
    public static func isJSON(_ environment: [String: String]) -> Bool {
        environment["LOG_FORMAT"]?.lowercased() == "json"
    }

    /// Bootstraps swift-log for the process (called once, by the executable): JSON lines, or
    /// Vapor's coloured console lines on a terminal, or the same lines uncoloured through our
    /// own writer when the output is a file, a pipe or journald (ConsoleKit's logger costs
    /// several times more per line, see docs/performance.md).
    public static func bootstrap(from environment: inout Environment) throws {
        if isJSON(ProcessInfo.processInfo.environment) {
            try LoggingSystem.bootstrap(from: &environment) { level in
                { label in JSONLogHandler(label: label, level: level) }
            }
        } else if isatty(1) == 0 {
            try LoggingSystem.bootstrap(from: &environment) { level in
                { label in PlainLogHandler(label: label, level: level) }
            }
        } else {
            try LoggingSystem.bootstrap(from: &environment)
        }
    }
}

/// A swift-log handler writing `{"time":…,"level":…,"message":…, metadata…}` lines. Metadata
/// whose key names a secret (password, token, cookie, authorization, secret) is never written.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let sink: LogSink

    public init(label: String, level: Logger.Level, sink: LogSink = .standardOutput) {
        self.label = label
        self.logLevel = level
        self.sink = sink
        self.metadataProvider = LoggingSystem.metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var out = ""
        out.reserveCapacity(320)
        out += "{\"time\":\""
        LogTime.append(to: &out)
        out += "\",\"level\":\""
        out += event.level.rawValue
        out += "\",\"message\":"
        JSONText.append(event.message.description, to: &out)
        let explicit = event.metadata ?? [:]
        func field(_ key: String, _ value: Logger.Metadata.Value) {
            guard !Self.isSecret(key) else { return }
            out += ","
            JSONText.append(key, to: &out)
            out += ":"
            Self.append(value, to: &out)
        }
        for (key, value) in metadata where explicit[key] == nil { field(key, value) }
        if let provided = metadataProvider?.get() {
            for (key, value) in provided where explicit[key] == nil && metadata[key] == nil { field(key, value) }
        }
        for (key, value) in explicit { field(key, value) }
        if let error = event.error { out += ",\"error\":"; JSONText.append(String(describing: error), to: &out) }
        if event.level >= .error { out += ",\"source\":"; JSONText.append("\(event.file):\(event.line)", to: &out) }
        out += "}\n"
        sink.write(out)
    }

    /// The request line's own keys, known not to be secrets (checked without lower-casing).
    private static let knownKeys: Set<String> = ["request-id", "method", "route", "status", "duration_ms", "person_id", "client"]

    static func isSecret(_ key: String) -> Bool {
        if knownKeys.contains(key) { return false }
        let key = key.lowercased()
        return ["password", "token", "cookie", "authorization", "secret"].contains { key.contains($0) }
    }

    private static func append(_ value: Logger.Metadata.Value, to line: inout String) {
        switch value {
        case .string(let text): JSONText.append(text, to: &line)
        case .stringConvertible(let item):
            // Numbers stay numbers; anything else is written as its text.
            if let number = item as? any BinaryInteger { line += String(describing: number) }
            else if let number = item as? Double, number.isFinite { line += String(number) }
            else { JSONText.append(item.description, to: &line) }
        case .array(let items):
            line += "["
            for (index, item) in items.enumerated() {
                if index > 0 { line += "," }
                append(item, to: &line)
            }
            line += "]"
        case .dictionary(let items):
            line += "{"
            for (index, (key, item)) in items.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { line += "," }
                JSONText.append(key, to: &line)
                line += ":"
                if isSecret(key) { line += "\"[redacted]\"" } else { append(item, to: &line) }
            }
            line += "}"
        }
    }
}

/// Where log lines go: whole lines, one `write` each, never interleaved.
public final class LogSink: @unchecked Sendable {
    public static let standardOutput = LogSink(descriptor: 1)
    private let descriptor: Int32?
    private let lock = NIOLock()
    private var captured: [String] = []

    init(descriptor: Int32) { self.descriptor = descriptor }
    /// A sink that keeps the lines (tests).
    public init() { descriptor = nil }

    public var lines: [String] { lock.withLock { captured } }

    func write(_ line: String) {
        guard let descriptor else {
            lock.withLock { captured.append(line) }
            return
        }
        var line = line
        line.withUTF8 { bytes in
            // A line up to PIPE_BUF bytes goes out in one write(2), which pipes, journald's
            // socket and O_APPEND files never interleave with another; longer lines take the lock.
            if bytes.count <= 4096 {
                var offset = 0
                while offset < bytes.count {
                    let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 { if errno == EINTR { continue }; return }
                    offset += written
                }
                return
            }
            lock.withLock {
                var offset = 0
                while offset < bytes.count {
                    let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 { if errno == EINTR { continue }; return }
                    offset += written
                }
            }
        }
    }
}

private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(descriptor, bytes, count)
    #else
    return Darwin.write(descriptor, bytes, count)
    #endif
}

/// JSON string literals, escaped by hand (JSONEncoder per log line would cost more than the line).
enum JSONText {
    static func append(_ text: String, to output: inout String) {
        output += "\""
        // Most text needs no escaping: copy it whole.
        if !text.utf8.contains(where: { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }) {
            output += text
            output += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}

/// UTC time with milliseconds, `2026-11-26T08:15:02.123Z`, without a DateFormatter.
enum LogTime {
    static func now() -> String {
        var text = ""
        append(to: &text)
        return text
    }

    static func append(to output: inout String) {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            func put(_ value: Int, _ width: Int, at index: Int) {
                var value = value
                for position in stride(from: index + width - 1, through: index, by: -1) {
                    buffer[position] = UInt8(48 + value % 10)
                    value /= 10
                }
            }
            put(Int(parts.tm_year) + 1900, 4, at: 0); buffer[4] = 45 // -
            put(Int(parts.tm_mon) + 1, 2, at: 5); buffer[7] = 45
            put(Int(parts.tm_mday), 2, at: 8); buffer[10] = 84 // T
            put(Int(parts.tm_hour), 2, at: 11); buffer[13] = 58 // :
            put(Int(parts.tm_min), 2, at: 14); buffer[16] = 58
            put(Int(parts.tm_sec), 2, at: 17); buffer[19] = 46 // .
            put(Int(spec.tv_nsec) / 1_000_000, 3, at: 20); buffer[23] = 90 // Z
            output += String(decoding: UnsafeBufferPointer(buffer), as: UTF8.self)
        }
    }
}

/// Vapor's console line without colours (`[ INFO ] message [key: value, …]`), written through
/// `LogSink` in one write(2): what a server writes when its output is not a terminal.
public struct PlainLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let sink: LogSink

    public init(label: String, level: Logger.Level, sink: LogSink = .standardOutput) {
        self.logLevel = level
        self.sink = sink
        self.metadataProvider = LoggingSystem.metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var out = "[ "
        out.reserveCapacity(256)
        out += event.level.rawValue.uppercased()
        out += " ] "
        out += event.message.description
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { $1 } }
        if let explicit = event.metadata { fields.merge(explicit) { $1 } }
        if !fields.isEmpty {
            out += " ["
            var first = true
            for (key, value) in fields where !JSONLogHandler.isSecret(key) {
                if !first { out += ", " }
                first = false
                out += key
                out += ": "
                out += value.description
            }
            out += "]"
        }
        if let error = event.error { out += " error: "; out += String(describing: error) }
        out += "\n"
        sink.write(out)
    }
}

/// One line per request, when it is answered: request id, method, route pattern (never the raw
/// path or query, which may carry a calendar-feed token), status, duration in milliseconds, and
/// the signed-in person's id. Replaces Vapor's `RouteLoggingMiddleware`, which logs the raw path
/// before the answer. Also feeds the Prometheus counters (`AppMetrics`).
struct RequestLogMiddleware: Middleware {
    let metrics: AppMetrics

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let start = DispatchTime.now().uptimeNanoseconds
        return next.respond(to: request).map { response in
            record(request, status: response.status.code, start: start)
            return response
        }.flatMapErrorThrowing { error in
            record(request, status: (error as? any AbortError)?.status.code ?? 500, start: start)
            throw error
        }
    }

    private func record(_ request: Request, status: UInt, start: UInt64) {
        let nanoseconds = DispatchTime.now().uptimeNanoseconds &- start
        let route = Self.routeLabel(request, status: status)
        metrics.recordRequest(method: request.method.rawValue, route: route, status: status, nanoseconds: nanoseconds)
        guard request.logger.logLevel <= .info else { return }
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue),
            "route": .string(route),
            "status": .stringConvertible(Int(status)),
            "duration_ms": .stringConvertible(Double(nanoseconds / 10_000) / 100),
        ]
        if let person = request.currentUser?.personID { metadata["person_id"] = .string(person.canonicalText) }
        if let client = request.clientAddress { metadata["client"] = .string(client) }
        request.logger.info("request", metadata: metadata)
    }

    /// The route's pattern (`/reports/:weekID`), `(static)` for a file from `Public/`,
    /// `(unmatched)` for anything else; a bounded set of labels for metrics.
    static func routeLabel(_ request: Request, status: UInt) -> String {
        if let route = request.route {
            return route.userInfo[labelKey] as? String ?? label(of: route)
        }
        return status == 404 ? "(unmatched)" : "(static)"
    }

    static func label(of route: Route) -> String {
        "/" + route.path.map(\.description).joined(separator: "/")
    }

    private static let labelKey = "giaoban.routeLabel"

    /// Writes each route's label once, when the routes are registered, instead of joining its path
    /// on every request.
    static func labelRoutes(_ routes: Routes) {
        for route in routes.all { route.userInfo[labelKey] = label(of: route) }
    }
}
