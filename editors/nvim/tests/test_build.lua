-- :PixiBuild, :PixiBuild!, :PixiBuild deps, :PixiBuildCancel, :PixiBuildLog: real builds of real .conda
-- files through the server, with our example backend (pixi-build-lsp-example, through the
-- `backends.overrides` setting) and a local conda channel (pixi-lsp-make-channel) for the build/host
-- environments. Output and backend cache go to this test's temp directory.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/helpers.lua')
local pixi = require('pixi_lsp')

local BUILD_TIMEOUT = tonumber(os.getenv('PIXI_LSP_TEST_BUILD_TIMEOUT_MS') or '') or 120000

local N = H.capture_notifications()

local tmp = vim.fn.tempname()
vim.fn.mkdir(tmp, 'p')
local channel_url, channel_err = H.make_channel(tmp .. '/channel')

local function workspace_table(name)
  return {
    '[workspace]',
    ('name = "%s"'):format(name),
    ('channels = ["%s"]'):format(channel_url or 'file:///nonexistent'),
    'platforms = ["linux-64"]',
    'preview = ["pixi-build"]',
    '',
  }
end

local function package_tables(name, host_deps, run_deps)
  local lines = {
    '[package]',
    ('name = "%s"'):format(name),
    'version = "0.1.0"',
    '',
    '[package.build]',
    ('backend = { name = "%s", version = "*" }'):format(H.backend_name),
    '',
    '[package.host-dependencies]',
  }
  vim.list_extend(lines, host_deps)
  table.insert(lines, '')
  if run_deps then
    table.insert(lines, '[package.run-dependencies]')
    vim.list_extend(lines, run_deps)
    table.insert(lines, '')
  end
  return lines
end

local function manifest(name, host_deps)
  return vim.list_extend(workspace_table(name), package_tables(name, host_deps))
end

local ws = H.workspace({
  ['hello/pixi.toml'] = manifest('hello', { 'python = ">=3.11"' }),
  ['hello/hello.txt'] = 'hello',
  ['unsat/pixi.toml'] = manifest('unsat', { 'python = ">=99"' }),
  ['hang/pixi.toml'] = manifest('hang', {}),
  -- two packages in one workspace; pkg-b needs pkg-a (a path dependency) at run time, so only
  -- "with path dependencies" builds pkg-a too (path dependencies of build/host are always built first)
  ['deps/pixi.toml'] = workspace_table('deps'),
  ['deps/a/pixi.toml'] = package_tables('pkg-a', {}),
  ['deps/b/pixi.toml'] = package_tables('pkg-b', {}, { 'pkg-a = { path = "../a" }' }),
})
local out_dir = tmp .. '/out'

local function need_setup()
  H.ok(channel_url, 'no test channel: %s', channel_err)
  H.ok(vim.fn.executable(H.backend_bin) == 1,
    '%s not found; build it with `cargo build -p pixi-lsp-tests --bins` or set PIXI_LSP_TEST_BACKEND', H.backend_bin)
end

pixi.update_settings({
  trusted = true,
  backends = {
    overrides = { [H.backend_name] = H.backend_bin },
    timeoutSeconds = 60,
    cacheDir = tmp .. '/backend-cache',
  },
  build = { outputDir = out_dir },
})

--- Records builds until w.stop(): w.done is the data of the last `User PixiBuildDone`; w.values(token) waits for the
--- token's $/progress to end and returns its values.
local function watch_builds()
  local w = { progress = {} }
  local au_done = vim.api.nvim_create_autocmd('User', {
    pattern = 'PixiBuildDone',
    callback = function(ev) w.done = ev.data end,
  })
  local au_progress = vim.api.nvim_create_autocmd('LspProgress', {
    callback = function(ev) table.insert(w.progress, ev.data.params) end,
  })
  function w.values(token)
    local mine = {}
    H.wait(5000, function()
      mine = vim.tbl_map(function(p) return p.value end,
        vim.tbl_filter(function(p) return p.token == token end, w.progress))
      return #mine > 0 and mine[#mine].kind == 'end'
    end)
    return mine
  end
  function w.stop()
    vim.api.nvim_del_autocmd(au_done)
    vim.api.nvim_del_autocmd(au_progress)
  end
  return w
end

--- Run an Ex command (or a function) that starts a build; wait for `User PixiBuildDone`. Returns its data and the
--- $/progress values of the build's token (waiting for the end of the progress as well).
local function run_build(cmdline)
  local start = type(cmdline) == 'function' and cmdline or function() vim.cmd(cmdline) end
  H.client(vim.api.nvim_get_current_buf()) -- (re)attached after :edit
  local w = watch_builds()
  N.clear()
  start()
  H.ok(pixi.running_builds() == 1, 'no build started; notes: %s', vim.inspect(N.list))
  H.wait(BUILD_TIMEOUT, function() return w.done ~= nil end)
  H.ok(w.done, 'the build did not finish within %d ms; notes: %s', BUILD_TIMEOUT, vim.inspect(N.list))
  local mine = w.values(w.done.token)
  w.stop()
  return w.done, mine
end

local function kinds(values)
  return vim.tbl_map(function(v) return v.kind end, values)
end

local function check_artifacts(artifacts, what)
  H.ok(type(artifacts) == 'table' and #artifacts > 0, '%s: no artifacts', what)
  for _, a in ipairs(artifacts) do
    H.ok(a:sub(1, #out_dir + 1) == out_dir .. '/', '%s: %s is not in build.outputDir %s', what, a, out_dir)
    H.ok(a:match('%.conda$'), '%s: %s is not a .conda', what, a)
    H.ok(vim.uv.fs_stat(a) and vim.uv.fs_stat(a).size > 0, '%s: %s does not exist', what, a)
  end
end

local first
H.test(':PixiBuild builds a .conda: $/progress begin/report/end, the artifact on disk, a notification', function()
  need_setup()
  local buf = H.open(ws .. '/hello/pixi.toml')
  H.client(buf)
  local done, progress = run_build('PixiBuild')
  H.ok(done.result, 'the build failed: %s; notes: %s', vim.inspect(done.error), vim.inspect(N.list))
  first = done.result
  H.artifact('nvim-build-result.json', done.result)
  H.eq(vim.uri_from_bufnr(buf), done.manifest, 'manifest of the build')
  H.eq(false, done.result.cached, 'cached (first build)')
  -- the backend that ran: the override, named by its executable
  H.ok(type(done.result.backend) == 'string' and done.result.backend:find(H.backend_bin, 1, true),
    'backend: %s', vim.inspect(done.result.backend))
  check_artifacts(done.result.artifacts, 'first build')
  H.ok(vim.fs.basename(done.result.artifacts[1]):match('^hello%-0%.1%.0%-'), 'artifact name %s', done.result.artifacts[1])
  -- progress: begin with a title, reports with percentages, end
  local k = kinds(progress)
  H.eq('begin', k[1], 'first $/progress kind (' .. table.concat(k, ',') .. ')')
  H.eq('end', k[#k], 'last $/progress kind (' .. table.concat(k, ',') .. ')')
  H.ok(progress[1].title and progress[1].title:find('hello', 1, true), 'progress title: %s', vim.inspect(progress[1]))
  local pct = vim.tbl_filter(function(v) return v.kind == 'report' and type(v.percentage) == 'number' end, progress)
  H.ok(#pct > 0, 'no report with a percentage: %s', vim.inspect(progress))
  for _, v in ipairs(pct) do
    H.ok(v.percentage >= 0 and v.percentage <= 100, 'percentage %s', v.percentage)
  end
  -- the user is told what was built and where the log is
  local n = N.last('build finished')
  H.ok(n and n.msg:find(done.result.artifacts[1], 1, true) and n.msg:find(':PixiBuildLog', 1, true),
    'no "build finished" notification naming the artifact; notes: %s', vim.inspect(N.list))
  H.ok(N.last('^pixi%-lsp: building hello/pixi.toml') or N.last('building .*hello/pixi%.toml'),
    'no "building" notification; notes: %s', vim.inspect(N.list))
  H.eq(0, pixi.running_builds(), 'running builds afterwards')
end)

H.test(':PixiBuild again answers from the artifact cache; :PixiBuild! rebuilds', function()
  H.ok(first, 'needs the first build')
  H.open(ws .. '/hello/pixi.toml')
  local again = run_build('PixiBuild')
  H.ok(again.result, 'the second build failed: %s', vim.inspect(again.error))
  H.eq(true, again.result.cached, 'cached (unchanged inputs)')
  H.eq(first.artifacts, again.result.artifacts, 'artifacts of the cached build')
  H.ok(N.last('build finished %(cached%)'), 'the notification does not say cached; notes: %s', vim.inspect(N.list))
  local re = run_build('PixiBuild!')
  H.ok(re.result, 'the rebuild failed: %s', vim.inspect(re.error))
  H.eq(false, re.result.cached, 'cached (rebuild)')
  check_artifacts(re.result.artifacts, 'rebuild')
end)

H.test('the code lens "Rebuild (ignore cache)" runs the build like :PixiBuild! (progress, notification)', function()
  H.ok(first, 'needs the first build')
  local buf = H.open(ws .. '/hello/pixi.toml')
  H.client(buf)
  vim.lsp.codelens.refresh({ bufnr = buf })
  H.wait(H.timeout, function() return #vim.lsp.codelens.get(buf) > 0 end)
  local titles = vim.tbl_map(function(l) return l.command and l.command.title end, vim.lsp.codelens.get(buf))
  H.ok(vim.tbl_contains(titles, 'Rebuild (ignore cache)'), 'code lenses: %s', vim.inspect(titles))
  vim.api.nvim_win_set_cursor(0, { H.line_of(buf, '^%[package%.build%]$'), 0 })
  local orig_select = vim.ui.select
  local offered
  vim.ui.select = function(items, opts, on_choice)
    offered = vim.tbl_map(opts.format_item, items)
    for i, item in ipairs(items) do
      if opts.format_item(item) == 'Rebuild (ignore cache)' then
        return on_choice(item, i)
      end
    end
    on_choice(nil, nil)
  end
  local ok, done, progress = pcall(run_build, vim.lsp.codelens.run)
  vim.ui.select = orig_select
  H.ok(ok, tostring(done))
  H.ok(offered and vim.tbl_contains(offered, '⚙ Build package'), 'lenses offered: %s', vim.inspect(offered))
  H.ok(done.result, 'the build failed: %s', vim.inspect(done.error))
  H.eq(false, done.result.cached, 'cached (a rebuild)')
  H.eq('end', (progress[#progress] or {}).kind, 'the build reported $/progress on its own token')
  H.ok(N.last('build finished'), 'no notification; notes: %s', vim.inspect(N.list))
end)

H.test(':PixiBuild with unsaved edits: a warning and the saved manifest; with autowrite it saves first', function()
  need_setup()
  local buf = H.open(ws .. '/hello/pixi.toml')
  local function set_version(v)
    local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
    for i, l in ipairs(lines) do
      if l:match('^version = ') then
        vim.api.nvim_buf_set_lines(buf, i - 1, i, false, { ('version = "%s"'):format(v) })
      end
    end
  end
  set_version('0.2.0')
  local done = run_build('PixiBuild')
  H.ok(done.result, 'the build failed: %s', vim.inspect(done.error))
  H.ok(done.result.artifacts[1]:find('hello-0.1.0-', 1, true), 'not the saved version: %s', done.result.artifacts[1])
  H.wait(5000, function() return N.last('unsaved changes') ~= nil end)
  local warned = N.last('unsaved changes')
  H.ok(warned and warned.level == vim.log.levels.WARN, 'no warning about unsaved changes; notes: %s',
    vim.inspect(N.list))
  H.ok(vim.bo[buf].modified, 'the buffer was saved without autowrite')
  vim.o.autowrite = true
  set_version('0.2.0')
  local saved = run_build('PixiBuild')
  vim.o.autowrite = false
  H.ok(saved.result, 'the build failed: %s', vim.inspect(saved.error))
  H.ok(not vim.bo[buf].modified, 'autowrite: the manifest was not saved')
  H.ok(saved.result.artifacts[1]:find('hello-0.2.0-', 1, true), 'not the edited version: %s', saved.result.artifacts[1])
  -- back to the version the other tests expect
  set_version('0.1.0')
  vim.api.nvim_buf_call(buf, function() vim.cmd('silent write') end)
end)

H.test(':PixiBuildLog opens the log of the last build, read-only', function()
  H.ok(first, 'needs the first build')
  local buf = H.open(ws .. '/hello/pixi.toml')
  H.client(buf)
  local wins = #vim.api.nvim_tabpage_list_wins(0)
  N.clear()
  pixi.last_log_buf = nil
  vim.cmd('PixiBuildLog')
  H.wait(H.timeout, function() return pixi.last_log_buf ~= nil end)
  H.ok(pixi.last_log_buf, 'no log buffer; notes: %s', vim.inspect(N.list))
  local log = vim.api.nvim_buf_get_name(pixi.last_log_buf)
  H.eq(vim.fs.normalize(first.log), vim.fs.normalize(log), 'log buffer name')
  H.eq(pixi.last_log_buf, vim.api.nvim_get_current_buf(), 'current buffer')
  H.eq(wins + 1, #vim.api.nvim_tabpage_list_wins(0), 'windows (the log opens in a split)')
  H.ok(vim.fn.bufwinid(buf) ~= -1, 'the manifest is no longer shown')
  H.eq(true, vim.bo.readonly, 'readonly')
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  H.artifact('nvim-build.log', text)
  H.ok(text:find('== done', 1, true), 'the log does not end the build:\n%s', text)
  -- again: the same window, no second split
  pixi.last_log_buf = nil
  vim.api.nvim_set_current_win(vim.fn.bufwinid(buf))
  vim.cmd('PixiBuildLog')
  H.wait(H.timeout, function() return pixi.last_log_buf ~= nil end)
  H.eq(wins + 1, #vim.api.nvim_tabpage_list_wins(0), 'windows after the second :PixiBuildLog')
  vim.cmd('silent! only')
end)

H.test(':PixiBuildLog before any build of the manifest warns', function()
  need_setup()
  local buf = H.open(ws .. '/unsat/pixi.toml')
  H.client(buf)
  N.clear()
  vim.cmd('PixiBuildLog')
  H.wait(H.timeout, function() return N.last('no build log yet') ~= nil end)
  local n = N.last('no build log yet')
  H.ok(n and n.level == vim.log.levels.WARN, 'no warning; notes: %s', vim.inspect(N.list))
  H.eq(vim.api.nvim_get_current_buf(), buf, 'current buffer')
end)

H.test(':PixiBuild with an unsatisfiable host dependency: an error and a backend-error diagnostic', function()
  need_setup()
  local buf = H.open(ws .. '/unsat/pixi.toml')
  H.client(buf)
  local done = run_build('PixiBuild')
  H.ok(done.error and not done.result, 'the build did not fail: %s', vim.inspect(done))
  H.eq(false, done.cancelled, 'cancelled')
  local n = N.last('pixi%-lsp%.build failed')
  H.ok(n and n.level == vim.log.levels.ERROR and n.msg:find('python', 1, true),
    'no error notification naming python; notes: %s', vim.inspect(N.list))
  local ok, diags = H.wait_diagnostics(buf, function(d)
    return #vim.tbl_filter(function(x) return x.code == 'backend-error' end, d) > 0
  end)
  H.ok(ok, 'no backend-error diagnostic:\n    %s', H.format_diags(diags))
  H.ok(#vim.fn.glob(out_dir .. '/unsat-*', false, true) == 0, 'an artifact of the failed build exists')
end)

-- `withPathDependencies`: the server builds the path dependencies first; the result lists every
-- package in build order under `packages`.
H.test(':PixiBuild builds pkg-b alone; :PixiBuild deps builds its path dependency pkg-a first', function()
  need_setup()
  local buf = H.open(ws .. '/deps/b/pixi.toml')
  H.client(buf)
  local alone = run_build('PixiBuild')
  H.ok(alone.result, 'the build failed: %s', vim.inspect(alone.error))
  H.eq({ 'pkg-b' }, vim.tbl_map(function(p) return p.name end, alone.result.packages or {}), 'packages without deps')
  H.eq({}, vim.fn.glob(out_dir .. '/**/pkg-a-*.conda', false, true), 'pkg-a artifacts without deps')
  local done = run_build('PixiBuild deps')
  H.artifact('nvim-build-deps-result.json', done.result or done.error or {})
  H.ok(done.result, 'the build failed: %s', vim.inspect(done.error))
  local packages = done.result.packages
  H.ok(type(packages) == 'table', 'no `packages` in the result: %s', vim.inspect(done.result))
  H.eq({ 'pkg-a', 'pkg-b' }, vim.tbl_map(function(p) return p.name end, packages), 'packages in build order')
  for _, p in ipairs(packages) do
    check_artifacts(p.artifacts, p.name)
    H.ok(vim.fs.basename(p.artifacts[1]):find(p.name .. '-0.1.0-', 1, true), '%s artifact %s', p.name, p.artifacts[1])
  end
  H.eq(false, packages[1].cached, 'pkg-a cached (first build)')
  H.eq(packages[2].artifacts, done.result.artifacts, 'result.artifacts: those of the package itself')
  local n = N.last('build finished: 2 package')
  H.ok(n and n.msg:find('pkg-a', 1, true) and n.msg:find('pkg-b', 1, true)
      and n.msg:find('pkg-a', 1, true) < n.msg:find('  pkg-b', 1, true),
    'the notification does not list both packages in order; notes: %s', vim.inspect(N.list))
end)

--- Processes of our test backend started in hang mode (their environment says so).
local function hanging_backends()
  local pids = {}
  for name in vim.fs.dir('/proc') do
    if name:match('^%d+$') then
      local f = io.open('/proc/' .. name .. '/environ', 'rb')
      local env = f and f:read('*a') or ''
      if f then
        f:close()
      end
      if env:find('PIXI_BUILD_LSP_EXAMPLE_MODE=hang-on-outputs', 1, true) then
        local c = io.open('/proc/' .. name .. '/cmdline', 'rb')
        local cmdline = c and c:read('*a') or ''
        if c then
          c:close()
        end
        if cmdline:find(H.backend_bin, 1, true) == 1 then
          table.insert(pids, name)
        end
      end
    end
  end
  return pids
end

H.test(':PixiBuildCancel stops a hanging build: the build ends cancelled, the backend is gone', function()
  need_setup()
  -- a server whose backends never answer conda/outputs (the example backend's hang mode, through the
  -- server's environment: cmd_env). A different root, so a second client with this environment.
  local saved = vim.deepcopy(pixi.options)
  pixi.setup(vim.tbl_extend('force', saved, { cmd_env = { PIXI_BUILD_LSP_EXAMPLE_MODE = 'hang-on-outputs' } }))
  local buf = H.open(ws .. '/hang/pixi.toml')
  local ok, client = pcall(H.client, buf)
  pixi.setup(saved) -- clients started from now on: the normal environment
  H.ok(ok, tostring(client))
  H.eq('hang-on-outputs', (client.config.cmd_env or {}).PIXI_BUILD_LSP_EXAMPLE_MODE, 'cmd_env of the client')
  local w = watch_builds()
  N.clear()
  vim.cmd('PixiBuild')
  local token = next(pixi.builds)
  H.ok(token, 'no build started; notes: %s', vim.inspect(N.list))
  H.wait(BUILD_TIMEOUT, function() return #hanging_backends() > 0 end)
  H.ok(#hanging_backends() > 0, 'the backend did not start')
  vim.wait(300, function() return false end)
  H.ok(w.done == nil, 'the build ended by itself: %s', vim.inspect(w.done))
  H.eq(1, pixi.running_builds(), 'running builds')
  local t0 = vim.uv.hrtime()
  vim.cmd('PixiBuildCancel')
  H.ok(N.last('cancelling 1 build'), 'no "cancelling" message; notes: %s', vim.inspect(N.list))
  H.wait(20000, function() return w.done ~= nil end)
  local done = w.done
  local took = (vim.uv.hrtime() - t0) / 1e6
  H.ok(done, 'the build did not end after :PixiBuildCancel; notes: %s', vim.inspect(N.list))
  H.eq(token, done.token, 'token')
  H.eq(true, done.cancelled, 'cancelled')
  H.ok(done.result == nil, 'a result: %s', vim.inspect(done.result))
  -- the server ended it through the progress cancel, before the $/cancelRequest fallback
  H.ok(took < pixi.cancel_grace_ms, 'took %d ms', took)
  H.ok(done.error.code ~= -32800 and (done.error.message or ''):find('cancelled', 1, true),
    'error: %s', vim.inspect(done.error))
  H.ok(N.last('build of .*hang/pixi%.toml cancelled'), 'no "cancelled" message; notes: %s', vim.inspect(N.list))
  H.ok(not N.last('failed'), 'a failure was reported: %s', vim.inspect(N.list))
  H.eq(0, pixi.running_builds(), 'running builds')
  local mine = kinds(w.values(token))
  H.eq('begin', mine[1], 'first progress kind')
  H.eq('end', mine[#mine], 'last progress kind')
  H.wait(5000, function() return #hanging_backends() == 0 end)
  H.eq({}, hanging_backends(), 'backend processes left in hang mode')
  w.stop()
  client:stop(true)
end)

H.test(':PixiBuildCancel without a running build says so', function()
  N.clear()
  vim.cmd('PixiBuildCancel')
  H.ok(N.last('no build is running'), 'notes: %s', vim.inspect(N.list))
end)

N.restore()
vim.fn.delete(tmp, 'rf')
H.finish()
