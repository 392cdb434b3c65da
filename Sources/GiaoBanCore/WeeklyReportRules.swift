import Foundation

/// What someone typed into a weekly report, before any checking: every field is text exactly as
/// entered, so that a refused form can come back unchanged (SPEC §5, §13).
public struct WeeklyReportInput: Hashable, Codable, Sendable {
    public struct Figure: Hashable, Codable, Sendable {
        public var targetID: UUID
        public var value: String
        public var completed: Bool
        /// The reporter confirmed an unusual jump from last week ("Số liệu tăng bất thường…").
        public var confirmJump: Bool
        public init(targetID: UUID, value: String, completed: Bool, confirmJump: Bool = false) {
            self.targetID = targetID
            self.value = value
            self.completed = completed
            self.confirmJump = confirmJump
        }
    }

    public struct WorkLine: Hashable, Codable, Sendable {
        public var description: String
        public var quantity: String
        public var unit: String
        public var activityType: String
        public var place: String
        public var dates: String
        /// The author's groups whose compilation carries this line (ids as typed); empty: the default.
        public var groupIDs: [String]
        /// Work expected by Friday, not yet done when the report is due (dự kiến).
        public var forecast: Bool
        public init(description: String = "", quantity: String = "", unit: String = "", activityType: String = "",
                    place: String = "", dates: String = "", groupIDs: [String] = [], forecast: Bool = false) {
            self.description = description
            self.quantity = quantity
            self.unit = unit
            self.activityType = activityType
            self.place = place
            self.dates = dates
            self.groupIDs = groupIDs
            self.forecast = forecast
        }
        public var isBlank: Bool {
            [description, quantity, unit, place, dates].allSatisfy { $0.trimmedWhitespaceAndNewlines.isEmpty }
        }
    }

    public struct PlanLine: Hashable, Codable, Sendable {
        public var date: String
        public var start: String
        public var end: String
        public var title: String
        public var roomID: String
        public var place: String
        public var chairID: String
        public var participantIDs: [String]
        public var preparedBy: String
        /// The author's groups whose compilation carries this plan (ids as typed); empty: the default.
        public var groupIDs: [String]
        public init(date: String = "", start: String = "", end: String = "", title: String = "", roomID: String = "",
                    place: String = "", chairID: String = "", participantIDs: [String] = [], preparedBy: String = "",
                    groupIDs: [String] = []) {
            self.groupIDs = groupIDs
            self.date = date
            self.start = start
            self.end = end
            self.title = title
            self.roomID = roomID
            self.place = place
            self.chairID = chairID
            self.participantIDs = participantIDs
            self.preparedBy = preparedBy
        }
        public var isBlank: Bool {
            [date, start, end, title, place, preparedBy].allSatisfy { $0.trimmedWhitespaceAndNewlines.isEmpty }
                && roomID.isEmpty && chairID.isEmpty && participantIDs.isEmpty
        }
    }

    public var figures: [Figure]
    public var work: [WorkLine]
    public var plans: [PlanLine]
    /// Khó khăn, vướng mắc, đề xuất, kiến nghị: optional free text, the briefing's real agenda.
    public var difficulties: String

    public init(figures: [Figure] = [], work: [WorkLine] = [], plans: [PlanLine] = [], difficulties: String = "") {
        self.figures = figures
        self.work = work
        self.plans = plans
        self.difficulties = difficulties
    }
}

// Drafts typed before a field existed are kept as JSON: they still decode, with the field's default.
extension WeeklyReportInput {
    private enum CodingKeys: String, CodingKey { case figures, work, plans, difficulties }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(figures: try c.decodeIfPresent([Figure].self, forKey: .figures) ?? [],
                  work: try c.decodeIfPresent([WorkLine].self, forKey: .work) ?? [],
                  plans: try c.decodeIfPresent([PlanLine].self, forKey: .plans) ?? [],
                  difficulties: try c.decodeIfPresent(String.self, forKey: .difficulties) ?? "")
    }
}

extension WeeklyReportInput.Figure {
    private enum CodingKeys: String, CodingKey { case targetID, value, completed, confirmJump }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(targetID: try c.decode(UUID.self, forKey: .targetID), value: try c.decode(String.self, forKey: .value),
                  completed: try c.decodeIfPresent(Bool.self, forKey: .completed) ?? true,
                  confirmJump: try c.decodeIfPresent(Bool.self, forKey: .confirmJump) ?? false)
    }
}

extension WeeklyReportInput.WorkLine {
    private enum CodingKeys: String, CodingKey { case description, quantity, unit, activityType, place, dates, groupIDs, forecast }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func text(_ key: CodingKeys) throws -> String { try c.decodeIfPresent(String.self, forKey: key) ?? "" }
        self.init(description: try text(.description), quantity: try text(.quantity), unit: try text(.unit),
                  activityType: try text(.activityType), place: try text(.place), dates: try text(.dates),
                  groupIDs: try c.decodeIfPresent([String].self, forKey: .groupIDs) ?? [],
                  forecast: try c.decodeIfPresent(Bool.self, forKey: .forecast) ?? false)
    }
}

extension WeeklyReportInput.PlanLine {
    private enum CodingKeys: String, CodingKey { case date, start, end, title, roomID, place, chairID, participantIDs, preparedBy, groupIDs }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func text(_ key: CodingKeys) throws -> String { try c.decodeIfPresent(String.self, forKey: key) ?? "" }
        self.init(date: try text(.date), start: try text(.start), end: try text(.end), title: try text(.title),
                  roomID: try text(.roomID), place: try text(.place), chairID: try text(.chairID),
                  participantIDs: try c.decodeIfPresent([String].self, forKey: .participantIDs) ?? [],
                  preparedBy: try text(.preparedBy), groupIDs: try c.decodeIfPresent([String].self, forKey: .groupIDs) ?? [])
    }
}

extension WeeklyReportInput {
    /// A number known exactly (a JSON number, a stored figure) as a reporter would type it, so the
    /// rules read back the very same number: 1234.5 → "1.234,5", 12.345 → "12,345", 0.3 → "0,3".
    /// Not `Decimal.description`: "12.345" reads as twelve thousand three hundred and forty-five
    /// in Vietnamese notation. Every decimal is written out, so a number with more decimals than
    /// are stored is refused by the rules rather than rounded here.
    public static func typed(_ value: Decimal) -> String {
        VietnameseNumber.format(value, maxFractionDigits: 38)
    }
}

/// A checked weekly report, ready to store.
public struct ValidatedWeeklyReport: Hashable, Sendable {
    public struct Figure: Hashable, Sendable {
        public var targetID: UUID
        public var value: Decimal
        public var completed: Bool
        /// A `latest` figure more than ten times last week's, confirmed by the reporter: the focal
        /// point's page flags it.
        public var unusualJump: Bool = false
    }
    public struct WorkLine: Hashable, Sendable {
        public var description: String
        public var quantity: Decimal
        public var unit: String
        public var activityType: String?
        public var place: String?
        public var dates: String?
        /// Never empty: the groups chosen, or the default (``WeeklyReportContext/defaultGroupIDs``).
        public var groupIDs: [UUID] = []
        public var forecast: Bool = false
    }
    public struct PlanLine: Hashable, Sendable {
        public var date: LocalDate
        public var start: LocalTime
        public var end: LocalTime
        public var title: String
        public var roomID: UUID?
        public var place: String?
        public var chairID: UUID?
        public var participantIDs: [UUID]
        public var preparedBy: String?
        public var groupIDs: [UUID] = []
    }
    public var figures: [Figure]
    public var work: [WorkLine]
    public var plans: [PlanLine]
    public var difficulties: String? = nil
}

/// What the plausibility checks need to know of a target.
public struct TargetFacts: Hashable, Sendable {
    public var kind: TargetValueKind
    public var unitOfMeasure: String
    public var planned: Decimal?
    public var rule: YearToDateRule
    /// The target's figure of the week before, if any: a `latest` value is compared with it.
    public var previousWeekValue: Decimal?

    public init(kind: TargetValueKind, unitOfMeasure: String = "", planned: Decimal? = nil, rule: YearToDateRule = .sum,
                previousWeekValue: Decimal? = nil) {
        self.kind = kind
        self.unitOfMeasure = unitOfMeasure
        self.planned = planned
        self.rule = rule
        self.previousWeekValue = previousWeekValue
    }
}

/// Figures nobody could have meant (the demo once showed health-insurance coverage at 168 %).
public enum FigurePlausibility {
    public enum Verdict: Hashable, Sendable {
        case plausible
        /// Refused with this message.
        case impossible(String)
        /// Accepted only once the reporter confirms (``WeeklyReportInput/Figure/confirmJump``).
        case unusual(String)
    }

    /// Whether the target is a rate in % whose plan is at most 100 (a coverage rate).
    public static func isCoverageRate(_ facts: TargetFacts) -> Bool {
        let unit = VietnameseText.folded(facts.unitOfMeasure).trimmedWhitespace
        guard unit == "%" || unit == "phan tram" || unit.hasSuffix("(%)") || unit.hasPrefix("%") else { return false }
        return (facts.planned ?? 100) <= 100
    }

    public static func check(_ value: Decimal, facts: TargetFacts) -> Verdict {
        if facts.kind == .yesNo && value != 0 && value != 1 {
            return .impossible("Chỉ tiêu đạt/chưa đạt chỉ nhận 1 (đạt) hoặc 0 (chưa đạt).")
        }
        if isCoverageRate(facts) && value > 100 {
            return .impossible("Tỷ lệ không thể vượt quá 100%. Ghi tỷ lệ hiện tại, ví dụ 85,3.")
        }
        if facts.rule == .latest, let previous = facts.previousWeekValue, previous > 0, value > previous * 10 {
            return .unusual("Số liệu tăng bất thường: từ \(VietnameseNumber.format(previous)) tuần trước lên \(VietnameseNumber.format(value)) (hơn 10 lần). Kiểm tra lại, hoặc đánh dấu xác nhận nếu đúng.")
        }
        return .plausible
    }
}

/// What the checks need to know about the commune.
public struct WeeklyReportContext: Sendable {
    /// The targets this person may report, with their kind.
    public var targets: [UUID: TargetValueKind]
    public var activityTypes: Set<String>
    public var roomIDs: Set<UUID>
    public var personIDs: Set<UUID>
    /// The week the plan items are for: the week after the report's week.
    public var planWeek: ReportWeek
    /// What the plausibility checks need, per target (targets without facts are not checked).
    public var targetFacts: [UUID: TargetFacts]
    /// The author's report groups: a line may belong to any of them.
    public var authorGroupIDs: Set<UUID>
    /// The groups of a line for which none was chosen (the author's only group, or the group of
    /// their targets, or their first group).
    public var defaultGroupIDs: [UUID]

    public init(targets: [UUID: TargetValueKind], activityTypes: Set<String>, roomIDs: Set<UUID>, personIDs: Set<UUID>, planWeek: ReportWeek,
                targetFacts: [UUID: TargetFacts] = [:], authorGroupIDs: Set<UUID> = [], defaultGroupIDs: [UUID] = []) {
        self.targets = targets
        self.activityTypes = activityTypes
        self.roomIDs = roomIDs
        self.personIDs = personIDs
        self.planWeek = planWeek
        self.targetFacts = targetFacts
        self.authorGroupIDs = authorGroupIDs
        self.defaultGroupIDs = defaultGroupIDs
    }

    /// The groups a line belongs to: the valid ones typed, or the default when none was chosen;
    /// nil when one typed is not the author's.
    func groups(_ typed: [String]) -> [UUID]? {
        let chosen = typed.filter { !$0.isEmpty }
        guard !chosen.isEmpty else { return defaultGroupIDs }
        var result: [UUID] = []
        for raw in chosen {
            guard let id = UUID(uuidString: raw), authorGroupIDs.contains(id) else { return nil }
            if !result.contains(id) { result.append(id) }
        }
        return result
    }
}

/// The rules of a weekly report (SPEC §5): every line of work has a quantity and a unit, figures
/// are numbers in Vietnamese or plain format, plan items fall in next week with an end after
/// their start. Blank lines are dropped, not refused. Problems are keyed by field path
/// (`work[2].quantity`, matching the API's JSON) with Vietnamese messages.
public enum WeeklyReportRules {
    public static let maxTextLength = 1000
    public static let maxLines = 200
    public static let maxDifficultiesLength = 4000

    public static func validate(_ input: WeeklyReportInput, context: WeeklyReportContext)
        -> (report: ValidatedWeeklyReport, problems: [String: String]) {
        var problems: [String: String] = [:]
        func clean(_ text: String) -> String {
            VietnameseText.nfc(text).split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\t" }).joined(separator: " ")
        }
        func checkLength(_ text: String, _ key: String) {
            if text.count > maxTextLength { problems[key] = "Quá dài (tối đa \(maxTextLength) ký tự)." }
        }

        var figures: [ValidatedWeeklyReport.Figure] = []
        var seenTargets: Set<UUID> = []
        for (index, figure) in input.figures.enumerated() {
            let key = "targets[\(index)]"
            let raw = figure.value.trimmedWhitespace
            guard let kind = context.targets[figure.targetID] else {
                problems["\(key).targetId"] = "Chỉ tiêu không tồn tại hoặc không thuộc trách nhiệm của bạn."
                continue
            }
            if !seenTargets.insert(figure.targetID).inserted {
                problems["\(key).targetId"] = "Chỉ tiêu này đã có ở dòng khác."
                continue
            }
            if raw.isEmpty { continue }
            let value: Decimal?
            switch kind {
            case .yesNo:
                switch VietnameseText.folded(raw) {
                case "1", "dat", "co", "yes", "true": value = 1
                case "0", "chua dat", "khong", "khong dat", "no", "false": value = 0
                default: value = nil
                }
                if value == nil { problems["\(key).value"] = "Chỉ tiêu đạt/chưa đạt: chọn Đạt hoặc Chưa đạt." }
            case .count:
                value = VietnameseNumber.parse(raw)
                if let value, value < 0 || value != value.rounded0 {
                    problems["\(key).value"] = "Chỉ tiêu này đếm bằng số nguyên không âm, ví dụ 12."
                } else if value == nil {
                    problems["\(key).value"] = "Không đọc được số. Viết ví dụ 1.234 hoặc 12."
                }
            case .decimal:
                value = VietnameseNumber.parse(raw)
                if value == nil { problems["\(key).value"] = "Không đọc được số. Viết ví dụ 1.234,5 hoặc 3,5." }
                else if value! < 0 { problems["\(key).value"] = "Số liệu không được âm." }
                else if !VietnameseNumber.isStorable(value!) { problems["\(key).value"] = VietnameseNumber.tooPreciseMessage }
            }
            var unusual = false
            if let value, problems["\(key).value"] == nil, let facts = context.targetFacts[figure.targetID] {
                switch FigurePlausibility.check(value, facts: facts) {
                case .plausible: break
                case .impossible(let message): problems["\(key).value"] = message
                case .unusual(let message):
                    if figure.confirmJump { unusual = true } else { problems["\(key).value"] = message }
                }
            }
            if let value, problems["\(key).value"] == nil {
                figures.append(.init(targetID: figure.targetID, value: value, completed: figure.completed, unusualJump: unusual))
            }
        }

        var work: [ValidatedWeeklyReport.WorkLine] = []
        if input.work.count > maxLines { problems["work"] = "Quá nhiều dòng (tối đa \(maxLines))." }
        for (index, line) in input.work.prefix(maxLines).enumerated() where !line.isBlank {
            let key = "work[\(index)]"
            let problemsBefore = problems.count
            let description = clean(line.description)
            var unit = clean(line.unit)
            var quantityText = line.quantity.trimmedWhitespace
            // "3 buổi" typed in the quantity: the number is the quantity and the rest its unit.
            if VietnameseNumber.parse(quantityText) == nil, let split = QuantityInput.split(quantityText) {
                if unit.isEmpty || VietnameseText.folded(unit) == VietnameseText.folded(split.unit) {
                    quantityText = split.quantityText
                    if unit.isEmpty { unit = split.unit }
                } else {
                    problems["\(key).quantity"] = "Số lượng ghi đơn vị “\(split.unit)” nhưng ô đơn vị ghi “\(unit)”: chỉ ghi số ở ô số lượng."
                }
            }
            if description.isEmpty { problems["\(key).description"] = "Ghi rõ nội dung công việc." }
            checkLength(description, "\(key).description")
            var quantity: Decimal?
            if problems["\(key).quantity"] != nil {
                // Already refused above (two different units).
            } else if quantityText.isEmpty {
                problems["\(key).quantity"] = "Thiếu số lượng: mỗi việc cần có số liệu cụ thể (ví dụ 2 công văn, 15 hộ)."
            } else if let parsed = VietnameseNumber.parse(quantityText), parsed > 0, !VietnameseNumber.isStorable(parsed) {
                // 0,0000000001 is more than 0 as typed but would be kept as 0: refused, not rounded.
                problems["\(key).quantity"] = VietnameseNumber.tooPreciseMessage
            } else if let parsed = VietnameseNumber.parse(quantityText), parsed > 0 {
                quantity = parsed
            } else {
                problems["\(key).quantity"] = "Số lượng phải là số lớn hơn 0, ví dụ 3 hoặc 1,5."
            }
            if unit.isEmpty { problems["\(key).unit"] = "Thiếu đơn vị tính (ví dụ: báo cáo, hộ, lượt, buổi)." }
            checkLength(unit, "\(key).unit")
            let type = line.activityType.trimmedWhitespace
            if !type.isEmpty && !context.activityTypes.contains(type) { problems["\(key).activityType"] = "Loại công việc không có trong danh mục." }
            let place = clean(line.place), dates = clean(line.dates)
            checkLength(place, "\(key).place")
            checkLength(dates, "\(key).dates")
            let groups = context.groups(line.groupIDs)
            if groups == nil { problems["\(key).groupIds"] = "Chỉ chọn các nhóm báo cáo mà bạn là thành viên." }
            if problems.count == problemsBefore, let quantity, let groups {
                work.append(.init(description: description, quantity: quantity, unit: unit, activityType: type.isEmpty ? nil : type,
                                  place: place.isEmpty ? nil : place, dates: dates.isEmpty ? nil : dates,
                                  groupIDs: groups, forecast: line.forecast))
            }
        }

        var plans: [ValidatedWeeklyReport.PlanLine] = []
        if input.plans.count > maxLines { problems["plans"] = "Quá nhiều dòng (tối đa \(maxLines))." }
        for (index, line) in input.plans.prefix(maxLines).enumerated() where !line.isBlank {
            let key = "plans[\(index)]"
            let problemsBefore = problems.count
            let dateText = line.date.trimmedWhitespace
            let date = LocalDate(iso: dateText) ?? LocalDate(vietnamese: dateText)
            if date == nil {
                problems["\(key).date"] = "Ngày theo dạng dd/mm/yyyy."
            } else if !context.planWeek.contains(date!) {
                problems["\(key).date"] = "Kế hoạch là cho tuần tới: từ \(context.planWeek.start.vietnamese) đến \(context.planWeek.end.vietnamese)."
            }
            // Times as typed on a number pad or in a letter: "7", "0730", "7.30", "7h30", "7g30".
            var start: LocalTime?, end: LocalTime?
            switch TypedTime.parse(line.start) {
            case .success(let time): start = time
            case .failure(let problem): problems["\(key).start"] = "Giờ bắt đầu: \(problem.vietnameseMessage)"
            }
            switch TypedTime.parse(line.end) {
            case .success(let time): end = time
            case .failure(let problem): problems["\(key).end"] = "Giờ kết thúc: \(problem.vietnameseMessage)"
            }
            if let start, let end, end <= start { problems["\(key).end"] = "Giờ kết thúc phải sau giờ bắt đầu." }
            let title = clean(line.title)
            if title.isEmpty { problems["\(key).title"] = "Ghi rõ nội dung công việc." }
            checkLength(title, "\(key).title")
            var roomID: UUID?
            if !line.roomID.isEmpty {
                roomID = UUID(uuidString: line.roomID)
                if roomID == nil || !context.roomIDs.contains(roomID!) { problems["\(key).roomId"] = "Phòng họp không tồn tại." }
            }
            var chairID: UUID?
            if !line.chairID.isEmpty {
                chairID = UUID(uuidString: line.chairID)
                if chairID == nil || !context.personIDs.contains(chairID!) { problems["\(key).chairId"] = "Người chủ trì không tồn tại." }
            }
            var participants: [UUID] = []
            for raw in line.participantIDs where !raw.isEmpty {
                if let id = UUID(uuidString: raw), context.personIDs.contains(id) {
                    if !participants.contains(id) { participants.append(id) }
                } else {
                    problems["\(key).participantIds"] = "Có người tham dự không tồn tại."
                }
            }
            let place = clean(line.place), preparedBy = clean(line.preparedBy)
            checkLength(place, "\(key).place")
            checkLength(preparedBy, "\(key).preparedBy")
            let groups = context.groups(line.groupIDs)
            if groups == nil { problems["\(key).groupIds"] = "Chỉ chọn các nhóm báo cáo mà bạn là thành viên." }
            if problems.count == problemsBefore, let date, let start, let end, let groups {
                plans.append(.init(date: date, start: start, end: end, title: title, roomID: roomID, place: place.isEmpty ? nil : place,
                                   chairID: chairID, participantIDs: participants, preparedBy: preparedBy.isEmpty ? nil : preparedBy,
                                   groupIDs: groups))
            }
        }
        let difficulties = VietnameseText.nfc(input.difficulties).trimmedWhitespaceAndNewlines
        if difficulties.count > maxDifficultiesLength {
            problems["difficulties"] = "Quá dài (tối đa \(maxDifficultiesLength) ký tự): ghi ngắn gọn khó khăn và đề xuất chính."
        }
        return (ValidatedWeeklyReport(figures: figures, work: work, plans: plans,
                                      difficulties: difficulties.isEmpty ? nil : difficulties), problems)
    }
}

extension WeeklyReportRules {
    /// The input as the rules read it, for showing back in the form: "3 buổi" typed in the quantity
    /// becomes quantity 3 and unit buổi (when the unit was empty or the same), and readable times
    /// are written "07:30". Anything the rules would refuse stays exactly as typed.
    public static func normalised(_ input: WeeklyReportInput) -> WeeklyReportInput {
        var result = input
        for index in result.work.indices {
            let line = result.work[index]
            let quantity = line.quantity.trimmedWhitespace
            guard VietnameseNumber.parse(quantity) == nil, let split = QuantityInput.split(quantity) else { continue }
            let unit = VietnameseText.nfc(line.unit)
            guard unit.isEmpty || VietnameseText.folded(unit) == VietnameseText.folded(split.unit) else { continue }
            result.work[index].quantity = split.quantityText
            if unit.isEmpty { result.work[index].unit = split.unit }
        }
        for index in result.plans.indices {
            if let start = TypedTime.time(result.plans[index].start) { result.plans[index].start = start.text }
            if let end = TypedTime.time(result.plans[index].end) { result.plans[index].end = end.text }
        }
        return result
    }
}

private extension Decimal {
    var rounded0: Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, 0, .plain)
        return result
    }
}
