/**
 * The operations behind `k8s-guardrails cluster …` (parsed and validated by ./cluster.ts).
 * Bundled on its own (server/out/cluster-cli.js, with @kubernetes/client-node) and
 * loaded only for `cluster` commands.
 *
 * It calls the same plain-node functions as the editor (client/src/cluster/*,
 * client/src/panel/collect.ts) and maps their results to exit codes — see
 * `isolateExit`, `releaseExit`, `traceExit` (documented in docs/cli.md).
 * Text output passes every cluster string through `inert`; JSON output is the
 * raw data (JSON-escaped).
 */
import * as os from 'node:os';
import { analyze, DEFAULT_SETTINGS, Finding, Severity, WorkspaceIndex } from '../engine';
import { inert } from '../../../shared/text/inert';
import { formatText } from './format';
import { CancelledError, ClusterSession, createSession, KubeConfigError, loadKubeConfig } from '../../../client/src/cluster/connection';
import { defaultEvidenceDir } from '../../../client/src/cluster/defaults';
import { AuditEntry, IsolationPlan, IsolationResult, isolatePod, planIsolation, ReleaseResult, releasePod } from '../../../client/src/cluster/isolate';
import { EgressTrace, formatTrace, traceEgress } from '../../../client/src/cluster/trace';
import { collectCluster } from '../../../client/src/panel/collect';
import { LIVE_SCHEME } from '../../../shared/protocol';

export interface ClusterIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export interface ClusterRequest {
  op: 'scan' | 'trace' | 'isolate' | 'release';
  format: 'text' | 'json';
  kubeconfig?: string;
  context?: string;
  /** Validated DNS-1123 label; undefined: the context's namespace, else "default". */
  namespace?: string;
  /** Validated DNS-1123 subdomain. */
  pod?: string;
  container?: string;
  dryRun: boolean;
  yes: boolean;
  reason?: string;
  evidenceDir?: string;
  failOn?: string;
  timeoutMs: number;
}

/** Exit status: 0 done (and verified), 1 applied but not verified / NOT isolated, 2 error or refused, nothing changed. */
export const EXIT = { done: 0, notVerified: 1, error: 2 } as const;

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

/** Cluster text for a terminal: escapes, bidi and links made inert, line breaks kept. */
const say = (s: string) => inert(s, { multiline: true, max: 10_000_000 });

/** One line of the result for stderr/stdout in text mode. */
function line(io: ClusterIO, s: string): void {
  io.stdout(say(s) + '\n');
}

function json(io: ClusterIO, obj: unknown): void {
  io.stdout(JSON.stringify(obj, null, 2) + '\n');
}

interface Connected {
  session: ClusterSession;
  context: string;
  server: string;
  /** The context's default namespace. */
  namespace: string;
}

function connect(r: ClusterRequest): Connected {
  const loaded = loadKubeConfig({ kubeconfigPath: r.kubeconfig, context: r.context });
  const ctx = loaded.kc.getContextObject(loaded.current);
  const session = createSession(loaded.kc, { timeoutMs: r.timeoutMs });
  return { session, context: loaded.current, server: loaded.server, namespace: ctx?.namespace || 'default' };
}

// ---------------------------------------------------------------------------------------------
// exit codes (the mapping is documented in docs/cli.md, "cluster")

/**
 * Optional fields a newer isolate.ts may add to its results; read when present:
 * `verified: 'verified' | 'not-verified'`, `verdict` (a string such as 'isolated' /
 * 'not-isolated', or an object with `isolated: boolean`).
 */
interface VerdictFields {
  verified?: unknown;
  verdict?: unknown;
}

/** undefined: the result says nothing; true/false: it says whether the pod is isolated. */
export function verdictSaysIsolated(r: VerdictFields): boolean | undefined {
  const v = r.verdict;
  if (typeof v === 'string') return v === 'isolated';
  if (v && typeof v === 'object' && typeof (v as { isolated?: unknown }).isolated === 'boolean') return (v as { isolated: boolean }).isolated;
  return undefined;
}

/** Why an isolation result is not "isolated and verified" (empty: it is). */
export function isolationDoubts(r: IsolationResult & VerdictFields): string[] {
  const doubts: string[] = [];
  const verdict = verdictSaysIsolated(r);
  if (verdict === false) doubts.push('the isolation verdict says the pod is NOT isolated');
  if (r.verified !== undefined && r.verified !== 'verified') doubts.push(`not verified (verified: ${String(r.verified)})`);
  if (verdict === undefined) {
    // No verdict from isolate.ts: what the plan already knows.
    if (r.plan.hostNetwork) doubts.push('hostNetwork pod: NetworkPolicy does not govern its traffic, the quarantine policy has no effect');
    if (r.plan.cni.enforcing === false) doubts.push('the network plugin does not enforce NetworkPolicy');
    else if (r.plan.cni.enforcing !== true) doubts.push('cannot tell whether the network plugin enforces NetworkPolicy');
  }
  for (const c of r.verification) if (!c.ok) doubts.push(`${c.check}: ${c.detail}`);
  return doubts;
}

/**
 * isolate → exit status:
 * - isolated, already-isolated, dry-run with no doubt → 0; with a doubt (`isolationDoubts`) → 1;
 * - not-isolated (applied, but the live policies or hostNetwork still let traffic through), applied-not-verified → 1;
 * - failed / rolled-back with an incomplete rollback (something is left, the pod is not isolated) → 1;
 * - failed (nothing written) / rolled-back (everything undone) → 2.
 */
export function isolateExit(r: IsolationResult & VerdictFields): number {
  switch (r.status) {
    case 'isolated':
    case 'already-isolated':
    case 'dry-run':
      return isolationDoubts(r).length ? EXIT.notVerified : EXIT.done;
    // Applied, but the live policies still let traffic through (or it is a hostNetwork pod), or it could not be read back.
    case 'not-isolated':
    case 'applied-not-verified':
      return EXIT.notVerified;
    default:
      return r.rollback && !r.rollback.complete ? EXIT.notVerified : EXIT.error;
  }
}

/**
 * release → exit status: released (verified unless `verified` says otherwise), dry-run,
 * not-isolated (nothing to do) → 0; released but `verified` not 'verified' → 1;
 * needs-confirmation / cancelled (the recorded original labels do not match: never confirmed by the CLI) → 2;
 * failed with "Nothing was changed" → 2; failed after a change (labels restored but
 * the policy left, or a patch that may land late) → 1.
 */
export function releaseExit(r: ReleaseResult & VerdictFields): number {
  switch (r.status) {
    case 'released':
      return r.verified !== undefined && r.verified !== 'verified' ? EXIT.notVerified : EXIT.done;
    case 'dry-run':
    case 'not-isolated':
      return EXIT.done;
    // The record of the original labels does not match the pod (tampered?) or cannot be checked: the CLI never
    // confirms that on its own; nothing was changed.
    case 'needs-confirmation':
    case 'cancelled':
      return EXIT.error;
    default:
      return /Nothing was changed/.test(r.message) ? EXIT.error : EXIT.notVerified;
  }
}

/** trace → 0 the sockets were read (observation ok), 1 the trace is incomplete (observation not ok). */
export function traceExit(t: EgressTrace): number {
  return t.observation.status === 'ok' ? EXIT.done : EXIT.notVerified;
}

// ---------------------------------------------------------------------------------------------

export async function runCluster(r: ClusterRequest, io: ClusterIO): Promise<number> {
  const ctrl = new AbortController();
  const onSignal = () => {
    io.stderr('k8s-guardrails: interrupted — cancelling (an isolation in progress is rolled back)\n');
    ctrl.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let c: Connected;
    try {
      c = connect(r);
    } catch (e) {
      if (e instanceof KubeConfigError) return fail(io, r, e.message.replace(/the k8sGuardrails\.cluster\.kubeconfig setting/g, '--kubeconfig').replace(/Fix the setting or clear it/g, 'Fix --kubeconfig or leave it out'));
      throw e;
    }
    switch (r.op) {
      case 'scan': return await scanCluster(c, r, io, ctrl.signal);
      case 'trace': return await trace(c, r, io, ctrl.signal);
      case 'isolate': return await isolate(c, r, io, ctrl.signal);
      case 'release': return await release(c, r, io, ctrl.signal);
    }
  } catch (e) {
    if (e instanceof CancelledError || ctrl.signal.aborted) return fail(io, r, `Cancelled: ${e instanceof Error ? e.message : String(e)}`);
    return fail(io, r, e instanceof Error ? e.message : String(e));
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** An operation that failed without changing anything: exit 2, the message (inert) on stderr, JSON on stdout. */
function fail(io: ClusterIO, r: ClusterRequest, message: string): number {
  if (r.format === 'json') json(io, { version: 1, command: r.op, status: 'error', exitCode: EXIT.error, message });
  io.stderr(`k8s-guardrails: ${say(message)}\n`);
  return EXIT.error;
}

function target(c: Connected, r: ClusterRequest) {
  return { namespace: r.namespace ?? c.namespace, pod: r.pod! };
}

// ---------------------------------------------------------------------------------------------
// scan

async function scanCluster(c: Connected, r: ClusterRequest, io: ClusterIO, signal: AbortSignal): Promise<number> {
  const collected = await collectCluster(c.session, { signal });
  const index = new WorkspaceIndex();
  for (const o of collected.objects) index.set(`${LIVE_SCHEME}:${o.path}`, o.yaml);
  const ruleErrors: string[] = [];
  const result = analyze(index, DEFAULT_SETTINGS, { onRuleError: (rule) => ruleErrors.push(rule.id) });
  const all: Finding[] = [...result.findings.values()].flat();
  const active = all.filter((f) => !f.suppressed);
  const failOn = r.failOn ?? 'hint';
  const failing = failOn === 'none' ? [] : active.filter((f) => SEVERITY_RANK[f.severity] <= SEVERITY_RANK[failOn as Severity]);
  const errors = [...collected.errors, ...ruleErrors.map((id) => `rule ${id} failed: its findings are missing`)];
  const code = errors.length || !collected.objects.length ? EXIT.error : failing.length ? EXIT.notVerified : EXIT.done;
  if (r.format === 'json') {
    json(io, {
      version: 1, command: 'scan', context: c.context, server: c.server, exitCode: code,
      objects: collected.objects.length, errors,
      findings: active.map((f) => ({
        rule: f.rule, severity: f.severity, message: f.message, file: f.uri, range: f.range,
        ...(f.resource ? { resource: f.resource.ref } : {}), ...(f.pss ? { pss: { level: f.pss.level, check: f.pss.check } } : {}),
      })),
    });
  } else {
    io.stdout(say(formatText(active, false, { files: collected.objects.length, objects: collected.objects.length, suppressed: all.length - active.length, failing: failing.length, failOn }).replace(/ in (\d+) files?( of \d+ scanned)?\./, (_m, n) => ` in ${n} object${n === '1' ? '' : 's'}.`)));
    line(io, `Scanned ${collected.objects.length} object(s) of context ${c.context} (${c.server}).`);
  }
  for (const e of errors) io.stderr(`k8s-guardrails: ${say(e)}\n`);
  if (!collected.objects.length && !errors.length) io.stderr('k8s-guardrails: nothing analysed: the cluster returned no objects\n');
  return code;
}

// ---------------------------------------------------------------------------------------------
// trace

async function trace(c: Connected, r: ClusterRequest, io: ClusterIO, signal: AbortSignal): Promise<number> {
  const t = target(c, r);
  const tr = await traceEgress(c.session, t.namespace, t.pod, { signal, container: r.container });
  const code = traceExit(tr);
  if (r.format === 'json') json(io, { version: 1, command: 'trace', context: c.context, exitCode: code, trace: tr });
  else io.stdout(say(formatTrace(tr)));
  if (code !== EXIT.done) io.stderr(`k8s-guardrails: trace incomplete (${say(tr.observation.status)}): ${say(tr.observation.message)}\n`);
  return code;
}

// ---------------------------------------------------------------------------------------------
// isolate

function planText(p: IsolationPlan): string {
  return [
    `Isolation plan for pod ${p.namespace}/${p.pod}${p.node ? ` on node ${p.node}` : ''}:`,
    ...p.summary.map((s) => `  ${s}`),
    `  Network plugin: ${p.cni.note}`,
    ...(p.warnings.length ? ['Warnings:', ...p.warnings.map((w) => `  ! ${w}`)] : []),
  ].join('\n');
}

function auditText(a: AuditEntry[]): string {
  return a.map((e) => `audit ${e.time} ${e.dryRun ? 'dry-run ' : ''}${e.step} ${e.status}: ${e.message}`).join('\n');
}

async function isolate(c: Connected, r: ClusterRequest, io: ClusterIO, signal: AbortSignal): Promise<number> {
  const t = target(c, r);
  const plan = await planIsolation(c.session, t.namespace, t.pod, { signal });
  if (!r.yes && !r.dryRun && !plan.alreadyIsolated) {
    const message = `Not isolated: no --yes (or --dry-run) given. Nothing was changed. Re-run with --yes --reason "<why>" to isolate pod ${t.namespace}/${t.pod}.`;
    if (r.format === 'json') json(io, { version: 1, command: 'isolate', context: c.context, status: 'refused', exitCode: EXIT.error, message, plan });
    else io.stdout(say(planText(plan)) + '\n');
    io.stderr(`k8s-guardrails: ${message}\n`); // our own text: names are validated
    return EXIT.error;
  }
  // A dry run stores nothing and saves no evidence unless a folder is given (as in the editor).
  const evidenceDir = r.dryRun ? r.evidenceDir : (r.evidenceDir ?? defaultEvidenceDir());
  let actor = 'k8s-guardrails-cli';
  try { actor = os.userInfo().username; } catch { /* no user entry (containers) */ }
  const res = (await isolatePod(c.session, plan, { dryRun: r.dryRun, evidenceDir, reason: r.reason ?? '', signal, actor })) as IsolationResult & VerdictFields;
  const code = isolateExit(res);
  const doubts = res.status === 'failed' || res.status === 'rolled-back' ? [] : isolationDoubts(res);
  if (r.format === 'json') {
    json(io, {
      version: 1, command: 'isolate', context: c.context, status: res.status, exitCode: code, message: res.message, doubts,
      ...(res.verified !== undefined ? { verified: res.verified } : {}), ...(res.verdict !== undefined ? { verdict: res.verdict } : {}),
      verification: res.verification, rollback: res.rollback,
      evidence: res.evidence ? { dir: res.evidence.dir, files: res.evidence.files, errors: res.evidence.errors } : undefined,
      plan: res.plan, audit: res.audit,
    });
  } else {
    io.stdout(say(planText(res.plan)) + '\n\n' + say(auditText(res.audit)) + '\n\n');
    line(io, res.message);
    if (res.evidence) line(io, `Evidence: ${res.evidence.dir}`);
    for (const d of doubts) line(io, `NOT verified: ${d}`);
  }
  if (code === EXIT.notVerified) io.stderr(`k8s-guardrails: ${res.status === 'failed' ? 'isolation failed and the rollback is incomplete' : 'the pod is not verified as isolated'}: ${say(doubts.join('; ') || res.message)}\n`);
  else if (code === EXIT.error) io.stderr(`k8s-guardrails: ${say(res.message)}\n`);
  return code;
}

// ---------------------------------------------------------------------------------------------
// release

async function release(c: Connected, r: ClusterRequest, io: ClusterIO, signal: AbortSignal): Promise<number> {
  const t = target(c, r);
  if (!r.yes && !r.dryRun) {
    const message = `Not released: no --yes (or --dry-run) given. Nothing was changed. Release restores the original labels of pod ${t.namespace}/${t.pod} (Services and its controller select it again; the controller may delete a replica) and deletes the quarantine policy if no other pod uses it.`;
    if (r.format === 'json') json(io, { version: 1, command: 'release', context: c.context, status: 'refused', exitCode: EXIT.error, message });
    io.stderr(`k8s-guardrails: ${message}\n`); // our own text: names are validated
    return EXIT.error;
  }
  const res = (await releasePod(c.session, t.namespace, t.pod, { dryRun: r.dryRun, signal })) as ReleaseResult & VerdictFields;
  const code = releaseExit(res);
  if (r.format === 'json') {
    json(io, {
      version: 1, command: 'release', context: c.context, status: res.status, exitCode: code, message: res.message,
      ...(res.verified !== undefined ? { verified: res.verified } : {}), policyDeleted: res.policyDeleted, audit: res.audit,
    });
  } else {
    io.stdout(say(auditText(res.audit)) + '\n\n');
    line(io, res.message);
  }
  if (code !== EXIT.done) io.stderr(`k8s-guardrails: ${say(res.message)}\n`);
  return code;
}
