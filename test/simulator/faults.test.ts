/**
 * Fault injection, request log, plain-HTTP mode, watch over raw HTTP, empty seed, CLI.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import * as https from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { kubeConfig, statusOf } from './helpers';
import { Simulator, startSimulator } from './server';

interface RawResponse { status: number; body: string; headers: http.IncomingHttpHeaders }

function raw(sim: Simulator, method: string, path: string, opts: { token?: string | null; body?: string; contentType?: string } = {}): Promise<RawResponse> {
  const u = new URL(path, sim.url);
  const headers: Record<string, string> = {};
  const token = opts.token === undefined ? sim.token : opts.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
  const lib = sim.tls ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(u, { method, headers, ca: sim.caCert, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('fault injection and request log', () => {
  let sim: Simulator;
  let core: k8s.CoreV1Api;
  before(async () => {
    sim = await startSimulator({ seed: 'demo' });
    core = kubeConfig(sim).makeApiClient(k8s.CoreV1Api);
  });
  after(async () => { await sim.close(); });

  it('injects a status code a limited number of times', async () => {
    const f = sim.faults.inject({ method: 'GET', pathRegex: /^\/api\/v1\/namespaces$/, status: 503, times: 1 });
    try {
      await core.listNamespace();
      assert.fail('expected 503');
    } catch (e) {
      const s = statusOf(e);
      assert.equal(s.code, 503);
      assert.equal(s.status.kind, 'Status');
    }
    assert.equal(f.hits, 1);
    const ok = await core.listNamespace();
    assert.ok(ok.items.length >= 4);
    // custom body, string pathRegex, other methods unaffected
    sim.faults.inject({ pathRegex: 'pods$', status: 429, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'TooManyRequests', code: 429, message: 'slow down' } });
    const r = await raw(sim, 'GET', '/api/v1/namespaces/shop/pods');
    assert.equal(r.status, 429);
    assert.equal(JSON.parse(r.body).message, 'slow down');
    sim.faults.clear();
    assert.equal((await raw(sim, 'GET', '/api/v1/namespaces/shop/pods')).status, 200);
  });

  it('injects latency', async () => {
    sim.faults.inject({ pathRegex: /\/configmaps$/, delayMs: 300, times: 1 });
    const t0 = Date.now();
    await core.listNamespacedConfigMap({ namespace: 'default' });
    assert.ok(Date.now() - t0 >= 280, `took ${Date.now() - t0}ms`);
    const t1 = Date.now();
    await core.listNamespacedConfigMap({ namespace: 'default' });
    assert.ok(Date.now() - t1 < 280);
  });

  it('drops connections', async () => {
    sim.faults.inject({ pathRegex: /\/services$/, dropConnection: true, times: 2 });
    await assert.rejects(raw(sim, 'GET', '/api/v1/namespaces/shop/services'), (e: NodeJS.ErrnoException) => /ECONNRESET|socket hang up/.test(`${e.code} ${e.message}`));
    await assert.rejects(core.listNamespacedService({ namespace: 'shop' }));
    const ok = await core.listNamespacedService({ namespace: 'shop' });
    assert.ok(ok.items.length > 0);
  });

  it('applies faults to exec WebSocket upgrades too', async () => {
    sim.faults.inject({ pathRegex: /\/exec$/, status: 500, times: 1 });
    const exec = new k8s.Exec(kubeConfig(sim));
    await assert.rejects(exec.exec('payments', 'checkout-5f7b9c8d4b-q9zv4', 'app', ['true'], null, null, null, false));
  });

  it('rejects missing and invalid tokens with a 401 Status, serves health unauthenticated', async () => {
    const none = await raw(sim, 'GET', '/api/v1/pods', { token: null });
    assert.equal(none.status, 401);
    assert.deepEqual(JSON.parse(none.body), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    assert.equal((await raw(sim, 'GET', '/api', { token: 'bogus' })).status, 401);
    assert.equal((await raw(sim, 'GET', '/readyz', { token: null })).body, 'ok');
    sim.users.addToken('viewer-token', 'viewer');
    // RBAC from the store: without a binding the viewer may not even read
    assert.equal((await raw(sim, 'GET', '/api/v1/namespaces/default/configmaps', { token: 'viewer-token' })).status, 403);
    sim.apply({
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'viewer-view' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'viewer' }],
    });
    sim.rbac.deny({ user: 'viewer', verbs: ['create', 'update', 'patch', 'delete'] });
    const v = await raw(sim, 'POST', '/api/v1/namespaces/default/configmaps', { token: 'viewer-token', body: JSON.stringify({ metadata: { name: 'x' } }) });
    assert.equal(v.status, 403);
    assert.equal(JSON.parse(v.body).reason, 'Forbidden');
    assert.equal((await raw(sim, 'GET', '/api/v1/namespaces/default/configmaps', { token: 'viewer-token' })).status, 200);
    sim.rbac.clear();
  });

  it('serves discovery, version and OpenAPI v3', async () => {
    const api = JSON.parse((await raw(sim, 'GET', '/api')).body);
    assert.deepEqual(api.versions, ['v1']);
    const apis = JSON.parse((await raw(sim, 'GET', '/apis')).body);
    const groups = apis.groups.map((g: { name: string }) => g.name);
    for (const g of ['apps', 'batch', 'discovery.k8s.io', 'networking.k8s.io', 'rbac.authorization.k8s.io']) assert.ok(groups.includes(g), g);
    const v1 = JSON.parse((await raw(sim, 'GET', '/api/v1')).body);
    const names = v1.resources.map((r: { name: string }) => r.name);
    for (const r of ['pods', 'pods/log', 'pods/exec', 'pods/ephemeralcontainers', 'services', 'endpoints', 'nodes', 'namespaces', 'serviceaccounts', 'events']) assert.ok(names.includes(r), r);
    const appsV1 = JSON.parse((await raw(sim, 'GET', '/apis/apps/v1')).body);
    assert.ok(appsV1.resources.some((r: { name: string; kind: string }) => r.name === 'deployments/scale' && r.kind === 'Scale'));
    assert.equal(JSON.parse((await raw(sim, 'GET', '/version')).body).minor, '32');
    const root = JSON.parse((await raw(sim, 'GET', '/openapi/v3')).body);
    assert.ok(root.paths['apis/apps/v1'].serverRelativeURL);
    assert.equal((await raw(sim, 'GET', '/apis/nope.example/v1')).status, 404);
  });

  it('logs requests (method, path, query, time, status) but never credentials', async () => {
    await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=frontend' });
    const entry = sim.requests.filter((r) => r.path === '/api/v1/namespaces/shop/pods').pop()!;
    assert.equal(entry.method, 'GET');
    assert.equal(entry.query.labelSelector, 'app=frontend');
    assert.ok(!Number.isNaN(Date.parse(entry.time)));
    assert.equal(entry.status, 200);
    const dump = JSON.stringify(sim.requests);
    assert.ok(!dump.includes(sim.token));
    assert.ok(!dump.includes('viewer-token'));
    assert.ok(!/authorization/i.test(dump));
  });
});

describe('plain HTTP, empty seed, raw watch', () => {
  let sim: Simulator;
  before(async () => { sim = await startSimulator({ tls: false, seed: 'empty' }); });
  after(async () => { await sim.close(); });

  it('works over http with the token user and an empty cluster', async () => {
    assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(sim.contexts.cert, undefined);
    const core = kubeConfig(sim).makeApiClient(k8s.CoreV1Api);
    const nss = (await core.listNamespace()).items.map((n) => n.metadata!.name);
    assert.deepEqual(nss.sort(), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    assert.equal((await core.listPodForAllNamespaces()).items.length, 0);
    const ns = await core.createNamespace({ body: { metadata: { name: 'team-a' } } });
    assert.equal(ns.metadata!.labels!['kubernetes.io/metadata.name'], 'team-a');
    assert.ok((await core.readNamespacedServiceAccount({ namespace: 'team-a', name: 'default' })).metadata!.uid);
  });

  it('streams pod watch events as JSON lines', async () => {
    const events: Array<{ type: string; object: { metadata: { name: string } } }> = [];
    const u = new URL('/api/v1/namespaces/default/pods?watch=true', sim.url);
    const done = new Promise<void>((resolve, reject) => {
      const req = http.get(u, { headers: { authorization: `Bearer ${sim.token}` } }, (res) => {
        assert.equal(res.statusCode, 200);
        let buf = '';
        res.on('data', (c: Buffer) => {
          buf += c.toString('utf8');
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) {
            events.push(JSON.parse(buf.slice(0, i)));
            buf = buf.slice(i + 1);
            if (events.some((e) => e.type === 'DELETED')) { req.destroy(); resolve(); }
          }
        });
        // create then delete once the stream is open
        void (async () => {
          await raw(sim, 'POST', '/api/v1/namespaces/default/pods', { body: JSON.stringify({ metadata: { name: 'w1' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }) });
          await raw(sim, 'DELETE', '/api/v1/namespaces/default/pods/w1');
        })();
      });
      req.on('error', (e) => { if (!events.length) reject(e); });
    });
    await done;
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    assert.ok(events.every((e) => e.object.metadata.name === 'w1'));
  });
});

describe('CLI', () => {
  it('prints the URL and kubeconfig path and exits on SIGTERM', async () => {
    const cli = join(__dirname, 'cli.js');
    const child = spawn(process.execPath, [cli, '--port', '0', '--seed', 'empty', '--no-tls'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`CLI did not start: ${out}`)), 15000);
      child.stdout.on('data', (c: Buffer) => { out += c.toString(); if (/kubeconfig: /.test(out)) { clearTimeout(t); resolve(); } });
      child.on('exit', () => { clearTimeout(t); reject(new Error(`CLI exited: ${out}`)); });
    });
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1];
    const res = await fetch(`${url}/healthz`);
    assert.equal(await res.text(), 'ok');
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
