/**
 * Live cluster objects as read-only virtual documents
 * (`k8s-guardrails-live:/<context>/<namespace>/<kind>/<name>.yaml`) with the
 * scan's findings in a DiagnosticCollection, so they show in the Problems view
 * and open at the right line. The language client does not see this scheme
 * (its selector is file/untitled): the editor's own analysis never runs on them.
 */
import * as vscode from 'vscode';
import { LIVE_SCHEME } from '../../../shared/protocol';

export class LiveDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  readonly diagnostics = vscode.languages.createDiagnosticCollection('k8s-guardrails-live');
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(LIVE_SCHEME, this);

  static uri(path: string): vscode.Uri {
    return vscode.Uri.from({ scheme: LIVE_SCHEME, path });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? `# ${uri.path}\n# This live object is no longer available: run "Kubernetes Guardrails: Scan Cluster" again.\n`;
  }

  /** Replaces everything of a previous scan. */
  replace(docs: { uri: vscode.Uri; text: string; diagnostics: vscode.Diagnostic[] }[]): void {
    const before = new Set(this.texts.keys());
    this.texts.clear();
    this.diagnostics.clear();
    for (const d of docs) {
      this.texts.set(d.uri.toString(), d.text);
      if (d.diagnostics.length) this.diagnostics.set(d.uri, d.diagnostics);
    }
    for (const u of new Set([...before, ...this.texts.keys()])) this.emitter.fire(vscode.Uri.parse(u));
  }

  has(uri: vscode.Uri): boolean {
    return this.texts.has(uri.toString());
  }

  clear(): void {
    this.replace([]);
  }

  dispose(): void {
    this.registration.dispose();
    this.diagnostics.dispose();
    this.emitter.dispose();
  }
}
