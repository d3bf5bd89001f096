#!/usr/bin/env bash
# Runs the whole Qamtu test suite on a fresh Debian machine with the Swift toolchain:
# installs missing system packages, builds, runs every test (Swift Testing).
# Tests that need ../shared/geodata or a tool skip themselves when it is absent, and fail when CI=true.
# The store tests also run against a private PostgreSQL 15 + PostGIS cluster (Scripts/pg-cluster.sh),
# started here and named to them by QAMTU_TEST_POSTGRES_URL.
# The timing test of the async surface (a timer on Swift's cooperative pool while heavy use cases
# run) runs alone afterwards: beside the other tests it would measure them. Then real clients (GDAL,
# OWSLib, schemathesis, a corpus of bad requests) run against `qamtu serve` (Scripts/test-clients.sh), then
# headless Chromium checks the web map /map (Scripts/test-map.sh), and 32 clients load the service
# applications of `qamtu serve --writable` for 30 s, then kill it with SIGKILL in 10 runs and check that
# every acknowledged write is in the database (Scripts/test-applications.py; the debug build, so its
# floor here is 150 writes/s: the README's figure for the release build is measured with the same script);
# then the same with two servers on one PostGIS database of the private cluster, one of them SIGKILLed mid-run.
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/ensure-packages.sh postgresql-15 postgresql-15-postgis-3 openssl
# A private PostgreSQL 15 + PostGIS cluster for the PostGIS store's tests (the store tests run their
# bodies against it too): initdb in a temporary folder, unix socket only, stopped and removed on exit.
pg_dir="$(mktemp -d "${TMPDIR:-/tmp}/qamtu-test-pg.XXXXXX")"
cleanup_pg() {
  Scripts/pg-cluster.sh stop "$pg_dir/cluster" || true
  rm -rf "$pg_dir"
}
trap cleanup_pg EXIT
chmod 755 "$pg_dir"
# --tls: also on 127.0.0.1 with TLS and test certificates, for the TLS tests (QAMTU_TEST_POSTGRES_TLS_DIR).
QAMTU_TEST_POSTGRES_URL="$(Scripts/pg-cluster.sh start "$pg_dir/cluster" --tls)"
QAMTU_TEST_POSTGRES_TLS_DIR="$pg_dir/cluster/tls"
export QAMTU_TEST_POSTGRES_URL QAMTU_TEST_POSTGRES_TLS_DIR
swift build --build-tests
swift test --skip-build "$@"
if [ $# -eq 0 ]; then
  QAMTU_TIMING_TESTS=1 swift test --skip-build --filter 'heavyCallsDoNotStarveTheCooperativePool'
  Scripts/test-clients.sh
  Scripts/test-map.sh
  python3 Scripts/test-applications.py --qamtu "$(swift build --show-bin-path)/qamtu" \
    --seconds 30 --crash-runs 10 --min-writes-per-second 150
  # Several servers, one database (issue 19): two `qamtu serve --writable` on one PostGIS database of the
  # private cluster, 32 clients split between them for 30 s, one server SIGKILLed half way, then 3 runs
  # that SIGKILL both; every acknowledged write is checked in the database with psql.
  if [ "$(id -u)" -eq 0 ]; then as_pg=(runuser -u postgres --); else as_pg=(); fi
  # The cluster's port (--tls picks a free one; it also names the socket file).
  pg_port="$(sed -n 's/.*[?&]port=\([0-9]*\).*/\1/p' <<<"$QAMTU_TEST_POSTGRES_URL")"
  pg_port="${pg_port:-5432}"
  "${as_pg[@]}" /usr/lib/postgresql/15/bin/createdb -h "$pg_dir/cluster" -p "$pg_port" qamtu_two_servers
  python3 Scripts/test-applications.py --qamtu "$(swift build --show-bin-path)/qamtu" \
    --postgres-url "postgresql://postgres@/qamtu_two_servers?host=$pg_dir/cluster&port=$pg_port" \
    --seconds 30 --crash-runs 3 --min-writes-per-second 50
fi
