-- wrk script for tests/topology/load.py: a clinician's mix, one write in five, in turn on each
-- connection: the client list (20) three times, a client twice, the client's sessions twice,
-- progress once, a new session, a new assessment. Prints one result line as wrk.lua does.
local token = os.getenv("BENCH_TOKEN")
local read, write = os.getenv("MIX_READ_CLIENT"), os.getenv("MIX_WRITE_CLIENT")
local today = os.getenv("MIX_DATE")
local json = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}
local session = '{"client": "' .. write .. '", "starts_at": "2026-01-05T10:00:00Z", ' ..
  '"duration_minutes": 50, "modality": "video", "kind": "individual", "status": "completed", ' ..
  '"roots_addressed": ["perfectionism"], ' ..
  '"note": {"format": "narrative", "text": "Worked on a realistic goal for the week."}}'
local assessment = '{"client": "' .. write .. '", "instrument": "gad7", "administered_on": "' ..
  today .. '", "responses": [1, 2, 1, 0, 1, 2, 1], ' ..
  '"same_day_reason": "Recorded again on purpose, under load."}'
local mix = {
  {"GET", "/api/v1/clients/?page_size=20"},
  {"GET", "/api/v1/clients/" .. read .. "/"},
  {"GET", "/api/v1/sessions/?client=" .. read},
  {"GET", "/api/v1/clients/?page_size=20"},
  {"POST", "/api/v1/sessions/", session},
  {"GET", "/api/v1/clients/" .. read .. "/progress/"},
  {"GET", "/api/v1/clients/?page_size=20"},
  {"GET", "/api/v1/clients/" .. read .. "/"},
  {"GET", "/api/v1/sessions/?client=" .. read},
  {"POST", "/api/v1/assessments/", assessment},
}
local next_index = 0

request = function()
  next_index = next_index % #mix + 1
  local item = mix[next_index]
  return wrk.format(item[1], item[2], json, item[3])
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "BENCH-RESULT requests=%d duration_us=%d bytes=%d status_errors=%d socket_errors=%d " ..
    "p50=%d p95=%d p99=%d max=%d\n",
    summary.requests, summary.duration, summary.bytes, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
