#!/usr/bin/env bash
# Resident memory under maximum-size bodies (docs/benchmarks.md, section 6): for each endpoint that takes a body, a
# fresh service on 127.0.0.1 (Production settings, SQLite log) answers one such request (so the code is compiled), then
# receives the largest body that endpoint accepts from 8 wrk connections at once, back to back, for 20 s; the script
# prints the process's resident memory (VmRSS) before the 8 connections, its peak during the run (sampled every
# 50 ms), and what the run added.
# Usage: scripts/load/body-memory.sh [--no-build] [case...]
# Cases: decide decide-long-text monitor-array-zeros monitor-array-loans monitor-ndjson portfolio backtest promote.
# The sizes are the service's default limits; override with LIMIT_DECIDE, LIMIT_MONITOR_ARRAY, LIMIT_MONITOR_LINE,
# LIMIT_PORTFOLIO, LIMIT_BACKTEST, LIMIT_OTHER (bytes) to measure other limits.
set -euo pipefail

if [ -z "${LOAD_BOUNDED:-}" ]; then
    export LOAD_BOUNDED=1
    exec timeout --kill-after=10 "${LOAD_TIMEOUT:-600}" bash "$0" "$@"
fi

repo="$(cd "$(dirname "$0")/../.." && pwd)"
helper=(python3 "$repo/scripts/load/body-memory.py")
connections=8
seconds=20

work="$(mktemp -d "${TMPDIR:-/tmp}/body-memory.XXXXXX")"
service_pid=""
stop_service() {
    [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null || true
    service_pid=""
}
cleanup() {
    stop_service
    rm -rf "$work"
}
trap cleanup EXIT

"$repo/scripts/ensure-wrk.sh"
build=1
if [ "${1:-}" = "--no-build" ]; then build=0; shift; fi
if [ "$build" = 1 ]; then
    dotnet build "$repo/src/CreditDecision.Api" -c Release -nologo -v q >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
fi
dll="$repo/src/CreditDecision.Api/bin/Release/net10.0/CreditDecision.Api.dll"
cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=(decide decide-long-text monitor-array-zeros monitor-array-loans monitor-ndjson portfolio backtest promote)

export LOAD_API_KEY
LOAD_API_KEY="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
url="http://127.0.0.1:$(python3 "$repo/scripts/fault-check.py" port)"

start_service() {
    rm -rf "$work/run" && mkdir -p "$work/run"
    cp -r "$repo/rules" "$work/run/rules"
    cp -r "$repo/rules" "$work/run/challenger"
    sed -i 's/"minimumOwnerCreditScore": 500/"minimumOwnerCreditScore": 600/' "$work/run/challenger/approval.json"
    rm "$work/run/challenger/approval.cases.json"
    cp "$repo/portfolio/portfolio.json" "$work/run/portfolio.json"
    (
        cd "$(dirname "$dll")"
        export ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning
        export Rules__Directory="$work/run/rules" Rules__ArchiveDirectory="$work/run/rules-archive" Rules__RescanSeconds=3600
        export Rules__ChallengerDirectory="$work/run/challenger" Portfolio__File="$work/run/portfolio.json"
        export DecisionLog__Provider=sqlite DecisionLog__ConnectionString="Data Source=$work/run/decisions.db"
        # One client address sends everything here: its request rate is not what is measured.
        export RateLimiting__ApiRequestsPerWindow=0
        export Auth__ApiKeys__load__Key="$LOAD_API_KEY" Auth__ApiKeys__load__Roles__0=originator Auth__ApiKeys__load__Roles__1=policy Auth__ApiKeys__load__Roles__2=auditor
        exec dotnet "$dll" --urls "$url"
    ) >"$work/service.log" 2>&1 &
    service_pid=$!
    python3 "$repo/scripts/fault-check.py" wait-healthy "$url" 60 || { tail -n 40 "$work/service.log"; exit 1; }
}

# case -> path, method, content type, limit
describe() {
    case "$1" in
        decide|decide-long-text) echo "/decide POST application/json ${LIMIT_DECIDE:-262144}" ;;
        monitor-array-zeros|monitor-array-loans) echo "/monitor POST application/json ${LIMIT_MONITOR_ARRAY:-1048576}" ;;
        monitor-ndjson) echo "/monitor POST application/x-ndjson ${LIMIT_MONITOR_LINE:-65536}" ;;
        portfolio) echo "/portfolio PUT application/json ${LIMIT_PORTFOLIO:-1048576}" ;;
        backtest) echo "/backtests POST application/json ${LIMIT_BACKTEST:-1048576}" ;;
        promote) echo "/challenger/promote POST application/json ${LIMIT_OTHER:-16384}" ;;
        *) echo "unknown case $1" >&2; exit 2 ;;
    esac
}

printf '%-20s %10s %10s %8s %8s %8s  %s\n' case limit body base_MiB peak_MiB added wrk
for name in "${cases[@]}"; do
    read -r path method type limit <<<"$(describe "$name")"
    start_service
    [ "$name" = backtest ] && "${helper[@]}" seed "$url" "$LOAD_API_KEY" "$repo" 400
    snapshot="$(curl -s -H "X-Api-Key: $LOAD_API_KEY" "$url/challenger" | python3 -c 'import json,sys; print((json.load(sys.stdin).get("rulesets") or {}).get("snapshot", ""))')"
    size="$("${helper[@]}" body "$name" "$limit" "$repo" "$work/body" "$snapshot")"
    export LOAD_PATH="$path" LOAD_METHOD="$method" LOAD_CONTENT_TYPE="$type" LOAD_BODY="$work/body"
    curl -s -o /dev/null -X "$method" -H "X-Api-Key: $LOAD_API_KEY" -H "Content-Type: $type" --data-binary @"$work/body" "$url$path"
    sleep 1
    base="$("${helper[@]}" rss "$service_pid")"
    "${helper[@]}" peak "$service_pid" $((seconds + 2)) >"$work/peak" &
    sampler=$!
    wrk -t 2 -c "$connections" -d "${seconds}s" --timeout 60s -s "$repo/scripts/wrk/post-file.lua" "$url" >"$work/wrk.txt"
    wait "$sampler"
    peak="$(cat "$work/peak")"
    printf '%-20s %10s %10s %8s %8s %8s  %s\n' "$name" "$limit" "$size" "$base" "$peak" "$((peak - base))" \
        "$(grep '^load:' "$work/wrk.txt" | sed 's/^load: //; s/ p50_ms=[^ ]*//; s/ p99_ms=[^ ]*//')"
    stop_service
done
