#!/usr/bin/env bash
# A private PostgreSQL 15 + PostGIS cluster for tests: initdb in a folder of its own, listening on a
# unix socket in that folder only (no TCP), trust authentication for the `postgres` user,
# durability off (test data only). As root, initdb and the server run as the `postgres` system user
# (they refuse root), as Scripts/bench/bench.py does for the benchmarks.
#
# Usage:
#   Scripts/pg-cluster.sh start DIR [--tls]
#                                     initdb in DIR/data, start it; prints the URL of its `postgres`
#                                     database (postgresql://postgres@/postgres?host=DIR)
#     --tls: also listen on 127.0.0.1 at a free port with TLS (ssl = on): a certificate authority
#            and a server certificate for `localhost` (not for 127.0.0.1) are made with openssl in
#            DIR/tls; DIR/tls/url holds the TCP URL (postgresql://postgres@localhost:PORT/postgres),
#            DIR/tls/ca.crt the authority, DIR/tls/other-ca.crt an authority that signed nothing.
#   Scripts/pg-cluster.sh stop DIR    stop the cluster (fast, then immediate); DIR is left for the caller
# The packages (postgresql-15, postgresql-15-postgis-3) come from Scripts/ensure-packages.sh.
set -euo pipefail

pgbin=/usr/lib/postgresql/15/bin
command="${1:-}"
dir="${2:-}"
tls="${3:-}"
[ -n "$command" ] && [ -n "$dir" ] || { echo "usage: $0 start DIR [--tls] | stop DIR" >&2; exit 2; }
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
    port=5432
    if [ "$tls" = "--tls" ]; then
      # A free TCP port of 127.0.0.1 (also the number in the socket's name, so the URL names it).
      port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
      mkdir -p "$dir/tls"
      (
        cd "$dir/tls"
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Qamtu test authority" \
          -keyout ca.key -out ca.crt >/dev/null 2>&1
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Qamtu other authority" \
          -keyout other-ca.key -out other-ca.crt >/dev/null 2>&1
        openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr >/dev/null 2>&1
        printf 'subjectAltName = DNS:localhost\nbasicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth\n' >server.ext
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
          -extfile server.ext -out server.crt >/dev/null 2>&1
        rm -f ca.key other-ca.key server.csr server.ext ca.srl
      ) || { echo "error: openssl could not make the test certificates" >&2; exit 1; }
      [ "$(id -u)" -eq 0 ] && chown postgres "$dir/tls/server.key" "$dir/tls/server.crt"
      chmod 600 "$dir/tls/server.key"
      cat >>"$dir/data/postgresql.conf" <<CONF
# --tls: TCP on 127.0.0.1 with TLS (test certificates of $dir/tls).
listen_addresses = '127.0.0.1'
port = $port
ssl = on
ssl_cert_file = '$dir/tls/server.crt'
ssl_key_file = '$dir/tls/server.key'
CONF
      echo "postgresql://postgres@localhost:$port/postgres" >"$dir/tls/url"
    fi
    "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 120 start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    if [ "$port" = 5432 ]; then echo "postgresql://postgres@/postgres?host=$dir"; else echo "postgresql://postgres@/postgres?host=$dir&port=$port"; fi
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 \
        || "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    ;;
  *) echo "usage: $0 start DIR [--tls] | stop DIR" >&2; exit 2 ;;
esac
