#!/usr/bin/env python3
"""End-to-end tests of GiaoBan in a real headless Chromium (issue #9, the browser part).

Usage:  python3 scripts/e2e.py BASE_URL OUT_DIR
        (scripts/e2e.sh starts a demo server on a free port and runs this for you)

Runs against a server started with `giaoban demo` on a FRESH database (it files this week's report
of the demo reporter nam.hs, so a second run on the same database finds it already submitted).
Every step saves a screenshot in OUT_DIR (a CI artefact folder, not committed). Exit code 0 when
every step passes, 1 otherwise, with a line per failure saying what went wrong.

The steps (all on a 360 px wide phone window, in Vietnamese):
  1. the reporter signs in;
  2. fills and submits this week's report (a target figure, work lines, a plan for next week);
  3. a line of other work without a quantity is refused in Vietnamese and keeps its text;
  4. the focal point of the reporter's group opens the group's week (the compilation) and returns
     the reporter's report with a comment;
  5. the reporter reads the comment in the notifications and submits again; the focal point opens the
     member's report from the notification, sees it and submits the compiled report; the
     member's report is then read-only with the reason (no editable field, no autosave);
  (issue #17, at 360×800: the header takes at most 160 px and its menu opens from a button; the home
   page says "Chưa nộp", then "Đã nộp … ✓", then "được trả lại"; the form reads "8", "9.30" and
   "3 buổi" and proposes 12 hộ for a sentence, applied only when accepted; the group week, the groups
   list and the member's page do not scroll sideways)
  6. the office adds a meeting to next week's schedule, publishes it (confirming over open
     conflicts, after a refusal without), then a second meeting in the same room at an overlapping
     time shows a room conflict; the schedule printed by Chromium (Page.printToPDF with the page's
     CSS size) is one A4 landscape page without the app's header, menu, bell or countdown, with the
     table's first row on it (pdftotext);
  7. the leader opens the briefing and downloads the briefing pack (.docx: a zip with
     word/document.xml);
  8. axe-core runs on the main pages (login, home, report form, group week, ledger, schedule,
     briefing, dashboard, audit trail, search) and any "serious" or "critical" violation fails;
  9. each main page weighs under 100 KB of HTML+CSS+JS (uncompressed) and requests nothing from
     another host;
 10. when SETUP_BASE is set (a second server on an EMPTY database, `giaoban serve`, whose admin
     password is SETUP_ADMIN_PASSWORD): the first admin reaches a complete setup checklist with the
     UI and two files (the staff list fixture and ../shared/data/chi-tieu-2021.xlsx), downloads the
     login slips once and opens them in LibreOffice (PDF, read back with pdftotext), and a new
     official signs in with a slip and must choose a password first.

Needs Python `selenium` and `requests`, Debian's `chromium` and `chromium-driver`, and a copy of
axe-core from PyPI (no other network is used):

    python3 -m pip install selenium requests
    python3 -m pip install --no-deps axe-playwright-python   # ships axe-core 4.x as axe.min.js;
                                                            # --no-deps: Playwright is not needed
    # or, older: python3 -m pip install axe-selenium-python  (axe-core 3.1 on Python < 3.12)

(add --break-system-packages when pip refuses a Debian-managed Python). The script finds the
newest installed axe.min.js by itself; AXE_JS=/path/to/axe.min.js overrides.
"""
import base64
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import time
import traceback
import zipfile
from pathlib import Path
from urllib.parse import urljoin, urlparse

import requests
from selenium import webdriver
from selenium.common.exceptions import ElementClickInterceptedException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

if len(sys.argv) != 3:
    sys.exit("usage: python3 scripts/e2e.py BASE_URL OUT_DIR")
BASE = sys.argv[1].rstrip("/")
OUT = Path(sys.argv[2])
PASSWORD = "giaoban2021"
REPORTER, FOCAL_POINT, OFFICE, LEADER = "nam.hs", "anh.ptn", "anh.ptn", "binh.nv"
PHONE = (360, 800)
DESKTOP = (1280, 900)
BRIEFING_SCREEN = (1366, 900)
PAGE_BUDGET = 100 * 1024
STAMP = time.strftime("%H%M%S")
REFUSED_TEXT = f"Tuyên truyền phòng chống dịch tại thôn Kim Cương (e2e {STAMP})"
PLAN_TITLE = f"Họp triển khai kế hoạch tuần (e2e {STAMP})"
RETURN_COMMENT = f"Đề nghị ghi rõ địa điểm từng việc (e2e {STAMP})"
SENTENCE = f"Vận động 12 hộ vay vốn tại Kim Lộc (e2e {STAMP})"
MEETING_A = f"Họp ban chỉ đạo NTM (e2e {STAMP})"
MEETING_B = f"Tiếp công dân định kỳ (e2e {STAMP})"


class StepFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise StepFailed(message)


# ---------------------------------------------------------------------------------------------
# Browser helpers

def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={PHONE[0]},{PHONE[1]}",
                 "--force-device-scale-factor=1", "--lang=vi", "--disable-gpu"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "vi,vi-VN"})
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.set_window_size(*PHONE)  # headless Chromium opens 500 px wide whatever --window-size says
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(90)
    return driver


def path_of(driver):
    return urlparse(driver.current_url).path


def main_text(driver):
    return driver.find_element(By.TAG_NAME, "main").text


def wait_loaded(driver, old_html=None, timeout=20):
    def replaced(_):
        try:
            old_html.tag_name
            return False
        except WebDriverException:  # stale, or "Node with given id does not belong to the document"
            return True
    if old_html is not None:
        WebDriverWait(driver, timeout).until(replaced)
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script("return document.readyState") == "complete")


def click_and_wait(driver, element):
    """Clicks something that loads a new page (a link or a submit button) and waits for it."""
    html = driver.find_element(By.TAG_NAME, "html")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    try:
        element.click()
    except ElementClickInterceptedException:
        # Something sticky (the report form's action bar) covers it on a small screen: say so, but go on.
        print("   note: a click was intercepted by an overlapping element; clicking through JavaScript")
        driver.execute_script("arguments[0].click()", element)
    wait_loaded(driver, html)


def go(driver, path):
    driver.get(urljoin(BASE + "/", path.lstrip("/")))
    wait_loaded(driver)


def open_menu(driver):
    """On a phone the header's menu waits behind its button (a <details>): open it like a user would."""
    menus = driver.find_elements(By.ID, "menu")
    if menus and not menus[0].get_attribute("open"):
        menus[0].find_element(By.TAG_NAME, "summary").click()


def tap(driver, element):
    """Clicks something on the page (not a link to another page), scrolled to the middle of the
    screen first so that the report form's sticky action bar does not cover it."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def reveal(driver, element):
    """Opens the collapsed parts (<details>) of a form line, as a user taps "Thêm chi tiết"."""
    driver.execute_script("arguments[0].querySelectorAll('details').forEach(d => { d.open = true; })", element)


def no_overflow(driver, what):
    overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    check(overflow <= 0, f"{what} is {overflow} px wider than the {PHONE[0]} px screen (it scrolls sideways)")


def header_height(driver):
    return driver.execute_script("return Math.round(document.querySelector('header.top').getBoundingClientRect().height)")


def nav_link(driver, href_prefix):
    open_menu(driver)
    links = [a for a in driver.find_elements(By.CSS_SELECTOR, "nav.main-nav a") if
             (urlparse(a.get_attribute("href")).path or "").startswith(href_prefix)]
    check(links, f"the main menu has no link to {href_prefix} (menu: "
                 f"{[a.get_attribute('href') for a in driver.find_elements(By.CSS_SELECTOR, 'nav.main-nav a')]})")
    return links[0]


def type_into(element, text):
    element.clear()
    element.send_keys(text)


def shot(driver, name, max_height=12000):
    """A screenshot of the whole page at the current width: the viewport is stretched to the page's
    height for the picture (so the report form's sticky action bar lands at the bottom). The
    README's pictures are cut at `max_height` so they show the top of a long page."""
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        width, height = driver.execute_script("window.scrollTo(0, 0); return [window.innerWidth, document.documentElement.scrollHeight]")
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": min(height, max_height), "deviceScaleFactor": 1, "mobile": False})
        try:
            full_width, full_height = driver.execute_script(
                "const e = document.documentElement; return [Math.max(e.scrollWidth, window.innerWidth), e.scrollHeight]")
            clip = {"x": 0, "y": 0, "width": full_width, "height": min(full_height, max_height), "scale": 1}
            data = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip})
        finally:
            driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        (OUT / name).write_bytes(base64.b64decode(data["data"]))
    except Exception:  # noqa: BLE001 - the visible part is better than nothing
        driver.save_screenshot(str(OUT / name))
    print(f"   screenshot {OUT / name}")


def login(driver, username):
    go(driver, "/login")
    type_into(driver.find_element(By.ID, "username"), username)
    type_into(driver.find_element(By.ID, "password"), PASSWORD)
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    errors = driver.find_elements(By.ID, "login-error")
    check(not errors, f"{username} could not sign in: {errors[0].text if errors else ''}")
    check(path_of(driver) != "/login", f"{username} is still on the sign-in page after submitting it")
    users = driver.find_elements(By.CSS_SELECTOR, "header .where .user")
    check(users, f"after signing in as {username} the header does not show who is signed in")
    # The name is in the menu, which is closed on a phone: read its text, visible or not.
    return users[0].get_attribute("textContent").split("·")[0].strip()


def logout(driver):
    buttons = driver.find_elements(By.CSS_SELECTOR, "form[action='/logout'] button")
    if buttons:
        open_menu(driver)
        click_and_wait(driver, buttons[0])
    driver.delete_all_cookies()


def session_for(driver):
    """A requests session carrying the browser's cookies (the session cookie is HttpOnly)."""
    session = requests.Session()
    for cookie in driver.get_cookies():
        session.cookies.set(cookie["name"], cookie["value"], path=cookie.get("path", "/"))
    session.headers["Accept-Encoding"] = "identity"
    return session


# ---------------------------------------------------------------------------------------------
# The steps

class Flow:
    def __init__(self, driver):
        self.d = driver
        self.reporter_name = None
        self.group_url = None
        self.schedule_url = None
        self.extra_axe = []  # (page name, violations) found during the flow

    # 1
    def step_login(self):
        d = self.d
        go(d, "/login")
        check("/login" in d.current_url, f"GET /login ended on {d.current_url}")
        check(d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi", "the sign-in page is not in Vietnamese (lang≠vi)")
        self.reporter_name = login(d, REPORTER)
        check(self.reporter_name, "no name in the header")
        # A phone's first screen: the header and menu take at most 20 % of 800 px; the menu opens from its button.
        height = header_height(d)
        check(height <= 160, f"the header takes {height} px of the {PHONE[1]} px screen (at most 160)")
        self.header_heights = [("home", height)]
        check("Báo cáo tuần" not in d.find_element(By.CSS_SELECTOR, "nav.main-nav").text,
              "the menu is open on a phone before its button is tapped")
        my_report = d.find_elements(By.ID, "my-report")
        check(my_report and "Chưa nộp báo cáo tuần" in my_report[0].text, "the home page does not say the report is still to do")
        shot(d, "01a-home-phone.png", max_height=PHONE[1])
        open_menu(d)
        check("Báo cáo tuần" in d.find_element(By.CSS_SELECTOR, "nav.main-nav").text, "the menu has no 'Báo cáo tuần' entry")
        print(f"   header {height} px of {PHONE[1]}; menu behind its button")
        d.find_element(By.CSS_SELECTOR, "#menu summary").click()  # closed again for the picture
        print(f"   signed in as {REPORTER} ({self.reporter_name})")
        shot(d, "01-login-home.png")

    # 2 and 3: filled, refused (3), fixed and submitted (2)
    def step_fill_report(self):
        d = self.d
        width = d.execute_script("return window.innerWidth")
        check(width == PHONE[0], f"the page is {width} px wide, not {PHONE[0]} px")
        click_and_wait(d, nav_link(d, "/reports/"))
        check(d.find_elements(By.ID, "report-form"), f"no report form at {d.current_url}")
        status = d.find_element(By.CSS_SELECTOR, ".status-line strong").text
        check(status != "Đã nộp", f"this week's report of {REPORTER} is already submitted: run on a fresh demo database")
        self.report_url = d.current_url.split("?")[0]
        no_overflow(d, "the report form")
        height = header_height(d)
        check(height <= 160, f"on the report form the header takes {height} px (at most 160)")
        form_height = d.execute_script("return Math.round(document.getElementById('report-form').getBoundingClientRect().height)")
        page_height = d.execute_script("return document.documentElement.scrollHeight")
        own = len(d.find_elements(By.CSS_SELECTOR, "#targets > .target-row"))
        others = len(d.find_elements(By.CSS_SELECTOR, "#other-targets .target-row"))
        print(f"   report form: {form_height} px tall (page {page_height} px = {page_height / PHONE[1]:.1f} screens of {PHONE[1]});"
              f" {own} own targets shown, {others} behind 'Chỉ tiêu khác của nhóm'; header {height} px")
        shot(d, "02-report-empty.png")

        # 1. Targets: a figure for the first target counted in units (not a percentage, not yes/no).
        self.target_value = None
        for row in d.find_elements(By.CSS_SELECTOR, ".target-row"):
            inputs = row.find_elements(By.CSS_SELECTOR, "input[id$='-value']")
            unit = row.find_element(By.CSS_SELECTOR, ".target-name small").text
            if inputs and "%" not in unit:
                if not inputs[0].is_displayed():
                    # The reporter's own targets are not counted in units: open "Chỉ tiêu khác của
                    # nhóm", as a user taps it, and fill the first one there.
                    d.execute_script("arguments[0].closest('details').open = true", row)
                type_into(inputs[0], "2")
                self.target_value = (inputs[0].get_attribute("id"), "2")
                break
        check(self.target_value, "the report form offers no numeric target to fill in")

        # 2. Other work: lines offered from last week's plan get a quantity and a unit; one new line
        # is typed without a quantity (it must be refused and keep its text).
        lines = d.find_elements(By.CSS_SELECTOR, "[data-lines=work] [data-line]")
        check(lines, "the report form has no line for other work")
        empty = None
        for line in lines:
            description = line.find_element(By.CSS_SELECTOR, "input[name$='[description]']")
            if description.get_attribute("value").strip():
                quantity = line.find_element(By.CSS_SELECTOR, "input[name$='[quantity]']")
                unit = line.find_element(By.CSS_SELECTOR, "input[name$='[unit]']")
                if not quantity.get_attribute("value").strip():
                    type_into(quantity, "1")
                if not unit.get_attribute("value").strip():
                    type_into(unit, "buổi")
            elif empty is None:
                empty = line
        if empty is None:
            tap(d, d.find_element(By.CSS_SELECTOR, "[data-add-line=work]"))
            empty = d.find_elements(By.CSS_SELECTOR, "[data-lines=work] [data-line]")[-1]
        self.refused_id = empty.find_element(By.CSS_SELECTOR, "input[name$='[description]']").get_attribute("id")
        type_into(empty.find_element(By.CSS_SELECTOR, "input[name$='[description]']"), REFUSED_TEXT)
        reveal(d, empty)
        Select(empty.find_element(By.CSS_SELECTOR, "select[name$='[activityType]']")).select_by_index(1)
        type_into(empty.find_element(By.CSS_SELECTOR, "input[name$='[place]']"), "Thôn Kim Cương")

        # 3. Next week's plan: Monday 08:00–09:30 in a meeting room.
        plan = d.find_elements(By.CSS_SELECTOR, "[data-lines=plans] [data-line]")[0]
        days = Select(plan.find_element(By.CSS_SELECTOR, "select[name$='[date]']"))
        monday = [o for o in days.options if o.text.startswith("Thứ Hai")]
        check(monday, f"no Monday among the plan's days: {[o.text for o in days.options]}")
        days.select_by_value(monday[0].get_attribute("value"))
        self.plan_date = monday[0].get_attribute("value")
        # Times as a number pad types them: read as 08:00 and 09:30.
        type_into(plan.find_element(By.CSS_SELECTOR, "input[name$='[start]']"), "8")
        type_into(plan.find_element(By.CSS_SELECTOR, "input[name$='[end]']"), "9.30")
        type_into(plan.find_element(By.CSS_SELECTOR, "input[name$='[title]']"), PLAN_TITLE)
        reveal(d, plan)
        rooms = Select(plan.find_element(By.CSS_SELECTOR, "select[name$='[roomId]']"))
        check(len(rooms.options) > 1, "no meeting room to choose in the plan")
        rooms.select_by_index(1)
        time.sleep(2)  # let the autosave run once (it must not get in the way)
        shot(d, "02a-report-filled.png")

        # Submit: refused because of the line without a quantity.
        click_and_wait(d, d.find_element(By.CSS_SELECTOR, ".sticky-actions button[value=submit]"))
        self.step3_checks()

        # Fix the line the forgiving way, "3 buổi" in the quantity, and add a line written as a sentence
        # whose quantity and unit the form proposes; submit again: accepted.
        quantity_id = self.refused_id.replace("-description", "-quantity")
        unit_id = self.refused_id.replace("-description", "-unit")
        type_into(d.find_element(By.ID, unit_id), "")
        type_into(d.find_element(By.ID, quantity_id), "3 buổi")
        tap(d, d.find_element(By.ID, self.refused_id))  # leaving the field: the form splits it
        WebDriverWait(d, 10).until(lambda _: d.find_element(By.ID, unit_id).get_attribute("value") == "buổi")
        check(d.find_element(By.ID, quantity_id).get_attribute("value") == "3", "'3 buổi' was not split into 3 and buổi")
        tap(d, d.find_element(By.CSS_SELECTOR, "[data-add-line=work]"))
        sentence_line = d.find_elements(By.CSS_SELECTOR, "[data-lines=work] [data-line]")[-1]
        sentence = sentence_line.find_element(By.CSS_SELECTOR, "input[name$='[description]']")
        type_into(sentence, SENTENCE)
        tap(d, sentence_line.find_element(By.CSS_SELECTOR, "input[name$='[unit]']"))
        WebDriverWait(d, 10).until(lambda _: sentence_line.find_element(By.CSS_SELECTOR, "[data-proposal]").is_displayed())
        proposal = sentence_line.find_element(By.CSS_SELECTOR, "[data-proposal]")
        check("12" in proposal.text and "hộ" in proposal.text, f"the proposal for {SENTENCE!r} reads {proposal.text!r}")
        check(not sentence_line.find_element(By.CSS_SELECTOR, "input[name$='[quantity]']").get_attribute("value"),
              "the proposal was applied before the reporter accepted it")
        shot(d, "02c-quantity-proposal.png", max_height=3000)
        tap(d, proposal.find_element(By.TAG_NAME, "button"))
        check(sentence_line.find_element(By.CSS_SELECTOR, "input[name$='[quantity]']").get_attribute("value") == "12",
              "accepting the proposal did not fill the quantity")
        check(sentence_line.find_element(By.CSS_SELECTOR, "input[name$='[unit]']").get_attribute("value") == "hộ",
              "accepting the proposal did not fill the unit")
        time.sleep(2)
        filled = d.execute_script("""return [document.documentElement.scrollHeight,
            Math.round(document.querySelector('#targets .target-row').getBoundingClientRect().height)]""")
        print(f"   form after the refusal, with its added lines and opened details: page {filled[0]} px"
              f" = {filled[0] / PHONE[1]:.1f} screens (a target row is {filled[1]} px)")
        status = d.find_element(By.ID, "autosave-status").text
        check(status.startswith("Đã tự lưu"), f"the autosave says {status!r}, not that it saved")
        click_and_wait(d, d.find_element(By.CSS_SELECTOR, ".sticky-actions button[value=submit]"))
        check(not d.find_elements(By.ID, "problems"),
              "the corrected report was refused: " + (d.find_element(By.ID, "problems").text if d.find_elements(By.ID, "problems") else ""))
        notice = d.find_elements(By.CSS_SELECTOR, "main .notice[role=status]")
        check(notice and "Đã nộp báo cáo" in notice[0].text, f"no 'Đã nộp báo cáo' notice after submitting (url {d.current_url})")
        status = d.find_element(By.CSS_SELECTOR, ".status-line").text
        check("Đã nộp" in status, f"the status line does not say submitted: {status!r}")
        check(d.find_element(By.ID, self.refused_id).get_attribute("value") == REFUSED_TEXT,
              "the submitted work line is not shown back on the form")
        plan_times = [(e.get_attribute("name"), e.get_attribute("value")) for e in d.find_elements(By.CSS_SELECTOR, "input[name$='[start]'], input[name$='[end]']")
                      if e.get_attribute("value")]
        check(("plans[0][start]", "08:00") in plan_times and ("plans[0][end]", "09:30") in plan_times,
              f"the plan's times '8' and '9.30' were not read as 08:00 and 09:30: {plan_times}")
        check(d.find_element(By.ID, quantity_id).get_attribute("value") == "3", "the saved quantity is not 3")
        print(f"   submitted: {status.splitlines()[0]}")
        shot(d, "02b-report-submitted.png")
        # The home page says it plainly.
        go(d, "/")
        my_report = d.find_element(By.ID, "my-report").text
        check("Đã nộp báo cáo tuần" in my_report and "✓" in my_report, f"the home page does not say the report is done: {my_report!r}")
        print(f"   home: {my_report.splitlines()[1] if len(my_report.splitlines()) > 1 else my_report}")
        shot(d, "02d-home-submitted.png", max_height=PHONE[1])

    def step3_checks(self):
        d = self.d
        problems = d.find_elements(By.ID, "problems")
        check(problems, "a work line without a quantity was accepted (no list of problems at the top of the form)")
        text = problems[0].text
        check("Thiếu số lượng" in text, f"the refusal does not say the quantity is missing, in Vietnamese: {text!r}")
        field = d.find_element(By.ID, self.refused_id)
        check(field.get_attribute("value") == REFUSED_TEXT,
              f"the refused line lost its text: {field.get_attribute('value')!r} instead of {REFUSED_TEXT!r}")
        quantity = d.find_element(By.ID, self.refused_id.replace("-description", "-quantity"))
        check(quantity.get_attribute("aria-invalid") == "true", "the empty quantity is not marked aria-invalid")
        check(d.find_element(By.ID, self.target_value[0]).get_attribute("value") == self.target_value[1],
              "the target figure typed before the refused submit was lost")
        check(PLAN_TITLE in [e.get_attribute("value") for e in d.find_elements(By.CSS_SELECTOR, "input[name$='[title]']")],
              "the plan typed before the refused submit was lost")
        check("Đã nộp" != d.find_element(By.CSS_SELECTOR, ".status-line strong").text, "a refused report counts as submitted")
        print(f"   refused as expected: {text.splitlines()[-1][:110]}")
        self.extra_axe.append(("report form with a refused line", run_axe(d)))
        shot(d, "03-refused-line-kept.png")

    # 4
    def step_return(self):
        d = self.d
        logout(d)
        login(d, FOCAL_POINT)
        click_and_wait(d, nav_link(d, "/groups"))
        rows = d.find_elements(By.CSS_SELECTOR, "main table tbody tr")
        candidates = [r.find_element(By.TAG_NAME, "a").get_attribute("href") for r in rows
                      if "Đầu mối" in r.text and r.find_elements(By.TAG_NAME, "a")]
        check(candidates, f"{FOCAL_POINT} is focal point of no group on /groups")
        found = None
        for url in candidates:
            d.get(url)
            wait_loaded(d)
            for row in d.find_elements(By.CSS_SELECTOR, "main table tbody tr"):
                if row.text.startswith(self.reporter_name) and row.find_elements(By.CSS_SELECTOR, "form[action$='/return']"):
                    found = row
                    break
            if found:
                break
        check(found, f"{self.reporter_name}'s submitted report cannot be returned in any group of {FOCAL_POINT}")
        self.group_url = d.current_url.split("?")[0]
        no_overflow(d, "the group week")
        # On a phone each row is a card whose cells say what they are ("Nộp lần đầu: …").
        labels = d.execute_script("""return [...arguments[0].querySelectorAll('td')].map(td =>
            getComputedStyle(td, '::before').content + ' ' + td.innerText).join(' | ')""", found)
        check("Nộp lần đầu" in labels, f"'Nộp lần đầu' is not visible on the member's row: {labels!r}")
        check(found.find_element(By.CSS_SELECTOR, "form[action$='/return'] button").is_displayed(), "the 'Trả lại' control is off-screen")
        check(REFUSED_TEXT in main_text(d), "the compiled group page does not list the reporter's work line")
        check(PLAN_TITLE in main_text(d), "the compiled group page does not list the reporter's plan")
        status_cell = found.find_elements(By.TAG_NAME, "td")[1].text
        check(status_cell.strip(), "the reporter's status cell is empty")
        print(f"   group {d.find_element(By.TAG_NAME, 'h1').text}: {self.reporter_name} → {status_cell.splitlines()[0]}")
        shot(d, "04a-group-week-compiled.png")
        comment = found.find_element(By.CSS_SELECTOR, "input[name=comment]")
        type_into(comment, RETURN_COMMENT)
        click_and_wait(d, found.find_element(By.CSS_SELECTOR, "form[action$='/return'] button[type=submit]"))
        row = [r for r in d.find_elements(By.CSS_SELECTOR, "main table tbody tr") if r.text.startswith(self.reporter_name)]
        check(row and "Đã trả lại" in row[0].text and RETURN_COMMENT in row[0].text,
              f"after returning, the member's row does not show 'Đã trả lại: {RETURN_COMMENT}'")
        shot(d, "04b-report-returned.png")

    # 5
    def step_resubmit(self):
        d = self.d
        logout(d)
        login(d, REPORTER)
        bell = d.find_element(By.CSS_SELECTOR, "header a.bell")
        check(bell.find_elements(By.CSS_SELECTOR, ".count"), "no unread notification count in the header after the report was returned")
        click_and_wait(d, bell)
        check(RETURN_COMMENT in main_text(d) or "trả lại" in main_text(d).lower(),
              "the notifications do not mention the returned report")
        if RETURN_COMMENT not in main_text(d):
            print("   note: the notification does not quote the focal point's comment")
        shot(d, "05a-notification-returned.png")
        d.get(self.report_url)
        wait_loaded(d)
        returned = d.find_elements(By.ID, "returned")
        check(returned and RETURN_COMMENT in returned[0].text,
              "the report form does not show the focal point's comment at the top")
        button = d.find_element(By.CSS_SELECTOR, ".sticky-actions button[value=submit]")
        check(button.text.strip() == "Nộp lại báo cáo", f"the submit button of a returned report says {button.text!r}")
        shot(d, "05a2-report-form-returned.png", max_height=1500)
        go(d, "/")
        my_report = d.find_element(By.ID, "my-report").text
        check("trả lại" in my_report, f"the home page does not say the report was returned: {my_report!r}")
        d.get(self.report_url)
        wait_loaded(d)
        button = d.find_element(By.CSS_SELECTOR, ".sticky-actions button[value=submit]")
        type_into(d.find_element(By.ID, self.refused_id.replace("-description", "-place")), "Thôn Kim Cương, nhà văn hóa thôn")
        click_and_wait(d, button)
        check(not d.find_elements(By.ID, "problems"), "the resubmission was refused")
        notice = d.find_elements(By.CSS_SELECTOR, "main .notice[role=status]")
        check(notice and "Đã nộp báo cáo" in notice[0].text, "no 'Đã nộp báo cáo' notice after submitting again")
        shot(d, "05b-report-resubmitted.png")

        # The focal point opens the member's report from the notification, then submits the group's
        # compiled report.
        logout(d)
        login(d, FOCAL_POINT)
        click_and_wait(d, d.find_element(By.CSS_SELECTOR, "header a.bell"))
        links = [a for a in d.find_elements(By.CSS_SELECTOR, "main a") if "nộp lại báo cáo" in a.text]
        check(links, "the focal point has no notification that the report was submitted again")
        click_and_wait(d, links[0])
        check("/members/" in path_of(d), f"the notification opens {path_of(d)}, not the member's report")
        check(self.reporter_name in d.find_element(By.TAG_NAME, "h1").text, "the member's page does not name the member")
        check("nhà văn hóa thôn" in main_text(d) and PLAN_TITLE in main_text(d), "the member's page does not show the whole report")
        check("Trả lại" in d.find_element(By.ID, "member-history").text, "the member's history does not show the return")
        no_overflow(d, "the member's report page")
        shot(d, "05b2-member-report-from-notification.png")
        d.get(self.group_url)
        wait_loaded(d)
        no_overflow(d, "the group week")
        row = [r for r in d.find_elements(By.CSS_SELECTOR, "main table tbody tr") if r.text.startswith(self.reporter_name)]
        check(row and "Đã trả lại" not in row[0].text, "the member's row still shows the report as returned after the resubmission")
        check("nhà văn hóa thôn" in main_text(d), "the corrected line is not in the compiled group page")
        summary = d.find_elements(By.ID, "summary")
        check(summary, "the focal point has no summary form on the group week page")
        type_into(summary[0], f"Các thành viên đã nộp báo cáo; tổng hợp kiểm thử e2e {STAMP}.")
        click_and_wait(d, d.find_element(By.CSS_SELECTOR, "form[action$='/submit'] button[type=submit]"))
        # Before Thursday 20:00 members may still submit in time: compiling asks first and names them.
        confirm = d.find_elements(By.ID, "confirm-missing")
        if confirm:
            check(confirm[0].find_elements(By.CSS_SELECTOR, "li"), "the confirmation does not name who is still reporting")
            check(f"tổng hợp kiểm thử e2e {STAMP}" in d.find_element(By.ID, "summary").get_attribute("value"),
                  "the typed summary was lost when compiling asked for confirmation")
            print(f"   compiling early asked to confirm: {len(confirm[0].find_elements(By.CSS_SELECTOR, 'li'))} still reporting")
            click_and_wait(d, d.find_element(By.CSS_SELECTOR, "form[action$='/submit'] button[type=submit]"))
        alerts = d.find_elements(By.CSS_SELECTOR, "main .alert")
        check(not alerts, f"submitting the compiled report failed: {alerts[0].text if alerts else ''}")
        badge = d.find_element(By.CSS_SELECTOR, ".status-line .badge").text
        check(badge and "Đang thu thập" not in badge, f"the group's state did not change after submitting the compilation: {badge!r}")
        print(f"   compiled report submitted: {badge}")
        drafts = [k for k in d.execute_script("return Object.keys(localStorage)") if k.startswith("giaoban-draft:")]
        check(not drafts, f"the summary's copy on this device was kept after the server confirmed it: {drafts}")
        shot(d, "05c-group-compiled-submitted.png")
        go(d, "/groups")
        no_overflow(d, "the groups list")

        # The member's report is now locked: read-only, with the reason and whom to contact, no autosave.
        logout(d)
        login(d, REPORTER)
        d.get(self.report_url)
        wait_loaded(d)
        locked = d.find_elements(By.ID, "report-locked")
        check(locked and "liên hệ" in locked[0].text, "the compiled week's report does not say it is locked and whom to contact")
        editable = [e.get_attribute("name") for e in d.find_elements(By.CSS_SELECTOR, "#report-form input:not([type=hidden]), #report-form select, #report-form textarea")
                    if e.is_enabled()]
        check(not editable, f"the locked report still has editable fields: {editable[:5]}")
        check(not d.find_elements(By.CSS_SELECTOR, ".sticky-actions"), "the locked report still offers Save/Submit")
        check(not d.find_elements(By.ID, "autosave-status"), "the locked report still shows an autosave status")
        print(f"   locked: {locked[0].text.splitlines()[-1][:120]}")
        shot(d, "05d-report-locked.png", max_height=PHONE[1] * 2)

    # 6
    def step_schedule(self):
        d = self.d
        logout(d)
        login(d, OFFICE)
        click_and_wait(d, nav_link(d, "/schedule/"))
        click_and_wait(d, d.find_element(By.CSS_SELECTOR, "nav.pager a[rel=next]"))
        self.schedule_url = d.current_url.split("?")[0].split("#")[0]
        check(d.find_elements(By.ID, "s-title"), f"{OFFICE} cannot add items to the schedule at {self.schedule_url}")
        if PLAN_TITLE in main_text(d):
            print("   the reporter's plan is on next week's schedule")
        else:
            print("   note: the reporter's plan for next week is not on next week's schedule")
        room = self.add_item(MEETING_A, "14:00", "16:00", room_index=None)
        buttons = d.find_elements(By.CSS_SELECTOR, "form[action$='/publish'] button")
        check(buttons, "no 'Công bố lịch' button for the office")
        if d.find_elements(By.ID, "confirmConflicts"):
            self.publish_over_conflicts()
        else:
            click_and_wait(d, buttons[0])
        status = d.find_element(By.CSS_SELECTOR, "main .status-line").text
        check("Đã công bố lúc" in status, f"the schedule does not say it is published: {status!r}")
        print(f"   published: {status.split('·')[-1].strip()}")
        shot(d, "06a-schedule-published.png")
        self.add_item(MEETING_B, "15:00", "17:00", room_index=room)
        alert = d.find_elements(By.CSS_SELECTOR, "main .alert[role=alert]")
        check(alert, "no list of conflicts after a second meeting took the same room at an overlapping time")
        room_lines = [li.text for li in alert[0].find_elements(By.TAG_NAME, "li") if self.room_name in li.text]
        check(room_lines, f"the conflicts do not name the room {self.room_name!r}: {alert[0].text!r}")
        print(f"   conflict: {room_lines[0]}")
        flagged = [r for r in d.find_elements(By.CSS_SELECTOR, "tr.conflict") if MEETING_A in r.text or MEETING_B in r.text]
        check(len(flagged) == 2, f"both meetings should be marked as conflicting, {len(flagged)} are")
        shot(d, "06b-schedule-room-conflict.png")
        shot(d, "06c-schedule-room-conflict-top.png", max_height=1800)
        # Publishing the changes now asks to confirm the open conflict first.
        published_at = d.find_element(By.CSS_SELECTOR, "main .status-line").text
        self.publish_over_conflicts(published_before=published_at)

    def publish_over_conflicts(self, published_before=None):
        """Over open conflicts the publish form lists them and refuses until the box is ticked."""
        d = self.d
        listed = d.find_elements(By.CSS_SELECTOR, "#publish-form #open-conflicts li")
        check(listed, "the publish form over open conflicts lists no conflict")
        check(d.find_elements(By.ID, "confirmConflicts"), "publishing over open conflicts asks for no confirmation")
        click_and_wait(d, d.find_element(By.CSS_SELECTOR, "#publish-form button[type=submit]"))
        check(d.find_elements(By.ID, "confirmConflicts-error"), "publishing over conflicts without confirming was not refused")
        status = d.find_element(By.CSS_SELECTOR, "main .status-line").text
        check(published_before is None and "Đã công bố lúc" not in status or status == published_before,
              f"the schedule was (re)published over conflicts without confirmation: {status!r}")
        shot(d, "06e-schedule-publish-confirm.png", max_height=1800)
        d.find_element(By.ID, "confirmConflicts").click()
        click_and_wait(d, d.find_element(By.CSS_SELECTOR, "#publish-form button[type=submit]"))
        check("schedule_published" in d.current_url, f"publishing with the confirmation did not succeed ({d.current_url})")
        print(f"   publishing over {len(listed)} open conflict(s): refused without the tick, published with it")

    # 6b
    def step_schedule_print(self):
        """The browser's print of the schedule: one A4 landscape page, no app chrome, the table on it."""
        d = self.d
        go(d, self.schedule_url or "/schedule/current")
        first_day = d.find_element(By.CSS_SELECTOR, ".table-wrap.schedule tbody th[scope=row]").text.strip()
        # The header's texts that the page's own content does not also contain ("Giao ban" is a
        # menu item and a meeting's title): any of them on paper is app chrome.
        content = d.find_element(By.TAG_NAME, "main").text
        chrome_texts = [e.get_attribute("textContent").strip()
                        for e in d.find_elements(By.CSS_SELECTOR, "header.top a, header.top button, header.top .user, header.top .next-due")]
        chrome_texts = [t for t in chrome_texts if t and t not in content]
        pdf = base64.b64decode(d.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": False})["data"])
        path = OUT / "06d-schedule-print.pdf"
        path.write_bytes(pdf)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        check(pages == 1, f"the printed schedule has {pages} pages, not 1")
        size = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", pdf)
        check(size and float(size.group(1)) > float(size.group(2)), f"the printed page is not landscape: {size.group(0) if size else None!r}")
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
        (OUT / "06d-schedule-print.txt").write_text(text)
        leaked = [t for t in chrome_texts if t in text]
        check(not leaked, f"the printed schedule shows the app's header or menu: {leaked}")
        day = first_day.split()[0]
        check(day in text and "Lịch công tác tuần" in text, f"the printed page lacks the title or the table's first row ({first_day!r})")
        print(f"   print: 1 landscape page, {len(text.split())} words, no header/menu/bell/countdown")

    def add_item(self, title, start, end, room_index):
        d = self.d
        dates = Select(d.find_element(By.ID, "s-date"))
        # Tuesday of the week: a working day, away from Friday's briefings.
        tuesday = [o for o in dates.options if o.text.startswith("Thứ Ba")]
        check(tuesday, f"no Tuesday among the schedule's days: {[o.text for o in dates.options]}")
        dates.select_by_value(tuesday[0].get_attribute("value"))
        type_into(d.find_element(By.ID, "s-start"), start)
        type_into(d.find_element(By.ID, "s-end"), end)
        type_into(d.find_element(By.ID, "s-title"), title)
        rooms = Select(d.find_element(By.ID, "s-room"))
        check(len(rooms.options) > 1, "no room to choose on the schedule form")
        if room_index is None:  # the last room: the least likely to be booked already on that afternoon
            room_index = len(rooms.options) - 1
        rooms.select_by_index(room_index)
        self.room_name = rooms.options[room_index].text.split("(")[0].strip()
        form = d.find_element(By.ID, "s-title").find_element(By.XPATH, "ancestor::form")
        click_and_wait(d, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        alerts = [a.text for a in d.find_elements(By.CSS_SELECTOR, "#item-form .alert, #item-form .error")]
        check(not alerts, f"adding {title!r} to the schedule was refused: {alerts}")
        check(title in main_text(d), f"{title!r} is not on the schedule after adding it")
        return room_index

    # 7
    def step_briefing(self):
        d = self.d
        logout(d)
        login(d, LEADER)
        click_and_wait(d, nav_link(d, "/briefing/"))
        check(d.find_elements(By.CSS_SELECTOR, ".briefing-grid .card"), "the briefing page shows no group")
        link = d.find_elements(By.CSS_SELECTOR, "main a[href$='pack.docx']")
        check(link, "no link to the briefing pack (.docx)")
        url = link[0].get_attribute("href")
        shot(d, "07-briefing.png")
        d.set_window_size(*BRIEFING_SCREEN)  # the leaders read it on the meeting room's screen too
        # The window's size is a request the headless browser may apply late: the viewport itself
        # is set to the screen's size for the check (shot() clears the override).
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": BRIEFING_SCREEN[0], "height": BRIEFING_SCREEN[1],
                                                                  "deviceScaleFactor": 1, "mobile": False})
        wait_loaded(d)
        # The commune headline opens the page and is whole in the first screen, names included.
        headline = d.find_elements(By.ID, "headline")
        check(headline, "the briefing has no commune headline")
        d.execute_script("window.scrollTo(0, 0)")
        bottom = d.execute_script("return arguments[0].getBoundingClientRect().bottom", headline[0])
        screen = d.execute_script("return window.innerHeight")
        check(bottom <= screen, f"the commune headline ends at {bottom:.0f} px, below the first screen ({screen} px)")
        meetings = d.find_elements(By.XPATH, "//main//h2[normalize-space()='Các cuộc giao ban']")
        check(meetings and meetings[0].location["y"] > headline[0].location["y"], "the headline is not before the meeting times")
        figures = {e.get_attribute("data-figure"): e.text for e in headline[0].find_elements(By.CSS_SELECTOR, "dd[data-figure]")}
        check(set(figures) == {"groups", "on-time", "behind"}, f"the headline's figures: {figures}")
        check(d.find_elements(By.ID, "headline-late") and d.find_elements(By.ID, "headline-missing"), "the headline names no late or missing")
        print(f"   headline: groups {figures['groups']}, on time {figures['on-time']}, behind plan {figures['behind']}; ends at {bottom:.0f}/{screen} px")
        shot(d, "07b-briefing-desktop.png", max_height=BRIEFING_SCREEN[1])
        d.set_window_size(*PHONE)
        response = session_for(d).get(url, timeout=60)
        check(response.status_code == 200, f"GET {url} answered {response.status_code}")
        body = response.content
        check(body[:2] == b"PK", f"the briefing pack is not a zip (starts with {body[:8]!r})")
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            names = archive.namelist()
            check("word/document.xml" in names, f"no word/document.xml in the .docx: {names}")
            xml = archive.read("word/document.xml").decode("utf-8", "replace")
        kind = response.headers.get("Content-Type", "")
        print(f"   {url.rsplit('/', 1)[-1]}: {len(body)} bytes, {kind}, {len(names)} parts")
        check("wordprocessingml" in kind or "octet-stream" in kind, f"unexpected Content-Type {kind!r}")
        check("Khối chính quyền" in xml or "giao ban" in xml.lower(), "the briefing pack does not mention the groups")
        (OUT / "07-briefing-pack.docx").write_bytes(body)


# ---------------------------------------------------------------------------------------------
# 10. A fresh install (issue 21): the first admin reaches a complete setup checklist with the UI
# and two files, the staff list and the year's target table, and the login slips open in
# LibreOffice. Runs against a second server started with `giaoban serve` on an empty database
# (SETUP_BASE, SETUP_ADMIN_PASSWORD; scripts/e2e.sh starts it).

SETUP_BASE = os.environ.get("SETUP_BASE", "").rstrip("/")
SETUP_ADMIN_PASSWORD = os.environ.get("SETUP_ADMIN_PASSWORD", "")
REPO = Path(__file__).resolve().parent.parent
STAFF_LIST = Path(os.environ.get("SETUP_STAFF_LIST", REPO / "Tests/GiaoBanOfficeTests/Fixtures/danh-sach-can-bo.xlsx"))
TARGET_TABLE = Path(os.environ.get("SETUP_TARGETS", REPO / "../shared/data/chi-tieu-2021.xlsx")).resolve()


def setup_go(driver, path):
    driver.get(SETUP_BASE + path)
    wait_loaded(driver)


def submit_form_of(driver, element):
    form = element.find_element(By.XPATH, "ancestor::form")
    click_and_wait(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def label_name(driver, label):
    """A checkbox label's own text, without the position printed after it."""
    return driver.execute_script(
        "return Array.from(arguments[0].childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim()", label)


def tick(driver, fieldset_id, names):
    """Ticks the checkboxes of a fieldset whose labels hold one of `names`."""
    boxes = driver.find_elements(By.CSS_SELECTOR, f"#{fieldset_id} label.check")
    ticked = 0
    for label in boxes:
        if label_name(driver, label) in names:
            box = label.find_element(By.TAG_NAME, "input")
            if not box.is_selected():
                driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
                driver.execute_script("arguments[0].click()", box)
            ticked += 1
    check(ticked == len(set(names)), f"#{fieldset_id}: found {ticked} of {sorted(set(names))}")


def form_errors(driver):
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, "main .error, main .alert[role=alert]") if e.text.strip()]


def checklist(driver):
    setup_go(driver, "/admin/setup")
    return {li.get_attribute("data-key"): "done" in (li.get_attribute("class") or "")
            for li in driver.find_elements(By.CSS_SELECTOR, "#setup-checklist li")}


class SetupFlow:
    GROUPS = [
        # name, focal points, members, issuer, approver
        ("Khối chính quyền", ["Phạm Thị Ngọc Lan"],
         ["Đinh Văn Lộc", "Phan Văn Khánh", "Hồ Văn Toàn", "Nguyễn Thị Kim Dung", "Trương Văn Bảo", "Lê Thị Thảo", "Phạm Văn Tiến",
          "Trần Văn Lâm", "Võ Thị Hạnh", "Đặng Văn Sơn"], "state", None),
        ("Khối Đảng, Mặt trận, đoàn thể", ["Phan Thị Nương"],
         ["Lê Văn Hùng", "Hoàng Thị Mai", "Đặng Văn Sơn", "Võ Thị Thu Trang"], "party", None),
        ("Nông thôn mới", ["Đinh Văn Lộc"], ["Phan Văn Khánh", "Hồ Văn Toàn", "Lê Thị Thảo", "Đặng Văn Sơn"], "state", None),
        ("Phòng chống Covid-19", ["Võ Thị Hạnh"], ["Dương Thị Nga", "Lê Thị Thảo", "Trần Văn Lâm"], "state", "Lê Thị Hằng"),
    ]

    def __init__(self, driver):
        self.d = driver
        self.passwords = {}
        self.year = None

    def run(self):
        d = self.d
        check(STAFF_LIST.exists(), f"no staff list at {STAFF_LIST}")
        check(TARGET_TABLE.exists(), f"no target table at {TARGET_TABLE} (CI keeps ../shared/data next to the clone)")
        d.delete_all_cookies()
        setup_go(d, "/login")
        type_into(d.find_element(By.ID, "username"), "admin")
        type_into(d.find_element(By.ID, "password"), SETUP_ADMIN_PASSWORD)
        click_and_wait(d, d.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        check(path_of(d) == "/", f"the admin did not land on the home page: {d.current_url}")
        check(d.find_elements(By.ID, "home-checklist"), "a fresh install's admin home page shows no setup checklist")
        shot(d, "10-01-fresh-home.png")
        first = checklist(d)
        check(first and not any(first.values()), f"a fresh install has lines already done: {first}")
        shot(d, "10-02-setup-checklist.png")

        # The commune's settings: name, letterheads, first day on GiaoBan.
        setup_go(d, "/admin/settings")
        type_into(d.find_element(By.ID, "name"), "Xã Sơn Kim 2")
        type_into(d.find_element(By.ID, "partyParentBody"), "Đảng bộ tỉnh Hà Tĩnh")
        type_into(d.find_element(By.ID, "stateParentBody"), "Ủy ban nhân dân tỉnh Hà Tĩnh")
        today = time.strftime("%d/%m/%Y", time.gmtime(time.time() + 7 * 3600))
        type_into(d.find_element(By.ID, "inUseSince"), today)
        shot(d, "10-03-settings-letterhead.png")
        submit_form_of(d, d.find_element(By.ID, "name"))
        check(not form_errors(d), f"the settings were refused: {form_errors(d)}")

        # This year's days off, as suggested.
        self.year = int(today[-4:])
        setup_go(d, f"/calendar/days-off?year={self.year}")
        form = d.find_element(By.CSS_SELECTOR, f"form[action='/calendar/days-off/{self.year}']")
        click_and_wait(d, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        check(not form_errors(d), f"confirming the days off was refused: {form_errors(d)}")

        # The staff list: preview, confirm, slips.
        setup_go(d, "/admin/people")
        click_and_wait(d, d.find_element(By.CSS_SELECTOR, "a[href='/admin/people/import']"))
        d.find_element(By.ID, "file").send_keys(str(STAFF_LIST.resolve()))
        shot(d, "10-04-people-import.png")
        submit_form_of(d, d.find_element(By.ID, "file"))
        check(d.find_elements(By.CSS_SELECTOR, "form[action='/admin/people/import/confirm']"),
              f"the staff list preview cannot be confirmed: {form_errors(d)}")
        text = main_text(d)
        for expected in ("nuong.pt", "hung.nv", "hung.nv2", "24 người"):
            check(expected in text, f"the preview does not show {expected!r}")
        shot(d, "10-05-people-preview.png")
        self.axe("the staff list preview")
        click_and_wait(d, d.find_element(By.CSS_SELECTOR, "form[action='/admin/people/import/confirm'] button[type=submit]"))
        link = d.find_elements(By.ID, "slips-link")
        check(link, f"no login slips link after saving the staff list: {main_text(d)[:300]!r}")
        shot(d, "10-06-slips-ready.png")
        url = link[0].get_attribute("href")
        response = requests.get(url, timeout=60)
        check(response.status_code == 200, f"GET {url} answered {response.status_code}")
        check(response.content[:2] == b"PK", "the slips are not a .docx")
        docx = OUT / "10-login-slips.docx"
        docx.write_bytes(response.content)
        again = requests.get(url, timeout=30)
        check(again.status_code in (404, 410), f"a second download of the slips answered {again.status_code}")
        self.passwords = self.open_in_libreoffice(docx)
        check(len(self.passwords) == 24, f"{len(self.passwords)} passwords on the slips, not 24")

        # The four report groups.
        for name, focal, members, issuer, approver in self.GROUPS:
            setup_go(d, "/admin/groups/new")
            type_into(d.find_element(By.ID, "name"), name)
            tick(d, "aggregatorIds", focal)
            tick(d, "memberIds", members)
            Select(d.find_element(By.ID, "issuingBody")).select_by_value(issuer)
            if approver:
                box = d.find_element(By.ID, "requiresApproval")
                if not box.is_selected():
                    d.execute_script("arguments[0].click()", box)
                Select(d.find_element(By.ID, "approverId")).select_by_visible_text(approver)
            if name == self.GROUPS[-1][0]:
                shot(d, "10-07-group-form.png")
            submit_form_of(d, d.find_element(By.ID, "name"))
            check(not form_errors(d), f"the group {name!r} was refused: {form_errors(d)}")

        # This year's targets from the sample table, into the government bloc.
        setup_go(d, f"/targets/import?year={self.year}")
        d.find_element(By.ID, "file").send_keys(str(TARGET_TABLE))
        type_into(d.find_element(By.ID, "year"), str(self.year))
        Select(d.find_element(By.ID, "groupId")).select_by_visible_text("Khối chính quyền")
        submit_form_of(d, d.find_element(By.ID, "file"))
        confirm = d.find_elements(By.CSS_SELECTOR, "form[action='/targets/import/confirm'] button[type=submit]")
        check(confirm, f"the target table cannot be imported: {form_errors(d)[:3]}")
        click_and_wait(d, confirm[0])

        # A room and a party cell with its committee member in charge.
        setup_go(d, "/admin/rooms/new")
        type_into(d.find_element(By.ID, "name"), "Hội trường UBND xã")
        type_into(d.find_element(By.ID, "capacity"), "120")
        submit_form_of(d, d.find_element(By.ID, "name"))
        check(not form_errors(d), f"the room was refused: {form_errors(d)}")
        setup_go(d, "/admin/cells/new")
        type_into(d.find_element(By.ID, "name"), "Chi bộ thôn Kim Cương")
        boxes = [l for l in d.find_elements(By.CSS_SELECTOR, "form label.check") if label_name(d, l) == "Nguyễn Thị Hoài"]
        check(boxes, "the cell form does not offer Nguyễn Thị Hoài as the member in charge")
        d.execute_script("arguments[0].click()", boxes[0].find_element(By.TAG_NAME, "input"))
        submit_form_of(d, d.find_element(By.ID, "name"))
        check(not form_errors(d), f"the cell was refused: {form_errors(d)}")

        # Reminders: in the app is enough for now.
        setup_go(d, "/admin/setup")
        click_and_wait(d, d.find_element(By.ID, "accept-in-app"))
        final = checklist(d)
        missing = [key for key, done in final.items() if not done]
        shot(d, "10-08-setup-complete.png")
        check(not missing, f"the checklist is not complete: still {missing}")
        check(d.find_elements(By.ID, "setup-complete"), "no 'setup complete' notice")
        self.axe("the setup checklist")
        setup_go(d, "/")
        check(not d.find_elements(By.ID, "home-checklist"), "the home page still shows the checklist once it is complete")

        # A new official signs in with the slip and must choose a password first.
        logout(d)
        setup_go(d, "/login")
        type_into(d.find_element(By.ID, "username"), "nuong.pt")
        type_into(d.find_element(By.ID, "password"), self.passwords["nuong.pt"])
        click_and_wait(d, d.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        check(path_of(d) == "/account/password", f"a one-time password did not lead to the password page: {d.current_url}")
        shot(d, "10-09-one-time-password.png")
        type_into(d.find_element(By.ID, "current"), self.passwords["nuong.pt"])
        type_into(d.find_element(By.ID, "new"), "nuong-sonkim2-2025")
        type_into(d.find_element(By.ID, "confirm"), "nuong-sonkim2-2025")
        submit_form_of(d, d.find_element(By.ID, "new"))
        check(path_of(d) == "/", f"after choosing a password the official is at {d.current_url}")
        shot(d, "10-10-first-home.png")

    def axe(self, name):
        serious = describe(run_axe(self.d), ("serious", "critical"))
        for line in serious:
            print("   axe " + line)
        check(not serious, f"axe-core finds serious problems on {name}: " + "; ".join(l for l in serious if not l.startswith("      ")))

    def open_in_libreoffice(self, docx):
        """Converts the slips to PDF with LibreOffice and reads them back with pdftotext."""
        import shutil
        import subprocess
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        check(soffice, "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer")
        check(shutil.which("pdftotext"), "pdftotext is not installed: apt-get install poppler-utils")
        profile = OUT / "lo-profile"
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile.resolve()}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(OUT), str(docx)], check=True, timeout=180, capture_output=True)
        pdf = docx.with_suffix(".pdf")
        check(pdf.exists(), "LibreOffice made no PDF of the slips")
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=60).stdout.decode()
        pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, timeout=60).stdout.decode()
        page_count = re.search(r"Pages:\s+(\d+)", pages)
        print(f"   slips: {pdf.name}, {page_count.group(1) if page_count else '?'} pages")
        check(page_count is None or page_count.group(1) == "3", f"24 slips should fill 3 A4 pages: {pages!r}")
        for expected in ("Phan Thị Nương", "nuong.pt", "hung.nv2", SETUP_BASE.split("//")[-1]):
            check(expected in text, f"the slips PDF does not show {expected!r}")
        passwords = dict(re.findall(r"Tên đăng nhập:\s+(\S+)[\s\S]*?Mật khẩu dùng một lần:\s+(\S+)", text))
        if len(passwords) != 24:  # two columns side by side: read them from the .docx instead
            with zipfile.ZipFile(docx) as archive:
                xml = archive.read("word/document.xml").decode()
            plain = re.sub(r"<[^>]+>", "\n", xml)
            passwords = dict(re.findall(r"Tên đăng nhập: \s*(\S+)\s*Mật khẩu dùng một lần: \s*(\S+)", plain))
        return passwords


# ---------------------------------------------------------------------------------------------
# axe-core and page weight

def find_axe():
    if os.environ.get("AXE_JS"):
        return Path(os.environ["AXE_JS"]), "AXE_JS"
    found = []
    for module in ("axe_playwright_python", "axe_selenium_python", "axe_core_python"):
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            spec = None
        if not spec or not spec.submodule_search_locations:
            continue
        for location in spec.submodule_search_locations:
            for path in Path(location).rglob("axe.min.js"):
                head = path.read_text("utf-8", "replace")[:400]
                match = re.search(r"axe v(\d+)\.(\d+)\.(\d+)", head)
                if not match:
                    match = re.search(r'\.version="(\d+)\.(\d+)\.(\d+)"', path.read_text("utf-8", "replace"))
                version = tuple(int(x) for x in match.groups()) if match else (0, 0, 0)
                found.append((version, path, module))
    if not found:
        return None, None
    version, path, module = max(found)
    return path, f"{module}, axe-core {'.'.join(map(str, version))}"


AXE_PATH, AXE_SOURCE = find_axe()
AXE_JS = AXE_PATH.read_text("utf-8") if AXE_PATH else None


def run_axe(driver):
    """Runs axe-core in the page; returns its violations."""
    if AXE_JS is None:
        raise StepFailed("axe-core not found: python3 -m pip install --no-deps axe-playwright-python (see the docstring)")
    driver.execute_script(AXE_JS)
    result = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ['violations']})
           .then(r => done(JSON.stringify(r.violations)))
           .catch(e => done(JSON.stringify({error: String(e)})));""")
    parsed = json.loads(result)
    if isinstance(parsed, dict):
        raise StepFailed(f"axe-core failed: {parsed['error']}")
    return parsed


def describe(violations, levels):
    lines = []
    for v in violations:
        if v.get("impact") in levels:
            targets = [", ".join(t if isinstance(t, str) else " ".join(t) for t in node["target"]) for node in v["nodes"]]
            lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v.get('helpUrl', '').split('?')[0]})")
            for target in targets[:8]:
                lines.append(f"      at {target}")
            if len(targets) > 8:
                lines.append(f"      … and {len(targets) - 8} more")
    return lines


def measure(driver):
    """HTML+CSS+JS bytes of the loaded page (uncompressed, fetched again with the browser's cookies)
    and every URL the page requested from another host."""
    entries = driver.execute_script("""
        const nav = performance.getEntriesByType('navigation').map(e => ({name: e.name, type: 'navigation', size: e.decodedBodySize}));
        const res = performance.getEntriesByType('resource').map(e => ({name: e.name, type: e.initiatorType, size: e.decodedBodySize}));
        const dom = [...document.querySelectorAll('link[rel~=stylesheet][href], script[src]')].map(e => e.href || e.src);
        return {entries: nav.concat(res), dom: dom, html: document.documentElement.outerHTML.length};""")
    host = urlparse(BASE).netloc
    foreign = sorted({e["name"] for e in entries["entries"] if urlparse(e["name"]).netloc not in ("", host)}
                     | {u for u in entries["dom"] if urlparse(u).netloc not in ("", host)})
    session = session_for(driver)
    page = session.get(driver.current_url, timeout=30)
    sizes = {"html": len(page.content), "css": 0, "js": 0, "other": 0}
    assets = {e["name"] for e in entries["entries"] if e["type"] != "navigation"} | set(entries["dom"])
    for url in sorted(assets):
        if urlparse(url).netloc not in ("", host):
            continue
        body = session.get(url, timeout=30).content
        kind = "css" if urlparse(url).path.endswith(".css") else "js" if urlparse(url).path.endswith(".js") else "other"
        sizes[kind] += len(body)
    return sizes, foreign


def page_checks(driver, flow):
    """Steps 8 and 9: returns (axe failures, weight failures)."""
    group_url = flow.group_url
    schedule_url = flow.schedule_url or "/schedule/current"
    pages = [("login", None, "/login"), ("home", REPORTER, "/"), ("report form", REPORTER, "/reports/current"),
             ("group week", FOCAL_POINT, group_url or "/groups"), ("ledger", OFFICE, "/ledger"),
             ("schedule", OFFICE, schedule_url), ("monthly reports", OFFICE, "/monthly"),
             ("monthly ledger", OFFICE, "/ledger/monthly"), ("briefing", LEADER, "/briefing/current"),
             ("dashboard", LEADER, "/dashboard"), ("audit trail", LEADER, "/audit"), ("search", LEADER, "/search?q=bhyt"),
             ("cell meetings", LEADER, "/cells")]
    axe_failures, weight_failures, rows = [], [], []
    signed_in = "?"
    for index, (name, user, path) in enumerate(pages):
        if user != signed_in:
            logout(driver)
            if user:
                login(driver, user)
            signed_in = user
        if name == "group week" and not group_url:  # the flow stopped before step 4: find the group
            go(driver, "/groups")
            links = [r.find_element(By.TAG_NAME, "a").get_attribute("href")
                     for r in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr") if "Đầu mối" in r.text]
            path = links[0] if links else "/groups"
        driver.execute_script("try { localStorage.clear() } catch (e) {}")
        go(driver, path)
        print(f"-- {name}: {driver.current_url}")
        try:
            sizes, foreign = measure(driver)
        except Exception as error:  # noqa: BLE001 - reported, not fatal for the other pages
            weight_failures.append(f"{name}: could not measure the page ({error})")
            sizes, foreign = None, []
        if sizes:
            total = sizes["html"] + sizes["css"] + sizes["js"]
            rows.append((name, sizes, total))
            print(f"   weight: HTML {sizes['html']:,} + CSS {sizes['css']:,} + JS {sizes['js']:,} = {total:,} bytes"
                  f" (other: {sizes['other']:,})")
            if total >= PAGE_BUDGET:
                weight_failures.append(f"{name}: {total:,} bytes of HTML+CSS+JS (budget {PAGE_BUDGET:,})")
        if foreign:
            weight_failures.append(f"{name}: requests to other hosts: {foreign}")
        overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            print(f"   note: the page is {overflow} px wider than the {PHONE[0]} px screen (it scrolls sideways)")
        violations = run_axe(driver)
        serious = describe(violations, ("serious", "critical"))
        minor = describe(violations, ("moderate", "minor"))
        for line in serious:
            print("   axe " + line)
        for line in minor:
            print("   axe (not failing) " + line)
        if serious:
            axe_failures.append(f"{name} ({path}): " + "; ".join(l for l in serious if not l.startswith("      ")))
        else:
            print("   axe: no serious or critical violation")
        shot(driver, f"08-{index + 1}-{name.replace(' ', '-')}.png")
    for name, violations in flow.extra_axe:
        serious = describe(violations, ("serious", "critical"))
        print(f"-- {name} (checked during step 3)")
        for line in serious:
            print("   axe " + line)
        if serious:
            axe_failures.append(f"{name}: " + "; ".join(l for l in serious if not l.startswith("      ")))
        else:
            print("   axe: no serious or critical violation")
    return axe_failures, weight_failures, rows


# ---------------------------------------------------------------------------------------------

def short(error):
    """The first line of an unexpected error (WebDriver's messages carry a long native stack)."""
    text = getattr(error, "msg", None) or str(error)
    return f"{type(error).__name__}: {text.strip().splitlines()[0] if text.strip() else ''}"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"GiaoBan end-to-end tests against {BASE}; screenshots in {OUT}")
    print(f"axe-core: {AXE_PATH} ({AXE_SOURCE})" if AXE_PATH else "axe-core: NOT FOUND")
    try:
        health = requests.get(BASE + "/healthz", timeout=10)
        if health.status_code != 200:
            sys.exit(f"FAILED: {BASE}/healthz answered {health.status_code}")
    except requests.RequestException as error:
        sys.exit(f"FAILED: {BASE} is not reachable: {error}")

    driver = browser()
    flow = Flow(driver)
    results = []
    steps = [("1. sign in", flow.step_login),
             ("2+3. fill the report at 360 px; a line without a quantity is refused and keeps its text; submit",
              flow.step_fill_report),
             ("4. the focal point compiles and returns the report with a comment", flow.step_return),
             ("5. the member resubmits; the focal point submits the compiled report", flow.step_resubmit),
             ("6. the office publishes the schedule; a second meeting in the same room is a conflict", flow.step_schedule),
             ("6b. the schedule prints on one A4 landscape page without the app's header (Chromium PDF, pdftotext)",
              flow.step_schedule_print),
             ("7. the leader opens the briefing and downloads the .docx", flow.step_briefing)]
    try:
        stopped = False
        for name, run in steps:
            if stopped:
                results.append((name, "SKIPPED", "an earlier step failed"))
                continue
            print(f"== {name}")
            started = time.time()
            try:
                run()
                results.append((name, "PASSED", f"{time.time() - started:.1f} s"))
            except Exception as error:  # noqa: BLE001 - every failure is reported the same way
                message = str(error) if isinstance(error, StepFailed) else short(error)
                if not isinstance(error, StepFailed):
                    traceback.print_tb(error.__traceback__, limit=-3)
                print(f"   FAILED: {message} (at {driver.current_url})")
                try:
                    shot(driver, f"failed-{len(results) + 1}.png")
                except Exception:  # noqa: BLE001
                    pass
                results.append((name, "FAILED", message))
                stopped = True

        print("== 8. accessibility (axe-core) and 9. page weight, on the main pages")
        try:
            axe_failures, weight_failures, _ = page_checks(driver, flow)
            results.append(("8. axe-core: no serious or critical violation", "FAILED" if axe_failures else "PASSED",
                            " | ".join(axe_failures)))
            results.append(("9. pages under 100 KB of HTML+CSS+JS, no other host", "FAILED" if weight_failures else "PASSED",
                            " | ".join(weight_failures)))
        except Exception as error:  # noqa: BLE001
            traceback.print_tb(error.__traceback__, limit=-3)
            results.append(("8+9. accessibility and page weight", "FAILED", short(error)))
        if SETUP_BASE:
            name = "10. a fresh install reaches a complete setup checklist (staff list, targets, slips in LibreOffice)"
            print(f"== {name}")
            started = time.time()
            try:
                SetupFlow(driver).run()
                results.append((name, "PASSED", f"{time.time() - started:.1f} s"))
            except Exception as error:  # noqa: BLE001
                message = str(error) if isinstance(error, StepFailed) else short(error)
                if not isinstance(error, StepFailed):
                    traceback.print_tb(error.__traceback__, limit=-3)
                print(f"   FAILED: {message} (at {driver.current_url})")
                try:
                    shot(driver, "failed-setup.png")
                except Exception:  # noqa: BLE001
                    pass
                results.append((name, "FAILED", message))
    finally:
        driver.quit()

    print("\n== results")
    for name, outcome, detail in results:
        print(f"{outcome:7} {name}" + (f" — {detail}" if detail and outcome != "PASSED" else ""))
    passed = sum(1 for r in results if r[1] == "PASSED")
    failed = sum(1 for r in results if r[1] == "FAILED")
    skipped = sum(1 for r in results if r[1] == "SKIPPED")
    print(f"\n{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed or skipped else 0


if __name__ == "__main__":
    sys.exit(main())
