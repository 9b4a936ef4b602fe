-- wrk script: stop each wrk thread after BENCH_REQUESTS responses (default 20000), so that
-- a profiled run (valgrind --tool=callgrind) handles a fixed number of requests.
-- Usage: BENCH_REQUESTS=5000 wrk -t1 -c64 -d60s -s bench/http_baseline/bounded.lua URL
local limit = tonumber(os.getenv("BENCH_REQUESTS") or "20000")
local answered = 0

function response(status, headers, body)
  answered = answered + 1
  if answered >= limit then
    wrk.thread:stop()
  end
end
