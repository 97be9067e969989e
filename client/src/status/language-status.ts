/**
 * The yaml language status item ("{}" next to the language mode): the Pod Security Standards level
 * and version in force for the active file and where they come from (a Namespace's labels, the
 * `.k8s-guardrails.yaml`, the `k8sGuardrails.pss` setting, the default), how many files are
 * analysed, and whether the Kubernetes schema layer is on — all from the server
 * (`k8sGuardrails/fileStatus`, shared/protocol). Clicking it opens where the level comes from.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { FILE_STATUS_REQUEST, FilePssStatus, FileStatusParams, FileStatusResult } from '../../../shared/protocol';
import { inert } from '../../../shared/text/inert';

export const LANGUAGE_STATUS_ID = 'k8sGuardrails.pss';

/** What the item shows (for the integration tests). */
export interface LanguageStatusSnapshot {
  uri: string | undefined;
  text: string;
  detail: string | undefined;
  command: string | undefined;
}

function pssText(p: FilePssStatus): string {
  return `PSS ${p.level} ${p.version}`;
}

/** The item's text and detail for a server answer (pure: unit-testable). */
export function describeFileStatus(r: FileStatusResult): { text: string; detail: string; open?: { uri: string } } {
  const files = `${r.filesAnalysed} of ${r.filesIndexed} workspace file${r.filesIndexed === 1 ? '' : 's'} analysed`;
  const schema = `schema ${r.schema ? 'on' : 'off'}`;
  const rendered = r.rendered ? ` · analysed as rendered by ${r.rendered === 'kustomize' ? 'Kustomize' : 'Helm'}` : '';
  if (!r.kubernetes && !r.rendered) return { text: '$(shield) Guardrails: no Kubernetes objects', detail: `${files} · ${schema}` };
  const [first, ...more] = r.pss;
  if (!first) return { text: '$(shield) Guardrails', detail: `${files} · ${schema}${rendered}` };
  const where = (p: FilePssStatus) => `${p.namespace ? `${p.namespace}: ` : ''}${pssText(p)} from ${p.where}`;
  const detail = [first, ...more].map(where).join('; ');
  return { text: `$(shield) ${pssText(first)}${more.length ? ` (+${more.length})` : ''}`, detail: `${detail} · ${files} · ${schema}${rendered}`, ...(first.uri ? { open: { uri: first.uri } } : {}) };
}

export class LanguageStatus implements vscode.Disposable {
  private readonly item = vscode.languages.createLanguageStatusItem(LANGUAGE_STATUS_ID, { language: 'yaml' });
  private readonly disposables: vscode.Disposable[] = [this.item];
  private timer: NodeJS.Timeout | undefined;
  private uri: string | undefined;
  private seq = 0;

  constructor(
    private readonly client: () => LanguageClient | undefined,
    ready: Promise<void>,
  ) {
    this.item.name = 'Kubernetes Guardrails';
    this.item.text = '$(shield) Guardrails';
    this.item.detail = 'starting…';
    this.item.busy = true;
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
    this.item.busy = false;
    // file names and namespace names come from the workspace: no icon or link syntax from them
    this.item.text = d.text.replace(/^(\$\(shield\) )(.*)$/, (_m, icon: string, rest: string) => icon + inert(rest, { max: 80 }));
    this.item.detail = inert(d.detail, { max: 400 });
    this.item.severity = vscode.LanguageStatusSeverity.Information;
    this.item.command = d.open
      ? { title: 'Open source', command: 'vscode.open', arguments: [vscode.Uri.parse(d.open.uri)], tooltip: 'Open where the Pod Security level comes from' }
      : { title: 'Settings', command: 'workbench.action.openSettings', arguments: ['k8sGuardrails.pss'], tooltip: 'Pod Security Standards settings' };
  }

  snapshot(): LanguageStatusSnapshot {
    return { uri: this.uri, text: this.item.text, detail: this.item.detail, command: this.item.command?.command };
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
