import Foundation
import GiaoBanCore
import Vapor

// Both the monthly API and the monthly pages open a report from the same URL shape, so the
// lookup and its access check live with the owner type rather than in either controller.
extension MonthlyOwner {
    /// The report a request names: `units/{unitID}` or `people/{personID}` after the month, with
    /// the caller's right to read (or write) it checked.
    static func resolve(_ req: Request, write: Bool) async throws -> (CurrentUser, MonthlyOwner, MonthlyService.Context) {
        let user = try req.requireUser()
        let calendar = user.calendar
        if req.parameters.get("personID") != nil {
            let person = try await MonthlyService.person(req.parameters.get("personID"), communeID: user.communeID, on: req.db)
            let facts = try await AccessFacts.person(person, on: req.db)
            let allowed = AccessPolicy.allows(user.actor, write ? .writePersonMonthlyReport(person: facts) : .readPersonMonthlyReport(person: facts))
            guard allowed else { throw AppError.forbidden }
            guard let month = try PathParameter.month(req, inPath: true) else { throw AppError.notFound() }
            try await MonthlyService.requireOwed(person, month: month, calendar: calendar, on: req.db)
            return (user, .person(person), MonthlyService.context(month, calendar: calendar))
        }
        let unit = try await MonthlyService.unit(req.parameters.get("unitID"), communeID: user.communeID, on: req.db)
        let unitID = try unit.requireID()
        let allowed = AccessPolicy.allows(user.actor, write ? .writeMonthlyReport(unitID: unitID) : .readUnitMonthlyReport(unitID: unitID))
        guard allowed else { throw AppError.forbidden }
        guard let month = try PathParameter.month(req, inPath: true) else { throw AppError.notFound() }
        return (user, .unit(unit), MonthlyService.context(month, calendar: calendar))
    }
}
