-- Which buffers are pixi manifests, and where their workspace root is.
local M = {}

M.manifest_names = { 'pixi.toml', 'pyproject.toml' }

--- Does this text (a list of lines) have a `[tool.pixi` table (or `[[tool.pixi...`)?
---@param lines string[]
---@return boolean
function M.lines_have_tool_pixi(lines)
  for _, line in ipairs(lines) do
    if line:match('^%s*%[%[?%s*tool%.pixi[%]%.%s]') or line:match('^%s*%[%[?%s*tool%.pixi$') then
      return true
    end
  end
  return false
end

--- Is buffer `bufnr` a pixi manifest: pixi.toml, or pyproject.toml containing `[tool.pixi`?
---@param bufnr integer
---@return boolean
function M.is_manifest(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' then
    return false
  end
  local base = vim.fs.basename(name)
  if base == 'pixi.toml' then
    return true
  end
  if base == 'pyproject.toml' then
    local lines
    if vim.api.nvim_buf_is_loaded(bufnr) then
      lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
    else
      local ok, l = pcall(vim.fn.readfile, name)
      lines = ok and l or {}
    end
    return M.lines_have_tool_pixi(lines)
  end
  return false
end

--- Workspace root for a manifest buffer: the nearest directory with a pixi.lock or .pixi/ (the
--- workspace root of a multi-package workspace), else the manifest's own directory.
---@param bufnr integer
---@return string
function M.root(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local dir = vim.fs.dirname(name)
  local ws = vim.fs.root(name, { 'pixi.lock', '.pixi' })
  if ws then
    -- only if that workspace root also has a manifest
    for _, m in ipairs(M.manifest_names) do
      if vim.uv.fs_stat(vim.fs.joinpath(ws, m)) then
        return ws
      end
    end
  end
  -- nested list: equal priority (a top-level list would prefer any pixi.toml further up)
  return vim.fs.root(name, { M.manifest_names }) or dir
end

return M
