/**
 * The UI half of the live-cluster feature: connection (status bar, context
 * picker), Scan Cluster (same engine through the language server, findings in
 * the Problems view on read-only live documents), and the cluster panel that
 * drives the trace/isolate/release operation commands.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver-protocol';
import { ANALYZE_OBJECTS_REQUEST, AnalyzeObjectsParams, AnalyzeObjectsResult } from '../../../shared/protocol';
import { inert } from '../../../shared/text/inert';
import type { ClusterStatusItem } from '../cluster-status';
import { ClusterSession, describeApiError, isCancelled } from '../cluster/connection';
import { EgressTrace, traceEgress } from '../cluster/trace';
import { collectCluster, CollectResult, listPodsAndNamespaces, NamespaceSummary, PodSummary } from './collect';
import { ClusterConnection, requireTrust, SELECT_CONTEXT_COMMAND } from './connection-state';
import { LiveDocuments } from './live-docs';
import { displayText, PanelFinding, PanelState, PanelTrace, WebviewMessage } from './messages';
import { isIsolated, OPERATION_COMMANDS, PodTarget, toPanelTrace } from './operations';
import { ClusterPanel } from './panel';

export const SCAN_COMMAND = 'k8sGuardrails.cluster.scan';
export const OPEN_PANEL_COMMAND = 'k8sGuardrails.cluster.openPanel';

export interface ClusterUiDeps {
  output: vscode.LogOutputChannel;
  /** The running language client (the scan's analysis runs in the server). */
  client: () => LanguageClient | undefined;
  /** Resolves when the language client has started. */
  ready: Promise<void>;
  /** The status bar item (client/src/cluster-status.ts, created at activation): the connection says what it shows. */
  status: ClusterStatusItem;
}

export interface ScanSummary {
  context: string;
  objects: number;
  findings: number;
  /** uris (string form) of the live documents. */
  uris: string[];
  errors: string[];
}

/** What the extension API exposes for tests. */
export interface ClusterUiApi {
  connection: ClusterConnection;
  /** Hooks for registerClusterOperationCommands (client/src/cluster/commands.ts). */
  operationDeps: {
    getSession(): Promise<ClusterSession | undefined>;
    pickPod(): Promise<{ namespace: string; pod: string } | undefined>;
    onDidChangeCluster(target: { namespace: string; pod: string }, change?: 'isolated' | 'released' | 'changed'): void;
    onTrace(trace: EgressTrace): void;
  };
  /** Shows a panel VS Code restored after a window reload (the webview serializer, client/src/extension.ts). */
  restorePanel(panel: vscode.WebviewPanel): void;
  scan(opts?: { silent?: boolean }): Promise<ScanSummary | undefined>;
  panelState(): PanelState;
}

interface ScanData {
  collected: CollectResult;
  /** live path → diagnostics */
  diagnostics: Map<string, vscode.Diagnostic[]>;
  at: Date;
}

export function registerClusterUi(context: vscode.ExtensionContext, deps: ClusterUiDeps): ClusterUiApi {
  const ui = new ClusterUi(context, deps);
  return {
    connection: ui.connection,
    scan: (opts) => ui.runScan(opts),
    panelState: () => ui.state(),
    restorePanel: (panel) => ui.restorePanel(panel),
    operationDeps: {
      getSession: () => ui.connection.session('Cluster operation'),
      pickPod: () => ui.pickPod(),
      onDidChangeCluster: (t, change) => {
        if (change === 'isolated' || change === 'released') ui.markTraceStale(t, change);
        void ui.refresh().then(() => ClusterPanel.instance?.focusPod(t.namespace, t.pod));
      },
      // a trace from the palette (or Trace again after Isolate) shows in the panel too
      onTrace: (raw) => ui.showTrace(raw),
    },
  };
}

/** The live-cluster UI's state (what the panel shows) and its actions. */
class ClusterUi {
  readonly connection: ClusterConnection;
  private readonly live = new LiveDocuments();
  private scan: ScanData | undefined;
  private pods: PodSummary[] = [];
  private namespaces: NamespaceSummary[] = [];
  private listError: string | undefined;
  private trace: PanelTrace | undefined;
  /** The trace behind `trace` (Generate egress policy needs all of it). */
  private rawTrace: EgressTrace | undefined;
  private busy: string | undefined;
  private readonly notices: string[] = [];
  private availableOps = { trace: false, isolate: false, release: false, generatePolicy: false };

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly deps: ClusterUiDeps,
  ) {
    this.connection = new ClusterConnection(deps.output, deps.status);
    context.subscriptions.push(
      this.connection,
      this.live,
      vscode.commands.registerCommand(SELECT_CONTEXT_COMMAND, () => this.connection.selectContext()),
      vscode.commands.registerCommand(SCAN_COMMAND, () => this.runScan()),
      vscode.commands.registerCommand(OPEN_PANEL_COMMAND, () => this.openPanel()),
      this.connection.onDidChange(() => this.contextChanged()),
      { dispose: () => ClusterPanel.instance?.dispose() },
    );
  }

  private async refreshOps(): Promise<void> {
    const all = new Set(await vscode.commands.getCommands(true));
    this.availableOps = { trace: all.has(OPERATION_COMMANDS.trace), isolate: all.has(OPERATION_COMMANDS.isolate), release: all.has(OPERATION_COMMANDS.release), generatePolicy: all.has(OPERATION_COMMANDS.generatePolicy) };
  }

  private findingsOf(path: string | undefined): number | undefined {
    return path && this.scan ? (this.scan.diagnostics.get(path)?.length ?? 0) : undefined;
  }

  /** The 50 most severe findings of the last scan. */
  private topFindings(): PanelFinding[] {
    const scan = this.scan;
    const top: PanelFinding[] = [];
    if (!scan) return top;
    const sev = ['error', 'warning', 'info', 'hint'] as const;
    for (const o of scan.collected.objects)
      for (const d of scan.diagnostics.get(o.path) ?? []) top.push({ severity: sev[d.severity] ?? 'info', rule: displayText(String(typeof d.code === 'object' ? d.code.value : d.code ?? ''), 80), message: displayText(d.message, 300), object: displayText(`${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`, 200) });
    top.sort((a, b) => sev.indexOf(a.severity) - sev.indexOf(b.severity));
    top.splice(50);
    return top;
  }

  private namespaceRows(): PanelState['namespaces'] {
    const scan = this.scan;
    const nsFindings = new Map<string, number>();
    if (scan) for (const o of scan.collected.objects) nsFindings.set(o.namespace ?? '', (nsFindings.get(o.namespace ?? '') ?? 0) + (scan.diagnostics.get(o.path)?.length ?? 0));
    return this.namespaces.map((n) => ({
      name: n.name,
      psa: {
        enforce: n.labels['pod-security.kubernetes.io/enforce'] ? displayText(n.labels['pod-security.kubernetes.io/enforce'], 40) : undefined,
        warn: n.labels['pod-security.kubernetes.io/warn'] ? displayText(n.labels['pod-security.kubernetes.io/warn'], 40) : undefined,
        audit: n.labels['pod-security.kubernetes.io/audit'] ? displayText(n.labels['pod-security.kubernetes.io/audit'], 40) : undefined,
      },
      findings: scan ? (nsFindings.get(n.name) ?? 0) : undefined,
    }));
  }

  private podRows(): PanelState['pods'] {
    const scan = this.scan;
    const scanPods = new Map((scan?.collected.pods ?? []).map((p) => [`${p.namespace}/${p.name}`, p]));
    return this.pods.map((p) => {
      const scanned = scanPods.get(`${p.namespace}/${p.name}`);
      return {
        namespace: p.namespace,
        name: p.name,
        phase: displayText(p.phase, 40),
        ip: displayText(p.ip, 60),
        node: displayText(p.node, 100),
        images: p.images.map((i) => displayText(i, 200)),
        findings: scan ? this.findingsOf(scanned?.ownerPath) : undefined,
        owner: scanned?.ownerKind ? displayText(`${scanned.ownerKind} ${scanned.ownerName}`, 200) : undefined,
        isolated: isIsolated(p.labels),
        ...(p.isolation ? { isolation: { isolated: p.isolation.isolated, summary: displayText(p.isolation.summary, 600) } } : {}),
      };
    });
  }

  state(): PanelState {
    const cur = this.connection.current;
    const scan = this.scan;
    return {
      trusted: vscode.workspace.isTrusted,
      error: this.connection.error ?? this.listError,
      context: cur?.current,
      server: cur?.server,
      source: cur?.source,
      contexts: cur?.contexts ?? [],
      namespaces: this.namespaceRows(),
      pods: this.podRows(),
      scan: scan && { at: scan.at.toLocaleString(), objects: scan.collected.objects.length, findings: [...scan.diagnostics.values()].reduce((n, d) => n + d.length, 0), errors: scan.collected.errors },
      topFindings: this.topFindings(),
      trace: this.trace,
      busy: this.busy,
      operations: this.availableOps,
      notices: [...this.notices],
    };
  }

  private render(): void {
    ClusterPanel.instance?.setState(this.state());
  }

  private async withBusy<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    if (this.busy) {
      void vscode.window.showInformationMessage(`Kubernetes Guardrails: wait for "${this.busy}" to finish.`);
      return undefined;
    }
    this.busy = what;
    this.render();
    try {
      return await fn();
    } finally {
      this.busy = undefined;
      this.render();
    }
  }

  /** Pods and namespaces for the panel (no scan). */
  async refresh(): Promise<void> {
    const session = await this.connection.session('Refresh cluster');
    if (!session) return this.render();
    try {
      const r = await listPodsAndNamespaces(session);
      this.pods = r.pods;
      this.namespaces = r.namespaces;
      this.listError = r.errors.length ? r.errors.join(' ') : undefined;
    } catch (e) {
      this.listError = describeApiError(e, { verb: 'list', resource: 'pods', server: session.server });
    }
    this.render();
  }

  async runScan(opts: { silent?: boolean } = {}): Promise<ScanSummary | undefined> {
    const session = await this.connection.session('Scan cluster');
    if (!session) return undefined;
    return this.withBusy('Scanning cluster', () =>
      Promise.resolve(
        vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Scanning cluster "${session.context}"`, cancellable: true }, async (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          try {
            return await this.scanSteps(session, progress, token, abort.signal, opts);
          } catch (e) {
            if (isCancelled(e) || token.isCancellationRequested) return undefined;
            const msg = e instanceof Error && /^Cannot |language server/.test(e.message) ? e.message : describeApiError(e, { verb: 'scan', resource: 'cluster objects', server: session.server });
            this.deps.output.error(inert(`cluster scan: ${msg}`));
            void vscode.window.showErrorMessage(inert(`Scan cluster: ${msg}`));
            return undefined;
          }
        }),
      ),
    );
  }

  /** Read the cluster, analyse it in the language server, show the findings on live documents. */
  private async scanSteps(session: ClusterSession, progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken, signal: AbortSignal, opts: { silent?: boolean }): Promise<ScanSummary | undefined> {
    let last = 0;
    const collected = await collectCluster(session, {
      signal,
      onProgress: (what, done, total) => {
        const pct = Math.round((done / total) * 70);
        progress.report({ message: `reading ${what}`, increment: pct - last });
        last = pct;
      },
    });
    await this.deps.ready;
    const client = this.deps.client();
    if (!client?.isRunning()) throw new Error('the language server is not running (see the Kubernetes Guardrails output)');
    progress.report({ message: `analysing ${collected.objects.length} objects`, increment: 80 - last });
    const analysed = await this.analyse(client, collected, token);
    if (!analysed) return undefined;
    const { diagnostics, docs } = analysed;
    this.live.replace(docs);
    this.scan = { collected, diagnostics, at: new Date() };
    this.pods = collected.pods;
    this.namespaces = collected.namespaces;
    this.listError = undefined;
    const total = [...diagnostics.values()].reduce((n, d) => n + d.length, 0);
    this.reportScan(session.context, collected, total, opts);
    return { context: session.context, objects: collected.objects.length, findings: total, uris: docs.map((d) => d.uri.toString()), errors: collected.errors };
  }

  /** The live objects through the server's analysis (shared/protocol: k8sGuardrails/analyzeObjects); undefined when cancelled. */
  private async analyse(client: LanguageClient, collected: CollectResult, token: vscode.CancellationToken) {
    const params: AnalyzeObjectsParams = { objects: collected.objects.map((o) => ({ uri: LiveDocuments.uri(o.path).toString(), yaml: o.yaml })) };
    const result = await client.sendRequest<AnalyzeObjectsResult>(ANALYZE_OBJECTS_REQUEST, params, token);
    if (token.isCancellationRequested || result.cancelled) return undefined;
    const byUri = new Map(result.results.map((r) => [r.uri, r.diagnostics]));
    const diagnostics = new Map<string, vscode.Diagnostic[]>();
    const docs: { uri: vscode.Uri; text: string; diagnostics: vscode.Diagnostic[] }[] = [];
    for (const o of collected.objects) {
      const uri = LiveDocuments.uri(o.path);
      const d = await client.protocol2CodeConverter.asDiagnostics((byUri.get(uri.toString()) ?? []) as LspDiagnostic[]);
      diagnostics.set(o.path, d);
      docs.push({ uri, text: o.yaml, diagnostics: d });
    }
    return { diagnostics, docs };
  }

  private reportScan(context: string, collected: CollectResult, total: number, opts: { silent?: boolean }): void {
    const output = this.deps.output;
    output.info(inert(`cluster scan of "${context}": ${collected.objects.length} objects, ${total} findings${collected.errors.length ? `, ${collected.errors.length} list error(s)` : ''}`));
    for (const e of collected.errors) output.warn(inert(`cluster scan: ${e}`));
    if (opts.silent) return;
    const msg = `Cluster "${context}": ${total} finding(s) in ${collected.objects.length} objects.${collected.errors.length ? ` ${collected.errors.length} resource type(s) could not be read (see the panel).` : ''}`;
    void vscode.window.showInformationMessage(inert(msg), 'Problems', 'Cluster Panel').then((pick) => {
      if (pick === 'Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
      if (pick === 'Cluster Panel') void vscode.commands.executeCommand(OPEN_PANEL_COMMAND);
    });
    for (const e of collected.errors.slice(0, 3)) void vscode.window.showWarningMessage(inert(e));
  }

  private findPod(namespace: string, name: string): PodSummary | undefined {
    return this.pods.find((p) => p.namespace === namespace && p.name === name);
  }

  private async runOperation(op: 'trace' | 'isolate' | 'release', target: PodTarget): Promise<void> {
    if (!(await requireTrust(op === 'trace' ? 'Trace egress' : op === 'isolate' ? 'Isolate pod' : 'Release pod'))) return;
    if (!this.findPod(target.namespace, target.name)) {
      void vscode.window.showWarningMessage(inert(`Pod ${target.namespace}/${target.name} is not in the panel's list any more: refresh the panel.`));
      return;
    }
    if (op === 'trace') return this.tracePod(target);
    await this.refreshOps();
    if (!this.availableOps[op]) {
      void vscode.window.showErrorMessage(`The ${op} command (${OPERATION_COMMANDS[op]}) is not available in this version of the extension.`);
      return this.render();
    }
    // Isolate/Release confirm (modal), ask for evidence folder and reason, and end with a
    // notification: not awaited here; the panel refreshes through onDidChangeCluster.
    void Promise.resolve(vscode.commands.executeCommand<unknown>(OPERATION_COMMANDS[op], { namespace: target.namespace, pod: target.name })).then(undefined, (e: unknown) =>
      this.deps.output.error(inert(`${op} ${target.namespace}/${target.name}: ${(e as Error)?.message ?? e}`)),
    );
  }

  /**
   * The panel shows the trace itself (traceEgress, the function behind the trace command):
   * the command ends with a notification that waits for the user, so it cannot feed the panel.
   */
  private async tracePod(target: PodTarget): Promise<void> {
    const session = await this.connection.session('Trace egress');
    if (!session) return;
    await this.withBusy(`Tracing ${target.namespace}/${target.name}`, async () => {
      try {
        const raw = await traceEgress(session, target.namespace, target.name);
        const t = toPanelTrace(raw, target);
        if (t) {
          this.trace = t;
          this.rawTrace = raw;
        }
        this.deps.output.info(inert(`panel: traced ${target.namespace}/${target.name}: ${t?.summary ?? 'no result'}`));
      } catch (e) {
        const msg = e instanceof Error && /^Cannot /.test(e.message) ? e.message : describeApiError(e, { verb: 'trace', resource: 'pods', namespace: target.namespace, name: target.name, server: session.server });
        void vscode.window.showErrorMessage(inert(`Trace egress: ${msg}`));
      }
    });
    ClusterPanel.instance?.focusPod(target.namespace, target.name);
  }

  /** A trace from the palette (or Trace again after Isolate) shows in the panel too. */
  showTrace(raw: EgressTrace): void {
    const t = toPanelTrace(raw, { namespace: raw.namespace, name: raw.pod });
    if (!t) return;
    this.trace = t;
    this.rawTrace = raw;
    this.render();
  }

  /** Generate egress policy from the trace the panel shows (the command would trace again otherwise). */
  private generatePolicy(target: PodTarget): void {
    const rawTrace = this.rawTrace;
    const arg = rawTrace && rawTrace.namespace === target.namespace && rawTrace.pod === target.name ? { trace: rawTrace } : { namespace: target.namespace, pod: target.name };
    void Promise.resolve(vscode.commands.executeCommand(OPERATION_COMMANDS.generatePolicy, arg)).then(undefined, (e: unknown) => this.deps.output.error(inert(`generate egress policy: ${(e as Error)?.message ?? e}`)));
  }

  /** After Isolate/Release the pod's reachability changed: the trace shown before no longer describes it. */
  markTraceStale(t: { namespace: string; pod: string }, change: 'isolated' | 'released'): void {
    const trace = this.trace;
    if (!trace || trace.namespace !== t.namespace || trace.pod !== t.pod) return;
    this.trace = { ...trace, stale: `The pod was ${change} after this trace was taken: trace again to see its connections now.` };
  }

  async pickPod(): Promise<{ namespace: string; pod: string } | undefined> {
    if (!this.pods.length) await this.refresh();
    const pick = await vscode.window.showQuickPick(
      this.pods.map((p) => ({ label: inert(`${p.namespace}/${p.name}`, { max: 320 }), description: inert(`${p.phase} ${p.ip}`, { max: 80 }), detail: isIsolated(p.labels) ? (p.isolation?.isolated ? 'quarantined, isolated' : 'quarantined, NOT isolated') : undefined, p })),
      { title: inert(`Pod in "${this.connection.current?.current ?? ''}"`, { max: 300 }), placeHolder: 'namespace/pod', matchOnDescription: true },
    );
    return pick ? { namespace: pick.p.namespace, pod: pick.p.name } : undefined;
  }

  private async openObject(namespace: string, name: string): Promise<void> {
    const owner = this.scan?.collected.pods.find((p) => p.namespace === namespace && p.name === name)?.ownerPath;
    if (!owner) {
      void vscode.window.showInformationMessage('Scan the cluster first: the live YAML comes from the last scan.');
      return;
    }
    const doc = await vscode.workspace.openTextDocument(LiveDocuments.uri(owner));
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }

  private readonly onMessage = (m: WebviewMessage): void => {
    switch (m.type) {
      case 'ready':
        void this.refreshOps().then(() => this.render());
        if (!this.connection.current) this.connection.reload();
        if (!this.pods.length && vscode.workspace.isTrusted && this.connection.current) void this.refresh();
        return;
      case 'refresh':
        void this.withBusy('Refreshing', () => this.refresh());
        return;
      case 'scan':
        void this.runScan();
        return;
      case 'selectContext':
        void this.connection.selectContext();
        return;
      case 'trace':
      case 'isolate':
      case 'release':
        void this.runOperation(m.type, { namespace: m.namespace, name: m.pod });
        return;
      case 'openObject':
        void this.openObject(m.namespace, m.pod);
        return;
      case 'generatePolicy':
        this.generatePolicy({ namespace: m.namespace, name: m.pod });
        return;
    }
  };

  private async openPanel(): Promise<void> {
    if (!(await requireTrust('Open cluster panel'))) return;
    ClusterPanel.show(this.context.extensionUri, this.onMessage);
    this.render();
  }

  restorePanel(panel: vscode.WebviewPanel): void {
    ClusterPanel.revive(panel, this.context.extensionUri, this.onMessage);
    this.render();
    // Do not rely on the revived webview's 'ready' alone: it can arrive before this host is listening. And after a
    // window reload the settings can reach this extension host after it started: read them again first.
    if (!this.connection.current) this.connection.reload();
    if (!this.pods.length && vscode.workspace.isTrusted && this.connection.current) void this.refresh();
    else if (!this.connection.current) this.rereadSettingsWhileRestoring(panel);
  }

  /**
   * A remote extension host (code-server) can receive the user's settings after it restored the panel, without a
   * configuration change event: until a kubeconfig loads, read them again a few times over the first half minute,
   * so the restored panel does not keep saying "no kubeconfig" for a setting that exists. Reading is local (files).
   */
  private rereadSettingsWhileRestoring(panel: vscode.WebviewPanel): void {
    let closed = false;
    const sub = panel.onDidDispose(() => (closed = true));
    const delays = [500, 1000, 2000, 4000, 8000, 15000];
    const next = (i: number) => {
      if (closed || this.connection.current || i >= delays.length) return sub.dispose();
      setTimeout(() => {
        if (closed || this.connection.current) return sub.dispose();
        this.connection.reload(); // fires onDidChange (and so a refresh) when it now loads
        next(i + 1);
      }, delays[i]);
    };
    next(0);
  }

  /** Another context: everything shown belongs to the old one. */
  private contextChanged(): void {
    this.scan = undefined;
    this.pods = [];
    this.namespaces = [];
    this.trace = undefined;
    this.rawTrace = undefined;
    this.listError = undefined;
    this.live.clear();
    this.render();
    if (ClusterPanel.instance && vscode.workspace.isTrusted && this.connection.current) void this.refresh();
  }
}
