import * as assert from 'assert';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'k8s-guardrails.k8s-guardrails';

export async function activate(): Promise<void> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  const api = (await ext.activate()) as { ready: Promise<void> };
  await api.ready;
}

export function workspaceFile(rel: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, rel);
}

export async function writeFile(rel: string, text: string): Promise<vscode.Uri> {
  const uri = workspaceFile(rel);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  return uri;
}

export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'k8s-guardrails');
}

/** Wait until our diagnostics for `uri` satisfy `ok`. */
export async function waitForDiagnostics(uri: vscode.Uri, ok: (d: vscode.Diagnostic[]) => boolean, timeoutMs = 30_000): Promise<vscode.Diagnostic[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = ours(uri);
    if (ok(d)) return d;
    if (Date.now() > deadline) assert.fail(`timed out waiting for diagnostics on ${uri.path}; have: ${d.map((x) => `${x.code && typeof x.code === 'object' ? x.code.value : x.code}@${x.range.start.line}`).join(', ')}`);
    await new Promise<void>((resolve) => {
      const sub = vscode.languages.onDidChangeDiagnostics(() => {
        sub.dispose();
        resolve();
      });
      setTimeout(() => {
        sub.dispose();
        resolve();
      }, 250);
    });
  }
}

export function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

export async function codeActions(uri: vscode.Uri, range: vscode.Range, kind?: string): Promise<vscode.CodeAction[]> {
  return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, kind)) ?? [];
}

/** Polls `fn` until it returns something other than undefined or false (every 200 ms). */
export async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    last = v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what} (${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
