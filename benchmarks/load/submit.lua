-- wrk script: patient step submissions, the real endpoint
--   POST /api/v1/patient/{token}/steps/{stepId}   (bearer patient ticket, Idempotency-Key)
-- Each seeded session waits at its first disclosure; every request acknowledges the next
-- disclosure of one session. A session can take each step once and in order, so a thread walks its
-- own sessions round-robin: a session comes round again only after SESSIONS/THREADS other requests,
-- long after its previous request was answered (run.sh seeds at least 16 sessions per connection).
-- Environment: LOAD_SESSIONS (token TAB ticket), LOAD_STEPS (step id TAB hash TAB checkbox|initials),
-- LOAD_THREADS (wrk -t), LOAD_RUN (a name for this run, in every Idempotency-Key). Statuses other than 200 are counted by kind and printed by done().

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

local function read_tsv(path)
  local rows = {}
  for line in io.lines(path) do
    if #line > 0 then
      local fields = {}
      for field in (line .. "\t"):gmatch("([^\t]*)\t") do table.insert(fields, field) end
      table.insert(rows, fields)
    end
  end
  return rows
end

local sessions, steps, nexts = {}, {}, {}
local cursor = 0
exhausted = false
ok, conflicts, others, sent = 0, 0, 0, 0

function init(args)
  -- Keys never repeat across runs, so no request is answered as a replay of an earlier run's.
  run = os.getenv("LOAD_RUN") or tostring(os.time())
  local nthreads = tonumber(os.getenv("LOAD_THREADS") or "1")
  local all = read_tsv(os.getenv("LOAD_SESSIONS"))
  for i, s in ipairs(all) do
    if (i - 1) % nthreads == index then table.insert(sessions, s) end
  end
  for _, s in ipairs(read_tsv(os.getenv("LOAD_STEPS"))) do
    local body = '{"acknowledged":true,"contentHash":"' .. s[2] .. '"'
    if s[3] == "initials" then body = body .. ',"initials":"JD"' end
    table.insert(steps, { id = s[1], body = body .. "}" })
  end
  for i = 1, #sessions do nexts[i] = 1 end
end

-- The next request; with commit false nothing advances, so the next call builds the same request.
local function build(commit)
  local c, tries = cursor, 0
  repeat
    c = c % #sessions + 1
    tries = tries + 1
    if tries > #sessions then
      -- Every session has acknowledged every disclosure: the pool is used up.
      exhausted = true
      wrk.thread:stop()
      return wrk.format("GET", "/health/live")
    end
  until nexts[c] <= #steps
  local session, step = sessions[c], steps[nexts[c]]
  local key = "load-" .. run .. "-" .. index .. "-" .. (sent + 1)
  if commit then
    cursor = c
    nexts[c] = nexts[c] + 1
    sent = sent + 1
  end
  return wrk.format("POST", "/api/v1/patient/" .. session[1] .. "/steps/" .. step.id, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. session[2],
    ["Idempotency-Key"] = key,
  }, step.body)
end

-- wrk calls request() once on the first thread's state to check the script, and throws that
-- request away; that first call must not use up a step. Were it sent after all, it carries the
-- same Idempotency-Key as the real one, so the service answers the repeat without recording it.
local primed = false

function request()
  if index == 0 and not primed then
    primed = true
    return build(false)
  end
  return build(true)
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1
  elseif status == 409 then conflicts = conflicts + 1
  else others = others + 1 end
end

function done(summary, latency, requests)
  local c, o, x = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("conflicts")
    o = o + t:get("others")
    if t:get("exhausted") then x = x + 1 end
  end
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    "WRK requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d status_errors=%d conflicts=%d other_status=%d socket_errors=%d pool_exhausted_threads=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status + socket, e.status, c, o, socket, x))
end
