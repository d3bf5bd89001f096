#!/usr/bin/env bash
# Installs the Debian packages Qamtu and its tests need, when missing (through sudo when not root):
# SpatiaLite and SQLite to build and run; gdal-bin (ogrinfo, ogr2ogr), python3 (GeoData/check_demo.py)
# util-linux (setpriv) and time (GNU time, peak memory) for the tests, which fail instead of skipping without them when CI=true;
# python3-venv for the real-client checks (Scripts/test-clients.sh makes a venv for OWSLib and schemathesis).
# Usage: Scripts/ensure-packages.sh [extra-package ...]
set -euo pipefail

packages=(libspatialite-dev libsqlite3-dev zlib1g-dev spatialite-bin gdal-bin python3 python3-venv util-linux time pkg-config curl "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing system packages: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
