#!/usr/bin/env bash
# From a fresh Debian machine with the Swift toolchain to map-ready GeoJSON:
# installs missing system packages, builds qamtu, creates the portal database from GeoData/
# (the illustrative Zhambyl demo dataset), writes GeoJSON of every layer, of settlements' coverage and of
# the operators' coverage footprints to ./out and prints a summary.
# Environment: QAMTU_DB (default qamtu.sqlite), OUT (default out).
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/ensure-packages.sh
echo "Building qamtu (release)…" >&2
swift build -c release --product qamtu >&2
qamtu="$(swift build -c release --show-bin-path)/qamtu"
db="${QAMTU_DB:-qamtu.sqlite}"
out="${OUT:-out}"

rm -f "$db" "$db-wal" "$db-shm"
"$qamtu" init --db "$db"
for layer in districts settlements roads sites institutions; do
  "$qamtu" import "$layer" "GeoData/$layer.geojson" --db "$db"
done
"$qamtu" import commitments GeoData/commitments.csv --db "$db"

mkdir -p "$out"
for layer in districts settlements roads sites institutions commitments; do
  "$qamtu" export "$layer" --db "$db" -o "$out/$layer.geojson"
done
"$qamtu" coverage --db "$db" -o "$out/coverage.geojson"
"$qamtu" coverage footprints --db "$db" -o "$out/footprints.geojson"

echo
"$qamtu" info --db "$db"
echo
echo "Name search, any script (qamtu find 'Шакпак ата'):"
"$qamtu" find "Шакпак ата" --db "$db" --limit 3
echo
echo "GeoJSON of every layer is in $out/, with coverage.geojson (each settlement's connectivity and why) and"
echo "footprints.geojson (covered area per operator and technology). Open them in QGIS, or: ogrinfo -so $out/footprints.geojson footprints."
echo "The database $db opens in QGIS, ogrinfo and spatialite."
