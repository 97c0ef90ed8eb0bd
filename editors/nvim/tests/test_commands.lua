-- :PixiPreviewRecipe, :PixiBuild, :PixiBuildLog against an older server without the commands (an
-- in-process stand-in), and the recipe preview with a real build backend (our example backend, through
-- the `backends.overrides` setting). The builds themselves: tests/test_build.lua.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/helpers.lua')
local pixi = require('pixi_lsp')

local N = H.capture_notifications()

local ws = H.workspace({
  ['pixi.toml'] = H.fixtures.package_ok,
  ['other.toml'] = H.fixtures.other_toml,
  ['pyproject.toml'] = H.fixtures.pyproject_plain,
})

local function supports(buf, command)
  local client = H.client(buf)
  local p = client.server_capabilities.executeCommandProvider
  return p and vim.tbl_contains(p.commands or {}, command)
end

H.test('commands exist', function()
  for _, c in ipairs({ 'PixiPreviewRecipe', 'PixiBuild', 'PixiBuildLog', 'PixiBuildCancel' }) do
    H.eq(2, vim.fn.exists(':' .. c), ':' .. c)
  end
end)

H.test('without a pixi manifest the commands say so', function()
  H.open(ws .. '/other.toml')
  N.clear()
  vim.cmd('PixiBuild')
  local n = N.last('no pixi%-lsp client')
  H.ok(n and n.level == vim.log.levels.WARN, 'no warning; notes: %s', vim.inspect(N.list))
  vim.cmd('PixiPreviewRecipe')
  H.ok(N.last('no pixi%-lsp client'), 'no warning for preview')
end)

-- ---- an older server: no commands advertised ---------------------------------------------------
-- A stand-in server in this process (vim.lsp `cmd` as a function): it initializes like pixi-lsp 0.0.1
-- without executeCommandProvider, and answers executeCommand with MethodNotFound.
local old_requests = {}
local function old_server(dispatchers)
  local closing = false
  return {
    request = function(method, params, callback)
      table.insert(old_requests, method)
      vim.schedule(function()
        if method == 'initialize' then
          callback(nil, { capabilities = { textDocumentSync = 1 }, serverInfo = { name = 'pixi-lsp', version = '0.0.1' } })
        elseif method == 'shutdown' then
          callback(nil, vim.NIL)
        else
          callback({ code = -32601, message = 'Method not found' }, nil)
        end
      end)
      return true, #old_requests
    end,
    notify = function(method)
      if method == 'exit' then
        closing = true
        vim.schedule(function() dispatchers.on_exit(0, 0) end)
      end
      return true
    end,
    is_closing = function() return closing end,
    terminate = function() closing = true end,
  }
end

-- a buffer the real server does not attach to (not a manifest name), with the stand-in as pixi_lsp
local old_ws = H.workspace({ ['old.toml'] = H.fixtures.package_ok })
local old_buf = H.open(old_ws .. '/old.toml')
local old_client_id = vim.lsp.start({ name = 'pixi_lsp', cmd = old_server, root_dir = old_ws }, { bufnr = old_buf })

for _, spec in ipairs({
  { cmd = 'PixiPreviewRecipe', command = 'pixi-lsp.previewRecipe' },
  { cmd = 'PixiBuild', command = 'pixi-lsp.build' },
  { cmd = 'PixiBuildLog', command = 'pixi-lsp.openBuildLog' },
}) do
  H.test((':%s on a server without %s says "not supported yet"'):format(spec.cmd, spec.command), function()
    -- (not :edit again: reloading the buffer would detach the hand-started client)
    vim.api.nvim_set_current_buf(old_buf)
    local client = H.client(old_buf)
    H.eq(old_client_id, client.id, 'the stand-in client')
    N.clear()
    old_requests = {}
    vim.cmd(spec.cmd)
    local n = N.last('does not support')
    H.ok(n and n.level == vim.log.levels.WARN, 'no "does not support" warning; notes: %s', vim.inspect(N.list))
    H.ok(n.msg:find(spec.command, 1, true), 'message names the command: %s', n.msg)
    H.ok(n.msg:find('pixi-lsp 0.0.1', 1, true), 'message names the server version: %s', n.msg)
    H.eq({}, old_requests, 'requests sent to a server that does not advertise the command')
  end)
end

H.test('a server that advertises a command but answers "unknown command" gets the same message', function()
  local client = H.client(old_buf)
  local caps = client.server_capabilities
  caps.executeCommandProvider = { commands = { 'pixi-lsp.build' } }
  N.clear()
  old_requests = {}
  vim.api.nvim_set_current_buf(old_buf)
  vim.cmd('PixiBuild')
  H.wait(H.timeout, function() return N.last('does not support') ~= nil end)
  caps.executeCommandProvider = nil
  H.eq({ 'workspace/executeCommand' }, old_requests, 'requests')
  local n = N.last('does not support')
  H.ok(n and n.msg:find('pixi-lsp.build', 1, true), 'no "does not support" message; notes: %s', vim.inspect(N.list))
  H.eq(0, pixi.running_builds(), 'running builds after the answer')
end)

vim.lsp.get_client_by_id(old_client_id):stop(true)

-- ---- recipe preview with a real build backend --------------------------------------------------
-- Our example backend (pixi-build-lsp-example, speaking the real protocol), run through the
-- `backends.overrides` setting: test-backend-under-test beside $PIXI_LSP_BIN, or $PIXI_LSP_TEST_BACKEND
-- (cargo build -p pixi-lsp-tests --bins).
local BACKEND = H.backend_name
local backend_bin = H.backend_bin

local function backend_manifest(name, config)
  return table.concat({
    '[workspace]',
    ('name = "%s"'):format(name),
    -- a channel that does not exist: with the override, nothing is installed
    'channels = ["file:///nonexistent/channel"]',
    'platforms = ["linux-64"]',
    'preview = ["pixi-build"]',
    '',
    '[package]',
    ('name = "%s"'):format(name),
    'version = "0.1.0"',
    '',
    '[package.build]',
    ('backend = { name = "%s", version = "*" }'):format(BACKEND),
    config or '',
    '[package.run-dependencies]',
    'python = ">=3.11"',
    '',
  }, '\n')
end

local preview_ws = H.workspace({
  ['good/pixi.toml'] = backend_manifest('recipe-demo'),
  ['failing/pixi.toml'] = backend_manifest('failing-demo', '\n[package.build.config]\nfail = "boom"\n'),
})

local function use_test_backend(extra)
  if vim.fn.executable(backend_bin) ~= 1 then
    error(('%s not found; build it with `cargo build -p pixi-lsp-tests --bins` or set PIXI_LSP_TEST_BACKEND')
      :format(backend_bin), 2)
  end
  pixi.update_settings(vim.tbl_deep_extend('force', {
    trusted = true,
    backends = {
      overrides = { [BACKEND] = backend_bin },
      timeoutSeconds = 60,
      cacheDir = preview_ws .. '/backend-cache',
    },
  }, extra or {}))
end

local function buf_text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
end

--- Run :PixiPreviewRecipe in the current buffer; wait for a new preview buffer or an error note.
local function run_preview()
  pixi.last_preview_buf = nil
  N.clear()
  vim.cmd('PixiPreviewRecipe')
  vim.wait(60000, function()
    return pixi.last_preview_buf ~= nil or N.last('pixi%-lsp%.previewRecipe failed') ~= nil
  end, 20)
  return pixi.last_preview_buf
end

H.test(':PixiPreviewRecipe opens the generated recipe in a read-only YAML buffer beside the manifest', function()
  use_test_backend()
  local buf = H.open(preview_ws .. '/good/pixi.toml')
  H.ok(supports(buf, 'pixi-lsp.previewRecipe'), 'server does not advertise pixi-lsp.previewRecipe')
  vim.cmd('silent! only')
  local progress = {}
  local au = vim.api.nvim_create_autocmd('LspProgress', {
    callback = function(ev) table.insert(progress, ev.data.params) end,
  })
  local pbuf = run_preview()
  H.ok(pbuf, 'no preview buffer; notes: %s', vim.inspect(N.list))
  H.eq('yaml', vim.bo[pbuf].filetype, 'filetype')
  H.eq(false, vim.bo[pbuf].modifiable, 'modifiable')
  H.eq(true, vim.bo[pbuf].readonly, 'readonly')
  H.eq('nofile', vim.bo[pbuf].buftype, 'buftype (scratch)')
  local text = buf_text(pbuf)
  H.artifact('nvim-recipe.yaml', text)
  H.ok(text:find('recipe-demo', 1, true), 'recipe does not name the package:\n%s', text)
  H.ok(text:find('0.1.0', 1, true), 'recipe does not carry the version:\n%s', text)
  local name = vim.api.nvim_buf_get_name(pbuf)
  H.ok(name:find('^pixi%-recipe:') and name:find('/good/pixi.toml/recipe.yaml', 1, true), 'buffer name %s', name)
  -- beside the manifest: both are shown, the preview is the current window
  H.eq(pbuf, vim.api.nvim_get_current_buf(), 'current buffer')
  H.ok(vim.fn.bufwinid(buf) ~= -1, 'the manifest is no longer shown')
  H.eq(2, #vim.api.nvim_tabpage_list_wins(0), 'windows')
  -- progress of the backend run reached the editor (the end may follow the response)
  local kinds = {}
  vim.wait(5000, function()
    for _, p in ipairs(progress) do
      kinds[p.value and p.value.kind or '?'] = true
    end
    return kinds['end'] == true
  end, 20)
  vim.api.nvim_del_autocmd(au)
  H.ok(kinds.begin and kinds['end'], 'no begin/end $/progress: %s', vim.inspect(progress))
  -- the code lens on [package.build] runs the same command
  local lenses = H.request(buf, 'textDocument/codeLens', { textDocument = { uri = vim.uri_from_bufnr(buf) } })
  local lens = lenses and lenses[1]
  H.ok(lens and lens.command and lens.command.command == 'pixi-lsp.previewRecipe', 'code lens: %s', vim.inspect(lenses))
  H.eq(H.line_of(buf, '^%[package%.build%]$') - 1, lens.range.start.line, 'code lens line')
  -- refresh in the preview buffer (pixi/recipeContent) keeps the buffer and its content
  N.clear()
  vim.cmd('PixiPreviewRecipe')
  vim.wait(2000, function() return false end, 50)
  H.eq(pbuf, vim.fn.bufnr(name), 'same buffer after refresh')
  H.eq(text, buf_text(pbuf), 'content after refresh')
  H.eq(2, #vim.api.nvim_tabpage_list_wins(0), 'windows after refresh')
  H.ok(not N.last('could not refresh'), 'refresh failed: %s', vim.inspect(N.list))
  vim.cmd('silent! only')
end)

H.test(':PixiPreviewRecipe in an untrusted workspace is refused', function()
  use_test_backend({ trusted = false })
  local buf = H.open(preview_ws .. '/good/pixi.toml')
  H.client(buf)
  vim.wait(300, function() return false end, 50) -- let didChangeConfiguration arrive first
  local pbuf = run_preview()
  use_test_backend({ trusted = true })
  H.ok(not pbuf, 'a preview buffer was opened in an untrusted workspace')
  local n = N.last('pixi%-lsp%.previewRecipe failed')
  H.ok(n and n.level == vim.log.levels.ERROR, 'no refusal; notes: %s', vim.inspect(N.list))
  H.ok(n.msg:find('untrusted workspace', 1, true), 'refusal: %s', n.msg)
end)

H.test(':PixiPreviewRecipe with a failing backend: vim.notify and a backend-error diagnostic', function()
  use_test_backend()
  local buf = H.open(preview_ws .. '/failing/pixi.toml')
  H.client(buf)
  local pbuf = run_preview()
  H.ok(not pbuf, 'a preview buffer was opened for a failing backend')
  local n = N.last('pixi%-lsp%.previewRecipe failed')
  H.ok(n and n.level == vim.log.levels.ERROR, 'no error notification; notes: %s', vim.inspect(N.list))
  H.ok(n.msg:find('boom', 1, true), 'the error does not carry the backend message: %s', n.msg)
  -- the server also says so itself (window/showMessage, which Neovim shows through vim.notify)
  local shown = N.last('^LSP%[pixi_lsp%] Recipe preview failed')
  H.ok(shown and shown.msg:find('boom', 1, true), 'no window/showMessage; notes: %s', vim.inspect(N.list))
  local ok, diags = H.wait_diagnostics(buf, function(d)
    for _, x in ipairs(d) do
      if x.code == 'backend-error' then
        return true
      end
    end
    return false
  end)
  H.ok(ok, 'no backend-error diagnostic; diagnostics:\n    %s', H.format_diags(diags))
  local d
  for _, x in ipairs(diags) do
    if x.code == 'backend-error' then
      d = x
    end
  end
  H.ok(d.message:find('boom', 1, true), 'diagnostic: %s', d.message)
  H.eq(vim.diagnostic.severity.ERROR, d.severity, 'severity')
  H.eq(H.line_of(buf, '^%[package%.build%]$') - 1, d.lnum, 'diagnostic line ([package.build])')
end)

N.restore()
H.finish()
