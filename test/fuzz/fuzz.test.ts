/**
 * A short, seeded fuzz run (see scripts/fuzz): 2,000 generated and mutated
 * documents through parse, analyze and every fix, asserting that no
 * invariant fails. `npm run fuzz` runs the long version.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { formatSummary, fuzz } from '../../scripts/fuzz/fuzz';
import { REPO } from '../../scripts/fuzz/corpus';
import { deepEqual, lspLines, rangeProblem } from '../../scripts/fuzz/check';
import { makeInput } from '../../scripts/fuzz/inputs';
import { loadCorpus } from '../../scripts/fuzz/corpus';

test('seeded fuzz run: 2,000 documents, no invariant failures', { timeout: 180_000 }, async () => {
  const summary = await fuzz({
    seed: 'npm-test',
    count: 2000,
    workers: 2,
    // No multi-megabyte inputs here; `npm run fuzz` has them.
    bigRate: 0,
    fullFixes: 2,
    hangMs: 30_000,
    // A bound that catches runaway inputs, not a benchmark: `npm test` may share a loaded machine
    // (`npm run fuzz` keeps its 2 s bound per document).
    timeLimitMs: 20_000,
    failuresDir: path.join(REPO, '.fuzz/test-failures'),
  });
  assert.equal(summary.run, 2000, formatSummary(summary));
  assert.equal(summary.failures, 0, formatSummary(summary));
  // The differential check did run: most valid inputs are compared with js-yaml.
  assert.ok((summary.agreement.equal ?? 0) > 500, formatSummary(summary));
});

test('inputs are deterministic given the seed and index', () => {
  const corpus = loadCorpus();
  for (const i of [0, 1, 17, 999]) {
    const a = makeInput('s', i, corpus, { bigRate: 0.5 });
    const b = makeInput('s', i, corpus, { bigRate: 0.5 });
    assert.equal(a.text, b.text);
    assert.equal(a.origin, b.origin);
  }
  assert.notEqual(makeInput('s', 1, corpus, { bigRate: 0 }).text, makeInput('t', 1, corpus, { bigRate: 0 }).text);
});

test('checker helpers: LSP line lengths, range bounds, alias-safe equality', () => {
  assert.deepEqual(lspLines('a\r\nbc\rd\n'), [1, 2, 1, 0]);
  const lines = lspLines('ab\ncd');
  assert.equal(rangeProblem(lines, { start: { line: 1, character: 2 }, end: { line: 1, character: 2 } }), undefined);
  assert.match(rangeProblem(lines, { start: { line: 1, character: 3 }, end: { line: 1, character: 3 } })!, /character 3/);
  assert.match(rangeProblem(lines, { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } })!, /line 2/);
  assert.match(rangeProblem(lines, { start: { line: 1, character: 1 }, end: { line: 0, character: 0 } })!, /start after end/);
  // A shared structure 2^40 paths wide compares in linear time.
  let a: unknown = ['x'];
  let b: unknown = ['x'];
  for (let i = 0; i < 40; i++) {
    a = [a, a];
    b = [b, b];
  }
  assert.ok(deepEqual(a, b));
  assert.ok(deepEqual(NaN, NaN));
  assert.ok(!deepEqual({ a: 1 }, { a: 2 }));
});
