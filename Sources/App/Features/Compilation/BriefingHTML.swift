/// The Friday briefing (giao ban) of a week, written in Swift with its conclusions section: the
/// leaders' page, one card per group (issue 20; docs/decisions.md, "Compiled views").
extension BriefingPageController.View: CompiledView {
    func body(chrome: PageChrome) -> HTML {
        """
        \(HTML.weekPager(label: "\(t: "briefing_title")", previous: previousHref, next: nextHref))
        <div class="page-head">
          <h1>\(t: "briefing_title") · \(title)</h1>
          <a class="button secondary" href="\(packHref)" download>\(t: "briefing_docx")</a>
        </div>
        \(headlineCard)
        <section class="card">
          <h2>\(t: "week_meetings")</h2>
          <ul class="plain">\(each: meetings, { m in "<li><strong>\(m.title)</strong>: \(m.day), \(m.time)\(if: m.moved, #" <span class="tag">\#(t: "moved")</span>"#)</li>" })</ul>
          \(if: canMove, moveForm(csrf: chrome.csrf))
        </section>
        <div class="briefing-grid">
        \(each: groups, Self.groupCard)
        </div>
        \(conclusions.map { $0.body(csrf: chrome.csrf) })

        """
    }

    private var headlineCard: HTML {
        let h = headline
        let behind: HTML = h.behindHref.map { href -> HTML in #"<a href="\#(href)">\#(h.behindPlan)</a>"# } ?? "\(h.behindPlan)"
        let late: HTML = h.late.isEmpty ? "\(t: "headline_nobody")" : HTML.joined(h.late.map { p -> HTML in
            #"<span class="person">\#(p.name)\#(p.detail.map { detail -> HTML in " <small>(\(detail))</small>" })</span>"#
        }, separator: ", ")
        let missing: HTML = h.missing.isEmpty ? "\(t: "headline_nobody")" : HTML.joined(h.missing.map { p -> HTML in
            #"<span class="person">\#(p.name)</span>"#
        }, separator: ", ")
        return """
        <section class="card headline" id="headline" aria-labelledby="headline-title">
          <h2 id="headline-title">\(t: "headline_title")</h2>
          <dl class="headline-figures">
            <div><dt>\(t: "headline_groups_compiled")</dt><dd data-figure="groups">\(h.groupsCompiled)/\(h.groups)</dd></div>
            <div><dt>\(t: "headline_on_time")</dt><dd data-figure="on-time">\(h.onTime)/\(h.due)</dd><dd class="hint">\(t: "headline_on_time_hint")\(if: h.notDue > 0, "; \(h.notDue) \(t: "headline_not_due")")</dd></div>
            <div><dt>\(t: "headline_behind")</dt><dd data-figure="behind">\(behind)</dd></div>
          </dl>
          <p class="headline-names" id="headline-late"><strong>\(t: "headline_late") (\(h.late.count)):</strong> \(late)</p>
          <p class="headline-names" id="headline-missing"><strong>\(t: "headline_missing") (\(h.missing.count)):</strong> \(missing)</p>
        </section>
        """
    }

    private func moveForm(csrf: String) -> HTML {
        """
        <details class="no-print">
            <summary>\(t: "week_move")</summary>
            <p class="hint">\(t: "briefing_move_hint")</p>
            <form method="post" action="\(moveAction)" class="grid-form" novalidate>
              <input type="hidden" name="_csrf" value="\(csrf)"><input type="hidden" name="back" value="\(moveBack)">
              <div class="field"><label for="slot">\(t: "week_move_slot")</label><select id="slot" name="slot">\(HTML.options(slots))</select></div>
              <div class="field"><label for="date">\(t: "week_move_date")</label><input id="date" name="date" value="\(moveDate)" inputmode="numeric"></div>
              <div class="field"><label for="start">\(t: "week_move_start")</label><input id="start" name="start" value="07:30" inputmode="numeric"></div>
              <div class="field"><label for="end">\(t: "week_move_end")</label><input id="end" name="end" value="09:30" inputmode="numeric"></div>
              <div class="field wide"><label for="reason">\(t: "week_move_reason")</label><input id="reason" name="reason"></div>
              <button type="submit" class="button primary">\(t: "week_move_submit")</button>
            </form>
          </details>
        """
    }

    private static func groupCard(_ g: BriefingPageController.GroupCard) -> HTML {
        let summary: HTML = g.summary.isEmpty ? #"<p class="hint">\#(t: "briefing_no_summary")</p>"# : #"<p class="summary">\#(g.summary)</p>"#
        let changes: HTML? = g.changes.isEmpty ? nil : """
        <h3>\(t: "briefing_changes")</h3>
          <div class="table-wrap" tabindex="0" role="region" aria-label="\(t: "briefing_changes") · \(g.name)"><table>
            <thead><tr><th scope="col">\(t: "target_code")</th><th scope="col">\(t: "target_name")</th><th scope="col" class="num">\(t: "briefing_before")</th><th scope="col" class="num">\(t: "briefing_after")</th></tr></thead>
            <tbody>\(each: g.changes, { c in #"<tr><td>\#(c.code)</td><td>\#(c.name)</td><td class="num">\#(c.before)</td><td class="num">\#(c.after)</td></tr>"# })</tbody>
          </table></div>
        """
        let behind: HTML? = g.behind.isEmpty ? nil : """
        <h3 id="behind-\(g.id)">\(t: "briefing_behind")</h3>
          <div class="table-wrap" tabindex="0" role="region" aria-label="\(t: "briefing_behind") · \(g.name)"><table>
            <thead><tr><th scope="col">\(t: "target_code")</th><th scope="col">\(t: "target_name")</th><th scope="col" class="num">\(t: "group_ytd")</th><th scope="col" class="num">\(t: "report_plan")</th><th scope="col" class="num">\(t: "report_percent")</th></tr></thead>
            <tbody>\(each: g.behind, { b in #"<tr class="behind"><td>\#(b.code)</td><td>\#(b.name)</td><td class="num">\#(b.yearToDate)</td><td class="num">\#(b.planned)</td><td class="num">\#(b.percent)</td></tr>"# })</tbody>
          </table></div>
        """
        let difficulties: HTML = g.difficulties.isEmpty
            ? #"<p class="hint">\#(t: "none")</p>"#
            : #"<ul class="plain difficulties">\#(each: g.difficulties, { "<li><strong>\($0.name):</strong> \($0.text)</li>" })</ul>"#
        let totals: HTML? = g.totals.isEmpty ? nil : """
        <h3>\(t: "group_activity_totals")</h3>
          <ul class="plain">\(each: g.totals, { "<li>\($0.name): <strong>\($0.quantity) \($0.unit)</strong></li>" })</ul>
        """
        return """
        <section class="card">
          <h2><a href="\(g.href)">\(g.name)</a></h2>
          <p><span class="badge state-\(g.state)">\(g.stateLabel)</span></p>
          <p class="tally">
            <span class="badge on_time">\(t: "ledger_on_time"): \(g.tally.onTime) <small>(\(t: "briefing_last_week"): \(g.previousOnTime))</small></span>
            <span class="badge late">\(t: "ledger_late"): \(g.tally.late)</span>
            <span class="badge missing">\(t: "ledger_missing"): \(g.tally.missing)</span>
          </p>
          \(summary)
          \(changes)
          \(behind)
          <h3>\(t: "report_difficulties")</h3>
          \(difficulties)
          \(totals)
        </section>

        """
    }
}

/// "Kết luận giao ban": last week's tasks looked back on, this week's conclusions and the form that
/// records them (what `briefing/conclusions.leaf` was).
extension BriefingConclusionsSection.View {
    func body(csrf: String) -> HTML {
        let lookBackContent: HTML = lookBack.isEmpty ? #"<p class="hint">\#(t: "concl_lookback_none")</p>"# : """
        <div class="table-wrap" tabindex="0" role="region" aria-label="\(t: "concl_lookback")"><table class="tasks">
            <thead><tr><th scope="col">\(t: "concl_task_content")</th><th scope="col">\(t: "concl_task_assignee")</th><th scope="col">\(t: "concl_due_short")</th><th scope="col">\(t: "concl_task_state")</th><th scope="col">\(t: "concl_task_report")</th></tr></thead>
            <tbody>
            \(each: lookBack, Self.lookBackRow)
            </tbody>
          </table></div>
        """
        return """
        <section class="card" id="lookback">
          <h2>\(t: "concl_lookback")</h2>
          \(lookBackContent)
        </section>
        <section class="card" id="conclusions">
          <div class="page-head">
            <h2>\(t: "concl_title")</h2>
            \(if: recorded, #"<a class="button secondary" href="\#(documentHref)" download>\#(t: "concl_docx")</a>"#)
          </div>
          \(problem.map { problem -> HTML in #"<p class="alert" role="alert">\#(problem)</p>"# })
          \(recorded ? recordedConclusions : #"<p class="hint">\#(t: "concl_none")</p>"#)
          \(if: canEdit, editing(csrf: csrf))
        </section>

        """
    }

    private static func lookBackRow(_ r: BriefingTaskRow) -> HTML {
        """
          <tr\(if: r.overdue, #" class="overdue""#)><td>\(r.content) <small>(\(r.weekTitle))</small></td><td>\(r.assigneeName)</td><td>\(r.due)\(if: r.overdue, #" <span class="badge missing">\#(t: "concl_overdue")</span>"#)</td><td><span class="badge task-\(r.state)">\(r.stateLabel)</span></td><td class="prewrap">\(r.report)</td></tr>

        """
    }

    private var recordedConclusions: HTML {
        let taskList: HTML? = tasks.isEmpty ? nil : """
        <h3>\(t: "concl_tasks")</h3>
          <ol class="tasks">
          \(each: tasks, Self.taskItem)
          </ol>
        """
        return """
        \(meetingTitle.map { title -> HTML in #"<p class="hint">\#(title)</p>"# })
          \(each: paragraphs, { "<p>\($0)</p>" })
          \(taskList)
          \(recordedLine.map { line -> HTML in #"<p class="hint">\#(line)</p>"# })
        """
    }

    private static func taskItem(_ r: BriefingTaskRow) -> HTML {
        let overdue: HTML? = r.overdue ? #" <span class="badge missing">\#(t: "concl_overdue")</span>"# : nil
        let report: HTML? = r.report.isEmpty ? nil : #"<br><small class="prewrap">\#(r.report)</small>"#
        return """
            <li><strong>\(r.content)</strong><br>\(t: "concl_task_assignee"): \(r.assigneeName) · \(t: "concl_due_short"): \(r.due)\(overdue) · <span class="badge task-\(r.state)">\(r.stateLabel)</span>\(report)</li>

        """
    }

    private func editing(csrf: String) -> HTML {
        """
        \(notYet.map { note -> HTML in #"<p class="hint">\#(note)</p>"# })
          \(form.map { editForm($0, csrf: csrf) })
        """
    }

    private func editForm(_ form: BriefingConclusionsSection.Form, csrf: String) -> HTML {
        let meetingError = errors["meeting"], textError = errors["text"]
        return """
        <details class="no-print"\(if: !errors.isEmpty || !recorded, " open")>
            <summary>\(t: "concl_edit")</summary>
            \(HTML.errorSummary(errors, fields: errorOrder))
            <form method="post" action="\(action)" novalidate>
              <input type="hidden" name="_csrf" value="\(csrf)">
              <div class="field\(if: meetingError != nil, " has-error")">
                <label for="meeting">\(t: "concl_meeting")</label>
                <select id="meeting" name="meeting">\(HTML.options(form.meetings))</select>
                \(HTML.fieldError(meetingError))
              </div>
              <div class="field\(if: textError != nil, " has-error")">
                <label for="text">\(t: "concl_text")</label>
                <textarea id="text" name="text" rows="6"\(HTML.invalid(textError, describedBy: "text"))>\(form.text)</textarea>
                \(HTML.fieldError(textError, id: "text"))
              </div>
              <h3>\(t: "concl_tasks")</h3>
              <p class="hint">\(t: "concl_task_hint")</p>
              \(each: form.rows, Self.taskFields)
              <button type="submit" class="button primary">\(t: "concl_save")</button>
            </form>
          </details>
        """
    }

    private static func taskFields(_ row: BriefingConclusionsSection.FormRow) -> HTML {
        let i = row.index
        let hasError = row.contentError != nil || row.assigneeError != nil || row.dueError != nil
        return """
              <fieldset class="line\(if: hasError, " has-error")">
                <legend>\(t: "concl_task") \(i + 1)</legend>
                <input type="hidden" name="tasks[\(i)][id]" value="\(row.id)">
                <div class="field wide">
                  <label for="task\(i)-content">\(t: "concl_task_content")</label>
                  <input id="task\(i)-content" name="tasks[\(i)][content]" value="\(row.content)"\(HTML.invalid(row.contentError, describedBy: "task\(i)-content"))>
                  \(HTML.fieldError(row.contentError, id: "task\(i)-content"))
                </div>
                <div class="field">
                  <label for="task\(i)-assignee">\(t: "concl_task_assignee")</label>
                  <select id="task\(i)-assignee" name="tasks[\(i)][assignee]"\(HTML.invalid(row.assigneeError, describedBy: "task\(i)-assignee"))>
                    <option value="">—</option>
                    <optgroup label="\(t: "concl_units")">\(HTML.options(row.units))</optgroup>
                    <optgroup label="\(t: "concl_people")">\(HTML.options(row.people))</optgroup>
                  </select>
                  \(HTML.fieldError(row.assigneeError, id: "task\(i)-assignee"))
                </div>
                <div class="field">
                  <label for="task\(i)-due">\(t: "concl_task_due")</label>
                  <input id="task\(i)-due" name="tasks[\(i)][dueOn]" value="\(row.due)" inputmode="numeric" placeholder="dd/mm/yyyy" autocomplete="off"\(HTML.invalid(row.dueError, describedBy: "task\(i)-due"))>
                  \(HTML.fieldError(row.dueError, id: "task\(i)-due"))
                </div>
              </fieldset>

        """
    }
}
