-- The client attaches to pixi manifests only: pixi.toml and pyproject.toml with [tool.pixi].
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/helpers.lua')

local ws = H.workspace({
  ['pixi.toml'] = H.fixtures.package_ok,
  ['other.toml'] = H.fixtures.other_toml,
  ['py/pyproject.toml'] = H.fixtures.pyproject_pixi,
  ['plain/pyproject.toml'] = H.fixtures.pyproject_plain,
  ['multi/pixi.toml'] = H.fixtures.package_ok,
  ['multi/pixi.lock'] = 'version: 6',
  ['multi/pkgs/a/pixi.toml'] = H.fixtures.package_ok,
})

H.test('attaches to pixi.toml, sends settings as initializationOptions', function()
  local buf = H.open(ws .. '/pixi.toml')
  H.eq('toml', vim.bo[buf].filetype, 'filetype')
  local client = H.client(buf)
  H.eq(ws, client.root_dir, 'root_dir')
  H.eq(true, client.config.init_options.diagnostics.generic, 'init_options.diagnostics.generic')
  H.eq(true, client.config.init_options.trusted, 'init_options.trusted')
  H.ok(client.settings.pixiLsp ~= nil, 'settings.pixiLsp')
end)

H.test('settings carry channels and inlayHints (defaults; channels off in the tests)', function()
  local d = require('pixi_lsp').default_settings
  H.eq({ enabled = true, cacheDir = vim.NIL, offline = false, timeoutSeconds = 30 }, d.channels, 'default channels')
  H.eq({ enabled = false }, d.inlayHints, 'default inlayHints')
  local client = H.client(H.open(ws .. '/pixi.toml'))
  local init = client.config.init_options
  H.eq(false, init.channels.enabled, 'init_options.channels.enabled (tests/minimal_init.lua turns it off)')
  H.eq(30, init.channels.timeoutSeconds, 'init_options.channels.timeoutSeconds')
  H.eq(false, init.inlayHints.enabled, 'init_options.inlayHints.enabled')
  H.eq(false, client.settings.pixiLsp.channels.enabled, 'settings.pixiLsp.channels.enabled')
end)

H.test('server identifies itself (serverInfo)', function()
  local client = H.client(H.open(ws .. '/pixi.toml'))
  local info = client.server_info
  H.ok(info and info.name, 'no serverInfo in the initialize result')
  io.stdout:write(('     server: %s %s\n'):format(info.name, info.version or '?'))
end)

H.test('attaches to pyproject.toml with [tool.pixi]', function()
  local buf = H.open(ws .. '/py/pyproject.toml')
  local client = H.client(buf)
  H.eq(ws .. '/py', client.root_dir, 'root_dir')
end)

H.test('does not attach to other.toml', function()
  local buf = H.open(ws .. '/other.toml')
  vim.wait(300)
  H.eq(0, #vim.lsp.get_clients({ bufnr = buf }), 'clients on other.toml')
end)

H.test('does not attach to pyproject.toml without [tool.pixi]', function()
  local buf = H.open(ws .. '/plain/pyproject.toml')
  vim.wait(300)
  H.eq(0, #vim.lsp.get_clients({ bufnr = buf }), 'clients on a plain pyproject.toml')
end)

H.test('pyproject.toml that gains [tool.pixi] attaches after :write', function()
  local buf = H.open(ws .. '/plain/pyproject.toml')
  vim.api.nvim_buf_set_lines(buf, -1, -1, false, { '', '[tool.pixi.workspace]', 'channels = ["conda-forge"]',
    'platforms = ["linux-64"]' })
  vim.cmd('silent write')
  H.client(buf)
end)

H.test('package in a multi-package workspace shares the workspace root (pixi.lock)', function()
  local a = H.client(H.open(ws .. '/multi/pkgs/a/pixi.toml'))
  H.eq(ws .. '/multi', a.root_dir, 'root_dir')
  local top = H.client(H.open(ws .. '/multi/pixi.toml'))
  H.eq(a.id, top.id, 'same client for workspace and member package')
end)

H.finish()
