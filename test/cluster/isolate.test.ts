import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { startSimulator, Simulator } from '../simulator/server';
import { DEMO } from '../simulator/seed';
import { kubeConfig, kubectl } from '../simulator/helpers';
import { createSession, ClusterSession } from '../../client/src/cluster/connection';
import { AuditEntry, QUARANTINE_LABEL, ORIGINAL_LABELS_ANNOTATION, isolatePod, planIsolation, releasePod, cordonNode, scaleOwnerToZero, deletePod } from '../../client/src/cluster/isolate';
import { traceEgress } from '../../client/src/cluster/trace';

let sim: Simulator;
let s: ClusterSession;
let dir: string;
const NS = 'payments';
const POD = DEMO.compromisedPod;

beforeEach(async () => {
  sim = await startSimulator({ port: 0, tls: true, seed: 'demo' });
  s = createSession(kubeConfig(sim), { timeoutMs: 3000 });
  dir = mkdtempSync(join(tmpdir(), 'guardrails-evidence-'));
});
afterEach(async () => { await sim.close(); rmSync(dir, { recursive: true, force: true }); });

const podObj = () => sim.get('v1', 'Pod', NS, POD) as any;
const policies = () => (sim.list('networking.k8s.io/v1', 'NetworkPolicy', NS) as any[]).map((p) => p.metadata.name).sort();

function snapshotState() {
  const p = podObj();
  // NOTE: the simulator's ReplicaSet scale-down deletes the pod with the highest resourceVersion, so a pod
  // whose labels were restored (re-adopted, one replica too many) can be deleted by it; a real ReplicaSet
  // prefers deleting the newer replacement. `gone` records that case.
  return p ? { labels: p.metadata.labels, annotations: p.metadata.annotations ?? {}, policies: policies() } : { gone: true, policies: policies() };
}

test('isolate end-to-end: evidence, single patch, quarantine policy, verification, audit; trace after; release restores', async () => {
  const before = snapshotState();
  const plan = await planIsolation(s, NS, POD);
  assert.deepEqual(plan.labelsToRemove.map((r) => r.key), ['app', 'pod-template-hash', 'tier']);
  assert.ok(plan.labelsToRemove.find((r) => r.key === 'app')!.reasons.some((r) => r.startsWith('Service payments/checkout')));
  assert.ok(plan.labelsToRemove.find((r) => r.key === 'app')!.reasons.some((r) => r.startsWith('NetworkPolicy payments/allow-checkout-ingress')));
  assert.equal(plan.cni.enforcing, true);
  assert.deepEqual(plan.cni.detected, ['calico']);
  assert.ok(plan.warnings.some((w) => /cannot deny, only allow/.test(w)));
  assert.deepEqual(plan.predictedSelecting, [`${NS}/k8s-guardrails-quarantine`]);
  const seen: AuditEntry[] = [];
  const r = await isolatePod(s, plan, { dryRun: false, evidenceDir: dir, reason: 'C2 beacon to 203.0.113.50', audit: (e) => seen.push(e) });
  assert.equal(r.status, 'isolated', r.message);
  assert.deepEqual(seen, r.audit);
  assert.deepEqual(r.audit.map((e) => e.step), ['start', 'evidence', 'policy', 'patch', 'verify', 'verify', 'verify', 'verify', 'verify', 'done']);
  assert.ok(r.verification.every((v) => v.ok), JSON.stringify(r.verification));
  // pod state
  const p = podObj();
  assert.deepEqual(p.metadata.labels, { [QUARANTINE_LABEL]: plan.id });
  assert.deepEqual(JSON.parse(p.metadata.annotations[ORIGINAL_LABELS_ANNOTATION]), before.labels);
  assert.match(p.metadata.annotations['k8s-guardrails.io/quarantine-audit'], /C2 beacon/);
  assert.equal((p.metadata.ownerReferences ?? []).length, 0, 'released by the ReplicaSet');
  // exactly one PATCH on the pod
  assert.equal(sim.requests.filter((q) => q.method === 'PATCH' && q.path.endsWith(`/pods/${POD}`)).length, 1);
  // replacement exists; Service no longer selects it
  const rsPods = (sim.list('v1', 'Pod', NS) as any[]).filter((x) => x.metadata.labels?.app === 'checkout');
  assert.equal(rsPods.length, 2);
  assert.ok(rsPods.every((x) => x.metadata.name !== POD));
  const eps = sim.get('v1', 'Endpoints', NS, 'checkout') as any;
  assert.ok(!JSON.stringify(eps).includes(DEMO.compromisedIp));
  // policy
  const np = sim.get('networking.k8s.io/v1', 'NetworkPolicy', NS, 'k8s-guardrails-quarantine') as any;
  assert.deepEqual(np.spec.policyTypes, ['Ingress', 'Egress']);
  assert.equal(np.metadata.labels['app.kubernetes.io/managed-by'], 'k8s-guardrails');
  // evidence bundle
  const ev = r.evidence!;
  for (const f of ['pod.yaml', 'owner-ReplicaSet-checkout-5f7b9c8d4b.yaml', 'owner-Deployment-checkout.yaml', 'logs/app.log', 'logs/envoy.log', 'events.yaml', 'egress-trace.txt', 'egress-trace.json', 'proc-net/tcp', 'proc-net/tcp6', 'README.md', 'manifest.json']) {
    assert.ok(existsSync(join(ev.dir, f)), f);
  }
  assert.match(readFileSync(join(ev.dir, 'proc-net/tcp'), 'utf8'), /327100CB:115C/);
  assert.match(readFileSync(join(ev.dir, 'pod.yaml'), 'utf8'), /app: checkout/, 'manifest saved before the change');
  const manifest = JSON.parse(readFileSync(join(ev.dir, 'manifest.json'), 'utf8'));
  assert.equal(manifest.pod.name, POD);
  // independent check with kubectl
  const k = await kubectl(sim, ['-n', NS, 'get', 'pod', POD, '-o', 'json']);
  assert.equal(k.code, 0, k.stderr);
  assert.deepEqual(JSON.parse(k.stdout).metadata.labels, { [QUARANTINE_LABEL]: plan.id });
  const kn = await kubectl(sim, ['-n', NS, 'get', 'networkpolicy', 'k8s-guardrails-quarantine', '-o', 'json']);
  assert.equal(kn.code, 0, kn.stderr);
  // trace again: connections still established, nothing allowed anymore
  const t = await traceEgress(s, NS, POD);
  const c2 = t.connections.find((c) => c.remote.address === DEMO.attackerIp)!;
  assert.equal(c2.state, 'ESTABLISHED');
  assert.equal(c2.policy.allowed, false);
  assert.deepEqual(t.policies.egressPolicies.map((x) => x.name), ['k8s-guardrails-quarantine']);
  assert.ok(t.warnings.some((w) => /still open/.test(w)));
  // idempotent
  const again = await isolatePod(s, await planIsolation(s, NS, POD), { dryRun: false, evidenceDir: dir, reason: 'again' });
  assert.equal(again.status, 'already-isolated');
  assert.deepEqual(snapshotState().labels, { [QUARANTINE_LABEL]: plan.id });
  // release
  const rel = await releasePod(s, NS, POD, { dryRun: false });
  assert.equal(rel.status, 'released', rel.message);
  assert.deepEqual(rel.pod?.metadata?.labels, before.labels);
  assert.deepEqual(rel.pod?.metadata?.annotations ?? {}, before.annotations);
  assert.deepEqual(policies(), before.policies);
  if (!podObj()) return; // deleted by the simulator's ReplicaSet scale-down (see snapshotState)
  const rel2 = await releasePod(s, NS, POD, { dryRun: false });
  assert.equal(rel2.status, 'not-isolated');
});

test('dry run stores nothing (simulator store and kubectl)', async () => {
  const before = snapshotState();
  const rv = sim.store.resourceVersion;
  const plan = await planIsolation(s, NS, POD);
  const r = await isolatePod(s, plan, { dryRun: true, reason: 'dry', evidenceDir: dir });
  assert.equal(r.status, 'dry-run', r.message);
  assert.ok(r.audit.every((e) => e.dryRun));
  assert.ok(r.pod?.metadata?.labels?.[QUARANTINE_LABEL], 'the server returned the would-be pod');
  assert.deepEqual(snapshotState(), before);
  assert.equal(sim.store.resourceVersion, rv);
  const writes = sim.requests.filter((q) => q.method !== 'GET');
  assert.ok(writes.length >= 2);
  assert.ok(writes.every((q) => (q.query as any).dryRun === 'All'), JSON.stringify(writes));
  const k = await kubectl(sim, ['-n', NS, 'get', 'pod', POD, '-o', 'json']);
  assert.deepEqual(JSON.parse(k.stdout).metadata.labels, before.labels);
  const kn = await kubectl(sim, ['-n', NS, 'get', 'networkpolicy', '-o', 'json']);
  assert.deepEqual(JSON.parse(kn.stdout).items.map((i: any) => i.metadata.name).sort(), before.policies);
  // release dry run on a non-isolated pod
  assert.equal((await releasePod(s, NS, POD, { dryRun: true })).status, 'not-isolated');
});

test('existing foreign policy with the quarantine name is never overwritten', async () => {
  await s.net.createNamespacedNetworkPolicy({ namespace: NS, body: { metadata: { name: 'k8s-guardrails-quarantine' }, spec: { podSelector: { matchLabels: { x: 'y' } }, policyTypes: ['Ingress'] } } });
  const plan = await planIsolation(s, NS, POD);
  assert.equal(plan.policyName, 'k8s-guardrails-quarantine-2');
  const r = await isolatePod(s, plan, { dryRun: false, evidenceDir: dir, reason: 'x' });
  assert.equal(r.status, 'isolated', r.message);
  assert.deepEqual((sim.get('networking.k8s.io/v1', 'NetworkPolicy', NS, 'k8s-guardrails-quarantine') as any).spec.podSelector, { matchLabels: { x: 'y' } });
  assert.ok(sim.get('networking.k8s.io/v1', 'NetworkPolicy', NS, 'k8s-guardrails-quarantine-2'));
  assert.equal((await releasePod(s, NS, POD, { dryRun: false })).status, 'released');
  assert.ok(sim.get('networking.k8s.io/v1', 'NetworkPolicy', NS, 'k8s-guardrails-quarantine'), 'foreign policy kept');
  assert.equal(sim.get('networking.k8s.io/v1', 'NetworkPolicy', NS, 'k8s-guardrails-quarantine-2'), undefined);
});

test('409 conflict: re-read and retry once succeeds', async () => {
  const plan = await planIsolation(s, NS, POD);
  sim.faults.inject({ method: 'PATCH', pathRegex: `/pods/${POD}$`, status: 409, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Conflict', code: 409, message: 'Operation cannot be fulfilled on pods "x": the object has been modified; please apply your changes to the latest version and try again' }, times: 1 });
  const r = await isolatePod(s, plan, { dryRun: false, evidenceDir: dir, reason: 'x' });
  assert.equal(r.status, 'isolated', r.message);
  assert.ok(r.audit.some((e) => e.step === 'patch' && e.status === 'warning' && /409/.test(e.message)));
});

test('409 conflict twice: fails, rolls back the policy, clear message', async () => {
  const before = snapshotState();
  const plan = await planIsolation(s, NS, POD);
  sim.faults.inject({ method: 'PATCH', pathRegex: `/pods/${POD}$`, status: 409, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Conflict', code: 409, message: 'the object has been modified' }, times: 2 });
  const r = await isolatePod(s, plan, { dryRun: false, evidenceDir: dir, reason: 'x' });
  assert.equal(r.status, 'rolled-back', r.message);
  assert.match(r.message, /modified by someone else|409/);
  assert.deepEqual(snapshotState(), before);
});

const faults: { name: string; step: 'policy' | 'patch'; fault: Parameters<Simulator['faults']['inject']>[0]; expect: RegExp }[] = [
  { name: '403 on the pod patch', step: 'patch', fault: { method: 'PATCH', pathRegex: `/pods/${POD}$` }, expect: /not allowed to patch pods/ },
  { name: '403 on the policy create', step: 'policy', fault: { method: 'POST', pathRegex: '/networkpolicies$' }, expect: /not allowed to create networkpolicies/ },
  { name: 'timeout on the pod patch (late apply)', step: 'patch', fault: { method: 'PATCH', pathRegex: `/pods/${POD}$`, delayMs: 4000, times: 1 }, expect: /timed out/ },
  { name: 'timeout on the policy create (late apply)', step: 'policy', fault: { method: 'POST', pathRegex: '/networkpolicies$', delayMs: 4000, times: 1 }, expect: /timed out/ },
  { name: 'dropped connection on the pod patch', step: 'patch', fault: { method: 'PATCH', pathRegex: `/pods/${POD}$`, dropConnection: true, times: 1 }, expect: /connection .* was dropped/ },
  { name: 'dropped connection on the policy create', step: 'policy', fault: { method: 'POST', pathRegex: '/networkpolicies$', dropConnection: true, times: 1 }, expect: /connection .* was dropped/ },
  { name: 'dropped connection on evidence (pod read)', step: 'policy', fault: { method: 'GET', pathRegex: `/pods/${POD}$`, dropConnection: true, times: 1 }, expect: /evidence/ },
];

test('fault: verification reads keep failing → applied, NOT verified, nothing rolled back, kubectl commands to verify', async () => {
  const plan = await planIsolation(s, NS, POD);
  const r = await isolatePod(s, plan, {
    dryRun: false, evidenceDir: dir, reason: 'x', verifyWaitMs: 500, verifyBackoffMs: 50,
    audit: (e) => { if (e.step === 'patch' && e.status === 'ok') sim.faults.inject({ method: 'GET', pathRegex: `/namespaces/${NS}/networkpolicies$`, dropConnection: true }); },
  });
  sim.faults.clear();
  assert.equal(r.status, 'applied-not-verified', r.message);
  assert.equal(r.verified, 'not-verified');
  assert.match(r.message, /NOT verified: .*connection .* was dropped .*\(4 attempts\)/);
  assert.match(r.message, /Nothing was rolled back/);
  assert.ok(r.verifyCommands!.some((c) => c === `kubectl -n ${NS} get pod ${POD} --show-labels -o wide`));
  assert.equal(r.audit.filter((e) => e.step === 'verify' && e.status === 'warning' && /retrying/.test(e.message)).length, 3, 'retried with backoff');
  assert.equal(r.rollback, undefined);
  assert.deepEqual(podObj().metadata.labels, { [QUARANTINE_LABEL]: plan.id }, 'the quarantine stays');
  assert.ok(policies().includes('k8s-guardrails-quarantine'));
});

test('fault: a verification read that fails twice is retried and the isolation verified', async () => {
  const plan = await planIsolation(s, NS, POD);
  const r = await isolatePod(s, plan, {
    dryRun: false, evidenceDir: dir, reason: 'x', verifyWaitMs: 500, verifyBackoffMs: 50,
    audit: (e) => { if (e.step === 'patch' && e.status === 'ok') sim.faults.inject({ method: 'GET', pathRegex: `/namespaces/${NS}/pods/${POD}$`, status: 500, times: 2 }); },
  });
  assert.equal(r.status, 'isolated', r.message);
  assert.equal(r.verified, 'verified');
  assert.equal(r.verdict?.isolated, true);
});

for (const f of faults) {
  test(`fault: ${f.name} → no partial state, clear message, complete audit`, async () => {
    const before = snapshotState();
    const plan = await planIsolation(s, NS, POD);
    let undo: (() => void) | undefined;
    if (f.name.startsWith('403')) undo = sim.rbac.deny({ verbs: [f.step === 'patch' ? 'patch' : 'create'], resources: [f.step === 'patch' ? 'pods' : 'networkpolicies'] });
    else sim.faults.inject(f.fault);
    const r = await isolatePod(s, plan, { dryRun: false, evidenceDir: dir, reason: 'x', settleMs: 6000, verifyWaitMs: 1000 });
    undo?.();
    sim.faults.clear();
    await new Promise((res) => setTimeout(res, 4500)); // let delayed requests land
    assert.ok(['failed', 'rolled-back'].includes(r.status), r.status + ': ' + r.message);
    assert.match(r.message, f.expect);
    assert.ok(r.rollback === undefined || r.rollback.complete, r.rollback?.message);
    const after = snapshotState();
    if ('gone' in after) assert.ok(r.audit.some((e) => e.step === 'rollback' && /restored/.test(e.message)), 'labels were restored before the simulator RS removed the pod');
    else assert.deepEqual(after.labels, before.labels, 'labels as before');
    assert.deepEqual(after.policies, before.policies, 'policies as before');
    assert.ok(r.audit.some((e) => e.status === 'failed'));
    assert.equal(r.audit[0].step, 'start');
  });
}

test('optional steps: cordon, scale to 0, delete (dry run and real)', async () => {
  const plan = await planIsolation(s, NS, POD);
  const c0 = await cordonNode(s, plan.node!, { dryRun: true });
  assert.ok(c0.ok, c0.message);
  assert.notEqual((sim.get('v1', 'Node', '', plan.node!) as any).spec.unschedulable, true);
  const c = await cordonNode(s, plan.node!, { dryRun: false });
  assert.ok(c.ok);
  assert.equal((sim.get('v1', 'Node', '', plan.node!) as any).spec.unschedulable, true);
  const d0 = await deletePod(s, NS, POD, { dryRun: true, gracePeriodSeconds: 0 });
  assert.ok(d0.ok, d0.message);
  assert.ok(sim.get('v1', 'Pod', NS, POD));
  const d = await deletePod(s, NS, POD, { dryRun: false, gracePeriodSeconds: 0 });
  assert.ok(d.ok, d.message);
  assert.equal(sim.get('v1', 'Pod', NS, POD), undefined);
  assert.ok(sim.requests.some((q) => q.method === 'DELETE' && (q.query as any).gracePeriodSeconds === '0'));
  const sc = await scaleOwnerToZero(s, plan, { dryRun: false });
  assert.ok(sc.ok, sc.message);
  assert.match(sc.message, /Deployment payments\/checkout/);
  assert.equal((sim.get('apps/v1', 'Deployment', NS, 'checkout') as any).spec.replicas, 0);
  const d2 = await deletePod(s, NS, POD, { dryRun: false });
  assert.equal(d2.ok, false);
  assert.match(d2.message, /does not exist/);
});

test('hostNetwork pod: plan warns that policy cannot isolate it', async () => {
  const plan = await planIsolation(s, 'default', DEMO.hostNetworkPod);
  assert.equal(plan.hostNetwork, true);
  assert.ok(plan.warnings.some((w) => /hostNetwork: NetworkPolicy cannot isolate it/.test(w)));
});
