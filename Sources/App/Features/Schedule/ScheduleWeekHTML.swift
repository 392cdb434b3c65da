/// The commune's weekly schedule (lịch công tác), written in Swift: the heaviest template, with two
/// lists of every person in its form (issue 20; docs/decisions.md, "Compiled views").
extension SchedulePageController.View: CompiledView {
    func body(chrome: PageChrome) -> HTML {
        let publishLabel: HTML = published ? "\(t: "schedule_republish")" : "\(t: "schedule_publish")"
        let publishForm: HTML? = canManage && conflicts.isEmpty
            ? #"<form method="post" action="\#(publishAction)" class="inline no-print"><input type="hidden" name="_csrf" value="\#(chrome.csrf)"><button type="submit" class="button primary">\#(publishLabel)</button></form>"#
            : nil
        let publication: HTML = published ? "\(t: "schedule_published_at") \(publishedAt ?? "")" : "\(t: "schedule_not_published")"
        return """
        \(HTML.weekPager(label: "\(t: "schedule_title")", previous: previousHref, next: nextHref))
        \(chrome.communeName.map { name -> HTML in #"<p class="print-only">\#(name)</p>"# })
        <div class="page-head">
          <h1>\(t: "schedule_title") · \(title)</h1>
          \(publishForm)
        </div>
        <p class="status-line"><a href="\(calendarHref)" class="no-print">\(t: "calendar_link")</a><span class="no-print"> · </span><a href="\(documentHref)" class="no-print" download>\(t: "schedule_docx")</a><span class="no-print"> · </span>\(publication)</p>
        \(if: !conflicts.isEmpty, conflictsBox(csrf: chrome.csrf))
        <div class="table-wrap schedule" tabindex="0" role="region" aria-label="\(t: "schedule_title")"><table>
          <thead><tr><th scope="col">\(t: "schedule_day")</th><th scope="col">\(t: "time")</th><th scope="col">\(t: "report_plan_title")</th><th scope="col">\(t: "report_plan_chair")</th><th scope="col">\(t: "report_plan_participants")</th><th scope="col">\(t: "schedule_place")</th><th scope="col">\(t: "report_plan_prepared")</th>\(if: canManage, #"<th scope="col" class="no-print">\#(t: "actions")</th>"#)</tr></thead>
          <tbody>
          \(each: days, { day(day: $0, csrf: chrome.csrf) })
          </tbody>
        </table></div>
        \(freeRooms)
        \(if: canManage, itemForm(csrf: chrome.csrf))

        """
    }

    private func conflictsBox(csrf: String) -> HTML {
        let anyway: HTML = published ? "\(t: "schedule_republish_anyway")" : "\(t: "schedule_publish_anyway")"
        let invalid = HTML.invalid(publishError, describedBy: "confirmConflicts").map { $0 + " autofocus" }
        return """
        <div class="alert no-print" role="alert" id="conflicts">
        <form method="post" action="\(publishAction)" id="publish-form">
          <input type="hidden" name="_csrf" value="\(csrf)">
          <p><strong>\(t: "schedule_conflicts") (\(conflicts.count))</strong></p>
          <ul id="open-conflicts">\(each: conflicts, { "<li>\($0)</li>" })</ul>
          <div class="field\(if: publishError != nil, " has-error")">
            <label class="check"><input type="checkbox" name="confirmConflicts" value="on" id="confirmConflicts"\(invalid)> \(t: "schedule_publish_confirm")</label>
            \(HTML.fieldError(publishError, id: "confirmConflicts"))
          </div>
          <button type="submit" class="button primary">\(anyway)</button>
        </form>
        </div>
        """
    }

    private func day(day: SchedulePageController.DayRow, csrf: String) -> HTML {
        guard !day.items.isEmpty else {
            return #"<tr><th scope="row">\#(day.label)</th><td colspan="\#(canManage ? 7 : 6)" class="hint">—</td></tr>"# + "\n"
        }
        var rows = HTML.empty
        for (index, item) in day.items.enumerated() {
            let dayCell: HTML? = index == 0 ? #"<th scope="row" rowspan="\#(day.items.count)">\#(day.label)</th>"# : nil
            let owner = item.owner.map { owner -> HTML in #"<small class="owner"><br>\#(t: "schedule_plan_of") \#(owner)</small>"# }
            let actions: HTML? = canManage ? """
            <td class="no-print">\(if: item.editable, itemActions(item, csrf: csrf))</td>
            """ : nil
            rows.append("""
                <tr\(if: !item.conflicts.isEmpty, #" class="conflict""#)>
                  \(dayCell)
                  <td class="time">\(item.time)</td>
                  <td class="title">\(item.title)\(owner)\(each: item.conflicts, { #"<br><span class="tag">⚠ \#($0)</span>"# })</td>
                  <td data-label="\(t: "report_plan_chair")">\(item.chair)</td><td data-label="\(t: "report_plan_participants")">\(item.participants)</td><td data-label="\(t: "schedule_place")">\(item.place)</td><td data-label="\(t: "report_plan_prepared")">\(item.preparedBy)</td>
                  \(actions)
                </tr>

            """)
        }
        return rows
    }

    private func itemActions(_ item: SchedulePageController.ItemRow, csrf: String) -> HTML {
        """
        <a href="\(item.editHref)">\(t: "edit")</a>
                <form method="post" action="\(item.deleteAction)" class="inline"><input type="hidden" name="_csrf" value="\(csrf)"><button type="submit" class="button secondary small">\(t: "schedule_remove")</button></form>
        """
    }

    private var freeRooms: HTML {
        var found: HTML?
        if finder.searched && finder.error == nil {
            found = finder.rooms.isEmpty
                ? "<p>\(t: "free_room_none")</p>"
                : #"<ul class="plain">\#(each: finder.rooms, { #"<li><a href="\#($0.weekHref)">\#($0.name)</a> (\#($0.capacity))</li>"# })</ul>"#
        }
        let roomLinks = HTML.joined(allRooms.map { room -> HTML in #"<a href="\#(room.weekHref)">\#(room.name)</a>"# }, separator: " · ")
        return """
        <section class="card no-print" id="free-rooms">
          <h2>\(t: "free_room_title")</h2>
          <form method="get" action="\(freeRoomsAction)" class="grid-form">
            <div class="field"><label for="freeDate">\(t: "week_move_date")</label><input id="freeDate" name="freeDate" value="\(finder.date)" inputmode="numeric" placeholder="dd/mm/yyyy"></div>
            <div class="field"><label for="freeStart">\(t: "week_move_start")</label><input id="freeStart" name="freeStart" value="\(finder.start)" inputmode="numeric"></div>
            <div class="field"><label for="freeEnd">\(t: "week_move_end")</label><input id="freeEnd" name="freeEnd" value="\(finder.end)" inputmode="numeric"></div>
            <div class="field"><label for="freeCapacity">\(t: "room_capacity")</label><input id="freeCapacity" name="freeCapacity" value="\(finder.capacity)" inputmode="numeric"></div>
            <button type="submit" class="button secondary">\(t: "search")</button>
          </form>
          \(HTML.fieldError(finder.error))
          \(found)
          <p class="hint">\(t: "room_week_links"): \(roomLinks)</p>
        </section>
        """
    }

    /// A field's error class and message, when the refused form has one for it.
    private func fieldError(_ key: String) -> (mark: HTML, message: HTML?) {
        guard let message = errors[key] else { return ("", nil) }
        return (" has-error", HTML.fieldError(message))
    }

    private func itemForm(csrf: String) -> HTML {
        let (date, start, end, title) = (fieldError("date"), fieldError("start"), fieldError("end"), fieldError("title"))
        let heading: HTML = form.id == nil ? "\(t: "schedule_add_item")" : "\(t: "schedule_edit_item")"
        return """
        <section class="card no-print" id="item-form">
          <h2>\(heading)</h2>
          \(HTML.errorSummary(errors, fields: "date:s-date start:s-start end:s-end title:s-title roomId:s-room participantIds:s-participants"))
          <form method="post" action="\(form.action)" class="grid-form" novalidate>
            <input type="hidden" name="_csrf" value="\(csrf)">
            <div class="field\(date.mark)"><label for="s-date">\(t: "schedule_day")</label>
              <select id="s-date" name="date">\(HTML.options(form.dates))</select>
              \(date.message)</div>
            <div class="field\(start.mark)"><label for="s-start">\(t: "report_plan_start")</label><input id="s-start" name="start" value="\(form.start)" inputmode="numeric">
              \(start.message)</div>
            <div class="field\(end.mark)"><label for="s-end">\(t: "report_plan_end")</label><input id="s-end" name="end" value="\(form.end)" inputmode="numeric">
              \(end.message)</div>
            <div class="field wide\(title.mark)"><label for="s-title">\(t: "report_plan_title")</label><input id="s-title" name="title" value="\(form.title)">
              \(title.message)</div>
            <div class="field"><label for="s-room">\(t: "report_plan_room")</label><select id="s-room" name="roomId">\(HTML.options(form.rooms))</select>
              \(fieldError("roomId").message)</div>
            <div class="field"><label for="s-place">\(t: "report_plan_place")</label><input id="s-place" name="place" value="\(form.place)"></div>
            <div class="field"><label for="s-chair">\(t: "report_plan_chair")</label><select id="s-chair" name="chairId">\(HTML.options(form.chairs))</select></div>
            <div class="field"><label for="s-participants">\(t: "report_plan_participants")</label><select id="s-participants" name="participantIds[]" multiple size="5">\(HTML.options(form.participants))</select>
              \(fieldError("participantIds").message)</div>
            <div class="field"><label for="s-units">\(t: "schedule_units")</label><select id="s-units" name="unitIds[]" multiple size="5">\(HTML.options(form.units))</select></div>
            <div class="field"><label for="s-prepared">\(t: "report_plan_prepared")</label><input id="s-prepared" name="preparedBy" value="\(form.preparedBy)"></div>
            <button type="submit" class="button primary">\(t: "save")</button>
          </form>
        </section>
        """
    }
}
