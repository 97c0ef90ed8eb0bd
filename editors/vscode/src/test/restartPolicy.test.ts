import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RestartPolicy } from '../restartPolicy';

test('restarts a bounded number of times inside the window', () => {
  const p = new RestartPolicy(3, 1000);
  assert.deepEqual(p.onCrash(0), { restart: true, crashes: 1 });
  assert.deepEqual(p.onCrash(10), { restart: true, crashes: 2 });
  assert.deepEqual(p.onCrash(20), { restart: true, crashes: 3 });
  assert.deepEqual(p.onCrash(30), { restart: false, crashes: 4 });
});

test('old crashes fall out of the window; reset forgets', () => {
  const p = new RestartPolicy(1, 1000);
  assert.equal(p.onCrash(0).restart, true);
  assert.equal(p.onCrash(2000).restart, true);
  assert.equal(p.onCrash(2500).restart, false);
  p.reset();
  assert.equal(p.onCrash(2600).restart, true);
});
