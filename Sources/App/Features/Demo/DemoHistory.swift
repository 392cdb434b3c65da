import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// A few weeks of plausible history for the demo commune, so that the ledger, the group pages
/// and the briefing have something to show: most people report on time, some late, a few not
/// at all; the focal points compile; the Covid group's approver approves. Deterministic.
enum DemoHistory {
    /// The core's seeded generator with the draws the demo makes, so every demo start looks the same.
    struct Generator {
        private var source: SplitMix64
        init(state: UInt64) { source = SplitMix64(state: state) }
        mutating func next() -> UInt64 { source.next() }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
    }

    static let places = ["thôn Kim Cương", "thôn Kim Bình", "thôn Kim Lữ", "thôn Tân Thủy", "thôn Khe Máng", "trụ sở UBND xã"]

    /// What officials raise at a commune briefing.
    static let difficulties = [
        "Một số hộ cận nghèo chưa tham gia BHYT do khó khăn về kinh phí; đề nghị Mặt trận vận động hỗ trợ.",
        "Kinh phí sửa chữa loa truyền thanh thôn Khe Máng chưa được bố trí; đề nghị UBND xã xem xét.",
        "Mưa kéo dài làm chậm tiến độ làm đường giao thông thôn Kim Lữ.",
        "Phần mềm dịch vụ công trực tuyến thường xuyên lỗi, người dân phải đến trụ sở nộp hồ sơ.",
        "Thiếu máy tính tại bộ phận một cửa; đề nghị trang bị thêm 01 máy.",
        "Một số hộ chưa đồng thuận hiến đất mở rộng đường; đề nghị lãnh đạo xã trực tiếp đối thoại.",
    ]

    /// The demo's activity types that belong to a thematic group rather than to the author's bloc:
    /// building the new countryside goes to the NTM group.
    static func thematicGroup(of activityType: String, groups: [ReportGroup]) -> ReportGroup? {
        guard activityType == "LD" else { return nil }
        return groups.first { VietnameseText.folded($0.name).contains("nong thon moi") }
    }
    /// Loads `weeks` weeks of history ending with the week before the one containing `now`.
    static func load(communeID: UUID, weeks count: Int, now: Date, on db: any Database) async throws {
        guard let commune = try await Commune.find(communeID, on: db) else { return }
        let calendar = try commune.calendar
        let current = calendar.week(containing: now)
        var weeks: [ReportWeek] = []
        var cursor = current
        for _ in 0..<count {
            cursor = calendar.week(containing: cursor.start.adding(days: -1))
            weeks.insert(cursor, at: 0)
        }
        // The commune started using GiaoBan with the first week of this history: the weeks
        // before it were kept on paper and are owed to nobody here.
        if let first = weeks.first, try commune.calendarSettings.inUseSince == nil {
            var settings = try commune.calendarSettings
            settings.inUseSince = first.start
            commune.setCalendarSettings(settings)
            try await commune.save(on: db)
        }
        let people = try await LedgerService.obligated(communeID: communeID, on: db)
        let personOf = Dictionary(uniqueKeysWithValues: try await Person.query(on: db).filter(\.$communeID == communeID).all().map { ($0.id!, $0) })
        let types = try await ActivityType.query(on: db).filter(\.$communeID == communeID).sort(\.$code).all()
        let rooms = try await Room.query(on: db).filter(\.$communeID == communeID).all()
        var random = Generator(state: 2021)
        let allGroups = try await ReportGroup.query(on: db).filter(\.$communeID == communeID).all()
        for week in weeks where calendar.owesWeeklyReport(week) {
            let due = calendar.deadlines(for: week).weeklyReport
            let planWeek = calendar.week(containing: week.end.adding(days: 1))
            for member in people {
                guard let person = personOf[member.personID] else { continue }
                let roll = random.int(0...99)
                guard roll < 92 else { continue } // missing
                // On time: Tuesday to Thursday evening; late: Friday morning.
                let submittedAt = roll < 80 ? due.addingTimeInterval(-Double(random.int(1...50)) * 3600)
                                            : due.addingTimeInterval(Double(random.int(1...14)) * 3600 + Double(random.int(0...3599)))
                let targets = try await ReportService.responsibleTargets(for: person, year: week.id.year, on: db)
                var input = WeeklyReportInput()
                for target in targets where random.chance(60) {
                    // Roughly the weekly share of the plan (or near the plan for "latest" figures).
                    let plan = NSDecimalNumber(decimal: try target.planned ?? 10).doubleValue
                    let scale = Double(random.int(50...150)) / 100
                    let raw = target.yearToDateRule == .sum ? plan / 45 * scale : plan * Double(random.int(80...98)) / 100
                    let value: String
                    switch target.valueKind {
                    case .yesNo: value = random.chance(70) ? "1" : "0"
                    case .count: value = String(max(1, Int(raw.rounded())))
                    case .decimal: value = VietnameseNumber.format(Decimal(max(0.1, (raw * 10).rounded() / 10)), maxFractionDigits: 1)
                    }
                    input.figures.append(.init(targetID: target.id!, value: value, completed: random.chance(85)))
                }
                for _ in 0..<random.int(1...3) where !types.isEmpty {
                    let type = types[random.int(0...(types.count - 1))]
                    let day = week.days[random.int(0...6)]
                    // A line goes to its thematic group when its author is in it, else to the author's default.
                    let group = thematicGroup(of: type.code, groups: allGroups).flatMap { member.groupIDs.contains($0.id!) ? $0.id : nil }
                    input.work.append(.init(description: type.name, quantity: String(random.int(1...12)), unit: type.defaultUnit,
                                            activityType: type.code, place: places[random.int(0...(places.count - 1))],
                                            dates: day.vietnamese, groupIDs: group.map { [$0.canonicalText] } ?? [],
                                            forecast: day == week.end && random.chance(60)))
                }
                if random.chance(20) { input.difficulties = difficulties[random.int(0...(difficulties.count - 1))] }
                if random.chance(50) {
                    let day = planWeek.days[random.int(2...6)]
                    let hour = random.int(7...15)
                    input.plans.append(.init(date: day.vietnamese, start: String(format: "%02d:00", hour), end: String(format: "%02d:30", hour + 1),
                                             title: "Làm việc với \(places[random.int(0...(places.count - 1))]) về kế hoạch tuần",
                                             roomID: random.chance(40) && !rooms.isEmpty ? rooms[random.int(0...(rooms.count - 1))].id!.canonicalText : "",
                                             place: "", chairID: "", participantIDs: [], preparedBy: ""))
                }
                try await ReportService.save(input, submit: true, person: person, actorID: member.personID, week: week,
                                             calendar: calendar, now: submittedAt, on: db)
            }
            // The focal points compile by Friday 14:00; the Covid group's approver approves.
            let groups = try await ReportGroup.query(on: db).filter(\.$communeID == communeID).all()
            let compileAt = calendar.deadlines(for: week).groupCompilation.addingTimeInterval(-Double(random.int(1...5)) * 3600)
            for group in groups {
                guard let aggregatorID = try await CompilationService.aggregatorIDs(groupID: group.id!, on: db).first,
                      let aggregator = try await AccountQueries.currentUser(personID: aggregatorID, session: nil, on: db) else { continue }
                _ = try await CompilationService.act(.submit, group: group, week: week, actor: aggregator.actor, comment: "",
                                                     summary: "Các thành viên cơ bản hoàn thành nhiệm vụ tuần; tiếp tục đôn đốc các chỉ tiêu còn chậm.",
                                                     confirmMissing: true, calendar: calendar, now: compileAt, on: db)
                if let approverID = group.approverID,
                   let approver = try await AccountQueries.currentUser(personID: approverID, session: nil, on: db) {
                    _ = try await CompilationService.act(.approve, group: group, week: week, actor: approver.actor, comment: "Đồng ý.",
                                                         summary: nil, calendar: calendar, now: compileAt.addingTimeInterval(1800), on: db)
                }
            }
        }
        // The last two briefings' conclusions and the tasks they assigned.
        try await DemoConclusions.load(communeID: communeID, weeks: weeks.filter { calendar.owesWeeklyReport($0) }, calendar: calendar, on: db)
    }
}
