#!/usr/bin/env bash
# Proves that two qamtu builds import the bench data into databases that answer every read command
# byte for byte alike (the bulk-import rewrite's acceptance: "after a bulk import, every command's output
# is byte-identical to the output after today's import (export of the layer, coverage, road masts,
# nearest), at M and L").
#
# Usage: Scripts/compare-imports.sh OLD_QAMTU NEW_QAMTU [--scale S,M,L] [--keep DIR]
#   --scale  the bench scales to compare (default M,L; S is a quick smoke test)
#   --keep   keep the databases and every output in DIR (default: a temporary folder, removed on exit)
# Exit status 0 when every comparison is the same, 1 when any differs, 64 for bad arguments.
# Example: Scripts/compare-imports.sh /tmp/qamtu-before .build/release/qamtu --scale M,L
#
# For each scale: OLD and NEW each `init` their own database and import the same bench files as
# Scripts/bench/bench.py's load_all does (settlements CSV; sites CSV with --map tech=technologies --map
# radius_m=range_m --set kind=base_station --set status=operational; roads from road.csv). The data is
# $BENCH_DATA, else /tmp/bench-data, generated there by ../shared/bench/gen_data.py when a file is missing,
# and checked against ../shared/bench/MANIFEST.sha256. Both databases are named qamtu.sqlite, each in a
# folder of its own, and every command runs in that folder with --db qamtu.sqlite, so that outputs that
# name the database (info, errors) name it alike.
#
# Then every read command runs three times:
#   new/old-db  NEW on OLD's database    \  column "import": only the import differs
#   new/new-db  NEW on NEW's database    /
#   old/old-db  OLD on OLD's database      column "old→new" (sanity, end to end): old/old-db against new/new-db
# and standard output and standard error are compared with cmp (a failing command's exit status is
# appended to its output, so it is compared too). Both columns count for the exit status. The commands:
# export of every non-empty layer in every export format (and bbox, where, sort/page, properties and
# precision variants), coverage list in each format and scenario, coverage diff, coverage footprints,
# nearest, road masts / gaps / plan on the bench road (id 1, also by name, as bench.py's W2 calls it),
# find, report (text, json, csv), info, tiles export (MBTiles compared by its metadata and each tile's
# SHA3: the file's page layout depends on the order the parallel workers insert tiles), and
# `qamtu serve` (items with bbox, near=lon,lat&within, filter, one item, collections: HTTP status,
# content type and body).
# Then the storage itself, OLD's database against NEW's with sqlite3: each geometry layer's R*Tree
# (count, and the SHA-256 of every (pkid, xmin, xmax, ymin, ymax) row sorted by pkid: the boxes must be
# equal even when the tree's shape differs, so its _node/_parent tables are not compared), each layer
# table's rows in fid order (every column, geometry blobs as hex), sqlite_sequence, qamtu_meta, the site
# pack (qamtu_site_pack), the schema (sqlite_master), PRAGMA integrity_check, and with mod_spatialite
# CheckSpatialIndex(layer, 'geom') of every non-empty geometry layer (must be 1 on NEW's database).
#
# Filtered or left out, and why (nothing else is):
#   - tiles export: the number of seconds on its "wrote N tiles … in X s" line (standard error): a timing.
#   - coverage footprints: standard error is compared sorted. From 5,000 sites on it prints a progress line
#     "unioned OPERATOR TECH (N sites)" per group as each parallel union finishes, in no fixed order.
#   - report applications: run only when a database holds applications (the bench data has none); then
#     its "Service applications as of YYYY-MM-DD" line is today's date; both runs are on the same day.
#   - qamtu_site_pack.generation: a random number drawn at every rebuild of the pack (SitePack.swift);
#     the pack's other columns and the SHA3 of each chunk's data are compared.
#   - geometry_columns_time, geometry_columns_statistics, spatialite_history, sql_statements_log:
#     timestamps of the writes (SpatiaLite's bookkeeping), not data.
#   - at L only: the variants printed as "(S and M only)" (other formats, precisions, profiles, classes and
#     the self-join of nearest, which re-format or re-filter rows another check compares whole), every
#     footprint but Kcell 4G, and tiles beyond zooms 8-10 of a box: each would be another full pass over
#     1,000,000 sites, three times (L runs about 5 minutes as it is; all of them run at S and M).
#   - the import commands' own messages ("imported N sites … in X s") are shown, not compared: they
#     carry the import time, the one thing expected to change.
set -euo pipefail

usage() { sed -n 2,10p "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; }
scales="M,L"; keep=""; positional=()
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) [ $# -ge 2 ] || usage; scales="$2"; shift 2 ;;
    --scale=*) scales="${1#*=}"; shift ;;
    --keep) [ $# -ge 2 ] || usage; keep="$2"; shift 2 ;;
    --keep=*) keep="${1#*=}"; shift ;;
    -h|--help) sed -n 2,10p "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option: $1" >&2; usage ;;
    *) positional+=("$1"); shift ;;
  esac
done
[ ${#positional[@]} -eq 2 ] || usage
IFS=, read -r -a scale_list <<< "$scales"
for s in "${scale_list[@]}"; do
  case "$s" in S|M|L) ;; *) echo "unknown scale: $s (S, M or L)" >&2; exit 64 ;; esac
done
resolve() {  # an executable's absolute path (a name on PATH or a path)
  local p; p=$(command -v -- "$1" 2>/dev/null || true)
  [ -n "$p" ] && [ -x "$p" ] || { echo "not an executable: $1" >&2; exit 64; }
  realpath -- "$p"
}
OLD=$(resolve "${positional[0]}"); NEW=$(resolve "${positional[1]}")

repo=$(cd "$(dirname "$0")/.." && pwd)
shared_bench="$repo/../shared/bench"
data="${BENCH_DATA:-/tmp/bench-data}"
"$repo/Scripts/ensure-packages.sh" sqlite3 libsqlite3-mod-spatialite curl

if [ -n "$keep" ]; then
  mkdir -p "$keep"; work=$(realpath -- "$keep")
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/qamtu-compare.XXXXXX")
fi
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -z "$keep" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

spatialite_ok=0
if sqlite3 :memory: -cmd ".load mod_spatialite" "SELECT 1" >/dev/null 2>&1; then spatialite_ok=1; fi

status=0; n_same=0; n_diff=0
started_all=$SECONDS

# ---------------------------------------------------------------------------------------------
# Reporting

fmt_size() { LC_ALL=C printf "%'d" "$1" 2>/dev/null || printf '%d' "$1"; }
size_of() { if [ -e "$1" ]; then stat -c %s "$1"; else echo 0; fi; }
pair_same() {  # pair_same A B: the .out and .err files of two runs are identical
  cmp -s "$1.out" "$2.out" && cmp -s "$1.err" "$2.err"
}
explain() {  # explain A B: where two runs' outputs differ (a few lines)
  local f
  for f in out err; do
    if ! cmp -s "$1.$f" "$2.$f"; then
      echo "      $f: $(cmp "$1.$f" "$2.$f" 2>&1 | head -1)"
      diff -a "$1.$f" "$2.$f" 2>/dev/null | head -6 | cut -c1-200 | sed 's/^/        /' || true
    fi
  done
}
now_us() { echo "${EPOCHREALTIME/./}"; }
mark_us=$(now_us)
elapsed=""
since_mark() {  # elapsed: seconds (one decimal) since the previous reported line (the three runs of a check)
  local now; now=$(now_us); local d=$(( (now - mark_us) / 100000 )); mark_us=$now
  elapsed="$((d / 10)).$((d % 10))"
}
verdict() { if [ "$1" -eq 0 ]; then echo same; else echo DIFFERENT; fi; }
count() {  # count RESULT (0 same, 1 different)
  if [ "$1" -eq 0 ]; then n_same=$((n_same + 1)); else n_diff=$((n_diff + 1)); status=1; fi
}

# ---------------------------------------------------------------------------------------------
# Running the read commands three times

seq_no=0
note_stderr=1   # report_triple notes a non-empty standard error (not for serve, whose .err is curl's status line)
post_filter=""  # a sed expression applied to the next check's standard error (see the header)
sort_err=0      # 1: the next check's standard error is compared sorted (see the header)
run_one() {  # run_one BIN DBDIR OUTBASE ARGS...: stdout to OUTBASE.out, stderr to OUTBASE.err
  local bin="$1" dir="$2" base="$3"; shift 3
  local rc=0
  (cd "$dir" && "$bin" "$@" --db qamtu.sqlite) > "$base.out" 2> "$base.err" || rc=$?
  if [ $rc -ne 0 ]; then echo "exit $rc" >> "$base.out"; fi
  if [ -n "$post_filter" ]; then sed -i -E "$post_filter" "$base.err"; fi
  if [ "$sort_err" -eq 1 ]; then LC_ALL=C sort -o "$base.err" "$base.err"; fi
}
# check LABEL ARGS...: runs `qamtu ARGS --db qamtu.sqlite` as new/old-db, new/new-db and old/old-db.
check() {
  local label="$1"; shift
  seq_no=$((seq_no + 1))
  local base; base=$(printf '%03d' "$seq_no")
  local no="$out/new-old/$base" nn="$out/new-new/$base" oo="$out/old-old/$base"
  run_one "$NEW" "$odir" "$no" "$@"
  run_one "$NEW" "$ndir" "$nn" "$@"
  run_one "$OLD" "$odir" "$oo" "$@"
  report_triple "$label" "$no" "$nn" "$oo"
  # Outputs that agree are not needed any more (L exports are hundreds of MB); kept with --keep.
  if [ -z "$keep" ]; then rm -f "$no".* "$nn".* "$oo".*; fi
}
report_triple() {  # report_triple LABEL NEW-OLD NEW-NEW OLD-OLD
  local label="$1" no="$2" nn="$3" oo="$4" r1=0 r2=0
  pair_same "$no" "$nn" || r1=1
  pair_same "$oo" "$nn" || r2=1
  count $r1; count $r2
  local sz; sz=$(fmt_size "$(size_of "$nn.out")")
  if [ $r1 -ne 0 ] || ! cmp -s "$no.out" "$oo.out"; then
    sz="$(fmt_size "$(size_of "$no.out")")/$(fmt_size "$(size_of "$nn.out")")/$(fmt_size "$(size_of "$oo.out")")"
  fi
  local err=""; [ "$note_stderr" -eq 1 ] && [ -s "$nn.err" ] && err=" (+$(size_of "$nn.err") B stderr)"
  since_mark
  printf '%-9s %-9s %6s %14s  %s%s\n' "$(verdict $r1)" "$(verdict $r2)" "$elapsed" "$sz" "$label" "$err"
  if [ $r1 -ne 0 ]; then echo "    import differs (NEW on OLD's db vs NEW on NEW's db):"; explain "$no" "$nn"; fi
  if [ $r2 -ne 0 ]; then echo "    end to end differs (OLD on OLD's db vs NEW on NEW's db):"; explain "$oo" "$nn"; fi
  return 0
}
c() { check "qamtu $*" "$@"; }  # the label is the command line
# cSM: a variant that re-formats or re-filters rows another check already compares whole; at L each is a
# full pass over 1,000,000 sites (or a full coverage analysis) three times, so it runs at S and M only,
# and at L the line says so.
cSM() {
  if [ "$scale" = L ]; then printf '%-9s %-9s %6s %14s  %s\n' "-" "-" "" "" "(S and M only) qamtu $*"; else c "$@"; fi
}

# tiles export writes a file: compare its metadata and each tile's digest, not its bytes.
tiles_check() {
  seq_no=$((seq_no + 1))
  local base; base=$(printf '%03d' "$seq_no")
  local side bin dir res
  for side in new-old new-new old-old; do
    case $side in new-old) bin=$NEW; dir=$odir ;; new-new) bin=$NEW; dir=$ndir ;; old-old) bin=$OLD; dir=$odir ;; esac
    res="$out/$side/$base"
    rm -f "$dir/tiles.mbtiles"
    post_filter='s/ in [0-9.]+ s$/ in (seconds filtered) s/'
    run_one "$bin" "$dir" "$res" "$@" -o tiles.mbtiles
    post_filter=""
    if [ -f "$dir/tiles.mbtiles" ]; then
      { sqlite3 "$dir/tiles.mbtiles" "SELECT name, value FROM metadata ORDER BY name"
        sqlite3 "$dir/tiles.mbtiles" "SELECT zoom_level, tile_column, tile_row, length(tile_data), hex(sha3(tile_data)) FROM tiles ORDER BY 1, 2, 3"
      } >> "$res.out"
      rm -f "$dir/tiles.mbtiles"
    fi
  done
  report_triple "qamtu $* -o tiles.mbtiles (metadata + per-tile SHA3; seconds filtered)" \
    "$out/new-old/$base" "$out/new-new/$base" "$out/old-old/$base"
  if [ -z "$keep" ]; then rm -f "$out"/*/"$base".*; fi
}

# qamtu serve: one server per binary and database in turn, the same requests to each.
serve_failed=0
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
serve_fetch() {  # serve_fetch BIN DBDIR OUTDIR PREFIX URL...
  local bin="$1" dir="$2" dest="$3" prefix="$4"; shift 4
  local port i=0 url
  port=$(free_port)
  (cd "$dir" && exec "$bin" serve --db qamtu.sqlite --port "$port" --base-url http://qamtu.invalid \
     --log-level warning) > "$dest/$prefix-server.log" 2>&1 &
  server_pid=$!
  local up=0
  for _ in $(seq 1 300); do
    if curl -sf "http://127.0.0.1:$port/health" > /dev/null 2>&1; then up=1; break; fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ $up -eq 0 ]; then
    echo "FAILED: $bin serve did not answer /health within 30 s:"; sed 's/^/    /' "$dest/$prefix-server.log" | tail -5
    serve_failed=1
  fi
  for url in "$@"; do
    i=$((i + 1))
    curl -s -o "$dest/$prefix-$i.out" -w 'HTTP %{http_code} %{content_type}\n' "http://127.0.0.1:$port$url" \
      > "$dest/$prefix-$i.err" 2>&1 || echo "curl exit $?" >> "$dest/$prefix-$i.err"
  done
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}
serve_checks() {  # serve_checks URL...
  seq_no=$((seq_no + 1))
  local base; base=$(printf '%03d' "$seq_no")
  serve_fetch "$NEW" "$odir" "$out/new-old" "$base" "$@"
  serve_fetch "$NEW" "$ndir" "$out/new-new" "$base" "$@"
  serve_fetch "$OLD" "$odir" "$out/old-old" "$base" "$@"
  local i=0 url
  if [ $serve_failed -eq 1 ]; then count 1; serve_failed=0; fi
  note_stderr=0
  for url in "$@"; do
    i=$((i + 1))
    report_triple "qamtu serve: GET $url (status, type, body)" \
      "$out/new-old/$base-$i" "$out/new-new/$base-$i" "$out/old-old/$base-$i"
  done
  note_stderr=1
}

# ---------------------------------------------------------------------------------------------
# Storage checks: OLD's database against NEW's, with sqlite3

store_check() {  # store_check LABEL SQL [--digest]: the same query on both databases
  local label="$1" sql="$2" digest="${3:-}"
  seq_no=$((seq_no + 1))
  local base; base=$(printf '%03d' "$seq_no")
  local a="$out/db-old-$base" b="$out/db-new-$base" side file db failed=0
  for side in old new; do
    file="$out/db-$side-$base"; db="$odir/qamtu.sqlite"; [ $side = new ] && db="$ndir/qamtu.sqlite"
    if [ -n "$digest" ]; then
      # Large listings: the row count and the SHA-256 of the listing.
      { sqlite3 -cmd ".mode quote" "$db" "$sql" 2> "$file.err" || true; } \
        | LC_ALL=C awk '{ print; bytes += length($0) + 1 } END { printf "%d rows, %d bytes, sha256 ", NR, bytes > "/dev/stderr" }' \
          2> "$file.rows" | sha256sum | cut -d' ' -f1 > "$file.sha"
      cat "$file.rows" "$file.sha" > "$file.out"; rm -f "$file.rows" "$file.sha"
    else
      sqlite3 -cmd ".mode quote" "$db" "$sql" > "$file.out" 2> "$file.err" || true
    fi
    # A query that fails is a failure even when it fails alike on both databases.
    if [ -s "$file.err" ]; then echo "sqlite3 error: $(head -1 "$file.err")" >> "$file.out"; failed=1; fi
  done
  local r=0
  pair_same "$a" "$b" || r=1
  [ $failed -eq 0 ] || r=1
  count $r
  local shown; shown=$(tr '\n' ' ' < "$b.out" | cut -c1-60)
  since_mark
  printf '%-9s %-9s %6s %14s  %s  [%s]\n' "$(verdict $r)" "-" "$elapsed" "$(fmt_size "$(size_of "$b.out")")" "$label" "${shown% }"
  if [ $r -ne 0 ]; then echo "    OLD's db vs NEW's db:"; explain "$a" "$b"; fi
  return 0
}

# ---------------------------------------------------------------------------------------------
# Data

prepare_data() {  # prepare_data SCALE
  local scale="$1" f missing=()
  local needed=(road.csv "settlements_$scale.csv" "sites_$scale.csv")
  for f in "${needed[@]}"; do [ -f "$data/$f" ] || missing+=("$f"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "generating bench data $scale into $data (missing: ${missing[*]})"
    mkdir -p "$data"
    BENCH_DATA="$data" python3 "$shared_bench/gen_data.py" "$scale" >&2
  fi
  (cd "$data" && for f in "${needed[@]}"; do grep "  $f\$" "$shared_bench/MANIFEST.sha256"; done | sha256sum -c --quiet) \
    || { echo "bench data in $data does not match $shared_bench/MANIFEST.sha256" >&2; exit 1; }
}

import_db() {  # import_db BIN DIR SCALE
  local bin="$1" dir="$2" scale="$3" step
  mkdir -p "$dir"
  rm -f "$dir/qamtu.sqlite"
  local t0=$SECONDS
  local steps=(
    "init"
    "import settlements $data/settlements_$scale.csv"
    "import sites $data/sites_$scale.csv --map tech=technologies --map radius_m=range_m --set kind=base_station --set status=operational"
    "import roads $data/road.csv"
  )
  for step in "${steps[@]}"; do
    read -r -a argv <<< "$step"
    if ! (cd "$dir" && "$bin" "${argv[@]}" --db qamtu.sqlite) > "$dir/import.log" 2>&1; then
      echo "FAILED: $bin ${argv[*]}:" >&2; tail -20 "$dir/import.log" >&2; exit 1
    fi
    case "$step" in init) ;; *) sed 's/^/    /' "$dir/import.log" ;; esac
  done
  echo "    ($((SECONDS - t0)) s with init)"
}

layers_of() {  # layers_of DBDIR: the non-empty layers, from `qamtu info` (NEW)
  (cd "$1" && "$NEW" info --db qamtu.sqlite) | awk 'NR > 1 && $2 ~ /^[0-9,]+$/ && $2 != "0" { print $1 }'
}

# ---------------------------------------------------------------------------------------------

echo "OLD: $OLD"
echo "NEW: $NEW"
echo "work folder: $work$([ -z "$keep" ] && echo ' (removed on exit)')"
for scale in "${scale_list[@]}"; do
  started=$SECONDS
  echo
  echo "=== scale $scale"
  prepare_data "$scale"
  odir="$work/$scale/old"; ndir="$work/$scale/new"; out="$work/$scale/out"
  mkdir -p "$out/new-old" "$out/new-new" "$out/old-old"
  echo "  OLD imports:"; import_db "$OLD" "$odir" "$scale"
  echo "  NEW imports:"; import_db "$NEW" "$ndir" "$scale"
  echo
  printf '%-9s %-9s %6s %14s  %s\n' "import" "old→new" "s" "bytes" "command (import: NEW on OLD's db vs NEW on NEW's db; old→new: OLD on OLD's db vs NEW on NEW's db; s: the three runs)"
  mark_us=$(now_us)

  layers=$( { layers_of "$odir"; layers_of "$ndir"; } | sort -u)
  sc=$(echo "$scale" | tr '[:upper:]' '[:lower:]')

  # --- info, export
  c info
  for layer in $layers; do
    c export "$layer"
    cSM export "$layer" --format geojsonseq
    c export "$layer" --format geojsonseq --rs
    c export "$layer" --format csv
    c export "$layer" --format csv --precision 7
    cSM export "$layer" --precision 3
    for box in 71,42.5,72,43.5 76.9,43.2,77.5,43.8 60,40,75,50 179,40,-179,50; do
      c export "$layer" --bbox "$box"
    done
    c export "$layer" --bbox 69,42,80,47 --format csv --limit 50 --offset 10
    c export "$layer" --limit 100 --offset 37 --format csv
  done
  case " $(echo $layers) " in *" sites "*)
    c export sites --properties id,name,operator,technologies,range_m,height_m   # bench W4
    c export sites --where operator=kcell --where technologies=4G --format csv
    c export sites --where operator=ҚАЗАҚТЕЛЕКОМ --format csv
    c export sites --sort-by -range_m,name --limit 200 --offset 100 --format csv
    c export sites --bbox 71,42.5,72,43.5 --where technologies=fibre --sort-by -height_m --format geojsonseq
    ;; esac
  case " $(echo $layers) " in *" settlements "*)
    c export settlements --sort-by -population,name --limit 100 --format csv
    c export settlements --where "name=settlement $sc-000001"
    c export settlements --bbox 71,42.5,72,43.5 --properties id,population
    ;; esac
  case " $(echo $layers) " in *" roads "*)
    c export roads --where id=1 --format csv
    c export roads --bbox 76.9,43.2,77.0,43.3 --precision 7
    ;; esac

  # --- coverage (always with --as-of: its default is this year)
  c coverage --as-of 2026
  cSM coverage --as-of 2026 --format geojsonseq
  cSM coverage --as-of 2026 --format csv
  c coverage --scenario actual --format csv --properties id,class,best_fixed,best_mobile --as-of 2026   # bench W1
  cSM coverage list --as-of 2024 --scenario planned --format csv
  cSM coverage --as-of 2026 --class unserved --format csv
  cSM coverage --as-of 2026 --class served --precision 3
  cSM coverage --as-of 2026 --profile fibre-first --format csv
  cSM coverage --as-of 2026 --profile satellite-as-broadband --format csv --properties id,class,covering_operators,covering_sites,nearest_site_id,nearest_site_m
  cSM coverage --as-of 2026 --threshold 4G=-75 --default-range 2G=20000 --receiver-height 3 --format csv
  c coverage diff 2024 2027
  cSM coverage diff 2024 2027 --format csv --scenario actual
  sort_err=1
  if [ "$scale" = L ]; then
    # All footprints of 1,000,000 sites union a million circles (minutes): one group, 16-vertex circles.
    printf '%-9s %-9s %6s %14s  %s\n' "-" "-" "" "" "(S and M only) qamtu coverage footprints --as-of 2026"
    c coverage footprints --as-of 2026 --operator Kcell --technology 4G --segments 16
  else
    c coverage footprints --as-of 2026
    c coverage footprints --as-of 2026 --operator Kcell --technology 4G --segments 16 --format geojsonseq
  fi
  sort_err=0

  # --- nearest (bench W3), find
  c nearest settlements --to sites --k 3 --format csv
  cSM nearest settlements --to sites --k 3
  c nearest sites --to sites --k 2 --format csv
  cSM nearest sites --to settlements --k 1 --format geojsonseq --precision 7
  c nearest settlements --to settlements --k 2 --format csv
  c find "Settlement $scale-000001"
  c find "settlment ${sc}000123" --limit 5 --format geojson
  cSM find "Site $scale-0000007" --layer sites --limit 5
  c find 'Mast "North" \997' --layer sites --limit 3 --format geojson
  c find "Алматы Талдыкорган" --layer roads
  c find "A3 Almaty-Taldykorgan (synthetic)" --layer roads --format geojson

  # --- road (bench W2: road masts 1 --within 5km --format csv; the bench road's id is 1)
  c road masts 1 --within 5km --format csv
  c road masts 1 --within 5km
  c road masts 1 --within 5km --format table
  c road masts "A3 Almaty-Taldykorgan (synthetic)" --within 800m --format csv
  c road masts Almaty-Taldykorgan --within 20km --operator kcell --status operational --format csv
  c road gaps 1 --technology 4G --as-of 2026
  c road gaps 1 --technology 2G --as-of 2026 --scenario planned --planned-range 8km
  c road plan 1 --as-of 2026
  c road plan 1 --technology 3G --as-of 2026 --range 8km --scenario actual

  # --- report
  c report --as-of 2026
  c report --as-of 2024 --format json
  c report coverage --as-of 2025 --scenario planned --format csv
  if [[ " $(echo $layers) " == *" applications "* ]]; then
    post_filter='s/^(Service applications as of) [0-9-]+$/\1 (today filtered)/'
    c report applications
    post_filter=""
  else
    echo "(skipped: qamtu report applications — the databases hold no applications)"
  fi

  # --- tiles (the bench data's layers; at L a box of zooms 8-10: the low zooms of 1,000,000 points take 16 s a run)
  if [ "$scale" = L ]; then
    tiles_check tiles export sites settlements roads --min-zoom 8 --max-zoom 10 --bbox 70,42,80,47
  else
    tiles_check tiles export sites settlements roads --min-zoom 3 --max-zoom 10
  fi

  # --- the server: items through the R*Tree (bbox), near=, CQL2, one item, the collections' extents
  serve_checks /collections "/collections/sites/items?bbox=71,42.5,72,43.5&limit=100" \
    "/collections/sites/items?limit=1000&offset=5" /collections/sites/items/7 \
    "/collections/sites/items?near=71.5,43&within=50km&limit=20" \
    "/collections/settlements/items?near=76.95,43.3&within=30km&limit=50" \
    "/collections/sites/items?filter=S_INTERSECTS(geometry,BBOX(72,43,74,44))%20AND%20operator%20=%20'Kcell'&limit=200" \
    "/collections/roads/items?bbox=76.9,43.2,77.0,43.3" \
    "/collections/settlements/items?bbox=179.5,60,-179.5,70"

  # --- storage: OLD's database against NEW's
  echo
  printf '%-9s %-9s %6s %14s  %s\n' "storage" "" "s" "bytes" "OLD's database vs NEW's (sqlite3)"
  mark_us=$(now_us)
  store_check "PRAGMA integrity_check" "PRAGMA integrity_check"
  store_check "schema (sqlite_master)" "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
  store_check "sqlite_sequence" "SELECT name, seq FROM sqlite_sequence ORDER BY name"
  store_check "qamtu_meta" "SELECT * FROM qamtu_meta ORDER BY key"
  store_check "qamtu_site_pack (all but generation; data as SHA3)" \
    "SELECT chunk, rows, first_fid, last_fid, length(data), hex(sha3(data)), format, sites_sql FROM qamtu_site_pack ORDER BY chunk"
  for layer in districts settlements roads sites institutions commitments services applications; do
    store_check "table $layer: rows in fid order (SHA-256)" "SELECT * FROM \"$layer\" ORDER BY fid" --digest
  done
  geo_layers=$(sqlite3 "$ndir/qamtu.sqlite" "SELECT f_table_name FROM geometry_columns ORDER BY f_table_name")
  for layer in $geo_layers; do
    store_check "idx_${layer}_geom: count(*)" "SELECT count(*) FROM idx_${layer}_geom"
    store_check "idx_${layer}_geom: pkid,xmin,xmax,ymin,ymax by pkid (SHA-256)" \
      "SELECT pkid, xmin, xmax, ymin, ymax FROM idx_${layer}_geom ORDER BY pkid" --digest
  done
  if [ $spatialite_ok -eq 1 ]; then
    for layer in $geo_layers; do
      case " $(echo $layers) " in *" $layer "*) ;; *) continue ;; esac
      o=$(sqlite3 -cmd ".load mod_spatialite" "$odir/qamtu.sqlite" "SELECT CheckSpatialIndex('$layer', 'geom')" 2>&1 | tail -1)
      n=$(sqlite3 -cmd ".load mod_spatialite" "$ndir/qamtu.sqlite" "SELECT CheckSpatialIndex('$layer', 'geom')" 2>&1 | tail -1)
      r=0; [ "$n" = 1 ] && [ "$o" = "$n" ] || r=1
      count $r
      since_mark
      printf '%-9s %-9s %6s %14s  %s\n' "$(verdict $r)" "-" "$elapsed" "" "CheckSpatialIndex('$layer','geom'): OLD's db $o, NEW's db $n (must be 1)"
    done
  else
    echo "(skipped: CheckSpatialIndex — sqlite3 cannot load mod_spatialite; apt-get install -y libsqlite3-mod-spatialite)"
  fi
  echo "scale $scale: $((SECONDS - started)) s"
done

echo
echo "$n_same same, $n_diff DIFFERENT ($((SECONDS - started_all)) s)"
[ -n "$keep" ] && echo "outputs and databases kept in $work"
exit $status
