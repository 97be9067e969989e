/**
 * `npm run fuzz` — robustness fuzzing of the engine.
 *
 *   --count N      documents to run (default 100000)
 *   --seconds S    stop after S seconds
 *   --seed X       seed (default 1); the run is deterministic given the seed
 *   --start I      first input index (replay one input: --start I --count 1)
 *   --workers W    worker threads (default 1)
 *   --time-limit MS   per-input bound on parse + analyze (default 2000)
 *   --big-rate P   probability of the multi-megabyte inputs (default 0.0005)
 *   --hang MS      a worker silent this long on one input is killed: a hang (default 60000)
 *   --out DIR      where failing inputs go (default .fuzz/failures)
 *
 * Exit status 1 when any invariant failed.
 */
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { REPO } from './corpus';
import { formatSummary, fuzz } from './fuzz';

function arg(name: string): string | undefined {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) return argv[i + 1];
    if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
  }
  return undefined;
}

function num(name: string, def: number | undefined): number | undefined {
  const v = arg(name);
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name}: not a number: ${v}`);
    process.exit(2);
  }
  return n;
}

async function main() {
  const seed = arg('seed') ?? '1';
  const out = path.resolve(arg('out') ?? path.join(REPO, '.fuzz/failures'));
  rmSync(out, { recursive: true, force: true });
  const opts = {
    seed,
    count: num('count', 100000)!,
    start: num('start', 0),
    seconds: num('seconds', undefined),
    workers: num('workers', 1),
    timeLimitMs: num('time-limit', 2000),
    bigRate: num('big-rate', 0.0005),
    hangMs: num('hang', 60000),
    failuresDir: out,
    log: (l: string) => console.log(l),
  };
  console.log(`fuzz: seed ${seed}, up to ${opts.count} documents${opts.seconds !== undefined ? ` or ${opts.seconds} s` : ''}, ${opts.workers} worker(s)`);
  const summary = await fuzz(opts);
  console.log(formatSummary(summary));
  process.exit(summary.failures ? 1 : 0);
}

void main();
