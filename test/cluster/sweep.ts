/**
 * Fault sweep (issue #19 item 3): every fault kind at every API request of isolate and of release
 * (counted in a clean run: HTTP requests and exec WebSocket upgrades alike). For each cell the result
 * message's claim about the cluster is compared with the state read back from the simulator's store:
 *
 *   claim (from the result)                       state read back
 *   isolated / already-isolated / applied-…       quarantined: labels = {quarantine id}, quarantine policy present, verdict isolated
 *   not-isolated                                  applied-not-isolated: as above but the verdict says traffic is allowed
 *   "Nothing was changed" / "rolled back"         before: labels and NetworkPolicies as before
 *   Rollback INCOMPLETE                           partial: neither before nor quarantined
 *   released                                      released: original labels, no quarantine policy
 *   "labels … restored, but the … policy …"       restored-policy-left
 *   "may still be applied late"                   before or released (the message says it cannot tell)
 *
 * A mismatch is a cell whose state is not the claimed one. Used by fault-sweep.test.ts (a sample)
 * and scripts/fault-sweep.ts (the full sweep). Exports only (no side effects).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, Simulator, FaultSpec } from '../simulator/server';
import { DEMO } from '../simulator/seed';
import { kubeConfig } from '../simulator/helpers';
import { createSession, ClusterSession } from '../../client/src/cluster/connection';
import { QUARANTINE_LABEL, isolatePod, isolationVerdict, planIsolation, recordKey, releasePod } from '../../client/src/cluster/isolate';

export type Fault = '403' | '404' | '409' | '500' | 'timeout' | 'drop';
export const FAULTS: Fault[] = ['403', '404', '409', '500', 'timeout', 'drop'];
/** isolate-reuse: another pod of the namespace is quarantined already, so the quarantine policy is reused (the record is patched onto it). */
export type Op = 'isolate' | 'isolate-reuse' | 'release';

/** The pod isolated, its namespace and the quarantine policy; the session timeout, the delay of a `timeout` fault (longer) and the wait for the controllers. Also used by fault-matrix.test.ts. */
export const NS = 'payments';
export const POD = DEMO.compromisedPod;
export const QPOLICY = 'k8s-guardrails-quarantine';
export const TIMEOUT_MS = 1500;
export const DELAY_MS = 2000;
export const SETTLE_MS = 1500;

export interface SweepCell {
  op: Op;
  /** 0-based index of the request the fault hit. */
  request: number;
  fault: Fault;
  status: string;
  message: string;
  claim: string;
  state: string;
  ok: boolean;
}

function faultSpec(f: Fault): FaultSpec {
  if (f === 'timeout') return { delayMs: DELAY_MS, times: 1 };
  if (f === 'drop') return { dropConnection: true, times: 1 };
  const reason = { 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 500: 'InternalError' }[f];
  return { status: Number(f), times: 1, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message: `injected ${f}`, code: Number(f) } };
}

interface Env { sim: Simulator; s: ClusterSession; dir: string; close(): Promise<void> }

async function env(): Promise<Env> {
  const sim = await startSimulator({ port: 0, tls: true, seed: 'demo' });
  const s = createSession(kubeConfig(sim), { timeoutMs: TIMEOUT_MS });
  const dir = mkdtempSync(join(tmpdir(), 'guardrails-sweep-'));
  return { sim, s, dir, close: async () => { await sim.close(); rmSync(dir, { recursive: true, force: true }); } };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sameLabels = (a: Record<string, string> | undefined, b: Record<string, string>) => JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b).sort());

function stateOf(sim: Simulator, before: { labels: Record<string, string>; policies: string[] }, id: string | undefined): string {
  const pod = sim.get('v1', 'Pod', NS, POD) as any;
  const pols = sim.list('networking.k8s.io/v1', 'NetworkPolicy', NS) as any[];
  const names = pols.map((p) => p.metadata.name).sort();
  if (!pod) return 'pod-gone';
  const labels = pod.metadata.labels ?? {};
  if (sameLabels(labels, before.labels)) {
    // A quarantine record left on a policy is a remainder too.
    if (id && pols.some((p) => p.metadata.annotations?.[recordKey(id)] !== undefined) && !pols.some((p) => p.metadata.name === QPOLICY && !before.policies.includes(QPOLICY))) return 'before-with-record-left';
    if (JSON.stringify(names) === JSON.stringify(before.policies)) return 'before';
    if (names.includes(QPOLICY) && !before.policies.includes(QPOLICY)) return 'restored-policy-left';
    return 'other';
  }
  if (id && sameLabels(labels, { [QUARANTINE_LABEL]: id }) && names.includes(QPOLICY)) {
    return isolationVerdict(pod, pols, { detected: ['calico'], enforcing: true, note: 'calico' }).isolated ? 'quarantined' : 'applied-not-isolated';
  }
  return 'other';
}

function isolateClaim(status: string, message: string): string[] {
  switch (status) {
    case 'isolated': case 'already-isolated': case 'applied-not-verified': return ['quarantined'];
    case 'not-isolated': return ['applied-not-isolated'];
  }
  if (/INCOMPLETE/.test(message)) return ['other'];
  if (/Nothing was changed|rolled back/.test(message)) return ['before'];
  return ['(no claim)'];
}

function releaseClaim(status: string, message: string): string[] {
  if (status === 'released') return ['released', 'pod-gone'];
  if (/may still be applied late/.test(message)) return ['quarantined', 'released'];
  if (/Labels of .* restored, but the quarantine policy could not be cleaned up/.test(message)) return ['restored-policy-left'];
  if (/Nothing was changed|Nothing changed/.test(message)) return ['quarantined'];
  return ['(no claim)'];
}

/** Runs the operation once on a fresh cluster with a fault at request `request` (undefined: none). */
async function runCell(op: Op, request: number | undefined, fault: Fault | undefined): Promise<{ cell?: SweepCell; requests: number }> {
  const e = await env();
  try {
    const { sim, s, dir } = e;
    const before0 = { labels: { ...(sim.get('v1', 'Pod', NS, POD) as any).metadata.labels }, policies: (sim.list('networking.k8s.io/v1', 'NetworkPolicy', NS) as any[]).map((p) => p.metadata.name).sort() };
    let id: string | undefined;
    let before = before0;
    if (op === 'isolate-reuse') {
      const other = await planIsolation(s, NS, DEMO.cleanCheckoutPod);
      const r = await isolatePod(s, other, { dryRun: false, evidenceDir: dir, reason: 'sweep', verifyWaitMs: 300 });
      if (r.status !== 'isolated') throw new Error(`setup: ${r.message}`);
      before0.policies = (sim.list('networking.k8s.io/v1', 'NetworkPolicy', NS) as any[]).map((p) => p.metadata.name).sort();
    }
    if (op === 'release') {
      const plan = await planIsolation(s, NS, POD);
      const r = await isolatePod(s, plan, { dryRun: false, evidenceDir: dir, reason: 'sweep', verifyWaitMs: 300 });
      if (r.status !== 'isolated') throw new Error(`setup: ${r.message}`);
      id = plan.id;
      before = { labels: { [QUARANTINE_LABEL]: id }, policies: [...before0.policies, QPOLICY].sort() };
    }
    const plan = op !== 'release' ? await planIsolation(s, NS, POD) : undefined;
    if (plan) id = plan.id;
    const start = sim.requests.length;
    if (request !== undefined && fault) {
      if (request > 0) sim.faults.inject({ times: request });
      sim.faults.inject(faultSpec(fault));
    }
    const r = op !== 'release'
      ? await isolatePod(s, plan!, { dryRun: false, evidenceDir: dir, reason: 'sweep', settleMs: SETTLE_MS, verifyWaitMs: 300, verifyBackoffMs: 100 })
      : await releasePod(s, NS, POD, { dryRun: false, settleMs: SETTLE_MS, confirm: () => true });
    const requests = sim.requests.length - start;
    sim.faults.clear();
    if (fault === undefined) return { requests };
    if (fault === 'timeout') await wait(DELAY_MS - TIMEOUT_MS + 300);
    let state = stateOf(sim, before0, id);
    if (op === 'release') {
      // For release the states are named after the quarantine: still quarantined / released / labels restored, policy left.
      state = state === 'quarantined' ? 'quarantined' : state === 'before' ? 'released' : state;
    }
    const claims = op !== 'release' ? isolateClaim(r.status, r.message) : releaseClaim(r.status, r.message);
    return { requests, cell: { op, request: request!, fault, status: r.status, message: r.message, claim: claims.join('|'), state, ok: claims.includes(state) } };
  } finally {
    await e.close();
  }
}

/** Requests an operation makes on a healthy cluster. */
export async function countRequests(op: Op): Promise<number> {
  return (await runCell(op, undefined, undefined)).requests;
}

export interface SweepResult { op: Op; requests: number; cells: SweepCell[]; mismatches: SweepCell[] }

/** The sweep over requests [0, requests) × faults; `pick` samples the cells (default: all). */
export async function sweep(op: Op, opts: { pick?: (request: number, fault: Fault) => boolean; onCell?: (c: SweepCell) => void } = {}): Promise<SweepResult> {
  const requests = await countRequests(op);
  const cells: SweepCell[] = [];
  for (let i = 0; i < requests; i++) {
    for (const f of FAULTS) {
      if (opts.pick && !opts.pick(i, f)) continue;
      const { cell } = await runCell(op, i, f);
      cells.push(cell!);
      opts.onCell?.(cell!);
    }
  }
  return { op, requests, cells, mismatches: cells.filter((c) => !c.ok) };
}
