/**
 * `npm run bench`, activation part: how long the extension takes to activate
 * in a real editor (code-server + Chromium, as the real-editor suite runs it)
 * on a copy of examples/. The extension writes its own timings to the file
 * named by K8SG_ACTIVATION_REPORT (client/src/extension.ts): `activate`
 * returning after the bundle loaded, and the language server ready. The
 * launcher runs only the activation suite. Median of BENCH_ACTIVATION_RUNS
 * (default 3) fresh editors.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.join(__dirname, '../../..');
const RUNS = Number(process.env.BENCH_ACTIVATION_RUNS ?? 3);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function main(): void {
  const launcher = path.join(REPO, 'out/test/editor/launchers/run-code-server.js');
  const activate: number[] = [];
  const ready: number[] = [];
  const workbench: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-bench-activation-'));
    const report = path.join(workspace, '..', `${path.basename(workspace)}.json`);
    fs.cpSync(path.join(REPO, 'examples'), workspace, { recursive: true });
    try {
      const r = spawnSync(process.execPath, [launcher, `--workspace=${workspace}`, `--screenshots=${path.join(workspace, '..', `${path.basename(workspace)}-shots`)}`], {
        cwd: REPO,
        encoding: 'utf8',
        env: { ...process.env, K8SG_MOCHA_GREP: 'activation', K8SG_ACTIVATION_REPORT: report },
        timeout: 300_000,
      });
      const loaded = /workbench page loaded ([\d.]+) s/.exec(r.stdout + r.stderr);
      if (!fs.existsSync(report)) {
        console.log(`Extension activation time in code-server: not measured (run ${i + 1}: no report; launcher exit ${r.status}${r.error ? `, ${r.error.message}` : ''})`);
        return;
      }
      const t = JSON.parse(fs.readFileSync(report, 'utf8')) as { activateMs: number; readyMs: number };
      activate.push(t.activateMs);
      ready.push(t.readyMs);
      if (loaded) workbench.push(Number(loaded[1]) * 1000);
    } finally {
      fs.rmSync(workspace, { recursive: true, force: true });
      fs.rmSync(report, { force: true });
      fs.rmSync(path.join(workspace, '..', `${path.basename(workspace)}-shots`), { recursive: true, force: true });
    }
  }
  console.log(
    `Extension activation time in code-server (examples/, median of ${RUNS} fresh editors): activate() returns ${median(activate).toFixed(0)} ms after the bundle loads; ` +
      `the language server is ready ${median(ready).toFixed(0)} ms after the bundle loads` +
      (workbench.length ? ` (workbench page loaded ${(median(workbench) / 1000).toFixed(1)} s after the launcher started)` : ''),
  );
}

main();
