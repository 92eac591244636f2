import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { repoRoot } from './config-fixture.ts';

/**
 * Debian's Chromium driven by playwright-core: never a downloaded browser. The flags keep it
 * quiet and offline (no component updates, sync or background requests) and runnable as root.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Screenshots and other artefacts of the browser tests (kept by CI). */
export const ARTIFACTS_DIR = path.join(repoRoot, 'test', 'artifacts', 'browser');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export interface SignedInPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Messages the page logged as errors, and CSP violations: a page should have none. */
  readonly problems: string[];
}

/** A fresh browser context (its own cookies) signed in through the login form. */
export async function signIn(
  browser: Browser,
  baseUrl: string,
  username: string,
  password: string,
  viewport: { width: number; height: number } = { width: 1600, height: 1000 },
): Promise<SignedInPage> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto('/login');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('header.top');
  // The login page's first `GET /api/me` answers 401 by design; only what follows counts.
  problems.length = 0;
  return { context, page, problems };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
