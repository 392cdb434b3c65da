/// The home page, written in Swift: every sign-in lands here (issue 20; docs/decisions.md,
/// "Compiled views").
extension HomeController.View: CompiledView {
    func body(chrome: PageChrome) -> HTML {
        """
        <h1 class="week-heading">\(weekTitle)</h1>
        \(myReport.map(Self.myReportCard))
        \(setup.map(setupCard))
        \(assignedTasks.map { tasks -> HTML in #"<p class="alert assigned-tasks"><a href="\#(tasksHref)">\#(tasks) →</a></p>"# })
        <section class="card">
          <h2>\(t: "home_deadlines")</h2>
          <ul class="deadlines">
          \(each: deadlines, Self.weeklyDeadline)
          </ul>
          <p><a href="\(weekHref)">\(t: "nav_week") →</a></p>
        </section>
        <section class="card">
          <h2>\(t: "home_next_briefing")</h2>
          \(briefing.map(Self.briefingLine) ?? "<p>\(t: "home_no_briefing")</p>")
        </section>
        <section class="card">
          <h2>\(t: "home_monthly")</h2>
          <ul class="deadlines">
          \(each: monthly, Self.monthlyDeadline)
          </ul>
          <p class="actions"><a href="\(monthlyHref)">\(t: "nav_monthly")</a> · <a href="\(cellsHref)">\(t: "nav_cell_meetings")</a> · <a href="\(ledgerMonthlyHref)">\(t: "ledger_monthly_link")</a></p>
        </section>
        \(if: !groups.isEmpty, groupsCard)

        """
    }

    private static func myReportCard(_ report: HomeController.MyReport) -> HTML {
        """
        <section class="card my-report \(report.state)" id="my-report">
          <h2>\(t: "home_my_report")</h2>
          <p class="my-report-status"><strong>\(report.text)</strong></p>
          <p><a class="button \(report.state == "done" ? "secondary" : "primary")" href="\(report.href)">\(report.action)</a></p>
          <p class="next"><span class="muted">\(t: "home_next"):</span> \(report.next)</p>
        </section>
        """
    }

    private func setupCard(_ checklist: SetupChecklist.Model) -> HTML {
        """
        <section class="card" id="home-setup">
          <h2>\(t: "setup_title")</h2>
          <p class="progress-line">\(t: "setup_intro") <strong>\(setupDone)/\(setupTotal)</strong> · <a href="\(setupHref)">\(t: "setup_open")</a></p>
        <ol class="checklist" id="home-checklist">
        \(each: checklist.items, Self.setupItem)
        </ol>
        </section>
        """
    }

    private static func setupItem(_ item: SetupChecklist.Item) -> HTML {
        let state: HTML = item.done ? "\(t: "setup_done")" : "\(t: "setup_todo")"
        return """
          <li class="\(item.done ? "done" : "todo")" data-key="\(item.key)">
            <span class="mark" aria-hidden="true">\(if: item.done, "✓")</span>
            <span class="what"><span class="sr-only">\(state)&#58; </span>\(item.title)
              \(item.detail.map { detail -> HTML in "<small>\(detail)</small>" })
              \(if: !item.done, #"<a class="fix" href="\#(item.url)">\#(t: "setup_fix") →</a>"#)
            </span>
          </li>

        """
    }

    private static func weeklyDeadline(_ d: HomeController.DeadlineRow) -> HTML {
        let look = d.done ? "done" : d.passed ? "passed" : "upcoming"
        let left: HTML = d.done ? "\(t: "home_done")" : "\(d.timeLeft)"
        return """
            <li class="\(look)\(if: d.mine && !d.done, " mine")">
              <span class="what">\(d.label)</span>
              <span class="who">\(d.who)</span>
              <span class="due">\(d.due)</span>
              <strong class="left">\(left)</strong>
            </li>

        """
    }

    private static func monthlyDeadline(_ d: HomeController.DeadlineRow) -> HTML {
        let label: HTML = d.href.map { href -> HTML in #"<a href="\#(href)">\#(d.label)</a>"# } ?? "\(d.label)"
        return """
            <li class="\(d.passed ? "passed" : "upcoming")\(if: d.mine, " mine")">
              <span class="what">\(label)</span>
              <span class="who">\(d.who)</span>
              <span class="due">\(d.due)</span>
              <strong class="left">\(d.timeLeft)</strong>
            </li>

        """
    }

    private static func briefingLine(_ briefing: HomeController.BriefingView) -> HTML {
        """
        <p class="briefing"><strong>\(briefing.title)</strong>\(if: briefing.moved, #" <span class="tag">\#(t: "moved")</span>"#)<br>
          \(briefing.day), \(briefing.time) · <strong>\(briefing.timeLeft)</strong></p>
        """
    }

    private var groupsCard: HTML {
        """
        <section class="card">
          <h2>\(t: "home_my_groups")</h2>
          <ul class="plain">
          \(each: groups, { "<li><strong>\($0.name)</strong> · \($0.role)</li>" })
          </ul>
        </section>
        """
    }
}
