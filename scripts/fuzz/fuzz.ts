/**
 * The fuzz driver: runs inputs [start, start+count) of a seed in worker
 * threads (bounded by count and by time), with a watchdog that kills a
 * worker stuck on one input (a hang) and carries on after it. Failing
 * inputs are regenerated from (seed, index) and written to `failuresDir`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadCorpus } from './corpus';
import { makeInput } from './inputs';
import type { Failure } from './check';
import type { WorkerData, WorkerMessage } from './worker';

export interface FuzzOptions {
  seed: string;
  count: number;
  start?: number;
  /** Stop after this many seconds even if `count` is not reached. */
  seconds?: number;
  workers?: number;
  /** Per-input bound on parse + analyze (and on one fix provider call). */
  timeLimitMs?: number;
  /** A worker silent this long on one input is killed and the input recorded as a hang. */
  hangMs?: number;
  bigRate?: number;
  fixAllRate?: number;
  /** Findings per input whose full fix list is checked (default 4). */
  fullFixes?: number;
  /** Findings per input whose "fix all" fixes are checked (default all). */
  fixAllOnlyFixes?: number;
  /** Where to write failing inputs (none when undefined). */
  failuresDir?: string;
  /** Inputs saved per failure signature. */
  savePerSignature?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface Signature {
  invariant: string;
  where?: string;
  /** Rules / fixes it was seen in (first few). */
  wheres: string[];
  message: string;
  count: number;
  indexes: number[];
  origin: string;
  stack?: string;
}

export interface FuzzSummary {
  seed: string;
  run: number;
  elapsedMs: number;
  bytes: number;
  findings: number;
  fixes: number;
  failures: number;
  byInvariant: Record<string, number>;
  signatures: Signature[];
  agreement: Record<string, number>;
  slowest: { index: number; ms: number; origin: string }[];
  saved: string[];
}

/** Same invariant, message and throwing frame = same bug (whichever rule hit it); without a stack, `where` tells them apart. */
function signatureOf(f: Failure): string {
  const frame = f.stack?.split('\n').find((l) => l.includes('/server/src/'))?.trim() ?? '';
  const message = f.message.replace(/^rule [\w-]+: /, '').replace(/[0-9]+/g, 'N').slice(0, 120);
  // Fix titles name rules, resources and containers: keep only the kind of fix.
  const where = (f.where ?? '')
    .replace(/^[\w-]+: /, '')
    .replace(/^Ignore .*/, 'Ignore (annotation)')
    .replace(/^Harden .*/, 'Harden')
    .replace(/ (for|on|in|of) .*$/, '')
    .replace(/"[^"]*"/g, '""');
  return [f.invariant, frame ? '' : where, message, frame.replace(/:[0-9]+:[0-9]+\)?$/, '')].join(' | ');
}

export async function fuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const seed = options.seed;
  const start = options.start ?? 0;
  const end = start + options.count;
  const workers = Math.max(1, options.workers ?? 1);
  const hangMs = options.hangMs ?? 60000;
  const t0 = Date.now();
  const deadline = options.seconds !== undefined ? t0 + options.seconds * 1000 : Number.MAX_SAFE_INTEGER;
  const check = {
    timeLimitMs: options.timeLimitMs ?? 2000,
    fixAllRate: options.fixAllRate ?? 0.05,
    seed,
    fullFixes: options.fullFixes,
    fixAllOnlyFixes: options.fixAllOnlyFixes,
  };
  const bigRate = options.bigRate ?? 0.0005;
  const log = options.log ?? (() => undefined);

  const summary: FuzzSummary = {
    seed,
    run: 0,
    elapsedMs: 0,
    bytes: 0,
    findings: 0,
    fixes: 0,
    failures: 0,
    byInvariant: {},
    signatures: [],
    agreement: {},
    slowest: [],
    saved: [],
  };
  const sigs = new Map<string, Signature>();
  const failing = new Map<number, { origin: string; failures: Failure[] }>();

  const record = (index: number, origin: string, failures: Failure[]) => {
    if (!failures.length) return;
    failing.set(index, { origin, failures });
    for (const f of failures) {
      summary.failures++;
      summary.byInvariant[f.invariant] = (summary.byInvariant[f.invariant] ?? 0) + 1;
      const key = signatureOf(f);
      let s = sigs.get(key);
      if (!s) sigs.set(key, (s = { invariant: f.invariant, where: f.where, wheres: [], message: f.message, count: 0, indexes: [], origin, stack: f.stack }));
      s.count++;
      if (f.where && s.wheres.length < 8 && !s.wheres.includes(f.where)) s.wheres.push(f.where);
      if (s.indexes.length < (options.savePerSignature ?? 5) && !s.indexes.includes(index)) s.indexes.push(index);
    }
  };

  let lastLog = Date.now();
  const runWorker = (first: number, step: number): Promise<void> =>
    new Promise((resolve) => {
      if (first >= end || Date.now() > deadline) return resolve();
      const data: WorkerData = { seed, first, end, step, deadline, check, bigRate };
      const w = new Worker(path.join(__dirname, 'worker.js'), { workerData: data, resourceLimits: { maxOldGenerationSizeMb: 4096 } });
      let current = -1;
      let since = Date.now();
      let settled = false;
      const finish = (next?: number) => {
        if (settled) return;
        settled = true;
        clearInterval(timer);
        void w.terminate();
        if (next === undefined) resolve();
        else runWorker(next, step).then(resolve);
      };
      const timer = setInterval(() => {
        if (current >= 0 && Date.now() - since > hangMs) {
          const origin = makeInput(seed, current, loadCorpus(), { bigRate }).origin;
          summary.run++;
          record(current, origin, [{ invariant: 'hang', message: `no result after ${hangMs} ms (worker killed)` }]);
          log(`input ${current} hung (${origin}); restarting the worker after it`);
          finish(current + step);
        }
      }, 250);
      w.on('message', (m: WorkerMessage) => {
        if (m.type === 'begin') {
          current = m.index;
          since = Date.now();
        } else if (m.type === 'done') {
          current = -1;
          summary.run++;
          summary.bytes += m.bytes;
          summary.findings += m.findings;
          summary.fixes += m.fixes;
          summary.agreement[m.agreement] = (summary.agreement[m.agreement] ?? 0) + 1;
          summary.slowest.push({ index: m.index, ms: Math.round(m.engineMs), origin: m.origin });
          if (summary.slowest.length > 50) summary.slowest = summary.slowest.sort((a, b) => b.ms - a.ms).slice(0, 10);
          record(m.index, m.origin, m.failures);
          if (Date.now() - lastLog > 10000) {
            lastLog = Date.now();
            log(`${summary.run} inputs, ${summary.failures} failures, ${Math.round((Date.now() - t0) / 1000)} s`);
          }
        } else if (m.type === 'end') finish();
      });
      w.on('error', (e) => {
        // A crash of the worker itself (e.g. out of memory, stack overflow outside a try).
        if (current >= 0) {
          const origin = makeInput(seed, current, loadCorpus(), { bigRate }).origin;
          summary.run++;
          record(current, origin, [{ invariant: 'crash', message: String(e?.message ?? e), stack: e?.stack }]);
          log(`input ${current} crashed the worker: ${e?.message}`);
          finish(current + step);
        } else finish();
      });
      w.on('exit', () => {
        if (!settled) {
          if (current >= 0) {
            const origin = makeInput(seed, current, loadCorpus(), { bigRate }).origin;
            summary.run++;
            record(current, origin, [{ invariant: 'crash', message: 'worker exited mid-input' }]);
            finish(current + step);
          } else finish();
        }
      });
    });

  await Promise.all(Array.from({ length: Math.min(workers, options.count) }, (_, k) => runWorker(start + k, workers)));

  summary.elapsedMs = Date.now() - t0;
  summary.slowest = summary.slowest.sort((a, b) => b.ms - a.ms).slice(0, 10);
  summary.signatures = [...sigs.values()].sort((a, b) => b.count - a.count);

  if (options.failuresDir && sigs.size) {
    const corpus = loadCorpus();
    const wanted = new Set(summary.signatures.flatMap((s) => s.indexes));
    for (const index of [...wanted].sort((a, b) => a - b)) {
      const f = failing.get(index)!;
      const input = makeInput(seed, index, corpus, { bigRate });
      const inv = [...new Set(f.failures.map((x) => x.invariant))].join('+');
      const dir = path.join(options.failuresDir, inv);
      mkdirSync(dir, { recursive: true });
      const base = path.join(dir, `${seed}-${index}`);
      writeFileSync(`${base}.yaml`, input.text);
      if (input.bytes) writeFileSync(`${base}.bin`, input.bytes);
      writeFileSync(
        `${base}.json`,
        JSON.stringify({ seed, index, origin: input.origin, reproduce: `npm run fuzz -- --seed ${seed} --start ${index} --count 1`, failures: f.failures }, null, 2),
      );
      summary.saved.push(`${base}.yaml`);
    }
  }
  return summary;
}

export function formatSummary(s: FuzzSummary): string {
  const out: string[] = [];
  out.push(`seed ${s.seed}: ${s.run} documents in ${(s.elapsedMs / 1000).toFixed(1)} s (${(s.bytes / 1e6).toFixed(1)} MB, ${s.findings} findings, ${s.fixes} fixes checked)`);
  const agree = Object.entries(s.agreement)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  out.push(`parser agreement with js-yaml: ${agree}`);
  out.push(`slowest parse+analyze: ${s.slowest.slice(0, 5).map((x) => `#${x.index} ${x.ms} ms ${x.origin}`).join('; ')}`);
  if (!s.failures) out.push('failures: none');
  else {
    out.push(`failures: ${s.failures} — ${Object.entries(s.byInvariant).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    for (const g of s.signatures) {
      out.push(`  [${g.invariant}] ×${g.count}: ${g.message}`);
      if (g.wheres.length) out.push(`     in ${g.wheres.join('; ')}`);
      out.push(`     e.g. input ${g.indexes.join(', ')} (${g.origin})`);
      const frame = g.stack?.split('\n').slice(1, 3).map((l) => l.trim()).join(' ← ');
      if (frame) out.push(`     at ${frame}`);
    }
    if (s.saved.length) out.push(`inputs written: ${s.saved.length} under ${path.dirname(path.dirname(s.saved[0]))}`);
  }
  return out.join('\n');
}
