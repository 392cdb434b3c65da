import Foundation
import GiaoBanCore
import Testing
@testable import GiaoBanOffice

/// A parsed element of a chart: enough of a DOM to check structure, attributes and texts.
final class SVGNode {
    let name: String
    let attributes: [String: String]
    var children: [SVGNode] = []
    /// Character data directly inside this element (not in children).
    var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// This node and all below it, in document order.
    var all: [SVGNode] { [self] + children.flatMap(\.all) }

    func elements(_ name: String) -> [SVGNode] { all.filter { $0.name == name } }

    /// The `<title>` child's text (the tooltip), if any.
    var tooltip: String? { children.first { $0.name == "title" }?.text }

    func number(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }
}

/// Builds the tree with the module's own well-formedness-checking XML reader.
private final class SVGTreeBuilder: SAXHandler {
    var stack: [SVGNode] = []
    var root: SVGNode?

    override func start(_ name: String, _ attributes: [String: String]) throws {
        let node = SVGNode(name: name, attributes: attributes)
        stack.last?.children.append(node)
        if stack.isEmpty { root = node }
        stack.append(node)
    }

    override func end(_ name: String) throws { stack.removeLast() }

    override func text(_ string: String) { stack.last?.text += string }
}

private func parse(_ svg: String) throws -> SVGNode {
    let builder = SVGTreeBuilder()
    try XMLSupport.parse(Data(svg.utf8), part: "chart.svg", with: builder)
    return try #require(builder.root)
}

/// The checks every chart must pass: an accessible, self-contained, scalable SVG.
private func checkCommon(_ svg: String, title: String) throws -> SVGNode {
    let root = try parse(svg)
    #expect(root.name == "svg")
    #expect(root.attributes["xmlns"] == "http://www.w3.org/2000/svg")
    #expect(root.attributes["role"] == "img")
    #expect(root.attributes["width"] == "100%")
    #expect(root.attributes["height"] == nil)
    let viewBox = (root.attributes["viewBox"] ?? "").split(separator: " ").compactMap { Double($0) }
    #expect(viewBox.count == 4 && viewBox[0] == 0 && viewBox[1] == 0 && viewBox[2] >= 280 && viewBox[3] > 0)

    let titleNode = try #require(root.children.first { $0.name == "title" })
    #expect(titleNode.text == title)
    #expect(root.attributes["aria-labelledby"] == titleNode.attributes["id"])
    let desc = try #require(root.children.first { $0.name == "desc" })
    #expect(root.attributes["aria-describedby"] == desc.attributes["id"])
    #expect(!desc.text.isEmpty)

    // Readable text, no external references, no inline CSS (blocked by the app's CSP).
    for node in root.all {
        if let size = node.number("font-size") { #expect(size >= 12, "font-size \(size) in <\(node.name)>") }
        #expect(node.attributes["style"] == nil)
        #expect(node.attributes["href"] == nil)
        #expect(node.name != "style" && node.name != "script" && node.name != "image" && node.name != "use")
        for value in node.attributes.values where value.hasPrefix("url(") {
            #expect(value.hasPrefix("url(#"))
        }
    }
    #expect(!svg.contains("http://") || svg.components(separatedBy: "http://").count == 2)  // only xmlns
    // Ids are unique.
    let ids = root.all.compactMap { $0.attributes["id"] }
    #expect(Set(ids).count == ids.count)
    return root
}

private func texts(_ root: SVGNode) -> [String] { root.elements("text").map(\.text) }

@Suite("SVG charts")
struct SVGChartsTests {
    let progress = ProgressChart(rows: [
        .init(label: "Vận động hộ dân tham gia BHYT", yearToDatePercent: Decimal(string: "45.2")!,
              expectedPercent: Decimal(string: "63.5")!, note: "145/320 hộ"),
        .init(label: "Diện tích lúa gieo cấy", yearToDatePercent: 130, expectedPercent: 50),
        .init(label: "Xây dựng vườn mẫu", yearToDatePercent: nil, expectedPercent: 50),
        .init(label: "Nước <&> \"sạch\" 'x'", yearToDatePercent: 50),
    ])

    // MARK: Progress

    @Test("progress chart: Vietnamese percentages, legend, notes, and an accessible root")
    func progressTexts() throws {
        let svg = progress.svg(title: "Tiến độ chỉ tiêu KTXH – Tuần 33/2021")
        let root = try checkCommon(svg, title: "Tiến độ chỉ tiêu KTXH – Tuần 33/2021")
        let all = texts(root)
        for expected in ["Lũy kế/kế hoạch", "Tiến độ đều theo thời gian", "45,2%", "130%", "50%", "145/320 hộ",
                         "Vận động hộ dân tham gia BHYT", "không có số liệu", "–", "Tiến độ chỉ tiêu KTXH – Tuần 33/2021"] {
            #expect(all.contains(expected), "missing text \(expected)")
        }
        #expect(!all.contains { $0.contains("45.2") })
        let desc = try #require(root.children.first { $0.name == "desc" }).text
        #expect(desc.contains("Vận động hộ dân tham gia BHYT: 45,2% kế hoạch (tiến độ đều 63,5%), 145/320 hộ."))
        #expect(desc.contains("Xây dựng vườn mẫu: không có số liệu (tiến độ đều 50%)."))
        #expect(svg.hasPrefix("<svg "))
    }

    @Test("a label with <&> and quotes is escaped and reads back unchanged")
    func escaping() throws {
        let svg = progress.svg(title: "A <b> & \"c\"")
        #expect(svg.contains("Nước &lt;&amp;&gt; &quot;sạch&quot; &apos;x&apos;"))
        #expect(!svg.contains("<&>"))
        let root = try checkCommon(svg, title: "A <b> & \"c\"")
        #expect(texts(root).contains("Nước <&> \"sạch\" 'x'"))
        // Characters XML forbids are dropped rather than breaking the document; newlines become spaces.
        let odd = CountBarChart(bars: [.init(label: "A\u{0001}B\u{FFFF}\nC", count: 1)]).svg(title: "x\u{0007}y")
        let oddRoot = try checkCommon(odd, title: "xy")
        #expect(texts(oddRoot).contains("AB C"))
    }

    @Test("bars: 130% is drawn full width (capped) but labelled 130%; the expected tick sits at its share")
    func cappedBars() throws {
        let root = try parse(progress.svg(title: "T"))
        let trackWidth = 360.0 - 16 - 54  // the value column's minimum width
        let bars = root.elements("rect").filter { $0.attributes["fill"] == ChartPalette.bar && $0.number("height") == 14 }
        #expect(bars.map { $0.number("width") } == [trackWidth * 0.452, trackWidth, trackWidth * 0.5].map { ($0 * 100).rounded() / 100 })
        let tracks = root.elements("rect").filter { $0.attributes["fill"] == ChartPalette.track }
        #expect(tracks.count == 4 && tracks.allSatisfy { $0.number("width") == trackWidth })
        let ticks = root.elements("line").filter { $0.attributes["stroke"] == ChartPalette.text && $0.number("y1") != nil }
        // The legend's sample tick, then one per row that has an expected share.
        #expect(ticks.dropFirst().map { $0.number("x1") } == [8 + trackWidth * 0.635, 8 + trackWidth * 0.5, 8 + trackWidth * 0.5].map { ($0 * 100).rounded() / 100 })
        // Every text stays inside the viewBox horizontally (as far as a start/end anchor tells).
        for text in root.elements("text") {
            let x = try #require(text.number("x"))
            #expect(x >= 8 && x <= 352)
        }
    }

    @Test("long labels wrap, and past three lines end in … with the full text as a tooltip")
    func wrapping() throws {
        let long = Array(repeating: "Hoàn thành tiêu chí nông thôn mới nâng cao", count: 4).joined(separator: " ")
        let chart = ProgressChart(rows: [.init(label: long, yearToDatePercent: 10)])
        let root = try parse(chart.svg(title: "T", showsTitle: false))
        let labelLines = root.elements("text").filter { $0.attributes["font-weight"] == "600" }
        #expect(labelLines.count == 3)
        #expect(labelLines.last?.text.hasSuffix("…") == true)
        #expect(labelLines.last?.tooltip == long)
        for line in labelLines { #expect(SVGCanvas.textWidth(line.text, size: 13, bold: true) <= 344) }
        // Without showsTitle the title is only in <title>.
        #expect(!texts(root).contains("T"))
        #expect(SVGCanvas.wrap("Một hai ba", maxWidth: 1000, size: 13, maxLines: 3) == ["Một hai ba"])
        #expect(SVGCanvas.wrap("", maxWidth: 100, size: 13, maxLines: 3).isEmpty)
        let cut = SVGCanvas.wrap(String(repeating: "x", count: 200), maxWidth: 100, size: 13, maxLines: 2)
        #expect(cut.count == 2 && cut[1].hasSuffix("…"))
    }

    // MARK: Rates

    @Test("rate heat map: one cell per week with a tooltip, no-data hatched, future weeks empty, average at the row end")
    func rateChart() throws {
        let chart = RateChart(series: [
            .init(label: "Hội Nông dân", points: [
                (weekNumber: 1, ratePercent: 100), (weekNumber: 2, ratePercent: Decimal(string: "85.7")!),
                (weekNumber: 3, ratePercent: nil), (weekNumber: 33, ratePercent: Decimal(string: "85.71")!),
                (weekNumber: 34, ratePercent: 40), (weekNumber: 60, ratePercent: 10), (weekNumber: 0, ratePercent: 10),
            ]),
            .init(label: "Văn phòng <UBND>", points: [.init(weekNumber: 2, ratePercent: 50)], average: Decimal(string: "93.25")!),
        ], weekCount: 53, throughWeek: 40)
        let svg = chart.svg(title: "Tỷ lệ nộp đúng hạn 2020", id: "rates-2020")
        let root = try checkCommon(svg, title: "Tỷ lệ nộp đúng hạn 2020")
        #expect(root.attributes["aria-labelledby"] == "rates-2020-title")

        let cells = root.elements("rect").filter { $0.tooltip?.hasPrefix("Tuần ") == true }
        // Consecutive weeks with the same figure are one cell.
        let first = Array(cells.prefix(7))
        #expect(first.map(\.tooltip) == ["Tuần 1: 100%", "Tuần 2: 85,7%", "Tuần 3–32: không có số liệu", "Tuần 33: 85,7%",
                                          "Tuần 34: 40%", "Tuần 35–40: không có số liệu", "Tuần 41–53: chưa đến"])
        #expect(cells.dropFirst(7).map(\.tooltip) == ["Tuần 1: không có số liệu", "Tuần 2: 50%", "Tuần 3–40: không có số liệu",
                                                       "Tuần 41–53: chưa đến"])
        let hatch = "url(#rates-2020-nodata)"
        #expect(first[2].attributes["fill"] == hatch && first[5].attributes["fill"] == hatch)
        #expect(first[6].attributes["fill"] == "#ffffff")
        #expect(first[0].attributes["fill"] == RateChart.bucket(for: 100).fill)
        #expect(first[4].attributes["fill"] == RateChart.buckets[0].fill)
        // A run is as wide as its weeks: weeks 3–32 are thirty cells.
        let weekWidth = try #require(first[0].number("width").map { $0 + 1 })
        #expect(abs((first[2].number("width") ?? 0) + 1 - 30 * weekWidth) < 0.05)
        #expect(root.elements("pattern").map { $0.attributes["id"] } == ["rates-2020-nodata"])
        // Cells are laid out left to right inside the content width.
        let xs = first.compactMap { $0.number("x") }
        #expect(xs == xs.sorted() && xs.first == 8)
        #expect((xs.last ?? 0) + (first.last?.number("width") ?? 0) <= 352.01)

        let all = texts(root)
        // (100 + 85,7 + 85,71 + 40) / 4 = 77,8525 → 77,9.
        #expect(all.contains("TB năm: 77,9%"))
        #expect(all.contains("TB năm: 93,3%"))
        #expect(all.contains("Văn phòng <UBND>"))
        #expect(all.contains("Tuần 1") && all.contains("50") && !all.contains("60"))
        for legend in ["Dưới 50%", "50–75%", "75–90%", "Từ 90%", "Không có số liệu", "Chưa đến"] {
            #expect(all.contains(legend), "legend \(legend)")
        }
        let desc = try #require(root.children.first { $0.name == "desc" }).text
        #expect(desc.hasPrefix("Hội Nông dân: trung bình năm 77,9%; 36 tuần không có số liệu."))
    }

    @Test("rate buckets: bounds are inclusive from below")
    func buckets() {
        #expect(RateChart.bucket(for: 0).label == "Dưới 50%")
        #expect(RateChart.bucket(for: Decimal(string: "49.9")!).label == "Dưới 50%")
        #expect(RateChart.bucket(for: 50).label == "50–75%")
        #expect(RateChart.bucket(for: 75).label == "75–90%")
        #expect(RateChart.bucket(for: 90).label == "Từ 90%")
        #expect(RateChart.bucket(for: 120).label == "Từ 90%")
        #expect(RateChart.bucket(for: -5).label == "Dưới 50%")
    }

    @Test("a series with no data says so, and its average is not made up")
    func rateNoData() throws {
        let chart = RateChart(series: [.init(label: "Đoàn Thanh niên", points: [(weekNumber: 5, ratePercent: nil)])])
        let root = try checkCommon(chart.svg(title: "R"), title: "R")
        let cells = root.elements("rect").filter { $0.tooltip?.hasPrefix("Tuần ") == true }
        // A year without data is one hatched cell across the 52 weeks.
        #expect(cells.count == 1)
        #expect(cells.first?.tooltip == "Tuần 1–52: không có số liệu")
        #expect(cells.allSatisfy { $0.attributes["fill"]?.hasPrefix("url(#") == true })
        #expect(texts(root).contains("TB năm: –"))
        #expect(!texts(root).contains("Chưa đến"))
    }

    // MARK: Counts

    @Test("count bars: values printed with the unit and Vietnamese grouping, bars proportional, zero has no bar")
    func countChart() throws {
        let chart = CountBarChart(bars: [
            .init(label: "Khối chính quyền", count: 4, note: "trên 18 người"),
            .init(label: "Khối Đảng, Mặt trận, đoàn thể", count: 2),
            .init(label: "Nông thôn mới", count: 0),
            .init(label: "Phòng chống Covid-19", count: 1234),
        ], unit: "báo cáo")
        let root = try checkCommon(chart.svg(title: "Chưa nộp tuần này"), title: "Chưa nộp tuần này")
        let all = texts(root)
        for expected in ["4 báo cáo", "2 báo cáo", "0 báo cáo", "1.234 báo cáo", "trên 18 người", "Nông thôn mới"] {
            #expect(all.contains(expected), "missing \(expected)")
        }
        let bars = root.elements("rect").filter { $0.attributes["fill"] == ChartPalette.accent }
        #expect(bars.count == 3)
        let widths = bars.compactMap { $0.number("width") }
        #expect(widths.count == 3 && widths[2] > widths[0] && widths[0] > widths[1])
        #expect(abs(widths[0] / widths[2] - 4.0 / 1234) < 0.001)

        // A fixed scale, an unsafe colour falls back to the accent.
        let scaled = CountBarChart(bars: [.init(label: "A", count: 5), .init(label: "B", count: 20)], scaleMaximum: 10,
                                   fill: "red\" onload=\"x").svg(title: "S")
        let scaledRoot = try checkCommon(scaled, title: "S")
        let scaledBars = scaledRoot.elements("rect").filter { $0.attributes["fill"] == ChartPalette.accent }
        #expect(scaledBars.count == 2)
        #expect(scaledBars[0].number("width").map { $0 * 2 } == scaledBars[1].number("width"))
        #expect(!scaled.contains("onload"))
    }

    // MARK: Shared

    @Test("output is deterministic; ids derive from the title or are sanitised")
    func deterministic() throws {
        #expect(progress.svg(title: "Tiến độ") == progress.svg(title: "Tiến độ"))
        let a = try parse(progress.svg(title: "Tiến độ"))
        let b = try parse(progress.svg(title: "Tiến độ khác"))
        #expect(a.attributes["aria-labelledby"] != b.attributes["aria-labelledby"])
        #expect(a.attributes["aria-labelledby"]?.hasPrefix("progress-") == true)
        #expect(SVGCanvas.derivedID("progress", "") == "progress-811c9dc5")
        #expect(SVGCanvas.sanitizedID("a b<c>\"d") == "abcd")
        #expect(SVGCanvas.sanitizedID("9x") == "chart-9x")
        #expect(SVGCanvas.sanitizedID("") == "chart-")
        let custom = try parse(progress.svg(title: "T", id: "dash board#1"))
        #expect(custom.attributes["aria-labelledby"] == "dashboard1-title")
    }

    @Test("coordinates are written with '.' and at most two decimals")
    func coordinates() {
        #expect(SVGCanvas.n(0) == "0")
        #expect(SVGCanvas.n(-0.001) == "0")
        #expect(SVGCanvas.n(12.5) == "12.5")
        #expect(SVGCanvas.n(6.4905) == "6.49")
        #expect(SVGCanvas.n(1.05) == "1.05")
        #expect(SVGCanvas.n(-3.2) == "-3.2")
        #expect(SVGCanvas.n(1234567) == "1234567")
        #expect(SVGFormat.percent(Decimal(string: "45.25")!) == "45,3%")
        #expect(SVGFormat.percent(Decimal(string: "1234.5")!) == "1.234,5%")
    }

    @Test("empty charts are still valid, accessible SVG")
    func empty() throws {
        for (svg, title) in [(ProgressChart(rows: []).svg(title: "P"), "P"), (RateChart(series: []).svg(title: "R"), "R"),
                             (CountBarChart(bars: []).svg(title: "C"), "C")] {
            let root = try checkCommon(svg, title: title)
            #expect(texts(root).contains("Chưa có số liệu."))
        }
    }
}
