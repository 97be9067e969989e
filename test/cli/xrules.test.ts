/**
 * Issue #22's Service, Ingress, ConfigMap and ServiceAccount rules through the built CLI as a process: what the
 * messages tell (the fixtures under test/fixtures/rules assert where findings are), and that a rule is turned off.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO } from '../helpers/lsp-client';
import { BIN, JsonFinding } from '../helpers/cli';

const FIXTURES = path.join(REPO, 'test/fixtures/rules');

function scan(args: string[]): JsonFinding[] {
  const r = spawnSync(process.execPath, [BIN, 'scan', '--format', 'json', '--no-config', ...args], { encoding: 'utf8', cwd: REPO });
  assert.ok(r.stdout, r.stderr);
  return JSON.parse(r.stdout).findings;
}

test('service-exposed: info; the message says whether loadBalancerSourceRanges is set', () => {
  const found = scan([path.join(FIXTURES, 'hardening/service-exposed.yaml')]).filter((f) => f.rule === 'service-exposed');
  assert.equal(found.length, 3);
  assert.ok(found.every((f) => f.severity === 'info'));
  const [nodePort, open, restricted] = found;
  assert.match(nodePort.message, /type NodePort.*loadBalancerSourceRanges does not apply/);
  assert.match(open.message, /loadBalancerSourceRanges is not set, so any client may connect: set it/);
  assert.match(restricted.message, /internal load balancer \(annotation service\.beta\.kubernetes\.io\/aws-load-balancer-internal\); loadBalancerSourceRanges restricts clients to 10\.0\.0\.0\/8/);
});

test('secret-in-configmap: on the embedded line of a block scalar, the value never shown', () => {
  const found = scan([path.join(FIXTURES, 'hardening/secret-in-configmap.yaml')]).filter((f) => f.rule === 'secret-in-configmap');
  const embedded = found.find((f) => f.message.includes('spring.datasource.password'))!;
  assert.ok(embedded, JSON.stringify(found.map((f) => f.message)));
  assert.equal(embedded.range.start.line, 15);
  assert.equal(embedded.range.start.character, 4);
  assert.match(embedded.message, /data key app\.properties sets spring\.datasource\.password to a literal/);
  for (const f of found) assert.doesNotMatch(f.message, /S3cr3t|Pg-S3cr3t|AKIAZ7|ghp_|xoxb-|MIIE/);
});

test('dangling-service and nonexistent-service-account name what the workspace holds; rules can be turned off', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-guardrails-xrules-'));
  fs.writeFileSync(
    path.join(dir, 'app.yaml'),
    'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: shop}\n---\n' +
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      serviceAccountName: webb\n      containers: [{name: c, image: "nginx:1.27"}]\n---\n' +
      'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {app: wbe}\n  ports: [{port: 80}]\n',
  );
  const found = scan([dir]);
  const svc = found.find((f) => f.rule === 'dangling-service')!;
  assert.equal(svc.severity, 'info');
  assert.match(svc.message, /selector \(app=wbe\) matches the pod template of not even the one workload in namespace shop: web \(app=web\)/);
  const sa = found.find((f) => f.rule === 'nonexistent-service-account')!;
  assert.match(sa.message, /Deployment web runs as ServiceAccount webb, which the workspace does not define in namespace shop \(it defines web there\)/);
  fs.writeFileSync(path.join(dir, '.k8s-guardrails.yaml'), 'rules:\n  dangling-service: off\n');
  const r = spawnSync(process.execPath, [BIN, 'scan', '--format', 'json', dir], { encoding: 'utf8', cwd: dir });
  const rules = JSON.parse(r.stdout).findings.map((f: JsonFinding) => f.rule);
  assert.ok(!rules.includes('dangling-service') && rules.includes('nonexistent-service-account'), rules.join(', '));
});
