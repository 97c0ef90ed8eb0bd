-- Diagnostics for broken [package.build] tables arrive at the right line.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/helpers.lua')

local ws = H.workspace({
  ['string/pixi.toml'] = H.fixtures.backend_string,
  ['unknown/pixi.toml'] = H.fixtures.unknown_build_key,
  ['ok/pixi.toml'] = H.fixtures.package_ok,
  ['py/pyproject.toml'] = H.fixtures.pyproject_pixi,
  ['syntax/pixi.toml'] = '[workspace]\nname = "x"\nchannels = ["conda-forge"]\nplatforms = ["linux-64"]\n\n[dependencies\n',
})
local dump = {}

local function on_line(lnum)
  return function(d)
    for _, x in ipairs(d) do
      if x.lnum + 1 == lnum then
        return true
      end
    end
    return false
  end
end

local function expect_at(path, pattern, what)
  local buf = H.open(path)
  H.client(buf)
  local lnum = H.line_of(buf, pattern)
  local ok, diags = H.wait_diagnostics(buf, on_line(lnum))
  dump[path] = diags
  H.ok(ok, 'no diagnostic on line %d (%s); got:\n    %s', lnum, what, H.format_diags(diags))
  for _, d in ipairs(diags) do
    if d.lnum + 1 == lnum then
      io.stdout:write(('     %d:%d %s\n'):format(d.lnum + 1, d.col + 1, d.message:gsub('\n', ' | ')))
      H.ok(d.severity <= vim.diagnostic.severity.WARN, 'severity %s', d.severity)
    end
  end
  return buf
end

H.test('backend given as a string: diagnostic on the backend line', function()
  expect_at(ws .. '/string/pixi.toml', '^backend = "pixi%-build%-python"', 'backend string')
end)

H.test('unknown key in [package.build]: diagnostic on that key', function()
  local buf = expect_at(ws .. '/unknown/pixi.toml', '^bogus%-key', 'unknown key')
  local lnum = H.line_of(buf, '^bogus%-key')
  local found = false
  for _, d in ipairs(vim.diagnostic.get(buf, { lnum = lnum - 1 })) do
    found = found or d.col == 0
  end
  H.ok(found, 'diagnostic should start at the key (column 1)')
end)

H.test('[tool.pixi.package.build] in pyproject.toml: diagnostic on the backend line', function()
  expect_at(ws .. '/py/pyproject.toml', '^backend = "pixi%-build%-python"', 'pyproject backend string')
end)

H.test('valid package manifest: no errors', function()
  local buf = H.open(ws .. '/ok/pixi.toml')
  H.client(buf)
  -- no "diagnostics done" signal in push mode: give the server a moment, then look
  vim.wait(1000, function() return false end, 50)
  local errors = vim.diagnostic.get(buf, { severity = vim.diagnostic.severity.ERROR })
  dump.ok = errors
  H.eq(0, #errors, 'errors: ' .. H.format_diags(errors))
end)

H.test('editing fixes the diagnostic (didChange round trip)', function()
  local buf = H.open(ws .. '/string/pixi.toml')
  H.client(buf)
  local lnum = H.line_of(buf, '^backend = "pixi%-build%-python"')
  H.ok(H.wait_diagnostics(buf, on_line(lnum)), 'precondition: diagnostic present')
  vim.api.nvim_buf_set_lines(buf, lnum - 1, lnum, false, { 'backend = { name = "pixi-build-python", version = "*" }' })
  local ok, diags = H.wait_diagnostics(buf, function(d) return not on_line(lnum)(d) end)
  H.ok(ok, 'diagnostic still there after the fix:\n    %s', H.format_diags(diags))
end)

H.test('diagnostics.generic = false silences generic TOML syntax errors (didChangeConfiguration)', function()
  local buf = H.open(ws .. '/syntax/pixi.toml')
  H.client(buf)
  local ok, diags = H.wait_diagnostics(buf)
  H.ok(ok, 'no syntax diagnostic with generic = true')
  dump.syntax = diags
  require('pixi_lsp').update_settings({ diagnostics = { generic = false } })
  -- the server re-publishes on a settings change; nudge it with an edit too
  vim.api.nvim_buf_set_lines(buf, -1, -1, false, { '' })
  local gone, after = H.wait_diagnostics(buf, function(d) return #d == 0 end, 5000)
  require('pixi_lsp').update_settings({ diagnostics = { generic = true } })
  H.ok(gone, 'generic diagnostics remain with generic = false:\n    %s', H.format_diags(after))
end)

H.artifact('nvim-diagnostics.json', dump)
H.finish()
