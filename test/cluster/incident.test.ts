/**
 * Incident response that never overstates (issue #19 items 2, 4, 5): "isolated" is computed from the
 * live policies, a quarantine is repaired instead of answered "already isolated", release restores
 * from a record the pod's editor cannot forge, keeps labels added during the quarantine and says
 * which pod the owner will delete.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { startSimulator, Simulator } from '../simulator/server';
import { DEMO } from '../simulator/seed';
import { kubeConfig, kubectl } from '../simulator/helpers';
import { createSession, ClusterSession } from '../../client/src/cluster/connection';
import { ORIGINAL_LABELS_ANNOTATION, QUARANTINE_LABEL, isolatePod, listQuarantinedPods, planIsolation, planRelease, recordKey, releasePod, scaleOwnerToZero } from '../../client/src/cluster/isolate';

let sim: Simulator;
let s: ClusterSession;
let dir: string;
const NS = 'payments';
const POD = DEMO.compromisedPod;
const QPOLICY = 'k8s-guardrails-quarantine';

beforeEach(async () => {
  sim = await startSimulator({ port: 0, tls: true, seed: 'demo' });
  s = createSession(kubeConfig(sim), { timeoutMs: 5000 });
  dir = mkdtempSync(join(tmpdir(), 'guardrails-incident-'));
});
afterEach(async () => { await sim.close(); rmSync(dir, { recursive: true, force: true }); });

const podObj = (name = POD) => sim.get('v1', 'Pod', NS, name) as any;
const policyObj = (name = QPOLICY) => sim.get('networking.k8s.io/v1', 'NetworkPolicy', NS, name) as any;
const opts = { dryRun: false, reason: 'ir-42', verifyWaitMs: 500, verifyBackoffMs: 50 };

async function isolate(ns = NS, pod = POD) {
  const plan = await planIsolation(s, ns, pod);
  const r = await isolatePod(s, plan, { ...opts, evidenceDir: dir });
  return { plan, r };
}

async function k(args: string[]) {
  const r = await kubectl(sim, args);
  assert.equal(r.code, 0, r.stderr);
  return r;
}

// ---------------------------------------------------------------------------------------------
// item 2: isolated is computed

test('isolated: the verdict is computed from the policies read back, with the plugin check', async () => {
  const { r } = await isolate();
  assert.equal(r.status, 'isolated', r.message);
  assert.equal(r.verified, 'verified');
  assert.equal(r.verdict?.isolated, true);
  assert.deepEqual(r.verdict?.ingressIsolatedBy, [`${NS}/${QPOLICY}`]);
  assert.deepEqual(r.verdict?.egressIsolatedBy, [`${NS}/${QPOLICY}`]);
  assert.deepEqual(r.verdict?.allowedBy, []);
  assert.equal(r.verdict?.enforcement, 'checked');
  assert.match(r.message, /Isolated: the NetworkPolicies payments\/k8s-guardrails-quarantine deny every ingress and egress peer .*calico enforces NetworkPolicy/);
  assert.ok(r.verdict!.assumptions.some((a) => /own node/.test(a)));
});

test('a policy still allowing traffic (empty podSelector) → NOT isolated, naming the policy and rule and the next steps; the changes are kept', async () => {
  sim.apply({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-all-in-namespace', namespace: NS }, spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] } });
  const { plan, r } = await isolate();
  assert.ok(plan.warnings.some((w) => /allow-all-in-namespace selects every pod/.test(w)));
  assert.equal(r.status, 'not-isolated', r.message);
  assert.equal(r.verdict?.isolated, false);
  assert.deepEqual(r.verdict?.allowedBy.map((a) => [a.policy, a.direction, a.rule]), [[`${NS}/allow-all-in-namespace`, 'ingress', 0]]);
  assert.match(r.message, /NOT isolated: pod payments\/checkout-5f7b9c8d4b-x7k2p — NetworkPolicy payments\/allow-all-in-namespace ingress\[0\] \(from: pods \(all\); ports: all ports\) allows ingress traffic/);
  assert.match(r.message, /Next steps: .*cordon the node sim-worker-1 and delete the pod .*scale the owner \(Deployment checkout\) to 0/);
  assert.equal(r.rollback, undefined);
  assert.equal(podObj().metadata.labels[QUARANTINE_LABEL], plan.id, 'kept');
  assert.ok(policyObj());
});

test('hostNetwork pod → NOT isolated (hostNetwork named), never "isolated"', async () => {
  const { r } = await isolate('default', DEMO.hostNetworkPod);
  assert.equal(r.status, 'not-isolated', r.message);
  assert.equal(r.verdict?.hostNetwork, true);
  assert.match(r.message, /NOT isolated: .*hostNetwork/);
  assert.match(r.message, /cordon the node .* delete the pod/);
});

test('network plugin: unknown → isolated with the assumption stated; only flannel → NOT isolated', async () => {
  await k(['-n', 'kube-system', 'delete', 'daemonset', 'calico-node']);
  const { r } = await isolate();
  assert.equal(r.status, 'isolated', r.message);
  assert.equal(r.verdict?.enforcement, 'assumed');
  assert.match(r.message, /ASSUMING the network plugin enforces NetworkPolicy/);
  assert.ok(r.verdict!.assumptions.some((a) => /network plugin enforces NetworkPolicy/.test(a)));

  // kubectl cannot create a DaemonSet imperatively: through the simulator's write path
  sim.apply({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'kube-flannel-ds', namespace: 'kube-system' }, spec: { selector: { matchLabels: { app: 'flannel' } }, template: { metadata: { labels: { app: 'flannel' } }, spec: { hostNetwork: true, containers: [{ name: 'kube-flannel', image: 'flannel/flannel:v0.26.1' }] } } } });
  const again = await isolatePod(s, await planIsolation(s, NS, POD), { ...opts, evidenceDir: dir });
  assert.equal(again.status, 'not-isolated', again.message);
  assert.equal(again.verdict?.enforcement, 'not-enforced');
  assert.match(again.message, /does NOT enforce NetworkPolicy/);
});

test('isolating again repairs: a deleted quarantine policy is recreated, a re-added label removed', async () => {
  const { plan, r } = await isolate();
  assert.equal(r.status, 'isolated', r.message);
  await k(['-n', NS, 'delete', 'networkpolicy', QPOLICY]);
  await k(['-n', NS, 'label', 'pod', POD, 'app=checkout']);
  const p2 = await planIsolation(s, NS, POD);
  assert.equal(p2.alreadyIsolated, undefined);
  assert.deepEqual(p2.repair, { id: plan.id, missingPolicy: true, labels: ['app'] });
  assert.equal(p2.verdict?.isolated, false);
  assert.match(p2.summary[0], /already quarantined .* incomplete: isolating again repairs it\. NOT isolated/);
  const r2 = await isolatePod(s, p2, { ...opts, evidenceDir: dir });
  assert.equal(r2.status, 'isolated', r2.message);
  assert.match(r2.message, /Repaired the quarantine .*recreated NetworkPolicy payments\/k8s-guardrails-quarantine; removed label\(s\) app/);
  assert.equal(r2.evidence, undefined, 'no second bundle');
  assert.deepEqual(podObj().metadata.labels, { [QUARANTINE_LABEL]: plan.id });
  assert.ok(policyObj());
  // the original labels of the first isolation are kept; the rebuilt record says it vouches for nothing
  assert.deepEqual(JSON.parse(podObj().metadata.annotations[ORIGINAL_LABELS_ANNOTATION]), plan.currentLabels);
  assert.equal(JSON.parse(policyObj().metadata.annotations[recordKey(plan.id)]).trusted, false);
  // nothing missing → already isolated, verified
  const r3 = await isolatePod(s, await planIsolation(s, NS, POD), { ...opts, evidenceDir: dir });
  assert.equal(r3.status, 'already-isolated', r3.message);
  assert.equal(r3.verdict?.isolated, true);
});

// ---------------------------------------------------------------------------------------------
// item 4: release

test('release tamper test: a forged ORIGINAL_LABELS annotation is detected and never applied without confirmation', async () => {
  const before = { ...podObj().metadata.labels };
  const { plan, r } = await isolate();
  assert.equal(r.status, 'isolated', r.message);
  const record = JSON.parse(policyObj().metadata.annotations[recordKey(plan.id)]);
  assert.deepEqual(record.labels, before);
  assert.equal(record.trusted, true);
  // someone who can edit the pod (not NetworkPolicies) forges the labels the release would restore
  const forged = { ...before, app: 'frontend', 'network-access': 'internet' };
  await k(['-n', NS, 'annotate', 'pod', POD, '--overwrite', `${ORIGINAL_LABELS_ANNOTATION}=${JSON.stringify(forged)}`]);
  const quarantined = { ...podObj().metadata.labels };

  const rp = await planRelease(s, NS, POD);
  assert.equal(rp.questions.length, 1);
  assert.equal(rp.questions[0].kind, 'record-mismatch');
  assert.deepEqual(rp.questions[0].labels, before);
  assert.deepEqual(rp.questions[0].annotationLabels, forged);
  assert.match(rp.questions[0].message, /differ from the quarantine record on NetworkPolicy payments\/k8s-guardrails-quarantine/);

  const r1 = await releasePod(s, NS, POD, { dryRun: false });
  assert.equal(r1.status, 'needs-confirmation', r1.message);
  assert.match(r1.message, /Nothing was changed: the pod is still quarantined/);
  assert.deepEqual(podObj().metadata.labels, quarantined);
  const r2 = await releasePod(s, NS, POD, { dryRun: false, confirm: () => false });
  assert.equal(r2.status, 'cancelled', r2.message);
  assert.deepEqual(podObj().metadata.labels, quarantined);
  assert.ok(policyObj());

  const asked: string[] = [];
  const r3 = await releasePod(s, NS, POD, { dryRun: false, confirm: (q) => { asked.push(q.kind); return true; } });
  assert.equal(r3.status, 'released', r3.message);
  assert.deepEqual(asked, ['record-mismatch']);
  assert.deepEqual(r3.pod?.metadata?.labels, before, 'the record, not the forged annotation');
  assert.equal(r3.pod?.metadata?.labels?.['network-access'], undefined);
});

test('release without a record (the quarantine policy was deleted) asks before trusting the pod\'s annotation', async () => {
  const before = { ...podObj().metadata.labels };
  await isolate();
  await k(['-n', NS, 'delete', 'networkpolicy', QPOLICY]);
  const r1 = await releasePod(s, NS, POD, { dryRun: false });
  assert.equal(r1.status, 'needs-confirmation', r1.message);
  assert.equal(r1.questions?.[0].kind, 'no-record');
  assert.match(r1.message, /cannot be checked: no quarantine record was found/);
  const r2 = await releasePod(s, NS, POD, { dryRun: false, confirm: () => true });
  assert.equal(r2.status, 'released', r2.message);
  assert.deepEqual(r2.pod?.metadata?.labels, before);
});

test('release keeps labels added during the quarantine and says which pod the owner will delete (the newest replica)', async () => {
  const before = { ...podObj().metadata.labels };
  await isolate();
  await k(['-n', NS, 'label', 'pod', POD, 'incident=ir-42', 'legal-hold=true']);
  const replacement = (sim.list('v1', 'Pod', NS) as any[]).filter((p) => p.metadata.labels?.app === 'checkout' && p.metadata.name !== DEMO.cleanCheckoutPod).map((p) => p.metadata.name);
  assert.equal(replacement.length, 1);
  assert.deepEqual(await listQuarantinedPods(s), [{ namespace: NS, pod: POD, id: podObj().metadata.labels[QUARANTINE_LABEL] }]);

  const rp = await planRelease(s, NS, POD);
  assert.deepEqual(rp.questions, []);
  assert.deepEqual(rp.kept, ['incident', 'legal-hold']);
  assert.equal(rp.adoption?.controller, `ReplicaSet ${NS}/${DEMO.checkoutRs}`);
  assert.deepEqual(rp.adoption?.willDelete, replacement);
  assert.ok(rp.summary.some((l) => l.includes(`delete pod ${replacement[0]}`)));

  const r = await releasePod(s, NS, POD, { dryRun: false, plan: rp });
  assert.equal(r.status, 'released', r.message);
  assert.match(r.message, /labels added during the quarantine kept \(incident, legal-hold\)/);
  assert.match(r.message, new RegExp(`delete pod ${replacement[0]}`));
  assert.deepEqual(podObj().metadata.labels, { ...before, incident: 'ir-42', 'legal-hold': 'true' });
  assert.equal(podObj(replacement[0]), undefined, 'the ReplicaSet deleted the predicted pod');
  assert.equal(policyObj(), undefined);
  assert.deepEqual(await listQuarantinedPods(s), []);
});

test('release after the owner was scaled to 0: the confirmation says the released pod itself will be deleted', async () => {
  const { plan } = await isolate();
  assert.ok((await scaleOwnerToZero(s, plan, { dryRun: false })).ok);
  const rp = await planRelease(s, NS, POD);
  assert.deepEqual(rp.adoption?.willDelete, [POD]);
  assert.match(rp.adoption!.message, /the released pod itself/);
});

// ---------------------------------------------------------------------------------------------
// item 5: evidence

test('evidence: /proc/net read in a debug container; when refused, the bundle says the text came from the suspect\'s own tools', async () => {
  const { r } = await isolate();
  const m1 = JSON.parse(readFileSync(join(r.evidence!.dir, 'manifest.json'), 'utf8'));
  assert.equal(m1.procNet.source, 'debug-container');
  assert.match(m1.procNet.container, /^guardrails-debug-/);
  const undo = sim.rbac.deny({ verbs: ['patch'], resources: ['pods/ephemeralcontainers'] });
  try {
    const other = DEMO.cleanCheckoutPod;
    const p = await planIsolation(s, NS, other);
    const r2 = await isolatePod(s, p, { ...opts, evidenceDir: dir });
    assert.equal(r2.status, 'isolated', r2.message);
    const m2 = JSON.parse(readFileSync(join(r2.evidence!.dir, 'manifest.json'), 'utf8'));
    assert.equal(m2.procNet.source, 'pod-container');
    assert.match(m2.procNet.warning, /pod's own binaries/);
    const readme = readFileSync(join(r2.evidence!.dir, 'README.md'), 'utf8');
    assert.match(readme, /read with the pod's own binaries .* can forge it/);
    assert.match(readme, /UNTRUSTED: the suspect container's own cat/);
  } finally { undo(); }
});
