/**
 * Fault-injection matrix over isolate (plan and execution) / release / trace: every API step of each operation ×
 * {403, 404, 409, 500, timeout, dropped connection}. For every cell:
 *  - the cluster is either as before or in the operation's complete end state (no partial state);
 *    the only accepted remainder is one the message names together with the command to clean it up,
 *  - the message says which step failed, the HTTP status in words and what state the cluster is in,
 *  - never a raw 'HTTP-Code', '[object Object]' or 'undefined', never a throw from isolate/release,
 *  - the audit log starts with 'start', records the failed step and ends with the outcome.
 *
 * A fault is injected when the operation reaches the step's phase (through the audit sink) and removed
 * at the next audit entry — the step failed (or passed), the rollback runs against a healthy server —
 * unless the row says `persistent` (the rollback fails too).
 * Timeouts: the session timeout is 1.5 s and the fault delays 2 s, then the server applies the
 * request anyway (a "late write"); `settleMs` lets the rollback wait for it.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { startSimulator, Simulator, FaultSpec } from '../simulator/server';
import { kubeConfig } from '../simulator/helpers';
import { createSession, ClusterSession } from '../../client/src/cluster/connection';
import { AuditEntry, QUARANTINE_LABEL, isolatePod, planIsolation, quarantinePolicy, releasePod } from '../../client/src/cluster/isolate';
import { traceEgress } from '../../client/src/cluster/trace';
import { DELAY_MS, NS, POD, QPOLICY, SETTLE_MS, TIMEOUT_MS } from './sweep';

let sim: Simulator;
let s: ClusterSession;
let dir: string;
beforeEach(async () => {
  sim = await startSimulator({ port: 0, tls: true, seed: 'demo' });
  s = createSession(kubeConfig(sim), { timeoutMs: TIMEOUT_MS });
  dir = mkdtempSync(join(tmpdir(), 'guardrails-faults-'));
});
afterEach(async () => { await sim.close(); rmSync(dir, { recursive: true, force: true }); });

type Fault = '403' | '404' | '409' | '500' | 'timeout' | 'drop';
const FAULTS: Fault[] = ['403', '404', '409', '500', 'timeout', 'drop'];

const STATUS: Record<'403' | '404' | '409' | '500', { reason: string; message: string }> = {
  403: { reason: 'Forbidden', message: 'injected: User "sim-admin" cannot do this' },
  404: { reason: 'NotFound', message: 'injected: not found' },
  409: { reason: 'Conflict', message: 'injected: the object has been modified; please apply your changes to the latest version and try again' },
  500: { reason: 'InternalError', message: 'injected: Internal error occurred: etcdserver: leader changed' },
};

/** The words the message must carry for each fault. */
const WORDS: Record<Fault, RegExp> = {
  403: /403 Forbidden/,
  404: /404 Not Found/,
  409: /409 Conflict/,
  500: /500 Internal Server Error/,
  timeout: /timed out/,
  drop: /connection to .* was dropped/,
};

function spec(f: Fault, method: string, path: string): FaultSpec {
  if (f === 'timeout') return { method, pathRegex: path, delayMs: DELAY_MS, times: 1 };
  if (f === 'drop') return { method, pathRegex: path, dropConnection: true };
  const st = STATUS[f];
  return { method, pathRegex: path, status: Number(f), body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: st.reason, message: st.message, code: Number(f) } };
}

const UNCLEAR = /\[object Object\]|HTTP-Code|undefined|\bnull\b|^Error:/;

function assertClear(msg: string, f: Fault, ctx: string): void {
  assert.match(msg, WORDS[f], `${ctx}: status in words\n${msg}`);
  assert.doesNotMatch(msg, UNCLEAR, `${ctx}: no raw error text\n${msg}`);
}

const podObj = () => sim.get('v1', 'Pod', NS, POD) as any;
const policies = () => (sim.list('networking.k8s.io/v1', 'NetworkPolicy', NS) as any[]).map((p) => p.metadata.name).sort();
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// isolate

interface IsolateStep {
  name: string;
  /** Inject when the audit reaches this step (undefined: before isolatePod starts). */
  after?: 'evidence' | 'policy' | 'patch' | 'verify';
  method: string;
  path: string;
  /** The operation carries on (the data is optional); the failure is recorded in the evidence / verification. */
  tolerated?: Fault[];
  /** Skip this many matching requests before the fault applies. */
  skip?: number;
  /** The failed step's name in the message. */
  step: string;
  /** Our quarantine policy exists already (another pod is quarantined): the step reads it to reuse it. */
  reuse?: boolean;
}

const ISOLATE: IsolateStep[] = [
  { name: 'evidence: pod read', method: 'GET', path: `/namespaces/${NS}/pods/${POD}$`, step: 'evidence' },
  { name: 'evidence: owner read', method: 'GET', path: `/namespaces/${NS}/replicasets/`, step: 'evidence', tolerated: FAULTS },
  { name: 'evidence: logs', method: 'GET', path: `/pods/${POD}/log$`, step: 'evidence', tolerated: FAULTS },
  { name: 'evidence: events', method: 'GET', path: `/namespaces/${NS}/events$`, step: 'evidence', tolerated: FAULTS },
  { name: 'evidence: trace pod list', method: 'GET', path: '^/api/v1/pods$', step: 'evidence', tolerated: FAULTS },
  { name: 'evidence: trace exec', method: 'GET', path: `/pods/${POD}/exec$`, step: 'evidence', tolerated: FAULTS },
  { name: 'policy create', after: 'evidence', method: 'POST', path: `/namespaces/${NS}/networkpolicies$`, step: 'policy' },
  // 404: the policy is gone, so it is created (the real one answers 409 AlreadyExists and is not reused blindly: another name).
  { name: 'policy read (reuse)', after: 'evidence', method: 'GET', path: `/namespaces/${NS}/networkpolicies/${QPOLICY}$`, step: 'policy', reuse: true, tolerated: ['404'] },
  { name: 'pod patch', after: 'policy', method: 'PATCH', path: `/namespaces/${NS}/pods/${POD}$`, step: 'patch', tolerated: ['409'] },
  // Verification reads are retried with backoff (a failed read never undoes the quarantine): one failure is recovered.
  { name: 'verify: pod read', after: 'patch', method: 'GET', path: `/namespaces/${NS}/pods/${POD}$`, step: 'verify', tolerated: FAULTS },
  { name: 'verify: policy list', after: 'patch', method: 'GET', path: `/namespaces/${NS}/networkpolicies$`, step: 'verify', tolerated: FAULTS },
  // Secondary checks (Services, controller replacement): a failure is a verification warning.
  { name: 'verify: replacement poll', after: 'verify', method: 'GET', path: `^/api/v1/namespaces/${NS}/pods$`, step: 'verify', tolerated: FAULTS },
];

function snapshotState() {
  const p = podObj();
  // The simulator's ReplicaSet scale-down may delete a pod whose labels were restored (see isolate.test.ts).
  return p ? { labels: p.metadata.labels as Record<string, string>, policies: policies() } : { gone: true as const, policies: policies() };
}

function assertAudit(audit: AuditEntry[], ok: boolean, ctx: string): void {
  assert.equal(audit[0]?.step, 'start', `${ctx}: audit starts with start`);
  const last = audit[audit.length - 1];
  assert.equal(last.step, 'done', `${ctx}: audit ends with the outcome\n${JSON.stringify(audit, null, 1)}`);
  if (!ok) {
    assert.ok(audit.some((e) => e.status === 'failed'), `${ctx}: audit records the failure`);
    assert.equal(last.status, 'failed', `${ctx}: outcome failed`);
  }
  for (const e of audit) assert.doesNotMatch(e.message, UNCLEAR, `${ctx}: audit message clear: ${e.message}`);
}

for (const st of ISOLATE) {
  for (const f of FAULTS) {
    test(`isolate × ${st.name} × ${f}`, async () => {
      if (st.reuse) await s.net.createNamespacedNetworkPolicy({ namespace: NS, body: quarantinePolicy(QPOLICY, NS) });
      const before = snapshotState();
      const plan = await planIsolation(s, NS, POD);
      assert.equal(plan.policyExists, !!st.reuse);
      let active: { remove(): void }[] = [];
      const inject = () => {
        if (st.skip) active.push(sim.faults.inject({ method: st.method, pathRegex: st.path, times: st.skip }));
        active.push(sim.faults.inject(spec(f, st.method, st.path)));
      };
      let armed = !st.after;
      if (armed) inject();
      const audit: AuditEntry[] = [];
      const sink = (e: AuditEntry) => {
        audit.push(e);
        if (armed && active.length && e.step !== 'start') { active.forEach((h) => h.remove()); active = []; }
        if (!armed && e.step === st.after && e.status !== 'warning') { armed = true; inject(); }
      };
      const r = await isolatePod(s, plan, { dryRun: false, evidenceDir: dir, reason: 'matrix', audit: sink, settleMs: SETTLE_MS, verifyWaitMs: 500 });
      sim.faults.clear();
      if (f === 'timeout') await wait(DELAY_MS - TIMEOUT_MS + 300); // the late request lands
      const ctx = `${st.name} × ${f}: ${r.status}: ${r.message}`;
      assert.deepEqual(r.audit, audit, 'the sink saw every entry');
      const after = snapshotState();
      if (st.tolerated?.includes(f)) {
        assert.equal(r.status, 'isolated', ctx);
        assert.deepEqual((after as any).labels, { [QUARANTINE_LABEL]: plan.id }, ctx);
        assert.ok(after.policies.includes(QPOLICY), ctx);
        assertAudit(r.audit, true, ctx);
        if (st.step === 'evidence') {
          // What could not be collected (or only partly) is counted in the audit and listed, in words, in the bundle's README.
          const ev = r.audit.find((e) => e.step === 'evidence')!;
          assert.match(ev.message, /not collected|trace warnings/, ctx);
          const readme = readFileSync(join(r.evidence!.dir, 'README.md'), 'utf8');
          assertClear(readme.split('| --- |').pop()!, f, `${ctx} README`);
        } else if (st.reuse) {
          // Told the policy is gone: a quarantine policy is created (under another name when the old one answers AlreadyExists).
          assert.ok(r.audit.some((e) => e.step === 'policy' && /Created quarantine NetworkPolicy/.test(e.message)), ctx);
        } else if (st.step === 'patch') {
          // 409: re-read, the labels are as planned, retried once.
          assert.ok(r.audit.some((e) => e.step === 'patch' && e.status === 'warning' && /409 Conflict/.test(e.message)), ctx);
        } else {
          // Retried (the retry names the failed read) or a secondary check failed: a verification warning says so.
          assert.equal(r.verified, 'verified', ctx);
          assert.equal(r.verdict?.isolated, true, ctx);
          assert.ok(r.audit.some((e) => e.step === 'verify' && e.status === 'warning' && WORDS[f].test(e.message)), `${ctx}\n${JSON.stringify(r.audit, null, 1)}`);
        }
        return;
      }
      assert.ok(['failed', 'rolled-back'].includes(r.status), ctx);
      assert.match(r.message, new RegExp(`step "${st.step}"`), ctx);
      assertClear(r.message, f, ctx);
      assert.match(r.message, /Nothing was changed|rolled back/, ctx);
      assert.ok(r.rollback === undefined || r.rollback.complete, ctx);
      assertAudit(r.audit, false, ctx);
      assert.ok(r.audit.some((e) => e.step === st.step && e.status === 'failed'), `${ctx}: failed entry for the step`);
      if ('gone' in after) assert.ok(r.audit.some((e) => e.step === 'rollback' && /restored/.test(e.message)), ctx);
      else assert.deepEqual(after.labels, (before as any).labels, `${ctx}: labels as before`);
      assert.deepEqual(after.policies, before.policies, `${ctx}: policies as before`);
    });
  }
}

// Rollback against a server that keeps failing: the remainder is named with the commands to clean it up.
test('isolate × pod patch dropped and the rollback fails too (fence dropped, policy delete forbidden) → INCOMPLETE with kubectl commands', async () => {
  const plan = await planIsolation(s, NS, POD);
  const audit: AuditEntry[] = [];
  const r = await isolatePod(s, plan, {
    dryRun: false, evidenceDir: dir, reason: 'matrix', settleMs: SETTLE_MS, verifyWaitMs: 500,
    audit: (e) => {
      audit.push(e);
      if (e.step === 'policy' && e.status === 'ok') {
        sim.faults.inject(spec('drop', 'PATCH', `/namespaces/${NS}/pods/${POD}$`));
        sim.faults.inject(spec('403', 'DELETE', '/networkpolicies/'));
      }
    },
  });
  sim.faults.clear();
  assert.equal(r.status, 'failed', r.message);
  assert.equal(r.rollback?.complete, false);
  assert.match(r.message, /step "patch"/);
  assert.match(r.message, /INCOMPLETE/);
  assert.match(r.message, new RegExp(`kubectl -n ${NS} label pod ${POD}`));
  assert.match(r.message, new RegExp(`kubectl -n ${NS} delete networkpolicy ${QPOLICY}`));
  assertAudit(r.audit, false, r.message);
  assert.ok(r.audit.some((e) => e.step === 'rollback' && e.status === 'failed'));
});

// ---------------------------------------------------------------------------------------------
// plan (reads only, before the modal: it either fails clearly or plans with the gap as a warning)

interface PlanStep { name: string; method: string; path: string; fatal: Fault[]; /** one failed request is recovered from (a fallback read) */ recovers?: Fault[] }
const PLAN: PlanStep[] = [
  { name: 'pod read', method: 'GET', path: `/namespaces/${NS}/pods/${POD}$`, fatal: FAULTS },
  { name: 'pod list', method: 'GET', path: '^/api/v1/pods$', fatal: ['timeout', 'drop'] },
  { name: 'workload list', method: 'GET', path: `/namespaces/${NS}/deployments$`, fatal: [] },
  // DaemonSets, then pods of kube-system; a single timeout is recovered by the second read.
  { name: 'CNI detection', method: 'GET', path: '/namespaces/kube-system/', fatal: [], recovers: ['timeout'] },
];

for (const st of PLAN) {
  for (const f of FAULTS) {
    test(`plan × ${st.name} × ${f}`, async () => {
      const before = snapshotState();
      sim.faults.inject(spec(f, st.method, st.path));
      let plan: Awaited<ReturnType<typeof planIsolation>> | undefined;
      let err: unknown;
      try { plan = await planIsolation(s, NS, POD); } catch (e) { err = e; }
      sim.faults.clear();
      const ctx = `plan × ${st.name} × ${f}`;
      assert.deepEqual(snapshotState(), before, ctx);
      if (st.fatal.includes(f)) {
        assert.ok(err instanceof Error, `${ctx}: fails`);
        assert.match(err.message, /Cannot plan the isolation .*step "/, err.message);
        assert.match(err.message, /Nothing was changed/, err.message);
        assertClear(err.message, f, ctx);
        return;
      }
      assert.equal(err, undefined, `${ctx}: plans (${(err as Error)?.message})`);
      if (st.recovers?.includes(f)) return;
      const gaps = plan!.warnings.join('\n');
      assertClear(gaps, f, `${ctx}: the gap is a warning`);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// release

interface ReleaseStep {
  name: string; method: string; path: string;
  step: 'read' | 'restore labels' | 'policy';
  /** Inject when the labels are restored (the policy clean-up phase). */
  afterRestore?: boolean;
  /** Faults after which the release still completes: a 409 retried, a late write detected, a 404 taken as "already gone". */
  completes: Fault[];
}
const RELEASE: ReleaseStep[] = [
  { name: 'pod read', method: 'GET', path: `/namespaces/${NS}/pods/${POD}$`, step: 'read', completes: [] },
  { name: 'record read (policy list)', method: 'GET', path: `/namespaces/${NS}/networkpolicies$`, step: 'read', completes: [] },
  { name: 'label patch', method: 'PATCH', path: `/namespaces/${NS}/pods/${POD}$`, step: 'restore labels', completes: ['409', 'timeout'] },
  { name: 'quarantined pods list', method: 'GET', path: `^/api/v1/namespaces/${NS}/pods$`, step: 'policy', afterRestore: true, completes: [] },
  // Reads are retried with backoff; a 404 is believed only when a second read agrees.
  { name: 'policy read', method: 'GET', path: `/networkpolicies/${QPOLICY}$`, step: 'policy', afterRestore: true, completes: FAULTS },
  // A 404 on delete is checked by reading: the policy still exists, so it is deleted again.
  { name: 'policy delete', method: 'DELETE', path: `/networkpolicies/${QPOLICY}$`, step: 'policy', afterRestore: true, completes: ['404', 'timeout'] },
];

async function isolated(): Promise<{ labels: Record<string, string>; id: string }> {
  const labels = { ...podObj().metadata.labels };
  const plan = await planIsolation(s, NS, POD);
  const r = await isolatePod(s, plan, { dryRun: false, evidenceDir: dir, reason: 'setup', verifyWaitMs: 500 });
  assert.equal(r.status, 'isolated', r.message);
  return { labels, id: plan.id };
}

for (const st of RELEASE) {
  for (const f of FAULTS) {
    test(`release × ${st.name} × ${f}`, async () => {
      const { labels, id } = await isolated();
      let active: { remove(): void }[] = [];
      if (!st.afterRestore) active.push(sim.faults.inject(spec(f, st.method, st.path)));
      const audit: AuditEntry[] = [];
      const r = await releasePod(s, NS, POD, {
        dryRun: false, settleMs: SETTLE_MS,
        audit: (e) => {
          audit.push(e);
          if (active.length && e.step !== 'start') { active.forEach((h) => h.remove()); active = []; }
          if (st.afterRestore && e.step === 'release' && e.status === 'ok') active.push(sim.faults.inject(spec(f, st.method, st.path)));
        },
      });
      sim.faults.clear();
      if (f === 'timeout') await wait(DELAY_MS - TIMEOUT_MS + 300);
      const ctx = `${st.name} × ${f}: ${r.status}: ${r.message}`;
      assert.deepEqual(r.audit, audit);
      for (const e of r.audit) assert.doesNotMatch(e.message, UNCLEAR, ctx);
      assert.equal(r.audit[r.audit.length - 1].step, 'done', `${ctx}: the audit ends with the outcome`);
      const p = podObj();
      const pol = policies();
      if (st.completes.includes(f)) {
        assert.equal(r.status, 'released', ctx);
        if (p) assert.deepEqual(p.metadata.labels, labels, ctx);
        assert.ok(!pol.includes(QPOLICY), ctx);
        assert.ok(r.audit.some((e) => e.status === 'warning' && WORDS[f].test(e.message)), `${ctx}: the fault is in the audit`);
        return;
      }
      assert.equal(r.status, 'failed', ctx);
      assertClear(r.message, f, ctx);
      assert.ok(r.audit.some((e) => e.status === 'failed'), ctx);
      assert.equal(r.audit[r.audit.length - 1].status, 'failed', ctx);
      if (st.step === 'policy') {
        // The labels were restored; the policy (deny-all for quarantined pods only) is left, and the message says how to remove it.
        assert.match(r.message, /labels .*restored/i, ctx);
        if (p) assert.deepEqual(p.metadata.labels, labels, ctx);
        assert.ok(pol.includes(QPOLICY), ctx);
        assert.match(r.message, new RegExp(`kubectl -n ${NS} delete networkpolicy ${QPOLICY}`), ctx);
      } else {
        // Still fully isolated.
        assert.match(r.message, new RegExp(`step "${st.step}"`), ctx);
        assert.match(r.message, /Nothing was changed/, ctx);
        assert.equal(p.metadata.labels[QUARANTINE_LABEL], id, ctx);
        assert.ok(pol.includes(QPOLICY), ctx);
      }
    });
  }
}

// ---------------------------------------------------------------------------------------------
// trace (reads only: the cluster cannot change; the trace either completes with the gap named, or fails clearly)

interface TraceStep { name: string; method: string; path: string; skip?: number; fatal: Fault[] }
const TRACE: TraceStep[] = [
  { name: 'pod read', method: 'GET', path: `/namespaces/${NS}/pods/${POD}$`, fatal: FAULTS },
  { name: 'pod list', method: 'GET', path: '^/api/v1/pods$', fatal: ['timeout', 'drop'] },
  { name: 'policy list', method: 'GET', path: '^/apis/networking.k8s.io/v1/networkpolicies$', fatal: ['timeout', 'drop'] },
  { name: 'service list', method: 'GET', path: '^/api/v1/services$', fatal: ['timeout', 'drop'] },
  { name: 'namespace list', method: 'GET', path: '^/api/v1/namespaces$', fatal: ['timeout', 'drop'] },
  { name: 'node list', method: 'GET', path: '^/api/v1/nodes$', fatal: ['timeout', 'drop'] },
  { name: 'exec (first file)', method: 'GET', path: `/pods/${POD}/exec$`, fatal: [] },
  { name: 'exec (later file)', method: 'GET', path: `/pods/${POD}/exec$`, skip: 1, fatal: [] },
];

for (const st of TRACE) {
  for (const f of FAULTS) {
    test(`trace × ${st.name} × ${f}`, async () => {
      if (st.skip) sim.faults.inject({ method: st.method, pathRegex: st.path, times: st.skip });
      sim.faults.inject(spec(f, st.method, st.path));
      let t: Awaited<ReturnType<typeof traceEgress>> | undefined;
      let err: unknown;
      try { t = await traceEgress(s, NS, POD, { execTimeoutMs: TIMEOUT_MS }); } catch (e) { err = e; }
      if (st.fatal.includes(f)) {
        assert.ok(err instanceof Error, `${st.name} × ${f}: fails`);
        const m = (err as Error).message;
        assert.match(m, /trace/i, m);
        assertClear(m, f, `${st.name} × ${f}`);
        return;
      }
      assert.equal(err, undefined, `${st.name} × ${f}: completes (${(err as Error)?.message})`);
      const gaps = [...t!.warnings, ...(t!.observation.status === 'ok' ? [] : [t!.observation.message])].join('\n');
      assert.ok(gaps.length > 0, `${st.name} × ${f}: the gap is reported`);
      if (!(st.name.includes('list') && f === '403')) assertClear(gaps, f, `${st.name} × ${f}`);
      assert.doesNotMatch(gaps, UNCLEAR, gaps);
    });
  }
}
