-- wrk script of bench/load.py: whole draws, one after another, on ONE connection (wrk -t 1 -c 1).
--
--   wrk -t 1 -c 1 -d 10s -s bench/load_draw.lua http://127.0.0.1:PORT -- TASKS_FILE
--
-- TASKS_FILE holds one task a line: plan_no<TAB>task_no<TAB>bearer token (an account of the task's lead unit).
-- Each draw is three requests: prepare (POST /api/v1/plans/{plan}/tasks/{task}/draws, 201), seed (public ceremony,
-- 200) and execute (200, which queues the draw report to the provincial platform in the outbox); then the next
-- task, round robin. One connection makes the steps strictly sequential, so a task never has two open draws.
-- A failed step (5xx during an outage, a socket error) is repeated; a 409 on prepare names the open draw, which
-- is then continued (a run that stopped between the steps of a draw leaves it open: "resumed", not an error).
-- A 409 draw.frame_empty on prepare means the task has drawn every enterprise it may this quarter: the answer the
-- service owes, counted as "spent" (not an error), and the next task is drawn.
-- Every other answer than the expected one is counted in "other".

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

local tasks = {}
local index = 1
local step = "prepare"
local draw_id = nil
local seeds = 0
local resuming = false

ok = 0
other = 0
draws = 0
resumed = 0
spent = 0
statuses = {}
sample = ""

local function urlencode(text)
   return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

function init(args)
   local file = assert(io.open(args[1], "r"))
   for line in file:lines() do
      local plan_no, task_no, token = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)$")
      tasks[#tasks + 1] = {plan = plan_no, task = task_no, token = token}
   end
   file:close()
end

function request()
   local t = tasks[index]
   local headers = {["Authorization"] = "Bearer " .. t.token, ["Content-Type"] = "application/json"}
   if step == "prepare" then
      return wrk.format("POST", "/api/v1/plans/" .. urlencode(t.plan) .. "/tasks/" .. urlencode(t.task) .. "/draws",
                        headers, "{}")
   elseif step == "seed" then
      seeds = seeds + 1
      local seed = string.format("2026%011d%011d", seeds, math.random(0, 99999999999))
      return wrk.format("POST", "/api/v1/draws/" .. urlencode(draw_id) .. "/seed", headers,
                        '{"seed":"' .. seed .. '","kind":"public-ceremony","witnesses":["纪检 压测见证人"]}')
   else
      return wrk.format("POST", "/api/v1/draws/" .. urlencode(draw_id) .. "/execute", headers, "{}")
   end
end

local function failed(status, body)
   other = other + 1
   if sample == "" and body ~= nil then
      sample = (step .. " " .. status .. " " .. body:sub(1, 300)):gsub("[\r\n]", " ")
   end
end

local function next_task()
   step = "prepare"
   draw_id = nil
   index = index % #tasks + 1
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   if step == "prepare" then
      if status == 201 then
         ok = ok + 1
         draw_id = body:match('"draw_id"%s*:%s*"([^"]+)"')
         step = "seed"
      else
         local open = status == 409 and body:match('"draw_id"%s*:%s*"([^"]+)"')
         if status == 409 and body:match('"code"%s*:%s*"draw%.frame_empty"') then
            spent = spent + 1
            next_task()
         elseif open then
            -- a draw left open when an earlier run stopped between its steps: continue it
            resumed = resumed + 1
            resuming = true
            draw_id = open
            step = "seed"
         else
            failed(status, body)
         end
      end
   elseif step == "seed" then
      if status == 200 then
         ok = ok + 1
         step = "execute"
      elseif status == 409 and resuming then
         -- the open draw was already seeded
         resumed = resumed + 1
         step = "execute"
      else
         failed(status, body)
         if status == 409 then
            step = "execute"
         end
      end
      resuming = false
   else
      if status == 200 then
         ok = ok + 1
         draws = draws + 1
         next_task()
      else
         failed(status, body)
         if status == 409 then
            next_task()
         end
      end
   end
end

function done(summary, latency, requests)
   local t = threads[1]
   local ok, other, draws, resumed = t:get("ok") or 0, t:get("other") or 0, t:get("draws") or 0, t:get("resumed") or 0
   local spent = t:get("spent") or 0
   local statuses, sample = t:get("statuses") or {}, t:get("sample") or ""
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d mean_us=%.0f ok=%d "
         .. "other=%d exhausted=0 draws=%d resumed=%d spent=%d connect=%d read=%d write=%d timeout=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
      latency.max, latency.mean, ok, other, draws, resumed, spent, e.connect, e.read, e.write, e.timeout))
   for status, count in pairs(statuses) do
      io.write(string.format("BENCH_STATUS %d %d\n", status, count))
   end
   if sample ~= "" then
      io.write("BENCH_SAMPLE " .. sample .. "\n")
   end
end
