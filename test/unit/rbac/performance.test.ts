/** 10,000 objects: construction, analysis and queries must stay (near) linear. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { RbacModel, type RbacSource } from '../../../server/src/engine/rbac';

function generate(n: number): RbacSource[] {
  const out: RbacSource[] = [];
  const api = 'rbac.authorization.k8s.io/v1';
  for (let i = 0; out.length < n; i++) {
    const ns = `ns-${i % 200}`;
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
        metadata: { name: `cr-${i}`, labels: { 'agg-group': `g${i % 20}` } },
        ...(i % 100 === 0
          ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'agg-group': `g${(i / 100) % 20}` } }, { matchExpressions: [{ key: 'agg-group', operator: 'In', values: ['g1', 'g2'] }] }] } }
          : { rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }] }),
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
    if (i % 10 === 0)
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

test('10,000 objects analysed and queried quickly', () => {
  const sources = generate(10_000);
  const t0 = performance.now();
  const model = new RbacModel(sources);
  const findings = model.analyze({ includeWorkloads: true });
  for (let i = 0; i < 200; i++) model.permissions(`serviceaccount:ns-${i % 200}:sa-${i}`);
  const who = model.whoCan('get', 'secrets', { namespace: '*' });
  model.whoCan('get', 'deployments', { namespace: 'ns-7' });
  const ms = performance.now() - t0;
  assert.ok(findings.length > 0);
  assert.ok(who.length > 0);
  assert.ok(ms < 5000, `took ${ms.toFixed(0)} ms`);
});
