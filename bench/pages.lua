-- wrk script: GET pages of the path given on the command line, each from a
-- random point of the collection (added_after between FIRST and LAST, µs).
local first = tonumber(os.getenv("CX_FIRST_US") or "0")
local last = tonumber(os.getenv("CX_LAST_US") or "0")

request = function()
  local t = first + math.random() * (last - first)
  local secs = math.floor(t / 1e6)
  local us = math.floor(t % 1e6)
  local ts = os.date("!%Y-%m-%dT%H:%M:%S", secs) .. string.format(".%06dZ", us)
  return wrk.format("GET", wrk.path .. "&added_after=" .. ts)
end
