#!/usr/bin/env bash
# HTTP load on 127.0.0.1 with wrk (docs/benchmarks.md): POST /decide with the durable SQLite log against
# POST /load-baseline (same authentication and JSON binding, constant answer), then POST /decide again while the
# rules are reloaded every second (about 120 rulesets recompiled in 20 s), and finally /decide at 256 connections. 32 connections, 20 s per run after a warm-up
# (15 s before the first /decide run: the runtime is still compiling the decision path's hot methods for about 15 s,
# 5 s before the others), one after the other in one service so that the ratios hold on a noisy machine.
# Usage: scripts/load/decide-vs-bare.sh [--no-build]
# With LOAD_CHALLENGER=1 the service also runs a challenger folder (the approval minimum owner score raised to
# 600) that shadows every decision, and the challenger's counters are printed at the end. The bytes the service
# writes to disk per decision are read from /proc/<pid>/io around the /decide run at 32 connections (its warm-up included),
# and the service's CPU time per request from /proc/<pid>/stat around the bare and the /decide runs.
set -euo pipefail

if [ -z "${LOAD_BOUNDED:-}" ]; then
    export LOAD_BOUNDED=1
    exec timeout --kill-after=10 "${LOAD_TIMEOUT:-300}" bash "$0" "$@"
fi

repo="$(cd "$(dirname "$0")/../.." && pwd)"
helper=(python3 "$repo/scripts/fault-check.py")
connections=32
seconds=20
warmup=5

work="$(mktemp -d "${TMPDIR:-/tmp}/decide-vs-bare.XXXXXX")"
service_pid=""
reloader_pid=""
cleanup() {
    [ -n "$reloader_pid" ] && kill "$reloader_pid" 2>/dev/null || true
    [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$repo/scripts/ensure-wrk.sh"
if [ "${1:-}" != "--no-build" ]; then
    dotnet build "$repo/src/CreditDecision.Api" -c Release -nologo -v q >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
fi
dll="$repo/src/CreditDecision.Api/bin/Release/net10.0/CreditDecision.Api.dll"

cp -r "$repo/rules" "$work/rules"
challenger_setting=()
if [ -n "${LOAD_CHALLENGER:-}" ]; then
    cp -r "$repo/rules" "$work/challenger"
    sed -i 's/"minimumOwnerCreditScore": 500/"minimumOwnerCreditScore": 600/' "$work/challenger/approval.json"
    rm "$work/challenger/approval.cases.json"
    challenger_setting=("Rules__ChallengerDirectory=$work/challenger")
fi
export LOAD_API_KEY
LOAD_API_KEY="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
url="http://127.0.0.1:$("${helper[@]}" port)"
(
    cd "$(dirname "$dll")"
    export ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning LoadBaseline__Enabled=true
    # All load comes from one address: the per-address limit would measure itself, not the service.
    export RateLimiting__ApiRequestsPerWindow=0
    export Rules__Directory="$work/rules" Rules__ArchiveDirectory="$work/rules-archive" Rules__RescanSeconds=3600
    export Portfolio__File="$repo/portfolio/portfolio.json"
    export DecisionLog__Provider=sqlite DecisionLog__ConnectionString="Data Source=$work/decisions.db"
    export Auth__ApiKeys__load__Key="$LOAD_API_KEY" Auth__ApiKeys__load__Roles__0=originator Auth__ApiKeys__load__Roles__1=policy Auth__ApiKeys__load__Roles__2=auditor
    exec env "${challenger_setting[@]}" dotnet "$dll" --urls "$url"
) >"$work/service.log" 2>&1 &
service_pid=$!
"${helper[@]}" wait-healthy "$url" 60 || { tail -n 40 "$work/service.log"; exit 1; }

# run NAME PATH [CONNECTIONS] [WARMUP]: warm up, then measure; prints wrk's "load:" line prefixed with the run's name
# and the service's CPU time (user and system) per request of the measured part.
run() {
    export LOAD_PATH="$2" LOAD_BODY="$repo/samples/healthy-manufacturer.json"
    wrk -t 2 -c "${3:-$connections}" -d "${4:-$warmup}s" -s "$repo/scripts/wrk/post-file.lua" "$url" >/dev/null
    local ticks_before ticks_after
    ticks_before=$(cpu_ticks)
    wrk -t 2 -c "${3:-$connections}" -d "${seconds}s" --latency -s "$repo/scripts/wrk/post-file.lua" "$url" >"$work/$1.txt"
    ticks_after=$(cpu_ticks)
    local requests
    requests=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' "$work/$1.txt")
    echo "$1 $(grep '^load:' "$work/$1.txt") service_cpu_us_per_request=$(( (ticks_after - ticks_before) * 1000000 / $(getconf CLK_TCK) / requests ))"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$service_pid/stat"; }

# What the service writes to disk (WAL, checkpoints, database) and how many records the log holds.
written_bytes() { sed -n 's/^write_bytes: //p' "/proc/$service_pid/io"; }
records() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute("SELECT COALESCE(MAX(position),0) FROM decisions").fetchone()[0])' "$work/decisions.db"; }

run bare /load-baseline
bytes_before=$(written_bytes); records_before=$(records)
run decide /decide "$connections" 15
bytes_after=$(written_bytes); records_after=$(records)
echo "bytes written per decision (WAL, checkpoints, database) during the decide run: $(( (bytes_after - bytes_before) / (records_after - records_before) ))" \
    "over $((records_after - records_before)) decisions; database and WAL now $(( $(cat "$work"/decisions.db* | wc -c) / records_after )) bytes per record"
python3 "$repo/scripts/load/reload-rules.py" "$url" "$work/rules" "$LOAD_API_KEY" "$work/reloads.txt" &
reloader_pid=$!
run decide-during-reloads /decide
kill "$reloader_pid"; reloader_pid=""
reloads=$(wc -l <"$work/reloads.txt" 2>/dev/null || echo 0)
echo "reloads during the last run: $reloads, one a second (each compiles 6 rulesets and runs their cases: $((reloads * 6)) rulesets)"
# With more connections in flight each commit carries a larger batch: what the log sustains when the load
# generator does not wait on its latency.
run decide-256-connections /decide 256

if [ -n "${LOAD_CHALLENGER:-}" ]; then
    sleep 2
    echo "challenger: $(curl -s -H "X-Api-Key: $LOAD_API_KEY" "$url/challenger" | python3 -c 'import json,sys; print(json.load(sys.stdin)["shadow"])')"
fi

value() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" "$work/$1.txt"; }
python3 - "$(value bare rps)" "$(value decide rps)" "$(value decide p99_ms)" "$(value decide-during-reloads p99_ms)" <<'PY'
import sys
bare, decide, p99, p99_reload = map(float, sys.argv[1:])
print(f"decide/bare requests per second: {decide / bare:.0%}")
print(f"p99 during reloads / p99 without: {p99_reload / p99:.2f}x")
PY
