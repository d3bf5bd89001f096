#!/usr/bin/env bash
# Proves that two builds of qamtu give the same answers: runs every read command on one database
# with each build and compares the outputs byte for byte with cmp (info without its timings).
#
# Usage: Scripts/same-answers.sh QAMTU_BEFORE QAMTU_AFTER DATABASE [ROAD] [OUTDIR]
#   ROAD: the road for `road masts / gaps / plan` (default: the demo's Shakpakata–Otar, a2-shakpakata-otar).
#   OUTDIR: where the outputs go (default: a temporary folder, removed on success).
# AFTER_DB (environment): the after side reads this database instead, e.g. the same data in PostGIS
#   (AFTER_DB=postgresql://postgres@/demo?host=/run/pg Scripts/same-answers.sh qamtu qamtu qamtu.sqlite):
#   the two stores must then answer alike (info names its database, so it differs in its first line).
# Exit status 0 when every output is identical, 1 when any differs (each difference is listed).
# Example (the demo):   Scripts/same-answers.sh /tmp/qamtu-old .build/release/qamtu qamtu.sqlite
# Example (bench L):    Scripts/same-answers.sh /tmp/qamtu-old .build/release/qamtu /tmp/qamtu_L.sqlite 1
set -euo pipefail
[ $# -ge 3 ] || { sed -n 2,11p "$0" >&2; exit 64; }
before="$1"; after="$2"; db="$3"; road="${4:-a2-shakpakata-otar}"; db_after="${AFTER_DB:-$db}"
out="${5:-$(mktemp -d "${TMPDIR:-/tmp}/qamtu-same.XXXXXX")}"
mkdir -p "$out/before" "$out/after"

# name|arguments (run as: qamtu ARGUMENTS --db DB -o FILE, or to standard output when the name ends in .txt)
commands=(
  "export-districts.geojson|export districts"
  "export-settlements.geojson|export settlements"
  "export-settlements.csv|export settlements --format csv"
  "export-settlements.geojsonseq|export settlements --format geojsonseq --rs"
  "export-settlements-bbox.geojson|export settlements --bbox 70.9,42.7,71.6,43.1 --properties id,name,population"
  "export-roads.geojson|export roads"
  "export-roads.csv|export roads --format csv"
  "export-sites.geojson|export sites"
  "export-sites.csv|export sites --format csv"
  "export-sites-where.geojson|export sites --where status=planned"
  "export-institutions.geojson|export institutions"
  "export-commitments.geojson|export commitments"
  "export-commitments.csv|export commitments --format csv"
  "coverage-2026.geojson|coverage --as-of 2026"
  "coverage-2026.geojsonseq|coverage --as-of 2026 --format geojsonseq"
  "coverage-2026.csv|coverage --as-of 2026 --format csv"
  "coverage-2026-planned.csv|coverage --as-of 2026 --scenario planned --format csv"
  "coverage-2026-lean.csv|coverage --as-of 2026 --scenario actual --format csv --properties id,class,best_fixed,best_mobile"
  "coverage-unserved.geojson|coverage --as-of 2026 --class unserved"
  "coverage-diff.geojson|coverage diff 2024 2027"
  "coverage-diff.csv|coverage diff 2024 2027 --format csv"
  "footprints.geojson|coverage footprints --as-of 2026"
  "nearest.geojson|nearest settlements --to sites --k 3"
  "nearest.csv|nearest settlements --to sites --k 3 --format csv"
  "nearest-self.csv|nearest sites --to sites --k 2 --format csv"
  "road-masts.geojson|road masts $road --within 5km"
  "road-masts.csv|road masts $road --within 5km --format csv"
  "road-masts-table.txt|road masts $road --within 5km --format table"
  "road-gaps.geojson|road gaps $road --technology 4G --as-of 2026"
  "road-gaps-planned.geojson|road gaps $road --technology 4G --as-of 2026 --scenario planned"
  "road-plan.geojson|road plan $road --as-of 2026"
  "report.txt|report --as-of 2026"
  "report-json.txt|report --as-of 2024 --format json"
  "report-csv.txt|report --as-of 2025 --scenario planned --format csv"
  "find.txt|find Шакпаката --limit 5"
  "find-geojson.txt|find Taraz --format geojson --limit 3"
  "info.txt|info"
)

status=0
for entry in "${commands[@]}"; do
  name="${entry%%|*}"; args="${entry#*|}"
  read -r -a argv <<< "$args"
  for side in before after; do
    bin="$before"; side_db="$db"; [ "$side" = after ] && bin="$after" && side_db="$db_after"
    file="$out/$side/$name"
    if [[ "$name" == *.txt ]]; then
      "$bin" "${argv[@]}" --db "$side_db" > "$file" 2> "$file.err" || echo "exit $?" >> "$file"
    else
      "$bin" "${argv[@]}" --db "$side_db" -o "$file" 2> "$file.err" || echo "exit $?" >> "$file"
    fi
  done
  if cmp -s "$out/before/$name" "$out/after/$name"; then
    printf 'same  %10s bytes  %s\n' "$(wc -c < "$out/after/$name")" "qamtu $args"
  else
    printf 'DIFF  %10s bytes  %s\n' "$(wc -c < "$out/after/$name")" "qamtu $args"
    status=1
  fi
done
if [ $status -eq 0 ] && [ $# -lt 5 ]; then rm -rf "$out"; else echo "outputs in $out" >&2; fi
exit $status
