import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusContext, statusView } from '../statusView';

const ctx = (over: Partial<StatusContext> = {}): StatusContext => ({
  serverVersion: '0.1.0',
  trusted: true,
  maxRestarts: 3,
  builds: [],
  ...over,
});

test('idle hides the item', () => {
  assert.equal(statusView({ kind: 'idle' }, ctx()), undefined);
});

test('server states', () => {
  assert.deepEqual(statusView({ kind: 'starting' }, ctx()), { text: '$(sync~spin) pixi-lsp', tooltip: 'pixi-lsp is starting' });
  assert.deepEqual(statusView({ kind: 'running' }, ctx()), { text: '$(check) pixi-lsp', tooltip: 'pixi-lsp 0.1.0 is running' });
  assert.deepEqual(statusView({ kind: 'running' }, ctx({ serverVersion: undefined, trusted: false })), {
    text: '$(check) pixi-lsp',
    tooltip: 'pixi-lsp is running (restricted mode: no builds)',
  });
  assert.deepEqual(statusView({ kind: 'restarting', crashes: 2 }, ctx()), {
    text: '$(sync~spin) pixi-lsp (restarting)',
    tooltip: 'pixi-lsp crashed; restart 2 of 3',
    background: 'warning',
  });
  assert.deepEqual(statusView({ kind: 'crashed', crashes: 4 }, ctx()), {
    text: '$(error) pixi-lsp stopped',
    tooltip: 'pixi-lsp crashed 4 times and was not restarted. Click for the server log.',
    background: 'error',
  });
  assert.deepEqual(statusView({ kind: 'notFound', message: 'no pixi-lsp on PATH' }, ctx()), {
    text: '$(error) pixi-lsp not found',
    tooltip: 'no pixi-lsp on PATH',
    background: 'error',
  });
  assert.deepEqual(statusView({ kind: 'failed', message: 'exec format error' }, ctx()), {
    text: '$(error) pixi-lsp failed',
    tooltip: 'exec format error',
    background: 'error',
  });
});

test('running builds: one with its percentage, several counted', () => {
  assert.deepEqual(statusView({ kind: 'running' }, ctx({ builds: [{ name: 'a/pixi.toml' }] })), {
    text: '$(loading~spin) pixi-lsp: building a/pixi.toml',
    tooltip: 'pixi-lsp 0.1.0 is running\nbuilding: a/pixi.toml',
  });
  assert.equal(statusView({ kind: 'running' }, ctx({ builds: [{ name: 'a/pixi.toml', percent: 40 }] }))?.text,
    '$(loading~spin) pixi-lsp: building a/pixi.toml 40%');
  assert.equal(statusView({ kind: 'running' }, ctx({ builds: [{ name: 'a/pixi.toml', percent: 0 }] }))?.text,
    '$(loading~spin) pixi-lsp: building a/pixi.toml 0%');
  assert.deepEqual(
    statusView({ kind: 'running' }, ctx({ builds: [{ name: 'a/pixi.toml', percent: 40 }, { name: 'b/pixi.toml' }] })),
    {
      text: '$(loading~spin) pixi-lsp: building (2)',
      tooltip: 'pixi-lsp 0.1.0 is running\nbuilding: a/pixi.toml, b/pixi.toml',
    },
  );
});

test('builds show only while the server runs', () => {
  const builds = [{ name: 'a/pixi.toml' }];
  assert.equal(statusView({ kind: 'restarting', crashes: 1 }, ctx({ builds }))?.text, '$(sync~spin) pixi-lsp (restarting)');
  assert.equal(statusView({ kind: 'idle' }, ctx({ builds })), undefined);
});
