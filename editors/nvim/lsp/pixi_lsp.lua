-- Runtime LSP config (Neovim >= 0.11): `vim.lsp.enable('pixi_lsp')` finds this file on the runtimepath.
return require('pixi_lsp').config()
