@testable import App
import Fluent
import Foundation
import GiaoBanCore
import Testing
import Vapor
import VaporTesting

/// Issue 20: one weekly report type from the form and the API to storage, figures as decimals
/// end to end (never through `Double`).
@Suite("Weekly reports: one type, exact decimals")
struct ReportDecimalTests {
    /// A decimal target the demo reporter is responsible for (the fixtures' decimal one is finance's).
    static func areaTarget(_ t: TestApp) async throws -> Target {
        let commune = try #require(try await Commune.query(on: t.db).first())
        let group = try #require(try await ReportGroup.query(on: t.db).filter(\.$name == "Khối chính quyền").first())
        let culture = try #require(try await OrgUnit.query(on: t.db).filter(\.$name == "Văn hóa - Xã hội").first())
        let area = Target(communeID: try commune.requireID(), year: 2021, groupID: try group.requireID(), code: "VH09",
                          name: "Diện tích sân thể thao thôn", unitOfMeasure: "ha", planned: nil, valueKind: .decimal,
                          yearToDateRule: .sum, responsibleUnitID: try culture.requireID(), sortOrder: 4)
        try await area.create(on: t.db)
        return area
    }

    static func decimal(_ text: String) -> Decimal { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))! }

    /// What the database keeps of the reporter's report of 2021-W33: figures by target, quantities in order.
    static func stored(_ t: TestApp) async throws -> (figures: [UUID: String], quantities: [String]) {
        let report = try #require(try await WeeklyReport.query(on: t.db).filter(\.$weekID == "2021-W33").first())
        let figures = try await ReportFigure.query(on: t.db).filter(\.$reportID == report.requireID()).all()
        let work = try await ReportWorkItem.query(on: t.db).filter(\.$reportID == report.requireID()).sort(\.$position).all()
        return (Dictionary(uniqueKeysWithValues: figures.map { ($0.targetID, $0.valueText) }), work.map(\.quantityText))
    }

    /// The page shows every figure and quantity the API answers, in the reporter's notation.
    static func expectSameFigures(page html: String, api report: ReportDTO) {
        for figure in report.targets {
            #expect(html.contains("value=\"\(WeeklyReportInput.typed(figure.value))\""), "figure \(figure.value) on the page")
        }
        for line in report.work {
            #expect(html.contains("value=\"\(WeeklyReportInput.typed(line.quantity))\""), "quantity \(line.quantity) on the page")
        }
    }

    @Test("Typed on the page as 1,1 · 0,3 · 1.200 · 12,345: stored, answered and shown as exactly those decimals")
    func typedOnPage() async throws {
        try await withTestApp { t in
            let fixtures = try await addReportFixtures(t)
            let area = try await Self.areaTarget(t)
            let countID = try fixtures.count.requireID(), areaID = try area.requireID()
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            let posted = try await browser.post("/reports/2021-W33", [
                ("targets[0][targetId]", countID.uuidString), ("targets[0][value]", "1.200"),
                ("targets[1][targetId]", areaID.uuidString), ("targets[1][value]", "12,345"),
                ("work[0][description]", "Trồng cây xanh khu trung tâm"), ("work[0][quantity]", "1,1"), ("work[0][unit]", "ha"),
                ("work[1][description]", "Phát quang đường thôn"), ("work[1][quantity]", "0,3"), ("work[1][unit]", "km"),
                ("action", "save"),
            ])
            #expect(posted.status == .seeOther, "\(posted.body.string)")
            var stored = try await Self.stored(t)
            #expect(stored.figures == [countID: "1200", areaID: "12.345"])
            #expect(stored.quantities == ["1.1", "0.3"])

            let token = try await t.token(TestApp.Demo.reporter)
            let answer = try await t.api(.GET, "/api/v1/reports/2021-W33", token: token)
            let json = answer.body.string
            for number in ["\"value\":1200", "\"value\":12.345", "\"quantity\":1.1", "\"quantity\":0.3"] {
                #expect(json.contains(number), "\(number) in \(json)")
            }
            let dto = try answer.content.decode(ReportDTO.self)
            #expect(dto.targets.first { $0.targetId == areaID }?.value == Self.decimal("12.345"))
            #expect(dto.work.map(\.quantity) == [Self.decimal("1.1"), Self.decimal("0.3")])

            // Submitting what is saved re-reads it: 12,345 stays twelve point three four five.
            let submitted = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: token)
            #expect(submitted.status == .ok, "\(submitted.body.string)")
            stored = try await Self.stored(t)
            #expect(stored.figures == [countID: "1200", areaID: "12.345"])
            #expect(stored.quantities == ["1.1", "0.3"])

            let page = try await browser.get("/reports/2021-W33").body.string
            for typed in ["1.200", "12,345", "1,1", "0,3"] { #expect(page.contains("value=\"\(typed)\""), "\(typed) on the page") }
            Self.expectSameFigures(page: page, api: try submitted.content.decode(ReportDTO.self))
        }
    }

    /// A figure or quantity as an API client sends it: a JSON number (encoded from its digits) or text.
    enum Number: Encodable, Sendable {
        case number(String), text(String)
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .number(let digits): try container.encode(ReportDecimalTests.decimal(digits))
            case .text(let text): try container.encode(text)
            }
        }
    }
    struct Body: Encodable, Sendable {
        struct Figure: Encodable, Sendable { var targetId: UUID; var value: Number }
        struct Work: Encodable, Sendable { var description: String; var quantity: Number; var unit: String }
        var targets: [Figure]
        var work: [Work]
    }

    @Test("Sent to the API as 0.3, 1.1, \"2,5\" and 12.345: stored, answered and shown as exactly those decimals")
    func sentToAPI() async throws {
        try await withTestApp { t in
            let fixtures = try await addReportFixtures(t)
            let area = try await Self.areaTarget(t)
            let countID = try fixtures.count.requireID(), areaID = try area.requireID()
            let token = try await t.token(TestApp.Demo.reporter)
            let body = Body(targets: [.init(targetId: areaID, value: .number("0.3")), .init(targetId: countID, value: .number("1200"))],
                            work: [.init(description: "Trồng cây xanh", quantity: .number("1.1"), unit: "ha"),
                                   .init(description: "Nạo vét kênh", quantity: .text("2,5"), unit: "km"),
                                   .init(description: "Làm đường bê tông", quantity: .number("12.345"), unit: "km")])
            let put = try await t.api(.PUT, "/api/v1/reports/2021-W33", token: token, json: body)
            #expect(put.status == .ok, "\(put.body.string)")
            let json = put.body.string
            for number in ["\"value\":0.3", "\"value\":1200", "\"quantity\":1.1", "\"quantity\":2.5", "\"quantity\":12.345"] {
                #expect(json.contains(number), "\(number) in \(json)")
            }
            let stored = try await Self.stored(t)
            #expect(stored.figures == [areaID: "0.3", countID: "1200"])
            #expect(stored.quantities == ["1.1", "2.5", "12.345"])

            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            let page = try await browser.get("/reports/2021-W33").body.string
            for typed in ["0,3", "1.200", "1,1", "2,5", "12,345"] { #expect(page.contains("value=\"\(typed)\""), "\(typed) on the page") }
            Self.expectSameFigures(page: page, api: try put.content.decode(ReportDTO.self))

            // A JSON number reaches the rules with all its digits: too many decimals is refused, not rounded.
            let precise = Body(targets: [.init(targetId: areaID, value: .number("0.30000000000000004"))], work: [])
            let refused = try await t.api(.PUT, "/api/v1/reports/2021-W33", token: token, json: precise)
            #expect(refused.status == .unprocessableEntity)
            #expect(try refused.content.get(String.self, at: "error", "fields", "targets[0].value") == VietnameseNumber.tooPreciseMessage)
        }
    }

    @Test("The group week and the target's progress answer the stored decimals as JSON numbers, never through Double")
    func answeredExactly() async throws {
        try await withTestApp { t in
            _ = try await addReportFixtures(t)
            let area = try await Self.areaTarget(t)
            let areaID = try area.requireID()
            // 18 significant digits: a Double keeps about 16, so any detour through one would show.
            let figure = "123456789012.123456", quantity = "98765432109.87654"
            area.setPlanned(Self.decimal("246913578024.246912"))
            try await area.save(on: t.db)
            let token = try await t.token(TestApp.Demo.reporter)
            let body = Body(targets: [.init(targetId: areaID, value: .number(figure))],
                            work: [.init(description: "Trồng cây xanh", quantity: .number(quantity), unit: "ha")])
            #expect(try await t.api(.PUT, "/api/v1/reports/2021-W33", token: token, json: body).status == .ok)
            let submitted = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: token)
            #expect(submitted.status == .ok, "\(submitted.body.string)")

            let office = try await t.token(TestApp.Demo.office)
            let group = try #require(try await ReportGroup.query(on: t.db).filter(\.$name == "Khối chính quyền").first())
            let week = try await t.api(.GET, "/api/v1/groups/\(try group.requireID())/weeks/2021-W33", token: office)
            #expect(week.status == .ok, "\(week.body.string)")
            for number in ["\"value\":\(figure)", "\"yearToDate\":\(figure)", "\"planned\":246913578024.246912", "\"percent\":50",
                           "\"quantity\":\(quantity)"] {
                #expect(week.body.string.contains(number), "\(number) in the group week")
            }
            let progress = try await t.api(.GET, "/api/v1/targets/\(areaID)/progress?week=2021-W33", token: office)
            #expect(progress.status == .ok, "\(progress.body.string)")
            #expect(progress.body.string.contains("\"yearToDate\":\(figure)"), "\(progress.body.string)")
            #expect(try progress.content.decode(TargetProgressDTO.self).yearToDate == Self.decimal(figure))
        }
    }

    @Test("A refused form comes back exactly as typed, numbers included")
    func refusedAsTyped() async throws {
        try await withTestApp { t in
            _ = try await addReportFixtures(t)
            let area = try await Self.areaTarget(t)
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            let refused = try await browser.post("/reports/2021-W33", [
                ("targets[0][targetId]", try area.requireID().uuidString), ("targets[0][value]", "12,345"),
                ("work[0][description]", "Trồng cây xanh"), ("work[0][quantity]", "1,1"), ("work[0][unit]", ""),
                ("work[1][description]", "Phát quang"), ("work[1][quantity]", "0.3"), ("work[1][unit]", "km"),
                ("work[1][forecast]", "on"),
                ("action", "submit"),
            ])
            #expect(refused.status == .unprocessableEntity)
            let html = refused.body.string
            for typed in ["12,345", "1,1", "0.3"] { #expect(html.contains("value=\"\(typed)\""), "\(typed) as typed") }
            #expect(html.contains("Thiếu đơn vị tính"))
            let draft = try #require(try await WeeklyReport.query(on: t.db).filter(\.$weekID == "2021-W33").first()?.typedDraft)
            #expect(draft.figures.map(\.value) == ["12,345"])
            #expect(draft.work.map(\.quantity) == ["1,1", "0.3"])
            #expect(draft.work.map(\.forecast) == [false, true])
        }
    }

    @Test("The one decoder reads the API's spellings and the form's: numbers or text, booleans or ticked boxes")
    func oneDecoder() throws {
        let target = UUID()
        let json = """
            {"targets": [{"targetId": "\(target)", "value": 12.345, "completed": false, "confirmJump": true},
                         {"targetId": "\(target)", "value": true, "inProgress": "on"}],
             "work": [{"description": "Làm đường", "quantity": 0.3, "unit": "km", "forecast": "on", "groupIds": ["g"]},
                      {"description": "Họp", "quantity": null, "unit": "buổi", "activityType": null}],
             "plans": [{"date": "23/08/2021", "start": "7h30", "end": "9", "title": "Họp thôn", "participantIds": []}],
             "difficulties": "Thiếu kinh phí"}
            """
        let input = try JSONDecoder().decode(ReportInputDecoder.self, from: Data(json.utf8)).input
        #expect(input.figures.map(\.value) == ["12,345", "1"])
        #expect(input.figures.map(\.completed) == [false, false])
        #expect(input.figures.map(\.confirmJump) == [true, false])
        #expect(input.work.map(\.quantity) == ["0,3", ""])
        #expect(input.work.map(\.forecast) == [true, false])
        #expect(input.work[0].groupIDs == ["g"])
        #expect(input.plans.first?.start == "7h30")
        #expect(input.difficulties == "Thiếu kinh phí")
        let odd = #"{"work": [{"description": "x", "quantity": 1, "unit": "km", "forecast": "maybe"}]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ReportInputDecoder.self, from: Data(odd.utf8)) }
    }
}
