-- Channel data in the editor: completion of backend names/versions and package names from a local
-- file:// test channel (built by `pixi-lsp-make-channel`), package checks, inlay hints, rewrites.
-- The server loads repodata in the background and answers `isIncomplete = true` until it has it, so
-- completion is retried (bounded: $PIXI_LSP_TEST_CHANNEL_TIMEOUT_MS, default 30 s).
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/helpers.lua')
local pixi = require('pixi_lsp')

local CHANNEL_TIMEOUT = tonumber(os.getenv('PIXI_LSP_TEST_CHANNEL_TIMEOUT_MS') or '') or 30000
local dump = {}

-- ---- the local channel --------------------------------------------------------------------------
local tmp = vim.fn.tempname()
vim.fn.mkdir(tmp, 'p')
local channel_url, channel_err = H.make_channel(tmp .. '/channel')

local manifest = {
  '[workspace]',
  'name = "demo"',
  ('channels = ["%s"]'):format(channel_url or 'file:///nonexistent'),
  'platforms = ["linux-64"]',
  'preview = ["pixi-build"]',
  '',
  '[package]',
  'name = "demo"',
  'version = "0.1.0"',
  '',
  '[package.build]',
  'backend = { name = "pixi-build-python", version = "*" }',
  '',
  '[package.host-dependencies]',
  'hatchling = "*"',
  '',
  '[dependencies]',
  'numpy = "*"',
  'python = "3.11.*"',
  'not-a-package = "*"',
  '',
}
local ws = H.workspace({ ['pixi.toml'] = manifest })

-- Channels on (the other test files keep them off), with a fresh repodata cache; inlay hints on.
pixi.update_settings({
  channels = { enabled = true, cacheDir = tmp .. '/cache', offline = false, timeoutSeconds = 10 },
  inlayHints = { enabled = true },
})

local function need_channel()
  H.ok(channel_url, 'no test channel: %s', channel_err)
end

--- Items of a completion result in the order the editor shows them (by sortText, then label).
local function sorted_items(result)
  local items = vim.deepcopy(result and (result.items or result) or {})
  table.sort(items, function(a, b)
    local sa, sb = a.sortText or a.label, b.sortText or b.label
    if sa ~= sb then
      return sa < sb
    end
    return a.label < b.label
  end)
  return items
end

local function labels_of(items)
  return vim.tbl_map(function(i) return i.label end, items)
end

local function diag_summary(buf)
  local t = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(t, ('%d:%d %s %s'):format(d.lnum + 1, d.col + 1, tostring(d.code), d.message))
  end
  return #t > 0 and table.concat(t, '\n      ') or '(none)'
end

--- Request completion at (line, col) until the answer is complete and pred(items) holds, or fail
--- after CHANNEL_TIMEOUT ms saying what the server last answered.
local function complete_until(buf, line, col, pred, what)
  local t0 = vim.uv.hrtime()
  local deadline = t0 + CHANNEL_TIMEOUT * 1e6
  local n, last, items = 0, nil, {}
  while true do
    n = n + 1
    local result, err = H.request(buf, 'textDocument/completion', H.pos(buf, line, col))
    H.ok(not err, '%s: completion error %s', what, vim.inspect(err))
    last = result
    items = sorted_items(result)
    local incomplete = type(result) == 'table' and result.isIncomplete == true
    if not incomplete and pred(items) then
      local ms = (vim.uv.hrtime() - t0) / 1e6
      io.stdout:write(('     %s: complete after %d request(s), %.0f ms\n'):format(what, n, ms))
      return items, ms
    end
    if vim.uv.hrtime() > deadline then
      local labels = table.concat(labels_of(items), ', ')
      if incomplete then
        error(('%s: the server never completed: isIncomplete stayed true for %d ms (%d requests); '
          .. 'last items: [%s]; diagnostics:\n      %s'):format(what, CHANNEL_TIMEOUT, n, labels, diag_summary(buf)), 0)
      end
      error(('%s: complete answer without the expected items after %d requests: [%s]; diagnostics:\n      %s')
        :format(what, n, labels, diag_summary(buf)), 0)
    end
    vim.wait(incomplete and 200 or 100, function() return false end)
  end
end

--- Put text on line `line` of buf and return the 0-based column of `|` (which is removed), if any.
local function set_line(buf, line, text)
  local bar = text:find('|', 1, true)
  local col = bar and bar - 1
  vim.api.nvim_buf_set_lines(buf, line - 1, line, false, { (text:gsub('|', '', 1)) })
  return col
end

--- Apply a completion item's textEdit the way the editor does and return the resulting line.
local function accept(buf, line, item)
  H.ok(item.textEdit, 'item %s has no textEdit', item.label)
  vim.lsp.util.apply_text_edits({ item.textEdit }, buf, 'utf-16')
  return vim.api.nvim_buf_get_lines(buf, line - 1, line, false)[1]
end

local buf

H.test('the local test channel is built and the settings reach the server', function()
  need_channel()
  io.stdout:write('     channel: ' .. channel_url .. '\n')
  buf = H.open(ws .. '/pixi.toml')
  local client = H.client(buf)
  local init = client.config.init_options
  H.eq(true, init.channels.enabled, 'init_options.channels.enabled')
  H.eq(tmp .. '/cache', init.channels.cacheDir, 'init_options.channels.cacheDir')
  H.eq(10, init.channels.timeoutSeconds, 'init_options.channels.timeoutSeconds')
  H.eq(true, init.inlayHints.enabled, 'init_options.inlayHints.enabled')
end)

H.test('backend = { name = "pixi-build-| } offers the backends of the channel', function()
  need_channel()
  local line = H.line_of(buf, '^backend =')
  local col = set_line(buf, line, 'backend = { name = "pixi-build-|" }')
  local items = complete_until(buf, line, col, function(items)
    return vim.tbl_contains(labels_of(items), 'pixi-build-python')
  end, 'backend names')
  local labels = labels_of(items)
  dump.backend_names = labels
  dump.backend_name_items = vim.tbl_map(function(i) return { i.label, i.detail, i.sortText } end, items)
  io.stdout:write('     ' .. table.concat(labels, ', ') .. '\n')
  for _, b in ipairs({ 'python', 'cmake', 'rust', 'rattler-build', 'ros', 'mojo', 'r' }) do
    H.ok(vim.tbl_contains(labels, 'pixi-build-' .. b), 'pixi-build-%s missing from [%s]', b, table.concat(labels, ', '))
  end
  H.ok(labels[1]:find('^pixi%-build%-'), 'backends are not listed first: %s', labels[1])
  local python
  for _, it in ipairs(items) do
    if it.label == 'pixi-build-python' then
      python = it
    end
  end
  -- the server knows the pixi-build-* names without channel data too (its backend registry comes
  -- first); what the channel adds is the complete answer (complete_until waits for it) and no
  -- channel-unreachable warning
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    H.ok(d.code ~= 'channel-unreachable', 'the local channel is reported unreachable: %s', d.message)
  end
  H.eq('backend = { name = "pixi-build-python" }', accept(buf, line, python), 'line after accepting pixi-build-python')
end)

H.test('backend = { name = "pixi-build-python", version = "|" } offers 0.4.*-style specs, newest first', function()
  need_channel()
  local line = H.line_of(buf, '^backend =')
  local col = set_line(buf, line, 'backend = { name = "pixi-build-python", version = "|" }')
  local items = complete_until(buf, line, col, function(items) return #items > 0 end, 'backend versions')
  local labels = labels_of(items)
  dump.backend_versions = labels
  io.stdout:write('     ' .. table.concat(labels, ', ') .. '\n')
  H.eq('0.4.*', labels[1], 'first (newest) suggestion')
  local series = vim.tbl_filter(function(l) return l:find('^%d+%.%d+%.%*$') ~= nil end, labels)
  H.eq({ '0.4.*', '0.3.*', '0.2.*', '0.1.*' }, series, 'X.Y.* series, newest first')
  H.ok(vim.tbl_contains(labels, '>=0.4,<0.5'), 'no >=0.4,<0.5 in [%s]', table.concat(labels, ', '))
  -- the rolling build is offered only as an exact pin, marked as such
  local rolling
  for _, it in ipairs(items) do
    if it.label == '==0.4.2.20260301.1234.abcdef1' then
      rolling = it
    end
  end
  H.ok(rolling and (rolling.detail or ''):find('rolling'), 'rolling build pin missing or unmarked: %s',
    vim.inspect(rolling))
  H.eq('0.4.1', items[1].detail and items[1].detail:match('newest: (%S+)'), 'newest version admitted by 0.4.*')
  H.eq('backend = { name = "pixi-build-python", version = "0.4.*" }', accept(buf, line, items[1]), 'line after accepting')
end)

H.test('[dependencies] num| offers numpy; numpy = "|" offers its versions', function()
  need_channel()
  local line = H.line_of(buf, '^numpy =')
  local col = set_line(buf, line, 'num|')
  local items = complete_until(buf, line, col, function(items)
    return vim.tbl_contains(labels_of(items), 'numpy')
  end, 'dependency names')
  dump.dependency_names = labels_of(items)
  H.eq('numpy', items[1].label, 'first suggestion for "num"')
  H.eq('numpy', accept(buf, line, items[1]), 'line after accepting numpy')
  col = set_line(buf, line, 'numpy = "|"')
  items = complete_until(buf, line, col, function(i) return #i > 0 end, 'numpy versions')
  dump.numpy_versions = labels_of(items)
  H.eq('2.0.*', items[1].label, 'newest numpy series')
  H.ok(vim.tbl_contains(labels_of(items), '1.26.*'), 'no 1.26.* in [%s]', table.concat(labels_of(items), ', '))
  set_line(buf, line, 'numpy = "*"')
end)

H.test('package checks against the channel: package-not-found, no channel-unreachable', function()
  need_channel()
  local lnum = H.line_of(buf, '^not%-a%-package')
  -- diagnostics are published a little after each edit: wait for those of the current text
  -- (exactly one package-not-found, on not-a-package), not the ones of the edits above
  local ok = H.wait_diagnostics(buf, function(d)
    local hits = vim.tbl_filter(function(x) return x.code == 'package-not-found' end, d)
    return #hits == 1 and hits[1].lnum + 1 == lnum
  end, CHANNEL_TIMEOUT)
  dump.diagnostics = diag_summary(buf)
  H.ok(ok, 'expected one package-not-found, on line %d; diagnostics:\n      %s', lnum, diag_summary(buf))
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    H.ok(d.code ~= 'channel-unreachable', 'the local channel is reported unreachable: %s', d.message)
  end
end)

H.test('inlay hints (inlayHints.enabled) show the newest admitted version; shown in the buffer', function()
  need_channel()
  H.ok(vim.lsp.inlay_hint.is_enabled({ bufnr = buf }), 'vim.lsp.inlay_hint not enabled for the buffer')
  local lnum = H.line_of(buf, '^numpy =')
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = 0, character = 0 }, ['end'] = { line = vim.api.nvim_buf_line_count(buf), character = 0 } } }
  local hints
  local ok = vim.wait(CHANNEL_TIMEOUT, function()
    hints = H.request(buf, 'textDocument/inlayHint', params) or {}
    for _, h in ipairs(hints) do
      if h.position.line + 1 == lnum then
        return true
      end
    end
    return false
  end, 200)
  dump.inlay_hints = hints
  H.ok(ok, 'no inlay hint on the numpy line: %s', vim.inspect(hints))
  for _, h in ipairs(hints) do
    if h.position.line + 1 == lnum then
      local label = type(h.label) == 'string' and h.label or h.label[1].value
      H.ok(label:find('2.0.0', 1, true), 'numpy = "*" hint: %s', label)
    end
  end
end)

H.test('code actions (refactor.rewrite) update and pin a version', function()
  need_channel()
  local lnum = H.line_of(buf, '^numpy =')
  set_line(buf, lnum, 'numpy = "1.26.*"')
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = lnum - 1, character = 1 }, ['end'] = { line = lnum - 1, character = 1 } },
    context = { diagnostics = {}, only = { 'refactor.rewrite' } } }
  local titles = {}
  local update
  local ok = vim.wait(CHANNEL_TIMEOUT, function()
    titles = {}
    for _, a in ipairs(H.request(buf, 'textDocument/codeAction', params) or {}) do
      table.insert(titles, a.title)
      if a.title:find('^Update `numpy`') then
        update = a
      end
    end
    return update ~= nil
  end, 200)
  dump.code_actions = titles
  H.ok(ok, 'no "Update `numpy`" action; got: %s', vim.inspect(titles))
  H.eq('refactor.rewrite', update.kind, 'kind')
  vim.lsp.util.apply_workspace_edit(update.edit, 'utf-16')
  local text = vim.api.nvim_buf_get_lines(buf, lnum - 1, lnum, false)[1]
  H.eq('numpy = "2.0.*"', text, 'after the update')
  io.stdout:write(('     %s -> %s\n'):format(update.title, text))
  -- a spec wider than one series: pin it to the newest admitted series
  set_line(buf, lnum, 'numpy = ">=1"')
  local pin
  ok = vim.wait(CHANNEL_TIMEOUT, function()
    titles = {}
    for _, a in ipairs(H.request(buf, 'textDocument/codeAction', params) or {}) do
      table.insert(titles, a.title)
      if a.title:find('^Pin `numpy`') then
        pin = a
      end
    end
    return pin ~= nil
  end, 200)
  H.ok(ok, 'no "Pin `numpy`" action for >=1; got: %s', vim.inspect(titles))
  vim.lsp.util.apply_workspace_edit(pin.edit, 'utf-16')
  text = vim.api.nvim_buf_get_lines(buf, lnum - 1, lnum, false)[1]
  H.eq('numpy = "2.0.*"', text, 'after pinning')
  io.stdout:write(('     %s -> %s\n'):format(pin.title, text))
end)

H.artifact('nvim-channels.json', dump)
vim.fn.delete(tmp, 'rf')
H.finish()
