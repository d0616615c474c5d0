-- Read-heavy mix for wrk: balances 40%, settlement 40% (minimal 30, pairwise 10), expense list 20%,
-- spread over the seeded groups (LOAD_GROUPS: comma-separated ids), as their owner (LOAD_TOKEN).
local groups = {}
for id in string.gmatch(os.getenv("LOAD_GROUPS") or "", "[^,]+") do groups[#groups + 1] = id end
local headers = { ["Authorization"] = "Bearer " .. (os.getenv("LOAD_TOKEN") or "") }
local n = 0
request = function()
  n = n + 1
  local g = groups[(n % #groups) + 1]
  local k = n % 10
  local path
  if k < 4 then
    path = "/v1/groups/" .. g .. "/balances"
  elseif k < 7 then
    path = "/v1/groups/" .. g .. "/settlement?method=minimal"
  elseif k < 8 then
    path = "/v1/groups/" .. g .. "/settlement?method=pairwise"
  else
    path = "/v1/groups/" .. g .. "/expenses?limit=20"
  end
  return wrk.format("GET", path, headers)
end
