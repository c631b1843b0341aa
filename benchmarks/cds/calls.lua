-- wrk script for benchmarks/cds/run.sh: each request is an order-sign CDS Hooks call for a random patient, carrying
-- its own pre-signed JWT (a new jti each: the service refuses a replay), read from the tokens file; thread i of n takes
-- the file's lines i, i + n, ... Every answer must be 200 with exactly one warning card, or the run counts it as bad.
-- A thread that runs out of tokens sends calls without one (401, counted bad): sign more (TOKENS).
-- Arguments after "--": tokens file, patients, MRN system, think time in ms (0: the next call as soon as the answer is in),
-- and wrk's thread count (-t).
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  -- (wrk starts a thread as soon as it is set up, so the thread count comes as an argument, not from setup.)
  tokens_file, patients, system, think, total = args[1], tonumber(args[2]), args[3], tonumber(args[4]), tonumber(args[5])
  tokens, next_token, bad, first_bad = {}, 1, 0, nil
  local line_number = 0
  for line in io.lines(tokens_file) do
    if line_number % total == id then tokens[#tokens + 1] = line end
    line_number = line_number + 1
  end
  math.randomseed(os.time() * 1000 + id)
  path = "/cds-services/ketamine-consent"
end

function delay()
  return think
end

local body_format = '{"hook":"order-sign","hookInstance":"%08x-bench","context":{"userId":"PractitionerRole/1","patientId":"%d",'
  .. '"draftOrders":{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"MedicationRequest","id":"k1","status":"draft",'
  .. '"intent":"order","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"6130"}]}}}]}},'
  .. '"prefetch":{"patient":{"resourceType":"Patient","id":"%d","identifier":[{"system":"%s","value":"MRN-%07d"}]}}}'

function request()
  local g = math.random(1, patients)
  local headers = { ["Content-Type"] = "application/json" }
  local token = tokens[next_token]
  if token then
    headers["Authorization"] = "Bearer " .. token
    next_token = next_token + 1
  end
  return wrk.format("POST", path, headers, string.format(body_format, math.random(0, 0x7fffffff), g, g, system, g))
end

function response(status, headers, body)
  local _, cards = string.gsub(body, '"indicator":', "")
  if status ~= 200 or cards ~= 1 or not string.find(body, '"indicator":"warning"', 1, true) then
    bad = bad + 1
    if not first_bad then first_bad = status .. " " .. string.sub(body, 1, 300) end
  end
end

function done(summary, latency, requests)
  local bad_total, first, used = 0, nil, 0
  for _, thread in ipairs(threads) do
    bad_total = bad_total + thread:get("bad")
    used = used + thread:get("next_token") - 1
    first = first or thread:get("first_bad")
  end
  -- One line for run.sh to read: microseconds, and the counts.
  io.write(string.format('{"requests":%d,"duration_us":%d,"p50":%d,"p95":%d,"p99":%d,"max":%d,"bad":%d,"tokens_used":%d,'
      .. '"errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    bad_total, used, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  if first then io.write("first bad answer: " .. first .. "\n") end
end
