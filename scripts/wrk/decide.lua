-- wrk script for POST /decide, used by scripts/fault-under-load.sh.
-- Each request is one of the sample applications with its own applicationId. The decisionId of every 200 is
-- appended to a file per thread and flushed at once, so the ids survive whatever happens to the service.
-- Environment: FAULT_API_KEY (sent as X-Api-Key), FAULT_SAMPLES (samples folder), FAULT_IDS (folder for the
-- id files), FAULT_PHASE (a tag that keeps applicationIds apart between runs), FAULT_PAUSE_MS (optional pause of
-- each connection between its requests, which caps the rate).

local samples_used = {
  "healthy-manufacturer", "tax-arrears", "secured-trading-company", "young-firm",
  "cold-chain-equipment-loan", "unsecured-restaurant-group", "distressed-construction", "large-request",
}

wrk.method = "POST"
wrk.path = "/decide"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Api-Key"] = os.getenv("FAULT_API_KEY")

local pause_ms = tonumber(os.getenv("FAULT_PAUSE_MS") or "0")
if pause_ms > 0 then
  function delay() return pause_ms end
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

-- Per thread (each thread has its own Lua state): the bodies split around the applicationId, the id file, counters.
local bodies = {}
local ids
local sent = 0
acknowledged = 0
non_2xx = 0
server_errors = 0

function init(args)
  for _, name in ipairs(samples_used) do
    local file = assert(io.open(os.getenv("FAULT_SAMPLES") .. "/" .. name .. ".json"))
    local text = file:read("*a")
    file:close()
    local before, after = text:match('^(.-"applicationId"%s*:%s*")[^"]*(".*)$')
    assert(before, name .. ": no applicationId")
    table.insert(bodies, { before, after })
  end
  ids = assert(io.open(string.format("%s/ids-%d.txt", os.getenv("FAULT_IDS"), thread_number), "a"))
end

function request()
  sent = sent + 1
  local body = bodies[sent % #bodies + 1]
  local application_id = string.format("FAULT-%s-%d-%d", os.getenv("FAULT_PHASE") or "x", thread_number, sent)
  return wrk.format(nil, nil, nil, body[1] .. application_id .. body[2])
end

function response(status, headers, body)
  if status == 200 then
    local id = body:match('"decisionId"%s*:%s*"([%x%-]+)"')
    if id then
      ids:write(id, "\n")
      ids:flush()
      acknowledged = acknowledged + 1
    end
  end
  if status < 200 or status > 299 then non_2xx = non_2xx + 1 end
  if status >= 500 then server_errors = server_errors + 1 end
end

function done(summary, latency, requests)
  local acked, non2xx, errors5xx = 0, 0, 0
  for _, thread in ipairs(threads) do
    acked = acked + thread:get("acknowledged")
    non2xx = non2xx + thread:get("non_2xx")
    errors5xx = errors5xx + thread:get("server_errors")
  end
  local e = summary.errors
  io.write(string.format(
    "fault-load: requests=%d non2xx=%d 5xx=%d acknowledged=%d socket_errors=%d timeouts=%d\n",
    summary.requests, non2xx, errors5xx, acked, e.connect + e.read + e.write, e.timeout))
end
