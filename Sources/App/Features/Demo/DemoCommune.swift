import Fluent
import GiaoBanCore
import Vapor

/// The demo commune, shaped like the letter's (Sơn Kim 2): its blocs and fields, about thirty
/// officials with invented names, the four report groups, rooms and party cells.
enum DemoCommune {
    static let password = "giaoban2021"

    struct PersonSeed {
        var name: String
        var position: String
        var units: [String]
        var roles: Set<Role>
        var username: String?
        /// The Party Standing Committee and the People's Committee leaders file no weekly
        /// report: the office compiles their work (the letter).
        var reportsWeekly = true
    }

    static let units: [(String, UnitKind)] = [
        ("Đảng ủy", .party),
        ("Hội đồng nhân dân", .council),
        ("Ủy ban nhân dân", .committee),
        ("Văn phòng - Thống kê", .field),
        ("Địa chính - Nông nghiệp", .field),
        ("Địa chính - Xây dựng", .field),
        ("Tư pháp - Hộ tịch", .field),
        ("Văn hóa - Xã hội", .field),
        ("Tài chính - Kế toán", .field),
        ("Quân sự", .field),
        ("Công an xã", .field),
        ("Trạm y tế", .field),
        ("Mặt trận Tổ quốc", .front),
        ("Hội Nông dân", .association),
        ("Hội Phụ nữ", .association),
        ("Đoàn Thanh niên", .association),
        ("Hội Cựu chiến binh", .association),
    ]

    static let people: [PersonSeed] = [
        .init(name: "Nguyễn Văn Bình", position: "Bí thư Đảng ủy", units: ["Đảng ủy"], roles: [.leader, .reporter], reportsWeekly: false),
        .init(name: "Lê Đình Khải", position: "Phó Bí thư Thường trực, Chủ tịch HĐND", units: ["Đảng ủy", "Hội đồng nhân dân"], roles: [.leader, .reporter], reportsWeekly: false),
        .init(name: "Trần Quốc Hưng", position: "Phó Bí thư, Chủ tịch UBND", units: ["Đảng ủy", "Ủy ban nhân dân"], roles: [.leader, .reporter], reportsWeekly: false),
        .init(name: "Hoàng Minh Tuấn", position: "Phó Chủ tịch UBND, Trưởng BCĐ phòng chống dịch", units: ["Ủy ban nhân dân"], roles: [.leader, .reporter], reportsWeekly: false),
        .init(name: "Võ Thị Lan", position: "Phó Chủ tịch HĐND", units: ["Hội đồng nhân dân"], roles: [.reporter]),
        .init(name: "Phan Thị Ngọc Ánh", position: "Công chức Văn phòng - Thống kê", units: ["Văn phòng - Thống kê"], roles: [.office, .reporter]),
        .init(name: "Nguyễn Thị Thu Hà", position: "Công chức Văn phòng Đảng ủy", units: ["Văn phòng - Thống kê", "Đảng ủy"], roles: [.office, .reporter]),
        .init(name: "Đặng Thị Hồng Nhung", position: "Công chức Địa chính - Nông nghiệp (chuyên trách NTM)", units: ["Địa chính - Nông nghiệp"], roles: [.reporter]),
        .init(name: "Bùi Văn Lực", position: "Công chức Địa chính - Nông nghiệp", units: ["Địa chính - Nông nghiệp"], roles: [.reporter]),
        .init(name: "Dương Văn Thắng", position: "Công chức Địa chính - Xây dựng", units: ["Địa chính - Xây dựng"], roles: [.reporter]),
        .init(name: "Lê Thị Mỹ Duyên", position: "Công chức Tư pháp - Hộ tịch", units: ["Tư pháp - Hộ tịch"], roles: [.reporter]),
        .init(name: "Hồ Sỹ Nam", position: "Công chức Văn hóa - Xã hội", units: ["Văn hóa - Xã hội"], roles: [.reporter]),
        .init(name: "Trần Thị Thanh Tâm", position: "Công chức Văn hóa - Xã hội (LĐTBXH)", units: ["Văn hóa - Xã hội"], roles: [.reporter]),
        .init(name: "Nguyễn Thị Kim Oanh", position: "Công chức Tài chính - Kế toán", units: ["Tài chính - Kế toán"], roles: [.reporter]),
        .init(name: "Phạm Văn Cường", position: "Chỉ huy trưởng Quân sự", units: ["Quân sự"], roles: [.reporter]),
        .init(name: "Thái Doãn Hùng", position: "Trưởng Công an xã", units: ["Công an xã"], roles: [.reporter]),
        .init(name: "Ngô Đức Trí", position: "Phó Trưởng Công an xã", units: ["Công an xã"], roles: [.reporter]),
        .init(name: "Lê Văn Phúc", position: "Trạm trưởng Trạm y tế, Thư ký BCĐ phòng chống dịch", units: ["Trạm y tế"], roles: [.reporter]),
        .init(name: "Nguyễn Thị Yến", position: "Y sĩ Trạm y tế", units: ["Trạm y tế"], roles: [.reporter]),
        .init(name: "Trần Đình Quang", position: "Chủ tịch UBMTTQ", units: ["Mặt trận Tổ quốc"], roles: [.reporter]),
        .init(name: "Phan Văn Đức", position: "Chủ tịch Hội Nông dân", units: ["Hội Nông dân"], roles: [.reporter]),
        .init(name: "Đinh Thị Huyền", position: "Chủ tịch Hội Phụ nữ", units: ["Hội Phụ nữ"], roles: [.reporter]),
        .init(name: "Lê Quang Vinh", position: "Bí thư Đoàn Thanh niên", units: ["Đoàn Thanh niên"], roles: [.reporter]),
        .init(name: "Hoàng Văn Sáu", position: "Chủ tịch Hội Cựu chiến binh", units: ["Hội Cựu chiến binh"], roles: [.reporter]),
        .init(name: "Nguyễn Hữu Tình", position: "Chủ nhiệm UBKT Đảng ủy", units: ["Đảng ủy"], roles: [.reporter]),
        .init(name: "Võ Văn Thành", position: "Trưởng ban Tuyên giáo", units: ["Đảng ủy"], roles: [.reporter]),
        .init(name: "Trần Thị Lệ", position: "Phó Chủ tịch UBMTTQ", units: ["Mặt trận Tổ quốc"], roles: [.reporter]),
        .init(name: "Bùi Thị Nương", position: "Công chức Văn phòng - Thống kê (một cửa)", units: ["Văn phòng - Thống kê"], roles: [.reporter]),
        .init(name: "Đặng Văn Hòa", position: "Công chức Địa chính - Xây dựng (môi trường)", units: ["Địa chính - Xây dựng"], roles: [.reporter]),
        .init(name: "Quản trị hệ thống", position: "Quản trị", units: [], roles: [.admin], username: "admin"),
    ]

    /// "Đặng Thị Hồng Nhung" → "nhung.dth": given name, then the initials of the rest.
    static func username(for name: String) -> String {
        let words = VietnameseText.folded(name).split(separator: " ").map(String.init)
        guard let given = words.last else { return "user" }
        return given + "." + words.dropLast().compactMap(\.first).map(String.init).joined()
    }

    static func loadIfEmpty(_ app: Application) async throws {
        guard try await Commune.query(on: app.db).count() == 0 else {
            printAccounts(app, fresh: false)
            return
        }
        let hash = try await app.password.async.hash(password)
        // The sample target table for 2021 (the letter's year) and again for the year the demo runs in.
        let thisYear = CommuneCalendar(settings: .letterDefaults).week(containing: app.clock.now()).id.year
        let commune = try await app.db.transaction { db in
            try await load(hash: hash, targetYears: [2021, thisYear], on: db)
        }
        // Ten weeks of reports, compilations and approvals, so every page has something to show.
        try await app.db.transaction { db in
            try await DemoHistory.load(communeID: try commune.requireID(), weeks: 10, now: app.clock.now(), on: db)
        }
        // Two months of cell meetings and monthly reports drafted from that history.
        try await app.db.transaction { db in
            try await DemoMonthlyHistory.load(communeID: try commune.requireID(), months: 2, now: app.clock.now(), on: db)
        }
        printAccounts(app, fresh: true)
    }

    /// Loads the demo commune; public so tests and the generator can reuse it.
    /// `targetYears`: the years that get the sample target table and the NTM criteria (with the
    /// activity catalogue); none by default, so tests that bring their own targets start clean.
    @discardableResult
    static func load(hash: String, targetYears: [Int] = [], on db: any Database) async throws -> Commune {
        let commune = Commune(name: "Xã Sơn Kim 2 (dữ liệu mẫu)")
        // Since 1 July 2025 communes report directly to the province: the parent bodies of the letterheads.
        commune.partyParentBody = "ĐẢNG BỘ TỈNH HÀ TĨNH"
        commune.stateParentBody = "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH"
        commune.partyBody = "ĐẢNG ỦY XÃ SƠN KIM 2"
        commune.stateBody = "ỦY BAN NHÂN DÂN XÃ SƠN KIM 2"
        try await commune.save(on: db)
        let communeID = try commune.requireID()

        var unitIDs: [String: UUID] = [:]
        for (name, kind) in units {
            let unit = OrgUnit(communeID: communeID, name: name, kind: kind)
            try await unit.save(on: db)
            unitIDs[name] = try unit.requireID()
        }
        var personIDs: [String: UUID] = [:]
        for seed in people {
            let person = Person(communeID: communeID, fullName: seed.name, username: seed.username ?? username(for: seed.name),
                                passwordHash: hash, roles: seed.roles, position: seed.position)
            person.reportsWeekly = seed.reportsWeekly
            try await person.save(on: db)
            let id = try person.requireID()
            personIDs[seed.name] = id
            for unit in seed.units { try await PersonUnit(personID: id, unitID: unitIDs[unit]!).save(on: db) }
        }
        func ids(_ names: [String]) -> [UUID] { names.map { personIDs[$0]! } }
        func membersOf(_ unitNames: Set<String>) -> [String] {
            people.filter { !Set($0.units).isDisjoint(with: unitNames) }.map(\.name)
        }

        let governmentUnits: Set<String> = ["Ủy ban nhân dân", "Văn phòng - Thống kê", "Địa chính - Nông nghiệp", "Địa chính - Xây dựng",
                                            "Tư pháp - Hộ tịch", "Văn hóa - Xã hội", "Tài chính - Kế toán", "Quân sự", "Công an xã", "Trạm y tế"]
        let partyUnits: Set<String> = ["Đảng ủy", "Hội đồng nhân dân", "Mặt trận Tổ quốc", "Hội Nông dân", "Hội Phụ nữ", "Đoàn Thanh niên", "Hội Cựu chiến binh"]
        let groups: [(name: String, aggregators: [String], members: [String], approver: String?, issuer: IssuingKind)] = [
            ("Khối chính quyền", ["Phan Thị Ngọc Ánh"], membersOf(governmentUnits) + ["Phan Văn Đức"], nil, .state),
            ("Khối Đảng, Mặt trận, đoàn thể", ["Nguyễn Thị Thu Hà"], membersOf(partyUnits), nil, .party),
            ("Nông thôn mới", ["Đặng Thị Hồng Nhung"],
             ["Bùi Văn Lực", "Dương Văn Thắng", "Đặng Văn Hòa", "Hồ Sỹ Nam", "Trần Thị Thanh Tâm", "Nguyễn Thị Kim Oanh", "Phan Văn Đức", "Đinh Thị Huyền"], nil, .state),
            ("Phòng chống Covid-19", ["Lê Văn Phúc", "Phan Thị Ngọc Ánh", "Nguyễn Thị Thu Hà"],
             ["Nguyễn Thị Yến", "Hồ Sỹ Nam", "Thái Doãn Hùng", "Ngô Đức Trí", "Phạm Văn Cường", "Trần Thị Thanh Tâm"], "Hoàng Minh Tuấn", .state),
        ]
        for (index, seed) in groups.enumerated() {
            let group = ReportGroup(communeID: communeID, name: seed.name, approverID: seed.approver.map { personIDs[$0]! }, sortOrder: index + 1)
            group.issuingBody = seed.issuer.rawValue
            try await group.save(on: db)
            let groupID = try group.requireID()
            for id in ids(seed.aggregators) { try await GroupMembership(groupID: groupID, personID: id, kind: .aggregator).save(on: db) }
            for id in Set(ids(seed.members.filter { $0 != "Quản trị hệ thống" })) {
                try await GroupMembership(groupID: groupID, personID: id, kind: .member).save(on: db)
            }
        }

        for (name, capacity) in [("Hội trường UBND xã", 120), ("Phòng họp tầng 2", 30), ("Phòng họp Đảng ủy", 15)] {
            try await Room(communeID: communeID, name: name, capacity: capacity).save(on: db)
        }

        // Regular meeting days as villages usually keep them; Mr Hưng's and Mr Thành's cells meet at
        // the same time, so their rotation plans have to choose.
        func time(_ text: String) -> LocalTime { LocalTime(string: text)! }
        let evening = (time("19:30"), time("21:30"))
        let cells: [(String, [String], CellMeetingDay, (LocalTime, LocalTime))] = [
            ("Chi bộ thôn Kim Cương", ["Nguyễn Văn Bình"], .dayOfMonth(3), evening),
            ("Chi bộ thôn Kim Bình", ["Lê Đình Khải"], .dayOfMonth(5), evening),
            ("Chi bộ thôn Kim Lữ", ["Trần Quốc Hưng"], .dayOfMonth(3), evening),
            ("Chi bộ thôn Tân Thủy", ["Hoàng Minh Tuấn"], .nthWeekday(ordinal: 2, weekday: .saturday), (time("07:30"), time("10:30"))),
            ("Chi bộ thôn Khe Máng", ["Trần Quốc Hưng", "Nguyễn Hữu Tình"], .dayOfMonth(3), (time("20:00"), time("22:00"))),
            ("Chi bộ Trường Mầm non", ["Võ Văn Thành"], .nthWeekday(ordinal: 1, weekday: .friday), (time("16:30"), time("18:00"))),
            ("Chi bộ Trường Tiểu học và THCS", ["Võ Văn Thành"], .nthWeekday(ordinal: 1, weekday: .friday), (time("17:00"), time("19:00"))),
            ("Chi bộ Quân sự - Công an", ["Nguyễn Hữu Tình"], .dayOfMonth(10), (time("14:00"), time("16:30"))),
        ]
        for (name, supervisors, day, hours) in cells {
            let cell = PartyCell(communeID: communeID, name: name)
            cell.setMeetingRule(CellMeetingRule(day: day, start: hours.0, end: hours.1))
            try await cell.save(on: db)
            for id in ids(supervisors) { try await CellSupervisor(cellID: try cell.requireID(), personID: id).save(on: db) }
        }
        if !targetYears.isEmpty {
            try await DemoTargets.load(commune: commune, years: targetYears, on: db)
        }
        return commune
    }

    static func printAccounts(_ app: Application, fresh: Bool) {
        let featured: [(String, String)] = [
            ("admin", "quản trị / administrator"),
            (username(for: "Nguyễn Văn Bình"), "lãnh đạo: Bí thư Đảng ủy / leader"),
            (username(for: "Hoàng Minh Tuấn"), "lãnh đạo, người xét duyệt nhóm Covid-19 / approver"),
            (username(for: "Phan Thị Ngọc Ánh"), "văn phòng, đầu mối khối chính quyền / office, aggregator"),
            (username(for: "Nguyễn Thị Thu Hà"), "văn phòng, đầu mối khối Đảng / office, aggregator"),
            (username(for: "Đặng Thị Hồng Nhung"), "đầu mối Nông thôn mới / NTM aggregator"),
            (username(for: "Hồ Sỹ Nam"), "người báo cáo / reporter"),
            (username(for: "Trần Quốc Hưng"), "lãnh đạo, phụ trách 2 chi bộ / leader, cell supervisor"),
        ]
        var lines = ["", "GiaoBan — xã mẫu " + (fresh ? "đã được tạo" : "đã có sẵn") + " (demo commune " + (fresh ? "created" : "already loaded") + ")",
                     "Mật khẩu của mọi tài khoản mẫu / password of every demo account: \(password)"]
        for (username, role) in featured { lines.append("  \(username.padding(toLength: 14, withPad: " ", startingAt: 0)) \(role)") }
        lines.append("Mở / open http://127.0.0.1:8080 (or the --hostname/--port you gave)")
        lines.append("")
        print(lines.joined(separator: "\n"))
    }
}
