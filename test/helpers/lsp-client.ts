/** A minimal LSP client over stdio for protocol tests: spawns the real server bundle. */
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { CodeAction, Diagnostic, PublishDiagnosticsParams, Range } from 'vscode-languageserver-protocol';

export const REPO = path.join(__dirname, '../../..');
export const SERVER = path.join(REPO, 'server/out/main.js');

export class LspClient {
  private proc: ChildProcess;
  readonly conn: MessageConnection;
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  /** Every publishDiagnostics received, in order. */
  readonly published: PublishDiagnosticsParams[] = [];
  private waiters: (() => void)[] = [];
  private versions = new Map<string, number>();
  stderr = '';
  settings: unknown = {};
  /** `client/registerCapability` registrations received from the server. */
  readonly registrations: { id: string; method: string; registerOptions?: unknown }[] = [];

  /** `command`: run this executable (e.g. an installed `k8s-guardrails`) with `args` instead of the built server bundle. */
  constructor(args: string[] = ['lsp', '--stdio'], command?: { file: string; cwd?: string }) {
    this.proc = command
      ? spawn(command.file, args, { cwd: command.cwd, stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(process.execPath, [SERVER, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d) => (this.stderr += d));
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p);
      this.published.push(p);
      for (const w of this.waiters.splice(0)) w();
    });
    this.conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => this.settings));
    this.conn.onRequest('client/registerCapability', (p: { registrations: { id: string; method: string; registerOptions?: unknown }[] }) => {
      this.registrations.push(...p.registrations);
      for (const w of this.waiters.splice(0)) w();
      return null;
    });
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.onNotification('window/logMessage', () => undefined);
    this.conn.listen();
  }

  /** `capabilities`: client capabilities added to the defaults (e.g. `{ window: { workDoneProgress: true } }`). */
  async initialize(rootUri: string | null = null, settings: unknown = {}, capabilities: Record<string, unknown> = {}): Promise<any> {
    this.settings = settings;
    const result = await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: rootUri ? [{ uri: rootUri, name: 'ws' }] : null,
      capabilities: { ...capabilities, workspace: { configuration: true, ...((capabilities.workspace as object) ?? {}) }, textDocument: { publishDiagnostics: { relatedInformation: true } } },
      initializationOptions: { settings },
    });
    await this.conn.sendNotification('initialized', {});
    return result;
  }

  open(uri: string, text: string, languageId = 'yaml'): void {
    this.versions.set(uri, 1);
    void this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  /** A full-text didChange. */
  change(uri: string, text: string): void {
    this.didChange(uri, { text });
  }

  /** An incremental didChange, as editors send one (the server declares TextDocumentSyncKind.Incremental): `text` replaces `range`. */
  changeRange(uri: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }, text: string): void {
    this.didChange(uri, { range, text });
  }

  private didChange(uri: string, change: { text: string; range?: unknown }): void {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    this.diagnostics.delete(uri);
    void this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
  }

  /** Wait until the latest diagnostics for `uri` satisfy `ok` (default: any published). */
  async waitForDiagnostics(uri: string, ok: (d: Diagnostic[]) => boolean = () => true, timeoutMs = 10000): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const p = this.diagnostics.get(uri);
      if (p && ok(p.diagnostics)) return p.diagnostics;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for diagnostics of ${uri}; last: ${JSON.stringify(p?.diagnostics)}\nserver stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Wait until the server has registered `method` (e.g. `workspace/didChangeWatchedFiles`). */
  async waitForRegistration(method: string, timeoutMs = 10000): Promise<{ id: string; method: string; registerOptions?: unknown }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.registrations.find((x) => x.method === method);
      if (r) return r;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for the registration of ${method}; got: ${JSON.stringify(this.registrations)}\nserver stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  codeActions(uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    return this.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics, only } });
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.conn.sendRequest(method, params);
  }

  /** The server's process id. */
  get pid(): number | undefined {
    return this.proc.pid;
  }

  async close(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.conn.sendNotification('exit');
    } catch {
      /* already gone */
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.proc.kill('SIGKILL');
        resolve();
      }, 2000);
      this.proc.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
    this.conn.dispose();
  }
}
