/**
 * The engine façade (server/src/engine/host.ts): snapshots, the files a change
 * affects (the invalidation policy the language server follows), and the one
 * configuration-file reader both front ends use.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { AnalysisHost, DEFAULT_SETTINGS, readConfigFile } from '../../server/src/engine';

const deploy = (app: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: ${app}}}
  template:
    metadata: {labels: {app: ${app}}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
`;
const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
`;
const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n';

function host(files: Record<string, string>): AnalysisHost {
  const h = new AnalysisHost();
  h.setSettings(structuredClone(DEFAULT_SETTINGS));
  for (const [uri, text] of Object.entries(files)) h.setFile(uri, text);
  return h;
}

test('a change affects: every file (cross-file kinds), the NetworkPolicy files (workload labels), or the file alone', () => {
  const h = host({ 'deploy.yaml': deploy('web'), 'policy.yaml': POLICY, 'other.yaml': deploy('x').replace('name: web', 'name: other') });
  const change = (uri: string, text: string | undefined) => {
    const before = h.file(uri);
    if (text === undefined) h.removeFile(uri);
    else h.setFile(uri, text);
    return h.analysis().affectedBy(uri, before, h.file(uri));
  };
  assert.deepEqual(change('deploy.yaml', deploy('api')), { all: false, uris: ['policy.yaml', 'deploy.yaml'] }, 'labels changed: the policies may select nothing now');
  assert.deepEqual(change('deploy.yaml', deploy('api') + '# a comment\n'), { all: false, uris: ['deploy.yaml'] }, 'nothing a policy reads changed');
  assert.deepEqual(change('ns.yaml', NAMESPACE), { all: true, uris: ['ns.yaml'] }, 'a Namespace decides PSS modes everywhere');
  assert.deepEqual(change('ns.yaml', undefined), { all: true, uris: ['ns.yaml'] }, 'and so does its removal');
});

test('a change that keeps what other resources read affects the file alone, even next to a Namespace; and the files with other definitions of its objects', () => {
  const h = host({ 'all.yaml': NAMESPACE + '---\n' + deploy('web'), 'policy.yaml': POLICY, 'copy.yaml': deploy('web').replace('replicas', 'x') });
  const change = (uri: string, text: string) => {
    const before = h.file(uri);
    h.setFile(uri, text);
    return h.analysis().affectedBy(uri, before, h.file(uri));
  };
  // all.yaml's Deployment web is defined in copy.yaml too: its duplicate-resource finding there follows the content.
  assert.deepEqual(change('all.yaml', NAMESPACE + '---\n' + deploy('web').replace('nginx:1.27', 'nginx:1.28')), { all: false, uris: ['copy.yaml', 'all.yaml'] }, 'an image: no other resource reads it');
  assert.deepEqual(change('copy.yaml', deploy('web').replace('nginx:1.27', 'nginx:1.29')), { all: false, uris: ['all.yaml', 'copy.yaml'] }, 'the other way round');
  assert.deepEqual(change('all.yaml', NAMESPACE.replace('shop', 'shop2') + '---\n' + deploy('web')), { all: true, uris: ['all.yaml'] }, 'the Namespace changed');
});

test('one snapshot per state: the same until a file or the settings change; a stale one refuses to answer', () => {
  const h = host({ 'deploy.yaml': deploy('web'), 'policy.yaml': POLICY });
  const a = h.analysis();
  assert.equal(a.diagnostics().findings.get('policy.yaml')?.some((f) => f.rule === 'netpol-selects-nothing'), false);
  assert.equal(h.analysis(), a);
  h.setSettings({ ...structuredClone(DEFAULT_SETTINGS), rules: { 'netpol-selects-nothing': 'off' } });
  const b = h.analysis();
  assert.notEqual(b, a);
  h.setFile('deploy.yaml', deploy('api'));
  assert.throws(() => b.diagnostics(), /stale analysis snapshot/);
  h.setSettings(structuredClone(DEFAULT_SETTINGS));
  // The new snapshot builds the NetworkPolicy model for the new labels.
  assert.equal(h.analysis().diagnostics().findings.get('policy.yaml')?.some((f) => f.rule === 'netpol-selects-nothing'), true);
});

test('the configuration file: its settings and ignores apply through the host, for file URIs and for CLI paths alike', () => {
  const config = 'pss:\n  level: baseline\nignore:\n- rule: image-latest-tag\n  path: apps/*.yaml\n  reason: pinned by the release tool\n';
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx:latest}]\n';
  const editor = readConfigFile('file:///ws/.k8s-guardrails.yaml', config);
  assert.equal(editor.relativePath('file:///ws/apps/my%20pod.yaml'), 'apps/my pod.yaml');
  assert.equal(editor.relativePath('file:///elsewhere/pod.yaml'), undefined);
  const root = path.resolve('/repo');
  const cli = readConfigFile('.k8s-guardrails.yaml', config, { dir: root, cwd: root });
  assert.equal(cli.relativePath('apps/pod.yaml'), 'apps/pod.yaml');
  assert.equal(cli.relativePath('../pod.yaml'), undefined);
  for (const [cfg, inside, outside] of [
    [editor, 'file:///ws/apps/pod.yaml', 'file:///ws/pod.yaml'],
    [cli, 'apps/pod.yaml', 'pod.yaml'],
  ] as const) {
    const h = host({ [inside]: pod, [outside]: pod });
    h.setConfig(cfg);
    assert.equal(h.settings.pss.level, 'baseline');
    assert.equal(h.settings.pss.source, 'config file');
    const findings = h.analysis().diagnostics().findings;
    assert.ok(!findings.get(inside)!.some((f) => f.rule === 'image-latest-tag'), 'ignored by path');
    assert.ok(findings.get(outside)!.some((f) => f.rule === 'image-latest-tag'), 'outside the ignored path');
    assert.ok(!findings.get(outside)!.some((f) => f.rule === 'run-as-non-root'), 'baseline from the file: no restricted-only findings');
  }
});
