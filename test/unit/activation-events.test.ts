/**
 * The extension activates only where it is useful (issue #23): on YAML
 * documents and in workspaces that hold Kubernetes markers, never on startup
 * in every window; its cluster status bar item can be hidden.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { kubeconfigExists, kubeconfigFiles } from '../../client/src/cluster/kubeconfig-files';

// compiled: out/test/unit/activation-events.test.js
const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  activationEvents: string[];
  contributes: { configuration: { properties: Record<string, { type: string; default: unknown }> }; commands: { command: string }[] };
};

test('activation events: YAML documents and Kubernetes markers, not every window', () => {
  const events = pkg.activationEvents;
  assert.ok(!events.includes('onStartupFinished'), 'onStartupFinished starts the server in every window');
  assert.ok(!events.includes('*'));
  // nearly every repository has some YAML (CI workflows, compose files): not a Kubernetes marker
  for (const broad of ['workspaceContains:**/*.yaml', 'workspaceContains:**/*.yml']) assert.ok(!events.includes(broad), `${broad} is too broad`);
  for (const e of ['onLanguage:yaml', 'workspaceContains:**/kustomization.yaml', 'workspaceContains:**/Chart.yaml', 'workspaceContains:**/.k8s-guardrails.yaml', 'onWebviewPanel:k8sGuardrails.clusterPanel'])
    assert.ok(events.includes(e), `missing ${e}`);
  // every other event is a workspaceContains of a Kubernetes marker file
  for (const e of events.filter((x) => x.startsWith('workspaceContains:'))) assert.match(e, /^workspaceContains:\*\*\/(kustomization\.ya?ml|Kustomization|Chart\.yaml|\.k8s-guardrails\.ya?ml)$/);
});

test('the cluster commands are contributed (their stand-ins load the cluster bundle: client/src/cluster-loader.ts)', () => {
  const ids = pkg.contributes.commands.map((c) => c.command).filter((c) => c.startsWith('k8sGuardrails.cluster.'));
  // read by the stand-ins from package.json; a cluster command missing here could not be run before the bundle loads
  for (const id of ['scan', 'openPanel', 'selectContext', 'traceEgress', 'isolatePod', 'releasePod', 'addDebugContainer', 'generateEgressPolicy', 'cordonNode', 'scaleOwnerToZero', 'deletePod'])
    assert.ok(ids.includes(`k8sGuardrails.cluster.${id}`), id);
});

test('k8sGuardrails.cluster.showStatusItem: a boolean, on by default', () => {
  const s = pkg.contributes.configuration.properties['k8sGuardrails.cluster.showStatusItem'];
  assert.equal(s?.type, 'boolean');
  assert.equal(s.default, true);
});

test('kubeconfig presence (status bar item): the setting, else KUBECONFIG, else ~/.kube/config, by stat only', () => {
  const here = path.join(root, 'package.json');
  const missing = path.join(root, 'no-such-kubeconfig');
  assert.deepEqual(kubeconfigFiles(here, { KUBECONFIG: missing }), [here]);
  assert.equal(kubeconfigExists(here, {}), true);
  // the setting wins over KUBECONFIG, even when its file is missing (loadKubeConfig reads only it)
  assert.equal(kubeconfigExists(missing, { KUBECONFIG: here }), false);
  assert.equal(kubeconfigExists(undefined, { KUBECONFIG: [missing, here].join(path.delimiter) }), true);
  assert.equal(kubeconfigExists(undefined, { KUBECONFIG: missing }), false);
  assert.equal(kubeconfigExists(' ', { KUBECONFIG: ` ${here} ` }), true);
  // a folder is not a kubeconfig
  assert.equal(kubeconfigExists(root, {}), false);
  assert.match(kubeconfigFiles(undefined, {})[0], /\.kube[\\/]config$/);
});
