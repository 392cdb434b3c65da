import Fluent
import Foundation
import GiaoBanCore
import GiaoBanOffice
import Vapor

/// The ledger pages: a week per group, a person's year, month/year summaries per person and per
/// unit (with an .xlsx export), and the office's leave records.
struct LedgerPagesController {
    // MARK: Week

    /// One person of the week: their report is one report, judged once, whatever their groups.
    struct WeekRow: Encodable, Sendable {
        var personID: String; var name: String; var groups: String; var units: String; var cell: LedgerCellView
        /// The person's year in the ledger.
        var href: String
    }
    struct CompilationLine: Encodable, Sendable { var name: String; var members: Int; var cell: LedgerCellView? }
    struct WeekView: Encodable, Sendable {
        var weekID: String; var title: String; var previousID: String; var nextID: String; var due: String
        /// The commune's totals: every person who owes the week's report, counted once.
        var owed: Int; var totals: LedgerTallyView; var peopleNote: String
        var rows: [WeekRow]; var sortedByStatus: Bool; var sortByNameHref: String; var sortByStatusHref: String
        var compilations: [CompilationLine]; var exportHref: String
        var canSummarise: Bool; var canManageLeave: Bool
        /// Why nobody owes this week's report, when nobody does.
        var notOwed: String?
        var previousHref: String; var nextHref: String
        var summaryHref = SiteRoute.ledgerSummary().path
        var leavesHref = SiteRoute.ledgerLeaves.path
        var monthlyHref = SiteRoute.ledgerMonthly().path
    }

    /// Why a week owes no report: a week of holidays, or before the commune used GiaoBan.
    static func notOwedReason(_ week: ReportWeek, calendar: CommuneCalendar) -> String? {
        switch LedgerRules.whyNotOwed(week, calendar: calendar) {
        case nil: nil
        case .tooFewWorkingDays:
            "Tuần này có dưới hai ngày làm việc nên không có báo cáo tuần; công việc được báo cáo cùng tuần sau."
        case .beforeInUse(let since):
            "Tuần này trước ngày xã bắt đầu sử dụng GiaoBan\(since.map { " (\($0.vietnamese))" } ?? ""): không tính vào sổ theo dõi."
        }
    }

    /// Everything the week's page and its .xlsx show: one row per person in Vietnamese order of
    /// names (or by status, what needs attention first), the groups' compilations, the totals.
    struct WeekBoard {
        struct Line { var row: LedgerService.Row; var groups: [String]; var units: [String] }
        var week: ReportWeek
        var lines: [Line]
        var compilations: [(group: ReportGroup, members: Int, entry: LedgerEntry?)]
        var totals: LedgerTally
    }

    static func weekBoard(_ week: ReportWeek, user: CurrentUser, byStatus: Bool, now: Date, on db: any Database) async throws -> WeekBoard {
        guard AccessPolicy.allows(user.actor, .readGroupLedgers) else { throw AppError.forbidden }
        let readable = LedgerService.readableGroups(user.actor)
        let calendar = user.calendar
        // Independent reads (side by side on PostgreSQL): the people and their rows, the groups'
        // compilations, the units.
        let communeID = user.communeID
        let groups = try await LedgerService.activeGroups(communeID: communeID, groupIDs: readable, on: db)
        let (unitNames, rows, compilationByGroup) = try await PageReads.together(on: db,
            { try await OrganisationQueries.unitNames(communeID: communeID, on: db) },
            { try await LedgerService.rows(for: try await LedgerService.obligated(communeID: communeID, groupIDs: readable, groupsInOrder: groups, on: db),
                                           weeks: [week], calendar: calendar, now: now, on: db) },
            { try await LedgerService.compilationEntries(of: groups, week: week, calendar: calendar, now: now, on: db) })
        let groupNames = Dictionary(uniqueKeysWithValues: groups.map { ($0.id!, $0.name) })
        let groupOrder = Dictionary(uniqueKeysWithValues: groups.enumerated().map { ($1.id!, $0) })
        // `rows` come in the order of `obligated`: Vietnamese order of names.
        var lines = rows.map { row in
            WeekBoard.Line(row: row,
                           groups: row.obligated.groupIDs.sorted { (groupOrder[$0] ?? .max) < (groupOrder[$1] ?? .max) }.compactMap { groupNames[$0] },
                           units: row.obligated.unitIDs.compactMap { unitNames[$0] }.sortedVietnamese { $0 })
        }
        if byStatus {
            // A stable sort keeps the names in order within each status.
            lines = lines.enumerated().sorted { ($0.element.row.entry.status.attentionRank, $0.offset) < ($1.element.row.entry.status.attentionRank, $1.offset) }
                .map(\.element)
        }
        // Each group's members who owe the week, counted in one pass over the rows (a pass per
        // group copied every row once per group).
        var owingMembers: [UUID: Int] = [:]
        for row in rows {
            for groupID in row.obligated.groupIDs { owingMembers[groupID, default: 0] += 1 }
        }
        return WeekBoard(week: week, lines: lines,
                         compilations: groups.map { group in
                             let groupID = group.id!
                             return (group, owingMembers[groupID] ?? 0, compilationByGroup[groupID])
                         },
                         totals: LedgerTally(rows.map(\.entry)))
    }

    func week(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let parameter = req.parameters.get("weekID") ?? ""
        if parameter == "current" {
            return req.redirect(to: .ledgerWeek(user.calendar.week(containing: req.now).id))
        }
        // `/ledger/weeks/{week}.xlsx`, as `/ledger/summary.xlsx` beside the summary page.
        if parameter.hasSuffix(".xlsx") { return try await weekExport(req, user: user, weekID: String(parameter.dropLast(5))) }
        let week = try WeekLookup.week(parameter, for: user, now: req.now)
        let byStatus = req.query[String.self, at: "sort"] == "status"
        let calendar = user.calendar
        let board = try await Self.weekBoard(week, user: user, byStatus: byStatus, now: req.now, on: req.db)
        let path = SiteRoute.ledgerWeek(week.id).path
        let previous = calendar.week(containing: week.start.adding(days: -1)).id
        let next = calendar.week(containing: week.end.adding(days: 1)).id
        let view = WeekView(weekID: week.id.description, title: week.title,
                            previousID: previous.description, nextID: next.description,
                            due: DueWording.vietnamese(calendar.deadlines(for: week).weeklyReport, calendar: calendar),
                            owed: board.lines.count, totals: LedgerTallyView(board.totals),
                            peopleNote: req.t("ledger_people_count", String(board.lines.count)),
                            rows: board.lines.map { line in
                                WeekRow(personID: line.row.obligated.personID.canonicalText, name: line.row.obligated.fullName,
                                        groups: line.groups.joined(separator: ", "), units: line.units.joined(separator: ", "),
                                        cell: LedgerCellView(line.row.entry, calendar: calendar),
                                        href: SiteRoute.ledgerPerson(line.row.obligated.personID).path)
                            },
                            sortedByStatus: byStatus, sortByNameHref: path, sortByStatusHref: SiteRoute.ledgerWeek(week.id, byStatus: true).path,
                            compilations: board.compilations.map { CompilationLine(name: $0.group.name, members: $0.members,
                                                                                   cell: $0.entry.map { LedgerCellView($0, calendar: calendar) }) },
                            exportHref: SiteRoute.ledgerWeekExport(week.id, byStatus: byStatus).path,
                            canSummarise: AccessPolicy.allows(user.actor, .readCommuneLedger),
                            canManageLeave: AccessPolicy.allows(user.actor, .manageLeave),
                            notOwed: Self.notOwedReason(week, calendar: calendar),
                            previousHref: SiteRoute.ledgerWeek(previous).path, nextHref: SiteRoute.ledgerWeek(next).path)
        return try await req.render(title: req.t("ledger_title"), section: "ledger", view)
    }

    /// The week as .xlsx: title, commune and period on top, the totals, then one row per person
    /// with unit, groups, status, first submission and note, in the page's order.
    func weekExport(_ req: Request, user: CurrentUser, weekID: String) async throws -> Response {
        let week = try WeekLookup.week(weekID, for: user, now: req.now)
        let calendar = user.calendar
        let board = try await Self.weekBoard(week, user: user, byStatus: req.query[String.self, at: "sort"] == "status",
                                             now: req.now, on: req.db)
        let due = calendar.deadlines(for: week).weeklyReport
        let tally = board.totals
        let header = ["STT", "Họ và tên", "Đơn vị", "Nhóm báo cáo", "Tình trạng", "Nộp lần đầu", "Ghi chú"]
        let rows: [[XLSXWriter.Cell]] = board.lines.enumerated().map { index, line in
            let cell = LedgerCellView(line.row.entry, calendar: calendar)
            return [.number(index + 1), .text(line.row.obligated.fullName), .text(line.units.joined(separator: ", ")),
                    .text(line.groups.joined(separator: ", ")), .text(cell.label), .text(cell.submittedAt ?? ""), .text(cell.detail ?? "")]
        }
        let totals = "Phải nộp: \(board.lines.count) · Đúng hạn: \(tally.onTime) · Muộn: \(tally.late) · Chưa nộp: \(tally.missing)"
            + " · Vắng có lý do: \(tally.excused) · Chưa đến hạn: \(tally.notDue)"
        let sheet = LedgerExport.sheet(name: "Tuần \(week.id.week)-\(week.id.year)", title: "SỔ THEO DÕI CHẤP HÀNH CHẾ ĐỘ BÁO CÁO TUẦN",
                                       commune: user.commune.name,
                                       period: "\(week.title) · Hạn nộp \(calendar.vietnameseDateTime(due))",
                                       note: totals, header: header, rows: rows, columnWidths: [6, 24, 26, 34, 12, 17, 22])
        return LedgerExport.response(try XLSXWriter.write([sheet], modificationDate: req.now), filename: "so-theo-doi-\(week.id).xlsx")
    }

    // MARK: A person's year

    struct PersonWeekRow: Encodable, Sendable {
        var weekID: String; var title: String; var due: String; var cell: LedgerCellView
        /// The week's ledger.
        var href: String
    }
    struct PersonView: Encodable, Sendable {
        var personID: String; var name: String; var year: Int; var previousYear: Int; var nextYear: Int
        var weeks: [PersonWeekRow]; var tally: LedgerTallyView
        var previousYearHref: String; var nextYearHref: String; var monthlyHref: String
    }

    func person(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let personID = req.parameters.get("personID").flatMap(UUID.init(uuidString:)),
              let person = try await Person.query(on: req.db).filter(\.$id == personID).filter(\.$communeID == user.communeID).first()
        else { throw AppError.notFound() }
        guard AccessPolicy.allows(user.actor, .readPersonReports(person: try await AccessFacts.person(person, on: req.db))) else {
            throw AppError.forbidden
        }
        let calendar = user.calendar
        let year = try Self.year(req, calendar: calendar)
        let obligated = try await LedgerService.obligated(communeID: user.communeID, personIDs: [personID], on: req.db)
        let rows = try await LedgerService.rows(for: obligated, weeks: LedgerService.weeks(ofYear: year, calendar: calendar, now: req.now),
                                                calendar: calendar, now: req.now, on: req.db)
        let view = PersonView(personID: personID.canonicalText, name: person.fullName, year: year, previousYear: year - 1, nextYear: year + 1,
                              weeks: rows.reversed().map { PersonWeekRow(weekID: $0.week.id.description, title: $0.week.title,
                                                                         due: calendar.vietnameseDateTime($0.dueAt),
                                                                         cell: LedgerCellView($0.entry, calendar: calendar),
                                                                         href: SiteRoute.ledgerWeek($0.week.id).path) },
                              tally: LedgerTallyView(LedgerTally(rows.map(\.entry))),
                              previousYearHref: SiteRoute.ledgerPerson(personID, year: year - 1).path,
                              nextYearHref: SiteRoute.ledgerPerson(personID, year: year + 1).path,
                              monthlyHref: SiteRoute.ledgerMonthly(year: year).path)
        return try await req.render("ledger/person", title: person.fullName, section: "ledger", view)
    }

    static func year(_ req: Request, calendar: CommuneCalendar) throws -> Int {
        guard let text = req.query[String.self, at: "year"], !text.isEmpty else { return calendar.week(containing: req.now).id.year }
        guard let year = Int(text), (2000...2100).contains(year) else {
            throw AppError.badRequest("Năm không hợp lệ.")
        }
        return year
    }

    static func month(_ req: Request) throws -> Int? {
        guard let text = req.query[String.self, at: "month"], !text.isEmpty else { return nil }
        guard let month = Int(text), (1...12).contains(month) else { throw AppError.badRequest("Tháng không hợp lệ.") }
        return month
    }

    // MARK: Summaries

    struct SummaryRow: Encodable, Sendable {
        var id: String; var name: String; var detail: String; var tally: LedgerTallyView
        /// A person's year in the ledger (a unit's row links nowhere).
        var href: String? = nil
    }
    struct SummaryView: Encodable, Sendable {
        var year: Int; var month: Int?; var periodTitle: String; var months: [Choice]; var years: [Choice]
        var people: [SummaryRow]; var units: [SummaryRow]; var total: LedgerTallyView; var exportHref: String
        var action = SiteRoute.ledgerSummary().path
    }

    struct Summary {
        var title: String
        var people: [(LedgerService.Obligated, LedgerTally)]
        var units: [(OrgUnit, LedgerTally, Int)]
        var total: LedgerTally
    }

    static func summary(_ req: Request, user: CurrentUser, year: Int, month: Int?) async throws -> Summary {
        let calendar = user.calendar
        let weeks = month.map { LedgerService.weeks(ofMonth: $0, year: year, calendar: calendar, now: req.now) }
            ?? LedgerService.weeks(ofYear: year, calendar: calendar, now: req.now)
        let people = try await LedgerService.obligated(communeID: user.communeID, on: req.db)
        let byPerson = try await LedgerService.tallies(for: people, weeks: weeks, calendar: calendar, now: req.now, on: req.db)
        let units = try await OrganisationQueries.units(communeID: user.communeID, on: req.db)
        let unitRows: [(OrgUnit, LedgerTally, Int)] = try units.compactMap { unit in
            let id = try unit.requireID()
            let members = people.filter { $0.unitIDs.contains(id) }
            guard !members.isEmpty else { return nil }
            var tally = LedgerTally()
            for member in members { tally.merge(byPerson[member.personID] ?? LedgerTally()) }
            return (unit, tally, members.count)
        }
        var total = LedgerTally()
        for tally in byPerson.values { total.merge(tally) }
        let title = month.map { "Tháng \($0)/\(year)" } ?? "Năm \(year)"
        return Summary(title: title, people: people.map { ($0, byPerson[$0.personID] ?? LedgerTally()) }, units: unitRows, total: total)
    }

    func summary(_ req: Request) async throws -> Response {
        let user = try req.authorize(.readCommuneLedger)
        let calendar = user.calendar
        let year = try Self.year(req, calendar: calendar)
        let month = try Self.month(req)
        let summary = try await Self.summary(req, user: user, year: year, month: month)
        let unitNames = Dictionary(uniqueKeysWithValues: summary.units.map { ($0.0.id!, $0.0.name) })
        let currentYear = calendar.week(containing: req.now).id.year
        let view = SummaryView(
            year: year, month: month, periodTitle: summary.title,
            months: [Choice(value: "", label: req.t("ledger_whole_year"), selected: month == nil)]
                + (1...12).map { Choice(value: String($0), label: "Tháng \($0)", selected: $0 == month) },
            years: (max(2021, currentYear - 4)...currentYear).reversed().map { Choice(value: String($0), label: String($0), selected: $0 == year) },
            people: summary.people.map { person, tally in
                SummaryRow(id: person.personID.canonicalText, name: person.fullName,
                           detail: person.unitIDs.compactMap { unitNames[$0] }.sortedVietnamese { $0 }.joined(separator: ", "), tally: LedgerTallyView(tally),
                           href: SiteRoute.ledgerPerson(person.personID, year: year).path)
            },
            units: summary.units.map { unit, tally, count in
                SummaryRow(id: unit.id!.canonicalText, name: unit.name, detail: "\(count)", tally: LedgerTallyView(tally))
            },
            total: LedgerTallyView(summary.total),
            exportHref: SiteRoute.ledgerSummaryExport(year: year, month: month).path)
        return try await req.render(title: req.t("ledger_summary_title"), section: "ledger", view)
    }

    /// The summary as an .xlsx workbook (a sheet per person and one per unit), for emulation and
    /// the annual evaluation.
    func summaryExport(_ req: Request) async throws -> Response {
        let user = try req.authorize(.readCommuneLedger)
        let calendar = user.calendar
        let year = try Self.year(req, calendar: calendar)
        let month = try Self.month(req)
        let summary = try await Self.summary(req, user: user, year: year, month: month)
        let header = ["Đúng hạn", "Muộn", "Chưa nộp", "Vắng có lý do", "Chưa đến hạn", "Tỷ lệ đúng hạn (%)"]
        func figures(_ tally: LedgerTally, bold: Bool = false) -> [XLSXWriter.Cell] {
            [.number(tally.onTime, bold: bold), .number(tally.late, bold: bold), .number(tally.missing, bold: bold),
             .number(tally.excused, bold: bold), .number(tally.notDue, bold: bold),
             tally.onTimeRate.map { .number($0, format: "0.0", bold: bold) } ?? .empty]
        }
        let unitNames = Dictionary(uniqueKeysWithValues: summary.units.map { ($0.0.id!, $0.0.name) })
        let period = summary.title
        let peopleSheet = LedgerExport.sheet(
            name: "Theo cán bộ", title: "TỔNG HỢP CHẤP HÀNH CHẾ ĐỘ BÁO CÁO TUẦN THEO CÁN BỘ", commune: user.commune.name, period: period,
            header: ["STT", "Họ và tên", "Đơn vị"] + header,
            rows: summary.people.enumerated().map { index, entry in
                [.number(index + 1), .text(entry.0.fullName),
                 .text(entry.0.unitIDs.compactMap { unitNames[$0] }.sortedVietnamese { $0 }.joined(separator: ", "))] + figures(entry.1)
            } + [[.empty, .text("Tổng cộng", bold: true), .empty] + figures(summary.total, bold: true)],
            columnWidths: [6, 28, 26, 11, 9, 11, 14, 13, 16])
        let unitSheet = LedgerExport.sheet(
            name: "Theo đơn vị", title: "TỔNG HỢP CHẤP HÀNH CHẾ ĐỘ BÁO CÁO TUẦN THEO ĐƠN VỊ", commune: user.commune.name, period: period,
            header: ["STT", "Đơn vị", "Số người"] + header,
            rows: summary.units.enumerated().map { index, entry in
                [.number(index + 1), .text(entry.0.name), .number(entry.2)] + figures(entry.1)
            },
            columnWidths: [6, 30, 10, 11, 9, 11, 14, 13, 16])
        let name = "so-theo-doi-\(year)" + (month.map { "-thang-\($0)" } ?? "") + ".xlsx"
        return LedgerExport.response(try XLSXWriter.write([peopleSheet, unitSheet], modificationDate: req.now), filename: name)
    }

    // MARK: Leave

    struct LeaveRow: Encodable, Sendable {
        var id: String; var name: String; var from: String; var to: String; var reason: String
        var deleteAction: String
    }
    struct LeaveForm: Content { var personId: String?; var from: String?; var to: String?; var reason: String? }
    struct LeaveView: Encodable, Sendable {
        var leaves: [LeaveRow]; var people: [Choice]; var from: String; var to: String; var reason: String; var errors: FieldErrors
        var action = SiteRoute.ledgerLeaves.path
    }

    private func renderLeaves(_ req: Request, user: CurrentUser, form: LeaveForm, errors: FieldErrors,
                              status: HTTPResponseStatus = .ok) async throws -> Response {
        let records = try await LeaveRecord.query(on: req.db).filter(\.$communeID == user.communeID).sort(\.$fromDate, .descending).limit(200).all()
        let people = try await Person.query(on: req.db).filter(\.$communeID == user.communeID).all().sortedByVietnameseName(\.fullName)
        let names = Dictionary(uniqueKeysWithValues: people.map { ($0.id!, $0.fullName) })
        let view = LeaveView(
            leaves: records.map { LeaveRow(id: $0.id!.canonicalText, name: names[$0.personID] ?? "",
                                           from: LocalDate(iso: $0.fromDate)?.vietnamese ?? $0.fromDate,
                                           to: LocalDate(iso: $0.toDate)?.vietnamese ?? $0.toDate, reason: $0.reason,
                                           deleteAction: SiteRoute.ledgerLeaveDelete($0.id!).path) },
            people: [Choice(value: "", label: "—", selected: form.personId == nil)]
                + people.filter(\.active).map { Choice(value: $0.id!.canonicalText, label: $0.fullName, selected: $0.id!.canonicalText == form.personId) },
            from: form.from ?? "", to: form.to ?? "", reason: form.reason ?? "", errors: errors)
        return try await req.render("ledger/leaves", title: req.t("leave_title"), section: "ledger", view, status: status)
    }

    func leaves(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageLeave)
        return try await renderLeaves(req, user: user, form: LeaveForm(), errors: .init())
    }

    func addLeave(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageLeave)
        let form = try req.content.decode(LeaveForm.self)
        var errors = FieldErrors()
        let personID = form.personId.flatMap(UUID.init(uuidString:))
        let person = try await personID.asyncMap { id in
            try await Person.query(on: req.db).filter(\.$id == id).filter(\.$communeID == user.communeID).first()
        } ?? nil
        if person == nil { errors["personId"] = req.t("err_unknown_person") }
        let from = LocalDate(vietnamese: (form.from ?? "").trimmedWhitespace)
        let to = LocalDate(vietnamese: (form.to ?? "").trimmedWhitespace)
        if from == nil { errors["from"] = req.t("err_date") }
        if to == nil { errors["to"] = req.t("err_date") }
        if let from, let to, to < from { errors["to"] = req.t("err_end_before_start") }
        let reason = VietnameseText.nfc(form.reason ?? "")
        if reason.isEmpty { errors["reason"] = req.t("err_required") }
        guard errors.isEmpty, let person, let from, let to else {
            return try await renderLeaves(req, user: user, form: form, errors: errors, status: .unprocessableEntity)
        }
        let record = try LeaveRecord(of: person, from: from, to: to, reason: reason,
                                 createdBy: user.personID, createdAt: req.now)
        try await req.db.transaction { db in
            try await record.save(on: db)
            try await AuditTrail.record(on: db, communeID: user.communeID, actorID: user.personID, at: req.now, kind: "leave",
                                        action: "create", subjectID: try record.requireID(), before: String?.none,
                                        after: ["person": person.fullName, "from": from.iso, "to": to.iso, "reason": reason])
        }
        return req.redirect(to: .ledgerLeaves, notice: "saved")
    }

    func removeLeave(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageLeave)
        let record = try await OrganisationService.find(LeaveRecord.self, req.parameters.get("id"), communeField: \.$communeID,
                                                        communeID: user.communeID, on: req.db)
        try await req.db.transaction { db in
            try await AuditTrail.record(on: db, communeID: user.communeID, actorID: user.personID, at: req.now, kind: "leave",
                                        action: "delete", subjectID: try record.requireID(),
                                        before: ["person": record.personID.canonicalText, "from": record.fromDate, "to": record.toDate, "reason": record.reason],
                                        after: String?.none)
            try await record.delete(on: db)
        }
        return req.redirect(to: .ledgerLeaves, notice: "saved")
    }
}
