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
  const connection = new ClusterConnection(deps.output, deps.status);
  const live = new LiveDocuments();
  context.subscriptions.push(connection, live);

  let scan: ScanData | undefined;
  let pods: PodSummary[] = [];
  let namespaces: NamespaceSummary[] = [];
  let listError: string | undefined;
  let trace: PanelTrace | undefined;
  /** The trace behind `trace` (Generate egress policy needs all of it). */
  let rawTrace: EgressTrace | undefined;
  let busy: string | undefined;
  const notices: string[] = [];
  let availableOps = { trace: false, isolate: false, release: false, generatePolicy: false };

  const refreshOps = async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    availableOps = { trace: all.has(OPERATION_COMMANDS.trace), isolate: all.has(OPERATION_COMMANDS.isolate), release: all.has(OPERATION_COMMANDS.release), generatePolicy: all.has(OPERATION_COMMANDS.generatePolicy) };
  };

  const findingsOf = (path: string | undefined) => (path && scan ? (scan.diagnostics.get(path)?.length ?? 0) : undefined);

  const state = (): PanelState => {
    const cur = connection.current;
    const nsFindings = new Map<string, number>();
    if (scan) for (const o of scan.collected.objects) nsFindings.set(o.namespace ?? '', (nsFindings.get(o.namespace ?? '') ?? 0) + (scan.diagnostics.get(o.path)?.length ?? 0));
    const scanPods = new Map((scan?.collected.pods ?? []).map((p) => [`${p.namespace}/${p.name}`, p]));
    const top: PanelFinding[] = [];
    if (scan) {
      const sev = ['error', 'warning', 'info', 'hint'] as const;
      for (const o of scan.collected.objects)
        for (const d of scan.diagnostics.get(o.path) ?? []) top.push({ severity: sev[d.severity] ?? 'info', rule: displayText(String(typeof d.code === 'object' ? d.code.value : d.code ?? ''), 80), message: displayText(d.message, 300), object: displayText(`${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`, 200) });
      top.sort((a, b) => sev.indexOf(a.severity) - sev.indexOf(b.severity));
      top.splice(50);
    }
    return {
      trusted: vscode.workspace.isTrusted,
      error: connection.error ?? listError,
      context: cur?.current,
      server: cur?.server,
      source: cur?.source,
      contexts: cur?.contexts ?? [],
      namespaces: namespaces.map((n) => ({
        name: n.name,
        psa: {
          enforce: n.labels['pod-security.kubernetes.io/enforce'] ? displayText(n.labels['pod-security.kubernetes.io/enforce'], 40) : undefined,
          warn: n.labels['pod-security.kubernetes.io/warn'] ? displayText(n.labels['pod-security.kubernetes.io/warn'], 40) : undefined,
          audit: n.labels['pod-security.kubernetes.io/audit'] ? displayText(n.labels['pod-security.kubernetes.io/audit'], 40) : undefined,
        },
        findings: scan ? (nsFindings.get(n.name) ?? 0) : undefined,
      })),
      pods: pods.map((p) => {
        const scanned = scanPods.get(`${p.namespace}/${p.name}`);
        return {
          namespace: p.namespace,
          name: p.name,
          phase: displayText(p.phase, 40),
          ip: displayText(p.ip, 60),
          node: displayText(p.node, 100),
          images: p.images.map((i) => displayText(i, 200)),
          findings: scan ? findingsOf(scanned?.ownerPath) : undefined,
          owner: scanned?.ownerKind ? displayText(`${scanned.ownerKind} ${scanned.ownerName}`, 200) : undefined,
          isolated: isIsolated(p.labels),
          ...(p.isolation ? { isolation: { isolated: p.isolation.isolated, summary: displayText(p.isolation.summary, 600) } } : {}),
        };
      }),
      scan: scan && { at: scan.at.toLocaleString(), objects: scan.collected.objects.length, findings: [...scan.diagnostics.values()].reduce((n, d) => n + d.length, 0), errors: scan.collected.errors },
      topFindings: top,
      trace,
      busy,
      operations: availableOps,
      notices: [...notices],
    };
  };

  const render = () => ClusterPanel.instance?.setState(state());

  const withBusy = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    if (busy) {
      void vscode.window.showInformationMessage(`Kubernetes Guardrails: wait for "${busy}" to finish.`);
      return undefined;
    }
    busy = what;
    render();
    try {
      return await fn();
    } finally {
      busy = undefined;
      render();
    }
  };

  /** Pods and namespaces for the panel (no scan). */
  const refresh = async (): Promise<void> => {
    const session = await connection.session('Refresh cluster');
    if (!session) return render();
    try {
      const r = await listPodsAndNamespaces(session);
      pods = r.pods;
      namespaces = r.namespaces;
      listError = r.errors.length ? r.errors.join(' ') : undefined;
    } catch (e) {
      listError = describeApiError(e, { verb: 'list', resource: 'pods', server: session.server });
    }
    render();
  };

  const runScan = async (opts: { silent?: boolean } = {}): Promise<ScanSummary | undefined> => {
    const session = await connection.session('Scan cluster');
    if (!session) return undefined;
    return withBusy('Scanning cluster', () =>
      Promise.resolve(
        vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Scanning cluster "${session.context}"`, cancellable: true }, async (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          try {
            let last = 0;
            const collected = await collectCluster(session, {
              signal: abort.signal,
              onProgress: (what, done, total) => {
                const pct = Math.round((done / total) * 70);
                progress.report({ message: `reading ${what}`, increment: pct - last });
                last = pct;
              },
            });
            await deps.ready;
            const client = deps.client();
            if (!client?.isRunning()) throw new Error('the language server is not running (see the Kubernetes Guardrails output)');
            progress.report({ message: `analysing ${collected.objects.length} objects`, increment: 80 - last });
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
            live.replace(docs);
            scan = { collected, diagnostics, at: new Date() };
            pods = collected.pods;
            namespaces = collected.namespaces;
            listError = undefined;
            const total = [...diagnostics.values()].reduce((n, d) => n + d.length, 0);
            deps.output.info(inert(`cluster scan of "${session.context}": ${collected.objects.length} objects, ${total} findings${collected.errors.length ? `, ${collected.errors.length} list error(s)` : ''}`));
            for (const e of collected.errors) deps.output.warn(inert(`cluster scan: ${e}`));
            if (!opts.silent) {
              const msg = `Cluster "${session.context}": ${total} finding(s) in ${collected.objects.length} objects.${collected.errors.length ? ` ${collected.errors.length} resource type(s) could not be read (see the panel).` : ''}`;
              void vscode.window.showInformationMessage(inert(msg), 'Problems', 'Cluster Panel').then((pick) => {
                if (pick === 'Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
                if (pick === 'Cluster Panel') void vscode.commands.executeCommand(OPEN_PANEL_COMMAND);
              });
              for (const e of collected.errors.slice(0, 3)) void vscode.window.showWarningMessage(inert(e));
            }
            return { context: session.context, objects: collected.objects.length, findings: total, uris: docs.map((d) => d.uri.toString()), errors: collected.errors };
          } catch (e) {
            if (isCancelled(e) || token.isCancellationRequested) return undefined;
            const msg = e instanceof Error && /^Cannot |language server/.test(e.message) ? e.message : describeApiError(e, { verb: 'scan', resource: 'cluster objects', server: session.server });
            deps.output.error(inert(`cluster scan: ${msg}`));
            void vscode.window.showErrorMessage(inert(`Scan cluster: ${msg}`));
            return undefined;
          }
        }),
      ),
    );
  };

  const findPod = (namespace: string, name: string) => pods.find((p) => p.namespace === namespace && p.name === name);

  const runOperation = async (op: 'trace' | 'isolate' | 'release', target: PodTarget) => {
    if (!(await requireTrust(op === 'trace' ? 'Trace egress' : op === 'isolate' ? 'Isolate pod' : 'Release pod'))) return;
    if (!findPod(target.namespace, target.name)) {
      void vscode.window.showWarningMessage(inert(`Pod ${target.namespace}/${target.name} is not in the panel's list any more: refresh the panel.`));
      return;
    }
    if (op === 'trace') {
      // The panel shows the trace itself (traceEgress, the function behind the trace command):
      // the command ends with a notification that waits for the user, so it cannot feed the panel.
      const session = await connection.session('Trace egress');
      if (!session) return;
      await withBusy(`Tracing ${target.namespace}/${target.name}`, async () => {
        try {
          const raw = await traceEgress(session, target.namespace, target.name);
          const t = toPanelTrace(raw, target);
          if (t) {
            trace = t;
            rawTrace = raw;
          }
          deps.output.info(inert(`panel: traced ${target.namespace}/${target.name}: ${t?.summary ?? 'no result'}`));
        } catch (e) {
          const msg = e instanceof Error && /^Cannot /.test(e.message) ? e.message : describeApiError(e, { verb: 'trace', resource: 'pods', namespace: target.namespace, name: target.name, server: session.server });
          void vscode.window.showErrorMessage(inert(`Trace egress: ${msg}`));
        }
      });
      ClusterPanel.instance?.focusPod(target.namespace, target.name);
      return;
    }
    await refreshOps();
    if (!availableOps[op]) {
      void vscode.window.showErrorMessage(`The ${op} command (${OPERATION_COMMANDS[op]}) is not available in this version of the extension.`);
      return render();
    }
    // Isolate/Release confirm (modal), ask for evidence folder and reason, and end with a
    // notification: not awaited here; the panel refreshes through onDidChangeCluster.
    void Promise.resolve(vscode.commands.executeCommand<unknown>(OPERATION_COMMANDS[op], { namespace: target.namespace, pod: target.name })).then(undefined, (e: unknown) =>
      deps.output.error(inert(`${op} ${target.namespace}/${target.name}: ${(e as Error)?.message ?? e}`)),
    );
  };

  /** Generate egress policy from the trace the panel shows (the command would trace again otherwise). */
  const generatePolicy = (target: PodTarget) => {
    const arg = rawTrace && rawTrace.namespace === target.namespace && rawTrace.pod === target.name ? { trace: rawTrace } : { namespace: target.namespace, pod: target.name };
    void Promise.resolve(vscode.commands.executeCommand(OPERATION_COMMANDS.generatePolicy, arg)).then(undefined, (e: unknown) => deps.output.error(inert(`generate egress policy: ${(e as Error)?.message ?? e}`)));
  };

  /** After Isolate/Release the pod's reachability changed: the trace shown before no longer describes it. */
  const markTraceStale = (t: { namespace: string; pod: string }, change: 'isolated' | 'released') => {
    if (!trace || trace.namespace !== t.namespace || trace.pod !== t.pod) return;
    trace = { ...trace, stale: `The pod was ${change} after this trace was taken: trace again to see its connections now.` };
  };

  const pickPod = async (): Promise<{ namespace: string; pod: string } | undefined> => {
    if (!pods.length) await refresh();
    const pick = await vscode.window.showQuickPick(
      pods.map((p) => ({ label: inert(`${p.namespace}/${p.name}`, { max: 320 }), description: inert(`${p.phase} ${p.ip}`, { max: 80 }), detail: isIsolated(p.labels) ? (p.isolation?.isolated ? 'quarantined, isolated' : 'quarantined, NOT isolated') : undefined, p })),
      { title: inert(`Pod in "${connection.current?.current ?? ''}"`, { max: 300 }), placeHolder: 'namespace/pod', matchOnDescription: true },
    );
    return pick ? { namespace: pick.p.namespace, pod: pick.p.name } : undefined;
  };

  const openObject = async (namespace: string, name: string) => {
    const owner = scan?.collected.pods.find((p) => p.namespace === namespace && p.name === name)?.ownerPath;
    if (!owner) {
      void vscode.window.showInformationMessage('Scan the cluster first: the live YAML comes from the last scan.');
      return;
    }
    const doc = await vscode.workspace.openTextDocument(LiveDocuments.uri(owner));
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  };

  const onMessage = (m: WebviewMessage) => {
    switch (m.type) {
      case 'ready':
        void refreshOps().then(render);
        if (!connection.current) connection.reload();
        if (!pods.length && vscode.workspace.isTrusted && connection.current) void refresh();
        return;
      case 'refresh':
        void withBusy('Refreshing', refresh);
        return;
      case 'scan':
        void runScan();
        return;
      case 'selectContext':
        void connection.selectContext();
        return;
      case 'trace':
      case 'isolate':
      case 'release':
        void runOperation(m.type, { namespace: m.namespace, name: m.pod });
        return;
      case 'openObject':
        void openObject(m.namespace, m.pod);
        return;
      case 'generatePolicy':
        generatePolicy({ namespace: m.namespace, name: m.pod });
        return;
    }
  };

  const openPanel = async () => {
    if (!(await requireTrust('Open cluster panel'))) return;
    ClusterPanel.show(context.extensionUri, onMessage);
    render();
  };

  const restorePanel = (panel: vscode.WebviewPanel) => {
    ClusterPanel.revive(panel, context.extensionUri, onMessage);
    render();
    // Do not rely on the revived webview's 'ready' alone: it can arrive before this host is listening. And after a
    // window reload the settings can reach this extension host after it started: read them again first.
    if (!connection.current) connection.reload();
    if (!pods.length && vscode.workspace.isTrusted && connection.current) void refresh();
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(SELECT_CONTEXT_COMMAND, () => connection.selectContext()),
    vscode.commands.registerCommand(SCAN_COMMAND, () => runScan()),
    vscode.commands.registerCommand(OPEN_PANEL_COMMAND, openPanel),
    connection.onDidChange(() => {
      // another context: everything shown belongs to the old one
      scan = undefined;
      pods = [];
      namespaces = [];
      trace = undefined;
      rawTrace = undefined;
      listError = undefined;
      live.clear();
      render();
      if (ClusterPanel.instance && vscode.workspace.isTrusted && connection.current) void refresh();
    }),
    { dispose: () => ClusterPanel.instance?.dispose() },
  );

  return {
    connection,
    scan: runScan,
    panelState: state,
    restorePanel,
    operationDeps: {
      getSession: () => connection.session('Cluster operation'),
      pickPod,
      onDidChangeCluster: (t, change) => {
        if (change === 'isolated' || change === 'released') markTraceStale(t, change);
        void refresh().then(() => ClusterPanel.instance?.focusPod(t.namespace, t.pod));
      },
      // a trace from the palette (or Trace again after Isolate) shows in the panel too
      onTrace: (raw) => {
        const t = toPanelTrace(raw, { namespace: raw.namespace, name: raw.pod });
        if (!t) return;
        trace = t;
        rawTrace = raw;
        render();
      },
    },
  };
}
