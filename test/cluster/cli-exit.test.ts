/**
 * The exit-code mapping of `k8s-guardrails cluster isolate|release` for every result status and
 * the `verified` / `verdict` fields: the process tests (test/cli/cluster.test.ts) cover what the
 * simulator can produce; these pin down every branch.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isolateExit, releaseExit } from '../../server/src/cli/cluster-ops';
import type { IsolationResult, ReleaseResult } from '../../client/src/cluster/isolate';

const plan = (over: Record<string, unknown> = {}) => ({ hostNetwork: false, cni: { detected: ['calico'], enforcing: true, note: '' }, ...over }) as unknown as IsolationResult['plan'];
const iso = (over: Record<string, unknown>) => ({ status: 'isolated', message: '', plan: plan(), audit: [], verification: [{ check: 'c', ok: true, detail: '' }], policyCreated: true, ...over }) as unknown as IsolationResult;

test('isolate: verified and isolated → 0; a verdict or verified field that says otherwise → 1', () => {
  assert.equal(isolateExit(iso({})), 0);
  assert.equal(isolateExit(iso({ verified: 'verified', verdict: 'isolated' })), 0);
  assert.equal(isolateExit(iso({ verified: 'not-verified' })), 1);
  assert.equal(isolateExit(iso({ verdict: 'not-isolated' })), 1);
  assert.equal(isolateExit(iso({ verdict: { isolated: false, reasons: ['hostNetwork'] } })), 1);
  // a verdict replaces what the plan knows (hostNetwork, CNI)
  assert.equal(isolateExit(iso({ plan: plan({ hostNetwork: true }), verdict: { isolated: true } })), 0);
  assert.equal(isolateExit(iso({ plan: plan({ hostNetwork: true }) })), 1);
  assert.equal(isolateExit(iso({ plan: plan({ cni: { detected: [], enforcing: undefined, note: '' } }) })), 1);
  assert.equal(isolateExit(iso({ verification: [{ check: 'c', ok: false, detail: 'still selected' }] })), 1);
  assert.equal(isolateExit(iso({ status: 'already-isolated', verification: [] })), 0);
  assert.equal(isolateExit(iso({ status: 'dry-run', verdict: 'not-isolated' })), 1);
});

test('isolate: failed with nothing written or rolled back → 2; rollback incomplete → 1', () => {
  assert.equal(isolateExit(iso({ status: 'failed' })), 2);
  assert.equal(isolateExit(iso({ status: 'rolled-back', rollback: { complete: true, message: '', manualSteps: [] } })), 2);
  assert.equal(isolateExit(iso({ status: 'failed', rollback: { complete: false, message: '', manualSteps: ['kubectl …'] } })), 1);
});

test('isolate: applied but NOT isolated, or applied but not verified → 1', () => {
  assert.equal(isolateExit(iso({ status: 'not-isolated', verified: 'verified', verdict: { isolated: false } })), 1);
  assert.equal(isolateExit(iso({ status: 'applied-not-verified', verified: 'not-verified' })), 1);
});

test('release: released/dry-run/not-isolated → 0; not verified or half done → 1; nothing changed → 2', () => {
  const rel = (over: Record<string, unknown>) => ({ status: 'released', message: '', audit: [], ...over }) as unknown as ReleaseResult;
  assert.equal(releaseExit(rel({})), 0);
  assert.equal(releaseExit(rel({ verified: 'verified' })), 0);
  assert.equal(releaseExit(rel({ verified: 'not-verified' })), 1);
  assert.equal(releaseExit(rel({ status: 'dry-run' })), 0);
  assert.equal(releaseExit(rel({ status: 'not-isolated' })), 0);
  assert.equal(releaseExit(rel({ status: 'failed', message: 'Release of pod a/b failed at step "read": … Nothing was changed.' })), 2);
  assert.equal(releaseExit(rel({ status: 'failed', message: 'Labels of pod a/b restored, but the quarantine policy could not be cleaned up: …' })), 1);
  // A record that does not match the pod is never confirmed by the CLI: nothing changes.
  assert.equal(releaseExit(rel({ status: 'needs-confirmation', message: 'Release of a/b needs a confirmation: … Nothing was changed: the pod is still quarantined.' })), 2);
  assert.equal(releaseExit(rel({ status: 'cancelled', message: 'Release of a/b cancelled: …' })), 2);
});
