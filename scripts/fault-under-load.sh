#!/usr/bin/env bash
# Faults under load, against a Release build on 127.0.0.1 (docs/fault-under-load.md):
#   1. wrk on POST /decide for 30 s while the rule files are rewritten 20 times, two of them invalid;
#   2. wrk again, the service killed with SIGKILL a few seconds in, then restarted on the same log;
#   3. every decision wrk saw acknowledged (200 with a decisionId) must be in the log and replay identical,
#      and GET /audit/verify must say intact.
# Prints the figures and exits non-zero unless they are clean. Usage: scripts/fault-under-load.sh [--no-build]
# FAULT_TIMEOUT (seconds, default 240) bounds the whole run.
set -euo pipefail

# Hard overall time limit: the run re-executes itself under timeout(1), which signals the whole process group.
if [ -z "${FAULT_UNDER_LOAD_BOUNDED:-}" ]; then
    export FAULT_UNDER_LOAD_BOUNDED=1
    exec timeout --kill-after=10 "${FAULT_TIMEOUT:-240}" bash "$0" "$@"
fi

repo="$(cd "$(dirname "$0")/.." && pwd)"
check=(python3 "$repo/scripts/fault-check.py")
load_seconds=30
# Each phase-1 connection pauses this long between requests: at most 640 decisions/s, so that replaying every
# acknowledged decision afterwards keeps the whole run near a minute and a half. Phase 2 runs flat out.
pause_ms=25
kill_after_seconds=3
started=$SECONDS
step() { echo "== [$((SECONDS - started)) s] $*"; }

work="$(mktemp -d "${TMPDIR:-/tmp}/fault-under-load.XXXXXX")"
service_pid=""
cleanup() {
    if [ -n "$service_pid" ]; then
        kill -KILL "$service_pid" 2>/dev/null || true
        wait "$service_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "fault-under-load: stopped by a signal or the time limit" >&2; exit 124' TERM INT

"$repo/scripts/ensure-wrk.sh"

if [ "${1:-}" != "--no-build" ]; then
    step "build (Release)"
    if ! dotnet build "$repo/src/CreditDecision.Api" -c Release -nologo -v q >"$work/build.log" 2>&1; then
        cat "$work/build.log"
        exit 1
    fi
fi
dll="$repo/src/CreditDecision.Api/bin/Release/net10.0/CreditDecision.Api.dll"

# The service reads a copy of the rules (the run rewrites it) and keeps its log and archive in the work folder.
cp -r "$repo/rules" "$work/rules"
mkdir -p "$work/ids/phase1" "$work/ids/phase2"
port="$("${check[@]}" port)"
url="http://127.0.0.1:$port"
export FAULT_API_KEY
FAULT_API_KEY="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
export FAULT_SAMPLES="$repo/samples"
export FAULT_REWRITE_SUMMARY="$work/rewrites.txt"

start_service() {
    (
        cd "$(dirname "$dll")"
        export ASPNETCORE_ENVIRONMENT=Production
        export Logging__LogLevel__Default=Warning
        export Rules__Directory="$work/rules"
        export Rules__ArchiveDirectory="$work/rules-archive"
        export Rules__RescanSeconds=1
        export Rules__DebounceMilliseconds=300
        export Portfolio__File="$repo/portfolio/portfolio.json"
        export DecisionLog__Provider=sqlite
        export DecisionLog__ConnectionString="Data Source=$work/decisions.db"
        # All load comes from one address: the per-address limit would refuse it, and the run checks every answer.
        export RateLimiting__ApiRequestsPerWindow=0
        export Auth__ApiKeys__fault__Key="$FAULT_API_KEY"
        export Auth__ApiKeys__fault__Roles__0=originator
        export Auth__ApiKeys__fault__Roles__1=auditor
        export Auth__ApiKeys__fault__Roles__2=policy
        exec dotnet "$dll" --urls "$url"
    ) >>"$work/service.log" 2>&1 &
    service_pid=$!
    if ! "${check[@]}" wait-healthy "$url" 60; then
        tail -n 40 "$work/service.log"
        exit 1
    fi
}

# wrk with decide.lua; its done() prints one "fault-load:" line. Arguments: phase, seconds, pause (ms), output file.
run_wrk() {
    FAULT_PHASE="$1" FAULT_IDS="$work/ids/$1" FAULT_PAUSE_MS="$3" \
        wrk -t 2 -c 16 -d "$2s" --timeout 10s -s "$repo/scripts/wrk/decide.lua" "$url/decide" >"$4" 2>&1
}

figure() { # figure NAME FILE: a number from the fault-load line of a wrk output
    sed -n "s/^fault-load:.* $1=\([0-9]*\).*/\1/p" "$2"
}

step "service on $url (work folder $work)"
start_service

step "phase 1: wrk ${load_seconds} s on POST /decide (2 threads, 16 connections, ${pause_ms} ms pause) while the rules are rewritten 20 times"
run_wrk phase1 "$load_seconds" "$pause_ms" "$work/wrk1.txt" &
wrk_pid=$!
rewrites_ok=1
"${check[@]}" rewrite-rules "$url" "$work/rules" || rewrites_ok=0
wait "$wrk_pid"
grep -E '^  [0-9]+ requests in|Requests/sec|Non-2xx|Socket errors|^fault-load' "$work/wrk1.txt" | sed 's/^ */wrk: /'

step "phase 2: wrk on POST /decide (no pause), the service killed with SIGKILL after ${kill_after_seconds} s"
run_wrk phase2 $((kill_after_seconds + 1)) 0 "$work/wrk2.txt" &
wrk_pid=$!
sleep "$kill_after_seconds"
kill -KILL "$service_pid"
wait "$service_pid" 2>/dev/null || true
echo "service (pid $service_pid) killed with SIGKILL; acknowledged before the kill: $(cat "$work"/ids/phase2/* 2>/dev/null | wc -l)"
service_pid=""
wait "$wrk_pid"
grep -E '^  [0-9]+ requests in|Non-2xx|Socket errors|^fault-load' "$work/wrk2.txt" | sed 's/^ */wrk: /'

step "restart on the same log and rules"
start_service

step "check every acknowledged decision (found in the log, replay identical) and the audit chain"
check_ok=1
"${check[@]}" check "$url" "$work"/ids/phase1/* "$work"/ids/phase2/* >"$work/check.txt" || check_ok=0
grep -vE '^(decisions |replay mismatches|audit:)' "$work/check.txt" || true

requests=$(($(figure requests "$work/wrk1.txt") + $(figure requests "$work/wrk2.txt")))
non2xx=$(($(figure non2xx "$work/wrk1.txt") + $(figure non2xx "$work/wrk2.txt")))
errors5xx=$(($(figure 5xx "$work/wrk1.txt") + $(figure 5xx "$work/wrk2.txt")))
phase2_acknowledged=$(figure acknowledged "$work/wrk2.txt")

echo "== result"
echo "requests: $requests"
echo "non-2xx: $non2xx"
echo "5xx: $errors5xx"
grep -E '^(decisions acknowledged|decisions found|replay mismatches|audit):' "$work/check.txt"
cat "$work/rewrites.txt" 2>/dev/null || echo "rule rewrites: incomplete"
echo "wall time: $((SECONDS - started)) s"

if [ "$check_ok" = 1 ] && [ "$rewrites_ok" = 1 ] && [ "$non2xx" = 0 ] && [ "$errors5xx" = 0 ] && [ "$phase2_acknowledged" -gt 0 ]; then
    echo "clean"
else
    echo "NOT clean"
    exit 1
fi
