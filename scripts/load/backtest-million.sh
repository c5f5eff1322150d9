#!/usr/bin/env bash
# A backtest over a million logged decisions (docs/benchmarks.md). Starts the service on 127.0.0.1 with a fresh
# SQLite log, decides 2,000 varied applications (every sample, owner scores 450-849, requested amounts 0.2-1.8x),
# stops it, copies those records in SQL until the log holds 1,000,000 (each copy keeps its real request and
# response), then times the CLI backtest of a candidate that raises the minimum owner score from 500 to 750.
# Needs about 15 GB in $TMPDIR. Usage: scripts/load/backtest-million.sh [records] (default 1000000)
set -euo pipefail
records="${1:-1000000}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/backtest-million.XXXXXX")"
service_pid=""
cleanup() {
    [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

dotnet build "$repo/src/CreditDecision.Api" -c Release -nologo -v q >/dev/null
dotnet build "$repo/src/CreditDecision.Cli" -c Release -nologo -v q >/dev/null
key="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
url="http://127.0.0.1:$(python3 "$repo/scripts/fault-check.py" port)"
(
    cd "$repo/src/CreditDecision.Api/bin/Release/net10.0"
    export ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning
    export Rules__Directory="$repo/rules" Rules__ArchiveDirectory="$work/rules-archive" Portfolio__File="$repo/portfolio/portfolio.json"
    export DecisionLog__Provider=sqlite DecisionLog__ConnectionString="Data Source=$work/decisions.db"
    export Auth__ApiKeys__seed__Key="$key" Auth__ApiKeys__seed__Roles__0=originator
    exec dotnet CreditDecision.Api.dll --urls "$url"
) >"$work/service.log" 2>&1 &
service_pid=$!
python3 "$repo/scripts/fault-check.py" wait-healthy "$url" 60

python3 - "$url" "$key" "$repo/samples" <<'PY'
import glob, json, sys, urllib.request
url, key, samples = sys.argv[1:]
apps = [json.load(open(p)) for p in sorted(glob.glob(samples + "/*.json"))]
for i in range(2000):
    app = json.loads(json.dumps(apps[i % len(apps)]))
    app["applicationId"] = f"SEED-{i:05d}"
    app["applicant"]["creditScore"] = 450 + (i * 37) % 400
    app["request"]["amount"] = round(app["request"]["amount"] * (0.2 + (i * 13 % 17) / 10), -3)
    request = urllib.request.Request(url + "/decide", json.dumps(app).encode(), {"Content-Type": "application/json", "X-Api-Key": key})
    urllib.request.urlopen(request).read()
PY
kill "$service_pid"; wait "$service_pid" 2>/dev/null || true; service_pid=""

start=$(date +%s)
python3 - "$work/decisions.db" "$records" <<'PY'
import sqlite3, sys
path, target = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(path)
db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
seed = db.execute("SELECT COUNT(*) FROM decisions").fetchone()[0]
columns = ("decision_id, application_id, enterprise_id, outcome, decided_at_ms, caller, request_id, request_hash, request_json, "
           "response_json, snapshot_id, ruleset_versions, engine_version, service_version, previous_hash, record_hash, kind")
copy = 1
while seed * (copy + 1) <= target:
    db.execute(f"""INSERT INTO decisions (position, {columns})
        SELECT position + {copy * seed}, substr(decision_id, 1, 24) || printf('%012x', {copy}), application_id, enterprise_id, outcome,
               decided_at_ms, caller, request_id, request_hash, request_json, response_json, snapshot_id, ruleset_versions,
               engine_version, service_version, previous_hash, record_hash, kind
        FROM decisions WHERE position <= {seed}""")
    copy += 1
db.commit()
print(f"log: {db.execute('SELECT COUNT(*) FROM decisions').fetchone()[0]} decisions")
PY
echo "generated in $(( $(date +%s) - start )) s, $(du -h "$work/decisions.db" | cut -f1)"

cp -r "$repo/rules" "$work/candidate"
sed -i 's/"minimumOwnerCreditScore": 500/"minimumOwnerCreditScore": 750/' "$work/candidate/approval.json"
cli="$repo/src/CreditDecision.Cli/bin/Release/net10.0/creditdecision.dll"
cd "$repo"
/usr/bin/time -f "backtest wall %e s, peak memory %M KB, user %U s, system %S s" \
    dotnet "$cli" backtest "$work/candidate" --log sqlite --connection "Data Source=$work/decisions.db" --page-size 1 >"$work/report.json" || true
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print('decisions', r['decisions'], 'changed', r['changedDecisions'], 'migration', r['migration'])" "$work/report.json"
