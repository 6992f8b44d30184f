#!/usr/bin/env python3
"""`cxsim report` as people see it: the page is well formed, holds every section and every
touchpoint, its numbers are those of `cxsim run --format json` with the same seed, and headless
Chromium (network disabled) renders it with no console errors, the journey map and every chart
drawn with a size, and a screenshot that is not blank. Then the page of a batch (`cxsim report
--batch RESULTS`): its decision table holds the results file's figures row by row, its reproduce
lines name the results file and the batch, and it renders cleanly, also when a scenario file the
batch ran is gone.

Usage: report_render_test.py CXSIM_BINARY SOURCE_DIR
"""
import csv
import html
import html.parser
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

FAILURES = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        FAILURES.append(what)


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class WellFormed(html.parser.HTMLParser):
    """Every element closed, in order (void elements excepted; SVG may self-close)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.ids = [], [], set()

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k == "id":
                self.ids.add(v)
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        for k, v in attrs:
            if k == "id":
                self.ids.add(v)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.problems.append(f"</{tag}> at line {self.getpos()[0]} closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()


def png_not_blank(path):
    """Fraction of non-zero bytes in the filtered scanlines: about 0 for an image of one colour."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return 0.0, "not a PNG"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    nonzero = len(raw) - raw.count(0)
    return nonzero / max(1, len(raw)), f"{width}x{height}"


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=300, **kw)


def main():
    cxsim, source = sys.argv[1], sys.argv[2]
    scenario = os.path.join(source, "scenarios", "broadband", "scenario.yaml")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    check(chromium is not None, "Chromium is installed (scripts/install-deps.sh installs it)")
    with tempfile.TemporaryDirectory() as d:
        page = os.path.join(d, "report.html")
        r = run([cxsim, "report", scenario, "--customers", "40000", "--seed", "7", "--threads", "2", "--out", page])
        check(r.returncode == 0, "cxsim report exits 0: " + r.stderr.strip()[-300:])
        if r.returncode != 0:
            return
        text = open(page, encoding="utf-8").read()
        parser = WellFormed()
        parser.feed(text)
        parser.close()
        check(not parser.problems and not parser.stack, "the HTML is well formed " + str(parser.problems[:3] + parser.stack[:3]))
        for section in ["headline", "journey-map", "where-lost", "redesigns", "what-to-fix", "sweeps", "assumptions",
                        "exact", "reproduce", "chart-touchpoints", "chart-stages", "chart-channels", "chart-segments",
                        "chart-forest", "chart-response", "chart-sweep-0", "chart-sweep-1", "table-segments",
                        "table-economics", "table-rests-on", "cxsim-data"]:
            check(section in parser.ids, f"the page has #{section}")
        check(not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), "the page fetches nothing from the network")

        mc = json.loads(run([cxsim, "run", scenario, "--customers", "40000", "--seed", "7", "--threads", "1",
                             "--format", "json"]).stdout)
        data = json.loads(re.search(r'<script type="application/json" id="cxsim-data"[^>]*>(.*?)</script>', text, re.S).group(1))
        for key in ["elapsed_seconds", "visits_per_second", "threads"]:
            mc.pop(key, None)
            data["run"].pop(key, None)
        check(data["run"] == mc, "the page's figures equal `cxsim run --format json` with the same seed")
        headline = re.search(r'id="headline-rate">([^<]*)<', text).group(1)
        for t in mc["touchpoints"]:
            check("tp-" + t["id"] in parser.ids, f"the map holds touchpoint {t['id']}")
        exact = json.loads(run([cxsim, "exact", scenario, "--format", "json"]).stdout)
        check(abs(data["exact"]["defection_rate"] - exact["defection_rate"]) < 1e-15, "the exact figures are `cxsim exact`'s")
        sweeps = json.loads(run([cxsim, "sweep", scenario, "--format", "json"]).stdout)
        check(data["sweeps"]["sweeps"] == sweeps["sweeps"], "the scenario's response curves are `cxsim sweep`'s")
        # The first screen gives one rate, the exact one, with the simulation's as the check.
        check(headline == "%.2f%%" % (100 * exact["defection_rate"]), f"the headline rate {headline} is the exact one")
        card = re.search(r'id="card-rate">(.*?)</div></div>', text, re.S).group(1)
        check("%.2f%%" % (100 * mc["defection_rate"]) in card, "the rate's card gives the simulation's rate as the check")
        # Who is lost where: each segment's row gives `cxsim exact --segment NAME`'s defection rate.
        check("table-personas" in parser.ids, "the page has the per-segment loss table")
        for seg in exact["segments"]:
            alone = json.loads(run([cxsim, "exact", scenario, "--segment", seg["name"], "--format", "json"]).stdout)
            row = re.search(r'<tr><td class="text">' + re.escape(seg["name"]) + r'</td><td>[^<]*</td><td>([^<]*)</td>', text)
            check(row is not None and row.group(1) == "%.2f%%" % (100 * alone["defection_rate"]),
                  f"segment {seg['name']}'s row shows its own defection rate")

        if chromium is None:
            return
        flags = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars",
                 "--user-data-dir=" + os.path.join(d, "profile"), "--window-size=1200,4400",
                 "--virtual-time-budget=10000", "--enable-logging=stderr", "--v=0"]
        url = "file://" + page
        rendered = rendered_in_chromium(flags, page, "the page")
        if rendered:
            charts = {c["id"]: c for c in rendered["charts"]}
            for c in ["chart-touchpoints", "chart-stages", "chart-channels", "chart-segments", "chart-forest", "chart-response",
                      "chart-sweep-0", "chart-sweep-1"]:
                check(drawn(charts, c), f"{c} is drawn with a size {charts.get(c)}")
            mp = rendered["map"]
            check(mp is not None and mp["width"] > 100 and mp["height"] > 100 and mp["nodes"] >= len(mc["touchpoints"]),
                  f"the journey map is drawn with every touchpoint {mp}")
        shot = os.path.join(d, "shot.png")
        s = run(flags + ["--screenshot=" + shot, url])
        check(s.returncode == 0 and os.path.exists(shot), "Chromium takes a screenshot")
        if os.path.exists(shot):
            inked, size = png_not_blank(shot)
            check(inked > 0.02, f"the screenshot ({size}) is not blank: {inked:.3f} of its filtered bytes are ink")

        check_batch_page(cxsim, source, d, flags)


def rendered_in_chromium(flags, page, what):
    """The page opened in Chromium: it renders, logs nothing to the console and its own render
    check ran without script errors (each checked, named by `what`). Returns that check's report
    (charts and map), or None when it did not run."""
    dom = run(flags + ["--dump-dom", "file://" + page])
    check(dom.returncode == 0, f"Chromium renders {what}")
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line]
    check(not console, f"{what}: no console messages: " + " | ".join(console[:3]))
    m = re.search(r'data-render-check="([^"]*)"', dom.stdout)
    check(m is not None, f"{what}: the page's own render check ran")
    if m is None:
        return None
    rendered = json.loads(html.unescape(m.group(1)))
    check(rendered["errors"] == [], f"{what}: no script errors: " + str(rendered["errors"]))
    return rendered


def drawn(charts, chart_id):
    c = charts.get(chart_id)
    return c is not None and c["drawn"] and c["width"] > 50 and c["height"] > 50


def cells(row_html):
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.S)]


def pp(x):
    """A change in percentage points as the page writes it (report_format.hpp's fixed_text)."""
    text = "%.2f" % (100 * x)
    if re.fullmatch(r"-?0\.00", text):
        return "0.00"
    return text if text.startswith("-") else "+" + text


def check_batch_page(cxsim, source, d, flags):
    """`cxsim report --batch RESULTS`: the portfolio page of a batch's results file, whose decision
    table holds exactly the file's figures, rendered in Chromium like the others."""
    files = [os.path.join(source, "scenarios", n, "scenario.yaml") for n in ["broadband", "car_repair"]]
    results = os.path.join(d, "results.csv")
    r = run([cxsim, "batch"] + files + ["--customers", "20000", "--threads", "2", "--out", results])
    check(r.returncode == 0, "cxsim batch exits 0: " + r.stderr.strip()[-300:])
    page = os.path.join(d, "batch.html")
    r = run([cxsim, "report", "--batch", results, "--threads", "2", "--out", page])
    check(r.returncode == 0, "cxsim report --batch exits 0: " + r.stderr.strip()[-300:])
    if r.returncode != 0:
        return
    check("warning" not in r.stderr, "no warning: the sections walked again are the batch's figures " + r.stderr[-300:])
    text = open(page, encoding="utf-8").read()
    parser = WellFormed()
    parser.feed(text)
    parser.close()
    check(not parser.problems and not parser.stack, "the batch page's HTML is well formed " + str(parser.problems[:3]))
    for section in ["portfolio-summary", "decisions", "table-decisions", "decisions-source", "portfolio-reproduce",
                    "cxsim-batch", "s1-headline", "s1-redesigns", "s1-chart-forest", "s2-chart-touchpoints",
                    "s2-reproduce"]:
        check(section in parser.ids, f"the batch page has #{section}")
    check(not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), "the batch page fetches nothing from the network")
    # Every redesign row of the file is a row of the decision table, with the file's figures.
    with open(results, newline="") as f:
        rows = [row for row in csv.DictReader(f) if row["variant"] != "baseline"]
    table = re.search(r'<table id="table-decisions">(.*?)</table>', text, re.S).group(1)
    shown = {}
    for tr in re.findall(r"<tr class=\"(?:first|more)\">(.*?)</tr>", table, re.S):
        c = cells(tr)
        if c and c[0] in ("Broadband switch-over", "Car repair after an accident"):
            c = c[1:]
        name = re.search(r"<b>([^<]*)</b>", tr).group(1)
        shown[name] = c
    check(len(shown) == len(rows) == 5, f"the table has the file's {len(rows)} redesigns: {sorted(shown)}")
    for row in rows:
        c = shown.get(row["variant"])
        if c is None:
            check(False, f"{row['variant']} is in the decision table")
            continue
        change = [pp(float(row["difference_vs_baseline"])),
                  pp(float(row["difference_ci95_low"])) + " to " + pp(float(row["difference_ci95_high"]))]
        check(c[2:4] == change, f"{row['variant']}: the change and its interval are the file's {change} (shown {c[2:4]})")
        if row["net_benefit_per_year"]:
            money = "{:,.0f} {}".format(float(row["net_benefit_per_year"]), row["currency"]).replace("-0 ", "0 ")
            check(c[5] == money + " a year", f"{row['variant']}: the net benefit is the file's {money} (shown {c[5]})")
    embedded = json.loads(re.search(r'<script type="application/json" id="cxsim-batch">(.*?)</script>', text, re.S).group(1))
    check(len(embedded["rows"]) == len(rows) + 2, "the page embeds every row of the file")
    reproduce = re.search(r'<footer id="portfolio-reproduce">(.*?)</footer>', text, re.S).group(1)
    check("<code>cxsim report --batch results.csv --out batch.html</code>" in reproduce,
          "the reproduce line names the results file: " + reproduce[:300])
    check("--customers 20000 --out results.csv</code>" in reproduce and "<code>cxsim batch " in reproduce,
          "the reproduce line names the batch command and its settings")
    rendered = rendered_in_chromium(flags, page, "the batch page")
    if rendered:
        charts = {c["id"]: c for c in rendered["charts"]}
        for p in ["s1-", "s2-"]:
            for c in ["chart-touchpoints", "chart-stages", "chart-channels", "chart-segments", "chart-forest"]:
                check(drawn(charts, p + c), f"the batch page: {p}{c} is drawn with a size {charts.get(p + c)}")
        undrawn = [c["id"] for c in rendered["charts"] if not c["drawn"]]
        check(not undrawn, f"the batch page: every chart is drawn {undrawn}")

    # A scenario file removed since the batch: the page says so, keeps its rows in the table, and
    # still renders cleanly without its sections.
    moved = os.path.join(d, "moved")
    shutil.copytree(os.path.join(source, "scenarios", "car_repair"), moved)
    results = os.path.join(d, "gone.csv")
    r = run([cxsim, "batch", files[0], os.path.join(moved, "scenario.yaml"), "--customers", "20000", "--threads", "2",
             "--out", results])
    check(r.returncode == 0, "cxsim batch exits 0: " + r.stderr.strip()[-300:])
    shutil.rmtree(moved)
    page = os.path.join(d, "gone.html")
    r = run([cxsim, "report", "--batch", results, "--threads", "2", "--out", page])
    check(r.returncode == 0 and "the batch ran is gone" in r.stderr,
          "cxsim report --batch exits 0 and says which scenario file is gone: " + r.stderr.strip()[-300:])
    if r.returncode != 0:
        return
    text = open(page, encoding="utf-8").read()
    parser = WellFormed()
    parser.feed(text)
    parser.close()
    check(not parser.problems and not parser.stack, "the page with a journey gone is well formed " + str(parser.problems[:3]))
    for section in ["portfolio-warnings", "s1-chart-forest", "s2-no-section"]:
        check(section in parser.ids, f"the page with a journey gone has #{section}")
    check("s2-chart-touchpoints" not in parser.ids, "the journey gone has no sections")
    table = re.search(r'<table id="table-decisions">(.*?)</table>', text, re.S).group(1)
    check("<b>body_shop_owner</b>" in table and "<b>warranty_case_handler</b>" in table,
          "the journey gone keeps its rows in the decision table")
    rendered = rendered_in_chromium(flags, page, "the page with a journey gone") or {"charts": []}
    check(rendered["charts"] and all(c["drawn"] for c in rendered["charts"]),
          "the page with a journey gone: every chart drawn")


if __name__ == "__main__":
    main()
    print(f"{len(FAILURES)} failure(s)")
    sys.exit(1 if FAILURES else 0)
