/**
 * Helm charts through the CLI, rendered by real helm binaries (helm 3 and
 * helm 4, from devDependencies: test/helpers/helm.ts). Tests as data:
 * test/fixtures/helm/own holds a workspace and `expected.txt`, every finding
 * of `scan . --format json` as `file:line rule Kind/rendered-name release`;
 * test/fixtures/helm/public holds two public charts as published.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO } from '../helpers/lsp-client';
import { readExpected } from '../helpers/expected';
import { helmBinaries } from '../helpers/helm';
import { scanCli, JsonFinding } from '../helpers/cli';

const OWN = path.join(REPO, 'test/fixtures/helm/own');
const PUBLIC = path.join(REPO, 'test/fixtures/helm/public');
const HELMS = helmBinaries();

const scan = (cwd: string, args: string[]) => scanCli(cwd, args);

const line = (f: JsonFinding) => `${f.file}:${f.range.start.line + 1} ${f.rule} ${f.resource ? `${f.resource.kind}/${f.resource.name}` : '-/-'} ${f.helm?.release ?? '-'}`;
const textAt = (file: string, f: JsonFinding) => fs.readFileSync(file, 'utf8').split('\n')[f.range.start.line].slice(f.range.start.character);

test('the helm binaries of the devDependencies are there (linux-amd64)', { skip: process.platform !== 'linux' || process.arch !== 'x64' }, () => {
  assert.deepEqual(HELMS.map((h) => h.major), [3, 4]);
  for (const h of HELMS) {
    const v = spawnSync(h.path, ['version', '--short'], { encoding: 'utf8' });
    assert.match(v.stdout, new RegExp(`^v${h.major}\\.`));
  }
});

for (const helm of HELMS) {
  const opts = ['--helm', helm.path];

  test(`helm ${helm.major}: every finding of the own fixture, on the template or values line, one per template line across releases`, () => {
    const expected = readExpected(path.join(OWN, 'expected.txt'));
    const r = scan(OWN, ['.', '--format', 'json', ...opts]);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(r.findings.map(line).filter(expected.about).sort(), [...expected.lines].sort());
    // No template is analysed as plain YAML, and the library chart is said to render nothing by itself.
    assert.ok(!r.findings.some((f) => f.rule === 'not-analysed'));
    assert.match(r.stderr, /charts\/common: a library chart renders nothing by itself/);
  });

  test(`helm ${helm.major}: a value from values is reported on the values line, with the template line as related information`, () => {
    const r = scan(OWN, ['.', '--format', 'sarif', ...opts]);
    const results = JSON.parse(r.stdout).runs[0].results as any[];
    const priv = results.find((x) => x.ruleId === 'privileged-container');
    assert.equal(priv.locations[0].physicalLocation.artifactLocation.uri, 'charts/web/charts/agent/values.yaml');
    assert.equal(priv.relatedLocations[0].physicalLocation.artifactLocation.uri, 'charts/web/charts/agent/templates/daemonset.yaml');
    assert.equal(priv.relatedLocations[0].physicalLocation.region.startLine, 18);
    assert.deepEqual(priv.properties.helm, { chart: 'charts/web', release: 'web-dev' });

    const j = scan(OWN, ['.', '--format', 'json', ...opts]);
    // The release's values file wins over the chart's values.yaml; `set:` lands on the configuration line.
    const ape = j.findings.find((f) => f.rule === 'allow-privilege-escalation' && f.file === 'deploy/prod-values.yaml')!;
    assert.equal(textAt(path.join(OWN, ape.file), ape), 'true');
    assert.deepEqual(ape.resource, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web-prod', namespace: 'prod' });
    assert.deepEqual(ape.helm, { chart: 'charts/web', release: 'web-prod' });
    const hostNet = j.findings.find((f) => f.rule === 'host-namespaces')!;
    assert.equal(hostNet.file, '.k8s-guardrails.yaml');
    assert.equal(textAt(path.join(OWN, hostNet.file), hostNet), 'true}');
    // A chart that fails to render is one error with helm's own message.
    const failed = j.findings.filter((f) => f.rule === 'helm-render-failed');
    assert.equal(failed.length, 1);
    assert.match(failed[0].message, /replicas is required/);
  });

  test(`helm ${helm.major}: a public node-agent chart (privileged host access) — hostPath volumes on the template, host namespaces on values.yaml`, () => {
    const dir = path.join(PUBLIC, 'prometheus-node-exporter');
    const r = scan(dir, ['.', '--format', 'json', '--no-config', ...opts]);
    assert.equal(r.code, 1, r.stderr);
    const chart = 'charts/prometheus-node-exporter';
    const hostPaths = r.findings.filter((f) => f.rule === 'host-path-volumes');
    assert.deepEqual(hostPaths.map((f) => `${f.file}:${f.range.start.line + 1}`), [343, 346, 350].map((n) => `${chart}/templates/daemonset.yaml:${n}`));
    const ns = r.findings.filter((f) => f.rule === 'host-namespaces');
    assert.deepEqual(ns.map((f) => `${f.file}:${f.range.start.line + 1}`), [`${chart}/values.yaml:382`, `${chart}/values.yaml:390`]);
    assert.ok(ns.every((f) => f.resource?.kind === 'DaemonSet' && f.helm?.release === 'prometheus-node-exporter'));
    assert.ok(!r.findings.some((f) => f.rule === 'not-analysed' || f.rule === 'helm-render-failed'));
  });

  test(`helm ${helm.major}: a public chart whose securityContext comes from values through toYaml — a release's values file is blamed`, () => {
    const chart = path.join(PUBLIC, 'metrics-server/charts/metrics-server');
    // As published: a hardened container, no Pod Security finding.
    const plain = scan(path.dirname(path.dirname(chart)), ['.', '--format', 'json', '--no-config', ...opts]);
    assert.ok(!plain.findings.some((f) => (f as any).pss), JSON.stringify(plain.findings.filter((f) => (f as any).pss)));
    // A release that turns privileged on.
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-guardrails-helm-test-'));
    fs.writeFileSync(path.join(ws, 'prod-values.yaml'), 'replicas: 2\nsecurityContext:\n  privileged: true\n');
    fs.writeFileSync(
      path.join(ws, '.k8s-guardrails.yaml'),
      `helm:\n  releases:\n    - chart: ${JSON.stringify(chart)}\n      name: metrics\n      namespace: kube-system\n      values: [prod-values.yaml]\n`,
    );
    const r = scan(ws, ['.', chart, '--format', 'json', ...opts]);
    const priv = r.findings.find((f) => f.rule === 'privileged-container')!;
    assert.equal(priv.file, 'prod-values.yaml');
    assert.equal(priv.range.start.line, 2);
    assert.deepEqual(priv.resource, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'metrics-metrics-server', namespace: 'kube-system' });
    assert.equal(priv.helm?.release, 'metrics');
    fs.rmSync(ws, { recursive: true, force: true });
  });
}

test('no helm: one not-analysed error per chart (exit 1) and one line on how to install helm or point to it', () => {
  const r = scan(OWN, ['.', '--format', 'json', '--helm', path.join(os.tmpdir(), 'no-such-helm-here')]);
  assert.equal(r.code, 1, r.stderr);
  const na = r.findings.filter((f) => f.rule === 'not-analysed');
  assert.deepEqual(na.map((f) => f.file).sort(), ['charts/broken/Chart.yaml', 'charts/web/Chart.yaml']);
  assert.ok(na.every((f) => f.severity === 'error' && /--helm <path>/.test(f.message)));
  assert.equal(r.stderr.match(/cannot render Helm charts: .*install helm/g)?.length, 1, r.stderr);
  assert.ok(!r.findings.some((f) => f.helm || f.rule === 'helm-render-failed'));
});

test('--no-helm: charts are skipped, each is a not-analysed error, and stderr says so', () => {
  const r = scan(OWN, ['.', '--format', 'json', '--no-helm']);
  assert.equal(r.code, 1);
  assert.deepEqual(r.findings.map((f) => `${f.file} ${f.rule}`).sort(), ['charts/broken/Chart.yaml not-analysed', 'charts/web/Chart.yaml not-analysed']);
  assert.match(r.stderr, /not rendered \(--no-helm\): 2 charts not analysed/);
});

test('helm.command in .k8s-guardrails.yaml is refused: a repository never picks the executable', () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-guardrails-helm-test-'));
  fs.writeFileSync(path.join(ws, '.k8s-guardrails.yaml'), 'helm:\n  command: ./evil.sh\n');
  fs.writeFileSync(path.join(ws, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x}]\n');
  const r = scan(ws, ['.']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown key "helm\.command".*machine setting: --helm or k8sGuardrails\.helm\.command/);
  fs.rmSync(ws, { recursive: true, force: true });
});

test('a release whose chart folder does not exist is a configuration error (exit 2)', () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-guardrails-helm-test-'));
  fs.writeFileSync(path.join(ws, '.k8s-guardrails.yaml'), 'helm:\n  releases:\n    - chart: charts/gone\n      name: gone\n');
  fs.writeFileSync(path.join(ws, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x}]\n');
  const r = scan(ws, ['.']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /helm release gone: charts\/gone is not a chart folder/);
  fs.rmSync(ws, { recursive: true, force: true });
});
