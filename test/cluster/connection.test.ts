import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { startSimulator } from '../simulator/server';
import { DEMO } from '../simulator/seed';
import { CancelledError, TimeoutError, createSession, describeApiError, loadKubeConfig, req, withTimeout } from '../../client/src/cluster/connection';

const op = { verb: 'patch', resource: 'pods', namespace: 'payments', name: 'p', server: 'https://k8s.example:6443' };

test('describeApiError: status codes and network errors', () => {
  const st = (code: number, reason: string, message: string) => ({ code, body: JSON.stringify({ kind: 'Status', code, reason, message }) });
  assert.match(describeApiError(st(401, 'Unauthorized', 'Unauthorized'), op), /credentials.*expired/);
  assert.match(describeApiError(st(403, 'Forbidden', 'pods "p" is forbidden: User "alice" cannot patch resource "pods"'), op), /user "alice" is not allowed to patch pods in namespace "payments"/);
  assert.match(describeApiError(st(404, 'NotFound', 'pods "p" not found'), op), /does not exist/);
  assert.match(describeApiError(st(409, 'Conflict', 'the object has been modified'), op), /Refresh and retry/);
  assert.match(describeApiError(st(409, 'AlreadyExists', 'exists'), op), /already exists/);
  assert.match(describeApiError(st(422, 'Invalid', 'bad label'), op), /invalid/);
  assert.match(describeApiError(new TimeoutError(2000), op), /timed out after 2s/);
  assert.match(describeApiError(new CancelledError(), op), /Cancelled/);
  const sys = (code: string) => Object.assign(new Error(`request to https://k8s.example:6443/x failed, reason: ${code}`), { code });
  assert.match(describeApiError(sys('ECONNREFUSED'), op), /cannot reach https:\/\/k8s.example:6443 \(connection refused\)/);
  assert.match(describeApiError(sys('ENOTFOUND'), op), /does not resolve/);
  assert.match(describeApiError(sys('CERT_HAS_EXPIRED'), op), /TLS certificate/);
  assert.match(describeApiError(sys('ECONNRESET'), op), /dropped/);
  assert.match(describeApiError({ message: 'Unexpected server response: 403' }, { ...op, verb: 'exec', resource: 'pods/exec' }), /not allowed to exec/);
});

test('loadKubeConfig: explicit path, contexts, unknown context, missing file', async () => {
  const sim = await startSimulator({ port: 0, tls: true, seed: 'demo' });
  try {
    const l = loadKubeConfig({ kubeconfigPath: sim.kubeconfigPath });
    assert.deepEqual(l.contexts.sort(), ['sim-cert', 'sim-token']);
    assert.equal(l.current, 'sim-token');
    assert.equal(l.server, sim.url);
    assert.match(l.source, /^setting: /);
    assert.equal(loadKubeConfig({ kubeconfigPath: sim.kubeconfigPath, context: 'sim-cert' }).current, 'sim-cert');
    assert.throws(() => loadKubeConfig({ kubeconfigPath: sim.kubeconfigPath, context: 'nope' }), /not in the kubeconfig/);
    assert.throws(() => loadKubeConfig({ kubeconfigPath: '/nonexistent/kubeconfig' }), /does not exist/);
    const old = process.env.KUBECONFIG;
    process.env.KUBECONFIG = sim.kubeconfigPath;
    try { assert.match(loadKubeConfig().source, /^KUBECONFIG: /); } finally { if (old === undefined) delete process.env.KUBECONFIG; else process.env.KUBECONFIG = old; }
    // both users work through client-node
    for (const ctx of ['sim-token', 'sim-cert']) {
      const s = createSession(loadKubeConfig({ kubeconfigPath: sim.kubeconfigPath, context: ctx }).kc, { timeoutMs: 5000 });
      const p = await req(s, undefined, (o) => s.core.readNamespacedPod({ name: DEMO.compromisedPod, namespace: 'payments' }, o));
      assert.equal(p.metadata?.name, DEMO.compromisedPod);
    }
    // abort signal cancels an in-flight request
    const s = createSession(loadKubeConfig({ kubeconfigPath: sim.kubeconfigPath }).kc, { timeoutMs: 0 });
    sim.faults.inject({ method: 'GET', pathRegex: '/pods/', delayMs: 3000, times: 1 });
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 200);
    await assert.rejects(req(s, ctrl.signal, (o) => s.core.readNamespacedPod({ name: DEMO.compromisedPod, namespace: 'payments' }, o)), CancelledError);
  } finally { await sim.close(); }
});

test('withTimeout', async () => {
  assert.equal(await withTimeout(async () => 1, 100), 1);
  await assert.rejects(withTimeout(() => new Promise(() => {}), 50, { what: 'x' }), TimeoutError);
});
