if vim.g.loaded_pixi_lsp then
  return
end
vim.g.loaded_pixi_lsp = true
if vim.fn.has('nvim-0.11') == 0 then
  vim.notify('pixi_lsp needs Neovim >= 0.11', vim.log.levels.WARN)
  return
end
local pixi = require('pixi_lsp')
pixi.create_commands()
-- vim.g.pixi_lsp = { cmd = {...}, settings = {...} } configures; vim.g.pixi_lsp = false disables the
-- automatic setup (then call require('pixi_lsp').setup(opts) yourself).
if vim.g.pixi_lsp ~= false then
  pixi.setup(type(vim.g.pixi_lsp) == 'table' and vim.g.pixi_lsp or {})
end
