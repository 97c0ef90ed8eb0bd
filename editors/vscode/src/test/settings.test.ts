import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSettings, Getter } from '../settings';

function getter(values: Record<string, unknown>): Getter {
  return <T>(key: string, fallback: T): T => (key in values ? (values[key] as T) : fallback);
}

test('defaults match the server contract', () => {
  assert.deepEqual(buildSettings(getter({}), true), {
    diagnostics: { generic: true },
    channels: { enabled: true, cacheDir: null, offline: false, timeoutSeconds: 30 },
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
      'channels.enabled': false,
      'channels.cacheDir': '/c',
      'channels.offline': true,
      'channels.timeoutSeconds': 5,
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
  assert.deepEqual(s.channels, { enabled: false, cacheDir: '/c', offline: true, timeoutSeconds: 5 });
  assert.deepEqual(s.backends, { overrides: { 'pixi-build-python': '/b/py' }, overrideAll: null, autoPreview: true });
  assert.deepEqual(s.build, { outputDir: '/out' });
  assert.equal(s.trusted, false);
  assert.equal(s.logLevel, 'debug');
  assert.equal(s.logFile, '/tmp/log');
  assert.equal(s.inlayHints.enabled, true);
});

test('channels.timeoutSeconds is sent as a whole number >= 1', () => {
  const t = (v: unknown) => buildSettings(getter({ 'channels.timeoutSeconds': v }), true).channels.timeoutSeconds;
  assert.equal(t(2.6), 3);
  assert.equal(t(0), 1);
  assert.equal(t(-4), 1);
  assert.equal(t('12'), 12);
  assert.equal(t('soon'), 30);
  assert.equal(t(null), 30);
});
