-- GET one of the paths listed in $BENCH_PATHS (one a line), in turn, with the X-Api-Key header $BENCH_KEY.
local key = os.getenv("BENCH_KEY") or ""
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end
local i = 0

request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], { ["X-Api-Key"] = key })
end
