/// The focal point's week page of a group, written in Swift: with the ledger's week page, the page
/// read most at the Thursday deadline (issue 20; docs/decisions.md, "Compiled views").
extension CompilationPagesController.WeekView: CompiledView {
    func body(chrome: PageChrome) -> HTML {
        """
        \(HTML.weekPager(label: "\(groupName)", previous: previousHref, next: nextHref))
        <div class="page-head">
          <h1>\(groupName) · \(weekTitle)</h1>
          <a class="button secondary" href="\(documentHref)" download>\(t: "group_docx")</a>
        </div>
        <p class="status-line"><span class="badge state-\(state)">\(stateLabel)</span>
          · \(t: "group_compilation_due"): \(due) (\(timeLeft))
          \(compiledAt.map { at -> HTML in "<br>\(t: "group_compiled_at"): \(at)" })
          \(approvedAt.map { at -> HTML in " · \(t: "group_approved_at"): \(at)" })
        </p>
        \(approverComment.map { comment -> HTML in #"<p class="notice"><strong>\#(t: "group_approver_comment"):</strong> \#(comment)</p>"# })
        \(if: changedAfterApproval, #"<p class="alert" role="alert">\#(t: "group_changed_after_approval") <a href="\#(ledgerHref)">\#(t: "ledger_title")</a></p>"#)
        \(if: !errors.isEmpty, #"<p class="alert" role="alert">\#(each: errors.messages.sorted { $0.key < $1.key }, { "\($0.value) " })</p>"#)

        \(membersSection(csrf: chrome.csrf))

        \(targetsSection)

        \(listSection(titleKey: "group_activity_totals", isEmpty: totals.isEmpty, table: totalsTable))

        \(listSection(titleKey: "group_work", isEmpty: work.isEmpty, table: workTable))

        \(listSection(titleKey: "group_plans", isEmpty: plans.isEmpty, table: plansTable))

        <section class="card" id="difficulties">
          <h2>\(t: "report_difficulties")</h2>
          \(difficulties.isEmpty ? "<p>\(t: "none")</p>" : #"<ul class="plain">\#(each: difficulties, { "<li><strong>\($0.name):</strong> \($0.text)</li>" })</ul>"#)
        </section>

        \(if: isAggregator, summarySection(chrome: chrome))

        \(if: canApprove || canUnlock, approvalSection(csrf: chrome.csrf))

        """
    }

    private var totalsTable: HTML {
        """
        <thead><tr><th scope="col">\(t: "report_work_type")</th><th scope="col" class="num">\(t: "report_work_quantity")</th><th scope="col">\(t: "report_work_unit")</th><th scope="col" class="num">\(t: "group_lines")</th></tr></thead>
            <tbody>\(each: totals, { row in "<tr><td>\(row.name)</td><td class=\"num\">\(row.quantity)</td><td>\(row.unit)</td><td class=\"num\">\(row.lines)</td></tr>" })</tbody>
        """
    }

    private var workTable: HTML {
        """
        <thead><tr><th scope="col">\(t: "person_full_name")</th><th scope="col">\(t: "report_work_description")</th><th scope="col">\(t: "report_work_quantity")</th><th scope="col">\(t: "report_work_place")</th><th scope="col">\(t: "report_work_dates")</th></tr></thead>
            <tbody>\(each: work, { row in "<tr><td>\(row.name)</td><td>\(row.description)\(if: row.forecast, " <span class=\"tag\">\(t: "report_forecast_tag")</span>")</td><td>\(row.quantity)</td><td>\(row.place ?? "")</td><td>\(row.dates ?? "")</td></tr>" })</tbody>
        """
    }

    private var plansTable: HTML {
        """
        <thead><tr><th scope="col">\(t: "report_plan_date")</th><th scope="col">\(t: "time")</th><th scope="col">\(t: "report_plan_title")</th><th scope="col">\(t: "report_plan_place")</th><th scope="col">\(t: "person_full_name")</th></tr></thead>
            <tbody>\(each: plans, { row in "<tr><td>\(row.day)</td><td>\(row.time)</td><td>\(row.title)</td><td>\(row.place ?? "")</td><td>\(row.name)</td></tr>" })</tbody>
        """
    }

    private func membersSection(csrf: String) -> HTML {
        let remind: HTML? = canRemind
            ? #"<form method="post" action="\#(actions.remind)" class="inline"><input type="hidden" name="_csrf" value="\#(csrf)"><button class="button secondary small" type="submit">\#(t: "group_remind")</button></form>"#
            : nil
        return """
        <section class="card">
          <div class="page-head"><h2>\(t: "group_members_status")</h2>
          \(remind)
          </div>
          <p class="tally">
            <span class="badge on_time">\(t: "ledger_on_time"): \(tally.onTime)</span>
            <span class="badge late">\(t: "ledger_late"): \(tally.late)</span>
            <span class="badge missing">\(t: "ledger_missing"): \(tally.missing)</span>
            <span class="badge excused">\(t: "ledger_excused"): \(tally.excused)</span>
            <span class="badge not_due">\(t: "ledger_not_due"): \(tally.notDue)</span>
          </p>
          <div class="table-wrap stack-wrap"><table class="stack" id="members">
            <thead><tr><th scope="col">\(t: "person_full_name")</th><th scope="col">\(t: "status")</th><th scope="col">\(t: "ledger_submitted_at")</th><th scope="col">\(t: "actions")</th></tr></thead>
            <tbody>
            \(each: members, { memberRow($0, csrf: csrf) })
            </tbody>
          </table></div>
        </section>
        """
    }

    private func memberRow(_ m: CompilationPagesController.MemberRow, csrf: String) -> HTML {
        var who: HTML = #"<a href="\#(m.href)">\#(m.name)</a>"#
        if m.returned { who.append(#"<br><span class="tag">\#(t: "group_returned"): \#(m.returnComment ?? "")</span>"#) }
        if m.afterCompilation { who.append(#"<br><span class="tag late">\#(t: "group_after_compilation")</span>"#) }
        if m.filedOnBehalf { who.append("<br><small>\(t: "group_filed_on_behalf")</small>") }
        let status = m.cell.map { cell -> HTML in
            #"<span class="badge \#(cell.status)">\#(cell.label)</span>\#(cell.detail.map { detail -> HTML in "<br><small>\(detail)</small>" })"#
        }
        let fileLink = m.fileHref.map { href -> HTML in #"<a class="button secondary small" href="\#(href)">\#(t: "group_file_on_behalf")</a>"# }
        let returnForm: HTML? = m.canReturn ? """

                <form method="post" action="\(actions.returnReport)" class="return-form">
                  <input type="hidden" name="_csrf" value="\(csrf)"><input type="hidden" name="personId" value="\(m.personID)">
                  <label for="return-\(m.personID)" class="sr-only">\(t: "group_return_comment")</label>
                  <input id="return-\(m.personID)" name="comment" placeholder="\(t: "group_return_comment")">
                  <button type="submit" class="button secondary small">\(t: "group_return")</button>
                </form>
            """ : nil
        return """
            <tr><td class="who">\(who)</td>
              <td data-label="\(t: "status")">\(status)</td>
              <td data-label="\(t: "ledger_submitted_at")">\(m.cell?.submittedAt ?? "—")</td>
              <td data-label="\(t: "actions")">\(fileLink)\(returnForm)</td></tr>

        """
    }

    private var targetsSection: HTML {
        """
        <section class="card">
          <h2>\(t: "group_targets")</h2>
          <div class="table-wrap" tabindex="0" role="region" aria-label="\(t: "group_targets")"><table class="targets">
            <thead><tr><th scope="col">\(t: "target_code")</th><th scope="col">\(t: "target_name")</th><th scope="col">\(t: "target_unit")</th><th scope="col" class="num">\(t: "report_this_week")</th><th scope="col" class="num">\(t: "group_ytd")</th><th scope="col" class="num">\(t: "report_plan")</th><th scope="col" class="num">\(t: "report_percent")</th></tr></thead>
            \(each: units, unitSection)
          </table></div>
        </section>
        """
    }

    private func unitSection(_ section: GroupWeekRows.UnitSection) -> HTML {
        """
        <tbody>
              <tr class="section"><th colspan="7" scope="rowgroup">\(section.unit)</th></tr>
              \(each: section.targets, targetRow)
            </tbody>

        """
    }

    private func targetRow(_ r: GroupWeekRows.TargetRow) -> HTML {
        var name: HTML = "\(r.name)"
        if r.behind { name.append(#" <span class="tag">\#(t: "group_behind")</span>"#) }
        if r.unusual { name.append(#" <span class="tag late">\#(t: "group_unusual_jump")</span>"#) }
        if let enteredBy = r.enteredBy { name.append("<br><small>\(t: "group_entered_by") \(enteredBy)</small>") }
        return """
        <tr\(if: r.behind, #" class="behind""#)><td>\(r.code)</td><td>\(name)</td><td>\(r.unit)</td><td class="num">\(r.value)</td><td class="num">\(r.yearToDate)</td><td class="num">\(r.planned)</td><td class="num">\(r.percent)</td></tr>

        """
    }

    /// A card with a heading and a table, or "none" when there are no rows.
    private func listSection(titleKey title: String, isEmpty: Bool, table: HTML) -> HTML {
        let content: HTML = isEmpty ? "<p>\(t: "none")</p>" : """
        <div class="table-wrap" tabindex="0" role="region" aria-label="\(t: title)"><table>
            \(table)
          </table></div>
        """
        return """
        <section class="card">
          <h2>\(t: title)</h2>
          \(content)
        </section>
        """
    }

    private func summarySection(chrome: PageChrome) -> HTML {
        let confirm: HTML? = confirmMissing.isEmpty ? nil : """
        <div class="alert" role="alert" id="confirm-missing" tabindex="-1">
              <p><strong>\(t: "group_confirm_missing")</strong></p>
              <ul>\(each: confirmMissing, { "<li>\($0)</li>" })</ul>
              <input type="hidden" name="confirmMissing" value="true">
            </div>
        """
        let submitLabel: HTML = confirmMissing.isEmpty ? "\(t: "group_submit")" : "\(t: "group_submit_anyway")"
        let submit: HTML? = canSubmit ? #"<button type="submit" class="button primary">\#(submitLabel)</button>"# : nil
        let reopen: HTML? = canReopen ? """
        <form method="post" action="\(actions.reopen)" class="inline">
            <input type="hidden" name="_csrf" value="\(chrome.csrf)">
            <p class="hint">\(t: "group_reopen_hint")</p>
            <button type="submit" class="button secondary">\(t: "group_reopen")</button>
          </form>
        """ : nil
        return """
        <section class="card">
          <h2>\(t: "group_summary")</h2>
          <form method="post" action="\(actions.submit)" data-draft="group-summary-\(groupID)-\(weekID)-\(chrome.userName ?? "")">
            <input type="hidden" name="_csrf" value="\(chrome.csrf)">
            <div class="field">
              <label for="summary">\(t: "group_summary_label")</label>
              <textarea id="summary" name="summary" rows="6"\(if: !canSubmit, " disabled")>\(summary)</textarea>
            </div>
            \(confirm)
            \(submit)
          </form>
          \(reopen)
        </section>
        """
    }

    private func approvalSection(csrf: String) -> HTML {
        let commentError = errors["comment"]
        let approve: HTML? = canApprove
            ? Self.commentForm(action: actions.approve, csrf: csrf, id: "approve-comment", label: "\(t: "group_approver_comment")",
                               button: "\(t: "group_approve")", primary: true)
                + Self.commentForm(action: actions.returnReport, csrf: csrf, id: "return-comment", label: "\(t: "group_return_reason")",
                                   button: "\(t: "group_return_compiled")", primary: false, error: commentError)
            : nil
        let unlock: HTML? = canUnlock
            ? Self.commentForm(action: actions.unlock, csrf: csrf, id: "unlock-comment", label: "\(t: "group_unlock_reason")",
                               button: "\(t: "group_unlock")", primary: false)
            : nil
        return """
        <section class="card">
          <h2>\(t: "group_approval")</h2>
          \(approve)
          \(unlock)
        </section>
        """
    }

    /// A decision on the compiled report with its comment: approve, return, unlock.
    private static func commentForm(action: String, csrf: String, id: String, label: HTML, button: HTML, primary: Bool,
                                    error: String? = nil) -> HTML {
        """
        <form method="post" action="\(action)" class="grid-form">
            <input type="hidden" name="_csrf" value="\(csrf)">
            <div class="field wide\(if: error != nil, " has-error")"><label for="\(id)">\(label)</label><input id="\(id)" name="comment">\(HTML.fieldError(error))</div>
            <button type="submit" class="button \(primary ? "primary" : "secondary")">\(button)</button>
          </form>
        """
    }
}
