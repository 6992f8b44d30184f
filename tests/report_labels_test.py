#!/usr/bin/env python3
"""`cxsim report` read as a manager reads it, in real headless Chromium driven by Selenium: for
the bundled scenarios and a generated hospital journey of 18 touchpoints with 12 redesigns,
at 800, 1,280 and 1,920 pixels wide,
- every category label of every bar chart is drawn: the labels Chart.js drew (each scale's
  `_labelItems` after rendering, not the data given to it) are the page's own table rows, all of
  them, in the same order, and no two overlap;
- the redesigns' chart and table are in one order, best first;
- the journey map fits the width without a horizontal scroll bar at its default zoom, and the
  page as a whole does not scroll sideways; '+' zooms it, a drag moves it, 'fit' restores it;
- no console messages, no network requests, a screenshot that is not blank;
- the portfolio page of all four (`cxsim report A.yaml B.yaml ...`) likewise, section by
  section, with a decision table of every scenario's every redesign in each section's order;
- the page of a batch of all four (`cxsim report --batch RESULTS`) likewise, its reproduce lines
  naming the results file and the batch (scenarios and settings) relative to the page;
- no "-0" anywhere in the text or the drawn labels, a currency on every money figure, and a
  reproduce line with no absolute path;
- printed (print media on A4's width): every label still drawn, no chart wider than the paper,
  taller than a page or split across two.

Usage: report_labels_test.py CXSIM_BINARY SOURCE_DIR   (run with Debian's /usr/bin/python3)
"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hospital_scenario  # noqa: E402

FAILURES = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        FAILURES.append(what)


# The drawn labels of every chart's category axis, read from Chart.js after rendering.
READ_CHARTS = """
var out = [];
Object.keys(Chart.instances).forEach(function (k) {
  var c = Chart.instances[k];
  var axis = c.options.indexAxis === 'y' ? 'y' : 'x';
  var s = c.scales[axis];
  var items = (s._labelItems || []).map(function (it) {
    var lines = Array.isArray(it.label) ? it.label.length : 1;
    return { label: Array.isArray(it.label) ? it.label.join(' ') : String(it.label),
             y: it.translation[1], x: it.translation[0], lines: lines, lineHeight: it.font.lineHeight };
  });
  var other = c.scales[axis === 'y' ? 'x' : 'y'];
  var otherLabels = (other._labelItems || []).map(function (it) { return String(it.label); });
  out.push({ id: c.canvas.id, type: s.type, items: items, other: otherLabels,
             canvasHeight: c.height, canvasWidth: c.width, top: s.top, bottom: s.bottom, left: s.left });
});
return out;
"""

READ_PAGE = """
var view = document.querySelector('.map-view');
var cells = function (sel) { return Array.prototype.map.call(document.querySelectorAll(sel), function (e) { return e.textContent.trim(); }); };
var sections = Array.prototype.map.call(document.querySelectorAll('script.cxsim-data'), function (node) {
  var P = node.getAttribute('data-prefix') || '';
  var q = function (rest) { return '#' + P + rest; };
  var views = document.querySelector(q('journey-map')).querySelector('.map-view');
  var svg = views && views.querySelector('svg');
  var rsec = document.querySelector(q('redesign-map'));
  var rview = rsec && rsec.querySelector('.map-view');
  var rsvg = rview && rview.querySelector('svg');
  return {
    redesign_map: rsvg ? { scrollWidth: rview.scrollWidth, clientWidth: rview.clientWidth, svg: rsvg.getBoundingClientRect().width } : null,
    P: P,
    view: views ? { scrollWidth: views.scrollWidth, clientWidth: views.clientWidth } : null,
    svg: svg ? svg.getBoundingClientRect().width : null,
    lost: Array.prototype.map.call(document.querySelectorAll(q('table-lost') + ' tbody tr td:first-child'), function (td) {
      return td.childNodes[0].textContent.trim(); }),
    redesigns: cells(q('table-redesigns') + ' tbody tr td:first-child b'),
    tornado: cells(q('table-tornado') + ' tbody tr td:first-child'),
    uncertainty: cells(q('table-uncertainty') + ' tbody tr td:first-child b'),
    segments: cells(q('table-segments') + ' tbody tr td:first-child'),
    money: cells(q('table-redesigns') + ' tbody tr td:nth-last-child(4), ' + q('table-redesigns') + ' tbody tr td:nth-last-child(3)'),
    costs: cells(q('table-redesigns') + ' tbody tr td:nth-child(2)'),
    value: cells(q('headline-value')),
    reproduce: document.querySelector(q('reproduce') + ' code:last-of-type').textContent,
    data: JSON.parse(node.textContent)
  };
});
var whole = document.querySelector('#portfolio-reproduce code');
return {
  scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
  text: document.body.innerText,
  resources: performance.getEntriesByType('resource').map(function (e) { return e.name; }),
  sections: sections,
  portfolio: whole ? whole.textContent : null,
  batch: (function () { var c = document.querySelectorAll('#portfolio-reproduce code'); return c.length > 1 ? c[1].textContent : null; })(),
  decisions: cells('#table-decisions tbody tr td b')
};
"""


def driver_for(profile):
    from selenium import webdriver
    o = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars",
                 "--user-data-dir=" + profile]:
        o.add_argument(flag)
    o.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(options=o)


NEGATIVE_ZERO = re.compile(r"(?<![\w.])-0(?:\.0+)?(?![\w.])")


def check_reproduce(at, command, page, scenario_files):
    """The command names the scenarios relative to the page's folder and the page by its name."""
    words = command.split()
    named = [w for w in words[2:] if not w.startswith("--")][:len(scenario_files)]
    resolved = [os.path.realpath(os.path.join(os.path.dirname(page), w)) for w in named]
    check(words[:2] == ["cxsim", "report"] and not any(os.path.isabs(w) for w in named) and " /" not in command
          and resolved == [os.path.realpath(f) for f in scenario_files] and words[-2:] == ["--out", os.path.basename(page)],
          f"{at}: the reproduce line names the files relative to the page: {command}")


def check_batch_reproduce(at, command, batch, page, scenario_files, results):
    """The page of a batch names the results file, and the batch behind it names its scenarios,
    both relative to the page's folder, with the batch's settings."""
    folder = os.path.dirname(page)
    words = command.split()
    check(len(words) >= 6 and words[:3] == ["cxsim", "report", "--batch"] and not os.path.isabs(words[3])
          and os.path.realpath(os.path.join(folder, words[3])) == os.path.realpath(results)
          and words[-2:] == ["--out", os.path.basename(page)],
          f"{at}: the reproduce line names the results file relative to the page: {command}")
    words = batch.split()
    named = [w for w in words[2:] if not w.startswith("--")][:len(scenario_files)]
    resolved = [os.path.realpath(os.path.join(folder, w)) for w in named]
    out = words[words.index("--out") + 1] if "--out" in words else ""
    check(words[:2] == ["cxsim", "batch"] and not any(os.path.isabs(w) for w in named) and " /" not in batch
          and resolved == [os.path.realpath(f) for f in scenario_files]
          and os.path.realpath(os.path.join(folder, out)) == os.path.realpath(results),
          f"{at}: the batch line names the scenarios and the results relative to the page: {batch}")


def check_section(at, sec, charts, page, scenario_file):
    P = sec["P"]
    data = sec["data"]
    fig = data["figures"]
    expected = {
        "chart-touchpoints": sec["lost"],
        "chart-stages": [s["stage"] or "(no stage)" for s in fig["stages"]],
        "chart-channels": [s["channel"] or "(no channel)" for s in fig["channels"]],
        "chart-segments": sec["segments"],
    }
    if data["comparison"]:
        expected["chart-forest"] = sec["redesigns"]
        if data["comparison"].get("assumptions"):
            # The scenario's assumptions: a tornado of every input, and every redesign's spread.
            a = data["comparison"]["assumptions"]
            expected["chart-tornado"] = sec["tornado"]
            check(sec["tornado"] == [t["input"] for t in a["tornado"]], f"{at}: {P} the tornado table lists every input")
            check(sec["uncertainty"] == sec["redesigns"], f"{at}: {P} the uncertainty table lists the redesigns in order")
    by_id = {c["id"]: c for c in charts}
    for cid, labels in expected.items():
        c = by_id.get(P + cid)
        check(c is not None, f"{at}: {P}{cid} is drawn")
        if c is None:
            continue
        drawn = [i["label"] for i in c["items"]]
        check(drawn == labels, f"{at}: {P}{cid} draws all {len(labels)} labels in order (drew {len(drawn)}: "
                               f"{[x for x in labels if x not in drawn][:3]} missing)")
        ys = [i["y"] for i in c["items"]]
        tight = [(c["items"][k]["label"], c["items"][k + 1]["label"]) for k in range(len(ys) - 1)
                 if abs(ys[k + 1] - ys[k]) < (c["items"][k]["lines"] + c["items"][k + 1]["lines"]) / 2 * c["items"][k]["lineHeight"]]
        check(not tight, f"{at}: {P}{cid}'s labels do not overlap {tight[:2]}")
        inside = all(c["top"] - 1 <= y <= c["bottom"] + 1 for y in ys)
        check(inside, f"{at}: {P}{cid}'s labels lie within its axis")
        for label in drawn + c["other"]:
            if NEGATIVE_ZERO.search(label):
                check(False, f"{at}: {P}{cid} draws '{label}'")
    if "chart-forest" in expected:
        check(len(sec["redesigns"]) == len(data["comparison"]["variants"]), f"{at}: {P} the table lists every redesign")
    if data["comparison"] and data["comparison"]["variants"] and data.get("exact"):
        r = sec["redesign_map"]
        check(r is not None, f"{at}: {P} the best redesign is drawn on a map against the baseline")
        if r:
            check(r["scrollWidth"] <= r["clientWidth"] + 1 and r["svg"] <= r["clientWidth"] + 1,
                  f"{at}: {P} the redesign's map fits its box at the default zoom {r}")
    if sec["view"]:
        check(sec["view"]["scrollWidth"] <= sec["view"]["clientWidth"] + 1 and sec["svg"] <= sec["view"]["clientWidth"] + 1,
              f"{at}: {P} the map fits its box at the default zoom {sec['view']} svg {sec['svg']}")
    if data["context"].get("economics"):
        currency = data["context"]["economics"]["currency"]
        check(sec["value"] and sec["value"][0].endswith(" " + currency),
              f"{at}: {P} the value at stake carries {currency}: {sec['value']}")
        money = [m for m in sec["money"] if m and m != "-"]
        check(money and all(m.endswith(currency) for m in money),
              f"{at}: {P} every net benefit and its interval carry {currency} {money[:4]}")
        check(sec["costs"] and all(c.endswith(currency) or c == "none given" for c in sec["costs"]),
              f"{at}: {P} every redesign's cost carries {currency} {sec['costs'][:4]}")
    check_reproduce(f"{at} {P}", sec["reproduce"], page, [scenario_file])


ZOOM_STATE = """
var view = document.querySelector('.map-view');
var svg = view.querySelector('svg');
return { width: svg.getBoundingClientRect().width, scrollWidth: view.scrollWidth, clientWidth: view.clientWidth,
         scrollLeft: view.scrollLeft };
"""


def check_zoom(driver, at):
    """The first map zooms in with '+', is dragged sideways, and 'fit' brings it back."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    view = driver.find_elements(By.CSS_SELECTOR, ".map-view")
    if not view:
        return
    before = driver.execute_script(ZOOM_STATE)
    tools = driver.find_element(By.CSS_SELECTOR, ".map-tools")
    driver.execute_script("arguments[0].scrollIntoView()", tools)
    tools.find_element(By.CSS_SELECTOR, "[data-zoom=in]").click()
    tools.find_element(By.CSS_SELECTOR, "[data-zoom=in]").click()
    zoomed = driver.execute_script(ZOOM_STATE)
    check(zoomed["width"] > 2.0 * before["width"] and zoomed["scrollWidth"] > zoomed["clientWidth"],
          f"{at}: '+' zooms the map in, wider than its box ({before['width']:.0f} -> {zoomed['width']:.0f})")
    ActionChains(driver).move_to_element(view[0]).click_and_hold().move_by_offset(-300, 0).release().perform()
    dragged = driver.execute_script(ZOOM_STATE)
    check(dragged["scrollLeft"] > zoomed["scrollLeft"] + 100, f"{at}: dragging the zoomed map moves it ({dragged['scrollLeft']})")
    tools.find_element(By.CSS_SELECTOR, "[data-zoom=fit]").click()
    fitted = driver.execute_script(ZOOM_STATE)
    check(abs(fitted["width"] - before["width"]) < 1 and fitted["scrollWidth"] <= fitted["clientWidth"] + 1,
          f"{at}: 'fit' brings the map back to the page's width")


def check_page(driver, page, name, width, scenario_files, results=None):
    driver.set_window_size(width, 1200)
    driver.get("file://" + page)
    charts = driver.execute_script(READ_CHARTS)
    p = driver.execute_script(READ_PAGE)
    at = f"{name} at {width}px"
    check(len(p["sections"]) == len(scenario_files), f"{at}: one section per scenario")
    for sec, scenario_file in zip(p["sections"], scenario_files):
        check_section(at, sec, charts, page, scenario_file)
    if p["portfolio"] is not None:
        if results:
            check(p["batch"] is not None, f"{at}: the page of a batch names the batch behind its table")
            check_batch_reproduce(at, p["portfolio"], p["batch"] or "", page, scenario_files, results)
        else:
            check_reproduce(at, p["portfolio"], page, scenario_files)
        total = sum(len(s["data"]["comparison"]["variants"]) for s in p["sections"] if s["data"]["comparison"])
        check(len(p["decisions"]) == total, f"{at}: the decision table has every scenario's every redesign ({total})")
        # Each journey's redesigns in the decision table in the order of its own section, best first
        # (from a batch: the order of the file's figures against that of the sections walked again).
        order = [n for s in p["sections"] for n in s["redesigns"]]
        check(p["decisions"] == order, f"{at}: the decision table lists each journey's redesigns in its section's order")
    check(p["scrollWidth"] <= p["innerWidth"], f"{at}: the page does not scroll sideways ({p['scrollWidth']} > {p['innerWidth']})")
    bad = NEGATIVE_ZERO.findall(p["text"])
    check(not bad, f"{at}: no '-0' in the page's text {bad[:3]}")
    check(re.search(r"\d{1,3}(,\d{3})+ customers\.", p["text"]) is not None, f"{at}: the footer's customer count has thousands separators")
    if width == 1280:
        check_zoom(driver, at)
    logs = driver.get_log("browser")
    check(not logs, f"{at}: no console messages {[l['message'][:120] for l in logs[:3]]}")
    requests = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            url = msg["params"]["request"]["url"]
            if not url.startswith(("file://", "data:", "about:", "chrome://", "chrome-untrusted://", "devtools://")):
                requests.append(url)
    check(not requests and not [r for r in p["resources"] if not r.startswith(("file:", "data:"))],
          f"{at}: no network requests {requests[:3]} {p['resources'][:3]}")
    png = driver.get_screenshot_as_png()
    check(len(png) > 20000, f"{at}: the screenshot is not blank ({len(png)} bytes)")


PRINT_LAYOUT = """
window.dispatchEvent(new Event('beforeprint'));
return {
  figures: Array.prototype.map.call(document.querySelectorAll('figure'), function (f) {
    var r = f.getBoundingClientRect(); return { right: r.right, height: r.height, breakInside: getComputedStyle(f).breakInside }; }),
  canvases: Array.prototype.map.call(document.querySelectorAll('canvas'), function (c) { return c.getBoundingClientRect().right; }),
  innerWidth: window.innerWidth,
  printStyles: getComputedStyle(document.querySelector('.map-tools')).display === 'none'
};
"""


def check_print(driver, page, name, scenario_files):
    """As printed on A4 (794 x 1123 CSS pixels): every label still drawn, no chart wider than
    the paper or taller than a page, none split across pages."""
    at = f"{name} printed"
    driver.set_window_size(794, 1123)
    driver.get("file://" + page)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        layout = driver.execute_script(PRINT_LAYOUT)
        charts = driver.execute_script(READ_CHARTS)
        p = driver.execute_script(READ_PAGE)
        for sec, scenario_file in zip(p["sections"], scenario_files):
            check_section(at, sec, charts, page, scenario_file)
        check(layout["printStyles"], f"{at}: the print stylesheet applies (the zoom buttons are hidden)")
        wide = [r for r in layout["canvases"] if r > layout["innerWidth"] + 1]
        check(not wide, f"{at}: no chart is wider than the paper {wide[:3]}")
        tall = [f for f in layout["figures"] if f["height"] > 1000]
        check(not tall, f"{at}: no chart is taller than a page {tall[:3]}")
        check(all(f["breakInside"] == "avoid" for f in layout["figures"]), f"{at}: no chart is split across two pages")
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    driver.get_log("browser")
    driver.get_log("performance")


def main():
    cxsim, source = sys.argv[1], sys.argv[2]
    try:
        import selenium  # noqa: F401
    except ImportError:
        check(False, "Selenium is installed (scripts/install-deps.sh --tests installs python3-selenium)")
        return
    with tempfile.TemporaryDirectory() as d:
        scenarios = [(n, os.path.join(source, "scenarios", n, "scenario.yaml")) for n in ["broadband", "car_repair", "b2b_onboarding"]]
        scenarios.append(("hospital", hospital_scenario.write(os.path.join(d, "hospital"))))
        pages = []
        for name, scenario in scenarios:
            page = os.path.join(d, "out", name + ".html")
            os.makedirs(os.path.dirname(page), exist_ok=True)
            r = subprocess.run([cxsim, "report", scenario, "--customers", "20000", "--seed", "3", "--threads", "2",
                                "--out", page], capture_output=True, text=True, timeout=600)
            check(r.returncode == 0, f"cxsim report {name} exits 0: {r.stderr.strip()[-300:]}")
            if r.returncode == 0:
                pages.append((name, page, [scenario]))
        # A portfolio: every scenario on one page.
        page = os.path.join(d, "out", "portfolio.html")
        r = subprocess.run([cxsim, "report"] + [s for _, s in scenarios] + ["--customers", "20000", "--threads", "2",
                                                                             "--out", page],
                           capture_output=True, text=True, timeout=900)
        check(r.returncode == 0, f"cxsim report (portfolio) exits 0: {r.stderr.strip()[-300:]}")
        if r.returncode == 0:
            pages.append(("portfolio", page, [s for _, s in scenarios]))
        # The page of a batch of all four (`cxsim report --batch RESULTS`), with the assumptions drawn.
        results = os.path.join(d, "results.csv")
        r = subprocess.run([cxsim, "batch"] + [s for _, s in scenarios] + ["--customers", "20000", "--assumptions",
                                                                            "--threads", "2", "--out", results],
                           capture_output=True, text=True, timeout=900)
        check(r.returncode == 0, f"cxsim batch exits 0: {r.stderr.strip()[-300:]}")
        page = os.path.join(d, "out", "batch.html")
        r = subprocess.run([cxsim, "report", "--batch", results, "--threads", "2", "--out", page],
                           capture_output=True, text=True, timeout=900)
        check(r.returncode == 0 and "warning" not in r.stderr,
              f"cxsim report --batch exits 0 with no warning: {r.stderr.strip()[-300:]}")
        if r.returncode == 0:
            pages.append(("batch", page, [s for _, s in scenarios], results))
        hospital = [p for p in pages if p[0] == "hospital"]
        if hospital:
            data = json.loads(re.search(r'<script type="application/json" id="cxsim-data"[^>]*>(.*?)</script>',
                                        open(hospital[0][1], encoding="utf-8").read(), re.S).group(1))
            check(len(data["run"]["touchpoints"]) >= 16 and len(data["comparison"]["variants"]) == 12,
                  "the hospital journey has 16+ touchpoints and 12 redesigns")
        driver = driver_for(os.path.join(d, "profile"))
        try:
            for name, page, files, *results in pages:
                for width in [800, 1280, 1920]:
                    check_page(driver, page, name, width, files, *results)
                check_print(driver, page, name, files)
        finally:
            driver.quit()


if __name__ == "__main__":
    main()
    print(f"{len(FAILURES)} failure(s)")
    sys.exit(1 if FAILURES else 0)
