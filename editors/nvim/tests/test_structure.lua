-- Semantic tokens as Neovim draws them, selection ranges, document links, references through the quickfix
-- list and hover on a task, in pixi.toml and in a pyproject.toml with [tool.pixi.*].
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/helpers.lua')

local dump = {}

--- 1-based line and 0-based byte column of the first match of pattern (+ offset bytes) in buf.
local function find(buf, pattern, offset)
  local line = H.line_of(buf, pattern)
  local text = vim.api.nvim_buf_get_lines(buf, line - 1, line, false)[1]
  return line, text:find(pattern) - 1 + (offset or 0), text
end

-- ---------------------------------------------------------------------------------------------
-- Semantic tokens: what the editor draws (vim.inspect_pos), not the raw token stream
-- ---------------------------------------------------------------------------------------------

--- The semantic token Neovim draws at the first match of pattern (+ offset): its highlight group and the text
--- it covers. Waits (redrawing, as a UI would) until the group there is `want`, then reports what is there.
local function token_at(buf, pattern, offset, want)
  local line, col, text = find(buf, pattern, offset)
  -- the highlighter draws only the visible lines: put the cursor there
  vim.api.nvim_win_set_cursor(0, { line, col })
  local tok
  H.wait(H.timeout, function()
    vim.cmd.redraw()
    tok = vim.inspect_pos(buf, line - 1, col).semantic_tokens[1]
    return tok ~= nil and tok.opts.hl_group == want
  end)
  if not tok then
    return nil, ('no semantic token drawn at %d:%d of %q'):format(line, col + 1, text)
  end
  return tok.opts.hl_group, text:sub(tok.col + 1, tok.end_col)
end

local function check_tokens(buf, cases)
  local got, want = {}, {}
  for _, c in ipairs(cases) do
    local hl, text = token_at(buf, c[1], c[2], c[3])
    table.insert(got, ('%s %s'):format(hl, text))
    table.insert(want, ('%s %s'):format(c[3], c[4]))
  end
  H.eq(want, got, 'semantic tokens drawn')
  return got
end

local tokens_manifest = {
  '# demo workspace',
  '[workspace]',
  'name = "dé-mo" # ünïcode',
  'channels = ["conda-forge"]',
  'platforms = ["linux-64", "osx-arm64"]',
  'preview = ["pixi-build"]',
  '',
  '[package]',
  'name = "demo"',
  'version = "0.1.0"',
  '',
  '[package.build]',
  'backend = { name = "pixi-build-rust", version = "0.3.*" }',
  '',
  '[target.osx-arm64.dependencies]',
  'rust = ">=1.80"',
}

H.test('semantic tokens: tables, keys, platforms, channels, versions and backends get the server\'s types', function()
  local ws = H.workspace({ ['pixi.toml'] = tokens_manifest })
  local buf = H.open(ws .. '/pixi.toml')
  H.client(buf)
  -- pattern, byte offset into the match, the group Neovim draws, the text the token covers
  dump.tokens = check_tokens(buf, {
    { '^%[workspace', 1, '@lsp.type.namespace.toml', 'workspace' },
    { '^channels', 0, '@lsp.type.property.toml', 'channels' },
    { '"conda%-forge"', 1, '@lsp.type.type.toml', '"conda-forge"' },
    { '"linux%-64"', 1, '@lsp.type.enumMember.toml', '"linux-64"' },
    { '"osx%-arm64"', 3, '@lsp.type.enumMember.toml', '"osx-arm64"' },
    { '^%[package%.build', 9, '@lsp.type.namespace.toml', 'build' },
    { '"pixi%-build%-rust"', 2, '@lsp.type.class.toml', '"pixi-build-rust"' },
    { '"0%.3%.%*"', 1, '@lsp.type.number.toml', '"0.3.*"' },
    { '^%[target%.osx', 8, '@lsp.type.enumMember.toml', 'osx-arm64' },
    { '^%[target%.osx%-arm64%.dep', 18, '@lsp.type.namespace.toml', 'dependencies' },
    { '">=1%.80"', 2, '@lsp.type.number.toml', '">=1.80"' },
    { '"dé%-mo"', 1, '@lsp.type.string.toml', '"dé-mo"' },
    -- after a multi-byte character on the same line: the columns must still line up
    { '# ünïcode', 2, '@lsp.type.comment.toml', '# ünïcode' },
  })
end)

H.test('semantic tokens: a platform typed into a new [target.…] header is drawn as one', function()
  local ws = H.workspace({ ['pixi.toml'] = tokens_manifest })
  local buf = H.open(ws .. '/pixi.toml')
  H.client(buf)
  H.eq('@lsp.type.enumMember.toml', (token_at(buf, '"linux%-64"', 1, '@lsp.type.enumMember.toml')), 'before the edit')
  local n = vim.api.nvim_buf_line_count(buf)
  vim.api.nvim_buf_set_lines(buf, n, n, false, { '', '[target.win-64.dependencies]', 'zlib = "*"' })
  check_tokens(buf, {
    { '^%[target%.win', 8, '@lsp.type.enumMember.toml', 'win-64' },
    { '^zlib = "%*"', 7, '@lsp.type.number.toml', '"*"' },
    -- the tokens above the edit stay where they were
    { '"osx%-arm64"', 3, '@lsp.type.enumMember.toml', '"osx-arm64"' },
  })
end)

-- ---------------------------------------------------------------------------------------------
-- Ranges from the server, as buffer text
-- ---------------------------------------------------------------------------------------------

--- The buffer text an LSP range covers (positions in the client's encoding); a range ending at the line after
--- the last one ends with the last newline.
local function range_text(buf, client, r)
  local count = vim.api.nvim_buf_line_count(buf)
  local function byte(p)
    if p.line >= count then
      return count - 1, #vim.api.nvim_buf_get_lines(buf, count - 1, count, false)[1], '\n'
    end
    local line = vim.api.nvim_buf_get_lines(buf, p.line, p.line + 1, false)[1]
    return p.line, vim.str_byteindex(line, client.offset_encoding, p.character, false), ''
  end
  local sl, sc = byte(r.start)
  local el, ec, tail = byte(r['end'])
  return table.concat(vim.api.nvim_buf_get_text(buf, sl, sc, el, ec, {}), '\n') .. tail
end

H.test('selection range: grows from a version string to the whole document', function()
  local lines = { '[workspace]', 'name = "x"', '', '[dependencies]', 'python = { version = ">=3.11" }' }
  local ws = H.workspace({ ['pixi.toml'] = lines })
  local buf = H.open(ws .. '/pixi.toml')
  local client = H.client(buf)
  local line, col = find(buf, '>=3%.11', 3)
  local params = H.pos(buf, line, col)
  local result, err = H.request(buf, 'textDocument/selectionRange',
    { textDocument = params.textDocument, positions = { params.position } })
  H.ok(not err, 'selectionRange error: %s', vim.inspect(err))
  H.eq(1, #(result or {}), 'one chain per position')
  local chain = {}
  local at = result[1]
  while at and at ~= vim.NIL do
    table.insert(chain, range_text(buf, client, at.range))
    at = at.parent
  end
  dump.selection = chain
  H.eq({
    '">=3.11"',
    'version = ">=3.11"',
    '{ version = ">=3.11" }',
    'python = { version = ">=3.11" }',
    '[dependencies]\npython = { version = ">=3.11" }',
    table.concat(lines, '\n') .. '\n',
  }, chain, 'value, key-value, inline table, entry, table, document')
end)

-- ---------------------------------------------------------------------------------------------
-- Document links
-- ---------------------------------------------------------------------------------------------

H.test('document links: channels, path dependencies, source.path, license-file, variants files, the recipe', function()
  local ws = H.workspace({
    ['pixi.toml'] = {
      '[workspace]',
      'channels = ["conda-forge", "https://prefix.dev/pixi-build-backends"]',
      'platforms = ["linux-64"]',
      'preview = ["pixi-build"]',
      'build-variants-files = ["variants.yaml", "missing.yaml"]',
      '',
      '[dependencies]',
      'mylib = { path = "libs/mylib" }',
      'plain = { path = "plain" }',
      'gone = { path = "gone" }',
      '',
      '[package]',
      'name = "x"',
      'version = "0.1.0"',
      'license-file = "LICENSE"',
      'readme = "README.md"',
      '',
      '[package.build]',
      'backend = { name = "pixi-build-rattler-build", version = "*" }',
      'source = { path = "vendor/src" }',
    },
    ['libs/mylib/pixi.toml'] = '[package]',
    ['plain/notes.txt'] = 'not a package',
    ['vendor/src/main.c'] = 'int main(void) { return 0; }',
    ['LICENSE'] = 'MIT',
    ['variants.yaml'] = "python: ['3.12']",
    ['recipe.yaml'] = 'package: {}',
  })
  local buf = H.open(ws .. '/pixi.toml')
  local client = H.client(buf)
  local function links()
    local result, err = H.request(buf, 'textDocument/documentLink', { textDocument = { uri = vim.uri_from_bufnr(buf) } })
    H.ok(not err, 'documentLink error: %s', vim.inspect(err))
    local got = {}
    for _, l in ipairs(result or {}) do
      table.insert(got, ('%s -> %s'):format(range_text(buf, client, l.range), l.target))
    end
    return got
  end
  local function file(rel)
    return vim.uri_from_fname(vim.fs.normalize(ws .. '/' .. rel))
  end
  local want = {
    'conda-forge -> https://conda.anaconda.org/conda-forge',
    'https://prefix.dev/pixi-build-backends -> https://prefix.dev/pixi-build-backends',
    'variants.yaml -> ' .. file('variants.yaml'),
    -- a package directory leads to its manifest; one without a manifest to the directory
    'libs/mylib -> ' .. file('libs/mylib/pixi.toml'),
    'plain -> ' .. file('plain'),
    'LICENSE -> ' .. file('LICENSE'),
    -- rattler-build builds the user's recipe: its name leads there
    'pixi-build-rattler-build -> ' .. file('recipe.yaml'),
    'vendor/src -> ' .. file('vendor/src'),
  }
  local got = links()
  dump.links = got
  -- missing.yaml, gone and README.md do not exist: no links
  H.eq(want, got, 'links (buffer text -> target)')
  -- links follow the disk: once README.md exists it gets one
  vim.fn.writefile({ '# x' }, ws .. '/README.md')
  table.insert(want, 7, 'README.md -> ' .. file('README.md'))
  H.eq(want, links(), 'links after README.md was written')
end)

-- ---------------------------------------------------------------------------------------------
-- References (the quickfix list vim.lsp.buf.references fills) and hover on tasks
-- ---------------------------------------------------------------------------------------------

local names_manifest = {
  '[workspace]',
  'name = "root"',
  'channels = ["conda-forge"]',
  'platforms = ["linux-64"]',
  'preview = ["pixi-build"]',
  '',
  '[workspace.dependencies]',
  'zlib = ">=1.3"',
  '',
  '[package]',
  'name = "root"',
  'version = "0.1.0"',
  '',
  '[package.build]',
  'backend = { name = "pixi-build-cmake", version = "*" }',
  '',
  '[package.host-dependencies]',
  'zlib = { workspace = true }',
  '',
  '[tasks]',
  'build = "make"',
  'test = { cmd = "pytest", depends-on = ["build"] }',
  'lint = { cmd = ["ruff", "check"], depends-on = ["test"] }',
  '',
  '[feature.docs.tasks]',
  'docs = { cmd = "mkdocs build", depends-on = ["build"] }',
  '',
  '[feature.docs.dependencies]',
  'mkdocs = "*"',
  '',
  '[environments]',
  'docs = { features = ["docs"], solve-group = "main" }',
}
local names_ws = H.workspace({ ['pixi.toml'] = names_manifest })

--- `line:col text` (1-based, byte columns) of the match of pattern, offset bytes in, len bytes long.
local function loc(buf, pattern, offset, len)
  local line, col, text = find(buf, pattern, offset)
  return ('%d:%d %s'):format(line, col + 1, text:sub(col + 1, col + len))
end

--- vim.lsp.buf.references at the match of pattern (+ offset): the quickfix list it fills, as `line:col text`.
local function references(buf, pattern, offset, include_declaration)
  local line, col = find(buf, pattern, offset)
  local win = vim.api.nvim_get_current_win()
  vim.api.nvim_win_set_cursor(win, { line, col })
  vim.fn.setqflist({}, ' ', { title = 'before' })
  vim.lsp.buf.references({ includeDeclaration = include_declaration })
  local filled = H.wait(H.timeout, function() return vim.fn.getqflist({ title = 1 }).title == 'References' end)
  local items = vim.fn.getqflist()
  vim.cmd('cclose')
  vim.api.nvim_set_current_win(win)
  H.ok(filled, 'no References list for %s:%d', pattern, col)
  local got = {}
  for _, it in ipairs(items) do
    H.eq(buf, it.bufnr, 'reference buffer')
    local text = vim.api.nvim_buf_get_lines(buf, it.lnum - 1, it.lnum, false)[1]
    local stop = it.end_lnum == it.lnum and it.end_col - 1 or #text
    table.insert(got, ('%d:%d %s'):format(it.lnum, it.col, text:sub(it.col, stop)))
  end
  table.sort(got, function(a, b)
    local al, ac = a:match('^(%d+):(%d+)')
    local bl, bc = b:match('^(%d+):(%d+)')
    return tonumber(al) < tonumber(bl) or (al == bl and tonumber(ac) < tonumber(bc))
  end)
  return got
end

H.test('references: a feature\'s table headers ↔ the [environments] entry naming it', function()
  local buf = H.open(names_ws .. '/pixi.toml')
  H.client(buf)
  local all = {
    loc(buf, '^%[feature%.docs%.tasks', 9, 4),
    loc(buf, '^%[feature%.docs%.dep', 9, 4),
    loc(buf, '"docs"%], solve', 0, 6),
  }
  -- the environment `docs` and the task `docs` are other names: not listed
  H.eq(all, references(buf, '^%[feature%.docs%.tasks', 10, true), 'from the header, with declarations')
  H.eq({ all[3] }, references(buf, '^%[feature%.docs%.tasks', 10, false), 'from the header, uses only')
  H.eq(all, references(buf, '"docs"%], solve', 2, true), 'from the [environments] entry')
end)

H.test('references: a task ↔ the depends-on naming it, across features', function()
  local buf = H.open(names_ws .. '/pixi.toml')
  H.client(buf)
  local all = {
    loc(buf, '^build = ', 0, 5),
    loc(buf, '"build"%] }', 0, 7), -- test, in [tasks]
    loc(buf, '^docs = { cmd = "mkdocs build", depends%-on = %["build', 45, 7), -- in [feature.docs.tasks]
  }
  dump.task_references = all
  H.eq(all, references(buf, '^build = ', 1, true), 'from the task')
  H.eq(all, references(buf, '^docs = { cmd = "mkdocs build", depends%-on = %["build', 48, true),
    'from the depends-on in the feature')
end)

H.test('references: a [workspace.dependencies] entry ↔ its { workspace = true } uses', function()
  local buf = H.open(names_ws .. '/pixi.toml')
  H.client(buf)
  local all = { loc(buf, '^zlib = ">', 0, 4), loc(buf, '^zlib = { workspace', 0, 4) }
  H.eq(all, references(buf, '^zlib = ">', 1, true), 'from the workspace entry')
  H.eq(all, references(buf, '^zlib = { workspace', 2, true), 'from the inheriting entry')
end)

--- vim.lsp.buf.hover at the match of pattern (+ offset): the lines of the float Neovim opens.
local function hover_lines(buf, pattern, offset)
  local line, col = find(buf, pattern, offset)
  local win = vim.api.nvim_get_current_win()
  vim.api.nvim_win_set_cursor(win, { line, col })
  vim.lsp.buf.hover()
  local float
  H.wait(H.timeout, function()
    for _, w in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
      if vim.api.nvim_win_get_config(w).relative ~= '' then
        float = w
        return true
      end
    end
  end)
  H.ok(float, 'no hover window at %s', pattern)
  local lines = vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(float), 0, -1, false)
  -- a second hover would enter the float: close it
  vim.api.nvim_win_close(float, true)
  vim.api.nvim_set_current_win(win)
  return lines
end

H.test('hover on a task shows its command, the depends-on chain and its environments', function()
  local buf = H.open(names_ws .. '/pixi.toml')
  H.client(buf)
  local lint = hover_lines(buf, '^lint = ', 1)
  dump.hover_lint = lint
  H.eq({
    '**task `lint`**', '', '```sh', 'ruff check', '```', '',
    '*Runs first:* `build` → `test`', '',
    '*Environments:* `default`, `docs`',
  }, lint, 'hover on lint')
  local docs = hover_lines(buf, '^docs = { cmd', 1)
  dump.hover_docs = docs
  H.eq({
    '**task `docs`** — feature `docs`', '', '```sh', 'mkdocs build', '```', '',
    '*Runs first:* `build`', '',
    '*Environments:* `docs`',
  }, docs, 'hover on the feature task docs')
end)

-- ---------------------------------------------------------------------------------------------
-- pyproject.toml with [tool.pixi.*]
-- ---------------------------------------------------------------------------------------------

H.test('pyproject.toml [tool.pixi.*]: semantic tokens and feature references', function()
  local ws = H.workspace({
    ['pyproject.toml'] = {
      '[project]',
      'name = "demo"',
      'version = "0.1.0"',
      '',
      '[tool.pixi.workspace]',
      'channels = ["conda-forge"]',
      'platforms = ["linux-64", "osx-arm64"]',
      '',
      '[tool.pixi.target.osx-arm64.dependencies]',
      'numpy = ">=2"',
      '',
      '[tool.pixi.feature.docs.dependencies]',
      'mkdocs = "*"',
      '',
      '[tool.pixi.environments]',
      'docs = ["docs"]',
    },
  })
  local buf = H.open(ws .. '/pyproject.toml')
  H.client(buf)
  dump.pyproject_tokens = check_tokens(buf, {
    { '^%[tool%.pixi%.workspace', 1, '@lsp.type.namespace.toml', 'tool' },
    { '^%[tool%.pixi%.workspace', 6, '@lsp.type.namespace.toml', 'pixi' },
    { '"conda%-forge"', 1, '@lsp.type.type.toml', '"conda-forge"' },
    { '"linux%-64"', 1, '@lsp.type.enumMember.toml', '"linux-64"' },
    { '^%[tool%.pixi%.target%.osx', 18, '@lsp.type.enumMember.toml', 'osx-arm64' },
    { '">=2"', 1, '@lsp.type.number.toml', '">=2"' },
  })
  H.eq({ loc(buf, '^%[tool%.pixi%.feature%.docs', 19, 4), loc(buf, '"docs"%]', 0, 6) },
    references(buf, '^%[tool%.pixi%.feature%.docs', 20, true), 'feature references')
end)

H.artifact('nvim-structure.json', dump)
H.finish()
