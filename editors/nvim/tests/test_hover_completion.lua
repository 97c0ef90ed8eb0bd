-- Hover on a key shows documentation; completion inside [package.build] offers `backend`.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/helpers.lua')

local ws = H.workspace({
  ['pixi.toml'] = H.fixtures.package_ok,
  ['empty-build/pixi.toml'] = H.fixtures.package_ok:gsub('backend = [^\n]*\n', '\n'),
})
local dump = {}

H.test('hover on `backend` in [package.build] shows docs', function()
  local buf = H.open(ws .. '/pixi.toml')
  H.client(buf)
  local line = H.line_of(buf, '^backend =')
  local result, err = H.request(buf, 'textDocument/hover', H.pos(buf, line, 2))
  H.ok(not err, 'hover error: %s', vim.inspect(err))
  local text = H.hover_text(result)
  dump.hover_backend = text
  H.ok(#text > 0, 'empty hover')
  H.ok(text:lower():find('backend', 1, true), 'hover does not mention backend: %s', text)
  io.stdout:write('     ' .. text:gsub('\n', ' | '):sub(1, 160) .. '\n')
end)

H.test('hover on `[package]` header / `name` key shows docs', function()
  local buf = H.open(ws .. '/pixi.toml')
  H.client(buf)
  local line = H.line_of(buf, '^channels =')
  local result = H.request(buf, 'textDocument/hover', H.pos(buf, line, 1))
  dump.hover_channels = H.hover_text(result)
  H.ok(#H.hover_text(result) > 0, 'empty hover on channels')
end)

H.test('completion on an empty line in [package.build] offers backend', function()
  local buf = H.open(ws .. '/empty-build/pixi.toml')
  H.client(buf)
  local line = H.line_of(buf, '^%[package%.build%]') + 1
  H.eq('', vim.api.nvim_buf_get_lines(buf, line - 1, line, false)[1], 'fixture line')
  local result, err = H.request(buf, 'textDocument/completion', H.pos(buf, line, 0))
  H.ok(not err, 'completion error: %s', vim.inspect(err))
  local labels = H.completion_labels(result)
  dump.completion_labels = labels
  H.ok(vim.tbl_contains(labels, 'backend'), 'no `backend` in completion: %s', table.concat(labels, ', '))
  io.stdout:write('     ' .. table.concat(labels, ', '):sub(1, 160) .. '\n')
end)

H.test('completion after typing a prefix in [package.build]', function()
  local buf = H.open(ws .. '/empty-build/pixi.toml')
  H.client(buf)
  local line = H.line_of(buf, '^%[package%.build%]') + 1
  vim.api.nvim_buf_set_lines(buf, line - 1, line, false, { 'ba' })
  local result = H.request(buf, 'textDocument/completion', H.pos(buf, line, 2))
  local labels = H.completion_labels(result)
  H.ok(vim.tbl_contains(labels, 'backend'), 'no `backend` after "ba": %s', table.concat(labels, ', '))
  vim.cmd('silent! undo')
end)

H.test('documentSymbol lists the tables', function()
  local buf = H.open(ws .. '/pixi.toml')
  H.client(buf)
  local result, err = H.request(buf, 'textDocument/documentSymbol', { textDocument = { uri = vim.uri_from_bufnr(buf) } })
  H.ok(not err, 'documentSymbol error: %s', vim.inspect(err))
  local names = {}
  for _, s in ipairs(result or {}) do
    table.insert(names, s.name)
  end
  dump.symbols = names
  H.ok(#names > 0, 'no symbols')
end)

H.artifact('nvim-hover-completion.json', dump)
H.finish()
