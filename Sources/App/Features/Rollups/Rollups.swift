import Fluent
import Foundation
import GiaoBanCore
import GiaoBanOffice
import Vapor

struct CommuneRollupDTO: Content {
    var communeId: UUID
    var name: String
    /// People who owe weekly reports.
    var people: Int
    var onTime: Int
    var late: Int
    var missing: Int
    var onTimeRate: Decimal?
    /// This week: reports in, and reports owed.
    var thisWeekSubmitted: Int
    var thisWeekExpected: Int
    /// Targets of the year with an annual plan (sum rule), their average share of the plan, and
    /// how many are behind the straight-line share of the year.
    var targetsWithPlan: Int
    var averagePercentOfPlan: Decimal?
    var behindTargets: Int
}

struct RollupsDTO: Content {
    var region: String
    var year: Int
    var week: String
    /// The straight-line share of the year, in percent (one decimal, as every percentage).
    var expectedPercent: Decimal
    var communes: [CommuneRollupDTO]
    /// Communes of the region whose stored data does not decode: left out of `communes`.
    var unreadable: [UnreadableCommuneDTO]
}

struct UnreadableCommuneDTO: Content {
    var communeId: UUID
    var name: String
}

/// What a district or province reads (issue #8): per commune of its region, the year's on-time
/// rate of weekly reports and target progress — figures only, never the communes' records.
enum RollupService {
    static func rollups(region: Commune, year: Int, now: Date, on db: any Database, logger: Logger) async throws -> RollupsDTO {
        let regionID = try region.requireID()
        let communes = try await Commune.query(on: db).filter(\.$regionID == regionID).all().sortedVietnamese(by: \.name)
        var rows: [CommuneRollupDTO] = []
        var expected: Decimal = 0
        var weekID = ""
        var unreadable: [UnreadableCommuneDTO] = []
        for commune in communes {
            let communeID = try commune.requireID()
            // One commune whose stored data does not decode is listed as unreadable (and logged)
            // rather than costing the region its whole page; its figures are not guessed.
            do {
                let calendar = try commune.calendar
                let current = calendar.week(containing: now)
                weekID = current.id.description
                let weeks = LedgerService.weeks(ofYear: year, calendar: calendar, now: now)
                let people = try await LedgerService.obligated(communeID: communeID, on: db)
                let ledger = try await LedgerService.rows(for: people, weeks: weeks, calendar: calendar, now: now, on: db)
                let tally = LedgerTally(ledger.map(\.entry))
                let thisWeek = ledger.filter { $0.week.id == current.id }
                let throughWeek = year == current.id.year ? current.id : calendar.weeks(inYear: year).last?.id ?? current.id
                expected = YearToDate.straightLineShare(week: throughWeek.week, weeksInYear: calendar.weeks(inYear: year).count) * 100
                let targets = try await TargetQueries.list(communeID: communeID, year: year, groupID: nil, activeOnly: true, on: db)
                    .filter { try $0.planned != nil && $0.yearToDateRule == .sum }
                let progress = try await TargetProgressQuery.progress(of: targets, through: throughWeek, on: db)
                let percents = targets.compactMap { progress[$0.id!]?.percent }
                let average = YearToDate.averagePercent(percents)
                rows.append(CommuneRollupDTO(
                    communeId: communeID, name: commune.name, people: people.count, onTime: tally.onTime, late: tally.late,
                    missing: tally.missing, onTimeRate: tally.onTimeRate,
                    thisWeekSubmitted: thisWeek.filter { $0.entry.submittedAt != nil }.count, thisWeekExpected: thisWeek.count,
                    targetsWithPlan: targets.count, averagePercentOfPlan: average,
                    behindTargets: try targets.filter { try TargetQueries.isBehind($0, progress: progress[$0.id!], week: throughWeek) }.count))
            } catch let stored as StoredDataError {
                var metadata = stored.logMetadata
                metadata["commune-id"] = .string(communeID.canonicalText)
                logger.error("Roll-up leaves out a commune: stored data unreadable: \(stored.table).\(stored.column)", metadata: metadata)
                unreadable.append(UnreadableCommuneDTO(communeId: communeID, name: commune.name))
            }
        }
        return RollupsDTO(region: region.name, year: year, week: weekID, expectedPercent: YearToDate.rounded(expected, scale: 1),
                          communes: rows, unreadable: unreadable)
    }
}

/// `GET /api/v1/rollups?year=` and the `/rollups` page, for regional accounts.
struct RollupsController {
    static func year(_ req: Request, user: CurrentUser) throws -> Int {
        guard let raw = req.query[String.self, at: "year"], !raw.isEmpty else { return user.calendar.week(containing: req.now).id.year }
        return try PathParameter.year(raw)
    }

    func api(_ req: Request) async throws -> RollupsDTO {
        let user = try req.authorize(.readRollups)
        return try await RollupService.rollups(region: user.commune, year: try Self.year(req, user: user), now: req.now,
                                                  on: req.db, logger: req.logger)
    }

    struct Row: Encodable, Sendable {
        var name: String; var people: Int; var rate: String; var onTime: Int; var late: Int; var missing: Int
        var thisWeek: String; var targets: Int; var average: String; var behind: Int
    }
    struct View: Encodable, Sendable {
        var region: String; var year: Int; var week: String; var expected: String; var rows: [Row]; var chart: String
        /// Names of the communes whose data could not be read, or nil.
        var unreadable: String?
    }

    func page(_ req: Request) async throws -> Response {
        let user = try req.authorize(.readRollups)
        let dto = try await RollupService.rollups(region: user.commune, year: try Self.year(req, user: user), now: req.now,
                                                  on: req.db, logger: req.logger)
        func percent(_ value: Decimal?) -> String { value.map { VietnameseNumber.format($0, maxFractionDigits: 1) + "%" } ?? "—" }
        let rows = dto.communes.map {
            Row(name: $0.name, people: $0.people, rate: percent($0.onTimeRate), onTime: $0.onTime, late: $0.late, missing: $0.missing,
                thisWeek: "\($0.thisWeekSubmitted)/\($0.thisWeekExpected)", targets: $0.targetsWithPlan,
                average: percent($0.averagePercentOfPlan), behind: $0.behindTargets)
        }
        let chart = ProgressChart(rows: dto.communes.map {
            ProgressChart.Row(label: $0.name, yearToDatePercent: $0.averagePercentOfPlan,
                              expectedPercent: dto.expectedPercent)
        }).svg(title: "Tiến độ chỉ tiêu bình quân theo xã, năm \(dto.year)", id: "rollup-progress")
        let view = View(region: dto.region, year: dto.year, week: dto.week, expected: percent(dto.expectedPercent), rows: rows, chart: chart,
                        unreadable: dto.unreadable.isEmpty ? nil : dto.unreadable.map(\.name).joined(separator: ", "))
        return try await req.render("rollups", title: req.t("rollups_title"), section: "rollups", view)
    }
}
