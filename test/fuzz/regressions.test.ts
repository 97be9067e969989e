/**
 * Regressions found by `npm run fuzz` (seeds 1 and 11), reduced to small inputs.
 * Each input goes through every fuzz invariant (`checkInput`, with "fix all"
 * always on and no time bound); the tests after the table pin the root cause
 * of each more directly.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as jsyaml from 'js-yaml';
import { checkInput } from '../../scripts/fuzz/check';
import { analyze, applyEdits, DEFAULT_SETTINGS, WorkspaceIndex } from '../../server/src/engine';
import { loadSourceFile } from '../../server/src/engine/model';
import { KUBERNETES_SCHEMA, parseYaml, YNode } from '../../server/src/engine/yaml/parse';
import { commentText, doubleQuoted } from '../../server/src/engine/yaml/quote';

const POD = (spec: string, meta = 'name: p') => `apiVersion: v1\nkind: Pod\nmetadata: {${meta}}\nspec:\n${spec}`;

const CASES: { name: string; text: string }[] = [
  // Parser: document splitting.
  { name: 'indented comment before the first ---', text: '  # note\n# more\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' },
  { name: 'indented comment before --- with a tagged empty document', text: '  # note\n--- &a\n  ' },
  { name: 'comments after a final ...', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n...\n# trailing\n# comments' },
  { name: 'a stream of only ... and comments', text: '... #\n# c\n' },
  { name: 'tagged empty document before ---', text: '--- !!str\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' },
  // Parser: flow collections as block sequence items and as document roots.
  { name: 'empty flow mapping as a container', text: POD('  containers:\n  - {}\n  - name: b\n    image: nginx\n') },
  { name: 'flow mapping container, indented', text: POD('    initContainers:\n        - {}\n    containers:\n        - {name: a, image: x}\n') },
  { name: 'flow mapping document root', text: '{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: x}]}}\n' },
  // Fixes: a byte order mark is not indentation.
  { name: 'BOM before a ServiceAccount', text: '\ufeffapiVersion: v1\nkind: ServiceAccount\nmetadata: {name: deployer, namespace: ci}\n' },
  { name: 'BOM before a Pod', text: '\ufeffapiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: x\n' },
  // Fixes: generated text quotes and comments any string.
  { name: 'namespace with a line break', text: POD('  containers: [{name: a, image: x}]\n', 'name: p, namespace: "a\\nb"') },
  { name: 'namespace with NUL', text: POD('  containers: [{name: a, image: x}]\n', 'name: p, namespace: "\\0"') },
  { name: 'namespace with DEL and C1 controls', text: POD('  containers: [{name: a, image: x}]\n', 'name: p, namespace: "a\\x7fb\\x85\\x9f"') },
  { name: 'namespace with a lone surrogate', text: POD('  containers: [{name: a, image: x}]\n', 'name: p, namespace: "\\ud800"') },
  // Fixes (seed 11): new keys go after the whole container, whose last item is a block scalar or empty.
  { name: 'container whose args end with a block scalar', text: POD('  containers:\n  - name: a\n    image: x\n    args:\n    - |-\n      echo a\n      echo b\n') },
  { name: 'block scalar item, compact sequences, one-space indent', text: POD(' containers:\n -\n  name: app\n  image:\n  - ALL\n  - |-\n   a\n   b\n') },
  { name: 'containers with an empty last item (being typed)', text: POD('  containers:\n  - name: a\n    image: x\n    securityContext: {privileged: true}\n  - ') },
  { name: 'containers with an empty item first', text: POD('  containers:\n  -\n  - name: a\n    image: x\n    securityContext: {privileged: true}\n') },
  // Seed 11 on the final code of session 4: an invalid port that is a mapping, in an egress rule to the internet.
  { name: 'egress port that is a mapping', text: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - ports:\n    - port: {a: 1}\n      endPort: [1]\n' },
];

test('fuzz regression (seed 11): an alias bomb with {{ in it is classified without expanding the aliases', () => {
  const level = (i: number) => `  a${i}: &a${i} {${Array.from({ length: 7 }, (_, k) => `k${k}: *a${i - 1}`).join(', ')}}`;
  const bomb = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: c}', 'x:', '  a0: &a0 {v: "{{ x }}"}', ...Array.from({ length: 14 }, (_, i) => level(i + 1)), 'data: {k: *a14}', ''].join('\n');
  const t0 = Date.now();
  const file = loadSourceFile('bomb.yaml', bomb);
  assert.ok(Date.now() - t0 < 2000, `classified in ${Date.now() - t0} ms`);
  // It parses, and `{{ x }}` is inside a string: analysed, not a template.
  assert.equal(file.skipped, undefined);
});

for (const c of CASES) {
  test(`fuzz regression: ${c.name}`, () => {
    const r = checkInput({ index: 0, origin: c.name, text: c.text }, { timeLimitMs: Number.MAX_SAFE_INTEGER, fixAllRate: 1, seed: 'regression', fullFixes: 100 });
    assert.deepEqual(r.failures, []);
  });
}

function reference(text: string): unknown[] {
  const docs: unknown[] = [];
  jsyaml.loadAll(text, (d) => docs.push(d), { schema: KUBERNETES_SCHEMA, json: true });
  return docs;
}

test('indented comments are not content: the --- after them opens the first document', () => {
  for (const text of ['  # a\n---\nx: 1\n', '\t# a\n---\nx: 1\n', ' \t # a\n# b\n---\nx: 1\n']) {
    assert.deepEqual(
      parseYaml(text).map((d) => d.value),
      reference(text),
      JSON.stringify(text),
    );
  }
});

test('comments and blank lines after a final ... are no document', () => {
  for (const text of ['x: 1\n...\n# c\n', 'x: 1\n...\n\n\n', '...\n# c', 'x: 1\n...\n  # c\n']) {
    assert.deepEqual(
      parseYaml(text).map((d) => d.value),
      reference(text),
      JSON.stringify(text),
    );
  }
  // Content after the `...` still is one.
  assert.deepEqual(
    parseYaml('x: 1\n...\n# c\nz: 2\n').map((d) => d.value),
    [{ x: 1 }, { z: 2 }],
  );
});

function shape(n: YNode): unknown {
  return n.children ? [n.kind, n.start, n.end, n.children.map(shape)] : [n.kind, n.start, n.end];
}

test('content after ... on its line is a syntax error, not a second document dropped', () => {
  const docs = parseYaml('a: 1\n...  - x\nb: 2\n');
  assert.equal(docs.length, 2);
  assert.equal(docs[0].error?.message, 'a document end marker (...) must be followed by a line break or a comment');
  assert.equal(docs[0].error?.offset, 10);
  assert.deepEqual(docs[1].value, { b: 2 });
  // A comment after `...` is fine.
  assert.deepEqual(
    parseYaml('a: 1\n... # end\nb: 2\n').map((d) => [d.value, d.error]),
    [
      [{ a: 1 }, undefined],
      [{ b: 2 }, undefined],
    ],
  );
});

test('a flow collection as a block sequence item or document root is one node, not wrapped', () => {
  assert.deepEqual(shape(parseYaml('- {}\n')[0].root!), ['seq', 0, 4, [['map', 2, 4, []]]]);
  assert.deepEqual(shape(parseYaml('- [a]\n')[0].root!), ['seq', 0, 5, [['seq', 2, 5, [['scalar', 3, 4]]]]]);
  assert.deepEqual(shape(parseYaml('{a: 1}')[0].root!), ['map', 0, 6, [['scalar', 1, 2], ['scalar', 4, 5]]]);
  // So paths resolve in flow-style documents.
  const file = loadSourceFile('file:///a.yaml', '{apiVersion: v1, kind: Pod, metadata: {name: p}}\n');
  assert.deepEqual(file.resources[0].range(['metadata', 'name']), { start: { line: 0, character: 45 }, end: { line: 0, character: 46 } });
});

test('fixes indent new keys by the key column, not counting a byte order mark', () => {
  const text = '\ufeffapiVersion: v1\nkind: ServiceAccount\nmetadata: {name: deployer}\n';
  const ws = new WorkspaceIndex();
  ws.set('file:///a.yaml', text);
  // The ServiceAccount is not reported on its own (one finding per workload): its fix comes with the pod's finding.
  ws.set('file:///pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  serviceAccountName: deployer\n  containers:\n  - {name: a, image: x}\n');
  const f = analyze(ws, DEFAULT_SETTINGS).findings.get('file:///pod.yaml')!.find((x) => x.rule === 'automount-service-account-token')!;
  const fix = f.fixes!().find((x) => x.title.includes('on ServiceAccount deployer'))!;
  assert.equal(fix.edits[0].uri, 'file:///a.yaml');
  const after = applyEdits(text, fix.edits);
  assert.equal(after, '\ufeffapiVersion: v1\nkind: ServiceAccount\nmetadata: {name: deployer}\nautomountServiceAccountToken: false\n');
});

function hardenFix(text: string) {
  const ws = new WorkspaceIndex();
  ws.set('file:///a.yaml', text);
  const f = analyze(ws, DEFAULT_SETTINGS).findings.get('file:///a.yaml')!.find((x) => x.rule === 'allow-privilege-escalation')!;
  return f.fixes!().find((x) => x.title.startsWith('Harden '));
}

test('"Harden to restricted" is not offered for a workload document beyond its size bound (each finding keeps its fix)', () => {
  const containers = Array.from({ length: 3000 }, (_, i) => `  - name: c${i}\n    image: x\n`).join('');
  const text = POD(`  containers:\n${containers}`);
  assert.ok(text.length > 64 * 1024);
  assert.equal(hardenFix(text), undefined);
  const small = POD('  containers:\n  - name: a\n    image: x\n');
  assert.ok(hardenFix(small));
});

test('a block scalar sequence item spans its text (js-yaml first tries it as a key and reads nothing)', () => {
  assert.deepEqual(shape(parseYaml('- |\n a\n')[0].root!), ['seq', 0, 6, [['scalar', 2, 6]]]);
  assert.deepEqual(shape(parseYaml('- >-\n  a\n- b\n')[0].root!), ['seq', 0, 12, [['scalar', 2, 8], ['scalar', 11, 12, [['scalar', 11, 12]]]]]);
  assert.deepEqual(shape(parseYaml('|\n a\n')[0].root!), ['scalar', 0, 4]);
});

test('empty block sequence items are nodes: item i of the data is child i, and the sequence ends at its last item', () => {
  const text = 'a:\n-\n- &q x\n-   # c\n- - \n  - z\n-\nb: 1\n';
  const doc = parseYaml(text)[0];
  assert.deepEqual(doc.value, { a: [null, 'x', null, [null, 'z'], null], b: 1 });
  const seq = doc.root!.children![1];
  assert.deepEqual(
    seq.children!.map((c) => [c.kind, c.value, text.slice(c.start - 1, c.end)]),
    [
      ['scalar', null, '-'],
      ['scalar', 'x', ' &q x'],
      ['scalar', null, '-'],
      ['seq', undefined, ' - \n  - z'],
      ['scalar', null, '-'],
    ],
  );
  assert.deepEqual(shape(seq.children![3]), ['seq', 22, 30, [['scalar', 23, 23], ['scalar', 29, 30, [['scalar', 29, 30]]]]]);
  assert.equal(seq.end, 32);
  // So a finding in the item after an empty one points at that item.
  const pod = POD('  containers:\n  -\n  - name: a\n    image: x\n    securityContext: {privileged: true}\n');
  const ws = new WorkspaceIndex();
  ws.set('file:///a.yaml', pod);
  const f = analyze(ws, DEFAULT_SETTINGS).findings.get('file:///a.yaml')!.find((x) => x.rule === 'privileged-container')!;
  assert.deepEqual(f.range, { start: { line: 8, character: 34 }, end: { line: 8, character: 38 } });
});

test('generated YAML text: double-quoted strings and comments hold only printable characters', () => {
  const nasty = 'a\nb\r\0\x7f\x85\x9f\u2028\ufffe\ud800x\udc00😀"\\';
  // YAML 1.2 c-printable (go-yaml, as kubectl reads it, rejects the rest anywhere in the stream).
  const printable = /^(?:[\t\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd]|[\ud800-\udbff][\udc00-\udfff])*$/;
  const q = doubleQuoted(nasty);
  assert.match(q, printable);
  assert.ok(!/[\u2028\u2029]/.test(q));
  assert.deepEqual(jsyaml.load(`k: ${q}`), { k: nasty });
  const c = commentText(nasty);
  assert.match(c, printable);
  assert.ok(!/[\n\r\u2028\u2029]/.test(c));
  assert.ok(c.includes('😀'));
});
