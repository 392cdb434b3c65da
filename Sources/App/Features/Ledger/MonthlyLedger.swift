import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// The monthly obligations in the compliance ledger (SPEC §8): the monthly reports of the units,
/// of the officials, or both (the commune's `monthlyReporters` setting), and each party cell's
/// report (due before the 10th of the next month), with the same statuses and on-time rates as
/// the weekly reports. A fixed number of queries per call.
enum MonthlyLedger {
    /// Whose monthly obligations an actor sees: all for the commune's readers, else their own.
    static func scope(_ actor: Actor, on db: any Database) async throws -> ([OrgUnit], [PartyCell], [Person]) {
        let whole = AccessPolicy.allows(actor, .readCommuneLedger)
        var unitQuery = OrgUnit.query(on: db).filter(\.$communeID == actor.communeID).filter(\.$active == true)
        var cellQuery = PartyCell.query(on: db).filter(\.$communeID == actor.communeID).filter(\.$active == true)
        if !whole {
            unitQuery = unitQuery.filter(\.$id ~~ Array(actor.unitIDs))
            cellQuery = cellQuery.filter(\.$id ~~ Array(actor.supervisedCellIDs))
        }
        let units = whole || !actor.unitIDs.isEmpty ? try await unitQuery.all().sortedVietnamese(by: \.name) : []
        let cells = whole || !actor.supervisedCellIDs.isEmpty ? try await cellQuery.all().sortedVietnamese(by: \.name) : []
        let people = try await MonthlyService.reporters(communeID: actor.communeID, personIDs: whole ? nil : [actor.personID], on: db)
        return (units, cells, people)
    }

    struct Cell: Sendable {
        var month: ReportMonth
        var dueAt: Date
        var entry: LedgerEntry
    }

    struct Row: Sendable {
        var id: UUID
        var name: String
        /// Only the months owed (none before the commune used GiaoBan).
        var cells: [Cell]
        var tally: LedgerTally { LedgerTally(cells.map(\.entry)) }
    }

    static func unitRows(units: [OrgUnit], year: Int, calendar: CommuneCalendar, now: Date, on db: any Database) async throws -> [Row] {
        let months = MonthlyDuty.unitMonths(inYear: year, today: LocalDate.inZone(now, calendar.timeZone), calendar: calendar)
        guard calendar.settings.monthlyReporters.includesUnits else { return [] }
        let reports = try await MonthlyService.reports(unitIDs: units.compactMap(\.id), months: months, on: db)
        let first = Dictionary(reports.compactMap { r in r.unitID.map { ("\($0)|\(r.month)", r.firstSubmittedAt) } }, uniquingKeysWith: { a, _ in a })
        return units.map { unit in
            Row(id: unit.id!, name: unit.name, cells: months.map { month in
                let due = calendar.monthlyReportDeadline(year: month.year, month: month.month)
                return Cell(month: month, dueAt: due,
                            entry: MonthlyService.ledgerEntry(dueAt: due, firstSubmittedAt: first["\(unit.id!)|\(month)"] ?? nil,
                                                              calendar: calendar, now: now))
            })
        }
    }

    /// The officials' personal monthly reports: each official's row holds only the months they
    /// owe (``MonthlyDuty/personOwes(_:duty:calendar:)``); someone who owes none is no row.
    static func personRows(people: [Person], year: Int, calendar: CommuneCalendar, now: Date, on db: any Database) async throws -> [Row] {
        guard calendar.settings.monthlyReporters.includesPeople else { return [] }
        let today = LocalDate.inZone(now, calendar.timeZone)
        let owed = people.map { ($0, MonthlyDuty.personMonths(inYear: year, today: today, duty: $0.reportingDuty, calendar: calendar)) }
            .filter { !$0.1.isEmpty }
        let months = Array(Set(owed.flatMap(\.1))).sorted()
        let reports = try await MonthlyService.reports(personIDs: owed.compactMap(\.0.id), months: months, on: db)
        let first = Dictionary(reports.compactMap { r in r.personID.map { ("\($0)|\(r.month)", r.firstSubmittedAt) } }, uniquingKeysWith: { a, _ in a })
        return owed.map { person, months in
            Row(id: person.id!, name: person.fullName, cells: months.map { month in
                let due = calendar.monthlyReportDeadline(year: month.year, month: month.month)
                return Cell(month: month, dueAt: due,
                            entry: MonthlyService.ledgerEntry(dueAt: due, firstSubmittedAt: first["\(person.id!)|\(month)"] ?? nil,
                                                              calendar: calendar, now: now))
            })
        }
    }

    static func cellRows(cells: [PartyCell], year: Int, calendar: CommuneCalendar, now: Date, on db: any Database) async throws -> [Row] {
        let today = LocalDate.inZone(now, calendar.timeZone)
        let months = CellReportPeriod.monthsBegun(inYear: year, today: today).filter {
            LedgerRules.owesPeriod(endingOn: $0.lastDay, calendar: calendar)
        }
        let reports = try await CellService.monthReports(cellIDs: cells.compactMap(\.id), months: months, on: db)
        let first = Dictionary(reports.map { ("\($0.cellID)|\($0.month)", $0.firstSubmittedAt) }, uniquingKeysWith: { a, _ in a })
        return cells.map { cell in
            Row(id: cell.id!, name: cell.name, cells: months.map { month in
                let due = calendar.cellReportDeadline(year: month.year, month: month.month)
                return Cell(month: month, dueAt: due,
                            entry: MonthlyService.ledgerEntry(dueAt: due, firstSubmittedAt: first["\(cell.id!)|\(month)"],
                                                              calendar: calendar, now: now))
            })
        }
    }
}

struct MonthlyLedgerDTO: Content {
    struct Entry: Content {
        var month: String
        var status: String
        var dueAt: String
        var submittedAt: String?
        var lateBySeconds: Int
    }
    struct Row: Content {
        var id: UUID
        var name: String
        var months: [Entry]
        var summary: LedgerTallyDTO
    }
    var year: Int
    /// The commune's setting: "units", "people" or "both".
    var monthlyReporters: String
    /// One row per unit: its monthly reports (none when the commune asks only people).
    var monthlyReports: [Row]
    /// One row per official who owes a personal monthly report: only the months owed.
    var personalReports: [Row]
    /// One row per party cell: its monthly cell reports.
    var cellReports: [Row]

    init(year: Int, units: [MonthlyLedger.Row], people: [MonthlyLedger.Row], cells: [MonthlyLedger.Row], calendar: CommuneCalendar) {
        func rows(_ rows: [MonthlyLedger.Row]) -> [Row] {
            rows.map { row in
                Row(id: row.id, name: row.name, months: row.cells.map {
                    Entry(month: $0.month.description, status: $0.entry.status.rawValue, dueAt: calendar.isoString($0.dueAt),
                          submittedAt: $0.entry.submittedAt.map(calendar.isoString), lateBySeconds: $0.entry.lateBySeconds)
                }, summary: LedgerTallyDTO(row.tally))
            }
        }
        self.year = year
        monthlyReporters = calendar.settings.monthlyReporters.rawValue
        monthlyReports = rows(units)
        personalReports = rows(people)
        cellReports = rows(cells)
    }
}

extension LedgerAPIController {
    /// `GET /api/v1/ledger/monthly?year=`: every unit, official and cell for leaders, the office and
    /// admins; otherwise the caller's own units, themself, and the cells they are in charge of.
    func monthly(_ req: Request) async throws -> MonthlyLedgerDTO {
        let user = try req.requireUser()
        let calendar = user.calendar
        let yearText = req.query[String.self, at: "year"]
        let year = try yearText.map { try PathParameter.year($0) } ?? LocalDate.inZone(req.now, calendar.timeZone).year
        let (units, cells, people) = try await MonthlyLedger.scope(user.actor, on: req.db)
        return MonthlyLedgerDTO(year: year,
                                units: try await MonthlyLedger.unitRows(units: units, year: year, calendar: calendar, now: req.now, on: req.db),
                                people: try await MonthlyLedger.personRows(people: people, year: year, calendar: calendar, now: req.now, on: req.db),
                                cells: try await MonthlyLedger.cellRows(cells: cells, year: year, calendar: calendar, now: req.now, on: req.db),
                                calendar: calendar)
    }
}

extension LedgerPagesController {
    struct MonthlyRowView: Encodable, Sendable { var name: String; var cells: [LedgerCellView]; var tally: LedgerTallyView }
    struct MonthlySection: Encodable, Sendable {
        var months: [String]; var rows: [MonthlyRowView]; var tally: LedgerTallyView
    }
    struct MonthlyView: Encodable, Sendable {
        var year: Int; var previousYear: Int; var nextYear: Int; var unitMonths: [String]; var cellMonths: [String]
        var units: [MonthlyRowView]; var cells: [MonthlyRowView]; var unitTally: LedgerTallyView; var cellTally: LedgerTallyView
        var people: MonthlySection; var asksUnits: Bool; var asksPeople: Bool
        var previousYearHref: String; var nextYearHref: String
    }

    /// `GET /ledger/monthly?year=`: the monthly reports and the cell reports of a year, month by month.
    func monthly(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let calendar = user.calendar
        let year = try Self.year(req, calendar: calendar)
        let (units, cells, people) = try await MonthlyLedger.scope(user.actor, on: req.db)
        let unitRows = try await MonthlyLedger.unitRows(units: units, year: year, calendar: calendar, now: req.now, on: req.db)
        let personRows = try await MonthlyLedger.personRows(people: people, year: year, calendar: calendar, now: req.now, on: req.db)
        let cellRows = try await MonthlyLedger.cellRows(cells: cells, year: year, calendar: calendar, now: req.now, on: req.db)
        let notOwed = LedgerCellView(status: "not_owed", label: req.t("ledger_not_owed"))
        // Rows may owe different months (an official who joined in June): one column per month
        // owed by anyone, and "not owed" where a row has no obligation.
        func section(_ rows: [MonthlyLedger.Row]) -> MonthlySection {
            let months = Array(Set(rows.flatMap { $0.cells.map(\.month) })).sorted()
            var tally = LedgerTally()
            for row in rows { tally.merge(row.tally) }
            return MonthlySection(
                months: months.map { "T\($0.month)" },
                rows: rows.map { row in
                    let byMonth = Dictionary(row.cells.map { ($0.month, $0) }, uniquingKeysWith: { a, _ in a })
                    return MonthlyRowView(name: row.name, cells: months.map { month in
                        byMonth[month].map { LedgerCellView($0.entry, calendar: calendar) } ?? notOwed
                    }, tally: LedgerTallyView(row.tally))
                },
                tally: LedgerTallyView(tally))
        }
        let unitSection = section(unitRows)
        let cellSection = section(cellRows)
        let reporters = calendar.settings.monthlyReporters
        let view = MonthlyView(year: year, previousYear: year - 1, nextYear: year + 1,
                               unitMonths: unitSection.months, cellMonths: cellSection.months,
                               units: unitSection.rows, cells: cellSection.rows, unitTally: unitSection.tally, cellTally: cellSection.tally,
                               people: section(personRows), asksUnits: reporters.includesUnits, asksPeople: reporters.includesPeople,
                               previousYearHref: SiteRoute.ledgerMonthly(year: year - 1).path,
                               nextYearHref: SiteRoute.ledgerMonthly(year: year + 1).path)
        return try await req.render("ledger/monthly", title: req.t("ledger_monthly_title"), section: "ledger", view)
    }
}
