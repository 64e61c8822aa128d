-- POST anticipation requests or PATCH decisions, each on an object of its own. The data file
-- (BENCH_DATA) has lines "T<tab>token" (tokens, numbered from 1 in order) and
-- "I<tab>object id<tab>token number<tab>JSON body".
-- wrk thread k of n takes items k, k+n, k+2n, ... so no two requests touch the same object.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local threads_seen = 0
function setup(thread)
  thread:set("thread_index", threads_seen)
  threads_seen = threads_seen + 1
end

local data, position, step, method, path_prefix
function init(args)
  data = {tokens = {}, items = {}}
  for line in io.lines(os.getenv("BENCH_DATA")) do
    local kind, rest = line:match("^(%a)\t(.*)$")
    if kind == "T" then
      table.insert(data.tokens, rest)
    else
      local pk, token_index, body = rest:match("^(%d+)\t(%d+)\t(.*)$")
      table.insert(data.items, {pk, tonumber(token_index), body})
    end
  end
  method = os.getenv("BENCH_METHOD")
  path_prefix = os.getenv("BENCH_PATH")
  step = tonumber(os.getenv("BENCH_THREADS"))
  position = thread_index + 1
end

function request()
  local item = data.items[position]
  if item == nil then
    -- Out of distinct objects: stop this thread rather than repeat one (that would be a 409).
    wrk.thread:stop()
    item = data.items[#data.items]
  end
  position = position + step
  local path = path_prefix
  if method == "PATCH" then
    path = path .. item[1] .. "/"
  end
  return wrk.format(method, path, {
    ["Authorization"] = "Bearer " .. data.tokens[item[2]],
    ["Content-Type"] = "application/json",
  }, item[3])
end
