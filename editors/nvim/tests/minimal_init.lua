-- nvim --headless --clean -u tests/minimal_init.lua -l tests/<x>.lua
-- Only this plugin on the runtimepath. The server under test: $PIXI_LSP_BIN (a path), or
-- $PIXI_LSP_CMD (a command line, e.g. "tombi lsp --offline" for a stand-in).
local root = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h')
vim.opt.runtimepath:prepend(root)
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'
vim.cmd('filetype on')
local cmd
if os.getenv('PIXI_LSP_CMD') then
  cmd = vim.split(os.getenv('PIXI_LSP_CMD'), ' ', { trimempty = true })
elseif os.getenv('PIXI_LSP_BIN') then
  cmd = { os.getenv('PIXI_LSP_BIN') }
end
vim.g.pixi_lsp = { cmd = cmd, progress = 'echo' }
vim.cmd('runtime plugin/pixi_lsp.lua')
