/** The RBAC rules on a WorkspaceIndex: model caching, placement, related locations, fixes, hover. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze, AnalysisHost, applyEdits, DEFAULT_SETTINGS, EngineSettings, Finding, Position, WorkspaceIndex } from '../../../server/src/engine';
import { AnalysisMemo } from '../../../server/src/engine/memo';
import { rbacHover as hoverOn } from '../../../server/src/engine/rules/rbac/hover';

const rbacHover = (w: WorkspaceIndex, uri: string, position: Position) => hoverOn({ workspace: w, memo: new AnalysisMemo() }, uri, position);

const SETTINGS: EngineSettings = {
  ...structuredClone(DEFAULT_SETTINGS),
  pss: { ...DEFAULT_SETTINGS.pss, level: 'privileged' },
};

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

const DEPLOY = `# the web shop
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      serviceAccountName: web   # has its own account
      containers:
      - name: app
        image: nginx:1.27
`;

const SA = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
  namespace: shop
`;

const WILD = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: wild
rules:
- apiGroups: [""]
  resources: [configmaps]
  verbs:   # all of them
  - "*"   # really
  - get
`;

function ws(files: Record<string, string>): WorkspaceIndex {
  const w = new WorkspaceIndex();
  for (const [uri, text] of Object.entries(files)) w.set(uri, text);
  return w;
}

function findings(w: WorkspaceIndex, settings = SETTINGS): Finding[] {
  return [...analyze(w, settings).findings.values()].flat();
}

test('the model is built once per analysis snapshot, and again after a change', () => {
  const host = new AnalysisHost();
  host.setFile('a.yaml', ADMIN);
  const a = host.analysis();
  const first = a.rbac();
  a.diagnostics({ uris: ['a.yaml'] });
  assert.equal(host.analysis(), a, 'no change: the same snapshot');
  assert.equal(host.analysis().rbac(), first);
  host.setFile('b.yaml', SA);
  const b = host.analysis();
  assert.notEqual(b, a);
  assert.notEqual(b.rbac(), first);
  assert.throws(() => a.rbac(), /stale analysis snapshot/);
});

test('cross-file: binding finding on roleRef, workload finding on serviceAccountName with the chain in other files', () => {
  const w = ws({ 'admin.yaml': ADMIN, 'deploy.yaml': DEPLOY, 'sa.yaml': SA });
  const all = findings(w);
  const cab = all.find((f) => f.rule === 'rbac-cluster-admin-binding')!;
  assert.equal(cab.uri, 'admin.yaml');
  assert.equal(cab.range.start.line, 4);
  assert.equal(cab.severity, 'error');
  const risk = all.find((f) => f.rule === 'rbac-workload-high-risk')!;
  assert.equal(risk.uri, 'deploy.yaml');
  assert.equal(risk.range.start.line, 9);
  assert.deepEqual(
    risk.related!.map((r) => [r.uri, r.range.start.line]),
    [
      ['admin.yaml', 9],
      ['sa.yaml', 3],
    ],
  );
  assert.match(risk.related![0].message, /\(admin\.yaml:10\)$/);
});

test('fix: ClusterRoleBinding → RoleBinding, one action per namespace, roleRef kept', () => {
  const w = ws({ 'admin.yaml': ADMIN, 'other.yaml': SA.replace('shop', 'billing') });
  const cab = findings(w).find((f) => f.rule === 'rbac-cluster-admin-binding')!;
  const fixes = cab.fixes!().filter((f) => !f.suppression);
  assert.deepEqual(
    fixes.map((f) => f.title),
    ['Convert to a RoleBinding in namespace shop (still ClusterRole cluster-admin, only in shop)', 'Convert to a RoleBinding in namespace billing (still ClusterRole cluster-admin, only in billing)'],
  );
  const out = applyEdits(ADMIN, fixes[0].edits);
  assert.match(out, /^kind: RoleBinding$/m);
  assert.match(out, /^  namespace: shop$/m);
  assert.match(out, /^  kind: ClusterRole\n  name: cluster-admin$/m);
  const after = findings(ws({ 'admin.yaml': out }));
  const again = after.find((f) => f.rule === 'rbac-cluster-admin-binding')!;
  assert.match(again.message, /full control of namespace shop/);
});

test('fix: wildcard verbs → explicit lists (block sequence edited item-wise: comments kept)', () => {
  const w = ws({ 'wild.yaml': '# roles\n' + WILD });
  const f = findings(w).find((x) => x.rule === 'rbac-wildcard')!;
  const [ro, rw] = f.fixes!();
  assert.equal(ro.title, 'Replace wildcard verbs with get, list, watch (read-only)');
  assert.equal(ro.preferred, true);
  const out = applyEdits('# roles\n' + WILD, ro.edits);
  assert.match(out, /^# roles\n/);
  assert.match(out, /verbs: {3}# all of them\n  - list {3}# really\n  - get\n  - watch\n?$/);
  assert.ok(!findings(ws({ 'wild.yaml': out })).some((x) => x.rule === 'rbac-wildcard'));
  assert.match(applyEdits(WILD, rw.edits), /- delete/);
});

test('fix: least-privilege skeleton appended, workload switched, finding gone, comments kept', () => {
  const text = ADMIN + '---\n' + SA + '---\n' + DEPLOY;
  const w = ws({ 'all.yaml': text });
  const risk = findings(w).find((f) => f.rule === 'rbac-workload-high-risk')!;
  const fixes = risk.fixes!();
  const gen = fixes.find((f) => f.title.startsWith('Generate a least-privilege'))!;
  assert.equal(gen.title, 'Generate a least-privilege ServiceAccount, Role and RoleBinding "web-minimal" for Deployment web');
  // The hardening rule automount-service-account-token is on: its fix covers automount, not duplicated here.
  assert.ok(!fixes.some((f) => /automountServiceAccountToken: false/.test(f.title)));
  const out = applyEdits(text, gen.edits);
  assert.match(out, /serviceAccountName: web-minimal   # has its own account/);
  assert.match(out, /automountServiceAccountToken: true/);
  assert.match(out, /kind: Role\nmetadata:\n  name: web-minimal\n  namespace: shop[\s\S]*# TODO: replace this placeholder[\s\S]*resourceNames: \[REPLACE-WITH-RESOURCE-NAME\]/);
  assert.match(out, /# the web shop/);
  const after = findings(ws({ 'all.yaml': out }));
  assert.ok(!after.some((f) => f.rule === 'rbac-workload-high-risk'), after.map((f) => f.rule).join());
  assert.ok(!after.some((f) => f.rule.startsWith('yaml-') || f.rule === 'rbac-dangling-binding'));
});

test('fix: automountServiceAccountToken: false offered when the hardening rule is off', () => {
  const settings = { ...SETTINGS, rules: { 'automount-service-account-token': 'off' as const } };
  const w = ws({ 'admin.yaml': ADMIN, 'deploy.yaml': DEPLOY, 'sa.yaml': SA });
  const risk = findings(w, settings).find((f) => f.rule === 'rbac-workload-high-risk')!;
  const titles = risk.fixes!().map((f) => f.title);
  assert.ok(titles.includes('Set automountServiceAccountToken: false on the pod spec of Deployment web'), titles.join('\n'));
  const onSa = risk.fixes!().find((f) => f.title.startsWith('Set automountServiceAccountToken: false on ServiceAccount shop/web'))!;
  assert.equal(onSa.edits[0].uri, 'sa.yaml');
  const w2 = ws({ 'admin.yaml': ADMIN, 'deploy.yaml': DEPLOY, 'sa.yaml': applyEdits(SA, onSa.edits) });
  assert.ok(!findings(w2, settings).some((f) => f.rule === 'rbac-workload-high-risk'));
});

test('hover: binding, subject, role rule, ServiceAccount, workload; nothing elsewhere', () => {
  const w = ws({ 'admin.yaml': ADMIN, 'deploy.yaml': DEPLOY, 'sa.yaml': SA, 'wild.yaml': WILD });
  const onKind = rbacHover(w, 'admin.yaml', { line: 1, character: 3 })!;
  assert.match(onKind, /ClusterRoleBinding `web-admin` grants ClusterRole cluster-admin cluster-wide to 1 subject/);
  assert.match(onKind, /\| cluster-wide \| `\*` \| `\*` \| `\*` \| — \| \[ClusterRoleBinding web-admin\]\(admin\.yaml#L10\) \(admin\.yaml:10\) → ClusterRole cluster-admin \(built-in\) → rules\[0\] \|/);
  assert.match(onKind, /\| cluster-wide \| — \| URLs `\*` \| `\*` \|/);
  assert.match(rbacHover(w, 'admin.yaml', { line: 10, character: 5 })!, /^\*\*RBAC\*\* — effective permissions of ServiceAccount shop\/web/);
  assert.match(rbacHover(w, 'sa.yaml', { line: 3, character: 8 })!, /effective permissions of ServiceAccount shop\/web \(2 rules\)/);
  assert.match(rbacHover(w, 'deploy.yaml', { line: 9, character: 28 })!, /effective permissions of ServiceAccount shop\/web/);
  assert.match(rbacHover(w, 'wild.yaml', { line: 6, character: 5 })!, /who gets ClusterRole wild rules\\\[0\\\]\n\nNo binding in the workspace grants it/);
  assert.equal(rbacHover(w, 'deploy.yaml', { line: 12, character: 10 }), undefined);
  assert.equal(rbacHover(w, 'admin.yaml', { line: 0, character: 3 }), undefined);
});

test('hover: who gets a rule through an aggregating ClusterRole', () => {
  const agg = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: monitoring
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {rbac.example.com/aggregate-to-monitoring: "true"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: metrics-reader
  labels: {rbac.example.com/aggregate-to-monitoring: "true"}
rules:
- apiGroups: [""]
  resources: [services, endpoints]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: prometheus
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: monitoring}
subjects:
- {kind: Group, name: monitoring-team}
`;
  const w = ws({ 'agg.yaml': agg });
  const h = rbacHover(w, 'agg.yaml', { line: 15, character: 5 })!;
  assert.match(h, /who gets ClusterRole metrics-reader rules\\\[0\\\]/);
  assert.match(h, /\| Group monitoring-team \| cluster-wide \| \[ClusterRoleBinding prometheus\]\(agg\.yaml#L25\) \(agg\.yaml:25\) → \[ClusterRole monitoring\]\(agg\.yaml#L4\) \(agg\.yaml:4\) \(aggregates it\) \|/);
});
