-- wrk script of W5 and SOAK (Scripts/bench/w5.py): each wrk thread's requests rotate through the
-- paths given after `--` (one path: every request asks for it), and at the end one line
-- "W5RESULT {json}" gives the figures w5.py reads: requests, duration (µs), bytes, latency
-- percentiles (µs) and the errors wrk counts (status = its "Non-2xx or 3xx responses", which
-- counts statuses above 399; connect/read/write/timeout = its "Socket errors").
local paths = {}
local counter = 0
local threads = 0

function setup(thread)
  -- Each thread starts at another place in the rotation.
  thread:set("offset", threads)
  threads = threads + 1
end

function init(args)
  for i = 1, #args do
    paths[#paths + 1] = args[i]
  end
  if #paths == 0 then
    paths[1] = wrk.path
  end
  counter = (offset or 0) % #paths
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  local p = {}
  for _, q in ipairs({50, 90, 99, 99.9}) do
    p[#p + 1] = string.format('"%s":%d', tostring(q), latency:percentile(q))
  end
  io.write(string.format(
    'W5RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"latency_us":{%s},"latency_mean_us":%.1f,"latency_max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    table.concat(p, ","), latency.mean, latency.max))
end
