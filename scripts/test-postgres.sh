#!/usr/bin/env bash
# A throwaway PostgreSQL on 127.0.0.1 for the decision-log tests.
#   eval "$(scripts/test-postgres.sh start)"   starts it and prints the export of CREDITDECISION_TEST_POSTGRES
#   scripts/test-postgres.sh stop              stops it and removes its data
# Installs Debian's postgresql package when no server is present.
set -euo pipefail

port="${CREDITDECISION_TEST_POSTGRES_PORT:-55432}"
data="${TMPDIR:-/tmp}/creditdecision-test-postgres"

bin_dir() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

# PostgreSQL refuses to run as root: run its programs as the postgres user then.
as_server_user() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
    if [ -z "$(bin_dir)" ] || [ ! -x "$(bin_dir)/initdb" ]; then
        echo "installing postgresql from Debian's packages" >&2
        if [ "$(id -u)" = 0 ]; then sudo_cmd=(); else sudo_cmd=(sudo); fi
        "${sudo_cmd[@]}" apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq postgresql >&2
    fi
    local bin
    bin="$(bin_dir)"
    stop_quietly
    mkdir -p "$data"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$data"; fi
    as_server_user "$bin/initdb" -D "$data" -A trust -U creditdecision --no-sync -E UTF8 >/dev/null
    as_server_user "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
        -o "-p $port -c listen_addresses=127.0.0.1 -k $data -c max_connections=300" start >&2
    echo "export CREDITDECISION_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Username=creditdecision;Database=postgres'"
}

stop_quietly() {
    local bin
    bin="$(bin_dir)"
    if [ -n "$bin" ] && [ -f "$data/postmaster.pid" ]; then
        as_server_user "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$data"
}

case "${1:-}" in
    start) start ;;
    stop) stop_quietly ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
