-- :checkhealth pixi_lsp finds the server binary and reads its version.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/helpers.lua')

local function health_text()
  vim.cmd('checkhealth pixi_lsp')
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  vim.cmd('bwipeout!')
  return text
end

H.test('checkhealth reports the binary and its version', function()
  local text = health_text()
  H.artifact('nvim-checkhealth.txt', text)
  H.ok(text:find('OK binary: ', 1, true), 'no binary OK line:\n%s', text)
  H.ok(text:find('OK version: %S+'), 'no version OK line:\n%s', text)
  H.ok(not text:find('ERROR', 1, true), 'errors in:\n%s', text)
end)

H.test('checkhealth reports a missing binary as an error', function()
  local pixi = require('pixi_lsp')
  local saved = vim.deepcopy(pixi.options)
  pixi.setup({ cmd = { '/nonexistent/pixi-lsp' }, settings = saved.settings })
  local text = health_text()
  pixi.setup(saved)
  H.ok(text:find('ERROR server binary "/nonexistent/pixi-lsp" not found', 1, true), 'no ERROR line:\n%s', text)
end)

H.test('checkhealth lists the settings and warns about the ones that turn features off', function()
  local pixi = require('pixi_lsp')
  local saved = vim.deepcopy(pixi.options)
  local text = health_text()
  H.ok(text:find('sent to the server: {', 1, true), 'no settings line:\n%s', text)
  H.ok(text:find('"generic":true', 1, true), 'diagnostics.generic not listed:\n%s', text)
  H.ok(text:find('channels.enabled = false', 1, true), 'channels off (tests/minimal_init.lua) not said:\n%s', text)
  H.ok(not text:find('trusted = false', 1, true), 'trusted by default:\n%s', text)
  pixi.setup(vim.tbl_deep_extend('force', saved, {
    settings = { trusted = false, backends = { overrides = { ['pixi-build-x'] = '/nonexistent/pixi-build-x' } } },
  }))
  text = health_text()
  pixi.setup(saved)
  H.artifact('nvim-checkhealth-settings.txt', text)
  H.ok(text:find('WARNING trusted = false', 1, true), 'no trusted warning:\n%s', text)
  H.ok(text:find('ERROR backends.overrides["pixi-build-x"] = "/nonexistent/pixi-build-x" is not an executable file', 1, true),
    'no override error:\n%s', text)
end)

H.test('checkhealth shows the last error: a server that exits at start', function()
  local pixi = require('pixi_lsp')
  H.ok(health_text():find('OK no error in this session', 1, true), 'an error before the test')
  local saved = vim.deepcopy(pixi.options)
  -- the real binary, with an argument it refuses: it exits with code 2 before speaking LSP
  pixi.setup({ cmd = { saved.cmd[1], '--no-such-flag' }, settings = saved.settings })
  local ws = H.workspace({ ['pixi.toml'] = H.fixtures.package_ok })
  H.open(ws .. '/pixi.toml')
  H.ok(H.wait(H.timeout, function() return pixi.last_error ~= nil end), 'no error recorded')
  local text = health_text()
  vim.cmd('bwipeout!')
  pixi.setup(saved)
  H.ok(text:find('WARNING %d+%-%d+%-%d+ [%d:]+: the server exited with code 2'), 'no last error:\n%s', text)
end)

H.test('lsp/pixi_lsp.lua is a whole vim.lsp.config, for vim.lsp.enable without the plugin setup', function()
  local files = vim.api.nvim_get_runtime_file('lsp/pixi_lsp.lua', true)
  H.ok(#files == 1, 'runtime files: %s', vim.inspect(files))
  local cfg = dofile(files[1])
  H.eq({ 'toml' }, cfg.filetypes, 'filetypes')
  H.ok(type(cfg.cmd) == 'table' and cfg.cmd[1], 'cmd: %s', vim.inspect(cfg.cmd))
  H.eq('function', type(cfg.root_dir), 'root_dir')
  H.eq(true, cfg.init_options.diagnostics.generic, 'init_options')
  -- what vim.lsp.enable('pixi_lsp') starts: the runtime file merged with vim.lsp.config overrides
  local resolved = vim.lsp.config.pixi_lsp
  H.eq(cfg.filetypes, resolved.filetypes, 'resolved filetypes')
  H.ok(vim.lsp.is_enabled('pixi_lsp'), 'pixi_lsp is not enabled')
end)

H.finish()
