#!/usr/bin/env bash
# Runs the whole Qamtu test suite on a fresh Debian machine with the Swift toolchain:
# installs missing system packages, builds, runs every test (Swift Testing).
# Tests that need ../shared/geodata or a tool skip themselves when it is absent, and fail when CI=true.
# The timing test of the async surface (a timer on Swift's cooperative pool while heavy use cases
# run) runs alone afterwards: beside the other tests it would measure them. Then real clients (GDAL,
# OWSLib, schemathesis, a corpus of bad requests) run against `qamtu serve` (Scripts/test-clients.sh), then
# headless Chromium checks the web map /map (Scripts/test-map.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/ensure-packages.sh
swift build --build-tests
swift test --skip-build "$@"
if [ $# -eq 0 ]; then
  QAMTU_TIMING_TESTS=1 swift test --skip-build --filter 'heavyCallsDoNotStarveTheCooperativePool'
  Scripts/test-clients.sh
  Scripts/test-map.sh
fi
