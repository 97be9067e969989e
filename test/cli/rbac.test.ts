/** `k8s-guardrails rbac …` and the RBAC findings of `scan`, as a real process over real files. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO } from '../helpers/lsp-client';
import { BIN, tmpTree } from '../helpers/cli';

const CROSS = path.join(REPO, 'test/fixtures/rules/rbac/cross-file.workspace');

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: REPO });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = (files: Record<string, string>): string => tmpTree(files, 'k8s-guardrails-rbac-cli-');

const ROLES = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: secret-reader
  namespace: shop
rules:
- apiGroups: [""]
  resources: [secrets]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: node-viewer
rules:
- apiGroups: [""]
  resources: [nodes]
  verbs: [get, list]
- nonResourceURLs: [/healthz]
  verbs: [get]
`;

const BINDINGS = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: web-secrets
  namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: secret-reader
subjects:
- kind: ServiceAccount
  name: web
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ops-nodes
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: node-viewer
subjects:
- kind: Group
  apiGroup: rbac.authorization.k8s.io
  name: ops
- kind: ServiceAccount
  name: web
  namespace: shop
`;

test('scan --format json: cluster-admin bound in another file → rbac-cluster-admin-binding on the binding and rbac-workload-high-risk on the workload', () => {
  const r = run(['scan', '--format', 'json', '--pss-level', 'privileged', CROSS]);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  const binding = out.findings.find((f: any) => f.rule === 'rbac-cluster-admin-binding');
  assert.ok(binding, r.stdout);
  assert.equal(binding.severity, 'error');
  assert.equal(path.basename(binding.file), 'rbac.yaml');
  assert.equal(binding.range.start.line, 6); // roleRef
  assert.deepEqual(binding.resource, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: 'deployer-admin' });
  const risk = out.findings.find((f: any) => f.rule === 'rbac-workload-high-risk');
  assert.ok(risk, r.stdout);
  assert.equal(risk.severity, 'info');
  assert.equal(path.basename(risk.file), 'pipeline.yaml');
  assert.equal(risk.range.start.line, 13); // serviceAccountName
  assert.match(risk.message, /Deployment ci\/pipeline runs as ServiceAccount ci\/deployer, which has full \(`\*` on `\*`\) access cluster-wide via ClusterRoleBinding deployer-admin → ClusterRole cluster-admin \(built-in\)/);
});

test('rbac who-can: text and json, namespace scoping', () => {
  const dir = tmp({ 'roles.yaml': ROLES, 'bindings.yaml': BINDINGS });
  const text = run(['rbac', 'who-can', 'get', 'secrets', dir]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^Who can get secrets in any namespace:/);
  assert.match(text.stdout, /ServiceAccount shop\/web\s+namespace shop\s+RoleBinding shop\/web-secrets \(.*bindings\.yaml:11\) → Role shop\/secret-reader \(.*roles\.yaml:4\) → rules\[0\] \(.*roles\.yaml:7\)/);

  const json = run(['rbac', 'who-can', 'list', 'nodes', '--format', 'json', dir]);
  assert.equal(json.code, 0, json.stderr);
  const out = JSON.parse(json.stdout);
  assert.deepEqual(out.query, { verb: 'list', resource: 'nodes', scope: 'any' });
  assert.deepEqual(out.subjects.map((s: any) => s.key), ['group:ops', 'serviceaccount:shop:web']);
  const g = out.subjects[0].grants[0];
  assert.equal(g.scope, 'cluster');
  assert.deepEqual(g.verbs, ['get', 'list']);
  assert.equal(g.chain.binding.kind, 'ClusterRoleBinding');
  assert.equal(g.chain.binding.line, 23);
  assert.equal(path.basename(g.chain.binding.file), 'bindings.yaml');
  assert.equal(g.chain.role.name, 'node-viewer');
  assert.equal(g.chain.rule.index, 0);

  // -n other: the RoleBinding of shop does not count; nobody there.
  const other = run(['rbac', 'who-can', 'get', 'secrets', '-n', 'other', dir]);
  assert.equal(other.code, 0);
  assert.match(other.stdout, /^Nobody can get secrets in namespace other/);
  const cluster = run(['rbac', 'who-can', 'get', 'secrets', '--cluster-wide', '--format', 'json', dir]);
  assert.deepEqual(JSON.parse(cluster.stdout).subjects, []);
  // Built-in roles are known: cluster-admin in the fixture can exec.
  const exec = run(['rbac', 'who-can', 'create', 'pods/exec', '--format', 'json', CROSS]);
  assert.deepEqual(JSON.parse(exec.stdout).subjects.map((s: any) => s.key), ['serviceaccount:ci:deployer']);
});

test('rbac permissions: text (like kubectl auth can-i --list) and json, with implicit groups', () => {
  const dir = tmp({ 'roles.yaml': ROLES, 'bindings.yaml': BINDINGS, 'extra.yaml': BINDINGS.split('---\n')[0].replace('web-secrets', 'all-sa-secrets').replace(/subjects:[\s\S]*$/, 'subjects:\n- kind: Group\n  name: system:serviceaccounts:shop\n') });
  const text = run(['rbac', 'permissions', 'system:serviceaccount:shop:web', dir]);
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stdout.split('\n');
  assert.equal(lines[0], 'Effective permissions of ServiceAccount shop/web:');
  // A table: one row per resource or URL, verbs as words, where, and the binding → role that grants it.
  assert.deepEqual(lines.slice(2, 7), [
    'RESOURCE  VERBS      SCOPE           VIA',
    'nodes     get, list  cluster-wide    ClusterRoleBinding ops-nodes → ClusterRole node-viewer',
    '/healthz  get        cluster-wide    ClusterRoleBinding ops-nodes → ClusterRole node-viewer',
    'secrets   get, list  namespace shop  RoleBinding shop/web-secrets → Role shop/secret-reader',
    'secrets   get, list  namespace shop  RoleBinding shop/all-sa-secrets → Role shop/secret-reader (as group system:serviceaccounts:shop)',
  ]);
  assert.doesNotMatch(text.stdout, /\[/);
  const admin = run(['rbac', 'permissions', 'serviceaccount:ci:deployer', CROSS]);
  assert.match(admin.stdout, /^\*\.\* +\* \(all verbs\) +cluster-wide +ClusterRoleBinding deployer-admin → ClusterRole cluster-admin \(built-in\)$/m);
  assert.match(admin.stdout, /^\* \(non-resource URLs\) +\* \(all verbs\) +cluster-wide/m);

  const json = run(['rbac', 'permissions', 'serviceaccount:shop:web', '--format', 'json', dir]);
  assert.equal(json.code, 0, json.stderr);
  const out = JSON.parse(json.stdout);
  assert.deepEqual(out.subject, { key: 'serviceaccount:shop:web', kind: 'ServiceAccount', name: 'web', namespace: 'shop' });
  assert.equal(out.permissions.length, 4);
  assert.deepEqual(out.permissions.map((p: any) => [p.scope, p.namespace ?? null, p.resources.join(','), p.grantedTo]), [
    ['cluster', null, 'nodes', 'serviceaccount:shop:web'],
    ['cluster', null, '', 'serviceaccount:shop:web'],
    ['namespace', 'shop', 'secrets', 'serviceaccount:shop:web'],
    ['namespace', 'shop', 'secrets', 'group:system:serviceaccounts:shop'],
  ]);
  assert.deepEqual(out.permissions[1].nonResourceURLs, ['/healthz']);

  const none = run(['rbac', 'permissions', 'user:bob', dir]);
  assert.equal(none.code, 0);
  assert.match(none.stdout, /^User bob has no permissions/);
});

test('rbac: usage errors exit 2', () => {
  const dir = tmp({ 'roles.yaml': ROLES });
  for (const args of [
    ['rbac'],
    ['rbac', 'frobnicate', dir],
    ['rbac', 'who-can', 'get'],
    ['rbac', 'who-can', 'get', 'secrets'],
    ['rbac', 'who-can', 'get', 'secrets', '--format', 'sarif', dir],
    ['rbac', 'who-can', 'get', 'secrets', '-n', 'a', '--cluster-wide', dir],
    ['rbac', 'permissions', 'web', dir],
    ['rbac', 'permissions', 'user:bob'],
    ['rbac', 'permissions', 'user:bob', '--bogus', dir],
    ['rbac', 'permissions', 'user:bob', path.join(dir, 'missing.yaml')],
  ]) {
    const r = run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.ok(r.stderr.length > 0);
  }
  const help = run(['rbac', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /rbac who-can <verb> <resource>/);
});

test('scan findings and rbac who-can agree on resourceNames, create and "pods/*" (the same evaluator)', () => {
  const dir = tmp({
    'calico.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: calico-tokens
rules:
- apiGroups: [""]
  resources: [serviceaccounts/token]
  resourceNames: [canal, calico-cni-plugin]
  verbs: [create]
- apiGroups: [""]
  resources: [pods]
  resourceNames: [web]
  verbs: [create]
- apiGroups: [""]
  resources: ["pods/*"]
  verbs: [create, get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: calico
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: calico-tokens
subjects:
- kind: ServiceAccount
  name: calico-node
  namespace: kube-system
`,
  });
  const scan = run(['scan', '--format', 'json', dir]);
  const findings = JSON.parse(scan.stdout).findings;
  const token = findings.filter((f: any) => f.rule === 'rbac-token-create');
  assert.equal(token.length, 1, scan.stdout);
  assert.match(token[0].message, /can create tokens for ServiceAccounts canal, calico-cni-plugin/);
  assert.doesNotMatch(token[0].message, /any ServiceAccount/);
  assert.deepEqual(findings.filter((f: any) => ['rbac-create-pods', 'rbac-pod-exec', 'rbac-wildcard'].includes(f.rule)), []);
  const who = (...args: string[]) => JSON.parse(run(['rbac', 'who-can', '--format', 'json', ...args, dir]).stdout).subjects.map((s: any) => s.key);
  assert.deepEqual(who('create', 'serviceaccounts/token', '--resource-name', 'canal'), ['serviceaccount:kube-system:calico-node']);
  assert.deepEqual(who('create', 'serviceaccounts/token', '--resource-name', 'calico-cni-plugin'), ['serviceaccount:kube-system:calico-node']);
  assert.deepEqual(who('create', 'serviceaccounts/token', '--resource-name', 'admin'), []);
  assert.deepEqual(who('create', 'pods', '--resource-name', 'web'), []);
  assert.deepEqual(who('create', 'pods/exec'), []);
  assert.deepEqual(who('get', 'pods/log'), []);
  // kube-system/calico-node is not built-in: dangling; a controller ServiceAccount would not be
  assert.equal(findings.filter((f: any) => f.rule === 'rbac-dangling-binding').length, 1);
});
