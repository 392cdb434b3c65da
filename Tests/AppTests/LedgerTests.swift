@testable import App
import Fluent
import GiaoBanCore
import GiaoBanOffice
import Testing
import Vapor
import VaporTesting

@Suite("Compliance ledger")
struct LedgerTests {
    /// Wednesday 25/08/2021 09:00 +07: week 33's deadline (Thu 19/08 20:00) has passed.
    static let nextWednesday = letterWednesday.addingTimeInterval(7 * 86400)

    @Test("The week's ledger: on time, late by seconds, missing, excused; focal points see their groups only")
    func weekLedger() async throws {
        try await withTestApp(at: letterWednesday) { t in
            let onTime = try await t.token(TestApp.Demo.reporter)
            _ = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: onTime)
            // Thursday 20:00:07, seven seconds late.
            t.clock.set(Date(timeIntervalSince1970: 1_629_378_000 + 7))
            let lateName = DemoCommune.username(for: "Lê Thị Mỹ Duyên")
            _ = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: try await t.token(lateName))
            // Leave for someone else covering Thursday.
            let excused = try await t.person(DemoCommune.username(for: "Bùi Văn Lực"))
            try await LeaveRecord(of: excused,
                                  from: LocalDate(year: 2021, month: 8, day: 18)!, to: LocalDate(year: 2021, month: 8, day: 20)!,
                                  reason: "Đi học lớp trung cấp lý luận", createdBy: try excused.requireID(), createdAt: letterWednesday).save(on: t.db)
            t.clock.set(Self.nextWednesday)

            let office = try await t.token(TestApp.Demo.office)
            let ledger = try await t.api(.GET, "/api/v1/ledger/2021-W33", token: office)
            #expect(ledger.status == .ok)
            let body = try ledger.content.decode(LedgerWeekDTO.self)
            #expect(body.week == "2021-W33")
            let byName = Dictionary(uniqueKeysWithValues: body.rows.map { ($0.fullName, $0) })
            #expect(byName["Hồ Sỹ Nam"]?.status == "on_time")
            #expect(byName["Hồ Sỹ Nam"]?.submittedAt == "2021-08-18T09:00:00+07:00")
            #expect(byName["Lê Thị Mỹ Duyên"]?.status == "late")
            #expect(byName["Lê Thị Mỹ Duyên"]?.lateBySeconds == 7)
            #expect(byName["Bùi Văn Lực"]?.status == "excused")
            #expect(byName["Thái Doãn Hùng"]?.status == "missing")
            #expect(body.rows.allSatisfy { !$0.groupIds.isEmpty })

            // The NTM focal point sees only the NTM group's members.
            let ntm = try await t.api(.GET, "/api/v1/ledger/2021-W33", token: try await t.token(TestApp.Demo.ntmAggregator))
            let ntmRows = try ntm.content.decode(LedgerWeekDTO.self).rows
            #expect(ntmRows.count == 8)
            #expect(try await t.api(.GET, "/api/v1/ledger/2021-W33", token: onTime).status == .forbidden)
            #expect(try await t.api(.GET, "/api/v1/ledger/2021-W77", token: office).status == .notFound)
        }
    }

    @Test("A person's year and the commune's year; weeks before joining do not count")
    func yearLedger() async throws {
        try await withTestApp(at: letterWednesday) { t in
            let reporter = try await t.person(TestApp.Demo.reporter)
            reporter.joinedOn = "2021-08-01"
            try await reporter.save(on: t.db)
            let token = try await t.token(TestApp.Demo.reporter)
            _ = try await t.api(.POST, "/api/v1/reports/2021-W31/submit", token: token) // late
            _ = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: token) // on time
            let mine = try await t.api(.GET, "/api/v1/ledger?year=2021&personId=\(try reporter.requireID())", token: token)
            #expect(mine.status == .ok)
            let year = try mine.content.decode(LedgerPersonYearDTO.self)
            // Weeks 31, 32, 33 (the first ended after 01/08; week 33 is running and already submitted).
            #expect(year.weeks.map(\.week) == ["2021-W31", "2021-W32", "2021-W33"])
            #expect(year.weeks.map(\.status) == ["late", "missing", "on_time"])
            #expect(year.summary.onTime == 1 && year.summary.late == 1 && year.summary.missing == 1)
            #expect(year.summary.onTimeRate == Decimal(string: "33.3"))
            #expect(mine.body.string.contains("\"onTimeRate\":33.3"), "a JSON number written from the decimal")

            let other = try await t.person(TestApp.Demo.office)
            #expect(try await t.api(.GET, "/api/v1/ledger?year=2021&personId=\(try other.requireID())", token: token).status == .forbidden)
            #expect(try await t.api(.GET, "/api/v1/ledger?year=2021", token: token).status == .forbidden)
            let all = try await t.api(.GET, "/api/v1/ledger?year=2021", token: try await t.token(TestApp.Demo.leader))
            #expect(all.status == .ok)
            let people = try all.content.decode(LedgerYearDTO.self).people
            #expect(people.count > 20)
            #expect(try await t.api(.GET, "/api/v1/ledger?year=abc", token: token).status == .badRequest)
        }
    }

    @Test("Weeks asked for apart: a submission of a week between them counts nowhere; tallies agree with the rows")
    func weeksApartAndTallies() async throws {
        try await withTestApp(at: letterWednesday) { t in
            let token = try await t.token(TestApp.Demo.reporter)
            for week in ["2021-W30", "2021-W31", "2021-W33"] {
                #expect(try await t.api(.POST, "/api/v1/reports/\(week)/submit", token: token).status == .ok)
            }
            let reporter = try await t.person(TestApp.Demo.reporter)
            let calendar = try #require(try await Commune.query(on: t.db).first()).calendar
            let people = try await LedgerService.obligated(communeID: reporter.communeID, on: t.db)
            let year = LedgerService.weeks(ofYear: 2021, calendar: calendar, now: letterWednesday)
            // Weeks 29 and 32 only: the range read between them also meets weeks 30 and 31.
            let apart = year.filter { [29, 32].contains($0.id.week) }
            let rows = try await LedgerService.rows(for: people, weeks: apart, calendar: calendar, now: letterWednesday, on: t.db)
            let mine = rows.filter { $0.obligated.personID == reporter.id }
            #expect(mine.map(\.week.id.description) == ["2021-W29", "2021-W32"])
            #expect(mine.allSatisfy { $0.entry.submittedAt == nil })
            // The tallies count exactly what the rows say, person by person, over the whole year.
            let yearRows = try await LedgerService.rows(for: people, weeks: year, calendar: calendar, now: letterWednesday, on: t.db)
            let tallies = try await LedgerService.tallies(for: people, weeks: year, calendar: calendar, now: letterWednesday, on: t.db)
            let byPerson = Dictionary(grouping: yearRows, by: \.obligated.personID)
            #expect(tallies.count == people.count)
            for person in people {
                #expect(tallies[person.personID] == LedgerTally((byPerson[person.personID] ?? []).map(\.entry)))
            }
            #expect(tallies[reporter.id!]?.submitted == 3)
        }
    }

    @Test("A person read alone has the rows they have among everyone (ids listed or the commune's range); leave off the deadline excuses nothing; namesakes stand in the order of their ids")
    func personAloneAndAmongAll() async throws {
        try await withTestApp(at: letterWednesday) { t in
            let token = try await t.token(TestApp.Demo.reporter)
            #expect(try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: token).status == .ok)
            t.clock.set(Date(timeIntervalSince1970: 1_629_378_000 + 60))
            #expect(try await t.api(.POST, "/api/v1/reports/2021-W33/submit",
                                    token: try await t.token(DemoCommune.username(for: "Lê Thị Mỹ Duyên"))).status == .ok)
            t.clock.set(Self.nextWednesday)
            // Leave over Thursday's deadline for one, over Monday and Tuesday only for another.
            let covered = try await t.person(DemoCommune.username(for: "Bùi Văn Lực"))
            let uncovered = try await t.person(DemoCommune.username(for: "Thái Doãn Hùng"))
            for (person, from, to) in [(covered, 18, 20), (uncovered, 16, 17)] {
                try await LeaveRecord(of: person,
                                      from: LocalDate(year: 2021, month: 8, day: from)!, to: LocalDate(year: 2021, month: 8, day: to)!,
                                      reason: "Công tác", createdBy: try person.requireID(), createdAt: letterWednesday).save(on: t.db)
            }
            let calendar = try #require(try await Commune.query(on: t.db).first()).calendar
            let people = try await LedgerService.obligated(communeID: covered.communeID, on: t.db)
            #expect(people.count >= 8, "enough people for the commune's range to be read")
            let weeks = LedgerService.weeks(ofYear: 2021, calendar: calendar, now: Self.nextWednesday).filter { (31...34).contains($0.id.week) }
            let all = try await LedgerService.rows(for: people, weeks: weeks, calendar: calendar, now: Self.nextWednesday, on: t.db)
            for person in people {
                let alone = try await LedgerService.rows(for: [person], weeks: weeks, calendar: calendar, now: Self.nextWednesday, on: t.db)
                let among = all.filter { $0.obligated.personID == person.personID }
                #expect(alone.map(\.entry) == among.map(\.entry), "\(person.fullName)")
                #expect(alone.map(\.week.id) == among.map(\.week.id), "\(person.fullName)")
            }
            func entry(_ person: Person, _ week: Int) -> LedgerEntry? {
                all.first { $0.obligated.personID == person.id && $0.week.id.week == week }?.entry
            }
            #expect(entry(covered, 33)?.status == .excused)
            #expect(entry(uncovered, 33)?.status == .missing)
            #expect(entry(try await t.person(TestApp.Demo.reporter), 33)?.status == .onTime)
            #expect(entry(try await t.person(DemoCommune.username(for: "Lê Thị Mỹ Duyên")), 33)?.status == .late)

            // Two people of one name: in the order of their ids, however the rows come.
            for person in [covered, uncovered] {
                person.rename("Nguyễn Văn Trùng")
                try await person.save(on: t.db)
            }
            let namesakes = try await LedgerService.obligated(communeID: covered.communeID, on: t.db).filter { $0.fullName == "Nguyễn Văn Trùng" }
            #expect(namesakes.count == 2)
            #expect(namesakes.map(\.personID) == [covered.id!, uncovered.id!].sorted(by: SQLAccess.bytesPrecede))
        }
    }

    @Test("Ledger pages render for those allowed and refuse others; the summary exports to .xlsx")
    func pages() async throws {
        try await withTestApp(at: Self.nextWednesday) { t in
            let office = t.browser()
            try await office.login(TestApp.Demo.office)
            let week = try await office.get("/ledger/weeks/2021-W33")
            #expect(week.status == .ok)
            let html = week.body.string
            // One row per person, in Vietnamese order of given names, each person once.
            let rows = Self.ledgerRows(html)
            let api = try await t.api(.GET, "/api/v1/ledger/2021-W33", token: try await t.token(TestApp.Demo.office))
            let apiRows = try api.content.decode(LedgerWeekDTO.self).rows
            #expect(rows.count == apiRows.count && rows.count > 20)
            #expect(Set(rows.map(\.name)).count == rows.count, "nobody is listed twice")
            #expect(rows.map(\.name) == rows.map(\.name).sortedByVietnameseName { $0 })
            #expect(rows.map(\.name) == apiRows.map(\.fullName), "the page and the API list people in the same order")
            // Someone in two groups is one row that names both groups.
            let twoGroups = try #require(apiRows.first { $0.groupIds.count > 1 })
            let row = try #require(rows.first { $0.name == twoGroups.fullName })
            #expect(row.groups.contains(","))
            // The commune's totals count each person once.
            #expect(Self.count("owed", html) == apiRows.count)
            for status in ["on_time", "late", "missing", "excused", "not_due"] {
                #expect(Self.count(status, html) == apiRows.filter { $0.status == status }.count, "\(status)")
            }
            // By status: what needs attention first, names in order within a status.
            let byStatus = Self.ledgerRows(try await office.get("/ledger/weeks/2021-W33?sort=status").body.string)
            let ranks = byStatus.map { LedgerStatus(rawValue: $0.status)!.attentionRank }
            #expect(ranks == ranks.sorted() && Set(byStatus.map(\.name)) == Set(rows.map(\.name)))
            #expect(byStatus.first?.status == "missing")

            // The week's .xlsx: title, commune, period, then the table with the unit.
            let weekExport = try await office.get("/ledger/weeks/2021-W33.xlsx")
            #expect(weekExport.status == .ok)
            let weekBook = try XLSXReader.read(Data(buffer: weekExport.body))
            let weekSheet = weekBook.sheets[0].rows
            #expect(weekSheet[0].first == "SỔ THEO DÕI CHẤP HÀNH CHẾ ĐỘ BÁO CÁO TUẦN")
            #expect(weekSheet[1].first == "Xã Sơn Kim 2 (dữ liệu mẫu)")
            #expect(weekSheet[2].first?.hasPrefix("Tuần 33/2021") == true)
            let weekHeader = try #require(weekSheet.firstIndex { $0.first == "STT" })
            #expect(weekSheet[weekHeader].prefix(4) == ["STT", "Họ và tên", "Đơn vị", "Nhóm báo cáo"])
            let people = weekSheet[(weekHeader + 1)...].map { $0[1] }
            #expect(people == rows.map(\.name))
            #expect(weekSheet.contains { $0.count > 2 && $0[1] == "Hồ Sỹ Nam" && $0[2] == "Văn hóa - Xã hội" })

            let reporter = try await t.person(TestApp.Demo.reporter)
            #expect(try await office.get("/ledger/people/\(try reporter.requireID())?year=2021").status == .ok)
            let summary = try await office.get("/ledger/summary?year=2021&month=8")
            #expect(summary.status == .ok)
            #expect(summary.body.string.contains("Tháng 8/2021"))
            #expect(summary.body.string.contains("Hội Nông dân"))
            let export = try await office.get("/ledger/summary.xlsx?year=2021&month=8")
            #expect(export.status == .ok)
            #expect(export.headers.contentType?.subType == "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            let workbook = try XLSXReader.read(Data(buffer: export.body))
            #expect(workbook.sheets.map(\.name) == ["Theo cán bộ", "Theo đơn vị"])
            for sheet in workbook.sheets {
                #expect(sheet.rows[0].first?.hasPrefix("TỔNG HỢP CHẤP HÀNH CHẾ ĐỘ BÁO CÁO TUẦN") == true)
                #expect(sheet.rows[1].first == "Xã Sơn Kim 2 (dữ liệu mẫu)" && sheet.rows[2].first == "Tháng 8/2021")
            }
            let peopleRows = workbook.sheets[0].rows
            let header = try #require(peopleRows.firstIndex { $0.first == "STT" })
            #expect(peopleRows[header].prefix(3) == ["STT", "Họ và tên", "Đơn vị"])
            #expect(peopleRows.contains { $0.count > 2 && $0[1] == "Hồ Sỹ Nam" && $0[2] == "Văn hóa - Xã hội" })
            let names = peopleRows[(header + 1)...].map { $0[1] }.filter { $0 != "Tổng cộng" }
            #expect(names == names.sortedByVietnameseName { $0 })
            #expect(try await office.get("/ledger/leaves").status == .ok)
            #expect(try await office.get("/ledger/summary?year=1999").status == .badRequest)

            let nam = t.browser()
            try await nam.login(TestApp.Demo.reporter)
            #expect(try await nam.get("/ledger/weeks/2021-W33").status == .forbidden)
            #expect(try await nam.get("/ledger/summary").status == .forbidden)
            #expect(try await nam.get("/ledger/summary.xlsx").status == .forbidden)
            #expect(try await nam.get("/ledger/weeks/2021-W33.xlsx").status == .forbidden)
            #expect(try await nam.get("/ledger/leaves").status == .forbidden)
            #expect(try await nam.get("/ledger/people/\(try reporter.requireID())").status == .ok)
            let officePerson = try await t.person(TestApp.Demo.office)
            #expect(try await nam.get("/ledger/people/\(try officePerson.requireID())").status == .forbidden)

            let aggregator = t.browser()
            try await aggregator.login(TestApp.Demo.ntmAggregator)
            let ntm = try await aggregator.get("/ledger/weeks/2021-W33")
            #expect(ntm.status == .ok)
            #expect(ntm.body.string.contains("Nông thôn mới"))
            #expect(!ntm.body.string.contains("Phòng chống Covid-19"))
            #expect(Self.ledgerRows(ntm.body.string).count == 8)
            #expect(try await aggregator.get("/ledger/weeks/2021-W33.xlsx").status == .ok)
            #expect(try await aggregator.get("/ledger/summary").status == .forbidden)
        }
    }

    struct LedgerRow { var name: String; var groups: String; var status: String }

    /// The people table of the ledger week page, row by row.
    static func ledgerRows(_ html: String) -> [LedgerRow] {
        guard let table = html.components(separatedBy: "<table id=\"ledger-people\">").dropFirst().first?
            .components(separatedBy: "</table>").first else { return [] }
        return table.components(separatedBy: "<tr data-status=\"").dropFirst().map { row in
            let status = String(row.prefix { $0 != "\"" })
            let link = row.components(separatedBy: "<a href=\"/ledger/people/").dropFirst().first ?? ""
            let name = link.components(separatedBy: "\">").dropFirst().first?.components(separatedBy: "</a>").first ?? ""
            let groups = row.components(separatedBy: "<small>").dropFirst().first?.components(separatedBy: "</small>").first ?? ""
            return LedgerRow(name: name, groups: groups, status: status)
        }
    }

    /// The number on a totals badge (`data-count`).
    static func count(_ key: String, _ html: String) -> Int? {
        guard let badge = html.components(separatedBy: "data-count=\"\(key)\">").dropFirst().first?.components(separatedBy: "</span>").first
        else { return nil }
        return Int(badge.components(separatedBy: ": ").last ?? "")
    }

    @Test("The office records leave; a refused form keeps what was typed; the leave excuses")
    func leave() async throws {
        try await withTestApp(at: Self.nextWednesday) { t in
            let office = t.browser()
            try await office.login(TestApp.Demo.office)
            let person = try await t.person(TestApp.Demo.reporter)
            let refused = try await office.post("/ledger/leaves", [("personId", try person.requireID().uuidString), ("from", "19/08/2021"),
                                                                   ("to", "18/08/2021"), ("reason", "")])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("value=\"19/08/2021\""))
            let saved = try await office.post("/ledger/leaves", [("personId", try person.requireID().uuidString), ("from", "19/08/2021"),
                                                                 ("to", "20/08/2021"), ("reason", "Nghỉ ốm")])
            #expect(saved.status == .seeOther)
            let ledger = try await t.api(.GET, "/api/v1/ledger/2021-W33", token: try await t.token(TestApp.Demo.office))
            let row = try ledger.content.decode(LedgerWeekDTO.self).rows.first { $0.personId == person.id }
            #expect(row?.status == "excused")
            #expect(row?.excuse == "Nghỉ ốm")
            #expect(try await AuditEntry.query(on: t.db).filter(\.$kind == "leave").count() == 1)
            let nam = t.browser()
            try await nam.login(TestApp.Demo.reporter)
            #expect(try await nam.post("/ledger/leaves", [("personId", try person.requireID().uuidString), ("from", "01/09/2021"),
                                                          ("to", "02/09/2021"), ("reason", "x")]).status == .forbidden)
        }
    }
}
