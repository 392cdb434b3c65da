import Fluent
import FluentSQLiteDriver
import NIOConcurrencyHelpers
import Vapor
import GiaoBanCore

/// An error a user or a client can act on. Its message is Vietnamese (the UI's first language);
/// `fields` maps a field name to what is wrong with it.
public struct AppError: Error, AbortError, Sendable {
    public var status: HTTPResponseStatus
    public var code: String
    public var message: String
    public var fields: [String: String]

    public init(_ status: HTTPResponseStatus, code: String, message: String, fields: [String: String] = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
    }

    public var reason: String { message }

    public static func notFound(_ what: String = "Không tìm thấy nội dung yêu cầu.") -> AppError {
        AppError(.notFound, code: "not_found", message: what)
    }
    public static let unauthorized = AppError(.unauthorized, code: "unauthorized", message: "Cần đăng nhập.")
    public static let forbidden = AppError(.forbidden, code: "forbidden", message: "Bạn không có quyền thực hiện thao tác này.")
    public static func invalid(_ fields: [String: String], message: String = "Dữ liệu chưa hợp lệ, vui lòng kiểm tra lại.") -> AppError {
        AppError(.unprocessableEntity, code: "validation_failed", message: message, fields: fields)
    }
    public static func badRequest(_ message: String) -> AppError {
        AppError(.badRequest, code: "bad_request", message: message)
    }
    public static func conflict(_ message: String, fields: [String: String] = [:]) -> AppError {
        AppError(.conflict, code: "conflict", message: message, fields: fields)
    }
}

extension CalendarError {
    var appError: AppError {
        switch self {
        case .invalidWeekID, .weekOutOfRange:
            return AppError(.notFound, code: "week_not_found", message: vietnameseMessage)
        case .invalidSettings, .invalidMove:
            return AppError(.unprocessableEntity, code: "validation_failed", message: vietnameseMessage)
        }
    }
}

/// The JSON body every API error has: `{"error": {"code", "message", "fields"}}`.
struct APIErrorBody: Content {
    struct Detail: Content {
        var code: String
        var message: String
        var fields: [String: String]
    }
    var error: Detail
}

/// One error middleware for the whole app: JSON under `/api`, an HTML page elsewhere.
/// Server faults are logged as critical with the request id; the user never sees internals.
struct AppErrorMiddleware: Middleware {
    /// Future-based, like the other middleware every request passes: an async middleware costs a
    /// task and two hops per request, which was half of `/healthz`'s time. Only an error's page
    /// is rendered in a task.
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).flatMapError { error in
            request.eventLoop.makeFutureWithTask { await self.response(for: error, request: request) }
        }
    }

    private func classify(_ error: any Error, request: Request) -> AppError {
        switch error {
        case let appError as AppError:
            return appError
        case let calendarError as CalendarError:
            return calendarError.appError
        case let stored as StoredDataError:
            return stored.appError
        case is DecodingError:
            return AppError(.badRequest, code: "malformed_body", message: "Nội dung gửi lên không đúng định dạng JSON mong đợi.")
        case let abort as any AbortError:
            let code: String
            let message: String
            switch abort.status {
            case .notFound: code = "not_found"; message = "Không tìm thấy trang hoặc địa chỉ yêu cầu."
            case .payloadTooLarge: code = "payload_too_large"; message = "Nội dung gửi lên quá lớn."
            case .unsupportedMediaType: code = "unsupported_media_type"; message = "Kiểu nội dung không được hỗ trợ."
            case .methodNotAllowed: code = "method_not_allowed"; message = "Phương thức không được hỗ trợ."
            case .unauthorized: code = "unauthorized"; message = "Cần đăng nhập."
            case .forbidden: code = "forbidden"; message = "Bạn không có quyền thực hiện thao tác này."
            case .tooManyRequests: code = "too_many_requests"; message = abort.reason
            default:
                if abort.status.code >= 500 {
                    code = "server_error"; message = "Có lỗi phía máy chủ. Vui lòng thử lại sau."
                } else {
                    code = "bad_request"; message = "Yêu cầu không hợp lệ."
                }
            }
            return AppError(abort.status, code: code, message: message)
        default:
            return AppError(.internalServerError, code: "server_error", message: "Có lỗi phía máy chủ. Vui lòng thử lại sau.")
        }
    }

    private func response(for error: any Error, request: Request) async -> Response {
        let appError = classify(error, request: request)
        if let stored = error as? StoredDataError {
            // Not critical (the server is fine), but an operator must repair the row: everything
            // needed to find it is in the line.
            var metadata = stored.logMetadata
            metadata["request-id"] = .string(request.id)
            if metadata["commune-id"] == nil, let communeID = request.currentUser?.communeID {
                metadata["commune-id"] = .string(communeID.canonicalText)
            }
            request.logger.error("Stored data unreadable: \(stored.table).\(stored.column)", metadata: metadata)
        } else if appError.status.code >= 500 {
            request.logger.critical("Unhandled error: \(String(reflecting: error))", metadata: ["request-id": .string(request.id)])
        } else {
            request.logger.debug("Refused: \(appError.code) \(appError.message)")
        }
        if request.targetPath.hasPrefix("/api") {
            let body = APIErrorBody(error: .init(code: appError.code, message: appError.message, fields: appError.fields))
            let response = Response(status: appError.status)
            try? response.content.encode(body, as: .json)
            return response
        }
        return await ErrorPage.render(appError, for: request)
    }
}

/// Counts the statements the request sends to the database and reports how many in
/// `X-Query-Count`, so that a test can check that a page's statement count does not grow with the
/// data (no N+1). Every statement counts, Fluent's and plain SQL alike, on both drivers: each is
/// logged ("Executing query", with its `sql`) through the request's logger, which this wraps.
struct QueryCountMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let counter = StatementCounter(forwardingTo: request.logger)
        request.logger = Logger(label: request.logger.label) { _ in counter }
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "X-Query-Count", value: String(counter.count))
        return response
    }
}

/// A log handler that counts the events carrying a statement (`sql` metadata) and passes every
/// event the original logger would have written on to it.
struct StatementCounter: LogHandler {
    private let statements = NIOLockedValueBox(0)
    private let original: Logger
    var metadata: Logger.Metadata = [:]
    /// Statements are logged at debug level: this handler hears them (and anything finer the
    /// original hears) whatever the original's level.
    var logLevel: Logger.Level

    init(forwardingTo original: Logger) {
        self.original = original
        logLevel = min(.debug, original.logLevel)
    }

    var count: Int { statements.withLockedValue { $0 } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        if event.metadata?["sql"] != nil { statements.withLockedValue { $0 += 1 } }
        guard event.level >= original.logLevel else { return }
        original.log(level: event.level, event.message, metadata: metadata.merging(event.metadata ?? [:]) { _, new in new },
                     source: event.source, file: event.file, function: event.function, line: event.line)
    }
}

extension Request {
    /// The JSON body as `T`, or a 400 `malformed_body` in the API's error shape.
    func decodeJSON<T: Decodable>(_ type: T.Type) throws -> T {
        do { return try content.decode(T.self) } catch let refused as AppError { throw refused } catch {
            throw AppError(.badRequest, code: "malformed_body", message: "Nội dung gửi lên không đúng định dạng JSON mong đợi.")
        }
    }
}
