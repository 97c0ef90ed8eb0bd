// Drives code-server (with the pixi-lsp .vsix installed) through Debian's chromium.
// Started by tests/e2e/run.sh; prints "N passed, M failed" and exits non-zero on failure.
// Screenshots: $ARTIFACTS/vscode-*.png
const fs = require('fs');
const path = require('path');
const {
  ARTIFACTS, T, KEYS, log, squash, Skip, main, test, check, escapeRe, runCommand, openFile, statusLabel, waitStatus,
  serverUp, waitFor, pids,
} = require('./lib');

const url = process.argv[2];
const SETTINGS = process.env.SETTINGS;
// how long the server may take to load the local test channel (completion is retried until then)
const CHANNEL_T = Number(process.env.PIXI_LSP_TEST_CHANNEL_TIMEOUT_MS || 30000);
// how long one build may take (the example backend builds these packages in well under a second)
const BUILD_T = Number(process.env.PIXI_LSP_TEST_BUILD_TIMEOUT_MS || 120000);
// where the builds put their .conda files (the pixiLsp.build.outputDir setting of run.sh)
const BUILD_OUT = process.env.BUILD_OUT;
let page;
const report = {};

async function clearNotifications() {
  await page.keyboard.press(KEYS.clearNotifications);
  await page.waitForTimeout(200);
}

/** Text of the first notification toast matching re, waiting up to timeout. */
async function waitNotification(re, timeout = T) {
  const end = Date.now() + timeout;
  let seen = [];
  while (Date.now() < end) {
    seen = (await page.locator('.notification-list-item-message').allInnerTexts().catch(() => [])).map(squash);
    const hit = seen.find((t) => re.test(t));
    if (hit) return hit;
    await page.waitForTimeout(200);
  }
  throw new Error(`no notification matching ${re}; saw: ${JSON.stringify(seen)}`);
}

async function gotoLine(lineCol) {
  await page.keyboard.press(KEYS.gotoLine);
  await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: T });
  await page.keyboard.type(lineCol);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(200);
}

/** Change user settings through the settings.json editor (code-server does not notice edits made
 *  to the file behind its back). */
const settingsNow = {};
async function setSettings(patch) {
  if (!fs.existsSync(SETTINGS + '.orig')) fs.copyFileSync(SETTINGS, SETTINGS + '.orig');
  const s = Object.assign(JSON.parse(fs.readFileSync(SETTINGS + '.orig', 'utf8')), settingsNow, patch);
  Object.assign(settingsNow, patch);
  await runCommand('Preferences: Open User Settings (JSON)');
  await page.waitForFunction(() => {
    const b = document.querySelector('.editor-group-container.active .monaco-breadcrumbs');
    return b && (b.textContent || '').includes('settings.json');
  }, null, { timeout: T });
  // into the editor's viewport (not .view-lines: the one long line scrolls it sideways)
  await page.locator('.editor-group-container.active .monaco-editor .editor-scrollable').click({ position: { x: 50, y: 5 } });
  await page.keyboard.press('Control+A');
  // one line (no auto-indent), then drop whatever the editor auto-closed after the cursor
  await page.keyboard.insertText(JSON.stringify(s));
  await page.keyboard.press('Control+Shift+End');
  await page.keyboard.press('Delete');
  await page.keyboard.press('Control+S');
  const end = Date.now() + T;
  while (Date.now() < end) {
    const onDisk = fs.readFileSync(SETTINGS, 'utf8');
    if (Object.values(patch).every((v) => onDisk.includes(JSON.stringify(v)))) break;
    await page.waitForTimeout(100);
  }
  await page.keyboard.press('Control+W');
}

/** Trigger suggest at the cursor until the list satisfies pred(items) (the server answers
 *  isIncomplete / without channel items until the channel is loaded), bounded by CHANNEL_T. */
async function suggestUntil(pred, what) {
  const start = Date.now();
  let items = [];
  let message = '';
  for (let n = 1; ; n++) {
    await page.keyboard.press(KEYS.suggest);
    const rows = page.locator('.suggest-widget .monaco-list-row');
    await Promise.race([
      rows.first().waitFor({ state: 'visible', timeout: 3000 }),
      page.locator('.suggest-widget .message:visible').first().waitFor({ timeout: 3000 }),
    ]).catch(() => {});
    await page.waitForTimeout(300);
    items = (await rows.allInnerTexts().catch(() => [])).map(squash);
    message = squash((await page.locator('.suggest-widget .message:visible').allInnerTexts().catch(() => [])).join(' '));
    if (pred(items)) {
      log(`${what}: after ${n} request(s), ${Date.now() - start} ms`);
      return items;
    }
    if (Date.now() - start > CHANNEL_T) {
      throw new Error(`${what}: the server never offered the expected items within ${CHANNEL_T} ms (${n} requests); `
        + `last list: ${JSON.stringify(items)}${message ? ` (widget: ${message})` : ''}`);
    }
    await page.keyboard.press('Escape');
    await page.waitForTimeout(500);
  }
}

/** The notification toast whose message matches re. */
function toast(re) {
  return page.locator('.notification-toast').filter({ has: page.locator('.notification-list-item-message', { hasText: re }) });
}

/** .conda files under the build output directory whose name starts with prefix. */
function condaFiles(prefix) {
  const found = [];
  const walk = (dir) => {
    for (const e of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.startsWith(prefix) && e.name.endsWith('.conda') && fs.statSync(p).size > 0) found.push(p);
    }
  };
  walk(BUILD_OUT);
  return found;
}

/** Processes of our test backend started in hang mode (their environment says so). */
function hangingBackends() {
  return pids().filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/environ`, 'latin1').includes('PIXI_BUILD_LSP_EXAMPLE_MODE=hang-on-outputs')
        && fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').startsWith(process.env.BACKEND);
    } catch {
      return false; // gone, or not ours
    }
  });
}

/** The active editor shows the build log of a finished build: its tab, and "== done" at its end
 *  (Monaco renders only the visible lines). */
async function waitBuildLog() {
  await page.waitForSelector('.tabs-container .tab.active[aria-label*="build.log"]', { timeout: T });
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
  await page.keyboard.press('Control+End');
  await page.waitForFunction(() => {
    const v = document.querySelector('.editor-group-container.active .monaco-editor .view-lines');
    return v && (v.textContent || '').replace(/\u00a0/g, ' ').includes('== done');
  }, null, { timeout: T });
}

/** Text of the active editor's visible lines (Monaco renders spaces as no-break spaces). */
async function activeEditorText() {
  return (await page.locator('.editor-group-container.active .monaco-editor .view-lines').innerText()).replace(/\u00a0/g, ' ');
}

/** 1-based line and column just after `marker` in the first line of `file` containing it. */
function positionAfter(file, marker) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`no ${marker} in ${file}`);
  return `${i + 1}:${lines[i].indexOf(marker) + marker.length + 1}`;
}

/** The rows of the open quick pick whose placeholder contains `placeholder`, once there are `n` of them:
 *  each row's label, description and detail as one line. */
async function pickRows(placeholder, n) {
  await page.waitForFunction(
    ([ph, count]) => {
      const w = document.querySelector('.quick-input-widget');
      const input = w && w.querySelector('input');
      if (!w || w.style.display === 'none' || !input || !(input.getAttribute('placeholder') || '').includes(ph)) return false;
      return w.querySelectorAll('.quick-input-list .monaco-list-row').length === count;
    },
    [placeholder, n],
    { timeout: 60000 },
  ).catch(async (e) => {
    const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts().catch(() => []);
    const ph = await page.locator('.quick-input-widget input').first().getAttribute('placeholder').catch(() => null);
    const notes = await page.locator('.notification-list-item-message').allInnerTexts().catch(() => []);
    throw new Error(`no picker "${placeholder}" with ${n} rows: placeholder ${ph}, rows ${JSON.stringify(rows.map(squash))}, `
      + `notifications ${JSON.stringify(notes.map(squash))} (${e.message.split('\n')[0]})`);
  });
  return (await page.locator('.quick-input-list .monaco-list-row').allInnerTexts()).map(squash);
}

/** Click the row of the open quick pick whose text matches re. */
async function pickRow(re) {
  await page.locator('.quick-input-list .monaco-list-row', { hasText: re }).first().click();
}

/** Is the rendered line of the editor `side` (a selector) containing `text` marked by one of `decorations`
 *  (a selector of the line's overlays, e.g. the diff editor's .line-insert)? */
async function lineMarked(side, text, decorations) {
  const line = page.locator(`${side} .view-line`, { hasText: text }).first();
  await line.waitFor({ timeout: T });
  const box = await line.boundingBox();
  const marks = page.locator(`${side} ${decorations}`);
  for (let i = 0; i < (await marks.count()); i++) {
    const b = await marks.nth(i).boundingBox();
    if (b && b.height > 0 && b.y < box.y + box.height - 2 && b.y + b.height > box.y + 2) return true;
  }
  return false;
}

/** Text of the editor line containing `hasText`, as rendered. */
async function lineText(hasText) {
  return squash(await page.locator('.editor-group-container.active .monaco-editor .view-line', { hasText }).first().innerText());
}

/** The open peek view's references as `file:line:column`, once they are `want` (the rows' aria-labels end
 *  "in <file> on line <n> at column <m>"; a row that does not is kept whole). */
async function peekReferences(want) {
  const rows = page.locator('.peekview-widget .ref-tree .monaco-list-row');
  let seen = [];
  for (const end = Date.now() + T; Date.now() < end;) {
    seen = (await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('aria-label') || '')).catch(() => []))
      .map((l) => {
        const m = /in (\S+) on line (\d+) at column (\d+)$/.exec(l);
        return m ? `${m[1]}:${m[2]}:${m[3]}` : l;
      });
    if (JSON.stringify(seen) === JSON.stringify(want)) return seen;
    await page.waitForTimeout(200);
  }
  throw new Error(`the peek view lists ${JSON.stringify(seen)}, expected ${JSON.stringify(want)}`);
}

/** Close the peek view and wait until it is gone (the next one must not be mistaken for it). */
async function closePeek() {
  await page.keyboard.press('Escape');
  await page.locator('.peekview-widget').first().waitFor({ state: 'hidden', timeout: T }).catch(() => {});
}

/** "Developer: Inspect Editor Tokens and Scopes" at the cursor: the token's text, its semantic token type
 *  ('' when it has none) and whether its colour comes from that type (the widget marks such a foreground),
 *  then the widget is closed again (the command toggles it). */
async function inspectToken() {
  await page.keyboard.press(KEYS.inspectTokens);
  const widget = page.locator('.token-inspect-widget');
  // the metadata rows come once the token is computed
  await widget.locator('.tiw-metadata-key', { hasText: 'standard token type' }).waitFor({ timeout: T });
  const token = await widget.evaluate((w) => {
    const rows = [...w.querySelectorAll('tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent || ''));
    const semantic = rows.find((r) => r[0] === 'semantic token type');
    const title = w.querySelector('.tiw-token'); // its text, then a "N chars" span
    return {
      text: title && title.firstChild ? title.firstChild.textContent || '' : '',
      type: semantic ? semantic[1] : '',
      coloured: !!w.querySelector('.tiw-metadata-value.tiw-metadata-semantic'),
    };
  });
  await page.keyboard.press('Escape');
  await widget.waitFor({ state: 'hidden', timeout: T }).catch(() => {});
  return token;
}

/** The status bar's cursor item: "Ln 15, Col 30 (8 selected)". */
async function selectionStatus() {
  return squash((await page.locator('#status\\.editor\\.selection').innerText().catch(() => '')) || '');
}

main(url, 'vscode-error.png', async (p) => {
  page = p;
  try {
    await test('broken [package.build]: error squiggle and Problems entry on the backend line', 'vscode-diagnostics.png', async () => {
      await openFile('broken/pixi.toml');
      await page.waitForSelector('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning', { timeout: T });
      await page.keyboard.press(KEYS.problems);
      const rows = page.locator('.markers-panel .monaco-list-row');
      await rows.first().waitFor({ timeout: T });
      const text = squash(await page.locator('.markers-panel').innerText());
      report.problems = text;
      log('problems: ' + text);
      check(/Ln 13/.test(text), 'no problem on line 13 (backend = "pixi-build-python")');
      const status = await page.locator('#status\\.problems').getAttribute('aria-label').catch(() => null);
      report.statusProblems = status;
      // the squiggle must be on line 13
      // Any squiggle on that line: other diagnostics of the file may render first in the DOM.
      // Opening the Problems panel re-lays out the editor; on a loaded machine the first measurement can fall
      // between two layouts, so measure again until the layout settles (or the time runs out).
      const squiggleOnBackendLine = async () => {
        const line13 = await page.locator('.monaco-editor .view-line', { hasText: 'backend = "pixi-build-python"' }).boundingBox();
        const squiggles = page.locator('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning');
        const boxes = [];
        for (let i = 0; i < (await squiggles.count()); i++) boxes.push(await squiggles.nth(i).boundingBox());
        return !!line13 && boxes.some((b) => b && Math.abs(b.y - line13.y) < line13.height);
      };
      let onLine = await squiggleOnBackendLine();
      for (const end = Date.now() + T; !onLine && Date.now() < end; onLine = await squiggleOnBackendLine()) {
        await page.waitForTimeout(200);
      }
      check(onLine, 'squiggle is not on the backend line');
    });

    // lock/pixi.lock holds zlib 1.2.13, which the manifest's `zlib = ">=1.3"` no longer admits
    const lockFile = path.join(process.env.RUN_DIR || '', 'ws', 'lock', 'pixi.lock');
    const lockProblem = (label) => /^Info: pixi\.lock has `zlib` 1\.2\.13 \(default: linux-64\), which `>=1\.3` does not admit/.test(label);
    const problemLabels = () => page.locator('.markers-panel .monaco-list-row').evaluateAll((rs) => rs.map((r) => r.getAttribute('aria-label') || ''));
    await test('pixi.lock: the locked version is an inlay hint; an outdated lock is an information diagnostic', 'vscode-lock.png', async () => {
      await openFile('lock/pixi.toml');
      // the hint follows the spec on its line (it is not text of the file)
      let line = '';
      await waitFor(async () => (line = await lineText('zlib =')) === 'zlib = ">=1.3" 🔒 1.2.13', 'the locked version after the spec')
        .catch((e) => { throw new Error(`${e.message}; the line reads: ${line}`); });
      report.lockHintLine = line;
      check(!fs.readFileSync(path.join(path.dirname(lockFile), 'pixi.toml'), 'utf8').includes('🔒'), 'the hint is in the file');
      await page.keyboard.press(KEYS.problems);
      await waitFor(async () => (await problemLabels()).some(lockProblem), 'the lock problem in the Problems panel');
      const problem = (await problemLabels()).find(lockProblem);
      report.lockProblem = problem;
      log('problem: ' + problem);
      check(/run `pixi lock` \(or `pixi install`\) to update pixi\.lock at line 6 and character 8\. generated by pixi-lsp$/.test(problem),
        'not on the spec of line 6, or not from pixi-lsp: ' + problem);
      // (measured until the layout settles: the panel opening moves the editor's lines)
      await waitFor(() => lineMarked('.editor-group-container.active .monaco-editor', 'zlib =', '.squiggly-info'),
        'an information squiggle on the zlib line');
    });

    await test('pixi.lock changed on disk: the hint and the diagnostic follow (the server watches the lock file)', null, async () => {
      await openFile('lock/pixi.toml');
      // written whole, then renamed: the server never reads a half-written lock
      const updated = fs.readFileSync(lockFile, 'utf8').replace(/zlib-1\.2\.13-h4ab18f5_6/g, 'zlib-1.3.1-hb9d3cd8_2');
      fs.writeFileSync(lockFile + '.tmp', updated);
      fs.renameSync(lockFile + '.tmp', lockFile);
      let line = '';
      await waitFor(async () => (line = await lineText('zlib =')) === 'zlib = ">=1.3" 🔒 1.3.1', 'the new locked version')
        .catch((e) => { throw new Error(`${e.message}; the line reads: ${line}`); });
      await page.keyboard.press(KEYS.problems);
      await page.locator('.markers-panel').waitFor({ state: 'visible', timeout: T });
      await waitFor(async () => !(await problemLabels()).some((l) => /pixi\.lock has `zlib`/.test(l)), 'the lock problem to go');
      await waitFor(async () => !(await lineMarked('.editor-group-container.active .monaco-editor', 'zlib =', '.squiggly-info')),
        'the information squiggle to leave the zlib line');
      await page.keyboard.press(KEYS.closePanel);
    });

    await test('status bar shows the server state', null, async () => {
      const item = page.locator('[id$="pixiLsp.status"]');
      await item.waitFor({ state: 'visible', timeout: T });
      const label = squash((await item.getAttribute('aria-label')) || (await item.innerText()));
      report.statusItem = label;
      log('status item: ' + label);
      check(/pixi-lsp/.test(label) && !/stopped|not found|failed/.test(label), 'status: ' + label);
    });

    const tasksManifest = path.join(process.env.RUN_DIR || '', 'ws', 'tasks', 'pixi.toml');
    await test('go to definition: a depends-on entry leads to the task', null, async () => {
      await openFile('tasks/pixi.toml');
      await gotoLine(positionAfter(tasksManifest, 'depends-on = ["bu'));
      await page.keyboard.press('F12');
      await page.waitForFunction(
        () => /Ln 6,/.test((document.getElementById('status.editor.selection') || {}).textContent || ''),
        null,
        { timeout: T },
      );
    });

    // navigate/pixi.toml: the task `build`, run first by `test` and `docs`; the feature `docs`, used by the
    // environment `docs`; the feature `lint`
    const navManifest = path.join(process.env.RUN_DIR || '', 'ws', 'navigate', 'pixi.toml');
    await test('references: Shift+F12 on a task lists the depends-on entries; on a feature, its tables and the environment', 'vscode-references.png', async () => {
      await openFile('navigate/pixi.toml');
      await gotoLine(positionAfter(navManifest, 'bu')); // build = "make"
      await page.keyboard.press('Shift+F12');
      // the declaration, then test's and docs' depends-on = ["build"]
      report.referencesTask = await peekReferences(['pixi.toml:6:1', 'pixi.toml:7:40', 'pixi.toml:10:40']);
      const title = squash(await page.locator('.peekview-widget .peekview-title').first().innerText());
      check(/References \(3\)/.test(title), 'peek title: ' + title);
      await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-references-task.png') }).catch(() => {});
      await closePeek();
      await gotoLine(positionAfter(navManifest, '[feature.do'));
      await page.keyboard.press('Shift+F12');
      // [feature.docs.tasks], [feature.docs.dependencies], docs = { features = ["docs"], … }
      report.referencesFeature = await peekReferences(['pixi.toml:9:10', 'pixi.toml:12:10', 'pixi.toml:19:22']);
    });

    await test('rename: F2 on a feature to the name of another feature is refused with the server\'s message', null, async () => {
      await clearNotifications();
      await openFile('navigate/pixi.toml');
      const before = await activeEditorText();
      await gotoLine(positionAfter(navManifest, '[feature.do'));
      await page.keyboard.press('F2');
      // the rename box takes the focus once the server has prepared the rename
      await page.waitForFunction(() => document.activeElement && document.activeElement.closest('.rename-box'), null, { timeout: T });
      check(await page.locator('.rename-box input').inputValue() === 'docs', 'the rename box does not hold the feature name');
      await page.keyboard.press('Control+A');
      await page.keyboard.type('lint');
      await page.keyboard.press('Enter');
      const msg = await waitNotification(/already exists|rename/i);
      report.renameRefused = msg;
      log('notification: ' + msg);
      check(msg === "A feature named 'lint' already exists", 'message: ' + msg);
      check(await activeEditorText() === before, 'the manifest changed');
    });

    await test('rename: F2 on a feature rewrites its [feature.X] tables and the [environments] entry', 'vscode-rename.png', async () => {
      await clearNotifications();
      await openFile('navigate/pixi.toml');
      const before = fs.readFileSync(navManifest, 'utf8');
      await gotoLine(positionAfter(navManifest, '[feature.do'));
      await page.keyboard.press('F2');
      await page.waitForFunction(() => document.activeElement && document.activeElement.closest('.rename-box'), null, { timeout: T });
      await page.keyboard.press('Control+A');
      await page.keyboard.type('documentation');
      await page.keyboard.press('Enter');
      await waitFor(async () => (await activeEditorText()).includes('[feature.documentation.dependencies]'), 'the renamed tables');
      await page.keyboard.press('Control+S');
      // the task `docs`, the environment `docs` and the feature `lint` are other names: untouched
      const want = before.replace(/\[feature\.docs\./g, '[feature.documentation.').replace('features = ["docs"]', 'features = ["documentation"]');
      let saved = '';
      await waitFor(() => (saved = fs.readFileSync(navManifest, 'utf8')) === want, 'the renamed manifest on disk')
        .catch((e) => { throw new Error(`${e.message}; on disk:\n${saved}`); });
      report.renamed = saved;
      check(!(await toast(/already exists|failed/).count()), 'a rename error was shown');
    });

    await test('the task code lens ▶ Run runs `pixi run` in a terminal', 'vscode-task-lens.png', async () => {
      const ran = path.join(path.dirname(tasksManifest), 'ran.txt');
      fs.rmSync(ran, { force: true });
      await openFile('tasks/pixi.toml');
      // The topmost "▶ Run" (the task `build`): the DOM order of code lens zones is not the
      // document's (a zone is drawn again when its "Run in environment…" lens is resolved).
      const lenses = page.locator('.editor-group-container.active .codelens-decoration a', { hasText: /^▶ Run$/ });
      await lenses.first().waitFor({ state: 'visible', timeout: T });
      let top = null;
      for (let i = 0; i < (await lenses.count()); i++) {
        const box = await lenses.nth(i).boundingBox();
        if (box && (!top || box.y < top.box.y)) top = { i, box };
      }
      check(top, 'no visible ▶ Run lens');
      await lenses.nth(top.i).click();
      await waitFor(() => fs.existsSync(ran), 'the stand-in pixi to run', T);
      const argv = fs.readFileSync(ran, 'utf8').trim().split('\n');
      report.taskArgv = argv;
      check(
        JSON.stringify(argv) === JSON.stringify(['run', '--manifest-path', tasksManifest, 'build']),
        'argv: ' + JSON.stringify(argv),
      );
      await page.keyboard.press(KEYS.closePanel);
    });

    await test('hover on a task shows its command, the task it runs first and its environments', 'vscode-hover-task.png', async () => {
      await openFile('tasks/pixi.toml');
      await gotoLine(positionAfter(tasksManifest, 'tes')); // test = { cmd = "pytest", depends-on = ["build"] }
      await page.keyboard.press(KEYS.showHover);
      const hover = page.locator('.monaco-hover-content:visible', { hasText: 'task' }).first();
      await hover.waitFor({ state: 'visible', timeout: T });
      const text = squash(await hover.innerText());
      report.hoverTask = text;
      log('hover: ' + text);
      check(/^task test\b/.test(text), 'not the hover of the task test: ' + text);
      check(/\bpytest\b/.test(text), 'no command: ' + text);
      check(/Runs first: build\b/.test(text), 'no depends-on: ' + text);
      check(/Environments: default, docs$/.test(text), 'not the environments default and docs: ' + text);
    });

    await test('hover on `backend` shows documentation', 'vscode-hover.png', async () => {
      await page.keyboard.press(KEYS.closePanel); // the Problems panel from the previous test
      await openFile('broken/pixi.toml');
      await gotoLine('13:3');
      await page.keyboard.press(KEYS.showHover);
      const hover = page.locator('.monaco-hover-content:visible').first();
      await hover.waitFor({ state: 'visible', timeout: T });
      await page.waitForTimeout(500);
      const text = squash(await page.locator('.monaco-hover-content:visible').allInnerTexts().then((t) => t.join(' | ')));
      report.hover = text;
      log('hover: ' + text.slice(0, 200));
      check(/backend/i.test(text), 'hover does not mention backend');
    });

    await test('completion in [package.build] offers backend', 'vscode-completion.png', async () => {
      await openFile('complete/pixi.toml');
      await gotoLine('12:1');
      await page.keyboard.press(KEYS.suggest);
      const rows = page.locator('.suggest-widget .monaco-list-row');
      await rows.first().waitFor({ state: 'visible', timeout: T });
      await page.waitForTimeout(300);
      const items = (await rows.allInnerTexts()).map(squash);
      report.completion = items;
      log('completion: ' + items.slice(0, 8).join(' | '));
      check(items.some((t) => /^backend\b/.test(t)), 'no backend in the suggestion list');
    });

    await test('Format Document formats the manifest; Fold All folds its tables', 'vscode-format-fold.png', async () => {
      await openFile('format/pixi.toml');
      await page.locator('.editor-group-container.active .monaco-editor .view-lines').click({ position: { x: 5, y: 5 } });
      await runCommand('Format Document');
      await waitFor(async () => /^channels = \["conda-forge"\]$/.test(await lineText('channels')), 'the channels line formatted');
      const text = await activeEditorText();
      report.formatted = text;
      check(/name = "format-demo"/.test(text), 'name not formatted: ' + squash(text));
      // (view lines are in DOM order, not in document order: each line is checked on its own)
      check((await lineText('platforms')) === 'platforms = [', 'platforms not expanded: ' + squash(text));
      check((await lineText('"osx-arm64"')) === '"osx-arm64",', 'the array items are not one per line: ' + squash(text));
      check(/# manifest/.test(text) && /# a demo/.test(text), 'the comments are gone: ' + squash(text));
      const before = await page.locator('.editor-group-container.active .monaco-editor .view-line').count();
      await runCommand('Fold All');
      await waitFor(async () => (await page.locator('.editor-group-container.active .monaco-editor .view-line').count()) < before, 'fewer visible lines after Fold All');
      const folded = await activeEditorText();
      report.folded = folded;
      check(/\[workspace\]/.test(folded) && /\[dependencies\]/.test(folded), 'the headers stay visible: ' + squash(folded));
      check(!/linux-64/.test(folded), 'the [workspace] table is not folded: ' + squash(folded));
      await runCommand('Unfold All');
    });

    // structure/pixi.toml: platforms, a channel, a backend, and python = { version = ">=3.10" } for Expand Selection
    const structureManifest = path.join(process.env.RUN_DIR || '', 'ws', 'structure', 'pixi.toml');
    await test('semantic tokens: the token inspector shows the server\'s types for a platform, a channel and a backend', 'vscode-semantic-tokens.png', async () => {
      await openFile('structure/pixi.toml');
      // (no TOML grammar: without the server's tokens the inspector shows no semantic token type)
      const want = [
        ['"linux', '"linux-64"', 'enumMember'],
        ['"osx', '"osx-arm64"', 'enumMember'],
        ['"conda', '"conda-forge"', 'type'],
        ['"pixi-build-r', '"pixi-build-rust"', 'class'],
        ['plat', 'platforms', 'property'],
        ['[pack', 'package', 'namespace'],
        ['version = ">=3', '">=3.10"', 'number'],
      ];
      const seen = [];
      for (const [marker, text, type] of want) {
        await gotoLine(positionAfter(structureManifest, marker));
        let token = await inspectToken();
        // the editor asks for the tokens a moment after the file opens
        for (const end = Date.now() + T; !token.type && Date.now() < end;) {
          await page.waitForTimeout(300);
          token = await inspectToken();
        }
        seen.push(token);
        check(token.text === text && token.type === type && token.coloured,
          `at ${marker}: ${JSON.stringify(token)}, expected ${JSON.stringify({ text, type, coloured: true })}`);
      }
      report.semanticTokens = seen;
      // open for the screenshot
      await gotoLine(positionAfter(structureManifest, '"pixi-build-r'));
      await page.keyboard.press(KEYS.inspectTokens);
      await page.locator('.token-inspect-widget .tiw-metadata-key', { hasText: 'semantic token type' }).waitFor({ timeout: T });
    });

    await test('Expand Selection (Shift+Alt+Right) grows from the version to its entry, the table and the file', 'vscode-selection-range.png', async () => {
      await openFile('structure/pixi.toml');
      const at = positionAfter(structureManifest, '">=3.1'); // python = { version = ">=3.1|0" }
      await gotoLine(at);
      const [atLine, atCol] = at.split(':');
      await waitFor(async () => (await selectionStatus()) === `Ln ${atLine}, Col ${atCol}`, 'the cursor in the version');
      const size = fs.readFileSync(structureManifest, 'utf8').length;
      const counts = [];
      const statuses = [];
      for (let last = await selectionStatus(); counts[counts.length - 1] !== size && counts.length < 10;) {
        await page.keyboard.press('Shift+Alt+ArrowRight');
        let now = '';
        await waitFor(async () => (now = await selectionStatus()) !== last, 'the selection to grow', T)
          .catch((e) => { throw new Error(`${e.message} after ${JSON.stringify(statuses)}`); });
        last = now;
        statuses.push(now);
        const m = /\((\d+) selected\)/.exec(now);
        counts.push(m ? Number(m[1]) : 0);
      }
      report.selectionRanges = statuses;
      log('selections: ' + statuses.join(' | '));
      // VS Code's own word selection (3.10) may come first; from the quoted version on, the server's ranges:
      // ">=3.10" (8), version = ">=3.10" (18), { … } (22), the line (31), [dependencies] with it (46), the file
      const fromValue = counts.slice(counts.indexOf(8));
      check(JSON.stringify(fromValue) === JSON.stringify([8, 18, 22, 31, 46, size]),
        `selection sizes ${JSON.stringify(counts)}, expected 8, 18, 22, 31, 46, ${size}: ${JSON.stringify(statuses)}`);
      check(statuses[counts.indexOf(8)] === 'Ln 15, Col 30 (8 selected)', 'the first range is not the quoted version: ' + statuses[counts.indexOf(8)]);
      // back one step: the table again
      await page.keyboard.press('Shift+Alt+ArrowLeft');
      await waitFor(async () => (await selectionStatus()) === 'Ln 15, Col 32 (46 selected)', 'Shrink Selection back to the table');
    });

    // links/pixi.toml: two channels, a path dependency ../path-dep and license-file = "LICENSE"
    const linksManifest = path.join(process.env.RUN_DIR || '', 'ws', 'links', 'pixi.toml');
    const linkSpans = '.editor-group-container.active .monaco-editor .view-line .detected-link';
    await test('document links: channels, a path dependency and the license file are underlined; Ctrl+click and Open Link open them', 'vscode-document-links.png', async () => {
      await runCommand('View: Close All Editor Groups');
      await openFile('links/pixi.toml');
      const want = ['../path-dep', 'LICENSE', 'conda-forge', 'https://prefix.dev/pixi-build-backends'];
      let links = [];
      await waitFor(async () => JSON.stringify(links = (await page.locator(linkSpans).allInnerTexts()).sort()) === JSON.stringify(want),
        'the four links').catch((e) => { throw new Error(`${e.message}; links: ${JSON.stringify(links)}`); });
      report.documentLinks = links;
      const underlined = await page.locator(linkSpans).evaluateAll((es) => es.every((e) => e.ownerDocument.defaultView.getComputedStyle(e).textDecorationLine.includes('underline')));
      check(underlined, 'a link is not underlined');
      await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-document-links-underlined.png') }).catch(() => {});
      // Ctrl+click on LICENSE opens the file
      const box = await page.locator(linkSpans, { hasText: 'LICENSE' }).boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.keyboard.down('Control');
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await page.keyboard.up('Control');
      await page.locator('.tabs-container .tab.active[aria-label^="LICENSE"]').waitFor({ timeout: T });
      await waitFor(async () => (await activeEditorText()).includes('MIT License (pixi-lsp e2e fixture)'), 'the license text');
      await page.keyboard.press('Control+W');
      await waitFor(async () => (await activeEditorText()).includes('license-file'), 'links/pixi.toml again');
      // Open Link on the path dependency opens the package's manifest
      await gotoLine(positionAfter(linksManifest, '"../path-'));
      await runCommand('Open Link');
      await waitFor(async () => (await activeEditorText()).includes('name = "path-dep"'), 'the manifest of path-dep');
      await page.keyboard.press('Control+W');
      await waitFor(async () => (await activeEditorText()).includes('license-file'), 'links/pixi.toml again');
      // a channel opens its URL in the browser (answered here, there is no network)
      await page.context().route('https://conda.anaconda.org/**', (r) => r.fulfill({ contentType: 'text/plain', body: 'channel' }));
      try {
        await gotoLine(positionAfter(linksManifest, '"conda-f'));
        const popup = page.waitForEvent('popup', { timeout: T });
        await runCommand('Open Link');
        const opened = await popup;
        report.channelLink = opened.url();
        check(opened.url() === 'https://conda.anaconda.org/conda-forge', 'opened ' + opened.url());
        await opened.close();
      } finally {
        await page.context().unrouteAll({ behavior: 'ignoreErrors' });
      }
    });

    await test('Open Link on a path dependency ../path-dep opens path-dep/pixi.toml itself (no second editor under links/../)', null, async () => {
      await runCommand('View: Close All Editor Groups');
      await openFile('path-dep/pixi.toml');
      await openFile('links/pixi.toml');
      await gotoLine(positionAfter(linksManifest, '"../path-'));
      await runCommand('Open Link');
      await waitFor(async () => (await activeEditorText()).includes('name = "path-dep"'), 'the manifest of path-dep');
      const crumbs = squash(await page.locator('.editor-group-container.active .monaco-breadcrumbs').innerText());
      report.pathDependencyLink = crumbs;
      check(/^path-dep pixi\.toml\b/.test(crumbs), 'opened as ' + crumbs);
      const tabs = await page.locator('.editor-group-container.active .tabs-container .tab', { hasText: 'pixi.toml' }).count();
      check(tabs === 2, `${tabs} pixi.toml tabs, expected links' and path-dep's`);
    });

    // the recipe preview runs our example backend (pixi-build-lsp-example), which run.sh put in the
    // pixiLsp.backends.overrides setting
    await test('Pixi: Preview generated recipe opens the recipe as read-only YAML beside the manifest', 'vscode-preview.png', async () => {
      check(!process.env.BACKEND_ERR, 'no test backend: ' + process.env.BACKEND_ERR);
      await clearNotifications();
      await openFile('preview/pixi.toml');
      await runCommand('Pixi: Preview generated recipe');
      const tab = '.tabs-container .tab.active[aria-label*="recipe.yaml"]';
      const first = await Promise.race([
        waitNotification(/failed|does not support|not running/, 60000).then((m) => ({ error: m })),
        page.waitForSelector(tab, { timeout: 60000 }).then(() => ({ opened: true })),
      ]);
      if (first.error) throw new Error('no preview: ' + first.error);
      // beside the manifest: two editor groups, the manifest in the other one
      const groups = page.locator('.editor-group-container');
      check((await groups.count()) === 2, `expected 2 editor groups, got ${await groups.count()}`);
      const previewGroup = page.locator('.editor-group-container.active');
      check(await previewGroup.locator(tab).count() === 1, 'the preview is not in the active group');
      const manifestTab = page.locator('.editor-group-container:not(.active) .tabs-container .tab[aria-label*="pixi.toml"]');
      check(await manifestTab.count() >= 1, 'the manifest is not shown in the other group');
      const lang = squash(await page.locator('#status\\.editor\\.mode').innerText());
      check(/YAML/i.test(lang), 'preview language is ' + lang);
      // the recipe the backend generated from this manifest
      const lines = previewGroup.locator('.monaco-editor .view-lines');
      await page.waitForFunction(() => {
        const v = document.querySelector('.editor-group-container.active .monaco-editor .view-lines');
        return v && (v.textContent || '').includes('preview-demo');
      }, null, { timeout: T });
      // Monaco renders spaces as no-break spaces
      const text = (await lines.innerText()).replace(/\u00a0/g, ' ');
      report.preview = text;
      log('recipe: ' + squash(text).slice(0, 200));
      check(/name:\s*"?preview-demo"?/.test(text), 'recipe does not name the package: ' + squash(text));
      check(/version:\s*"?0\.1\.0"?/.test(text), 'recipe does not carry the version: ' + squash(text));
      check(/python >=3\.11/.test(text), 'recipe lacks the run dependency: ' + squash(text));
      // a pixi-recipe: document, so read-only: typing changes nothing
      await lines.click();
      await page.keyboard.press('Control+Home');
      await page.keyboard.type('zzz');
      await page.waitForTimeout(300);
      check(!(await lines.innerText()).includes('zzz'), 'the preview is editable');
      check(!(await previewGroup.locator('.tabs-container .tab.active.dirty').count()), 'the preview became dirty');
      await page.keyboard.press('Escape'); // the "Cannot edit in read-only editor" hint, for the screenshot
      await page.waitForTimeout(300);
    });

    await test('Pixi: Preview generated recipe with a failing backend shows the error and a Problems entry', 'vscode-preview-error.png', async () => {
      check(!process.env.BACKEND_ERR, 'no test backend: ' + process.env.BACKEND_ERR);
      await clearNotifications();
      await runCommand('View: Close All Editor Groups'); // back to one group
      await openFile('preview-failing/pixi.toml');
      await runCommand('Pixi: Preview generated recipe');
      // the server shows the failure (window/showMessage); the extension does not repeat it
      const msg = await waitNotification(/Recipe preview failed/, 60000);
      report.previewError = msg;
      log('notification: ' + msg);
      check(/boom/.test(msg), 'the error does not carry the backend message: ' + msg);
      await page.waitForTimeout(1500); // a second toast would be there by now
      const toasts = (await page.locator('.notification-list-item-message').allInnerTexts()).map(squash);
      report.previewErrorToasts = toasts;
      check(toasts.filter((t) => /boom/.test(t)).length === 1, 'not exactly one toast about the failure: ' + JSON.stringify(toasts));
      await page.keyboard.press(KEYS.problems);
      await page.waitForFunction(() => {
        const p = document.querySelector('.markers-panel');
        return p && /boom/.test(p.textContent || '');
      }, null, { timeout: T });
      const problems = squash(await page.locator('.markers-panel').innerText());
      report.previewProblems = problems;
      log('problems: ' + problems);
      check(/backend-error/.test(problems), 'no backend-error problem: ' + problems);
      check(/Ln 11\b/.test(problems), 'the problem is not on [package.build] (line 11): ' + problems);
    });

    // ---- builds: real .conda files, built by our example backend against the local test channel ----
    const needBuildSetup = () => {
      check(!process.env.BACKEND_ERR, 'no test backend: ' + process.env.BACKEND_ERR);
      check(process.env.CHANNEL_URL, 'no local test channel: ' + (process.env.CHANNEL_ERR || 'CHANNEL_URL not set'));
      check(BUILD_OUT, 'BUILD_OUT not set');
    };

    let built = false;
    await test('Pixi: Build package builds a .conda and says so, with an "Open build log" button', null, async () => {
      needBuildSetup();
      await page.keyboard.press(KEYS.closePanel);
      await clearNotifications();
      await runCommand('View: Close All Editor Groups');
      await openFile('build-hello/pixi.toml');
      await runCommand('Pixi: Build package');
      const msg = await waitNotification(/^Built \d+ package|failed|not running|does not support/, BUILD_T);
      report.build = msg;
      log('notification: ' + msg);
      check(/^Built 1 package: hello-0\.1\.0-\S+\.conda/.test(msg), 'not built: ' + msg);
      const files = condaFiles('hello-0.1.0-');
      report.buildArtifacts = files;
      check(files.length === 1 && msg.includes(path.basename(files[0])), `artifacts in ${BUILD_OUT}: ${JSON.stringify(files)}`);
      check(!/building/.test(await statusLabel()), 'the status bar still shows a build: ' + (await statusLabel()));
      built = true;
      await toast(/Build package \(build-hello/).waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});
      await page.waitForTimeout(400);
      await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-build-done.png') }).catch(() => {});
      // the toast's button opens the log
      await toast(/^Built 1 package/).locator('.monaco-button', { hasText: 'Open build log' }).click();
      await waitBuildLog();
    });

    await test('Pixi: Build package again answers from the cache; Pixi: Rebuild package builds again', null, async () => {
      check(built, 'needs the first build');
      await clearNotifications();
      await openFile('build-hello/pixi.toml');
      await runCommand('Pixi: Build package');
      const cached = await waitNotification(/^Built \d+ package|failed/, BUILD_T);
      report.buildCached = cached;
      check(/^Built 1 package \(cached: inputs unchanged\): hello-0\.1\.0-/.test(cached), 'second build: ' + cached);
      await clearNotifications();
      const before = fs.statSync(condaFiles('hello-0.1.0-')[0]).mtimeMs;
      await runCommand('Pixi: Rebuild package (ignore the artifact cache)');
      const rebuilt = await waitNotification(/^Built \d+ package|failed/, BUILD_T);
      report.buildRebuilt = rebuilt;
      check(/^Built 1 package: hello-0\.1\.0-/.test(rebuilt), 'rebuild: ' + rebuilt);
      check(fs.statSync(condaFiles('hello-0.1.0-')[0]).mtimeMs > before, 'the rebuild did not write the .conda again');
    });

    await test('Pixi: Build package saves an edited manifest first (the server builds the saved file)', null, async () => {
      check(built, 'needs the first build');
      const file = path.join(process.env.RUN_DIR || '', 'ws', 'build-hello', 'pixi.toml');
      const before = fs.readFileSync(file, 'utf8');
      await clearNotifications();
      await openFile('build-hello/pixi.toml');
      await gotoLine('1:1');
      await page.keyboard.type('# edited before the build\n');
      await waitFor(async () => (await activeEditorText()).includes('# edited before the build'), 'the edit in the editor');
      check(!fs.readFileSync(file, 'utf8').includes('# edited before the build'), 'the edit was saved before the build command');
      await runCommand('Pixi: Build package');
      const msg = await waitNotification(/^Built \d+ package|failed/, BUILD_T);
      check(/^Built 1 package/.test(msg), 'build: ' + msg);
      check(fs.readFileSync(file, 'utf8').includes('# edited before the build'), 'the manifest was not saved before the build');
      check(!(await toast(/unsaved changes/).count()), 'the server warned about unsaved changes');
      // back as it was, for the tests after this one
      fs.writeFileSync(file, before);
      await runCommand('File: Revert File');
    });

    await test('the code lens "Rebuild (ignore cache)" rebuilds, with the same progress and result toasts', null, async () => {
      check(built, 'needs the first build');
      await clearNotifications();
      await openFile('build-hello/pixi.toml');
      const lens = page.locator('.editor-group-container.active .codelens-decoration a', { hasText: 'Rebuild (ignore cache)' });
      await lens.waitFor({ state: 'visible', timeout: T });
      await lens.click();
      const msg = await waitNotification(/^Built \d+ package|failed/, BUILD_T);
      report.buildLens = msg;
      check(/^Built 1 package: hello-0\.1\.0-/.test(msg), 'code lens rebuild: ' + msg);
    });

    await test('Pixi: Open build log opens the log of the last build of the manifest', 'vscode-build-log.png', async () => {
      check(built, 'needs the first build');
      await clearNotifications();
      await runCommand('View: Close All Editors');
      await openFile('build-hello/pixi.toml');
      await runCommand('Pixi: Open build log');
      await waitBuildLog();
      const end = await activeEditorText();
      await page.keyboard.press('Control+Home');
      await page.waitForTimeout(200);
      const text = await activeEditorText();
      report.buildLog = text.slice(0, 2000);
      check(/== Building: building hello 0\.1\.0/.test(text), 'the log does not show the build step: ' + squash(text).slice(0, 300));
      check(!/== failed/.test(end), 'the log ends with a failure: ' + squash(end).slice(-300));
    });

    await test('Pixi: Open build log before any build of the manifest says there is none yet', null, async () => {
      needBuildSetup();
      await clearNotifications();
      await openFile('build-deps/a/pixi.toml');
      await runCommand('Pixi: Open build log');
      const msg = await waitNotification(/No build log yet|failed/);
      report.noBuildLog = msg;
      check(/^No build log yet for build-deps\/a\/pixi\.toml/.test(msg), 'message: ' + msg);
    });

    // pkg-b needs pkg-a (a path dependency) at run time: only "with path dependencies" builds pkg-a
    // (first; the result's `packages` lists both in build order)
    await test('Pixi: Build package builds pkg-b alone; ... and its path dependencies builds pkg-a, then pkg-b', 'vscode-build-deps.png', async () => {
      needBuildSetup();
      await clearNotifications();
      await openFile('build-deps/b/pixi.toml');
      await runCommand('Pixi: Build package');
      const alone = await waitNotification(/^Built \d+ package|failed|not running|does not support/, BUILD_T);
      report.buildDepsAlone = alone;
      check(/^Built 1 package: pkg-b-0\.1\.0-\S+\.conda$/.test(alone), 'pkg-b alone: ' + alone);
      check(condaFiles('pkg-a-').length === 0, 'pkg-a was built without its dependents asking');
      await clearNotifications();
      await runCommand('Pixi: Build package and its path dependencies');
      const msg = await waitNotification(/^Built \d+ package|failed|not running|does not support/, BUILD_T);
      report.buildDeps = msg;
      log('notification: ' + msg);
      check(/^Built 2 packages \(pkg-a → pkg-b\): pkg-a-0\.1\.0-\S+\.conda, pkg-b-0\.1\.0-\S+\.conda( \(cached\))?$/.test(msg),
        'not built in order: ' + msg);
      const a = condaFiles('pkg-a-0.1.0-');
      const b = condaFiles('pkg-b-0.1.0-');
      report.buildDepsArtifacts = [...a, ...b];
      check(a.length === 1 && b.length === 1, `artifacts in ${BUILD_OUT}: ${JSON.stringify([...a, ...b])}`);
      await page.waitForTimeout(400);
    });

    // pixi's own rattler-build backend (../shared/upstream-backends/bin, in the overrides setting by run.sh) on
    // its recorded multi-output recipe: the preview is the user's recipe headed by the outputs the backend
    // rendered from it, and the build makes both outputs
    await test('pixi-build-rattler-build previews the user\'s multi-output recipe and builds both outputs', 'vscode-upstream-rattler-build.png', async () => {
      if (process.env.UPSTREAM_ERR) throw new Skip(process.env.UPSTREAM_ERR);
      needBuildSetup();
      await clearNotifications();
      await runCommand('View: Close All Editor Groups');
      await openFile('upstream-multi/pixi.toml');
      await runCommand('Pixi: Preview generated recipe');
      const lines = '.editor-group-container.active .monaco-editor .view-lines';
      const shown = await Promise.race([
        waitNotification(/failed|does not support|not running/, 60000).then((m) => ({ error: m })),
        page.waitForFunction((sel) => {
          const v = document.querySelector(sel);
          return v && (v.textContent || '').includes('multi-app');
        }, lines, { timeout: 60000 }).then(() => ({ opened: true })),
      ]);
      if (shown.error) throw new Error('no preview: ' + shown.error);
      const text = (await page.locator(lines).innerText()).replace(/\u00a0/g, ' ');
      report.upstreamPreview = text;
      log('recipe: ' + squash(text).slice(0, 200));
      check(/# The backend generates no recipe: it builds your own, \S+upstream-multi\/recipe\.yaml\./.test(text),
        'the preview does not say it is the user\'s recipe: ' + squash(text));
      check(text.includes('# Shown: that recipe rendered by rattler-build for each output'),
        'the preview does not say it is rendered: ' + squash(text));
      for (const name of ['multi-lib', 'multi-app']) {
        check(text.includes(`# ${name} 0.1.0 h4616a5c_0 (noarch); variant: target_platform=noarch`),
          `no output ${name}: ` + squash(text));
      }
      await clearNotifications();
      await runCommand('View: Close All Editor Groups');
      await openFile('upstream-multi/pixi.toml');
      await runCommand('Pixi: Build package');
      const msg = await waitNotification(/^Built \d+ package|failed|not running|does not support/, BUILD_T);
      report.upstreamBuild = msg;
      log('notification: ' + msg);
      check(/^Built 2 packages: multi-lib-0\.1\.0-h4616a5c_0\.conda, multi-app-0\.1\.0-h4616a5c_0\.conda$/.test(msg),
        'not built: ' + msg);
      const files = [...condaFiles('multi-lib-0.1.0-'), ...condaFiles('multi-app-0.1.0-')];
      check(files.length === 2, `artifacts in ${BUILD_OUT}: ${JSON.stringify(files)}`);
    });

    // ---- build variants: pixi-build-cmake on its recorded case with a 2 x 2 [workspace.build-variants]
    // (cxx_compiler gxx/clangxx x cxx_compiler_version 13/14: four outputs), and a rattler-build recipe with a
    // `flavor` key that builds offline (run.sh writes both into variants-cmake/ and variants-flavor/)
    // a row: label, description and detail (innerText runs label and description together)
    const cmakeVariant = /^mini-cm (h[0-9a-f]{7}_0)\s*(cxx_compiler=(gxx|clangxx), cxx_compiler_version=(13|14))\s*mini-cm 0\.1\.0 for linux-64$/;
    const transcript = () => fs.readFileSync(path.join(process.env.UPSTREAM, 'transcripts', 'cmake-compiler-variants-2x2.json'), 'utf8');
    const needVariants = () => {
      if (process.env.UPSTREAM_ERR) throw new Skip(process.env.UPSTREAM_ERR);
      check(process.env.CHANNEL_URL, 'no local test channel: ' + (process.env.CHANNEL_ERR || 'CHANNEL_URL not set'));
    };
    const builds = {};
    await test('Pixi: Preview Variant… lists the four cmake variants with their build strings; the picked one\'s recipe and variants.yaml open', 'vscode-variant-values.png', async () => {
      needVariants();
      await clearNotifications();
      await runCommand('View: Close All Editor Groups');
      await openFile('variants-cmake/pixi.toml');
      await runCommand('Pixi: Preview Variant…');
      const rows = await pickRows('Preview the recipe of which variant?', 4);
      report.variantPicker = rows;
      log('variants: ' + rows.join(' | '));
      await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-variant-picker.png') }).catch(() => {});
      const seen = new Set();
      for (const row of rows) {
        const m = cmakeVariant.exec(row);
        check(m, `row "${row}" is not "mini-cm <build> <values> mini-cm 0.1.0 for linux-64"`);
        check(transcript().includes(m[1]), `${m[1]} is not a build string of the transcript`);
        builds[m[2]] = m[1];
        seen.add(`${m[3]}${m[4]}`);
      }
      check([...seen].sort().join(',') === 'clangxx13,clangxx14,gxx13,gxx14', 'not the 2 x 2 combinations: ' + [...seen]);
      await pickRow(/cxx_compiler=gxx, cxx_compiler_version=14/);
      // the recipe of that variant, read-only YAML beside the manifest
      const tab = page.locator('.editor-group-container.active .tabs-container .tab.active[aria-label*="recipe.yaml"]');
      await tab.waitFor({ timeout: T });
      check((await page.locator('.editor-group-container').count()) === 2, 'not beside the manifest');
      await waitFor(async () => (await activeEditorText()).includes('schema_version'), 'the recipe text');
      report.variantRecipe = await activeEditorText();
      check(/name: mini-cm/.test(report.variantRecipe), 'not the cmake recipe: ' + squash(report.variantRecipe).slice(0, 300));
      // its variants.yaml, from the editor title's button (here: the palette); the recipes of the four
      // variants are alike, their values tell which one is open
      await runCommand('Pixi: Open Variant Values (variants.yaml)');
      await page.locator('.editor-group-container.active .tabs-container .tab.active[aria-label*="variants.yaml"]').waitFor({ timeout: T });
      await waitFor(async () => (await activeEditorText()).includes('cxx_compiler'), 'the variant values');
      const values = await activeEditorText();
      report.variantValues = values;
      log('variants.yaml: ' + squash(values));
      check(/^cxx_compiler: gxx$/m.test(values) && /^cxx_compiler_version: '14'$/m.test(values),
        'not the values of gxx 14: ' + squash(values));
      check(await page.locator('.editor-group-container.active .tabs-container .tab[aria-label*="recipe.yaml"]').count() === 1,
        'the recipe\'s tab is gone from the group');
    });

    await test('Pixi: Compare Variants… picks two variants and opens a diff editor where their values differ', 'vscode-variant-compare.png', async () => {
      needVariants();
      await clearNotifications();
      await runCommand('View: Close All Editor Groups');
      await openFile('variants-cmake/pixi.toml');
      await runCommand('Pixi: Compare Variants…');
      const first = await pickRows('Compare which variant', 4);
      await pickRow(/cxx_compiler=clangxx, cxx_compiler_version=13/);
      const second = await pickRows('with which variant?', 3);
      report.variantCompareRows = { first, second };
      check(!second.some((r) => /cxx_compiler=clangxx, cxx_compiler_version=13/.test(r)), 'the first pick is offered again');
      await pickRow(/cxx_compiler=gxx, cxx_compiler_version=14/);
      const diff = '.editor-group-container.active .monaco-diff-editor';
      await page.waitForSelector(diff, { timeout: 60000 });
      const original = `${diff} .editor.original`;
      const modified = `${diff} .editor.modified`;
      await page.waitForFunction((sel) => /cxx_compiler:[\s\u00a0]gxx/.test((document.querySelector(sel) || {}).textContent || ''),
        `${modified} .view-lines`, { timeout: T });
      await page.waitForTimeout(500); // the diff decorations follow the text
      const tabTitle = squash(await page.locator('.editor-group-container.active .tabs-container .tab.active').innerText());
      report.variantCompareTab = tabTitle;
      log('diff tab: ' + tabTitle);
      const left = builds['cxx_compiler=clangxx, cxx_compiler_version=13'];
      const right = builds['cxx_compiler=gxx, cxx_compiler_version=14'];
      check(tabTitle.includes(`mini-cm ${left} (cxx_compiler=clangxx, cxx_compiler_version=13) ↔ mini-cm ${right} (cxx_compiler=gxx`),
        'tab title: ' + tabTitle);
      const text = (sel) => page.locator(`${sel} .view-lines`).innerText().then((t) => t.replace(/\u00a0/g, ' '));
      report.variantCompare = { original: await text(original), modified: await text(modified) };
      check(/^cxx_compiler: clangxx$/m.test(report.variantCompare.original), 'left: ' + squash(report.variantCompare.original).slice(0, 200));
      check(/^# recipe\.yaml$/m.test(report.variantCompare.modified), 'no recipe on the right: ' + squash(report.variantCompare.modified).slice(0, 200));
      // the changed lines: the compiler and its version; the platform and the recipe are alike
      const del = '.line-delete, .char-delete';
      const ins = '.line-insert, .char-insert';
      check(await lineMarked(original, 'cxx_compiler: clangxx', del), 'cxx_compiler: clangxx is not marked removed');
      check(await lineMarked(original, "cxx_compiler_version: '13'", del), "cxx_compiler_version: '13' is not marked removed");
      check(await lineMarked(modified, 'cxx_compiler: gxx', ins), 'cxx_compiler: gxx is not marked added');
      check(await lineMarked(modified, "cxx_compiler_version: '14'", ins), "cxx_compiler_version: '14' is not marked added");
      check(!(await lineMarked(modified, 'target_platform: linux-64', ins)), 'target_platform is marked changed');
      check(!(await lineMarked(modified, '# recipe.yaml', ins)), 'the recipe header is marked changed');
    });

    await test('Pixi: Build Variant… with cmake builds the picked variant; the failure names the missing packages', null, async () => {
      needVariants();
      await clearNotifications();
      await runCommand('View: Close All Editor Groups');
      await openFile('variants-cmake/pixi.toml');
      await runCommand('Pixi: Build Variant…');
      const rows = await pickRows('Build which variant?', 5);
      check(/^All variants\s*4 outputs$/.test(rows[0]), 'first row: ' + rows[0]);
      await pickRow(/cxx_compiler=gxx, cxx_compiler_version=14/);
      const msg = await waitNotification(/^Built \d+ package|failed|not running|does not support/, BUILD_T);
      report.variantBuildCmake = msg;
      log('notification: ' + msg);
      check(/^Build variant cxx_compiler=gxx, cxx_compiler_version=14 failed: .*could not solve the build environment of `mini-cm`/.test(msg),
        'not a failure of that variant\'s build: ' + msg);
      check(/no package named `\w+_linux-64`, `ninja` in the channels/.test(msg), 'the missing packages are not named: ' + msg);
    });

    await test('the "Build only …" code actions list the four variants and build the chosen one', 'vscode-variant-build-only.png', async () => {
      needVariants();
      await clearNotifications();
      await openFile('variants-cmake/pixi.toml');
      const manifest = path.join(process.env.RUN_DIR || '', 'ws', 'variants-cmake', 'pixi.toml');
      await gotoLine(positionAfter(manifest, '[package.build'));
      await page.keyboard.press(KEYS.quickFix);
      const rows = page.locator('.action-widget .monaco-list-row', { hasText: 'Build only' });
      await rows.first().waitFor({ state: 'visible', timeout: T });
      const titles = (await rows.allInnerTexts()).map(squash);
      report.variantBuildOnly = titles;
      log('actions: ' + titles.join(' | '));
      check(titles.length === 4, 'not one "Build only" action per variant: ' + JSON.stringify(titles));
      await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-variant-build-only-menu.png') }).catch(() => {});
      // down to that action, then Enter (the menu's rows do not take playwright's pointer events)
      for (let i = 0; i < 20; i++) {
        const focused = squash(await page.locator('.action-widget .monaco-list-row.focused').innerText().catch(() => ''));
        if (focused.includes('cxx_compiler=clangxx, cxx_compiler_version=14')) break;
        await page.keyboard.press('ArrowDown');
        await page.waitForTimeout(50);
      }
      await page.keyboard.press('Enter');
      const msg = await waitNotification(/^Built \d+ package|failed|not running|does not support/, BUILD_T);
      report.variantBuildOnlyResult = msg;
      check(/^Build variant cxx_compiler=clangxx, cxx_compiler_version=14 failed: /.test(msg), 'not that variant\'s build: ' + msg);
    });

    await test('Pixi: Build Variant… with rattler-build builds the picked flavor offline', null, async () => {
      needVariants();
      needBuildSetup();
      await clearNotifications();
      await runCommand('View: Close All Editor Groups');
      await openFile('variants-flavor/pixi.toml');
      await runCommand('Pixi: Build Variant…');
      const rows = await pickRows('Build which variant?', 3);
      report.variantFlavorRows = rows;
      const plain = rows.map((r) => /^flavored (h[0-9a-f]{7}_0)\s*flavor=plain\s/.exec(r)).find(Boolean);
      check(plain, 'no plain flavor: ' + JSON.stringify(rows));
      await pickRow(/flavor=plain/);
      const msg = await waitNotification(/^Built \d+ package|failed|not running|does not support/, BUILD_T);
      report.variantBuildFlavor = msg;
      log('notification: ' + msg);
      const file = `flavored-0.1.0-${plain[1]}.conda`;
      check(new RegExp(`^Built \\d+ packages? \\(variant flavor=plain\\): .*${escapeRe(file)}`).test(msg), 'not built: ' + msg);
      check(condaFiles(`flavored-0.1.0-${plain[1]}`).length === 1, `${file} is not in ${BUILD_OUT}`);
      // only the picked variant
      check(/^Built 1 package /.test(msg), 'built more than the picked variant: ' + msg);
    });

    await test('a hanging build shows in the status bar and a progress notification; its Cancel button stops it', 'vscode-build-cancelled.png', async () => {
      needBuildSetup();
      await clearNotifications();
      // the example backend's hang mode, through the server's environment (pixiLsp.server.env restarts it)
      await setSettings({ 'pixiLsp.server.env': { PIXI_BUILD_LSP_EXAMPLE_MODE: 'hang-on-outputs' } });
      await openFile('build-hang/pixi.toml');
      await waitStatus(serverUp, 'showed a running server after the restart');
      await runCommand('Pixi: Build package');
      const progress = toast(/Build package \(build-hang\/pixi\.toml\)/);
      await progress.waitFor({ state: 'visible', timeout: T });
      const running = await waitStatus((l) => /building build-hang\/pixi\.toml/.test(l), 'showed the running build');
      report.buildRunningStatus = running;
      log('status bar: ' + running);
      await waitFor(async () => hangingBackends().length > 0, 'the backend to start', BUILD_T);
      await page.waitForTimeout(500);
      check(await progress.isVisible(), 'the progress notification went away by itself');
      report.buildProgress = squash(await progress.innerText());
      log('progress notification: ' + report.buildProgress);
      await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-build-running.png') }).catch(() => {});
      const cancel = progress.locator('.monaco-button', { hasText: 'Cancel' });
      check(await cancel.count() === 1, 'no Cancel button on the progress notification');
      const t0 = Date.now();
      await cancel.click();
      // this build's outcome only (an unrelated "Request … failed." toast of the restart above is not it)
      const msg = await waitNotification(/Build package( \(build-hang\/pixi\.toml\): cancelled| failed)/, 20000);
      const took = Date.now() - t0;
      report.buildCancelled = msg;
      log(`notification after ${took} ms: ${msg}`);
      check(/cancelled\.$/.test(msg), 'not cancelled: ' + msg);
      // the server ended the build on the progress cancel (not the $/cancelRequest fallback after 5 s)
      check(took < 5000, `the build ended ${took} ms after Cancel`);
      await waitStatus((l) => !/building/.test(l), 'dropped the build');
      await waitFor(async () => hangingBackends().length === 0, 'the hanging backend to be stopped', 5000);
    });

    await test('the server environment setting back to normal (restart)', null, async () => {
      await clearNotifications();
      await setSettings({ 'pixiLsp.server.env': {} });
      await openFile('build-hello/pixi.toml');
      await waitStatus(serverUp, 'showed a running server after the restart');
    });

    // channel data from a local file:// channel (tests/e2e/run.sh builds it with pixi-lsp-make-channel
    // and writes channels/pixi.toml pointing at it); channels are off in settings.json until here
    const channelManifest = path.join(process.env.RUN_DIR || '', 'ws', 'channels', 'pixi.toml');
    let backendAccepted = false;
    await test('channels: backend = { name = "pixi-build-| } offers the backends of the local channel', 'vscode-channel-backend-accepted.png', async () => {
      check(process.env.CHANNEL_URL, 'no local test channel: ' + (process.env.CHANNEL_ERR || 'CHANNEL_URL not set'));
      await page.keyboard.press(KEYS.closePanel);
      await clearNotifications();
      await setSettings({
        'pixiLsp.channels.enabled': true,
        'pixiLsp.channels.cacheDir': path.join(process.env.RUN_DIR || '/tmp', 'channel-cache'),
        'pixiLsp.channels.timeoutSeconds': 10,
      });
      await openFile('channels/pixi.toml');
      await gotoLine(positionAfter(channelManifest, 'name = "pixi-build-'));
      const want = ['python', 'cmake', 'rust', 'rattler-build', 'ros', 'mojo', 'r'].map((b) => 'pixi-build-' + b);
      const has = (items, label) => items.some((t) => t === label || t.startsWith(label + ' '));
      const items = await suggestUntil((it) => want.every((w) => has(it, w)), 'backend names');
      report.channelBackendNames = items;
      log('backend names: ' + items.join(' | '));
      check(/^pixi-build-/.test(items[0]), 'backends are not listed first: ' + items[0]);
      await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-channel-backend-names.png') }).catch(() => {});
      // accept pixi-build-python (select it by filtering: type its rest, then Enter)
      await page.keyboard.type('pyth');
      await page.locator('.suggest-widget .monaco-list-row.focused', { hasText: 'pixi-build-python' }).waitFor({ timeout: T });
      await page.keyboard.press('Enter');
      await page.waitForTimeout(300);
      const text = await lineText('backend =');
      report.channelBackendLine = text;
      check(text === 'backend = { name = "pixi-build-python", version = "" }', 'line after accepting: ' + text);
      backendAccepted = true;
    });

    await test('channels: version = "|" of the backend offers 0.4.* first (channel versions)', 'vscode-channel-backend-versions.png', async () => {
      check(backendAccepted, 'needs the accepted backend name from the previous test');
      const line = positionAfter(channelManifest, 'name = "pixi-build-').split(':')[0];
      const col = 'backend = { name = "pixi-build-python", version = "'.length + 1;
      await gotoLine(`${line}:${col}`);
      const items = await suggestUntil((it) => it.length > 0 && /^0\.4\.\*/.test(it[0]), 'backend versions');
      report.channelBackendVersions = items;
      log('backend versions: ' + items.join(' | '));
      const series = items.map((t) => t.split(' ')[0]).filter((l) => /^\d+\.\d+\.\*$/.test(l));
      check(series.join(',') === '0.4.*,0.3.*,0.2.*,0.1.*', 'series not newest first: ' + series.join(','));
    });

    await test('a missing server binary is reported clearly', 'vscode-no-server.png', async () => {
      await clearNotifications();
      await setSettings({ 'pixiLsp.server.path': '/nonexistent/pixi-lsp' });
      const msg = await waitNotification(/no executable file is there|No pixi-lsp server found/);
      report.noServer = msg;
      log('notification: ' + msg);
      const label = squash((await page.locator('[id$="pixiLsp.status"]').getAttribute('aria-label')) || '');
      check(/not found/.test(label), 'status: ' + label);
    });

    await test('a crashing server is restarted a bounded number of times, then the user is told', 'vscode-crash.png', async () => {
      await clearNotifications();
      await setSettings({ 'pixiLsp.server.path': process.env.CRASHING_SERVER });
      const msg = await waitNotification(/crashed \d+ times .* will not be restarted/, 30000);
      report.crash = msg;
      log('notification: ' + msg);
      const label = squash((await page.locator('[id$="pixiLsp.status"]').getAttribute('aria-label')) || '');
      check(/stopped/.test(label), 'status: ' + label);
    });

    await test('setting the real server back recovers (restart on server.path change)', null, async () => {
      await clearNotifications();
      await setSettings({ 'pixiLsp.server.path': process.env.SERVER });
      await page.waitForFunction(() => {
        const e = document.querySelector('[id$="pixiLsp.status"]');
        return e && /pixi-lsp/.test(e.getAttribute('aria-label') || '') && !/stopped|not found|failed|restarting/.test(e.getAttribute('aria-label') || '');
      }, null, { timeout: T });
    });
  } finally {
    fs.writeFileSync(path.join(ARTIFACTS, 'vscode-e2e.json'), JSON.stringify(report, null, 2));
  }
});
