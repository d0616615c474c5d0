-- Write mix for wrk: expense creation (equal, shares and exact splits) spread over the seeded
-- groups (LOAD_GROUPS: comma-separated ids; members m01..m12), as their owner (LOAD_TOKEN).
local groups = {}
for id in string.gmatch(os.getenv("LOAD_GROUPS") or "", "[^,]+") do groups[#groups + 1] = id end
local token = os.getenv("LOAD_TOKEN") or ""
local n = 0
local bodies = {
  '{"amount":"%d.%02d","paid_by":"m%02d","split":{"type":"equal"},"date":"2026-11-%02d","category":"food"}',
  '{"amount":"%d.%02d","paid_by":"m%02d","split":{"type":"shares","shares":{"m01":"1","m02":"2","m03":"1.5"}},"date":"2026-11-%02d","category":"travel"}',
  '{"amount":"%d.%02d","paid_by":"m%02d","split":{"type":"equal","members":["m01","m04","m07","m10"]},"date":"2026-11-%02d"}',
}
request = function()
  n = n + 1
  local g = groups[(n % #groups) + 1]
  local body = string.format(bodies[(n % #bodies) + 1], 1 + n % 500, n % 100, 1 + n % 12, 1 + n % 28)
  return wrk.format("POST", "/v1/groups/" .. g .. "/expenses",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end
