import assert from 'node:assert/strict';
import { test } from 'node:test';
import { basename, hasToolPixi, isManifest, isManifestDocument } from '../manifest';

test('pixi.toml is a manifest whatever its content', () => {
  assert.equal(isManifest('/a/b/pixi.toml', () => ''), true);
  assert.equal(isManifest('C:\\a\\pixi.toml', () => ''), true);
});

test('pyproject.toml only with [tool.pixi', () => {
  assert.equal(isManifest('/a/pyproject.toml', () => '[project]\nname = "x"\n[tool.pixi.workspace]\n'), true);
  assert.equal(isManifest('/a/pyproject.toml', () => '[tool.pixi]\n'), true);
  assert.equal(isManifest('/a/pyproject.toml', () => '  [ tool.pixi.package.build ]\n'), true);
  assert.equal(isManifest('/a/pyproject.toml', () => '[[tool.pixi.feature.x.tasks]]\n'), true);
  assert.equal(isManifest('/a/pyproject.toml', () => '[project]\nname = "x"\n[tool.ruff]\n'), false);
  assert.equal(isManifest('/a/pyproject.toml', () => '# [tool.pixi] in a comment\n'), false);
  assert.equal(isManifest('/a/pyproject.toml', () => '[tool.pixie]\n'), false);
});

test('other toml files are not manifests, and their text is not read', () => {
  assert.equal(
    isManifest('/a/Cargo.toml', () => {
      throw new Error('read');
    }),
    false,
  );
  assert.equal(isManifest('/a/pixi.toml.bak', () => '[tool.pixi]'), false);
});

test('hasToolPixi / basename', () => {
  assert.equal(hasToolPixi('x = 1\n[tool.pixi.dependencies]\n'), true);
  assert.equal(basename('/x/y/z.toml'), 'z.toml');
  assert.equal(basename('z.toml'), 'z.toml');
});

test('only manifest files on disk are manifest documents', () => {
  const doc = (scheme: string, fileName: string, text: string) => ({ uri: { scheme }, fileName, getText: () => text });
  assert.equal(isManifestDocument(doc('file', '/w/pixi.toml', '')), true);
  assert.equal(isManifestDocument(doc('file', '/w/pyproject.toml', '[tool.pixi.workspace]\n')), true);
  assert.equal(isManifestDocument(doc('file', '/w/pyproject.toml', '[project]\n')), false);
  assert.equal(isManifestDocument(doc('untitled', '/w/pixi.toml', '')), false);
  assert.equal(isManifestDocument(doc('git', '/w/pixi.toml', '')), false);
  assert.equal(isManifestDocument(doc('pixi-recipe', '/w/pixi.toml/recipe.yaml', '')), false);
});
