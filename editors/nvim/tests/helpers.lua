-- Tiny test harness for headless Neovim: plain Lua, no plenary/busted (luarocks.org is unreachable).
-- Each tests/test_*.lua file is run as
--   nvim --headless --clean -u tests/minimal_init.lua -l tests/test_x.lua
-- and ends with H.finish(), which prints "N passed, M failed[, K skipped]" and exits non-zero on failure.
local H = {}

H.root = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h')
H.timeout = tonumber(os.getenv('PIXI_LSP_TEST_TIMEOUT_MS') or '') or 10000
local counts = { passed = 0, failed = 0, skipped = 0 }
local t_start = vim.uv.hrtime()
local SKIP = {}

local function out(s)
  io.stdout:write(s .. '\n')
end

function H.ms()
  return math.floor((vim.uv.hrtime() - t_start) / 1e6)
end

--- Run one test now. fn may call H.skip(reason); any error fails the test.
function H.test(name, fn)
  local t0 = H.ms()
  local ok, err = xpcall(fn, function(e)
    if type(e) == 'table' and e[1] == SKIP then
      return e
    end
    return debug.traceback(tostring(e), 2)
  end)
  if ok then
    counts.passed = counts.passed + 1
    out(('ok   %s (%d ms)'):format(name, H.ms() - t0))
  elseif type(err) == 'table' and err[1] == SKIP then
    counts.skipped = counts.skipped + 1
    out(('skip %s: %s'):format(name, err[2]))
  else
    counts.failed = counts.failed + 1
    out(('FAIL %s: %s'):format(name, err))
  end
end

function H.skip(reason)
  error({ SKIP, reason }, 0)
end

function H.ok(cond, msg, ...)
  if not cond then
    error(select('#', ...) > 0 and msg:format(...) or (msg or 'assertion failed'), 2)
  end
  return cond
end

function H.eq(expected, actual, what)
  if not vim.deep_equal(expected, actual) then
    error(('%s: expected %s, got %s'):format(what or 'value', vim.inspect(expected), vim.inspect(actual)), 2)
  end
end

--- Write files into a fresh temp directory. files: { ['rel/path'] = string or list of lines }
function H.workspace(files)
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  for rel, content in pairs(files) do
    local path = dir .. '/' .. rel
    vim.fn.mkdir(vim.fs.dirname(path), 'p')
    local lines = type(content) == 'table' and content or vim.split(content, '\n', { plain = true })
    vim.fn.writefile(lines, path)
  end
  return dir
end

function H.open(path)
  vim.cmd.edit(vim.fn.fnameescape(path))
  return vim.api.nvim_get_current_buf()
end

--- The initialized pixi_lsp client of buf, waiting up to timeout ms.
function H.wait_client(buf, timeout)
  local client
  vim.wait(timeout or H.timeout, function()
    client = vim.lsp.get_clients({ bufnr = buf, name = 'pixi_lsp' })[1]
    return client ~= nil and client.initialized == true
  end, 10)
  if client and client.initialized then
    return client
  end
  return nil
end

function H.client(buf)
  return H.ok(H.wait_client(buf), 'pixi_lsp client did not attach/initialize within %d ms', H.timeout)
end

--- Diagnostics of buf from pixi_lsp, waiting until pred(diags) is true (default: any).
function H.wait_diagnostics(buf, pred, timeout)
  pred = pred or function(d) return #d > 0 end
  local diags = {}
  local ok = vim.wait(timeout or H.timeout, function()
    diags = vim.diagnostic.get(buf)
    return pred(diags)
  end, 10)
  return ok, diags
end

function H.format_diags(diags)
  local t = {}
  for _, d in ipairs(diags) do
    table.insert(t, ('%d:%d [%s] %s'):format(d.lnum + 1, d.col + 1, d.source or '?', d.message))
  end
  return table.concat(t, '\n    ')
end

--- Synchronous request to the pixi_lsp client of buf. Returns result, err.
function H.request(buf, method, params, timeout)
  local client = H.client(buf)
  local resp = client:request_sync(method, params, timeout or H.timeout, buf)
  H.ok(resp ~= nil, '%s timed out', method)
  return resp.result, resp.err
end

--- Position params at (1-based line, 0-based byte col) in buf.
function H.pos(buf, line, col)
  return { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line - 1, character = col } }
end

--- 1-based line number of the first line of buf matching a Lua pattern.
function H.line_of(buf, pattern)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if l:find(pattern) then
      return i
    end
  end
  error('no line matches ' .. pattern, 2)
end

--- Markdown/plain text of a hover result.
function H.hover_text(result)
  if not result or not result.contents then
    return ''
  end
  local c = result.contents
  if type(c) == 'string' then
    return c
  end
  if c.value then
    return c.value
  end
  local parts = {}
  for _, x in ipairs(c) do
    table.insert(parts, type(x) == 'string' and x or x.value or '')
  end
  return table.concat(parts, '\n')
end

function H.completion_labels(result)
  local items = result and (result.items or result) or {}
  local labels = {}
  for _, it in ipairs(items) do
    table.insert(labels, it.label)
  end
  return labels
end

--- Write a JSON artifact under tests/artifacts/ (gitignored) for debugging.
function H.artifact(name, data)
  local dir = os.getenv('PIXI_LSP_TEST_ARTIFACTS') or (H.root .. '/tests/artifacts')
  vim.fn.mkdir(dir, 'p')
  local f = io.open(dir .. '/' .. name, 'w')
  if f then
    f:write(type(data) == 'string' and data or vim.json.encode(data))
    f:close()
  end
end

--- Stop all clients, print the summary line and exit.
function H.finish()
  for _, c in ipairs(vim.lsp.get_clients()) do
    c:stop(true)
  end
  local line = ('%d passed, %d failed'):format(counts.passed, counts.failed)
  if counts.skipped > 0 then
    line = line .. (', %d skipped'):format(counts.skipped)
  end
  out(line)
  os.exit(counts.failed > 0 and 1 or 0)
end

--- A test binary: $<env>, else <name> beside $PIXI_LSP_BIN, else target/debug/<name>.
function H.test_binary(env, name)
  local v = os.getenv(env)
  if v and v ~= '' then
    return v
  end
  local bin = os.getenv('PIXI_LSP_BIN')
  return bin and (vim.fs.dirname(vim.fn.fnamemodify(bin, ':p')) .. '/' .. name)
    or vim.fs.normalize(H.root .. '/../../target/debug/' .. name)
end

--- Our example build backend (pixi-build-lsp-example): $PIXI_LSP_TEST_BACKEND or test-backend-under-test.
H.backend_name = 'pixi-build-lsp-example'
H.backend_bin = H.test_binary('PIXI_LSP_TEST_BACKEND', 'test-backend-under-test')

--- Writes the local conda test channel (pixi-lsp-make-channel) into dir. Returns its file:// URL,
--- or nil and why not.
function H.make_channel(dir)
  local make = H.test_binary('PIXI_LSP_MAKE_CHANNEL', 'pixi-lsp-make-channel')
  if vim.fn.executable(make) ~= 1 then
    return nil, ('%s not found; build it with `cargo build -p pixi-lsp-tests --bin pixi-lsp-make-channel` '
      .. 'or set PIXI_LSP_MAKE_CHANNEL'):format(make)
  end
  local r = vim.system({ make, dir }, { text = true }):wait(60000)
  local url = vim.trim(r.stdout or '')
  if r.code ~= 0 or not url:find('^file://') then
    return nil, ('%s failed (exit %s): %s %s'):format(make, r.code, r.stdout, r.stderr)
  end
  return url
end

--- Wait until pred() is true (up to timeout ms); returns whether it became true.
--- pixi's real backends (../shared/upstream-backends) and a fresh local test channel in a temp dir:
--- `dir`, `present` (its bin/ is there), `tmp`, `channel_url` (nil when it could not be made), `need()`
--- (skips a test naming the folder when absent) and `workspace(backend, case)`, a copy of
--- recorded/<backend>/<case> (its files, not what the recording added) in tmp, on the test channel.
function H.upstream_backends()
  local U = { dir = vim.fs.normalize(H.root .. '/../../../shared/upstream-backends') }
  U.present = vim.fn.isdirectory(U.dir .. '/bin') == 1
  U.tmp = vim.fn.tempname()
  vim.fn.mkdir(U.tmp, 'p')
  local channel_err
  U.channel_url, channel_err = H.make_channel(U.tmp .. '/channel')
  function U.need()
    if not U.present then
      H.skip(U.dir .. ' is absent; the tests with pixi\'s real backends need it')
    end
    H.ok(U.channel_url, 'no test channel: %s', channel_err)
  end
  function U.workspace(backend, case)
    local from = ('%s/recorded/%s/%s'):format(U.dir, backend, case)
    local dir = ('%s/ws/%s/%s'):format(U.tmp, backend, case)
    vim.fn.mkdir(dir, 'p')
    for name, kind in vim.fs.dir(from) do
      if kind == 'file' and not name:find('^pixi%-lsp%-') then
        local text = table.concat(vim.fn.readfile(from .. '/' .. name, 'b'), '\n')
        text = text:gsub('file:///scratch/chan', (U.channel_url or ''):gsub('/$', ''))
        vim.fn.writefile(vim.split(text, '\n', { plain = true }), dir .. '/' .. name, 'b')
      end
    end
    return dir
  end
  return U
end

function H.wait(timeout, pred)
  return vim.wait(timeout or H.timeout, pred, 20)
end

-- ---------------------------------------------------------------------------------------------
-- Fixtures
-- ---------------------------------------------------------------------------------------------
H.fixtures = {}

--- A valid pixi-build package manifest.
H.fixtures.package_ok = [[
[workspace]
name = "demo"
channels = ["conda-forge"]
platforms = ["linux-64"]
preview = ["pixi-build"]

[package]
name = "demo"
version = "0.1.0"

[package.build]
backend = { name = "pixi-build-python", version = "*" }

[package.host-dependencies]
hatchling = "*"
]]

--- `backend` given as a string instead of a table (line 13).
H.fixtures.backend_string = [[
[workspace]
name = "demo"
channels = ["conda-forge"]
platforms = ["linux-64"]
preview = ["pixi-build"]

[package]
name = "demo"
version = "0.1.0"

[package.build]
# the backend must be a table: { name = "...", version = "..." }
backend = "pixi-build-python"
]]

--- An unknown key in [package.build] (line 13).
H.fixtures.unknown_build_key = [[
[workspace]
name = "demo"
channels = ["conda-forge"]
platforms = ["linux-64"]
preview = ["pixi-build"]

[package]
name = "demo"
version = "0.1.0"

[package.build]
backend = { name = "pixi-build-python", version = "*" }
bogus-key = true
]]

H.fixtures.pyproject_pixi = [[
[project]
name = "demo"
version = "0.1.0"
requires-python = ">=3.11"

[tool.pixi.workspace]
channels = ["conda-forge"]
platforms = ["linux-64"]
preview = ["pixi-build"]

[tool.pixi.package.build]
backend = "pixi-build-python"
]]

H.fixtures.pyproject_plain = [[
[project]
name = "plain"
version = "0.1.0"

[tool.ruff]
line-length = 100
]]

H.fixtures.other_toml = [[
[server]
backend = "x"
]]

--- Captures vim.notify: N.list holds { msg, level } in order, N.last(pattern) is the newest match,
--- N.clear() empties the list, N.restore() puts vim.notify back.
function H.capture_notifications()
  local N = { list = {} }
  local orig = vim.notify
  vim.notify = function(msg, level)
    table.insert(N.list, { msg = msg, level = level })
  end
  function N.last(pattern)
    for i = #N.list, 1, -1 do
      if N.list[i].msg:find(pattern) then
        return N.list[i]
      end
    end
  end
  function N.clear()
    N.list = {}
  end
  function N.restore()
    vim.notify = orig
  end
  return N
end

return H
