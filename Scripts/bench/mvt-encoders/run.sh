#!/usr/bin/env bash
# The W6 encoder comparison of issue 16: Qamtu's hand-written Mapbox Vector Tile writer against
# swift-protobuf 1.39.0 with vector_tile.proto, on the same tile content (see README.md).
#
#   Scripts/bench/mvt-encoders/run.sh [FILE.mbtiles…] [--with-L] [--rounds N] [--min-seconds S]
#
# Builds this package (release) and runs its `mvt-encoders` on each MBTiles file given. Without a
# file it makes one from the demo data (GeoData/: districts, roads, settlements, sites,
# institutions at zooms 6–14); --with-L adds the 1,000,000 bench L sites at zooms 6–10
# (../shared/bench/gen_data.py, numpy needed; imported as Scripts/bench/bench.py does).
# qamtu: $QAMTU, else the repository's .build/release or .build/debug qamtu if it has `tiles`,
# else a release build of the repository. Work files go to $MVT_ENCODERS_WORK (default: a
# temporary folder, removed at the end); files already there are reused.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"

files=() with_l=0 pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    --with-L) with_l=1 ;;
    --rounds|--min-seconds) pass+=("$1" "$2"); shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 64 ;;
    *) files+=("$(cd "$(dirname "$1")" && pwd)/$(basename "$1")") ;;
  esac
  shift
done

echo "Building mvt-encoders (release)…" >&2
(cd "$here" && swift build -c release --product mvt-encoders >&2)
bench="$(cd "$here" && swift build -c release --show-bin-path)/mvt-encoders"

# The qamtu that makes the MBTiles files, found (or built) only when a file has to be made.
qamtu=""
find_qamtu() {
  [ -n "$qamtu" ] && return
  qamtu="${QAMTU:-}"
  if [ -z "$qamtu" ]; then
    for candidate in "$repo/.build/release/qamtu" "$repo/.build/debug/qamtu"; do
      if [ -x "$candidate" ] && "$candidate" tiles export --help >/dev/null 2>&1; then qamtu="$candidate"; break; fi
    done
  fi
  if [ -z "$qamtu" ]; then
    echo "Building qamtu (release)…" >&2
    (cd "$repo" && swift build -c release --product qamtu >&2)
    qamtu="$(cd "$repo" && swift build -c release --show-bin-path)/qamtu"
  fi
  echo "qamtu: $qamtu" >&2
}

if [ ${#files[@]} -eq 0 ] || [ $with_l -eq 1 ]; then
  if [ -n "${MVT_ENCODERS_WORK:-}" ]; then
    work="$MVT_ENCODERS_WORK"; mkdir -p "$work"
  else
    work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
  fi
  if [ ${#files[@]} -eq 0 ]; then
    if [ ! -s "$work/demo.mbtiles" ]; then
      find_qamtu
      rm -f "$work/demo.sqlite"
      "$qamtu" init --db "$work/demo.sqlite" >&2
      for layer in districts settlements roads sites institutions; do
        "$qamtu" import "$layer" "$repo/GeoData/$layer.geojson" --db "$work/demo.sqlite" >&2
      done
      "$qamtu" tiles export districts roads settlements sites institutions --min-zoom 6 --max-zoom 14 \
        --db "$work/demo.sqlite" -o "$work/demo.mbtiles" >&2
    fi
    files+=("$work/demo.mbtiles")
  fi
  if [ $with_l -eq 1 ]; then
    if [ ! -s "$work/sites_L-z6-10.mbtiles" ]; then
      find_qamtu
      data="${BENCH_DATA:-$work/bench-data}"
      if [ ! -s "$data/sites_L.csv" ]; then
        python3 -c 'import numpy' 2>/dev/null || { echo "run.sh: --with-L needs numpy (pip install numpy)" >&2; exit 1; }
        BENCH_DATA="$data" python3 "$repo/../shared/bench/gen_data.py" L >&2
      fi
      rm -f "$work/L.sqlite"
      "$qamtu" init --db "$work/L.sqlite" >&2
      "$qamtu" import sites "$data/sites_L.csv" --map tech=technologies --map radius_m=range_m \
        --set kind=base_station --set status=operational --db "$work/L.sqlite" >&2
      "$qamtu" tiles export sites --min-zoom 6 --max-zoom 10 --db "$work/L.sqlite" -o "$work/sites_L-z6-10.mbtiles" >&2
    fi
    files+=("$work/sites_L-z6-10.mbtiles")
  fi
fi

echo "machine: $(nproc) cores, $(uname -m); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for f in "${files[@]}"; do
  "$bench" "$f" "${pass[@]}"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
done
