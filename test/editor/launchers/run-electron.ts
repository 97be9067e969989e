/**
 * Runs the same extension-host suite in desktop VS Code through
 * @vscode/test-electron (for contributors whose machine can download VS Code
 * or already has one). On machines without access to VS Code's download
 * servers it fails fast with an explanation; use run-code-server.js there.
 *
 *   node out/test/editor/launchers/run-electron.js \
 *     [--extensionDevelopmentPath=<dir>] [--extensionTestsPath=<file.js>] [--workspace=<folder>]
 *
 * Same defaults and environment variables as run-code-server.js, plus:
 *   K8SG_VSCODE_VERSION     version to download (default 1.100.3, = code-server 4.100.3)
 *   K8SG_VSCODE_EXECUTABLE  use this VS Code binary instead of downloading
 *   K8SG_VSCODE_CACHE       download cache (default <repo>/.test-artifacts/vscode-test, git-ignored)
 *   K8SG_EDITOR_TIMEOUT_MS  overall timeout (default 10 min)
 * On Linux without a display run it under `xvfb-run -a`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseLauncherOptions } from './run-code-server';
import { findRepoRoot } from '../../../scripts/editor/code-server-setup';

const DOWNLOAD_IDLE_TIMEOUT_MS = 15_000;

export async function runInElectron(argv: string[] = process.argv.slice(2)): Promise<number> {
  const opts = parseLauncherOptions(argv);
  const version = process.env.K8SG_VSCODE_VERSION || '1.100.3';
  const executable = process.env.K8SG_VSCODE_EXECUTABLE || undefined;
  if (!fs.existsSync(opts.extensionTestsPath)) {
    process.stderr.write(`extension tests entry not found: ${opts.extensionTestsPath}\n  Compile first: npx tsc -p .\n`);
    return 1;
  }
  const launchArgs = ['--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'];
  if (fs.existsSync(opts.workspace)) launchArgs.unshift(opts.workspace);

  const { runTests } = await import('@vscode/test-electron');
  process.stdout.write(
    `[launcher] @vscode/test-electron: VS Code ${executable ? `at ${executable}` : version}\n` +
      `[launcher] extension: ${opts.extensionDevelopmentPath}\n[launcher] tests:     ${opts.extensionTestsPath}\n`,
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${opts.timeoutMs / 1000} s`)), opts.timeoutMs);
  });
  try {
    const code = await Promise.race([
      runTests({
        ...(executable ? { vscodeExecutablePath: executable } : { version }),
        cachePath: process.env.K8SG_VSCODE_CACHE || path.join(findRepoRoot(), '.test-artifacts', 'vscode-test'),
        timeout: DOWNLOAD_IDLE_TIMEOUT_MS,
        extensionDevelopmentPath: opts.extensionDevelopmentPath,
        extensionTestsPath: opts.extensionTestsPath,
        extensionTestsEnv: { K8SG_EDITOR_LAUNCHER: 'electron' },
        launchArgs,
      }),
      timeout,
    ]);
    process.stdout.write(`[launcher] VS Code exited with ${code}\n`);
    return code === 0 ? 0 : 1;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const looksLikeDownload = !executable && /download|fetch|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo|socket|network|update\.code|timed out/i.test(message);
    process.stderr.write(`[launcher] @vscode/test-electron failed: ${message}\n`);
    if (looksLikeDownload) {
      process.stderr.write(
        [
          `[launcher] Could not obtain VS Code ${version}: this machine cannot reach VS Code's download servers`,
          '  (only the npm registry and Debian packages are reachable here).',
          '  Run the same suite in VS Code 1.100.3 via code-server instead:',
          '    node out/test/editor/launchers/run-code-server.js',
          '  or point K8SG_VSCODE_EXECUTABLE at an installed VS Code binary.',
          '',
        ].join('\n'),
      );
    }
    return 1;
  } finally {
    clearTimeout(timer);
  }
}

if (require.main === module) {
  runInElectron().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
