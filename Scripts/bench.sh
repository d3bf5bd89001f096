#!/usr/bin/env bash
# Benchmark suite: Qamtu beside SpatiaLite SQL, PostGIS and ogr2ogr on the workloads W1-W4 of
# ../shared/bench/README.md, in one command, on the same data, runs interleaved.
#
# Usage: Scripts/bench.sh [--scale S,M,L] [--only W1,W2,W3,W4,W5,W6,W7,W8,SOAK] [--runs N] [--out FILE] [--slow S] [--timeout S] [--baseline QAMTU]
#   defaults: --scale S,M  --runs 3  W1-W4  --out bench-results.json (repository root)
#   W1 runs at S, M, L; W2 at M, L; W3 at S, M; W4 at S, M, L (its goal: --scale L, the 1,000,000 sites).
#   The server's W5 (qamtu serve beside pygeoapi, wrk) and SOAK run at M, only when --only names them.
#   Example (the issue's W4 measurement): Scripts/bench.sh --scale L --only W4
#   Example (the server): Scripts/bench.sh --only W5,SOAK
#   Example (vector tiles, always the L sites): Scripts/bench.sh --only W6
#   W7 (load times: each layer on its own into a fresh, query-ready Qamtu file, SpatiaLite file and PostGIS
#   database, at each scale of --scale) runs only when --only names it; its goals are judged at L:
#   Example (the load goals): Scripts/bench.sh --scale L --only W7
#   W8 (planning: the settlements' maximal covering problem, Qamtu beside spopt's exact MCLP) runs only when --only
#   names it, always at M (budgets 10 and 50) and L (budget 100, Qamtu alone): Scripts/bench.sh --only W8
#   --baseline OTHER_QAMTU runs every Qamtu row again with that executable, interleaved (speed of a refactor):
#   Scripts/bench.sh --scale M,L --only W1,W2,W3,W4 --baseline /tmp/qamtu-before
#
# It installs missing Debian packages (PostgreSQL 15 + PostGIS 3, spatialite-bin, sqlite3, gdal-bin, python3, and for
# W5/SOAK wrk and python3-venv; through sudo when not root), builds qamtu in release mode (QAMTU_BIN=path skips the build and uses
# that executable), generates the data with ../shared/bench/gen_data.py into a temporary folder
# (or reuses $BENCH_DATA when it holds the files) and checks it against MANIFEST.sha256, loads it
# into a Qamtu database, a plain SpatiaLite database and a private PostgreSQL cluster (initialised
# under the temporary folder, unix socket only), runs the workloads, prints a table and writes JSON.
# The servers and the temporary folder are removed on exit, also on failure, Ctrl-C or TERM.
# Method and caveats: Scripts/bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

# Help, and bad arguments, before installing or building anything.
for arg in "$@"; do
  case "$arg" in -h|--help) exec python3 Scripts/bench/bench.py --help ;; esac
done
if command -v python3 >/dev/null 2>&1; then
  python3 Scripts/bench/bench.py --check-args "$@"
fi

server_packages=()
case " ${*^^} " in  # W5/SOAK: wrk, and Debian's python3 with venv for pygeoapi (w5.py installs it into a cache)
  *W5*|*SOAK*) server_packages=(wrk python3-venv) ;;
esac
w6=0
case " ${*^^} " in  # W6: wrk and pgbench (postgresql-15 ships it); mapbox-vector-tile decodes both sides' tiles
  *W6*) w6=1; server_packages+=(wrk) ;;
esac
# sqlite3: the CLI whose CSV .import loads the SpatiaLite peer (loading, and W7)
Scripts/ensure-packages.sh postgresql-15 postgresql-15-postgis-3 libsqlite3-mod-spatialite sqlite3 python3 time "${server_packages[@]}"
if ! python3 -c 'import numpy' 2>/dev/null; then
  echo "Installing numpy for ../shared/bench/gen_data.py" >&2
  python3 -m pip install --quiet numpy
fi
if ! python3 -c 'import geopandas, shapely, pyproj' 2>/dev/null; then
  echo "Installing GeoPandas, shapely and pyproj (the W1 peer)" >&2
  python3 -m pip install --quiet geopandas shapely pyproj \
    || python3 -m pip install --quiet --break-system-packages geopandas shapely pyproj \
    || echo "warning: GeoPandas did not install; W1 runs without it" >&2
fi
if [ "$w6" = 1 ] && ! python3 -c 'import mapbox_vector_tile' 2>/dev/null; then
  echo "Installing mapbox-vector-tile (W6 decodes the tiles of both sides)" >&2
  python3 -m pip install --quiet mapbox-vector-tile==2.2.0 \
    || python3 -m pip install --quiet --break-system-packages mapbox-vector-tile==2.2.0 \
    || echo "warning: mapbox-vector-tile did not install; W6 cannot check feature counts (and fails)" >&2
fi
case " ${*^^} " in  # W8: spopt's MCLP solved exactly with PuLP (CBC ships with PuLP); scipy and pyproj build the instance
  *W8*)
    if ! python3 -c 'import spopt, pulp, scipy, pyproj' 2>/dev/null; then
      echo "Installing spopt, PuLP, SciPy and pyproj (the W8 peer)" >&2
      python3 -m pip install --quiet spopt pulp scipy pyproj \
        || python3 -m pip install --quiet --break-system-packages spopt pulp scipy pyproj \
        || echo "warning: spopt did not install; W8 runs Qamtu alone (its goals against spopt are then missed)" >&2
    fi ;;
esac
if [ ! -c /dev/null ]; then
  echo "error: /dev/null is not a character device on this machine (initdb needs it);" >&2
  echo "  as root: rm -f /dev/null && mknod -m 666 /dev/null c 1 3" >&2
  exit 1
fi

if [ -n "${QAMTU_BIN:-}" ]; then
  qamtu="$QAMTU_BIN"
  echo "Using QAMTU_BIN=$qamtu (no build)" >&2
else
  # The Swift runtime linked statically: the executable starts in about half the time (fewer
  # shared libraries to load and bind), which counts in every timed run.
  echo "Building qamtu (release, static Swift runtime)..." >&2
  swift build -c release --static-swift-stdlib --product qamtu >&2
  qamtu="$(swift build -c release --static-swift-stdlib --show-bin-path)/qamtu"
fi
[ -x "$qamtu" ] || { echo "error: no qamtu executable at $qamtu" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/qamtu-bench.XXXXXX")"
chmod 755 "$work"   # the postgres user (when run as root) needs to reach its folder inside
bench_pid=""

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$bench_pid" ] && kill -0 "$bench_pid" 2>/dev/null; then
    kill -TERM "$bench_pid" 2>/dev/null || true
    wait "$bench_pid" 2>/dev/null || true
  fi
  # The orchestrator stops the servers itself; this is the safety net (W5/SOAK list their process groups).
  if [ -f "$work/server-groups" ]; then
    while read -r pgid; do
      [ -n "$pgid" ] && kill -KILL -- "-$pgid" 2>/dev/null || true
    done < "$work/server-groups"
  fi
  if [ -f "$work/pg/data/postmaster.pid" ]; then
    if [ "$(id -u)" -eq 0 ]; then as_pg=(runuser -u postgres --); else as_pg=(); fi
    "${as_pg[@]}" /usr/lib/postgresql/15/bin/pg_ctl -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# In the background, so that a signal reaches this shell's trap at once (wait is interruptible).
python3 Scripts/bench/bench.py --qamtu "$qamtu" --work "$work" "$@" &
bench_pid=$!
wait "$bench_pid"
