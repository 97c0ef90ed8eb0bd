import assert from 'node:assert/strict';
import { test } from 'node:test';
import { needsEnvironmentPick, parseRunTaskArg, pixiRunArgs } from '../tasks';

test('a task lens argument becomes `pixi run` arguments', () => {
  const arg = parseRunTaskArg({ task: 'test', manifestPath: '/w/pixi.toml', environment: null, environments: [] });
  assert.ok(arg);
  assert.deepEqual(pixiRunArgs(arg), ['run', '--manifest-path', '/w/pixi.toml', 'test']);
  assert.equal(needsEnvironmentPick(arg), false);
  const inEnv = parseRunTaskArg({ task: 'docs', manifestPath: '/w/pixi.toml', environment: 'docs' });
  assert.ok(inEnv);
  assert.deepEqual(pixiRunArgs(inEnv), ['run', '--manifest-path', '/w/pixi.toml', '--environment', 'docs', 'docs']);
});

test('"Run in environment…" asks first; odd arguments are refused', () => {
  const arg = parseRunTaskArg({ task: 'test', manifestPath: '/w/pixi.toml', environment: null, environments: ['default', 'docs', 3] });
  assert.ok(arg);
  assert.deepEqual(arg.environments, ['default', 'docs']);
  assert.equal(needsEnvironmentPick(arg), true);
  assert.equal(parseRunTaskArg({ task: 'x' }), undefined);
  assert.equal(parseRunTaskArg('file:///w/pixi.toml'), undefined);
  assert.equal(parseRunTaskArg(null), undefined);
});
