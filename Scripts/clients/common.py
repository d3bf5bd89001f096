"""Shared pieces of the real-client checks (Scripts/test-clients.sh): the qamtu server under test,
raw HTTP, the rule for missing prerequisites and how each check reports.

Every check is a function taking a Context and returning nothing; it reports through
ctx.passed / ctx.failed / ctx.skipped (one line each, prefixed with the check's name) and may
record numbers in ctx.measures for the summary.
"""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field


def ci_requires_everything() -> bool:
    """True when missing prerequisites must fail instead of skipping: CI is true or 1 (the rule of
    Tests/QamtuTestSupport/Prerequisite.swift)."""
    return os.environ.get("CI", "").lower() in ("true", "1")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (bind port 0 and read what the kernel chose)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(message: str) -> None:
    print(message, flush=True)


class Server:
    """`qamtu serve` on a free port of 127.0.0.1 at --log-level info (one access line per request
    on standard error, written to `log_path`), in a session of its own; its pid is appended to
    `pid_file` so that the shell's EXIT trap stops it even if this Python process dies."""

    def __init__(self, qamtu: str, db: str, log_path: str, pid_file: str, name: str) -> None:
        self.qamtu, self.db, self.log_path, self.pid_file, self.name = qamtu, db, log_path, pid_file, name
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, attempts: int = 3) -> None:
        last = ""
        for _ in range(attempts):
            self.port = free_port()
            self._log = open(self.log_path, "ab")
            self.process = subprocess.Popen(
                [self.qamtu, "serve", "--db", self.db, "--host", "127.0.0.1", "--port", str(self.port),
                 "--log-level", "info"],
                stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log, start_new_session=True)
            with open(self.pid_file, "a") as f:
                f.write(f"{self.process.pid}\n")
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    break
                try:
                    status, _, _ = request(self.port, "GET", "/health", timeout=2)
                    if status == 200:
                        log(f"  server {self.name}: {self.base} (pid {self.process.pid}, db {self.db})")
                        return
                except OSError:
                    pass
                time.sleep(0.1)
            self.stop()
            last = self.log_tail()
        raise RuntimeError(f"qamtu serve ({self.name}) did not answer /health:\n{last}")

    def stop(self) -> None:
        """SIGTERM (graceful shutdown), then SIGKILL after 10 s."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "_log", None):
            self._log.close()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_text(self) -> str:
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def log_size(self) -> int:
        return os.path.getsize(self.log_path)

    def access_lines(self, since: int = 0) -> list[str]:
        """Access lines (`METHOD PATH STATUS MS ms`) written after byte offset `since` of the log."""
        with open(self.log_path, "rb") as f:
            f.seek(since)
            text = f.read().decode("utf-8", "replace")
        out = []
        for line in text.splitlines():
            parts = line.split()
            # swift-log's StreamLogHandler: "… info qamtu.serve: METHOD PATH STATUS 1.2 ms"
            if len(parts) >= 5 and parts[-1] == "ms" and parts[-3].isdigit() and parts[-5] in ("GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH"):
                out.append(" ".join(parts[-5:]))
        return out


def request(port: int, method: str, target: str, headers: dict | None = None, body: bytes | None = None,
            timeout: float = 30) -> tuple[int, dict, bytes]:
    """One request with http.client, the target sent as given (no quoting)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        r = conn.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        conn.close()


def raw_request(port: int, data: bytes, timeout: float = 10) -> tuple[int | None, dict, bytes, bytes]:
    """Sends `data` as is on a new connection and reads the answer until the server closes or the
    response is complete. Returns (status or None when the server closed without an answer,
    headers, body, the raw bytes read)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        raw = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                raw += chunk
                if _complete(raw):
                    break
        except (ConnectionResetError, socket.timeout):
            pass
    return _parse(raw) + (raw,)


def _complete(raw: bytes) -> bool:
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        return False
    headers = {}
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        headers[k.strip().lower()] = v.strip()
    if b"content-length" in headers:
        return len(body) >= int(headers[b"content-length"])
    if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
        return body.endswith(b"0\r\n\r\n")
    return False


def _parse(raw: bytes) -> tuple[int | None, dict, bytes]:
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        return None, {}, b""
    lines = head.split(b"\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        return None, {}, b""
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        headers[k.strip().lower().decode("latin-1")] = v.strip().decode("latin-1")
    if headers.get("transfer-encoding", "").lower() == "chunked":
        out, rest = b"", body
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0] or b"0", 16)
            if size == 0:
                break
            out, rest = out + rest[:size], rest[size + 2:]
        body = out
    return status, headers, body


def get_json(port: int, target: str, headers: dict | None = None) -> tuple[int, object]:
    status, _, body = request(port, "GET", target, headers)
    return status, json.loads(body)


@dataclass
class Context:
    """What every check gets: the servers, tools, files and the place to report."""
    qamtu: str
    work: str
    demo: Server
    demo_db: str
    bench: Server | None
    bench_db: str | None
    bench_missing: str | None            # why there is no bench M server, when there is none
    venv_bin: str
    results: list = field(default_factory=list)   # (check, outcome, message)
    measures: dict = field(default_factory=dict)
    check: str = ""

    def passed(self, message: str) -> None:
        self.results.append((self.check, "passed", message))
        log(f"  PASS {self.check}: {message}")

    def failed(self, message: str) -> None:
        self.results.append((self.check, "failed", message))
        log(f"  FAIL {self.check}: {message}")

    def skipped(self, message: str) -> None:
        """A check that cannot run here; with CI=true a failure instead."""
        if ci_requires_everything():
            self.failed(f"{message} (CI=true: missing prerequisites fail instead of skipping)")
        else:
            self.results.append((self.check, "skipped", message))
            log(f"  SKIP {self.check}: {message}")

    def finding(self, message: str) -> None:
        """Something a client met that the server should improve, which does not fail the stage (it is
        listed in the summary; each is a known issue of the server, see the README)."""
        self.results.append((self.check, "finding", message))
        log(f"  FINDING {self.check}: {message}")

    def expect(self, ok: bool, message: str) -> bool:
        (self.passed if ok else self.failed)(message)
        return ok

    def qamtu_run(self, *args: str, db: str) -> bytes:
        r = subprocess.run([self.qamtu, *args, "--db", db], capture_output=True)
        if r.returncode != 0:
            raise RuntimeError(f"qamtu {' '.join(args)} failed ({r.returncode}): {r.stderr.decode(errors='replace')}")
        return r.stdout
