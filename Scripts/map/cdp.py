"""A small Chrome DevTools Protocol client over one page target (websockets' sync client): calls
wait for their answer; events are kept in order for the test to read, and every request, console
error and exception of the page is recorded as it arrives."""
from __future__ import annotations

import json
import os
import signal
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request

from websockets.sync.client import connect


class CDPError(RuntimeError):
    pass


class Browser:
    """Headless Chromium (Debian's chromium-headless-shell) with remote debugging on a free port,
    one page, its own profile folder; stopped by close()."""

    def __init__(self, binary: str, width: int = 1280, height: int = 860) -> None:
        self.profile = tempfile.mkdtemp(prefix="qamtu-chromium.")
        args = [binary, "--headless", "--remote-debugging-port=0", f"--user-data-dir={self.profile}",
                "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
                "--enable-unsafe-swiftshader", "--use-angle=swiftshader", f"--window-size={width},{height}",
                "about:blank"]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, start_new_session=True)
        self.stderr_lines: list[str] = []
        port = None
        deadline = time.monotonic() + 30
        assert self.process.stderr is not None
        while time.monotonic() < deadline:
            line = self.process.stderr.readline().decode("utf-8", "replace")
            if not line:
                if self.process.poll() is not None:
                    break
                continue
            self.stderr_lines.append(line.rstrip())
            m = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
            if m:
                port = int(m.group(1))
                break
        if port is None:
            self.close()
            raise CDPError("Chromium did not start:\n" + "\n".join(self.stderr_lines[-20:]))
        # Keep draining its standard error so that it never blocks on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            targets = json.load(r)
        page = next(t for t in targets if t.get("type") == "page")
        self.page = Page(page["webSocketDebuggerUrl"])

    def _drain(self) -> None:
        assert self.process.stderr is not None
        for raw in self.process.stderr:
            self.stderr_lines.append(raw.decode("utf-8", "replace").rstrip())

    def close(self) -> None:
        if getattr(self, "page", None):
            self.page.close()
        # Chromium runs in a session of its own: stop the whole process group (its GPU, renderer and
        # zygote processes too), so that nothing outlives the test.
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
            # The main process is gone; make sure its children are too.
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            break
        shutil.rmtree(self.profile, ignore_errors=True)


class Page:
    """One page target: call(method, params) and evaluate(expression); the page's requests,
    HTTP errors, failed loads, console errors and exceptions are recorded in lists."""

    def __init__(self, ws_url: str) -> None:
        self.ws = connect(ws_url, max_size=None, open_timeout=10)
        self.next_id = 0
        self.lock = threading.Lock()
        self.pending: dict[int, dict] = {}
        self.answered = threading.Condition(self.lock)
        self.requests: list[str] = []
        self.http_errors: list[str] = []
        self.failed_loads: list[str] = []
        self.console_errors: list[str] = []
        self.closed = False
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        try:
            for message in self.ws:
                data = json.loads(message)
                if "id" in data:
                    with self.lock:
                        self.pending[data["id"]] = data
                        self.answered.notify_all()
                else:
                    self._event(data.get("method", ""), data.get("params", {}))
        except Exception:  # the socket closed
            pass
        finally:
            with self.lock:
                self.closed = True
                self.answered.notify_all()

    def _event(self, method: str, p: dict) -> None:
        if method == "Network.requestWillBeSent":
            self.requests.append(p["request"]["url"])
        elif method == "Network.responseReceived":
            status = p["response"]["status"]
            if status >= 400:
                self.http_errors.append(f"{status} {p['response']['url']}")
        elif method == "Network.loadingFailed":
            if not p.get("canceled"):
                self.failed_loads.append(f"{p.get('errorText')} ({p.get('type')}, request {p.get('requestId')})")
        elif method == "Runtime.consoleAPICalled":
            if p.get("type") in ("error", "assert"):
                texts = [a.get("value", a.get("description", "")) for a in p.get("args", [])]
                self.console_errors.append("console." + p["type"] + ": " + " ".join(str(t) for t in texts))
        elif method == "Runtime.exceptionThrown":
            details = p.get("exceptionDetails", {})
            exception = details.get("exception", {})
            self.console_errors.append("exception: " + str(exception.get("description") or details.get("text")))
        elif method == "Log.entryAdded":
            entry = p.get("entry", {})
            if entry.get("level") == "error":
                self.console_errors.append(f"log ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}".strip())

    def call(self, method: str, params: dict | None = None, timeout: float = 60) -> dict:
        with self.lock:
            self.next_id += 1
            ident = self.next_id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params or {}}))
        deadline = time.monotonic() + timeout
        with self.lock:
            while ident not in self.pending:
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    raise CDPError(f"{method}: no answer within {timeout} s" if left <= 0 else f"{method}: the browser closed")
                self.answered.wait(left)
            answer = self.pending.pop(ident)
        if "error" in answer:
            raise CDPError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def evaluate(self, expression: str, timeout: float = 60):
        """The value of a JavaScript expression (promises awaited), as JSON-compatible Python."""
        result = self.call("Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True,
                                                "timeout": int(timeout * 1000)}, timeout=timeout + 5)
        if "exceptionDetails" in result:
            d = result["exceptionDetails"]
            raise CDPError(f"evaluate failed: {d.get('exception', {}).get('description') or d.get('text')}\n{expression[:200]}")
        return result.get("result", {}).get("value")

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:
            pass
