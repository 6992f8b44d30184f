#!/usr/bin/env python3
"""cxsim studio's JSON API, spoken to as any client would (docs/studio.md): every endpoint, every
error a client can provoke, and the server still answering after each; the security rules (token,
Host, bounded bodies, loopback only); saving a redesign byte for byte; a clean stop on SIGTERM.

Usage: studio_api_test.py CXSIM_BINARY SOURCE_DIR
"""
import hashlib
import html
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

CXSIM, SOURCE = sys.argv[1], sys.argv[2]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)


class Studio:
    """A running `cxsim studio` on a copy of a bundled scenario."""

    def __init__(self, folder, scenario="scenario.yaml"):
        self.proc = subprocess.Popen([CXSIM, "studio", os.path.join(folder, scenario), "--no-browser"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.url = self.proc.stdout.readline().strip()
        assert self.url.startswith("http://127.0.0.1:"), (self.url, self.proc.stderr.read())
        self.port = int(self.url.split(":")[2].split("/")[0])
        self.token = self.url.split("token=")[1]

    def request(self, method, path, body=None, token=True, host=None, raw=None, address="127.0.0.1"):
        conn = http.client.HTTPConnection(address, self.port, timeout=60)
        headers = {"Host": host or f"127.0.0.1:{self.port}"}
        if token:
            headers["X-Cxsim-Token"] = self.token
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        if data is not None:
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=headers)
        res = conn.getresponse()
        text = res.read().decode("utf-8", "replace")
        conn.close()
        return res.status, text

    def json(self, method, path, body=None, **kw):
        status, text = self.request(method, path, body, **kw)
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def alive(self):
        status, body = self.json("GET", "/api/status")
        return status == 200 and "changed_on_disk" in body

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return None


def cli(*args):
    r = subprocess.run([CXSIM, *args], capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def without_threads(report):
    """A report without what differs from run to run of the same solve: the time it took."""
    report = dict(report)
    report.pop("elapsed_seconds", None)
    return report


def main():
    work = tempfile.mkdtemp(prefix="cxsim-studio-api-")
    folder = os.path.join(work, "broadband")
    shutil.copytree(os.path.join(SOURCE, "scenarios", "broadband"), folder)
    path = os.path.join(folder, "scenario.yaml")
    studio = Studio(folder)
    try:
        run_checks(studio, folder, path)
        code = studio.stop()
        check(code == 0, f"SIGTERM stops the studio cleanly with exit code 0 (got {code})")
        stray = [f for f in os.listdir(folder) if ".studio-" in f]
        check(not stray, f"nothing half-written is left beside the scenario: {stray}")
    finally:
        if studio.proc.poll() is None:
            studio.proc.kill()
    start_errors(work)
    large_journey(work)
    interrupt_with_open_connection(folder)
    shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"{len(failures)} check(s) failed")
        sys.exit(1)
    print("studio API: every check passed")


def run_checks(studio, folder, path):
    # ---- security ----
    status, _ = studio.request("GET", "/", token=False)
    check(status == 403, f"the page without the token is refused (got {status})")
    status, _ = studio.request("GET", "/api/scenario", token=False)
    check(status == 403, "the API without the token is refused")
    conn = http.client.HTTPConnection("127.0.0.1", studio.port, timeout=10)
    conn.request("GET", "/api/scenario?token=" + "0" * len(studio.token), headers={"Host": f"127.0.0.1:{studio.port}"})
    check(conn.getresponse().status == 403, "a wrong token is refused")
    conn.close()
    status, body = studio.request("GET", "/?token=" + studio.token, token=False)
    check(status == 200 and f"studio.js?token={studio.token}" in body, "the page with the token in its URL loads and links its script with it")
    status, body = studio.json("GET", "/api/scenario", host="attacker.example:%d" % studio.port)
    check(status == 403 and "127.0.0.1" in body.get("error", ""), f"a foreign Host header is refused (DNS rebinding): {status}")
    for host in (f"localhost:{studio.port}", f"[::1]:{studio.port}", "127.0.0.1"):
        status, _ = studio.request("GET", "/api/status", host=host)
        check(status == 200, f"Host {host} is a loopback name and is served (got {status})")
    check(studio.alive(), "the server answers after refused requests")
    # listens on loopback only: not on the machine's other addresses
    try:
        other = socket.gethostbyname(socket.gethostname())
    except OSError:
        other = None
    if other and not other.startswith("127."):
        s = socket.socket()
        s.settimeout(2)
        check(s.connect_ex((other, studio.port)) != 0, f"nothing listens on {other}")
        s.close()
    if socket.has_ipv6:
        try:
            status, _ = studio.request("GET", "/api/status", address="::1", host=f"[::1]:{studio.port}")
            check(status == 200, "the studio answers on ::1 too")
        except OSError:
            pass  # no IPv6 loopback on this machine

    # ---- GET /api/scenario ----
    status, sc = studio.json("GET", "/api/scenario")
    check(status == 200, "GET /api/scenario answers")
    rc, out, _ = cli("check", path)
    import yaml  # python3-yaml (scripts/install-deps.sh --tests)
    in_file = [v["name"] for v in yaml.safe_load(open(path))["variants"]]
    check([v["name"] for v in sc["variants"]] == in_file, f"the scenario's redesigns are listed in file order: {sc['variants']}")
    check(len(sc["journey"]["touchpoints"]) == 16 and sc["journey"]["start"] == "order", "the baseline journey is given")
    check([s["name"] for s in sc["segments"]] == ["value_seekers", "home_workers", "busy_families"], "the segments are given")

    # ---- POST /api/solve is `cxsim exact --format json` ----
    for request, args in [({}, []), ({"variant": "loyalty_price_at_renewal"}, ["--variant", "loyalty_price_at_renewal"]),
                          ({"segment": "home_workers"}, ["--segment", "home_workers"]),
                          ({"variant": "right_first_time_install", "segment": "busy_families", "changes": {}},
                           ["--variant", "right_first_time_install", "--segment", "busy_families"])]:
        status, solved = studio.json("POST", "/api/solve", request)
        rc, out, _ = cli("exact", path, "--format", "json", *args)
        check(status == 200 and rc == 0 and without_threads(solved) == without_threads(json.loads(out)),
              f"/api/solve {request} equals cxsim exact {' '.join(args)}, figure for figure")

    changes = {"install.reliability": 0.93, "segment:value_seekers.walk_away.failed": 0.2,
               "transition:support_call->engineer_revisit when=ok": 0.3, "complaint.recovery": 0.7,
               "segment:busy_families.share": 0.25}
    status, solved = studio.json("POST", "/api/solve", {"changes": changes})
    check(status == 200 and solved["defection_rate"] < sc_baseline(studio), "changes that help lower the defection rate")

    # ---- POST /api/view ----
    status, view = studio.json("POST", "/api/view", {"changes": {"install.reliability": 0.93}})
    check(status == 200 and view["map"]["svg"].startswith("<svg") and 'id="tp-install"' in html.unescape(view["map"]["svg"]),
          "/api/view draws the journey map with every touchpoint a node")
    install = [t for t in view["journey"]["touchpoints"] if t["id"] == "install"][0]
    check(install["reliability"] == 0.93, "/api/view gives the journey's numbers after the changes")
    check(view["value_at_stake_per_year"] < view["baseline_value_at_stake_per_year"], "value at stake falls when defection falls")

    # ---- errors: a 4xx with the command line's message, and the server keeps serving ----
    rc, _, err = cli("exact", path, "--variant", "loyalty_price_at_renewa")
    status, body = studio.json("POST", "/api/solve", {"variant": "loyalty_price_at_renewa"})
    check(status == 400 and "cxsim: error: " + body.get("error", "") == err.strip(),
          f"an unknown redesign gets the command line's message: {body} vs {err.strip()}")
    rc, _, err = cli("exact", path, "--segment", "home_worker")
    status, body = studio.json("POST", "/api/solve", {"segment": "home_worker"})
    check(status == 400 and "cxsim: error: " + body.get("error", "") == err.strip(),
          f"an unknown segment gets the command line's message: {body} vs {err.strip()}")
    bad = [
        ("not JSON", None, "{\"changes\": ", 400, "not valid JSON"),
        ("a JSON list", [1, 2], None, 400, "JSON object"),
        ("an unknown key", {"chnages": {}}, None, 400, "did you mean 'changes'"),
        ("changes as a list", {"changes": [1]}, None, 400, "must be an object"),
        ("a text value", {"changes": {"install.reliability": "high"}}, None, 400, "must be a number"),
        ("an unknown touchpoint", {"changes": {"instal.reliability": 0.9}}, None, 400, "did you mean 'install'"),
        ("an unknown attribute", {"changes": {"install.reliabilty": 0.9}}, None, 400, "did you mean 'reliability'"),
        ("an out-of-range value", {"changes": {"install.reliability": 1.2}}, None, 400, "between 0 and 1"),
        ("a walk-away of 1", {"changes": {"segment:home_workers.walk_away.failed": 1}}, None, 400, "below 1"),
        ("the only route", {"changes": {"transition:install->support_call": 0.5}}, None, 400, "only route"),
        ("economics", {"changes": {"economics.value_per_customer": 1}}, None, 400, "same for every redesign"),
        ("too many changes", {"changes": {f"x{i}.reliability": 0.5 for i in range(10001)}}, None, 400, "too many changes"),
        ("a variant that is a number", {"variant": 3}, None, 400, "must be a text"),
    ]
    for what, body, raw, want, words in bad:
        status, answer = studio.json("POST", "/api/solve", body, raw=raw)
        message = answer.get("error", "") if isinstance(answer, dict) else answer
        check(status == want and words in message, f"{what}: {want} with '{words}' (got {status}: {message[:200]})")
        check(studio.alive(), f"the server still answers after {what}")
    status, answer = studio.json("POST", "/api/solve", raw="{" + " " * (2 << 20) + "}")
    check(status == 413, f"a body over 1 MiB is refused with 413 (got {status})")
    check(studio.alive(), "the server still answers after an oversized body")
    status, answer = studio.json("GET", "/api/nothing-here")
    check(status == 404 and "error" in answer, "an unknown endpoint is a 404 with a message")
    status, answer = studio.json("GET", "/../../etc/passwd")
    check(status in (400, 404) and "root:" not in json.dumps(answer), "no path from a request reaches the filesystem")

    # ---- concurrent tabs ----
    results, errors = [], []

    def tab(i):
        try:
            s, r = studio.json("POST", "/api/solve", {"changes": {"install.reliability": 0.80 + i / 100}})
            results.append((i, s, r["defection_rate"]))
        except Exception as e:  # noqa: BLE001 - reported as a failure below
            errors.append(repr(e))

    threads = [threading.Thread(target=tab, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(not errors and all(s == 200 for _, s, _ in results) and len(results) == 12, f"12 concurrent solves all answer: {errors}")
    rates = [r for _, _, r in sorted(results)]
    check(all(a > b for a, b in zip(rates, rates[1:])), "each concurrent answer is its own request's (defection falls as reliability rises)")

    # ---- POST /api/save-variant ----
    before = open(path, "rb").read()
    tables = {f: digest(os.path.join(folder, f)) for f in ("touchpoints.csv", "transitions.csv")}
    status, saved = studio.json("POST", "/api/save-variant",
                                {"name": "studio_api", "description": "From the API test", "cost_per_year": 250000,
                                 "changes": changes})
    check(status == 200 and saved.get("saved") == "studio_api", f"a redesign is saved: {status} {saved}")
    after = open(path, "rb").read()
    check(after.startswith(before) and len(after) > len(before),
          "the scenario file keeps every byte it had; the redesign is added after them (its list ends the file)")
    check(all(digest(os.path.join(folder, f)) == d for f, d in tables.items()), "the CSV tables are not touched")
    rc, out, err = cli("check", path)
    check(rc == 0 and "studio_api" in out, f"cxsim check passes on the saved file and lists the redesign: {err}")
    rc, out, _ = cli("exact", path, "--variant", "studio_api", "--format", "json")
    saved_exact = json.loads(out)
    check(saved_exact["defection_rate"] == solved["defection_rate"],
          "the saved redesign solves to exactly what /api/solve said for the same changes")
    status, sc = studio.json("GET", "/api/scenario")
    check("studio_api" in [v["name"] for v in sc["variants"]], "the studio reads the saved redesign back")

    snapshot = open(path, "rb").read()
    for body, want, words in [
        ({"name": "studio_api", "changes": changes}, 409, "already has a redesign"),
        ({"name": "baseline", "changes": changes}, 400, "'baseline'"),
        ({"name": "a+b", "changes": changes}, 400, "'+'"),
        ({"name": "", "changes": changes}, 400, "needs a name"),
        ({"name": "nothing"}, 400, "no changes"),
        ({"name": "bad\u0007bell", "changes": changes}, 400, "name"),
        ({"name": "neg", "one_off_cost": -5, "changes": changes}, 400, "one_off_cost"),
        ({"name": "typo", "changes": {"instal.reliability": 0.9}}, 400, "did you mean"),
    ]:
        status, answer = studio.json("POST", "/api/save-variant", body)
        message = answer.get("error", "") if isinstance(answer, dict) else answer
        check(status == want and words in message, f"save {body.get('name')!r}: {want} with '{words}' (got {status}: {message})")
        check(open(path, "rb").read() == snapshot, f"a refused save ({body.get('name')!r}) writes nothing")

    # on top of a redesign: its patches and the changes together, its cost carried over
    status, saved = studio.json("POST", "/api/save-variant",
                                {"name": "shared_plus", "variant": "loyalty_price_at_renewal", "changes": {"install.reliability": 0.9}})
    check(status == 200, f"a redesign built on another is saved: {saved}")
    status, on_top = studio.json("POST", "/api/solve", {"variant": "loyalty_price_at_renewal", "changes": {"install.reliability": 0.9}})
    rc, out, _ = cli("exact", path, "--variant", "shared_plus", "--format", "json")
    check(json.loads(out)["defection_rate"] == on_top["defection_rate"], "it solves to what the studio showed on top of loyalty_price_at_renewal")

    # ---- POST /api/compare is `cxsim compare --format json` over the file's redesigns ----
    status, compared = studio.json("POST", "/api/compare", {})
    names = [v["name"] for v in studio.json("GET", "/api/scenario")[1]["variants"]]
    check(status == 200 and sorted(v["name"] for v in compared["variants"]) == sorted(names)
          and all(v["economics"]["currency"] == "EUR" for v in compared["variants"]),
          "/api/compare compares every redesign in the file, with money in its currency")
    status, answer = studio.json("POST", "/api/compare", {"segment": "nobody"})
    check(status == 400 and "segment" in answer.get("error", ""), "/api/compare with an unknown segment is a 400")

    # ---- the file changed behind the studio's back ----
    status, body = studio.json("GET", "/api/status")
    check(body == {"changed_on_disk": False}, "after its own saves the studio sees no outside change")
    with open(path, "ab") as f:
        f.write(b"# edited in another editor\n")
    edited = open(path, "rb").read()
    status, body = studio.json("GET", "/api/status")
    check(body == {"changed_on_disk": True}, "an edit made elsewhere is noticed")
    status, body = studio.json("POST", "/api/save-variant", {"name": "late", "changes": changes})
    check(status == 409 and "changed on disk" in body.get("error", ""), f"saving over an outside edit is refused: {status} {body}")
    check(open(path, "rb").read() == edited, "the outside edit is kept, byte for byte")
    status, body = studio.json("POST", "/api/reload", {})
    check(status == 200 and body.get("scenario") == "Broadband switch-over", "reload reads the files again")
    status, body = studio.json("POST", "/api/save-variant", {"name": "late", "changes": changes})
    check(status == 200 and only_inserted(edited, open(path, "rb").read()), "after a reload the save keeps the outside edit, byte for byte")

    # a reload of a file that no longer checks keeps the old scenario and says where
    good = open(path, "rb").read()
    with open(path, "ab") as f:
        f.write(b"bogus_key: 1\n")
    status, body = studio.json("POST", "/api/reload", {})
    check(status == 422 and "scenario.yaml:" in body.get("error", "") and "bogus_key" in body.get("error", ""),
          f"a reload of a broken file is a 422 naming the file and line: {status} {body}")
    status, body = studio.json("POST", "/api/solve", {})
    check(status == 200, "the studio keeps serving the scenario it had")
    with open(path, "wb") as f:
        f.write(good)


def only_inserted(before, after):
    """`after` is `before` with one run of bytes inserted somewhere, every other byte as it was."""
    p = 0
    while p < len(before) and p < len(after) and before[p] == after[p]:
        p += 1
    return len(after) > len(before) and after.endswith(before[p:])


def sc_baseline(studio):
    return studio.json("POST", "/api/solve", {})[1]["defection_rate"]


def large_journey(work):
    """A journey too large to re-solve while dragging says so; it is still solved on request."""
    folder = os.path.join(work, "long")
    os.makedirs(folder)
    n = 450
    with open(os.path.join(folder, "touchpoints.csv"), "w") as f:
        f.write("id,reliability,relevance,value,trust,outcome\n")
        for i in range(n):
            f.write(f"t{i},0.99,1,1,0,\n")
        f.write("done,1,1,1,0,retained\n")
    with open(os.path.join(folder, "transitions.csv"), "w") as f:
        f.write("from,to,probability\n")
        for i in range(n):
            f.write(f"t{i},{'t%d' % (i + 1) if i + 1 < n else 'done'},1\n")
    with open(os.path.join(folder, "scenario.yaml"), "w") as f:
        f.write("name: Long\njourney:\n  start: t0\n  touchpoints: touchpoints.csv\n  transitions: transitions.csv\n"
                "segments:\n  - {name: s, share: 1, value_expectation: 0, silent_churn: 0, sensitivity: {reliability: 0.1}}\n")
    studio = Studio(folder)
    try:
        status, sc = studio.json("GET", "/api/scenario")
        check(status == 200 and sc["live"] is False, f"a {n + 1}-touchpoint journey is marked as not live (re-solved on release)")
        status, solved = studio.json("POST", "/api/solve", {"changes": {"t3.reliability": 0.5}})
        check(status == 200 and solved["defection_rate"] > 0, "and is still solved on request")
    finally:
        check(studio.stop() == 0, "the large-journey studio stops cleanly")


def interrupt_with_open_connection(folder):
    """Ctrl-C with a browser's idle keep-alive connection open stops within a couple of seconds."""
    studio = Studio(folder)
    conn = http.client.HTTPConnection("127.0.0.1", studio.port, timeout=10)
    conn.request("GET", "/api/status", headers={"X-Cxsim-Token": studio.token, "Host": f"127.0.0.1:{studio.port}"})
    conn.getresponse().read()
    started = time.time()
    studio.proc.send_signal(signal.SIGINT)
    try:
        code = studio.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        studio.proc.kill()
        code = None
    took = time.time() - started
    check(code == 0 and took < 3, f"Ctrl-C with an open connection stops it cleanly in {took:.1f} s (exit {code})")
    conn.close()


def start_errors(work):
    # a scenario with an error: exit 2, the file and line, and no server
    bad = os.path.join(work, "bad.yaml")
    with open(bad, "w") as f:
        f.write("name: Bad\njourney:\n  start: a\n  touchpoints: []\n  transitions: []\nwhat: 1\n")
    r = subprocess.run([CXSIM, "studio", bad, "--no-browser"], capture_output=True, text=True, timeout=60)
    check(r.returncode == 2 and "bad.yaml:" in r.stderr and r.stdout == "", f"a bad scenario: exit 2 naming the file: {r.stderr}")
    # a port in use: exit 2 and a clear message
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    port = s.getsockname()[1]
    r = subprocess.run([CXSIM, "studio", os.path.join(work, "broadband", "scenario.yaml"), "--no-browser", "--port", str(port)],
                       capture_output=True, text=True, timeout=60)
    s.close()
    check(r.returncode == 2 and "cannot listen" in r.stderr, f"a busy port: exit 2 and a message: {r.returncode} {r.stderr}")
    r = subprocess.run([CXSIM, "studio", os.path.join(work, "broadband", "scenario.yaml"), "--port", "70000"],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 2 and "--port" in r.stderr, f"a port out of range: exit 2: {r.stderr}")


if __name__ == "__main__":
    main()
