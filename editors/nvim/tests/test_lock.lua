-- pixi.lock in Neovim: locked versions as inlay hints, information diagnostics where the lock no longer
-- satisfies the manifest, and the lock re-read when it changes on disk (Neovim's file watcher →
-- workspace/didChangeWatchedFiles, registered by the server for **/pixi.lock).
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/helpers.lua')

local manifest = [[
[workspace]
channels = ["conda-forge"]
platforms = ["linux-64"]

[dependencies]
zlib = ">=1.3"
]]

local function lock(version, build)
  local url = ('https://conda.anaconda.org/conda-forge/linux-64/zlib-%s-%s.conda'):format(version, build)
  return table.concat({
    'version: 6',
    'environments:',
    '  default:',
    '    channels:',
    '    - url: https://conda.anaconda.org/conda-forge/',
    '    packages:',
    '      linux-64:',
    '      - conda: ' .. url,
    'packages:',
    '- conda: ' .. url,
    '  sha256: 5d7c0e5f0005f74112a34a7425179f4eb6e73c92f5d109e6af4ddeca407c92ab',
    '  md5: c9f075ab2f33b3bbee9e62d4ad0a6cd8',
    '  license: Zlib',
    '  size: 92286',
    '',
  }, '\n')
end

local ws = H.workspace({ ['pixi.toml'] = manifest, ['pixi.lock'] = lock('1.2.13', 'h4ab18f5_6') })

local function lock_codes(diags)
  local codes = {}
  for _, d in ipairs(diags) do
    if type(d.code) == 'string' and d.code:find('^lock%-') then
      table.insert(codes, d.code)
    end
  end
  table.sort(codes)
  return codes
end

H.test('an outdated lock is an information diagnostic; the locked version is an inlay hint', function()
  local buf = H.open(ws .. '/pixi.toml')
  H.client(buf)
  local ok, diags = H.wait_diagnostics(buf, function(d) return #lock_codes(d) > 0 end)
  H.ok(ok, 'no lock diagnostics: %s', H.format_diags(diags))
  H.eq({ 'lock-unsatisfied' }, lock_codes(diags), 'lock codes')
  for _, d in ipairs(diags) do
    if d.code == 'lock-unsatisfied' then
      H.eq(vim.diagnostic.severity.INFO, d.severity, 'severity')
    end
  end
  local hints = H.request(buf, 'textDocument/inlayHint', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = 0, character = 0 }, ['end'] = { line = 10, character = 0 } },
  })
  H.eq(' 🔒 1.2.13', hints and hints[1] and hints[1].label, 'hint label')
end)

H.test('pixi.lock changed on disk: read again through the file watcher', function()
  local buf = H.open(ws .. '/pixi.toml')
  H.client(buf)
  vim.fn.writefile(vim.split(lock('1.3.1', 'hb9d3cd8_2'), '\n', { plain = true }), ws .. '/pixi.lock')
  local label
  local ok = vim.wait(15000, function()
    local hints = H.request(buf, 'textDocument/inlayHint', {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      range = { start = { line = 0, character = 0 }, ['end'] = { line = 10, character = 0 } },
    })
    label = hints and hints[1] and hints[1].label
    return label == ' 🔒 1.3.1'
  end, 200)
  H.ok(ok, 'hint still %s after the lock changed', tostring(label))
  local settled, diags = H.wait_diagnostics(buf, function(d) return #lock_codes(d) == 0 end)
  H.ok(settled, 'still outdated after the lock changed: %s', H.format_diags(diags))
end)

H.finish()
