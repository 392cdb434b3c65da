import Foundation
import Testing
@testable import GiaoBanCore

/// People and obligations of one report week, with fixed ids so keys can be written out.
private enum RemFixture {
    static let zone = CalFixture.zone("Asia/Ho_Chi_Minh")
    static let anh = UUID(uuidString: "00000000-0000-0000-0000-00000000000A")!
    static let binh = UUID(uuidString: "00000000-0000-0000-0000-00000000000B")!
    static let chi = UUID(uuidString: "00000000-0000-0000-0000-00000000000C")!
    static let dung = UUID(uuidString: "00000000-0000-0000-0000-00000000000D")!
    static let dao = UUID(uuidString: "00000000-0000-0000-0000-00000000000E")!
    static let aggregator = UUID(uuidString: "00000000-0000-0000-0000-0000000000F1")!
    static let office = UUID(uuidString: "00000000-0000-0000-0000-0000000000F2")!

    /// Thu 19/08/2021 20:00 +07, the letter's week 33 deadline.
    static var w33Deadline: Date {
        CalFixture.calendar.deadlines(for: try! CalFixture.calendar.week(parsing: "2021-W33")).weeklyReport
    }

    static func weekly(_ subject: String, _ name: String, _ recipients: [UUID], submitted: Bool = false,
                       excused: Bool = false, dueAt: Date? = nil, period: String = "2021-W33") -> Obligation {
        Obligation(kind: .weeklyReport, periodKey: period, subjectKey: subject, subjectName: name,
                   title: "Báo cáo tuần 33/2021", recipients: recipients, dueAt: dueAt ?? w33Deadline,
                   submitted: submitted, excused: excused)
    }

    /// Anh has not reported, Bình has, Chi is on leave, and the Farmers' Association (reported by
    /// Dũng and Đào; Dũng listed twice by mistake) has not.
    static var week33: [Obligation] {
        [
            weekly("person-a", "Nguyễn Văn Anh", [anh]),
            weekly("person-b", "Trần Thị Bình", [binh], submitted: true),
            weekly("person-c", "Lê Thị Chi", [chi], excused: true),
            weekly("unit-hnd", "Hội Nông dân", [dung, dao, dung]),
        ]
    }

    static var group: WatchGroup {
        WatchGroup(key: "group-1", name: "Khối chính quyền", watchers: [aggregator, office, aggregator], obligations: week33)
    }

    static func at(_ text: String) -> Date { CalFixture.instant(text) }

    static func key(_ uuid: UUID) -> String { uuid.uuidString.lowercased() }
}

@Suite("Reminder leads and settings")
struct ReminderSettingsTests {
    @Test("leads have stable keys, parse back, and read well in Vietnamese")
    func leadKeysAndTitles() {
        #expect(ReminderLead.afternoonBefore.key == "d-1@15:00")
        #expect(ReminderLead.twoHoursBefore.key == "t-120")
        #expect(ReminderLead.afternoonBefore.title == "Chiều hôm trước, lúc 15:00")
        #expect(ReminderLead.twoHoursBefore.title == "2 giờ trước hạn")
        #expect(ReminderLead.before(minutes: 90).title == "1 giờ 30 phút trước hạn")
        #expect(ReminderLead.before(minutes: 45).title == "45 phút trước hạn")
        #expect(ReminderLead.before(minutes: 1440).title == "1 ngày trước hạn")
        #expect(ReminderLead.before(minutes: 1565).title == "1 ngày 2 giờ 5 phút trước hạn")
        #expect(ReminderLead.previousDay(at: CalFixture.time("08:30")).title == "Sáng hôm trước, lúc 08:30")
        #expect(ReminderLead.previousDay(at: CalFixture.time("20:00")).title == "Tối hôm trước, lúc 20:00")
        for lead: ReminderLead in [.afternoonBefore, .twoHoursBefore, .before(minutes: 10080),
                                   .previousDay(at: CalFixture.time("00:00")), .previousDay(at: CalFixture.time("23:59"))] {
            #expect(ReminderLead(key: lead.key) == lead)
        }
        for bad in ["", "d-1@", "d-1@7:00", "d-1@24:00", "d-2@15:00", "t-", "t--5", "t-1.5", "t-12a", "T-120", " t-120"] {
            #expect(ReminderLead(key: bad) == nil, "\(bad)")
        }
    }

    @Test("defaults are the afternoon before at 15:00 and 2 hours before, with missing lists")
    func defaults() throws {
        #expect(ReminderSettings.defaults.leads == [.previousDay(at: CalFixture.time("15:00")), .before(minutes: 120)])
        #expect(ReminderSettings.defaults.sendMissingListAfterDeadline)
        #expect(try ReminderSettings.defaults.validated() == .defaults)
        let off = ReminderSettings(leads: [], sendMissingListAfterDeadline: false)
        #expect(try off.validated() == off)
        let longest = ReminderSettings(leads: [.before(minutes: 10080), .before(minutes: 1)], sendMissingListAfterDeadline: true)
        #expect(try longest.validated() == longest)
    }

    @Test("invalid settings are refused with a Vietnamese message", arguments: [
        ([ReminderLead.before(minutes: 0)],
         "Thời gian nhắc trước hạn phải từ 1 phút đến 7 ngày (10.080 phút); “0” phút không hợp lệ."),
        ([ReminderLead.before(minutes: -30)],
         "Thời gian nhắc trước hạn phải từ 1 phút đến 7 ngày (10.080 phút); “-30” phút không hợp lệ."),
        ([ReminderLead.before(minutes: 10081)],
         "Thời gian nhắc trước hạn phải từ 1 phút đến 7 ngày (10.080 phút); “10081” phút không hợp lệ."),
        ([ReminderLead.twoHoursBefore, .afternoonBefore, .twoHoursBefore],
         "Lần nhắc “2 giờ trước hạn” bị trùng."),
        ([ReminderLead.afternoonBefore, .previousDay(at: CalFixture.time("15:00"))],
         "Lần nhắc “Chiều hôm trước, lúc 15:00” bị trùng."),
        ((1...7).map { ReminderLead.before(minutes: $0 * 10) },
         "Chỉ được đặt tối đa 6 lần nhắc cho mỗi hạn nộp (đang có 7)."),
    ])
    func invalidSettings(leads: [ReminderLead], message: String) {
        let settings = ReminderSettings(leads: leads, sendMissingListAfterDeadline: true)
        #expect(throws: CalendarError.invalidSettings(message)) { try settings.validated() }
        #expect(CalendarError.invalidSettings(message).vietnameseMessage == message)
    }

    @Test("Codable: compact keys, round trip, and tolerant of missing keys")
    func codable() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(ReminderSettings.defaults), as: UTF8.self)
        #expect(json == #"{"leads":["d-1@15:00","t-120"],"sendMissingListAfterDeadline":true}"#)

        let decoder = JSONDecoder()
        let custom = ReminderSettings(leads: [.before(minutes: 30), .previousDay(at: CalFixture.time("09:05"))],
                                      sendMissingListAfterDeadline: false)
        #expect(try decoder.decode(ReminderSettings.self, from: encoder.encode(custom)) == custom)
        #expect(try decoder.decode(ReminderSettings.self, from: Data("{}".utf8)) == .defaults)
        let onlyFlag = try decoder.decode(ReminderSettings.self, from: Data(#"{"sendMissingListAfterDeadline":false}"#.utf8))
        #expect(onlyFlag.leads == ReminderSettings.defaults.leads)
        #expect(!onlyFlag.sendMissingListAfterDeadline)
        let noLeads = try decoder.decode(ReminderSettings.self, from: Data(#"{"leads":[],"unknown":1}"#.utf8))
        #expect(noLeads.leads.isEmpty && noLeads.sendMissingListAfterDeadline)
        #expect(throws: DecodingError.self) {
            try decoder.decode(ReminderSettings.self, from: Data(#"{"leads":["tomorrow"]}"#.utf8))
        }
    }

    @Test("obligation kinds have Vietnamese names and stable raw values")
    func kinds() {
        #expect(ObligationKind.allCases.map(\.rawValue) == ["weeklyReport", "groupCompilation", "monthlyReport", "cellReport"])
        #expect(ObligationKind.allCases.map(\.vietnameseName)
                == ["Báo cáo tuần", "Báo cáo tổng hợp nhóm", "Báo cáo tháng", "Báo cáo sinh hoạt chi bộ"])
    }
}

@Suite("Reminder planner")
struct ReminderPlannerTests {
    fileprivate typealias F = RemFixture
    let settings = ReminderSettings.defaults
    let tenMinutes: TimeInterval = 600

    // MARK: Lead instants

    @Test("default leads for the letter's week 33: Wed 18/08 15:00 and Thu 19/08 18:00 (+07)")
    func leadInstants() {
        #expect(F.w33Deadline == F.at("2021-08-19T20:00:00+07:00"))
        #expect(ReminderPlanner.instant(for: .afternoonBefore, dueAt: F.w33Deadline, zone: F.zone) == F.at("2021-08-18T15:00:00+07:00"))
        #expect(ReminderPlanner.instant(for: .twoHoursBefore, dueAt: F.w33Deadline, zone: F.zone) == F.at("2021-08-19T18:00:00+07:00"))
        #expect(ReminderPlanner.instant(for: .before(minutes: 0), dueAt: F.w33Deadline, zone: F.zone) == nil)
        #expect(ReminderPlanner.instant(for: .before(minutes: -5), dueAt: F.w33Deadline, zone: F.zone) == nil)
        // Late in the evening the day before is still before a midnight deadline.
        let midnight = F.at("2021-08-20T00:00:00+07:00")
        #expect(ReminderPlanner.instant(for: .previousDay(at: CalFixture.time("23:59")), dueAt: midnight, zone: F.zone)
                == F.at("2021-08-19T23:59:00+07:00"))
    }

    @Test("the previous day is a local calendar day, whatever the server's zone")
    func previousDayIsLocal() {
        // 00:30 +07 on Friday is still Thursday in UTC; the reminder goes out on local Thursday.
        let dueAt = F.at("2021-08-20T00:30:00+07:00")
        #expect(ReminderPlanner.instant(for: .afternoonBefore, dueAt: dueAt, zone: F.zone) == F.at("2021-08-19T15:00:00+07:00"))
    }

    @Test("previousDay across daylight-saving changes (Europe/Berlin 2021)")
    func daylightSaving() throws {
        let berlin = CalFixture.zone("Europe/Berlin")
        // Spring forward on Sun 28/03/2021 at 02:00 → 03:00.
        let monday = F.at("2021-03-29T10:00:00+02:00")
        #expect(ReminderPlanner.instant(for: .afternoonBefore, dueAt: monday, zone: berlin) == F.at("2021-03-28T15:00:00+02:00"))
        let sunday = F.at("2021-03-28T20:00:00+02:00")
        let saturday = ReminderPlanner.instant(for: .afternoonBefore, dueAt: sunday, zone: berlin)
        #expect(saturday == F.at("2021-03-27T15:00:00+01:00"))
        let span = sunday.timeIntervalSince(try #require(saturday))
        #expect(span == TimeInterval(28 * 3600))  // 29 h of wall clock, 28 h of real time
        // 02:30 does not exist on 28/03: moved forward by the gap, to 03:30 summer time.
        #expect(ReminderPlanner.instant(for: .previousDay(at: CalFixture.time("02:30")), dueAt: monday, zone: berlin)
                == F.at("2021-03-28T03:30:00+02:00"))
        // A span lead stays real time: 120 minutes before 03:30 CEST is 00:30 CET.
        #expect(ReminderPlanner.instant(for: .twoHoursBefore, dueAt: F.at("2021-03-28T03:30:00+02:00"), zone: berlin)
                == F.at("2021-03-28T00:30:00+01:00"))
        // Fall back on Sun 31/10/2021 03:00 → 02:00: an ambiguous 02:30 takes the earlier instant.
        #expect(ReminderPlanner.instant(for: .previousDay(at: CalFixture.time("02:30")), dueAt: F.at("2021-11-01T10:00:00+01:00"), zone: berlin)
                == F.at("2021-10-31T02:30:00+02:00"))
    }

    @Test("a deadline on 1 January reminds on 31 December of the year before")
    func yearBoundary() throws {
        let week = try CalFixture.calendar.week(parsing: "2026-W01")
        let dueAt = CalFixture.calendar.deadlines(for: week).weeklyReport
        #expect(dueAt == F.at("2026-01-01T20:00:00+07:00"))
        #expect(ReminderPlanner.instant(for: .afternoonBefore, dueAt: dueAt, zone: F.zone) == F.at("2025-12-31T15:00:00+07:00"))
        #expect(ReminderPlanner.deadlineText(dueAt, zone: F.zone) == "20:00 thứ Năm 01/01/2026")

        let newYear = F.at("2022-01-01T00:00:00+07:00")
        #expect(ReminderPlanner.instant(for: .afternoonBefore, dueAt: newYear, zone: F.zone) == F.at("2021-12-31T15:00:00+07:00"))
        #expect(ReminderPlanner.deadlineText(newYear, zone: F.zone) == "24:00 thứ Sáu 31/12/2021")

        let obligation = Obligation(kind: .weeklyReport, periodKey: "2026-W01", subjectKey: "person-a", subjectName: "Anh",
                                    title: "Báo cáo tuần 1/2026", recipients: [F.anh], dueAt: dueAt)
        let sent = ReminderPlanner.due(obligations: [obligation], settings: settings, now: F.at("2025-12-31T15:00:00+07:00"),
                                       zone: F.zone, lookback: tenMinutes)
        #expect(sent.map(\.dedupeKey) == ["weeklyReport|2026-W01|person-a|\(F.key(F.anh))|d-1@15:00"])
        #expect(sent.first?.body.contains("20:00 thứ Năm 01/01/2026") == true)
    }

    @Test("deadline text: weekday in Vietnamese, midnight as 24:00 of the day before")
    func deadlineText() {
        let calendar = CalFixture.calendar
        #expect(ReminderPlanner.deadlineText(F.w33Deadline, zone: F.zone) == "20:00 thứ Năm 19/08/2021")
        #expect(ReminderPlanner.deadlineText(F.at("2021-08-22T09:05:00+07:00"), zone: F.zone) == "09:05 Chủ nhật 22/08/2021")
        // "Trước ngày 20": the monthly report of August 2021 is due 00:00 Fri 20/08.
        #expect(ReminderPlanner.deadlineText(calendar.monthlyReportDeadline(year: 2021, month: 8), zone: F.zone)
                == "24:00 thứ Năm 19/08/2021")
        #expect(ReminderPlanner.deadlineText(F.w33Deadline, zone: CalFixture.zone("UTC")) == "13:00 thứ Năm 19/08/2021")
    }

    // MARK: A report week

    @Test("Wed 14:59: nothing yet")
    func beforeFirstLead() {
        #expect(ReminderPlanner.due(obligations: F.week33, settings: settings, now: F.at("2021-08-18T14:59:59+07:00"),
                                    zone: F.zone, lookback: tenMinutes).isEmpty)
    }

    @Test("Wed 15:00: everyone outstanding gets the afternoon reminder, once per person")
    func afternoonBefore() throws {
        let now = F.at("2021-08-18T15:00:00+07:00")
        let due = ReminderPlanner.due(obligations: F.week33, settings: settings, now: now, zone: F.zone, lookback: tenMinutes)
        #expect(due.map(\.recipient) == [F.anh, F.dung, F.dao])  // sorted by key: person-a < unit-hnd; …0d < …0e
        #expect(due.map(\.dedupeKey) == [
            "weeklyReport|2021-W33|person-a|\(F.key(F.anh))|d-1@15:00",
            "weeklyReport|2021-W33|unit-hnd|\(F.key(F.dung))|d-1@15:00",
            "weeklyReport|2021-W33|unit-hnd|\(F.key(F.dao))|d-1@15:00",
        ])
        #expect(due.allSatisfy { $0.sendAt == now && $0.dueAt == F.w33Deadline && $0.kind == .weeklyReport && $0.periodKey == "2021-W33" })
        #expect(due.allSatisfy { $0.purpose == .beforeDeadline(.afternoonBefore) })
        let first = try #require(due.first)
        #expect(first.subject == "Nhắc nộp Báo cáo tuần 33/2021 (còn 1 ngày 5 giờ)")
        #expect(first.body == "Báo cáo tuần 33/2021 của Nguyễn Văn Anh chưa được nộp. Hạn nộp: 20:00 thứ Năm 19/08/2021, còn 1 ngày 5 giờ.")
        #expect(due[1].subjectKey == "unit-hnd" && due[1].body.contains("của Hội Nông dân"))

        // Still due a few minutes later (a slow run), gone once the window has passed.
        let later = ReminderPlanner.due(obligations: F.week33, settings: settings, now: F.at("2021-08-18T15:09:59+07:00"),
                                        zone: F.zone, lookback: tenMinutes)
        #expect(later.map(\.dedupeKey) == due.map(\.dedupeKey))
        #expect(ReminderPlanner.due(obligations: F.week33, settings: settings, now: F.at("2021-08-18T15:10:00+07:00"),
                                    zone: F.zone, lookback: tenMinutes).isEmpty)
    }

    @Test("Thu 18:00: the two-hour reminder; body gives the deadline and the time left")
    func twoHoursBefore() throws {
        #expect(ReminderPlanner.due(obligations: F.week33, settings: settings, now: F.at("2021-08-19T17:59:00+07:00"),
                                    zone: F.zone, lookback: tenMinutes).isEmpty)
        let due = ReminderPlanner.due(obligations: F.week33, settings: settings, now: F.at("2021-08-19T18:00:00+07:00"),
                                      zone: F.zone, lookback: tenMinutes)
        #expect(due.map(\.recipient) == [F.anh, F.dung, F.dao])
        #expect(due.allSatisfy { $0.dedupeKey.hasSuffix("|t-120") && $0.purpose == .beforeDeadline(.twoHoursBefore) })
        let first = try #require(due.first)
        #expect(first.subject == "Nhắc nộp Báo cáo tuần 33/2021 (còn 2 giờ)")
        #expect(first.body.hasSuffix("Hạn nộp: 20:00 thứ Năm 19/08/2021, còn 2 giờ."))
    }

    @Test("after the deadline nobody is reminded; the watchers get the missing list once")
    func afterDeadline() throws {
        let dueAt = F.w33Deadline
        #expect(ReminderPlanner.due(obligations: F.week33, settings: settings, now: dueAt, zone: F.zone, lookback: 86_400 * 3).isEmpty)
        // One second before, nothing missing yet.
        #expect(ReminderPlanner.missingLists(groups: [F.group], settings: settings, now: dueAt.addingTimeInterval(-1),
                                             zone: F.zone, lookback: tenMinutes).isEmpty)

        let lists = ReminderPlanner.missingLists(groups: [F.group], settings: settings, now: dueAt, zone: F.zone, lookback: tenMinutes)
        #expect(lists.map(\.recipient) == [F.aggregator, F.office])
        #expect(lists.map(\.dedupeKey) == [
            "missing|weeklyReport|2021-W33|\(F.key(F.aggregator))|group-1",
            "missing|weeklyReport|2021-W33|\(F.key(F.office))|group-1",
        ])
        let list = try #require(lists.first)
        #expect(list.sendAt == dueAt && list.dueAt == dueAt && list.subjectKey == "group-1")
        #expect(list.purpose == .missingList(groupKey: "group-1", missingSubjectKeys: ["unit-hnd", "person-a"]))
        #expect(list.subject == "Khối chính quyền: 2/3 chưa nộp Báo cáo tuần 33/2021")
        #expect(list.body == """
            Đã quá hạn nộp Báo cáo tuần 33/2021 (20:00 thứ Năm 19/08/2021). Khối chính quyền: 2 trên 3 chưa nộp:
            - Hội Nông dân
            - Nguyễn Văn Anh
            (1 trường hợp vắng có lý do không tính.)
            """)

        // Already sent to the aggregator: only the office is left; after the window, nothing.
        let rest = ReminderPlanner.missingLists(groups: [F.group], settings: settings, now: dueAt.addingTimeInterval(60),
                                                zone: F.zone, lookback: tenMinutes, alreadySent: [lists[0].dedupeKey])
        #expect(rest.map(\.recipient) == [F.office])
        #expect(ReminderPlanner.missingLists(groups: [F.group], settings: settings, now: dueAt.addingTimeInterval(600),
                                             zone: F.zone, lookback: tenMinutes).isEmpty)
    }

    @Test("a scheduler running every minute sends each reminder exactly once over the week")
    func wholeWeekSimulation() {
        var sent: [String: PlannedReminder] = [:]
        var sendCount = 0
        var obligations = F.week33
        var now = F.at("2021-08-17T00:00:00+07:00")
        let end = F.at("2021-08-21T00:00:00+07:00")
        while now < end {
            // The Farmers' Association files its report on Thursday 17:00: no two-hour reminder, not on the list.
            if now >= F.at("2021-08-19T17:00:00+07:00") { obligations[3].submitted = true }
            let batch = ReminderPlanner.due(obligations: obligations, settings: settings, now: now, zone: F.zone,
                                            lookback: 3600, alreadySent: Set(sent.keys))
                + ReminderPlanner.missingLists(groups: [WatchGroup(key: "group-1", name: "", watchers: [F.aggregator],
                                                                   obligations: obligations)],
                                               settings: settings, now: now, zone: F.zone, lookback: 3600,
                                               alreadySent: Set(sent.keys))
            for message in batch {
                sendCount += 1
                sent[message.dedupeKey] = message
            }
            now = now.addingTimeInterval(60)
        }
        #expect(sendCount == sent.count)  // no key twice
        let a = F.key(F.anh), d = F.key(F.dung), e = F.key(F.dao), w = F.key(F.aggregator)
        #expect(Set(sent.keys) == [
            "weeklyReport|2021-W33|person-a|\(a)|d-1@15:00", "weeklyReport|2021-W33|person-a|\(a)|t-120",
            "weeklyReport|2021-W33|unit-hnd|\(d)|d-1@15:00", "weeklyReport|2021-W33|unit-hnd|\(e)|d-1@15:00",
            "missing|weeklyReport|2021-W33|\(w)|group-1",
        ])
        #expect(sent["missing|weeklyReport|2021-W33|\(w)|group-1"]?.subject == "1/3 chưa nộp Báo cáo tuần 33/2021")
    }

    @Test("catch-up after downtime sends only the latest lead, never an older one instead")
    func catchUp() throws {
        let long: TimeInterval = 30 * 3600
        // Server down from Wednesday noon to Thursday 18:30: both leads are in the window.
        let now = F.at("2021-08-19T18:30:00+07:00")
        let due = ReminderPlanner.due(obligations: F.week33, settings: settings, now: now, zone: F.zone, lookback: long)
        #expect(due.count == 3)
        #expect(due.allSatisfy { $0.dedupeKey.hasSuffix("|t-120") && $0.sendAt == F.at("2021-08-19T18:00:00+07:00") })
        #expect(try #require(due.first).body.hasSuffix("còn 1 giờ 30 phút."))
        // Once the latest is sent, the earlier lead does not come back.
        let again = ReminderPlanner.due(obligations: F.week33, settings: settings, now: now.addingTimeInterval(60), zone: F.zone,
                                        lookback: long, alreadySent: Set(due.map(\.dedupeKey)))
        #expect(again.isEmpty)
        // Before the second lead, the first one is caught up.
        let earlier = ReminderPlanner.due(obligations: F.week33, settings: settings, now: F.at("2021-08-19T09:00:00+07:00"),
                                          zone: F.zone, lookback: long)
        #expect(earlier.count == 3 && earlier.allSatisfy { $0.dedupeKey.hasSuffix("|d-1@15:00") })
        // A negative look-back is an empty window.
        #expect(ReminderPlanner.due(obligations: F.week33, settings: settings, now: F.at("2021-08-19T18:00:00+07:00"),
                                    zone: F.zone, lookback: -5).isEmpty)
    }

    @Test("two leads at the same instant: the one listed first wins")
    func tie() {
        // 29 hours before Thu 20:00 is Wed 15:00, the same instant as the afternoon lead.
        let settings = ReminderSettings(leads: [.before(minutes: 29 * 60), .afternoonBefore], sendMissingListAfterDeadline: true)
        let due = ReminderPlanner.due(obligations: [F.week33[0]], settings: settings, now: F.at("2021-08-18T15:00:00+07:00"),
                                      zone: F.zone, lookback: 60)
        #expect(due.map(\.dedupeKey) == ["weeklyReport|2021-W33|person-a|\(F.key(F.anh))|t-1740"])
    }

    @Test("dedupe keys are unique and escape the separator")
    func dedupeKeys() {
        #expect(ReminderPlanner.dedupeKey(["a|b", "c"]) != ReminderPlanner.dedupeKey(["a", "b|c"]))
        #expect(ReminderPlanner.dedupeKey(["a|b", "50%"]) == "a%7Cb|50%25")
        #expect(ReminderPlanner.dedupeKey(["a%7Cb"]) != ReminderPlanner.dedupeKey(["a|b"]))

        var obligations: [Obligation] = []
        for (index, kind) in ObligationKind.allCases.enumerated() {
            for subject in ["x", "x|y", "y"] {
                obligations.append(Obligation(kind: kind, periodKey: "2021-W33", subjectKey: subject, subjectName: subject,
                                              title: "T", recipients: [F.anh, F.binh],
                                              dueAt: F.w33Deadline.addingTimeInterval(-TimeInterval(index))))
            }
        }
        let settings = ReminderSettings(leads: [.before(minutes: 60), .before(minutes: 120)], sendMissingListAfterDeadline: true)
        let all = [F.at("2021-08-19T18:00:00+07:00"), F.at("2021-08-19T19:00:00+07:00")].flatMap {
            ReminderPlanner.due(obligations: obligations, settings: settings, now: $0, zone: F.zone, lookback: 60)
        }
        #expect(all.count == 4 * 3 * 2 * 2)
        #expect(Set(all.map(\.dedupeKey)).count == all.count)
        // Same input, same output.
        let again = [F.at("2021-08-19T18:00:00+07:00"), F.at("2021-08-19T19:00:00+07:00")].flatMap {
            ReminderPlanner.due(obligations: obligations.reversed(), settings: settings, now: $0, zone: F.zone, lookback: 60)
        }
        #expect(again == all)
    }

    @Test("switches: no leads means no reminders; missing lists can be turned off; nobody missing sends nothing")
    func switches() {
        let off = ReminderSettings(leads: [], sendMissingListAfterDeadline: false)
        #expect(ReminderPlanner.due(obligations: F.week33, settings: off, now: F.at("2021-08-19T18:00:00+07:00"),
                                    zone: F.zone, lookback: 86_400).isEmpty)
        #expect(ReminderPlanner.missingLists(groups: [F.group], settings: off, now: F.w33Deadline, zone: F.zone, lookback: 60).isEmpty)

        var allIn = F.group
        allIn.obligations = allIn.obligations.map { var o = $0; if !o.excused { o.submitted = true }; return o }
        #expect(ReminderPlanner.missingLists(groups: [allIn], settings: settings, now: F.w33Deadline, zone: F.zone, lookback: 60).isEmpty)
        // Nobody to tell, nobody to remind.
        var noWatchers = F.group
        noWatchers.watchers = []
        #expect(ReminderPlanner.missingLists(groups: [noWatchers], settings: settings, now: F.w33Deadline, zone: F.zone, lookback: 60).isEmpty)
        let noRecipients = [F.weekly("person-x", "X", [])]
        #expect(ReminderPlanner.due(obligations: noRecipients, settings: settings, now: F.at("2021-08-19T18:00:00+07:00"),
                                    zone: F.zone, lookback: 60).isEmpty)
    }

    @Test("monthly and cell reports: one list per kind and period, each at its own deadline")
    func monthlyKinds() throws {
        let calendar = CalFixture.calendar
        let monthlyDue = calendar.monthlyReportDeadline(year: 2021, month: 8)   // 00:00 20/08/2021
        let cellDue = calendar.cellReportDeadline(year: 2021, month: 7)         // 00:00 10/08/2021
        let monthly = Obligation(kind: .monthlyReport, periodKey: "2021-08", subjectKey: "unit-hnd", subjectName: "Hội Nông dân",
                                 title: "Báo cáo tháng 8/2021", recipients: [F.dung], dueAt: monthlyDue)
        let cell = Obligation(kind: .cellReport, periodKey: "2021-07", subjectKey: "cell-1", subjectName: "Chi bộ thôn 1",
                              title: "Báo cáo sinh hoạt chi bộ tháng 7/2021", recipients: [F.chi], dueAt: cellDue)
        // The afternoon before "before the 20th" is the 19th at 15:00.
        let reminders = ReminderPlanner.due(obligations: [monthly, cell], settings: settings,
                                            now: F.at("2021-08-19T15:00:00+07:00"), zone: F.zone, lookback: 60)
        #expect(reminders.map(\.dedupeKey) == ["monthlyReport|2021-08|unit-hnd|\(F.key(F.dung))|d-1@15:00"])
        #expect(try #require(reminders.first).body
                == "Báo cáo tháng 8/2021 của Hội Nông dân chưa được nộp. Hạn nộp: 24:00 thứ Năm 19/08/2021, còn 9 giờ.")

        let office = WatchGroup(key: "office", name: "Văn phòng", watchers: [F.office], obligations: [monthly, cell])
        let cellList = ReminderPlanner.missingLists(groups: [office], settings: settings, now: cellDue, zone: F.zone, lookback: 60)
        #expect(cellList.map(\.dedupeKey) == ["missing|cellReport|2021-07|\(F.key(F.office))|office"])
        #expect(cellList.first?.body.contains("(24:00 thứ Hai 09/08/2021)") == true)
        let monthList = ReminderPlanner.missingLists(groups: [office], settings: settings, now: monthlyDue, zone: F.zone, lookback: 60)
        #expect(monthList.map(\.dedupeKey) == ["missing|monthlyReport|2021-08|\(F.key(F.office))|office"])
        #expect(monthList.first?.subject == "Văn phòng: 1/1 chưa nộp Báo cáo tháng 8/2021")
    }
}
