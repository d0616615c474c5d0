-- Mixed mix for wrk: 80% reads as in read.lua (balances, settlement, expense lists) and 20%
-- expense creation as in write.lua, over the same groups. Every write moves its group to a new
-- version, so the next read of it misses the cache and reads the records: from the replica
-- when one is configured and has caught up.
local groups = {}
for id in string.gmatch(os.getenv("LOAD_GROUPS") or "", "[^,]+") do groups[#groups + 1] = id end
local token = os.getenv("LOAD_TOKEN") or ""
local get = { ["Authorization"] = "Bearer " .. token }
local post = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
local n = 0
request = function()
  n = n + 1
  local g = groups[(n % #groups) + 1]
  local k = n % 10
  if k < 2 then
    local body = string.format('{"amount":"%d.%02d","paid_by":"m%02d","split":{"type":"equal"}}',
      1 + n % 500, n % 100, 1 + n % 12)
    return wrk.format("POST", "/v1/groups/" .. g .. "/expenses", post, body)
  elseif k < 5 then
    return wrk.format("GET", "/v1/groups/" .. g .. "/balances", get)
  elseif k < 8 then
    return wrk.format("GET", "/v1/groups/" .. g .. "/settlement?method=minimal", get)
  elseif k < 9 then
    return wrk.format("GET", "/v1/groups/" .. g .. "/settlement?method=pairwise", get)
  end
  return wrk.format("GET", "/v1/groups/" .. g .. "/expenses?limit=20", get)
end
