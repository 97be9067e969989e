/** Minimal, style-preserving YAML edits (the building blocks of every quick fix). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/engine';
import { loadSourceFile } from '../../server/src/engine/model';
import { appendTo, editSequence, removeItem, removeKey, setIn, YamlValue } from '../../server/src/engine/fix/edits';

function apply(text: string, op: (r: ReturnType<typeof first>) => ReturnType<typeof setIn>): string {
  const res = first(text);
  const e = op(res);
  assert.ok(e, 'an edit is produced');
  return applyEdits(text, [e]);
}
function first(text: string) {
  return loadSourceFile('mem:x.yaml', text).resources[0];
}
const POD = (sc: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: app   # main
    image: nginx:1.27
${sc}`;

const cases: { name: string; before: string; path: (string | number)[]; value: YamlValue; after: string }[] = [
  {
    name: 'creates missing parents in a block mapping, after a trailing comment',
    before: POD(''),
    path: ['spec', 'containers', 0, 'securityContext', 'allowPrivilegeEscalation'],
    value: false,
    after: POD('    securityContext:\n      allowPrivilegeEscalation: false\n').replace('image: nginx:1.27\n    securityContext', 'image: nginx:1.27\n    securityContext'),
  },
  {
    name: 'adds to an existing flow mapping',
    before: POD('    securityContext: {runAsNonRoot: true}\n'),
    path: ['spec', 'containers', 0, 'securityContext', 'allowPrivilegeEscalation'],
    value: false,
    after: POD('    securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false}\n'),
  },
  {
    name: 'fills an empty key, keeping its comment',
    before: POD('    securityContext:   # todo\n'),
    path: ['spec', 'containers', 0, 'securityContext', 'capabilities', 'drop'],
    value: ['ALL'],
    after: POD('    securityContext: # todo\n      capabilities:\n        drop:\n        - ALL\n'),
  },
  {
    name: 'replaces a scalar only',
    before: POD('    securityContext:\n      runAsUser: 0 # root\n'),
    path: ['spec', 'containers', 0, 'securityContext', 'runAsUser'],
    value: 10001,
    after: POD('    securityContext:\n      runAsUser: 10001 # root\n'),
  },
  {
    name: 'quotes strings that would read as another type',
    before: POD(''),
    path: ['metadata', 'annotations', 'ignore.k8s-guardrails.io/x'],
    value: 'yes',
    after: POD('').replace('  name: p\n', '  name: p\n  annotations:\n    ignore.k8s-guardrails.io/x: "yes"\n'),
  },
];

for (const c of cases) {
  test(`setIn: ${c.name}`, () => {
    assert.equal(apply(c.before, (r) => setIn(r, c.path, c.value)), c.after);
  });
}

test('appendTo: block and flow sequences', () => {
  const block = POD('    securityContext:\n      capabilities:\n        drop:\n        - NET_RAW\n');
  assert.equal(
    apply(block, (r) => appendTo(r, ['spec', 'containers', 0, 'securityContext', 'capabilities', 'drop'], 'ALL')),
    POD('    securityContext:\n      capabilities:\n        drop:\n        - NET_RAW\n        - ALL\n'),
  );
  const flow = POD('    securityContext: {capabilities: {drop: [NET_RAW]}}\n');
  assert.equal(
    apply(flow, (r) => appendTo(r, ['spec', 'containers', 0, 'securityContext', 'capabilities', 'drop'], 'ALL')),
    POD('    securityContext: {capabilities: {drop: [NET_RAW, ALL]}}\n'),
  );
});

test('removeItem and removeKey keep the rest intact', () => {
  const text = POD('    securityContext:\n      privileged: false\n      capabilities:\n        add:\n        - NET_ADMIN # why\n        - NET_BIND_SERVICE\n');
  assert.equal(
    apply(text, (r) => removeItem(r, ['spec', 'containers', 0, 'securityContext', 'capabilities', 'add'], 0)),
    POD('    securityContext:\n      privileged: false\n      capabilities:\n        add:\n        - NET_BIND_SERVICE\n'),
  );
  assert.equal(
    apply(text, (r) => removeKey(r, ['spec', 'containers', 0, 'securityContext', 'privileged'])),
    POD('    securityContext:\n      capabilities:\n        add:\n        - NET_ADMIN # why\n        - NET_BIND_SERVICE\n'),
  );
});

test('removing the last block item keeps comments around it', () => {
  const text = POD('    securityContext:\n      capabilities:\n        add: # extra caps\n        # needed for ping\n        - NET_RAW\n');
  assert.equal(
    apply(text, (r) => removeItem(r, ['spec', 'containers', 0, 'securityContext', 'capabilities', 'add'], 0)),
    POD('    securityContext:\n      capabilities:\n        add: [] # extra caps\n        # needed for ping\n'),
  );
});

test('editSequence: several edits under one missing parent converge into one edit', () => {
  const text = POD('');
  const res = first(text);
  const sc = ['spec', 'containers', 0, 'securityContext'];
  const e = editSequence(res, [
    (r) => setIn(r, [...sc, 'runAsNonRoot'], true),
    (r) => setIn(r, [...sc, 'allowPrivilegeEscalation'], false),
    (r) => setIn(r, [...sc, 'capabilities', 'drop'], ['ALL']),
  ]);
  assert.ok(e);
  assert.equal(
    applyEdits(text, [e]),
    POD('    securityContext:\n      runAsNonRoot: true\n      allowPrivilegeEscalation: false\n      capabilities:\n        drop:\n        - ALL\n'),
  );
});

test('indented sequence style is followed', () => {
  const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: x\n';
  const out = apply(text, (r) => setIn(r, ['spec', 'containers', 0, 'securityContext', 'capabilities', 'drop'], ['ALL']));
  assert.equal(out, text + '      securityContext:\n        capabilities:\n          drop:\n            - ALL\n');
});
