/// The frame of every page (what `layout.leaf` was): the header with the menu, the bell and what is
/// due next, the flash notice, the page's own body, the footer. Every page pays for its layout, so it
/// is Swift, not a template (issue 20; docs/decisions.md, "Compiled views").
enum PageLayout {
    static func page(_ chrome: PageChrome, body: HTML) -> HTML {
        """
        <!doctype html>
        <html lang="vi">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(chrome.title) · \(t: "app_name")</title>
        <link rel="stylesheet" href="/css/app.css">
        <link rel="icon" href="/favicon.svg" type="image/svg+xml">
        </head>
        <body>
        <a class="skip" href="#main">\(t: "skip_to_content")</a>
        <header class="top">
          <div class="top-row">
            <a class="brand" href="\(chrome.links.home)">\(t: "app_name")</a>
            \(chrome.communeName.map { name -> HTML in #"<span class="commune">\#(name)</span>"# })
            \(chrome.userName.map { menu(chrome, userName: $0) })
          </div>
          \(if: chrome.userName != nil, whereLine(chrome))
        </header>
        <main id="main" tabindex="-1">
        \(chrome.flash.map { flash -> HTML in #"<p class="notice" role="status">\#(flash)</p>"# })
        \(body)
        </main>
        <footer class="bottom"><p>\(t: "app_name") · \(t: "app_tagline")</p></footer>
        <script src="/js/drafts.js" defer></script>
        <script src="/js/menu.js" defer></script>
        </body>
        </html>

        """
    }

    private static func menu(_ chrome: PageChrome, userName: String) -> HTML {
        let bellIcon: HTML = #"<svg aria-hidden="true" focusable="false" width="20" height="20" viewBox="0 0 24 24"><path fill="currentColor" d="M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6v-5a6 6 0 0 0-5-5.9V4a1 1 0 0 0-2 0v1.1A6 6 0 0 0 6 11v5l-2 2v1h16v-1z"/></svg>"#
        return """
            <a class="bell" href="\(chrome.links.notifications)">\(bellIcon)<span class="bell-label">\(t: "nav_notifications")</span>\(if: chrome.unreadCount > 0, " <span class=\"count\">\(chrome.unreadCount)</span>")</a>
                <details class="menu" id="menu">
                  <summary class="button secondary small" aria-label="\(t: "menu_label")"><span aria-hidden="true">☰</span> \(t: "menu_open")</summary>
                  <div class="menu-panel">
                    <p class="where"><span class="user">\(userName) · \(chrome.roleNames ?? "")</span></p>
                    <nav class="main-nav" aria-label="\(t: "menu_label")">
                      <ul>
                      \(each: chrome.nav, navItem)
                      <li><a href="\(chrome.links.search)"\(if: chrome.section == "search", #" aria-current="page""#)>\(t: "nav_search")</a></li>
                      <li><a href="\(chrome.links.password)">\(t: "nav_password")</a></li>
                      <li><a href="\(chrome.links.access)">\(t: "nav_access")</a></li>
                      <li><form method="post" action="\(chrome.links.logoutAction)" class="inline"><input type="hidden" name="_csrf" value="\(chrome.csrf)"><button type="submit" class="link">\(t: "nav_logout")</button></form></li>
                      </ul>
                    </nav>
                    \(if: !chrome.adminNav.isEmpty, adminMenu(chrome))
                  </div>
                </details>
            """
    }

    private static func adminMenu(_ chrome: PageChrome) -> HTML {
        """
        <nav class="admin-nav" aria-label="\(t: "nav_admin")">
                  <span class="admin-label">\(t: "nav_admin"):</span>
                  <ul>
                  \(each: chrome.adminNav, navItem)
                  </ul>
                </nav>
        """
    }

    private static func navItem(_ item: PageChrome.NavItem) -> HTML {
        #"<li><a href="\#(item.href)"\#(if: item.current, #" aria-current="page""#)>\#(item.label)</a></li>"#
    }

    private static func whereLine(_ chrome: PageChrome) -> HTML {
        let nextDue = chrome.nextDue.map { text -> HTML in
            let due: HTML = #"<span class="due-long">\#(text)</span><span class="due-short" aria-hidden="true">\#(chrome.nextDueShort ?? "")</span>"#
            let shown: HTML = chrome.nextDueOverdue ? #"<a href="\#(chrome.links.currentReport)">\#(due)</a>"# : due
            return #"<p class="next-due\#(if: chrome.nextDueOverdue, " overdue")">\#(shown)</p>"#
        }
        return """
        <div class="where-line">
            \(nextDue)
            \(chrome.weekTitle.map { title -> HTML in #"<span class="week">\#(title)</span>"# })
          </div>
        """
    }
}
