import Fluent
import Foundation
import GiaoBanCore
import GiaoBanOffice
import Testing
import Vapor
import VaporTesting
@testable import App

/// Figures and content a briefing can trust: one figure per target and week, each group's own
/// work, difficulties, forecasts, the short pack. The clock stands at Wednesday 18/08/2021.
@Suite("Figures and content a briefing can trust")
struct FiguresAndContentTests {
    struct Figure: Encodable, Sendable { var targetId: UUID; var value: String; var completed: Bool = true; var confirmJump: Bool? = nil }
    struct Work: Encodable, Sendable {
        var description: String; var quantity: String; var unit: String; var groupIds: [String]? = nil; var forecast: Bool? = nil
    }
    struct Body: Encodable, Sendable { var targets: [Figure] = []; var work: [Work] = []; var difficulties: String? = nil }
    struct FigureDTO: Decodable { var week: String; var value: Double?; var enteredById: UUID?; var enteredAt: String?; var completed: Bool }

    /// A coverage rate (latest, %), a cumulative count (sum) and a peak (max), all of the culture unit.
    static func targets(_ t: TestApp) async throws -> (coverage: Target, count: Target, peak: Target) {
        let commune = try #require(try await Commune.query(on: t.db).first())
        let group = try #require(try await ReportGroup.query(on: t.db).filter(\.$name == "Khối chính quyền").first())
        let culture = try #require(try await OrgUnit.query(on: t.db).filter(\.$name == "Văn hóa - Xã hội").first())
        func target(_ code: String, _ name: String, _ unit: String, _ plan: Decimal, _ rule: YearToDateRule, _ kind: TargetValueKind, _ order: Int) throws -> Target {
            Target(communeID: try commune.requireID(), year: 2021, groupID: try group.requireID(), code: code, name: name, unitOfMeasure: unit,
                   planned: plan, valueKind: kind, yearToDateRule: rule, responsibleUnitID: try culture.requireID(), sortOrder: order)
        }
        let coverage = try target("XH10", "Tỷ lệ người dân tham gia BHYT", "%", 95, .latest, .decimal, 1)
        let count = try target("XH04", "Số lượt tuyên truyền", "lượt", 150, .sum, .count, 2)
        let peak = try target("YT02", "Số ca F0 cao nhất trong tuần", "người", 100, .max, .count, 3)
        try await [coverage, count, peak].create(on: t.db)
        return (coverage, count, peak)
    }

    @Test("Two people of the responsible unit enter 84 then 85 for a latest % target: the figure is 85, never 169; sum and max the same way")
    func oneFigure() async throws {
        try await withTestApp { t in
            let (coverage, count, peak) = try await Self.targets(t)
            let nam = try await t.token(TestApp.Demo.reporter)
            let tam = try await t.token(DemoCommune.username(for: "Trần Thị Thanh Tâm"))
            let tamPerson = try await t.person(DemoCommune.username(for: "Trần Thị Thanh Tâm"))
            let first = Body(targets: [.init(targetId: try coverage.requireID(), value: "84"), .init(targetId: try count.requireID(), value: "10"),
                                       .init(targetId: try peak.requireID(), value: "7")])
            #expect(try await t.api(.PUT, "/api/v1/reports/2021-W33", token: nam, json: first).status == .ok)
            // A draft is not the target's figure yet.
            let draft = try await t.api(.GET, "/api/v1/targets/\(try coverage.requireID())/figures?week=2021-W33", token: nam).content.decode(FigureDTO.self)
            #expect(draft.value == nil)
            #expect(try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: nam).status == .ok)
            t.clock.advance(by: 3600)
            let second = Body(targets: [.init(targetId: try coverage.requireID(), value: "85"), .init(targetId: try count.requireID(), value: "12"),
                                        .init(targetId: try peak.requireID(), value: "6")])
            #expect(try await t.api(.PUT, "/api/v1/reports/2021-W33", token: tam, json: second).status == .ok)
            #expect(try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: tam).status == .ok)

            let figure = try await t.api(.GET, "/api/v1/targets/\(try coverage.requireID())/figures?week=2021-W33", token: nam)
            #expect(figure.status == .ok)
            let dto = try figure.content.decode(FigureDTO.self)
            #expect(dto.value == 85 && dto.enteredById == tamPerson.id && dto.enteredAt == "2021-08-18T10:00:00+07:00")
            struct Progress: Decodable { var yearToDate: Double? }
            func ytd(_ target: Target, week: String = "2021-W33") async throws -> Double? {
                let path = "/api/v1/targets/\(try target.requireID())/progress?week=\(week)"
                let response = try await t.api(.GET, path, token: nam)
                let progress = try response.content.decode(Progress.self)
                return progress.yearToDate
            }
            #expect(try await ytd(coverage) == 85)
            #expect(try await ytd(count) == 12, "the later figure replaces the earlier one of the same week")
            #expect(try await ytd(peak) == 6)
            // Week 34 adds to the sum; the max keeps the week's peak.
            t.clock.advance(by: 7 * 86400)
            let next = Body(targets: [.init(targetId: try count.requireID(), value: "5"), .init(targetId: try peak.requireID(), value: "4")])
            _ = try await t.api(.PUT, "/api/v1/reports/2021-W34", token: nam, json: next)
            #expect(try await t.api(.POST, "/api/v1/reports/2021-W34/submit", token: nam).status == .ok)
            #expect(try await ytd(count, week: "2021-W34") == 17)
            #expect(try await ytd(peak, week: "2021-W34") == 6)
            #expect(try await TargetWeekFigure.query(on: t.db).count() == 5)
            // Audited with before and after.
            let replaced = try await AuditEntry.query(on: t.db).filter(\.$kind == "target_figure").filter(\.$action == "replace").all()
            #expect(replaced.count == 3)
            // Every responsible person's form shows the current figure and who entered it.
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            let form = try await browser.get("/reports/2021-W33").body.string
            #expect(form.contains("Số hiện tại của tuần: 85 — Trần Thị Thanh Tâm"))
        }
    }

    @Test("Impossible figures are refused, an unusual jump needs confirming and is flagged on the focal point's page")
    func plausibility() async throws {
        try await withTestApp { t in
            let (coverage, _, peak) = try await Self.targets(t)
            let nam = try await t.token(TestApp.Demo.reporter)
            let over = try await t.api(.PUT, "/api/v1/reports/2021-W33", token: nam,
                                       json: Body(targets: [.init(targetId: try coverage.requireID(), value: "168,2")]))
            #expect(over.status == .unprocessableEntity)
            #expect(try over.content.get(String.self, at: "error", "fields", "targets[0].value").contains("100%"))
            // A latest count: 3 last week, 40 this week.
            let commune = try #require(try await Commune.query(on: t.db).first())
            let group = try #require(try await ReportGroup.query(on: t.db).filter(\.$name == "Khối chính quyền").first())
            let culture = try #require(try await OrgUnit.query(on: t.db).filter(\.$name == "Văn hóa - Xã hội").first())
            let quarantined = Target(communeID: try commune.requireID(), year: 2021, groupID: try group.requireID(), code: "YT05",
                                     name: "Số người đang cách ly", unitOfMeasure: "người", planned: nil, valueKind: .count, yearToDateRule: .latest,
                                     responsibleUnitID: try culture.requireID(), sortOrder: 9)
            try await quarantined.create(on: t.db)
            t.clock.advance(by: -7 * 86400)
            _ = try await t.api(.PUT, "/api/v1/reports/2021-W32", token: nam, json: Body(targets: [.init(targetId: try quarantined.requireID(), value: "3")]))
            #expect(try await t.api(.POST, "/api/v1/reports/2021-W32/submit", token: nam).status == .ok)
            t.clock.advance(by: 7 * 86400)
            let jump = try await t.api(.PUT, "/api/v1/reports/2021-W33", token: nam, json: Body(targets: [.init(targetId: try quarantined.requireID(), value: "40")]))
            #expect(jump.status == .unprocessableEntity)
            #expect(try jump.content.get(String.self, at: "error", "fields", "targets[0].value").hasPrefix("Số liệu tăng bất thường"))
            let confirmed = try await t.api(.PUT, "/api/v1/reports/2021-W33", token: nam,
                                            json: Body(targets: [.init(targetId: try quarantined.requireID(), value: "40", confirmJump: true),
                                                                 .init(targetId: try peak.requireID(), value: "2")]))
            #expect(confirmed.status == .ok)
            #expect(try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: nam).status == .ok, "submitting keeps the confirmation")
            let view = try await t.api(.GET, "/api/v1/groups/\(try group.requireID())/weeks/2021-W33", token: try await t.token(TestApp.Demo.office))
                .content.decode(GroupWeekDTO.self)
            #expect(view.targets.first { $0.code == "YT05" }?.unusualJump == true)
            #expect(view.targets.first { $0.code == "YT02" }?.unusualJump == false)
            let browser = t.browser()
            try await browser.login(TestApp.Demo.office)
            #expect(try await browser.get("/groups/\(try group.requireID())/weeks/2021-W33").body.string.contains("Số liệu tăng bất thường"))
            // The form asks with a box to tick.
            try await browser.login(TestApp.Demo.reporter)
            let form = try await browser.post("/reports/2021-W34", [("targets[0][targetId]", try coverage.requireID().uuidString), ("targets[0][value]", "101"),
                                                                     ("action", "save")])
            #expect(form.status == .unprocessableEntity)
        }
    }

    @Test("Each group carries its own lines; the focal point's page, the compiled .docx and the briefing gather difficulties")
    func groupsAndDifficulties() async throws {
        try await withTestApp { t in
            let nam = try await t.token(TestApp.Demo.reporter)
            let bloc = try #require(try await ReportGroup.query(on: t.db).filter(\.$name == "Khối chính quyền").first())
            let ntm = try #require(try await ReportGroup.query(on: t.db).filter(\.$name == "Nông thôn mới").first())
            let covid = try #require(try await ReportGroup.query(on: t.db).filter(\.$name == "Phòng chống Covid-19").first())
            let body = Body(work: [.init(description: "Lao động làm đường thôn Kim Lữ", quantity: "2", unit: "buổi", groupIds: [try ntm.requireID().uuidString]),
                                   .init(description: "Ban hành công văn hướng dẫn", quantity: "3", unit: "công văn"),
                                   .init(description: "Tuyên truyền tiêm chủng", quantity: "4", unit: "lượt",
                                         groupIds: [try covid.requireID().uuidString, try ntm.requireID().uuidString], forecast: true)],
                            difficulties: "Loa truyền thanh thôn Khe Máng hỏng; đề nghị bố trí kinh phí sửa chữa.")
            let put = try await t.api(.PUT, "/api/v1/reports/2021-W33", token: nam, json: body)
            #expect(put.status == .ok, "\(put.body.string)")
            let report = try put.content.decode(ReportDTO.self)
            #expect(report.work.map(\.groupIds) == [[try ntm.requireID()], [try bloc.requireID()], [try covid.requireID(), try ntm.requireID()]])
            #expect(report.work.map(\.forecast) == [false, false, true])
            #expect(report.difficulties == body.difficulties)
            let wrong = Body(work: [.init(description: "x", quantity: "1", unit: "việc", groupIds: [UUID().uuidString])])
            #expect(try await t.api(.PUT, "/api/v1/reports/2021-W33", token: nam, json: wrong).status == .unprocessableEntity)
            #expect(try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: nam).status == .ok)

            let office = try await t.token(TestApp.Demo.office)
            func work(_ group: ReportGroup) async throws -> [String] {
                try await t.api(.GET, "/api/v1/groups/\(try group.requireID())/weeks/2021-W33", token: office).content.decode(GroupWeekDTO.self)
                    .work.map(\.description)
            }
            #expect(try await work(bloc) == ["Ban hành công văn hướng dẫn"])
            #expect(try await work(ntm) == ["Lao động làm đường thôn Kim Lữ", "Tuyên truyền tiêm chủng"])
            #expect(try await work(covid) == ["Tuyên truyền tiêm chủng"])
            let dto = try await t.api(.GET, "/api/v1/groups/\(try bloc.requireID())/weeks/2021-W33", token: office).content.decode(GroupWeekDTO.self)
            #expect(dto.difficulties.map(\.text) == [body.difficulties!])

            let browser = t.browser()
            try await browser.login(TestApp.Demo.office)
            #expect(try await browser.get("/groups/\(try bloc.requireID())/weeks/2021-W33").body.string.contains("Loa truyền thanh thôn Khe Máng hỏng"))
            let briefing = try await browser.get("/briefing/2021-W33").body.string
            #expect(briefing.contains("Loa truyền thanh thôn Khe Máng hỏng"))
            let docx = try await t.api(.GET, "/api/v1/groups/\(try bloc.requireID())/weeks/2021-W33/report.docx", token: office)
            let text = try DocxReader.text(Data(buffer: docx.body))
            #expect(text.contains("KHÓ KHĂN, VƯỚNG MẮC, ĐỀ XUẤT, KIẾN NGHỊ"))
            #expect(text.contains("Loa truyền thanh thôn Khe Máng hỏng"))
            #expect(!text.contains("Lao động làm đường thôn Kim Lữ"), "the NTM line is not the bloc's")
            let pack = try await browser.get("/briefing/2021-W33/pack.docx")
            let packText = try DocxReader.text(Data(buffer: pack.body))
            #expect(packText.contains("Khó khăn, vướng mắc, đề xuất") && packText.contains("Loa truyền thanh"))
            #expect(!packText.contains("PHỤ LỤC"))
            let appendix = try DocxReader.text(Data(buffer: try await browser.get("/briefing/2021-W33/pack.docx?appendix=1").body))
            #expect(appendix.contains("PHỤ LỤC") && appendix.contains("Hồ Sỹ Nam: Tuyên truyền tiêm chủng: 4 lượt — dự kiến"))

            // Next week the forecast is confirmed in one tap, through the page or the API.
            t.clock.advance(by: 7 * 86400)
            try await browser.login(TestApp.Demo.reporter)
            let form = try await browser.get("/reports/2021-W34").body.string
            #expect(form.contains("id=\"forecasts\"") && form.contains("Tuyên truyền tiêm chủng: 4 lượt"))
            let tapped = try await browser.post("/reports/2021-W33/work/2/confirm", [])
            #expect(tapped.status == .seeOther)
            #expect(!(try await browser.get("/reports/2021-W34").body.string.contains("id=\"forecasts\"")))
            #expect(try await t.api(.POST, "/api/v1/reports/2021-W33/work/2/confirm", token: nam).status == .notFound, "already confirmed")
            #expect(try await AuditEntry.query(on: t.db).filter(\.$action == "confirm_forecast").count() == 1)
        }
    }

    @Test("The migration folds duplicate figures: a sum keeps the total, a latest figure the one submitted last")
    func migrationFolds() async throws {
        try await withTestApp { t in
            let (coverage, count, _) = try await Self.targets(t)
            let nam = try await t.person(TestApp.Demo.reporter)
            let tam = try await t.person(DemoCommune.username(for: "Trần Thị Thanh Tâm"))
            let week = ReportWeekID(year: 2021, week: 30)
            for (person, minutes, values) in [(nam, 0, ("84", "10")), (tam, 60, ("85", "12"))] {
                let report = try WeeklyReport(of: person, week: week, now: t.clock.now())
                report.status = .submitted
                report.firstSubmittedAt = t.clock.now().addingTimeInterval(Double(minutes * 60))
                report.lastSubmittedAt = report.firstSubmittedAt
                try await report.create(on: t.db)
                try await ReportFigure(reportID: try report.requireID(), targetID: try coverage.requireID(), week: week,
                                       value: Decimal(string: values.0)!, completed: true, submitted: true).create(on: t.db)
                try await ReportFigure(reportID: try report.requireID(), targetID: try count.requireID(), week: week,
                                       value: Decimal(string: values.1)!, completed: true, submitted: true).create(on: t.db)
            }
            try await CreateTargetWeekFigures.fold(on: t.db)
            let figures = try await TargetWeekFigure.query(on: t.db).all()
            #expect(try figures.first { $0.targetID == coverage.id }?.value == 85)
            #expect(figures.first { $0.targetID == coverage.id }?.enteredByID == tam.id)
            #expect(try figures.first { $0.targetID == count.id }?.value == 22)
            try await RunningYearToDateTests.expectKept(t, "the fold of several reporters' figures")
        }
    }

    @Test("The briefing pack of a busy demo week is at most two pages per group in LibreOffice")
    func shortPack() async throws {
        try await withTestApp { t in
            let communeID = try #require(try await Commune.query(on: t.db).first()?.requireID())
            try await DemoTargets.load(commune: try #require(try await Commune.find(communeID, on: t.db)), years: [2021], on: t.db)
            try await DemoHistory.load(communeID: communeID, weeks: 3, now: t.clock.now(), on: t.db)
            let groups = try await ReportGroup.query(on: t.db).filter(\.$communeID == communeID).count()
            let browser = t.browser()
            try await browser.login(TestApp.Demo.leader)
            let busiest = try await Self.busiestWeek(t)
            let pack = try await browser.get("/briefing/\(busiest)/pack.docx")
            #expect(pack.status == .ok)
            let data = Data(buffer: pack.body)
            let text = try DocxReader.text(data)
            #expect(text.contains("Số liệu thay đổi trong tuần") && text.contains("Công việc trọng tâm tuần tới"))
            if let pages = try libreOfficePageCount(of: data) {
                #expect(pages <= 2 * groups + 1, "\(pages) pages for \(groups) groups")
                print("briefing pack of \(busiest): \(pages) pages for \(groups) groups")
            }
        }
    }

    /// The week with the most submitted work lines.
    static func busiestWeek(_ t: TestApp) async throws -> String {
        let reports = try await WeeklyReport.query(on: t.db).filter(\.$status == .submitted).all()
        let counts = try await ReportWorkItem.query(on: t.db).all().reduce(into: [UUID: Int]()) { $0[$1.reportID, default: 0] += 1 }
        var byWeek: [String: Int] = [:]
        for report in reports { byWeek[report.weekID, default: 0] += counts[report.id!] ?? 0 }
        return byWeek.max { $0.value < $1.value }?.key ?? "2021-W33"
    }
}
