/**
 * The isolation plan says what the pod's controller will really do: a
 * ReplicaSet starts a replacement, a StatefulSet cannot while the isolated pod
 * holds its name (issue #19 item 7).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { startSimulator } from '../simulator/server';
import { DEMO } from '../simulator/seed';
import { kubeConfig } from '../simulator/helpers';
import { createSession } from '../../client/src/cluster/connection';
import { isolatePod, planIsolation } from '../../client/src/cluster/isolate';

test('plan texts are true per controller kind (no replacement promised for a StatefulSet)', async () => {
  const sim = await startSimulator({ port: 0, tls: true, seed: 'demo' });
  try {
    const s = createSession(kubeConfig(sim), { timeoutMs: 5000 });
    const redis = (sim.list('v1', 'Pod', 'shop') as { metadata: { name: string; ownerReferences?: { kind: string }[] } }[]).find((p) => p.metadata.ownerReferences?.some((o) => o.kind === 'StatefulSet'));
    assert.ok(redis, 'the demo seed has a StatefulSet pod');
    const sts = await planIsolation(s, 'shop', redis.metadata.name);
    const stsText = [...sts.summary, ...sts.warnings].join('\n');
    assert.match(stsText, /StatefulSet redis will release the pod .* cannot start a replacement while it exists/);
    assert.doesNotMatch(stsText, /start a replacement\.|will start a replacement/);

    const rs = await planIsolation(s, 'payments', DEMO.compromisedPod);
    assert.ok(rs.summary.includes(`ReplicaSet ${DEMO.checkoutRs} will release the pod (it keeps running, isolated) and start a replacement.`), rs.summary.join('\n'));
  } finally {
    await sim.close();
  }
});

test('isolating a StatefulSet pod does not wait for, or promise, a replacement', async () => {
  const sim = await startSimulator({ port: 0, tls: true, seed: 'demo' });
  const evidence = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-sts-evidence-'));
  try {
    const s = createSession(kubeConfig(sim), { timeoutMs: 5000 });
    const redis = (sim.list('v1', 'Pod', 'shop') as { metadata: { name: string; ownerReferences?: { kind: string }[] } }[]).find((p) => p.metadata.ownerReferences?.some((o) => o.kind === 'StatefulSet'))!;
    const plan = await planIsolation(s, 'shop', redis.metadata.name);
    const t0 = Date.now();
    const r = await isolatePod(s, plan, { dryRun: false, evidenceDir: evidence, reason: 'test', debugContainer: false } as Parameters<typeof isolatePod>[2]);
    assert.ok(r.status === 'isolated' || r.status === 'not-isolated', `${r.status}: ${r.message}`);
    assert.ok(!r.verification.some((c) => c.check === 'controller replacement exists'), JSON.stringify(r.verification));
    assert.doesNotMatch(r.message, /has a replacement/);
    // (In the demo seed, shop has a select-all allow-dns-egress policy: the quarantined pod is NOT isolated, and says so.)
    if (r.status === 'isolated') assert.match(r.message, /cannot start a replacement while it exists/);
    else assert.match(r.message, /NOT isolated: .*allow-dns-egress/);
    assert.ok(Date.now() - t0 < 14_000, 'no wait for a replacement that cannot come');
  } finally {
    await sim.close();
    fs.rmSync(evidence, { recursive: true, force: true });
  }
});
