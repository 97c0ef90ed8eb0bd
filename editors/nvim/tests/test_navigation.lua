-- Go to definition (in the file and into the workspace manifest), rename, and the task lenses run
-- through the client's `pixi-lsp.runTask` in a real :terminal (a stand-in `pixi` script records argv).
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/helpers.lua')
local pixi = require('pixi_lsp')

local N = H.capture_notifications()

local root = [[
[workspace]
name = "root"
version = "1.0.0"
channels = ["conda-forge"]
platforms = ["linux-64"]
preview = ["pixi-build"]

[workspace.dependencies]
zlib = ">=1.3"

[tasks]
build = "make"
test = { cmd = "pytest", depends-on = ["build"] }

[feature.docs.tasks]
docs = "mkdocs build"

[environments]
docs = ["docs"]
]]

local package = [[
[package]
name = "a"
version = { workspace = true }

[package.build]
backend = { name = "pixi-build-cmake", version = "*" }

[package.host-dependencies]
zlib = { workspace = true }
]]

local ws = H.workspace({ ['pixi.toml'] = root, ['packages/a/pixi.toml'] = package })
local ran = ws .. '/ran.txt'
local fake_pixi = ws .. '/fake-pixi'
-- written whole, then renamed: the test never reads a half-written file
vim.fn.writefile({
  '#!/bin/sh',
  'printf "%s\\n" "$@" > ' .. vim.fn.shellescape(ran .. '.tmp'),
  'mv ' .. vim.fn.shellescape(ran .. '.tmp') .. ' ' .. vim.fn.shellescape(ran),
}, fake_pixi)
vim.fn.setfperm(fake_pixi, 'rwxr-xr-x')

local function cursor_at(buf, pattern, offset)
  local line = H.line_of(buf, pattern)
  local col = vim.api.nvim_buf_get_lines(buf, line - 1, line, false)[1]:find(pattern) - 1 + (offset or 0)
  vim.api.nvim_win_set_cursor(0, { line, col })
  return line
end

H.test('go to definition: depends-on → the task', function()
  local buf = H.open(ws .. '/pixi.toml')
  H.client(buf)
  cursor_at(buf, '%["build"%]', 3)
  vim.lsp.buf.definition()
  local want = H.line_of(buf, '^build = ')
  H.ok(vim.wait(H.timeout, function() return vim.api.nvim_win_get_cursor(0)[1] == want end, 10),
    'cursor at %s, expected line %d', vim.inspect(vim.api.nvim_win_get_cursor(0)), want)
end)

H.test('go to definition: { workspace = true } → the workspace manifest', function()
  local buf = H.open(ws .. '/packages/a/pixi.toml')
  H.client(buf)
  cursor_at(buf, '^zlib', 1)
  vim.lsp.buf.definition()
  local target = vim.fs.normalize(ws .. '/pixi.toml')
  H.ok(vim.wait(H.timeout, function()
    return vim.fs.normalize(vim.api.nvim_buf_get_name(0)) == target
  end, 10), 'still in %s', vim.api.nvim_buf_get_name(0))
  local line = vim.api.nvim_win_get_cursor(0)[1]
  H.eq('zlib = ">=1.3"', vim.api.nvim_buf_get_lines(0, line - 1, line, false)[1], 'target line')
end)

H.test('references: a workspace dependency across the workspace manifest and the package', function()
  local buf = H.open(ws .. '/packages/a/pixi.toml')
  H.client(buf)
  cursor_at(buf, '^zlib', 1)
  vim.fn.setqflist({}, ' ', { title = 'before' })
  vim.lsp.buf.references({ includeDeclaration = true })
  local filled = vim.wait(H.timeout, function() return vim.fn.getqflist({ title = 1 }).title == 'References' end, 10)
  local items = vim.fn.getqflist()
  vim.cmd('cclose')
  H.ok(filled, 'no References list')
  local got = {}
  for _, it in ipairs(items) do
    local file = vim.fs.normalize(vim.api.nvim_buf_get_name(it.bufnr)):sub(#vim.fs.normalize(ws) + 2)
    table.insert(got, ('%s:%d %s'):format(file, it.lnum, vim.trim(it.text)))
  end
  table.sort(got)
  H.eq({ 'packages/a/pixi.toml:9 zlib = { workspace = true }', 'pixi.toml:9 zlib = ">=1.3"' }, got, 'references')
end)

H.test('rename a feature rewrites its tables and the environment', function()
  local buf = H.open(ws .. '/pixi.toml')
  H.client(buf)
  cursor_at(buf, '%[feature%.docs', 9)
  vim.lsp.buf.rename('documentation')
  H.ok(vim.wait(H.timeout, function()
    return vim.tbl_contains(vim.api.nvim_buf_get_lines(buf, 0, -1, false), 'docs = ["documentation"]')
  end, 10), 'not renamed: %s', table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n'))
  H.ok(H.line_of(buf, '^%[feature%.documentation%.tasks%]'), 'header renamed')
  -- a taken name is refused with the server's message
  N.clear()
  cursor_at(buf, '^test = ', 0)
  vim.lsp.buf.rename('build')
  H.ok(vim.wait(H.timeout, function() return N.last('already exists') ~= nil end, 10),
    'no refusal shown; notes: %s', vim.inspect(N.list))
  vim.cmd('silent! write')
end)

-- The lenses as Neovim keeps them: refreshed, and those the server sends without their
-- command ("Run in environment…") resolved by Neovim's codeLens/resolve.
local function lenses(buf)
  H.client(buf)
  vim.lsp.codelens.refresh({ bufnr = buf })
  local got = {}
  local ok = vim.wait(H.timeout, function()
    got = vim.lsp.codelens.get(buf)
    if #got == 0 then return false end
    for _, l in ipairs(got) do
      if not l.command then return false end
    end
    return true
  end, 20)
  H.ok(ok, 'no resolved code lenses: %s', vim.inspect(got))
  return got
end

local function lens_on(buf, pattern, title)
  local line = H.line_of(buf, pattern)
  for _, l in ipairs(lenses(buf)) do
    if l.range.start.line == line - 1 and l.command.title == title then
      return l
    end
  end
  error(('no lens "%s" on line %d'):format(title, line))
end

local function run(buf, lens)
  local client = H.client(buf)
  client:exec_cmd(lens.command, { bufnr = buf })
end

local function ran_argv()
  local ok = vim.wait(H.timeout, function() return vim.fn.filereadable(ran) == 1 end, 20)
  H.ok(ok, 'the task did not run (no %s)', ran)
  local argv = vim.fn.readfile(ran)
  vim.fn.delete(ran)
  return argv
end

H.test('task lens ▶ Run runs `pixi run` in a terminal', function()
  pixi.options.pixi = fake_pixi
  local buf = H.open(ws .. '/pixi.toml')
  local lens = lens_on(buf, '^test = ', '▶ Run')
  H.eq('pixi-lsp.runTask', lens.command.command, 'command')
  local wins = #vim.api.nvim_list_wins()
  run(buf, lens)
  H.eq({ 'run', '--manifest-path', vim.fs.normalize(ws .. '/pixi.toml'), 'test' }, ran_argv(), 'argv')
  H.eq(wins + 1, #vim.api.nvim_list_wins(), 'a terminal window opened')
  H.eq('terminal', vim.bo.buftype, 'buftype')
  vim.cmd('close')
end)

H.test('task lens "Run in environment…" asks, then runs with -e', function()
  local buf = H.open(ws .. '/pixi.toml')
  local lens = lens_on(buf, '^test = ', 'Run in environment…')
  local offered
  local orig = vim.ui.select
  vim.ui.select = function(items, _, on_choice)
    offered = items
    on_choice('docs')
  end
  run(buf, lens)
  vim.ui.select = orig
  H.eq({ 'default', 'docs' }, offered, 'environments offered')
  H.eq({ 'run', '--manifest-path', vim.fs.normalize(ws .. '/pixi.toml'), '--environment', 'docs', 'test' },
    ran_argv(), 'argv')
  vim.cmd('close')
end)

H.test('a custom task_runner gets the argv; an untrusted workspace runs nothing', function()
  local buf = H.open(ws .. '/pixi.toml')
  local lens = lens_on(buf, '^build = ', '▶ Run')
  local got
  pixi.options.task_runner = function(cmd, task) got = { cmd = cmd, task = task } end
  run(buf, lens)
  pixi.options.task_runner = nil
  H.ok(got and got.task.task == 'build' and got.cmd[#got.cmd] == 'build', 'runner not called: %s', vim.inspect(got))
  pixi.update_settings({ trusted = false })
  N.clear()
  run(buf, lens)
  pixi.update_settings({ trusted = true })
  H.ok(N.last('not trusted'), 'no refusal; notes: %s', vim.inspect(N.list))
  vim.wait(300)
  H.eq(0, vim.fn.filereadable(ran), 'nothing ran')
end)

N.restore()
H.finish()
