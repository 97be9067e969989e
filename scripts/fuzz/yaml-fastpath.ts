/**
 * Differential fuzzing of the YAML fast path (server/src/engine/yaml/fast.ts, #24) against the js-yaml
 * path: inputs from yaml-grammar.ts, each parsed with the fast path on and off and compared as
 * test/unit/yaml-fastpath.test.ts compares (test/helpers/yaml-compare.ts). A divergence is minimised
 * (lines, then characters, while it still diverges) and written to `--out`.
 *
 *   node out/scripts/fuzz/yaml-fastpath.js --count N --seed S [--start I] [--out DIR]
 *
 *   --count N   inputs to run (default 100000); --seed S (default 1); --start I first index
 *               (replay one input: --start I --count 1); --out DIR (default .fuzz/yaml-fastpath)
 *
 * Prints the share of inputs the fast path accepted and why it gave up on the others. Exit status 1
 * when any input diverged.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO } from './corpus';
import { makeGrammarInput } from './yaml-grammar';
import { compare, diverges, report, tally } from '../../test/helpers/yaml-compare';

function arg(name: string, def: string): string {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : def;
}

/** The smallest text found that still diverges: whole lines dropped, then single characters. */
export function minimise(text: string): string {
  let best = text;
  for (let changed = true; changed; ) {
    changed = false;
    const lines = best.split(/(?<=\n|\r(?!\n))/);
    for (let i = lines.length - 1; i >= 0 && lines.length > 1; i--) {
      const candidate = [...lines.slice(0, i), ...lines.slice(i + 1)].join('');
      if (diverges(candidate)) {
        best = candidate;
        lines.splice(i, 1);
        changed = true;
      }
    }
    for (let i = best.length - 1; i >= 0; i--) {
      const candidate = best.slice(0, i) + best.slice(i + 1);
      if (diverges(candidate)) {
        best = candidate;
        changed = true;
      }
    }
  }
  return best;
}

function main(): void {
  const seed = arg('seed', '1');
  const count = Number(arg('count', '100000'));
  const start = Number(arg('start', '0'));
  const out = path.resolve(arg('out', path.join(REPO, '.fuzz/yaml-fastpath')));
  const t = tally();
  const started = Date.now();
  const seen = new Set<string>();
  let failures = 0;
  for (let i = start; i < start + count; i++) {
    const input = makeGrammarInput(seed, i);
    try {
      compare(input.origin, input.text, t);
    } catch (e) {
      failures++;
      const small = minimise(input.text);
      if (seen.has(small)) continue;
      seen.add(small);
      mkdirSync(out, { recursive: true });
      const file = path.join(out, `seed-${seed}-${i}.yaml`);
      writeFileSync(file, input.text);
      writeFileSync(`${file}.min`, small);
      console.log(`DIVERGENCE seed ${seed} input ${i} (${input.origin}): minimised ${JSON.stringify(small)}\n  ${String((e as Error).message).split('\n')[0]}`);
    }
    if ((i - start + 1) % 20000 === 0) console.log(`${i - start + 1} inputs, ${((Date.now() - started) / 1000).toFixed(0)} s, ${failures} divergent`);
  }
  report(`seed ${seed}, inputs ${start}..${start + count - 1}`, t);
  console.log(`${count} inputs in ${((Date.now() - started) / 1000).toFixed(1)} s: ${failures} divergent (${seen.size} distinct minimised)`);
  process.exit(failures ? 1 : 0);
}

if (require.main === module) main();
