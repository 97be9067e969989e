/**
 * Kustomize through the CLI, with the real `kubectl kustomize` every machine
 * here has. Tests as data: each folder of test/fixtures/kustomize/ holds a
 * workspace and `expected.txt`, every finding of `scan . --format json` as
 * `file:line rule Kind/rendered-name kustomization`.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { REPO } from '../helpers/lsp-client';
import { readExpected } from '../helpers/expected';
import { scanCli, JsonFinding } from '../helpers/cli';

const FIXTURES = path.join(REPO, 'test/fixtures/kustomize');
const SHOP = path.join(FIXTURES, 'shop');

const scan = (cwd: string, args: string[]) => scanCli(cwd, args);

const line = (f: JsonFinding) => `${f.file}:${f.range.start.line + 1} ${f.rule} ${f.resource ? `${f.resource.kind}/${f.resource.name}` : '-/-'} ${f.kustomization ?? '-'}`;

function copy(src: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-guardrails-kustomize-test-'));
  fs.cpSync(src, dir, { recursive: true });
  return dir;
}

for (const name of fs.readdirSync(FIXTURES)) {
  const dir = path.join(FIXTURES, name);
  const expectedFile = path.join(dir, 'expected.txt');
  if (!fs.existsSync(expectedFile)) continue;
  test(`fixture ${name}: every finding, mapped to its file and line, with the rendered name`, () => {
    const expected = readExpected(expectedFile);
    const r = scan(dir, ['.', '--format', 'json']);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(r.findings.map(line).filter(expected.about).sort(), [...expected.lines].sort());
  });
}

test('shop: a patch that alone looks insecure raises nothing as part of its overlay (on its own, it is one incomplete-resource note)', () => {
  const r = scan(SHOP, ['.', '--format', 'json']);
  assert.ok(!r.findings.some((f) => f.file === 'overlays/staging/replicas.yaml'));
  // Analysed as written (no rendering), the same file is a partial Deployment, and the base is reported under its own name.
  const plain = scan(SHOP, ['.', '--format', 'json', '--no-kustomize']);
  const alone = plain.findings.filter((f) => f.file === 'overlays/staging/replicas.yaml').map((f) => f.rule);
  assert.deepEqual(alone, ['incomplete-resource']);
  assert.ok(plain.findings.some((f) => f.file === 'base/deployment.yaml' && f.rule === 'image-latest-tag' && f.resource?.name === 'web'));
  assert.ok(plain.findings.every((f) => !f.kustomization));
  assert.ok(!plain.findings.some((f) => f.rule === 'kustomize-build-failed'));
});

test('shop: JSON gives the rendered resource (name and namespace) and the overlay; one base problem is reported once', () => {
  const r = scan(SHOP, ['.', '--format', 'json']);
  const priv = r.findings.find((f) => f.rule === 'privileged-container' && f.kustomization)!;
  assert.deepEqual(priv.resource, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'staging-web', namespace: 'shop-staging' });
  assert.equal(priv.kustomization, 'overlays/staging/kustomization.yaml');
  assert.deepEqual(priv.range.start, { line: 11, character: 24 }, 'on the value `true` in the patch file');
  // The inline JSON 6902 patch: the `value: true` line inside the block scalar.
  const ape = r.findings.find((f) => f.rule === 'allow-privilege-escalation' && f.file === 'overlays/production/kustomization.yaml')!;
  const text = fs.readFileSync(path.join(SHOP, 'overlays/production/kustomization.yaml'), 'utf8').split('\n');
  assert.equal(text[ape.range.start.line].slice(ape.range.start.character), 'true');
  // The base's :latest image is seen by three overlays, reported once.
  assert.equal(r.findings.filter((f) => f.rule === 'image-latest-tag').length, 1);
});

test('shop: a kustomization that does not build is one finding with kustomize\'s message; the rest is analysed', () => {
  const r = scan(SHOP, ['.', '--format', 'json']);
  const failed = r.findings.filter((f) => f.rule === 'kustomize-build-failed');
  assert.equal(failed.length, 1);
  assert.equal(failed[0].file, 'overlays/broken/kustomization.yaml');
  assert.match(failed[0].message, /missing-patch\.yaml/);
  assert.doesNotMatch(failed[0].message, /k8s-guardrails-kustomize-|must resolve to a file/, 'no trace of our wrapper kustomization');
  assert.ok(r.findings.some((f) => f.kustomization === 'overlays/staging/kustomization.yaml'));
});

test('no kubectl: one clear message, a not-analysed error per kustomization (exit 1), plain files still analysed', () => {
  const r = scan(SHOP, ['.', '--format', 'json', '--kustomize-command', '/nonexistent/kubectl']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /cannot render kustomizations: .*\/nonexistent\/kubectl is not installed.*--no-kustomize/);
  const notAnalysed = r.findings.filter((f) => f.rule === 'not-analysed');
  assert.deepEqual(notAnalysed.map((f) => f.file).sort(), ['overlays/broken/kustomization.yaml', 'overlays/production/kustomization.yaml', 'overlays/staging/kustomization.yaml']);
  assert.match(notAnalysed[0].message, /the kustomization cannot be rendered: .*\/nonexistent\/kubectl is not installed/);
  assert.ok(r.findings.some((f) => f.file === 'plain.yaml' && f.rule === 'privileged-container'));
  assert.ok(!r.findings.some((f) => f.rule !== 'not-analysed' && (f.file.startsWith('overlays/') || f.file.startsWith('base/'))), 'files of kustomizations are not analysed as written');
});

test('time limit: a build over --kustomize-timeout is a build failure that says so', () => {
  const r = scan(SHOP, ['overlays/staging', '--format', 'json', '--kustomize-timeout', '0.001']);
  const failed = r.findings.filter((f) => f.rule === 'kustomize-build-failed');
  assert.equal(failed.length, 1, r.stdout);
  assert.match(failed[0].message, /did not finish within/);
  assert.equal(scan(SHOP, ['.', '--kustomize-timeout', 'soon']).code, 2);
});

test('scanning one overlay renders that overlay only; scanning the base alone renders the base', () => {
  const staging = scan(SHOP, ['overlays/staging', '--format', 'json']);
  assert.ok(staging.findings.length > 0);
  assert.ok(staging.findings.every((f) => f.kustomization === 'overlays/staging/kustomization.yaml'), staging.stdout);
  const base = scan(SHOP, ['base', '--format', 'json']);
  assert.deepEqual([...new Set(base.findings.map((f) => f.kustomization))], ['base/kustomization.yaml']);
  assert.ok(base.findings.some((f) => f.rule === 'image-latest-tag' && f.resource?.name === 'web'));
});

test('configuration: kustomize.enabled false; an ignore with a path selector matches the mapped file; bad keys are errors', () => {
  const dir = copy(SHOP);
  try {
    fs.writeFileSync(path.join(dir, '.k8s-guardrails.yaml'), 'kustomize:\n  enabled: false\n');
    assert.ok(scan(dir, ['.', '--format', 'json']).findings.every((f) => !f.kustomization));
    fs.writeFileSync(
      path.join(dir, '.k8s-guardrails.yaml'),
      'ignore:\n  - rule: privileged-container\n    path: "overlays/staging/**"\n    reason: "debug sidecar, staging only; removed in PLAT-123"\n',
    );
    const r = scan(dir, ['.', '--format', 'json', '--include-suppressed']);
    const priv = r.findings.filter((f) => f.rule === 'privileged-container');
    assert.deepEqual(priv.map((f) => [f.file, f.suppressed?.by ?? 'active']).sort(), [['overlays/staging/debug-sidecar.yaml', 'config'], ['plain.yaml', 'active']]);
    fs.writeFileSync(path.join(dir, '.k8s-guardrails.yaml'), 'kustomize:\n  command: /usr/bin/evil\n');
    const bad = scan(dir, ['.']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /\.k8s-guardrails\.yaml:2:\d+: unknown key "kustomize\.command".*machine setting/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('SARIF: rendered findings validate against SARIF 2.1.0 and name their kustomization', () => {
  const r = scan(SHOP, ['.', '--format', 'sarif']);
  const log: any = JSON.parse(r.stdout);
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(REPO, 'test/cli/sarif-schema-2.1.0.json'), 'utf8')));
  const valid: boolean = validate(log);
  assert.ok(valid, JSON.stringify(validate.errors));
  const res = log.runs[0].results.find((x: any) => x.ruleId === 'privileged-container' && x.properties?.kustomization);
  assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, 'overlays/staging/debug-sidecar.yaml');
  assert.equal(res.locations[0].logicalLocations[0].fullyQualifiedName, 'shop-staging/Deployment/staging-web');
});

const COMPONENTS = path.join(FIXTURES, 'components');
const lineOf = (dir: string, f: JsonFinding) => fs.readFileSync(path.join(dir, f.file), 'utf8').split('\n')[f.range.start.line];

test('components: rendered only through the kustomizations that list them; an unused one is no build failure', () => {
  const all = scan(COMPONENTS, ['.', '--format', 'json']);
  assert.ok(!all.findings.some((f) => f.rule === 'kustomize-build-failed'), all.stdout);
  assert.ok(all.findings.some((f) => f.file.startsWith('components/insecure/') && f.kustomization === 'overlays/prod/kustomization.yaml'));
  // Scanned without the overlays, no Component is rendered; patches stay out, the unused Component's resource file is analysed.
  const alone = scan(COMPONENTS, ['components', '--format', 'json']);
  assert.ok(!alone.findings.some((f) => f.rule === 'kustomize-build-failed'), alone.stdout);
  assert.deepEqual([...new Set(alone.findings.map((f) => f.file))], ['components/unused/debug-pod.yaml']);
  assert.ok(alone.findings.some((f) => f.rule === 'privileged-container'));
  assert.ok(alone.findings.every((f) => !f.kustomization));
});

test('JSON 6902: a finding caused by a remove, replace or add operation lands on that operation (inline or in a file)', () => {
  const r = scan(COMPONENTS, ['.', '--format', 'json']);
  const at = (rule: string, file: string) => {
    const f = r.findings.find((x) => x.rule === rule && x.file === file);
    assert.ok(f, `${rule} on ${file}: ${r.stdout}`);
    return lineOf(COMPONENTS, f!).trim();
  };
  assert.equal(at('run-as-non-root', 'components/insecure/kustomization.yaml'), '- op: remove', 'the missing runAsNonRoot: the remove of it');
  assert.equal(at('privileged-container', 'components/insecure/kustomization.yaml'), 'value: true');
  assert.equal(at('host-path-volumes', 'components/insecure/kustomization.yaml'), 'hostPath:', 'the hostPath volume the add appended');
  assert.equal(at('read-only-root-filesystem', 'components/readonly/writable.yaml'), '- op: remove');
  // The base's own hostPath volume is not blamed on the add that appended another one (`/volumes/-`).
  const base = r.findings.filter((f) => f.rule === 'host-path-volumes').map((f) => f.file).sort();
  assert.deepEqual(base, ['base/deployment.yaml', 'components/insecure/kustomization.yaml']);
});

test('the Pod Security level names the file and line that wrote the Namespace label, never the rendered output', () => {
  const r = scan(COMPONENTS, ['.', '--format', 'json']);
  const prod = r.findings.find((f) => f.rule === 'run-as-non-root')!;
  assert.match(prod.message, /restricted latest from Namespace shop-prod \(prod\/kustomization\.yaml:14\)/);
  assert.equal(fs.readFileSync(path.join(COMPONENTS, 'overlays/prod/kustomization.yaml'), 'utf8').split('\n')[13].trim(), 'pod-security.kubernetes.io/enforce: restricted');
  const dev = r.findings.find((f) => f.rule === 'host-path-volumes')!;
  assert.match(dev.message, /baseline latest from Namespace shop-dev \(psa\.yaml:6\)/);
  for (const f of r.findings) assert.doesNotMatch(f.message, /rendered|from Namespace [^ ]+ \(kustomization\.yaml:/, f.message);
});

test('kubebuilder: a patch fragment no kustomization lists is one incomplete-resource note, not a set of workload findings', () => {
  const dir = path.join(FIXTURES, 'kubebuilder');
  const r = scan(dir, ['.', '--format', 'json']);
  const onPatch = r.findings.filter((f) => f.file === 'config/default/manager_auth_proxy_patch.yaml');
  assert.equal(onPatch.length, 1, r.stdout);
  assert.equal(onPatch[0].rule, 'incomplete-resource');
  assert.equal(onPatch[0].severity, 'info');
  assert.match(onPatch[0].message, /no spec\.selector, container "manager" has no image/);
  assert.equal(lineOf(dir, onPatch[0]), 'kind: Deployment');
  // The complete Deployment it was written for is analysed as rendered, with its own findings.
  assert.ok(r.findings.some((f) => f.file === 'config/manager/manager.yaml' && f.rule === 'image-latest-tag' && f.resource?.name === 'sample-controller-manager'));
  // Listed in the kustomization, the same file is analysed merged into the manager: no note, its sidecar is seen.
  const copyDir = copy(dir);
  try {
    const k = path.join(copyDir, 'config/default/kustomization.yaml');
    fs.writeFileSync(k, fs.readFileSync(k, 'utf8') + '  - path: manager_auth_proxy_patch.yaml\n');
    const listed = scan(copyDir, ['.', '--format', 'json']);
    assert.ok(!listed.findings.some((f) => f.rule === 'incomplete-resource'), listed.stdout);
    assert.ok(listed.findings.some((f) => f.file === 'config/default/manager_auth_proxy_patch.yaml' && f.kustomization === 'config/default/kustomization.yaml'), listed.stdout);
  } finally {
    fs.rmSync(copyDir, { recursive: true, force: true });
  }
});
