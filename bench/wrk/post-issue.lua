-- POST a new issue (no Idempotency-Key: each request reports a new issue) to one of the grids listed in
-- $BENCH_GRIDS (one code a line), in turn, with the reporter key $BENCH_KEY.
local key = os.getenv("BENCH_KEY") or ""
local grids = {}
for line in io.lines(os.getenv("BENCH_GRIDS")) do
  if #line > 0 then grids[#grids + 1] = line end
end
local i = 0
local headers = { ["X-Api-Key"] = key, ["Content-Type"] = "application/json" }

request = function()
  i = i + 1
  local body = '{"category":"neighbour-dispute","title":"宅基地边界纠纷 ' .. i ..
    '","description":"两户因宅基地边界发生争执，请网格员协调。"}'
  return wrk.format("POST", "/api/v1/grids/" .. grids[(i % #grids) + 1] .. "/issues", headers, body)
end
