import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from './test-app';
import { buildWebUi } from './web-build';

/** Where the UI tests write their screenshots (git-ignored; README: "Web interface"). */
export const SCREENSHOT_DIR = path.resolve(__dirname, '../../test-artifacts/screenshots');

/** Debian's Chromium (`apt-get install chromium`); playwright-core downloads no browser. */
export const CHROMIUM = process.env.HANGAR_TEST_CHROMIUM ?? '/usr/bin/chromium';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export async function launchChromium(): Promise<Browser> {
  // Root (CI containers) cannot use Chromium's sandbox.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, chromiumSandbox: typeof process.getuid === 'function' && process.getuid() !== 0 });
}

/**
 * A page that records what must never happen: a JavaScript dialog (an XSS payload's alert),
 * an uncaught page error, or a CSP violation reported to the console.
 */
export async function openPage(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.type()} ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(`csp: ${m.text()}`);
  });
  return { page, problems };
}

/** Screenshots of the current page at desktop and phone width, named `<name>-desktop.png` / `-phone.png`. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const before = page.viewportSize() ?? DESKTOP;
  for (const [label, size] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(before);
}

export interface UiSuite {
  t: TestApp;
  browser: Browser;
  /** A desktop-sized context whose relative URLs go to `t`. */
  context: BrowserContext;
}

/**
 * The frame of a browser test file: the UI built from the current sources, a Hangar on its own
 * database and Debian's Chromium, started once per file. Read the fields inside the tests.
 */
export function uiSuite(): UiSuite {
  const suite = {} as UiSuite;
  beforeAll(async () => {
    buildWebUi();
    [suite.t, suite.browser] = await Promise.all([startTestApp(), launchChromium()]);
    suite.context = await suite.browser.newContext({ viewport: DESKTOP, baseURL: suite.t.baseUrl });
  });
  afterAll(async () => {
    await suite.context?.close();
    await suite.browser?.close();
    await suite.t?.close();
  });
  return suite;
}
