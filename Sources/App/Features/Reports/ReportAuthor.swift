import Fluent
import GiaoBanCore
import Vapor

/// Whose report a request writes: the caller's own, or with `?personId=` a colleague's on their
/// behalf (nộp thay), when `AccessPolicy` allows it (the office; a focal point for its members).
enum ReportAuthor {
    static func resolve(_ req: Request, user: CurrentUser) async throws -> Person {
        guard let raw = req.query[String.self, at: "personId"], !raw.isEmpty, raw != user.personID.canonicalText else {
            return user.person
        }
        guard let id = UUID(uuidString: raw),
              let person = try await Person.query(on: req.db).filter(\.$id == id).filter(\.$communeID == user.communeID)
                .filter(\.$active == true).first() else {
            throw AppError.notFound("Không tìm thấy cán bộ này.")
        }
        let groupIDs = try await GroupMembership.query(on: req.db).filter(\.$personID == id).filter(\.$kind == .member).all().map(\.groupID)
        guard AccessPolicy.allows(user.actor, .fileReportOnBehalf(groupIDs: Set(groupIDs))) else { throw AppError.forbidden }
        return person
    }
}
