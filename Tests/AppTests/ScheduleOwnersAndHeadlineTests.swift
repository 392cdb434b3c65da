@testable import App
import Fluent
import Foundation
import GiaoBanCore
@testable import GiaoBanOffice
import Testing
import Vapor
import VaporTesting

/// Issue 17, the office's and leaders' part: plan items have an owner, publishing over conflicts
/// asks first, clashes say what with, the briefing opens with the commune headline, and the group
/// report is signed by its issuing body with a tally that adds up.
@Suite("Schedule owners, publishing over conflicts, the briefing headline")
struct ScheduleOwnersAndHeadlineTests {
    struct Item: Encodable, Sendable {
        var date: String; var start: String; var end: String; var title: String; var participantIds: [UUID]
    }
    struct Confirm: Encodable, Sendable { var confirmConflicts: Bool }

    static let trip = "Kiểm tra vườn mẫu thôn Kim Lộc"
    static let meeting = "Họp giao ban Hội Nông dân"

    /// Nam plans a trip for Tuesday of week 34 naming nobody; the office adds a meeting that books him.
    static func ownTripAndMeeting(_ t: TestApp) async throws -> (nam: Person, office: String) {
        _ = try await addReportFixtures(t)
        let nam = try await t.person(TestApp.Demo.reporter)
        let namToken = try await t.token(TestApp.Demo.reporter)
        var plan = ReportBody()
        plan.plans = [.init(date: "2021-08-24", start: "08:00", end: "11:00", title: trip, roomId: nil, chairId: nil, participantIds: [])]
        #expect(try await t.api(.PUT, "/api/v1/reports/2021-W33", token: namToken, json: plan).status == .ok)
        let office = try await t.token(TestApp.Demo.office)
        let added = try await t.api(.POST, "/api/v1/schedule/2021-W34/items", token: office,
                                    json: Item(date: "2021-08-24", start: "09:00", end: "10:00", title: meeting,
                                               participantIds: [try nam.requireID()]))
        #expect(added.status == .created)
        return (nam, office)
    }

    @Test("A plan's author chairs it, it clashes with their other commitment, and publishing asks to confirm (API)")
    func ownerConflictAndPublish() async throws {
        try await withTestApp { t in
            let (nam, office) = try await Self.ownTripAndMeeting(t)
            let namID = try nam.requireID()
            let schedule = try await t.api(.GET, "/api/v1/schedule/2021-W34", token: office).content.decode(ScheduleDTO.self)
            let item = try #require(schedule.items.first { $0.title == Self.trip })
            #expect(item.origin == "plan")
            #expect(item.ownerId == namID)
            #expect(item.chairId == namID)
            #expect(item.participantIds.isEmpty)
            let conflict = try #require(schedule.conflicts.first { $0.kind == "person" })
            #expect(conflict.personId == namID)
            #expect(Set(conflict.itemIds).contains(item.id))
            #expect(conflict.message == "Đ/c Hồ Sỹ Nam có 2 lịch trùng giờ")
            #expect(conflict.items.contains("«\(Self.trip)»") && conflict.items.contains("«\(Self.meeting)»"))

            // Without the flag: 409 with the conflicts, nothing published.
            let refused = try await t.api(.POST, "/api/v1/schedule/2021-W34/publish", token: office)
            #expect(refused.status == .conflict)
            #expect(try refused.content.get(String.self, at: "error", "code") == "schedule_conflicts")
            #expect(try refused.content.get([String: String].self, at: "error", "fields").keys.contains("confirmConflicts"))
            let listed = try refused.content.get([ScheduleConflictDTO].self, at: "error", "conflicts")
            #expect(listed.map(\.itemIds) == schedule.conflicts.map(\.itemIds))
            #expect(try await t.api(.GET, "/api/v1/schedule/2021-W34", token: office).content.decode(ScheduleDTO.self).published == false)
            #expect(try await t.api(.POST, "/api/v1/schedule/2021-W34/publish?confirmConflicts=false", token: office).status == .conflict)
            // A body that is not the expected JSON is a 400, not a silent publication.
            let garbled = try await t.app.testing().sendRequest(.POST, "/api/v1/schedule/2021-W34/publish", beforeRequest: { req in
                req.headers.bearerAuthorization = .init(token: office)
                req.headers.contentType = .json
                req.body = ByteBuffer(string: "{\"confirmConflicts\": \"maybe\"")
            })
            #expect(garbled.status == .badRequest)

            // With the flag (body or query): published.
            let published = try await t.api(.POST, "/api/v1/schedule/2021-W34/publish", token: office, json: Confirm(confirmConflicts: true))
            #expect(published.status == .ok)
            #expect(try published.content.decode(ScheduleDTO.self).published)
            #expect(try await t.api(.POST, "/api/v1/schedule/2021-W34/publish?confirmConflicts=true", token: office).status == .ok)

            // The trip is in Nam's own calendar feed.
            let feed = try await CalendarFeed.feed(communeID: nam.communeID, personID: namID, now: t.clock.now(), on: t.db)
            let ics = try await t.app.testing().sendRequest(.GET, "/calendar/\(feed.token).ics")
            #expect(ics.status == .ok)
            let summaries = ics.body.string.components(separatedBy: "\r\n").filter { $0.hasPrefix("SUMMARY:") }
            #expect(summaries.contains("SUMMARY:\(Self.trip)"))
            #expect(summaries.contains("SUMMARY:\(Self.meeting)"))
        }
    }

    @Test("Without conflicts no confirmation is needed")
    func publishWithoutConflicts() async throws {
        try await withTestApp { t in
            let office = try await t.token(TestApp.Demo.office)
            let schedule = try await t.api(.GET, "/api/v1/schedule/2021-W35", token: office).content.decode(ScheduleDTO.self)
            #expect(schedule.conflicts.isEmpty)
            #expect(try await t.api(.POST, "/api/v1/schedule/2021-W35/publish", token: office).status == .ok)
        }
    }

    @Test("The schedule page: the owner, cells never blank, clashes say what with, the confirmation form keeps the list")
    func schedulePage() async throws {
        try await withTestApp { t in
            _ = try await Self.ownTripAndMeeting(t)
            let office = t.browser()
            try await office.login(TestApp.Demo.office)
            let html = try await office.get("/schedule/2021-W34").body.string
            let rows = HTMLCheck.elements("tr", in: html)
            let row = try #require(rows.first { $0.contains(Self.trip) })
            let cells = HTMLCheck.elements("td", in: row).map(HTMLCheck.text)
            // time, content (+ owner + clash), chair, participants, place, prepared by, actions
            #expect(cells[1].contains("Kế hoạch của Đ/c Hồ Sỹ Nam"))
            #expect(cells[1].contains("Trùng với «\(Self.meeting)» (Thứ Ba 24/08, 09:00–10:00)"))
            #expect(!cells[1].contains("Đ/c Đ/c"))
            #expect(cells[2] == "Hồ Sỹ Nam")
            #expect(cells[3] == "—")
            #expect(cells[4] == "—")
            #expect(cells[5] == "Hồ Sỹ Nam")
            #expect(!html.contains("Đ/c Đ/c"))

            // The conflict list is the publish form; publishing without the tick comes back with it.
            let form = try HTMLCheck.element(id: "publish-form", in: html)
            #expect(form.contains("name=\"confirmConflicts\""))
            #expect(HTMLCheck.text(try HTMLCheck.element(id: "open-conflicts", in: form)).contains("Đ/c Hồ Sỹ Nam có 2 lịch trùng giờ"))
            let refused = try await office.post("/schedule/2021-W34/publish", [])
            #expect(refused.status == .unprocessableEntity)
            #expect(try HTMLCheck.element(id: "confirmConflicts-error", in: refused.body.string).contains("class=\"error\""))
            #expect(try await office.post("/schedule/2021-W34/publish", [("confirmConflicts", "on")]).status == .seeOther)
            let published = try await office.get("/schedule/2021-W34")
            #expect(published.status == .ok)

            // The schedule .docx fills the same cells.
            let document = try await office.get("/schedule/2021-W34/schedule.docx")
            let parts = try ZipParts.read(Data(buffer: document.body))
            let xml = try #require(parts["word/document.xml"])
            let tableRow = try #require(xml.components(separatedBy: "<w:tr>").first { $0.contains(Self.trip) })
            let texts = tableRow.components(separatedBy: "<w:t xml:space=\"preserve\">").dropFirst()
                .compactMap { $0.components(separatedBy: "</w:t>").first }
            #expect(texts.contains("Hồ Sỹ Nam"))
            #expect(texts.contains("—"))
        }
    }

    @Test("The reporter's clash warning names the other item, its time and who chairs it")
    func reporterClash() async throws {
        try await withTestApp { t in
            _ = try await addReportFixtures(t)
            let office = try await t.token(TestApp.Demo.office)
            let nam = try await t.person(TestApp.Demo.reporter)
            let hai = try await t.person(TestApp.Demo.leader)
            struct Chaired: Encodable, Sendable {
                var date: String; var start: String; var end: String; var title: String; var chairId: UUID; var participantIds: [UUID]
            }
            _ = try await t.api(.POST, "/api/v1/schedule/2021-W34/items", token: office,
                                json: Chaired(date: "2021-08-25", start: "14:00", end: "16:00", title: Self.meeting,
                                              chairId: try hai.requireID(), participantIds: [try nam.requireID()]))
            #expect(try await t.api(.POST, "/api/v1/schedule/2021-W34/publish", token: office).status == .ok)
            let reporter = t.browser()
            try await reporter.login(TestApp.Demo.reporter)
            // Nam's own trip names nobody: he is booked in it, so it clashes with the meeting he attends.
            let saved = try await reporter.post("/reports/2021-W33", [("plans[0][date]", "25/08/2021"), ("plans[0][start]", "15:00"),
                                                                      ("plans[0][end]", "17:00"), ("plans[0][title]", Self.trip), ("action", "save")])
            #expect(saved.status == .seeOther)
            let html = try await reporter.get("/reports/2021-W33").body.string
            let clashes = HTMLCheck.elements("li", in: try HTMLCheck.element(id: "schedule-clashes", in: html)).map(HTMLCheck.text)
            #expect(clashes == ["\(Self.trip) (25/08 15:00): Đ/c Hồ Sỹ Nam có 2 lịch trùng giờ. Trùng với «\(Self.meeting)» (Thứ Tư 25/08, 14:00–16:00; chủ trì: Đ/c \(hai.fullName))"])
        }
    }

    @Test("The briefing opens with the commune headline: compiled groups, on time once per person, the late and missing by name")
    func briefingHeadline() async throws {
        try await withTestApp { t in
            _ = try await addReportFixtures(t)
            let nam = try await t.token(TestApp.Demo.reporter)
            #expect(try await t.api(.PUT, "/api/v1/reports/2021-W33", token: nam, json: ReportBody()).status == .ok)
            #expect(try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: nam).status == .ok)
            // Friday 20/08/2021 10:00 in the commune: Thursday's 20:00 deadline has passed.
            t.clock.set(Date(timeIntervalSince1970: 1_629_428_400))
            let nhungName = try await t.person(TestApp.Demo.ntmAggregator).fullName
            let nhung = try await t.token(TestApp.Demo.ntmAggregator)
            #expect(try await t.api(.PUT, "/api/v1/reports/2021-W33", token: nhung, json: ReportBody()).status == .ok)
            #expect(try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: nhung).status == .ok)

            let leader = t.browser()
            try await leader.login(TestApp.Demo.leader)
            let page = try await leader.get("/briefing/2021-W33")
            #expect(page.status == .ok)
            let html = page.body.string
            let headline = try HTMLCheck.element(id: "headline", in: html)
            // First on the page: before the meeting times.
            let meetingsAt = try #require(html.range(of: "<h2>Các cuộc giao ban</h2>")).lowerBound
            #expect(try #require(html.range(of: "id=\"headline\"")).lowerBound < meetingsAt)

            func figure(_ name: String) throws -> String {
                HTMLCheck.text(try #require(HTMLCheck.elements("dd", in: headline).first { $0.contains("data-figure=\"\(name)\"") }))
            }
            #expect(try figure("groups") == "0/4")
            let onTime = try figure("on-time").split(separator: "/").compactMap { Int($0) }
            let late = HTMLCheck.elements("span", in: try HTMLCheck.element(id: "headline-late", in: headline))
                .filter { $0.hasPrefix("<span class=\"person\">") }.map(HTMLCheck.text)
            let missing = HTMLCheck.elements("span", in: try HTMLCheck.element(id: "headline-missing", in: headline))
                .filter { $0.hasPrefix("<span class=\"person\">") }.map(HTMLCheck.text)
            // Nam is in several groups and on time: counted once, never late or missing.
            #expect(onTime.first == 1)
            #expect(late.count == 1 && late.first?.hasPrefix(nhungName) == true)
            #expect(!missing.contains { $0.hasPrefix("Hồ Sỹ Nam") } && !late.contains { $0.hasPrefix("Hồ Sỹ Nam") })
            #expect(Set(missing).count == missing.count, "each missing person once")
            #expect(missing.count > 0)
            #expect(onTime.count == 2 && onTime[0] + late.count + missing.count == onTime[1], "on time, late and missing make up those due")
            // The people counted are the distinct members of the groups who owe a report.
            let user = try #require(try await AccountQueries.currentUser(personID: try await t.person(TestApp.Demo.leader).requireID(),
                                                                         session: nil, on: t.db))
            let views = try await BriefingWeek.load(user: user, week: try user.calendar.week(try #require(ReportWeekID("2021-W33"))),
                                                    now: t.clock.now(), on: t.db).map(\.0)
            let due = Set(views.flatMap(\.members).filter { [.onTime, .late, .missing].contains($0.entry?.status) }.map(\.personID))
            #expect(onTime.last == due.count)
            let behind = HTMLCheck.text(try figure("behind"))
            #expect(Int(behind) == Set(views.flatMap { $0.targets.filter(\.behindPlan).compactMap { $0.target.id } }).count)

            // The pack's group pages use the same tally: its parts add up to the group's members.
            let pack = try DocxReader.text(Data(buffer: try await leader.get("/briefing/2021-W33/pack.docx").body))
            let statuses = pack.components(separatedBy: "\n").filter { $0.contains("Tổng số ") }
            #expect(statuses.count == views.count)
            for (line, view) in zip(statuses, views) {
                let sentence = try #require(line.components(separatedBy: "Tổng số ").last?.components(separatedBy: " (tuần trước").first)
                let numbers = sentence.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
                #expect(numbers.first == view.members.count, "\(line)")
                #expect(numbers.dropFirst().reduce(0, +) == numbers.first, "\(line)")
            }
        }
    }

    @Test("The group report is signed by its issuing body, names the compiler, and its tally adds up")
    func groupReportSignature() async throws {
        try await withTestApp { t in
            _ = try await addReportFixtures(t)
            let nam = try await t.token(TestApp.Demo.reporter)
            _ = try await t.api(.PUT, "/api/v1/reports/2021-W33", token: nam, json: ReportBody())
            _ = try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: nam)
            let office = try await t.token(TestApp.Demo.office)
            for (name, authority, position) in [("Khối chính quyền", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
                                                ("Khối Đảng, Mặt trận, đoàn thể", "T/M ĐẢNG ỦY", "BÍ THƯ")] {
                let group = try #require(try await ReportGroup.query(on: t.db).filter(\.$name == name).first())
                let path = "/api/v1/groups/\(try group.requireID())/weeks/2021-W33"
                _ = try await t.api(.POST, path + "/submit", token: office, json: CompilationTests.Body(summary: "Tốt.", confirmMissing: true))
                let response = try await t.api(.GET, path + "/report.docx", token: office)
                #expect(response.status == .ok)
                let paragraphs = try DocxReader.text(Data(buffer: response.body)).components(separatedBy: "\n")
                #expect(paragraphs.contains { $0.contains(authority) }, "\(name): signed \(authority)")
                #expect(paragraphs.contains { $0.contains(position) })
                #expect(!paragraphs.contains { $0.contains("NGƯỜI TỔNG HỢP") })
                // The compiler (or the group's first focal point) is named on a line of its own.
                #expect(paragraphs.contains { $0.hasPrefix("Người tổng hợp: ") && $0.count > "Người tổng hợp: ".count })
                // "Tổng số N cán bộ: đúng hạn a, muộn b, …": the parts add up to N.
                let tally = try #require(paragraphs.first { $0.hasPrefix("Tổng số ") })
                let numbers = tally.components(separatedBy: ".").first!.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
                #expect(numbers.count >= 4)
                #expect(numbers.dropFirst().reduce(0, +) == numbers[0], "\(tally)")
                #expect(tally.contains("chưa đến hạn"), "before Thursday 20:00 the others are not yet due: \(tally)")
            }
        }
    }
}
