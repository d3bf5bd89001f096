#!/usr/bin/env bash
# The browser test of the web map /map (issue 16), run by Scripts/test.sh after the real clients:
# headless Chromium (Debian's chromium-headless-shell, installed when missing) opens /map of `qamtu serve` on
# the demo database and checks through the page that the settlements drawn by class match `qamtu coverage`,
# that the year slider changes them as `qamtu coverage diff` says, that a click shows the CLI's reason, that
# search and the road panel work, that the console has no error and that no request leaves the server
# (Scripts/map/browser_test.py says how). A screenshot is kept: .build/test-artefacts/map.png.
# It builds nothing: it serves the debug qamtu that `swift build` made. MapLibre GL JS comes from
# Scripts/install-map-assets.sh and the CDP driver (websockets, pinned in Scripts/map/requirements.txt) from
# PyPI, both into the cache folder; no browser is downloaded.
# Environment: QAMTU_MAP_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/qamtu-map); CHROMIUM (the browser binary,
# default /usr/bin/chromium-headless-shell); CI=true makes a missing browser a failure instead of a skip.
set -euo pipefail
cd "$(dirname "$0")/.."

ci=false
case "${CI:-}" in true|TRUE|True|1) ci=true ;; esac

qamtu="$(swift build --show-bin-path)/qamtu"
[ -x "$qamtu" ] || { echo "error: $qamtu is missing: run swift build first (Scripts/test.sh does)" >&2; exit 1; }

chromium="${CHROMIUM:-/usr/bin/chromium-headless-shell}"
if [ ! -x "$chromium" ] && [ -z "${CHROMIUM:-}" ]; then
  Scripts/ensure-packages.sh chromium-headless-shell || true
fi
if [ ! -x "$chromium" ]; then
  if [ "$ci" = true ]; then
    echo "error: $chromium is missing (Debian package chromium-headless-shell); CI=true requires the browser test" >&2
    echo "map: 0 passed, 1 failed"
    exit 1
  fi
  echo "SKIP map: $chromium is missing (install the Debian package chromium-headless-shell)" >&2
  echo "map: 0 passed, 0 failed, 1 skipped"
  exit 0
fi

cache="${QAMTU_MAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/qamtu-map}"
mkdir -p "$cache"
QAMTU_MAP_CACHE="$cache" Scripts/install-map-assets.sh "$cache/maplibre" >&2

python="${PYTHON:-python3}"
py_version="$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
req="Scripts/map/requirements.txt"
venv="$cache/venv-test-py$py_version-$(sha256sum "$req" | cut -c1-12)"
if [ ! -f "$venv/.complete" ]; then
  echo "Installing the browser test's packages ($(grep -v '^#' "$req" | tr '\n' ' ')) into $venv …" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  touch "$venv/.complete"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/qamtu-map.XXXXXX")"
pids="$work/servers.pid"
: >"$pids"
cleanup() {
  while read -r pid; do [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true; done <"$pids"
  if [ "${QAMTU_MAP_KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

echo "Browser test of /map ($("$chromium" --version 2>/dev/null || echo chromium))" >&2
"$venv/bin/python" Scripts/map/browser_test.py --qamtu "$qamtu" --chromium "$chromium" --assets "$cache/maplibre" \
  --work "$work" --pid-file "$pids" --artefacts .build/test-artefacts &
runner=$!
trap 'kill -TERM $runner 2>/dev/null; wait $runner; exit 130' INT
trap 'kill -TERM $runner 2>/dev/null; wait $runner; exit 143' TERM
wait $runner
