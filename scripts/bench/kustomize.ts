/**
 * `npm run bench`, Kustomize part: what rendering costs, and that plain-file
 * scans do not pay for it.
 *
 * 1. The CLI on a plain 1,000-resource split corpus (no kustomization
 *    anywhere) with Kustomize discovery on (the default) and off
 *    (`--no-kustomize`): the ratio should be ≈ 1.0.
 * 2. The CLI on N overlays of one base (strategic-merge patch, inline JSON
 *    6902 patch, namePrefix, labels): wall time per overlay, split into the
 *    `kubectl kustomize` render and everything else.
 *
 * Environment: BENCH_OVERLAYS (default 10).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateCorpus } from './corpus';
import { discover, renderAll } from '../../server/src/kustomize';

const REPO = path.join(__dirname, '../../..');
const BIN = path.join(REPO, 'bin/k8s-guardrails.js');
const OVERLAYS = Number(process.env.BENCH_OVERLAYS ?? 10);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Wall time of one CLI scan. */
function timeOnce(cwd: string, args: string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, [BIN, 'scan', ...args, '--format', 'json', '--fail-on', 'none'], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`scan failed (${r.status}): ${r.stderr}`);
  return performance.now() - t;
}

/** Median wall time of `runs` CLI scans after one warm-up run (which warms the file cache). */
function timeCli(cwd: string, args: string[], runs: number): number {
  timeOnce(cwd, args);
  return median(Array.from({ length: runs }, () => timeOnce(cwd, args)));
}

function writePlainCorpus(dir: string): number {
  const corpus = generateCorpus(1000);
  for (const f of corpus.split) {
    const p = path.join(dir, f.name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, f.text);
  }
  return corpus.split.length;
}

function writeOverlays(dir: string, n: number): void {
  const example = path.join(REPO, 'examples/kustomize');
  fs.cpSync(path.join(example, 'base'), path.join(dir, 'base'), { recursive: true });
  for (let i = 0; i < n; i++) {
    const o = path.join(dir, 'overlays', `env-${i}`);
    fs.mkdirSync(o, { recursive: true });
    fs.copyFileSync(path.join(example, 'overlays/staging/debug-sidecar.yaml'), path.join(o, 'debug-sidecar.yaml'));
    fs.writeFileSync(
      path.join(o, 'kustomization.yaml'),
      `namespace: env-${i}\nnamePrefix: e${i}-\nresources:\n  - ../../base\nlabels:\n  - pairs: {tier: frontend}\n    includeTemplates: true\npatches:\n  - path: debug-sidecar.yaml\n  - target: {kind: Deployment, name: web}\n    patch: |-\n      - op: replace\n        path: /spec/replicas\n        value: ${i + 1}\n`,
    );
  }
}

async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-guardrails-bench-kustomize-'));
  try {
    const plain = path.join(root, 'plain');
    const files = writePlainCorpus(plain);
    const on = timeCli(plain, ['.'], 5);
    const off = timeCli(plain, ['.', '--no-kustomize'], 5);
    console.log(`\nKustomize overhead on plain files (1,000 resources in ${files} files, no kustomization; CLI wall time, median of 5):`);
    console.log(`  discovery on ${on.toFixed(0)} ms, --no-kustomize ${off.toFixed(0)} ms: ${(on / off).toFixed(2)}×`);

    const ov = path.join(root, 'overlays');
    writeOverlays(ov, OVERLAYS);
    const layout = discover(fs.readdirSync(path.join(ov, 'overlays')).map((d) => path.join(ov, 'overlays', d)));
    const t0 = performance.now();
    const renders = await renderAll(layout, { concurrency: 1 });
    const renderMs = performance.now() - t0;
    if (renders.unavailable) {
      console.log(`  rendering: skipped (${renders.unavailable})`);
      return;
    }
    const total = timeCli(ov, ['overlays'], 3);
    const perRender = [...renders.results.values()].map((r) => r.ms);
    console.log(`Kustomize rendering (${OVERLAYS} overlays of one base; kubectl kustomize, one at a time):`);
    console.log(`  render per overlay: median ${median(perRender).toFixed(0)} ms (min ${Math.min(...perRender).toFixed(0)}, max ${Math.max(...perRender).toFixed(0)}), ${renderMs.toFixed(0)} ms for all`);
    console.log(`  CLI scan of all overlays (2 renders in parallel, analysis, mapping): ${total.toFixed(0)} ms = ${(total / OVERLAYS).toFixed(0)} ms per overlay`);

    // The render cache: 40 kustomizations scanned with --cache-dir, cold then unchanged.
    const many = path.join(root, 'many');
    writeOverlays(many, 40);
    const cacheDir = path.join(root, 'render-cache');
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < 3; i++) {
      fs.rmSync(cacheDir, { recursive: true, force: true });
      cold.push(timeOnce(many, ['overlays', '--cache-dir', cacheDir]));
      warm.push(timeOnce(many, ['overlays', '--cache-dir', cacheDir]));
    }
    const ratio = median(warm) / median(cold);
    console.log(`Render cache (40 kustomizations, --cache-dir; median of 3): first run ${median(cold).toFixed(0)} ms, unchanged re-scan ${median(warm).toFixed(0)} ms = ${(ratio * 100).toFixed(1)} % of the first (target ≤ 10 %)${ratio <= 0.1 ? '' : '  ← above target'}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

void main();
