"""The W5 peer: pygeoapi (SQLiteGPKG provider) under gunicorn with 4 workers, as pygeoapi is deployed.

Used by Scripts/bench/w5.py (loaded by path: this folder is not a package, so that it never shadows
the real `pygeoapi` package). Standard library only.

pygeoapi runs in a virtual environment made with Debian's /usr/bin/python3: its sqlite3 module can
load extensions (pyenv's Pythons are built without `enable_load_extension`, which the provider
needs for mod_spatialite from libsqlite3-mod-spatialite). The environment is kept in a cache folder
outside the repository (see cache_dir) and made again only when its versions differ.

pygeoapi 0.22 and later require Python >= 3.12; Debian 12's python3 is 3.11, so there the newest
release it can run is 0.21.0 (the release of the figures in ../shared/bench/README.md). On a Debian
with python3 >= 3.12 (Debian 13) the peer is 0.24.0. PYGEOAPI_VERSION=X.Y.Z overrides the choice.
"""
from __future__ import annotations

import os
import shutil
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
DEBIAN_PYTHON = "/usr/bin/python3"
GUNICORN_VERSION = "23.0.0"
WORKERS = 4


def python_version(python=DEBIAN_PYTHON):
    r = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{python} does not run: {r.stderr.strip()[-300:]}")
    major, minor = r.stdout.strip().split(".")
    return int(major), int(minor)


def choose_version():
    """The pygeoapi release to run: PYGEOAPI_VERSION, else 0.24.0 where Debian's python3 can run it
    (>= 3.12), else 0.21.0, the last release for Python 3.11 (Debian 12)."""
    if os.environ.get("PYGEOAPI_VERSION"):
        return os.environ["PYGEOAPI_VERSION"]
    return "0.24.0" if python_version() >= (3, 12) else "0.21.0"


def cache_dir():
    """Where the virtual environment is kept: beside the bench data when BENCH_DATA is set (the folder
    that is reused between runs), else ~/.cache/qamtu-bench (XDG_CACHE_HOME)."""
    if os.environ.get("BENCH_DATA"):
        return os.path.abspath(os.environ["BENCH_DATA"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "qamtu-bench")


CHECK = ("import sqlite3, pygeoapi, gunicorn\n"
         "c = sqlite3.connect(':memory:'); c.enable_load_extension(True)\n"
         "c.execute(\"SELECT load_extension('mod_spatialite.so')\")\n"
         "v = c.execute('SELECT spatialite_version(), sqlite_version()').fetchone()\n"
         "print(pygeoapi.__version__, gunicorn.__version__, v[0], v[1])\n")


def ensure_venv(log):
    """Returns (venv folder, versions text), making the environment when it is missing or stale."""
    if not os.access(DEBIAN_PYTHON, os.X_OK):
        raise RuntimeError(f"{DEBIAN_PYTHON} is missing (apt-get install python3 python3-venv)")
    version = choose_version()
    major, minor = python_version()
    venv = os.path.join(cache_dir(), f"pygeoapi-{version}-py{major}.{minor}")
    python = os.path.join(venv, "bin", "python")

    def check():
        if not os.access(python, os.X_OK):
            return None
        r = subprocess.run([python, "-c", CHECK], capture_output=True, text=True)
        if r.returncode != 0:
            return None
        parts = r.stdout.split()
        if len(parts) != 4 or parts[0] != version or parts[1] != GUNICORN_VERSION:
            return None
        return parts

    found = check()
    if found is None:
        log(f"Installing pygeoapi {version} and gunicorn {GUNICORN_VERSION} into {venv} "
            f"(Debian's python3 {major}.{minor}; about a minute) ...")
        shutil.rmtree(venv, ignore_errors=True)
        os.makedirs(os.path.dirname(venv), exist_ok=True)
        r = subprocess.run([DEBIAN_PYTHON, "-m", "venv", venv], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"python3 -m venv failed (is python3-venv installed?): {r.stderr.strip()[-500:]}")
        r = subprocess.run([os.path.join(venv, "bin", "pip"), "install", "--quiet", "--disable-pip-version-check",
                            f"pygeoapi=={version}", f"gunicorn=={GUNICORN_VERSION}"], capture_output=True, text=True)
        if r.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            raise RuntimeError(f"pip install pygeoapi=={version} failed: {r.stderr.strip()[-800:]}")
        found = check()
        if found is None:
            r = subprocess.run([python, "-c", CHECK], capture_output=True, text=True)
            raise RuntimeError(f"pygeoapi {version} does not run with SpatiaLite in {venv}: {r.stderr.strip()[-500:]}"
                               " (is libsqlite3-mod-spatialite installed?)")
    pyg, gun, spatialite, sqlite = found
    return venv, (f"pygeoapi {pyg} (SQLiteGPKG, gunicorn {gun} -w {WORKERS}, Python {major}.{minor}, "
                  f"SpatiaLite {spatialite}, SQLite {sqlite})")


def prepare(venv, work, db, port):
    """Writes the configuration and the OpenAPI document under work/pygeoapi; returns the server's
    command, environment and working folder."""
    folder = os.path.join(work, "pygeoapi")
    os.makedirs(folder, exist_ok=True)
    config = os.path.join(folder, "config.yml")
    openapi = os.path.join(folder, "openapi.yml")
    with open(os.path.join(HERE, "config.yml")) as f:
        text = f.read().replace("@PORT@", str(port)).replace("@DB@", db)
    with open(config, "w") as f:
        f.write(text)
    env = dict(os.environ, PYGEOAPI_CONFIG=config, PYGEOAPI_OPENAPI=openapi)
    env.pop("PYTHONPATH", None)
    r = subprocess.run([os.path.join(venv, "bin", "pygeoapi"), "openapi", "generate", config, "--output-file", openapi],
                       capture_output=True, text=True, env=env, cwd=folder)
    if r.returncode != 0:
        raise RuntimeError(f"pygeoapi openapi generate failed: {r.stderr.strip()[-800:]}")
    cmd = [os.path.join(venv, "bin", "gunicorn"), "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
           "pygeoapi.flask_app:APP"]
    return cmd, env, folder
