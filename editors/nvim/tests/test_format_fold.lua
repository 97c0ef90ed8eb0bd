-- Formatting (vim.lsp.buf.format) and folding (vim.lsp.foldexpr) in a real Neovim.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/helpers.lua')

local messy = table.concat({
  '# a demo',
  '# manifest',
  '[workspace]   # ws',
  'name   =  "demo"',
  'channels=[ "conda-forge" ]',
  'platforms = ["linux-64",',
  '"osx-arm64"]',
  '[dependencies]',
  'python   = ">=3.11"  # pinned',
}, '\n')
local formatted = {
  '# a demo',
  '# manifest',
  '[workspace]   # ws',
  'name = "demo"',
  'channels = ["conda-forge"]',
  'platforms = [',
  '  "linux-64",',
  '  "osx-arm64",',
  ']',
  '',
  '[dependencies]',
  'python = ">=3.11"  # pinned',
}
local dump = {}

H.test('vim.lsp.buf.format formats the manifest, and again changes nothing', function()
  local ws = H.workspace({ ['pixi.toml'] = messy })
  local buf = H.open(ws .. '/pixi.toml')
  H.client(buf)
  vim.lsp.buf.format({ bufnr = buf, async = false, timeout_ms = H.timeout })
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  dump.formatted = lines
  H.eq(formatted, lines, 'formatted buffer')
  local tick = vim.api.nvim_buf_get_changedtick(buf)
  vim.lsp.buf.format({ bufnr = buf, async = false, timeout_ms = H.timeout })
  H.eq(tick, vim.api.nvim_buf_get_changedtick(buf), 'changedtick after a second format')
end)

H.test('range formatting formats only the selected line', function()
  local ws = H.workspace({ ['pixi.toml'] = messy })
  local buf = H.open(ws .. '/pixi.toml')
  H.client(buf)
  local line = H.line_of(buf, '^channels=')
  vim.lsp.buf.format({ bufnr = buf, async = false, timeout_ms = H.timeout, range = { start = { line, 0 }, ['end'] = { line, 5 } } })
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  H.eq('channels = ["conda-forge"]', lines[line], 'the selected line')
  H.eq('name   =  "demo"', lines[line - 1], 'the line above, untouched')
end)

H.test('formatting.enable = false leaves the buffer alone', function()
  local ws = H.workspace({ ['pixi.toml'] = messy })
  local buf = H.open(ws .. '/pixi.toml')
  H.client(buf)
  require('pixi_lsp').update_settings({ formatting = { enable = false } })
  local tick = vim.api.nvim_buf_get_changedtick(buf)
  vim.lsp.buf.format({ bufnr = buf, async = false, timeout_ms = H.timeout })
  require('pixi_lsp').update_settings({ formatting = { enable = true } })
  H.eq(tick, vim.api.nvim_buf_get_changedtick(buf), 'changedtick with formatting off')
end)

H.test('vim.lsp.foldexpr folds tables, multi-line arrays and comment blocks', function()
  local ws = H.workspace({ ['pixi.toml'] = formatted })
  local buf = H.open(ws .. '/pixi.toml')
  H.client(buf)
  local win = vim.api.nvim_get_current_win()
  vim.wo[win].foldmethod = 'expr'
  vim.wo[win].foldexpr = 'v:lua.vim.lsp.foldexpr()'
  vim.wo[win].foldlevel = 99
  local array = H.line_of(buf, '^  "linux%-64"')
  -- the ranges arrive asynchronously; the fold levels follow
  local ok = vim.wait(H.timeout, function()
    return vim.fn.foldlevel(array) >= 2
  end, 20)
  local levels = {}
  for l = 1, vim.api.nvim_buf_line_count(buf) do
    levels[l] = vim.fn.foldlevel(l)
  end
  dump.fold_levels = levels
  H.ok(ok, 'no nested fold inside the platforms array: %s', vim.inspect(levels))
  H.ok(vim.fn.foldlevel(1) >= 1, 'the comment block does not fold: %s', vim.inspect(levels))
  H.ok(vim.fn.foldlevel(H.line_of(buf, '^python')) >= 1, '[dependencies] does not fold: %s', vim.inspect(levels))
  vim.cmd('normal! zM')
  H.eq(H.line_of(buf, '^%[workspace%]'), vim.fn.foldclosed(array), 'the closed fold holding the array starts at')
end)

H.artifact('nvim-format-fold.json', dump)
H.finish()
