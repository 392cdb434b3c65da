import Foundation

// Party-cell meetings (sinh hoạt chi bộ), SPEC §10 and letter 62-CV/ĐU point 3: the quality
// rubric, the attendance record, and the compiled monthly summary of all cells.
//
// The rubric is data, kept per year: the letter's form follows Guideline 12-HD/BTCTW and Plan
// 84-KH/HU (18/02/2020); Directive 50-CT/TW and Guideline 42-HD/BTCTW (2025) changed the
// criteria, so a commune stores its own rubric for each year (as JSON) and nothing here assumes
// particular criteria beyond ``MeetingRubric/default(year:)``.

/// Problems found in party-cell data. Every case carries Vietnamese messages, one per problem,
/// in a stable order, so a form can show them all at once.
public enum CellMeetingError: Error, Equatable, Sendable, LocalizedError {
    /// The rubric itself is unusable (see ``MeetingRubric/validate()``).
    case invalidRubric([String])
    /// The points given for a meeting do not fit the rubric (see ``MeetingRubric/score(_:)``).
    case invalidScore([String])
    /// The attendance figures do not add up (see ``CellAttendance/validate()``).
    case invalidAttendance([String])
    /// Cells, meeting rules or a rotation plan are unusable (see ``CellRotation``).
    case invalidRotation([String])

    public var problems: [String] {
        switch self {
        case .invalidRubric(let p), .invalidScore(let p), .invalidAttendance(let p), .invalidRotation(let p):
            return p
        }
    }

    /// All problems, one sentence each, separated by a space.
    public var vietnameseMessage: String { problems.joined(separator: " ") }

    public var errorDescription: String? { vietnameseMessage }
}

// MARK: - Rubric

/// One criterion of the quality evaluation, scored from 0 to `maxPoints`.
public struct RubricCriterion: Hashable, Codable, Sendable {
    /// Stable identifier used to store the points, e.g. "preparation".
    public var key: String
    /// Vietnamese title shown on the form, e.g. "Công tác chuẩn bị".
    public var title: String
    public var maxPoints: Decimal

    public init(key: String, title: String, maxPoints: Decimal) {
        self.key = key
        self.title = title
        self.maxPoints = maxPoints
    }
}

/// A rating reached with at least `minPoints` in total. A rubric lists its thresholds from the
/// best rating down; the lowest one starts at 0.
public struct RatingThreshold: Hashable, Codable, Sendable {
    /// "tot", "kha", "trung_binh", "kem" in the default rubric.
    public var key: String
    /// "Tốt", "Khá", "Trung bình", "Kém" in the default rubric.
    public var title: String
    public var minPoints: Decimal

    public init(key: String, title: String, minPoints: Decimal) {
        self.key = key
        self.title = title
        self.minPoints = minPoints
    }

    /// Tốt ≥ 90, Khá ≥ 70, Trung bình ≥ 50, Kém below (Plan 84-KH/HU form).
    public static let defaultThresholds: [RatingThreshold] = [
        RatingThreshold(key: "tot", title: "Tốt", minPoints: 90),
        RatingThreshold(key: "kha", title: "Khá", minPoints: 70),
        RatingThreshold(key: "trung_binh", title: "Trung bình", minPoints: 50),
        RatingThreshold(key: "kem", title: "Kém", minPoints: 0),
    ]
}

/// The outcome of scoring one meeting.
public struct RubricScore: Hashable, Codable, Sendable {
    /// The rubric's year.
    public var year: Int
    /// Points per criterion key, exactly the rubric's criteria.
    public var points: [String: Decimal]
    public var total: Decimal
    /// Sum of the criteria's maximum points.
    public var maxTotal: Decimal
    public var rating: RatingThreshold

    public init(year: Int, points: [String: Decimal], total: Decimal, maxTotal: Decimal, rating: RatingThreshold) {
        self.year = year
        self.points = points
        self.total = total
        self.maxTotal = maxTotal
        self.rating = rating
    }
}

/// The quality-evaluation rubric in force for one year. Codable (store one JSON document per
/// year); ``validate()`` before saving an edited rubric.
public struct MeetingRubric: Hashable, Codable, Sendable {
    public var year: Int
    /// Where the criteria come from, e.g. "Hướng dẫn 12-HD/BTCTW; Kế hoạch 84-KH/HU". Optional.
    public var basis: String?
    /// In form order.
    public var criteria: [RubricCriterion]
    /// Best rating first, strictly descending `minPoints`, the last one at 0.
    public var thresholds: [RatingThreshold]

    public init(year: Int, basis: String? = nil, criteria: [RubricCriterion], thresholds: [RatingThreshold]) {
        self.year = year
        self.basis = basis
        self.criteria = criteria
        self.thresholds = thresholds
    }

    /// The letter's form (Guideline 12-HD/BTCTW, Plan 84-KH/HU): eight criteria totalling 100
    /// points; Tốt ≥ 90, Khá ≥ 70, Trung bình ≥ 50, Kém below.
    public static func `default`(year: Int) -> MeetingRubric {
        MeetingRubric(
            year: year,
            basis: "Hướng dẫn số 12-HD/BTCTW; Kế hoạch số 84-KH/HU ngày 18/02/2020",
            criteria: [
                RubricCriterion(key: "duration", title: "Thời gian sinh hoạt", maxPoints: 5),
                RubricCriterion(key: "attendance", title: "Tỷ lệ đảng viên dự họp", maxPoints: 5),
                RubricCriterion(key: "preparation", title: "Công tác chuẩn bị", maxPoints: 10),
                RubricCriterion(key: "conduct", title: "Tiến hành sinh hoạt", maxPoints: 30),
                RubricCriterion(key: "chairing", title: "Điều hành của đồng chí chủ trì", maxPoints: 10),
                RubricCriterion(key: "principles", title: "Thực hiện nguyên tắc tổ chức sinh hoạt đảng", maxPoints: 5),
                RubricCriterion(key: "results", title: "Kết quả thực hiện nghị quyết tháng trước", maxPoints: 30),
                RubricCriterion(key: "closing", title: "Kết thúc sinh hoạt", maxPoints: 5),
            ],
            thresholds: RatingThreshold.defaultThresholds
        )
    }

    /// Sum of the criteria's maximum points.
    public var maxTotal: Decimal { criteria.reduce(0) { $0 + $1.maxPoints } }

    public func criterion(_ key: String) -> RubricCriterion? { criteria.first { $0.key == key } }

    /// The best rating whose `minPoints` `total` reaches (thresholds are read in order, so this
    /// assumes a valid rubric); nil if none does.
    public func rating(for total: Decimal) -> RatingThreshold? {
        thresholds.first { total >= $0.minPoints }
    }

    /// Throws ``CellMeetingError/invalidRubric(_:)`` listing every problem: year outside
    /// 1900...9999; no criteria; a blank or duplicate key or blank title (criteria and ratings);
    /// maximum points not positive; no ratings; minimum points negative, not strictly descending,
    /// above the total, or a lowest rating that does not start at 0 (every score must get a rating).
    /// Keys are compared exactly (they are identifiers).
    public func validate() throws {
        var problems: [String] = []
        if !(1900...9999).contains(year) {
            problems.append("Năm áp dụng (\(year)) không hợp lệ.")
        }
        if criteria.isEmpty {
            problems.append("Bộ tiêu chí chưa có tiêu chí nào.")
        }
        var keys = Set<String>()
        for (index, criterion) in criteria.enumerated() {
            let name = Self.name(of: criterion.title, key: criterion.key, position: index + 1)
            if criterion.key.trimmedWhitespaceAndNewlines.isEmpty {
                problems.append("Tiêu chí thứ \(index + 1) chưa có mã.")
            } else if !keys.insert(criterion.key).inserted {
                problems.append("Mã tiêu chí “\(criterion.key)” bị trùng.")
            }
            if criterion.title.trimmedWhitespaceAndNewlines.isEmpty {
                problems.append("Tiêu chí thứ \(index + 1) chưa có tên.")
            }
            if criterion.maxPoints.isNaN || criterion.maxPoints <= 0 {
                problems.append("Điểm tối đa của tiêu chí \(name) phải lớn hơn 0.")
            }
        }

        if thresholds.isEmpty {
            problems.append("Chưa có thang xếp loại.")
        }
        // Compare thresholds with the total only when every criterion's maximum is usable.
        let total: Decimal? = !criteria.isEmpty && criteria.allSatisfy({ !$0.maxPoints.isNaN && $0.maxPoints > 0 }) ? maxTotal : nil
        var ratingKeys = Set<String>()
        for (index, threshold) in thresholds.enumerated() {
            let name = Self.name(of: threshold.title, key: threshold.key, position: index + 1)
            if threshold.key.trimmedWhitespaceAndNewlines.isEmpty {
                problems.append("Mức xếp loại thứ \(index + 1) chưa có mã.")
            } else if !ratingKeys.insert(threshold.key).inserted {
                problems.append("Mã xếp loại “\(threshold.key)” bị trùng.")
            }
            if threshold.title.trimmedWhitespaceAndNewlines.isEmpty {
                problems.append("Mức xếp loại thứ \(index + 1) chưa có tên.")
            }
            if threshold.minPoints.isNaN || threshold.minPoints < 0 {
                problems.append("Điểm tối thiểu của mức \(name) không được âm.")
                continue
            }
            if index > 0, !thresholds[index - 1].minPoints.isNaN, thresholds[index - 1].minPoints >= 0,
               threshold.minPoints >= thresholds[index - 1].minPoints {
                let previous = Self.name(of: thresholds[index - 1].title, key: thresholds[index - 1].key, position: index)
                problems.append("Các mức xếp loại phải xếp theo điểm giảm dần: mức \(name) (\(Self.text(threshold.minPoints)) điểm) phải thấp hơn mức \(previous) (\(Self.text(thresholds[index - 1].minPoints)) điểm).")
            }
            if let total, threshold.minPoints > total {
                problems.append("Mức \(name) cần \(Self.text(threshold.minPoints)) điểm, vượt quá tổng điểm tối đa (\(Self.text(total)) điểm).")
            }
        }
        if let lowest = thresholds.last, !lowest.minPoints.isNaN, lowest.minPoints > 0 {
            let name = Self.name(of: lowest.title, key: lowest.key, position: thresholds.count)
            problems.append("Mức thấp nhất (\(name)) phải bắt đầu từ 0 điểm để mọi kết quả đều được xếp loại.")
        }
        if !problems.isEmpty { throw CellMeetingError.invalidRubric(problems) }
    }

    /// Scores one meeting. `points` must give every criterion exactly once, by key, between 0 and
    /// its maximum (fractions such as 89,5 are allowed). Throws ``CellMeetingError/invalidRubric(_:)``
    /// if the rubric is invalid, otherwise ``CellMeetingError/invalidScore(_:)`` listing every
    /// problem: points out of range (criteria order), criteria not scored (criteria order), keys
    /// that are not criteria (sorted).
    public func score(_ points: [String: Decimal]) throws -> RubricScore {
        try validate()
        var problems: [String] = []
        var missing: [String] = []
        var total: Decimal = 0
        for criterion in criteria {
            guard let value = points[criterion.key] else {
                missing.append("Chưa chấm điểm tiêu chí “\(criterion.title)”.")
                continue
            }
            if value.isNaN {
                problems.append("Điểm tiêu chí “\(criterion.title)” không hợp lệ.")
            } else if value < 0 {
                problems.append("Điểm tiêu chí “\(criterion.title)” không được âm.")
            } else if value > criterion.maxPoints {
                problems.append("Điểm tiêu chí “\(criterion.title)” (\(Self.text(value))) vượt quá điểm tối đa (\(Self.text(criterion.maxPoints))).")
            } else {
                total += value
            }
        }
        let known = Set(criteria.map(\.key))
        let unknown = points.keys.filter { !known.contains($0) }.sorted()
        problems += missing
        problems += unknown.map { "Không có tiêu chí “\($0)” trong bộ tiêu chí năm \(year)." }
        guard problems.isEmpty else { throw CellMeetingError.invalidScore(problems) }
        // A valid rubric's lowest threshold is 0, so a rating always exists.
        guard let rating = rating(for: total) else {
            throw CellMeetingError.invalidScore(["Không xếp loại được tổng điểm \(Self.text(total))."])
        }
        return RubricScore(year: year, points: points, total: total, maxTotal: maxTotal, rating: rating)
    }

    /// "“Tốt”", or the key / position when the title is blank.
    private static func name(of title: String, key: String, position: Int) -> String {
        if !title.trimmedWhitespaceAndNewlines.isEmpty { return "“\(title)”" }
        if !key.trimmedWhitespaceAndNewlines.isEmpty { return "“\(key)”" }
        return "thứ \(position)"
    }

    static func text(_ value: Decimal) -> String { VietnameseNumber.format(value, maxFractionDigits: 2) }
}

// MARK: - Attendance

/// Who came to one cell meeting. `summoned` counts the party members required to attend (members
/// exempted from meetings are not summoned); every summoned member is either present or absent
/// with or without a reason. The names of absentees are optional, but when a list is given its
/// length must equal the matching count.
public struct CellAttendance: Hashable, Codable, Sendable {
    public var summoned: Int
    public var present: Int
    public var absentWithReason: Int
    public var absentWithoutReason: Int
    /// Names of the members absent with a reason (empty if not recorded).
    public var absentWithReasonNames: [String]
    /// Names of the members absent without a reason (empty if not recorded).
    public var absentWithoutReasonNames: [String]

    public init(summoned: Int, present: Int, absentWithReason: Int = 0, absentWithoutReason: Int = 0,
                absentWithReasonNames: [String] = [], absentWithoutReasonNames: [String] = []) {
        self.summoned = summoned
        self.present = present
        self.absentWithReason = absentWithReason
        self.absentWithoutReason = absentWithoutReason
        self.absentWithReasonNames = absentWithReasonNames
        self.absentWithoutReasonNames = absentWithoutReasonNames
    }

    public var absent: Int { absentWithReason + absentWithoutReason }

    /// present ÷ summoned as a fraction (0...1 for valid figures); nil when nobody was summoned.
    public var rate: Decimal? {
        guard summoned > 0 else { return nil }
        return Decimal(present) / Decimal(summoned)
    }

    /// "93,33%" (two decimals at most); nil when nobody was summoned.
    public var rateText: String? {
        rate.map { VietnameseNumber.format($0 * 100, maxFractionDigits: 2) + "%" }
    }

    /// Throws ``CellMeetingError/invalidAttendance(_:)`` listing every problem: a negative figure;
    /// nobody summoned; present + absent with reason + absent without reason ≠ summoned; a name
    /// list whose length differs from its count; a blank name; the same name listed twice.
    public func validate() throws {
        var problems: [String] = []
        let figures: [(Int, String)] = [
            (summoned, "được triệu tập"), (present, "có mặt"),
            (absentWithReason, "vắng có lý do"), (absentWithoutReason, "vắng không lý do"),
        ]
        for (value, label) in figures where value < 0 {
            problems.append("Số đảng viên \(label) không được âm.")
        }
        if summoned == 0 {
            problems.append("Số đảng viên được triệu tập phải lớn hơn 0.")
        }
        if figures.allSatisfy({ $0.0 >= 0 }), present + absentWithReason + absentWithoutReason != summoned {
            problems.append("Có mặt (\(present)) + vắng có lý do (\(absentWithReason)) + vắng không lý do (\(absentWithoutReason)) = \(present + absentWithReason + absentWithoutReason), không khớp với số đảng viên được triệu tập (\(summoned)).")
        }
        for (names, count, label) in [(absentWithReasonNames, absentWithReason, "vắng có lý do"),
                                      (absentWithoutReasonNames, absentWithoutReason, "vắng không lý do")]
        where !names.isEmpty && names.count != count {
            problems.append("Đã ghi tên \(names.count) đảng viên \(label) nhưng số đảng viên \(label) là \(count).")
        }
        var seen = Set<String>()
        var reported = Set<String>()
        for name in absentWithReasonNames + absentWithoutReasonNames {
            let trimmed = name.trimmedWhitespaceAndNewlines
            if trimmed.isEmpty {
                if reported.insert("").inserted { problems.append("Tên đảng viên vắng mặt không được để trống.") }
            } else if !seen.insert(trimmed).inserted, reported.insert(trimmed).inserted {
                problems.append("Đảng viên “\(trimmed)” được ghi vắng mặt hai lần.")
            }
        }
        if !problems.isEmpty { throw CellMeetingError.invalidAttendance(problems) }
    }
}

/// Regular monthly meeting (sinh hoạt thường kỳ) or extraordinary one (sinh hoạt bất thường).
public enum CellMeetingKind: String, Codable, CaseIterable, Sendable {
    case regular = "thuong_ky"
    case extraordinary = "bat_thuong"

    /// "Thường kỳ", "Bất thường".
    public var title: String {
        switch self {
        case .regular: "Thường kỳ"
        case .extraordinary: "Bất thường"
        }
    }
}

// MARK: - Monthly compilation

/// One month's cell reports compiled into one table for the district's organisation board
/// ("tổng hợp báo cáo Ban Tổ chức Huyện ủy"), due before the 10th of the next month.
public struct CellMonthlyReport: Hashable, Sendable {
    /// A cell to report on.
    public struct Cell: Hashable, Codable, Sendable {
        public var key: String
        public var name: String

        public init(key: String, name: String) {
            self.key = key
            self.name = name
        }
    }

    /// What the member in charge recorded for one meeting (the figures the compilation needs).
    public struct Outcome: Hashable, Codable, Sendable {
        public var cellKey: String
        public var kind: CellMeetingKind
        public var date: LocalDate
        /// Whether the committee member in charge attended.
        public var supervisorAttended: Bool
        public var attendance: CellAttendance
        /// The quality evaluation; usually only regular meetings are rated.
        public var score: RubricScore?

        public init(cellKey: String, kind: CellMeetingKind, date: LocalDate, supervisorAttended: Bool,
                    attendance: CellAttendance, score: RubricScore? = nil) {
            self.cellKey = cellKey
            self.kind = kind
            self.date = date
            self.supervisorAttended = supervisorAttended
            self.attendance = attendance
            self.score = score
        }
    }

    /// One cell's line.
    public struct Row: Hashable, Sendable {
        public var cell: Cell
        public var regularMeetings: Int
        public var extraordinaryMeetings: Int
        /// The member in charge attended at least one of the month's meetings.
        public var supervisorAttended: Bool
        /// Sums over the month's regular meetings.
        public var summoned: Int
        public var present: Int
        /// present ÷ summoned over the regular meetings; nil without a regular meeting.
        public var attendanceRate: Decimal?
        /// The latest rated regular meeting's score (nil if none was rated).
        public var score: RubricScore?

        public var rating: RatingThreshold? { score?.rating }
        /// True when the cell held no regular meeting this month (or none was reported).
        public var missingRegularMeeting: Bool { regularMeetings == 0 }
    }

    /// How many cells got a rating.
    public struct RatingCount: Hashable, Sendable {
        public var rating: RatingThreshold
        public var count: Int
    }

    public var month: ReportMonth
    /// In the order of the `cells` given.
    public var rows: [Row]
    /// One entry per threshold of the rubric, best first (zero counts included).
    public var ratingCounts: [RatingCount]
    /// Cells with a regular meeting but no rating.
    public var unratedCells: Int
    /// Total present ÷ total summoned over all regular meetings; nil if there were none.
    public var attendanceRate: Decimal?

    public var cellsWithRegularMeeting: Int { rows.filter { !$0.missingRegularMeeting }.count }
    public var cellsAttendedBySupervisor: Int { rows.filter(\.supervisorAttended).count }

    /// Compiles `outcomes` dated in `month` for `cells`. Outcomes of other months or of cells not
    /// listed are ignored. A rating whose key is not among `rubric`'s thresholds counts as unrated.
    public static func compile(month: ReportMonth, cells: [Cell], outcomes: [Outcome], rubric: MeetingRubric) -> CellMonthlyReport {
        let inMonth = outcomes.filter { month.contains($0.date) }
        var rows: [Row] = []
        var totalSummoned = 0
        var totalPresent = 0
        var counts = [String: Int]()
        var unrated = 0
        let ratingKeys = Set(rubric.thresholds.map(\.key))
        for cell in cells {
            let mine = inMonth.filter { $0.cellKey == cell.key }.sorted { $0.date < $1.date }
            let regular = mine.filter { $0.kind == .regular }
            let summoned = regular.reduce(0) { $0 + $1.attendance.summoned }
            let present = regular.reduce(0) { $0 + $1.attendance.present }
            let score = regular.last { $0.score != nil }?.score
            rows.append(Row(cell: cell, regularMeetings: regular.count, extraordinaryMeetings: mine.count - regular.count,
                            supervisorAttended: mine.contains { $0.supervisorAttended },
                            summoned: summoned, present: present,
                            attendanceRate: summoned > 0 ? Decimal(present) / Decimal(summoned) : nil,
                            score: score))
            totalSummoned += summoned
            totalPresent += present
            if !regular.isEmpty {
                if let key = score?.rating.key, ratingKeys.contains(key) {
                    counts[key, default: 0] += 1
                } else {
                    unrated += 1
                }
            }
        }
        return CellMonthlyReport(
            month: month, rows: rows,
            ratingCounts: rubric.thresholds.map { RatingCount(rating: $0, count: counts[$0.key] ?? 0) },
            unratedCells: unrated,
            attendanceRate: totalSummoned > 0 ? Decimal(totalPresent) / Decimal(totalSummoned) : nil)
    }
}
