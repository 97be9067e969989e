/**
 * The isolation plan says what the pod's controller will really do: a
 * ReplicaSet starts a replacement, a StatefulSet cannot while the isolated pod
 * holds its name (issue #19 item 7).
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { startSimulator } from '../simulator/server';
import { DEMO } from '../simulator/seed';
import { kubeConfig } from '../simulator/helpers';
import { createSession } from '../../client/src/cluster/connection';
import { planIsolation } from '../../client/src/cluster/isolate';

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
