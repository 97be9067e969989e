/**
 * Lets a test inside the extension host ask the launcher for a screenshot of
 * the workbench as the user would see it.
 *
 *   import { requestScreenshot } from '../launchers/screenshot';
 *   const png = await requestScreenshot('problems-panel');  // path, or undefined
 *
 * Protocol (run-code-server.ts sets K8SG_SCREENSHOT_REQUEST_DIR): the test
 * writes `<dir>/<seq>-<name>.request`; the launcher polls the folder, takes a
 * Playwright screenshot into its screenshot dir as `<name>.png`, and writes
 * the PNG's path into `<dir>/<seq>-<name>.done`. Under launchers that cannot
 * take screenshots (@vscode/test-electron) the variable is unset and the call
 * resolves to undefined at once, so tests may call it unconditionally.
 */
import * as fs from 'fs';
import * as path from 'path';

let sequence = 0;

export async function requestScreenshot(name: string, timeoutMs = 20_000): Promise<string | undefined> {
  const dir = process.env.K8SG_SCREENSHOT_REQUEST_DIR;
  if (!dir) return undefined;
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_');
  const stem = `${String(++sequence).padStart(3, '0')}-${safe}`;
  const done = path.join(dir, `${stem}.done`);
  fs.writeFileSync(path.join(dir, `${stem}.tmp`), safe);
  fs.renameSync(path.join(dir, `${stem}.tmp`), path.join(dir, `${stem}.request`)); // atomic for the poller
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(done)) {
      const text = fs.readFileSync(done, 'utf8').trim();
      if (text.startsWith('error:')) throw new Error(`screenshot ${name} failed: ${text}`);
      return text;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`screenshot ${name}: the launcher did not answer within ${timeoutMs} ms`);
}

export interface NotificationClickResult {
  /** Text of every visible notification toast. */
  messages: string[];
  /** Links (<a>) rendered inside the toasts' messages; each was clicked. */
  links: { text: string; href: string | null }[];
}

/**
 * Asks the launcher to click, like a user, everything clickable in the visible
 * notification toasts' message text (every link, then the message itself) and
 * to report what it found. Same request folder as screenshots (`<seq>-<name>.click`);
 * undefined when the launcher cannot drive the page.
 */
export async function requestNotificationClicks(timeoutMs = 20_000): Promise<NotificationClickResult | undefined> {
  const dir = process.env.K8SG_SCREENSHOT_REQUEST_DIR;
  if (!dir) return undefined;
  const stem = `${String(++sequence).padStart(3, '0')}-notification-clicks`;
  const done = path.join(dir, `${stem}.done`);
  fs.writeFileSync(path.join(dir, `${stem}.tmp`), 'notifications');
  fs.renameSync(path.join(dir, `${stem}.tmp`), path.join(dir, `${stem}.click`));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(done)) {
      const text = fs.readFileSync(done, 'utf8').trim();
      if (text.startsWith('error:')) throw new Error(`notification clicks failed: ${text}`);
      return JSON.parse(text) as NotificationClickResult;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`notification clicks: the launcher did not answer within ${timeoutMs} ms`);
}
