/**
 * The real-editor suite: runs inside the VS Code extension host, launched by
 * test/editor/launchers/run-code-server.ts (code-server + Chromium) or
 * run-electron.ts (desktop VS Code via @vscode/test-electron).
 */
import { runMochaSuite } from '../launchers/mocha-runner';

export function run(): Promise<void> {
  return runMochaSuite(__dirname, undefined, { timeout: 60_000 });
}
