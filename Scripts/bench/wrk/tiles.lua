-- wrk script of W6 (Scripts/bench/w6.py): the arguments after `--` are a file of request paths, one
-- a line (the fixed tile list), and wrk's thread count; each thread cycles through the whole list, starting at its own share
-- of it (thread k of n at k/n of the list), so that the threads do not ask for the same tile at once.
-- At the end one line "W5RESULT {json}" gives the figures in the format of rotate.lua (W5).
local paths = {}
local counter = 0
local threads = 0

function setup(thread)
  thread:set("index", threads)
  threads = threads + 1
end

function init(args)
  local f = assert(io.open(args[1], "r"))
  for line in f:lines() do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  f:close()
  local n = math.max(tonumber(args[2]) or 1, 1)
  counter = math.floor(#paths * (tonumber(index) or 0) / n)
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
