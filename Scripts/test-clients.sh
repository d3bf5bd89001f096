#!/usr/bin/env bash
# Real clients against `qamtu serve` (issue 15's acceptance), run by Scripts/test.sh after the Swift tests:
#   gdal          GDAL's OAPIF driver: ogrinfo lists every collection with its count; ogr2ogr copies the
#                 25,000 bench M sites into a GeoPackage identical to `qamtu export sites`; attribute filters
#   owslib        OWSLib's Features: collections, items with limit/offset paging, numberMatched
#   schemathesis  schemathesis over /api: no server error, no response that violates the schema
#   bad_requests  a corpus of malformed requests over raw sockets: 4xx with an OGC exception, never a 5xx
# Then, when no stage is named, Scripts/test-tiles.py: `qamtu tiles export` of the demo database and the tile
#                 endpoints checked tile by tile (mapbox-vector-tile, shapely, GDAL's MVT driver), antimeridian and 85°.
# It builds nothing: it uses the debug qamtu that `swift build --build-tests` made. Python packages (pinned in
# Scripts/clients/requirements.txt) go into a venv under the cache folder, outside the repository; the bench M
# data is generated there by ../shared/bench/gen_data.py and checked against its manifest. Each server runs on a
# free port of 127.0.0.1 and is stopped on exit, whatever happens.
# Usage: Scripts/test-clients.sh [gdal,owslib,schemathesis,bad_requests]   (default: all)
# Environment: QAMTU_CLIENTS_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/qamtu-clients); BENCH_DATA (a folder that
# already holds sites_M.csv); QAMTU_SHARED_BENCH (default ../shared/bench); CI=true makes a missing
# ../shared/bench/gen_data.py a failure instead of a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
start=$(date +%s)

qamtu="$(swift build --show-bin-path)/qamtu"
[ -x "$qamtu" ] || { echo "error: $qamtu is missing: run swift build first (Scripts/test.sh does)" >&2; exit 1; }

cache="${QAMTU_CLIENTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/qamtu-clients}"
mkdir -p "$cache"
work="$(mktemp -d "${TMPDIR:-/tmp}/qamtu-clients.XXXXXX")"
pids="$work/servers.pid"
: >"$pids"
cleanup() {
  # The servers run in sessions of their own; stop every one run.py started, even if it died.
  while read -r pid; do
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
  done <"$pids"
  sleep 0.5
  while read -r pid; do
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  done <"$pids"
  if [ "${QAMTU_CLIENTS_KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Python: a venv per requirements file and interpreter, made once (pip's own cache makes a remake quick).
python="${PYTHON:-python3}"
py_version="$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
req="Scripts/clients/requirements.txt"
venv="$cache/venv-py$py_version-$(sha256sum "$req" | cut -c1-12)"
if [ ! -f "$venv/.complete" ]; then
  echo "Installing the client packages ($(grep -v '^#' "$req" | tr '\n' ' ')) into $venv …" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  touch "$venv/.complete"
fi

# The bench M sites (25,000), generated once into the cache and checked against the shared manifest.
shared_bench="${QAMTU_SHARED_BENCH:-$repo/../shared/bench}"
gen="$shared_bench/gen_data.py"
manifest="$shared_bench/MANIFEST.sha256"
bench_args=()
data=""
for candidate in "${BENCH_DATA:-}" "$cache/bench-data"; do
  if [ -n "$candidate" ] && [ -f "$candidate/sites_M.csv" ] && [ -f "$manifest" ] &&
     (cd "$candidate" && grep ' sites_M.csv$' "$manifest" | sha256sum -c --quiet >/dev/null 2>&1); then
    data="$candidate"; break
  fi
done
if [ -z "$data" ]; then
  if [ -f "$gen" ] && [ -f "$manifest" ]; then
    data="$cache/bench-data"
    mkdir -p "$data"
    echo "Generating the bench M data into $data …" >&2
    BENCH_DATA="$data" "$venv/bin/python" "$gen" M >/dev/null
    (cd "$data" && grep ' sites_M.csv$' "$manifest" | sha256sum -c --quiet) ||
      { echo "error: $data/sites_M.csv does not match ../shared/bench/MANIFEST.sha256" >&2; exit 1; }
  fi
fi
if [ -n "$data" ]; then
  bench_args=(--bench-data "$data")
else
  bench_args=(--bench-missing "$gen and MANIFEST.sha256 beside it (../shared/bench next to the repository)")
fi

# run.py closes with the stage's time (from $start, set-up included) and 'clients: N passed, N failed, N skipped'.
# It runs in the background so that a signal reaches this script at once (bash runs traps only between
# commands; a background job ignores SIGINT): INT or TERM reaches run.py as TERM, which stops its tools and
# servers, then the EXIT trap runs.
QAMTU_CLIENTS_START="$start" "$venv/bin/python" Scripts/clients/run.py --qamtu "$qamtu" --work "$work" \
  --pid-file "$pids" --venv-bin "$venv/bin" "${bench_args[@]}" ${1:+--only "$1"} &
runner=$!
trap 'kill -TERM $runner 2>/dev/null; wait $runner; exit 130' INT
trap 'kill -TERM $runner 2>/dev/null; wait $runner; exit 143' TERM
status=0
wait $runner || status=$?
# Vector tiles (issue 16): MBTiles export and tile endpoints against the layers, GDAL's MVT driver, edge cases
# (also when a client stage failed, so that one run reports both).
[ -n "${1:-}" ] || "$venv/bin/python" Scripts/test-tiles.py --qamtu "$qamtu" --work "$work" --pid-file "$pids" || status=1
exit "$status"
