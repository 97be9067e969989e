/**
 * Self-test of the editor launchers (about 2 minutes; needs Chromium):
 *   node out/test/editor/launchers/verify-launchers.js
 *
 * 1. run-code-server.js + fixture extension + demo suite passes (exit 0) and
 *    mocha's reporter lines arrive on the launcher's stdout;
 * 2. the same with K8SG_DEMO_FAIL=1 exits 1 and shows the failure;
 * 3. run-electron.js, where VS Code cannot be downloaded, exits 1 quickly
 *    with an explanation instead of hanging (skipped if K8SG_VSCODE_EXECUTABLE is set).
 * Exits 0 when every check holds.
 */
import * as path from 'path';
import { spawn } from 'child_process';

const here = __dirname; // out/test/editor/launchers
const repoRoot = path.resolve(here, '../../../..');
const fixture = path.join(repoRoot, 'test/editor/launchers/fixture-extension');
const demoSuite = path.join(here, 'demo-suite/index.js');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

function runNode(script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Result> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 });
    });
  });
}

async function main(): Promise<number> {
  const failures: string[] = [];
  const check = (ok: boolean, what: string, result: Result): void => {
    process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${what} (${result.seconds.toFixed(1)} s)\n`);
    if (!ok) {
      failures.push(what);
      process.stdout.write(`--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr.slice(-3000)}\n`);
    }
  };
  const launcherArgs = [`--extensionDevelopmentPath=${fixture}`, `--extensionTestsPath=${demoSuite}`, '--timeout=300000'];
  const codeServer = path.join(here, 'run-code-server.js');

  const pass = await runNode(codeServer, launcherArgs, { K8SG_DEMO_FAIL: '' }, 330_000);
  check(
    pass.code === 0 && /✔ runs in VS Code 1\.100/.test(pass.stdout) && /4 passing/.test(pass.stdout) && /VS Code 1\.100\.3/.test(pass.stdout),
    'run-code-server: passing suite exits 0 and its mocha output reaches stdout',
    pass,
  );

  const fail = await runNode(codeServer, launcherArgs, { K8SG_DEMO_FAIL: '1' }, 330_000);
  check(
    fail.code === 1 && /1 failing/.test(fail.stdout) && /deliberate failure/.test(fail.stdout),
    'run-code-server: a failing assertion makes it exit 1',
    fail,
  );

  if (!process.env.K8SG_VSCODE_EXECUTABLE) {
    const electron = await runNode(path.join(here, 'run-electron.js'), launcherArgs, {}, 120_000);
    check(
      (electron.code === 1 && /Could not obtain VS Code/.test(electron.stderr) && electron.seconds < 110) ||
        (electron.code === 0 && /VS Code exited with 0/.test(electron.stdout)),
      'run-electron: runs the suite, or (no VS Code download possible) fails fast with an explanation',
      electron,
    );
  }
  process.stdout.write(failures.length ? `${failures.length} check(s) failed\n` : 'all launcher checks passed\n');
  return failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
