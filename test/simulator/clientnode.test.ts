/**
 * Drives the simulator with the real @kubernetes/client-node 1.4 (typed APIs, Exec over WebSocket, Watch).
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { execPod, kubeConfig, statusOf } from './helpers';
import { DEMO } from './seed';
import { Simulator, startSimulator, T } from './server';

const MERGE = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
const SMP = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);
const JSONPATCH = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);

async function expectStatus(p: Promise<unknown>, code: number, reason: string): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (e) {
    const s = statusOf(e);
    assert.equal(s.code, code, `expected HTTP ${code}, got ${s.code}: ${JSON.stringify(s.status)}`);
    assert.equal(s.status.kind, 'Status');
    assert.equal(s.status.apiVersion, 'v1');
    assert.equal(s.status.status, 'Failure');
    assert.equal(s.status.reason, reason);
    assert.equal(s.status.code, code);
    assert.equal(typeof s.status.message, 'string');
    return s.status;
  }
  assert.fail(`expected ${code} ${reason}`);
}

describe('simulator with @kubernetes/client-node', () => {
  let sim: Simulator;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  let net: k8s.NetworkingV1Api;

  before(async () => {
    sim = await startSimulator({ seed: 'demo' });
    kc = kubeConfig(sim);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    net = kc.makeApiClient(k8s.NetworkingV1Api);
  });
  after(async () => { await sim.close(); });

  it('lists across and within namespaces with label selectors', async () => {
    const all = await core.listPodForAllNamespaces();
    const nss = new Set(all.items.map((p) => p.metadata!.namespace));
    for (const n of ['default', 'kube-system', 'shop', 'payments']) assert.ok(nss.has(n), `pods in ${n}`);
    const names = async (labelSelector: string, namespace = 'shop') => (await core.listNamespacedPod({ namespace, labelSelector })).items.map((p) => p.metadata!.name!).sort();
    const fe = await names('app=frontend');
    assert.equal(fe.length, 3);
    assert.deepEqual(await names('app==frontend'), fe);
    assert.ok((await names('app!=frontend')).every((n) => !n.startsWith('frontend')));
    assert.equal((await names('app in (frontend,cart)')).length, 5);
    assert.ok((await names('app notin (frontend, cart)')).every((n) => n.startsWith('redis')));
    assert.equal((await names('pod-template-hash')).length, 5);
    assert.deepEqual(await names('!pod-template-hash'), ['redis-0']);
    assert.deepEqual(await names('app=frontend,tier=web'), fe);
    assert.deepEqual(await names('app=frontend,tier=nope'), []);
  });

  it('lists with field selectors and pagination', async () => {
    const byNode = await core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=sim-worker-1' });
    assert.ok(byNode.items.length > 0);
    assert.ok(byNode.items.every((p) => p.spec!.nodeName === 'sim-worker-1'));
    const byName = await core.listPodForAllNamespaces({ fieldSelector: `metadata.name=${DEMO.compromisedPod}` });
    assert.equal(byName.items.length, 1);
    const notNs = await core.listPodForAllNamespaces({ fieldSelector: 'metadata.namespace!=kube-system,status.phase=Running' });
    assert.ok(notNs.items.every((p) => p.metadata!.namespace !== 'kube-system' && p.status!.phase === 'Running'));
    await expectStatus(core.listPodForAllNamespaces({ fieldSelector: 'spec.bogus=1' }), 400, 'BadRequest');
    const page1 = await core.listPodForAllNamespaces({ limit: 2 });
    assert.equal(page1.items.length, 2);
    assert.ok(page1.metadata!._continue);
    const page2 = await core.listPodForAllNamespaces({ limit: 2, _continue: page1.metadata!._continue });
    assert.notEqual(page2.items[0].metadata!.name, page1.items[0].metadata!.name);
  });

  it('returns Status objects for 404, 409 (AlreadyExists, Conflict), 422 and 401', async () => {
    const nf = await expectStatus(core.readNamespacedPod({ namespace: 'shop', name: 'nope' }), 404, 'NotFound');
    assert.equal(nf.message, 'pods "nope" not found');
    assert.deepEqual(nf.details, { name: 'nope', kind: 'pods' });
    await expectStatus(apps.readNamespacedDeployment({ namespace: 'shop', name: 'nope' }), 404, 'NotFound');
    await expectStatus(core.createNamespacedConfigMap({ namespace: 'no-such-ns', body: { metadata: { name: 'x' } } }), 404, 'NotFound');
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dup' }, data: { a: '1' } } });
    await expectStatus(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dup' } } }), 409, 'AlreadyExists');
    const cm = await core.readNamespacedConfigMap({ namespace: 'default', name: 'dup' });
    const stale = cm.metadata!.resourceVersion!;
    cm.data = { a: '2' };
    const updated = await core.replaceNamespacedConfigMap({ namespace: 'default', name: 'dup', body: cm });
    assert.ok(Number(updated.metadata!.resourceVersion) > Number(stale));
    cm.metadata!.resourceVersion = stale;
    cm.data = { a: '3' };
    const conflict = await expectStatus(core.replaceNamespacedConfigMap({ namespace: 'default', name: 'dup', body: cm }), 409, 'Conflict');
    assert.match(String(conflict.message), /the object has been modified/);
    const inv = await expectStatus(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'Bad_Name' } } }), 422, 'Invalid');
    assert.match(JSON.stringify(inv.details), /metadata.name/);
    await expectStatus(core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'nocontainers' }, spec: { containers: [] } } }), 422, 'Invalid');
    const bad = new k8s.KubeConfig();
    bad.loadFromString(sim.kubeconfigYaml().replace(sim.token, 'wrong-token'));
    try {
      await bad.makeApiClient(k8s.CoreV1Api).listNamespace();
      assert.fail('expected 401');
    } catch (e) {
      assert.equal(statusOf(e).code, 401);
    }
  });

  it('forbids verbs/resources for a user via the RBAC hook (403 Status)', async () => {
    const undo = sim.rbac.deny({ user: 'sim-token-user', verbs: ['list'], resources: ['secrets'], namespaces: ['payments'] });
    try {
      const st = await expectStatus(core.listNamespacedSecret({ namespace: 'payments' }), 403, 'Forbidden');
      assert.equal(st.message, 'secrets is forbidden: User "sim-token-user" cannot list resource "secrets" in API group "" in the namespace "payments"');
      await core.listNamespacedSecret({ namespace: 'default' }); // other namespaces still allowed
      await core.readNamespacedSecret({ namespace: 'payments', name: 'stripe' }); // other verbs allowed
      // the client-certificate user is a different user
      const certCore = kubeConfig(sim, 'cert').makeApiClient(k8s.CoreV1Api);
      await certCore.listNamespacedSecret({ namespace: 'payments' });
    } finally { undo(); }
    await core.listNamespacedSecret({ namespace: 'payments' });
  });

  it('creates with generateName (201), assigns uid/creationTimestamp, increasing resourceVersions', async () => {
    const a = await core.createNamespacedPod({ namespace: 'default', body: { metadata: { generateName: 'gen-', labels: { t: 'gen' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } });
    assert.match(a.metadata!.name!, /^gen-[a-z0-9]{5}$/);
    assert.ok(a.metadata!.uid);
    assert.ok(a.metadata!.creationTimestamp instanceof Date || typeof a.metadata!.creationTimestamp === 'string');
    assert.equal(a.status!.phase, 'Running');
    assert.ok(a.status!.podIP && /^10\.244\./.test(a.status!.podIP));
    assert.ok(a.spec!.nodeName && a.spec!.nodeName !== 'sim-control-plane');
    const b = await core.createNamespacedPod({ namespace: 'default', body: { metadata: { generateName: 'gen-', labels: { t: 'gen' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } });
    assert.ok(Number(b.metadata!.resourceVersion) > Number(a.metadata!.resourceVersion));
    assert.notEqual(a.status!.podIP, b.status!.podIP);
    const deleted = await core.deleteNamespacedPod({ namespace: 'default', name: a.metadata!.name!, gracePeriodSeconds: 0 });
    assert.equal(deleted.metadata!.name, a.metadata!.name);
    await expectStatus(core.readNamespacedPod({ namespace: 'default', name: a.metadata!.name! }), 404, 'NotFound');
  });

  it('dryRun=All validates and returns results but stores nothing', async () => {
    const rv0 = sim.store.resourceVersion;
    const created = await core.createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { name: 'dry' }, data: { x: 'y' } }, dryRun: 'All' });
    assert.equal(created.metadata!.name, 'dry');
    await expectStatus(core.readNamespacedConfigMap({ namespace: 'shop', name: 'dry' }), 404, 'NotFound');
    await expectStatus(core.createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { name: 'BAD' } }, dryRun: 'All' }), 422, 'Invalid');
    const patched = await apps.patchNamespacedDeployment({ namespace: 'shop', name: 'frontend', body: { spec: { replicas: 9 } }, dryRun: 'All' }, MERGE);
    assert.equal(patched.spec!.replicas, 9);
    const delResult = await apps.deleteNamespacedDeployment({ namespace: 'shop', name: 'frontend', dryRun: 'All' });
    assert.ok(delResult);
    const pod = await core.deleteNamespacedPod({ namespace: 'payments', name: DEMO.compromisedPod, dryRun: 'All' });
    assert.equal(pod.metadata!.name, DEMO.compromisedPod);
    assert.equal(sim.store.resourceVersion, rv0, 'no writes happened');
    assert.equal((await apps.readNamespacedDeployment({ namespace: 'shop', name: 'frontend' })).spec!.replicas, 3);
    await core.readNamespacedPod({ namespace: 'payments', name: DEMO.compromisedPod });
  });

  it('supports merge, strategic-merge and JSON patches', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'patchme', labels: { a: '1' } }, spec: { containers: [{ name: 'main', image: 'busybox:1.36' }, { name: 'side', image: 'envoy:1' }] } } });
    let p = await core.patchNamespacedPod({ namespace: 'default', name: 'patchme', body: { metadata: { labels: { b: '2', a: null } } } }, MERGE);
    assert.deepEqual(p.metadata!.labels, { b: '2' });
    p = await core.patchNamespacedPod({ namespace: 'default', name: 'patchme', body: { spec: { containers: [{ name: 'side', image: 'envoy:2' }] } } }, SMP);
    assert.deepEqual(p.spec!.containers.map((c) => `${c.name}=${c.image}`), ['main=busybox:1.36', 'side=envoy:2']);
    p = await core.patchNamespacedPod({ namespace: 'default', name: 'patchme', body: [{ op: 'add', path: '/metadata/annotations', value: { note: 'x' } }, { op: 'replace', path: '/metadata/labels/b', value: '3' }] }, JSONPATCH);
    assert.equal(p.metadata!.annotations!.note, 'x');
    assert.equal(p.metadata!.labels!.b, '3');
    await expectStatus(core.patchNamespacedPod({ namespace: 'default', name: 'patchme', body: [{ op: 'test', path: '/metadata/labels/b', value: 'nope' }] }, JSONPATCH), 422, 'Invalid');
    await expectStatus(core.patchNamespacedPod({ namespace: 'default', name: 'missing', body: { metadata: { labels: { a: 'b' } } } }, MERGE), 404, 'NotFound');
  });

  it('orphans a pod that loses its labels and the ReplicaSet replaces it; Service endpoints follow', async () => {
    const victim = (await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=frontend' })).items.find((p) => p.metadata!.name === 'frontend-7c9d8f6b5d-h2mxq')!;
    const victimIp = victim.status!.podIP!;
    const epBefore = await core.readNamespacedEndpoints({ namespace: 'shop', name: 'frontend' });
    assert.ok(JSON.stringify(epBefore.subsets).includes(victimIp));
    assert.equal(epBefore.subsets![0].ports![0].port, 8080, 'named targetPort resolved');
    const relabeled = await core.patchNamespacedPod({ namespace: 'shop', name: victim.metadata!.name!, body: { metadata: { labels: { app: 'quarantined' } } } }, MERGE);
    assert.equal(relabeled.metadata!.ownerReferences, undefined, 'ownerReference removed');
    const now = (await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=frontend' })).items;
    assert.equal(now.length, 3);
    const replacement = now.find((p) => !['frontend-7c9d8f6b5d-h2mxq', 'frontend-7c9d8f6b5d-pw8rz', 'frontend-7c9d8f6b5d-v4lnc'].includes(p.metadata!.name!))!;
    assert.ok(replacement, 'replacement pod created');
    assert.match(replacement.metadata!.name!, /^frontend-7c9d8f6b5d-[a-z0-9]{5}$/);
    assert.notEqual(replacement.status!.podIP, victimIp);
    assert.equal(replacement.metadata!.ownerReferences![0].name, 'frontend-7c9d8f6b5d');
    const ep = await core.readNamespacedEndpoints({ namespace: 'shop', name: 'frontend' });
    const ips = ep.subsets!.flatMap((s) => s.addresses!.map((a) => a.ip));
    assert.ok(!ips.includes(victimIp));
    assert.ok(ips.includes(replacement.status!.podIP!));
    const disc = kc.makeApiClient(k8s.DiscoveryV1Api);
    const slices = await disc.listNamespacedEndpointSlice({ namespace: 'shop', labelSelector: 'kubernetes.io/service-name=frontend' });
    const sliceIps = slices.items.flatMap((s) => s.endpoints.flatMap((e) => e.addresses));
    assert.ok(sliceIps.includes(replacement.status!.podIP!) && !sliceIps.includes(victimIp));
    // the orphan still runs
    assert.equal((await core.readNamespacedPod({ namespace: 'shop', name: victim.metadata!.name! })).status!.phase, 'Running');
    const rs = await apps.readNamespacedReplicaSet({ namespace: 'shop', name: 'frontend-7c9d8f6b5d' });
    assert.equal(rs.status!.replicas, 3);
  });

  it('dual-stack service gets IPv4 and IPv6 EndpointSlices', async () => {
    const disc = kc.makeApiClient(k8s.DiscoveryV1Api);
    const slices = await disc.listNamespacedEndpointSlice({ namespace: 'payments', labelSelector: 'kubernetes.io/service-name=checkout' });
    assert.deepEqual(slices.items.map((s) => s.addressType).sort(), ['IPv4', 'IPv6']);
    const v6 = slices.items.find((s) => s.addressType === 'IPv6')!;
    assert.ok(v6.endpoints.some((e) => e.addresses.includes(DEMO.compromisedIp6)));
  });

  it('creates a Deployment that gets a ReplicaSet and running pods; NetworkPolicies CRUD', async () => {
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: { metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] } } } },
    });
    const rs = await apps.listNamespacedReplicaSet({ namespace: 'default', labelSelector: 'app=web' });
    assert.equal(rs.items.length, 1);
    assert.equal(rs.items[0].metadata!.ownerReferences![0].kind, 'Deployment');
    const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' });
    assert.equal(pods.items.length, 2);
    assert.ok(pods.items.every((p) => p.metadata!.ownerReferences![0].name === rs.items[0].metadata!.name));
    await expectStatus(apps.createNamespacedDeployment({
      namespace: 'default',
      body: { metadata: { name: 'mismatch' }, spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'y' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } },
    }), 422, 'Invalid');
    const np = await net.createNamespacedNetworkPolicy({ namespace: 'payments', body: { metadata: { name: 'quarantine-deny-all' }, spec: { podSelector: { matchLabels: { quarantine: 'true' } }, policyTypes: ['Ingress', 'Egress'] } } });
    assert.equal(np.metadata!.namespace, 'payments');
    const list = await net.listNamespacedNetworkPolicy({ namespace: 'payments' });
    assert.ok(list.items.some((n) => n.metadata!.name === 'quarantine-deny-all'));
    const allNp = await net.listNetworkPolicyForAllNamespaces();
    assert.ok(allNp.items.length >= 5);
    const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
    const crbs = await rbac.listClusterRoleBinding();
    assert.ok(crbs.items.some((b) => b.roleRef.name === 'cluster-admin' && b.subjects?.some((s) => s.kind === 'ServiceAccount')));
    const ds = await apps.listDaemonSetForAllNamespaces();
    assert.ok(ds.items.some((d) => d.metadata!.name === 'calico-node'));
  });

  it('exec: cat /proc/net/tcp{,6} over WebSocket returns kernel-format sockets', async () => {
    const r = await execPod(kc, 'payments', DEMO.compromisedPod, 'app', ['cat', '/proc/net/tcp', '/proc/net/tcp6']);
    assert.equal(r.status?.status, 'Success');
    const lines = r.stdout.split('\n');
    assert.match(lines[0], /^ {2}sl {2}local_address rem_address {3}st tx_queue/);
    // 10.244.1.15:43512 -> 203.0.113.50:4444 ESTABLISHED
    assert.ok(lines.some((l) => /: 0F01F40A:A9F8 327100CB:115C 01 /.test(l)), r.stdout);
    assert.ok(lines.some((l) => /: 00000000:1F90 00000000:0000 0A /.test(l)), 'LISTEN 0.0.0.0:8080');
    // [fd00:10:244:1::f]:40122 -> [2001:db8:dead:beef::50]:443
    assert.ok(r.stdout.includes('100000FD01004402000000000F000000:9CBA B80D0120EFBEADDE0000000050000000:01BB 01'), r.stdout);
    // the ephemeral debug container shares the network namespace
    await core.patchNamespacedPodEphemeralcontainers({
      namespace: 'payments', name: DEMO.ledgerPod,
      body: { spec: { ephemeralContainers: [{ name: 'debugger', image: 'busybox:1.36', targetContainerName: 'ledger', stdin: true, tty: true }] } },
    }, SMP);
    const dbg = await execPod(kc, 'payments', DEMO.ledgerPod, 'debugger', ['cat', '/proc/net/tcp']);
    assert.equal(dbg.status?.status, 'Success');
    assert.ok(dbg.stdout.includes('00000000:1B58 00000000:0000 0A'), 'ledger LISTEN :7000 visible from debug container');
    const pod = await core.readNamespacedPod({ namespace: 'payments', name: DEMO.ledgerPod });
    assert.equal(pod.status!.ephemeralContainerStatuses![0].name, 'debugger');
  });

  it('exec: distroless fails like the runtime; non-zero exit codes; sh -c; ls', async () => {
    const d = await execPod(kc, 'payments', DEMO.ledgerPod, 'ledger', ['cat', '/proc/net/tcp']);
    assert.equal(d.status?.status, 'Failure');
    assert.equal(d.status?.reason, 'InternalError');
    assert.match(String(d.status?.message), /exec: "cat": executable file not found in \$PATH/);
    assert.equal(d.stdout, '');
    const nz = await execPod(kc, 'payments', DEMO.cleanCheckoutPod, 'app', ['sh', '-c', 'cat /nope; echo hi; exit 3']);
    assert.equal(nz.status?.reason, 'NonZeroExitCode');
    assert.deepEqual(nz.status?.details?.causes, [{ reason: 'ExitCode', message: '3' }]);
    assert.equal(nz.stdout, 'hi\n');
    assert.equal(nz.stderr, 'cat: /nope: No such file or directory\n');
    const ls = await execPod(kc, 'payments', DEMO.cleanCheckoutPod, 'app', ['ls', '/proc/net']);
    assert.deepEqual(ls.stdout.trim().split('\n'), ['tcp', 'tcp6', 'udp', 'udp6']);
    const udp = await execPod(kc, 'payments', DEMO.compromisedPod, 'app', ['cat', '/proc/net/udp']);
    assert.ok(udp.stdout.includes('0F01F40A:9470 076433C6:0035 01'), udp.stdout);
    try {
      await execPod(kc, 'payments', 'no-such-pod', 'app', ['cat', '/etc/hostname']);
      assert.fail('expected upgrade failure');
    } catch (e) {
      assert.ok(e);
    }
  });

  it('serves pod logs per container with tailLines and previous', async () => {
    const log = await core.readNamespacedPodLog({ namespace: 'payments', name: DEMO.compromisedPod, container: 'app' });
    assert.match(log, /203\.0\.113\.50:4444/);
    const tail = await core.readNamespacedPodLog({ namespace: 'payments', name: DEMO.compromisedPod, container: 'app', tailLines: 1 });
    assert.equal(tail.trim().split('\n').length, 1);
    const prev = await core.readNamespacedPodLog({ namespace: 'payments', name: DEMO.compromisedPod, container: 'app', previous: true });
    assert.match(prev, /FATAL out of memory/);
    const envoy = await core.readNamespacedPodLog({ namespace: 'payments', name: DEMO.compromisedPod, container: 'envoy' });
    assert.match(envoy, /envoy proxy started/);
    await expectStatus(core.readNamespacedPodLog({ namespace: 'payments', name: DEMO.compromisedPod, container: 'nope' }), 400, 'BadRequest');
  });

  it('streams watch events for pods', async () => {
    const w = new k8s.Watch(kc);
    const events: Array<{ type: string; name: string }> = [];
    let gotAdded: () => void = () => {};
    const added = new Promise<void>((r) => { gotAdded = r; });
    let gotDeleted: () => void = () => {};
    const deleted = new Promise<void>((r) => { gotDeleted = r; });
    const list = await core.listNamespacedPod({ namespace: 'default' });
    const ctrl = await w.watch('/api/v1/namespaces/default/pods', { resourceVersion: list.metadata!.resourceVersion, labelSelector: 'watch=me' }, (type, obj: k8s.V1Pod) => {
      events.push({ type, name: obj.metadata!.name! });
      if (type === 'ADDED') gotAdded();
      if (type === 'DELETED') gotDeleted();
    }, () => {});
    await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'watched', labels: { watch: 'me' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } });
    await added;
    await core.deleteNamespacedPod({ namespace: 'default', name: 'watched' });
    await deleted;
    ctrl.abort();
    assert.equal(events[0].type, 'ADDED');
    assert.equal(events[0].name, 'watched');
    assert.ok(events.some((e) => e.type === 'MODIFIED') || events.length >= 2);
  });

  it('authenticates the client-certificate user', async () => {
    const certCore = kubeConfig(sim, 'cert').makeApiClient(k8s.CoreV1Api);
    const nss = await certCore.listNamespace();
    assert.ok(nss.items.some((n) => n.metadata!.name === 'payments'));
    const last = sim.requests.filter((r) => r.path === '/api/v1/namespaces').pop()!;
    assert.equal(last.user, 'sim-cert-user');
  });
  it('scales via the scale subresource and via patch; scale to 0 deletes owned pods; deletion cascades', async () => {
    const scale = await apps.readNamespacedDeploymentScale({ namespace: 'payments', name: 'checkout' });
    assert.equal(scale.spec!.replicas, 2);
    assert.match(scale.status!.selector!, /app=checkout/);
    await apps.patchNamespacedDeploymentScale({ namespace: 'payments', name: 'checkout', body: { spec: { replicas: 3 } } }, MERGE);
    assert.equal((await core.listNamespacedPod({ namespace: 'payments', labelSelector: 'app=checkout' })).items.length, 3);
    await apps.patchNamespacedDeployment({ namespace: 'payments', name: 'checkout', body: { spec: { replicas: 0 } } }, MERGE);
    assert.equal((await core.listNamespacedPod({ namespace: 'payments', labelSelector: 'app=checkout' })).items.length, 0);
    const dep = await apps.readNamespacedDeployment({ namespace: 'payments', name: 'checkout' });
    assert.equal(dep.spec!.replicas, 0);
    // cart: background deletion removes ReplicaSet and pods; Orphan keeps them
    await apps.deleteNamespacedDeployment({ namespace: 'shop', name: 'cart' });
    assert.equal((await apps.listNamespacedReplicaSet({ namespace: 'shop', labelSelector: 'app=cart' })).items.length, 0);
    assert.equal((await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=cart' })).items.length, 0);
    await apps.deleteNamespacedDeployment({ namespace: 'kube-system', name: 'coredns', propagationPolicy: 'Orphan' });
    const rs = await apps.listNamespacedReplicaSet({ namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' });
    assert.equal(rs.items.length, 1);
    assert.equal(rs.items[0].metadata!.ownerReferences, undefined);
  });
});
