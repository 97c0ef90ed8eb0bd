import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSettings, Getter } from '../settings';

function getter(values: Record<string, unknown>): Getter {
  return <T>(key: string, fallback: T): T => (key in values ? (values[key] as T) : fallback);
}

test('defaults match the server contract', () => {
  assert.deepEqual(buildSettings(getter({}), true), {
    diagnostics: { generic: true },
    channels: { cacheDir: null, offline: false },
    backends: { overrides: {}, overrideAll: null, autoPreview: false },
    build: { outputDir: null },
    trusted: true,
    logLevel: 'info',
    logFile: null,
    inlayHints: { enabled: false },
  });
});

test('values are mapped, empty strings become null, bad overrides are dropped', () => {
  const s = buildSettings(
    getter({
      'diagnostics.generic': false,
      'channels.cacheDir': '/c',
      'channels.offline': true,
      'backends.overrides': { 'pixi-build-python': '/b/py', bad: 3, empty: '' },
      'backends.overrideAll': '',
      'backends.autoPreview': true,
      'build.outputDir': '/out',
      logLevel: 'debug',
      logFile: '/tmp/log',
      'inlayHints.enabled': true,
    }),
    false,
  );
  assert.equal(s.diagnostics.generic, false);
  assert.deepEqual(s.channels, { cacheDir: '/c', offline: true });
  assert.deepEqual(s.backends, { overrides: { 'pixi-build-python': '/b/py' }, overrideAll: null, autoPreview: true });
  assert.deepEqual(s.build, { outputDir: '/out' });
  assert.equal(s.trusted, false);
  assert.equal(s.logLevel, 'debug');
  assert.equal(s.logFile, '/tmp/log');
  assert.equal(s.inlayHints.enabled, true);
});
