import Fluent
import Foundation
import GiaoBanCore
import Vapor

struct LedgerRowDTO: Content {
    var personId: UUID
    var fullName: String
    var groupIds: [UUID]
    var status: String
    var submittedAt: String?
    var lateBySeconds: Int
    var dueAt: String
    var excuse: String?
}

struct LedgerWeekDTO: Content {
    struct CompilationDTO: Content {
        var groupId: UUID
        var groupName: String
        var aggregatorIds: [UUID]
        var status: String
        var submittedAt: String?
        var lateBySeconds: Int
        var dueAt: String
    }
    var week: String
    var rows: [LedgerRowDTO]
    /// The focal points' compiled reports of the week, one per group.
    var compilations: [CompilationDTO]
}

struct LedgerTallyDTO: Content {
    var onTime: Int
    var late: Int
    var missing: Int
    var notDue: Int
    var excused: Int
    var onTimeRate: Decimal?

    init(_ tally: LedgerTally) {
        onTime = tally.onTime; late = tally.late; missing = tally.missing; notDue = tally.notDue; excused = tally.excused
        onTimeRate = tally.onTimeRate
    }
}

struct LedgerPersonYearDTO: Content {
    struct WeekRow: Content {
        var week: String
        var status: String
        var submittedAt: String?
        var lateBySeconds: Int
        var dueAt: String
        var excuse: String?
    }
    var year: Int
    var personId: UUID
    var fullName: String
    var weeks: [WeekRow]
    var summary: LedgerTallyDTO
}

struct LedgerYearDTO: Content {
    struct PersonRow: Content {
        var personId: UUID
        var fullName: String
        var unitIds: [UUID]
        var summary: LedgerTallyDTO
    }
    var year: Int
    var people: [PersonRow]
}

struct LedgerAPIController {
    static func row(_ row: LedgerService.Row, calendar: CommuneCalendar) -> LedgerRowDTO {
        LedgerRowDTO(personId: row.obligated.personID, fullName: row.obligated.fullName, groupIds: row.obligated.groupIDs,
                     status: row.entry.status.rawValue, submittedAt: row.entry.submittedAt.map(calendar.isoString),
                     lateBySeconds: row.entry.lateBySeconds, dueAt: calendar.isoString(row.dueAt), excuse: row.entry.excuse?.reason)
    }

    /// `GET /api/v1/ledger/{weekId}`: leaders, the office and admins see everyone; a focal point
    /// sees the members of their groups; others are refused.
    func week(_ req: Request) async throws -> LedgerWeekDTO {
        let user = try req.requireUser()
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        guard AccessPolicy.allows(user.actor, .readGroupLedgers) else { throw AppError.forbidden }
        let groups = LedgerService.readableGroups(user.actor)
        let people = try await LedgerService.obligated(communeID: user.communeID, groupIDs: groups, on: req.db)
        let calendar = user.calendar
        let rows = try await LedgerService.rows(for: people, weeks: [week], calendar: calendar, now: req.now, on: req.db)
        let compilations = try await LedgerService.compilationRows(communeID: user.communeID, groupIDs: groups, week: week,
                                                                   calendar: calendar, now: req.now, on: req.db)
        return LedgerWeekDTO(week: week.id.description, rows: rows.map { Self.row($0, calendar: calendar) },
                             compilations: compilations.map {
                                 .init(groupId: $0.group.id!, groupName: $0.group.name, aggregatorIds: $0.aggregatorIDs,
                                       status: $0.entry.status.rawValue, submittedAt: $0.entry.submittedAt.map(calendar.isoString),
                                       lateBySeconds: $0.entry.lateBySeconds, dueAt: calendar.isoString($0.dueAt))
                             })
    }

    /// `GET /api/v1/ledger?year=&personId=`: one person's year (themselves, or those who may read
    /// them), or without `personId` everyone's year summary (leaders, office, admin).
    func year(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let calendar = user.calendar
        let currentYear = calendar.week(containing: req.now).id.year
        let yearText = req.query[String.self, at: "year"]
        guard let year = yearText.map({ Int($0) }) ?? currentYear, (1900...9999).contains(year) else {
            throw AppError(.badRequest, code: "invalid_parameter", message: "Năm không hợp lệ.", fields: ["year": "Năm không hợp lệ."])
        }
        let weeks = LedgerService.weeks(ofYear: year, calendar: calendar, now: req.now)
        if let raw = req.query[String.self, at: "personId"] {
            guard let personID = UUID(uuidString: raw),
                  let person = try await Person.query(on: req.db).filter(\.$id == personID).filter(\.$communeID == user.communeID).first()
            else { throw AppError.notFound("Không tìm thấy cán bộ này.") }
            guard AccessPolicy.allows(user.actor, .readPersonReports(person: try await AccessFacts.person(person, on: req.db))) else {
            throw AppError.forbidden
        }
            let obligated = try await LedgerService.obligated(communeID: user.communeID, personIDs: [personID], on: req.db)
            let rows = try await LedgerService.rows(for: obligated, weeks: weeks, calendar: calendar, now: req.now, on: req.db)
            let dto = LedgerPersonYearDTO(
                year: year, personId: personID, fullName: person.fullName,
                weeks: rows.map { .init(week: $0.week.id.description, status: $0.entry.status.rawValue,
                                        submittedAt: $0.entry.submittedAt.map(calendar.isoString), lateBySeconds: $0.entry.lateBySeconds,
                                        dueAt: calendar.isoString($0.dueAt), excuse: $0.entry.excuse?.reason) },
                summary: LedgerTallyDTO(LedgerTally(rows.map(\.entry))))
            return try await dto.encodeResponse(for: req)
        }
        try req.authorize(.readCommuneLedger)
        let people = try await LedgerService.obligated(communeID: user.communeID, on: req.db)
        let tallies = try await LedgerService.tallies(for: people, weeks: weeks, calendar: calendar, now: req.now, on: req.db)
        let dto = LedgerYearDTO(year: year, people: people.map { person in
            .init(personId: person.personID, fullName: person.fullName, unitIds: person.unitIDs,
                  summary: LedgerTallyDTO(tallies[person.personID] ?? LedgerTally()))
        })
        return try await dto.encodeResponse(for: req)
    }
}
