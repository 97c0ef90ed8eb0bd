import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configurationAnswer, routeServerCommand } from '../serverCommands';

test('server build commands run through the build command, with their options', () => {
  assert.deepEqual(routeServerCommand('pixi-lsp.build', ['file:///w/pixi.toml']), {
    kind: 'build',
    uri: 'file:///w/pixi.toml',
    withPathDependencies: false,
    rebuild: false,
  });
  assert.deepEqual(routeServerCommand('pixi-lsp.build', ['file:///w/pixi.toml', { rebuild: true }]), {
    kind: 'build',
    uri: 'file:///w/pixi.toml',
    withPathDependencies: false,
    rebuild: true,
  });
  assert.deepEqual(routeServerCommand('pixi-lsp.build', ['file:///w/pixi.toml', { withPathDependencies: true }]), {
    kind: 'build',
    uri: 'file:///w/pixi.toml',
    withPathDependencies: true,
    rebuild: false,
  });
  // only `true` turns an option on; a missing or odd manifest argument leaves the choice to the command
  assert.deepEqual(routeServerCommand('pixi-lsp.build', [42, { rebuild: 'yes', withPathDependencies: 1 }]), {
    kind: 'build',
    uri: undefined,
    withPathDependencies: false,
    rebuild: false,
  });
  assert.deepEqual(routeServerCommand('pixi-lsp.build', []), {
    kind: 'build',
    uri: undefined,
    withPathDependencies: false,
    rebuild: false,
  });
  assert.deepEqual(routeServerCommand('pixi-lsp.build', ['file:///w/pixi.toml', null]), {
    kind: 'build',
    uri: 'file:///w/pixi.toml',
    withPathDependencies: false,
    rebuild: false,
  });
});

test('preview and build log; other commands go to the server', () => {
  assert.deepEqual(routeServerCommand('pixi-lsp.previewRecipe', ['file:///w/pixi.toml']), {
    kind: 'previewRecipe',
    uri: 'file:///w/pixi.toml',
  });
  assert.deepEqual(routeServerCommand('pixi-lsp.openBuildLog', []), { kind: 'openBuildLog', uri: undefined });
  assert.equal(routeServerCommand('pixi-lsp.updateVersion', ['file:///w/pixi.toml']), undefined);
  assert.equal(routeServerCommand('pixiLsp.build', ['file:///w/pixi.toml']), undefined);
});

test('workspace/configuration: our section gets the settings, other sections null', () => {
  let calls = 0;
  const settings = () => {
    calls++;
    return { trusted: true };
  };
  assert.deepEqual(configurationAnswer([{ section: 'pixiLsp' }], settings), [{ trusted: true }]);
  assert.deepEqual(configurationAnswer([{ section: 'editor' }, { section: 'pixiLsp' }, {}], settings), [
    null,
    { trusted: true },
    null,
  ]);
  assert.equal(calls, 2);
  // none of ours: the client answers, and the settings are not read
  assert.equal(configurationAnswer([{ section: 'editor' }, {}], settings), undefined);
  assert.equal(configurationAnswer([], settings), undefined);
  assert.equal(calls, 2);
});
