-- wrk script: send the file LOAD_BODY to LOAD_PATH with the key LOAD_API_KEY (scripts/load/decide-vs-bare.sh,
-- scripts/load/body-memory.sh). LOAD_METHOD (default POST) and LOAD_CONTENT_TYPE (default application/json) are optional.
wrk.method = os.getenv("LOAD_METHOD") or "POST"
wrk.path = os.getenv("LOAD_PATH")
wrk.headers["Content-Type"] = os.getenv("LOAD_CONTENT_TYPE") or "application/json"
wrk.headers["X-Api-Key"] = os.getenv("LOAD_API_KEY")
local file = assert(io.open(os.getenv("LOAD_BODY"), "rb"))
wrk.body = file:read("*a")
file:close()

local threads = {}
function setup(thread) table.insert(threads, thread) end

non_2xx = 0
statuses = {}
function response(status)
  if status < 200 or status > 299 then non_2xx = non_2xx + 1 end
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency)
  local failed = 0
  local seen = {}
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("non_2xx")
    for status, count in pairs(thread:get("statuses")) do seen[status] = (seen[status] or 0) + count end
  end
  local parts = {}
  for status, count in pairs(seen) do table.insert(parts, status .. "x" .. count) end
  table.sort(parts)
  io.write(string.format("load: requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f non2xx=%d socket_errors=%d statuses=%s\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, failed, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ",")))
end
