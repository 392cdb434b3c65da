/// The ledger's summary of a year or a month, written in Swift: a commune's year is one row per
/// person, and Leaf was 12 % of the page (issue 20; docs/decisions.md, "Compiled views").
extension LedgerPagesController.SummaryView: CompiledView {
    func body(chrome: PageChrome) -> HTML {
        """
        <div class="page-head">
          <h1>\(t: "ledger_summary_title") · \(periodTitle)</h1>
          <a class="button secondary" href="\(exportHref)">\(t: "ledger_export")</a>
        </div>
        <form method="get" action="\(action)" class="search">
          <label for="year">\(t: "ledger_year")</label>
          <select id="year" name="year">\(HTML.options(years))</select>
          <label for="month">\(t: "ledger_month")</label>
          <select id="month" name="month">\(HTML.options(months))</select>
          <button type="submit" class="button secondary">\(t: "search")</button>
        </form>
        <p class="tally"><strong>\(t: "ledger_rate"): \(total.rate)</strong> ·
          \(t: "ledger_on_time") \(total.onTime) · \(t: "ledger_late") \(total.late) · \(t: "ledger_missing") \(total.missing) · \(t: "ledger_excused") \(total.excused)</p>
        <section class="card">
        <h2>\(t: "ledger_by_unit")</h2>
        <div class="table-wrap" tabindex="0" role="region" aria-label="\(t: "ledger_by_unit")"><table>
          <thead><tr><th scope="col">\(t: "nav_units")</th><th scope="col" class="num">\(t: "unit_members")</th>\(Self.tallyHeads)</tr></thead>
          <tbody>
          \(each: units, unitRow)
          </tbody>
        </table></div>
        </section>
        <section class="card">
        <h2>\(t: "ledger_by_person")</h2>
        <div class="table-wrap" tabindex="0" role="region" aria-label="\(t: "ledger_by_person")"><table>
          <thead><tr><th scope="col">\(t: "person_full_name")</th><th scope="col">\(t: "nav_units")</th>\(Self.tallyHeads)</tr></thead>
          <tbody>
          \(each: people, personRow)
          </tbody>
        </table></div>
        </section>

        """
    }

    private func unitRow(_ r: LedgerPagesController.SummaryRow) -> HTML {
        """
            <tr><td>\(r.name)</td><td class="num">\(r.detail)</td>\(Self.tallyCells(r.tally))</tr>
        """
    }

    private func personRow(_ r: LedgerPagesController.SummaryRow) -> HTML {
        """
            <tr><td><a href="\(r.href ?? "")">\(r.name)</a></td><td>\(r.detail)</td>\(Self.tallyCells(r.tally))</tr>
        """
    }

    private static let tallyHeads: HTML = """
        <th scope="col" class="num">\(t: "ledger_on_time")</th><th scope="col" class="num">\(t: "ledger_late")</th>\
        <th scope="col" class="num">\(t: "ledger_missing")</th><th scope="col" class="num">\(t: "ledger_excused")</th>\
        <th scope="col" class="num">\(t: "ledger_rate")</th>
        """

    private static func tallyCells(_ tally: LedgerTallyView) -> HTML {
        """
        <td class="num">\(tally.onTime)</td><td class="num">\(tally.late)</td><td class="num">\(tally.missing)</td>\
        <td class="num">\(tally.excused)</td><td class="num"><strong>\(tally.rate)</strong></td>
        """
    }
}
