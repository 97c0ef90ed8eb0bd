import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSummary, isCancelled, isUnknownCommand, unsupportedMessage } from '../messages';

test('unknown command detection', () => {
  assert.equal(isUnknownCommand({ code: -32601, message: 'Method not found' }), true);
  assert.equal(isUnknownCommand({ code: -32602, message: 'unknown command: pixi-lsp.build' }), true);
  assert.equal(isUnknownCommand({ code: -32603, message: 'backend failed' }), false);
  assert.equal(isUnknownCommand(undefined), false);
  assert.equal(isCancelled({ code: -32800 }), true);
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
