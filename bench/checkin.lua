-- wrk script of bench/checkin.py: every request is a distinct check-in, read from the data file.
--
--   wrk -t 2 -c 50 -d 10s -s bench/checkin.lua http://127.0.0.1:PORT -- DATA_FILE FIRST LAST THREADS [wrap]
--
-- DATA_FILE holds one request a line: visit_id<TAB>json_body<TAB>idempotency_key. This run uses the lines
-- FIRST <= i < LAST (0-based); thread k of THREADS takes every THREADS-th of them, so no two threads share a
-- line. The bearer token comes from the environment (BENCH_TOKEN). When a thread runs out of lines it stops
-- (its last request is repeated once more and answers 200: the run is then reported as failed, not silently
-- skewed); with "wrap" (the baseline, which does not care) it starts over instead. done() prints one "BENCH key=value ..." line and one "BENCH_STATUS" line per status seen, which the
-- Python driver parses.

local next_id = 0
local threads = {}

function setup(thread)
   thread:set("tid", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

local requests_list = {}
local position = 0
local wrap = false

created = 0
other = 0
exhausted = 0
statuses = {}
sample = ""

function init(args)
   local path, first, last, nthreads = args[1], tonumber(args[2]), tonumber(args[3]), tonumber(args[4])
   local token = os.getenv("BENCH_TOKEN") or ""
   wrap = args[5] == "wrap"
   local file = assert(io.open(path, "r"))
   local index = 0
   for line in file:lines() do
      if index >= first and index < last and (index - first) % nthreads == tid then
         local visit_id, body, key = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)$")
         local headers = {
            ["Authorization"] = "Bearer " .. token,
            ["Content-Type"] = "application/json",
            ["Idempotency-Key"] = key,
         }
         requests_list[#requests_list + 1] = wrk.format("POST", "/api/v1/visits/" .. visit_id .. "/check-in",
                                                        headers, body)
      end
      index = index + 1
   end
   file:close()
end

function request()
   position = position + 1
   if wrap and position > #requests_list then
      position = 1
   end
   local req = requests_list[position]
   if req == nil then
      exhausted = exhausted + 1
      if wrk.thread ~= nil then
         wrk.thread:stop()
      end
      return requests_list[#requests_list]
   end
   return req
end

function response(status, headers, body)
   if status == 201 then
      created = created + 1
   else
      other = other + 1
      if sample == "" and body ~= nil then
         sample = body:sub(1, 300):gsub("[\r\n]", " ")
      end
   end
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local totals = {created = 0, other = 0, exhausted = 0}
   local by_status = {}
   local first_sample = ""
   for _, thread in ipairs(threads) do
      for name, _ in pairs(totals) do
         totals[name] = totals[name] + (thread:get(name) or 0)
      end
      for status, count in pairs(thread:get("statuses") or {}) do
         by_status[status] = (by_status[status] or 0) + count
      end
      local s = thread:get("sample") or ""
      if first_sample == "" then
         first_sample = s
      end
   end
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.0f created=%d "
         .. "non201=%d exhausted=%d connect=%d read=%d write=%d timeout=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, latency.mean, totals.created, totals.other, totals.exhausted, e.connect, e.read, e.write,
      e.timeout))
   for status, count in pairs(by_status) do
      io.write(string.format("BENCH_STATUS %d %d\n", status, count))
   end
   if first_sample ~= "" then
      io.write("BENCH_SAMPLE " .. first_sample .. "\n")
   end
end
