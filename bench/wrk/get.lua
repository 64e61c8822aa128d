-- GET the URL given to wrk with the bearer token from BENCH_TOKEN (empty for the floor).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local token = os.getenv("BENCH_TOKEN") or ""
if token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
