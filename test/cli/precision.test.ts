/**
 * Issue #18 items 2–5 through the built CLI as a process: no false alarms a
 * platform team would switch off, and no finding hidden behind another.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO } from '../helpers/lsp-client';
import { BIN, tmpTree, JsonFinding } from '../helpers/cli';

const FIXTURES = path.join(REPO, 'test/fixtures/rules');

function run(args: string[], cwd = REPO): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd });
}

function scan(args: string[], cwd = REPO): JsonFinding[] {
  const r = run(['scan', '--format', 'json', ...args], cwd);
  assert.ok(r.stdout, r.stderr);
  return JSON.parse(r.stdout).findings;
}

const tmp = (files: Record<string, string>): string => tmpTree(files, 'k8s-guardrails-precision-');

/** 1-based line of the first line matching `re`. */
function lineOf(file: string, re: RegExp): number {
  const i = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => re.test(l));
  assert.ok(i >= 0, `${re} not in ${file}`);
  return i + 1;
}

test('item 4: a policy with port 1-65535 next to 0.0.0.0/0 gets both findings, each on its line', () => {
  const file = path.join(FIXTURES, 'netpol/netpol-invalid-port-and-internet.yaml');
  const got = scan([file]).filter((f) => f.rule.startsWith('netpol-'));
  const first = got.filter((f) => f.range.start.line + 1 <= lineOf(file, /^---/));
  assert.deepEqual(first.map((f) => `${f.range.start.line + 1} ${f.rule}`).sort(), [
    `${lineOf(file, /^\s+cidr: 0\.0\.0\.0\/0/)} netpol-egress-to-internet`,
    `${lineOf(file, /^\s+port: 1-65535/)} netpol-invalid-port`,
  ]);
  const internet = first.find((f) => f.rule === 'netpol-egress-to-internet')!;
  assert.equal(internet.severity, 'warning');
  assert.match(internet.message, /would allow TCP 1-65535 \(invalid\) to the public internet: ipBlock 0\.0\.0\.0\/0/);
  assert.match(internet.message, /API server rejects the policy today/);
});

test('item 4: a hostNetwork workload is told NetworkPolicies do not apply, not counted as isolated', () => {
  const file = path.join(FIXTURES, 'netpol/missing-network-policy-hostnetwork.yaml');
  const got = scan([file]).filter((f) => f.rule === 'missing-network-policy');
  assert.equal(got.length, 2, JSON.stringify(got, null, 1));
  const ds = got.find((f) => /DaemonSet node-exporter/.test(f.message))!;
  assert.equal(ds.severity, 'info');
  assert.match(ds.message, /uses hostNetwork: NetworkPolicies do not apply to its pods .* the 1 policy selecting them in namespace monitoring has no effect/);
  assert.match(got.find((f) => /Pod probe/.test(f.message))!.message, /no NetworkPolicy can isolate them/);
  // A configured severity wins.
  const warn = scan(['--enable', 'missing-network-policy=warning', file]).filter((f) => f.rule === 'missing-network-policy');
  assert.deepEqual(warn.map((f) => f.severity), ['warning', 'warning']);
});

test('item 4: netpol-selects-nothing says why it reports, and is quiet for operator-created pods', () => {
  const dir = path.join(FIXTURES, 'netpol/netpol-selects-nothing-operators.workspace');
  const got = scan([dir]).filter((f) => f.rule === 'netpol-selects-nothing');
  assert.deepEqual(got.map((f) => /NetworkPolicy ([\w-]+)/.exec(f.message)![1]).sort(), ['grafana-typo', 'job-pods', 'orders-cache']);
  const typo = got.find((f) => /grafana-typo/.test(f.message))!;
  assert.match(typo.message, /matches the pod template of not even the one workload in namespace monitoring: grafana \(app\.kubernetes\.io\/name=grafana\)/);
  assert.match(typo.message, /no custom resource in it has matching labels, the selector uses no label that operators or controllers set, and no workload here may create pods in the namespace \(RBAC\)/);
  // longhorn.yaml: the instance-manager policy selects pods longhorn-manager creates (its ServiceAccount may create pods).
  assert.ok(!got.some((f) => /instance-manager/.test(f.message)));
  // rolebinding-scope.yaml: a RoleBinding lets a ServiceAccount create pods only in the RoleBinding's namespace.
  assert.match(got.find((f) => /job-pods/.test(f.message))!.message, /in namespace build: runner/);
  assert.ok(!got.some((f) => /agent-jobs/.test(f.message)));
});

const EXPLICIT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: operator
  namespace: ops
spec:
  selector: {matchLabels: {app: operator}}
  template:
    metadata: {labels: {app: operator}}
    spec:
      serviceAccountName: operator
      automountServiceAccountToken: true
      containers:
      - name: operator
        image: operator:1.2.3
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: operator
  namespace: ops
`;

test('item 3: an explicit automountServiceAccountToken: true is quiet by default, reported with hardening.reportExplicitAutomountToken', () => {
  const quiet = tmp({ 'op.yaml': EXPLICIT });
  assert.deepEqual(scan(['op.yaml'], quiet).filter((f) => f.rule === 'automount-service-account-token'), []);
  const loud = tmp({ 'op.yaml': EXPLICIT, '.k8s-guardrails.yaml': 'hardening:\n  reportExplicitAutomountToken: true\n' });
  const got = scan(['op.yaml'], loud).filter((f) => f.rule === 'automount-service-account-token');
  assert.equal(got.length, 1, 'one finding per workload, none on the ServiceAccount');
  assert.equal(got[0].severity, 'warning');
  assert.equal(got[0].range.start.line + 1, 12);
  assert.match(got[0].message, /sets automountServiceAccountToken: true.*hardening\.reportExplicitAutomountToken is on/);
  // Without the explicit true: one finding, on the workload, none on the ServiceAccount.
  const silent = tmp({ 'op.yaml': EXPLICIT.replace('      automountServiceAccountToken: true\n', '') });
  const one = scan(['op.yaml'], silent).filter((f) => f.rule === 'automount-service-account-token');
  assert.deepEqual(one.map((f) => f.message.split(' ').slice(0, 2).join(' ')), ['Deployment operator']);
  // A typo in the option is a configuration error (exit 2), never a silent default.
  const typo = tmp({ 'op.yaml': EXPLICIT, '.k8s-guardrails.yaml': 'hardening:\n  reportExplicitAutomountTokens: true\n' });
  const r = run(['scan', 'op.yaml'], typo);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown key "hardening\.reportExplicitAutomountTokens" \(did you mean "reportExplicitAutomountToken"\?\)/);
});

test('item 2: literal-secret-in-env says which step matched and never shows the value', () => {
  const file = path.join(FIXTURES, 'hardening/literal-secret-in-env-truth-table.yaml');
  const text = fs.readFileSync(file, 'utf8');
  const got = scan(['--disable', 'image-latest-tag,run-as-non-root,seccomp-profile-missing,allow-privilege-escalation,capabilities-restricted', file]).filter(
    (f) => f.rule === 'literal-secret-in-env',
  );
  assert.equal(got.length, (text.match(/# expect: literal-secret-in-env/g) ?? []).length);
  const by = (name: string) => got.find((f) => f.message.includes(` ${name} `))!.message;
  assert.match(by('GITHUB_TOKEN'), /\(its value has the shape of a GitHub token\)/);
  assert.match(by('POSTGRES_PASSWORD'), /\(its name marks a secret\)/);
  assert.match(by('AUTH_TOKEN'), /\(its name and its random-looking value mark a secret\)/);
  assert.match(by('DATABASE_URL'), /\(its value has the shape of a URL with a password\)/);
  for (const f of got) assert.doesNotMatch(f.message, /changeme|hunter2|ghp_|Pq7vR2xK9m|7f3a9c2e/);
});

test('item 5: a namespace-less install links its ServiceAccount subjects to its workloads', () => {
  const dir = path.join(FIXTURES, 'rbac/namespace-less-install.workspace');
  const got = scan([dir]);
  const install = got.filter((f) => path.basename(f.file) === 'install.yaml');
  assert.ok(!install.some((f) => f.rule === 'rbac-dangling-binding'), JSON.stringify(install, null, 1));
  const risk = install.filter((f) => f.rule === 'rbac-workload-high-risk');
  assert.match(risk.find((f) => /StatefulSet/.test(f.message))!.message, /StatefulSet argocd\/argocd-application-controller runs as ServiceAccount argocd\/argocd-application-controller, which has full/);
  assert.match(risk.find((f) => /Deployment/.test(f.message))!.message, /Deployment argocd\/argocd-redis runs as ServiceAccount argocd\/argocd-redis/);
  // Ambiguous evidence (two namespaces): nothing placed, nothing claimed.
  const other = got.filter((f) => path.basename(f.file) === 'other-installs.yaml');
  assert.ok(!other.some((f) => f.rule === 'rbac-workload-high-risk'), JSON.stringify(other, null, 1));
  assert.equal(other.filter((f) => f.rule === 'rbac-dangling-binding').length, 2);
});
