#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and the benchmarks, from the machine's PostgreSQL binaries:
# a data folder under <dir>, listening on 127.0.0.1 only, trust authentication, run as the `postgres` user when
# called as root (the server refuses to run as root).
#   bash eng/postgres.sh start <dir>   starts it and prints the Npgsql connection string
#   bash eng/postgres.sh stop <dir>    stops it (the caller deletes <dir>)
set -euo pipefail
command=${1:?usage: eng/postgres.sh start|stop <dir>}
dir=$(realpath -m "${2:?usage: eng/postgres.sh start|stop <dir>}")
# The server user may not be allowed into the caller's working directory.
cd /

as_server_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
  start)
    for tool in initdb pg_ctl postgres; do
      command -v "$tool" >/dev/null || { echo "eng/postgres.sh: '$tool' is not on PATH; install the PostgreSQL server binaries (15 or later)." >&2; exit 1; }
    done
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
    as_server_user test -w "$dir" \
      || { echo "eng/postgres.sh: the postgres user cannot write to $dir (a parent folder is closed to it); pass a fresh \$(mktemp -d)." >&2; exit 1; }
    as_server_user initdb -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_server_user pg_ctl -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_server_user pg_ctl -D "$dir/data" -m fast -w -t 60 stop >/dev/null || true
    fi
    ;;
  *)
    echo "usage: eng/postgres.sh start|stop <dir>" >&2
    exit 2
    ;;
esac
