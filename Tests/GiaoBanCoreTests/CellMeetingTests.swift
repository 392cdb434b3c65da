import Foundation
import Testing
@testable import GiaoBanCore

/// Decimal from its plain text ("89.5"), never through a binary floating-point literal.
private func cellDec(_ text: String) -> Decimal {
    guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else { fatalError("bad decimal \(text)") }
    return value
}

private func cellProblems(_ body: () throws -> Void) -> [String] {
    do {
        try body()
        return []
    } catch let error as CellMeetingError {
        return error.problems
    } catch {
        return ["unexpected \(error)"]
    }
}

/// Points adding up to `total`: full marks, with the shortfall taken off the criteria from the last.
private func rubricPoints(_ rubric: MeetingRubric, total: Decimal) -> [String: Decimal] {
    var result = Dictionary(uniqueKeysWithValues: rubric.criteria.map { ($0.key, $0.maxPoints) })
    var shortfall = rubric.maxTotal - total
    for criterion in rubric.criteria.reversed() where shortfall > 0 {
        let cut = min(shortfall, criterion.maxPoints)
        result[criterion.key] = criterion.maxPoints - cut
        shortfall -= cut
    }
    precondition(shortfall == 0)
    return result
}

@Suite("Cell meeting rubric")
struct MeetingRubricTests {
    let rubric = MeetingRubric.default(year: 2026)

    @Test("the default rubric: eight criteria, 5+5+10+30+10+5+30+5 = 100, valid")
    func defaultSums() throws {
        try rubric.validate()
        #expect(rubric.maxTotal == 100)
        #expect(rubric.criteria.map(\.maxPoints) == [5, 5, 10, 30, 10, 5, 30, 5])
        #expect(rubric.criteria.map(\.title) == [
            "Thời gian sinh hoạt", "Tỷ lệ đảng viên dự họp", "Công tác chuẩn bị", "Tiến hành sinh hoạt",
            "Điều hành của đồng chí chủ trì", "Thực hiện nguyên tắc tổ chức sinh hoạt đảng",
            "Kết quả thực hiện nghị quyết tháng trước", "Kết thúc sinh hoạt",
        ])
        #expect(Set(rubric.criteria.map(\.key)).count == 8)
        #expect(rubric.thresholds.map(\.key) == ["tot", "kha", "trung_binh", "kem"])
        #expect(rubric.thresholds.map(\.title) == ["Tốt", "Khá", "Trung bình", "Kém"])
        #expect(rubric.thresholds.map(\.minPoints) == [90, 70, 50, 0])
        #expect(rubric.year == 2026)
    }

    @Test("ratings at and around the thresholds", arguments: [
        ("100", "tot"), ("90", "tot"), ("89.5", "kha"), ("89.99", "kha"), ("70", "kha"), ("69.5", "trung_binh"),
        ("50", "trung_binh"), ("49.5", "kem"), ("49", "kem"), ("0", "kem"),
    ])
    func ratings(total: String, expected: String) throws {
        let score = try rubric.score(rubricPoints(rubric, total: cellDec(total)))
        #expect(score.total == cellDec(total))
        #expect(score.rating.key == expected)
        #expect(score.maxTotal == 100)
        #expect(score.year == 2026)
        #expect(rubric.rating(for: cellDec(total))?.key == expected)
    }

    @Test("titles of the ratings come with the score")
    func ratingTitles() throws {
        #expect(try rubric.score(rubricPoints(rubric, total: 90)).rating.title == "Tốt")
        #expect(try rubric.score(rubricPoints(rubric, total: cellDec("89.5"))).rating.title == "Khá")
        #expect(try rubric.score(rubricPoints(rubric, total: 50)).rating.title == "Trung bình")
        #expect(try rubric.score(rubricPoints(rubric, total: 49)).rating.title == "Kém")
    }

    @Test("scoring refuses points above the maximum, negative points, missing and unknown criteria")
    func badScores() throws {
        var full = rubricPoints(rubric, total: 100)
        full["preparation"] = 12
        full["closing"] = -1
        full.removeValue(forKey: "duration")
        full["bonus"] = 3
        full["extra"] = 1
        #expect(cellProblems { _ = try rubric.score(full) } == [
            "Điểm tiêu chí “Công tác chuẩn bị” (12) vượt quá điểm tối đa (10).",
            "Điểm tiêu chí “Kết thúc sinh hoạt” không được âm.",
            "Chưa chấm điểm tiêu chí “Thời gian sinh hoạt”.",
            "Không có tiêu chí “bonus” trong bộ tiêu chí năm 2026.",
            "Không có tiêu chí “extra” trong bộ tiêu chí năm 2026.",
        ])
        #expect(throws: CellMeetingError.invalidScore(["Chưa chấm điểm tiêu chí “Kết thúc sinh hoạt”."])) {
            var p = rubricPoints(rubric, total: 95)
            p.removeValue(forKey: "closing")
            _ = try rubric.score(p)
        }
        // Exactly the maximum and exactly 0 are fine; fractions are allowed.
        var edge = rubricPoints(rubric, total: 100)
        edge["closing"] = 0
        edge["preparation"] = cellDec("7.5")
        #expect(try rubric.score(edge).total == cellDec("92.5"))
    }

    @Test("invalid rubrics: duplicate keys, non-positive points, thresholds not descending or above the total")
    func invalidRubrics() {
        var duplicate = rubric
        duplicate.criteria[1].key = "duration"
        #expect(cellProblems { try duplicate.validate() } == ["Mã tiêu chí “duration” bị trùng."])

        var zero = rubric
        zero.criteria[0].maxPoints = 0
        zero.criteria[1].maxPoints = -5
        #expect(cellProblems { try zero.validate() } == [
            "Điểm tối đa của tiêu chí “Thời gian sinh hoạt” phải lớn hơn 0.",
            "Điểm tối đa của tiêu chí “Tỷ lệ đảng viên dự họp” phải lớn hơn 0.",
        ])

        var order = rubric
        order.thresholds[1].minPoints = 95
        #expect(cellProblems { try order.validate() } == [
            "Các mức xếp loại phải xếp theo điểm giảm dần: mức “Khá” (95 điểm) phải thấp hơn mức “Tốt” (90 điểm).",
        ])

        var equal = rubric
        equal.thresholds[2].minPoints = 70
        #expect(cellProblems { try equal.validate() }.count == 1)

        var tooHigh = rubric
        tooHigh.thresholds[0].minPoints = 110
        #expect(cellProblems { try tooHigh.validate() } == [
            "Mức “Tốt” cần 110 điểm, vượt quá tổng điểm tối đa (100 điểm).",
        ])

        var noFloor = rubric
        noFloor.thresholds.removeLast()
        #expect(cellProblems { try noFloor.validate() } == [
            "Mức thấp nhất (“Trung bình”) phải bắt đầu từ 0 điểm để mọi kết quả đều được xếp loại.",
        ])

        var blank = rubric
        blank.criteria[2].title = "  "
        blank.criteria[3].key = ""
        blank.thresholds[3].key = "tot"
        #expect(cellProblems { try blank.validate() } == [
            "Tiêu chí thứ 3 chưa có tên.",
            "Tiêu chí thứ 4 chưa có mã.",
            "Mã xếp loại “tot” bị trùng.",
        ])

        let empty = MeetingRubric(year: 2026, criteria: [], thresholds: [])
        #expect(cellProblems { try empty.validate() } == ["Bộ tiêu chí chưa có tiêu chí nào.", "Chưa có thang xếp loại."])

        // Scoring with an invalid rubric reports the rubric's problems.
        #expect(throws: CellMeetingError.invalidRubric(["Mã tiêu chí “duration” bị trùng."])) {
            _ = try duplicate.score([:])
        }
    }

    @Test("a 2025-style custom rubric: other criteria and thresholds, stored as JSON per year")
    func customRubric() throws {
        // Illustrative criteria in the spirit of Directive 50-CT/TW / Guideline 42-HD/BTCTW; the
        // real ones are whatever the commune enters.
        let custom = MeetingRubric(
            year: 2025,
            basis: "Chỉ thị 50-CT/TW; Hướng dẫn 42-HD/BTCTW",
            criteria: [
                RubricCriterion(key: "preparation", title: "Chuẩn bị nội dung, tài liệu", maxPoints: 15),
                RubricCriterion(key: "attendance", title: "Tỷ lệ đảng viên tham dự", maxPoints: 10),
                RubricCriterion(key: "topic", title: "Sinh hoạt chuyên đề", maxPoints: 20),
                RubricCriterion(key: "criticism", title: "Tự phê bình và phê bình", maxPoints: 20),
                RubricCriterion(key: "resolution", title: "Ra nghị quyết, kết luận sát thực tiễn", maxPoints: 25),
                RubricCriterion(key: "digital", title: "Ứng dụng công nghệ thông tin", maxPoints: cellDec("10")),
            ],
            thresholds: [
                RatingThreshold(key: "xuat_sac", title: "Xuất sắc", minPoints: 95),
                RatingThreshold(key: "tot", title: "Tốt", minPoints: 85),
                RatingThreshold(key: "dat", title: "Đạt", minPoints: 60),
                RatingThreshold(key: "chua_dat", title: "Chưa đạt", minPoints: 0),
            ])
        try custom.validate()
        #expect(custom.maxTotal == 100)
        let score = try custom.score(["preparation": 15, "attendance": 9, "topic": 18, "criticism": 17,
                                      "resolution": cellDec("22.5"), "digital": cellDec("4")])
        #expect(score.total == cellDec("85.5"))
        #expect(score.rating.title == "Tốt")
        #expect(cellProblems { _ = try custom.score(rubricPoints(MeetingRubric.default(year: 2025), total: 100)) }.contains(
            "Không có tiêu chí “duration” trong bộ tiêu chí năm 2025."))

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(custom)
        let decoded = try JSONDecoder().decode(MeetingRubric.self, from: data)
        #expect(decoded == custom)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"year\":2025"))
        // A rubric saved without the optional basis decodes too.
        let bare = #"{"year":2027,"criteria":[{"key":"a","title":"A","maxPoints":100}],"thresholds":[{"key":"dat","title":"Đạt","minPoints":50},{"key":"kem","title":"Kém","minPoints":0}]}"#
        let rubric2027 = try JSONDecoder().decode(MeetingRubric.self, from: Data(bare.utf8))
        #expect(rubric2027.basis == nil)
        #expect(try rubric2027.score(["a": cellDec("49.5")]).rating.key == "kem")
        #expect(try rubric2027.score(["a": 50]).rating.key == "dat")
    }
}

@Suite("Cell attendance")
struct CellAttendanceTests {
    @Test("consistent figures validate and give the rate")
    func valid() throws {
        let attendance = CellAttendance(summoned: 30, present: 27, absentWithReason: 2, absentWithoutReason: 1,
                                        absentWithReasonNames: ["Nguyễn Văn A", "Trần Thị B"],
                                        absentWithoutReasonNames: ["Lê Văn C"])
        try attendance.validate()
        #expect(attendance.rate == cellDec("0.9"))
        #expect(attendance.rateText == "90%")
        #expect(attendance.absent == 3)
        #expect(CellAttendance(summoned: 3, present: 2, absentWithReason: 1).rateText == "66,67%")
        // Names are optional.
        try CellAttendance(summoned: 10, present: 8, absentWithReason: 2).validate()
        #expect(CellAttendance(summoned: 0, present: 0).rate == nil)
    }

    @Test("inconsistent figures are refused with Vietnamese messages")
    func invalid() {
        #expect(cellProblems { try CellAttendance(summoned: 30, present: 27, absentWithReason: 2).validate() } == [
            "Có mặt (27) + vắng có lý do (2) + vắng không lý do (0) = 29, không khớp với số đảng viên được triệu tập (30).",
        ])
        #expect(cellProblems { try CellAttendance(summoned: 0, present: 0).validate() } == [
            "Số đảng viên được triệu tập phải lớn hơn 0.",
        ])
        #expect(cellProblems { try CellAttendance(summoned: 5, present: 6, absentWithReason: -1).validate() } == [
            "Số đảng viên vắng có lý do không được âm.",
        ])
        #expect(cellProblems {
            try CellAttendance(summoned: 10, present: 7, absentWithReason: 2, absentWithoutReason: 1,
                               absentWithReasonNames: ["A"], absentWithoutReasonNames: ["A"]).validate()
        } == [
            "Đã ghi tên 1 đảng viên vắng có lý do nhưng số đảng viên vắng có lý do là 2.",
            "Đảng viên “A” được ghi vắng mặt hai lần.",
        ])
        #expect(cellProblems {
            try CellAttendance(summoned: 4, present: 2, absentWithReason: 2, absentWithReasonNames: [" ", "B"]).validate()
        } == ["Tên đảng viên vắng mặt không được để trống."])
    }
}

@Suite("Cell monthly report")
struct CellMonthlyReportTests {
    @Test("compiles one line per cell with attendance rates and ratings")
    func compile() throws {
        let rubric = MeetingRubric.default(year: 2026)
        let march = ReportMonth(year: 2026, month: 3)!
        let cells = [CellMonthlyReport.Cell(key: "t1", name: "Thôn 1"),
                     CellMonthlyReport.Cell(key: "t2", name: "Thôn 2"),
                     CellMonthlyReport.Cell(key: "t3", name: "Thôn 3")]
        let good = try rubric.score(rubricPoints(rubric, total: 92))
        let fair = try rubric.score(rubricPoints(rubric, total: 75))
        let outcomes = [
            CellMonthlyReport.Outcome(cellKey: "t1", kind: .regular, date: CalFixture.day("2026-03-03"), supervisorAttended: true,
                                      attendance: CellAttendance(summoned: 20, present: 18, absentWithReason: 2), score: good),
            CellMonthlyReport.Outcome(cellKey: "t1", kind: .extraordinary, date: CalFixture.day("2026-03-20"), supervisorAttended: false,
                                      attendance: CellAttendance(summoned: 20, present: 20)),
            CellMonthlyReport.Outcome(cellKey: "t2", kind: .regular, date: CalFixture.day("2026-03-05"), supervisorAttended: false,
                                      attendance: CellAttendance(summoned: 10, present: 7, absentWithoutReason: 3), score: fair),
            // February: ignored.
            CellMonthlyReport.Outcome(cellKey: "t3", kind: .regular, date: CalFixture.day("2026-02-28"), supervisorAttended: true,
                                      attendance: CellAttendance(summoned: 10, present: 10), score: good),
        ]
        let report = CellMonthlyReport.compile(month: march, cells: cells, outcomes: outcomes, rubric: rubric)
        #expect(report.rows.map(\.cell.key) == ["t1", "t2", "t3"])
        #expect(report.rows.map(\.regularMeetings) == [1, 1, 0])
        #expect(report.rows.map(\.extraordinaryMeetings) == [1, 0, 0])
        #expect(report.rows.map(\.attendanceRate) == [cellDec("0.9"), cellDec("0.7"), nil])
        #expect(report.rows.map { $0.rating?.key } == ["tot", "kha", nil])
        #expect(report.rows.map(\.supervisorAttended) == [true, false, false])
        #expect(report.rows.map(\.missingRegularMeeting) == [false, false, true])
        #expect(report.ratingCounts.map(\.count) == [1, 1, 0, 0])
        #expect(report.unratedCells == 0)
        #expect(report.attendanceRate == Decimal(25) / Decimal(30))
        #expect(report.cellsWithRegularMeeting == 2)
        #expect(report.cellsAttendedBySupervisor == 1)
    }
}

// MARK: - Rotation

private func meetingRule(_ day: CellMeetingDay, _ start: String = "19:30", _ end: String = "21:30", except: [String] = []) -> CellMeetingRule {
    CellMeetingRule(day: day, start: CalFixture.time(start), end: CalFixture.time(end),
                    exceptionDates: except.map(CalFixture.day))
}

private func rotationCell(_ key: String, _ day: CellMeetingDay, _ start: String = "19:30", _ end: String = "21:30", except: [String] = []) -> CellRotation.Cell {
    CellRotation.Cell(key: key, name: "Thôn \(key)", rule: meetingRule(day, start, end, except: except))
}

private func plannedAttendance(_ person: String, _ label: String, _ date: String, _ start: String, _ end: String) -> CellRotation.Attendance {
    CellRotation.Attendance(person: person, label: label, date: CalFixture.day(date),
                            start: CalFixture.time(start), end: CalFixture.time(end))
}

@Suite("Cell meeting rules")
struct CellMeetingRuleTests {
    @Test("day of month, clamped in short months")
    func dayOfMonth() {
        let thirtieth = CellMeetingDay.dayOfMonth(30)
        #expect(thirtieth.date(in: ReportMonth(year: 2026, month: 2)!) == CalFixture.day("2026-02-28"))
        #expect(thirtieth.date(in: ReportMonth(year: 2028, month: 2)!) == CalFixture.day("2028-02-29"))
        #expect(thirtieth.date(in: ReportMonth(year: 2026, month: 4)!) == CalFixture.day("2026-04-30"))
        #expect(CellMeetingDay.dayOfMonth(3).date(in: ReportMonth(year: 2026, month: 1)!) == CalFixture.day("2026-01-03"))
    }

    @Test("nth and last weekday of the month")
    func nthWeekday() {
        let jan = ReportMonth(year: 2026, month: 1)!  // 1 January 2026 is a Thursday
        #expect(CellMeetingDay.nthWeekday(ordinal: 1, weekday: .thursday).date(in: jan) == CalFixture.day("2026-01-01"))
        #expect(CellMeetingDay.nthWeekday(ordinal: 1, weekday: .wednesday).date(in: jan) == CalFixture.day("2026-01-07"))
        #expect(CellMeetingDay.nthWeekday(ordinal: 2, weekday: .saturday).date(in: jan) == CalFixture.day("2026-01-10"))
        #expect(CellMeetingDay.nthWeekday(ordinal: 4, weekday: .friday).date(in: jan) == CalFixture.day("2026-01-23"))
        #expect(CellMeetingDay.nthWeekday(ordinal: -1, weekday: .saturday).date(in: jan) == CalFixture.day("2026-01-31"))
        #expect(CellMeetingDay.nthWeekday(ordinal: -1, weekday: .friday).date(in: jan) == CalFixture.day("2026-01-30"))
        // Every month of 2020–2030: right weekday, right week, inside the month.
        for index in 0..<(11 * 12) {
            let month = ReportMonth(year: 2020, month: 1)!.adding(months: index)
            for weekday in Weekday.allCases {
                for ordinal in [1, 2, 3, 4, -1] {
                    let date = CellMeetingDay.nthWeekday(ordinal: ordinal, weekday: weekday).date(in: month)
                    #expect(date.weekday == weekday && month.contains(date))
                    if ordinal > 0 { #expect((date.day - 1) / 7 + 1 == ordinal) }
                    else { #expect(date.day + 7 > month.dayCount) }
                }
            }
        }
    }

    @Test("exception dates remove that month's meeting; invalid rules are reported")
    func exceptionsAndProblems() {
        let r = meetingRule(.dayOfMonth(3), except: ["2026-02-03", "2026-02-04"])
        #expect(r.meetingDate(in: ReportMonth(year: 2026, month: 2)!) == nil)
        #expect(r.meetingDate(in: ReportMonth(year: 2026, month: 3)!) == CalFixture.day("2026-03-03"))
        #expect(meetingRule(.dayOfMonth(32)).problems() == ["Ngày sinh hoạt trong tháng phải từ 1 đến 31."])
        #expect(meetingRule(.nthWeekday(ordinal: 5, weekday: .sunday)).problems().count == 1)
        #expect(meetingRule(.dayOfMonth(3), "20:00", "19:00").problems() == ["Giờ kết thúc (19:00) phải sau giờ bắt đầu (20:00)."])
        #expect(CellMeetingDay.nthWeekday(ordinal: -1, weekday: .sunday).title == "Chủ nhật cuối cùng của tháng")
    }
}

@Suite("Rotation plans")
struct CellRotationTests {
    static let allCells = [
        rotationCell("1", .dayOfMonth(3)),
        rotationCell("2", .dayOfMonth(5), "08:00", "10:00"),
        rotationCell("3", .nthWeekday(ordinal: 2, weekday: .saturday)),
        rotationCell("4", .dayOfMonth(10), "14:00", "16:00"),
        rotationCell("5", .nthWeekday(ordinal: -1, weekday: .sunday)),
    ]

    @Test("1 to 5 cells over 2026: one visit a month, every cell visited in turn, counts differ by at most 1",
          arguments: 1...5)
    func balanced(cellCount: Int) throws {
        let cells = Array(Self.allCells.prefix(cellCount))
        let plan = try CellRotation.propose(person: "p1", cells: cells, year: 2026)
        #expect(plan.visits.count == 12)
        #expect(plan.monthsWithoutVisit.isEmpty)
        #expect((1...12).allSatisfy { plan.visits(inMonth: $0).count == 1 })
        let counts = plan.visitCounts(cells: cells).values
        #expect(counts.max()! - counts.min()! <= 1)
        #expect(plan.unvisitedCells(cells).isEmpty)
        // Round robin in the order given.
        #expect(plan.visits.map(\.cellKey) == (0..<12).map { cells[$0 % cellCount].key })
        // Each visit is that cell's regular meeting.
        for visit in plan.visits {
            let c = cells.first { $0.key == visit.cellKey }!
            #expect(visit.date == c.rule.meetingDate(in: visit.month))
            #expect(visit.start == c.rule.start && visit.end == c.rule.end)
        }
        #expect(plan.visits == plan.visits.sorted { $0.date < $1.date })
        #expect(CellRotation.check(plan, cells: cells, otherCommitments: []).isEmpty)
        try CellRotation.validate(plan, cells: cells)
        // Deterministic.
        #expect(try CellRotation.propose(person: "p1", cells: cells, year: 2026) == plan)
    }

    @Test("the expected 2026 plan for three cells")
    func threeCells() throws {
        let cells = Array(Self.allCells.prefix(3))
        let plan = try CellRotation.propose(person: "p1", cells: cells, year: 2026)
        #expect(plan.visits.prefix(4).map(\.date.iso) == ["2026-01-03", "2026-02-05", "2026-03-14", "2026-04-03"])
        #expect(plan.visitCounts(cells: cells) == ["1": 4, "2": 4, "3": 4])
        #expect(plan.attendances(cells: cells)[2].label == "Sinh hoạt chi bộ Thôn 3 tháng 3/2026")
    }

    @Test("exception dates: a month where the cell does not meet goes to another cell")
    func exceptions() throws {
        // Cell A does not meet in February (Tết) nor in July; cell B not in August.
        let cells = [rotationCell("A", .dayOfMonth(3), except: ["2026-02-03", "2026-07-03"]),
                     rotationCell("B", .dayOfMonth(5), except: ["2026-08-05"])]
        let plan = try CellRotation.propose(person: "p1", cells: cells, year: 2026)
        #expect(plan.visits.count == 12)
        #expect(plan.visits.allSatisfy { !["2026-02-03", "2026-07-03", "2026-08-05"].contains($0.date.iso) })
        #expect(plan.visits(inMonth: 2).map(\.cellKey) == ["B"])
        #expect(plan.visits(inMonth: 7).map(\.cellKey) == ["B"])
        #expect(plan.visits(inMonth: 8).map(\.cellKey) == ["A"])
        let counts = plan.visitCounts(cells: cells)
        #expect(counts == ["A": 6, "B": 6])

        // A single cell that skips a month: that month has no visit.
        let single = try CellRotation.propose(person: "p1", cells: [cells[0]], year: 2026)
        #expect(single.monthsWithoutVisit == [2, 7])
        #expect(single.visits.count == 10)
    }

    @Test("a cell that rarely meets is not missed")
    func rareCell() throws {
        // Cell R meets only in March (every other month is an exception).
        let exceptions = (1...12).filter { $0 != 3 }.map { "2026-\($0 < 10 ? "0" : "")\($0)-20" }
        let cells = [rotationCell("A", .dayOfMonth(3)), rotationCell("B", .dayOfMonth(4)), rotationCell("R", .dayOfMonth(20), except: exceptions)]
        let plan = try CellRotation.propose(person: "p1", cells: cells, year: 2026)
        #expect(plan.visits(inMonth: 3).map(\.cellKey) == ["R"])
        #expect(plan.unvisitedCells(cells).isEmpty)
        #expect(plan.visitCounts(cells: cells) == ["A": 6, "B": 5, "R": 1])
    }

    @Test("busy times of the supervisor are avoided; other people's are not")
    func busy() throws {
        let cells = [rotationCell("A", .dayOfMonth(3)), rotationCell("B", .dayOfMonth(5))]
        let busy = [plannedAttendance("p1", "Hội nghị BCH", "2026-01-03", "19:00", "20:00"),
                    plannedAttendance("p2", "Việc riêng", "2026-02-05", "19:00", "22:00")]
        let plan = try CellRotation.propose(person: "p1", cells: cells, year: 2026, busy: busy)
        #expect(plan.visits.map(\.cellKey).prefix(3) == ["B", "A", "B"])
        #expect(CellRotation.check(plan, cells: cells, otherCommitments: busy.filter { $0.person == "p1" }).isEmpty)
    }

    @Test("clash detection: overlaps clash, touching times do not, across supervisors")
    func clashes() {
        let list = [
            plannedAttendance("p1", "Chi bộ Thôn 1", "2026-03-03", "19:30", "21:30"),
            plannedAttendance("p1", "Chi bộ Thôn 2", "2026-03-03", "21:30", "22:30"),  // touches: fine
            plannedAttendance("p1", "Họp Ban Thường vụ", "2026-03-03", "21:00", "22:00"), // overlaps both
            plannedAttendance("p2", "Chi bộ Thôn 2", "2026-03-03", "21:30", "22:30"),
            plannedAttendance("p2", "Chi bộ Thôn 3", "2026-03-03", "22:29", "23:00"),   // one minute of overlap
            plannedAttendance("p2", "Chi bộ Thôn 4", "2026-03-04", "21:30", "22:30"),   // other day
            plannedAttendance("p3", "Giao ban chung", "2026-03-06", "14:00", "16:00"),
            plannedAttendance("p3", "Giao ban khối UBND", "2026-03-06", "16:00", "17:30"),
        ]
        let clashes = CellRotation.check(list.reversed())
        #expect(clashes.map { [$0.person, $0.first.label, $0.second.label] } == [
            ["p1", "Chi bộ Thôn 1", "Họp Ban Thường vụ"],
            ["p1", "Họp Ban Thường vụ", "Chi bộ Thôn 2"],
            ["p2", "Chi bộ Thôn 2", "Chi bộ Thôn 3"],
        ])
        #expect(clashes[0].message == "“Chi bộ Thôn 1” (03/03/2026 19:30–21:30) trùng giờ với “Họp Ban Thường vụ” (03/03/2026 21:00–22:00).")
        #expect(CellRotation.check(list) == clashes)
        // The same attendance listed twice is not a clash with itself.
        #expect(CellRotation.check([list[0], list[0]]).isEmpty)
        // Containment and identical times clash.
        #expect(CellRotation.check([plannedAttendance("p", "A", "2026-01-01", "08:00", "12:00"),
                                    plannedAttendance("p", "B", "2026-01-01", "09:00", "10:00"),
                                    plannedAttendance("p", "C", "2026-01-01", "08:00", "12:00")]).count == 3)
    }

    @Test("a plan edited by hand is checked against other supervisors' plans and commitments")
    func editedPlan() throws {
        let cells = [rotationCell("A", .dayOfMonth(3)), rotationCell("B", .dayOfMonth(5))]
        var plan = try CellRotation.propose(person: "p1", cells: cells, year: 2026)
        // Attend B's meeting on 03/01 instead (it was moved), at A's time.
        plan.visits.append(CellRotation.Visit(cellKey: "B", date: CalFixture.day("2026-01-03"),
                                              start: CalFixture.time("20:00"), end: CalFixture.time("21:00")))
        let clashes = CellRotation.check(plan, cells: cells, otherCommitments: [])
        #expect(clashes.count == 1)
        #expect(clashes[0].second.label == "Sinh hoạt chi bộ Thôn B tháng 1/2026")

        // Another supervisor p2 planned on the same evening does not clash with p1.
        let other = try CellRotation.propose(person: "p2", cells: cells, year: 2026)
        #expect(CellRotation.check(plan, cells: cells, otherCommitments: other.attendances(cells: cells)).count == 1)

        var wrong = plan
        wrong.visits.append(CellRotation.Visit(cellKey: "Z", date: CalFixture.day("2027-01-03"),
                                               start: CalFixture.time("20:00"), end: CalFixture.time("20:00")))
        #expect(cellProblems { try CellRotation.validate(wrong, cells: cells) } == [
            "Ngày 03/01/2027: chi bộ “Z” không thuộc danh sách chi bộ được phân công phụ trách.",
            "Ngày 03/01/2027 không thuộc năm 2026 của kế hoạch.",
            "Ngày 03/01/2027: giờ kết thúc (20:00) phải sau giờ bắt đầu (20:00).",
        ])
    }

    @Test("invalid cells are refused; no cells give an empty plan")
    func invalidInput() throws {
        #expect(try CellRotation.propose(person: "p1", cells: [], year: 2026).visits.isEmpty)
        #expect(cellProblems {
            _ = try CellRotation.propose(person: "p1", cells: [rotationCell("A", .dayOfMonth(3)), rotationCell("A", .dayOfMonth(0))], year: 2026)
        } == ["Mã chi bộ “A” bị trùng.", "Chi bộ “Thôn A”: Ngày sinh hoạt trong tháng phải từ 1 đến 31."])
        #expect(cellProblems { _ = try CellRotation.propose(person: "p1", cells: [], year: 1800) } == [
            "Năm 1800 nằm ngoài phạm vi hỗ trợ (1900–9999).",
        ])
    }

    @Test("plans round-trip through JSON")
    func codable() throws {
        let plan = try CellRotation.propose(person: "p1", cells: Self.allCells, year: 2026)
        let data = try JSONEncoder().encode(plan)
        #expect(try JSONDecoder().decode(CellRotation.Plan.self, from: data) == plan)
        #expect(String(decoding: data, as: UTF8.self).contains("\"2026-01-03\""))
    }
}
