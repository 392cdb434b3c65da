import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// The monthly obligations in the compliance ledger (SPEC §8): each unit's monthly report (due
/// before the 20th of the month) and each party cell's report (due before the 10th of the next
/// month), with the same statuses and on-time rates as the weekly reports. Three queries per call.
enum MonthlyLedger {
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
        let today = LocalDate.inZone(now, calendar.timeZone)
        let rule = calendar.settings.monthlyPeriodRule
        let months = ReportingPeriods.reportMonthsBegun(inYear: year, rule: rule, today: today).filter {
            LedgerRules.owesPeriod(endingOn: ReportingPeriods.period(for: $0, rule: rule).lastDay, calendar: calendar)
        }
        let reports = try await MonthlyService.reports(unitIDs: units.compactMap(\.id), months: months, on: db)
        let first = Dictionary(reports.map { ("\($0.unitID)|\($0.month)", $0.firstSubmittedAt) }, uniquingKeysWith: { a, _ in a })
        return units.map { unit in
            Row(id: unit.id!, name: unit.name, cells: months.map { month in
                let due = calendar.monthlyReportDeadline(year: month.year, month: month.month)
                return Cell(month: month, dueAt: due,
                            entry: MonthlyService.ledgerEntry(dueAt: due, firstSubmittedAt: first["\(unit.id!)|\(month)"] ?? nil,
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
    /// One row per unit: its monthly reports.
    var monthlyReports: [Row]
    /// One row per party cell: its monthly cell reports.
    var cellReports: [Row]

    init(year: Int, units: [MonthlyLedger.Row], cells: [MonthlyLedger.Row], calendar: CommuneCalendar) {
        func rows(_ rows: [MonthlyLedger.Row]) -> [Row] {
            rows.map { row in
                Row(id: row.id, name: row.name, months: row.cells.map {
                    Entry(month: $0.month.description, status: $0.entry.status.rawValue, dueAt: calendar.isoString($0.dueAt),
                          submittedAt: $0.entry.submittedAt.map(calendar.isoString), lateBySeconds: $0.entry.lateBySeconds)
                }, summary: LedgerTallyDTO(row.tally))
            }
        }
        self.year = year
        monthlyReports = rows(units)
        cellReports = rows(cells)
    }
}

extension LedgerAPIController {
    /// `GET /api/v1/ledger/monthly?year=`: every unit and cell for leaders, the office and admins;
    /// otherwise the caller's own units and the cells they are in charge of.
    func monthly(_ req: Request) async throws -> MonthlyLedgerDTO {
        let user = try req.requireUser()
        let calendar = user.commune.calendar
        let yearText = req.query[String.self, at: "year"]
        let year = try yearText.map { try CellsAPIController.year($0) } ?? LocalDate.inZone(req.now, calendar.timeZone).year
        let (units, cells) = try await LedgerPagesController.monthlyScope(user.actor, on: req.db)
        return MonthlyLedgerDTO(year: year,
                                units: try await MonthlyLedger.unitRows(units: units, year: year, calendar: calendar, now: req.now, on: req.db),
                                cells: try await MonthlyLedger.cellRows(cells: cells, year: year, calendar: calendar, now: req.now, on: req.db),
                                calendar: calendar)
    }
}

extension LedgerPagesController {
    /// Whose monthly obligations an actor sees: all for the commune's readers, else their own.
    static func monthlyScope(_ actor: Actor, on db: any Database) async throws -> ([OrgUnit], [PartyCell]) {
        let whole = AccessPolicy.allows(actor, .readCommuneLedger)
        var unitQuery = OrgUnit.query(on: db).filter(\.$communeID == actor.communeID).filter(\.$active == true)
        var cellQuery = PartyCell.query(on: db).filter(\.$communeID == actor.communeID).filter(\.$active == true)
        if !whole {
            unitQuery = unitQuery.filter(\.$id ~~ Array(actor.unitIDs))
            cellQuery = cellQuery.filter(\.$id ~~ Array(actor.supervisedCellIDs))
        }
        let units = whole || !actor.unitIDs.isEmpty ? try await unitQuery.all().sortedVietnamese(by: \.name) : []
        let cells = whole || !actor.supervisedCellIDs.isEmpty ? try await cellQuery.all().sortedVietnamese(by: \.name) : []
        return (units, cells)
    }

    struct MonthlyRowView: Encodable, Sendable { var name: String; var cells: [StatusCell]; var tally: TallyView }
    struct MonthlyView: Encodable, Sendable {
        var year: Int; var previousYear: Int; var nextYear: Int; var unitMonths: [String]; var cellMonths: [String]
        var units: [MonthlyRowView]; var cells: [MonthlyRowView]; var unitTally: TallyView; var cellTally: TallyView
    }

    /// `GET /ledger/monthly?year=`: the monthly reports and the cell reports of a year, month by month.
    func monthly(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let calendar = user.commune.calendar
        let year = try Self.year(req, calendar: calendar)
        let (units, cells) = try await Self.monthlyScope(user.actor, on: req.db)
        let unitRows = try await MonthlyLedger.unitRows(units: units, year: year, calendar: calendar, now: req.now, on: req.db)
        let cellRows = try await MonthlyLedger.cellRows(cells: cells, year: year, calendar: calendar, now: req.now, on: req.db)
        func view(_ rows: [MonthlyLedger.Row]) -> [MonthlyRowView] {
            rows.map { row in
                MonthlyRowView(name: row.name, cells: row.cells.map { Self.cell($0.entry, calendar: calendar) },
                               tally: TallyView(row.tally))
            }
        }
        func total(_ rows: [MonthlyLedger.Row]) -> TallyView {
            var tally = LedgerTally()
            for row in rows { tally.merge(row.tally) }
            return TallyView(tally)
        }
        func headers(_ rows: [MonthlyLedger.Row]) -> [String] { (rows.first?.cells ?? []).map { "T\($0.month.month)" } }
        let view = MonthlyView(year: year, previousYear: year - 1, nextYear: year + 1,
                               unitMonths: headers(unitRows), cellMonths: headers(cellRows),
                               units: view(unitRows), cells: view(cellRows), unitTally: total(unitRows), cellTally: total(cellRows))
        return try await req.render("ledger/monthly", title: req.t("ledger_monthly_title"), section: "ledger", view)
    }
}
