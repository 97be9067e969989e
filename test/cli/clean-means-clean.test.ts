/**
 * "A clean result means clean" (issue #17), through the CLI as a process: every input is analysed or
 * fails the scan, `{{` in values is not a template, broken YAML is always reported, duplicates do not
 * depend on order, and very large results do not crash.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN, tmpTree, PRIVILEGED_POD, scanCli, JsonFinding } from '../helpers/cli';


const scan = (cwd: string, args: string[], input?: string) => scanCli(cwd, ['--no-config', ...args], input);

const tmp = (files: Record<string, string>): string => tmpTree(files, 'k8s-guardrails-clean-');

const rules = (fs: JsonFinding[], file?: string) => fs.filter((f) => !file || f.file === file).map((f) => f.rule);


// Shaped like kube-prometheus' grafana-dashboardDefinitions.yaml: Go-template text inside a JSON string value.
const GRAFANA_DASHBOARDS = `apiVersion: v1
kind: ConfigMapList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: grafana-dashboard-apiserver
    namespace: monitoring
  data:
    apiserver.json: |-
      {
        "panels": [{"targets": [{"expr": "sum(rate(apiserver_request_total[5m]))", "legendFormat": "{{ instance }}"}]}],
        "title": "Kubernetes / API server"
      }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: grafana
  namespace: monitoring
spec:
  selector:
    matchLabels: {app: grafana}
  template:
    metadata:
      labels: {app: grafana}
    spec:
      containers:
      - name: grafana
        image: grafana/grafana:11.2.0
        securityContext:
          privileged: true
`;

// Shaped like kube-prometheus' alertmanager-prometheusRule.yaml.
const PROMETHEUS_RULE = `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: alertmanager-main-rules
  namespace: monitoring
spec:
  groups:
  - name: alertmanager.rules
    rules:
    - alert: AlertmanagerFailedReload
      annotations:
        description: Configuration has failed to load for {{ $labels.namespace }}/{{ $labels.pod}}.
        summary: Reloading an Alertmanager configuration has failed.
      expr: max_over_time(alertmanager_config_last_reload_successful[5m]) == 0
---
apiVersion: v1
kind: Pod
metadata:
  name: sidecar
  namespace: monitoring
spec:
  hostPID: true
  containers:
  - name: c
    image: busybox:1.36
`;

test('{{ … }} inside values is not a template: a Grafana dashboard ConfigMap and a PrometheusRule are analysed', () => {
  const dir = tmp({ 'dashboards.yaml': GRAFANA_DASHBOARDS, 'rules.yaml': PROMETHEUS_RULE });
  const r = scan(dir, ['.', '--format', 'json']);
  assert.equal(r.code, 1, r.stderr);
  assert.ok(!rules(r.findings).includes('not-analysed'), r.stdout);
  assert.ok(r.findings.some((f) => f.file === 'dashboards.yaml' && f.rule === 'privileged-container'), r.stdout);
  assert.ok(r.findings.some((f) => f.file === 'rules.yaml' && f.rule === 'host-namespaces'), r.stdout);
  assert.doesNotMatch(r.stderr, /not analysed/);
});

test('a template that YAML cannot read is a not-analysed error on its first line; a Helm chart that cannot be rendered is one on its Chart.yaml', () => {
  const dir = tmp({
    'raw/pod.yaml': '{{- if .Values.enabled }}\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n{{- end }}\n',
    'raw/unquoted.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\nspec:\n  containers:\n  - name: a\n    image: nginx\n',
    // Parses as YAML, but it is a chart template: analysed only as rendered.
    'chart/Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 1.0.0\n',
    'chart/values.yaml': 'image: nginx\n',
    'chart/templates/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "{{ .Release.Name }}"\nspec:\n  containers:\n  - name: a\n    image: "{{ .Values.image }}"\n',
    'pod.yaml': PRIVILEGED_POD,
  });
  // No helm here (test/cli/helm.test.ts renders charts with a real one).
  const noHelm = ['--helm', path.join(dir, 'no-such-helm')];
  const r = scan(dir, ['.', '--format', 'json', ...noHelm]);
  assert.equal(r.code, 1);
  const na = r.findings.filter((f) => f.rule === 'not-analysed');
  assert.deepEqual(na.map((f) => [f.file, f.severity, f.range.start.line]).sort(), [
    ['chart/Chart.yaml', 'error', 0],
    ['raw/pod.yaml', 'error', 0],
    ['raw/unquoted.yaml', 'error', 0],
  ]);
  assert.match(na.find((f) => f.file === 'chart/Chart.yaml')!.message, /the chart cannot be rendered: .*not installed.*install helm/);
  assert.match(na.find((f) => f.file === 'raw/pod.yaml')!.message, /a template \(Helm, Go\)/);
  // Nothing else is reported on them.
  assert.deepEqual(rules(r.findings, 'raw/unquoted.yaml'), ['not-analysed']);
  assert.deepEqual(rules(r.findings, 'chart/templates/pod.yaml'), []);
  // SARIF carries them as errors.
  const sarif = JSON.parse(scan(dir, ['.', '--format', 'sarif', ...noHelm]).stdout);
  const results = sarif.runs[0].results.filter((x: { ruleId: string }) => x.ruleId === 'not-analysed');
  assert.equal(results.length, 3);
  assert.ok(results.every((x: { level: string }) => x.level === 'error'));
});

test('not-analysed: only an ignore entry with a reason in the config accepts a file; settings cannot turn it off', () => {
  const dir = tmp({ 'big.yaml': PRIVILEGED_POD + '#' + 'x'.repeat(3000) + '\n', 'pod.yaml': PRIVILEGED_POD.replace('privileged: true', 'privileged: false').replace('agent', 'small') });
  const base = ['.', '--format', 'json', '--max-file-size', '2KiB', '--fail-on', 'error'];
  const plain = scan(dir, base);
  assert.equal(plain.code, 1, 'the file over the limit fails the scan');
  assert.deepEqual(rules(plain.findings, 'big.yaml'), ['not-analysed']);
  for (const flag of [['--disable', 'not-analysed'], ['--enable', 'not-analysed=info']]) {
    const r = scan(dir, [...base, ...flag]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /rule 'not-analysed' cannot be turned off or re-graded/);
  }
  fs.writeFileSync(path.join(dir, 'off.yaml'), 'rules:\n  not-analysed: off\n');
  const off = spawnSync(process.execPath, [BIN, 'scan', ...base, '--config', 'off.yaml'], { cwd: dir, encoding: 'utf8' });
  assert.equal(off.status, 2);
  assert.match(off.stderr, /off\.yaml:2:\d+: rule "not-analysed" cannot be turned off or re-graded/);
  fs.writeFileSync(path.join(dir, 'noreason.yaml'), 'ignore:\n  - rule: not-analysed\n    path: big.yaml\n');
  const noReason = spawnSync(process.execPath, [BIN, 'scan', ...base, '--config', 'noreason.yaml'], { cwd: dir, encoding: 'utf8' });
  assert.equal(noReason.status, 2, 'an ignore needs a reason');
  fs.writeFileSync(path.join(dir, 'ok.yaml'), 'ignore:\n  - rule: not-analysed\n    path: big.yaml\n    reason: generated bundle, checked upstream\n');
  const ok = spawnSync(process.execPath, [BIN, 'scan', ...base, '--config', 'ok.yaml'], { cwd: dir, encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout).findings.filter((f: JsonFinding) => f.file === 'big.yaml'), []);
});

test('invalid YAML is always reported, also when bad indentation swallows kind', () => {
  const dir = tmp({
    'swallowed.yaml': 'apiVersion: v1\n  kind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: c\n    image: nginx\n    securityContext: {privileged: true}\n',
    'notes.yml': 'title: [unclosed\n',
    'pod.yaml': PRIVILEGED_POD,
  });
  const r = scan(dir, ['.', '--format', 'json']);
  assert.equal(r.code, 1);
  const syntax = r.findings.filter((f) => f.rule === 'yaml-syntax');
  assert.deepEqual(syntax.map((f) => f.file).sort(), ['notes.yml', 'swallowed.yaml']);
  assert.equal(syntax.find((f) => f.file === 'swallowed.yaml')!.range.start.line, 1);
  assert.match(syntax.find((f) => f.file === 'swallowed.yaml')!.message, /bad indentation of a mapping entry/);
  // Alone, the broken file still fails the scan (and is not "nothing analysed" in disguise).
  const alone = scan(dir, ['swallowed.yaml', '--format', 'json', '--fail-on', 'error']);
  assert.notEqual(alone.code, 0);
  assert.deepEqual(rules(alone.findings), ['yaml-syntax']);
});

const NS = (level: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: ${level}
`;
const HOST_PID_POD = `apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: shop
spec:
  hostPID: true
  containers:
  - name: c
    image: busybox:1.36
`;

test('duplicate Namespaces given in both orders: the same findings, a duplicate-resource warning at both, the strictest level counts', () => {
  const dir = tmp({ 'a/ns.yaml': NS('privileged'), 'b/ns.yaml': NS('baseline'), 'pod.yaml': HOST_PID_POD });
  const one = scan(dir, ['a/ns.yaml', 'b/ns.yaml', 'pod.yaml', '--format', 'json']);
  const other = scan(dir, ['pod.yaml', 'b/ns.yaml', 'a/ns.yaml', '--format', 'json']);
  assert.equal(one.stdout, other.stdout, 'argument order changes nothing');
  const dups = one.findings.filter((f) => f.rule === 'duplicate-resource');
  assert.deepEqual(dups.map((f) => [f.file, f.severity, f.range.start.line]), [
    ['a/ns.yaml', 'warning', 3],
    ['b/ns.yaml', 'warning', 3],
  ]);
  assert.match(dups[0].message, /Namespace shop is also defined, with different content, at b\/ns\.yaml:4/);
  // baseline (the stricter of privileged and baseline) governs: hostPID is reported, from b/ns.yaml.
  const pss = one.findings.find((f) => f.rule === 'host-namespaces');
  assert.ok(pss, one.stdout);
  assert.match(pss.message, /baseline latest from Namespace shop \(ns\.yaml:5\)/);
  // Identical copies are not duplicates.
  const same = tmp({ 'a.yaml': NS('baseline'), 'b.yaml': NS('baseline'), 'pod.yaml': HOST_PID_POD });
  assert.ok(!rules(scan(same, ['.', '--format', 'json']).findings).includes('duplicate-resource'));
});

test('a one-line List of 20,000 pods: every finding reported, no stack overflow', () => {
  const items = [];
  for (let i = 0; i < 20000; i++)
    items.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: 'load' }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true } }] } });
  const dir = tmp({ 'list.yaml': JSON.stringify({ apiVersion: 'v1', kind: 'List', items }) + '\n' });
  const r = scan(dir, ['list.yaml', '--format', 'json', '-o', 'out.json']);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr, '');
  const findings: JsonFinding[] = JSON.parse(fs.readFileSync(path.join(dir, 'out.json'), 'utf8')).findings;
  assert.ok(findings.length >= 200_000, `${findings.length} findings`);
  assert.equal(findings.filter((f) => f.rule === 'privileged-container').length, 20000);
  const text = scan(dir, ['list.yaml', '--fail-on', 'error']);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /\n✖ \d{6} problems \(.*\) in 1 file of 1 scanned\. 40000 at or above error \(--fail-on error\)\.\n$/);
});
