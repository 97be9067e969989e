/**
 * VS Code UI for the live-cluster operations (trace egress, debug container, isolate,
 * release, cordon, scale to 0, delete). The operations themselves live in the plain-node
 * modules of this folder; this file only asks, confirms, shows progress and logs.
 *
 * Wiring (client/src/extension.ts, by the panel owner):
 *   registerClusterOperationCommands(context, { getSession, output, pickPod? })
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import { inert } from '../../../shared/text/inert';
import { CancelledError, ClusterSession } from './connection';
import { defaultEvidenceDir } from './defaults';
import { DEBUG_CONTAINER_WARNING, addDebugContainer } from './exec';
import { AuditEntry, IsolationPlan, cordonNode, deletePod, isolatePod, listQuarantinedPods, planIsolation, planRelease, releasePod, scaleOwnerToZero } from './isolate';
import { EgressTrace, formatTrace, generateEgressPolicy, traceEgress } from './trace';

export interface PodTarget { namespace: string; pod: string }

export interface ClusterOperationDeps {
  /** The current cluster session (context chosen in the panel / status bar); undefined → not connected (the command says so). */
  getSession(): Promise<ClusterSession | undefined> | ClusterSession | undefined;
  /** Where results and the audit log go. */
  output: vscode.OutputChannel;
  /** Optional pod picker (the panel's); default: two input boxes. */
  pickPod?(): Promise<PodTarget | undefined>;
  /** Called after a write so the panel can refresh. */
  onDidChangeCluster?(target: PodTarget, change?: 'isolated' | 'released' | 'changed'): void;
  /** Called with every trace this module takes (the panel shows the latest). */
  onTrace?(trace: EgressTrace): void;
}

/** Where Isolate saves evidence when `k8sGuardrails.cluster.evidenceDir` is empty: outside any workspace (shared with the CLI). */
export { defaultEvidenceDir };

/**
 * Every notification, dialog and log line passes cluster text through `inert`
 * (shared/text/inert.ts): a Status message or webhook denial holding
 * `[Fix](command:…)` must not become a link that runs a command.
 */
const say = {
  info: <T extends string>(m: string, ...items: T[]) => vscode.window.showInformationMessage<T>(inert(m), ...items),
  warn: <T extends string>(m: string, ...items: T[]) => vscode.window.showWarningMessage<T>(inert(m), ...items),
  error: <T extends string>(m: string, ...items: T[]) => vscode.window.showErrorMessage<T>(inert(m), ...items),
  /** A modal confirmation; `detail` keeps its line breaks. */
  confirm: <T extends string>(m: string, detail: string, ...items: T[]) => vscode.window.showWarningMessage<T>(inert(m), { modal: true, detail: inert(detail, { multiline: true, max: 4000 }) }, ...items),
};

export const CLUSTER_COMMANDS = {
  traceEgress: 'k8sGuardrails.cluster.traceEgress',
  addDebugContainer: 'k8sGuardrails.cluster.addDebugContainer',
  generateEgressPolicy: 'k8sGuardrails.cluster.generateEgressPolicy',
  isolatePod: 'k8sGuardrails.cluster.isolatePod',
  releasePod: 'k8sGuardrails.cluster.releasePod',
  cordonNode: 'k8sGuardrails.cluster.cordonNode',
  scaleOwnerToZero: 'k8sGuardrails.cluster.scaleOwnerToZero',
  deletePod: 'k8sGuardrails.cluster.deletePod',
} as const;

function cfg() {
  return vscode.workspace.getConfiguration('k8sGuardrails.cluster');
}

function asTarget(arg: unknown): PodTarget | undefined {
  const a = arg as { namespace?: unknown; pod?: unknown; name?: unknown } | undefined;
  if (a && typeof a.namespace === 'string' && (typeof a.pod === 'string' || typeof a.name === 'string')) return { namespace: a.namespace, pod: (a.pod ?? a.name) as string };
  return undefined;
}

export function registerClusterOperationCommands(context: vscode.ExtensionContext, deps: ClusterOperationDeps): vscode.Disposable[] {
  const out = deps.output;
  const lastTrace = new Map<string, EgressTrace>();
  const lastPlan = new Map<string, IsolationPlan>();
  const key = (t: PodTarget) => `${t.namespace}/${t.pod}`;
  const log = (line: string) => out.appendLine(inert(line, { multiline: true, max: 100_000 }));
  const auditSink = (e: AuditEntry) => log(`[audit ${e.time}] ${e.dryRun ? '(dry run) ' : ''}${e.step} ${e.status}: ${e.message}`);

  async function session(): Promise<ClusterSession | undefined> {
    if (!vscode.workspace.isTrusted) {
      void say.warn('Cluster operations are disabled in untrusted workspaces.');
      return undefined;
    }
    const s = await deps.getSession();
    if (!s) void say.warn('Not connected to a cluster: pick a kubeconfig context first.');
    return s;
  }

  async function target(arg: unknown): Promise<PodTarget | undefined> {
    const t = asTarget(arg);
    if (t) return t;
    if (deps.pickPod) return deps.pickPod();
    const namespace = await vscode.window.showInputBox({ prompt: 'Namespace of the pod', value: 'default', ignoreFocusOut: true });
    if (!namespace) return undefined;
    const pod = await vscode.window.showInputBox({ prompt: `Pod name in ${namespace}`, ignoreFocusOut: true });
    return pod ? { namespace, pod } : undefined;
  }

  function progress<T>(title: string, fn: (signal: AbortSignal) => Promise<T>): Thenable<T | undefined> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_p, token) => {
      const ctrl = new AbortController();
      const sub = token.onCancellationRequested(() => ctrl.abort());
      try {
        return await fn(ctrl.signal);
      } catch (e) {
        if (e instanceof CancelledError) { log(`${title}: cancelled.`); return undefined; }
        const m = e instanceof Error ? e.message : String(e);
        log(`${title}: ${m}`);
        void say.error(m);
        return undefined;
      } finally {
        sub.dispose();
      }
    });
  }

  async function openText(content: string, language: string) {
    // a report holds cluster text (process command lines, names): inert, line breaks kept
    const doc = await vscode.workspace.openTextDocument({ content: language === 'plaintext' ? inert(content, { multiline: true, max: 1_000_000 }) : content, language });
    await vscode.window.showTextDocument(doc, { preview: false });
  }

  async function showTrace(t: EgressTrace) {
    lastTrace.set(key({ namespace: t.namespace, pod: t.pod }), t);
    deps.onTrace?.(t);
    const text = formatTrace(t);
    log(text);
    const pub = t.connections.filter((c) => c.remoteClass.class === 'public' && c.direction === 'outbound');
    // at most three short buttons: a toast cuts off what does not fit on one row
    const actions = ['Report', 'Egress policy', ...(t.observation.debugOffer ? ['Debug container…'] : [])];
    const headline = t.observation.debugOffer
      ? `${t.namespace}/${t.pod}: ${t.observation.message}`
      : `${t.namespace}/${t.pod}: ${t.connections.length} connection(s), ${pub.length} to public addresses; internet ${t.policies.internet.reachable ? 'reachable' : 'blocked'} by policy.`;
    const choice = await (pub.length || t.observation.debugOffer ? say.warn(headline, ...actions) : say.info(headline, ...actions));
    const tg = { namespace: t.namespace, pod: t.pod };
    if (choice === 'Report') await openText(text, 'plaintext');
    else if (choice === 'Egress policy') await vscode.commands.executeCommand(CLUSTER_COMMANDS.generateEgressPolicy, tg);
    else if (choice === 'Debug container…') await vscode.commands.executeCommand(CLUSTER_COMMANDS.addDebugContainer, { ...tg, targetContainerName: t.observation.debugOffer?.targetContainerName });
  }

  /** Containment beyond the network: cordon the node, scale the owner to 0, delete the pod (each asks first). */
  async function containFurther(t: PodTarget, plan: IsolationPlan): Promise<void> {
    const steps = [
      ...(plan.node ? [{ label: 'Cordon node…', description: inert(plan.node, { max: 200 }), detail: 'No new pods are scheduled on the node.' }] : []),
      ...(plan.owners.length ? [{ label: 'Scale owner to 0…', detail: 'Stops every replica of the workload (an outage).' }] : []),
      { label: 'Delete pod…', detail: 'Its memory, processes and local files are lost (the evidence bundle was saved first).' },
    ];
    const step = await vscode.window.showQuickPick(steps, { title: inert(`Contain ${t.namespace}/${t.pod} further`, { max: 300 }) });
    if (step?.label === 'Cordon node…') await vscode.commands.executeCommand(CLUSTER_COMMANDS.cordonNode, { node: plan.node });
    else if (step?.label === 'Scale owner to 0…') await vscode.commands.executeCommand(CLUSTER_COMMANDS.scaleOwnerToZero, t);
    else if (step?.label === 'Delete pod…') await vscode.commands.executeCommand(CLUSTER_COMMANDS.deletePod, t);
  }

  const reg = (id: string, fn: (...args: unknown[]) => unknown) => {
    const d = vscode.commands.registerCommand(id, fn);
    context.subscriptions.push(d);
    return d;
  };

  return [
    // args: {namespace, pod, container?}
    reg(CLUSTER_COMMANDS.traceEgress, async (arg) => {
      const s = await session(); if (!s) return;
      const t = await target(arg); if (!t) return;
      const container = (arg as { container?: string } | undefined)?.container;
      const tr = await progress(`Tracing egress of ${t.namespace}/${t.pod}`, (signal) => traceEgress(s, t.namespace, t.pod, { signal, container, debugImage: cfg().get<string>('debugImage') }));
      // Return the trace (the panel shows it); the notification must not block the caller.
      if (tr) void showTrace(tr);
      return tr;
    }),

    // args: {namespace, pod, image?, targetContainerName?}
    reg(CLUSTER_COMMANDS.addDebugContainer, async (arg) => {
      const s = await session(); if (!s) return;
      const t = await target(arg); if (!t) return;
      const a = (arg ?? {}) as { image?: string; targetContainerName?: string };
      const image = a.image ?? (await vscode.window.showInputBox({ prompt: 'Debug container image (needs `cat`)', value: cfg().get<string>('debugImage') || 'busybox:1.36', ignoreFocusOut: true }));
      if (!image) return;
      const ok = await say.confirm(`Add an ephemeral debug container (${image}) to pod ${t.namespace}/${t.pod}?`, DEBUG_CONTAINER_WARNING, 'Add debug container');
      if (ok !== 'Add debug container') return;
      const r = await progress(`Adding debug container to ${t.namespace}/${t.pod}`, async (signal) => {
        const d = await addDebugContainer(s, t.namespace, t.pod, { image, targetContainerName: a.targetContainerName, signal });
        log(`[audit ${new Date().toISOString()}] debug-container ok: added ephemeral container ${d.name} (${image}) to pod ${t.namespace}/${t.pod} — it cannot be removed.`);
        deps.onDidChangeCluster?.(t);
        return traceEgress(s, t.namespace, t.pod, { signal, container: d.name });
      });
      if (r) void showTrace(r);
      return r;
    }),

    // args: {namespace, pod} (uses the last trace of that pod, else traces) or {trace}
    reg(CLUSTER_COMMANDS.generateEgressPolicy, async (arg) => {
      let tr = (arg as { trace?: EgressTrace } | undefined)?.trace;
      if (!tr) {
        const t = await target(arg); if (!t) return;
        tr = lastTrace.get(key(t));
        if (!tr) {
          const s = await session(); if (!s) return;
          tr = await progress(`Tracing egress of ${t.namespace}/${t.pod}`, (signal) => traceEgress(s, t.namespace, t.pod, { signal }));
        }
      }
      if (!tr) return;
      try {
        await openText(generateEgressPolicy(tr), 'yaml');
      } catch (e) {
        void say.error(e instanceof Error ? e.message : String(e));
      }
    }),

    // args: {namespace, pod, dryRun?, evidenceDir?, reason?}
    reg(CLUSTER_COMMANDS.isolatePod, async (arg) => {
      const s = await session(); if (!s) return;
      const t = await target(arg); if (!t) return;
      const a = (arg ?? {}) as { dryRun?: boolean; evidenceDir?: string; reason?: string };
      const plan = await progress(`Planning isolation of ${t.namespace}/${t.pod}`, (signal) => planIsolation(s, t.namespace, t.pod, { signal }));
      if (!plan) return;
      lastPlan.set(key(t), plan);
      log(`Isolation plan for ${t.namespace}/${t.pod}:\n  ${plan.summary.join('\n  ')}\n  Warnings:\n  ${plan.warnings.join('\n  ')}`);
      // Already isolated (nothing missing): isolating again only verifies, from the live policies.
      if (plan.alreadyIsolated) {
        const v = await progress(`Verifying isolation of ${t.namespace}/${t.pod}`, (signal) => isolatePod(s, plan, { dryRun: false, reason: '', signal, audit: auditSink, actor: os.userInfo().username, debugImage: cfg().get<string>('debugImage') }));
        if (v) void (v.status === 'already-isolated' ? say.info(v.message) : v.status === 'not-isolated' || v.status === 'failed' ? say.error(v.message) : say.warn(v.message));
        return;
      }
      const choice = await say.confirm(`Isolate pod ${t.namespace}/${t.pod}?`, [...plan.summary, '', ...plan.warnings.map((w) => '⚠ ' + w)].join('\n'), 'Isolate', 'Dry run');
      if (!choice) return;
      const dryRun = a.dryRun ?? choice === 'Dry run';
      // A dry run stores nothing, so it saves no evidence either; a real run saves it outside the
      // workspace unless a folder is configured (never into the repository by accident).
      const evidenceDir = dryRun ? a.evidenceDir : (a.evidenceDir ?? (cfg().get<string>('evidenceDir') || defaultEvidenceDir()));
      const reason = a.reason ?? (await vscode.window.showInputBox({ prompt: 'Reason (recorded in the audit annotation and the evidence)', ignoreFocusOut: true })) ?? '';
      const r = await progress(`${dryRun ? 'Dry run: isolating' : 'Isolating'} ${t.namespace}/${t.pod}`, (signal) => isolatePod(s, plan, { dryRun, evidenceDir, reason, signal, audit: auditSink, actor: os.userInfo().username, debugImage: cfg().get<string>('debugImage') }));
      if (!r) return;
      log(r.message);
      if (r.verifyCommands?.length) log(`Verify with:\n  ${r.verifyCommands.join('\n  ')}`);
      const applied = r.status === 'isolated' || r.status === 'not-isolated' || r.status === 'applied-not-verified';
      deps.onDidChangeCluster?.(t, dryRun || !applied ? 'changed' : 'isolated');
      if (r.status === 'failed' || r.status === 'rolled-back') { void say.error(r.message); return; }
      // Applied, but the live policies (or hostNetwork) still let traffic through: an error, with the next steps.
      if (r.status === 'not-isolated') {
        if ((await say.error(r.message, 'Next steps…')) === 'Next steps…') await containFurther(t, plan);
        return;
      }
      // Applied, but it could not be read back: a warning; the kubectl commands to check are in the Output.
      if (r.status === 'applied-not-verified') {
        if ((await say.warn(r.message, 'Show verify commands')) === 'Show verify commands') deps.output.show(true);
        return;
      }
      if (r.status !== 'isolated') { void say.info(r.message); return; }
      // two buttons fit in a toast; the rest of the containment steps are one pick away
      const extra = await say.info(r.message, 'Trace again', 'Next steps…');
      if (extra === 'Trace again') await vscode.commands.executeCommand(CLUSTER_COMMANDS.traceEgress, t);
      else if (extra === 'Next steps…') await containFurther(t, plan);
    }),

    // args: {namespace, pod, dryRun?}
    reg(CLUSTER_COMMANDS.releasePod, async (arg) => {
      const s = await session(); if (!s) return;
      // From the palette: only quarantined pods are offered.
      let t = asTarget(arg);
      if (!t) {
        const list = await progress('Listing quarantined pods', (signal) => listQuarantinedPods(s, { signal }));
        if (!list) return;
        if (!list.length) { void say.info('No pod is quarantined (no pod has the label k8s-guardrails.io/quarantine).'); return; }
        const pick = await vscode.window.showQuickPick(
          list.map((p) => ({ label: inert(`${p.namespace}/${p.pod}`, { max: 300 }), description: inert(`quarantine ${p.id}`, { max: 100 }), target: { namespace: p.namespace, pod: p.pod } })),
          { title: 'Release which quarantined pod?' },
        );
        if (!pick) return;
        t = pick.target;
      }
      const tg = t;
      const plan = await progress(`Planning release of ${tg.namespace}/${tg.pod}`, (signal) => planRelease(s, tg.namespace, tg.pod, { signal }));
      if (!plan) return;
      // The plan says which labels come back, which are kept, and which pod the owner will delete on adopting it.
      const detail = [...plan.summary, ...(plan.warnings.length ? ['', ...plan.warnings.map((w) => '⚠ ' + w)] : [])].join('\n');
      const choice = await say.confirm(`Release pod ${tg.namespace}/${tg.pod} from quarantine?`, detail, 'Release', 'Dry run');
      if (!choice) return;
      const dryRun = (arg as { dryRun?: boolean })?.dryRun ?? choice === 'Dry run';
      // A record that does not match the pod (edited by someone who can edit the pod?) is asked about, never assumed.
      const confirm = async (q: { message: string }) => (await say.confirm('Release with these labels?', q.message, 'Release anyway')) === 'Release anyway';
      const r = await progress(`Releasing ${tg.namespace}/${tg.pod}`, (signal) => releasePod(s, tg.namespace, tg.pod, { dryRun, signal, audit: auditSink, plan, confirm }));
      if (!r) return;
      log(r.message);
      deps.onDidChangeCluster?.(tg, dryRun || r.status !== 'released' ? 'changed' : 'released');
      void (r.status === 'failed' ? say.error(r.message) : r.status === 'cancelled' || r.status === 'needs-confirmation' ? say.warn(r.message) : say.info(r.message));
    }),

    // args: {node, dryRun?}
    reg(CLUSTER_COMMANDS.cordonNode, async (arg) => {
      const s = await session(); if (!s) return;
      const node = (arg as { node?: string } | undefined)?.node ?? (await vscode.window.showInputBox({ prompt: 'Node to cordon' }));
      if (!node) return;
      const ok = await say.confirm(`Cordon node ${node}?`, 'No new pods will be scheduled on it; running pods stay. Undo with kubectl uncordon.', 'Cordon');
      if (ok !== 'Cordon') return;
      const r = await progress(`Cordoning ${node}`, (signal) => cordonNode(s, node, { dryRun: (arg as { dryRun?: boolean })?.dryRun ?? false, signal, audit: auditSink }));
      if (r) void (r.ok ? say.info(r.message) : say.error(r.message));
    }),

    // args: {namespace, pod, dryRun?} (uses the isolation plan's owner chain)
    reg(CLUSTER_COMMANDS.scaleOwnerToZero, async (arg) => {
      const s = await session(); if (!s) return;
      const t = await target(arg); if (!t) return;
      const plan = lastPlan.get(key(t)) ?? (await progress('Reading owners', (signal) => planIsolation(s, t.namespace, t.pod, { signal })));
      if (!plan) return;
      const owner = [...plan.owners].reverse().find((o) => ['Deployment', 'StatefulSet', 'ReplicaSet', 'Job'].includes(o.kind));
      const ok = await say.confirm(`Scale ${owner ? `${owner.kind} ${t.namespace}/${owner.name}` : 'the owner'} to 0?`, 'All its replicas stop (an outage for that workload). The quarantined pod keeps running.', 'Scale to 0');
      if (ok !== 'Scale to 0') return;
      const r = await progress('Scaling to 0', (signal) => scaleOwnerToZero(s, plan, { dryRun: (arg as { dryRun?: boolean })?.dryRun ?? false, signal, audit: auditSink }));
      if (r) { deps.onDidChangeCluster?.(t); void (r.ok ? say.info(r.message) : say.error(r.message)); }
    }),

    // args: {namespace, pod, gracePeriodSeconds?, dryRun?}
    reg(CLUSTER_COMMANDS.deletePod, async (arg) => {
      const s = await session(); if (!s) return;
      const t = await target(arg); if (!t) return;
      const a = (arg ?? {}) as { gracePeriodSeconds?: number; dryRun?: boolean };
      const grace = a.gracePeriodSeconds ?? cfg().get<number | null>('deleteGracePeriodSeconds') ?? undefined;
      const ok = await say.confirm(`Delete pod ${t.namespace}/${t.pod}${grace !== undefined ? ` (grace ${grace}s)` : ''}?`, 'Its memory, processes and local files are lost. Save an evidence bundle first (isolating does).', 'Delete pod');
      if (ok !== 'Delete pod') return;
      const r = await progress(`Deleting ${t.namespace}/${t.pod}`, (signal) => deletePod(s, t.namespace, t.pod, { dryRun: a.dryRun ?? false, gracePeriodSeconds: grace ?? undefined, signal, audit: auditSink }));
      if (r) { deps.onDidChangeCluster?.(t); void (r.ok ? say.info(r.message) : say.error(r.message)); }
    }),
  ];
}
