/** The CLI as CI runs it: real process, real files, exit codes and the JSON contract. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO } from '../helpers/lsp-client';
import { BIN, tmpTree } from '../helpers/cli';


function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', cwd: REPO });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = (files: Record<string, string>): string => tmpTree(files, 'k8s-guardrails-cli-');

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      initContainers:
      - name: init
        image: busybox:1.36
        securityContext:
          privileged: true
      containers:
      - name: app
        image: nginx:1.27
`;

test('json: privileged init container reported with the PSS check on the right line', () => {
  const dir = tmp({ 'deploy.yaml': DEPLOY });
  const r = run(['scan', '--format', 'json', '--pss-level', 'baseline', path.join(dir, 'deploy.yaml')]);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.version, 1);
  const f = out.findings.find((x: any) => x.rule === 'privileged-container');
  assert.ok(f, r.stdout);
  assert.deepEqual(f.pss, { level: 'baseline', check: 'privileged' });
  assert.equal(f.severity, 'error');
  assert.equal(f.file, path.join(dir, 'deploy.yaml'));
  assert.deepEqual(f.range, { start: { line: 12, character: 22 }, end: { line: 12, character: 26 } });
  assert.deepEqual(f.resource, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' });
  assert.deepEqual(Object.keys(f).sort(), ['file', 'message', 'pss', 'range', 'resource', 'rule', 'severity']);
});

test('non-Kubernetes YAML: no findings; with no Kubernetes object at all, nothing was analysed (exit 2)', () => {
  const dir = tmp({ 'ci.yml': 'on: push\njobs: {b: {runs-on: x}}\n', 'compose.yaml': 'services:\n  a: {privileged: true}\n' });
  const r = run(['scan', '--format', 'json', dir]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /nothing was analysed/);
  assert.deepEqual(JSON.parse(r.stdout), { version: 1, findings: [] });
  fs.writeFileSync(path.join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: x}\n');
  const withObject = run(['scan', '--format', 'json', dir]);
  assert.equal(withObject.code, 0, withObject.stderr);
  assert.deepEqual(JSON.parse(withObject.stdout), { version: 1, findings: [] });
});

test('missing file: exit 2 with a clear message', () => {
  const r = run(['scan', 'does-not-exist.yaml']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot read 'does-not-exist.yaml': no such file or directory/);
  assert.equal(r.stdout, '');
});

test('usage errors exit 2', () => {
  assert.equal(run(['scan', '--format', 'xml', 'x.yaml']).code, 2);
  assert.equal(run(['scan', '--pss-version', 'v2', '-']).code, 2);
  assert.equal(run(['frobnicate']).code, 2);
  assert.equal(run(['scan', '--bogus', 'x']).code, 2);
});

test('directories recurse into *.yaml/*.yml, skipping node_modules and .git', () => {
  const dir = tmp({ 'a/pod.yml': DEPLOY, 'node_modules/x/pod.yaml': DEPLOY, '.git/pod.yaml': DEPLOY, 'notes.txt': DEPLOY });
  const r = run(['scan', '--format', 'json', '--pss-level', 'baseline', dir]);
  const files = new Set(JSON.parse(r.stdout).findings.map((f: any) => path.relative(dir, f.file)));
  assert.deepEqual([...files], [path.join('a', 'pod.yml')]);
});

test('stdin with -, text format', () => {
  const r = run(['scan', '--pss-level', 'baseline', '-'], DEPLOY);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^<stdin>\n(.*\n)* {2}13:23 +error +.*  privileged-container$/m);
});

const JOBSET = `apiVersion: jobset.x-k8s.io/v1alpha2
kind: JobSet
metadata:
  name: trainer
spec:
  replicatedJobs:
  - name: driver
    template:
      spec:
        template:
          spec:
            containers:
            - name: driver
              image: trainer:1.4.2
  - name: workers
    template:
      spec:
        template:
          spec:
            containers:
            - name: worker
              image: trainer:1.4.2
              securityContext:
                privileged: true
`;

test('json: a privileged pod in a JobSet is an error naming the path to its pod spec', () => {
  const dir = tmp({ 'jobset.yaml': JOBSET });
  const r = run(['scan', '--format', 'json', path.join(dir, 'jobset.yaml')]);
  assert.equal(r.code, 1, r.stderr);
  const found = JSON.parse(r.stdout).findings.filter((x: any) => x.rule === 'privileged-container');
  assert.equal(found.length, 1, r.stdout);
  const f = found[0];
  assert.equal(f.severity, 'error');
  assert.deepEqual(f.range.start, { line: 23, character: 28 });
  assert.deepEqual(f.resource, { apiVersion: 'jobset.x-k8s.io/v1alpha2', kind: 'JobSet', name: 'trainer' });
  assert.match(f.message, /^container "worker" sets securityContext\.privileged=true in pod spec spec\.replicatedJobs\[1\]\.template\.spec\.template\.spec of JobSet trainer /);
});
