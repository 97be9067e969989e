/**
 * The YAML fast path (server/src/engine/yaml/fast.ts, #24) must be observably identical to the js-yaml
 * path it short-cuts: every document is parsed with it and without it (`setFastPath`), and the value
 * (types and key order included), error, emptiness, every span record, the values kept aside (`others`),
 * the root, the tree, the duplicate keys and the arena's use must be the same. Compared on every YAML
 * file of the repository (real-world corpus, examples, fixtures), the benchmark corpus, seeded fuzz
 * input, each of them also with CRLF and CR line breaks, and hand-written edge cases. The hit rate is
 * asserted too, so the test cannot pass by the fast path always giving up.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadCorpus, REPO } from '../../scripts/fuzz/corpus';
import { makeInput } from '../../scripts/fuzz/inputs';
import { generateCorpus } from '../../scripts/bench/corpus';
import { compare, report, tally, variants, walkYaml } from '../helpers/yaml-compare';

test('fast path: the benchmark corpus reads as js-yaml reads it, ≥ 95 % of documents on the fast path', () => {
  const t = tally();
  const corpus = generateCorpus(2000);
  for (const [suffix, text] of variants(corpus.single.text)) compare(`bench corpus${suffix}`, text, t);
  report('bench corpus (LF, CRLF, CR)', t);
  assert.ok(t.hits >= 0.95 * t.docs, report('bench corpus', t));
});

test('fast path: every YAML file of the repository (real-world corpus, examples, fixtures) reads as js-yaml reads it', () => {
  for (const root of ['test/realworld', 'examples', 'test/fixtures']) {
    const files = walkYaml(path.join(REPO, root));
    assert.ok(files.length > 5, `${root}: ${files.length} files`);
    const t = tally();
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const [suffix, v] of variants(text)) compare(`${path.relative(REPO, f)}${suffix}`, v, t);
    }
    report(root, t);
    // Most real manifests are in the subset: a fast path that gave up on them would be no fast path.
    if (root !== 'test/fixtures') assert.ok(t.hits >= 0.6 * t.docs, report(root, t));
  }
});

test('fast path: 3,000 seeded fuzz inputs read as js-yaml reads them', () => {
  const corpus = loadCorpus();
  const t = tally();
  for (let i = 0; i < 3000; i++) {
    const input = makeInput('fastpath', i, corpus, { bigRate: 0 });
    compare(input.origin, input.text, t);
    if (i % 10 === 0) for (const [suffix, v] of variants(input.text).slice(1)) compare(`${input.origin}${suffix}`, v, t);
  }
  report('fuzz', t);
  assert.ok(t.hits > 300, report('fuzz', t));
});

/** [name, text, whether the fast path must take it]. */
const CASES: [string, string, boolean][] = [
  ['empty values', 'a:\nb:   \nc: # comment\nd:\n  # comment\ne:', true],
  ['empty quoted strings', 'a: ""\nb: \'\'\nc: "" # c\n', true],
  ['items holding maps', 'items:\n- name: a\n  image: x\n-   name: b\n    image: y\n- \n  name: c\n', true],
  ['nested sequences', '- - a\n  - b\n- - - c\n    - d\n', true],
  ['comments everywhere', '# top\n\n---   # start\n# before\na: 1 # one\n  # indented\n# col 0\nb: # empty\n  - x # item\n  # between\n  - y\n# end\n', true],
  ['trailing spaces', 'a: b   \nc:   \nd: "x"   \ne:\n  - f   \n', true],
  ['key:value is not a pair', 'a: key:value\nb: http://x:8080/p\n', true],
  ['key:value at the root', 'key:value\n', true],
  ['comment or hash', 'a: x #b\nc: x#d\ne: "x" #f\n', true],
  ['colons in plain scalars', 'image: nginx:1.2\nurl: http://x\nt: 12:30:00\nz: a::b\n', true],
  ['numbers', 'a: 0x1F\nb: 1e3\nc: 010\nd: .5\ne: +1\nf: 1_000\ng: -0\nh: 0o17\ni: 1.\nj: 12345678901234567890\nk: .inf\nl: -.Inf\nm: .NaN\nn: 0b101\no: 1:20\np: 0.1e-5\n', true],
  ['nulls and booleans', 'a: ~\nb: null\nc: Null\nd: yes\ne: on\nf: No\ng: OFF\nh: y\ni: n\nj: true\nk: False\nl: nul\n', true],
  ['timestamps', 'a: 2001-12-14\nb: 2001-12-14t21:59:43.10-05:00\nc: 2001-1-1\n', true],
  ['quoted numbers', 'a: "1"\nb: \'0x1F\'\nc: "yes"\nd: \'~\'\n', true],
  ['typed keys', '1: a\ntrue: b\nnull: c\n0x10: d\n1.5: e\n-0: f\n', true],
  ['only comments', '# just\n# comments\n', false],
  ['only a document start', '---\n# nothing\n', false],
  ['no final newline', 'a: b\nc:\n  - d', true],
  ['no final newline after an empty value', 'a: b\nc:', true],
  ['sequence under a key, indented or not', 'a:\n- 1\n- 2\nb:\n  - 3\n  - 4\nc:\n    - 5\n', true],
  ['keys with spaces', 'a key: v\n"quoted key": w\n\'single key\': x\nkey with  spaces : y\n', true],
  ['unicode', 'name: café\nemoji: "😀"\nplain: 😀 ok\nkey é: ü\n中文: 值\n', true],
  ['byte order mark', '\ufeffa: b\n', false],
  ['document start', '---\na: b\n', true],
  ['document start running into text', '---a\n', false],
  ['document start with a comment', '--- # c\na: b\n', true],
  ['escapes', 'a: "x\\ty\\n\\"z\\\\ \\/"\nb: \'it\'\'s\'\nc: "\\x41"\n', false],
  ['simple escapes', 'a: "x\\ty\\n\\"z\\\\ \\/ \\0 \\e \\N \\_ \\L \\P"\nb: \'it\'\'s\'\n', true],
  ['flow sequences', 'a: []\nb: {}\nc: [x, "y", \'z\', 1, true, ~]\nd: [ a , b ]\ne: [a,]\nf:\n- []\n- {}\n- [p, q]\n', true],
  ['flow mapping', 'a: {b: c}\n', false],
  ['flow sequence of flow collections', 'a: [[b]]\n', false],
  ['block scalars', 'a: |\n  x\n\n  y\nb: >-\n  p\n  q\n\n  r\nc: |+\n  keep\n\nd: >\n  folded\n    more\n  back\ne: |-\n  strip\n\n\nf: | # c\n  x\ng: |\nh: x\n', true],
  ['block scalar at the end', 'a: |\n  x\n  y', true],
  ['block scalar with trailing blank lines and spaces', 'a: |+\n  x  \n    \n\n', true],
  ['block scalar with a more indented first line (js-yaml: bad indentation)', 'a: |\n      \n  x\nb: y\n', false],
  ['block scalar with a more indented blank line', 'a: |\n  x\n      \n  y\nb: y\n', true],
  ['block scalar then a comment', 'a: >\n  x\n# c\nb: |\n  y\n  # not a comment\n', true],
  ['block scalar with indentation indicator', 'a: |2\n   x\n', false],
  ['block scalar as an item', '- |\n  x\n', false],
  ['anchors and aliases', 'a: &x 1\nb: *x\n', false],
  ['tags', 'a: !!str 1\n', false],
  ['merge key', 'a: &m {x: 1}\nb:\n  <<: *m\n', false],
  ['explicit key', '? a\n: b\n', false],
  ['multi-line plain', 'a: b\n  c\n', false],
  ['multi-line quoted', 'a: "b\n  c"\n', false],
  ['tab in indentation', 'a:\n\t- b\n', false],
  ['tab in a value', 'a: b\tc\n', false],
  ['tab in quoted values', 'a: "b\tc"\nd: \'e\tf\'\n', true],
  ['duplicate keys', 'a: 1\na: 2\n', false],
  ['__proto__ key', '__proto__: 1\n', false],
  ['keys named like Object.prototype members', 'constructor: 1\ntoString: 2\nhasOwnProperty: 3\n', true],
  ['many keys', `${Array.from({ length: 60 }, (_, i) => `key${i}: ${i}`).join('\n')}\n`, true],
  ['a duplicate among many keys', `${Array.from({ length: 60 }, (_, i) => `key${i}: ${i}`).join('\n')}\nkey17: again\n`, false],
  ['directive', '%YAML 1.2\n---\na: b\n', false],
  ['document end', 'a: b\n...\n', false],
  ['empty sequence item', 'a:\n  -\n  - b\n', false],
  ['bad indentation', 'a:\n  b: 1\n c: 2\n', false],
  ['more content after a value', 'a: b: c\n', false],
  ['scalar document', 'just text\n', true],
  ['sequence document', '- a\n- b: c\n  d: e\n- "f"\n- 1\n', true],
  ['scalar item with a hash key', '- a #b: c\n', true],
  ['value on the next line', 'a:\n  b\nc:\n  "d"\ne:\n  [f]\n', true],
  ['indented document', '  a: b\n', false],
  ['deep nesting', `${Array.from({ length: 80 }, (_, i) => `${' '.repeat(i * 2)}k${i}:`).join('\n')} v\n`, false],
  ['control character', 'a: b\u0001c\n', false],
  ['null byte in a comment', 'a: b # \0\n', false],
  ['lone surrogate', 'a: \ud800x\n', false],
  ['non-breaking space', 'a: b\u00a0c\n', true],
  // Boundaries found by mutating fast.ts and running the grammar fuzzer (scripts/fuzz/yaml-fastpath.ts):
  // a slip in the block scalar's span trim or indentation, or in the C1 check, passes every case above.
  ['block scalars ending in tabs (the span is trimmed of them too)', 'a: |\n  x\t\nb: >\n \t\nc: |-\n  y \t \n', true],
  ['block scalars holding only a comment-like line', 'k: |\n #\nv:\n  p: >\n   #\n', true],
  ['keys typed as numbers are their String()', '.inf: a\n01: b\n-.5: c\n0o17: d\n', true],
  ['empty item followed by a node in the dash column', 'a:\n  -\n  b\n', false],
  ['C1 controls and separators', 'a: x\u0085\nb: "\u0085"\nc: b\u2028c\nd: \ufeffx\n', false],
  ['quoted C1 control and separators', 'b: "\u0085"\nc: b\u2028c\nd: \ufeffx\ne: \'\u2029\'\n', true],
];

test('fast path: hand-written edge cases read as js-yaml reads them, the subset on the fast path', () => {
  for (const [name, text, hit] of CASES) {
    for (const [suffix, v] of variants(text)) {
      const t = tally();
      compare(`${name}${suffix}`, v, t);
      assert.equal(t.hits === t.docs, hit, `${name}${suffix}: fast path ${t.hits === t.docs ? 'taken' : `not taken (${[...t.reasons.keys()].join(', ')})`}`);
    }
  }
});
