@testable import App
import Fluent
import GiaoBanCore
import GiaoBanOffice
import Testing
import Vapor
import VaporTesting

struct MonthlyBody: Content {
    struct Figure: Content { var targetId: UUID; var monthValue: String?; var yearToDate: String?; var note: String? }
    var figures: [Figure]?
    var results: String?
    var shortcomings: String?
    var nextMonth: String?
    var proposals: String?
}

@Suite("Monthly reports drafted from the weekly reports")
struct MonthlyTests {
    /// Nam (Văn hóa - Xã hội) reports XH04 in weeks 30 (July), 31 and 33 (August), with the same
    /// work twice.
    static func weeklyHistory(_ t: TestApp) async throws -> (fixtures: (count: Target, yesNo: Target, other: Target), culture: OrgUnit) {
        let fixtures = try await addReportFixtures(t)
        let nam = try await t.token(TestApp.Demo.reporter)
        for (week, value) in [("2021-W30", "5"), ("2021-W31", "10"), ("2021-W33", "12")] {
            var body = ReportBody()
            body.targets = [.init(targetId: try fixtures.count.requireID(), value: value, completed: true),
                            .init(targetId: try fixtures.yesNo.requireID(), value: "đạt", completed: true)]
            body.work = [.init(description: "Tuyên truyền phòng chống dịch trên loa truyền thanh", quantity: "3", unit: "buổi", activityType: nil)]
            let put = try await t.api(.PUT, "/api/v1/reports/\(week)", token: nam, json: body)
            #expect(put.status == .ok, "\(put.body.string)")
            #expect(try await t.api(.POST, "/api/v1/reports/\(week)/submit", token: nam).status == .ok)
        }
        let culture = try #require(try await OrgUnit.query(on: t.db).filter(\.$name == "Văn hóa - Xã hội").first())
        return (fixtures, culture)
    }

    @Test("A calendar month's draft sums its weeks and the year to date; the unit edits and submits it before the 20th of the next month")
    func draftAndSubmit() async throws {
        try await withTestApp { t in
            let (fixtures, culture) = try await Self.weeklyHistory(t)
            let commune = try #require(try await Commune.query(on: t.db).first())
            var settings = try commune.calendarSettings
            settings.monthlyPeriodRule = .calendarMonth
            commune.setCalendarSettings(settings)
            try await commune.save(on: t.db)
            let nam = try await t.token(TestApp.Demo.reporter)
            let path = "/api/v1/monthly-reports/2021-08/units/\(try culture.requireID())"
            let draft = try await t.api(.GET, path, token: nam)
            #expect(draft.status == .ok, "\(draft.body.string)")
            let report = try draft.content.decode(MonthlyReportDTO.self)
            #expect(report.status == "new")
            #expect(report.periodStart == "2021-08-01" && report.periodEnd == "2021-08-31")
            #expect(report.weeks == ["2021-W31", "2021-W32", "2021-W33", "2021-W34"])
            // Never due before the period ends: August's calendar month is due before 20/09.
            #expect(report.dueAt == "2021-09-20T00:00:00+07:00")
            let xh04 = try #require(report.content.figures.first { $0.code == "XH04" })
            #expect(xh04.monthValue == 22)
            #expect(xh04.yearToDate == 27)
            #expect(xh04.percentOfPlan == 18)
            #expect(report.content.figures.first { $0.code == "NTM16" }?.monthValue == 1)
            #expect(report.content.figures.map(\.code) == ["XH04", "NTM16"], "only the unit's own targets")
            #expect(report.content.results.contains("- Tuyên truyền phòng chống dịch trên loa truyền thanh: 6 buổi."), "\(report.content.results)")

            // A wrong figure is refused with its field; nothing is stored.
            let bad = MonthlyBody(figures: [.init(targetId: try fixtures.count.requireID(), monthValue: "hai mươi")])
            let refused = try await t.api(.PUT, path, token: nam, json: bad)
            #expect(refused.status == .unprocessableEntity)
            #expect(try refused.content.get([String: String].self, at: "error", "fields").keys.contains("figures.\(try fixtures.count.requireID())"))
            #expect(try await MonthlyReport.query(on: t.db).count() == 0)

            let edit = MonthlyBody(figures: [.init(targetId: try fixtures.count.requireID(), monthValue: "23", yearToDate: "1.028", note: "gồm 1 buổi ở thôn Kim Lữ")],
                                   results: "Hoàn thành tốt công tác tuyên truyền.", nextMonth: "Tuyên truyền Tết Trung thu an toàn.")
            let saved = try await t.api(.PUT, path, token: nam, json: edit)
            #expect(saved.status == .ok, "\(saved.body.string)")
            let stored = try saved.content.decode(MonthlyReportDTO.self)
            #expect(stored.status == "draft" && stored.ledgerStatus == "not_due")
            #expect(stored.content.figures[0].monthValue == 23 && stored.content.figures[0].yearToDate == 1028)
            #expect(stored.content.figures[0].percentOfPlan == Decimal(string: "685.3"))
            #expect(stored.content.results == "Hoàn thành tốt công tác tuyên truyền.")

            let submitted = try await t.api(.POST, path + "/submit", token: nam)
            #expect(submitted.status == .ok)
            let final = try submitted.content.decode(MonthlyReportDTO.self)
            #expect(final.status == "submitted" && final.ledgerStatus == "on_time")
            #expect(final.firstSubmittedAt == "2021-08-18T09:00:00+07:00")
            // A correction after the deadline keeps the first instant.
            t.clock.set(Date(timeIntervalSince1970: 1_629_600_000)) // 22/08/2021
            let corrected = try await t.api(.PUT, path, token: nam, json: MonthlyBody(shortcomings: "Còn 1 thôn chưa có loa."))
            #expect(try corrected.content.decode(MonthlyReportDTO.self).firstSubmittedAt == "2021-08-18T09:00:00+07:00")
            #expect(try corrected.content.decode(MonthlyReportDTO.self).ledgerStatus == "on_time")
            let audit = try await AuditEntry.query(on: t.db).filter(\.$kind == "monthly_report").all()
            #expect(Set(audit.map(\.action)) == ["create", "submit", "update_after_submit"])

            // Roles: another unit's report, the leader reads but does not write.
            let finance = try #require(try await OrgUnit.query(on: t.db).filter(\.$name == "Tài chính - Kế toán").first())
            #expect(try await t.api(.GET, "/api/v1/monthly-reports/2021-08/units/\(try finance.requireID())", token: nam).status == .forbidden)
            #expect(try await t.api(.PUT, "/api/v1/monthly-reports/2021-08/units/\(try finance.requireID())", token: nam, json: edit).status == .forbidden)
            let leader = try await t.token(TestApp.Demo.leader)
            #expect(try await t.api(.GET, path, token: leader).status == .ok)
            #expect(try await t.api(.PUT, path, token: leader, json: edit).status == .forbidden)
            #expect(try await t.api(.GET, "/api/v1/monthly-reports/2021-08/units/\(UUID())", token: leader).status == .notFound)
            #expect(try await t.api(.GET, "/api/v1/monthly-reports/2021-99/units/\(try culture.requireID())", token: leader).status == .badRequest)

            // A unit with nothing to say cannot submit an empty report.
            let military = try #require(try await OrgUnit.query(on: t.db).filter(\.$name == "Quân sự").first())
            let office = try await t.token(TestApp.Demo.office)
            let empty = try await t.api(.POST, "/api/v1/monthly-reports/2021-08/units/\(try military.requireID())/submit", token: office)
            #expect(empty.status == .unprocessableEntity)
            #expect(try empty.content.get(String.self, at: "error", "fields", "results").contains("chưa có kết quả"))

            // The overview and the ledger.
            let list = try await t.api(.GET, "/api/v1/monthly-reports?month=2021-08", token: office)
            let overview = try list.content.decode(MonthlyOverviewDTO.self)
            #expect(overview.units.count == 17)
            #expect(overview.units.first { $0.unitName == "Văn hóa - Xã hội" }?.ledgerStatus == "on_time")
            #expect(overview.units.first { $0.unitName == "Quân sự" }?.ledgerStatus == "not_due")
            let mine = try await t.api(.GET, "/api/v1/monthly-reports", token: nam)
            #expect(try mine.content.decode(MonthlyOverviewDTO.self).units.map(\.unitName) == ["Văn hóa - Xã hội"])
            #expect(try mine.content.decode(MonthlyOverviewDTO.self).month == "2021-08")
            let ledger = try await t.api(.GET, "/api/v1/ledger/monthly?year=2021", token: office)
            let rows = try ledger.content.decode(MonthlyLedgerDTO.self).monthlyReports
            let cultureRow = try #require(rows.first { $0.name == "Văn hóa - Xã hội" })
            #expect(cultureRow.months.map(\.month).last == "2021-08")
            #expect(cultureRow.months.last?.status == "on_time")
            #expect(cultureRow.summary.onTime == 1 && cultureRow.summary.missing == 7)
        }
    }

    @Test("Under the 15th–14th cut-off the draft takes the weeks ending 15/07–14/08")
    func cutOff() async throws {
        try await withTestApp { t in
            let (_, culture) = try await Self.weeklyHistory(t)
            let commune = try #require(try await Commune.query(on: t.db).first())
            var settings = try commune.calendarSettings
            settings.monthlyPeriodRule = .stateCutOff
            commune.setCalendarSettings(settings)
            try await commune.save(on: t.db)
            let draft = try await t.api(.GET, "/api/v1/monthly-reports/2021-08/units/\(try culture.requireID())/draft",
                                        token: try await t.token(TestApp.Demo.reporter))
            #expect(draft.status == .ok)
            let report = try draft.content.decode(MonthlyReportDTO.self)
            #expect(report.periodStart == "2021-07-15" && report.periodEnd == "2021-08-14")
            #expect(report.weeks == ["2021-W28", "2021-W29", "2021-W30", "2021-W31", "2021-W32"])
            #expect(report.content.figures.first { $0.code == "XH04" }?.monthValue == 15)
            // The admin switches the setting back on the settings page.
            let browser = t.browser()
            try await browser.login(TestApp.Demo.admin)
            let page = try await browser.get("/admin/settings")
            #expect(page.body.string.contains("Từ ngày 15 tháng trước đến ngày 14 tháng báo cáo"))
        }
    }

    @Test("The office and the NTM focal point compile the month; the document opens in LibreOffice")
    func compilation() async throws {
        try await withTestApp { t in
            let (_, culture) = try await Self.weeklyHistory(t)
            let nam = try await t.token(TestApp.Demo.reporter)
            _ = try await t.api(.POST, "/api/v1/monthly-reports/2021-08/units/\(try culture.requireID())/submit", token: nam,
                                json: MonthlyBody(proposals: "Đề nghị cấp kinh phí sửa loa truyền thanh thôn Khe Máng."))
            struct Assessment: Content { var assessment: String; var nextMonth: String }
            let office = try await t.token(TestApp.Demo.office)
            let put = try await t.api(.PUT, "/api/v1/monthly-reports/2021-08/compilation", token: office,
                                      json: Assessment(assessment: "Các đơn vị cơ bản hoàn thành nhiệm vụ tháng 8.", nextMonth: "Tổ chức Tết Trung thu."))
            #expect(put.status == .ok, "\(put.body.string)")
            let compiled = try put.content.decode(MonthlyCompilationDTO.self)
            #expect(compiled.reports.map(\.unitName) == ["Văn hóa - Xã hội"])
            #expect(try await t.api(.PUT, "/api/v1/monthly-reports/2021-08/compilation", token: try await t.token(TestApp.Demo.ntmAggregator),
                                    json: Assessment(assessment: "Các đơn vị cơ bản hoàn thành nhiệm vụ tháng 8.", nextMonth: "Tổ chức Tết Trung thu; rà soát tiêu chí NTM.")).status == .ok)
            #expect(try await t.api(.PUT, "/api/v1/monthly-reports/2021-08/compilation", token: try await t.token(TestApp.Demo.leader),
                                    json: Assessment(assessment: "", nextMonth: "")).status == .forbidden)
            #expect(try await t.api(.GET, "/api/v1/monthly-reports/2021-08/compilation", token: nam).status == .forbidden)
            let leader = try await t.token(TestApp.Demo.leader)
            let read = try await t.api(.GET, "/api/v1/monthly-reports/2021-08/compilation", token: leader)
            #expect(try read.content.decode(MonthlyCompilationDTO.self).nextMonth == "Tổ chức Tết Trung thu; rà soát tiêu chí NTM.")

            let docx = try await t.api(.GET, "/api/v1/monthly-reports/2021-08/report.docx", token: leader)
            #expect(docx.status == .ok)
            let data = Data(buffer: docx.body)
            let text = try DocxReader.text(data)
            #expect(text.contains("Kết quả thực hiện nhiệm vụ tháng 8 năm 2021"))
            #expect(text.contains("XH04"))
            #expect(text.contains("Văn hóa - Xã hội"))
            #expect(text.contains("Các đơn vị cơ bản hoàn thành nhiệm vụ tháng 8."))
            #expect(text.contains("Đề nghị cấp kinh phí sửa loa truyền thanh thôn Khe Máng."))
            #expect(text.contains("Ban Thường vụ Huyện ủy"))
            #expect(try await t.api(.GET, "/api/v1/monthly-reports/2021-08/report.docx", token: nam).status == .forbidden)
            if let size = try libreOfficePDFSize(of: data) { #expect(size > 5000, "LibreOffice opens the monthly report") }
        }
    }

    @Test("The monthly pages render; a refused form comes back with what was typed")
    func pages() async throws {
        try await withTestApp { t in
            let (fixtures, culture) = try await Self.weeklyHistory(t)
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            let index = try await browser.get("/monthly")
            #expect(index.status == .ok)
            #expect(index.body.string.contains("Văn hóa - Xã hội"))
            let path = "/monthly/2021-08/units/\(try culture.requireID())"
            let form = try await browser.get(path)
            #expect(form.status == .ok)
            #expect(form.body.string.contains("Tuyên truyền phòng chống dịch trên loa truyền thanh: 6 buổi."))
            // The form keeps a copy on the device (drafts.js, loaded by every page) under a key of its own.
            #expect(form.body.string.contains("data-draft=\"monthly-2021-08-\(try culture.requireID())-Hồ Sỹ Nam\""))
            #expect(form.body.string.contains("<script src=\"/js/drafts.js\" defer></script>"))
            #expect(try await browser.get("/js/drafts.js").body.string.contains("giaoban-draft:"))
            let typed = "Đã tổ chức 6 buổi tuyên truyền, vượt kế hoạch tháng."
            let refused = try await browser.post(path, [
                ("figures[0][targetId]", try fixtures.count.requireID().uuidString), ("figures[0][monthValue]", "22,5,1"),
                ("figures[0][yearToDate]", "27"), ("results", typed), ("action", "submit"),
            ])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains(typed))
            #expect(refused.body.string.contains("22,5,1"))
            #expect(refused.body.string.contains("id=\"error-summary\""))
            let submitted = try await browser.post(path, [
                ("figures[0][targetId]", try fixtures.count.requireID().uuidString), ("figures[0][monthValue]", "22"),
                ("figures[0][yearToDate]", "27"), ("results", typed), ("action", "submit"),
            ])
            #expect(submitted.status == .seeOther)
            #expect(try await MonthlyReport.query(on: t.db).first()?.status == .submitted)
            #expect(try await browser.get("/monthly/2021-08").status == .forbidden)
            #expect(try await browser.get("/ledger/monthly").status == .ok)

            let office = t.browser()
            try await office.login(TestApp.Demo.office)
            for p in ["/monthly", "/monthly?month=2021-07", "/monthly/2021-08", path, "/ledger/monthly?year=2021"] {
                #expect(try await office.get(p).status == .ok, "\(p)")
            }
            #expect(try await office.get("/monthly/2021-08").body.string.contains(typed))
            let saved = try await office.post("/monthly/2021-08/compilation", [("assessment", "Tốt."), ("nextMonth", "Trung thu.")])
            #expect(saved.status == .seeOther)
            #expect(try await office.get("/monthly/2021-08/report.docx").status == .ok)
            #expect(try await office.get("/monthly/2021-08/units/\(try culture.requireID())?redraft=1").body.string.contains("6 buổi"))
        }
    }
}
