import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// Province-scale data for benchmarks and isolation tests: `communes` communes of `people` people
/// each, with units, report groups, targets, rooms, cells and `weeks` weeks of reports (most on
/// time, some late, a few missing), compiled group weeks. Deterministic for a seed; rows go in
/// with multi-row inserts so that 150 communes load in minutes, not hours.
enum Generator {
    struct Options: Sendable {
        var communes = 150
        var people = 60
        var weeks = 52
        var seed: UInt64 = 1
        /// Usernames start with this, then the commune number: "c001.p017".
        var prefix = "c"
        /// The province every generated commune reports to, with one regional account "<prefix>tinh".
        var regionName = "Tỉnh Thử Nghiệm"
    }

    struct Result: Sendable { var communes: Int; var people: Int; var reports: Int; var seconds: Double }

    static let families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
    static let middles = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thu", "Quốc", "Thanh", "Ngọc", "Xuân"]
    static let givens = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hùng", "Lan", "Linh", "Mai", "Nam", "Nga", "Nhung", "Nương",
                         "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Thắng", "Tuấn", "Vinh", "Yến", "Khải", "Lực", "Đạt"]
    static let unitNames: [(String, UnitKind)] = [
        ("Đảng ủy", .party), ("Hội đồng nhân dân", .council), ("Ủy ban nhân dân", .committee), ("Văn phòng - Thống kê", .field),
        ("Địa chính - Nông nghiệp", .field), ("Tư pháp - Hộ tịch", .field), ("Văn hóa - Xã hội", .field), ("Tài chính - Kế toán", .field),
        ("Quân sự", .field), ("Công an xã", .field), ("Mặt trận Tổ quốc", .front), ("Hội Nông dân", .association),
    ]
    static let groupNames = ["Khối chính quyền", "Khối Đảng, Mặt trận, đoàn thể", "Nông thôn mới", "Phòng chống dịch"]
    static let work = [("Tuyên truyền trên loa truyền thanh", "buổi"), ("Kiểm tra, đôn đốc tại thôn", "lượt"),
                       ("Ban hành văn bản hướng dẫn", "văn bản"), ("Họp dân", "cuộc"), ("Giải quyết hồ sơ", "hồ sơ")]

    /// Creates the data, `now` being the generation's "today": the weeks are the ones before it.
    static func run(_ options: Options, passwordHash: String, now: Date, on db: any Database,
                    progress: (String) -> Void = { _ in }) async throws -> Result {
        let started = Date()
        var reportCount = 0
        let region = Commune(id: UUID(), name: options.regionName)
        try await region.create(on: db)
        try await Person(communeID: region.id!, fullName: "Cán bộ \(options.regionName)", username: "\(options.prefix)tinh",
                         passwordHash: passwordHash, roles: [.regional]).create(on: db)
        let regionID = region.id!
        for number in 1...max(1, options.communes) {
            reportCount += try await db.transaction { db in
                // One generator per commune: the same seed gives the same province in any order.
                var random = DemoHistory.Generator(state: options.seed &* 1_000_003 &+ UInt64(number))
                return try await commune(number, options: options, regionID: regionID, passwordHash: passwordHash, now: now,
                                         random: &random, on: db)
            }
            if number % 10 == 0 || number == options.communes { progress("\(number)/\(options.communes) xã") }
        }
        return Result(communes: options.communes, people: options.communes * options.people, reports: reportCount,
                      seconds: Date().timeIntervalSince(started))
    }

    static func chunks<T>(_ items: [T], _ size: Int = 500) -> [ArraySlice<T>] {
        stride(from: 0, to: items.count, by: size).map { items[$0..<min($0 + size, items.count)] }
    }

    static func insert<M: Model>(_ models: [M], on db: any Database) async throws {
        for chunk in chunks(models) { try await Array(chunk).create(on: db) }
    }

    private static func commune(_ number: Int, options: Options, regionID: UUID, passwordHash: String, now: Date,
                                random: inout DemoHistory.Generator, on db: any Database) async throws -> Int {
        let code = String(format: "%03d", number)
        let commune = Commune(id: UUID(), name: "Xã Thử Nghiệm \(code)")
        commune.regionID = regionID
        try await commune.create(on: db)
        let communeID = commune.id!
        let calendar = try commune.calendar
        let units = unitNames.map { OrgUnit(id: UUID(), communeID: communeID, name: $0.0, kind: $0.1) }
        try await insert(units, on: db)

        var people: [Person] = []
        for index in 1...max(6, options.people) {
            let name = "\(families[random.int(0...families.count - 1)]) \(middles[random.int(0...middles.count - 1)]) \(givens[random.int(0...givens.count - 1)])"
            let roles: Set<Role> = index == 1 ? [.admin] : index <= 3 ? [.leader, .reporter] : index <= 5 ? [.office, .reporter] : [.reporter]
            people.append(Person(id: UUID(), communeID: communeID, fullName: name,
                                 username: "\(options.prefix)\(code).p\(String(format: "%03d", index))", passwordHash: passwordHash, roles: roles))
        }
        try await insert(people, on: db)
        let reporters = Array(people.dropFirst())
        var unitOf: [UUID: UUID] = [:]
        var memberships: [PersonUnit] = []
        for (index, person) in reporters.enumerated() {
            let unit = units[index % units.count]
            unitOf[person.id!] = unit.id!
            memberships.append(PersonUnit(personID: person.id!, unitID: unit.id!))
        }
        try await insert(memberships, on: db)

        let groups = groupNames.enumerated().map { ReportGroup(id: UUID(), communeID: communeID, name: $1, sortOrder: $0) }
        try await insert(groups, on: db)
        var groupLinks: [GroupMembership] = []
        var groupOf: [UUID: UUID] = [:]
        for (index, person) in reporters.enumerated() {
            let group = groups[index % groups.count]
            groupOf[person.id!] = group.id!
            groupLinks.append(GroupMembership(groupID: group.id!, personID: person.id!, kind: .member))
        }
        for (index, group) in groups.enumerated() {
            groupLinks.append(GroupMembership(groupID: group.id!, personID: reporters[index % reporters.count].id!, kind: .aggregator))
        }
        try await insert(groupLinks, on: db)

        let year = calendar.week(containing: now).id.year
        var targets: [Target] = []
        for (groupIndex, group) in groups.enumerated() {
            for index in 1...10 {
                let unit = units[(groupIndex * 3 + index) % units.count]
                targets.append(Target(id: UUID(), communeID: communeID, year: year, groupID: group.id!,
                                      code: "G\(groupIndex + 1)-\(String(format: "%02d", index))", name: "Chỉ tiêu \(index) của \(group.name)",
                                      unitOfMeasure: "đơn vị", planned: Decimal(random.int(50...2000)), valueKind: .count,
                                      yearToDateRule: index % 4 == 0 ? .latest : .sum, responsibleUnitID: unit.id!, sortOrder: index))
            }
        }
        try await insert(targets, on: db)
        let targetsByUnit = Dictionary(grouping: targets, by: { $0.responsibleUnitID! })
        try await insert((1...3).map { Room(id: UUID(), communeID: communeID, name: "Phòng họp \($0)", capacity: 20 * $0) }, on: db)
        let cells = (1...6).map { PartyCell(id: UUID(), communeID: communeID, name: "Chi bộ thôn \($0)") }
        try await insert(cells, on: db)
        try await insert(cells.enumerated().map { CellSupervisor(cellID: $1.id!, personID: people[1 + $0 % 4].id!) }, on: db)

        // Weeks of reports before the current one.
        var week = calendar.week(containing: now)
        var weeks: [ReportWeek] = []
        for _ in 0..<options.weeks {
            week = calendar.week(containing: week.start.adding(days: -1))
            weeks.insert(week, at: 0)
        }
        var reports: [WeeklyReport] = []
        var figures: [ReportFigure] = []
        var targetFigures: [TargetWeekFigure] = []
        var figureEntered: Set<String> = []
        var items: [ReportWorkItem] = []
        var plans: [ReportPlanItem] = []
        var groupWeeks: [GroupWeek] = []
        for week in weeks {
            let due = calendar.deadlines(for: week).weeklyReport
            for person in reporters {
                let roll = random.int(0...99)
                guard roll < 94 else { continue }
                let submittedAt = roll < 82 ? due.addingTimeInterval(-Double(random.int(1...60)) * 3600)
                                            : due.addingTimeInterval(Double(random.int(1...40)) * 3600)
                let report = try WeeklyReport(of: person, week: week.id, now: submittedAt)
                report.id = UUID()
                report.status = .submitted
                report.firstSubmittedAt = submittedAt
                report.lastSubmittedAt = submittedAt
                reports.append(report)
                for target in (targetsByUnit[unitOf[person.id!] ?? UUID()] ?? []).prefix(3) {
                    let figure = ReportFigure(reportID: report.id!, targetID: target.id!, week: week.id,
                                              value: Decimal(random.int(1...20)), completed: random.chance(90), submitted: true)
                    figures.append(figure)
                    // The first colleague of the unit to report a target's figure enters the week's one figure.
                    if figureEntered.insert("\(target.id!)|\(week.id)").inserted {
                        let entered = TargetWeekFigure()
                        entered.id = UUID()
                        entered.communeID = communeID
                        entered.targetID = target.id!
                        entered.weekYear = week.id.year
                        entered.weekNumber = week.id.week
                        entered.valueText = figure.valueText
                        entered.completed = figure.completed
                        entered.enteredByID = person.id!
                        entered.enteredAt = submittedAt
                        entered.reportID = report.id
                        entered.unusualJump = false
                        targetFigures.append(entered)
                    }
                }
                for position in 0..<2 {
                    let kind = work[random.int(0...work.count - 1)]
                    let item = ReportWorkItem()
                    item.reportID = report.id!
                    item.position = position
                    item.description = kind.0
                    item.quantityText = String(random.int(1...9))
                    item.unit = kind.1
                    items.append(item)
                }
                let day = week.days[random.int(0...6)]
                let plan = ReportPlanItem()
                plan.reportID = report.id!
                plan.communeID = communeID
                plan.position = 0
                plan.date = day.adding(days: 7).iso
                plan.start = String(format: "%02d:00", random.int(7...15))
                plan.end = String(format: "%02d:30", random.int(16...17))
                plan.title = "Làm việc tại thôn \(random.int(1...6))"
                plan.setParticipantIDs([])
                plans.append(plan)
            }
            for group in groups {
                let compiled = GroupWeek(communeID: communeID, groupID: group.id!, week: week.id, now: due)
                compiled.state = .compiled
                compiled.summary = "Các thành viên cơ bản hoàn thành nhiệm vụ tuần."
                compiled.firstCompiledAt = calendar.deadlines(for: week).groupCompilation.addingTimeInterval(-3600)
                compiled.compiledAt = compiled.firstCompiledAt
                groupWeeks.append(compiled)
            }
        }
        try await insert(reports, on: db)
        try await insert(figures, on: db)
        try TargetFigures.runningTotals(targetFigures)
        try await insert(targetFigures, on: db)
        try await insert(items, on: db)
        try await insert(plans, on: db)
        try await insert(groupWeeks, on: db)
        return reports.count
    }
}

/// `giaoban generate --communes 150 --people 60 --weeks 52`: fills the configured database.
struct GenerateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "communes", help: "How many communes (150)") var communes: Int?
        @Option(name: "people", help: "People per commune (60)") var people: Int?
        @Option(name: "weeks", help: "Weeks of reports before this one (52)") var weeks: Int?
        @Option(name: "seed", help: "Seed of the generator (1)") var seed: Int?
        @Option(name: "password", help: "Password of every generated account (giaoban2021)") var password: String?
        @Option(name: "prefix", help: "Usernames start with it: <prefix>001.p001, <prefix>tinh (c)") var prefix: String?
    }
    var help: String { "Tạo dữ liệu thử quy mô tỉnh / generate province-scale test data" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        var options = Generator.Options()
        options.communes = max(1, signature.communes ?? 150)
        options.people = max(6, signature.people ?? 60)
        options.weeks = max(0, min(signature.weeks ?? 52, 520))
        options.seed = UInt64(max(0, signature.seed ?? 1))
        options.prefix = (signature.prefix ?? "c").lowercased()
        try await app.autoMigrate()
        let hash = try await app.password.async.hash(signature.password ?? DemoCommune.password)
        let result = try await Generator.run(options, passwordHash: hash, now: app.clock.now(), on: app.db) { context.console.print($0) }
        context.console.print("Đã tạo \(result.communes) xã, \(result.people) người, \(result.reports) báo cáo tuần trong \(String(format: "%.1f", result.seconds)) giây.")
        context.console.print("Tài khoản: ctinh (cấp tỉnh, xem tổng hợp), c001.p001 (quản trị xã 1), c001.p002 (lãnh đạo) …, mật khẩu \(signature.password ?? DemoCommune.password)")
    }
}
