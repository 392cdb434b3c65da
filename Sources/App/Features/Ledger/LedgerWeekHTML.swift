/// The commune's ledger of one week, written in Swift: with the group week, the page read most at
/// the Thursday deadline (issue 20; docs/decisions.md, "Compiled views").
extension LedgerPagesController.WeekView: CompiledView {
    func body(chrome: PageChrome) -> HTML {
        """
        \(HTML.weekPager(label: "\(t: "ledger_title")", previous: previousHref, next: nextHref))
        <div class="page-head">
          <h1>\(t: "ledger_title") · \(title)</h1>
          <p>
          \(if: canSummarise, #"<a class="button secondary" href="\#(summaryHref)">\#(t: "ledger_summary_title")</a>"#)
          \(if: canManageLeave, #" <a class="button secondary" href="\#(leavesHref)">\#(t: "leave_title")</a>"#)
          <a class="button secondary" href="\(monthlyHref)">\(t: "ledger_monthly_link")</a>
          </p>
        </div>
        \(notOwed.map { note -> HTML in #"<p class="notice" id="not-owed">\#(note)</p>"# } ?? owedSections)

        """
    }

    private var owedSections: HTML {
        let sort: HTML = sortedByStatus
            ? #"<a href="\#(sortByNameHref)">\#(t: "ledger_sort_name")</a> · <strong>\#(t: "ledger_sort_status")</strong>"#
            : #"<strong>\#(t: "ledger_sort_name")</strong> · <a href="\#(sortByStatusHref)">\#(t: "ledger_sort_status")</a>"#
        return """
        <section class="card" id="totals">
          <h2>\(t: "ledger_commune_totals")</h2>
          <p class="hint">\(t: "ledger_due"): \(due). \(peopleNote)</p>
          <p class="tally">
            <span class="badge" data-count="owed">\(t: "ledger_owed"): \(owed)</span>
            <span class="badge on_time" data-count="on_time">\(t: "ledger_on_time"): \(totals.onTime)</span>
            <span class="badge late" data-count="late">\(t: "ledger_late"): \(totals.late)</span>
            <span class="badge missing" data-count="missing">\(t: "ledger_missing"): \(totals.missing)</span>
            <span class="badge excused" data-count="excused">\(t: "ledger_excused"): \(totals.excused)</span>
            <span class="badge not_due" data-count="not_due">\(t: "ledger_not_due"): \(totals.notDue)</span>
          </p>
          <p><a class="button secondary" href="\(exportHref)">\(t: "ledger_export")</a></p>
        </section>
        <section class="card">
          <p class="sort">\(sort)</p>
          <div class="table-wrap" tabindex="0" role="region" aria-label="\(t: "ledger_title")"><table id="ledger-people">
            <thead><tr><th scope="col">\(t: "person_full_name")</th><th scope="col">\(t: "status")</th><th scope="col">\(t: "ledger_submitted_at")</th><th scope="col">\(t: "ledger_groups")</th><th scope="col">\(t: "ledger_detail")</th></tr></thead>
            <tbody>
            \(each: rows, personRow)
            </tbody>
          </table></div>
        </section>
        <section class="card">
          <h2>\(t: "ledger_compilations")</h2>
          <ul class="compilations">
          \(each: compilations, compilationItem)
          </ul>
        </section>
        """
    }

    private func personRow(_ r: LedgerPagesController.WeekRow) -> HTML {
        """
          <tr data-status="\(r.cell.status)"><td><a href="\(r.href)">\(r.name)</a></td>
              <td><span class="badge \(r.cell.status)">\(r.cell.label)</span></td>
              <td>\(r.cell.submittedAt ?? "—")</td>
              <td><small>\(r.groups)</small></td>
              <td>\(r.cell.detail ?? "")</td></tr>

        """
    }

    private func compilationItem(_ c: LedgerPagesController.CompilationLine) -> HTML {
        let state = c.cell.map { cell -> HTML in
            var badge: HTML = #"<span class="badge \#(cell.status)">\#(cell.label)</span>"#
            if let at = cell.submittedAt { badge.append(" \(at)") }
            if let detail = cell.detail { badge.append(" (\(detail))") }
            return badge
        }
        return "<li>\(c.name) (\(c.members)): \(state ?? "—")</li>"
    }
}
