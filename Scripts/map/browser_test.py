#!/usr/bin/env python3
"""The browser test of the web map (issue 16, "In a real browser"); started by Scripts/test-map.sh.

Loads the demo database (GeoData/, as Scripts/demo.sh does), serves it with `qamtu serve --map-assets DIR` on a
free port of 127.0.0.1, opens /map in headless Chromium (Debian's chromium-headless-shell, driven over the
DevTools protocol), waits until the map has settled (MapLibre's `idle` after the changed sources loaded,
through window.qamtuSettled()) and checks through the page:
  view         the settlements drawn in view (queryRenderedFeatures on the coverage layer, unique by id) and
               their classes equal `qamtu coverage` for the same year and scenario, filtered to the map's bounds
               (settlements within 10 pixels of the edge may be drawn or not; they are counted, not judged)
  scenario     the same after switching to the planned scenario (a click on the radio button)
  slider       moving the slider with the keyboard to two years later changes the drawn classes exactly as
               `qamtu coverage diff` between the two years says, within the view; and the view check again
  popup        a click on a settlement opens a popup whose reason equals the CLI's reason
  zoomed view  the view check again at zoom 9 around Taraz (settlements cut by the view's edges, tile edges)
  search       the search box finds a village by its Russian name and the map flies there
  road         the road panel shows as many masts and gaps as `qamtu road masts|gaps` give
  console      no console error, exception or failed load in the page
  requests     every request went to the server (no other host); no answer of 400 or more
Saves a screenshot (--artefacts/map.png) and closes with 'map: N passed, N failed'; exits 1 when a check failed.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser, CDPError, Page  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
results: list[tuple[str, bool, str]] = []


def log(message: str) -> None:
    print(message, flush=True)


def check(name: str, ok: bool, detail: str) -> bool:
    results.append((name, ok, detail))
    log(f"  {'PASS' if ok else 'FAIL'} {name}: {detail}")
    return ok


def qamtu(binary: str, *args: str) -> str:
    r = subprocess.run([binary, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"qamtu {' '.join(args)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    return r.stdout


def load_demo(binary: str, db: str) -> None:
    """The demo database, as Scripts/demo.sh loads it."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    qamtu(binary, "init", "--db", db)
    for layer in ("districts", "settlements", "roads", "sites", "institutions"):
        qamtu(binary, "import", layer, os.path.join(REPO, "GeoData", f"{layer}.geojson"), "--db", db)
    qamtu(binary, "import", "commitments", os.path.join(REPO, "GeoData", "commitments.csv"), "--db", db)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`qamtu serve` with the MapLibre files, in a session of its own, its pid in `pid_file`."""

    def __init__(self, binary: str, db: str, assets: str, log_path: str, pid_file: str) -> None:
        self.port = free_port()
        self.log = open(log_path, "ab")
        self.process = subprocess.Popen(
            [binary, "serve", "--db", db, "--host", "127.0.0.1", "--port", str(self.port), "--map-assets", assets,
             "--log-level", "info"], stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log, start_new_session=True)
        with open(pid_file, "a") as f:
            f.write(f"{self.process.pid}\n")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"qamtu serve did not answer /health; see {log_path}")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class Truth:
    """What the CLI says about the demo database."""

    def __init__(self, binary: str, db: str) -> None:
        self.binary, self.db = binary, db
        self.cache: dict[tuple[int, str], dict[str, dict]] = {}

    def coverage(self, year: int, scenario: str) -> dict[str, dict]:
        """id → {class, reason, lon, lat} from `qamtu coverage --format geojson`."""
        key = (year, scenario)
        if key not in self.cache:
            text = qamtu(self.binary, "coverage", "--db", self.db, "--as-of", str(year), "--scenario", scenario,
                         "--format", "geojson", "--properties", "id,class,reason")
            self.cache[key] = {f["properties"]["id"]: {"class": f["properties"]["class"], "reason": f["properties"]["reason"],
                                                       "lon": f["geometry"]["coordinates"][0], "lat": f["geometry"]["coordinates"][1]}
                               for f in json.loads(text)["features"]}
        return self.cache[key]

    def diff(self, year1: int, year2: int, scenario: str) -> dict[str, tuple[str, str]]:
        """id → (class_from, class_to) from `qamtu coverage diff`."""
        text = qamtu(self.binary, "coverage", "diff", str(year1), str(year2), "--db", self.db, "--scenario", scenario,
                     "--format", "geojson", "--properties", "id,class_from,class_to")
        return {f["properties"]["id"]: (f["properties"]["class_from"], f["properties"]["class_to"])
                for f in json.loads(text)["features"]}


VIEW_JS = """(() => {
  const m = window.qamtuMap, b = m.getBounds(), c = m.getCanvas();
  const drawn = {};
  for (const f of m.queryRenderedFeatures({layers: ['coverage']})) drawn[f.properties.id] = f.properties.class;
  return {bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], width: c.clientWidth, height: c.clientHeight,
          drawn, state: window.qamtuState};
})()"""


def settled(page: Page, timeout: float = 90) -> dict:
    """Waits until the page says the map settled after its last change (MapLibre idle, sources loaded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready = page.evaluate("typeof window.qamtuSettled === 'function'")
        if ready:
            return page.evaluate("window.qamtuSettled()", timeout=max(1, deadline - time.monotonic()))
        time.sleep(0.2)
    raise CDPError("the page never defined window.qamtuSettled")


def view(page: Page) -> dict:
    return page.evaluate(VIEW_JS)


def in_view(truth: dict[str, dict], v: dict, pixels: float) -> tuple[set[str], set[str]]:
    """The ids surely in view (inside the bounds shrunk by `pixels`) and those possibly in view (grown by it)."""
    w, s, e, n = v["bounds"]
    dx, dy = (e - w) / v["width"] * pixels, (n - s) / v["height"] * pixels
    inner = {i for i, t in truth.items() if w + dx <= t["lon"] <= e - dx and s + dy <= t["lat"] <= n - dy}
    outer = {i for i, t in truth.items() if w - dx <= t["lon"] <= e + dx and s - dy <= t["lat"] <= n + dy}
    return inner, outer


def check_view(name: str, page: Page, truth: Truth) -> dict:
    v = view(page)
    year, scenario = v["state"]["year"], v["state"]["scenario"]
    expected = truth.coverage(year, scenario)
    inner, outer = in_view(expected, v, 10)
    drawn = v["drawn"]
    missing = sorted(inner - drawn.keys())
    extra = sorted(set(drawn) - outer)
    wrong = sorted(i for i in drawn if i in expected and drawn[i] != expected[i]["class"])
    by_class: dict[str, int] = {}
    for c in drawn.values():
        by_class[c] = by_class.get(c, 0) + 1
    ok = not missing and not extra and not wrong and len(inner) > 0
    detail = (f"{year} {scenario}: {len(drawn)} settlements drawn ({', '.join(f'{n} {c}' for c, n in sorted(by_class.items()))}), "
              f"{len(inner)} surely in view by the CLI, {len(outer - inner)} at the edge")
    if missing:
        detail += f"; not drawn: {missing[:10]}"
    if extra:
        detail += f"; drawn outside the view: {extra[:10]}"
    if wrong:
        detail += "; wrong class: " + ", ".join(f"{i} drawn {drawn[i]}, CLI {expected[i]['class']}" for i in wrong[:10])
    check(name, ok, detail)
    return v


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--qamtu", required=True)
    p.add_argument("--chromium", required=True)
    p.add_argument("--assets", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--pid-file", required=True)
    p.add_argument("--artefacts", required=True)
    a = p.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    started = time.monotonic()
    db = os.path.join(a.work, "demo.sqlite")
    load_demo(a.qamtu, db)
    truth = Truth(a.qamtu, db)
    server = Server(a.qamtu, db, a.assets, os.path.join(a.work, "serve.log"), a.pid_file)
    browser = None
    try:
        log(f"  server: {server.base} (pid {server.process.pid}); browser: {a.chromium}")
        browser = Browser(a.chromium)
        page = browser.page
        for domain in ("Network", "Runtime", "Log", "Page"):
            page.call(f"{domain}.enable")
        page.call("Page.navigate", {"url": server.base + "/map"})
        state = settled(page)
        check("load", state.get("ready") is True,
              f"the map settled ({'vector tiles' if state.get('tiles') else 'GeoJSON items'}, {state['year']}, {state['scenario']})")

        # (a) the drawn settlements in view by class equal the CLI's coverage of that view.
        check_view("view", page, truth)

        # The scenario switch: a click on the 'planned' radio button.
        page.evaluate("document.querySelector('input[name=scenario][value=planned]').click()")
        state = settled(page)
        before = check_view("scenario", page, truth)

        # (b) the slider moved with the keyboard two years on: the classes change as `coverage diff` says.
        year1 = before["state"]["year"]
        page.evaluate("document.getElementById('year').focus()")
        for _ in range(2):
            for kind in ("rawKeyDown", "keyUp"):
                page.call("Input.dispatchKeyEvent", {"type": kind, "key": "ArrowRight", "code": "ArrowRight",
                                                     "windowsVirtualKeyCode": 39, "nativeVirtualKeyCode": 39})
        state = settled(page)
        after = check_view("slider view", page, truth)
        year2 = after["state"]["year"]
        diff = truth.diff(year1, year2, "planned")
        coverage2 = truth.coverage(year2, "planned")
        inner, _ = in_view(coverage2, after, 10)
        expected_changes = {i: d for i, d in diff.items() if i in inner}
        seen_changes = {i: (before["drawn"].get(i), after["drawn"].get(i)) for i in inner
                        if before["drawn"].get(i) != after["drawn"].get(i)}
        check("slider", year2 == year1 + 2 and seen_changes == expected_changes and len(expected_changes) > 0,
              f"{year1} → {year2} (planned): {len(seen_changes)} settlements changed class on the map, "
              f"`qamtu coverage diff` says {len(expected_changes)} in view"
              + ("" if seen_changes == expected_changes else
                 f"; map {sorted(seen_changes.items())[:8]} vs diff {sorted(expected_changes.items())[:8]}"))

        # (c) a click on a settlement opens its reason.
        target = page.evaluate("""(() => {
          const m = window.qamtuMap, panel = document.getElementById('panel').getBoundingClientRect();
          const c = m.getCanvas(), points = [];
          const seen = new Set();
          for (const f of m.queryRenderedFeatures({layers: ['coverage']})) {
            if (seen.has(f.properties.id)) continue; seen.add(f.properties.id);
            const p = m.project(f.geometry.coordinates);
            points.push({id: f.properties.id, x: p.x, y: p.y});
          }
          const free = points.filter(p => p.x > 40 && p.y > 40 && p.x < c.clientWidth - 60 && p.y < c.clientHeight - 60
            && !(p.x < panel.right + 12 && p.y < panel.bottom + 12)
            && points.every(q => q === p || Math.hypot(q.x - p.x, q.y - p.y) > 18));
          return free.length ? free[Math.floor(free.length / 2)] : null;
        })()""")
        if not check("popup target", target is not None, f"settlement {target and target['id']} at pixel "
                     f"{target and (round(target['x']), round(target['y']))}"):
            raise CDPError("no settlement to click")
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            page.call("Input.dispatchMouseEvent", {"type": kind, "x": target["x"], "y": target["y"], "button": "left",
                                                   "clickCount": 1 if kind != "mouseMoved" else 0})
        popup = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and popup is None:
            popup = page.evaluate("""(() => {
              const el = document.querySelector('.maplibregl-popup-content .settlement[data-loaded=true]');
              return el ? {id: el.dataset.id, reason: el.querySelector('.reason').textContent} : null;
            })()""")
            if popup is None:
                time.sleep(0.1)
        cli = truth.coverage(year2, "planned").get(target["id"], {})
        check("popup", popup is not None and popup["id"] == target["id"] and popup["reason"] == cli.get("reason"),
              f"{target['id']}: " + (f"reason '{popup['reason']}'" if popup else "no popup opened")
              + ("" if popup and popup["reason"] == cli.get("reason") else f"; the CLI says '{cli.get('reason')}'"))
        os.makedirs(a.artefacts, exist_ok=True)
        shot = os.path.join(a.artefacts, "map.png")
        with open(shot, "wb") as f:
            f.write(base64.b64decode(page.call("Page.captureScreenshot", {"format": "png"})["data"]))
        log(f"  screenshot: {os.path.abspath(shot)}")

        # A closer view (zoom 9 around Taraz): tile edges and settlements cut by the view's edges.
        page.evaluate("""new Promise((resolve) => { const m = window.qamtuMap; m.once('idle', () => resolve(true));
          m.jumpTo({center: [71.4, 42.9], zoom: 9}); })""")
        check_view("zoomed view", page, truth)

        # The search box: a Russian spelling finds the village and the map flies there.
        page.evaluate("""(() => { document.getElementById('search-text').value = 'Шакпак ата';
          document.getElementById('search-form').requestSubmit(); })()""")
        time.sleep(0.3)
        settled(page)
        found = page.evaluate("""(() => { const c = window.qamtuMap.getCenter();
          const b = document.querySelector('#search-results button');
          return {lon: c.lng, lat: c.lat, zoom: window.qamtuMap.getZoom(), first: b ? b.dataset.id : null}; })()""")
        check("search", found["first"] == "shakpak-ata" and abs(found["lon"] - 70.505) < 0.01 and abs(found["lat"] - 42.495) < 0.01,
              f"'Шакпак ата' → {found['first']}, map centred at {found['lon']:.4f},{found['lat']:.4f} zoom {found['zoom']:.1f}")

        # The road panel: masts within 5 km and the gaps of A-2, as the CLI gives them.
        page.evaluate("""(() => { document.getElementById('road-select').value = 'a2-shakpakata-otar';
          document.getElementById('road-km').value = '5'; document.getElementById('road-form').requestSubmit(); })()""")
        deadline = time.monotonic() + 30
        summary = ""
        while time.monotonic() < deadline and not summary.split(" ")[0].isdigit():
            summary = page.evaluate("document.getElementById('road-summary').textContent") or ""
            time.sleep(0.1)
        settled(page)
        masts = len(json.loads(qamtu(a.qamtu, "road", "masts", "A-2", "--within", "5km", "--db", db, "--format", "geojson"))["features"])
        gaps_doc = json.loads(qamtu(a.qamtu, "road", "gaps", "A-2", "--as-of", str(year2), "--scenario", "planned", "--db", db))
        gaps = len(gaps_doc["features"])
        check("road", summary.startswith(f"{masts} masts within 5 km; {gaps} {'stretch' if gaps == 1 else 'stretches'} without 4G"),
              f"panel: '{summary}'; CLI: {masts} masts, {gaps} gaps")

        # (d) and (e): the page's console and requests over the whole session.
        errors = page.console_errors + page.failed_loads
        check("console", not errors, "no console error, exception or failed load" if not errors else "; ".join(errors[:10]))
        foreign = [u for u in page.requests
                   if not (u.startswith(server.base + "/") or u.startswith("blob:" + server.base + "/") or u.startswith("data:"))]
        detail = f"{len(page.requests)} requests, all to {server.base}" if not foreign else f"to other hosts: {foreign[:10]}"
        if page.http_errors:
            detail += f"; answered 400 or more: {page.http_errors[:10]}"
        check("requests", not foreign and not page.http_errors and len(page.requests) > 0, detail)
    except (CDPError, RuntimeError, KeyError, TypeError) as error:
        check("browser", False, f"{type(error).__name__}: {error}")
    except KeyboardInterrupt:
        check("browser", False, "interrupted")
    finally:
        if browser:
            browser.close()
        server.stop()
    passed = sum(1 for _, ok, _ in results if ok)
    failed = len(results) - passed
    log(f"map test: {time.monotonic() - started:.0f} s")
    log(f"map: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
