import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSettings, Getter, RESTART_KEYS, serverEnv } from '../settings';

function getter(values: Record<string, unknown>): Getter {
  return <T>(key: string, fallback: T): T => (key in values ? (values[key] as T) : fallback);
}

test('defaults match the server contract', () => {
  assert.deepEqual(buildSettings(getter({}), true), {
    diagnostics: { generic: true },
    formatting: { enable: true, indentWidth: 2, alignEntries: false, blankLineBetweenTables: true },
    channels: { enabled: true, cacheDir: null, offline: false, timeoutSeconds: 30 },
    backends: { overrides: {}, overrideAll: null, autoPreview: false, cacheDir: null, timeoutSeconds: 600 },
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
      'formatting.enable': false,
      'formatting.indentWidth': 4.4,
      'formatting.alignEntries': true,
      'formatting.blankLineBetweenTables': false,
      'channels.enabled': false,
      'channels.cacheDir': '/c',
      'channels.offline': true,
      'channels.timeoutSeconds': 5,
      'backends.overrides': { 'pixi-build-python': '/b/py', bad: 3, empty: '' },
      'backends.overrideAll': '',
      'backends.autoPreview': true,
      'backends.cacheDir': '/backends',
      'backends.timeoutSeconds': 90,
      'build.outputDir': '/out',
      logLevel: 'debug',
      logFile: '/tmp/log',
      'inlayHints.enabled': true,
    }),
    false,
  );
  assert.equal(s.diagnostics.generic, false);
  assert.deepEqual(s.formatting, { enable: false, indentWidth: 4, alignEntries: true, blankLineBetweenTables: false });
  assert.deepEqual(s.channels, { enabled: false, cacheDir: '/c', offline: true, timeoutSeconds: 5 });
  assert.deepEqual(s.backends, {
    overrides: { 'pixi-build-python': '/b/py' },
    overrideAll: null,
    autoPreview: true,
    cacheDir: '/backends',
    timeoutSeconds: 90,
  });
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

test('backends.timeoutSeconds is sent as a whole number >= 1; backends.cacheDir empty is null', () => {
  const b = (v: Record<string, unknown>) => buildSettings(getter(v), true).backends;
  assert.equal(b({ 'backends.timeoutSeconds': 0.4 }).timeoutSeconds, 1);
  assert.equal(b({ 'backends.timeoutSeconds': 59.5 }).timeoutSeconds, 60);
  assert.equal(b({ 'backends.timeoutSeconds': '120' }).timeoutSeconds, 120);
  assert.equal(b({ 'backends.timeoutSeconds': 'never' }).timeoutSeconds, 600);
  assert.equal(b({ 'backends.timeoutSeconds': null }).timeoutSeconds, 600);
  assert.equal(b({ 'backends.cacheDir': '  ' }).cacheDir, null);
  assert.equal(b({ 'backends.cacheDir': null }).cacheDir, null);
});

test('the settings object survives JSON (what the server receives)', () => {
  const s = buildSettings(getter({ 'backends.cacheDir': '/c', 'backends.timeoutSeconds': 7 }), true);
  const sent = JSON.parse(JSON.stringify({ pixiLsp: s })).pixiLsp;
  assert.equal(sent.backends.cacheDir, '/c');
  assert.equal(sent.backends.timeoutSeconds, 7);
  assert.ok(Number.isInteger(sent.backends.timeoutSeconds));
});

test('server.env: added to the inherited environment; nothing to add: inherit as is', () => {
  const base = { PATH: '/bin', HOME: '/h', GONE: 'x', UNSET: undefined };
  assert.equal(serverEnv(base, {}), undefined);
  assert.equal(serverEnv(base, null), undefined);
  assert.equal(serverEnv(base, ['A=1']), undefined);
  assert.deepEqual(serverEnv(base, { MODE: 'hang', N: 3, GONE: null, BAD: { x: 1 }, '': 'y' }), {
    PATH: '/bin',
    HOME: '/h',
    MODE: 'hang',
    N: '3',
  });
  assert.ok(RESTART_KEYS.includes('pixiLsp.server.env'));
});
