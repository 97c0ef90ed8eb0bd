-- :checkhealth pixi_lsp
local M = {}

local function cmd()
  local cfg = vim.lsp.config and vim.lsp.config.pixi_lsp
  return cfg and cfg.cmd or require('pixi_lsp').options.cmd
end

function M.check()
  local h = vim.health
  h.start('Neovim')
  if vim.fn.has('nvim-0.11') == 1 then
    h.ok('Neovim ' .. tostring(vim.version()))
  else
    h.error('Neovim >= 0.11 is required (vim.lsp.config / vim.lsp.enable)')
    return
  end
  if vim.lsp.is_enabled and not vim.lsp.is_enabled('pixi_lsp') then
    h.warn('pixi_lsp is not enabled', { "call require('pixi_lsp').setup() or vim.lsp.enable('pixi_lsp')" })
  end

  h.start('pixi-lsp server')
  local c = cmd()
  if type(c) ~= 'table' or not c[1] then
    h.info('cmd is a function; cannot check the binary')
    return
  end
  local exe = vim.fn.exepath(c[1])
  if exe == '' then
    h.error(('server binary "%s" not found'):format(c[1]), {
      'install pixi-lsp and put it on $PATH',
      "or set the path: require('pixi_lsp').setup({ cmd = { '/path/to/pixi-lsp' } })",
    })
    return
  end
  h.ok('binary: ' .. exe)
  local ok, res = pcall(function() return vim.system({ exe, '--version' }, { text = true }):wait(5000) end)
  if not ok then
    h.error('could not run `' .. exe .. ' --version`: ' .. tostring(res))
  elseif res.code ~= 0 then
    h.error(('`%s --version` exited with %s: %s'):format(exe, tostring(res.code), vim.trim(res.stderr or '')))
  else
    local version = vim.trim(res.stdout or ''):match('^pixi%-lsp%s+(%S+)')
    if version then
      h.ok('version: ' .. version)
    else
      h.warn(('unexpected `--version` output: %q'):format(vim.trim(res.stdout or '')),
        { 'is this really pixi-lsp?' })
    end
  end

  M.check_settings()

  h.start('pixi-lsp clients')
  local clients = vim.lsp.get_clients({ name = 'pixi_lsp' })
  if #clients == 0 then
    h.info('no client running (open a pixi.toml, or a pyproject.toml with [tool.pixi])')
  end
  for _, client in ipairs(clients) do
    local info = client.server_info or {}
    local cmds = client.server_capabilities and client.server_capabilities.executeCommandProvider
    h.ok(('client %d: %s %s, root %s, %d buffer(s)'):format(client.id, info.name or '?', info.version or '?',
      client.root_dir or '?', vim.tbl_count(client.attached_buffers)))
    h.info('commands: ' .. (cmds and table.concat(cmds.commands or {}, ', ') or 'none'))
    if cmds and not vim.tbl_contains(cmds.commands or {}, 'pixi-lsp.compareVariants') then
      h.info('this server has no build variant commands (pixi-lsp.compareVariants): '
        .. ':PixiPreviewVariant, :PixiCompareVariants and :PixiBuildVariant need a newer one')
    end
  end

  h.start('pixi-lsp last error')
  local err = require('pixi_lsp').last_error
  if err then
    h.warn(('%s: %s'):format(os.date('%Y-%m-%d %H:%M:%S', err.time), err.message))
  else
    h.ok('no error in this session')
  end
end

--- The settings the server gets, and the ones that switch features off or point at files.
function M.check_settings()
  local h = vim.health
  h.start('pixi-lsp settings')
  local pixi = require('pixi_lsp')
  local s = pixi.effective_settings()
  h.info('sent to the server: ' .. vim.json.encode(s))
  if s.trusted == false then
    h.warn('trusted = false: the server never runs a build backend (no recipe preview, no build)')
  end
  if type(s.channels) == 'table' and s.channels.enabled == false then
    h.info('channels.enabled = false: no package data from the channels (names, versions, checks)')
  end
  if type(s.diagnostics) == 'table' and s.diagnostics.generic == false then
    h.info('diagnostics.generic = false: only pixi-specific diagnostics (TOML syntax and schema are left to others)')
  end
  local overrides = type(s.backends) == 'table' and s.backends.overrides or {}
  for name, exe in pairs(type(overrides) == 'table' and overrides or {}) do
    if vim.fn.executable(exe) == 1 then
      h.ok(('backends.overrides["%s"]: %s'):format(name, exe))
    else
      h.error(('backends.overrides["%s"] = "%s" is not an executable file'):format(name, tostring(exe)))
    end
  end
  if pixi.options.cmd_env then
    h.info('cmd_env: ' .. table.concat(vim.tbl_keys(pixi.options.cmd_env), ', '))
  end
end

return M
