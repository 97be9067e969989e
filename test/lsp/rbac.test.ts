/** RBAC over LSP: hover with effective permissions, cross-file diagnostics with related locations, code actions. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { LspClient } from '../helpers/lsp-client';

const DIR = 'file:///tmp/k8s-guardrails-rbac-test';
const SETTINGS = {
  pss: { level: 'privileged' },
  schema: { enable: 'off' },
  rules: Object.fromEntries(
    ['read-only-root-filesystem', 'missing-resource-limits', 'automount-service-account-token', 'default-service-account', 'image-latest-tag', 'namespace-without-psa', 'explicit-root-user', 'missing-network-policy'].map((r) => [r, 'off']),
  ),
};

const ROLES = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: pod-reader
  namespace: shop
rules:
- apiGroups: [""]
  resources: [pods, pods/log]
  verbs: [get, list, watch]
- apiGroups: [apps]
  resources: [deployments]
  resourceNames: [web]
  verbs: [get]
`;

const BINDING = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: web-reads-pods
  namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: pod-reader
subjects:
- kind: ServiceAccount
  name: web
  namespace: shop
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
  namespace: shop
`;

const ADMIN = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: web-admin
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
- kind: ServiceAccount
  name: web
  namespace: shop
`;

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: web
      containers:
      - name: app
        image: nginx:1.27
`;

test('hover on a RoleBinding lists the effective permissions of its subject, with the chain and file:line', async () => {
  const lsp = new LspClient();
  try {
    await lsp.initialize(null, SETTINGS);
    const roles = `${DIR}/a/roles.yaml`;
    const binding = `${DIR}/a/binding.yaml`;
    lsp.open(roles, ROLES);
    lsp.open(binding, BINDING);
    await lsp.waitForDiagnostics(binding);
    const onKind: any = await lsp.request('textDocument/hover', { textDocument: { uri: binding }, position: { line: 1, character: 8 } });
    assert.ok(onKind, 'hover on kind: RoleBinding');
    const text = onKind.contents.value as string;
    assert.match(text, /RoleBinding `web-reads-pods` grants Role pod-reader in namespace `shop` to 1 subject/);
    assert.match(text, /effective permissions of ServiceAccount shop\/web \(2 rules\)/);
    assert.match(text, /\| namespace `shop` \| `core` \| `pods`, `pods\/log` \| `get`, `list`, `watch` \| — \|/);
    assert.match(text, /\| namespace `shop` \| `apps` \| `deployments` \| `get` \| `web` \|/);
    assert.match(text, /\[RoleBinding shop\/web-reads-pods\]\(file:\/\/\/tmp\/k8s-guardrails-rbac-test\/a\/binding\.yaml#L11\) \(binding\.yaml:11\)/);
    assert.match(text, /\[Role shop\/pod-reader\]\(file:\/\/\/tmp\/k8s-guardrails-rbac-test\/a\/roles\.yaml#L4\) \(roles\.yaml:4\) → \[rules\[0\]\]\([^)]*roles\.yaml#L7\)/);

    // On the subject itself: the same table (no binding summary).
    const onSubject: any = await lsp.request('textDocument/hover', { textDocument: { uri: binding }, position: { line: 10, character: 10 } });
    assert.match(onSubject.contents.value, /^\*\*RBAC\*\* — effective permissions of ServiceAccount shop\/web/);

    // On a role rule: who gets it.
    const onRule: any = await lsp.request('textDocument/hover', { textDocument: { uri: roles }, position: { line: 7, character: 15 } });
    assert.match(onRule.contents.value, /who gets Role shop\/pod-reader rules\\\[0\\\][\s\S]*\| ServiceAccount shop\/web \| namespace `shop` \| \[RoleBinding shop\/web-reads-pods\]/);

    // Elsewhere in a binding (apiVersion line): nothing RBAC.
    const elsewhere: any = await lsp.request('textDocument/hover', { textDocument: { uri: binding }, position: { line: 0, character: 3 } });
    assert.ok(!elsewhere || !/RBAC/.test(JSON.stringify(elsewhere)));
  } finally {
    await lsp.close();
  }
});

test('cluster-admin bound in another file: diagnostics on the binding and the workload, related chain, hover updates after edits', async () => {
  const lsp = new LspClient();
  try {
    await lsp.initialize(null, SETTINGS);
    const admin = `${DIR}/b/admin.yaml`;
    const deploy = `${DIR}/b/deploy.yaml`;
    const sa = `${DIR}/b/sa.yaml`;
    lsp.open(sa, BINDING.split('---\n')[1]);
    lsp.open(deploy, DEPLOY);
    lsp.open(admin, ADMIN);
    const onBinding = await lsp.waitForDiagnostics(admin, (d) => d.some((x) => x.code === 'rbac-cluster-admin-binding'));
    const cab = onBinding.find((x) => x.code === 'rbac-cluster-admin-binding')!;
    assert.equal(cab.severity, 1);
    assert.equal(cab.range.start.line, 4); // roleRef
    const onDeploy = await lsp.waitForDiagnostics(deploy, (d) => d.some((x) => x.code === 'rbac-workload-high-risk'));
    const risk = onDeploy.find((x) => x.code === 'rbac-workload-high-risk')!;
    assert.equal(risk.range.start.line, 12); // serviceAccountName
    assert.match(risk.message, /ClusterRoleBinding web-admin → ClusterRole cluster-admin \(built-in\)/);
    const rel = risk.relatedInformation ?? [];
    assert.ok(rel.some((r) => r.location.uri === admin && r.location.range.start.line === 9), JSON.stringify(rel));
    assert.ok(rel.some((r) => r.location.uri === sa && r.location.range.start.line === 3), JSON.stringify(rel));

    // Code actions: RoleBinding conversion on the binding, least-privilege skeleton on the workload.
    const actions = await lsp.codeActions(admin, cab.range, [cab]);
    assert.ok(actions.some((a) => a.title === 'Convert to a RoleBinding in namespace shop (still ClusterRole cluster-admin, only in shop)'), actions.map((a) => a.title).join('\n'));
    const wl = await lsp.codeActions(deploy, risk.range, [risk]);
    const gen = wl.find((a) => a.title.startsWith('Generate a least-privilege ServiceAccount, Role and RoleBinding'));
    assert.ok(gen, wl.map((a) => a.title).join('\n'));
    const newText = (gen!.edit!.changes![deploy] ?? []).map((e) => e.newText).join('');
    assert.match(newText, /REPLACE-WITH-RESOURCE-NAME/);

    // Hover on serviceAccountName shows the ServiceAccount's table; after removing the admin binding the workload finding goes.
    const hover: any = await lsp.request('textDocument/hover', { textDocument: { uri: deploy }, position: { line: 12, character: 26 } });
    assert.match(hover.contents.value, /effective permissions of ServiceAccount shop\/web[\s\S]*cluster-wide \| `\*` \| `\*` \| `\*`/);
    lsp.change(admin, '# removed\n');
    await lsp.waitForDiagnostics(deploy, (d) => !d.some((x) => x.code === 'rbac-workload-high-risk'));
  } finally {
    await lsp.close();
  }
});
