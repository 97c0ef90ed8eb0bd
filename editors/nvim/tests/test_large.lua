-- A huge manifest: the editor stays responsive and the server still answers.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/helpers.lua')

local N = tonumber(os.getenv('PIXI_LSP_TEST_LARGE_N') or '') or 20000
local lines = vim.split(H.fixtures.package_ok, '\n', { plain = true })
table.insert(lines, '[dependencies]')
for i = 1, N do
  table.insert(lines, ('pkg-%05d = ">=1.%d"'):format(i, i % 100))
end
table.insert(lines, 'bad-value = { version = 3 }')
local ws = H.workspace({ ['pixi.toml'] = lines })

H.test(('%d-line manifest: attach, responsive UI, hover at the end'):format(#lines), function()
  local t0 = vim.uv.hrtime()
  local buf = H.open(ws .. '/pixi.toml')
  H.client(buf)
  -- the event loop keeps running while the server works: a 10 ms timer must keep firing
  local ticks, max_gap, last = 0, 0, vim.uv.hrtime()
  local timer = assert(vim.uv.new_timer())
  timer:start(0, 10, function()
    local now = vim.uv.hrtime()
    max_gap = math.max(max_gap, (now - last) / 1e6)
    last = now
    ticks = ticks + 1
  end)
  local result, err = H.request(buf, 'textDocument/hover', H.pos(buf, H.line_of(buf, '^backend ='), 2), 20000)
  local n_line = H.line_of(buf, '^pkg%-' .. ('%05d'):format(N))
  local compl = H.request(buf, 'textDocument/completion', H.pos(buf, n_line, 0), 20000)
  timer:stop()
  timer:close()
  local ms = (vim.uv.hrtime() - t0) / 1e6
  io.stdout:write(('     %.0f ms, %d ticks, max event-loop gap %.0f ms\n'):format(ms, ticks, max_gap))
  H.ok(not err, 'hover error %s', vim.inspect(err))
  H.ok(#H.hover_text(result) > 0, 'no hover on a huge manifest')
  H.ok(compl ~= nil, 'no completion on a huge manifest')
  H.ok(max_gap < 2000, 'the editor was blocked for %d ms', max_gap)
end)

H.finish()
