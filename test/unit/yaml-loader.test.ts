/**
 * The vendored js-yaml loader (server/src/vendor/js-yaml/loader.ts) must
 * read exactly what js-yaml reads: same documents, same errors (reason and
 * position), and the same listener events (which our span recording relies
 * on). Compared on every YAML file of the repository, on YAML built to reach
 * the changed code paths (anchors and merge keys on block and flow
 * collections, explicit keys, tags, duplicate keys), and on seeded fuzz input.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as jsyaml from 'js-yaml';
import { loadAll as forkLoadAll } from '../../server/src/vendor/js-yaml/loader';
import { KUBERNETES_SCHEMA, staysString } from '../../server/src/engine/yaml/parse';
import { loadCorpus } from '../../scripts/fuzz/corpus';
import { makeInput } from '../../scripts/fuzz/inputs';
import { canon } from '../helpers/yaml-compare';

type Load = (text: string, it: undefined, opts: jsyaml.LoadOptions) => unknown;

interface Outcome {
  docs?: string;
  error?: { reason: string; position: number; line: number; column: number };
  events: string[];
}


function run(load: Load, text: string, opts: jsyaml.LoadOptions): Outcome {
  const events: string[] = [];
  const listener = (event: string, state: any) => {
    const r = state.result;
    events.push(`${event} ${state.position} ${state.line} ${state.kind} ${state.tag} ${r === null ? 'null' : Array.isArray(r) ? 'seq' : typeof r}`);
  };
  try {
    return { docs: canon(load(text, undefined, { ...opts, listener } as jsyaml.LoadOptions)), events };
  } catch (e) {
    const ex = e as jsyaml.YAMLException;
    assert.ok(ex instanceof jsyaml.YAMLException, `not a YAMLException: ${String(e)}`);
    const mark = ex.mark as unknown as { position: number; line: number; column: number };
    return { error: { reason: ex.reason, position: mark.position, line: mark.line, column: mark.column }, events };
  }
}

/**
 * KUBERNETES_SCHEMA as written plainly: js-yaml's default schema with YAML 1.1 booleans. The engine's
 * schema adds fast pre-checks to the boolean, float and timestamp types, which must not change a result.
 */
const YAML11_BOOLS = ['true', 'True', 'TRUE', 'y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'false', 'False', 'FALSE', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'];
const PLAIN_KUBERNETES_SCHEMA = jsyaml.DEFAULT_SCHEMA.extend({
  implicit: [
    new jsyaml.Type('tag:yaml.org,2002:bool', {
      kind: 'scalar',
      resolve: (data: string) => YAML11_BOOLS.includes(data),
      construct: (data: string) => YAML11_BOOLS.indexOf(data) < 11,
      predicate: (v: unknown) => typeof v === 'boolean',
    }),
  ],
});

/** [label, the engine's options (vendored loader), the reference options (js-yaml)]. */
const OPTIONS: [string, jsyaml.LoadOptions, jsyaml.LoadOptions][] = [
  // plainString: the engine's test that a plain scalar stays a string (no implicit type tried), which must not change a result.
  ['as the engine parses (json, Kubernetes schema)', { json: true, schema: KUBERNETES_SCHEMA, maxDepth: 200, plainString: staysString } as jsyaml.LoadOptions, { json: true, schema: PLAIN_KUBERNETES_SCHEMA, maxDepth: 200 } as jsyaml.LoadOptions],
  ['js-yaml defaults (duplicate keys are errors)', {}, {}],
];

function same(name: string, text: string): void {
  for (const [label, opts, reference] of OPTIONS) {
    const want = run(jsyaml.loadAll as Load, text, reference);
    const got = run(forkLoadAll as Load, text, opts);
    assert.deepStrictEqual(got, want, `${name}, ${label}:\n${JSON.stringify(text).slice(0, 400)}`);
  }
}

const CASES: [string, string][] = [
  ['anchor on a block mapping, merged', 'base: &b\n  a: 1\n  b: 2\nx:\n  <<: *b\n  b: 3\n'],
  ['merge then a duplicate of a merged key', 'b: &b {a: 1}\nx:\n  <<: *b\n  a: 2\n  a: 3\n'],
  ['merge of a list of mappings', 'p: &p {a: 1}\nq: &q {b: 2}\nx:\n  <<: [*p, *q]\n  c: 3\n'],
  ['merge in a flow mapping', 'p: &p {a: 1}\nx: {<<: *p, a: 2}\ny: {a: 1, <<: *p}\n'],
  ['merge in flow sequence pairs', 'p: &p {a: 1}\nx: [<<: *p, a: 2, b: 3]\n'],
  ['merge of a non-mapping', 'x:\n  <<: 1\n'],
  ['anchor on a block sequence, aliased', 'a: &s\n  - 1\n  - 2\nb: *s\n'],
  ['anchored empty-looking nodes', 'a: &x\nb: *x\nc: &y []\nd: &z {}\n'],
  ['self-referencing alias', 'a: &a\n  b: *a\n'],
  ['explicit keys', '? a\n: 1\n? [b, c]\n: 2\n? d\n'],
  ['explicit key without value at the end', 'x:\n  ? only\n'],
  ['tags and anchors before collections', 'a: !!map\n  b: 1\nc: &m !!seq\n  - 1\nd: !!str &s 3\ne: &t !!map\n  !!str k: v\n'],
  ['tag on a new line before a key', '!!map\n!!str key: value\n'],
  ['duplicate keys', 'a: 1\na: 2\n'],
  ['duplicate keys in flow', '{a: 1, a: 2}\n'],
  ['tab before a collection', 'a:\n\t- 1\n'],
  ['sequence at the parent indentation', 'a:\n- 1\n- 2\nb: 3\n'],
  ['null sequence items', 'a:\n  -\n  - \n  - x\n'],
  ['implicit key that is not a key', '- a\n- b: c\n- [d]\n- {e: f}\n'],
  ['multiline key', 'a\nb: c\n'],
  ['compact nested sequences', '- - a\n  - b\n- - c\n'],
  ['deep nesting', '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n'],
  ['documents and directives', '%YAML 1.2\n---\na: 1\n...\n--- &x\nb: *x\n---\n- c\n'],
  ['block scalars', 'a: |\n  x\n\n  y\nb: >-\n  p\n  q\nc: |+\n  keep\n\n'],
  ['bad indentation', 'a:\n  b: 1\n c: 2\n'],
  ['unterminated flow', 'a: [1, 2\n'],
  ['null byte', 'a: "\u0000"\n'],
  [
    'plain scalars near the implicit types',
    'a: [nul, null, Null, NULL, nulls, Nullable, t, T, tru, true, TRUE, trues, truthy, f, F, false, FALSE, falsey, y, Y, yes, YES, yess, yesterday, n, N, no, NO, nos, none, o, O, on, On, ON, off, OFF, offs, offset, inf, Inf, nan, NaN, e1, E5, x, Z, abcdef, _1, $x, /p]\nyes: 1\nNo: 2\non: 3\nnull: 4\nname: n\n',
  ],
  ['implicit types', 'a: [1.5, -1e3, .inf, -.Inf, .NaN, +1, 0x1f, 0o17, 1_0, 2001-12-14, 2001-12-14t21:59:43.10-05:00, 2001-12-14 21:59:43.10 -5, 2001-1-1, yes, No, ON, y, n, o, tru, ~, null, "yes", <<, -, ., 1., 12e03]\n'],
];

test('vendored js-yaml loader: hand-written cases read as js-yaml reads them', () => {
  for (const [name, text] of CASES) same(name, text);
});

test('vendored js-yaml loader: every YAML file of the repository reads as js-yaml reads it', () => {
  const corpus = loadCorpus();
  assert.ok(corpus.length > 100, `expected the fixtures and examples, got ${corpus.length} files`);
  for (const seed of corpus) same(seed.name, seed.text);
});

test('vendored js-yaml loader: 3,000 seeded fuzz inputs read as js-yaml reads them', () => {
  const corpus = loadCorpus();
  let errors = 0;
  for (let i = 0; i < 3000; i++) {
    const input = makeInput('loader', i, corpus, { bigRate: 0 });
    same(input.origin, input.text);
    if (run(jsyaml.loadAll as Load, input.text, OPTIONS[0][1]).error) errors++;
  }
  // Both outcomes are exercised: documents that load and documents that fail.
  assert.ok(errors > 300 && errors < 2700, `errors: ${errors} of 3000`);
});
