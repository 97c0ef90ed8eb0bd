// What the code-server end-to-end tests share (vscode-e2e.js, bundled-e2e.js): Debian's chromium driven by
// playwright-core, a small harness that prints "N passed, M failed", and the workbench actions both use.
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const ARTIFACTS = process.env.ARTIFACTS || path.join(__dirname, '..', 'artifacts');
const T = Number(process.env.PIXI_LSP_TEST_TIMEOUT_MS || 20000);
const t0 = Date.now();
const log = (m) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const squash = (s) => s.replace(/\s+/g, ' ').trim();
const results = { passed: 0, failed: 0, skipped: 0 };
/** The browser page, once main() has opened the workbench. */
let page;

class Skip extends Error {}

// bound in keybindings.json by code-server.sh
const KEYS = {
  closePanel: 'Control+Alt+Shift+F1',
  gotoLine: 'Control+Alt+Shift+F2',
  showHover: 'Control+Alt+Shift+F3',
  clearNotifications: 'Control+Alt+Shift+F4',
  problems: 'Control+Alt+Shift+F5',
  suggest: 'Control+Alt+Shift+F6',
  quickFix: 'Control+Alt+Shift+F7',
  inspectTokens: 'Control+Alt+Shift+F8', // Developer: Inspect Editor Tokens and Scopes
};

// E2E_ONLY=<regex>: run only the tests whose name matches (the others are skipped)
const ONLY = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY) : null;

/** Opens the workbench at `url` and runs `body(page)`; an error escaping it counts as one failure (with
 *  $ARTIFACTS/errorShot). Then prints the summary line and exits, non-zero when a test failed. */
async function main(url, errorShot, body) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.PIXI_LSP_TEST_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
  try {
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60000 });
    log('workbench loaded');
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => {});
    await body(page);
  } catch (e) {
    results.failed++;
    log('ERROR ' + e.message);
    await page.screenshot({ path: path.join(ARTIFACTS, errorShot) }).catch(() => {});
  } finally {
    await browser.close();
  }
  const line = `${results.passed} passed, ${results.failed} failed` + (results.skipped ? `, ${results.skipped} skipped` : '');
  console.log(line);
  process.exit(results.failed > 0 ? 1 : 0);
}

async function test(name, shot, fn) {
  const start = Date.now();
  try {
    if (ONLY && !ONLY.test(name)) throw new Skip('not selected by E2E_ONLY');
    await fn();
    results.passed++;
    log(`ok   ${name} (${Date.now() - start} ms)`);
  } catch (e) {
    if (e instanceof Skip) {
      results.skipped++;
      log(`skip ${name}: ${e.message}`);
    } else {
      results.failed++;
      log(`FAIL ${name}: ${e.message.split('\n').slice(0, process.env.E2E_DEBUG ? 30 : 1).join('\n')}`);
    }
  } finally {
    if (shot) {
      await page.waitForTimeout(400); // let notification toasts finish sliding in
      await page.screenshot({ path: path.join(ARTIFACTS, shot) }).catch(() => {});
    }
    await page.keyboard.press('Escape').catch(() => {});
  }
}

function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Run a command from the command palette: the entry whose label is exactly `title` (not a longer
 *  one starting the same, which may be listed first as "recently used"). */
async function runCommand(title) {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: T });
  await page.keyboard.type(title);
  const exact = new RegExp(`^${escapeRe(title)}$`);
  const row = page.locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: exact }) })
    .first();
  await row.waitFor({ state: 'visible', timeout: T });
  await row.click();
}

async function openFile(rel, attempt = 1) {
  const dir = path.dirname(rel);
  const file = path.basename(rel);
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: T });
  await page.keyboard.type(rel);
  // wait until the list is filtered (recently opened files are listed first, before filtering)
  await page.waitForFunction(
    ([d, f]) => {
      const row = document.querySelector('.quick-input-list .monaco-list-row');
      const t = row ? row.textContent || '' : '';
      return t.includes(f) && (d === '.' || t.includes(d));
    },
    [dir, file],
    { timeout: T },
  );
  await page.keyboard.press('Enter');
  // the breadcrumbs of the active editor show the folders and the file name
  try {
    await page.waitForFunction(
      ([d, f]) => {
        const b = document.querySelector('.editor-group-container.active .monaco-breadcrumbs');
        const t = b ? b.textContent || '' : '';
        return t.includes(f) && (d === '.' || d.split('/').every((seg) => t.includes(seg)));
      },
      [dir, file],
      { timeout: attempt === 1 ? 5000 : T },
    );
  } catch (e) {
    if (attempt > 1) throw e;
    await page.keyboard.press('Escape');
    return openFile(rel, attempt + 1);
  }
  await page.waitForSelector('.monaco-editor .view-lines', { timeout: T });
  await page.waitForTimeout(300);
}

async function statusLabel() {
  return squash((await page.locator('[id$="pixiLsp.status"]').getAttribute('aria-label').catch(() => '')) || '');
}

/** Wait until the pixi-lsp status bar item's label satisfies pred. */
async function waitStatus(pred, what, timeout = T) {
  const end = Date.now() + timeout;
  let label = '';
  while (Date.now() < end) {
    label = await statusLabel();
    if (pred(label)) return label;
    await page.waitForTimeout(100);
  }
  throw new Error(`status bar never ${what}; last: ${label}`);
}
const serverUp = (l) => /pixi-lsp/.test(l) && !/stopped|not found|failed|restarting|starting/.test(l);

async function waitFor(pred, what, timeout = T) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    if (await pred()) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The ids of the running processes (from /proc). */
const pids = () => fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n));

module.exports = {
  ARTIFACTS, T, KEYS, log, squash, Skip, main, test, check, escapeRe, runCommand, openFile, statusLabel, waitStatus,
  serverUp, waitFor, pids,
};
