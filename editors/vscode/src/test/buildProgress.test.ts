import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildToken, ProgressSteps } from '../buildProgress';

test('absolute percentages become increments', () => {
  const s = new ProgressSteps();
  assert.deepEqual(s.next({ kind: 'begin', title: 'Building', percentage: 0 }), {
    message: 'Building',
    increment: 0,
    percent: 0,
  });
  assert.deepEqual(s.next({ kind: 'report', message: 'outputs', percentage: 30 }), {
    message: 'outputs',
    increment: 30,
    percent: 30,
  });
  // a report without a percentage moves nothing
  assert.deepEqual(s.next({ kind: 'report', message: 'still going' }), {
    message: 'still going',
    increment: undefined,
    percent: undefined,
  });
  assert.deepEqual(s.next({ kind: 'report', percentage: 75 }), { message: undefined, increment: 45, percent: 75 });
  // going back never decreases the bar
  assert.deepEqual(s.next({ kind: 'report', percentage: 60 }), { message: undefined, increment: 0, percent: 60 });
  assert.deepEqual(s.next({ kind: 'report', percentage: 70 }), { message: undefined, increment: 10, percent: 70 });
  assert.equal(s.next({ kind: 'end', message: 'done' }), undefined);
});

test('begin shows its message, else its title', () => {
  assert.equal(new ProgressSteps().next({ kind: 'begin', title: 'Building', message: 'resolving' })?.message, 'resolving');
  assert.equal(new ProgressSteps().next({ kind: 'begin', title: 'Building' })?.message, 'Building');
  assert.equal(new ProgressSteps().next({ kind: 'report', title: 'ignored' })?.message, undefined);
});

test('build tokens', () => {
  assert.equal(buildToken(1700000000000, 0.5), 'pixi-lsp-build-1700000000000-i');
  assert.match(buildToken(), /^pixi-lsp-build-\d+-[0-9a-z]+$/);
  assert.notEqual(buildToken(), buildToken());
});
