/**
 * Runs ONE extension-host test suite in real VS Code 1.100.3 (code-server +
 * headless Debian Chromium driven by playwright-core) and exits with the
 * suite's result. See scripts/editor/README.md.
 *
 *   node out/test/editor/launchers/run-code-server.js \
 *     [--extensionDevelopmentPath=<dir>]   default: repository root
 *     [--extensionTestsPath=<file.js>]     default: out/test/editor/suite/index.js
 *     [--workspace=<folder>]               default: <repo>/examples
 *     [--screenshots=<dir>]                default: <repo>/.test-artifacts/editor/screenshots
 *     [--timeout=<ms>]                     default: 600000 (10 min)
 *     [--settings=<json>]                  extra user settings
 *     [--untrusted]                        keep Workspace Trust on; the folder opens in restricted mode
 *     [--install-vsix=<file.vsix>]         install the package into a fresh extensions dir with
 *                                          `code-server --install-extension` and test that copy: the
 *                                          development path is then the throwaway fixture extension
 *                                          (VS Code runs tests only with one), and the suite gets the
 *                                          dir in K8SG_INSTALLED_EXTENSIONS_DIR
 *
 * Every option has an environment variable (K8SG_EXTENSION_DEVELOPMENT_PATH,
 * K8SG_EXTENSION_TESTS_PATH, K8SG_TEST_WORKSPACE, K8SG_SCREENSHOT_DIR,
 * K8SG_EDITOR_TIMEOUT_MS, K8SG_EDITOR_SETTINGS, K8SG_EDITOR_UNTRUSTED=1);
 * arguments win. K8SG_CHROMIUM overrides /usr/bin/chromium; K8SG_EDITOR_DEBUG=1
 * echoes code-server's log and the page console.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { installExtension, startCodeServer, workbenchUrl, CodeServerHandle } from '../../../scripts/editor/code-server';
import { findRepoRoot } from '../../../scripts/editor/code-server-setup';
import type { BrowserContext, Page } from 'playwright-core';

export interface LauncherOptions {
  extensionDevelopmentPath: string;
  extensionTestsPath: string;
  workspace: string;
  screenshotDir: string;
  timeoutMs: number;
  settings: Record<string, unknown>;
  untrusted: boolean;
  chromium: string;
  /** A .vsix to install and test instead of the development folder. */
  installVsix?: string;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Settings for a quiet, deterministic test workbench (the caller's win). */
export const TEST_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
};

/** Headless Chromium with a persistent profile in `profileDir`, 1400×900. Signals are the caller's: it closes the browser. */
export async function launchChromium(profileDir: string, executablePath: string): Promise<BrowserContext> {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}

const log = (line: string): void => {
  process.stdout.write(`[launcher] ${line}\n`);
};

function argValue(argv: string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith(prefix)) return argv[i].slice(prefix.length);
    if (argv[i] === `--${name}` && i + 1 < argv.length && !argv[i + 1].startsWith('--')) return argv[i + 1];
  }
  return undefined;
}

export function parseLauncherOptions(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): LauncherOptions {
  const repo = findRepoRoot();
  const pick = (name: string, envName: string): string | undefined => argValue(argv, name) ?? (env[envName] || undefined);
  const settingsText = pick('settings', 'K8SG_EDITOR_SETTINGS');
  let settings: Record<string, unknown> = {};
  if (settingsText) {
    try {
      settings = JSON.parse(settingsText) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`--settings / K8SG_EDITOR_SETTINGS is not JSON: ${(err as Error).message}`);
    }
  }
  return {
    extensionDevelopmentPath: path.resolve(pick('extensionDevelopmentPath', 'K8SG_EXTENSION_DEVELOPMENT_PATH') ?? repo),
    extensionTestsPath: path.resolve(pick('extensionTestsPath', 'K8SG_EXTENSION_TESTS_PATH') ?? path.join(repo, 'out/test/editor/suite/index.js')),
    workspace: path.resolve(pick('workspace', 'K8SG_TEST_WORKSPACE') ?? path.join(repo, 'examples')),
    screenshotDir: path.resolve(pick('screenshots', 'K8SG_SCREENSHOT_DIR') ?? path.join(repo, '.test-artifacts/editor/screenshots')),
    timeoutMs: Number(pick('timeout', 'K8SG_EDITOR_TIMEOUT_MS') ?? 600_000),
    settings,
    untrusted: argv.includes('--untrusted') || env.K8SG_EDITOR_UNTRUSTED === '1',
    chromium: env.K8SG_CHROMIUM || '/usr/bin/chromium',
    installVsix: argValue(argv, 'install-vsix') ? path.resolve(argValue(argv, 'install-vsix')!) : undefined,
  };
}

class Interrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
  }
}

class TimedOut extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${ms / 1000} s (K8SG_EDITOR_TIMEOUT_MS / --timeout) -> exit 1`);
  }
}

/** Copies what the suite appends to `file` onto our stdout. */
class Tail {
  private offset = 0;
  private timer: NodeJS.Timeout | undefined;
  firstOutputAt: number | undefined;
  constructor(private readonly file: string) {}
  start(): void {
    this.timer = setInterval(() => this.pump(), 100);
  }
  pump(): void {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return; // not created yet
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size <= this.offset) return;
      const buf = Buffer.alloc(size - this.offset);
      const read = fs.readSync(fd, buf, 0, buf.length, this.offset);
      this.offset += read;
      this.firstOutputAt ??= Date.now();
      process.stdout.write(buf.subarray(0, read));
    } finally {
      fs.closeSync(fd);
    }
  }
  stop(): void {
    clearInterval(this.timer);
    this.pump();
  }
}

async function screenshot(page: Page | undefined, dir: string, name: string): Promise<string | undefined> {
  if (!page || page.isClosed()) return undefined;
  try {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name}.png`);
    await page.screenshot({ path: file, timeout: 10_000 });
    return file;
  } catch (err) {
    log(`screenshot ${name} failed: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

/** Serves requestNotificationClicks() (screenshot.ts): clicks every link in the toasts' messages, then each message. */
async function clickNotifications(page: Page | undefined): Promise<{ messages: string[]; links: { text: string; href: string | null }[] }> {
  if (!page || page.isClosed()) throw new Error('no page');
  const toasts = page.locator('.notifications-toasts .notification-list-item-message');
  const messages = await toasts.allTextContents();
  const linkLocator = page.locator('.notifications-toasts .notification-list-item-message a');
  const links: { text: string; href: string | null }[] = [];
  for (let i = 0; i < (await linkLocator.count()); i++) {
    const a = linkLocator.nth(i);
    links.push({ text: (await a.textContent()) ?? '', href: (await a.getAttribute('href')) ?? (await a.getAttribute('data-href')) });
    await a.click({ timeout: 5000 }).catch(() => undefined);
  }
  for (let i = 0; i < (await toasts.count()); i++) await toasts.nth(i).click({ timeout: 5000 }).catch(() => undefined);
  return { messages, links };
}

/** Serves the suite's requestScreenshot() calls (see screenshot.ts). */
function serveScreenshotRequests(requestDir: string, screenshotDir: string, getPage: () => Page | undefined): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      try {
        for (const entry of fs.readdirSync(requestDir).filter((f) => f.endsWith('.request')).sort()) {
          const stem = entry.slice(0, -'.request'.length);
          const name = fs.readFileSync(path.join(requestDir, entry), 'utf8').trim() || stem;
          fs.rmSync(path.join(requestDir, entry));
          const file = await screenshot(getPage(), screenshotDir, name);
          fs.writeFileSync(path.join(requestDir, `${stem}.done`), file ?? 'error: no page to capture');
          if (file) log(`screenshot ${file}`);
        }
        for (const entry of fs.readdirSync(requestDir).filter((f) => f.endsWith('.click')).sort()) {
          const stem = entry.slice(0, -'.click'.length);
          fs.rmSync(path.join(requestDir, entry));
          let answer: string;
          try {
            answer = JSON.stringify(await clickNotifications(getPage()));
          } catch (err) {
            answer = `error: ${(err as Error).message.split('\n')[0]}`;
          }
          fs.writeFileSync(path.join(requestDir, `${stem}.done`), answer);
        }
      } catch {
        // request dir removed during shutdown
      } finally {
        busy = false;
      }
    })();
  }, 200);
  return () => clearInterval(timer);
}

function chromiumMissingMessage(chromium: string): string {
  return [
    `Chromium not found at ${chromium}; the editor tests drive Debian's Chromium with playwright-core.`,
    '  Install it:  apt-get update && apt-get install -y chromium',
    '  (or point K8SG_CHROMIUM at another Chromium/Chrome binary).',
    process.env.CI === 'true'
      ? '  CI=true: failing instead of skipping; .ci/run must install chromium before the editor tests.'
      : '  Not skipping: the editor tests cannot run without a browser.',
  ].join('\n');
}

/** Runs the suite; resolves with the process exit code (0 passed, 1 failed/timed out/broken). */
export async function runInCodeServer(opts: LauncherOptions): Promise<number> {
  const t0 = Date.now();
  const secs = (t: number | undefined): string => (t === undefined ? 'n/a' : `${((t - t0) / 1000).toFixed(1)} s`);

  if (!fs.existsSync(opts.chromium)) {
    process.stderr.write(`${chromiumMissingMessage(opts.chromium)}\n`);
    return 1;
  }
  if (!fs.existsSync(opts.extensionTestsPath)) {
    process.stderr.write(`extension tests entry not found: ${opts.extensionTestsPath}\n  Compile first: npx tsc -p .\n`);
    return 1;
  }
  if (!fs.existsSync(path.join(opts.extensionDevelopmentPath, 'package.json'))) {
    process.stderr.write(`no package.json in the extension development path ${opts.extensionDevelopmentPath}\n`);
    return 1;
  }
  let workspace = opts.workspace;
  if (!fs.existsSync(workspace)) {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-empty-workspace-'));
    log(`workspace ${opts.workspace} does not exist; using an empty folder ${workspace}`);
  }

  const controlDir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-editor-run-'));
  const outputFile = path.join(controlDir, 'suite-output.log');
  const requestDir = path.join(controlDir, 'screenshot-requests');
  fs.mkdirSync(requestDir);
  const tail = new Tail(outputFile);

  let server: CodeServerHandle | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let stopRequests: (() => void) | undefined;
  let code = 1;
  const marks: Record<string, number | undefined> = {};
  const emptyWorkspace: string | undefined = workspace !== opts.workspace ? workspace : undefined;

  // Ctrl-C / SIGTERM: abandon whatever step is running, then clean up as usual.
  let interrupt!: (signal: NodeJS.Signals) => void;
  const interrupted = new Promise<never>((_, reject) => {
    interrupt = (signal) => reject(new Interrupted(signal));
  });
  interrupted.catch(() => undefined);
  const onSignal = (signal: NodeJS.Signals): void => interrupt(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // The overall timeout covers every step, page load included.
  let overallTimer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    overallTimer = setTimeout(() => reject(new TimedOut(opts.timeoutMs)), Math.max(1, opts.timeoutMs - (Date.now() - t0)));
  });
  deadline.catch(() => undefined);
  const step = <T>(p: Promise<T>): Promise<T> => Promise.race([p, interrupted, deadline]);

  let extensionDevelopmentPath = opts.extensionDevelopmentPath;
  let extensionsDir: string | undefined;
  try {
    if (opts.installVsix) {
      if (!fs.existsSync(opts.installVsix)) throw new Error(`--install-vsix: ${opts.installVsix} does not exist (npm run package)`);
      extensionsDir = path.join(controlDir, 'extensions');
      const t = Date.now();
      const output = await step(installExtension(opts.installVsix, extensionsDir));
      log(`installed ${opts.installVsix} into ${extensionsDir} in ${((Date.now() - t) / 1000).toFixed(1)} s: ${output.trim().split('\n').pop()}`);
      extensionDevelopmentPath = path.join(findRepoRoot(), 'test/editor/launchers/fixture-extension');
    }
    server = await step(startCodeServer({
      workspace,
      extensionsDir,
      settings: { ...TEST_SETTINGS, ...(opts.untrusted ? { 'security.workspace.trust.enabled': true } : {}), ...opts.settings },
      workspaceTrust: opts.untrusted,
      env: {
        K8SG_TEST_OUTPUT: outputFile,
        K8SG_SCREENSHOT_REQUEST_DIR: requestDir,
        K8SG_EDITOR_LAUNCHER: 'code-server',
        ...(extensionsDir ? { K8SG_INSTALLED_EXTENSIONS_DIR: extensionsDir } : {}),
      },
    }));
    marks.codeServerReady = Date.now();
    const v = server.versions;
    log(`code-server ${v.codeServer} = VS Code ${v.vscode} (commit ${v.commit.slice(0, 12)}) at ${server.url} [${secs(marks.codeServerReady)}]`);
    log(extensionsDir ? `extension: installed from ${opts.installVsix} (development path: the fixture extension)` : `extension: ${extensionDevelopmentPath}`);
    log(`tests:     ${opts.extensionTestsPath}`);
    log(`workspace: ${workspace}${opts.untrusted ? ' (untrusted)' : ''}`);

    const launching = launchChromium(path.join(controlDir, 'chromium-profile'), opts.chromium);
    launching.then((c) => (context = c), () => undefined); // closed in finally even if interrupted mid-launch
    context = await step(launching);
    page = context.pages()[0] ?? (await step(context.newPage()));
    marks.browserReady = Date.now();

    let settle!: (result: { code: number; why: string }) => void;
    const finished = new Promise<{ code: number; why: string }>((resolve) => {
      settle = resolve;
    });
    // Must exist before the workbench loads: it calls window.codeAutomationExit(code) when run() settles.
    await step(page.exposeFunction('codeAutomationExit', (exitCode: number) => {
      settle({ code: Number(exitCode) === 0 ? 0 : 1, why: `suite finished, codeAutomationExit(${exitCode})` });
    }));
    const debug = !!process.env.K8SG_EDITOR_DEBUG;
    page.on('console', (msg) => {
      if (debug) process.stderr.write(`[page ${msg.type()}] ${msg.text()}\n`);
    });
    page.on('pageerror', (err) => {
      if (debug) process.stderr.write(`[page error] ${err.message}\n`);
    });
    page.on('crash', () => settle({ code: 1, why: 'the browser page crashed' }));
    page.on('close', () => settle({ code: 1, why: 'the browser page closed before the suite finished' }));
    void server.exited.then((c) => settle({ code: 1, why: `code-server exited (code ${c}) before the suite finished` }));

    stopRequests = serveScreenshotRequests(requestDir, opts.screenshotDir, () => page);
    tail.start();
    const url = workbenchUrl(server, {
      folder: workspace,
      extensionDevelopmentPath,
      extensionTestsPath: opts.extensionTestsPath,
    });
    if (debug) log(`opening ${url}`);
    await step(page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 }));
    marks.pageLoaded = Date.now();

    const result = await step(finished);
    marks.done = Date.now();
    tail.stop();
    code = result.code;

    const shot = await screenshot(page, opts.screenshotDir, code === 0 ? 'final' : 'failure');
    if (shot) log(`screenshot ${shot}`);
    log(`${result.why} -> exit ${code}`);
    if (code !== 0 && !tail.firstOutputAt) {
      log('the suite printed nothing: did the test entry load? Rerun with K8SG_EDITOR_DEBUG=1 to see the page console and code-server log.');
      const tailOfLog = server.output().split('\n').slice(-30).join('\n');
      process.stderr.write(`--- last code-server output ---\n${tailOfLog}\n`);
    }
  } catch (err) {
    tail.stop();
    if (err instanceof Interrupted) {
      log(`${err.signal}: stopping`);
      code = 128 + (os.constants.signals[err.signal] ?? 1);
    } else {
      if (err instanceof TimedOut) log(err.message);
      else process.stderr.write(`[launcher] ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      const shot = await screenshot(page, opts.screenshotDir, 'failure');
      if (shot) log(`screenshot ${shot}`);
      code = 1;
      if (!tail.firstOutputAt && server) {
        process.stderr.write(`--- last code-server output ---\n${server.output().split('\n').slice(-30).join('\n')}\n`);
      }
    }
  } finally {
    clearTimeout(overallTimer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    stopRequests?.();
    await context?.close().catch(() => undefined);
    await server?.stop();
    if (!process.env.K8SG_EDITOR_KEEP_TEMP) {
      fs.rmSync(controlDir, { recursive: true, force: true });
      if (emptyWorkspace) fs.rmSync(emptyWorkspace, { recursive: true, force: true });
    }
  }
  log(
    `timings from launcher start: code-server listening ${secs(marks.codeServerReady)}, browser ${secs(marks.browserReady)}, ` +
      `workbench page loaded ${secs(marks.pageLoaded)}, first suite output ${secs(tail.firstOutputAt)}, suite finished ${secs(marks.done)}, ` +
      `all stopped ${secs(Date.now())}`,
  );
  return code;
}

if (require.main === module) {
  let opts: LauncherOptions;
  try {
    opts = parseLauncherOptions();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  runInCodeServer(opts).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
