#!/usr/bin/env bash
# Installs MapLibre GL JS for the web map of `qamtu serve` (/map), with no CDN: pip installs the pinned
# `maplibre` package from PyPI (it ships maplibre-gl.js and maplibre-gl.css) into a venv under the cache
# folder, and the two files are copied to the folder the server reads by default. Prints where they are.
# Usage: Scripts/install-map-assets.sh [DIR]
#   DIR   where to put the two files (default: ${XDG_DATA_HOME:-~/.local/share}/qamtu/maplibre, where
#         `qamtu serve` looks without --map-assets or QAMTU_MAP_ASSETS)
# Environment: QAMTU_MAP_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/qamtu-map), PYTHON (default python3).
set -euo pipefail

version="0.3.6"   # maplibre on PyPI; it ships MapLibre GL JS 5.3.0
dest="${1:-${XDG_DATA_HOME:-$HOME/.local/share}/qamtu/maplibre}"
cache="${QAMTU_MAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/qamtu-map}"
python="${PYTHON:-python3}"
venv="$cache/venv-maplibre-$version"

if [ ! -f "$venv/.complete" ]; then
  echo "Installing maplibre==$version from PyPI into $venv …" >&2
  rm -rf "$venv"
  mkdir -p "$cache"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps "maplibre==$version"
  touch "$venv/.complete"
fi
src="$("$venv/bin/python" - <<'PY'
import importlib.util, os
spec = importlib.util.find_spec("maplibre")
print(os.path.join(os.path.dirname(spec.origin), "srcjs"))
PY
)"
for f in maplibre-gl.js maplibre-gl.css; do
  [ -s "$src/$f" ] || { echo "error: $src/$f is missing from the maplibre $version package" >&2; exit 1; }
done
mkdir -p "$dest"
# Copy then rename, so that a server starting meanwhile never reads half a file.
for f in maplibre-gl.js maplibre-gl.css; do
  cp "$src/$f" "$dest/$f.partial"
  mv "$dest/$f.partial" "$dest/$f"
done
echo "MapLibre GL JS ($(grep -o 'v[0-9][0-9.]*/LICENSE' "$dest/maplibre-gl.js" | head -1 | cut -d/ -f1)) installed in $dest"
echo "qamtu serve reads it from there (or: qamtu serve --map-assets $dest); restart a running server to pick it up."
