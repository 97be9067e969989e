/**
 * Drives the simulator with the real `kubectl` binary as an independent client.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kubectl } from './helpers';
import { DEMO } from './seed';
import { Simulator, startSimulator, T } from './server';

describe('simulator with the real kubectl', () => {
  let sim: Simulator;
  before(async () => { sim = await startSimulator({ seed: 'demo' }); });
  after(async () => { await sim.close(); });

  it('get -o json with label and field selectors', async () => {
    const r = await kubectl(sim, ['get', 'pods', '-A', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout);
    assert.equal(list.kind, 'List');
    assert.ok(list.items.some((p: { metadata: { name: string } }) => p.metadata.name === DEMO.compromisedPod));
    const sel = JSON.parse((await kubectl(sim, ['-n', 'shop', 'get', 'pods', '-l', 'app in (frontend),tier=web', '-o', 'json'])).stdout);
    assert.equal(sel.items.length, 3);
    const fs = JSON.parse((await kubectl(sim, ['get', 'pods', '-A', '--field-selector', 'spec.nodeName=sim-worker-2', '-o', 'json'])).stdout);
    assert.ok(fs.items.length > 0 && fs.items.every((p: { spec: { nodeName: string } }) => p.spec.nodeName === 'sim-worker-2'));
    const one = JSON.parse((await kubectl(sim, ['-n', 'payments', 'get', 'deploy', 'checkout', '-o', 'json'])).stdout);
    assert.equal(one.kind, 'Deployment');
    const many = await kubectl(sim, ['get', 'ns,nodes,netpol,clusterrolebindings,ds,sts,cronjobs,jobs,endpointslices', '-A', '-o', 'name']);
    assert.equal(many.code, 0, many.stderr);
    for (const s of ['namespace/payments', 'node/sim-worker-1', 'networkpolicy.networking.k8s.io/default-deny-all', 'clusterrolebinding.rbac.authorization.k8s.io/payments-deployer-cluster-admin', 'daemonset.apps/calico-node', 'statefulset.apps/redis', 'cronjob.batch/nightly-report']) {
      assert.ok(many.stdout.includes(s), `${s} in ${many.stdout}`);
    }
  });

  it('reports NotFound and Forbidden like the API server', async () => {
    const nf = await kubectl(sim, ['-n', 'shop', 'get', 'pod', 'nope']);
    assert.notEqual(nf.code, 0);
    assert.match(nf.stderr, /Error from server \(NotFound\): pods "nope" not found/);
    const undo = sim.rbac.deny({ user: 'sim-token-user', verbs: ['list'], resources: ['pods'] });
    try {
      const fb = await kubectl(sim, ['-n', 'shop', 'get', 'pods']);
      assert.notEqual(fb.code, 0);
      assert.match(fb.stderr, /Error from server \(Forbidden\): pods is forbidden: User "sim-token-user" cannot list resource "pods" in API group "" in the namespace "shop"/);
      // the certificate user is not affected
      const ok = await kubectl(sim, ['-n', 'shop', 'get', 'pods', '-o', 'name'], { context: 'cert' });
      assert.equal(ok.code, 0, ok.stderr);
    } finally { undo(); }
  });

  it('label --overwrite orphans the pod and the ReplicaSet replaces it', async () => {
    const r = await kubectl(sim, ['-n', 'shop', 'label', 'pod', 'frontend-7c9d8f6b5d-v4lnc', 'app=quarantine', 'quarantine=true', '--overwrite']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /pod\/frontend-7c9d8f6b5d-v4lnc labeled/);
    const pod = sim.store.get(T('pods'), 'shop', 'frontend-7c9d8f6b5d-v4lnc')!;
    assert.equal(pod.metadata.labels.quarantine, 'true');
    assert.equal(pod.metadata.ownerReferences, undefined);
    const fe = JSON.parse((await kubectl(sim, ['-n', 'shop', 'get', 'pods', '-l', 'app=frontend', '-o', 'json'])).stdout);
    assert.equal(fe.items.length, 3);
    assert.ok(!fe.items.some((p: { metadata: { name: string } }) => p.metadata.name === 'frontend-7c9d8f6b5d-v4lnc'));
    const noOverwrite = await kubectl(sim, ['-n', 'shop', 'label', 'pod', 'frontend-7c9d8f6b5d-v4lnc', 'app=other']);
    assert.notEqual(noOverwrite.code, 0);
  });

  it('apply --dry-run=server validates on the server and stores nothing', async () => {
    const file = join(sim.kubeconfigPath, '..', 'manifest.yaml');
    writeFileSync(file, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
  namespace: shop
spec:
  replicas: 7
  selector:
    matchLabels: {app: frontend, tier: web}
  template:
    metadata:
      labels: {app: frontend, tier: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.28
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: quarantine
  namespace: payments
spec:
  podSelector:
    matchLabels: {quarantine: "true"}
  policyTypes: [Ingress, Egress]
`);
    const rv = sim.store.resourceVersion;
    const r = await kubectl(sim, ['apply', '--dry-run=server', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /deployment.apps\/frontend configured \(server dry run\)/);
    assert.match(r.stdout, /networkpolicy.networking.k8s.io\/quarantine created \(server dry run\)/);
    assert.equal(sim.store.resourceVersion, rv);
    assert.equal(sim.store.get(T('deployments', 'apps'), 'shop', 'frontend')!.spec.replicas, 3);
    assert.equal(sim.store.get(T('networkpolicies', 'networking.k8s.io'), 'payments', 'quarantine'), undefined);
    assert.ok(sim.requests.some((q) => q.method === 'PATCH' && q.query.dryRun === 'All'));
    // invalid objects are rejected by the server
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Invalid_Name\n  namespace: default\n');
    const bad = await kubectl(sim, ['apply', '--dry-run=server', '-f', file]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /is invalid/);
  });

  it('exec -- cat /proc/net/tcp, and distroless failure', async () => {
    const r = await kubectl(sim, ['-n', 'payments', 'exec', DEMO.compromisedPod, '-c', 'app', '--', 'cat', '/proc/net/tcp']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ {2}sl {2}local_address rem_address/);
    assert.match(r.stdout, /0F01F40A:A9F8 327100CB:115C 01/);
    const six = await kubectl(sim, ['-n', 'payments', 'exec', DEMO.compromisedPod, '--', 'cat', '/proc/net/tcp6']);
    assert.equal(six.code, 0, six.stderr);
    assert.match(six.stdout, /B80D0120EFBEADDE0000000050000000:01BB 01/);
    const d = await kubectl(sim, ['-n', 'payments', 'exec', DEMO.ledgerPod, '--', 'cat', '/proc/net/tcp']);
    assert.notEqual(d.code, 0);
    assert.match(d.stderr, /exec: "cat": executable file not found in \$PATH/);
    const exit = await kubectl(sim, ['-n', 'payments', 'exec', DEMO.cleanCheckoutPod, '-c', 'app', '--', 'sh', '-c', 'exit 7']);
    assert.equal(exit.code, 7);
    const stdin = await kubectl(sim, ['-n', 'payments', 'exec', '-i', DEMO.cleanCheckoutPod, '-c', 'app', '--', 'sh'], { input: 'echo hello\ncat /etc/hostname\n' });
    assert.equal(stdin.code, 0, stdin.stderr);
    assert.equal(stdin.stdout, `hello\n${DEMO.cleanCheckoutPod}\n`);
  });

  it('logs with container selection and --tail', async () => {
    const r = await kubectl(sim, ['-n', 'payments', 'logs', DEMO.compromisedPod, '-c', 'app']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /unexpected child process/);
    const def = await kubectl(sim, ['-n', 'payments', 'logs', DEMO.compromisedPod, '--tail=1']);
    assert.equal(def.code, 0, def.stderr);
    assert.equal(def.stdout.trim().split('\n').length, 1);
    const envoy = await kubectl(sim, ['-n', 'payments', 'logs', DEMO.compromisedPod, '-c', 'envoy']);
    assert.match(envoy.stdout, /envoy proxy started/);
  });

  it('cordon sets spec.unschedulable and new pods avoid the node', async () => {
    const r = await kubectl(sim, ['cordon', 'sim-worker-1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /node\/sim-worker-1 cordoned/);
    assert.equal(sim.store.get(T('nodes'), undefined, 'sim-worker-1')!.spec.unschedulable, true);
    const again = await kubectl(sim, ['cordon', 'sim-worker-1']);
    assert.match(again.stdout, /already cordoned/);
    const run = await kubectl(sim, ['-n', 'default', 'run', 'after-cordon', '--image=busybox:1.36', '--restart=Never']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(sim.store.get(T('pods'), 'default', 'after-cordon')!.spec.nodeName, 'sim-worker-2');
    const un = await kubectl(sim, ['uncordon', 'sim-worker-1']);
    assert.equal(un.code, 0, un.stderr);
    assert.equal(sim.store.get(T('nodes'), undefined, 'sim-worker-1')!.spec.unschedulable, undefined);
  });

  it('scale, delete and api-resources work', async () => {
    const s = await kubectl(sim, ['-n', 'shop', 'scale', 'deploy/frontend', '--replicas=0']);
    assert.equal(s.code, 0, s.stderr);
    const fe = JSON.parse((await kubectl(sim, ['-n', 'shop', 'get', 'pods', '-l', 'app=frontend', '-o', 'json'])).stdout);
    assert.equal(fe.items.length, 0);
    const del = await kubectl(sim, ['-n', 'shop', 'delete', 'networkpolicy', 'allow-dns-egress']);
    assert.equal(del.code, 0, del.stderr);
    assert.match(del.stdout, /deleted/);
    const ar = await kubectl(sim, ['api-resources', '-o', 'name']);
    assert.equal(ar.code, 0, ar.stderr);
    assert.match(ar.stdout, /^networkpolicies.networking.k8s.io$/m);
  });
});
