-- wrk script of bench/load.py: one request class of the mix, requests read from a data file.
--
--   wrk -t 1 -c N -d 10s -s bench/load.lua http://127.0.0.1:PORT -- DATA_FILE FIRST LAST THREADS MODE EXPECTED [START]
--
-- DATA_FILE holds one request a line: method<TAB>path<TAB>bearer token<TAB>idempotency key<TAB>JSON body ("-" for
-- none). This run uses the lines FIRST <= i < LAST (0-based); thread k of THREADS takes every THREADS-th of them.
-- MODE "once": each line is sent once (check-ins: a repeated line would be an idempotent repeat, not a new
-- check-in); when a thread runs out of lines it stops and the run reports it. MODE "wrap": start over (reads,
-- findings, which are idempotent updates). EXPECTED is a comma-separated list of the statuses that count as
-- success (e.g. "201" or "200"); anything else is counted, and the first such answer is kept as a sample. With
-- "wrap", START (default 0) is where in its lines a thread begins, so consecutive runs do not begin on the same
-- rows while requests of the previous run may still be in flight.
-- done() prints one "BENCH key=value ..." line and one "BENCH_STATUS" line per status seen.

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
local expected = {}

ok = 0
other = 0
exhausted = 0
statuses = {}
sample = ""

function init(args)
   local path, first, last, nthreads = args[1], tonumber(args[2]), tonumber(args[3]), tonumber(args[4])
   wrap = args[5] == "wrap"
   for status in string.gmatch(args[6] or "200", "%d+") do
      expected[tonumber(status)] = true
   end
   local file = assert(io.open(path, "r"))
   local index = 0
   for line in file:lines() do
      if index >= first and index < last and (index - first) % nthreads == tid then
         local method, target, token, key, body = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)$")
         local headers = {}
         if token ~= "-" then
            headers["Authorization"] = "Bearer " .. token
         end
         if key ~= "-" then
            headers["Idempotency-Key"] = key
         end
         if body == "-" then
            body = nil
         else
            headers["Content-Type"] = "application/json"
         end
         requests_list[#requests_list + 1] = wrk.format(method, target, headers, body)
      end
      index = index + 1
   end
   file:close()
   if wrap and #requests_list > 0 then
      position = (tonumber(args[7] or "0") or 0) % #requests_list
   end
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
   if expected[status] then
      ok = ok + 1
   else
      other = other + 1
      if sample == "" and body ~= nil then
         sample = (status .. " " .. body:sub(1, 300)):gsub("[\r\n]", " ")
      end
   end
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local totals = {ok = 0, other = 0, exhausted = 0}
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
      "BENCH requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d mean_us=%.0f ok=%d "
         .. "other=%d exhausted=%d connect=%d read=%d write=%d timeout=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
      latency.max, latency.mean, totals.ok, totals.other, totals.exhausted, e.connect, e.read, e.write, e.timeout))
   for status, count in pairs(by_status) do
      io.write(string.format("BENCH_STATUS %d %d\n", status, count))
   end
   if first_sample ~= "" then
      io.write("BENCH_SAMPLE " .. first_sample .. "\n")
   end
end
