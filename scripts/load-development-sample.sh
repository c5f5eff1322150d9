#!/usr/bin/env bash
# Loads the development sample of the shipped scorecard (samples/development/sample.ndjson) into a running service
# and writes the rating model's performance report: each application is decided (POST /decide), each one the sample
# marks as defaulted gets a default outcome dated today (POST /outcomes, one NDJSON stream), and the report over
# every decision so far (horizonMonths=0) is saved as performance.html and opened when a desktop is there.
# Needs curl and jq. CREDITDECISION_URL, ORIGINATOR_KEY and MODEL_RISK_KEY default to the Development demo keys.
set -euo pipefail
cd "$(dirname "$0")/.."
url=${CREDITDECISION_URL:-http://127.0.0.1:5080}
originator=${ORIGINATOR_KEY:-demo-originator-key-0001}
model_risk=${MODEL_RISK_KEY:-demo-model-risk-key-0007}
today=$(date -u +%F)
outcomes=$(mktemp)
trap 'rm -f "$outcomes"' EXIT

while IFS= read -r line; do
  decision=$(jq -c .application <<<"$line" |
    curl -sf "$url/decide" -H "X-Api-Key: $originator" -H 'Content-Type: application/json' --data-binary @- | jq -r .decisionId)
  if [ "$(jq -r .defaultedWithin12Months <<<"$line")" = true ]; then
    printf '{"decisionId":"%s","event":"default","date":"%s"}\n' "$decision" "$today" >>"$outcomes"
  fi
done <samples/development/sample.ndjson

curl -sf "$url/outcomes" -H "X-Api-Key: $model_risk" -H 'Content-Type: application/x-ndjson' --data-binary @"$outcomes" | tail -n 1
curl -sf "$url/models/sme-rating/performance?horizonMonths=0&format=html" -H "X-Api-Key: $model_risk" -o performance.html
echo "report: $(pwd)/performance.html"
if command -v xdg-open >/dev/null && [ -n "${DISPLAY:-}" ]; then xdg-open performance.html; fi
