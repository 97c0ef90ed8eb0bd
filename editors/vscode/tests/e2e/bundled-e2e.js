// The .vsix with the server inside, as a user installs it (started by tests/e2e/bundled.sh): no server setting,
// no pixi-lsp on PATH; the bundled server must run and report a manifest's error.
// Env: EXT_DIR (code-server's extensions directory), SERVER (the binary that was packaged).
// Prints "N passed, M failed"; screenshots: $ARTIFACTS/vscode-bundled-*.png
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { T, KEYS, log, squash, main, test, check, runCommand, openFile, waitStatus, serverUp, waitFor, pids } = require('./lib');

const url = process.argv[2];
const EXT_DIR = process.env.EXT_DIR;
const sha256 = (p) => crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');

/** <EXT_DIR>/pixi-lsp.pixi-lsp-<version>[-<target>]/server/pixi-lsp, real path. */
function bundledServer() {
  const dirs = fs.readdirSync(EXT_DIR).filter((d) => d.startsWith('pixi-lsp.pixi-lsp-'));
  check(dirs.length === 1, `expected one installed pixi-lsp extension in ${EXT_DIR}, found ${JSON.stringify(dirs)}`);
  return fs.realpathSync(path.join(EXT_DIR, dirs[0])) + '/server/pixi-lsp';
}

main(url, 'vscode-bundled-error.png', async (page) => {
  const server = bundledServer();
  log('bundled server: ' + server);

  await test('the installed extension holds server/pixi-lsp: the packaged binary, executable', null, async () => {
    check(fs.existsSync(server), `${server} is missing (the .vsix has no server/)`);
    const mode = fs.statSync(server).mode & 0o777;
    log('mode ' + mode.toString(8));
    check((mode & 0o111) === 0o111, `${server} has mode ${mode.toString(8)}, not executable by all`);
    check(sha256(server) === sha256(process.env.SERVER), `${server} is not the packaged ${process.env.SERVER}`);
  });

  await test('a manifest error shows as a squiggle and a Problems entry with pixi-lsp\'s message', 'vscode-bundled-diagnostics.png', async () => {
    await openFile('broken/pixi.toml');
    await page.waitForSelector('.monaco-editor .squiggly-error', { timeout: T });
    await page.keyboard.press(KEYS.problems);
    await page.locator('.markers-panel .monaco-list-row').first().waitFor({ timeout: T });
    const text = squash(await page.locator('.markers-panel').innerText());
    log('problems: ' + text);
    check(/expected a table, found string .*\[Ln 13, Col 11\]/.test(text), 'not the backend error on line 13: ' + text);
    await waitStatus(serverUp, 'showed a running server');
  });

  await test('the server that runs is the bundled one: the log says so, and it is the process', 'vscode-bundled-log.png', async () => {
    await runCommand('Pixi: Show server log');
    const lines = page.locator('.part.panel .monaco-editor .view-lines');
    await lines.waitFor({ timeout: T });
    await lines.click();
    await page.keyboard.press('Control+Home');
    // the line may wrap in the panel: compare without whitespace
    const want = `[pixi-lsp] starting ${server} (found via bundled)`.replace(/\s+/g, '');
    let text = '';
    await waitFor(async () => (text = (await lines.innerText()).replace(/\s+/g, '')).includes(want), 'the start line in the log')
      .catch((e) => { throw new Error(`${e.message}: want ${want}; the log reads: ${text.slice(0, 400)}`); });
    log('log: ' + squash(await page.locator('.part.panel .view-line', { hasText: 'starting' }).first().innerText()));
    // the process: its executable is the bundled file, and no directory of its PATH has a pixi-lsp
    const running = pids().filter((pid) => {
      try {
        return fs.readlinkSync(`/proc/${pid}/exe`) === server;
      } catch {
        return false;
      }
    });
    check(running.length === 1, `expected one process running ${server}, found ${running.length}`);
    const env = fs.readFileSync(`/proc/${running[0]}/environ`, 'utf8').split('\0');
    const dirs = (env.find((e) => e.startsWith('PATH=')) || 'PATH=').slice(5).split(':');
    const onPath = dirs.filter((d) => d && fs.existsSync(path.join(d, 'pixi-lsp')));
    check(onPath.length === 0, `the server's PATH has pixi-lsp in ${onPath.join(', ')}`);
  });
});
