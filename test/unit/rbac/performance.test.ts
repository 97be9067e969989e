/** 10,000 objects: construction, analysis and queries must stay (near) linear. */
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

function run(n: number): { ms: number; findings: number; who: number } {
  const sources = generate(n);
  const t0 = performance.now();
  const model = new RbacModel(sources);
  const findings = model.analyze({ includeWorkloads: true });
  for (let i = 0; i < 200; i++) model.permissions(`serviceaccount:ns-${i % Math.round(n / 50)}:sa-${i}`);
  const who = model.whoCan('get', 'secrets', { namespace: '*' });
  model.whoCan('get', 'deployments', { namespace: 'ns-7' });
  return { ms: performance.now() - t0, findings: findings.length, who: who.length };
}

test('10,000 objects analysed and queried quickly, scaling (near) linearly', () => {
  run(2_000); // warm-up (JIT)
  const best = (n: number) => {
    const runs = [run(n), run(n), run(n)];
    return { ...runs[0], ms: Math.min(...runs.map((r) => r.ms)) };
  };
  const small = best(2_000);
  const big = best(10_000);
  assert.ok(big.findings > 0 && big.who > 0);
  // Generous absolute bound (shared CI machines); a quadratic algorithm blows the ratio (≈25×) long before this.
  assert.ok(big.ms < 30_000, `10k objects took ${big.ms.toFixed(0)} ms`);
  assert.ok(big.ms / small.ms < 12, `5× the objects took ${(big.ms / small.ms).toFixed(1)}× the time (${small.ms.toFixed(0)} → ${big.ms.toFixed(0)} ms)`);
});
