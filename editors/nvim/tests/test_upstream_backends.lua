-- :PixiPreviewRecipe and :PixiBuild with pixi's real backends (../shared/upstream-backends/bin, through the
-- `backends.overrides` setting) on recorded cases: rattler-build's multi-output recipe (the preview is the
-- user's recipe.yaml, headed by the outputs the backend rendered; the build makes both .conda files) and
-- cmake (the recipe it generates; its build needs conda-forge packages and fails naming them). Needs
-- ../shared beside the repository (CI has it); skipped with a note naming the folder when it is absent.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/helpers.lua')
local pixi = require('pixi_lsp')

local BUILD_TIMEOUT = tonumber(os.getenv('PIXI_LSP_TEST_BUILD_TIMEOUT_MS') or '') or 120000
local N = H.capture_notifications()

local U = H.upstream_backends()
local upstream, present, tmp, channel_url = U.dir, U.present, U.tmp, U.channel_url
local out_dir = tmp .. '/out'
local need_upstream, workspace = U.need, U.workspace

if present then
  pixi.update_settings({
    trusted = true,
    backends = {
      overrides = {
        ['pixi-build-rattler-build'] = upstream .. '/bin/pixi-build-rattler-build',
        ['pixi-build-cmake'] = upstream .. '/bin/pixi-build-cmake',
      },
      timeoutSeconds = 120,
      cacheDir = tmp .. '/backend-cache',
    },
    build = { outputDir = out_dir },
  })
end

local function buf_text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
end

--- :PixiPreviewRecipe in the current buffer; the preview buffer, or nil and the failure note.
local function run_preview()
  H.client(vim.api.nvim_get_current_buf())
  pixi.last_preview_buf = nil
  N.clear()
  vim.cmd('PixiPreviewRecipe')
  vim.wait(60000, function()
    return pixi.last_preview_buf ~= nil or N.last('pixi%-lsp%.previewRecipe failed') ~= nil
  end, 20)
  return pixi.last_preview_buf
end

--- :PixiBuild in the current buffer; the data of `User PixiBuildDone`.
local function run_build()
  H.client(vim.api.nvim_get_current_buf())
  local done
  local au = vim.api.nvim_create_autocmd('User', {
    pattern = 'PixiBuildDone',
    callback = function(ev) done = ev.data end,
  })
  N.clear()
  vim.cmd('PixiBuild')
  H.wait(BUILD_TIMEOUT, function() return done ~= nil end)
  vim.api.nvim_del_autocmd(au)
  H.ok(done, 'the build did not finish within %d ms; notes: %s', BUILD_TIMEOUT, vim.inspect(N.list))
  return done
end

H.test('rattler-build: the preview is the user\'s recipe rendered per output; the build makes both outputs', function()
  need_upstream()
  local dir = workspace('pixi-build-rattler-build', 'multi-output')
  H.open(dir .. '/pixi.toml')
  local pbuf = run_preview()
  H.ok(pbuf, 'no preview buffer; notes: %s', vim.inspect(N.list))
  local text = buf_text(pbuf)
  H.ok(text:find('# The backend generates no recipe: it builds your own, ' .. dir .. '/recipe.yaml.', 1, true),
    'the preview does not say it is the user\'s recipe:\n%s', text)
  H.ok(text:find('# Shown: that recipe rendered by rattler-build for each output', 1, true),
    'the preview does not say it is rendered:\n%s', text)
  for _, name in ipairs({ 'multi-lib', 'multi-app' }) do
    H.ok(text:find('# ' .. name .. ' 0.1.0 h4616a5c_0 (noarch); variant: target_platform=noarch', 1, true),
      'no output %s:\n%s', name, text)
    H.ok(text:find('package:\n  name: ' .. name .. '\n', 1, true), 'output %s not rendered:\n%s', name, text)
  end
  vim.cmd('silent! only')

  H.open(dir .. '/pixi.toml')
  local done = run_build()
  H.ok(done.result, 'the build failed: %s; notes: %s', vim.inspect(done), vim.inspect(N.list))
  local names = vim.tbl_map(vim.fs.basename, done.result.artifacts)
  H.eq({ 'multi-lib-0.1.0-h4616a5c_0.conda', 'multi-app-0.1.0-h4616a5c_0.conda' }, names, 'artifacts')
  for _, a in ipairs(done.result.artifacts) do
    H.ok(vim.uv.fs_stat(a) and vim.uv.fs_stat(a).size > 0, '%s does not exist', a)
  end
end)

H.test('cmake: the preview is the generated recipe; the build names the packages it cannot have', function()
  need_upstream()
  local dir = workspace('pixi-build-cmake', 'minimal')
  local buf = H.open(dir .. '/pixi.toml')
  local pbuf = run_preview()
  H.ok(pbuf, 'no preview buffer; notes: %s', vim.inspect(N.list))
  local recorded = table.concat(
    vim.fn.readfile(upstream .. '/recorded/pixi-build-cmake/minimal/debug/recipe.yaml'), '\n')
  local text = buf_text(pbuf):gsub(vim.pesc(dir), '/scratch/ws/pixi-build-cmake/minimal')
  H.eq(vim.trim(recorded), vim.trim(text), 'the recipe pixi-build-cmake wrote')
  vim.cmd('silent! only')

  buf = H.open(dir .. '/pixi.toml')
  local done = run_build()
  H.ok(done.error and not done.result, 'the build did not fail: %s', vim.inspect(done))
  local n = N.last('pixi%-lsp%.build failed')
  -- (the test channel has a cmake, not the compiler nor ninja)
  H.ok(n and n.msg:find('no package named `gxx_linux-64`, `ninja` in the channels', 1, true)
    and not n.msg:find('broke the protocol', 1, true),
    'no error naming the missing packages; notes: %s', vim.inspect(N.list))
  local ok, diags = H.wait_diagnostics(buf, function(d)
    return #vim.tbl_filter(function(x)
      return x.code == 'backend-error' and x.message:find('no package named', 1, true) ~= nil
    end, d) > 0
  end)
  H.ok(ok, 'no backend-error diagnostic naming the packages:\n    %s', H.format_diags(diags))
end)

H.finish()
