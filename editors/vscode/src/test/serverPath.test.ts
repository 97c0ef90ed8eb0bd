import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandPath, findServer, FindServerInput } from '../serverPath';

function input(files: string[], over: Partial<FindServerInput> = {}): FindServerInput {
  return {
    configured: '',
    extensionPath: '/ext',
    envPath: '/usr/local/bin:/usr/bin',
    platform: 'linux',
    home: '/home/u',
    workspaceFolder: '/ws',
    isExecutable: (p) => files.includes(p),
    ...over,
  };
}

test('setting wins over bundled and PATH', () => {
  const r = findServer(input(['/opt/pixi-lsp', '/ext/server/pixi-lsp', '/usr/bin/pixi-lsp'], { configured: '/opt/pixi-lsp' }));
  assert.deepEqual(r, { path: '/opt/pixi-lsp', source: 'setting' });
});

test('a configured path that does not exist is an error, not a silent fallback', () => {
  const r = findServer(input(['/usr/bin/pixi-lsp'], { configured: '/nonexistent/pixi-lsp' }));
  assert.ok('error' in r && /pixiLsp\.server\.path.*\/nonexistent\/pixi-lsp/.test(r.error));
});

test('~ and ${workspaceFolder} are expanded; a bare name is looked up on PATH', () => {
  assert.deepEqual(findServer(input(['/home/u/bin/pixi-lsp'], { configured: '~/bin/pixi-lsp' })), {
    path: '/home/u/bin/pixi-lsp',
    source: 'setting',
  });
  assert.deepEqual(findServer(input(['/ws/target/debug/pixi-lsp'], { configured: '${workspaceFolder}/target/debug/pixi-lsp' })), {
    path: '/ws/target/debug/pixi-lsp',
    source: 'setting',
  });
  assert.deepEqual(findServer(input(['/usr/bin/my-lsp'], { configured: 'my-lsp' })), { path: '/usr/bin/my-lsp', source: 'setting' });
  assert.equal(expandPath(' ~ ', '/h', undefined), '/h');
});

test('bundled binary before PATH', () => {
  assert.deepEqual(findServer(input(['/ext/server/pixi-lsp', '/usr/bin/pixi-lsp'])), { path: '/ext/server/pixi-lsp', source: 'bundled' });
});

test('PATH in order', () => {
  assert.deepEqual(findServer(input(['/usr/bin/pixi-lsp', '/usr/local/bin/pixi-lsp'])), {
    path: '/usr/local/bin/pixi-lsp',
    source: 'PATH',
  });
});

test('nothing found: the message says where it looked', () => {
  const r = findServer(input([], { envPath: undefined }));
  assert.ok('error' in r && /No pixi-lsp server found/.test(r.error) && /PATH/.test(r.error));
});

test('windows: .exe and ; separator', () => {
  const r = findServer(input(['C:\\bin\\pixi-lsp.exe'], { platform: 'win32', envPath: 'C:\\x;C:\\bin', extensionPath: 'C:\\ext' }));
  assert.deepEqual(r, { path: 'C:\\bin\\pixi-lsp.exe', source: 'PATH' });
});
