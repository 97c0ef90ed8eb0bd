-- :PixiPreviewRecipe, :PixiBuild, :PixiBuildLog. Tests of features the server does not advertise yet
-- (executeCommandProvider.commands) are skipped; the "not supported yet" message is tested instead.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/helpers.lua')
local pixi = require('pixi_lsp')

-- Optional: settings for a build backend the test can run, e.g.
-- PIXI_LSP_TEST_SETTINGS='{"backends":{"overrideAll":"/path/to/fake-backend"}}'
if os.getenv('PIXI_LSP_TEST_SETTINGS') then
  pixi.update_settings(vim.json.decode(os.getenv('PIXI_LSP_TEST_SETTINGS')))
end

local notes = {}
local orig_notify = vim.notify
vim.notify = function(msg, level)
  table.insert(notes, { msg = msg, level = level })
end
local function last_note(pattern)
  for i = #notes, 1, -1 do
    if notes[i].msg:find(pattern) then
      return notes[i]
    end
  end
end

local ws = H.workspace({
  ['pixi.toml'] = H.fixtures.package_ok,
  ['other.toml'] = H.fixtures.other_toml,
  ['pyproject.toml'] = H.fixtures.pyproject_plain,
})

local function supports(buf, command)
  local client = H.client(buf)
  local p = client.server_capabilities.executeCommandProvider
  return p and vim.tbl_contains(p.commands or {}, command)
end

H.test('commands exist', function()
  for _, c in ipairs({ 'PixiPreviewRecipe', 'PixiBuild', 'PixiBuildLog', 'PixiBuildCancel' }) do
    H.eq(2, vim.fn.exists(':' .. c), ':' .. c)
  end
end)

H.test('without a pixi manifest the commands say so', function()
  H.open(ws .. '/other.toml')
  notes = {}
  vim.cmd('PixiBuild')
  local n = last_note('no pixi%-lsp client')
  H.ok(n and n.level == vim.log.levels.WARN, 'no warning; notes: %s', vim.inspect(notes))
  vim.cmd('PixiPreviewRecipe')
  H.ok(last_note('no pixi%-lsp client'), 'no warning for preview')
end)

for _, spec in ipairs({
  { cmd = 'PixiPreviewRecipe', command = 'pixi-lsp.previewRecipe' },
  { cmd = 'PixiBuild', command = 'pixi-lsp.build' },
  { cmd = 'PixiBuildLog', command = 'pixi-lsp.openBuildLog' },
}) do
  H.test((':%s on a server without %s says "not supported yet"'):format(spec.cmd, spec.command), function()
    local buf = H.open(ws .. '/pixi.toml')
    if supports(buf, spec.command) then
      H.skip('server supports ' .. spec.command)
    end
    notes = {}
    vim.cmd(spec.cmd)
    local n = last_note('does not support')
    H.ok(n, 'no "does not support" message; notes: %s', vim.inspect(notes))
    H.ok(n.msg:find(spec.command, 1, true), 'message names the command: %s', n.msg)
  end)
end

H.test(':PixiPreviewRecipe opens a read-only YAML buffer', function()
  local buf = H.open(ws .. '/pixi.toml')
  if not supports(buf, 'pixi-lsp.previewRecipe') then
    H.skip('server does not advertise pixi-lsp.previewRecipe yet')
  end
  pixi.last_preview_buf = nil
  notes = {}
  vim.cmd('PixiPreviewRecipe')
  local ok = vim.wait(60000, function() return pixi.last_preview_buf ~= nil or last_note('failed') ~= nil end, 20)
  H.ok(ok and pixi.last_preview_buf, 'no preview buffer; notes: %s', vim.inspect(notes))
  local pbuf = pixi.last_preview_buf
  H.eq('yaml', vim.bo[pbuf].filetype, 'filetype')
  H.eq(false, vim.bo[pbuf].modifiable, 'modifiable')
  local text = table.concat(vim.api.nvim_buf_get_lines(pbuf, 0, -1, false), '\n')
  H.artifact('nvim-recipe.yaml', text)
  H.ok(text:find('package', 1, true), 'recipe has no package section:\n%s', text)
  H.ok(vim.api.nvim_buf_get_name(pbuf):find('^pixi%-recipe:'), 'buffer name %s', vim.api.nvim_buf_get_name(pbuf))
  -- refresh through pixi/recipeContent keeps the same buffer
  vim.api.nvim_set_current_buf(pbuf)
  vim.cmd('PixiPreviewRecipe')
  vim.wait(2000, function() return false end, 50)
  H.eq(pbuf, vim.fn.bufnr(vim.api.nvim_buf_get_name(pbuf)), 'same buffer after refresh')
end)

H.test(':PixiBuild reports $/progress and the artifacts; :PixiBuildLog opens the log', function()
  local buf = H.open(ws .. '/pixi.toml')
  if not supports(buf, 'pixi-lsp.build') then
    H.skip('server does not advertise pixi-lsp.build yet')
  end
  if not os.getenv('PIXI_LSP_TEST_SETTINGS') then
    H.skip('set PIXI_LSP_TEST_SETTINGS to a backend the test can run')
  end
  local progress = {}
  vim.api.nvim_create_autocmd('LspProgress', {
    callback = function(ev) table.insert(progress, ev.data.params) end,
  })
  local result
  local _, token = pixi.build({ on_result = function(r) result = r end })
  H.ok(token, 'build was not started; notes: %s', vim.inspect(notes))
  local ok = vim.wait(300000, function() return result ~= nil or last_note('failed') ~= nil end, 50)
  H.ok(ok and result, 'build did not finish; notes: %s', vim.inspect(notes))
  local kinds = {}
  for _, p in ipairs(progress) do
    if p.token == token then
      kinds[p.value.kind] = true
    end
  end
  H.ok(kinds.begin and kinds['end'], 'no begin/end $/progress for token %s: %s', token, vim.inspect(progress))
  H.ok(type(result.artifacts) == 'table', 'artifacts: %s', vim.inspect(result))
  vim.cmd('PixiBuildLog')
  vim.wait(5000, function() return vim.api.nvim_buf_get_name(0) == result.log end, 20)
  H.eq(result.log, vim.api.nvim_buf_get_name(0), 'log buffer')
end)

vim.notify = orig_notify
H.finish()
