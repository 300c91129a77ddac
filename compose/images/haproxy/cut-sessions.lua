-- Sessions to a member that HAProxy has marked down are cut a few seconds later (issue 23).
--
-- A frozen leader (`docker pause`) or one cut off the network sends no RST and its kernel may still acknowledge, so
-- a client inside a query on it (psql sets no timeout) would wait until it thaws or comes back: 31-35 s in the chaos
-- suite, longer than the failover. `on-marked-down shutdown-sessions` would cut them at once, but in HAProxy 3.0.11 it
-- also catches a stream still connecting to that member and leaves it with no timer, its client waiting for ever.
-- So this task waits until no stream can still be connecting there (`timeout connect 2s`, one retry elsewhere) and
-- then ends the member's sessions; their clients get an error and reconnect to the member that leads now.
local GRACE_SECONDS = 3

-- The servers already reported during their current time down (a stream can take a while to be freed after it is
-- ended, so the count may stay above 0 for some seconds: say it once, end again every second).
local reported = {}

local function cut_down_servers()
  for _, backend in pairs(core.backends) do
    for name, server in pairs(backend.servers) do
      local key = backend:get_name() .. "/" .. name
      local stats = server:get_stats()
      local down = stats.status ~= nil and stats.status:sub(1, 4) == "DOWN"
      if down and (tonumber(stats.scur) or 0) > 0 and (tonumber(stats.lastchg) or 0) >= GRACE_SECONDS then
        if not reported[key] then
          core.Warning(string.format("%s down for %ss: ending its %s sessions", key, stats.lastchg, stats.scur))
          reported[key] = true
        end
        server:shut_sess()
      elseif not down then
        reported[key] = nil
      end
    end
  end
end

core.register_task(function()
  while true do
    -- An error must not end the task (a Lua task that fails is not restarted): say it and look again next second.
    local ok, err = pcall(cut_down_servers)
    if not ok then core.Alert("cut-sessions: " .. tostring(err)) end
    core.msleep(1000)
  end
end)
