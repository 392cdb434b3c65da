import Fluent
import Foundation
import GiaoBanCore
import GiaoBanOffice
import SQLKit
import Vapor

/// Login slips waiting to be printed: the only place a one-time password exists in plain form,
/// sealed (AES-GCM) with a key derived from a 256-bit token that only the admin's answer carries.
/// The database keeps a hash of the token, never the token, so a copy of the database cannot
/// open the slips. Several app servers share the database, so whichever server the download
/// reaches can serve it; the row is deleted as it is read (single use) and expires after ten
/// minutes. See docs/decisions.md.
final class PendingLoginSlips: Model, @unchecked Sendable {
    static let schema = "login_slips"
    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "slip_count") var slipCount: Int
    /// Base64 of AES-GCM's combined nonce, ciphertext and tag of the JSON `LoginSlips.Sheet`.
    @Field(key: "sealed") var sealed: String

    var properties: [any AnyProperty] { [_id, _tokenHash, _communeID, _createdBy, _createdAt, _expiresAt, _slipCount, _sealed] }

    init() {}
}

enum LoginSlips {
    /// How long a sheet can be downloaded (once).
    static let lifetime: TimeInterval = 10 * 60

    /// Everything the document prints.
    struct Sheet: Codable, Sendable {
        var communeName: String
        var serverAddress: String
        /// yyyy-MM-dd
        var issuedOn: String
        var slips: [LoginSlip]
    }

    struct Ticket: Sendable {
        var token: String
        var expiresAt: Date
        /// `/api/v1/people/slips/{token}.docx`
        var url: String { LoginSlips.path(token: token) }
    }

    static func path(token: String) -> String { SiteRoute.loginSlips(token: token).path }

    /// The key that seals a sheet: HKDF-SHA256 of the token (256 random bits), so that only the
    /// holder of the address can open the row.
    static func key(token: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Data(token.utf8)),
                               salt: Data("giaoban-login-slips-v1".utf8), info: Data("login slips".utf8), outputByteCount: 32)
    }

    /// Seals and stores a sheet; returns the one address that opens it. Expired sheets are swept.
    static func store(_ sheet: Sheet, communeID: UUID, actorID: UUID, now: Date, on db: any Database) async throws -> Ticket {
        let token = SecretToken.make()
        let plain = try JSONEncoder().encode(sheet)
        guard let combined = try AES.GCM.seal(plain, using: key(token: token)).combined else {
            throw AppError(.internalServerError, code: "seal_failed", message: "Không tạo được phiếu đăng nhập.")
        }
        let row = PendingLoginSlips()
        row.tokenHash = SecretToken.hash(token)
        row.communeID = communeID
        row.createdBy = actorID
        row.createdAt = now
        row.expiresAt = now.addingTimeInterval(lifetime)
        row.slipCount = sheet.slips.count
        row.sealed = combined.base64EncodedString()
        try await PendingLoginSlips.query(on: db).filter(\.$expiresAt < now).delete()
        try await row.save(on: db)
        return Ticket(token: token, expiresAt: row.expiresAt)
    }

    enum Taken {
        case sheet(Sheet)
        case expired
        case unknown
    }

    /// Takes the sheet for a token: the row is deleted in the same statement that reads it, so
    /// two downloads (even on two servers) never both get it.
    static func take(token: String, now: Date, on db: any Database) async throws -> Taken {
        guard token.count == 43, token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return .unknown
        }
        let sql = try SQLAccess.sql(db)
        let row = try await sql.raw("""
            DELETE FROM login_slips WHERE token_hash = \(bind: SecretToken.hash(token)) RETURNING expires_at, sealed
            """).first()
        guard let row else { return .unknown }
        let expiresAt = try row.decode(column: "expires_at", as: Date.self)
        guard expiresAt > now else { return .expired }
        guard let data = Data(base64Encoded: try row.decode(column: "sealed", as: String.self)),
              let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key(token: token)),
              let sheet = try? JSONDecoder().decode(Sheet.self, from: plain) else { return .unknown }
        return .sheet(sheet)
    }

    /// Where people sign in: `GIAOBAN_PUBLIC_URL`, else the address the admin's request came to.
    static func serverAddress(_ req: Request) -> String {
        if let configured = req.application.giaobanConfig.publicURL { return configured }
        let host = req.headers.first(name: .host).flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        let scheme = req.headers.first(name: "X-Forwarded-Proto").flatMap { ["http", "https"].contains($0) ? $0 : nil }
            ?? (req.application.giaobanConfig.secureCookies ? "https" : "http")
        return "\(scheme)://\(host)"
    }

    /// `GET /api/v1/people/slips/{token}.docx`: the sheet, once. The address is the key (like a
    /// calendar feed): 404 for an unknown or used address, 410 once it expired.
    static func download(_ req: Request) async throws -> Response {
        let file = req.parameters.get("file") ?? ""
        guard file.hasSuffix(".docx") else { throw AppError.notFound() }
        let token = String(file.dropLast(5))
        switch try await take(token: token, now: req.now, on: req.db) {
        case .unknown:
            throw AppError.notFound("Phiếu đăng nhập không tồn tại hoặc đã được tải về (mỗi phiếu chỉ tải được một lần).")
        case .expired:
            throw AppError(.gone, code: "gone", message: "Phiếu đăng nhập đã hết hạn (10 phút). Hãy cấp lại mật khẩu cho những người cần.")
        case .sheet(let sheet):
            let issuedOn = LocalDate(iso: sheet.issuedOn) ?? LocalDate(year: 2000, month: 1, day: 1)!
            let now = req.now
            let data = try await req.application.threadPool.runIfActive {
                try LoginSlipsDocx.write(sheet.slips, communeName: sheet.communeName, serverAddress: sheet.serverAddress,
                                         issuedOn: issuedOn, modificationDate: now)
            }
            let response = Response(status: .ok, body: .init(data: data))
            response.headers.contentType = HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.wordprocessingml.document")
            response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"phieu-dang-nhap-\(sheet.issuedOn).docx\"")
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        }
    }
}

/// Giving people one-time passwords: new accounts from an import, or a reset by the admin.
enum OneTimePasswords {
    /// Fresh one-time passwords and their bcrypt hashes, hashed in parallel on the thread pool.
    static func make(count: Int, hasher: @escaping @Sendable (String) async throws -> String) async throws -> [(plain: String, hash: String)] {
        let plains = (0..<count).map { _ in StaffAccounts.oneTimePassword() }
        return try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for (index, plain) in plains.enumerated() {
                group.addTask { (index, try await hasher(plain)) }
            }
            var hashes = Array(repeating: "", count: count)
            for try await (index, hash) in group { hashes[index] = hash }
            return zip(plains, hashes).map { ($0, $1) }
        }
    }

    struct ResetResult: Content {
        var personId: UUID
        var username: String
        var mustChangePassword: Bool
        /// The one-time slips document (valid once, for ten minutes).
        var slipsUrl: String
        var slipsExpireAt: String
    }

    /// Gives the person a new one-time password (signing them out everywhere) and a slip.
    static func reset(_ person: Person, user: CurrentUser, req: Request) async throws -> (LoginSlips.Ticket, Person) {
        guard person.id != user.personID else {
            throw AppError.conflict("Bạn không tự cấp lại mật khẩu cho mình được: hãy dùng trang Đổi mật khẩu.")
        }
        guard person.active else {
            throw AppError.conflict("Tài khoản đang ngừng hoạt động: hãy mở lại trước khi cấp mật khẩu.")
        }
        let personID = try person.requireID()
        let (plain, hash) = try await make(count: 1, hasher: { try await req.password.async.hash($0) })[0]
        let unitNames = try await PersonUnit.query(on: req.db).filter(\.$personID == personID).all().map(\.unitID)
        let units = unitNames.isEmpty ? [] : try await OrgUnit.query(on: req.db).filter(\.$id ~~ unitNames).all().sortedVietnamese(by: \.name).map(\.name)
        let now = req.now
        let calendar = user.calendar
        let sheet = LoginSlips.Sheet(communeName: user.commune.name, serverAddress: LoginSlips.serverAddress(req),
                                     issuedOn: LocalDate.inZone(now, calendar.timeZone).iso,
                                     slips: [LoginSlip(fullName: person.fullName, unitName: units.isEmpty ? nil : units.joined(separator: ", "),
                                                       username: person.username, oneTimePassword: plain)])
        let ticket = try await req.db.transaction { db in
            person.passwordHash = hash
            person.mustChangePassword = true
            try await person.save(on: db)
            try await UserSession.query(on: db).filter(\.$personID == personID).delete()
            try await APIToken.query(on: db).filter(\.$personID == personID).delete()
            try await AuditTrail.record(on: db, communeID: user.communeID, actorID: user.personID, at: now, kind: "account",
                                        action: "password_reset", subjectID: personID,
                                        before: Optional<String>.none, after: Optional<String>.none)
            return try await LoginSlips.store(sheet, communeID: user.communeID, actorID: user.personID, now: now, on: db)
        }
        return (ticket, person)
    }
}
