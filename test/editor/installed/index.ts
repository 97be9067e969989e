/**
 * Smoke suite for the extension as users get it: the .vsix installed into code-server with
 * --install-extension (run-code-server.ts --install-vsix), not the development folder.
 * scripts/test.mjs runs it after the real-editor suite.
 */
import { runMochaSuite } from '../launchers/mocha-runner';

export function run(): Promise<void> {
  return runMochaSuite(__dirname, undefined, { timeout: 60_000 });
}
