/**
 * Findings → diagnostics: the debounced, batched re-analysis queue, and what
 * is published for each file and for the configuration file.
 */
import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver/node';
import { Affected, Finding, IgnoreEntry, ruleDocsUrl } from '../../engine';
import type { GuardrailsServer } from '../server';

export const SOURCE = 'k8s-guardrails';
export const DEFAULT_ANALYSIS_TIME_LIMIT_MS = 3000;
const BATCH = 100;

const SEVERITY: Record<string, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(f: Finding): Diagnostic {
  const d: Diagnostic = {
    range: f.range,
    // Suppressed findings (shown only with k8sGuardrails.showSuppressed) are hints that say why.
    severity: f.suppressed ? DiagnosticSeverity.Hint : SEVERITY[f.severity],
    code: f.rule,
    codeDescription: { href: ruleDocsUrl(f.rule) },
    source: SOURCE,
    message: f.suppressed ? `${f.message} [suppressed by ${f.suppressed.by === 'config' ? 'the configuration file' : 'annotation'}: ${f.suppressed.reason}]` : f.message,
  };
  if (f.related?.length) d.relatedInformation = f.related.map((r) => ({ location: { uri: r.uri, range: r.range }, message: r.message }));
  if (f.kustomization) {
    // Kustomize: the overlay that rendered the object this finding is about.
    const start = { line: 0, character: 0 };
    (d.relatedInformation ??= []).push({ location: { uri: f.kustomization, range: { start, end: start } }, message: `rendered by this kustomization${f.resource ? ` as ${f.resource.display}` : ''}` });
  }
  if (f.pss) d.data = { pss: f.pss };
  return d;
}

export class Diagnostics {
  private findings = new Map<string, Finding[]>();

  /** Whether `uri` has been analysed (its findings are known). */
  analysed(uri: string): boolean {
    return this.findings.has(uri);
  }
  private analyzedVersion = new Map<string, number>();
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** Flushes running (a newer one can start while an older one waits between batches, then stops). */
  private flushing = 0;
  /** Waiting for the open documents' re-analysis (`openDocumentsAnalysed`). */
  private openWaiters: (() => void)[] = [];
  /** Open documents' publications not yet written out (a long one takes several turns of the event loop). */
  private readonly writing = new Set<Promise<void>>();
  private generation = 0;
  private readonly published = new Set<string>();
  private readonly failedRules = new Set<string>();
  /** Config entries that matched a finding, per analysed file (for `unused-ignore`). */
  private ignoreUse = new Map<string, Set<IgnoreEntry>>();

  constructor(private readonly server: GuardrailsServer) {}

  schedule(uri: string): void {
    this.pending.add(uri);
    this.kick();
  }

  /** Re-analyse every file; `first` goes first (the one being typed in). */
  scheduleAll(first?: string): void {
    if (first) this.pending.add(first);
    for (const f of this.server.host.workspace.allFiles()) this.pending.add(f.uri);
    this.kick();
  }

  /** Queue these files (analysed with the next batch). */
  add(uris: Iterable<string>): void {
    for (const uri of uris) this.pending.add(uri);
  }

  /** Re-analyse what a change affects (the engine decides: `Analysis.affectedBy`). */
  scheduleAffected(a: Affected): void {
    if (a.all) return this.scheduleAll(a.uris[0]);
    for (const uri of a.uris) this.pending.add(uri);
    this.kick();
  }

  /** A file left the workspace: forget and clear what it showed. */
  forget(uri: string): void {
    this.findings.delete(uri);
    this.server.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private kick(): void {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    const delay = this.server.client.debounceMs ?? 150;
    this.timer = setTimeout(() => void this.flush(this.generation), delay);
  }

  private async flush(generation: number): Promise<void> {
    this.timer = undefined;
    this.flushing++;
    try {
      const documents = this.server.documents;
      // Open documents first: they are what the user is looking at.
      const queue = [...this.pending].sort((a, b) => Number(!documents.get(a)) - Number(!documents.get(b)));
      while (queue.length) {
        if (generation !== this.generation) return; // a newer edit restarted the work
        const batch = queue.splice(0, BATCH);
        this.analyzeNow(batch);
        for (const uri of batch) this.pending.delete(uri);
        this.releaseOpenWaiters();
        if (queue.length) await new Promise((r) => setImmediate(r));
      }
      if (this.server.host.config?.config.ignores.length) this.publishConfig();
    } finally {
      this.flushing--;
      this.releaseOpenWaiters();
    }
  }

  /**
   * Undefined when no open document waits for its re-analysis or for its publication to be written out, else a
   * promise that resolves once none does: the schema layer's background validation waits for it, so a
   * keystroke's findings are not queued behind it.
   */
  openDocumentsAnalysed(): Promise<void> | undefined {
    if (!this.openPending() && !this.writing.size) return undefined;
    return (async () => {
      for (;;) {
        if (this.openPending()) await new Promise<void>((resolve) => this.openWaiters.push(resolve));
        else if (this.writing.size) await Promise.all([...this.writing]);
        else return;
      }
    })();
  }

  /** An open document is queued and a flush will analyse it (one is scheduled or running). */
  private openPending(): boolean {
    if (!this.timer && !this.flushing) return false;
    for (const uri of this.pending) if (this.server.documents.get(uri)) return true;
    return false;
  }

  private releaseOpenWaiters(): void {
    if (this.openWaiters.length && !this.openPending()) for (const resolve of this.openWaiters.splice(0)) resolve();
  }

  analyzeNow(uris: string[]): void {
    const { server } = this;
    const { host, kustomize, helm } = server;
    const ws = host.workspace;
    // Rendered objects map findings onto held-back files: analyse all renders and all those files together.
    const rendered = [...kustomize.renderedUris(), ...helm.renderedUris()];
    if (uris.some((u) => server.isHeld(u) || ws.rendered?.isRendered(u)))
      uris = [...new Set([...uris, ...rendered, ...kustomize.heldUris(), ...helm.heldUris()])];
    const present = uris.filter((u) => ws.has(u) || server.isHeld(u));
    const result = server.guard(
      'analyze',
      () =>
        host.analysis().diagnostics({
          uris: present,
          includeSuppressed: server.client.showSuppressed === true,
          // As the user types: replay the reports on unchanged documents (engine/analyze.ts ReportCache).
          reuseReports: true,
          fileTimeLimitMs: server.client.analysisTimeLimitMs ?? DEFAULT_ANALYSIS_TIME_LIMIT_MS,
          fileTimeLimitSetting: 'k8sGuardrails.analysisTimeLimitMs',
          onRuleError: (rule, error, where) => {
            // Once per rule per server: a broken rule must not flood the log on every keystroke.
            if (this.failedRules.has(rule.id)) return;
            this.failedRules.add(rule.id);
            server.connection.console.error(`k8s-guardrails: rule ${rule.id} failed on ${where} (its findings are skipped; other rules still run): ${(error as Error)?.stack ?? error}`);
          },
        }),
      undefined,
    );
    if (!result) return;
    for (const uri of uris) this.ignoreUse.delete(uri);
    for (const [uri, use] of result.ignoreUse) this.ignoreUse.set(uri, use);
    // A held-back file with no rendered findings left: clear what it showed.
    for (const uri of present) if (!result.findings.has(uri) && server.isHeld(uri)) result.findings.set(uri, []);
    for (const [uri, findings] of result.findings) {
      if (ws.rendered?.isRendered(uri)) continue; // never published: every finding was mapped to its source
      this.findings.set(uri, findings);
      const doc = server.documents.get(uri);
      if (doc) this.analyzedVersion.set(uri, doc.version);
      const file = ws.get(uri);
      if (!doc && !findings.length && !this.published.has(uri)) continue;
      if (!doc && file && !file.isKubernetes && !this.published.has(uri)) continue;
      this.published.add(uri);
      const spent = result.timedOut.get(uri);
      // A file over the size or time limit carries a `not-analysed` finding (the engine's); the log says it too.
      if (spent !== undefined) server.connection.console.warn(`k8s-guardrails: analysis of ${uri} stopped after ${spent} ms (k8sGuardrails.analysisTimeLimitMs)`);
      const sent = server.connection.sendDiagnostics({ uri, version: doc?.version, diagnostics: server.schema.merge(uri, this.own(uri)) });
      if (doc) {
        const written = sent.then(
          () => void this.writing.delete(written),
          () => void this.writing.delete(written),
        );
        this.writing.add(written);
      }
    }
  }

  /** The engine's diagnostics for a uri. */
  private own(uri: string): Diagnostic[] {
    return (this.findings.get(uri) ?? []).map(toDiagnostic);
  }

  /** Re-publish a uri's last findings with its current schema diagnostics (one set per uri). */
  publishMerged(uri: string): void {
    const doc = this.server.documents.get(uri);
    this.published.add(uri);
    this.server.connection.sendDiagnostics({ uri, version: doc?.version, diagnostics: this.server.schema.merge(uri, this.own(uri)) });
  }

  /** Findings for the document's current text (analysing now if an edit is pending). */
  current(uri: string): Finding[] {
    const doc = this.server.documents.get(uri);
    // Held-back kustomization files change their findings on save (a new render), not per keystroke.
    if (doc && this.analyzedVersion.get(uri) !== doc.version && !this.server.isHeld(uri)) this.analyzeNow([uri]);
    return this.findings.get(uri) ?? [];
  }

  /** The config file's errors, and (once nothing is pending) its `ignore:` entries that suppress nothing. */
  publishConfig(withUnused = true): void {
    const { server } = this;
    const cfg = server.host.config;
    if (!cfg) return;
    const diagnostics: Diagnostic[] = cfg.errors.map((e) => ({ range: e.range, severity: DiagnosticSeverity.Error, source: SOURCE, code: 'config-invalid', message: e.message }));
    if (withUnused && this.pending.size === 0 && cfg.config.ignores.length) {
      const used = new Set<IgnoreEntry>();
      for (const [uri, set] of this.ignoreUse) if (server.host.workspace.has(uri) || server.isHeld(uri)) for (const e of set) used.add(e);
      diagnostics.push(...server.host.analysis().unusedConfigIgnores(used).map(toDiagnostic));
    }
    server.connection.sendDiagnostics({ uri: cfg.uri, diagnostics });
  }
}
