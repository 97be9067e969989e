import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import * as yaml from 'js-yaml';
import { startSimulator, Simulator } from '../simulator/server';
import { DEMO } from '../simulator/seed';
import { kubeConfig } from '../simulator/helpers';
import { createSession, ClusterSession } from '../../client/src/cluster/connection';
import { addDebugContainer } from '../../client/src/cluster/exec';
import { traceEgress, generateEgressPolicy, formatTrace } from '../../client/src/cluster/trace';

let sim: Simulator;
let s: ClusterSession;
before(async () => {
  sim = await startSimulator({ port: 0, tls: true, seed: 'demo' });
  s = createSession(kubeConfig(sim), { timeoutMs: 10000 });
});
after(async () => { await sim.close(); });

test('compromised pod: policies, public connection, IPv6, matches, verdicts', async () => {
  const t = await traceEgress(s, 'payments', DEMO.compromisedPod);
  assert.equal(t.observation.status, 'ok');
  assert.deepEqual(Object.keys(t.observation.raw).sort(), ['tcp', 'tcp6', 'udp', 'udp6']);
  // (a) egress not isolated → internet reachable, DNS reachable; ingress by allow-checkout-ingress
  assert.equal(t.policies.egressIsolated, false);
  assert.equal(t.policies.internet.reachable, true);
  assert.deepEqual(t.policies.dns, { udp: true, tcp: true });
  assert.deepEqual(t.policies.ingressPolicies.map((p) => p.name), ['allow-checkout-ingress']);
  // (b) C2 connection
  const c2 = t.connections.find((c) => c.remote.address === DEMO.attackerIp && c.remote.port === DEMO.attackerPort)!;
  assert.ok(c2);
  assert.equal(c2.state, 'ESTABLISHED');
  assert.equal(c2.remoteClass.class, 'public');
  assert.equal(c2.direction, 'outbound');
  assert.equal(c2.policy.evaluated, true);
  assert.equal(c2.policy.allowed, true, 'egress is open in payments');
  // IPv6 from tcp6
  const v6 = t.connections.find((c) => c.remote.address === DEMO.attackerIp6)!;
  assert.ok(v6);
  assert.equal(v6.file, 'tcp6');
  assert.equal(v6.remote.port, 443);
  assert.equal(v6.local.address, DEMO.compromisedIp6);
  assert.equal(v6.remoteClass.class, 'public');
  // v4-mapped unwrapped and matched to a frontend pod
  const mapped = t.connections.find((c) => c.remoteClass.mapped)!;
  assert.ok(mapped);
  assert.equal(mapped.peer?.kind, 'pod');
  assert.equal(mapped.peer?.namespace, 'shop');
  assert.equal(mapped.direction, 'inbound');
  // in-cluster: ledger pod by name; kube-dns Service by name
  const ledger = t.connections.find((c) => c.remote.address === DEMO.ledgerIp)!;
  assert.equal(ledger.peer?.kind, 'pod');
  assert.equal(ledger.peer?.name, DEMO.ledgerPod);
  assert.equal(ledger.remoteClass.class, 'private');
  const dns = t.connections.find((c) => c.remote.port === 53 && c.protocol === 'TCP')!;
  assert.equal(dns.peer?.kind, 'service');
  assert.equal(dns.peer?.name, 'kube-dns');
  assert.equal(dns.state, 'TIME_WAIT');
  assert.equal(t.connections.find((c) => c.state === 'SYN_SENT')?.remote.port, 22);
  assert.ok(t.listening.some((l) => l.port === 8080));
  assert.match(formatTrace(t), /203\.0\.113\.50:4444 public/);
});

test('egress-isolated pod: public destination not allowed, DNS allowed (shop frontend)', async () => {
  const fe = (await s.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=frontend' })).items[0].metadata!.name!;
  sim.runtime.setPod('shop', fe, { sockets: [
    { proto: 'tcp', local: '10.244.1.30:40000', remote: '203.0.113.9:443', state: 'ESTABLISHED' },
  ] } as never);
  const t = await traceEgress(s, 'shop', fe);
  assert.equal(t.policies.egressIsolated, true);
  assert.equal(t.policies.internet.reachable, false);
  assert.deepEqual(t.policies.dns, { udp: true, tcp: true });
  const dnsRule = t.policies.rules.find((r) => r.ports.includes('53'))!;
  assert.ok(dnsRule.to.some((p) => p.kind === 'pods' && p.pods.some((x) => x.namespace === 'kube-system')));
  const pub = t.connections.find((c) => c.remote.address === '203.0.113.9')!;
  assert.ok(pub);
  assert.equal(pub.remoteClass.class, 'public');
  assert.equal(pub.policy.allowed, false);
});

test('generateEgressPolicy permits exactly observed in-cluster + DNS traffic', async () => {
  const t = await traceEgress(s, 'payments', DEMO.compromisedPod);
  const text = generateEgressPolicy(t);
  const np = yaml.load(text) as any;
  assert.equal(np.kind, 'NetworkPolicy');
  assert.equal(np.metadata.namespace, 'payments');
  assert.deepEqual(np.spec.podSelector.matchLabels, { app: 'checkout', tier: 'backend' });
  assert.deepEqual(np.spec.policyTypes, ['Egress']);
  assert.equal(np.spec.egress.length, 2);
  const [dns, ledger] = np.spec.egress;
  assert.deepEqual(dns.to[0].podSelector.matchLabels, { 'k8s-app': 'kube-dns' });
  assert.deepEqual(dns.ports.map((p: any) => `${p.protocol}/${p.port}`), ['UDP/53', 'TCP/53']);
  assert.deepEqual(ledger.to[0].namespaceSelector.matchLabels, { 'kubernetes.io/metadata.name': 'payments' });
  assert.deepEqual(ledger.to[0].podSelector.matchLabels, { app: 'ledger', tier: 'data' });
  assert.deepEqual(ledger.ports, [{ protocol: 'TCP', port: 7000 }]);
  assert.ok(!text.includes('ipBlock'), 'no internet destination is permitted');
  assert.match(text, /NOT permitted[\s\S]*203\.0\.113\.50:4444/);
  // server-side validation of the generated policy
  await s.net.createNamespacedNetworkPolicy({ namespace: 'payments', body: np, dryRun: 'All' });
});

test('distroless pod without a debug container: clear message, debug offer; an explicit debug container reads the sockets', async () => {
  const t = await traceEgress(s, 'payments', DEMO.distrolessPod, { debugContainer: false });
  assert.equal(t.observation.status, 'distroless');
  assert.match(t.observation.message, /no container .* has a "cat" binary/);
  assert.ok(t.observation.debugOffer);
  assert.match(t.observation.debugOffer!.warning, /cannot be removed/);
  assert.equal(t.observation.debugOffer!.targetContainerName, 'ledger');
  assert.equal(t.connections.length, 0);
  // dry run stores nothing
  const d0 = await addDebugContainer(s, 'payments', DEMO.distrolessPod, { dryRun: true, targetContainerName: 'ledger' });
  assert.equal((sim.get('v1', 'Pod', 'payments', DEMO.distrolessPod) as any).spec.ephemeralContainers, undefined);
  assert.ok(d0.name);
  const d = await addDebugContainer(s, 'payments', DEMO.distrolessPod, { image: 'busybox:1.36', targetContainerName: 'ledger' });
  const t2 = await traceEgress(s, 'payments', DEMO.distrolessPod, { container: d.name });
  assert.equal(t2.observation.status, 'ok');
  assert.equal(t2.observation.container, d.name);
  assert.equal(t2.observation.source, 'debug-container');
  assert.ok(t2.connections.some((c) => c.peer?.name === DEMO.compromisedPod && c.direction === 'inbound'));
  // later traces find the running debug container by themselves (no second one is added)
  const t3 = await traceEgress(s, 'payments', DEMO.distrolessPod);
  assert.equal(t3.observation.status, 'ok');
  assert.equal(t3.observation.container, d.name);
  assert.equal((sim.get('v1', 'Pod', 'payments', DEMO.distrolessPod) as any).spec.ephemeralContainers.length, 1);
});

test('the trace does not trust the suspect\'s binaries: /proc/net is read in an ephemeral debug container (the debug image setting)', async () => {
  const pod = DEMO.cleanCheckoutPod;
  const t = await traceEgress(s, 'payments', pod, { debugImage: 'registry.example/tools:1' });
  assert.equal(t.observation.status, 'ok');
  assert.equal(t.observation.source, 'debug-container');
  assert.equal(t.observation.trustWarning, undefined);
  assert.match(t.observation.container!, /^guardrails-debug-/);
  assert.match(t.observation.message, /debug image's own tools/);
  const eph = (sim.get('v1', 'Pod', 'payments', pod) as any).spec.ephemeralContainers;
  assert.equal(eph.length, 1);
  assert.equal(eph[0].image, 'registry.example/tools:1');
  // every exec of this trace ran in the debug container, none in the pod's own containers
  const execs = sim.requests.filter((q) => q.path.endsWith(`/pods/${pod}/exec`));
  assert.ok(execs.length >= 4);
  assert.ok(execs.every((q) => (q.query as any).container === eph[0].name), JSON.stringify(execs.map((q) => q.query)));
  assert.ok(!t.warnings.some((w) => /own binaries/.test(w)));
});

test('debug containers refused: read with the container\'s own tools, with a warning in the trace', async () => {
  const undo = sim.rbac.deny({ verbs: ['patch'], resources: ['pods/ephemeralcontainers'] });
  try {
    const t = await traceEgress(s, 'shop', (await s.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=cart' })).items[0].metadata!.name!);
    assert.equal(t.observation.status, 'ok');
    assert.equal(t.observation.source, 'pod-container');
    assert.match(t.observation.trustWarning!, /pod's own binaries .* can forge it/);
    assert.match(t.observation.trustWarning!, /debug container could not be added .*not allowed to patch pods\/ephemeralcontainers|403/);
    assert.ok(t.warnings.includes(t.observation.trustWarning!));
    assert.match(formatTrace(t), /warning: The \/proc\/net text was read with the pod's own binaries/);
  } finally { undo(); }
});

test('no pods/exec permission: forbidden with a clear message and the debug offer', async () => {
  const undo = sim.rbac.deny({ verbs: ['create'], resources: ['pods/exec'] });
  try {
    const t = await traceEgress(s, 'payments', DEMO.compromisedPod);
    assert.equal(t.observation.status, 'forbidden');
    assert.match(t.observation.message, /not allowed to exec pods\/exec|403/);
    assert.ok(t.observation.debugOffer);
    assert.equal(t.policies.internet.reachable, true, 'the policy part still works');
  } finally { undo(); }
});

test('raw /proc/net override is parsed (simulator cannot remove files: missing-file handling is by exit code)', async () => {
  const pod = DEMO.cleanCheckoutPod;
  // v6-less container: tcp6/udp6 absent
  sim.runtime.setPod('payments', pod, { procNet: { tcp: '  sl  local_address rem_address   st\n   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n' } } as never);
  const t = await traceEgress(s, 'payments', pod);
  assert.ok(['ok', 'partial'].includes(t.observation.status));
  assert.ok(t.listening.some((l) => l.port === 8080));
});
