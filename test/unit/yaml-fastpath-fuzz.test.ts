/**
 * The YAML fast path (server/src/engine/yaml/fast.ts, #24) against the js-yaml path on inputs aimed at
 * its subset and that subset's edges (scripts/fuzz/yaml-grammar.ts: generated block documents with
 * tricky scalars, indentation and line ends, and real documents with small edits), with a fixed seed.
 * Each input is compared as test/unit/yaml-fastpath.test.ts compares (test/helpers/yaml-compare.ts).
 * The share of documents the fast path takes is asserted for both kinds of input, so the test cannot
 * pass by the fast path giving up. Long runs: `node out/scripts/fuzz/yaml-fastpath.js --count N --seed S`.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { makeGrammarInput } from '../../scripts/fuzz/yaml-grammar';
import { compare, report, tally, variants } from '../helpers/yaml-compare';

const SEED = 'unit';
const COUNT = 6000;

test(`fast path: ${COUNT} generated, line-soup and mutated inputs (seed "${SEED}") read as js-yaml reads them`, () => {
  const tallies = { grammar: tally(), lines: tally(), mutate: tally() };
  for (let i = 0; i < COUNT; i++) {
    const input = makeGrammarInput(SEED, i);
    const t = tallies[input.origin.startsWith('mutate') ? 'mutate' : (input.origin as 'grammar' | 'lines')];
    const name = `seed ${SEED} input ${i} (${input.origin}; replay: node out/scripts/fuzz/yaml-fastpath.js --seed ${SEED} --start ${i} --count 1)`;
    compare(name, input.text, t);
    if (i % 10 === 0) for (const [suffix, v] of variants(input.text).slice(1)) compare(`${name}${suffix}`, v, t);
  }
  // Measured: about 55 % of the generated, 40 % of the mutated and 18 % of the line-soup documents are on the fast path.
  assert.ok(tallies.grammar.hits >= 0.4 * tallies.grammar.docs, report('generated', tallies.grammar));
  assert.ok(tallies.mutate.hits >= 0.3 * tallies.mutate.docs, report('mutated', tallies.mutate));
  assert.ok(tallies.lines.hits >= 0.1 * tallies.lines.docs, report('line soups', tallies.lines));
});
