#!/usr/bin/env python3
"""Signs in to a running GiaoBan (demo data) with headless Chromium and saves screenshots of the
main pages, on a 360 px phone and a desktop. Usage: scripts/screenshots.py [BASE_URL] [OUT_DIR]"""
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
OUT = sys.argv[2] if len(sys.argv) > 2 else "ci-artifacts/screenshots"
PASSWORD = "giaoban2021"


def browser(width, height):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}",
                 "--force-device-scale-factor=1", "--lang=vi"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def login(driver, username):
    driver.get(BASE + "/login")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()


def shoot(driver, path, name, full_height=True):
    driver.get(BASE + path)
    if full_height:
        height = driver.execute_script("return document.documentElement.scrollHeight")
        width = driver.execute_script("return window.innerWidth")
        driver.set_window_size(width, min(max(height + 120, 600), 4000))
    driver.save_screenshot(os.path.join(OUT, name))
    print("saved", name)


def main():
    os.makedirs(OUT, exist_ok=True)
    phone = browser(360, 740)
    try:
        phone.get(BASE + "/login")
        phone.save_screenshot(os.path.join(OUT, "login-phone.png"))
        login(phone, "nhung.dth")
        shoot(phone, "/", "home-phone.png")
        shoot(phone, "/weeks/current", "week-phone.png")
    finally:
        phone.quit()
    desktop = browser(1280, 800)
    try:
        login(desktop, "admin")
        for path, name in [("/", "home-desktop.png"), ("/admin/people", "people-desktop.png"),
                           ("/admin/groups", "groups-desktop.png"), ("/admin/settings", "settings-desktop.png")]:
            shoot(desktop, path, name)
    finally:
        desktop.quit()


if __name__ == "__main__":
    main()
