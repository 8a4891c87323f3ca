#!/usr/bin/env python3
"""Renders kora's HTML report in headless Chromium and checks it.

Drives Chromium over the DevTools protocol on --remote-debugging-pipe (no
port, no network) with Python's standard library only. For each page it
asserts: no console error, no JavaScript exception, no dialog, and no network
request besides the page itself; then checks the report's structure with
scripts off and on, the filters, the print layout and the Content-Security-
Policy. Exits 0 when every check passes, 1 otherwise, and prints one line per
check.

  browser_test.py --chromium chromium --report report.html --expect expect.json
                  [--screenshot out.png] [--hostile hostile.html --payload TEXT ...]

expect.json (written by tests/html_test.cc from kora's JSON report):
  {"findings": N, "errors": N, "diagnoses": N, "objects": N}
"""
import argparse
import base64
import json
import os
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
         "--no-default-browser-check", "--hide-scrollbars", "--mute-audio"]


class Failure(Exception):
    pass


class Browser:
    """One Chromium process and one page, spoken to over the DevTools pipe."""

    def __init__(self, chromium, timeout=60):
        self.profile = tempfile.mkdtemp(prefix="kora-chromium-")
        self.timeout = timeout
        cmd_read, self.cmd_write = os.pipe()
        self.res_read, res_write = os.pipe()

        def pipes_at_3_and_4():
            # Chromium reads commands on fd 3 and writes replies on fd 4. Copies
            # first, as either pipe end may already sit on 3 or 4.
            cmd, res = os.dup(cmd_read), os.dup(res_write)
            os.dup2(cmd, 3)
            os.dup2(res, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.log = open(os.path.join(self.profile, "chromium.log"), "wb")
        self.proc = subprocess.Popen(
            [chromium] + FLAGS + ["--user-data-dir=" + self.profile, "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log, close_fds=False,
            preexec_fn=pipes_at_3_and_4)
        os.close(cmd_read)
        os.close(res_write)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.session = None
        targets = self.call("Target.getTargets", session=False)["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.call("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True},
                                 session=False)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(domain + ".enable")

    def close(self):
        try:
            self.call("Browser.close", session=False)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.cmd_write)
        os.close(self.res_read)
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure("timed out waiting for Chromium")
            ready, _, _ = select.select([self.res_read], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.res_read, 1 << 20)
            if not chunk:
                raise Failure("Chromium closed the DevTools pipe (exit code %s)" % self.proc.poll())
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def _dispatch(self, message):
        # A dialog would block the page: record it and dismiss it.
        if message.get("method") == "Page.javascriptDialogOpening":
            self.send("Page.handleJavaScriptDialog", {"accept": False})
        self.events.append(message)

    def send(self, method, params=None, session=True):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.cmd_write, json.dumps(message).encode() + b"\0")
        return self.next_id

    def call(self, method, params=None, session=True):
        wanted = self.send(method, params, session)
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._read_message(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise Failure("%s failed: %s" % (method, message["error"]))
                return message.get("result", {})
            if "method" in message:
                self._dispatch(message)

    def wait_for(self, method, seconds=None):
        deadline = time.monotonic() + (seconds or self.timeout)
        while True:
            for e in self.events:
                if e.get("method") == method and not e.get("_seen"):
                    e["_seen"] = True
                    return e
            self._dispatch(self._read_message(deadline))

    def settle(self, seconds=0.5):
        """Collects events for a while (late requests, timers)."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                self._dispatch(self._read_message(deadline))
            except Failure as e:
                if "timed out" in str(e):
                    return
                raise

    def load(self, url, scripts=True):
        self.call("Emulation.setScriptExecutionDisabled", {"value": not scripts})
        self.events = []
        self.call("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")
        self.settle()

    def eval(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        if "exceptionDetails" in result:
            raise Failure("evaluating %r: %s" % (expression[:80], result["exceptionDetails"]))
        return result["result"].get("value")


def problems(browser, page_url):
    """Console errors, exceptions, dialogs and network requests seen so far."""
    found = []
    for e in browser.events:
        method, params = e.get("method"), e.get("params", {})
        if method == "Runtime.exceptionThrown":
            found.append("JavaScript exception: %s" % params["exceptionDetails"].get("text"))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            found.append("console %s: %s" % (params["type"], [a.get("value") for a in params.get("args", [])]))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            found.append("console error: %s" % params["entry"].get("text"))
        elif method == "Page.javascriptDialogOpening":
            found.append("dialog opened: %s %r" % (params.get("type"), params.get("message")))
        elif method == "Network.requestWillBeSent" and params["request"]["url"] != page_url:
            found.append("network request: %s" % params["request"]["url"])
    return found


def png_size_and_blank(data):
    """(width, height, whether every pixel row is the same) of a PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise Failure("the screenshot is not a PNG")
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
    stride = len(raw) // height
    rows = {raw[i * stride + 1:(i + 1) * stride] for i in range(0, height, max(1, height // 50))}
    return width, height, len(rows) == 1


class Checks:
    def __init__(self):
        self.failed = 0

    def check(self, name, ok, detail=""):
        print(("ok     " if ok else "FAILED ") + name + ("" if ok else ": " + str(detail)))
        if not ok:
            self.failed += 1


def check_report(browser, checks, url, expect, screenshot):
    # Scripts off: everything is there, nothing is hidden.
    browser.load(url, scripts=False)
    checks.check("no JS: no console error, request or dialog", not problems(browser, url), problems(browser, url))
    counts = browser.eval("""({
      diagnoses: document.querySelectorAll('#root-causes article.diagnosis').length,
      chains: document.querySelectorAll('article.diagnosis svg.chain').length,
      timelines: document.querySelectorAll('svg.timeline').length,
      graphs: document.querySelectorAll('#objects svg.neighbourhood').length,
      brokenEdges: document.querySelectorAll('svg.neighbourhood g.broken').length,
      phantoms: document.querySelectorAll('svg.neighbourhood g.phantom').length,
      rows: document.querySelectorAll('#findings-table tbody tr').length,
      shownRows: Array.from(document.querySelectorAll('#findings-table tbody tr'))
                   .filter(r => r.getClientRects().length > 0).length,
      objects: document.querySelectorAll('#objects article.object').length,
      excerpts: document.querySelectorAll('#objects pre.excerpt').length,
      highlighted: document.querySelectorAll('pre.excerpt .hl').length,
      filtersHidden: document.getElementById('filters').hidden,
      copyButtons: document.querySelectorAll('button.copy').length,
      commands: document.querySelectorAll('.cmd').length,
      ruleHelp: document.querySelectorAll('#rules article.rule .rule-help').length,
      ruleDocs: document.querySelectorAll('#rules a[href$=".md"]').length,
      events: document.querySelectorAll('#events table.events tbody tr').length,
      links: document.querySelectorAll('a[href^="#"]').length,
      brokenLinks: Array.from(document.querySelectorAll('a[href^="#"]')).map(a => a.getAttribute('href'))
                     .filter(h => !document.getElementById(decodeURIComponent(h.slice(1)))),
      scripts: document.scripts.length,
      csp: (document.querySelector('meta[http-equiv="Content-Security-Policy"]') || {}).content || '',
    })""")
    checks.check("root causes listed", counts["diagnoses"] == expect["diagnoses"], counts)
    checks.check("a chain diagram per root cause", counts["chains"] == expect["diagnoses"], counts)
    checks.check("event timelines drawn", counts["timelines"] >= 1 + (1 if expect["diagnoses"] else 0), counts)
    checks.check("every finding in the table, all shown", counts["rows"] == expect["findings"] and
                 counts["shownRows"] == expect["findings"], counts)
    checks.check("objects with excerpts and highlighted lines", counts["objects"] == expect["objects"] and
                 counts["excerpts"] == expect["objects"] and counts["highlighted"] >= expect["findings_with_lines"],
                 counts)
    checks.check("a resource graph per object with edges", counts["graphs"] >= 1, counts)
    checks.check("broken references and phantoms drawn", counts["brokenEdges"] >= expect["broken_min"] and
                 counts["phantoms"] >= expect["broken_min"], counts)
    checks.check("filters hidden without JS", counts["filtersHidden"] is True, counts)
    checks.check("commands are text, no copy button without JS", counts["commands"] >= 1 and
                 counts["copyButtons"] == 0, counts)
    checks.check("rule help and docs links", counts["ruleHelp"] >= 1 and counts["ruleDocs"] == counts["ruleHelp"],
                 counts)
    checks.check("event table lists every event", counts["events"] == expect["events"], counts)
    checks.check("every in-page link has its target", counts["links"] > expect["findings"] and
                 counts["brokenLinks"] == [], counts["brokenLinks"])
    checks.check("CSP forbids the network", counts["csp"].startswith("default-src 'none';") and
                 "'unsafe-inline'" not in counts["csp"], counts["csp"])

    # Scripts on: filters and copy buttons appear, no error.
    browser.load(url, scripts=True)
    checks.check("JS: no console error, request or dialog", not problems(browser, url), problems(browser, url))
    enhanced = browser.eval("""({
      filtersHidden: document.getElementById('filters').hidden,
      selects: document.querySelectorAll('#filters select').length,
      copyButtons: document.querySelectorAll('button.copy').length,
      commands: document.querySelectorAll('.cmd').length,
      count: document.getElementById('filter-count').textContent,
    })""")
    checks.check("filters shown with JS", enhanced["filtersHidden"] is False and enhanced["selects"] == 4, enhanced)
    checks.check("a copy button per command", enhanced["copyButtons"] == enhanced["commands"], enhanced)
    filtered = browser.eval("""(() => {
      const select = document.querySelector('#filters select[data-attribute="data-severity"]');
      const option = Array.from(select.options).findIndex(o => o.textContent.startsWith('error '));
      select.selectedIndex = option;
      select.dispatchEvent(new Event('change', {bubbles: true}));
      const visible = () => Array.from(document.querySelectorAll('#findings-table tbody tr'))
                              .filter(r => r.getClientRects().length > 0).length;
      const errors = visible();
      const search = document.getElementById('filter-search');
      search.value = 'no-such-text-anywhere-' + Math.random();
      search.dispatchEvent(new Event('input', {bubbles: true}));
      const none = visible();
      return {option, errors, none, count: document.getElementById('filter-count').textContent};
    })()""")
    checks.check("severity filter and search", filtered["option"] > 0 and filtered["errors"] == expect["errors"] and
                 filtered["none"] == 0, filtered)
    # Printed with a filter set: every finding is still on paper, no line clipped.
    browser.call("Emulation.setEmulatedMedia", {"media": "print"})
    printed = browser.eval("""({
      rows: Array.from(document.querySelectorAll('#findings-table tbody tr'))
              .filter(r => r.getClientRects().length > 0).length,
      clipped: Array.from(document.querySelectorAll('pre, .scroll'))
                 .filter(e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1).length,
    })""")
    browser.call("Emulation.setEmulatedMedia", {"media": ""})
    checks.check("printing shows every finding and clips nothing", printed["rows"] == expect["findings"] and
                 printed["clipped"] == 0, printed)
    pdf = browser.call("Page.printToPDF", {})
    checks.check("prints to PDF", base64.b64decode(pdf["data"])[:5] == b"%PDF-")

    # The policy is in force: a request from the page is refused.
    before = len(browser.events)
    refused = browser.eval("""new Promise(resolve => {
      document.addEventListener('securitypolicyviolation', e => resolve(e.violatedDirective), {once: true});
      const img = document.createElement('img');
      img.src = 'http://127.0.0.1:9/kora-csp-probe.png';
      document.body.appendChild(img);
      setTimeout(() => resolve('no violation'), 3000);
    })""")
    browser.settle()
    later = browser.events[before:]
    attempted = {e["params"]["requestId"] for e in later if e.get("method") == "Network.requestWillBeSent"}
    blocked = {e["params"]["requestId"] for e in later if e.get("method") == "Network.loadingFailed" and
               e["params"].get("blockedReason") == "csp"}
    answered = [e for e in later if e.get("method") == "Network.responseReceived"]
    checks.check("CSP refuses a request the page tries", refused == "img-src" and attempted == blocked and
                 len(blocked) == 1 and not answered, (refused, attempted, blocked, answered))

    if screenshot:
        browser.load(url, scripts=True)
        browser.call("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 1700, "deviceScaleFactor": 1,
                                                            "mobile": False})
        shot = base64.b64decode(browser.call("Page.captureScreenshot", {"format": "png"})["data"])
        browser.call("Emulation.clearDeviceMetricsOverride")
        width, height, blank = png_size_and_blank(shot)
        checks.check("screenshot taken", (width, height) == (1280, 1700) and not blank, (width, height, blank))
        with open(screenshot, "wb") as f:
            f.write(shot)


def check_hostile(browser, checks, url, payloads):
    for scripts in (False, True):
        browser.load(url, scripts=scripts)
        label = "hostile input, JS %s: " % ("on" if scripts else "off")
        checks.check(label + "no console error, request or dialog", not problems(browser, url),
                     problems(browser, url))
        state = browser.eval("""({
          images: document.images.length,
          scripts: Array.from(document.scripts).map(s => s.type || 'classic'),
          handlers: Array.from(document.querySelectorAll('*')).filter(e =>
                      Array.from(e.attributes).some(a => a.name.startsWith('on'))).length,
          text: document.body.textContent,
          pwned: typeof window.koraPwned,
        })""")
        checks.check(label + "no element from the payload", state["images"] == 0 and state["handlers"] == 0 and
                     state["scripts"] == ["application/json", "classic"] and state["pwned"] == "undefined",
                     {k: state[k] for k in ("images", "handlers", "scripts", "pwned")})
        missing = [p for p in payloads if p not in state["text"]]
        checks.check(label + "payloads shown as text", not missing, missing)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chromium", default="chromium")
    parser.add_argument("--report", required=True)
    parser.add_argument("--expect", required=True)
    parser.add_argument("--screenshot")
    parser.add_argument("--hostile")
    parser.add_argument("--payload", action="append", default=[])
    args = parser.parse_args()
    with open(args.expect) as f:
        expect = json.load(f)
    checks = Checks()
    browser = Browser(args.chromium)
    try:
        check_report(browser, checks, "file://" + os.path.abspath(args.report), expect, args.screenshot)
        if args.hostile:
            check_hostile(browser, checks, "file://" + os.path.abspath(args.hostile), args.payload)
    except Failure as e:
        checks.check("browser session", False, e)
    finally:
        browser.close()
    print("%d check(s) failed" % checks.failed if checks.failed else "all browser checks passed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
