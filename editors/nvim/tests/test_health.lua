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

H.finish()
