#!/usr/bin/env python3
"""Service applications under load and under SIGKILL (issue 17): `qamtu serve --writable` against real HTTP clients.

    python3 Scripts/test-applications.py --qamtu "$(swift build --show-bin-path)/qamtu" [--seconds 30]
        [--crash-runs 10] [--min-writes-per-second 500] [--clients 32] [--db FILE] [--seed N] [--keep]
    python3 Scripts/test-applications.py --qamtu QAMTU --postgres-url postgresql://user@/dbname?host=/run/dir
        [--psql /usr/lib/postgresql/15/bin/psql] [...]           # two servers on one PostGIS database (issue 19)
    python3 Scripts/test-applications.py --self-test      # offline: IIN generator, arguments, database checker

Python 3.9+, standard library only.

Setup: a fresh database (`qamtu init`, `qamtu import services GeoData/services.csv`), one applicant user, one
provider user per provider organisation of services.csv (`--organisation` = the `provider` column) and an admin,
each through `qamtu users add`, whose stdout is the bearer token alone.

Load: `qamtu serve --writable` on a free port of 127.0.0.1; after /health answers 200, N client threads, each with
one keep-alive http.client connection, loop for --seconds: POST /applications (a fictitious applicant with a valid
IIN, at a random point of lon 69.0–75.5, lat 42.5–45.5) -> 201; then the provider of the service's organisation
moves it received -> in_progress -> approved | returned, and now and then the applicant resubmits returned ->
received. Each 2xx POST is an acknowledged write. Every status is checked exactly. Now and then a client also
checks that a stale If-Match answers 412, that the applicant and another organisation's provider get 403, that
approved -> in_progress answers 409, and that GET /applications/{id} (as the admin) and its /events agree with
what it wrote: the submitted properties and point, the version and ETag of the last write, the moves, and `by`
equal to the user names given to `qamtu users add`. Prints writes/s and p50/p99 write latency; fails below
--min-writes-per-second. Then the server is stopped (SIGTERM) and the database is checked (below).

Crash: --crash-runs times on the same database, the server is started, the clients run, and the server is killed
with SIGKILL 1–4 s later. A write counts only when its whole response was read and checked. The database is then
opened with sqlite3 and checked:
  * PRAGMA integrity_check is `ok`;
  * every acknowledged application exists, and its events' to_status sequence (by seq) begins with `received`
    followed by every acknowledged transition in order (each client owns its applications, so nothing else
    writes to them); it has at least as many events as its highest acknowledged version;
  * when versions count events (found from the load phase: one version at creation, 0 or 1, and +1 per
    transition), each acknowledged (to, version) is the event at that position, and the stored version agrees
    with the number of events;
  * every application of the database replays: its first event is NULL -> received, each event's from_status
    is the previous to_status, each move is in the workflow, and the last to_status is the stored status; no
    event refers to a missing application.
After the last run the server is started once more and a sample of applications is read back over HTTP.

PostGIS (--postgres-url URL, an empty database): "several servers, one database". The same setup through
`qamtu init/import/users --db URL`; then two `qamtu serve --writable` on the database, the clients split between
them (even clients on the first, odd on the second), for --seconds, and the second server is SIGKILLed half way
through (its clients stop; the first server's go on to the end). The database is then read with psql (--psql) and
checked as above (without PRAGMA integrity_check, which PostgreSQL has no counterpart of: its own constraints,
foreign keys and the append-only triggers hold the tables) for every write acknowledged by either server; a sample
is read back over HTTP from the surviving server as the admin. Each crash run then starts two servers again and
SIGKILLs one after 1–4 s and the other one second later, and the database is checked again.

The server is killed on any exit (failure, Ctrl-C, SIGTERM); the temp folder is removed unless --keep. Exits 1 on
any failure, with one line per failure (the first ones) and a summary.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import datetime
import http.client
import io
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LON_RANGE = (69.0, 75.5)
LAT_RANGE = (42.5, 45.5)
WORKFLOW = {(None, "received"), ("received", "in_progress"), ("in_progress", "approved"),
            ("in_progress", "returned"), ("returned", "received")}
ETAG = re.compile(r'(W/)?"[\x21\x23-\x7e\x80-\xff]*"')
TOKEN = re.compile(r"[A-Za-z0-9._~+/=-]+")
HEALTH_TIMEOUT_SECONDS = 60
HTTP_TIMEOUT_SECONDS = 30
PRINTED_FAILURES = 40

# How often a client adds a check to its loop (per opportunity).
P_STALE_IF_MATCH = 0.05
P_WRONG_ROLE = 0.03
P_FORBIDDEN_TRANSITION = 0.03
P_READ_BACK = 0.05
P_RETURN = 0.3
P_RESUBMIT = 0.5


SHUTDOWN = threading.Event()  # the script is exiting: client errors from now on are expected


class Interrupted(Exception):
    """SIGTERM (SIGINT arrives as KeyboardInterrupt)."""


def log(message=""):
    print(message, flush=True)


# ---------------------------------------------------------------------------------------------
# Fictitious applicants. Kazakh IIN: YYMMDD, a century/sex digit (1/2: 1800s, 3/4: 1900s, 5/6: 2000s; odd for
# men), a 4-digit serial, a control digit (weights 1..11 mod 11; if 10, weights 3..11,1,2 mod 11; if 10 again, no
# IIN has these 11 digits).


def iin_control_digit(first11: str):
    """The control digit of an IIN's first 11 digits, or None when these digits cannot form an IIN."""
    digits = [int(c) for c in first11]
    if len(digits) != 11:
        raise ValueError(f"{first11!r}: an IIN has 11 digits before its control digit")
    control = sum(d * w for d, w in zip(digits, range(1, 12))) % 11
    if control == 10:
        control = sum(d * w for d, w in zip(digits, (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2))) % 11
        if control == 10:
            return None
    return control


def iin_is_valid(iin: str) -> bool:
    """Whether `iin` is 12 digits with a real birth date, a century/sex digit 1–6 and the right control digit."""
    if not re.fullmatch(r"\d{12}", iin):
        return False
    century = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}.get(iin[6])
    if century is None:
        return False
    try:
        datetime.date(century + int(iin[:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return False
    return iin_control_digit(iin[:11]) == int(iin[11])


def make_iin(rng: random.Random, birth: datetime.date, male: bool) -> str:
    """A valid IIN for someone born on `birth` (1800–2099); serials without a control digit are redrawn."""
    first = {18: 1, 19: 3, 20: 5}[birth.year // 100] + (0 if male else 1)
    while True:
        first11 = birth.strftime("%y%m%d") + str(first) + "%04d" % rng.randrange(10_000)
        control = iin_control_digit(first11)
        if control is not None:
            return first11 + str(control)


GIVEN = {True: ["Нұрлан", "Ерлан", "Асхат", "Дәурен", "Қайрат", "Серік", "Мұрат", "Ғалым"],
         False: ["Айгүл", "Гүлнар", "Динара", "Әсел", "Салтанат", "Мөлдір", "Аружан", "Сәуле"]}
SURNAMES = ["Сейітов", "Омаров", "Жұмабаев", "Есенов", "Қасымов", "Тұрсынов", "Ахметов", "Оспанов"]
FATHERS = ["Қайрат", "Серік", "Болат", "Ерлан", "Асқар", "Бақыт"]
REQUESTS = ["Connection of a private house, {} kW", "Water supply for a house, {} m³/day",
            "Gas supply for a boiler room, {} m³/h", "Fibre internet for an office, {} Mbit/s"]


def random_point(rng: random.Random):
    """[lon, lat] in Zhambyl oblast's box, 6 decimals (RFC 7946 order)."""
    return [round(rng.uniform(*LON_RANGE), 6), round(rng.uniform(*LAT_RANGE), 6)]


def random_application(rng: random.Random, service_id: str) -> dict:
    """The GeoJSON Feature a client POSTs to /applications: an invented applicant, a valid IIN."""
    male = rng.random() < 0.5
    surname = rng.choice(SURNAMES) + ("" if male else "а")
    name = f"{surname} {rng.choice(GIVEN[male])} {rng.choice(FATHERS)}{'ұлы' if male else 'қызы'}"
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(20_000))
    n = rng.randrange(1_000_000)
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": random_point(rng)},
            "properties": {"service_id": service_id, "applicant_name": name,
                           "applicant_iin": make_iin(rng, birth, male),
                           "applicant_phone": "+77" + rng.choice(["00", "01", "02", "05", "07", "47", "71", "77"])
                           + "%07d" % rng.randrange(10_000_000),
                           "applicant_email": f"applicant{n:06d}@example.kz",
                           "note": rng.choice(REQUESTS).format(rng.choice([5, 10, 15, 20, 30]))}}


# ---------------------------------------------------------------------------------------------
# Failures (shared by the client threads)


class Failures:
    def __init__(self):
        self._lock = threading.Lock()
        self.messages = []

    def add(self, message: str):
        with self._lock:
            self.messages.append(message)
            if len(self.messages) <= PRINTED_FAILURES:
                print(f"FAIL {message}", flush=True)
            elif len(self.messages) == PRINTED_FAILURES + 1:
                print("FAIL … (further failures are counted, not printed)", flush=True)

    def __len__(self):
        with self._lock:
            return len(self.messages)


class Unexpected(Exception):
    """The server answered something the contract does not allow."""


# ---------------------------------------------------------------------------------------------
# The qamtu CLI and the database


def provider_slug(provider: str) -> str:
    """`Aulie-Ata Water Utility` -> `aulie-ata-water-utility` (as GeoData/make_applications.py names users)."""
    return re.sub(r"[^a-z0-9]+", "-", provider.lower()).strip("-")


@dataclasses.dataclass
class Setup:
    services: list            # service ids
    organisation: dict        # service id -> provider organisation
    applicant: tuple          # (user name, token)
    providers: dict           # organisation -> (user name, token)
    admin: tuple              # (user name, token)


def read_services(path: str):
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if not rows or any(not r.get("id") or not r.get("provider") for r in rows):
        raise SystemExit(f"{path}: expected rows with `id` and `provider` columns")
    return {r["id"]: r["provider"] for r in rows}


def run_qamtu(binary: str, *args: str) -> str:
    r = subprocess.run([binary, *args], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        raise SystemExit(f"`qamtu {' '.join(args)}` failed with exit code {r.returncode}:\n{r.stdout}{r.stderr}")
    return r.stdout


def add_user(binary: str, db: str, name: str, role: str, organisation=None):
    args = ["users", "add", name, "--role", role] + (["--organisation", organisation] if organisation else [])
    out = run_qamtu(binary, *args, "--db", db)
    token = out.strip()
    if not TOKEN.fullmatch(token) or out.count("\n") > 1:
        raise SystemExit(f"`qamtu {' '.join(args)}` should print the token alone on stdout, printed {out!r}")
    return name, token


def set_up_database(binary: str, db: str, services_csv: str) -> Setup:
    organisation = read_services(services_csv)
    run_qamtu(binary, "init", "--db", db)
    run_qamtu(binary, "import", "services", services_csv, "--db", db)
    providers = {org: add_user(binary, db, "provider-" + provider_slug(org), "provider", org)
                 for org in sorted(set(organisation.values()))}
    return Setup(services=sorted(organisation), organisation=organisation,
                 applicant=add_user(binary, db, "applicant-load", "applicant"),
                 providers=providers, admin=add_user(binary, db, "admin-load", "admin"))


# ---------------------------------------------------------------------------------------------
# The server process


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`qamtu serve --writable` in a session of its own; every instance is killed by `kill_all` on exit."""
    running: list = []

    def __init__(self, binary: str, db: str, log_path: str):
        self.port = free_port()
        self.log_path = log_path
        self._log = open(log_path, "ab")
        self.proc = subprocess.Popen(
            [binary, "serve", "--db", db, "--writable", "--host", "127.0.0.1", "--port", str(self.port)],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log, start_new_session=True)
        Server.running.append(self)
        deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"qamtu serve exited with code {self.proc.returncode} before answering /health\n"
                                 + self.log_tail())
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                try:
                    conn.request("GET", "/health")
                    if conn.getresponse().status == 200:
                        return
                finally:
                    conn.close()
            except (OSError, http.client.HTTPException):
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise SystemExit(f"qamtu serve did not answer /health with 200 in {HEALTH_TIMEOUT_SECONDS} s\n"
                                 + self.log_tail())
            time.sleep(0.05)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self):
        """SIGKILL, then reap."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._close()

    def stop(self) -> bool:
        """SIGTERM and wait up to 15 s (then SIGKILL); whether it stopped on SIGTERM."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
                return False
        self._close()
        return True

    def _close(self):
        if self in Server.running:
            Server.running.remove(self)
        self._log.close()

    def log_tail(self, lines=25) -> str:
        try:
            with open(self.log_path, "rb") as fh:
                text = fh.read().decode("utf-8", "replace").splitlines()[-lines:]
        except OSError:
            return ""
        return f"last lines of {self.log_path}:\n  " + "\n  ".join(text)

    @classmethod
    def kill_all(cls):
        for server in list(cls.running):
            server.kill()


# ---------------------------------------------------------------------------------------------
# HTTP


@dataclasses.dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    seconds: float


class Client:
    """One keep-alive connection (http.client reopens it if the server closes it)."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT_SECONDS)

    def send(self, method: str, path: str, body=None, headers=None) -> Response:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        start = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=headers or {})
            r = self.conn.getresponse()
            payload = r.read()
        except BaseException:
            self.conn.close()
            raise
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, payload, time.perf_counter() - start)

    def close(self):
        self.conn.close()


def snippet(body: bytes) -> str:
    text = body[:300].decode("utf-8", "replace")
    return text + ("…" if len(body) > 300 else "")


def expect_status(r: Response, expected: int, what: str):
    if r.status != expected:
        raise Unexpected(f"{what}: HTTP {r.status}, expected {expected}; body: {snippet(r.body)}")


def parse_feature(r: Response, what: str, status: str) -> tuple:
    """(id, version, etag) of an application Feature answer, after checking its shape and status."""
    if "json" not in r.headers.get("content-type", ""):
        raise Unexpected(f"{what}: Content-Type {r.headers.get('content-type')!r} is not JSON")
    try:
        feature = json.loads(r.body)
    except ValueError as e:
        raise Unexpected(f"{what}: the body is not JSON ({e}): {snippet(r.body)}")
    props = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(props, dict) or feature.get("type") != "Feature":
        raise Unexpected(f"{what}: not a GeoJSON Feature: {snippet(r.body)}")
    app_id = feature.get("id")
    if not isinstance(app_id, str) or not app_id or props.get("id") != app_id:
        raise Unexpected(f"{what}: id {app_id!r} and properties.id {props.get('id')!r} should be the same string")
    if props.get("status") != status:
        raise Unexpected(f"{what}: status {props.get('status')!r}, expected {status!r}")
    version = props.get("version")
    if type(version) is not int:
        raise Unexpected(f"{what}: properties.version {version!r} is not an integer")
    etag = r.headers.get("etag", "")
    if not ETAG.fullmatch(etag):
        raise Unexpected(f"{what}: ETag {etag!r} is not a quoted string")
    return app_id, version, etag


# ---------------------------------------------------------------------------------------------
# The clients


@dataclasses.dataclass
class Acknowledged:
    """One application's acknowledged writes: the 201 (its version) and each 200 transition (to, version)."""
    app_id: str
    created_version: int
    transitions: list = dataclasses.field(default_factory=list)

    def versions(self):
        return [self.created_version] + [v for _, v in self.transitions]


@dataclasses.dataclass
class Stats:
    writes: int = 0
    latencies: list = dataclasses.field(default_factory=list)
    checks: dict = dataclasses.field(default_factory=dict)

    def checked(self, what):
        self.checks[what] = self.checks.get(what, 0) + 1


class Phase:
    """What the clients of one server run share."""

    def __init__(self, setup: Setup, port: int, failures: Failures, deadline=None):
        self.setup, self.port, self.failures, self.deadline = setup, port, failures, deadline
        self.abort = threading.Event()   # a client failed: every client stops
        self.killed = threading.Event()  # the server is being SIGKILLed on purpose: errors from now on are expected


class Worker(threading.Thread):
    def __init__(self, phase: Phase, seed: int, name: str):
        super().__init__(name=name, daemon=True)
        self.phase, self.rng = phase, random.Random(seed)
        self.acknowledged, self.stats = [], Stats()

    def run(self):
        client = Client(self.phase.port)
        try:
            while not self.phase.abort.is_set():
                if self.phase.deadline is not None and time.monotonic() >= self.phase.deadline:
                    break
                self.one_application(client)
        except Unexpected as e:
            # A response cut short by the kill (or by the script's own exit) is no failure.
            if not self.phase.killed.is_set() and not SHUTDOWN.is_set():
                self.phase.failures.add(f"{self.name}: {e}")
                self.phase.abort.set()
        except (OSError, http.client.HTTPException) as e:
            if not self.phase.killed.is_set() and not SHUTDOWN.is_set():
                self.phase.failures.add(f"{self.name}: connection error while the server should be up: {e!r}")
                self.phase.abort.set()
        except Exception:  # a bug of this script: report it, do not hang
            self.phase.failures.add(f"{self.name}: {traceback.format_exc()}")
            self.phase.abort.set()
        finally:
            client.close()

    # One application's life: submit, review, maybe return and resubmit, decide.
    def one_application(self, client: Client):
        setup, rng = self.phase.setup, self.rng
        service_id = rng.choice(setup.services)
        organisation = setup.organisation[service_id]
        provider = setup.providers[organisation][1]
        applicant = setup.applicant[1]

        submitted = random_application(rng, service_id)
        r = self.write(client, "/applications", submitted, applicant, "application/geo+json", None, 201,
                       "POST /applications")
        app_id, version, etag = parse_feature(r, "POST /applications", "received")
        location = r.headers.get("location", "")
        if not location.endswith("/applications/" + urllib.parse.quote(app_id, safe="")):
            raise Unexpected(f"POST /applications: Location {location!r} does not name application {app_id}")
        app = Acknowledged(app_id, version)
        self.acknowledged.append(app)
        self.count(r)
        path = f"/applications/{urllib.parse.quote(app_id, safe='')}/transitions"
        state, stale = "received", []

        def move(token, to, note):
            nonlocal state, version, etag
            what = f"POST {path} {state} -> {to}"
            if stale and rng.random() < P_STALE_IF_MATCH:
                self.write(client, path, {"to": to, "note": note}, token, "application/json", rng.choice(stale),
                           412, what + " with a stale If-Match")
                self.stats.checked("412 stale If-Match")
            r = self.write(client, path, {"to": to, "note": note}, token, "application/json", etag, 200, what)
            _, new_version, new_etag = parse_feature(r, what, to)
            if new_version <= version:
                raise Unexpected(f"{what}: version {new_version} after {version}: versions must grow")
            if new_etag == etag:
                raise Unexpected(f"{what}: the ETag {etag} did not change with the version")
            app.transitions.append((to, new_version))
            self.count(r)
            stale.append(etag)
            state, version, etag = to, new_version, new_etag

        resubmissions = 0
        while True:
            if rng.random() < P_WRONG_ROLE:
                self.wrong_role(client, path, organisation, etag)
            move(provider, "in_progress", rng.choice([None, "Accepted for review"]))
            if rng.random() < P_RETURN:
                move(provider, "returned", "Missing document: site plan")
                if resubmissions < 2 and rng.random() < P_RESUBMIT:
                    resubmissions += 1
                    move(applicant, "received", rng.choice([None, "Documents added"]))
                    continue
            else:
                move(provider, "approved", rng.choice([None, "Technical conditions issued"]))
                if rng.random() < P_FORBIDDEN_TRANSITION:
                    self.write(client, path, {"to": "in_progress", "note": None}, provider, "application/json",
                               etag, 409, f"POST {path} approved -> in_progress (not in the workflow)")
                    self.stats.checked("409 forbidden transition")
            break
        if rng.random() < P_READ_BACK:
            self.read_back(client, app, submitted, organisation, state, version, etag)

    def wrong_role(self, client: Client, path: str, organisation: str, etag: str):
        """received -> in_progress by the applicant, then by a provider of another organisation: 403 each."""
        setup = self.phase.setup
        body = {"to": "in_progress", "note": None}
        self.write(client, path, body, setup.applicant[1], "application/json", etag, 403,
                   f"POST {path} received -> in_progress by the applicant")
        others = [org for org in setup.providers if org != organisation]
        if others:
            self.write(client, path, body, setup.providers[self.rng.choice(others)][1], "application/json", etag,
                       403, f"POST {path} received -> in_progress by a provider of another organisation")
        self.stats.checked("403 wrong role")

    def read_back(self, client, app: Acknowledged, submitted: dict, organisation: str, state, version, etag):
        """GET the application and its events: they must be exactly what this client wrote."""
        path = f"/applications/{urllib.parse.quote(app.app_id, safe='')}"
        r = self.get(client, path)
        _, got_version, got_etag = parse_feature(r, f"GET {path}", state)
        if (got_version, got_etag) != (version, etag):
            raise Unexpected(f"GET {path}: version {got_version}, ETag {got_etag}; the last write answered "
                             f"version {version}, ETag {etag}")
        feature = json.loads(r.body)
        for key, value in submitted["properties"].items():
            if feature["properties"].get(key) != value:
                raise Unexpected(f"GET {path}: {key} {feature['properties'].get(key)!r}, submitted {value!r}")
        got = (feature.get("geometry") or {}).get("coordinates")
        want = submitted["geometry"]["coordinates"]
        if (not isinstance(got, list) or len(got) != 2
                or any(not isinstance(g, (int, float)) or abs(g - w) > 1e-9 for g, w in zip(got, want))):
            raise Unexpected(f"GET {path}: coordinates {got!r}, submitted {want!r}")

        r = self.get(client, path + "/events")
        try:
            events = json.loads(r.body)["events"]
            moves = [(e["from"], e["to"]) for e in events]
            users = [e["by"] for e in events]
            for e in events:
                if not isinstance(e["at"], str) or not (e["note"] is None or isinstance(e["note"], str)):
                    raise TypeError("at must be a string, note a string or null")
        except (ValueError, KeyError, TypeError) as e:
            raise Unexpected(f"GET {path}/events: expected {{\"events\": [{{at, by, from, to, note}}, …]}} ({e!r}): "
                             f"{snippet(r.body)}")
        tos = ["received"] + [to for to, _ in app.transitions]
        expected = list(zip([None] + tos[:-1], tos))
        if moves != expected:
            raise Unexpected(f"GET {path}/events: moves {moves}, expected {expected}")
        setup = self.phase.setup
        want_users = [setup.applicant[0] if to == "received" else setup.providers[organisation][0] for to in tos]
        if users != want_users:
            raise Unexpected(f"GET {path}/events: by {users}, expected {want_users}")
        self.stats.checked("read back")

    def get(self, client: Client, path: str) -> Response:
        r = client.send("GET", path, headers={"Authorization": "Bearer " + self.phase.setup.admin[1]})
        expect_status(r, 200, f"GET {path}")
        return r

    def write(self, client, path, body, token, content_type, if_match, expected, what) -> Response:
        headers = {"Authorization": "Bearer " + token, "Content-Type": content_type}
        if if_match is not None:
            headers["If-Match"] = if_match
        r = client.send("POST", path, body, headers)
        expect_status(r, expected, what)
        return r

    def count(self, r: Response):
        self.stats.writes += 1
        self.stats.latencies.append(r.seconds)


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list (p in 0–100)."""
    if not sorted_values:
        return float("nan")
    return sorted_values[max(0, math.ceil(p / 100 * len(sorted_values)) - 1)]


def join_all(workers, timeout):
    deadline = time.monotonic() + timeout
    for w in workers:
        w.join(max(0.0, deadline - time.monotonic()))
    return [w for w in workers if w.is_alive()]


def collect(workers):
    acknowledged, stats = [], Stats()
    for w in workers:
        acknowledged += w.acknowledged
        stats.writes += w.stats.writes
        stats.latencies += w.stats.latencies
        for k, v in w.stats.checks.items():
            stats.checks[k] = stats.checks.get(k, 0) + v
    stats.latencies.sort()
    return acknowledged, stats


# ---------------------------------------------------------------------------------------------
# The database after the server is gone


@dataclasses.dataclass
class VersionScheme:
    """Versions count events: the creation has `created`, each transition adds 1."""
    created: int

    def position(self, version):
        return version - self.created


def detect_scheme(acknowledged):
    """A VersionScheme when every acknowledged application fits one, else None (and why)."""
    if not acknowledged:
        return None, "no acknowledged writes"
    created = {a.created_version for a in acknowledged}
    steps = {b - a for app in acknowledged for a, b in zip(app.versions(), app.versions()[1:])}
    if len(created) == 1 and created <= {0, 1} and steps <= {1}:
        return VersionScheme(created.pop()), None
    return None, f"creation versions {sorted(created)[:5]}, steps {sorted(steps)[:5]}"


APPLICATIONS_SQL = "SELECT id, fid, status, version FROM applications"
EVENTS_SQL = ("SELECT application_fid, seq, from_status, to_status, at FROM application_events "
              "ORDER BY application_fid, seq")
PSQL = "/usr/lib/postgresql/15/bin/psql"
NULL_MARK = "<NULL>"


def is_postgres_url(db: str) -> bool:
    return db.startswith("postgresql://") or db.startswith("postgres://")


def psql_rows(psql: str, url: str, sql: str):
    """The rows of `sql` through psql (tab-separated, NULL as None); raises RuntimeError when psql fails."""
    r = subprocess.run([psql, "--no-psqlrc", "-X", "-q", "-A", "-t", "-F", "\t", "-P", f"null={NULL_MARK}",
                        "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                       capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        raise RuntimeError(f"psql exited with {r.returncode}: {r.stderr.strip()[:300]}")
    return [[None if cell == NULL_MARK else cell for cell in line.split("\t")] for line in r.stdout.splitlines() if line]


def read_tables(db: str, psql: str):
    """(integrity problems, {id: (fid, status, version)}, {fid: [(seq, from, to, at)]}) of a SQLite file or PostGIS."""
    problems, apps, events = [], {}, {}
    if is_postgres_url(db):
        for app_id, fid, status, version in psql_rows(psql, db, APPLICATIONS_SQL):
            apps[app_id] = (int(fid), status, int(version))
        for fid, seq, from_status, to_status, at in psql_rows(psql, db, EVENTS_SQL):
            events.setdefault(int(fid), []).append((int(seq), from_status, to_status, at))
        return problems, apps, events
    con = sqlite3.connect(db)
    try:
        integrity = [row[0] for row in con.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            problems.append(f"PRAGMA integrity_check: {integrity[:5]}")
        apps = {row[0]: row[1:] for row in con.execute(APPLICATIONS_SQL)}
        for fid, seq, from_status, to_status, at in con.execute(EVENTS_SQL):
            events.setdefault(fid, []).append((seq, from_status, to_status, at))
    finally:
        con.close()
    return problems, apps, events


def check_database(db: str, acknowledged, scheme, psql: str = PSQL):
    """Failures (strings) of the database against the acknowledged writes and the workflow, and its figures."""
    try:
        failures, apps, events = read_tables(db, psql)
    except (sqlite3.Error, RuntimeError, OSError, ValueError) as e:
        return [f"reading {redacted(db)}: {e}"], {}

    # Every application replays to its stored status.
    fids = set()
    for app_id, (fid, status, version) in apps.items():
        fids.add(fid)
        history = events.get(fid, [])
        if not history:
            failures.append(f"application {app_id}: no events")
            continue
        previous = None
        for seq, from_status, to_status, _ in history:
            if from_status != previous:
                failures.append(f"application {app_id}: event seq {seq} is {from_status} -> {to_status} "
                                f"but the previous event ended in {previous}")
            elif (from_status, to_status) not in WORKFLOW:
                failures.append(f"application {app_id}: event seq {seq} {from_status} -> {to_status} "
                                "is not a move of the workflow")
            previous = to_status
        if previous != status:
            failures.append(f"application {app_id}: its events end in {previous}, its status is {status}")
        if scheme and version != scheme.created + len(history) - 1:
            failures.append(f"application {app_id}: version {version} with {len(history)} events "
                            f"(versions count events from {scheme.created})")
        times = [at for *_, at in history]
        if times != sorted(times, key=time_key):
            failures.append(f"application {app_id}: events not in time order by seq: {times}")
    orphans = set(events) - fids
    if orphans:
        failures.append(f"{len(orphans)} application_fid values of application_events have no application, "
                        f"e.g. {sorted(orphans, key=str)[:5]}")

    # Every acknowledged write is there.
    missing = 0
    for app in acknowledged:
        row = apps.get(app.app_id)
        if row is None:
            missing += 1
            if missing <= 10:
                failures.append(f"acknowledged application {app.app_id} is missing")
            continue
        fid, status, version = row
        history = events.get(fid, [])
        tos = [to for _, _, to, _ in history]
        expected = ["received"] + [to for to, _ in app.transitions]
        if tos[:len(expected)] != expected:
            failures.append(f"application {app.app_id}: events {tos}, the acknowledged writes were {expected}")
        highest = max(app.versions())
        if len(history) < highest:
            failures.append(f"application {app.app_id}: {len(history)} events, acknowledged version {highest}")
        if not isinstance(version, int) or version < highest:
            failures.append(f"application {app.app_id}: stored version {version!r}, acknowledged {highest}")
        if scheme:
            for to, v in [("received", app.created_version)] + app.transitions:
                i = scheme.position(v)
                if not 0 <= i < len(history):
                    failures.append(f"application {app.app_id}: acknowledged {to} at version {v}, but it has "
                                    f"{len(history)} events")
                elif history[i][2] != to:
                    failures.append(f"application {app.app_id}: acknowledged {to} at version {v}, but event "
                                    f"{i + 1} of {len(history)} is {history[i][2]}")
    if missing > 10:
        failures.append(f"… {missing} acknowledged applications are missing in all")
    figures = {"applications": len(apps), "events": sum(len(h) for h in events.values()),
               "status": {app_id: row[1] for app_id, row in apps.items()},
               "version": {app_id: row[2] for app_id, row in apps.items()}}
    return failures, figures


def time_key(at):
    """Sort key for an event time: numbers as they are, ISO 8601 strings as instants, anything else as text."""
    if isinstance(at, (int, float)):
        return (0, at, "")
    if isinstance(at, str):
        try:
            return (0, datetime.datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp(), "")
        except ValueError:
            return (1, 0, at)
    return (2, 0, repr(at))


# ---------------------------------------------------------------------------------------------
# Phases


def run_clients(phase: Phase, clients: int, seed: int, label: str):
    return [Worker(phase, seed * 1000 + i, f"{label}/client-{i + 1:02d}") for i in range(clients)]


def load_phase(args, setup, db, work, failures):
    log(f"\n== load: {args.clients} clients for {args.seconds} s")
    server = Server(args.qamtu, db, os.path.join(work, "serve-load.log"))
    start = time.monotonic()
    phase = Phase(setup, server.port, failures, deadline=start + args.seconds)
    workers = run_clients(phase, args.clients, args.seed, "load")
    for w in workers:
        w.start()
    hung = join_all(workers, args.seconds + 2 * HTTP_TIMEOUT_SECONDS)
    elapsed = time.monotonic() - start
    if hung:
        failures.add(f"load: {len(hung)} clients still busy {elapsed:.0f} s after the start")
    if not server.alive():
        failures.add(f"load: qamtu serve exited by itself with code {server.proc.returncode}\n{server.log_tail()}")
    if not server.stop():
        log("note: qamtu serve did not stop within 15 s of SIGTERM and was killed")
    acknowledged, stats = collect(workers)
    working = len(failures) == 0  # before the rate is judged: a slow server is still worth crashing
    rate = stats.writes / elapsed if elapsed > 0 else 0.0
    lat = stats.latencies
    log(f"load: {stats.writes:,} acknowledged writes ({len(acknowledged):,} applications) in {elapsed:.1f} s = "
        f"{rate:,.0f} writes/s; latency p50 {percentile(lat, 50) * 1000:.1f} ms, p99 {percentile(lat, 99) * 1000:.1f} ms;"
        f" checks: {format_checks(stats.checks)}")
    if rate < args.min_writes_per_second:
        failures.add(f"load: {rate:,.0f} writes/s is below --min-writes-per-second {args.min_writes_per_second:g}")
    return acknowledged, working


def crash_run(args, setup, db, work, failures, n, rng):
    server = Server(args.qamtu, db, os.path.join(work, f"serve-crash-{n:02d}.log"))
    phase = Phase(setup, server.port, failures)
    workers = run_clients(phase, args.clients, args.seed + n, f"crash {n}")
    start = time.monotonic()
    for w in workers:
        w.start()
    delay = rng.uniform(1.0, 4.0)
    time.sleep(max(0.0, start + delay - time.monotonic()))
    if not server.alive():
        failures.add(f"crash run {n}: qamtu serve exited by itself with code {server.proc.returncode} "
                     f"before the kill\n{server.log_tail()}")
    phase.killed.set()
    server.kill()
    hung = join_all(workers, 2 * HTTP_TIMEOUT_SECONDS)
    if hung:
        failures.add(f"crash run {n}: {len(hung)} clients did not notice the dead server")
    acknowledged, stats = collect(workers)
    return acknowledged, stats, delay


def split_workers(args, setup, failures, servers, deadline, seed, label):
    """One Phase per server and the clients split between them (client i on server i mod len(servers))."""
    phases = [Phase(setup, server.port, failures, deadline=deadline) for server in servers]
    workers = [Worker(phases[i % len(phases)], seed * 1000 + i, f"{label}/{'ab'[i % len(phases)]}-client-{i + 1:02d}")
               for i in range(args.clients)]
    return phases, workers


def two_server_load_phase(args, setup, db, work, failures):
    """Two servers on one PostGIS database, the second SIGKILLed half way; returns the survivor (still running)."""
    log(f"\n== load: {args.clients} clients on two servers for {args.seconds} s, the second SIGKILLed after "
        f"{args.seconds / 2:g} s")
    servers = [Server(args.qamtu, db, os.path.join(work, f"serve-load-{name}.log")) for name in "ab"]
    start = time.monotonic()
    phases, workers = split_workers(args, setup, failures, servers, start + args.seconds, args.seed, "load")
    for w in workers:
        w.start()
    time.sleep(max(0.0, start + args.seconds / 2 - time.monotonic()))
    if not servers[1].alive():
        failures.add(f"load: the second qamtu serve exited by itself with code {servers[1].proc.returncode}\n"
                     f"{servers[1].log_tail()}")
    phases[1].killed.set()
    servers[1].kill()
    killed_after = time.monotonic() - start
    hung = join_all(workers, args.seconds + 2 * HTTP_TIMEOUT_SECONDS)
    elapsed = time.monotonic() - start
    if hung:
        failures.add(f"load: {len(hung)} clients still busy {elapsed:.0f} s after the start")
    if not servers[0].alive():
        failures.add(f"load: the surviving qamtu serve exited with code {servers[0].proc.returncode}\n"
                     f"{servers[0].log_tail()}")
    acknowledged, stats = collect(workers)
    by_server = [sum(w.stats.writes for w in workers if w.phase is phase) for phase in phases]
    working = len(failures) == 0
    rate = stats.writes / elapsed if elapsed > 0 else 0.0
    lat = stats.latencies
    log(f"load: {stats.writes:,} acknowledged writes ({len(acknowledged):,} applications; {by_server[0]:,} through "
        f"the survivor, {by_server[1]:,} through the server SIGKILLed after {killed_after:.1f} s) in {elapsed:.1f} s = "
        f"{rate:,.0f} writes/s; latency p50 {percentile(lat, 50) * 1000:.1f} ms, p99 {percentile(lat, 99) * 1000:.1f} ms;"
        f" checks: {format_checks(stats.checks)}")
    if rate < args.min_writes_per_second:
        failures.add(f"load: {rate:,.0f} writes/s is below --min-writes-per-second {args.min_writes_per_second:g}")
    return acknowledged, working, servers[0]


def two_server_crash_run(args, setup, db, work, failures, n, rng):
    """Two servers; one SIGKILLed after 1–4 s, the other one second later."""
    servers = [Server(args.qamtu, db, os.path.join(work, f"serve-crash-{n:02d}-{name}.log")) for name in "ab"]
    phases, workers = split_workers(args, setup, failures, servers, None, args.seed + n, f"crash {n}")
    start = time.monotonic()
    for w in workers:
        w.start()
    delay = rng.uniform(1.0, 4.0)
    first = rng.randrange(2)
    for index, at in ((first, delay), (1 - first, delay + 1.0)):
        time.sleep(max(0.0, start + at - time.monotonic()))
        if not servers[index].alive():
            failures.add(f"crash run {n}: qamtu serve exited by itself with code {servers[index].proc.returncode} "
                         f"before the kill\n{servers[index].log_tail()}")
        phases[index].killed.set()
        servers[index].kill()
    hung = join_all(workers, 2 * HTTP_TIMEOUT_SECONDS)
    if hung:
        failures.add(f"crash run {n}: {len(hung)} clients did not notice the dead servers")
    acknowledged, stats = collect(workers)
    return acknowledged, stats, delay + 1.0


def redacted(db: str) -> str:
    """A database as messages show it: a URL without its password."""
    return re.sub(r"^(postgres(?:ql)?://[^:/@]*):[^@]*@", r"\1@", db)


def read_back_over_http(args, setup, db, work, failures, acknowledged, figures, rng, server=None):
    """A server (`server`, or a fresh one) answers every sampled application as the database holds it."""
    server = server or Server(args.qamtu, db, os.path.join(work, "serve-final.log"))
    client = Client(server.port)
    present = [app for app in acknowledged if app.app_id in figures["status"]]
    sample = rng.sample(present, min(50, len(present)))
    try:
        for app in sample:
            path = f"/applications/{urllib.parse.quote(app.app_id, safe='')}"
            r = client.send("GET", path, headers={"Authorization": "Bearer " + setup.admin[1]})
            expect_status(r, 200, f"GET {path}")
            _, version, _ = parse_feature(r, f"GET {path}", figures["status"][app.app_id])
            if version != figures["version"][app.app_id]:
                failures.add(f"GET {path}: version {version}, the database holds {figures['version'][app.app_id]}")
    except Unexpected as e:
        failures.add(f"after the crash runs: {e}")
    except (OSError, http.client.HTTPException) as e:
        failures.add(f"after the crash runs: connection error: {e!r}")
    finally:
        client.close()
        server.stop()
    log(f"{len(sample)} acknowledged applications read back over HTTP as the admin")


def format_checks(checks):
    return ", ".join(f"{k} ×{v}" for k, v in sorted(checks.items())) or "none"


def report_database(label, db, acknowledged, scheme, failures, reported, psql=PSQL):
    """Checks the database; adds the problems not reported before (`reported`: a set it updates) to `failures`."""
    problems, figures = check_database(db, acknowledged, scheme, psql)
    new = [p for p in problems if p not in reported]
    for p in new:
        failures.add(f"{label}: {p}")
    reported.update(new)
    return problems, new, figures


# ---------------------------------------------------------------------------------------------
# Arguments and main


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive integer")
    return value


def non_negative_int(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is not zero or more")
    return value


def positive_float(text):
    value = float(text)
    if not value > 0 or math.isinf(value):
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return value


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="Load and crash test of the service applications API of qamtu serve.")
    p.add_argument("--qamtu", help="the qamtu binary (required unless --self-test)")
    p.add_argument("--db", help="the database to create (must not exist; default: in the temp folder)")
    p.add_argument("--services", default=os.path.join(REPO, "GeoData", "services.csv"),
                   help="services CSV to import (default: GeoData/services.csv)")
    p.add_argument("--seconds", type=positive_float, default=30.0, help="length of the load phase (default 30)")
    p.add_argument("--min-writes-per-second", type=float, default=500.0,
                   help="fail below this rate of acknowledged writes in the load phase (default 500)")
    p.add_argument("--crash-runs", type=non_negative_int, default=10, help="SIGKILL runs (default 10)")
    p.add_argument("--clients", type=positive_int, default=32, help="client threads (default 32)")
    p.add_argument("--seed", type=int, help="random seed (default: from the clock, printed)")
    p.add_argument("--postgres-url", help="an empty PostgreSQL database (postgresql://…): two servers on it, "
                   "one SIGKILLed mid-run (instead of a SpatiaLite file)")
    p.add_argument("--psql", default=PSQL, help=f"psql, to check a PostGIS database (default {PSQL})")
    p.add_argument("--keep", action="store_true", help="keep the temp folder (database and server logs)")
    p.add_argument("--self-test", action="store_true",
                   help="check this script's IIN generator, arguments and database checker; no server")
    args = p.parse_args(argv)
    if not args.self_test:
        if not args.qamtu:
            p.error("--qamtu is required (or --self-test)")
        if not (os.path.isfile(args.qamtu) and os.access(args.qamtu, os.X_OK)):
            p.error(f"--qamtu {args.qamtu}: not an executable file")
        if args.db and os.path.exists(args.db):
            p.error(f"--db {args.db} exists: give a path for a new database")
        if args.postgres_url and args.db:
            p.error("--db and --postgres-url exclude each other")
        if args.postgres_url and not is_postgres_url(args.postgres_url):
            p.error("--postgres-url: expected postgresql://…")
        if args.postgres_url and not (os.path.isfile(args.psql) and os.access(args.psql, os.X_OK)):
            p.error(f"--psql {args.psql}: not an executable file")
        if not os.path.isfile(args.services):
            p.error(f"--services {args.services}: no such file")
    if args.seed is None:
        args.seed = int(time.time()) % 1_000_000
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.self_test:
        return self_test()
    log(f"test-applications: seed {args.seed}")
    work = tempfile.mkdtemp(prefix="qamtu-applications.")
    db = args.postgres_url or (os.path.abspath(args.db) if args.db else os.path.join(work, "applications.sqlite"))
    two_servers = bool(args.postgres_url)
    failures = Failures()
    rng = random.Random(args.seed)
    def on_sigterm(*_):
        raise Interrupted()
    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        setup = set_up_database(args.qamtu, db, args.services)
        log(f"database {redacted(db)}: {len(setup.services)} services, users {setup.applicant[0]}, "
            + ", ".join(name for name, _ in setup.providers.values()) + f", {setup.admin[0]}")

        survivor = None
        if two_servers:
            everything, working, survivor = two_server_load_phase(args, setup, db, work, failures)
        else:
            everything, working = load_phase(args, setup, db, work, failures)
        scheme, why_not = detect_scheme(everything)
        log(f"versions: {f'count events, creation = {scheme.created}' if scheme else f'do not count events ({why_not})'}")
        reported = set()
        problems, _, figures = report_database("after the load", db, everything, scheme, failures, reported, args.psql)
        log(f"after the load: {figures.get('applications', 0):,} applications, {figures.get('events', 0):,} events, "
            f"{'database checks passed' if not problems else f'{len(problems)} problems'}"
            + (f"; every one of the {len(everything):,} acknowledged applications checked" if not problems else ""))
        if survivor is not None:
            if not problems:
                read_back_over_http(args, setup, db, work, failures, everything, figures, rng, server=survivor)
            else:
                survivor.stop()

        if not working or problems:
            log("\n== crash runs skipped: the load phase or its database check failed")
        else:
            log(f"\n== crash: {args.crash_runs} runs of {args.clients} clients, SIGKILL after 1–4 s"
                + (" of one server, of the other 1 s later" if two_servers else ""))
            for n in range(1, args.crash_runs + 1):
                run = two_server_crash_run if two_servers else crash_run
                acknowledged, stats, delay = run(args, setup, db, work, failures, n, rng)
                everything += acknowledged
                problems, new, figures = report_database(f"crash run {n}", db, everything, scheme, failures,
                                                         reported, args.psql)
                transitions = sum(len(a.transitions) for a in acknowledged)
                log(f"crash run {n}/{args.crash_runs}: killed after {delay:.2f} s; acknowledged {len(acknowledged):,} "
                    f"applications and {transitions:,} transitions ({stats.writes / delay:,.0f} writes/s); database: "
                    f"{figures.get('applications', 0):,} applications, {figures.get('events', 0):,} events; "
                    + (("" if two_servers else "integrity ok, ")
                       + "every acknowledged write present, events replay to the stored status"
                       if not problems else f"{len(problems)} problems, {len(new)} of them new"))
            if args.crash_runs and not problems:
                read_back_over_http(args, setup, db, work, failures, everything, figures, rng)
    except (KeyboardInterrupt, Interrupted) as e:
        SHUTDOWN.set()
        log(f"\ntest-applications: interrupted ({'SIGINT' if isinstance(e, KeyboardInterrupt) else 'SIGTERM'})")
        return 130 if isinstance(e, KeyboardInterrupt) else 143
    finally:
        SHUTDOWN.set()
        Server.kill_all()
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    if len(failures):
        log(f"\ntest-applications: FAILED ({len(failures)} failures)")
        return 1
    log("\ntest-applications: passed")
    return 0


# ---------------------------------------------------------------------------------------------
# --self-test: what can be checked without a server


def self_test():
    problems = []

    def check(ok, message):
        if not ok:
            problems.append(message)

    # Worked by hand: 9·1+0·2+0·3+1·4+0·5+1·6+3·7+0·8+0·9+0·10+1·11 = 51, 51 mod 11 = 7.
    check(iin_control_digit("90010130001") == 7, "900101300017: control digit 7")
    # 8·1+5·2+0+6·4+1·5+5·6+4·7+0+0+7·10+0 = 175 ≡ 10, so the second weights: 24+20+0+36+7+40+36+0+0+7+0 = 170 ≡ 5.
    check(iin_control_digit("85061540070") == 5, "850615400705: control digit 5 from the second weights")
    # Both sums are ≡ 10 (263 and 186): no IIN begins with these 11 digits.
    check(iin_control_digit("85061540078") is None, "85061540078: no control digit")
    # Century digit 1 (a man born in 1885): 8+10+3+8+15+6+7 = 57, 57 mod 11 = 2.
    check(iin_control_digit("85123110000") == 2, "851231100002: control digit 2")
    for iin in ("900101300017", "850615400705", "851231100002"):
        check(iin_is_valid(iin), f"{iin} should be valid")
    for iin, why in (("900101300018", "wrong control digit"), ("900230300017", "30 February"),
                     ("900101000017", "century digit 0"), ("900101700017", "century digit 7"),
                     ("90010130001", "11 digits"), ("9001013000170", "13 digits"), ("90010130001x", "a letter"),
                     ("850615400780", "11 digits without a control digit")):
        check(not iin_is_valid(iin), f"{iin} should be invalid ({why})")

    rng = random.Random(17)
    for _ in range(20_000):
        birth = datetime.date(1900, 1, 1) + datetime.timedelta(days=rng.randrange(73_000))  # 1900–1999 … 2099
        male = rng.random() < 0.5
        iin = make_iin(rng, birth, male)
        ok = (iin_is_valid(iin) and iin[:6] == birth.strftime("%y%m%d")
              and int(iin[6]) % 2 == (1 if male else 0) and (int(iin[6]) - 1) // 2 == birth.year // 100 - 18)
        check(ok, f"make_iin({birth}, male={male}) = {iin}")
        if not ok:
            break
    for _ in range(2_000):
        f = random_application(rng, "svc-el-connect")
        lon, lat = f["geometry"]["coordinates"]
        p = f["properties"]
        ok = (LON_RANGE[0] <= lon <= LON_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]
              and round(lon, 6) == lon and round(lat, 6) == lat and iin_is_valid(p["applicant_iin"])
              and re.fullmatch(r"\+77\d{9}", p["applicant_phone"]) and p["applicant_email"].endswith("@example.kz")
              and int(p["applicant_iin"][6]) % 2 == (1 if p["applicant_name"].endswith("ұлы") else 0))
        check(bool(ok), f"random_application: {json.dumps(f, ensure_ascii=False)}")
        if not ok:
            break

    # The demo data's IINs, checked by this independent implementation.
    demo = os.path.join(REPO, "GeoData", "applications.geojson")
    if os.path.isfile(demo):
        with open(demo, encoding="utf-8") as fh:
            for f in json.load(fh)["features"]:
                check(iin_is_valid(f["properties"]["applicant_iin"]), f"{demo}: {f['properties']['id']} IIN")
    check(provider_slug("Aulie-Ata Water Utility") == "aulie-ata-water-utility", "provider_slug")

    # Arguments.
    a = parse_args(["--self-test"])
    check((a.seconds, a.min_writes_per_second, a.crash_runs, a.clients, a.keep) == (30.0, 500.0, 10, 32, False),
          f"defaults: {a}")
    a = parse_args(["--self-test", "--seconds", "5", "--crash-runs", "0", "--clients", "4", "--seed", "3",
                    "--min-writes-per-second", "10", "--keep"])
    check((a.seconds, a.crash_runs, a.clients, a.seed, a.min_writes_per_second, a.keep) == (5.0, 0, 4, 3, 10.0, True),
          f"parsed: {a}")
    for bad in (["--self-test", "--seconds", "0"], ["--self-test", "--clients", "0"],
                ["--self-test", "--crash-runs", "-1"], ["--self-test", "--seconds", "x"], [],
                ["--qamtu", "/nonexistent/qamtu"], ["--qamtu", sys.executable, "--db", __file__]):
        try:
            with contextlib.redirect_stderr(io.StringIO()):
                parse_args(bad)
            problems.append(f"arguments {bad} should be refused")
        except SystemExit as e:
            check(e.code == 2, f"arguments {bad}: exit code {e.code}, expected 2")

    # The database checker, on a database written by hand with the documented tables.
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "t.sqlite")
        con = sqlite3.connect(db)
        con.executescript("""
            CREATE TABLE applications (fid INTEGER PRIMARY KEY, id TEXT UNIQUE, status TEXT, version INTEGER);
            CREATE TABLE application_events (seq INTEGER PRIMARY KEY, application_fid INTEGER, at TEXT,
                actor TEXT, from_status TEXT, to_status TEXT, note TEXT);
            INSERT INTO applications VALUES (1, 'a', 'approved', 3), (2, 'b', 'received', 4), (3, 'c', 'in_progress', 2);
            INSERT INTO application_events (application_fid, at, actor, from_status, to_status) VALUES
                (1, '2026-01-01T10:00:00+05:00', 'u', NULL, 'received'),
                (2, '2026-01-01T10:00:01+05:00', 'u', NULL, 'received'),
                (1, '2026-01-01T10:00:02+05:00', 'p', 'received', 'in_progress'),
                (2, '2026-01-01T10:00:03+05:00', 'p', 'received', 'in_progress'),
                (1, '2026-01-01T10:00:04+05:00', 'p', 'in_progress', 'approved'),
                (2, '2026-01-01T10:00:05+05:00', 'p', 'in_progress', 'returned'),
                (2, '2026-01-01T10:00:06+05:00', 'u', 'returned', 'received'),
                (3, '2026-01-01T10:00:07+05:00', 'u', NULL, 'received'),
                (3, '2026-01-01T10:00:08+05:00', 'p', 'received', 'in_progress');
        """)
        con.commit()
        con.close()
        good = [Acknowledged("a", 1, [("in_progress", 2), ("approved", 3)]),
                Acknowledged("b", 1, [("in_progress", 2), ("returned", 3)]),  # the resubmission unacknowledged
                Acknowledged("c", 1, [("in_progress", 2)])]
        scheme, _ = detect_scheme(good)
        check(scheme == VersionScheme(1), f"detect_scheme: {scheme}")
        found, figures = check_database(db, good, scheme)
        check(found == [] and figures["applications"] == 3 and figures["events"] == 9,
              f"a consistent database: {found} {figures}")
        found, _ = check_database(db, [Acknowledged("d", 1)], scheme)
        check(found == ["acknowledged application d is missing"], f"a missing application: {found}")
        found, _ = check_database(db, [Acknowledged("a", 1, [("in_progress", 2), ("returned", 3)])], scheme)
        check(len(found) == 2 and all("acknowledged" in f for f in found), f"a lost transition: {found}")
        found, _ = check_database(db, [Acknowledged("c", 1, [("in_progress", 2), ("approved", 3)])], None)
        check(found == ["application c: events ['received', 'in_progress'], the acknowledged writes were "
                        "['received', 'in_progress', 'approved']",
                        "application c: 2 events, acknowledged version 3",
                        "application c: stored version 2, acknowledged 3"], f"a transition past the end: {found}")
        con = sqlite3.connect(db)
        con.executescript("""
            UPDATE applications SET status = 'approved' WHERE id = 'c';
            UPDATE application_events SET from_status = 'received' WHERE seq = 5;
            INSERT INTO application_events (application_fid, at, actor, from_status, to_status)
                VALUES (9, '2026-01-01T10:00:09+05:00', 'u', NULL, 'received');
            INSERT INTO applications VALUES (4, 'e', 'received', 1);
        """)
        con.commit()
        con.close()
        found, _ = check_database(db, [], None)
        expected = ["application a: event seq 5 is received -> approved but the previous event ended in in_progress",
                    "application c: its events end in in_progress, its status is approved",
                    "application e: no events",
                    "1 application_fid values of application_events have no application, e.g. [9]"]
        check(found == expected, f"a broken database: {found}")

    for p in problems:
        print(f"FAIL self-test: {p}")
    print(f"self-test: {'FAILED' if problems else 'passed'} ({len(problems)} problems)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
