#!/usr/bin/env python3
"""cxsim studio used as a designer uses it, in Debian's Chromium driven by Selenium: load the
broadband scenario, drag a slider and read the headline, which must equal `cxsim exact` of the
same change to the digits shown; undo and redo; re-balance a route; save a redesign and find it
in the file with every other byte unchanged; switch persona; compare the saved redesigns; notice
an edit made on disk; and no console errors throughout.

Usage: studio_page_test.py CXSIM_BINARY SOURCE_DIR [--screenshots DIR]
(with --screenshots, the pictures of docs/studio.md are written to DIR)
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

CXSIM, SOURCE = sys.argv[1], sys.argv[2]
SHOTS = sys.argv[sys.argv.index("--screenshots") + 1] if "--screenshots" in sys.argv else None
failures = []


def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        failures.append(what)


def exact_rate(path, *args):
    out = subprocess.run([CXSIM, "exact", path, "--format", "json", *args], capture_output=True, text=True, check=True).stdout
    return json.loads(out)["defection_rate"]


def shown(rate):
    """The headline's digits: a percentage with two decimals, as the page writes it."""
    return f"{100 * rate:.2f}%"


def driver_for(profile):
    from selenium import webdriver
    o = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                 "--hide-scrollbars", "--window-size=1440,1100", "--user-data-dir=" + profile]:
        o.add_argument(flag)
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=o)


def wait_for(what, condition, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        try:
            value = condition()
            if value:
                return value
        except Exception:  # noqa: BLE001 - the page is still changing; try again
            pass
        time.sleep(0.1)
    check(False, f"timed out waiting for {what}")
    return None


def settled(driver):
    """True once the last request has been answered (the status line says how long it took)."""
    return driver.execute_script(
        "return !state.busy && state.before === null && document.getElementById('solve-status').textContent.startsWith('solved')")


def headline(driver):
    from selenium.webdriver.common.by import By
    wait_for("the page to settle", lambda: settled(driver))
    return driver.find_element(By.ID, "defection-rate").text


def main():
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    work = tempfile.mkdtemp(prefix="cxsim-studio-page-")
    folder = os.path.join(work, "broadband")
    shutil.copytree(os.path.join(SOURCE, "scenarios", "broadband"), folder)
    path = os.path.join(folder, "scenario.yaml")
    original = open(path, "rb").read()
    tables = {f: open(os.path.join(folder, f), "rb").read() for f in ("touchpoints.csv", "transitions.csv")}
    server = subprocess.Popen([CXSIM, "studio", path, "--no-browser"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = server.stdout.readline().strip()
    driver = driver_for(os.path.join(work, "profile"))
    try:
        driver.get(url)
        base = exact_rate(path)
        check(headline(driver) == shown(base), f"the headline shows the baseline's exact defection rate {shown(base)}")
        if SHOTS:
            driver.save_screenshot(os.path.join(SHOTS, "studio-overview.png"))

        # click a touchpoint on the map: its panel opens
        node = driver.find_element(By.CSS_SELECTOR, "#map g.node[id='tp-install']")
        driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", node)
        slider = wait_for("the install panel", lambda: driver.find_element(By.CSS_SELECTOR, "input[type=range][data-change='install.reliability']"))
        check(slider is not None and "Engineer installation" in driver.find_element(By.ID, "touchpoint-editor").text,
              "clicking a touchpoint on the map opens its panel")

        # drag the reliability slider to the right, as a hand would
        before = float(slider.get_attribute("value"))
        # (grabbing the slider's middle sets about 0.5; then right, well past where it was)
        ActionChains(driver).click_and_hold(slider).move_by_offset(40, 0).pause(0.3).move_by_offset(40, 0).release().perform()
        moved = headline(driver)
        x = float(driver.find_element(By.CSS_SELECTOR, "input[type=number][data-change='install.reliability']").get_attribute("value"))
        check(x > before, f"dragging moved install.reliability from {before} up to {x}")
        check(moved != shown(base), f"the headline follows the drag ({shown(base)} -> {moved})")
        if SHOTS:
            driver.save_screenshot(os.path.join(SHOTS, "studio-drag.png"))

        # undo and redo
        driver.find_element(By.ID, "undo").click()
        check(headline(driver) == shown(base), "undo brings the baseline's figure back")
        driver.find_element(By.ID, "redo").click()
        check(headline(driver) == moved, "redo brings the change back")

        # a route re-balances its set, visibly
        Select(driver.find_element(By.ID, "touchpoint-pick")).select_by_value("support_call")
        name = "transition:support_call->engineer_revisit"
        field = wait_for("the support call's routes", lambda: driver.find_element(By.CSS_SELECTOR, f"input[type=number][data-change='{name}']"))
        field.clear()
        field.send_keys("0.3", Keys.TAB)
        headline(driver)
        other = driver.find_element(By.CSS_SELECTOR, "input[type=number][data-change='transition:support_call->activation']")
        check(abs(float(other.get_attribute("value")) - 0.7) < 1e-9,
              f"the other route of the set re-balances to 0.7 (shows {other.get_attribute('value')})")
        sums = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".route-sum")]
        check(all("sum to 1.000" in s for s in sums), f"every route set says it sums to 1: {sums}")
        changes = driver.execute_script("return {...state.changes}")
        check(set(changes) == {"install.reliability", name}, f"the change list holds both changes: {changes}")
        rate_shown = headline(driver)

        # save as a redesign
        driver.find_element(By.ID, "save").click()
        driver.find_element(By.ID, "save-name").send_keys("workshop_idea")
        driver.find_element(By.ID, "save-description").send_keys("Install reliability up and fewer repeat engineer visits")
        driver.find_element(By.ID, "save-cost").send_keys("400000")
        if SHOTS:
            driver.save_screenshot(os.path.join(SHOTS, "studio-save.png"))
        driver.find_element(By.ID, "save-confirm").click()
        wait_for("the save dialog to close", lambda: not driver.execute_script("return document.getElementById('save-dialog').open"))
        saved = open(path, "rb").read()
        check(saved.startswith(original) and b'name: "workshop_idea"' in saved[len(original):],
              "the redesign is added to the scenario file with every earlier byte unchanged")
        check(all(open(os.path.join(folder, f), "rb").read() == b for f, b in tables.items()), "the CSV tables are unchanged")
        check(shown(exact_rate(path, "--variant", "workshop_idea")) == rate_shown,
              f"the headline {rate_shown} equals cxsim exact of the saved change")
        after_save = headline(driver)
        check(Select(driver.find_element(By.ID, "variant")).first_selected_option.get_attribute("value") == "workshop_idea"
              and after_save == rate_shown, "after saving, the page shows the new redesign with the same figure")

        # switch persona
        Select(driver.find_element(By.ID, "segment")).select_by_value("home_workers")
        persona = exact_rate(path, "--variant", "workshop_idea", "--segment", "home_workers")
        check(headline(driver) == shown(persona), f"the persona filter shows home_workers' own rate {shown(persona)}")
        Select(driver.find_element(By.ID, "segment")).select_by_value("")
        headline(driver)

        # compare the saved redesigns
        driver.find_element(By.ID, "compare").click()
        rows = wait_for("the comparison table", lambda: [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#comparison-table tbody tr")], 120)
        check(rows and any("workshop_idea" in r for r in rows), f"the comparison lists the saved redesign: {rows}")
        check(rows and all("EUR" in r for r in rows), "its money figures carry their currency")
        if SHOTS:
            driver.find_element(By.ID, "comparison").screenshot(os.path.join(SHOTS, "studio-compare.png"))

        # an edit made on disk is noticed and can be reloaded
        with open(path, "ab") as f:
            f.write(b"# edited in another editor\n")
        banner = wait_for("the changed-on-disk banner", lambda: driver.find_element(By.ID, "changed-on-disk").is_displayed(), 15)
        check(bool(banner), "the page says the file changed on disk")
        driver.find_element(By.ID, "reload").click()
        wait_for("the banner to go", lambda: not driver.find_element(By.ID, "changed-on-disk").is_displayed(), 15)
        check(not driver.find_element(By.ID, "changed-on-disk").is_displayed(), "reloading clears it")

        severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        check(not severe, f"no console errors: {severe}")
    finally:
        driver.quit()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"{len(failures)} check(s) failed")
        sys.exit(1)
    print("studio page: every check passed")


if __name__ == "__main__":
    main()
