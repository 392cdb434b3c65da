@testable import App
import Fluent
import GiaoBanCore
import GiaoBanOffice
import Testing
import Vapor
import VaporTesting

@Suite("The weekly work schedule")
struct ScheduleTests {
    struct Item: Encodable, Sendable {
        var date: String?; var start: String?; var end: String?; var title: String?; var roomId: UUID?
        var chairId: UUID?; var participantIds: [UUID]?; var unitIds: [UUID]?
    }

    @Test("Plans of last week, office items and the briefings; a room clash appears and the office publishes")
    func scheduleFlow() async throws {
        try await withTestApp { t in
            _ = try await addReportFixtures(t)
            let room = try #require(try await Room.query(on: t.db).filter(\.$name == "Phòng họp tầng 2").first())
            let nam = try await t.token(TestApp.Demo.reporter)
            var plan = ReportBody()
            plan.plans = [.init(date: "2021-08-23", start: "08:00", end: "10:00", title: "Họp triển khai tiêm chủng",
                                roomId: try room.requireID().uuidString, chairId: nil, participantIds: [])]
            #expect(try await t.api(.PUT, "/api/v1/reports/2021-W33", token: nam, json: plan).status == .ok)

            let office = try await t.token(TestApp.Demo.office)
            let schedule = try await t.api(.GET, "/api/v1/schedule/2021-W34", token: office).content.decode(ScheduleDTO.self)
            #expect(schedule.week == "2021-W34")
            #expect(!schedule.published)
            #expect(schedule.items.contains { $0.title == "Họp triển khai tiêm chủng" && $0.origin == "plan" && $0.sourceReportId != nil })
            #expect(schedule.items.contains { $0.origin == "meeting" && $0.date == "2021-08-27" && $0.start == "14:00" })
            #expect(schedule.conflicts.isEmpty)

            // A second meeting in the same room, touching is fine, overlapping is not.
            let touching = try await t.api(.POST, "/api/v1/schedule/2021-W34/items", token: office,
                                           json: Item(date: "2021-08-23", start: "10:00", end: "11:00", title: "Tiếp dân", roomId: try room.requireID()))
            #expect(touching.status == .created)
            let clash = try await t.api(.POST, "/api/v1/schedule/2021-W34/items", token: office,
                                        json: Item(date: "23/08/2021", start: "09:00", end: "09:30", title: "Họp Hội Nông dân", roomId: try room.requireID()))
            #expect(clash.status == .created)
            let clashID = try clash.content.decode(ScheduleItemDTO.self).id
            let withConflict = try await t.api(.GET, "/api/v1/schedule/2021-W34", token: office).content.decode(ScheduleDTO.self)
            #expect(withConflict.conflicts.count == 1)
            #expect(withConflict.conflicts.first?.kind == "room")
            #expect(withConflict.conflicts.first?.roomId == room.id)
            #expect(withConflict.conflicts.first?.itemIds.contains(clashID) == true)
            #expect(withConflict.conflicts.first?.message.contains("Phòng họp tầng 2") == true)

            // Moving the clashing item away clears it; invalid input is a 422; reporters cannot edit.
            let moved = try await t.api(.PATCH, "/api/v1/schedule/2021-W34/items/\(clashID)", token: office, json: Item(start: "13:30", end: "14:00"))
            #expect(moved.status == .ok)
            #expect(try await t.api(.GET, "/api/v1/schedule/2021-W34", token: office).content.decode(ScheduleDTO.self).conflicts.isEmpty)
            let invalid = try await t.api(.POST, "/api/v1/schedule/2021-W34/items", token: office,
                                          json: Item(date: "2021-08-30", start: "10:00", end: "09:00", title: ""))
            #expect(invalid.status == .unprocessableEntity)
            #expect(Set(try invalid.content.get([String: String].self, at: "error", "fields").keys) == ["date", "end", "title"])
            #expect(try await t.api(.POST, "/api/v1/schedule/2021-W34/items", token: nam,
                                    json: Item(date: "2021-08-23", start: "10:00", end: "11:00", title: "x")).status == .forbidden)

            // Reporters read only the published schedule.
            #expect(try await t.api(.GET, "/api/v1/schedule/2021-W34", token: nam).content.decode(ScheduleDTO.self).items.isEmpty)
            #expect(try await t.api(.POST, "/api/v1/schedule/2021-W34/publish", token: nam).status == .forbidden)
            let published = try await t.api(.POST, "/api/v1/schedule/2021-W34/publish", token: office).content.decode(ScheduleDTO.self)
            #expect(published.published)
            let seen = try await t.api(.GET, "/api/v1/schedule/2021-W34", token: nam).content.decode(ScheduleDTO.self)
            #expect(seen.items.count == published.items.count)

            // Removing a plan item hides it (a duplicate merged away); the meeting cannot be removed here.
            let planItem = try #require(published.items.first { $0.origin == "plan" })
            #expect(try await t.api(.DELETE, "/api/v1/schedule/2021-W34/items/\(planItem.id)", token: office).status == .noContent)
            #expect(!(try await t.api(.GET, "/api/v1/schedule/2021-W34", token: office).content.decode(ScheduleDTO.self).items.contains { $0.id == planItem.id }))
            let meeting = try #require(published.items.first { $0.origin == "meeting" })
            #expect(try await t.api(.DELETE, "/api/v1/schedule/2021-W34/items/\(meeting.id)", token: office).status == .conflict)
            #expect(try await AuditEntry.query(on: t.db).filter(\.$kind == "schedule").count() >= 4)
        }
    }

    @Test("Free rooms and a room's busy items")
    func rooms() async throws {
        try await withTestApp { t in
            let office = try await t.token(TestApp.Demo.office)
            let hall = try #require(try await Room.query(on: t.db).filter(\.$name == "Hội trường UBND xã").first())
            _ = try await t.api(.POST, "/api/v1/schedule/2021-W34/items", token: office,
                                json: Item(date: "2021-08-24", start: "08:00", end: "11:00", title: "Hội nghị", roomId: try hall.requireID()))
            let busy = try await t.api(.GET, "/api/v1/rooms/\(try hall.requireID())/free?date=2021-08-24&start=10:00&end=12:00", token: office)
            #expect(busy.status == .ok)
            #expect(try busy.content.get(Bool.self, at: "free") == false)
            let later = try await t.api(.GET, "/api/v1/rooms/\(try hall.requireID())/free?date=2021-08-24&start=11:00&end=12:00", token: office)
            #expect(try later.content.get(Bool.self, at: "free") == true)
            let free = try await t.api(.GET, "/api/v1/rooms/free?date=2021-08-24&start=09:00&end=10:00&capacity=20", token: office)
            #expect(try free.content.get([RoomDTO].self, at: "items").map(\.name) == ["Phòng họp tầng 2"])
            #expect(try await t.api(.GET, "/api/v1/rooms/free?date=24/08/2021&start=9&end=8", token: office).status == .badRequest)

            // Opening hours: an item after closing time is flagged; a projector is a resource, not a room.
            let admin = try await t.token(TestApp.Demo.admin)
            struct Hours: Encodable, Sendable { var opensAt: String; var closesAt: String }
            let updated = try await t.api(.PATCH, "/api/v1/rooms/\(try hall.requireID())", token: admin, json: Hours(opensAt: "07:00", closesAt: "17:30"))
            #expect(try updated.content.get(String.self, at: "closesAt") == "17:30")
            #expect(try await t.api(.PATCH, "/api/v1/rooms/\(try hall.requireID())", token: admin, json: Hours(opensAt: "18:00", closesAt: "08:00")).status == .unprocessableEntity)
            _ = try await t.api(.POST, "/api/v1/schedule/2021-W34/items", token: office,
                                json: Item(date: "2021-08-24", start: "17:00", end: "19:00", title: "Văn nghệ", roomId: try hall.requireID()))
            let schedule = try await t.api(.GET, "/api/v1/schedule/2021-W34", token: office).content.decode(ScheduleDTO.self)
            #expect(schedule.conflicts.contains { $0.kind == "hours" && $0.roomId == hall.id })
            struct Resource: Encodable, Sendable { var name: String; var capacity: Int; var kind: String }
            let projector = try await t.api(.POST, "/api/v1/rooms", token: admin, json: Resource(name: "Máy chiếu", capacity: 1, kind: "equipment"))
            #expect(try projector.content.get(String.self, at: "kind") == "equipment")
            let rooms = try await t.api(.GET, "/api/v1/rooms/free?date=2021-08-24&start=13:00&end=14:00", token: office)
            #expect(!(try rooms.content.get([RoomDTO].self, at: "items").contains { $0.name == "Máy chiếu" }))
        }
    }

    @Test("The schedule page: the office edits and publishes, a conflict shows, reporters read and are told of clashes")
    func pages() async throws {
        try await withTestApp { t in
            _ = try await addReportFixtures(t)
            let room = try #require(try await Room.query(on: t.db).filter(\.$name == "Phòng họp Đảng ủy").first())
            let office = t.browser()
            try await office.login(TestApp.Demo.office)
            #expect(try await office.get("/schedule/current").location == "/schedule/2021-W33")
            let refused = try await office.post("/schedule/2021-W34/items", [("date", "23/08/2021"), ("start", "9h"), ("end", "08:00"), ("title", "Họp chi bộ")])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("value=\"9h\""))
            for title in ["Họp chi bộ", "Làm việc với đoàn kiểm tra"] {
                let saved = try await office.post("/schedule/2021-W34/items", [("date", "23/08/2021"), ("start", "08:00"), ("end", "09:00"),
                                                                               ("title", title), ("roomId", try room.requireID().uuidString)])
                #expect(saved.status == .seeOther)
            }
            let page = try await office.get("/schedule/2021-W34")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Lịch bị trùng"))
            #expect(page.body.string.contains("Phòng họp Đảng ủy"))
            // Publishing over the open conflict asks to confirm: refused (422) without the tick,
            // the form lists the conflicts; with it, published.
            let unconfirmed = try await office.post("/schedule/2021-W34/publish", [])
            #expect(unconfirmed.status == .unprocessableEntity)
            let publishForm = try HTMLCheck.element(id: "publish-form", in: unconfirmed.body.string)
            #expect(publishForm.contains("id=\"confirmConflicts-error\""))
            #expect(try HTMLCheck.element(id: "open-conflicts", in: publishForm).components(separatedBy: "<li>").count == 2)
            #expect(try await ScheduleService.publication(communeID: try await t.person(TestApp.Demo.office).communeID,
                                                          week: try #require(ReportWeekID("2021-W34")), on: t.db) == nil)
            #expect(try await office.post("/schedule/2021-W34/publish", [("confirmConflicts", "on")]).status == .seeOther)

            let reporter = t.browser()
            try await reporter.login(TestApp.Demo.reporter)
            let read = try await reporter.get("/schedule/2021-W34")
            #expect(read.status == .ok)
            #expect(read.body.string.contains("Làm việc với đoàn kiểm tra"))
            #expect(!read.body.string.contains("Công bố lịch"))
            #expect(try await reporter.post("/schedule/2021-W34/publish", []).status == .forbidden)
            let finder = try await reporter.get("/schedule/2021-W34?freeDate=23/08/2021&freeStart=08:00&freeEnd=09:00&freeCapacity=10")
            #expect(finder.body.string.contains("Phòng họp tầng 2"))
            #expect(!finder.body.string.contains(">Phòng họp Đảng ủy</a> (15)</li>"), "the booked room is not offered")
            #expect(try await reporter.get("/schedule/2021-W34?freeDate=x&freeStart=8&freeEnd=9").body.string.contains("Nhập ngày"))
            let roomWeek = try await reporter.get("/rooms/\(try room.requireID())/weeks/2021-W34")
            #expect(roomWeek.status == .ok)
            #expect(roomWeek.body.string.contains("Làm việc với đoàn kiểm tra"))
            #expect(roomWeek.body.string.contains("Trống cả ngày"))
            let document = try await reporter.get("/schedule/2021-W34/schedule.docx")
            #expect(document.status == .ok)
            let text = try DocxReader.text(Data(buffer: document.body))
            #expect(text.contains("LỊCH CÔNG TÁC TUẦN"))
            #expect(text.contains("Làm việc với đoàn kiểm tra"))
            #expect(text.contains("Phòng họp Đảng ủy"))
            // Nam plans a meeting in the same room at the same time: the report form tells him.
            let planned = try await reporter.post("/reports/2021-W33", [("plans[0][date]", "23/08/2021"), ("plans[0][start]", "08:30"),
                                                                        ("plans[0][end]", "09:30"), ("plans[0][title]", "Họp tổ văn hóa"),
                                                                        ("plans[0][roomId]", try room.requireID().uuidString), ("action", "save")])
            #expect(planned.status == .seeOther)
            let form = try await reporter.get("/reports/2021-W33")
            #expect(form.body.string.contains("trùng với lịch công tác đã công bố"))
        }
    }
}

@Suite("iCalendar feeds of the published schedule")
struct CalendarFeedTests {
    @Test("Personal and commune feeds at secret addresses parse with Python's icalendar")
    func feeds() async throws {
        try await withTestApp { t in
            let office = try await t.token(TestApp.Demo.office)
            let nam = try await t.person(TestApp.Demo.reporter)
            let room = try #require(try await Room.query(on: t.db).filter(\.$name == "Phòng họp tầng 2").first())
            _ = try await t.api(.POST, "/api/v1/schedule/2021-W34/items", token: office,
                                json: ScheduleTests.Item(date: "2021-08-24", start: "08:00", end: "09:30", title: "Họp văn hóa; thể thao, du lịch",
                                                         roomId: try room.requireID(), participantIds: [try nam.requireID()]))
            _ = try await t.api(.POST, "/api/v1/schedule/2021-W34/items", token: office,
                                json: ScheduleTests.Item(date: "2021-08-25", start: "14:00", end: "15:00", title: "Việc của người khác"))
            _ = try await t.api(.POST, "/api/v1/schedule/2021-W34/publish", token: office)

            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            let page = try await browser.get("/calendar")
            #expect(page.status == .ok)
            let html = page.body.string
            let addresses = html.components(separatedBy: "value=\"").dropFirst().compactMap { $0.components(separatedBy: "\"").first }
                .filter { $0.hasSuffix(".ics") }
            #expect(addresses.count == 2)
            let personalPath = try #require(addresses.first.flatMap { URL(string: $0)?.path })
            let communePath = try #require(addresses.last.flatMap { URL(string: $0)?.path })
            let personal = try await t.app.testing().sendRequest(.GET, personalPath)
            #expect(personal.status == .ok)
            #expect(personal.headers.contentType?.subType == "calendar")
            let personalText = personal.body.string
            #expect(personalText.contains("SUMMARY:Họp văn hóa\\; thể thao\\, du lịch"))
            #expect(!personalText.contains("Việc của người khác"))
            let communeText = try await t.app.testing().sendRequest(.GET, communePath).body.string
            #expect(communeText.contains("Việc của người khác"))
            #expect(try await t.app.testing().sendRequest(.GET, "/calendar/not-a-token.ics").status == .notFound)

            // A real iCalendar parser reads both (skipped where Python's icalendar is missing).
            for text in [personalText, communeText] {
                guard let parsed = try Self.parseWithPython(text) else { return }
                #expect(parsed.hasPrefix("ok"), "\(parsed)")
            }
            let summary = try Self.parseWithPython(personalText)
            if let summary { #expect(summary.contains("2021-08-24 08:00:00+07:00 Họp văn hóa; thể thao, du lịch")) }
        }
    }

    /// Runs Python's icalendar on the feed; nil when it is not installed.
    static func parseWithPython(_ text: String) throws -> String? {
        let script = """
        import sys
        try:
            import icalendar
        except ImportError:
            print("missing"); sys.exit(0)
        cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
        events = [e for e in cal.walk("VEVENT")]
        print("ok", len(events))
        for e in events:
            print(e.decoded("DTSTART").isoformat(sep=" "), str(e.get("SUMMARY")))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let result = String(decoding: data, as: UTF8.self)
        return result.hasPrefix("missing") ? nil : result
    }
}
