import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildSummary,
  buildTitle,
  builtArtifacts,
  errText,
  FailureToasts,
  isCancelled,
  isNoBuildYet,
  isUnknownCommand,
  unsupportedMessage,
} from '../messages';

test('unknown command detection', () => {
  assert.equal(isUnknownCommand({ code: -32601, message: 'Method not found' }), true);
  assert.equal(isUnknownCommand({ code: -32602, message: 'unknown command: pixi-lsp.build' }), true);
  assert.equal(isUnknownCommand({ code: -32603, message: 'backend failed' }), false);
  assert.equal(isUnknownCommand(undefined), false);
  assert.equal(isCancelled({ code: -32800 }), true);
  assert.equal(isNoBuildYet({ code: -32803, message: 'no build of this package has run in this session' }), true);
  assert.equal(isNoBuildYet({ code: -32803, message: 'Build of x failed: nobody' }), false);
});

test('messages', () => {
  assert.equal(
    unsupportedMessage('0.1.0', 'Build package', 'pixi-lsp.build'),
    'pixi-lsp 0.1.0 does not support "Build package" (pixi-lsp.build) yet. Update the server.',
  );
  assert.match(unsupportedMessage(undefined, 'x', 'y'), /^This pixi-lsp server/);
  assert.equal(buildSummary({ artifacts: ['/o/demo-0.1.0-h0.conda'] }), 'Built 1 package: demo-0.1.0-h0.conda');
  assert.equal(buildSummary(null), 'Build finished, but produced no artifacts.');
});

test('build summaries: cached, path dependencies in build order', () => {
  assert.equal(
    buildSummary({ artifacts: ['/o/noarch/hello-0.1.0-h0.conda'], cached: true }),
    'Built 1 package (cached: inputs unchanged): hello-0.1.0-h0.conda',
  );
  assert.equal(
    buildSummary({ artifacts: ['/o/a.conda', 'C:\\o\\b.conda'] }),
    'Built 2 packages: a.conda, b.conda',
  );
  assert.equal(
    buildSummary({
      artifacts: ['/o/pkg-b-0.1.0-h0.conda'],
      packages: [
        { name: 'pkg-a', artifacts: ['/o/pkg-a-0.1.0-h0.conda'], cached: true },
        { name: 'pkg-b', artifacts: ['/o/pkg-b-0.1.0-h0.conda'], cached: false },
      ],
    }),
    'Built 2 packages (pkg-a → pkg-b): pkg-a-0.1.0-h0.conda (cached), pkg-b-0.1.0-h0.conda',
  );
  assert.equal(buildSummary({ artifacts: [], packages: [] }), 'Build finished, but produced no artifacts.');
  // one package (no path dependencies): as without `packages`
  assert.equal(
    buildSummary({
      artifacts: ['/o/hello-0.1.0-h0.conda'],
      cached: true,
      packages: [{ name: 'hello', artifacts: ['/o/hello-0.1.0-h0.conda'], cached: true }],
    }),
    'Built 1 package (cached: inputs unchanged): hello-0.1.0-h0.conda',
  );
});

test('a failure the server showed and the command error of the same text make one toast, in either order', () => {
  const f = new FailureToasts(1000);
  // server first, then the response
  assert.equal(f.shouldShow('server', 'Recipe preview failed: boom', 0), true);
  assert.equal(f.shouldShow('client', 'Recipe preview failed: boom ', 10), false);
  // response first, then the server's message
  assert.equal(f.shouldShow('client', 'Recipe preview failed: boom', 20), true);
  assert.equal(f.shouldShow('server', 'Recipe preview failed: boom', 30), false);
  // the same source twice (a build failing twice): both shown
  assert.equal(f.shouldShow('client', 'Build of x failed: y', 40), true);
  assert.equal(f.shouldShow('client', 'Build of x failed: y', 50), true);
  // different text: shown
  assert.equal(f.shouldShow('server', 'Recipe preview failed: other', 60), true);
  // too late to be the same failure
  assert.equal(f.shouldShow('server', 'late', 100), true);
  assert.equal(f.shouldShow('client', 'late', 1101), true);
});

test('build titles', () => {
  assert.equal(buildTitle(false, false), 'Build package');
  assert.equal(buildTitle(false, true), 'Rebuild package');
  // with path dependencies wins over rebuild
  assert.equal(buildTitle(true, false), 'Build package and its path dependencies');
  assert.equal(buildTitle(true, true), 'Build package and its path dependencies');
});

test('built artifacts: every package\'s, else the top-level list', () => {
  assert.deepEqual(builtArtifacts(null), []);
  assert.deepEqual(builtArtifacts({ artifacts: ['/o/a.conda'] }), ['/o/a.conda']);
  assert.deepEqual(
    builtArtifacts({
      artifacts: ['/o/b.conda'],
      packages: [{ name: 'a', artifacts: ['/o/a.conda'] }, { name: 'b' }, { name: 'c', artifacts: ['/o/c.conda'] }],
    }),
    ['/o/a.conda', '/o/c.conda'],
  );
  // an empty `packages` list is the answer: no fallback to `artifacts`
  assert.deepEqual(builtArtifacts({ artifacts: ['/o/b.conda'], packages: [] }), []);
});

test('error text', () => {
  assert.equal(errText(new Error('boom')), 'boom');
  assert.equal(errText('plain'), 'plain');
  assert.equal(errText(42), '42');
  assert.equal(errText(undefined), 'undefined');
});
