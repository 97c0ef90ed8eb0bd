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
-- No network on test machines: channel data (repodata fetching) stays off unless a test turns it on
-- (tests/test_channels.lua does, with a local file:// channel); otherwise `conda-forge` in the fixtures
-- would yield channel-unreachable warnings some time after opening.
vim.g.pixi_lsp = { cmd = cmd, progress = 'echo', settings = { channels = { enabled = false } } }
vim.cmd('runtime plugin/pixi_lsp.lua')
