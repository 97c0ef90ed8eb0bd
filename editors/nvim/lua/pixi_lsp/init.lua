-- pixi_lsp: Neovim (>= 0.11) client for pixi-lsp, the language server for pixi manifests
-- (pixi.toml, and pyproject.toml with a [tool.pixi] table). See editors/nvim/README.md.
local manifest = require('pixi_lsp.manifest')

local M = {}

M.name = 'pixi_lsp'

--- Server settings, camelCase exactly as the server reads them. Sent as initializationOptions and
--- as `workspace/didChangeConfiguration { settings = { pixiLsp = ... } }`.
M.default_settings = {
  diagnostics = { generic = true },
  -- formatting (vim.lsp.buf.format()); enable = false when tombi or taplo formats the file
  formatting = { enable = true, indentWidth = 2, alignEntries = false, blankLineBetweenTables = true },
  -- repodata of the manifest's channels, fetched in the background: package/backend name and version
  -- completion, package-not-found / version-not-in-channels / channel-unreachable checks, inlay hints
  channels = { enabled = true, cacheDir = vim.NIL, offline = false, timeoutSeconds = 30 },
  -- build backends: local executables instead of installed ones, where installed ones live, and the
  -- time one backend call may take (previews and builds)
  backends = {
    overrides = vim.empty_dict(),
    overrideAll = vim.NIL,
    autoPreview = false,
    cacheDir = vim.NIL,
    timeoutSeconds = 600,
  },
  -- where built .conda files go (nil: <workspace>/.pixi/build/out)
  build = { outputDir = vim.NIL },
  trusted = true,
  logLevel = 'info',
  logFile = vim.NIL,
  -- the newest version each spec admits (Neovim shows them after vim.lsp.inlay_hint.enable())
  inlayHints = { enabled = false },
}

M.defaults = {
  cmd = { 'pixi-lsp' },
  --- extra environment variables of the server process (and so of the build backends it runs)
  cmd_env = nil,
  settings = {},
  --- 'notify' (vim.notify on begin/end, echo for reports), 'echo' (echo area only) or false
  progress = 'notify',
  --- the pixi executable task lenses run
  pixi = 'pixi',
  --- how a task lens runs `pixi run`: nil opens a :terminal in a split; a function(cmd, task) gets the
  --- argv list and { task, environment, manifest_path, cwd } and runs it any way it likes
  task_runner = nil,
}

M.options = vim.deepcopy(M.defaults)

local function settings()
  return vim.tbl_deep_extend('force', M.default_settings, M.options.settings or {})
end

--- The settings the server gets (defaults overridden by `setup`), for :checkhealth.
M.effective_settings = settings

--- The last error of this session: `{ time = os.time(), message = '…' }` or nil. An error message
--- of the server, a failed command, or the server exiting abnormally; :checkhealth pixi_lsp shows it.
M.last_error = nil

function M.record_error(message)
  M.last_error = { time = os.time(), message = message }
end

--- The `vim.lsp.config` table for pixi_lsp (also returned by the runtime file lsp/pixi_lsp.lua).
function M.config()
  local s = settings()
  return {
    cmd = M.options.cmd,
    cmd_env = M.options.cmd_env,
    filetypes = { 'toml' },
    -- pixi.toml / pyproject.toml mark a root; the real decision is made in root_dir below
    root_markers = { manifest.manifest_names },
    -- Neovim 0.11: calling on_dir() attaches; returning without calling it skips the buffer, so
    -- other TOML files and pyproject.toml files without [tool.pixi] never get this client.
    root_dir = function(bufnr, on_dir)
      if manifest.is_manifest(bufnr) then
        on_dir(manifest.root(bufnr))
      end
    end,
    init_options = s,
    settings = { pixiLsp = s },
    handlers = {
      -- every server message through vim.notify with its level (Neovim echoes all but errors),
      -- so warnings such as "building the saved manifest" reach notification plugins too
      ['window/showMessage'] = function(_, params, ctx)
        local levels = { vim.log.levels.ERROR, vim.log.levels.WARN, vim.log.levels.INFO, vim.log.levels.DEBUG }
        local client = vim.lsp.get_client_by_id(ctx.client_id)
        if params.type == 1 then
          M.record_error(params.message)
        end
        vim.notify(('LSP[%s] %s'):format(client and client.name or M.name, params.message),
          levels[params.type] or vim.log.levels.INFO)
        return vim.NIL
      end,
    },
    on_exit = function(code, signal)
      -- SIGTERM is how a client is stopped (:LspStop, tests); anything else is a failure
      if code ~= 0 or (signal ~= 0 and signal ~= 15) then
        M.record_error(('the server exited with code %d, signal %d (see :LspLog)'):format(code, signal))
      end
    end,
    capabilities = {
      window = { workDoneProgress = true },
      -- the server watches **/pixi.lock through the client (Neovim leaves this off on Linux by default)
      workspace = { didChangeWatchedFiles = { dynamicRegistration = true } },
      experimental = { pixiRecipePreview = true },
    },
  }
end

--- Configure (or reconfigure) and enable the client. `opts` = { cmd = {...}, settings = {...}, progress = ... }
function M.setup(opts)
  opts = opts or {}
  M.options = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts)
  -- lists must replace, not merge by index
  if opts.cmd then
    M.options.cmd = type(opts.cmd) == 'string' and { opts.cmd } or opts.cmd
  end
  vim.lsp.config(M.name, M.config())
  vim.lsp.enable(M.name)
  -- running clients get the new settings
  for _, client in ipairs(vim.lsp.get_clients({ name = M.name })) do
    M.push_settings(client)
  end
end

--- Show the server's inlay hints in bufnr when the `inlayHints.enabled` setting is on (Neovim draws
--- inlay hints only for buffers where vim.lsp.inlay_hint is enabled).
function M.sync_inlay_hints(client, bufnr)
  if not (vim.lsp.inlay_hint and client:supports_method('textDocument/inlayHint', bufnr)) then
    return
  end
  vim.lsp.inlay_hint.enable(settings().inlayHints.enabled == true, { bufnr = bufnr })
end

--- Send the current settings to a running client.
function M.push_settings(client)
  local s = settings()
  client.settings = { pixiLsp = s }
  client:notify('workspace/didChangeConfiguration', { settings = { pixiLsp = s } })
  for bufnr in pairs(client.attached_buffers or {}) do
    M.sync_inlay_hints(client, bufnr)
  end
end

--- Change some settings at run time, e.g. update_settings({ diagnostics = { generic = false } }).
function M.update_settings(partial)
  M.options.settings = vim.tbl_deep_extend('force', M.options.settings or {}, partial)
  vim.lsp.config(M.name, M.config())
  for _, client in ipairs(vim.lsp.get_clients({ name = M.name })) do
    M.push_settings(client)
  end
end

--- A pyproject.toml that gains [tool.pixi] while open: attach once it is written.
function M.attach_if_manifest(bufnr)
  if #vim.lsp.get_clients({ bufnr = bufnr, name = M.name }) > 0 or not manifest.is_manifest(bufnr) then
    return
  end
  local cfg = vim.deepcopy(vim.lsp.config[M.name] or M.config())
  cfg.name = M.name
  cfg.root_dir = manifest.root(bufnr)
  vim.lsp.start(cfg, { bufnr = bufnr })
end

-- ---------------------------------------------------------------------------------------------
-- Commands
-- ---------------------------------------------------------------------------------------------

local function notify(msg, level)
  vim.notify('pixi-lsp: ' .. msg, level or vim.log.levels.INFO)
end

local function server_version(client)
  local info = client.server_info
  if info and info.version then
    return (info.name or 'pixi-lsp') .. ' ' .. info.version
  end
  return 'this pixi-lsp'
end

--- The client and manifest URI for a buffer (a recipe preview buffer points back at its manifest).
---@return vim.lsp.Client?, string?
function M.client_for(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local src = vim.b[bufnr].pixi_lsp_manifest_buf
  if src and vim.api.nvim_buf_is_valid(src) then
    bufnr = src
  end
  local client = vim.lsp.get_clients({ bufnr = bufnr, name = M.name })[1]
  if not client then
    return nil, nil
  end
  return client, vim.uri_from_bufnr(bufnr), bufnr
end

local function unsupported(client, command)
  notify(
    ('%s does not support "%s" yet; update the server'):format(server_version(client), command),
    vim.log.levels.WARN
  )
end

--- Is the error an "unknown command" / MethodNotFound answer?
local function is_unknown_command(err)
  if not err then
    return false
  end
  if err.code == -32601 then
    return true
  end
  local msg = (err.message or ''):lower()
  return msg:find('unknown command', 1, true) ~= nil or msg:find('not supported', 1, true) ~= nil
end

--- Run a server command. on_result(result, client, bufnr) on success; errors are reported to the
--- user unless opts.on_error(err, client) returns true (handled). opts.on_done() runs first, either way.
---@return integer? request_id
---@return vim.lsp.Client? client
---@return integer? bufnr the manifest buffer
function M.exec(command, args, on_result, opts)
  opts = opts or {}
  local client, uri, bufnr = M.client_for(opts.bufnr)
  if not client then
    notify('no pixi-lsp client for this buffer (open a pixi.toml, or a pyproject.toml with [tool.pixi])',
      vim.log.levels.WARN)
    return nil
  end
  local caps = client.server_capabilities or {}
  local known = caps.executeCommandProvider and caps.executeCommandProvider.commands or {}
  if not vim.tbl_contains(known, command) then
    unsupported(client, command)
    return nil
  end
  local params = { command = command, arguments = args(uri) }
  if opts.work_done_token then
    params.workDoneToken = opts.work_done_token
  end
  local ok, id = client:request('workspace/executeCommand', params, function(err, result)
    if opts.on_done then
      opts.on_done()
    end
    if err then
      if opts.on_error and opts.on_error(err, client) then
        return
      end
      if is_unknown_command(err) then
        unsupported(client, command)
      elseif err.code == -32800 then -- RequestCancelled
        notify(command .. ' cancelled')
      else
        local message = ('%s failed: %s'):format(command, err.message or vim.inspect(err))
        M.record_error(message)
        notify(message, vim.log.levels.ERROR)
      end
      return
    end
    on_result(result, client, bufnr)
  end, bufnr)
  if not ok then
    notify('the server is not running', vim.log.levels.ERROR)
    return nil
  end
  return id, client, bufnr
end

--- Show a read-only scratch buffer named `uri` (a `pixi-recipe:` document) with `content`, pointing back
--- at its manifest. opts: filetype (default 'yaml'); split: the command that opens a window for it when
--- none in this tab shows it (default 'vsplit'; false: only fill the buffer); server_uri: false when the
--- server does not serve `uri` (:PixiPreviewRecipe in it then runs a new preview instead of a refresh).
function M.show_document(content, uri, manifest_buf, opts)
  opts = opts or {}
  local name = uri or ('pixi-recipe://' .. vim.api.nvim_buf_get_name(manifest_buf) .. '/recipe.yaml')
  local buf = -1
  for _, b in ipairs(vim.api.nvim_list_bufs()) do -- (not bufnr(name): that takes a pattern)
    if vim.api.nvim_buf_get_name(b) == name then
      buf = b
    end
  end
  if buf == -1 then
    buf = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_name(buf, name)
  end
  vim.bo[buf].readonly = false -- a refresh: no W10 "Changing a readonly file"
  vim.bo[buf].modifiable = true
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(content or '', '\n', { plain = true }))
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'hide'
  vim.bo[buf].swapfile = false
  vim.bo[buf].modifiable = false
  vim.bo[buf].readonly = true
  vim.bo[buf].filetype = opts.filetype or 'yaml'
  vim.b[buf].pixi_lsp_manifest_buf = manifest_buf
  vim.b[buf].pixi_lsp_recipe_uri = opts.server_uri ~= false and uri or nil
  local split = opts.split == nil and 'vsplit' or opts.split
  if split and vim.fn.bufwinid(buf) == -1 then
    vim.cmd(split)
    vim.api.nvim_win_set_buf(0, buf)
  end
  return buf
end

local function show_recipe(content, recipe_uri, manifest_buf)
  return M.show_document(content, recipe_uri, manifest_buf)
end

--- :PixiPreviewRecipe: open the recipe the build backend generates for this manifest, read-only.
--- In a preview buffer it refreshes the preview.
local preview_seq = 0

--- Run the recipe preview of the manifest of bufnr (progress on our own token: running the backend can
--- take a while, installing it first of all); on_result(result, client, manifest_buf) gets its answer.
function M.run_preview(bufnr, on_result)
  preview_seq = preview_seq + 1
  local token = ('pixi-lsp-preview-%d-%d'):format(vim.uv.os_getpid(), preview_seq)
  return M.exec('pixi-lsp.previewRecipe', function(uri) return { uri } end, on_result,
    { bufnr = bufnr, work_done_token = token })
end

function M.preview_recipe(bufnr)
  return M.run_preview(bufnr, function(result, _, mbuf)
    if type(result) ~= 'table' or result.content == nil then
      notify('previewRecipe returned no content', vim.log.levels.ERROR)
      return
    end
    M.last_preview_buf = show_recipe(result.content, result.uri, mbuf)
  end)
end

--- Refresh an open preview buffer through `pixi/recipeContent`.
function M.refresh_preview(preview_buf)
  local uri = vim.b[preview_buf].pixi_lsp_recipe_uri
  local client = M.client_for(preview_buf)
  if not (uri and client) then
    return
  end
  client:request('pixi/recipeContent', { uri = uri }, function(err, result)
    if err or not result then
      notify('could not refresh the recipe: ' .. (err and err.message or 'no content'), vim.log.levels.WARN)
      return
    end
    show_recipe(result.content, uri, vim.b[preview_buf].pixi_lsp_manifest_buf)
  end, preview_buf)
end

local build_seq = 0
--- Running builds: progress token -> { client, id, bufnr, label, deps, cancelled }
M.builds = {}
--- How long :PixiBuildCancel waits for the server to end a build after `window/workDoneProgress/cancel`
--- before it also cancels the request (`$/cancelRequest`).
M.cancel_grace_ms = 5000

--- Number of builds running (for a statusline).
function M.running_builds()
  return vim.tbl_count(M.builds)
end

--- "build finished" text of a `pixi-lsp.build` result; variant_label: the variant asked for, if any.
function M.format_build_result(result, variant_label)
  result = type(result) == 'table' and result or {}
  local lines = {}
  -- `packages`: every package built, path dependencies first; listed when there is more than one
  local packages = type(result.packages) == 'table' and result.packages or nil
  if packages and #packages > 1 then
    table.insert(lines, ('build finished: %d package(s), in build order'):format(#packages))
    for _, p in ipairs(packages) do
      table.insert(lines, ('  %s%s'):format(p.name or '?', p.cached and ' (cached)' or ''))
      for _, a in ipairs(p.artifacts or {}) do
        table.insert(lines, '    ' .. a)
      end
    end
  elseif type(result.builds) == 'table' and #result.builds > 0 then
    -- `builds`: what each artifact is (variants of one package differ in their build string)
    table.insert(lines, ('build finished%s%s: %d artifact(s)'):format(
      variant_label and (' (%s)'):format(variant_label) or '', result.cached and ' (cached)' or '', #result.builds))
    for _, b in ipairs(result.builds) do
      table.insert(lines, ('  %s %s %s (%s)%s'):format(b.name or '?', b.version or '?', b.build or '?',
        b.subdir or '?', b.cached and ' (cached)' or ''))
      table.insert(lines, '    ' .. (b.path or '?'))
    end
  else
    local arts = result.artifacts or {}
    table.insert(lines, ('build finished%s: %d artifact(s)'):format(result.cached and ' (cached)' or '', #arts))
    for _, a in ipairs(arts) do
      table.insert(lines, '  ' .. a)
    end
  end
  if result.log then
    table.insert(lines, 'log: ' .. result.log .. '  (:PixiBuildLog)')
  end
  return table.concat(lines, '\n')
end

--- Tell listeners a build ended: `User PixiBuildDone` with data
--- { token, manifest, result?, error?, cancelled }.
local function build_done(data)
  vim.api.nvim_exec_autocmds('User', { pattern = 'PixiBuildDone', modeline = false, data = data })
end

--- :PixiBuild[!] [deps] [rebuild]: build the package of the manifest in bufnr (default: current).
--- opts = { rebuild = bool, with_path_dependencies = bool, variant = { key = value } (only the outputs of
--- that variant), variant_label = text, on_result = fn(result), on_error = fn(err, cancelled) }
---@return integer? request_id
---@return string token the progress token of this build
function M.build(opts, bufnr)
  opts = opts or {}
  -- The server builds the saved manifest (as pixi does) and warns about unsaved changes; with
  -- 'autowrite' (as for :make) the manifest is saved first.
  local buf = bufnr or vim.api.nvim_get_current_buf()
  if vim.api.nvim_buf_is_valid(buf) and vim.bo[buf].modified and (vim.o.autowrite or vim.o.autowriteall) then
    vim.api.nvim_buf_call(buf, function()
      vim.cmd('silent update')
    end)
  end
  build_seq = build_seq + 1
  local token = ('pixi-lsp-build-%d-%d'):format(vim.uv.os_getpid(), build_seq)
  local deps = opts.with_path_dependencies == true
  local state = { deps = deps, cancelled = false }
  if type(opts.variant) == 'table' and next(opts.variant) then
    state.variant_label = opts.variant_label or require('pixi_lsp.variants').values_text(opts.variant)
  end
  local function finish(data)
    data.token = token
    data.manifest = state.manifest
    data.cancelled = data.cancelled or false
    build_done(data)
  end
  local id, client, mbuf = M.exec('pixi-lsp.build', function(uri)
    state.manifest = uri
    local o = { withPathDependencies = deps, rebuild = opts.rebuild == true }
    if type(opts.variant) == 'table' and next(opts.variant) then
      o.variant = opts.variant
    end
    return { uri, o }
  end, function(result)
    M.last_build = result
    notify(M.format_build_result(result, state.variant_label))
    if opts.on_result then
      opts.on_result(result)
    end
    finish({ result = result })
  end, {
    bufnr = bufnr,
    work_done_token = token,
    on_done = function() M.builds[token] = nil end,
    on_error = function(err)
      -- the server ends a build cancelled through its progress with an error naming the cancel;
      -- a cancelled request ($/cancelRequest) answers RequestCancelled
      local cancelled = err.code == -32800 or state.cancelled
      if cancelled then
        notify(('build of %s cancelled'):format(state.label or 'the package'))
      end
      if opts.on_error then
        opts.on_error(err, cancelled)
      end
      finish({ error = err, cancelled = cancelled })
      return cancelled
    end,
  })
  if id then
    state.client, state.id, state.bufnr = client, id, mbuf
    state.label = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(mbuf), ':~:.')
    M.builds[token] = state
    notify(('building %s%s%s%s — :PixiBuildCancel to stop'):format(state.label,
      state.variant_label and (' (%s)'):format(state.variant_label) or '',
      deps and ' and its path dependencies' or '', opts.rebuild and ' (rebuild)' or ''))
  end
  return id, token
end

--- :PixiBuildCancel: cancel running builds. The server stops the backend and ends the build's
--- progress; a server that does not end the build in time also gets `$/cancelRequest`.
function M.cancel_builds()
  local n = 0
  for token, b in pairs(M.builds) do
    if not b.cancelled then
      b.cancelled = true
      n = n + 1
      b.client:notify('window/workDoneProgress/cancel', { token = token })
      vim.defer_fn(function()
        if M.builds[token] == b then
          b.client:cancel_request(b.id)
        end
      end, M.cancel_grace_ms)
    end
  end
  notify(n > 0 and ('cancelling %d build(s)'):format(n) or 'no build is running')
  return n
end

--- :PixiBuildLog: open the log of the last build of this manifest (read-only, reloaded when shown again).
function M.open_build_log(bufnr)
  return M.exec('pixi-lsp.openBuildLog', function(uri) return { uri } end, function(result)
    if type(result) ~= 'table' or not result.path then
      notify('no build log yet', vim.log.levels.WARN)
      return
    end
    local win = vim.fn.bufwinid(vim.fn.bufnr(result.path))
    if win ~= -1 then
      vim.api.nvim_set_current_win(win)
      vim.cmd('checktime')
    else
      vim.cmd('split ' .. vim.fn.fnameescape(result.path))
    end
    vim.bo.readonly = true
    vim.bo.autoread = true
    M.last_log_buf = vim.api.nvim_get_current_buf()
  end, {
    bufnr = bufnr,
    on_error = function(err)
      if (err.message or ''):find('no build', 1, true) then
        notify('no build log yet: ' .. err.message .. ' (:PixiBuild first)', vim.log.levels.WARN)
        return true
      end
    end,
  })
end

-- ---------------------------------------------------------------------------------------------
-- $/progress
-- ---------------------------------------------------------------------------------------------

local function on_progress(ev)
  local mode = M.options.progress
  if not mode then
    return
  end
  local client = vim.lsp.get_client_by_id(ev.data.client_id)
  if not client or client.name ~= M.name then
    return
  end
  local value = ev.data.params and ev.data.params.value
  if type(value) ~= 'table' then
    return
  end
  local text = value.title or value.message or ''
  if value.kind == 'report' then
    text = (value.message or '') .. (value.percentage and (' (%d%%)'):format(value.percentage) or '')
  elseif value.kind == 'end' then
    text = 'done' .. (value.message and (': ' .. value.message) or '')
  elseif value.message then
    text = text .. ': ' .. value.message
  end
  if mode == 'notify' and value.kind ~= 'report' then
    notify(text)
  else
    vim.api.nvim_echo({ { 'pixi-lsp: ' .. text } }, false, {})
  end
end

-- ---------------------------------------------------------------------------------------------
-- Tasks: the server's task lenses carry `pixi-lsp.runTask`; the client runs `pixi run`
-- ---------------------------------------------------------------------------------------------

--- The argv of `pixi run` for a task lens's argument { task, environment, manifestPath }.
function M.task_command(arg)
  local cmd = { M.options.pixi or 'pixi', 'run', '--manifest-path', arg.manifestPath }
  if type(arg.environment) == 'string' then
    vim.list_extend(cmd, { '--environment', arg.environment })
  end
  table.insert(cmd, arg.task)
  return cmd
end

local function start_task(arg)
  local cmd = M.task_command(arg)
  local task = {
    task = arg.task,
    environment = type(arg.environment) == 'string' and arg.environment or nil,
    manifest_path = arg.manifestPath,
    cwd = vim.fs.dirname(arg.manifestPath),
  }
  if type(M.options.task_runner) == 'function' then
    return M.options.task_runner(cmd, task)
  end
  vim.cmd('botright new')
  local buf = vim.api.nvim_get_current_buf()
  vim.fn.jobstart(cmd, { term = true, cwd = task.cwd })
  pcall(vim.api.nvim_buf_set_name, buf, ('pixi run %s'):format(arg.task))
  return buf
end

--- Run a task lens's command: refused when the `trusted` setting is false (the workspace's tasks are
--- its code); with `environments` and no `environment`, the user picks one first.
function M.run_task(arg)
  if type(arg) ~= 'table' or type(arg.task) ~= 'string' or type(arg.manifestPath) ~= 'string' then
    notify('runTask: expected { task, manifestPath }', vim.log.levels.ERROR)
    return
  end
  if settings().trusted == false then
    notify(('not running task "%s": this workspace is not trusted (setting `trusted`)'):format(arg.task),
      vim.log.levels.WARN)
    return
  end
  local envs = type(arg.environments) == 'table' and arg.environments or {}
  if type(arg.environment) ~= 'string' and #envs > 0 then
    vim.ui.select(envs, { prompt = ('Run "%s" in environment'):format(arg.task) }, function(choice)
      if choice then
        start_task(vim.tbl_extend('force', arg, { environment = choice }))
      end
    end)
    return
  end
  return start_task(arg)
end

-- ---------------------------------------------------------------------------------------------
-- user commands and autocommands (created once, from plugin/pixi_lsp.lua)
-- ---------------------------------------------------------------------------------------------

function M.create_commands()
  vim.api.nvim_create_user_command('PixiPreviewRecipe', function()
    local buf = vim.api.nvim_get_current_buf()
    if vim.b[buf].pixi_lsp_recipe_uri then
      M.refresh_preview(buf)
    else
      M.preview_recipe(buf)
    end
  end, { desc = 'pixi-lsp: preview the recipe generated from this manifest' })
  vim.api.nvim_create_user_command('PixiBuild', function(a)
    local opts = { rebuild = a.bang }
    for _, arg in ipairs(a.fargs) do
      if arg == 'deps' then
        opts.with_path_dependencies = true
      elseif arg == 'rebuild' then
        opts.rebuild = true
      else
        notify(('PixiBuild: unknown argument "%s" (deps, rebuild)'):format(arg), vim.log.levels.ERROR)
        return
      end
    end
    M.build(opts)
  end, {
    bang = true,
    nargs = '*',
    complete = function(lead)
      return vim.tbl_filter(function(c) return vim.startswith(c, lead) end, { 'deps', 'rebuild' })
    end,
    desc = 'pixi-lsp: build the package (! or rebuild: rebuild; deps: its path dependencies first)',
  })
  require('pixi_lsp.variants').create_commands()
  vim.api.nvim_create_user_command('PixiBuildCancel', M.cancel_builds, { desc = 'pixi-lsp: cancel running builds' })
  vim.api.nvim_create_user_command('PixiBuildLog', function() M.open_build_log() end,
    { desc = 'pixi-lsp: open the last build log' })

  -- The server's code lenses and code actions name its commands: run them like the user commands
  -- (progress token, notifications, the recipe buffer, the log window) instead of a bare executeCommand.
  local function target(command, ctx)
    local uri = command.arguments and command.arguments[1]
    if type(uri) == 'string' then
      local buf = vim.uri_to_bufnr(uri)
      if vim.api.nvim_buf_is_loaded(buf) then
        return buf
      end
    end
    return ctx and ctx.bufnr
  end
  vim.lsp.commands['pixi-lsp.build'] = function(command, ctx)
    local o = command.arguments and command.arguments[2]
    o = type(o) == 'table' and o or {}
    -- ("Build only <name> <build> (…)" actions carry the variant of one output)
    M.build({
      rebuild = o.rebuild == true,
      with_path_dependencies = o.withPathDependencies == true,
      variant = type(o.variant) == 'table' and o.variant or nil,
    }, target(command, ctx))
  end
  vim.lsp.commands['pixi-lsp.previewRecipe'] = function(command, ctx)
    M.preview_recipe(target(command, ctx))
  end
  vim.lsp.commands['pixi-lsp.openBuildLog'] = function(command, ctx)
    M.open_build_log(target(command, ctx))
  end
  vim.lsp.commands['pixi-lsp.runTask'] = function(command)
    M.run_task(command.arguments and command.arguments[1])
  end

  local group = vim.api.nvim_create_augroup('pixi_lsp', { clear = true })
  vim.api.nvim_create_autocmd('LspProgress', { group = group, callback = on_progress })
  vim.api.nvim_create_autocmd('LspAttach', {
    group = group,
    callback = function(ev)
      local client = vim.lsp.get_client_by_id(ev.data.client_id)
      if client and client.name == M.name then
        M.sync_inlay_hints(client, ev.buf)
      end
    end,
  })
  vim.api.nvim_create_autocmd('BufWritePost', {
    group = group,
    pattern = 'pyproject.toml',
    callback = function(ev) M.attach_if_manifest(ev.buf) end,
  })
end

return M
