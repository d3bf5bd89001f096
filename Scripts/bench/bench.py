#!/usr/bin/env python3
"""Qamtu benchmark orchestrator: W1-W4 with Qamtu beside SpatiaLite SQL, PostGIS and ogr2ogr; W5-W8 and SOAK.

Run through Scripts/bench.sh, which installs packages, builds qamtu in release mode, creates the
work folder and removes it (and any server left) on exit. This file uses the standard library only.

For each selected workload and scale every tool runs N times, interleaved (A1 B1 C1 A2 B2 C2 ...),
as a separate process: wall time from start to exit, peak RSS from wait4() (for PostGIS the psql
client plus the server backend's VmHWM). Every answer is parsed and checked against the reference
counts and against the other tools; disagreements are printed in the table, never dropped.
See Scripts/bench/README.md for the method and for how --scale selects each workload's data.
The server workloads W5 (Qamtu's OGC API beside pygeoapi, wrk) and SOAK live in w5.py, the vector tiles
(W6) in w6.py, the load times (W7) in w7.py and the planning (W8, beside spopt) in w8.py; they run only when
--only names them.
"""
from __future__ import annotations

import argparse
import bisect
import csv
import datetime
import decimal
import hashlib
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

import w5  # the server workloads W5 and SOAK (Scripts/bench/w5.py)
import w6  # the vector tiles workload W6 (Scripts/bench/w6.py)
import w7  # the load times W7 (Scripts/bench/w7.py)
import w8  # the planning W8 (Scripts/bench/w8.py)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SHARED_BENCH = os.path.normpath(os.path.join(REPO, "..", "shared", "bench"))

SCALES = ["S", "M", "L"]
WORKLOADS = ["W1", "W2", "W3", "W4"]
SERVER_WORKLOADS = ["W5", "SOAK"]  # w5.py; run only when --only names them
TILE_WORKLOADS = ["W6"]  # w6.py; runs only when --only names it, always on the L sites (whatever --scale says)
LOAD_WORKLOADS = ["W7"]  # w7.py; runs only when --only names it, at the scales of --scale
PLANNING_WORKLOADS = ["W8"]  # w8.py; runs only when --only names it, always at M and L (whatever --scale says)
# The scales each workload is defined at (see README.md): W2 needs the road's sites (M, L; the S box
# does not reach the road), W3 is the 7,000 M settlements (S as a quick smoke test), W1 and W4 run
# at every scale (W4's goal is the 1,000,000 L sites).
WORKLOAD_SCALES = {"W1": ["S", "M", "L"], "W2": ["M", "L"], "W3": ["S", "M"], "W4": ["S", "M", "L"],
                   "W5": ["M"], "SOAK": ["M"], "W6": SCALES, "W7": SCALES, "W8": ["M", "L"]}
# Whether GeoPandas runs here: (ok, reason), set once the run starts.
GEOPANDAS = (False, "not checked")
# Per tool, the program files read before each timed run (see program_files); set in main.
PROGRAMS: dict[str, list[str]] = {"qamtu": [], "spatialite": [], "postgis": [], "geopandas": [], "ogr2ogr": []}
# W1's answer columns for Qamtu: the peers compute the best technology per settlement only.
W1_PROPERTIES = "id,class,best_fixed,best_mobile"
# Issue 19: W1's lean command again on a Qamtu PostGIS store (loaded untimed), within 2x the SpatiaLite store.
W1_POSTGIS_STORE = "Qamtu (PostGIS)"
W1_POSTGIS_GOAL = 2.0
WORKLOAD_NAMES = {"W1": "coverage", "W2": "corridor 5 km", "W3": "3 nearest", "W4": "GeoJSON export",
                  "W5": "OGC API server", "SOAK": "server soak", "W6": "vector tiles", "W7": "load times",
                  "W8": "planning (MCLP)"}
REFERENCE = {  # ../shared/bench/README.md
    ("W1", "S"): {"uncovered": 36}, ("W1", "M"): {"uncovered": 99}, ("W1", "L"): {"uncovered": 0},
    ("W2", "M"): {"count": 426}, ("W2", "L"): {"count": 17485},
}
SITE_COUNTS = {"S": 600, "M": 25_000, "L": 1_000_000}
TECH_RANK = {"fibre-node": 1, "fibre": 1, "5G": 2, "4G": 2, "3G": 3, "2G": 4}
RANK_TECH = {0: "none", 1: "fibre", 2: "4G", 3: "3G", 4: "2G"}
QAMTU_PROPERTIES = ["id", "name", "operator", "technologies", "range_m", "height_m"]
PEER_PROPERTIES = ["id", "name", "operator", "tech", "radius_m", "height_m"]
PGBIN = "/usr/lib/postgresql/15/bin"


class BenchError(Exception):
    """A failure that stops the benchmark (setup, loading)."""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Running and measuring processes


class Runner:
    """Runs child processes one at a time and measures wall time and peak RSS.

    Peak RSS comes from GNU time (`/usr/bin/time -f %M`), not from this process's wait4(): Linux keeps
    the highest RSS of the process image an exec replaces, so a child forked from this (large) Python
    process would report at least Python's own RSS. GNU time is small and measures its own child.
    """

    def __init__(self) -> None:
        self.current: subprocess.Popen | None = None

    def run(self, cmd, *, stdin_path=None, stdout_path=None, env=None, timeout=3600.0, measure=False, warm=()):
        """Runs cmd; returns dict(wall, maxrss_kb, rc, stderr, stdout). stdout goes to stdout_path (or
        is returned, for small outputs). With measure, peak RSS is measured through GNU time, the
        files (or folders) in warm are read once, and pending writes are flushed (sync) before the
        clock starts."""
        rss_path = os.path.join(WORK, "rss.txt")
        if measure:
            if os.path.exists(rss_path):
                os.remove(rss_path)
            cmd = ["/usr/bin/time", "-f", "%M", "-o", rss_path, "--"] + list(cmd)
            # Untimed: the tool's input into the page cache. This VM pages out file pages that
            # were not used for about a minute (DAMON), so without it a run paid for disk reads
            # or not depending on how long the other tools took since its input was last read.
            for path in warm:
                warm_page_cache(path)
            # Untimed: flush what earlier runs wrote (W4 writes ~230 MB per run), so that no run pays
            # for the write-back of the one before it.
            os.sync()
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        stdout = open(stdout_path, "wb") if stdout_path else subprocess.PIPE
        err_path = os.path.join(WORK, "stderr.txt")
        stderr = open(err_path, "wb")
        timer = None
        timed_out = []
        try:
            start = time.perf_counter()
            # A session of its own, so that a kill reaches the tool under GNU time too.
            proc = subprocess.Popen(cmd, stdin=stdin, stdout=stdout, stderr=stderr, env=env, start_new_session=True)
            self.current = proc
            out = b""
            if stdout_path is None:
                out = proc.stdout.read()  # small outputs only (help texts, versions)
            if timeout:
                def kill():
                    timed_out.append(True)
                    kill_group(proc)
                timer = threading.Timer(timeout, kill)
                timer.start()
            proc.wait()
            wall = time.perf_counter() - start
            self.current = None
        finally:
            if timer:
                timer.cancel()
            if self.current is not None:  # interrupted: do not leave the child running
                kill_group(self.current)
                try:
                    self.current.wait()
                except OSError:
                    pass
                self.current = None
            for f in (stdin, stdout, stderr):
                if hasattr(f, "close"):
                    f.close()
        with open(err_path, "rb") as f:
            err = f.read().decode("utf-8", "replace")
        if timed_out:
            err += f"\n(killed after the {timeout:.0f} s time limit)"
        maxrss = 0
        if measure:
            try:
                with open(rss_path) as f:
                    lines = f.read().split()
                maxrss = int(lines[-1]) if lines else 0
            except (OSError, ValueError):
                pass
        return {"wall": wall, "maxrss_kb": maxrss, "rc": proc.returncode, "stderr": err,
                "stdout": out.decode("utf-8", "replace")}


def kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass


RUNNER = Runner()
WORK = ""


def check_run(result, what):
    if result["rc"] != 0:
        raise BenchError(f"{what} failed (exit {result['rc']}):\n{result['stderr'].strip()[-3000:]}")
    return result


# ---------------------------------------------------------------------------------------------
# PostGIS: a private PostgreSQL cluster under the work folder, unix socket only


class PostGIS:
    def __init__(self, work: str) -> None:
        self.base = os.path.join(work, "pg")
        self.data = os.path.join(self.base, "data")
        self.socket_dir = self.base
        self.started = False
        self.as_user: list[str] = []

    def _user_prefix(self) -> list[str]:
        if os.geteuid() != 0:
            return []
        # initdb and postgres refuse to run as root: run them as the postgres system user.
        import pwd
        try:
            pwd.getpwnam("postgres")
        except KeyError as e:
            raise BenchError("running as root but there is no 'postgres' user to run the server as "
                             "(install postgresql-15, which creates it)") from e
        return ["runuser", "-u", "postgres", "--"]

    def start(self) -> None:
        os.makedirs(self.base, exist_ok=True)
        self.as_user = self._user_prefix()
        if self.as_user:
            shutil.chown(self.base, user="postgres")
        check_run(RUNNER.run(self.as_user + [f"{PGBIN}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
                                             "-E", "UTF8", "--locale=C.UTF-8"]), "initdb")
        with open(os.path.join(self.data, "postgresql.conf"), "a") as conf:
            conf.write("\n# Qamtu benchmark: unix socket in the work folder only; durability off (speeds up loading\n"
                       "# only); JIT off (its compile step added ~0.6 s to PostGIS on W1 M: off is the kinder setting)\n"
                       "listen_addresses = ''\n"
                       f"unix_socket_directories = '{self.socket_dir}'\n"
                       "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                       "max_wal_size = '4GB'\njit = off\n")
        check_run(RUNNER.run(self.as_user + [f"{PGBIN}/pg_ctl", "-D", self.data, "-l", os.path.join(self.base, "server.log"),
                                             "-w", "-t", "120", "start"]), "pg_ctl start")
        self.started = True

    def stop(self) -> None:
        if not self.started:
            return
        self.started = False
        r = RUNNER.run(self.as_user + [f"{PGBIN}/pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "60", "stop"],
                       timeout=90)
        if r["rc"] != 0:
            RUNNER.run(self.as_user + [f"{PGBIN}/pg_ctl", "-D", self.data, "-m", "immediate", "stop"], timeout=60)

    def psql(self, database: str) -> list[str]:
        return ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", self.socket_dir, "-U", "postgres", "-d", database]

    def version(self) -> str:
        r = RUNNER.run(self.psql("postgres") + ["-c", "SELECT version()"])
        return r["stdout"].strip().split(" on ")[0]


# ---------------------------------------------------------------------------------------------
# Data


def prepare_data(scales: list[str], work: str) -> str:
    env_dir = os.environ.get("BENCH_DATA")
    data = env_dir or os.path.join(work, "data")
    needed = ["road.csv", "road_vertices.csv"] + [f"{k}_{s}.csv" for s in scales for k in ("settlements", "sites")]
    missing = [f for f in needed if not os.path.exists(os.path.join(data, f))]
    if missing:
        os.makedirs(data, exist_ok=True)
        log(f"Generating benchmark data ({', '.join(scales)}) into {data} ...")
        env = dict(os.environ, BENCH_DATA=data)
        check_run(RUNNER.run([sys.executable, os.path.join(SHARED_BENCH, "gen_data.py")] + scales, env=env),
                  "gen_data.py")
    else:
        log(f"Reusing benchmark data in {data}")
    # Check the files against the committed manifest (only those this run needs).
    manifest = {}
    with open(os.path.join(SHARED_BENCH, "MANIFEST.sha256")) as f:
        for line in f:
            digest, name = line.split()
            manifest[name] = digest
    bad = []
    for name in needed:
        h = hashlib.sha256()
        with open(os.path.join(data, name), "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        if manifest.get(name) != h.hexdigest():
            bad.append(name)
    if bad:
        raise BenchError(f"benchmark data in {data} does not match ../shared/bench/MANIFEST.sha256: {', '.join(bad)}")
    log(f"  data checked against MANIFEST.sha256: {', '.join(needed)} OK")
    return data


def read_sites_reference(path: str):
    """id -> (lon choices, lat choices, name, operator, tech, radius_m, height_m) from a sites CSV, where
    the choices are the accepted 6-decimal values of the coordinate (see rounding_choices)."""
    ref = {}
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            sid, name, operator, tech, radius, height, lon, lat = row
            ref[int(sid)] = (rounding_choices(lon), rounding_choices(lat), name, operator, tech, float(radius), float(height))
    return ref


def rounding_choices(text: str):
    """The 6-decimal values a 7-decimal CSV coordinate may be written as: (correct, other). correct is
    the correct rounding of the binary double ('%.6f' % x, as printf and GDAL round); other is the
    other neighbour when the printed 7-decimal text is an exact tie (…5), else None."""
    correct = float("%.6f" % float(text))
    other = None
    if text.endswith("5") and len(text.rpartition(".")[2]) == 7:
        d = decimal.Decimal(text)
        q = decimal.Decimal("0.000001")
        up = float(d.quantize(q, rounding=decimal.ROUND_HALF_UP))
        down = float(d.quantize(q, rounding=decimal.ROUND_HALF_DOWN))
        other = down if correct == up else up
    return correct, other


# ---------------------------------------------------------------------------------------------
# Loading


def qamtu_postgis_url(pg, database):
    """The `--db` URL of a Qamtu PostGIS store in the bench cluster (unix socket, no password)."""
    return f"postgresql://postgres@/{database}?host={pg.socket_dir}"


def qamtu_load_steps(qamtu, data, scale, db):
    """The commands that load a scale's settlements, sites and road into the Qamtu database `db` (a
    file or a postgresql:// URL): `qamtu init`, then one import per layer."""
    return [
        [qamtu, "init", "--db", db],
        [qamtu, "import", "settlements", os.path.join(data, f"settlements_{scale}.csv"), "--db", db],
        [qamtu, "import", "sites", os.path.join(data, f"sites_{scale}.csv"), "--map", "tech=technologies",
         "--map", "radius_m=range_m", "--set", "kind=base_station", "--set", "status=operational", "--db", db],
        [qamtu, "import", "roads", os.path.join(data, "road.csv"), "--db", db],
    ]


def load_qamtu_postgis(scale, data, qamtu, pg):
    """Loads the same data as the Qamtu file into a Qamtu PostGIS store (a database of the bench's
    cluster): `qamtu init` and the same imports with `--db postgresql://...` (issue 19's W1 variant).
    Returns (url or None, seconds, notes)."""
    database = f"qamtu_pg_{scale.lower()}"
    check_run(RUNNER.run(pg.psql("postgres") + ["-c", f"DROP DATABASE IF EXISTS {database}"]), "DROP DATABASE")
    check_run(RUNNER.run(pg.psql("postgres") + ["-c", f"CREATE DATABASE {database}"]), "CREATE DATABASE")
    url = qamtu_postgis_url(pg, database)
    total, notes = 0.0, []
    for cmd in qamtu_load_steps(qamtu, data, scale, url):
        r = RUNNER.run(cmd, measure=True)
        total += r["wall"]
        if r["rc"] != 0:
            notes.append(f"FAILED: qamtu {' '.join(cmd[1:3])}: {(r['stdout'] + r['stderr']).strip()[-800:]}")
            return None, total, notes
    # Written out now, so that the server does not write the loaded pages during the measured runs.
    RUNNER.run(pg.psql("postgres") + ["-c", "CHECKPOINT"])
    return url, total, notes


def load_all(scales, data, qamtu, pg, results, peers=True, postgis_store=()):
    """Loads each scale into Qamtu, SpatiaLite and PostGIS (without peers: Qamtu only, for the server
    workloads), and the scales of `postgis_store` also into a Qamtu PostGIS store; returns {scale: paths}."""
    dbs = {}
    for scale in scales:
        row = {"scale": scale}
        qdb = os.path.join(WORK, f"qamtu_{scale}.sqlite")
        sdb = os.path.join(WORK, f"spatialite_{scale}.sqlite")
        pdb = f"bench_{scale.lower()}"
        log(f"Loading scale {scale} ...")
        # Qamtu
        total, peak, notes, ok = 0.0, 0, [], True
        for cmd in qamtu_load_steps(qamtu, data, scale, qdb):
            r = RUNNER.run(cmd, measure=True)
            total += r["wall"]
            peak = max(peak, r["maxrss_kb"])
            text = (r["stdout"] + r["stderr"]).strip()
            if r["rc"] != 0:
                ok = False
                notes.append(f"FAILED: qamtu {' '.join(cmd[1:3])}: {text[-800:]}")
                break
            if text:
                notes.append(text.splitlines()[0])
        row["qamtu"] = {"seconds": total, "peak_rss_mb": peak / 1024, "ok": ok, "notes": notes}
        if not peers:
            results.append(row)
            log(f"  Qamtu {total:.2f} s{'' if ok else ' (FAILED)'}")
            dbs[scale] = {"qamtu": qdb if ok else None}
            continue
        # SpatiaLite (sqlite3 CLI for its CSV .import, mod_spatialite for the geometry and R*Tree)
        sql = os.path.join(WORK, f"load_spatialite_{scale}.sql")
        with open(os.path.join(HERE, "spatialite", "load.sql")) as f:
            text = f.read().replace("@DATA@", data).replace("@SCALE@", scale)
        with open(sql, "w") as f:
            f.write(text)
        r = check_run(RUNNER.run(["sqlite3", sdb], stdin_path=sql, stdout_path=os.path.join(WORK, "load.out"), measure=True),
                      f"SpatiaLite load of scale {scale}")
        row["spatialite"] = {"seconds": r["wall"], "peak_rss_mb": r["maxrss_kb"] / 1024, "ok": True, "notes": []}
        # PostGIS
        check_run(RUNNER.run(pg.psql("postgres") + ["-c", f"CREATE DATABASE {pdb}"]), "CREATE DATABASE")
        sql = os.path.join(WORK, f"load_postgis_{scale}.sql")
        with open(os.path.join(HERE, "postgis", "load.sql")) as f:
            text = f.read().replace("@DATA@", data).replace("@SCALE@", scale)
        with open(sql, "w") as f:
            f.write(text)
        r = check_run(RUNNER.run(pg.psql(pdb) + ["-f", sql], measure=True), f"PostGIS load of scale {scale}")
        row["postgis"] = {"seconds": r["wall"], "peak_rss_mb": r["maxrss_kb"] / 1024, "ok": True, "notes": []}
        store = None
        if scale in postgis_store:
            store, seconds, store_notes = load_qamtu_postgis(scale, data, qamtu, pg)
            row["qamtu_postgis"] = {"seconds": seconds, "ok": store is not None, "notes": store_notes}
        results.append(row)
        log(f"  Qamtu {row['qamtu']['seconds']:.2f} s{'' if ok else ' (FAILED)'}, SpatiaLite {row['spatialite']['seconds']:.2f} s, "
            f"PostGIS {row['postgis']['seconds']:.2f} s"
            + (f", Qamtu PostGIS store {row['qamtu_postgis']['seconds']:.2f} s{'' if store else ' (FAILED)'}"
               if "qamtu_postgis" in row else ""))
        dbs[scale] = {"qamtu": qdb if ok else None, "spatialite": sdb, "postgis": pdb, "qamtu_postgis": store}
    return dbs


# ---------------------------------------------------------------------------------------------
# Tools


def program_files(*programs, packages=()):
    """The files a tool runs from: each program (a name on PATH or a path), the shared libraries
    `ldd` lists for it, and the folders of the given Python packages (with their bundled `.libs`).
    Read before each timed run like the inputs: this VM pages out file pages unused for a minute,
    executables and libraries included, so a tool's first run after other tools' runs paid for
    reading its own code from disk (0.07-0.4 s for Qamtu at L)."""
    files = []
    for program in programs:
        path = shutil.which(program) or program
        if not os.path.exists(path):
            continue
        files.append(path)
        r = RUNNER.run(["ldd", path])
        for line in r["stdout"].splitlines():
            parts = line.split("=>")
            target = (parts[1] if len(parts) > 1 else parts[0]).strip().split(" (")[0].strip()
            if target.startswith("/") and os.path.exists(target):
                files.append(target)
    for package in packages:
        try:
            import importlib.util
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            spec = None
        for folder in (spec.submodule_search_locations or []) if spec else []:
            files.append(folder)
            libs = folder.rstrip("/") + ".libs"
            if os.path.isdir(libs):
                files.append(libs)
    return sorted(set(files))


def warm_page_cache(path):
    """Reads a file, or every file under a folder, once (to bring it into the page cache)."""
    files = [path] if os.path.isfile(path) else [os.path.join(d, f) for d, _, fs in os.walk(path) for f in fs]
    for name in files:
        try:
            with open(name, "rb", buffering=0) as f:
                while f.read(1 << 20):
                    pass
        except OSError:
            pass  # unreadable (e.g. a server's private file): the tool reads it through the server


class Tool:
    """One way of running a workload: a name, a command per run, and an answer parser."""

    def __init__(self, name, available=True, reason="", command=None, parse=None, output=None, rss_extra=None,
                 describe="", inputs=()):
        self.inputs = list(inputs)    # files and folders read before each timed run (page cache)
        self.name = name
        self.available = available
        self.reason = reason
        self.command = command        # () -> dict(cmd, stdin_path, stdout_path)
        self.parse = parse            # (output path) -> answer
        self.output = output          # output path
        self.rss_extra = rss_extra    # () -> extra KB (PostGIS backend)
        self.describe = describe


def qamtu_has_postgis(qamtu):
    """Whether this qamtu takes `--db postgresql://...` (the PostGIS store, issue 19)."""
    return "postgresql://" in qamtu_help(qamtu, "init")[1]


def qamtu_help(qamtu, *args):
    r = RUNNER.run([qamtu, *args, "--help"])
    return r["rc"], r["stdout"] + r["stderr"]


def spatialite_tool(name, db, workload, out, parse, describe):
    sql = os.path.join(HERE, "spatialite", f"{workload.lower()}.sql")
    return Tool(name, command=lambda: {"cmd": ["spatialite", "-silent", db], "stdin_path": sql, "stdout_path": out},
                parse=parse, output=out, describe=describe, inputs=[db] + PROGRAMS["spatialite"])


def geopandas_available():
    """(ok, reason): GeoPandas, shapely and pyproj import in this Python."""
    r = RUNNER.run([sys.executable, "-c", "import geopandas, shapely, pyproj"])
    return (True, "") if r["rc"] == 0 else (False, "GeoPandas/shapely/pyproj do not import: "
                                             + r["stderr"].strip()[-200:])


def geopandas_tool(data, scale, workload, out, parse, describe):
    """GeoPandas on the generated CSV files (its usual input): the whole process, reading included."""
    script = os.path.join(HERE, "geopandas", f"{workload.lower()}.py")
    ok, reason = GEOPANDAS
    return Tool("GeoPandas", available=ok, reason=reason,
                command=lambda: {"cmd": [sys.executable, script, data, scale, out], "stdin_path": None,
                                 "stdout_path": os.path.join(WORK, "geopandas.out")},
                parse=parse, output=out, describe=describe,
                inputs=[os.path.join(data, f"{layer}_{scale}.csv") for layer in ("settlements", "sites")]
                + PROGRAMS["geopandas"])


def postgis_tool(pg, database, workload, out, parse, describe):
    rss_file = os.path.join(WORK, f"pg_rss_{workload}.txt")
    wrapper = os.path.join(WORK, f"pg_{workload}.sql")
    with open(wrapper, "w") as f:
        f.write("\\set ON_ERROR_STOP on\n"
                f"\\o {out}\n"
                f"\\i {os.path.join(HERE, 'postgis', workload.lower() + '.sql')}\n"
                f"\\o {rss_file}\n"
                # The server backend's peak RSS (the work happens there, not in psql).
                "SELECT substring(pg_read_file('/proc/self/status') from 'VmHWM:\\s*(\\d+) kB');\n"
                "\\o\n")

    def extra():
        try:
            with open(rss_file) as f:
                return int(f.read().strip() or 0)
        except (OSError, ValueError):
            return 0
    return Tool("PostGIS", command=lambda: {"cmd": pg.psql(database) + ["-f", wrapper], "stdin_path": None,
                                            "stdout_path": os.path.join(WORK, "psql.out")},
                parse=parse, output=out, rss_extra=extra, describe=describe, inputs=[pg.data] + PROGRAMS["postgis"])


# -- answer parsers ---------------------------------------------------------------------------


def parse_w1_peer(path):
    ranks = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            if not row:
                continue
            ranks[int(row[0])] = TECH_RANK.get(row[1].strip(), 0) if len(row) > 1 else 0
    return ranks


def parse_w1_qamtu(path):
    ranks = {}
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        for field in ("id", "best_fixed", "best_mobile"):
            if field not in (reader.fieldnames or []):
                raise ValueError(f"qamtu coverage CSV has no '{field}' column (columns: {reader.fieldnames})")
        for row in reader:
            fixed = (row["best_fixed"] or "").strip()
            mobile = (row["best_mobile"] or "").strip()
            rank = 1 if fixed else TECH_RANK.get(mobile, 0)
            if fixed and fixed not in ("fibre", "fibre-node", "fibre_node"):
                rank = TECH_RANK.get(fixed, 1)
            ranks[int(row["id"])] = rank
    return ranks


def parse_w2_peer(path):
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            if row:
                rows.append((int(row[0]), float(row[1]), float(row[2])))
    return rows


def parse_w2_qamtu(path):
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        cols = reader.fieldnames or []
        idc = "id" if "id" in cols else ("site_id" if "site_id" in cols else None)
        if idc is None or "offset_m" not in cols or "chainage_km" not in cols:
            raise ValueError(f"qamtu road masts CSV lacks id/offset_m/chainage_km (columns: {cols})")
        for row in reader:
            rows.append((int(row[idc]), float(row["offset_m"]), float(row["chainage_km"])))
    return rows


def parse_w3_peer(path):
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            if row:
                out.setdefault(int(row[0]), []).append((int(row[1]), int(row[2]), float(row[3])))
    return {k: [(sid, d) for _, sid, d in sorted(v)] for k, v in out.items()}


def parse_w3_qamtu(path):
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        cols = reader.fieldnames or []
        for c in ("from_id", "rank", "to_id", "distance_m"):
            if c not in cols:
                raise ValueError(f"qamtu nearest CSV has no '{c}' column (columns: {cols})")
        for row in reader:
            out.setdefault(int(row["from_id"]), []).append((int(row["rank"]), int(row["to_id"]), float(row["distance_m"])))
    return {k: [(sid, d) for _, sid, d in sorted(v)] for k, v in out.items()}


# -- cross-checks -----------------------------------------------------------------------------


def check_w1(scale, answers, baseline):
    checks = {}
    ref = REFERENCE.get(("W1", scale), {}).get("uncovered")
    base = answers.get(baseline)
    for tool, ranks in answers.items():
        uncovered = sum(1 for r in ranks.values() if r == 0)
        parts, ok = [f"uncovered {uncovered}"], True
        if ref is not None:
            parts[0] += f" (ref {ref})" if uncovered != ref else " = ref"
            ok &= uncovered == ref
        if tool != baseline and base is not None:
            diff = [k for k in set(base) | set(ranks) if base.get(k) != ranks.get(k)]
            if diff:
                ok = False
                ex = ", ".join(f"#{k} {RANK_TECH.get(base.get(k), '?')}/{RANK_TECH.get(ranks.get(k), '?')}" for k in sorted(diff)[:3])
                parts.append(f"best tech differs from {baseline} for {len(diff)} settlements (e.g. {ex})")
            else:
                parts.append(f"best tech = {baseline} for all {len(ranks)}")
        elif tool == baseline and len(answers) > 1:
            parts.append("baseline of the cross-check")
        counts = {RANK_TECH[r]: 0 for r in RANK_TECH}
        for r in ranks.values():
            counts[RANK_TECH.get(r, "none")] += 1
        checks[tool] = {"ok": ok, "text": "; ".join(parts), "uncovered": uncovered, "settlements": len(ranks),
                        "best_tech_counts": counts}
    return checks


class RoadReference:
    """An independent offset/chainage check for W2, from the road's vertices (road_vertices.csv).

    Segment lengths on the WGS84 ellipsoid from the meridional and normal radii at each segment's
    middle (segments are ~150 m: relative error below 1e-9). A site's nearest road point is found in a
    local metric frame centred on the site; the offset is then Vincenty's geodesic distance to that
    point (the distance is stationary along the road there, so the frame's error in the foot point,
    metres along the road, changes it by millimetres): offsets to ~1 cm. Chainages are not compared
    with this foot point, as the nearest point can be ill-defined (where the road bends around a
    site, points tens of metres apart are within a millimetre of the same distance); instead the road
    point at the tool's chainage must be no farther from the site than the offset plus 0.5 m. A
    chainage measured in degree space (kilometres off) fails that by far."""

    A = 6378137.0
    F = 1 / 298.257223563
    E2 = F * (2 - F)
    CELL = 0.1  # degrees; segments are bucketed in a grid of this size

    def __init__(self, path):
        with open(path, newline="") as f:
            self.v = [(float(r["lon"]), float(r["lat"])) for r in csv.DictReader(f)]
        self.cum = [0.0]
        for p, q in zip(self.v, self.v[1:]):
            lat = (p[1] + q[1]) / 2
            m, n = self.radii(lat)
            dx = math.radians(q[0] - p[0]) * n * math.cos(math.radians(lat))
            dy = math.radians(q[1] - p[1]) * m
            self.cum.append(self.cum[-1] + math.hypot(dx, dy))
        self.grid = {}
        for i, (p, q) in enumerate(zip(self.v, self.v[1:])):
            for gx in range(int(math.floor(min(p[0], q[0]) / self.CELL)), int(math.floor(max(p[0], q[0]) / self.CELL)) + 1):
                for gy in range(int(math.floor(min(p[1], q[1]) / self.CELL)), int(math.floor(max(p[1], q[1]) / self.CELL)) + 1):
                    self.grid.setdefault((gx, gy), []).append(i)

    def radii(self, lat):
        s = math.sin(math.radians(lat))
        w = math.sqrt(1 - self.E2 * s * s)
        return self.A * (1 - self.E2) / w ** 3, self.A / w

    def locate(self, lon, lat):
        """(offset_m, chainage_km) of a point within ~10 km of the road, else None."""
        m, n = self.radii(lat)
        c = math.cos(math.radians(lat))
        gx, gy = int(math.floor(lon / self.CELL)), int(math.floor(lat / self.CELL))
        segs = {i for dx in (-1, 0, 1) for dy in (-1, 0, 1) for i in self.grid.get((gx + dx, gy + dy), ())}
        best = None
        for i in segs:
            p, q = self.v[i], self.v[i + 1]
            ax, ay = math.radians(p[0] - lon) * n * c, math.radians(p[1] - lat) * m
            bx, by = math.radians(q[0] - lon) * n * c, math.radians(q[1] - lat) * m
            dx, dy = bx - ax, by - ay
            l2 = dx * dx + dy * dy
            t = min(1.0, max(0.0, -(ax * dx + ay * dy) / l2)) if l2 > 0 else 0.0
            d = math.hypot(ax + t * dx, ay + t * dy)
            if best is None or d < best[0]:
                best = (d, i, t)
        if best is None:
            return None
        _, i, t = best
        p, q = self.v[i], self.v[i + 1]
        foot = (p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]))
        return self.vincenty(lon, lat, *foot), (self.cum[i] + t * (self.cum[i + 1] - self.cum[i])) / 1000.0

    def point_at(self, chainage_km):
        """The road point (lon, lat) at a chainage, clamped to the road."""
        m = chainage_km * 1000.0
        i = max(0, min(len(self.cum) - 2, bisect.bisect_right(self.cum, m) - 1))
        seg = self.cum[i + 1] - self.cum[i]
        t = min(1.0, max(0.0, (m - self.cum[i]) / seg)) if seg > 0 else 0.0
        p, q = self.v[i], self.v[i + 1]
        return p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])

    def vincenty(self, lon1, lat1, lon2, lat2):
        """Geodesic distance in metres on WGS84 (Vincenty's inverse formula; points here are < 20 km apart)."""
        a, f = self.A, self.F
        b = a * (1 - f)
        u1 = math.atan((1 - f) * math.tan(math.radians(lat1)))
        u2 = math.atan((1 - f) * math.tan(math.radians(lat2)))
        big_l = math.radians(lon2 - lon1)
        lam = big_l
        su1, cu1, su2, cu2 = math.sin(u1), math.cos(u1), math.sin(u2), math.cos(u2)
        for _ in range(200):
            sl, cl = math.sin(lam), math.cos(lam)
            ss = math.hypot(cu2 * sl, cu1 * su2 - su1 * cu2 * cl)
            if ss == 0:
                return 0.0
            cs = su1 * su2 + cu1 * cu2 * cl
            sigma = math.atan2(ss, cs)
            sa = cu1 * cu2 * sl / ss
            c2a = 1 - sa * sa
            c2sm = cs - 2 * su1 * su2 / c2a if c2a else 0.0
            c = f / 16 * c2a * (4 + f * (4 - 3 * c2a))
            prev = lam
            lam = big_l + (1 - c) * f * sa * (sigma + c * ss * (c2sm + c * cs * (-1 + 2 * c2sm * c2sm)))
            if abs(lam - prev) < 1e-13:
                break
        u2s = c2a * (a * a - b * b) / (b * b)
        ka = 1 + u2s / 16384 * (4096 + u2s * (-768 + u2s * (320 - 175 * u2s)))
        kb = u2s / 1024 * (256 + u2s * (-128 + u2s * (74 - 47 * u2s)))
        ds = kb * ss * (c2sm + kb / 4 * (cs * (-1 + 2 * c2sm * c2sm)
                                        - kb / 6 * c2sm * (-3 + 4 * ss * ss) * (-3 + 4 * c2sm * c2sm)))
        return b * ka * (sigma - ds)


ROAD_REFERENCE = None


def check_w2(scale, answers, baseline, sites_csv=None):
    checks = {}
    global ROAD_REFERENCE
    site_pos = {}
    if sites_csv:
        wanted = {sid for rows in answers.values() for sid, _, _ in rows}
        with open(sites_csv, newline="", encoding="utf-8") as f:
            for row in csv.reader(f):
                if row[0] != "id" and int(row[0]) in wanted:
                    site_pos[int(row[0])] = (float(row[6]), float(row[7]))
        if ROAD_REFERENCE is None:
            ROAD_REFERENCE = RoadReference(os.path.join(os.path.dirname(sites_csv), "road_vertices.csv"))
    located = {sid: ROAD_REFERENCE.locate(*pos) for sid, pos in site_pos.items()} if site_pos else {}
    ref = REFERENCE.get(("W2", scale), {}).get("count")
    base = {sid: (off, ch) for sid, off, ch in answers.get(baseline, [])}
    for tool, rows in answers.items():
        n = len(rows)
        parts, ok = [f"{n} sites"], True
        if ref is not None:
            parts[0] += " = ref" if n == ref else f" (ref {ref})"
            ok &= n == ref
        sorted_ok = all(rows[i][2] <= rows[i + 1][2] for i in range(len(rows) - 1))
        if not sorted_ok:
            ok = False
            parts.append("NOT sorted by chainage")
        detail = {"sites": n, "sorted": sorted_ok}
        if located:
            doff = max((abs(off - located[sid][0]) for sid, off, _ in rows if located.get(sid)), default=0.0)
            excess = max((ROAD_REFERENCE.vincenty(*site_pos[sid], *ROAD_REFERENCE.point_at(ch)) - located[sid][0]
                          for sid, _, ch in rows if located.get(sid)), default=0.0)
            dch = max((abs(ch - located[sid][1]) for sid, _, ch in rows if located.get(sid)), default=0.0)
            beyond = sum(1 for sid, _, _ in rows if located.get(sid) and located[sid][0] > 5000.5)
            parts.append(f"independent check: offset max |d| {doff:.1f} m, road point at chainage max "
                         f"+{max(excess, 0.0):,.1f} m from nearest (chainage max |d| {dch:.3f} km)"
                         + (f"; {beyond} beyond 5 km" if beyond else ""))
            detail.update(check_max_offset_diff_m=doff, check_max_chainage_excess_m=excess,
                          check_max_chainage_diff_km=dch, check_beyond_5km=beyond)
            if excess > 0.5 or doff > 1.0 or beyond:
                ok = False
        if tool != baseline and baseline in answers:
            mine = {sid: (off, ch) for sid, off, ch in rows}
            missing = sorted(set(base) - set(mine))
            extra = sorted(set(mine) - set(base))
            common = set(base) & set(mine)
            if missing or extra:
                ok = False
                parts.append(f"vs {baseline}: {len(missing)} missing, {len(extra)} extra")
            else:
                parts.append(f"same set as {baseline}")
            if common:
                doff = max(abs(mine[k][0] - base[k][0]) for k in common)
                dch = max(abs(mine[k][1] - base[k][1]) for k in common)
                detail.update(max_offset_diff_m=doff, max_chainage_diff_km=dch)
            detail.update(missing_vs_baseline=missing[:50], extra_vs_baseline=extra[:50],
                          missing_count=len(missing), extra_count=len(extra))
        checks[tool] = {"ok": ok, "text": "; ".join(parts), **detail}
    return checks


def check_w3(scale, answers, baseline):
    checks = {}
    base = answers.get(baseline)
    for tool, nn in answers.items():
        short = sum(1 for v in nn.values() if len(v) != 3)
        parts, ok = [f"{len(nn)} settlements x 3"], short == 0
        if short:
            parts.append(f"{short} with other than 3 neighbours")
        detail = {"settlements": len(nn), "not_three": short}
        if tool != baseline and base is not None:
            ordered = [k for k in set(base) | set(nn) if [s for s, _ in base.get(k, [])] != [s for s, _ in nn.get(k, [])]]
            sets = [k for k in ordered if {s for s, _ in base.get(k, [])} != {s for s, _ in nn.get(k, [])}]
            dmax = 0.0
            for k in set(base) & set(nn):
                for (_, d1), (_, d2) in zip(base[k], nn[k]):
                    dmax = max(dmax, abs(d1 - d2))
            if ordered:
                ok = False
                parts.append(f"vs {baseline}: {len(ordered)} settlements differ ({len(sets)} in the set)")
            else:
                parts.append(f"= {baseline} for all")
            parts.append(f"max |d distance| {dmax:.3g} m")
            detail.update(differ_ordered=len(ordered), differ_set=len(sets), max_distance_diff_m=dmax,
                          examples=sorted(ordered)[:10])
        checks[tool] = {"ok": ok, "text": "; ".join(parts), **detail}
    return checks


# -- W4: streaming GeoJSON validation -----------------------------------------------------------


class JSONStream:
    """A pull parser for one large JSON document: structure by hand, values by json.raw_decode."""

    CHUNK = 1 << 22

    def __init__(self, f) -> None:
        self.f = f
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.f.read(self.CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.buf = self.buf[self.pos:] + chunk
        self.pos = 0
        return True

    def peek(self) -> str:
        while True:
            n = len(self.buf)
            while self.pos < n and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < n:
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def expect(self, ch: str) -> None:
        got = self.peek()
        if got != ch:
            raise ValueError(f"expected '{ch}', found {got!r} near character {self.pos}")
        self.pos += 1

    def value(self):
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
                if end == len(self.buf) and not self.eof and self._fill():
                    continue  # a number may go on in the next chunk
                self.pos = end
                return value
            except json.JSONDecodeError:
                if not self._fill():
                    raise

    def at_end(self) -> bool:
        return self.peek() == ""


def validate_w4(path, ref, props, tech_alias):
    """Stream-parses a FeatureCollection and compares every feature with the sites CSV."""
    res = {"valid_json": False, "features": 0, "error": None, "missing_ids": 0, "duplicate_ids": 0, "unknown_ids": 0,
           "bad_features": 0, "missing_properties": 0, "property_mismatch": {}, "coordinates_exact": 0,
           "coordinates_tie_other_rounding": 0, "coordinates_wrong": 0, "names_997_ok": 0, "names_997_total": 0,
           "has_crs": False, "examples": []}
    pid, pname, pop, ptech, prad, phgt = props
    seen = bytearray(max(ref) + 1 if ref else 1)
    mism = {p: 0 for p in props}
    ex = res["examples"]
    n_exact = n_other = n_wrong = 0
    try:
        with open(path, encoding="utf-8", errors="strict") as f:
            s = JSONStream(f)
            s.expect("{")
            first = True
            found_features = False
            while True:
                if s.peek() == "}":
                    s.pos += 1
                    break
                if not first:
                    s.expect(",")
                first = False
                key = s.value()
                if not isinstance(key, str):
                    raise ValueError("object key is not a string")
                s.expect(":")
                if key != "features":
                    v = s.value()
                    if key == "crs":
                        res["has_crs"] = True
                    if key == "type" and v != "FeatureCollection":
                        raise ValueError(f"type is {v!r}, not FeatureCollection")
                    continue
                found_features = True
                s.expect("[")
                if s.peek() == "]":
                    s.pos += 1
                    continue
                while True:
                    feat = s.value()
                    res["features"] += 1
                    try:
                        p = feat["properties"]
                        coords = feat["geometry"]["coordinates"]
                        if feat.get("type") != "Feature" or feat["geometry"].get("type") != "Point" or len(coords) != 2:
                            raise KeyError("shape")
                        sid = int(p[pid])
                    except (KeyError, TypeError, ValueError):
                        res["bad_features"] += 1
                        if len(ex) < 5:
                            ex.append(f"malformed feature #{res['features']}: {str(feat)[:200]}")
                    else:
                        r = ref.get(sid)
                        if r is None:
                            res["unknown_ids"] += 1
                        else:
                            if seen[sid]:
                                res["duplicate_ids"] += 1
                            seen[sid] = 1
                            lon, lat, name, operator, tech, radius, height = r
                            if any(k not in p for k in props):
                                res["missing_properties"] += 1
                            if p.get(pname) != name:
                                mism[pname] += 1
                                if len(ex) < 5:
                                    ex.append(f"id {sid}: name {p.get(pname)!r} != {name!r}")
                            if sid % 997 == 0:
                                res["names_997_total"] += 1
                                res["names_997_ok"] += p.get(pname) == name
                            if p.get(pop) != operator:
                                mism[pop] += 1
                            if p.get(ptech) != tech_alias.get(tech, tech):
                                mism[ptech] += 1
                            try:
                                if float(p.get(prad)) != radius:
                                    mism[prad] += 1
                            except (TypeError, ValueError):
                                mism[prad] += 1
                            try:
                                if float(p.get(phgt)) != height:
                                    mism[phgt] += 1
                            except (TypeError, ValueError):
                                mism[phgt] += 1
                            for got, (correct, other) in ((coords[0], lon), (coords[1], lat)):
                                if got == correct:
                                    n_exact += 1
                                elif got == other:
                                    n_other += 1
                                else:
                                    n_wrong += 1
                                    if len(ex) < 5:
                                        ex.append(f"id {sid}: coordinate {got!r}, expected {correct!r}")
                    c = s.peek()
                    if c == ",":
                        s.pos += 1
                        continue
                    s.expect("]")
                    break
            if not s.at_end():
                raise ValueError("text after the end of the document")
            if not found_features:
                raise ValueError("no 'features' member")
        res["valid_json"] = True
    except (ValueError, UnicodeDecodeError) as e:
        res["error"] = str(e)[:300]
    res["coordinates_exact"], res["coordinates_tie_other_rounding"], res["coordinates_wrong"] = n_exact, n_other, n_wrong
    res["missing_ids"] = sum(1 for sid in ref if not seen[sid])
    res["property_mismatch"] = {k: v for k, v in mism.items() if v}
    return res


def w4_summary(v, expected):
    ok = (v["valid_json"] and v["features"] == expected and not v["missing_ids"] and not v["duplicate_ids"]
          and not v["unknown_ids"] and not v["bad_features"] and not v["missing_properties"] and not v["property_mismatch"]
          and not v["coordinates_wrong"] and not v["has_crs"] and v["names_997_ok"] == v["names_997_total"])
    parts = [("valid JSON" if v["valid_json"] else f"INVALID JSON ({v['error']})"), f"{v['features']:,} features"]
    if v["features"] != expected:
        parts[-1] += f" (expected {expected:,})"
    for key, label in (("missing_ids", "ids missing"), ("duplicate_ids", "duplicate ids"), ("unknown_ids", "unknown ids"),
                       ("bad_features", "malformed features"), ("missing_properties", "features lacking properties")):
        if v[key]:
            parts.append(f"{v[key]:,} {label}")
    if v["property_mismatch"]:
        parts.append("property mismatches: " + ", ".join(f"{k} {n:,}" for k, n in v["property_mismatch"].items()))
    parts.append(f"names /997 {v['names_997_ok']}/{v['names_997_total']}")
    coords = v["coordinates_exact"] + v["coordinates_tie_other_rounding"] + v["coordinates_wrong"]
    if v["coordinates_wrong"] or v["coordinates_tie_other_rounding"]:
        parts.append(f"coords: {v['coordinates_tie_other_rounding']:,} other rounding at ties, "
                     f"{v['coordinates_wrong']:,} wrong of {coords:,}")
    else:
        parts.append(f"coords all correctly rounded ({coords:,})")
    if v["has_crs"]:
        parts.append("has a 'crs' member (not RFC 7946)")
    return ok, "; ".join(parts)


def file_digest(path, algorithm="sha256"):
    """The hex digest of the file at `path` (hashlib's `algorithm`), read in 1 MB blocks (W4's outputs: sha256; W1's byte check: md5)."""
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()



# ---------------------------------------------------------------------------------------------
# Workloads


def tools_for(workload, scale, dbs, qamtu, pg, qamtu_features, data, baseline=None):
    """The tools of a workload, in the order they run. With `baseline` (another qamtu executable),
    every Qamtu row gets a twin `… (baseline)` run by that executable right after it, on the same
    database: both builds interleaved in one run, for refactors that must keep the speed."""
    out_dir = os.path.join(WORK, "out")
    os.makedirs(out_dir, exist_ok=True)
    qdb, sdb, pdb = dbs[scale]["qamtu"], dbs[scale]["spatialite"], dbs[scale]["postgis"]
    o = lambda tool: os.path.join(out_dir, f"{workload}_{scale}_{tool}")
    tools = []
    twins = []

    def qamtu_tool(feature, out, args, parse, describe, name="Qamtu", binary=None):
        ok, reason = qamtu_features[feature]
        if qdb is None:
            ok, reason = False, "the Qamtu database did not load (see Loading)"
        program = binary or qamtu
        if binary is None and baseline:
            stem, ext = os.path.splitext(out)
            twins.append((name, (feature, stem + "_baseline" + ext, args, parse, describe + " (baseline build)",
                                 name + " (baseline)", baseline)))
        return Tool(name, available=ok, reason=reason,
                    command=lambda: {"cmd": [program, *args, "-o", out, "--db", qdb], "stdin_path": None,
                                     "stdout_path": os.path.join(WORK, "qamtu.out")},
                    parse=parse, output=out, describe=describe,
                    inputs=([qdb] if qdb else []) + PROGRAMS["qamtu_baseline" if binary else "qamtu"])

    if workload == "W1":
        # The workload's answer (best technology per settlement), as the peers compute it; then
        # Qamtu's full output (covering sites and operators, nearest site, reason) for comparison.
        if qamtu_features["coverage_properties"]:
            lean = ["coverage", "--scenario", "actual", "--format", "csv", "--properties", W1_PROPERTIES]
            tools.append(qamtu_tool("coverage", o("qamtu") + ".csv", lean, parse_w1_qamtu, "qamtu " + " ".join(lean)))
            store = dbs[scale].get("qamtu_postgis")
            if store:
                # Issue 19: the same command on a Qamtu PostGIS store loaded from the same data.
                store_out = o("qamtu_postgis") + ".csv"
                tools.append(Tool(W1_POSTGIS_STORE, command=lambda: {
                    "cmd": [qamtu, *lean, "-o", store_out, "--db", store], "stdin_path": None,
                    "stdout_path": os.path.join(WORK, "qamtu.out")},
                    parse=parse_w1_qamtu, output=store_out, describe="qamtu " + " ".join(lean) + " --db postgresql://...",
                    inputs=[pg.data] + PROGRAMS["qamtu"] + PROGRAMS["postgis"]))
            full_name = "Qamtu all cols"
        else:
            full_name = "Qamtu"
        tools.append(qamtu_tool("coverage", o("qamtu_all") + ".csv", ["coverage", "--scenario", "actual", "--format", "csv"],
                                parse_w1_qamtu, "qamtu coverage --scenario actual --format csv (every column)",
                                name=full_name))
        tools.append(spatialite_tool("SpatiaLite SQL", sdb, workload, o("spatialite") + ".csv", parse_w1_peer,
                                     "R*Tree frame per site + ST_Distance(a, b, 1)"))
        tools.append(postgis_tool(pg, pdb, workload, o("postgis") + ".csv", parse_w1_peer,
                                  "geography GiST + ST_DWithin (spheroid)"))
        tools.append(geopandas_tool(data, scale, workload, o("geopandas") + ".csv", parse_w1_peer,
                                    "sindex (STRtree) on site boxes + pyproj Geod.inv, best technology first"))
    elif workload == "W2":
        tools.append(qamtu_tool("road", o("qamtu") + ".csv", ["road", "masts", "1", "--within", "5km", "--format", "csv"],
                                parse_w2_qamtu, "qamtu road masts 1 --within 5km --format csv"))
        tools.append(spatialite_tool("SpatiaLite SQL", sdb, workload, o("spatialite") + ".csv", parse_w2_peer,
                                     "R*Tree box + ST_Distance(road, site, 1) + ST_Line_Locate_Point"))
        tools.append(postgis_tool(pg, pdb, workload, o("postgis") + ".csv", parse_w2_peer,
                                  "geography ST_DWithin + ST_Distance, ST_LineLocatePoint on geometry"))
    elif workload == "W3":
        tools.append(qamtu_tool("nearest", o("qamtu") + ".csv", ["nearest", "settlements", "--to", "sites", "--k", "3",
                                                              "--format", "csv"],
                                parse_w3_qamtu, "qamtu nearest settlements --to sites --k 3 --format csv"))
        tools.append(spatialite_tool("SpatiaLite SQL", sdb, workload, o("spatialite") + ".csv", parse_w3_peer,
                                     "KNN virtual table, max_items 3"))
        tools.append(postgis_tool(pg, pdb, workload, o("postgis") + ".csv", parse_w3_peer,
                                  "<-> 10 candidates, re-ranked by ST_Distance(geog, geog, true)"))
    elif workload == "W4":
        props = qamtu_features["export_properties"]
        extra = ["--properties", ",".join(QAMTU_PROPERTIES)] if props else []
        tools.append(qamtu_tool("export", o("qamtu") + ".geojson", ["export", "sites", *extra],
                                None, "qamtu export sites" + (" --properties " + ",".join(QAMTU_PROPERTIES) if props
                                                              else " (all columns: no --properties yet)")))
        tools.append(spatialite_tool("SpatiaLite SQL", sdb, workload, o("spatialite") + ".geojson", None,
                                     "json_object + AsGeoJSON(geom, 6), spatialite CLI"))
        tools.append(postgis_tool(pg, pdb, workload, o("postgis") + ".geojson", None,
                                  "ST_AsGeoJSON(record, 'geom', 6), COPY to stdout"))
        ogr_out = o("ogr2ogr") + ".geojson"
        tools.append(Tool("ogr2ogr", command=lambda: {
            "cmd": ["ogr2ogr", "-f", "GeoJSON", ogr_out, sdb, "-dialect", "SQLite", "-sql",
                    "SELECT id, name, operator, tech, radius_m, height_m, geom FROM sites", "-nln", "sites",
                    "-lco", "RFC7946=YES", "-lco", "COORDINATE_PRECISION=6"],
            "stdin_path": None, "stdout_path": os.path.join(WORK, "ogr.out")},
            output=ogr_out, describe="SpatiaLite db -> GeoJSON, RFC7946=YES, COORDINATE_PRECISION=6",
            inputs=[sdb] + PROGRAMS["ogr2ogr"]))
    for name, spec in twins:
        at = next(i for i, t in enumerate(tools) if t.name == name)
        tools.insert(at + 1, qamtu_tool(*spec))
    return tools


def run_workload(workload, scale, tools, runs, slow, data, timeout):
    """Runs the tools interleaved; returns result rows."""
    rows = {t.name: {"workload": workload, "scale": scale, "tool": t.name, "method": t.describe, "times": [],
                     "peak_rss_kb": 0, "status": "ok" if t.available else "skipped",
                     "note": "" if t.available else t.reason} for t in tools}
    answers, w4 = {}, {}
    expected_sites = SITE_COUNTS[scale]
    ref_sites = None
    for run in range(1, runs + 1):
        for t in tools:
            row = rows[t.name]
            if row["status"] != "ok" or (row.get("slow") and run > 1):
                continue
            spec = t.command()
            if os.path.exists(t.output):
                os.remove(t.output)
            r = RUNNER.run(spec["cmd"], stdin_path=spec["stdin_path"], stdout_path=spec["stdout_path"], measure=True,
                           timeout=timeout, warm=t.inputs)
            rss = r["maxrss_kb"] + (t.rss_extra() if t.rss_extra else 0)
            if r["rc"] != 0 or not os.path.exists(t.output):
                row["status"] = "failed"
                row["note"] = f"run {run} failed, exit {r['rc']}: {r['stderr'].strip()[-600:]}"
                log(f"  {workload} {scale} {t.name} run {run}: FAILED ({row['note'][:300]})")
                continue
            row["times"].append(r["wall"])
            row["peak_rss_kb"] = max(row["peak_rss_kb"], rss)
            if r["stderr"].strip():
                row.setdefault("stderr", r["stderr"].strip()[-400:])
            log(f"  {workload} {scale} {t.name:<15} run {run}: {r['wall']:8.3f} s  {rss / 1024:8.1f} MB")
            if r["wall"] > slow and run < runs:
                row["slow"] = True
                row["note"] = f"runs after the first skipped: {r['wall']:.0f} s > --slow {slow:.0f} s"
            if run == 1:
                if workload == "W4":
                    if ref_sites is None:
                        ref_sites = read_sites_reference(os.path.join(data, f"sites_{scale}.csv"))
                    props = QAMTU_PROPERTIES if t.name.startswith("Qamtu") else PEER_PROPERTIES
                    alias = {"fibre-node": "fibre"} if t.name.startswith("Qamtu") else {}
                    v = validate_w4(t.output, ref_sites, props, alias)
                    v["bytes"] = os.path.getsize(t.output)
                    v["sha256"] = file_digest(t.output)
                    w4[t.name] = v
                else:
                    try:
                        answers[t.name] = t.parse(t.output)
                    except (ValueError, KeyError, IndexError) as e:
                        row["status"] = "failed"
                        row["note"] = f"cannot read the answer: {e}"
            elif workload == "W4" and t.name in w4:
                if file_digest(t.output) != w4[t.name]["sha256"]:
                    w4[t.name]["runs_differ"] = True
    if workload == "W4":  # the exports are large: remove them now
        for t in tools:
            if t.output and os.path.exists(t.output):
                os.remove(t.output)
    # Cross-checks
    if workload == "W4":
        for name, v in w4.items():
            ok, text = w4_summary(v, expected_sites)
            if v.get("runs_differ"):
                ok, text = False, text + "; output differs between runs"
            rows[name]["check"] = {"ok": ok, "text": text, **{k: v[k] for k in v if k != "examples"},
                                   "examples": v["examples"]}
    else:
        baseline = "Qamtu" if "Qamtu" in answers else ("PostGIS" if "PostGIS" in answers else next(iter(answers), None))
        if workload == "W2":
            checked = check_w2(scale, answers, baseline, os.path.join(data, f"sites_{scale}.csv"))
        else:
            checked = {"W1": check_w1, "W3": check_w3}[workload](scale, answers, baseline)
        for name, c in checked.items():
            rows[name]["check"] = c
        if workload == "W1" and W1_POSTGIS_STORE in rows:
            same_bytes_as_qamtu(rows, {t.name: t.output for t in tools})
    return list(rows.values())


# ---------------------------------------------------------------------------------------------
# Output


def same_bytes_as_qamtu(rows, outputs):
    """W1: the PostGIS store's output must be Qamtu's (SpatiaLite store's) byte for byte (md5 of the last run's files)."""
    row = rows[W1_POSTGIS_STORE]
    paths = [outputs.get("Qamtu"), outputs.get(W1_POSTGIS_STORE)]
    if not all(p and os.path.exists(p) for p in paths):
        return
    digests = [file_digest(p, "md5") for p in paths]
    same = digests[0] == digests[1]
    c = row.get("check") or {"ok": True, "text": ""}
    c["ok"] = bool(c.get("ok")) and same
    c["same_bytes_as_qamtu"] = same
    c["md5"] = digests[1]
    c["text"] = (c.get("text", "") + "; " if c.get("text") else "") + \
        (f"same bytes as Qamtu (md5 {digests[1][:12]})" if same else f"BYTES DIFFER from Qamtu (md5 {digests[0][:12]} / {digests[1][:12]})")
    row["check"] = c


def postgis_store_goals(rows):
    """Issue 19's W1 goal at each scale where the PostGIS store ran: its median <= 2x the SpatiaLite store's."""
    goals = []
    for r in rows:
        if r["workload"] == "W1" and r["tool"] == W1_POSTGIS_STORE and r.get("ratio_to_qamtu"):
            met = r["ratio_to_qamtu"] <= W1_POSTGIS_GOAL and (r.get("check") or {}).get("ok", False)
            r["goal"] = {"goal": f"W1 {r['scale']}: PostGIS store <= {W1_POSTGIS_GOAL:g}x the SpatiaLite store, same bytes",
                         "value": r["ratio_to_qamtu"], "met": met}
            goals.append(r["goal"])
    return goals


def fmt_row(r, qamtu_median):
    times = r["times"]
    if not times:
        return None
    med = statistics.median(times)
    r["median_s"], r["min_s"], r["max_s"], r["runs"] = med, min(times), max(times), len(times)
    r["peak_rss_mb"] = r["peak_rss_kb"] / 1024
    r["ratio_to_qamtu"] = (med / qamtu_median) if qamtu_median else None
    return med


def print_table(rows, loading, meta, file=sys.stdout):
    w = file.write
    w(f"\nQamtu benchmark  {meta['date']}  {meta['host']}  runs {meta['runs']} (interleaved)  {meta.get('qamtu_version', '?')}\n")
    w(f"peers: {meta.get('spatialite', '?')}; {meta.get('postgis', '?')}; {meta.get('gdal', '?')}\n")
    w("\nLoading (once per scale; not part of the query times)\n")
    w(f"{'scale':<6}{'Qamtu init+import':>20}{'SpatiaLite':>14}{'PostGIS':>14}\n")
    for l in loading:
        q = l["qamtu"]
        qs = f"{q['seconds']:.2f} s" if q["ok"] else "FAILED"
        peer_s = "".join(f"{l[k]['seconds']:>12.2f} s" if k in l else f"{'-':>14}" for k in ("spatialite", "postgis"))
        w(f"{l['scale']:<6}{qs:>20}{peer_s}\n")
        for n in q["notes"]:
            if n.startswith("FAILED"):
                w(f"      Qamtu: {n}\n")
        if "qamtu_postgis" in l:
            p = l["qamtu_postgis"]
            w(f"      Qamtu PostGIS store (W1 of issue 19): init+import {p['seconds']:.2f} s"
              f"{'' if p['ok'] else ' FAILED: ' + '; '.join(p['notes'])[-400:]}\n")
    head = f"{'workload':<20}{'scale':<6}{'tool':<16}{'median s (min-max)':<28}{'x Qamtu':>8}{'peak RSS MB':>13}  answer check\n"
    w("\n" + head + "-" * (len(head) + 40) + "\n")
    last = None
    for r in rows:
        key = (r["workload"], r["scale"])
        label = f"{r['workload']} {WORKLOAD_NAMES[r['workload']]}" if key != last else ""
        sc = r["scale"] if key != last else ""
        last = key
        if r.get("median_s") is None:
            w(f"{label:<20}{sc:<6}{r['tool']:<16}{r['status'].upper() + ': ' + r['note']}\n")
            continue
        t = f"{r['median_s']:.3f} ({r['min_s']:.3f}-{r['max_s']:.3f})"
        if r["runs"] != meta["runs"]:
            t += f" n={r['runs']}"
        ratio = f"{r['ratio_to_qamtu']:.2f}" if r.get("ratio_to_qamtu") else "-"
        c = r.get("check") or ({"ok": False, "text": "no answer checked"} if r["status"] != "ok" else {})
        mark = ("ok " if c.get("ok") else "DIFF ") if c else ""
        if r["status"] != "ok":
            mark = "FAILED " + mark
        w(f"{label:<20}{sc:<6}{r['tool']:<16}{t:<28}{ratio:>8}{r['peak_rss_mb']:>13.1f}  {mark}{c.get('text', '')}\n")
        if r.get("note"):
            w(f"{'':<42}note: {r['note']}\n")
    w("\nratio = tool's median / Qamtu's median (above 1: slower than Qamtu). PostGIS RSS = psql + server backend.\n")
    for g in postgis_store_goals(rows):
        w(f"goal (issue 19): {g['goal']}: {'met' if g['met'] else 'MISSED'} ({g['value']:.2f}x)\n")


# ---------------------------------------------------------------------------------------------


def tool_versions(qamtu):
    def first_line(cmd):
        try:
            r = RUNNER.run(cmd)
            return (r["stdout"] or r["stderr"]).strip().splitlines()[0]
        except (OSError, IndexError):
            return "?"
    git = first_line(["git", "-C", REPO, "describe", "--always", "--dirty"])
    return {
        "qamtu_version": f"qamtu {git}",
        "spatialite": "SpatiaLite " + first_line(["spatialite", "-silent", ":memory:", "SELECT spatialite_version()"])
                      + " (SQLite " + first_line(["sqlite3", "--version"]).split()[0] + ")",
        "gdal": first_line(["ogr2ogr", "--version"]),
    }


def main():
    global WORK
    ap = argparse.ArgumentParser(prog="Scripts/bench.sh", description=__doc__.split("\n")[0])
    ap.add_argument("--scale", default="S,M", help="scales to run: S,M,L (default S,M)")
    ap.add_argument("--only", default=",".join(WORKLOADS),
                    help="workloads: W1,W2,W3,W4 (default), and the server's W5 and SOAK, the tiles' W6 (L sites) and the "
                         "load times W7 (at --scale) and the planning W8 (at M and L of --scale), which run only when named")
    ap.add_argument("--runs", type=int, default=3, help="runs per tool (default 3); the median is reported")
    ap.add_argument("--out", default=os.path.join(REPO, "bench-results.json"), help="JSON results (default bench-results.json)")
    ap.add_argument("--slow", type=float, default=60.0,
                    help="a tool whose run takes longer than this many seconds is not run again (default 60)")
    ap.add_argument("--timeout", type=float, default=1500.0,
                    help="a run taking longer than this many seconds is stopped and reported as failed (default 1500)")
    ap.add_argument("--baseline", metavar="QAMTU",
                    help="another qamtu executable whose rows run interleaved beside this build's (speed of a refactor)")
    ap.add_argument("--qamtu", help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    ap.add_argument("--check-args", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    scales = [s.strip().upper() for s in args.scale.split(",") if s.strip()]
    only = [w.strip().upper() for w in args.only.split(",") if w.strip()]
    bad = [s for s in scales if s not in SCALES] + [w for w in only
                                                    if w not in WORKLOADS + SERVER_WORKLOADS + TILE_WORKLOADS + LOAD_WORKLOADS
                                                    + PLANNING_WORKLOADS]
    if bad or not scales or not only or args.runs < 1:
        ap.error(f"bad --scale/--only/--runs: {', '.join(bad) or 'empty'} (scales S,M,L; workloads W1-W8, SOAK; "
                 "runs >= 1)")
    plan = [(w, s) for w in only for s in scales if s in WORKLOAD_SCALES[w]]
    not_defined = [(w, s) for w in only for s in scales if s not in WORKLOAD_SCALES[w]]
    if not plan:
        ap.error("no workload is defined at the selected scales (W2 needs M or L, W3 S or M, W5 and SOAK M)")
    if args.baseline and not os.access(args.baseline, os.X_OK):
        ap.error(f"--baseline {args.baseline}: not an executable")
    if args.check_args:
        return 0
    if not args.qamtu or not args.work:
        ap.error("run through Scripts/bench.sh")
    WORK = args.work
    server_plan = [w for w, _ in plan if w in SERVER_WORKLOADS]
    tile_plan = "W6" in only
    load_scales = [s for s in SCALES if s in scales] if "W7" in only else []
    # W8 is defined at M (budgets 10, 50, beside spopt) and L (budget 100, Qamtu alone): both run, whatever --scale says.
    planning_scales = list(WORKLOAD_SCALES["W8"]) if "W8" in only else []
    plan = [(w, s) for w, s in plan if w not in SERVER_WORKLOADS + TILE_WORKLOADS + LOAD_WORKLOADS + PLANNING_WORKLOADS]
    t0 = time.perf_counter()
    need_scales = [s for s in SCALES if any(ps == s for _, ps in plan) or (s == "M" and server_plan)]
    for w, s in not_defined:
        if w in TILE_WORKLOADS + LOAD_WORKLOADS:
            continue
        if w in PLANNING_WORKLOADS:
            continue
        log(f"{w} is not run at scale {s} (defined at {', '.join(WORKLOAD_SCALES[w])})")

    def on_signal(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second signal must not interrupt the clean-up
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_signal)
    # SIGINT: Scripts/bench.sh runs this in the background (SIGINT ignored) and turns Ctrl-C into TERM;
    # run directly, Ctrl-C raises KeyboardInterrupt as usual.

    qamtu = args.qamtu
    pg = PostGIS(WORK)
    rows, loading, server, tiles, load_times, planning = [], [], None, None, None, None
    meta = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "host": f"{platform.node()} ({os.cpu_count()} cores, {platform.machine()})",
            "runs": args.runs, "scales": scales, "workloads": only, "slow_seconds": args.slow,
            "command": "Scripts/bench.sh " + " ".join(a for a in sys.argv[1:] if not a.startswith(("--qamtu", "--work"))
                                                      and a not in (args.qamtu, args.work))}
    interrupted = False
    try:
        meta.update(tool_versions(qamtu))
        # Which Qamtu commands exist (other issues add them): never a fake number for a missing one.
        features = {}
        for key, cmd, must in (("coverage", ["coverage"], ["--scenario", "csv"]),
                               ("road", ["road", "masts"], ["--within"]),
                               ("nearest", ["nearest"], ["--k", "--to"]),
                               ("export", ["export"], ["--output"]),
                               ("serve", ["serve"], ["--port"])):
            rc, text = qamtu_help(qamtu, *cmd)
            ok = rc == 0 and all(m in text for m in must)
            features[key] = (ok, "" if ok else f"not implemented yet (`qamtu {' '.join(cmd)}` is not available)")
        rc, text = qamtu_help(qamtu, "export")
        features["export_properties"] = rc == 0 and "--properties" in text
        rc, text = qamtu_help(qamtu, "coverage", "list")
        features["coverage_properties"] = rc == 0 and "--properties" in text
        for key in ("coverage", "road", "nearest"):
            if not features[key][0]:
                log(f"Qamtu: {features[key][1]} - its workload runs the peers only")
        data = prepare_data(sorted(set(need_scales) | set(load_scales) | set(planning_scales) | ({"L"} if tile_plan else set()),
                                   key=SCALES.index), WORK)
        global GEOPANDAS
        GEOPANDAS = geopandas_available()
        if not GEOPANDAS[0]:
            log(f"GeoPandas: {GEOPANDAS[1]} - W1 runs without it")
        pglib = os.path.join(os.path.dirname(PGBIN), "lib")
        PROGRAMS.update({
            "qamtu": program_files(qamtu),
            "qamtu_baseline": program_files(args.baseline) if args.baseline else [],
            "spatialite": program_files("spatialite"),
            "postgis": program_files(f"{PGBIN}/psql", f"{PGBIN}/postgres",
                                     *[os.path.join(pglib, f) for f in sorted(os.listdir(pglib)) if f.startswith("postgis")]
                                     if os.path.isdir(pglib) else []),
            "geopandas": program_files(sys.executable, packages=("numpy", "pandas", "shapely", "pyproj", "geopandas")),
            "ogr2ogr": program_files("ogr2ogr"),
        })
        if plan:
            pg.start()
            dbs = load_all(need_scales, data, qamtu, pg, loading,
                           postgis_store={s for w, s in plan if w == "W1"} if qamtu_has_postgis(qamtu) else ())
            meta["postgis"] = pg.version() + ", PostGIS " + RUNNER.run(pg.psql(dbs[need_scales[0]]["postgis"]) + [
                "-c", "SELECT postgis_lib_version()"])["stdout"].strip()
        elif need_scales:  # the server workloads alone: the Qamtu database is all they read
            dbs = load_all(need_scales, data, qamtu, pg, loading, peers=False)
        for workload, scale in plan:
            log(f"{workload} {WORKLOAD_NAMES[workload]}, scale {scale}:")
            tools = tools_for(workload, scale, dbs, qamtu, pg, features, data, baseline=args.baseline)
            for t in tools:
                if not t.available:
                    log(f"  {t.name}: skipped - {t.reason}")
            rows.extend(run_workload(workload, scale, tools, args.runs, args.slow, data, args.timeout))
        if server_plan:
            log(f"{', '.join(server_plan)} (server), scale M:")
            if dbs["M"]["qamtu"] is None:
                raise BenchError("the Qamtu database of scale M did not load (see Loading)")
            server = w5.run(server_plan, qamtu, *features["serve"], dbs["M"]["qamtu"], data, WORK)
        if tile_plan:
            log("W6 vector tiles (L sites, districts, road):")
            if not pg.started:
                pg.start()
            tiles = w6.run(RUNNER, pg, qamtu, data, WORK)
        if load_scales:
            log(f"W7 load times, scales {','.join(load_scales)}:")
            if not pg.started:
                pg.start()
            load_programs = {
                "qamtu": PROGRAMS["qamtu"], "qamtu_baseline": PROGRAMS["qamtu_baseline"],
                # W7's SpatiaLite peer is the sqlite3 CLI (its CSV .import) with the mod_spatialite module.
                "sqlite3": program_files("sqlite3", *([w7.mod_spatialite()] if w7.mod_spatialite() else [])),
                "postgis": PROGRAMS["postgis"] + w7.postgis_extension_files(),
            }
            load_times = w7.run(RUNNER, pg, qamtu, data, WORK, load_scales, args.runs, args.slow, args.timeout,
                                load_programs, baseline=args.baseline)
        if planning_scales:
            log(f"W8 planning, scales {','.join(planning_scales)}:")
            planning = w8.run(RUNNER, qamtu, data, WORK, planning_scales, args.runs, args.slow, args.timeout,
                              PROGRAMS["qamtu"])
    except KeyboardInterrupt:
        interrupted = True
        log("interrupted: stopping the server and cleaning up")
    except (BenchError, RuntimeError) as e:  # RuntimeError: a server or wrk (w5.py)
        log(f"error: {e}")
        pg.stop()
        return 1
    finally:
        pg.stop()
    # Ratios and the table
    by_key = {}
    for r in rows:
        by_key.setdefault((r["workload"], r["scale"]), []).append(r)
    for group in by_key.values():
        q = next((r for r in group if r["tool"] == "Qamtu" and r["times"]), None)
        qmed = statistics.median(q["times"]) if q else None
        for r in group:
            fmt_row(r, qmed)
    meta["total_seconds"] = time.perf_counter() - t0
    meta["interrupted"] = interrupted
    meta["not_defined"] = [f"{w} {s}" for w, s in not_defined]
    if plan:
        print_table(rows, loading, meta)
    if server:
        w5.print_tables(server)
    if tiles:
        w6.print_table(tiles)
    if load_times:
        w7.print_table(load_times)
    if planning:
        w8.print_table(planning)
    print(f"\ntotal {meta['total_seconds']:.0f} s (generation, loading, runs and checks)"
          + ("  INTERRUPTED: partial results" if interrupted else ""))
    with open(args.out, "w") as f:
        json.dump({"meta": meta, "loading": loading, "results": rows, **({"server": server} if server else {}),
                   **({"tiles": tiles} if tiles else {}), **({"load_times": load_times} if load_times else {}),
                   **({"planning": planning} if planning else {})},
                  f, indent=1, ensure_ascii=False)
    print(f"results: {args.out}")
    if tiles and not tiles.get("ok"):
        print("W6: a goal or check failed (see above)")
    if load_times and not all(g["met"] for g in load_times["goals"]):
        print("W7: a goal was missed (see above)")
    if planning and not all(g["met"] for g in planning["goals"]):
        print("W8: a goal was missed (see above)")
    if interrupted:
        return 130
    # W6 fails on any difference in feature counts between Qamtu's and PostGIS's tiles; W7 when a load
    # failed or its row counts differ from the CSV's.
    if load_times and not load_times["checks_ok"]:
        return 1
    if planning and not planning["checks_ok"]:
        return 1
    return 1 if tiles and not tiles["check"].get("ok") else 0


if __name__ == "__main__":
    sys.exit(main())
