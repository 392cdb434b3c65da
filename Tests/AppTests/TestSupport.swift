@testable import App
import Fluent
import FluentPostgresDriver
import Foundation
import GiaoBanCore
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting

/// The instant every test starts at unless it sets another: Wednesday 18/08/2021 09:00 in
/// Hà Nội, inside week 2021-W33 of the letter.
let letterWednesday = Date(timeIntervalSince1970: 1_629_252_000) // 2021-08-18T02:00:00Z

/// Builds the app on a fresh database (in-memory SQLite, or a new PostgreSQL database when
/// `GIAOBAN_TEST_POSTGRES_URL` is set), loads the demo commune, runs `body`, and cleans up.
func withTestApp(at start: Date = letterWednesday, demo: Bool = true, sharedDatabase: Bool = false,
                 configure adjust: (inout AppConfig) -> Void = { _ in },
                 _ body: (TestApp) async throws -> Void) async throws {
    let app = try await Application.make(.testing)
    let clock = ManualClock(start)
    app.clock = clock
    var scratchDatabase: String?
    var sqliteFile: String?
    defer { if let sqliteFile { ScratchDatabaseFile.remove(sqliteFile) } }
    do {
        let database: AppConfig.DatabaseChoice
        if let adminURL = ProcessInfo.processInfo.environment["GIAOBAN_TEST_POSTGRES_URL"], !adminURL.isEmpty {
            let name = "gb_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            try await PostgresScratch.create(name, adminURL: adminURL)
            scratchDatabase = name
            database = .postgres(url: PostgresScratch.url(adminURL, database: name))
        } else if sharedDatabase {
            // A file, so that a second app (another "server") can open the same database.
            sqliteFile = FileManager.default.temporaryDirectory.appendingPathComponent("gb-test-\(UUID().uuidString).sqlite").path
            database = .sqliteFile(sqliteFile!)
        } else {
            database = .sqliteMemory
        }
        var config = AppConfig(database: database, bcryptCost: 4, migrateOnStart: false)
        adjust(&config)
        try await configure(app, config: config)
        try await app.autoMigrate()
        let testApp = TestApp(app: app, clock: clock, config: config)
        if demo { try await DemoCommune.load(hash: try await app.password.async.hash(DemoCommune.password), on: app.db) }
        try await body(testApp)
    } catch {
        try? await app.asyncShutdown()
        if let scratchDatabase, let url = ProcessInfo.processInfo.environment["GIAOBAN_TEST_POSTGRES_URL"] {
            try? await PostgresScratch.drop(scratchDatabase, adminURL: url)
        }
        throw error
    }
    try await app.asyncShutdown()
    if let scratchDatabase, let url = ProcessInfo.processInfo.environment["GIAOBAN_TEST_POSTGRES_URL"] {
        try await PostgresScratch.drop(scratchDatabase, adminURL: url)
    }
}

/// One throwaway PostgreSQL database per test, so that tests run in parallel as on SQLite.
enum PostgresScratch {
    static func url(_ adminURL: String, database: String) -> String {
        guard var components = URLComponents(string: adminURL) else { return adminURL }
        components.path = "/" + database
        return components.string ?? adminURL
    }

    private static func run(_ sql: String, adminURL: String) async throws {
        let app = try await Application.make(.testing)
        do {
            try app.databases.use(.postgres(url: adminURL), as: .psql)
            try await (app.db as! any SQLDatabase).raw(SQLQueryString(sql)).run()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    static func create(_ name: String, adminURL: String) async throws {
        try await run("CREATE DATABASE \(name)", adminURL: adminURL)
    }

    static func drop(_ name: String, adminURL: String) async throws {
        try await run("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", adminURL: adminURL)
    }
}

struct TestApp: Sendable {
    let app: Application
    let clock: ManualClock
    /// What the app was configured with (a second app on the same database reuses it).
    let config: AppConfig

    var db: any Database { app.db }

    /// A second app ("another server") on the same database (`withTestApp(sharedDatabase: true)`),
    /// with the same clock, shut down after `body`.
    func withSecondServer(_ body: (Application) async throws -> Void) async throws {
        let second = try await Application.make(.testing)
        second.clock = clock
        do {
            var config = self.config
            config.migrateOnStart = false
            try await configure(second, config: config)
            try await body(second)
        } catch {
            try? await second.asyncShutdown()
            throw error
        }
        try await second.asyncShutdown()
    }


    func person(_ username: String) async throws -> Person {
        try #require(try await Person.query(on: db).filter(\.$username == username).first())
    }

    /// Demo usernames by what they are in the letter's commune.
    enum Demo {
        static let admin = "admin"
        static let leader = DemoCommune.username(for: "Nguyễn Văn Bình")
        static let approver = DemoCommune.username(for: "Hoàng Minh Tuấn")
        static let office = DemoCommune.username(for: "Phan Thị Ngọc Ánh")
        static let ntmAggregator = DemoCommune.username(for: "Đặng Thị Hồng Nhung")
        static let reporter = DemoCommune.username(for: "Hồ Sỹ Nam")
        static let supervisor = DemoCommune.username(for: "Trần Quốc Hưng")
    }

    /// A browser: keeps cookies between requests, like a real one.
    func browser() -> Browser { Browser(app: app) }

    /// A bearer token for the API.
    func token(_ username: String, password: String = DemoCommune.password) async throws -> String {
        let response = try await app.testing().sendRequest(.POST, "/api/v1/auth/token", beforeRequest: { req in
            try req.content.encode(["username": username, "password": password], as: .json)
        })
        #expect(response.status == .ok, "token for \(username): \(response.body.string)")
        return try response.content.get(String.self, at: "token")
    }

    func api(_ method: HTTPMethod, _ path: String, token: String?, json: (any Encodable & Sendable)? = nil) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(method, path, beforeRequest: { req in
            if let token { req.headers.bearerAuthorization = .init(token: token) }
            if let json {
                req.headers.contentType = .json
                req.body = ByteBuffer(data: try JSONEncoder().encode(json))
            }
        })
    }
}

/// Keeps cookies and the page's CSRF token between requests.
final class Browser: @unchecked Sendable {
    let app: Application
    private let cookies = NIOLockedValueBox<[String: String]>([:])

    init(app: Application) { self.app = app }

    private var cookieHeader: String {
        cookies.withLockedValue { $0.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
    }

    private func remember(_ response: TestingHTTPResponse) {
        for header in response.headers[.setCookie] {
            let pair = header.split(separator: ";", maxSplits: 1)[0]
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let name = String(parts[0]).trimmingCharacters(in: .whitespaces)
            let value = String(parts[1])
            cookies.withLockedValue { jar in
                if header.contains("Max-Age=0") || header.lowercased().contains("expires=thu, 01 jan 1970") || value.isEmpty {
                    jar[name] = nil
                } else {
                    jar[name] = value
                }
            }
        }
    }

    func cookie(_ name: String) -> String? { cookies.withLockedValue { $0[name] } }
    /// Sets a cookie as if a server had set it earlier (an old browser's leftovers).
    func setCookie(_ name: String, _ value: String) { cookies.withLockedValue { $0[name] = value } }

    @discardableResult
    func get(_ path: String, headers extra: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        let header = cookieHeader
        let response = try await app.testing().sendRequest(.GET, path, beforeRequest: { req in
            if !header.isEmpty { req.headers.replaceOrAdd(name: .cookie, value: header) }
            req.headers.add(contentsOf: extra)
        })
        remember(response)
        return response
    }

    /// Posts a form; `csrf: nil` takes the token from the last page, like a browser would.
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)], csrf: String? = nil, includeCSRF: Bool = true) async throws -> TestingHTTPResponse {
        var fields = fields
        if includeCSRF { fields.append(("_csrf", try await csrfToken(override: csrf))) }
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        let header = cookieHeader
        let response = try await app.testing().sendRequest(.POST, path, beforeRequest: { req in
            if !header.isEmpty { req.headers.replaceOrAdd(name: .cookie, value: header) }
            req.headers.contentType = .urlEncodedForm
            req.body = ByteBuffer(string: body)
        })
        remember(response)
        return response
    }

    /// Posts a `multipart/form-data` form with files, as a browser's upload form does; the CSRF
    /// token is taken from the last page unless `includeCSRF` is false.
    @discardableResult
    func postMultipart(_ path: String, _ fields: [(String, String)], files: [(name: String, filename: String, contentType: String, data: Data)],
                       includeCSRF: Bool = true) async throws -> TestingHTTPResponse {
        var fields = fields
        if includeCSRF { fields.append(("_csrf", try await csrfToken(override: nil))) }
        let boundary = "----GiaoBanTest" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        for file in files {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\nContent-Type: \(file.contentType)\r\n\r\n".utf8))
            body.append(file.data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        let header = cookieHeader
        let payload = body
        let response = try await app.testing().sendRequest(.POST, path, beforeRequest: { req in
            if !header.isEmpty { req.headers.replaceOrAdd(name: .cookie, value: header) }
            req.headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            req.body = ByteBuffer(data: payload)
        })
        remember(response)
        return response
    }

    private func csrfToken(override: String?) async throws -> String {
        if let override { return override }
        // The token is in every page's forms; read it from a page like a browser would.
        let page = try await get(cookie(SessionAuthMiddleware.cookieName) == nil ? "/login" : "/account/password")
        return try #require(Self.extractCSRF(page.body.string))
    }

    static func extractCSRF(_ html: String) -> String? {
        guard let range = html.range(of: "name=\"_csrf\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    /// Signs in afresh, forgetting any earlier (perhaps expired) session cookie.
    func login(_ username: String, password: String = DemoCommune.password) async throws {
        cookies.withLockedValue { $0.removeAll() }
        let response = try await post("/login", [("username", username), ("password", password)])
        #expect(response.status == .seeOther, "login \(username): \(response.status)")
    }
}

extension TestingHTTPResponse {
    var location: String? { headers.first(name: .location) }
}

/// Converts a generated document with LibreOffice, as an office would open it. Returns the PDF's
/// size in bytes, or nil when LibreOffice is not installed (the check is then skipped).
func libreOfficePDFSize(of document: Data, extension fileExtension: String = "docx") throws -> Int? {
    try libreOfficePDF(of: document, extension: fileExtension).map(\.count)
}

/// The number of pages LibreOffice lays the document out on (nil without LibreOffice or pdfinfo).
func libreOfficePageCount(of document: Data, extension fileExtension: String = "docx") throws -> Int? {
    guard let pdf = try libreOfficePDF(of: document, extension: fileExtension),
          let pdfinfo = ["/usr/bin/pdfinfo", "/usr/local/bin/pdfinfo"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
    else { return nil }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("gb-pages-\(UUID().uuidString).pdf")
    try pdf.write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let process = Process()
    let output = Pipe()
    process.executableURL = URL(fileURLWithPath: pdfinfo)
    process.arguments = [file.path]
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return text.split(separator: "\n").first { $0.hasPrefix("Pages:") }
        .flatMap { Int($0.dropFirst("Pages:".count).trimmingCharacters(in: .whitespaces)) }
}

/// The document converted to PDF by LibreOffice: nil without LibreOffice, empty when it failed.
func libreOfficePDF(of document: Data, extension fileExtension: String = "docx") throws -> Data? {
    guard let soffice = ["/usr/bin/soffice", "/usr/local/bin/soffice"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        print("soffice not installed: the PDF conversion check is skipped")
        return nil
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gb-docx-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = folder.appendingPathComponent("document.\(fileExtension)")
    try document.write(to: input)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: soffice)
    process.arguments = ["-env:UserInstallation=file://\(folder.path)/profile", "--headless", "--convert-to", "pdf", "--outdir", folder.path, input.path]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return Data() }
    return (try? Data(contentsOf: folder.appendingPathComponent("document.pdf"))) ?? Data()
}

extension TestApp {
    /// Generated communes (`giaoban generate`) next to the demo one, with the demo password:
    /// their accounts are `<prefix>001.p001`….
    func generateCommunes(_ communes: Int, people: Int, weeks: Int, prefix: String) async throws {
        var options = Generator.Options()
        options.communes = communes
        options.people = people
        options.weeks = weeks
        options.prefix = prefix
        _ = try await Generator.run(options, passwordHash: try await app.password.async.hash(DemoCommune.password), now: clock.now(), on: db)
    }
}
