import assert from 'node:assert/strict';
import { test } from 'node:test';
import { routeServerCommand, variantOption } from '../serverCommands';
import {
  builtVariantLines,
  companionUri,
  comparisonTitle,
  parseOutputVariants,
  pickItem,
  sideParts,
  sideText,
  sideUri,
  valuesText,
  variantBuildSummary,
} from '../variants';

const base = 'pixi-recipe:/w/cm/pixi.toml/variants';
// as pixi-lsp.previewRecipe lists them for pixi-build-cmake with cxx_compiler × cxx_compiler_version
const gxx14 = {
  id: 'mini-cm/2986549',
  hash: '2986549',
  name: 'mini-cm',
  version: '0.1.0',
  build: 'h2986549_0',
  subdir: 'linux-64',
  variant: { cxx_compiler: 'gxx', cxx_compiler_version: '14', target_platform: 'linux-64' },
  label: 'mini-cm h2986549_0 (cxx_compiler=gxx, cxx_compiler_version=14)',
  uri: `${base}/mini-cm/2986549/recipe.yaml`,
  variantsUri: `${base}/mini-cm/2986549/variants.yaml`,
};

test('outputVariants: the well-formed entries, values as text; none from an older server', () => {
  const parsed = parseOutputVariants({
    outputVariants: [
      gxx14,
      { hash: 'x' }, // no documents: skipped
      { hash: 'abc', uri: `${base}/abc/recipe.yaml`, variantsUri: `${base}/abc/variants.yaml`, variant: { n: 3, b: true, o: {} } },
    ],
  });
  assert.equal(parsed.length, 2);
  assert.deepEqual(parsed[0], gxx14);
  // without a label from the server: name, build and the values (numbers and booleans as text)
  assert.deepEqual(parsed[1].variant, { n: '3', b: 'true' });
  // an older server without ids: the hash names the variant
  assert.equal(parsed[1].id, 'abc');
  assert.equal(parsed[1].label, '? ? (b=true, n=3)');
  assert.deepEqual(parseOutputVariants({ uri: 'pixi-recipe:/w/pixi.toml/recipe.yaml', content: '' }), []);
  assert.deepEqual(parseOutputVariants(null), []);
});

test('a variant in the quick pick: name and build string, its values (without target_platform), version and platform', () => {
  assert.equal(valuesText(gxx14.variant), 'cxx_compiler=gxx, cxx_compiler_version=14');
  assert.equal(valuesText({ b: '1', a: '2' }), 'a=2, b=1');
  const item = pickItem(parseOutputVariants({ outputVariants: [gxx14] })[0]);
  assert.equal(item.label, 'mini-cm h2986549_0');
  assert.equal(item.description, 'cxx_compiler=gxx, cxx_compiler_version=14');
  assert.equal(item.detail, 'mini-cm 0.1.0 for linux-64');
  assert.equal(item.variant.hash, '2986549');
  // a variant of target_platform alone: its platform
  const noarch = { ...gxx14, subdir: 'noarch', variant: { target_platform: 'noarch' } };
  assert.equal(pickItem(parseOutputVariants({ outputVariants: [noarch] })[0]).description, 'noarch');
});

test('comparison sides: the variant values then the recipe, in a document beside the variant\'s own', () => {
  assert.equal(sideText("cxx_compiler: gxx\ncxx_compiler_version: '14'\n", 'schema_version: 1\n'),
    "# variants.yaml\ncxx_compiler: gxx\ncxx_compiler_version: '14'\n# recipe.yaml\nschema_version: 1\n");
  const side = sideUri(gxx14.uri);
  assert.equal(side, `${base}/mini-cm/2986549/variants-and-recipe.yaml`);
  assert.deepEqual(sideParts(side), { variants: gxx14.variantsUri, recipe: gxx14.uri });
  // the server's own documents are not sides
  assert.equal(sideParts(gxx14.uri), undefined);
  assert.equal(sideParts('pixi-recipe:/w/pixi.toml/recipe.yaml'), undefined);
  assert.equal(comparisonTitle('a h1_0 (x=1)', 'a h2_0 (x=2)'), 'a h1_0 (x=1) ↔ a h2_0 (x=2)');
});

test('a variant\'s recipe and variants.yaml lead to each other; other documents to nothing', () => {
  assert.equal(companionUri(gxx14.uri), gxx14.variantsUri);
  assert.equal(companionUri(gxx14.variantsUri), gxx14.uri);
  assert.equal(companionUri('pixi-recipe:/w/pixi.toml/recipe.yaml'), undefined);
  assert.equal(companionUri('pixi-recipe:/w/pixi.toml/variants.yaml'), undefined);
});

test('the result of a variant build names its artifacts and the variant', () => {
  const result = {
    artifacts: ['/o/noarch/f-0.1.0-h8d40761_0.conda'],
    builds: [{ path: '/o/noarch/f-0.1.0-h8d40761_0.conda', name: 'f', version: '0.1.0', build: 'h8d40761_0', subdir: 'noarch', cached: false }],
  };
  assert.equal(variantBuildSummary(result, 'flavor=plain'), 'Built 1 package (variant flavor=plain): f-0.1.0-h8d40761_0.conda');
  assert.deepEqual(builtVariantLines(result), ['f 0.1.0 h8d40761_0 (noarch): /o/noarch/f-0.1.0-h8d40761_0.conda']);
  const cached = { builds: [{ ...result.builds[0], cached: true }, { ...result.builds[0], path: '/o/noarch/f-0.1.0-hec21ac6_0.conda' }] };
  assert.equal(variantBuildSummary(cached, 'flavor=plain'),
    'Built 2 packages (variant flavor=plain): f-0.1.0-h8d40761_0.conda (cached), f-0.1.0-hec21ac6_0.conda');
  // an older server: the artifacts
  assert.equal(variantBuildSummary({ artifacts: ['/o/a.conda'] }, 'x=1'), 'Built 1 package (variant x=1): a.conda');
  assert.equal(variantBuildSummary({ builds: [] }, 'x=1'), 'Build of variant x=1 finished, but produced no artifacts.');
  assert.deepEqual(builtVariantLines({}), []);
});

test('"Build only …" code actions run the build command with their variant', () => {
  const variant = { cxx_compiler: 'clangxx', cxx_compiler_version: '14', target_platform: 'linux-64' };
  assert.deepEqual(routeServerCommand('pixi-lsp.build', ['file:///w/pixi.toml', { variant }]), {
    kind: 'build',
    uri: 'file:///w/pixi.toml',
    withPathDependencies: false,
    rebuild: false,
    variant,
  });
  // an empty or malformed variant is no selection
  assert.deepEqual(routeServerCommand('pixi-lsp.build', ['file:///w/pixi.toml', { variant: {} }]), {
    kind: 'build',
    uri: 'file:///w/pixi.toml',
    withPathDependencies: false,
    rebuild: false,
  });
  assert.equal(variantOption(['gxx']), undefined);
  assert.equal(variantOption('gxx'), undefined);
  assert.deepEqual(variantOption({ n: 13, on: false, o: { x: 1 } }), { n: '13', on: 'false' });
});
