/**
 * What the Playwright tests (test/editor/playwright) share: Chromium found or the test skipped,
 * code-server + Chromium opened on a fresh copy of examples/ with this repository as the
 * extension under development, polling, the command palette, and screenshots.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { startCodeServer, workbenchUrl, CodeServerHandle } from '../../scripts/editor/code-server';
import { findRepoRoot } from '../../scripts/editor/code-server-setup';
import { launchChromium } from '../editor/launchers/run-code-server';

export const CHROMIUM = process.env.K8SG_CHROMIUM || '/usr/bin/chromium';
export const repo = findRepoRoot();
const artifacts = path.join(repo, '.test-artifacts', 'playwright');
const docsImages = process.env.K8SG_DOCS_SCREENSHOTS === '1' ? path.join(repo, 'docs', 'images') : undefined;

/** Skips the test without Chromium (fails it under CI). True when skipped. */
export function skipWithoutChromium(t: { skip(m: string): void }, hint = ' (apt-get install -y chromium)'): boolean {
  if (fs.existsSync(CHROMIUM)) return false;
  if (process.env.CI) assert.fail(`Chromium not found at ${CHROMIUM}${hint}`);
  t.skip(`Chromium not found at ${CHROMIUM}`);
  return true;
}

/** A screenshot in .test-artifacts/playwright/, copied to docs/images/ when K8SG_DOCS_SCREENSHOTS=1. */
export async function shot(page: Page, name: string, clip?: { x: number; y: number; width: number; height: number }): Promise<void> {
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), ...(clip ? { clip } : {}) });
  if (docsImages) fs.copyFileSync(path.join(artifacts, `${name}.png`), path.join(docsImages, `${name}.png`));
}

/** Polls `fn` (every 200 ms; a throw counts as not yet) until it returns something other than undefined or false. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs a command through the command palette, like a user. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

export interface Workbench {
  cs: CodeServerHandle;
  browser: BrowserContext;
  page: Page;
  /** The copy of examples/ the workbench has open (removed by close()). */
  workspace: string;
  /** Closes the browser, stops code-server and removes the workspace copy. */
  close(): Promise<void>;
}

/**
 * code-server on a fresh copy of examples/ (settings added to quiet defaults), headless Chromium on
 * the workbench with this repository as the extension under development; resolves when the
 * workbench is shown. `onPage` runs before the workbench loads (e.g. to record dialogs).
 */
export async function openWorkbench(opts: { settings?: Record<string, unknown>; workspaceTrust?: boolean; workspacePrefix?: string; onPage?: (page: Page) => void }): Promise<Workbench> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), opts.workspacePrefix ?? 'k8sg-pw-ws-'));
  fs.cpSync(path.join(repo, 'examples'), workspace, { recursive: true });
  let cs: CodeServerHandle | undefined;
  let browser: BrowserContext | undefined;
  const close = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    await cs?.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  };
  try {
    cs = await startCodeServer({
      workspace,
      workspaceTrust: opts.workspaceTrust,
      settings: { 'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'telemetry.telemetryLevel': 'off', ...opts.settings },
    });
    browser = await launchChromium(fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-pw-profile-')), CHROMIUM);
    const page = browser.pages()[0] ?? (await browser.newPage());
    opts.onPage?.(page);
    await page.goto(workbenchUrl(cs, { folder: workspace, extensionDevelopmentPath: repo }), { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    return { cs, browser, page, workspace, close };
  } catch (e) {
    await close();
    throw e;
  }
}
