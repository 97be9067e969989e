/**
 * The yaml language status item ("{}" next to the language mode): the Pod Security Standards level
 * and version in force for the active file and where they come from (a Namespace's labels, the
 * `.k8s-guardrails.yaml`, the `k8sGuardrails.pss` setting, the default), how many files are
 * analysed, and whether the Kubernetes schema layer is on — all from the server
 * (`k8sGuardrails/fileStatus`, shared/protocol). Two items: the Pod Security level (its link opens
 * where the level comes from), and the analysis (files analysed, schema layer; its link: the Output).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { FILE_STATUS_REQUEST, FilePssStatus, FileStatusParams, FileStatusResult } from '../../../shared/protocol';
import { inert } from '../../../shared/text/inert';

export const LANGUAGE_STATUS_ID = 'k8sGuardrails.pss';
export const ANALYSIS_STATUS_ID = 'k8sGuardrails.analysis';

/** What the items show (for the integration tests). */
export interface LanguageStatusSnapshot {
  uri: string | undefined;
  /** The Pod Security item. */
  text: string;
  detail: string | undefined;
  command: string | undefined;
  /** The analysis item (files analysed, schema layer). */
  analysis: { text: string; detail: string | undefined };
}

export interface StatusTexts {
  pss: { text: string; detail: string; open?: { uri: string } };
  analysis: { text: string; detail: string };
}

const pssText = (p: FilePssStatus) => `PSS ${p.level} ${p.version}`;

/** The items' texts for a server answer. */
export function describeFileStatus(r: FileStatusResult): StatusTexts {
  const analysis = {
    text: `$(checklist) ${r.filesAnalysed}/${r.filesIndexed} files analysed`,
    detail: `Kubernetes schema ${r.schema ? 'on' : 'off'}${r.rendered ? ` · this file: analysed as rendered by ${r.rendered === 'kustomize' ? 'Kustomize' : 'Helm'}` : ''}`,
  };
  const [first, ...more] = r.pss;
  if ((!r.kubernetes && !r.rendered) || !first) return { pss: { text: '$(shield) PSS: no workloads', detail: 'no Kubernetes objects in this file' }, analysis };
  const where = (p: FilePssStatus, named: boolean) => `${named && p.namespace ? `${p.namespace}: ${pssText(p)} ` : ''}from ${p.where}`;
  const detail = more.length ? [first, ...more].map((p) => where(p, true)).join('; ') : where(first, false);
  return { pss: { text: `$(shield) ${pssText(first)}${more.length ? ` (+${more.length})` : ''}`, detail, ...(first.uri ? { open: { uri: first.uri } } : {}) }, analysis };
}

export class LanguageStatus implements vscode.Disposable {
  private readonly item = vscode.languages.createLanguageStatusItem(LANGUAGE_STATUS_ID, { language: 'yaml' });
  private readonly analysis = vscode.languages.createLanguageStatusItem(ANALYSIS_STATUS_ID, { language: 'yaml' });
  private readonly disposables: vscode.Disposable[] = [this.item, this.analysis];
  private timer: NodeJS.Timeout | undefined;
  private uri: string | undefined;
  private seq = 0;

  constructor(
    private readonly client: () => LanguageClient | undefined,
    ready: Promise<void>,
  ) {
    this.item.name = 'Kubernetes Guardrails: Pod Security level';
    this.item.text = '$(shield) PSS';
    this.item.detail = 'starting…';
    this.item.busy = true;
    this.analysis.name = 'Kubernetes Guardrails: analysis';
    this.analysis.text = '$(checklist) Kubernetes Guardrails';
    this.analysis.detail = 'starting…';
    this.analysis.busy = true;
    this.analysis.command = { title: 'Output', command: 'k8sGuardrails.showOutput' };
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule(0)),
      // findings of the active file changed: the analysis ran (the index may have grown, a Namespace changed)
      vscode.languages.onDidChangeDiagnostics((e) => {
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        if (active && e.uris.some((u) => u.toString() === active)) this.schedule(300);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('k8sGuardrails')) this.schedule(500);
      }),
    );
    void ready.then(
      () => this.schedule(0),
      () => undefined,
    );
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), ms);
  }

  /** Asks the server about the active yaml file and shows the answer. */
  async update(): Promise<void> {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'yaml') return;
    const c = this.client();
    if (!c?.isRunning()) return;
    const seq = ++this.seq;
    let r: FileStatusResult;
    try {
      r = await c.sendRequest<FileStatusResult>(FILE_STATUS_REQUEST, { uri: doc.uri.toString() } satisfies FileStatusParams);
    } catch {
      return;
    }
    if (seq !== this.seq) return; // a newer question is on its way
    const d = describeFileStatus(r);
    this.uri = doc.uri.toString();
    // file and namespace names come from the workspace: no icon or link syntax from them
    const safe = (text: string) => text.replace(/^(\$\([a-z-]+\) )?(.*)$/, (_m, icon: string | undefined, rest: string) => (icon ?? '') + inert(rest, { max: 80 }));
    this.item.busy = false;
    this.item.text = safe(d.pss.text);
    this.item.detail = inert(d.pss.detail, { max: 300 });
    this.item.severity = vscode.LanguageStatusSeverity.Information;
    this.item.command = d.pss.open
      ? { title: 'Open', command: 'vscode.open', arguments: [vscode.Uri.parse(d.pss.open.uri)], tooltip: 'Open where the Pod Security level comes from' }
      : { title: 'Settings', command: 'workbench.action.openSettings', arguments: ['k8sGuardrails.pss'], tooltip: 'Pod Security Standards settings' };
    this.analysis.busy = false;
    this.analysis.text = d.analysis.text;
    this.analysis.detail = d.analysis.detail;
  }

  snapshot(): LanguageStatusSnapshot {
    return { uri: this.uri, text: this.item.text, detail: this.item.detail, command: this.item.command?.command, analysis: { text: this.analysis.text, detail: this.analysis.detail } };
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
