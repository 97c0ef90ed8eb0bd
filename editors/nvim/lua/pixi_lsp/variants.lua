-- Build variants: a package with a variant configuration (e.g. `[workspace.build-variants]`) has one
-- output per variant, each with its own recipe and variants.yaml (the server's `outputVariants` of a
-- recipe preview). :PixiPreviewVariant opens one, :PixiCompareVariants diffs two, :PixiBuildVariant
-- builds one. Each runs the recipe preview first, so the list is the one of the saved manifest.
local M = {}

--- A variant's id for pixi-lsp.compareVariants: `<output name>/<hash>` (servers before ids: the hash).
function M.id(v)
  return v.id or v.hash
end

local function pixi()
  return require('pixi_lsp')
end

local function notify(msg, level)
  vim.notify('pixi-lsp: ' .. msg, level or vim.log.levels.INFO)
end

--- "key=value, …" of a variant's values, sorted, without target_platform (that is the output's subdir).
function M.values_text(variant)
  local keys = vim.tbl_filter(function(k) return k ~= 'target_platform' end, vim.tbl_keys(variant or {}))
  table.sort(keys)
  return table.concat(vim.tbl_map(function(k) return ('%s=%s'):format(k, tostring(variant[k])) end, keys), ', ')
end

--- What a picker shows for an output variant: the server's label, "name build (key=value, …)".
function M.item_text(v)
  if type(v.label) == 'string' and v.label ~= '' then
    return v.label
  end
  local values = M.values_text(v.variant)
  return ('%s %s (%s)'):format(v.name or '?', v.build or '?', values ~= '' and values or (v.subdir or '?'))
end

--- One side of a comparison: the variant values, then the recipe (as the server's unified diff has them),
--- so a diff of two sides shows what differs in both.
function M.side_text(values, recipe)
  return ('# variants.yaml\n%s\n# recipe.yaml\n%s'):format(vim.trim(values or ''), recipe or '')
end

--- The recipe preview of the manifest of bufnr, then on_variants(variants, client, manifest_buf).
function M.with_variants(bufnr, on_variants)
  return pixi().run_preview(bufnr, function(result, client, mbuf)
    local variants = type(result) == 'table' and result.outputVariants or nil
    if type(variants) ~= 'table' or #variants == 0 then
      notify('the recipe preview lists no output variants (update the server)', vim.log.levels.WARN)
      return
    end
    M.last_variants = variants
    on_variants(variants, client, mbuf)
  end)
end

--- vim.ui.select over variants (extra: items listed first, shown as their `text`); with a single choice
--- it is taken without asking.
function M.pick(variants, prompt, on_choice, extra)
  local items = vim.list_extend(vim.list_extend({}, extra or {}), variants)
  if #items == 1 then
    return on_choice(items[1])
  end
  vim.ui.select(items, {
    prompt = prompt,
    kind = 'pixi_lsp.variant',
    format_item = function(item) return item.text or M.item_text(item) end,
  }, on_choice)
end

--- The contents of the server's documents `uris` (pixi/recipeContent), in order, to done(contents).
local function fetch(client, uris, mbuf, done)
  local contents, missing, failed = {}, #uris, false
  for i, uri in ipairs(uris) do
    client:request('pixi/recipeContent', { uri = uri }, function(err, result)
      if failed then
        return
      end
      if err or type(result) ~= 'table' or type(result.content) ~= 'string' then
        failed = true
        notify(('could not get %s: %s'):format(uri, err and err.message or 'no content'), vim.log.levels.ERROR)
        return
      end
      contents[i] = result.content
      missing = missing - 1
      if missing == 0 then
        done(contents)
      end
    end, mbuf)
  end
end

--- Open the recipe of variant v beside the manifest, its variants.yaml in a small window above it.
function M.open_variant(v, client, mbuf)
  fetch(client, { v.uri, v.variantsUri }, mbuf, function(c)
    local recipe = pixi().show_document(c[1], v.uri, mbuf)
    local win = vim.fn.bufwinid(recipe)
    vim.api.nvim_set_current_win(win)
    local values = pixi().show_document(c[2], v.variantsUri, mbuf, { split = 'aboveleft split' })
    local vwin = vim.fn.bufwinid(values)
    vim.api.nvim_win_set_height(vwin, math.min(vim.api.nvim_buf_line_count(values) + 1, 12))
    vim.wo[vwin].winfixheight = true
    vim.wo[vwin].winbar = 'variants.yaml of ' .. M.item_text(v)
    vim.wo[win].winbar = 'recipe.yaml of ' .. M.item_text(v)
    vim.api.nvim_set_current_win(win)
    M.last_opened = { variant = v, recipe = recipe, values = values }
  end)
end

--- :PixiPreviewVariant: pick an output variant, open its recipe and variants.yaml.
function M.preview_variant(bufnr)
  return M.with_variants(bufnr, function(variants, client, mbuf)
    M.pick(variants, 'Preview which variant?', function(v)
      if v then
        M.open_variant(v, client, mbuf)
      end
    end)
  end)
end

--- Show comparison r (of pixi-lsp.compareVariants) of variants a and b: both sides in a new tab page with
--- :diffthis, or (unified) the server's unified diff.
local function show_comparison(r, a, b, client, mbuf, unified)
  if unified then
    M.last_comparison = {
      diff = pixi().show_document(r.diff, r.diffUri, mbuf, { filetype = 'diff', split = 'tabnew' }),
    }
    return
  end
  fetch(client, { a.variantsUri, r.left, b.variantsUri, r.right }, mbuf, function(c)
    local base = r.diffUri and r.diffUri:gsub('%.diff$', '') or ('pixi-recipe:compare/' .. M.id(a) .. '..' .. M.id(b))
    -- Buffer names: the outputs of a multi-output recipe can share a hash, never an id.
    local function side_name(v, side) return ('%s/%s-%s.yaml'):format(base, side, M.id(v):gsub('/', '-')) end
    local sides = {
      { text = M.side_text(c[1], c[2]), name = side_name(a, 'left'), label = r.leftLabel or M.item_text(a) },
      { text = M.side_text(c[3], c[4]), name = side_name(b, 'right'), label = r.rightLabel or M.item_text(b) },
    }
    vim.cmd('tabnew')
    local scratch = vim.api.nvim_get_current_buf()
    local bufs, wins = {}, {}
    for i, side in ipairs(sides) do
      bufs[i] = pixi().show_document(side.text, side.name, mbuf, { split = false, server_uri = false })
      if i == 2 then
        vim.cmd('rightbelow vsplit')
      end
      wins[i] = vim.api.nvim_get_current_win()
      vim.api.nvim_win_set_buf(wins[i], bufs[i])
      vim.wo[wins[i]].winbar = side.label
      vim.cmd('diffthis')
    end
    if vim.api.nvim_buf_is_valid(scratch) and scratch ~= bufs[1] and scratch ~= bufs[2] then
      pcall(vim.api.nvim_buf_delete, scratch, {})
    end
    M.last_comparison = { left = bufs[1], right = bufs[2], wins = wins, tab = vim.api.nvim_get_current_tabpage() }
  end)
end

--- :PixiCompareVariants[!]: pick two output variants and diff them (! : the server's unified diff).
function M.compare_variants(bufnr, opts)
  opts = opts or {}
  return M.with_variants(bufnr, function(variants, client, mbuf)
    if #variants < 2 then
      notify(('%s has a single output variant: nothing to compare'):format(M.item_text(variants[1])),
        vim.log.levels.WARN)
      return
    end
    local function compare(a, b)
      pixi().exec('pixi-lsp.compareVariants', function(uri) return { uri, M.id(a), M.id(b) } end, function(r)
        if type(r) ~= 'table' or type(r.diff) ~= 'string' then
          notify('compareVariants returned no comparison', vim.log.levels.ERROR)
          return
        end
        show_comparison(r, a, b, client, mbuf, opts.unified)
      end, { bufnr = mbuf })
    end
    if #variants == 2 then
      return compare(variants[1], variants[2])
    end
    M.pick(variants, 'Compare which variant?', function(a)
      if not a then
        return
      end
      local rest = vim.tbl_filter(function(v) return v ~= a end, variants)
      M.pick(rest, ('Compare %s with?'):format(M.item_text(a)), function(b)
        if b then
          compare(a, b)
        end
      end)
    end)
  end)
end

--- The "all variants" entry of :PixiBuildVariant's picker.
M.ALL = { text = 'all variants' }

--- :PixiBuildVariant[!]: pick one output variant (or all) and build it (! : rebuild, ignoring the cache).
function M.build_variant(bufnr, opts)
  opts = opts or {}
  return M.with_variants(bufnr, function(variants, _, mbuf)
    local extra = #variants > 1 and { M.ALL } or {}
    M.pick(variants, 'Build which variant?', function(v)
      if not v then
        return
      end
      local o = { rebuild = opts.rebuild == true }
      if v ~= M.ALL then
        o.variant = v.variant
        o.variant_label = M.item_text(v)
      end
      pixi().build(o, mbuf)
    end, extra)
  end)
end

function M.create_commands()
  local cmd = vim.api.nvim_create_user_command
  cmd('PixiPreviewVariant', function() M.preview_variant() end,
    { desc = 'pixi-lsp: pick an output variant, open its recipe and variants.yaml' })
  cmd('PixiCompareVariants', function(a) M.compare_variants(nil, { unified = a.bang }) end,
    { bang = true, desc = 'pixi-lsp: diff two output variants (!: as a unified diff)' })
  cmd('PixiBuildVariant', function(a) M.build_variant(nil, { rebuild = a.bang }) end,
    { bang = true, desc = 'pixi-lsp: build one output variant, or all (!: rebuild)' })
end

return M
