import Foundation
import GiaoBanCore

// Server-rendered SVG charts for the dashboard (issue #7): no script, they print, and they stay
// readable on a 360 px phone.
//
// Every chart is laid out for a viewBox `width` user units wide (360 by default, a phone's width)
// and drawn with `width="100%"`, so it scales to its container; the smallest text is 12 units,
// i.e. at least 12 px wherever the chart is shown at least `width` px wide. Cap the size on wide
// screens in CSS (`svg.chart { max-width: 40rem; }`). Colours are SVG presentation attributes, not
// `style`, so a `style-src 'self'` Content-Security-Policy does not block them. No colour carries
// meaning alone: every value is also printed or given in a tooltip, and the whole content is
// repeated as text in `<desc>`, which is what a screen reader announces (`role="img"`).
//
// When several charts share a page, give each its own `id`: it prefixes the ids of `<title>`,
// `<desc>` and patterns. Without one, an id is derived from the title.

// MARK: - Progress against the annual plan

/// Year-to-date progress of targets as horizontal bars from 0 to 100 % of the annual plan, with a
/// tick at the share a target growing in a straight line would have reached by now.
public struct ProgressChart: Hashable, Sendable {
    public struct Row: Hashable, Sendable {
        /// The target, e.g. "Vận động hộ dân tham gia BHYT".
        public var label: String
        /// Year-to-date as a percentage of the annual plan (`YearToDate.percentOfPlan`); nil when
        /// there is no figure or no plan. Above 100 the bar is full and the label tells the real value.
        public var yearToDatePercent: Decimal?
        /// The straight-line share of the year, as a percentage (`YearToDate.straightLineShare × 100`).
        public var expectedPercent: Decimal?
        /// A short line under the bar, e.g. "45/320 hộ"; empty for none.
        public var note: String

        public init(label: String, yearToDatePercent: Decimal?, expectedPercent: Decimal? = nil, note: String = "") {
            self.label = label
            self.yearToDatePercent = yearToDatePercent
            self.expectedPercent = expectedPercent
            self.note = note
        }
    }

    public var rows: [Row]
    /// Layout width in user units (at least 280).
    public var width: Int

    public init(rows: [Row], width: Int = 360) {
        self.rows = rows
        self.width = width
    }

    public func svg(title: String, id: String? = nil, showsTitle: Bool = true) -> String {
        var canvas = SVGCanvas(width: width, id: id ?? SVGCanvas.derivedID("progress", title))
        canvas.header(title: title, shows: showsTitle)
        canvas.legend([
            .init(swatch: .bar(ChartPalette.bar), text: "Lũy kế/kế hoạch"),
            .init(swatch: .tick, text: "Tiến độ đều theo thời gian"),
        ])
        canvas.y += 4
        let valueTexts = rows.map { $0.yearToDatePercent.map(SVGFormat.percent) ?? "–" }
        let valueColumn = max(54, (valueTexts.map { SVGCanvas.textWidth($0, size: 13, bold: true) }.max() ?? 0) + 10)
        let trackWidth = canvas.contentWidth - valueColumn
        var summary: [String] = []
        for (row, valueText) in zip(rows, valueTexts) {
            let label = SVGCanvas.clean(row.label)
            canvas.wrappedText(label, size: 13, lineHeight: 17, maxWidth: canvas.contentWidth, weight: "600")
            let top = canvas.y + 2
            canvas.rect(x: canvas.margin, y: top, width: trackWidth, height: 14, fill: ChartPalette.track, stroke: ChartPalette.trackLine)
            if let percent = row.yearToDatePercent {
                let share = SVGCanvas.clampedShare(percent)
                if share > 0 {
                    canvas.rect(x: canvas.margin, y: top, width: trackWidth * share, height: 14, fill: ChartPalette.bar)
                }
            } else {
                canvas.text(SVGFormat.noData, x: canvas.margin + 6, y: top + 11, size: 12, fill: ChartPalette.muted)
            }
            if let expected = row.expectedPercent {
                let x = canvas.margin + trackWidth * SVGCanvas.clampedShare(expected)
                canvas.line(x1: x, y1: top - 3, x2: x, y2: top + 17, stroke: "#ffffff", width: 4)
                canvas.line(x1: x, y1: top - 3, x2: x, y2: top + 17, stroke: ChartPalette.text, width: 2)
            }
            canvas.text(valueText, x: canvas.width - canvas.margin, y: top + 12, size: 13, anchor: "end", weight: "700")
            canvas.y = top + 20
            let note = SVGCanvas.clean(row.note)
            if !note.isEmpty {
                canvas.wrappedText(note, size: 12, lineHeight: 15, maxWidth: canvas.contentWidth, fill: ChartPalette.muted)
            }
            canvas.y += 8

            var sentence = "\(label): " + (row.yearToDatePercent.map { "\(SVGFormat.percent($0)) kế hoạch" } ?? SVGFormat.noData)
            if let expected = row.expectedPercent { sentence += " (tiến độ đều \(SVGFormat.percent(expected)))" }
            if !note.isEmpty { sentence += ", \(note)" }
            summary.append(sentence + ".")
        }
        if rows.isEmpty { canvas.emptyNotice(); summary = [SVGFormat.noData + "."] }
        return canvas.document(title: title, desc: summary.joined(separator: " "))
    }
}

// MARK: - Weekly on-time rates

/// Weekly on-time rates per unit over a reporting year as a heat map: one strip of week cells per
/// unit, shaded by rate bucket, each cell with a tooltip ("Tuần 33: 85,7%"; consecutive weeks
/// with the same figure are one cell, "Tuần 3–32: không có số liệu"), and the yearly average
/// printed at the end of the unit's line.
public struct RateChart: Hashable, Sendable {
    public struct Point: Hashable, Sendable {
        /// 1...53, the week of the reporting year.
        public var weekNumber: Int
        /// On-time rate in percent (`LedgerTally.onTimeRate`); nil when nothing was due that week.
        public var ratePercent: Decimal?

        public init(weekNumber: Int, ratePercent: Decimal?) {
            self.weekNumber = weekNumber
            self.ratePercent = ratePercent
        }
    }

    public struct Series: Hashable, Sendable {
        public var label: String
        /// Weeks without a point are drawn as "no data" (or "not yet" after `throughWeek`).
        /// If a week appears twice the last point wins; weeks outside the year are ignored.
        public var points: [Point]
        /// The yearly figure printed at the row end. Pass the rate of the year's whole tally when
        /// you have it (weighted by obligations); nil averages the weekly rates shown.
        public var average: Decimal?

        public init(label: String, points: [Point], average: Decimal? = nil) {
            self.label = label
            self.points = points
            self.average = average
        }

        public init(label: String, points: [(weekNumber: Int, ratePercent: Decimal?)], average: Decimal? = nil) {
            self.init(label: label, points: points.map { Point(weekNumber: $0.weekNumber, ratePercent: $0.ratePercent) },
                      average: average)
        }
    }

    /// A shade of the heat map: rates from `lowerBound` (inclusive) up to the next bucket.
    public struct Bucket: Hashable, Sendable {
        public var lowerBound: Decimal
        public var fill: String
        public var label: String
    }

    /// From the lowest: under 50 %, 50–75 %, 75–90 %, from 90 %. One hue getting darker, so the
    /// order survives colour blindness and greyscale printing.
    public static let buckets: [Bucket] = [
        Bucket(lowerBound: -Decimal.greatestFiniteMagnitude, fill: "#c6dbef", label: "Dưới 50%"),
        Bucket(lowerBound: 50, fill: "#6baed6", label: "50–75%"),
        Bucket(lowerBound: 75, fill: "#2b7bba", label: "75–90%"),
        Bucket(lowerBound: 90, fill: "#08457e", label: "Từ 90%"),
    ]

    public var series: [Series]
    /// Weeks in the reporting year: 52 or 53 (`CommuneCalendar.weeks(inYear:).count`).
    public var weekCount: Int
    /// The last week that is over; later weeks are drawn empty as "chưa đến". nil: all weeks are over.
    public var throughWeek: Int?
    /// Layout width in user units (at least 280).
    public var width: Int

    public init(series: [Series], weekCount: Int = 52, throughWeek: Int? = nil, width: Int = 360) {
        self.series = series
        self.weekCount = weekCount
        self.throughWeek = throughWeek
        self.width = width
    }

    public static func bucket(for rate: Decimal) -> Bucket {
        buckets.last { rate >= $0.lowerBound } ?? buckets[0]
    }

    public func svg(title: String, id: String? = nil, showsTitle: Bool = true) -> String {
        var canvas = SVGCanvas(width: width, id: id ?? SVGCanvas.derivedID("rates", title))
        let weeks = min(max(weekCount, 1), 53)
        let hatch = "\(canvas.id)-nodata"
        canvas.defs.append("""
            <pattern id="\(hatch)" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">\
            <rect width="4" height="4" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="4" stroke="#8c8c8c" stroke-width="1.5"/></pattern>
            """)
        canvas.header(title: title, shows: showsTitle)
        var legend = RateChart.buckets.map { SVGCanvas.LegendItem(swatch: .box($0.fill), text: $0.label) }
        legend.append(.init(swatch: .box("url(#\(hatch))"), text: "Không có số liệu"))
        if let throughWeek, throughWeek < weeks { legend.append(.init(swatch: .box("#ffffff"), text: "Chưa đến")) }
        canvas.legend(legend)

        let cellWidth = canvas.contentWidth / Double(weeks)
        let gap = cellWidth >= 5 ? 1.0 : 0.5
        // Week axis: "Tuần 1" under the first cell, then every tenth week.
        canvas.y += 4
        canvas.text("Tuần 1", x: canvas.margin, y: canvas.y + 12, size: 12, fill: ChartPalette.muted)
        for week in stride(from: 10, through: weeks, by: 10) {
            canvas.text(String(week), x: canvas.margin + (Double(week) - 0.5) * cellWidth, y: canvas.y + 12, size: 12,
                        anchor: "middle", fill: ChartPalette.muted)
        }
        canvas.y += 18

        var summary: [String] = []
        for series in self.series {
            var rates: [Int: Decimal?] = [:]
            for point in series.points where (1...weeks).contains(point.weekNumber) {
                rates[point.weekNumber] = .some(point.ratePercent)
            }
            let label = SVGCanvas.clean(series.label)
            let shown = (1...weeks).compactMap { rates[$0] ?? nil }
            let average = series.average ?? SVGFormat.mean(shown)
            let averageText = "TB năm: " + (average.map(SVGFormat.percent) ?? "–")
            let averageWidth = SVGCanvas.textWidth(averageText, size: 13, bold: true) + 8
            let labelLine = SVGCanvas.truncated(label, maxWidth: canvas.contentWidth - averageWidth, size: 13, bold: true)
            canvas.text(labelLine, x: canvas.margin, y: canvas.y + 13, size: 13, weight: "600", tooltip: label == labelLine ? nil : label)
            canvas.text(averageText, x: canvas.width - canvas.margin, y: canvas.y + 13, size: 13, anchor: "end", weight: "700")
            canvas.y += 18

            // Consecutive weeks that look and read the same are one cell ("Tuần 3–32: không có
            // số liệu"): a year of a commune's units as one cell per week weighed 100 KB of page.
            var noData = 0
            var runs: [(first: Int, last: Int, fill: String, text: String, stroke: String?)] = []
            for week in 1...weeks {
                let fill: String, text: String, stroke: String?
                if let throughWeek, week > throughWeek {
                    (fill, text, stroke) = ("#ffffff", "chưa đến", ChartPalette.trackLine)
                } else if let rate = rates[week] ?? nil {
                    (fill, text, stroke) = (RateChart.bucket(for: rate).fill, SVGFormat.percent(rate), nil)
                } else {
                    noData += 1
                    (fill, text, stroke) = ("url(#\(hatch))", SVGFormat.noData, nil)
                }
                if let last = runs.last, last.last == week - 1, last.fill == fill, last.text == text, last.stroke == stroke {
                    runs[runs.count - 1].last = week
                } else {
                    runs.append((week, week, fill, text, stroke))
                }
            }
            for run in runs {
                let x = canvas.margin + Double(run.first - 1) * cellWidth
                let weeksText = run.first == run.last ? "Tuần \(run.first)" : "Tuần \(run.first)–\(run.last)"
                canvas.rect(x: x, y: canvas.y, width: Double(run.last - run.first + 1) * cellWidth - gap, height: 18, fill: run.fill,
                            stroke: run.stroke, tooltip: "\(weeksText): \(run.text)")
            }
            canvas.y += 18 + 12

            var sentence = "\(label): trung bình năm " + (average.map(SVGFormat.percent) ?? SVGFormat.noData)
            if noData > 0 { sentence += "; \(noData) tuần không có số liệu" }
            summary.append(sentence + ".")
        }
        if series.isEmpty { canvas.emptyNotice(); summary = [SVGFormat.noData + "."] }
        return canvas.document(title: title, desc: summary.joined(separator: " "))
    }
}

// MARK: - Counts

/// Horizontal bars for counts, e.g. this week's missing reports per group; each count is printed.
/// Horizontal because long Vietnamese group names fit above a bar and not under a column.
public struct CountBarChart: Hashable, Sendable {
    public struct Bar: Hashable, Sendable {
        public var label: String
        public var count: Int
        /// A short line under the bar; empty for none.
        public var note: String

        public init(label: String, count: Int, note: String = "") {
            self.label = label
            self.count = count
            self.note = note
        }
    }

    public var bars: [Bar]
    /// Printed after each count, e.g. "báo cáo" → "3 báo cáo"; empty for the bare number.
    public var unit: String
    /// The count that fills a bar; nil: the largest count (at least 1).
    public var scaleMaximum: Int?
    /// Bar colour; the default is the app's deep-red accent (these charts show what needs attention).
    public var fill: String
    /// Layout width in user units (at least 280).
    public var width: Int

    public init(bars: [Bar], unit: String = "", scaleMaximum: Int? = nil, fill: String = ChartPalette.accent, width: Int = 360) {
        self.bars = bars
        self.unit = unit
        self.scaleMaximum = scaleMaximum
        self.fill = fill
        self.width = width
    }

    public func svg(title: String, id: String? = nil, showsTitle: Bool = true) -> String {
        var canvas = SVGCanvas(width: width, id: id ?? SVGCanvas.derivedID("counts", title))
        canvas.header(title: title, shows: showsTitle)
        let unit = SVGCanvas.clean(self.unit)
        let texts = bars.map { SVGFormat.count($0.count) + (unit.isEmpty ? "" : " \(unit)") }
        let valueColumn = min(max(texts.map { SVGCanvas.textWidth($0, size: 13, bold: true) }.max() ?? 0, 24) + 10, canvas.contentWidth / 2)
        let trackWidth = canvas.contentWidth - valueColumn
        let maximum = Double(max(scaleMaximum ?? bars.map(\.count).max() ?? 1, 1))
        let color = SVGCanvas.safeColor(fill) ?? ChartPalette.accent
        var summary: [String] = []
        for (bar, valueText) in zip(bars, texts) {
            let label = SVGCanvas.clean(bar.label)
            canvas.wrappedText(label, size: 13, lineHeight: 17, maxWidth: canvas.contentWidth, weight: "600")
            let top = canvas.y + 2
            let share = min(max(Double(bar.count) / maximum, 0), 1)
            if share > 0 {
                canvas.rect(x: canvas.margin, y: top, width: trackWidth * share, height: 14, fill: color)
            } else {
                canvas.line(x1: canvas.margin, y1: top, x2: canvas.margin, y2: top + 14, stroke: ChartPalette.trackLine, width: 1)
            }
            canvas.text(valueText, x: canvas.width - canvas.margin, y: top + 12, size: 13, anchor: "end", weight: "700")
            canvas.y = top + 20
            let note = SVGCanvas.clean(bar.note)
            if !note.isEmpty {
                canvas.wrappedText(note, size: 12, lineHeight: 15, maxWidth: canvas.contentWidth, fill: ChartPalette.muted)
            }
            canvas.y += 8
            summary.append("\(label): \(valueText)" + (note.isEmpty ? "." : ", \(note)."))
        }
        if bars.isEmpty { canvas.emptyNotice(); summary = [SVGFormat.noData + "."] }
        return canvas.document(title: title, desc: summary.joined(separator: " "))
    }
}

// MARK: - Shared pieces

/// The app's colours (Public/css/app.css), contrast checked against white.
public enum ChartPalette {
    public static let text = "#1a1a1a"
    public static let muted = "#4d4d4d"
    public static let accent = "#a3161a"
    static let bar = "#2f6690"
    static let track = "#eeeeee"
    static let trackLine = "#9a9a9a"
}

enum SVGFormat {
    static let noData = "không có số liệu"

    /// "45,2%", "130%", "0%" (one decimal at most, Vietnamese separators).
    static func percent(_ value: Decimal) -> String {
        VietnameseNumber.format(value, maxFractionDigits: 1) + "%"
    }

    /// "1.234".
    static func count(_ value: Int) -> String {
        VietnameseNumber.format(Decimal(value), maxFractionDigits: 0)
    }

    /// Mean rounded to one decimal; nil for no values.
    static func mean(_ values: [Decimal]) -> Decimal? {
        guard !values.isEmpty else { return nil }
        var mean = values.reduce(Decimal(0), +) / Decimal(values.count)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &mean, 1, .plain)
        return rounded
    }
}

/// Accumulates elements top to bottom; `y` is the top of the next free line.
struct SVGCanvas {
    struct LegendItem {
        enum Swatch { case bar(String), box(String), tick }
        var swatch: Swatch
        var text: String
    }

    let width: Double
    let id: String
    let margin = 8.0
    var y: Double
    var defs: [String] = []
    private var body: [String] = []

    init(width: Int, id: String) {
        self.width = Double(max(width, 280))
        self.id = SVGCanvas.sanitizedID(id)
        self.y = margin
    }

    var contentWidth: Double { width - 2 * margin }

    mutating func header(title: String, shows: Bool) {
        guard shows else { return }
        wrappedText(SVGCanvas.clean(title), size: 15, lineHeight: 20, maxWidth: contentWidth, weight: "700")
        y += 4
    }

    /// Items flow left to right and wrap to a new line when the next one would not fit.
    mutating func legend(_ items: [LegendItem]) {
        var x = margin
        for item in items {
            let itemWidth = 18 + SVGCanvas.textWidth(item.text, size: 12)
            if x > margin, x + itemWidth > width - margin {
                x = margin
                y += 18
            }
            switch item.swatch {
            case .bar(let fill):
                rect(x: x, y: y + 3, width: 14, height: 10, fill: fill)
            case .box(let fill):
                rect(x: x, y: y + 2, width: 12, height: 12, fill: fill, stroke: ChartPalette.trackLine)
            case .tick:
                line(x1: x + 6, y1: y + 1, x2: x + 6, y2: y + 15, stroke: ChartPalette.text, width: 2)
            }
            text(item.text, x: x + 18, y: y + 12, size: 12, fill: ChartPalette.muted)
            x += itemWidth + 14
        }
        y += 22
    }

    mutating func emptyNotice() {
        text("Chưa có số liệu.", x: margin, y: y + 13, size: 13, fill: ChartPalette.muted)
        y += 20
    }

    mutating func wrappedText(_ text: String, size: Double, lineHeight: Double, maxWidth: Double,
                              weight: String? = nil, fill: String? = nil) {
        let lines = SVGCanvas.wrap(text, maxWidth: maxWidth, size: size, maxLines: 3, bold: weight != nil)
        // A label cut short keeps its full wording as a tooltip on its last line.
        let cut = lines.count == 3 && lines[2].hasSuffix("…") && !text.hasSuffix("…")
        for (index, line) in lines.enumerated() {
            self.text(line, x: margin, y: y + size, size: size, weight: weight, fill: fill,
                      tooltip: cut && index == 2 ? text : nil)
            y += lineHeight
        }
    }

    mutating func text(_ content: String, x: Double, y: Double, size: Double, anchor: String? = nil,
                       weight: String? = nil, fill: String? = nil, tooltip: String? = nil) {
        var attributes = "x=\"\(SVGCanvas.n(x))\" y=\"\(SVGCanvas.n(y))\" font-size=\"\(SVGCanvas.n(size))\""
        if let anchor { attributes += " text-anchor=\"\(anchor)\"" }
        if let weight { attributes += " font-weight=\"\(weight)\"" }
        if let fill { attributes += " fill=\"\(fill)\"" }
        let tip = tooltip.map { "<title>\(SVGCanvas.escape($0))</title>" } ?? ""
        body.append("<text \(attributes)>\(tip)\(SVGCanvas.escape(content))</text>")
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil,
                       tooltip: String? = nil) {
        var attributes = "x=\"\(SVGCanvas.n(x))\" y=\"\(SVGCanvas.n(y))\" width=\"\(SVGCanvas.n(max(width, 0)))\" height=\"\(SVGCanvas.n(height))\" fill=\"\(fill)\""
        if let stroke { attributes += " stroke=\"\(stroke)\" stroke-width=\"0.75\"" }
        if let tooltip {
            body.append("<rect \(attributes)><title>\(SVGCanvas.escape(tooltip))</title></rect>")
        } else {
            body.append("<rect \(attributes)/>")
        }
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double) {
        body.append("<line x1=\"\(SVGCanvas.n(x1))\" y1=\"\(SVGCanvas.n(y1))\" x2=\"\(SVGCanvas.n(x2))\" y2=\"\(SVGCanvas.n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(SVGCanvas.n(width))\"/>")
    }

    func document(title: String, desc: String) -> String {
        let height = (y + margin).rounded(.up)
        let fonts = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Helvetica Neue', Arial, sans-serif"
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"100%\" viewBox=\"0 0 \(SVGCanvas.n(width)) \(SVGCanvas.n(height))\""
        out += " role=\"img\" aria-labelledby=\"\(id)-title\" aria-describedby=\"\(id)-desc\""
        out += " font-family=\"\(fonts)\" font-size=\"13\" fill=\"\(ChartPalette.text)\">\n"
        out += "<title id=\"\(id)-title\">\(SVGCanvas.escape(SVGCanvas.clean(title)))</title>\n"
        out += "<desc id=\"\(id)-desc\">\(SVGCanvas.escape(desc))</desc>\n"
        if !defs.isEmpty { out += "<defs>\(defs.joined())</defs>\n" }
        out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        out += body.joined(separator: "\n")
        out += "\n</svg>"
        return out
    }

    // MARK: Text helpers

    /// Escapes for element content and attribute values; drops characters XML 1.0 forbids.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default:
                if (scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r")
                    || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// NFC, whitespace runs (newlines included) collapsed to one space, trimmed.
    static func clean(_ text: String) -> String {
        VietnameseText.nfc(text).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// A rough width of `text` in a sans-serif font: we cannot measure on the server, so this errs
    /// on the wide side (wrapping a little early is better than running off the edge).
    static func textWidth(_ text: String, size: Double, bold: Bool = false) -> Double {
        var ems = 0.0
        for character in text {
            switch character {
            case "i", "l", "j", "í", "ì", "ỉ", "ĩ", "ị", "I", "|", ".", ",", ":", ";", "'", "!", "(", ")", " ": ems += 0.3
            case "f", "t", "r", "-", "/": ems += 0.4
            case "m", "w", "M", "W", "%", "…": ems += 0.9
            default: ems += character.isUppercase ? 0.7 : 0.58
            }
        }
        return ems * size * (bold ? 1.1 : 1)
    }

    /// Greedy word wrap to `maxWidth`; a word longer than a line is cut; beyond `maxLines` the
    /// last line ends in "…".
    static func wrap(_ text: String, maxWidth: Double, size: Double, maxLines: Int, bold: Bool = false) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ").map(String.init) {
            let candidate = current.isEmpty ? word : current + " " + word
            if textWidth(candidate, size: size, bold: bold) <= maxWidth {
                current = candidate
                continue
            }
            if !current.isEmpty { lines.append(current) }
            current = word
            while textWidth(current, size: size, bold: bold) > maxWidth, current.count > 1 {
                var head = ""
                for character in current {
                    if textWidth(head + String(character), size: size, bold: bold) > maxWidth { break }
                    head.append(character)
                }
                if head.isEmpty { head = String(current.prefix(1)) }
                lines.append(head)
                current = String(current.dropFirst(head.count))
            }
        }
        if !current.isEmpty { lines.append(current) }
        guard lines.count > maxLines else { return lines }
        let kept = Array(lines.prefix(maxLines))
        return kept.dropLast() + [truncated(kept[maxLines - 1] + " " + lines[maxLines...].joined(separator: " "),
                                            maxWidth: maxWidth, size: size, bold: bold)]
    }

    /// `text` cut with "…" so that it fits `maxWidth`.
    static func truncated(_ text: String, maxWidth: Double, size: Double, bold: Bool = false) -> String {
        guard textWidth(text, size: size, bold: bold) > maxWidth else { return text }
        var result = ""
        for character in text {
            if textWidth(result + String(character) + "…", size: size, bold: bold) > maxWidth { break }
            result.append(character)
        }
        return result.trimmedWhitespace + "…"
    }

    /// A coordinate with at most two decimals and "." (never locale-dependent), "-0" avoided.
    static func n(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = hundredths.magnitude
        let whole = magnitude / 100, fraction = magnitude % 100
        if fraction == 0 { return sign + String(whole) }
        let digits = fraction % 10 == 0 ? String(fraction / 10) : (fraction < 10 ? "0" + String(fraction) : String(fraction))
        return "\(sign)\(whole).\(digits)"
    }

    /// 0...1 from a percentage (values above 100 are capped, below 0 are 0).
    static func clampedShare(_ percent: Decimal) -> Double {
        let value = NSDecimalNumber(decimal: percent).doubleValue
        guard value.isFinite else { return 0 }
        return min(max(value / 100, 0), 1)
    }

    /// Letters, digits, "-" and "_" only, starting with a letter, so it is a valid id and safe in
    /// `url(#…)`.
    static func sanitizedID(_ id: String) -> String {
        let kept = String(id.unicodeScalars.filter { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") })
        guard let first = kept.unicodeScalars.first, CharacterSet.letters.contains(first) else { return "chart-" + kept }
        return kept
    }

    /// "progress-1a2b3c4d": FNV-1a of the title, stable across runs and platforms.
    static func derivedID(_ kind: String, _ title: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in title.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        let hex = String(hash, radix: 16)
        return "\(kind)-" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Accepts "#rgb"/"#rrggbb" only, so a caller's colour can never break out of the attribute.
    static func safeColor(_ color: String) -> String? {
        let hex = color.dropFirst()
        guard color.first == "#", hex.count == 3 || hex.count == 6, hex.allSatisfy(\.isHexDigit) else { return nil }
        return color
    }
}
