-- :PixiPreviewVariant, :PixiCompareVariants and :PixiBuildVariant with pixi's real backends
-- (../shared/upstream-backends/bin, through the `backends.overrides` setting):
--   - pixi-build-cmake on its recorded minimal case with a 2 × 2 `[workspace.build-variants]`
--     (cxx_compiler gxx/clangxx × cxx_compiler_version 13/14): four output variants with the build
--     strings of the recorded transcript; its builds need conda-forge packages, so they fail naming them;
--   - pixi-build-rattler-build on a recipe using a `flavor` variant key: two variants that build offline.
-- vim.ui.select is the user's picker (telescope, fzf-lua, … replace it); here a stand-in records what it
-- is offered and picks. Skipped, naming the folder, when ../shared is absent.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/helpers.lua')
local pixi = require('pixi_lsp')
local variants = require('pixi_lsp.variants')

local BUILD_TIMEOUT = tonumber(os.getenv('PIXI_LSP_TEST_BUILD_TIMEOUT_MS') or '') or 120000
local N = H.capture_notifications()

local U = H.upstream_backends()
local upstream, present, tmp, channel_url = U.dir, U.present, U.tmp, U.channel_url
local out_dir = tmp .. '/out'
local need_upstream = U.need

local function read(path)
  return table.concat(vim.fn.readfile(path, 'b'), '\n')
end

local function write(path, text)
  vim.fn.mkdir(vim.fs.dirname(path), 'p')
  vim.fn.writefile(vim.split(text, '\n', { plain = true }), path, 'b')
end

local chan = (channel_url or ''):gsub('/$', '')

-- the recorded cmake case with the 2 × 2 variant configuration
local cmake_dir = tmp .. '/ws/pixi-build-cmake/minimal'
-- a rattler-build recipe whose script uses the `flavor` key: one output per flavor
local flavor_dir = tmp .. '/ws/flavor'
if present then
  U.workspace('pixi-build-cmake', 'minimal')
  write(cmake_dir .. '/pixi.toml', read(cmake_dir .. '/pixi.toml')
    .. '\n[workspace.build-variants]\ncxx_compiler = ["gxx", "clangxx"]\n'
    .. 'cxx_compiler_version = ["13", "14"]\n')
  write(flavor_dir .. '/pixi.toml', table.concat({
    '[workspace]',
    ('channels = ["%s"]'):format(chan),
    'platforms = ["linux-64"]',
    'preview = ["pixi-build"]',
    '',
    '[package.build]',
    'backend = { name = "pixi-build-rattler-build", version = "*" }',
    '',
    '[workspace.build-variants]',
    'flavor = ["plain", "fancy"]',
    '',
  }, '\n'))
  write(flavor_dir .. '/recipe.yaml', table.concat({
    'package:',
    '  name: flavored',
    '  version: "0.1.0"',
    'build:',
    '  noarch: generic',
    '  script:',
    '    - mkdir -p $PREFIX/share/flavored-${{ flavor }}',
    '  variant:',
    '    use_keys: [flavor]',
    '',
  }, '\n'))
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

--- vim.ui.select stand-in: each call is recorded ({ prompt, items = the shown texts }) and answered by
--- the next of `choose` (a function(texts) -> index, or nil to dismiss the picker).
local picks = {}
local choose = {}
local ui_select = vim.ui.select
vim.ui.select = function(items, opts, on_choice)
  local texts = vim.tbl_map(opts.format_item or tostring, items)
  table.insert(picks, { prompt = opts.prompt, items = texts })
  local f = table.remove(choose, 1)
  local i = f and f(texts)
  vim.schedule(function() on_choice(i and items[i] or nil, i) end)
end

--- the index of the text containing `part`
local function pick_with(part)
  return function(texts)
    for i, t in ipairs(texts) do
      if t:find(part, 1, true) then
        return i
      end
    end
    error(('no item contains %q: %s'):format(part, vim.inspect(texts)))
  end
end

local function reset(...)
  picks, choose = {}, { ... }
  N.clear()
end

--- Wait for pred() or an error notification of a pixi-lsp command.
local function wait_or_error(timeout, pred)
  H.wait(timeout, function()
    return pred() or N.last('^pixi%-lsp: pixi%-lsp%.%a+ failed') ~= nil
  end)
  return pred()
end

local transcript = present and read(upstream .. '/transcripts/cmake-compiler-variants-2x2.json') or ''

H.test(':PixiPreviewVariant lists the four cmake variants with their build strings and opens one', function()
  need_upstream()
  local buf = H.open(cmake_dir .. '/pixi.toml')
  H.client(buf)
  vim.cmd('silent! only')
  variants.last_opened = nil
  reset(pick_with('cxx_compiler=gxx, cxx_compiler_version=14'))
  vim.cmd('PixiPreviewVariant')
  local opened = wait_or_error(60000, function() return variants.last_opened ~= nil end)
  H.ok(opened, 'nothing opened; picks: %s; notes: %s', vim.inspect(picks), vim.inspect(N.list))
  H.eq(1, #picks, 'pickers shown')
  local items = picks[1].items
  H.artifact('nvim-variant-picker.json', picks)
  H.eq(4, #items, 'variants offered: ' .. vim.inspect(items))
  local seen = {}
  for _, t in ipairs(items) do
    local build, compiler, version = t:match('^mini%-cm (h%x%x%x%x%x%x%x_0) %(cxx_compiler=(%a+), cxx_compiler_version=(%d+)%)$')
    H.ok(build, 'item %q is not "mini-cm <build> (cxx_compiler=…, cxx_compiler_version=…)"', t)
    H.ok(transcript:find(build, 1, true), '%s is not a build string of the transcript', build)
    seen[compiler .. version] = build
  end
  H.eq({ 'clangxx13', 'clangxx14', 'gxx13', 'gxx14' }, vim.fn.sort(vim.tbl_keys(seen)), 'the 2 × 2 combinations')
  local o = variants.last_opened
  H.eq(seen.gxx14, o.variant.build, 'the variant opened')
  -- its recipe, beside the manifest, and its variants.yaml above it
  local rname = vim.api.nvim_buf_get_name(o.recipe)
  H.ok(rname:find('^pixi%-recipe:') and rname:find('/pixi.toml/variants/mini-cm/' .. seen.gxx14:sub(2, 8) .. '/recipe.yaml', 1, true),
    'recipe buffer %s', rname)
  -- rendered for the variant: its compiler
  H.ok(buf_text(o.recipe):find('- gxx_linux-64 14.*', 1, true), 'not the recipe of gxx 14:\n%s', buf_text(o.recipe))
  local values = buf_text(o.values)
  H.ok(values:find('cxx_compiler: gxx\n', 1, true) and values:find("cxx_compiler_version: '14'", 1, true),
    'variants.yaml of gxx 14:\n%s', values)
  H.eq('yaml', vim.bo[o.values].filetype, 'filetype of variants.yaml')
  H.eq(false, vim.bo[o.recipe].modifiable, 'the recipe is read-only')
  H.eq(o.recipe, vim.api.nvim_get_current_buf(), 'the recipe is the current buffer')
  H.eq(3, #vim.api.nvim_tabpage_list_wins(0), 'windows: manifest, variants.yaml, recipe')
  H.ok(vim.fn.bufwinid(buf) ~= -1, 'the manifest is no longer shown')
  local vwin, rwin = vim.fn.bufwinid(o.values), vim.fn.bufwinid(o.recipe)
  H.ok(vim.api.nvim_win_get_position(vwin)[1] < vim.api.nvim_win_get_position(rwin)[1], 'variants.yaml is not above the recipe')
  H.ok(vim.wo[vwin].winbar:find(seen.gxx14, 1, true), 'winbar: %s', vim.wo[vwin].winbar)
  vim.cmd('silent! only')
end)

H.test(':PixiCompareVariants diffs two picked variants side by side; ! shows the unified diff', function()
  need_upstream()
  local buf = H.open(cmake_dir .. '/pixi.toml')
  H.client(buf)
  variants.last_comparison = nil
  reset(pick_with('cxx_compiler=clangxx, cxx_compiler_version=13'), pick_with('cxx_compiler=gxx, cxx_compiler_version=14'))
  local tab = vim.api.nvim_get_current_tabpage()
  vim.cmd('PixiCompareVariants')
  local shown = wait_or_error(60000, function() return variants.last_comparison ~= nil end)
  H.ok(shown, 'no comparison; picks: %s; notes: %s', vim.inspect(picks), vim.inspect(N.list))
  H.eq(2, #picks, 'pickers shown')
  H.eq(4, #picks[1].items, 'first picker')
  H.eq(3, #picks[2].items, 'second picker (without the first pick)')
  H.ok(not vim.tbl_contains(picks[2].items, picks[1].items[pick_with('clangxx, cxx_compiler_version=13')(picks[1].items)]),
    'the first pick is offered again')
  local c = variants.last_comparison
  H.ok(c.tab ~= tab, 'not in a new tab page')
  H.eq(2, #vim.api.nvim_tabpage_list_wins(c.tab), 'windows in the comparison tab')
  local left, right = buf_text(c.left), buf_text(c.right)
  H.artifact('nvim-variant-compare.txt', left .. '\n=====\n' .. right)
  H.ok(left:find('cxx_compiler: clangxx\n', 1, true) and left:find("cxx_compiler_version: '13'", 1, true),
    'left side:\n%s', left)
  H.ok(right:find('cxx_compiler: gxx\n', 1, true) and right:find("cxx_compiler_version: '14'", 1, true),
    'right side:\n%s', right)
  H.ok(left:find('- clangxx_linux-64 13.*', 1, true), 'the recipe of clangxx 13 is not on the left side:\n%s', left)
  -- both windows in diff mode; the variant values are the changed lines, the recipe is alike
  local function diff_hl(win, pattern)
    local b = vim.api.nvim_win_get_buf(win)
    local l = H.line_of(b, pattern)
    return vim.api.nvim_win_call(win, function() return vim.fn.diff_hlID(l, 1) end)
  end
  for i, win in ipairs(c.wins) do
    H.eq(true, vim.wo[win].diff, 'diff mode of window ' .. i)
    H.ok(diff_hl(win, '^cxx_compiler: ') ~= 0, 'cxx_compiler is not marked changed in window %d', i)
    H.ok(diff_hl(win, '^cxx_compiler_version: ') ~= 0, 'cxx_compiler_version is not marked changed in window %d', i)
    H.eq(0, diff_hl(win, '^target_platform: '), 'target_platform marked changed in window ' .. i)
    H.eq(0, diff_hl(win, '^# recipe%.yaml$'), 'the recipe header marked changed in window ' .. i)
  end
  H.ok(vim.wo[c.wins[1]].winbar:find('clangxx, cxx_compiler_version=13', 1, true), 'left winbar: %s', vim.wo[c.wins[1]].winbar)
  H.ok(vim.wo[c.wins[2]].winbar:find('gxx, cxx_compiler_version=14', 1, true), 'right winbar: %s', vim.wo[c.wins[2]].winbar)
  vim.cmd('tabclose')

  -- the unified diff of the server, as a diff buffer
  variants.last_comparison = nil
  reset(pick_with('cxx_compiler=gxx, cxx_compiler_version=13'), pick_with('cxx_compiler=gxx, cxx_compiler_version=14'))
  vim.cmd('PixiCompareVariants!')
  shown = wait_or_error(60000, function() return variants.last_comparison ~= nil end)
  H.ok(shown, 'no unified diff; notes: %s', vim.inspect(N.list))
  local d = variants.last_comparison.diff
  local text = buf_text(d)
  H.eq('diff', vim.bo[d].filetype, 'filetype')
  H.ok(vim.api.nvim_buf_get_name(d):find('/compare/mini%-cm%-%x+%.%.mini%-cm%-%x+%.diff$'), 'buffer name %s', vim.api.nvim_buf_get_name(d))
  H.ok(text:find("\n-cxx_compiler_version: '13'\n+cxx_compiler_version: '14'\n", 1, true), 'unified diff:\n%s', text)
  H.ok(not text:find('\n[-+]cxx_compiler: ', 1), 'the compiler does not differ:\n%s', text)
  vim.cmd('tabclose')
end)

--- A build through the picker: the data of `User PixiBuildDone` and the executeCommand params sent.
local function build_through_picker(part, bang)
  local done, sent
  local au = vim.api.nvim_create_autocmd('User', { pattern = 'PixiBuildDone', callback = function(ev) done = ev.data end })
  local client = H.client(vim.api.nvim_get_current_buf())
  local request = client.request
  client.request = function(self, method, params, ...)
    if method == 'workspace/executeCommand' and params.command == 'pixi-lsp.build' then
      sent = params
    end
    return request(self, method, params, ...)
  end
  reset(pick_with(part))
  vim.cmd('PixiBuildVariant' .. (bang and '!' or ''))
  H.wait(BUILD_TIMEOUT, function() return done ~= nil or N.last('previewRecipe failed') ~= nil end)
  client.request = request
  vim.api.nvim_del_autocmd(au)
  H.ok(done, 'the build did not finish within %d ms; picks: %s; notes: %s', BUILD_TIMEOUT, vim.inspect(picks),
    vim.inspect(N.list))
  return done, sent
end

H.test(':PixiBuildVariant with cmake sends the picked variant and says which packages are missing', function()
  need_upstream()
  H.open(cmake_dir .. '/pixi.toml')
  local done, sent = build_through_picker('cxx_compiler=gxx, cxx_compiler_version=14')
  H.eq('all variants', picks[1].items[1], 'the first entry')
  H.eq(5, #picks[1].items, 'all variants and the four variants')
  H.eq({ cxx_compiler = 'gxx', cxx_compiler_version = '14', target_platform = 'linux-64' },
    sent and sent.arguments[2].variant, 'the variant sent with pixi-lsp.build')
  H.ok(done.error and not done.result, 'the build did not fail: %s', vim.inspect(done))
  local n = N.last('pixi%-lsp%.build failed')
  -- (the test channel has a cmake, not the compilers nor ninja)
  H.ok(n and n.msg:find('could not solve the build environment of `mini-cm`', 1, true)
    and n.msg:find('no package named `%a+_linux%-64`, `ninja` in the channels'),
    'no error naming the missing packages; notes: %s', vim.inspect(N.list))
  H.ok(N.last('building .* %(mini%-cm h%x+_0 %(cxx_compiler=gxx, cxx_compiler_version=14%)%)'),
    'the start note does not name the variant; notes: %s', vim.inspect(N.list))
end)

H.test('the "Build only …" code action builds its variant through :PixiBuild\'s path', function()
  need_upstream()
  local buf = H.open(cmake_dir .. '/pixi.toml')
  local line = H.line_of(buf, '^%[package%.build%]$') - 1
  local actions = H.request(buf, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = line, character = 0 }, ['end'] = { line = line, character = 0 } },
    context = { diagnostics = {} },
  })
  local only = vim.tbl_filter(function(a) return a.title:find('^Build only') ~= nil end, actions or {})
  H.eq(4, #only, 'Build only actions: ' .. vim.inspect(vim.tbl_map(function(a) return a.title end, actions or {})))
  local action = vim.tbl_filter(function(a) return a.title:find('cxx_compiler=clangxx, cxx_compiler_version=14', 1, true) end, only)[1]
  H.ok(action, 'no action for clangxx 14: %s', vim.inspect(only))
  local done
  local au = vim.api.nvim_create_autocmd('User', { pattern = 'PixiBuildDone', callback = function(ev) done = ev.data end })
  N.clear()
  vim.lsp.commands[action.command.command](action.command, { bufnr = buf, client_id = H.client(buf).id })
  H.wait(BUILD_TIMEOUT, function() return done ~= nil end)
  vim.api.nvim_del_autocmd(au)
  H.ok(done and done.error, 'the build did not fail: %s', vim.inspect(done))
  H.ok(N.last('building .* %(cxx_compiler=clangxx, cxx_compiler_version=14%)'),
    'the start note does not name the variant; notes: %s', vim.inspect(N.list))
end)

H.test(':PixiBuildVariant with rattler-build builds the picked flavor offline and lists the build', function()
  need_upstream()
  H.open(flavor_dir .. '/pixi.toml')
  local done, sent = build_through_picker('flavor=plain')
  H.eq(3, #picks[1].items, 'all variants and two flavors: ' .. vim.inspect(picks[1].items))
  for _, t in ipairs(vim.list_slice(picks[1].items, 2)) do
    H.ok(t:find('^flavored h%x+_0 %(flavor=%a+%)$'), 'item %q', t)
  end
  H.eq({ flavor = 'plain', target_platform = 'noarch' }, sent and sent.arguments[2].variant, 'the variant sent')
  H.ok(done.result, 'the build failed: %s; notes: %s', vim.inspect(done), vim.inspect(N.list))
  local plain = picks[1].items[pick_with('flavor=plain')(picks[1].items)]:match('^flavored (h%x+_0)')
  local builds = done.result.builds or {}
  local names = vim.tbl_map(function(b) return b.build end, builds)
  H.ok(vim.tbl_contains(names, plain), 'the plain flavor %s was not built: %s', plain, vim.inspect(builds))
  for _, b in ipairs(builds) do
    H.ok(vim.uv.fs_stat(b.path) and vim.uv.fs_stat(b.path).size > 0, '%s does not exist', b.path)
  end
  local n = N.last('build finished')
  H.ok(n and n.msg:find('build finished (flavored ' .. plain .. ' (flavor=plain)): ', 1, true)
    and n.msg:find('flavored 0.1.0 ' .. plain .. ' (noarch)', 1, true),
    'the notification does not list the build; notes: %s', vim.inspect(N.list))
  -- only the picked variant
  H.eq({ plain }, names, 'builds')
end)

H.test(':PixiBuildVariant in an untrusted workspace is refused before any picker', function()
  need_upstream()
  pixi.update_settings({ trusted = false })
  local buf = H.open(flavor_dir .. '/pixi.toml')
  H.client(buf)
  vim.wait(300, function() return false end, 50) -- let didChangeConfiguration arrive first
  reset(pick_with('flavor=plain'))
  vim.cmd('PixiBuildVariant')
  H.wait(20000, function() return N.last('failed') ~= nil end)
  pixi.update_settings({ trusted = true })
  H.eq(0, #picks, 'pickers shown')
  local n = N.last('pixi%-lsp%.previewRecipe failed')
  H.ok(n and n.msg:find('untrusted workspace', 1, true), 'no refusal; notes: %s', vim.inspect(N.list))
end)

H.test('item_text and values_text: the server\'s label, else name, build and the sorted values', function()
  H.eq('a_key=1, b=2', variants.values_text({ b = '2', a_key = '1', target_platform = 'linux-64' }), 'values')
  H.eq('x hx_0 (a=1)', variants.item_text({ label = 'x hx_0 (a=1)', name = 'ignored' }), 'label')
  H.eq('x hx_0 (a=1, b=2)', variants.item_text({ name = 'x', build = 'hx_0', variant = { b = '2', a = '1' } }), 'no label')
  H.eq('x hx_0 (noarch)', variants.item_text({ name = 'x', build = 'hx_0', subdir = 'noarch',
    variant = { target_platform = 'noarch' } }), 'only target_platform')
  H.eq('# variants.yaml\na: 1\n# recipe.yaml\nr\n', variants.side_text('a: 1\n', 'r\n'), 'side text')
end)

vim.ui.select = ui_select
N.restore()
H.finish()
