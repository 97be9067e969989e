/** Many objects (5,000): construction, analysis and queries work at scale (functional; timings live in `npm run bench`). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { RbacModel, type RbacSource } from '../../../server/src/engine/rbac';

/** Density is constant in n (objects per namespace, roles per aggregation label), so output sizes grow linearly. */
function generate(n: number): RbacSource[] {
  const out: RbacSource[] = [];
  const namespaces = Math.max(1, Math.round(n / 50));
  const groups = Math.max(2, Math.round(n / 100));
  const api = 'rbac.authorization.k8s.io/v1';
  for (let i = 0; out.length < n; i++) {
    const ns = `ns-${i % namespaces}`;
    out.push({ object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `sa-${i}`, namespace: ns } } });
    out.push({
      object: {
        apiVersion: api,
        kind: 'Role',
        metadata: { name: `role-${i}`, namespace: ns },
        rules: [{ apiGroups: [''], resources: ['configmaps', i % 50 === 0 ? 'secrets' : 'pods'], verbs: ['get', 'list'] }],
      },
    });
    out.push({
      object: {
        apiVersion: api,
        kind: 'ClusterRole',
        ...(i % 100 === 0
          ? {
              metadata: { name: `cr-${i}`, labels: { aggregated: 'yes' } },
              aggregationRule: {
                clusterRoleSelectors: [
                  { matchLabels: { 'agg-group': `g${(i / 100) % groups}` } },
                  { matchExpressions: [{ key: 'agg-group', operator: 'In', values: ['g1'] }, { key: 'tier', operator: 'DoesNotExist' }] },
                ],
              },
            }
          : {
              metadata: { name: `cr-${i}`, labels: { 'agg-group': `g${i % groups}` } },
              rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }],
            }),
      },
    });
    out.push({
      object: {
        apiVersion: api,
        kind: 'RoleBinding',
        metadata: { name: `rb-${i}`, namespace: ns },
        roleRef: { kind: i % 3 ? 'Role' : 'ClusterRole', name: i % 3 ? `role-${i}` : `cr-${i - (i % 100)}` },
        subjects: [{ kind: 'ServiceAccount', name: `sa-${i}`, namespace: ns }, { kind: 'Group', name: `system:serviceaccounts:${ns}` }],
      },
    });
    if (i % 100 === 50)
      out.push({
        object: {
          apiVersion: api,
          kind: 'ClusterRoleBinding',
          metadata: { name: `crb-${i}` },
          roleRef: { kind: 'ClusterRole', name: `cr-${i}` },
          subjects: [{ kind: 'Group', name: 'system:authenticated' }],
        },
      });
    out.push({
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `d-${i}`, namespace: ns },
        spec: { template: { spec: { serviceAccountName: `sa-${i}`, containers: [{ name: 'c', image: 'i' }] } } },
      },
    });
  }
  return out.slice(0, n);
}

function run(n: number): { findings: number; who: number; permissions: number } {
  const sources = generate(n);
  const model = new RbacModel(sources);
  const findings = model.analyze({ includeWorkloads: true });
  let permissions = 0;
  for (let i = 0; i < 200; i++) permissions += model.permissions(`serviceaccount:ns-${i % Math.round(n / 50)}:sa-${i}`).length;
  const who = model.whoCan('get', 'secrets', { namespace: '*' });
  model.whoCan('get', 'deployments', { namespace: 'ns-7' });
  return { findings: findings.length, who: who.length, permissions };
}

// Functional only: no timing assertions in tests (timings belong in `npm run bench`).
test('5,000 objects: analysis and queries complete with results', () => {
  const big = run(5_000);
  assert.ok(big.findings > 0 && big.who > 0 && big.permissions > 0);
});
