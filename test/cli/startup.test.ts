/**
 * What a scan loads (issue #24 item 1): server/out/main.js hands `scan` to the
 * CLI's bundle (cli.js) and `lsp` to the language server's (lsp.js), so a scan
 * never compiles the language server; a scan that renders nothing and writes
 * JSON loads neither node:child_process nor node:crypto. Observed in the CLI
 * process itself (a preload reports at exit what was loaded).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO } from '../helpers/lsp-client';
import { generateCorpus } from '../../scripts/bench/corpus';

const BIN = path.join(REPO, 'bin/k8s-guardrails.js');
const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n';

interface Loaded {
  files: string[];
  builtins: string[];
  /** Linux: each thread's nice level at exit (the main thread's id is the process id). */
  threads?: { tid: number; nice: number }[];
  pid: number;
  code: number | null;
  stdout: string;
}

/** Runs the CLI with a preload that writes, at exit, the files required and the built-in modules loaded. */
function run(args: string[]): Loaded {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-startup-'));
  try {
    const report = path.join(dir, 'loaded.json');
    const preload = path.join(dir, 'preload.js');
    fs.writeFileSync(
      preload,
      `const fs = require('fs');
const threads = () => { try { return fs.readdirSync('/proc/self/task').map((t) => ({ tid: +t, nice: +fs.readFileSync('/proc/self/task/' + t + '/stat', 'utf8').split(') ')[1].split(' ')[16] })); } catch { return undefined; } };
process.on('exit', () => fs.writeFileSync(${JSON.stringify(report)}, JSON.stringify({ files: Object.keys(require.cache), builtins: process.moduleLoadList, threads: threads(), pid: process.pid })));\n`,
    );
    fs.writeFileSync(path.join(dir, 'pod.yaml'), POD);
    const r = spawnSync(process.execPath, ['-r', preload, BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    const loaded = JSON.parse(fs.readFileSync(report, 'utf8')) as Omit<Loaded, 'code' | 'stdout'>;
    return { ...loaded, code: r.status, stdout: r.stdout };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const bundles = (files: string[]) => files.filter((f) => f.startsWith(path.join(REPO, 'server/out'))).map((f) => path.basename(f)).sort();

test('a JSON scan loads main.js and cli.js only: no language server, no child_process, no crypto', () => {
  const r = run(['scan', 'pod.yaml', '--no-config', '--format', 'json']);
  assert.equal(r.code, 1, 'the pod has findings');
  assert.ok(JSON.parse(r.stdout).findings.length > 0);
  assert.deepEqual(bundles(r.files), ['cli.js', 'main.js']);
  assert.deepEqual(r.builtins.filter((m) => /child_process|crypto/.test(m)), []);
});

test('a SARIF scan loads node:crypto for its fingerprints', () => {
  const r = run(['scan', 'pod.yaml', '--no-config', '--format', 'sarif']);
  assert.equal(r.code, 1);
  assert.match(JSON.parse(r.stdout).runs[0].results[0].partialFingerprints['k8sGuardrails/v1'], /^[0-9a-f]{32}$/);
  assert.ok(r.builtins.some((m) => /crypto/.test(m)));
  assert.deepEqual(bundles(r.files), ['cli.js', 'main.js']);
});

test('--help of the whole CLI comes from cli.js', () => {
  const r = run(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /k8s-guardrails lsp --stdio/);
  assert.deepEqual(bundles(r.files), ['cli.js', 'main.js']);
});

test('on Linux, the CLI runs its helper threads (V8 compiler, garbage collector) 10 nice levels below its main thread', { skip: process.platform !== 'linux' }, () => {
  const r = run(['scan', 'pod.yaml', '--no-config', '--format', 'json']);
  assert.equal(r.code, 1);
  const threads = r.threads!;
  const main = threads.find((t) => t.tid === r.pid)!;
  assert.equal(main.nice, os.getPriority(), 'the main thread keeps the level it was started with');
  const helpers = threads.filter((t) => t.tid !== r.pid);
  assert.ok(helpers.length >= 2, `V8's helper threads: ${JSON.stringify(threads)}`);
  for (const t of helpers) assert.equal(t.nice, Math.min(19, main.nice + 10), `thread ${t.tid}: ${JSON.stringify(threads)}`);
});

test('while a scan reads its inputs the heap may grow 7× (cli/heap.ts); V8 sizes it again by its own rules afterwards', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-heap-'));
  try {
    fs.writeFileSync(path.join(dir, 'all.yaml'), generateCorpus(10_000).single.text);
    // At exit, one more full collection (after the analysis and the report): the factor V8 uses then.
    const preload = path.join(dir, 'gc-at-exit.js');
    fs.writeFileSync(preload, "require('v8').setFlagsFromString('--expose-gc'); const gc = require('vm').runInNewContext('gc'); process.on('exit', () => gc());\n");
    /**
     * The heap growing factor of each full collection, in order, from V8's own trace: after each mark-compact
     * its heap controller prints the new old-generation limit and the factor it applied (`… new limit: N KB (7.0)`).
     * Deterministic, unlike how many full collections a run has (V8's default factor depends on timing).
     */
    const factors = (nodeFlags: string[]) => {
      const r = spawnSync(process.execPath, [...nodeFlags, '--trace-gc-verbose', '-r', preload, BIN, 'scan', 'all.yaml', '--no-config', '--max-file-size', '64MiB', '--format', 'json=report.json'], { cwd: dir, encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 28 });
      assert.equal(r.status, 1, r.stderr);
      assert.ok(JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')).findings.length > 10_000);
      return [...r.stdout.matchAll(/\[HeapController\] Limit: old size: \d+ KB, new limit: \d+ KB \(([\d.]+)\)/g)].map((m) => Number(m[1]));
    };
    const ours = factors([]);
    assert.ok(ours.length >= 2, `full collections traced: ${JSON.stringify(ours)}`);
    // The first full collection comes early in the parse (at about 20 MB of heap): 7×.
    assert.equal(ours[0], 7, JSON.stringify(ours));
    // The one forced at exit, after the reading: V8's own factor (at most 4×).
    assert.ok(ours[ours.length - 1] <= 4, JSON.stringify(ours));
    // A --heap-growing-percent given to node is left alone (0: V8's own sizing throughout).
    const v8Default = factors(['--heap-growing-percent=0']);
    assert.ok(v8Default.length >= 2 && v8Default.every((f) => f <= 4), JSON.stringify(v8Default));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
