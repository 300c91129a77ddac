-- wrk script for `npm run bench`: each request is drawn at random from a pool file, one request per line:
--   METHOD PATH [JSON BODY]
-- Usage: wrk ... -s bench/wrk-pool.lua URL -- POOL_FILE
-- At the end it prints one line, "BENCH_JSON {...}", with the counts and latency percentiles (microseconds).

local pool = {}

function setup(thread)
  thread:set("seed", math.random(1, 2147483647))
end

function init(args)
  for line in io.lines(args[1]) do
    local method, path, body = line:match("^(%u+) (%S+) ?(.*)$")
    if method then
      local headers = {}
      if body ~= "" then headers["Content-Type"] = "application/json" else body = nil end
      pool[#pool + 1] = wrk.format(method, path, headers, body)
    end
  end
  if #pool == 0 then error("no requests in " .. args[1]) end
  math.randomseed(seed)
end

function request()
  return pool[math.random(#pool)]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%d,"p95":%d,"p99":%d,"max":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
