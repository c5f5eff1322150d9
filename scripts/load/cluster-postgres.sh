#!/usr/bin/env bash
# HTTP load on 127.0.0.1 with wrk (docs/benchmarks.md, ADR 0018): POST /decide with the durable PostgreSQL log,
# first on one node alone, then on three nodes appending to the same database (the cluster set-up of the README),
# each node under its own wrk at the same time. 32 connections per node, 20 s after a 5 s warm-up. Prints requests/s
# and p99 per node and in aggregate, the mean batch size and append time from each node's /metrics, how often,
# sampled inside PostgreSQL, a writer was waiting for the chain-head row lock, and GET /audit/verify of the chain
# the three nodes wrote.
# Usage: scripts/load/cluster-postgres.sh [--no-build]; LOAD_SECONDS and LOAD_WARMUP override the durations.
# Starts a throwaway PostgreSQL of its own (scripts/test-postgres.sh on a free port), removed on exit.
set -euo pipefail

if [ -z "${LOAD_BOUNDED:-}" ]; then
    export LOAD_BOUNDED=1
    exec timeout --kill-after=10 "${LOAD_TIMEOUT:-420}" bash "$0" "$@"
fi

repo="$(cd "$(dirname "$0")/../.." && pwd)"
fault_check=(python3 "$repo/scripts/fault-check.py")
connections=32
seconds="${LOAD_SECONDS:-20}"
warmup="${LOAD_WARMUP:-5}"
cluster_nodes=3

work="$(mktemp -d "${TMPDIR:-/tmp}/cluster-postgres.XXXXXX")"
# PostgreSQL runs as its own user when this script runs as root: its data lives where that user can reach it.
postgres_root="$(mktemp -d /tmp/cluster-postgres-db.XXXXXX)"
chmod 755 "$postgres_root"
postgres_port="$("${fault_check[@]}" port)"
postgres() { CREDITDECISION_TEST_POSTGRES_PORT="$postgres_port" TMPDIR="$postgres_root" "$repo/scripts/test-postgres.sh" "$@"; }
node_pids=()
sampler_pid=""

stop_nodes() {
    for pid in "${node_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${node_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    node_pids=()
}
cleanup() {
    [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null || true
    stop_nodes
    postgres stop || true
    rm -rf "$work" "$postgres_root"
}
trap cleanup EXIT

"$repo/scripts/ensure-wrk.sh"
if [ "${1:-}" != "--no-build" ]; then
    dotnet build "$repo/src/CreditDecision.Api" -c Release -nologo -v q >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
fi
dll="$repo/src/CreditDecision.Api/bin/Release/net10.0/CreditDecision.Api.dll"

postgres_env="$(postgres start 2>"$work/postgres.log")" || { cat "$work/postgres.log"; exit 1; }
eval "$postgres_env"
psql_command=(psql -X -q -A -t -h 127.0.0.1 -p "$postgres_port" -U creditdecision -d postgres)

export LOAD_API_KEY
LOAD_API_KEY="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"

# start_node NAME SCHEMA: one service process on a free port, its log in the schema (a fresh chain per scenario);
# sets node_url.
start_node() {
    local name="$1" schema="$2"
    node_url="http://127.0.0.1:$("${fault_check[@]}" port)"
    cp -r "$repo/rules" "$work/$name-rules"
    (
        cd "$(dirname "$dll")"
        export ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning
        # All load comes from one address: the per-address limit would measure itself, not the service.
        export RateLimiting__ApiRequestsPerWindow=0
        export Rules__Directory="$work/$name-rules" Rules__ArchiveDirectory="$work/$name-archive" Rules__RescanSeconds=3600
        export Portfolio__File="$repo/portfolio/portfolio.json"
        export DecisionLog__Provider=postgres DecisionLog__ConnectionString="$CREDITDECISION_TEST_POSTGRES;Search Path=$schema"
        export Cluster__NodeName="$name"
        export Auth__ApiKeys__load__Key="$LOAD_API_KEY" Auth__ApiKeys__load__Roles__0=originator Auth__ApiKeys__load__Roles__1=operator Auth__ApiKeys__load__Roles__2=auditor
        exec dotnet "$dll" --urls "$node_url"
    ) >"$work/$name.log" 2>&1 &
    node_pids+=($!)
    "${fault_check[@]}" wait-healthy "$node_url" 60 || { tail -n 40 "$work/$name.log"; exit 1; }
}

# The log's counters on one node: batch size and append time as sums and counts, one "name value" a line.
scrape() {
    curl -s -H "X-Api-Key: $LOAD_API_KEY" "$1/metrics" \
        | grep -E '^creditdecision_log_(batch_size|write_duration_seconds)_(sum|count)[ {]' \
        | sed 's/{[^}]*}//' >"$2"
}

# sample SECONDS OUT: samples pg_stat_activity about every 10 ms for SECONDS inside PostgreSQL (one backend, no
# client round trips) and counts, per sample, the log's backends by what they were doing.
sample() {
    "${psql_command[@]}" >"$2" 2>&1 <<SQL &
CREATE TEMP TABLE samples (n int, what text);
DO \$\$
DECLARE
    n int := 0;
    deadline timestamptz := clock_timestamp() + interval '$1 seconds';
BEGIN
    WHILE clock_timestamp() < deadline LOOP
        n := n + 1;
        INSERT INTO samples VALUES (n, NULL);
        INSERT INTO samples
        SELECT n, CASE
            WHEN wait_event_type = 'Lock' THEN 'waiting for a lock (the chain head)'
            WHEN wait_event IN ('WALSync', 'WALWrite', 'WALInsert') THEN 'writing or flushing WAL'
            WHEN state LIKE 'idle in transaction%' OR wait_event = 'ClientRead' THEN 'in a transaction, waiting for its node'
            WHEN state = 'active' AND wait_event IS NULL THEN 'running'
            ELSE 'other: ' || coalesce(wait_event_type || '/' || wait_event, state) END
        FROM pg_stat_activity
        WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle';
        PERFORM pg_stat_clear_snapshot();
        PERFORM pg_sleep(0.01);
    END LOOP;
END
\$\$;
WITH total AS (SELECT max(n) AS samples FROM samples)
SELECT format('  %s: in %s of %s samples, %s backends on average', what, count(DISTINCT n), samples, round(count(*)::numeric / samples, 2))
FROM samples, total WHERE what IS NOT NULL GROUP BY what, samples ORDER BY count(*) DESC;
SQL
    sampler_pid=$!
}

# load NAME URL THREADS: warm-up, then the measured run; wrk's "load:" line goes to NAME.txt.
load() {
    export LOAD_PATH=/decide LOAD_BODY="$repo/samples/healthy-manufacturer.json"
    wrk -t "$3" -c "$connections" -d "${warmup}s" -s "$repo/scripts/wrk/post-file.lua" "$2" >/dev/null
    scrape "$2" "$work/$1.before"
    wrk -t "$3" -c "$connections" -d "${seconds}s" --latency -s "$repo/scripts/wrk/post-file.lua" "$2" >"$work/$1.txt"
    scrape "$2" "$work/$1.after"
}

# report NAME...: per node and aggregate requests/s and p99, mean batch and append time over the measured run.
report() {
    python3 - "$work" "$@" <<'PY'
import re, sys
work, names = sys.argv[1], sys.argv[2:]

def wrk(name):
    line = next(l for l in open(f"{work}/{name}.txt") if l.startswith("load:"))
    return {k: v for k, v in re.findall(r"(\w+)=(\S+)", line)}

def counters(name, when):
    return {k: float(v) for k, v in (l.split() for l in open(f"{work}/{name}.{when}"))}

total_rps, worst_p99, failures = 0.0, 0.0, 0
for name in names:
    r = wrk(name)
    before, after = counters(name, "before"), counters(name, "after")
    delta = lambda key: after.get(key, 0.0) - before.get(key, 0.0)
    commits = delta("creditdecision_log_batch_size_count")
    batch = delta("creditdecision_log_batch_size_sum") / commits if commits else float("nan")
    commit_ms = 1000 * delta("creditdecision_log_write_duration_seconds_sum") / commits if commits else float("nan")
    rps, p99 = float(r["rps"]), float(r["p99_ms"])
    total_rps += rps
    worst_p99 = max(worst_p99, p99)
    failures += int(r["non2xx"]) + int(r["socket_errors"])
    print(f"  {name}: {rps:,.0f} req/s, p50 {r['p50_ms']} ms, p99 {p99:.2f} ms, non-2xx {r['non2xx']}, "
          f"socket errors {r['socket_errors']}; {commits:,.0f} commits, mean batch {batch:.1f}, mean append {commit_ms:.2f} ms")
    if len(names) == 1:
        # Alone, a node never waits for the head: its append time is how long it holds the head's lock.
        print(f"  the chain head held {commit_ms:.2f} ms per batch of {batch:.1f}: at most {1000 * batch / commit_ms:,.0f} appends/s "
              f"through it at this batch size, whatever the number of nodes")
if len(names) > 1:
    print(f"  aggregate: {total_rps:,.0f} req/s, p99 {worst_p99:.2f} ms (the worst node's p99), {failures} failed")
PY
}

echo "one node, $connections connections, ${seconds} s after ${warmup} s warm-up:"
start_node node-alone one_node
sample "$((seconds + warmup))" "$work/one-node.samples"
load node-alone "$node_url" 2
wait "$sampler_pid" || true; sampler_pid=""
report node-alone
echo " backends of the log sampled in PostgreSQL during warm-up and run:"
cat "$work/one-node.samples"
stop_nodes

echo "$cluster_nodes nodes on one database, $connections connections each, at the same time:"
urls=()
names=()
for i in $(seq 1 "$cluster_nodes"); do
    start_node "decision-$i" three_nodes
    urls+=("$node_url")
    names+=("decision-$i")
done
sample "$((seconds + warmup))" "$work/cluster.samples"
load_pids=()
for i in "${!names[@]}"; do
    load "${names[$i]}" "${urls[$i]}" 1 &
    load_pids+=($!)
done
for pid in "${load_pids[@]}"; do wait "$pid"; done
wait "$sampler_pid" || true; sampler_pid=""
report "${names[@]}"
echo " backends of the log sampled in PostgreSQL during warm-up and run:"
cat "$work/cluster.samples"
echo " the chain the three nodes wrote, verified by decision-1: $(curl -s -H "X-Api-Key: $LOAD_API_KEY" "${urls[0]}/audit/verify")"
