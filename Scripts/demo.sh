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

# The portal's service applications (invented, see GeoData/README.md): 15 services, the users the
# events name, and 54 applications with their histories. Tokens are printed once by `users add`;
# the demo keeps them in $out/demo-tokens.txt (mode 600) for trying the API.
"$qamtu" import services GeoData/services.csv --db "$db"
mkdir -p "$out"
tokens="$out/demo-tokens.txt"
( umask 077; : > "$tokens" )
add_user() { # NAME ROLE [ORGANISATION]
  local token
  if [ $# -eq 3 ]; then token="$("$qamtu" users add "$1" --role "$2" --organisation "$3" --db "$db" 2>/dev/null)"
  else token="$("$qamtu" users add "$1" --role "$2" --db "$db" 2>/dev/null)"; fi
  printf '%s %s %s\n' "$1" "$2" "$token" >> "$tokens"
}
add_user office admin
add_user applicant-demo applicant
while IFS= read -r organisation; do
  slug="$(printf '%s' "$organisation" | tr '[:upper:]' '[:lower:]' | sed 's/[^a-z0-9]\{1,\}/-/g; s/^-//; s/-$//')"
  add_user "provider-$slug" provider "$organisation"
done < <(tail -n +2 GeoData/services.csv | python3 -c 'import csv,sys; print("\n".join(sorted({r[4] for r in csv.reader(sys.stdin)})))')
"$qamtu" applications import GeoData/applications.geojson --db "$db"

mkdir -p "$out"
for layer in districts settlements roads sites institutions commitments services applications; do
  "$qamtu" export "$layer" --db "$db" -o "$out/$layer.geojson"
done
"$qamtu" coverage --db "$db" -o "$out/coverage.geojson"
"$qamtu" coverage footprints --db "$db" -o "$out/footprints.geojson"

echo
"$qamtu" info --db "$db"
echo
"$qamtu" report applications --as-of 2026-12-07 --db "$db"
echo
echo "Name search, any script (qamtu find 'Шакпак ата'):"
"$qamtu" find "Шакпак ата" --db "$db" --limit 3
echo
echo "GeoJSON of every layer is in $out/, with coverage.geojson (each settlement's connectivity and why) and"
echo "footprints.geojson (covered area per operator and technology). Open them in QGIS, or: ogrinfo -so $out/footprints.geojson footprints."
echo "The database $db opens in QGIS, ogrinfo and spatialite."
echo "Service applications: qamtu serve --db $db --writable, then e.g."
echo "  curl -H \"Authorization: Bearer \$(awk '/^office /{print \$3}' $tokens)\" localhost:8080/applications/A-000001"
