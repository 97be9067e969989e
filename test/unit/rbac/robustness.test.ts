/** Untrusted input: wrong types anywhere must never throw, and the model must stay usable. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { RbacModel, clusterRoleBindingToRoleBinding, leastPrivilegeSkeleton, readOnlyVerbsFix, type RbacSource } from '../../../server/src/engine/rbac';

const KINDS = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ServiceAccount', 'Deployment', 'Pod', 'CronJob', 'List', 'ConfigMap'];
const KEYS = ['kind', 'apiVersion', 'metadata', 'name', 'namespace', 'labels', 'rules', 'verbs', 'resources', 'apiGroups', 'resourceNames', 'nonResourceURLs',
  'roleRef', 'subjects', 'aggregationRule', 'clusterRoleSelectors', 'matchLabels', 'matchExpressions', 'key', 'operator', 'values', 'spec', 'template',
  'jobTemplate', 'serviceAccountName', 'serviceAccount', 'automountServiceAccountToken', 'volumes', 'projected', 'sources', 'serviceAccountToken', 'items',
  '__proto__', 'constructor', 'toString'];
const SCALARS: unknown[] = [null, undefined, 0, -1, 1.5, NaN, true, false, '', '*', 'default', 'system:authenticated', 'cluster-admin', 'ServiceAccount', 'In', [], {}];

/** Small deterministic PRNG so failures are reproducible. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomValue(r: () => number, depth: number): unknown {
  const x = r();
  if (depth <= 0 || x < 0.35) return SCALARS[Math.floor(r() * SCALARS.length)];
  if (x < 0.6) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth - 1));
  const o: Record<string, unknown> = {};
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) o[KEYS[Math.floor(r() * KEYS.length)]] = randomValue(r, depth - 1);
  return o;
}

function randomObject(r: () => number): unknown {
  const o = randomValue(r, 5);
  if (o && typeof o === 'object' && !Array.isArray(o) && r() < 0.8) {
    (o as any).kind = KINDS[Math.floor(r() * KINDS.length)];
    if (r() < 0.5) (o as any).apiVersion = 'rbac.authorization.k8s.io/v1';
  }
  return o;
}

test('random garbage never throws (2000 objects, all APIs)', () => {
  const r = rng(12345);
  const sources: RbacSource[] = [];
  for (let i = 0; i < 2000; i++) sources.push({ object: randomObject(r), ref: i });
  sources.push(null as any, undefined as any, 'x' as any, { object: null }, { object: 'str' }, { object: [1, 2] });
  const model = new RbacModel(sources);
  model.analyze({ includeWorkloads: true });
  for (const s of sources) {
    model.workloadFindings(s);
    model.workloadInfo(s);
    readOnlyVerbsFix(s?.object, ['rules', 0]);
    clusterRoleBindingToRoleBinding(s?.object, 'ns');
    leastPrivilegeSkeleton(s?.object);
  }
  for (const subj of ['user:default', 'group:system:authenticated', 'serviceaccount:default:default', 42, null, {}, { kind: 'User', name: 5 }])
    model.permissions(subj);
  for (const [v, res] of [['get', 'secrets'], ['*', '*'], ['', ''], [7, null], ['get', '/'], ['get', 'pods/exec'], ['get', 'a.b.c/d']] as any[]) {
    model.whoCan(v, res, { namespace: '*' });
    model.whoCan(v, res, null as any);
    model.can('user:x', v, res, 'bad' as any);
  }
  assert.ok(true);
});

test('wrong-typed RBAC fields are ignored, right-typed siblings still count', () => {
  const model = new RbacModel([
    {
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 7, labels: 'x' },
        aggregationRule: 'nope',
        rules: [null, 'rule', { verbs: { get: true }, resources: [1, 'secrets'], apiGroups: [null, ''] }, { verbs: ['list'], resources: ['secrets'], apiGroups: [''] }],
      },
      ref: 'r',
    },
    { object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: 'bad', roleRef: 'x', subjects: [null, 1, { kind: 3 }] } },
  ]);
  const f = model.analyze();
  assert.deepEqual(f.map((x) => `${x.rule} ${x.path.join('.')}`), ['rbac-secrets-read rules.3.resources', 'rbac-dangling-binding roleRef']);
});
