/// The weekly report form, written in Swift: the page every reporter opens before the Thursday
/// deadline, and the largest (issue 20; docs/decisions.md, "Compiled views").
extension ReportPageController.View: CompiledView {
    func body(chrome: PageChrome) -> HTML {
        """
        \(HTML.weekPager(label: "\(t: "report_title")", previous: previousWeekHref, next: nextWeekHref))
        <h1 class="week-heading">\(t: "report_title") · \(weekTitle)</h1>
        \(onBehalfOf.map { name -> HTML in #"<p class="notice warning" id="on-behalf">\#(t: "report_on_behalf") <strong>\#(name)</strong>. \#(t: "report_on_behalf_hint")</p>"# })
        \(statusLine)
        \(returned.map(Self.returnedBox))
        \(lockReason.map { reason -> HTML in "<div class=\"notice locked\" id=\"report-locked\">\n  <p><strong>🔒 \(t: "report_locked_title")</strong></p>\n  <p>\(reason)</p>\n</div>" })
        \(if: !problems.isEmpty, problemsBox)
        \(if: !scheduleClashes.isEmpty, #"<div class="alert" role="alert" id="schedule-clashes"><p><strong>\#(t: "report_schedule_clash")</strong></p><ul>\#(each: scheduleClashes, { "<li>\($0)</li>" })</ul></div>"#)
        \(restoredNotice.map { notice -> HTML in #"<p class="notice" id="restored-draft">\#(notice)</p>"# })
        \(assignedTasks.map(Self.assignedTasksCard))
        \(if: !forecasts.isEmpty, forecastsCard(csrf: chrome.csrf))
        \(form(csrf: chrome.csrf))
        <script src="/js/report.js" defer></script>

        """
    }

    private var statusLine: HTML {
        var status: HTML = "<strong>\(self.status)</strong>"
        if let submittedAt { status.append(" · \(t: "report_submitted_at") \(submittedAt)") }
        if late { status.append(#" · <span class="tag">\#(t: "report_late"): \#(lateText ?? "")</span>"#) }
        if let filedBy { status.append(" · \(t: "report_filed_by") \(filedBy)") }
        return """
        <p class="status-line">
          \(status)
          <br>\(t: "report_due"): \(due) · <strong\(if: !duePassed, #" class="left""#)>\(timeLeft)</strong>
        </p>
        """
    }

    private static func returnedBox(_ returned: ReportReturnView) -> HTML {
        """
        <div class="alert returned" role="alert" id="returned">
          <p><strong>\(t: "report_returned_by")</strong>\(if: returned.by != "", " — \(returned.by)"), \(returned.at):</p>
          <blockquote>\(returned.comment)</blockquote>
          <p class="hint">\(t: "report_returned_hint")</p>
        </div>
        """
    }

    private var problemsBox: HTML {
        """
        <div class="alert error-summary" role="alert" id="problems" tabindex="-1" aria-labelledby="problems-title">
          <p id="problems-title"><strong>\(t: "report_problems")</strong> <span class="hint">\(t: "report_problems_jump")</span></p>
          <ul>\(each: problems, { #"<li><a href="\#($0.href)">\#($0.text)</a></li>"# })</ul>
        </div>
        """
    }

    private static func assignedTasksCard(_ block: AssignedTasksBlock) -> HTML {
        let tasks = HTML.joined(block.tasks.map { r -> HTML in
            let overdue: HTML? = r.overdue ? #" <span class="badge missing">\#(block.overdueLabel)</span>"# : nil
            return """
                <li\(if: r.overdue, #" class="overdue""#)><strong>\(r.content)</strong> <small>(\(r.weekTitle))</small><br>
                \(r.assigneeName) · \(block.dueLabel): \(r.due)\(overdue) · <span class="badge task-\(r.state)">\(r.stateLabel)</span></li>

            """
        })
        return """
        <section class="card assigned-tasks" id="assigned-tasks">
          <h2>\(block.title)</h2>
          <p class="hint">\(block.hint)</p>
          <ul class="plain tasks">
          \(tasks)
          </ul>
          <p><a class="button secondary" href="\(block.linkHref)">\(block.linkLabel)</a></p>
        </section>
        """
    }

    private func forecastsCard(csrf: String) -> HTML {
        let items = HTML.joined(forecasts.map { f -> HTML in
            """
                <li>\(f.text)
                  <form method="post" action="\(f.confirmAction)" class="inline">
                    <input type="hidden" name="_csrf" value="\(csrf)">
                    <button type="submit" class="button secondary small">\(t: "report_forecast_done")</button>
                  </form>
                  <a href="\(previousWeekHref)">\(t: "report_forecast_edit")</a>
                </li>

            """
        })
        return """
        <section class="card" id="forecasts">
          <h2>\(t: "report_forecasts_title")</h2>
          <p class="hint">\(t: "report_forecasts_hint")</p>
          <ul class="plain">
          \(items)
          </ul>
        </section>
        """
    }

    private func form(csrf: String) -> HTML {
        let editable: HTML = lockReason == nil ? """

              data-autosave="\(autosaveAction)" data-storage-key="\(storageKey)" data-updated-at="\(updatedAt)"
              data-proposal-url="\(proposalHref)" data-proposal-text="\(t: "report_quantity_proposal")" data-proposal-accept="\(t: "report_quantity_accept")"
        """ : #" class="locked""#
        let submitLabel: HTML = returned != nil ? "\(t: "report_resubmit_returned")" : submitted ? "\(t: "report_resubmit")" : "\(t: "report_submit")"
        let actions: HTML? = lockReason == nil ? """
        <div class="sticky-actions">
            <p class="autosave-status" role="status" aria-live="polite" id="autosave-status">\(t: "report_autosave_hint")</p>
            <button type="submit" name="action" value="save" class="button secondary">\(t: "report_save")</button>
            <button type="submit" name="action" value="submit" class="button primary">\(submitLabel)</button>
          </div>
        """ : nil
        return """
        <form method="post" action="\(action)" id="report-form" novalidate\(editable)>
          <input type="hidden" name="_csrf" value="\(csrf)">
          <fieldset class="whole"\(if: lockReason != nil, " disabled")>
          <legend class="sr-only">\(t: "report_title") · \(weekTitle)</legend>

          \(targetsCard)

          <section class="card">
            <h2>\(t: "report_work")</h2>
            <p class="hint">\(t: "report_work_hint")</p>
            \(if: offeredFromLastWeek, #"<p class="notice">\#(t: "report_offered")</p>"#)
            <div class="lines" data-lines="work">
            \(each: work, workLine)
            </div>
            <button type="button" class="button secondary js-only" data-add-line="work">+ \(t: "report_add_line")</button>
          </section>

          <section class="card">
            <h2>\(t: "report_plans") <small>(\(planWeekTitle))</small></h2>
            <div class="lines" data-lines="plans">
            \(each: plans, planLine)
            </div>
            <button type="button" class="button secondary js-only" data-add-line="plans">+ \(t: "report_add_line")</button>
          </section>

          <section class="card">
            <h2><label for="difficulties">\(t: "report_difficulties")</label></h2>
            <p class="hint" id="difficulties-hint">\(t: "report_difficulties_hint")</p>
            <textarea id="difficulties" name="difficulties" rows="2" aria-describedby="difficulties-hint"\(if: difficultiesError != nil, #" aria-invalid="true""#)>\(difficulties)</textarea>
            \(HTML.fieldError(difficultiesError))
          </section>

          </fieldset>
          \(actions)
        </form>
        """
    }

    private var targetsCard: HTML {
        let heading: HTML = otherTargets.isEmpty ? "\(t: "report_targets")" : "\(t: "report_targets_mine")"
        let others: HTML? = otherTargets.isEmpty ? nil : """
        <details class="other-targets" id="other-targets"\(if: othersOpen, " open")>
              <summary>\(t: "report_targets_others") (\(otherTargets.count))</summary>
              <p class="hint">\(t: "report_targets_others_hint")</p>
              \(each: otherTargets, Self.targetRow)
            </details>
        """
        return """
        <section class="card" id="targets">
            <h2>\(heading)</h2>
            <p class="hint" id="targets-hint">\(t: "report_in_progress_hint")</p>
            \(if: targets.isEmpty, "<p>\(t: "report_no_targets")</p>")
            \(each: ownTargets, Self.targetRow)
            \(others)
          </section>
        """
    }

    /// One target's figure for the week (what `reports/target-row.leaf` was).
    private static func targetRow(_ row: ReportPageController.TargetRow) -> HTML {
        let invalid = HTML.invalid(row.error, describedBy: "t\(row.index)")
        let field: HTML = row.yesNo ? """
        <select id="t\(row.index)-value" name="targets[\(row.index)][value]"\(invalid)>
        <option value="">—</option>
        <option value="1"\(if: row.yesSelected, " selected")>\(t: "report_yes")</option>
        <option value="0"\(if: row.noSelected, " selected")>\(t: "report_no")</option>
        </select>
        """ : """
        <input id="t\(row.index)-value" name="targets[\(row.index)][value]" value="\(row.value)" inputmode="decimal" autocomplete="off"\(invalid)>
        """
        let percent: HTML? = row.percent.isEmpty ? nil : " · <strong>\(row.percent)</strong>"
        let confirm: HTML? = row.askConfirmJump
            ? #"<label class="check"><input type="checkbox" name="targets[\#(row.index)][confirmJump]" value="on"\#(if: row.confirmJump, " checked")> \#(t: "report_confirm_jump")</label>"#
            : nil
        return """
        <div class="target-row\(if: row.error != nil, " has-error")">
        <input type="hidden" name="targets[\(row.index)][targetId]" value="\(row.id)">
        <label class="target-name" for="t\(row.index)-value"><span class="code">\(row.code)</span> \(row.name) <small>(\(row.unit))</small></label>
        <div class="target-figures">
        \(field)
        <div class="target-side">
        <p class="figures-line">\(t: "report_ytd_short") <strong>\(row.yearToDate.isEmpty ? "—" : row.yearToDate)</strong> · \(t: "report_plan_short") <strong>\(row.planned.isEmpty ? "—" : row.planned)</strong>\(percent)</p>
        <label class="check in-progress"><input type="checkbox" name="targets[\(row.index)][inProgress]" value="on" aria-describedby="targets-hint"\(if: !row.completed, " checked")> \(t: "report_in_progress")</label>
        </div>
        </div>
        \(row.current.map { current -> HTML in #"<p class="hint current-figure">\#(t: "report_current_figure"): \#(current)</p>"# })
        \(HTML.fieldError(row.error, id: "t\(row.index)"))
        \(confirm)
        </div>

        """
    }

    /// A plain text box of a line's "more" part, with its label.
    private func textField(id: String, label: HTML, name: String, value: String) -> HTML {
        """
        <div class="field">
        <label for="\(id)">\(label)</label>
        <input id="\(id)" name="\(name)" value="\(value)">
        </div>
        """
    }

    private func groupChecks(_ groups: [Choice], name: String) -> HTML {
        HTML.joined(groups.map { g -> HTML in
            #"<label class="check"><input type="checkbox" name="\#(name)" value="\#(g.value)"\#(if: g.selected, " checked")> \#(g.label)</label>"#
        })
    }

    private func workLine(_ row: ReportPageController.WorkRow) -> HTML {
        let i = row.index
        let hasError = row.quantityError != nil || row.descriptionError != nil || row.unitError != nil || row.activityTypeError != nil
        let groups: HTML? = chooseGroups ? """
        <fieldset class="field checks compact\(if: row.groupError != nil, " has-error")" id="w\(i)-groups" tabindex="-1">
        <legend>\(t: "report_groups")</legend>
        \(groupChecks(row.groups, name: "work[\(i)][groupIds][]"))
        \(HTML.fieldError(row.groupError))
        </fieldset>
        """ : nil
        return """
        <fieldset class="line\(if: hasError, " has-error")" data-line>
        <legend class="sr-only">\(t: "report_work_description") \(i + 1)</legend>
        \(if: row.fromPlan, #"<p class="hint from-plan">\#(t: "report_work_from_plan")</p>"#)
        <div class="field">
        <label for="w\(i)-description" class="sr-only">\(t: "report_work_description")</label>
        <input id="w\(i)-description" name="work[\(i)][description]" value="\(row.description)" placeholder="\(t: "report_work_description")" data-describes\(HTML.invalid(row.descriptionError, describedBy: "w\(i)-description"))>
        \(HTML.fieldError(row.descriptionError, id: "w\(i)-description"))
        <p class="proposal" data-proposal hidden></p>
        </div>
        <div class="pair">
        <div class="field">
        <label for="w\(i)-quantity">\(t: "report_work_quantity")</label>
        <input id="w\(i)-quantity" name="work[\(i)][quantity]" value="\(row.quantity)" autocomplete="off" data-quantity\(HTML.invalid(row.quantityError, describedBy: "w\(i)-quantity"))>
        \(HTML.fieldError(row.quantityError, id: "w\(i)-quantity"))
        </div>
        <div class="field">
        <label for="w\(i)-unit">\(t: "report_work_unit")</label>
        <input id="w\(i)-unit" name="work[\(i)][unit]" value="\(row.unit)" data-unit\(HTML.invalid(row.unitError, describedBy: "w\(i)-unit"))>
        \(HTML.fieldError(row.unitError, id: "w\(i)-unit"))
        </div>
        </div>
        <details class="more"\(if: row.moreOpen, " open")>
        <summary>\(t: "report_line_more")</summary>
        <div class="field">
        <label for="w\(i)-type">\(t: "report_work_type")</label>
        <select id="w\(i)-type" name="work[\(i)][activityType]">\(HTML.options(row.activityTypes, hintAttribute: "data-unit"))</select>
        \(HTML.fieldError(row.activityTypeError))
        </div>
        \(textField(id: "w\(i)-place", label: "\(t: "report_work_place")", name: "work[\(i)][place]", value: row.place))
        \(textField(id: "w\(i)-dates", label: "\(t: "report_work_dates")", name: "work[\(i)][dates]", value: row.dates))
        <label class="check"><input type="checkbox" name="work[\(i)][forecast]" value="on"\(if: row.forecast, " checked")> \(t: "report_forecast")</label>
        \(groups)
        </details>
        </fieldset>

        """
    }

    private func planLine(_ row: ReportPageController.PlanRow) -> HTML {
        let i = row.index
        let hasError = row.dateError != nil || row.startError != nil || row.endError != nil || row.titleError != nil || row.roomError != nil
        let groups: HTML? = chooseGroups ? """
        <fieldset class="field checks compact" id="p\(i)-groups" tabindex="-1">
        <legend>\(t: "report_groups")</legend>
        \(groupChecks(row.groups, name: "plans[\(i)][groupIds][]"))
        </fieldset>
        """ : nil
        return """
        <fieldset class="line\(if: hasError, " has-error")" data-line>
        <legend class="sr-only">\(t: "report_plan_title") \(i + 1)</legend>
        <div class="triple">
        <div class="field">
        <label for="p\(i)-date">\(t: "report_plan_date")</label>
        <select id="p\(i)-date" name="plans[\(i)][date]"\(HTML.invalid(row.dateError, describedBy: "p\(i)-date"))>\(HTML.options(row.dates))</select>
        </div>
        <div class="field">
        <label for="p\(i)-start">\(t: "report_plan_start")</label>
        <input id="p\(i)-start" name="plans[\(i)][start]" value="\(row.start)" inputmode="decimal" placeholder="7h30" autocomplete="off"\(HTML.invalid(row.startError, describedBy: "p\(i)-start"))>
        </div>
        <div class="field">
        <label for="p\(i)-end">\(t: "report_plan_end")</label>
        <input id="p\(i)-end" name="plans[\(i)][end]" value="\(row.end)" inputmode="decimal" placeholder="11h" autocomplete="off"\(HTML.invalid(row.endError, describedBy: "p\(i)-end"))>
        </div>
        </div>
        \(HTML.fieldError(row.dateError, id: "p\(i)-date"))
        \(HTML.fieldError(row.startError, id: "p\(i)-start"))
        \(HTML.fieldError(row.endError, id: "p\(i)-end"))
        <div class="field">
        <label for="p\(i)-title" class="sr-only">\(t: "report_plan_title")</label>
        <input id="p\(i)-title" name="plans[\(i)][title]" value="\(row.title)" placeholder="\(t: "report_plan_title")"\(HTML.invalid(row.titleError, describedBy: "p\(i)-title"))>
        \(HTML.fieldError(row.titleError, id: "p\(i)-title"))
        </div>
        <details class="more"\(if: row.moreOpen, " open")>
        <summary>\(t: "report_plan_more")</summary>
        <div class="field">
        <label for="p\(i)-room">\(t: "report_plan_room")</label>
        <select id="p\(i)-room" name="plans[\(i)][roomId]">\(HTML.options(row.rooms))</select>
        \(HTML.fieldError(row.roomError))
        </div>
        \(textField(id: "p\(i)-place", label: "\(t: "report_plan_place")", name: "plans[\(i)][place]", value: row.place))
        <div class="field">
        <label for="p\(i)-chair">\(t: "report_plan_chair")</label>
        <select id="p\(i)-chair" name="plans[\(i)][chairId]">\(HTML.options(row.chairs))</select>
        </div>
        <div class="field">
        <label for="p\(i)-participants">\(t: "report_plan_participants")</label>
        <select id="p\(i)-participants" name="plans[\(i)][participantIds][]" multiple size="4">\(HTML.options(row.participants))</select>
        </div>
        \(textField(id: "p\(i)-prepared", label: "\(t: "report_plan_prepared")", name: "plans[\(i)][preparedBy]", value: row.preparedBy))
        \(groups)
        </details>
        </fieldset>

        """
    }
}
