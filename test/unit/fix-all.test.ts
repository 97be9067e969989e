/** Fix-all converges: several fixes creating the same missing parent never write it twice. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze, applyEdits, DEFAULT_SETTINGS, fixAll, WorkspaceIndex } from '../../server/src/engine';

test('fix all leaves a Deployment clean at restricted, without duplicate keys', () => {
  const text =
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n      - name: shop  # main\n        image: nginx:1.27\n        securityContext:\n          privileged: true\n          runAsUser: 0\n          capabilities: {add: [NET_ADMIN, NET_BIND_SERVICE]}\n';
  const ws = new WorkspaceIndex();
  ws.set('mem:/d.yaml', text);
  const edit = fixAll(ws, 'mem:/d.yaml', DEFAULT_SETTINGS);
  assert.ok(edit);
  const fixed = applyEdits(text, [edit]);
  ws.set('mem:/d.yaml', fixed);
  const left = analyze(ws, DEFAULT_SETTINGS).findings.get('mem:/d.yaml')!;
  assert.deepEqual(left.filter((f) => f.pss || f.rule.startsWith('yaml-')).map((f) => f.rule), [], fixed);
  assert.match(fixed, /# main/);
  assert.equal(fixed.match(/^ {6}securityContext:/gm)?.length, 1, fixed);
});
