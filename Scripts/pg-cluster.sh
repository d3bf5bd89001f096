#!/usr/bin/env bash
# A private PostgreSQL 15 + PostGIS cluster for tests: initdb in a folder of its own, listening on a
# unix socket in that folder only (no TCP), trust authentication for the `postgres` user,
# durability off (test data only). As root, initdb and the server run as the `postgres` system user
# (they refuse root), as Scripts/bench/bench.py does for the benchmarks.
#
# Usage:
#   Scripts/pg-cluster.sh start DIR   initdb in DIR/data, start it; prints the URL of its `postgres`
#                                     database (postgresql://postgres@/postgres?host=DIR)
#   Scripts/pg-cluster.sh stop DIR    stop the cluster (fast, then immediate); DIR is left for the caller
# The packages (postgresql-15, postgresql-15-postgis-3) come from Scripts/ensure-packages.sh.
set -euo pipefail

pgbin=/usr/lib/postgresql/15/bin
command="${1:-}"
dir="${2:-}"
[ -n "$command" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
if [ "$(id -u)" -eq 0 ]; then as_pg=(runuser -u postgres --); else as_pg=(); fi

case "$command" in
  start)
    [ -x "$pgbin/initdb" ] || { echo "error: no $pgbin/initdb (install postgresql-15)" >&2; exit 1; }
    if [ ! -c /dev/null ]; then
      echo "error: /dev/null is not a character device on this machine (initdb needs it)" >&2
      exit 1
    fi
    mkdir -p "$dir"
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    "${as_pg[@]}" "$pgbin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    cat >>"$dir/data/postgresql.conf" <<CONF

# Qamtu tests: unix socket in the cluster's folder only; durability off (test data only); JIT off.
listen_addresses = ''
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
jit = off
max_connections = 200
CONF
    "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 120 start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql://postgres@/postgres?host=$dir"
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 \
        || "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
