/**
 * The files of the workspace folders: scanned at start (and when a folder is
 * added), kept current by file-watcher events (registered by the server when
 * the client lets it), plus the folder of each opened file for what a
 * watcher missed. The configuration file is read here too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DidChangeWatchedFilesNotification, FileChangeType, WorkspaceFoldersChangeEvent } from 'vscode-languageserver/node';
import { isConfigFile, pathGlob, readConfigFile, SourceFile } from '../../engine';
import { chartOfTemplate, chartTemplateReason } from '../../helm/chart';
import type { GuardrailsServer } from '../server';

/** What the server watches when it registers its own watchers: YAML, Kustomization files, Helm template helpers. */
export const WATCHED_GLOBS = ['**/*.{yaml,yml}', '**/.k8s-guardrails.{yaml,yml}', '**/Kustomization', '**/*.tpl'];

export class WorkspaceFiles {
  /** Absolute paths of the workspace folders. */
  folders: string[] = [];
  private excludes?: { globs: string[]; matchers: ((rel: string) => boolean)[] } | undefined;

  constructor(private readonly server: GuardrailsServer) {
    server.connection.onDidChangeWatchedFiles((p) => {
      for (const change of p.changes) this.onWatched(change.uri, change.type);
    });
  }

  /** Register file watchers (when the client supports dynamic registration; not awaited) and folder-change events. */
  registerWatchers(): void {
    const { server } = this;
    if (server.capabilities.watchedFilesRegistration)
      void server.connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED_GLOBS.map((globPattern) => ({ globPattern })) })
        .catch((e) => server.connection.console.error(`k8s-guardrails: could not register file watchers: ${(e as Error)?.message ?? e}`));
    if (server.capabilities.workspaceFolders) server.connection.workspace.onDidChangeWorkspaceFolders((e) => void this.foldersChanged(e));
  }

  private onWatched(uri: string, type: FileChangeType): void {
    const { server } = this;
    if (server.documents.get(uri)) return; // the editor's copy wins
    if (server.kustomize.concerns(uri)) server.kustomize.trigger();
    if (server.helm.concerns(uri)) server.helm.trigger();
    if (type === FileChangeType.Deleted && isConfigFile(uri)) this.loadConfig(uri, undefined);
    else if (type === FileChangeType.Deleted) {
      this.remove(uri);
      server.diagnostics.scheduleAll();
    } else {
      const before = server.host.file(uri);
      void this.loadFromDisk(uri).then(() => this.scheduleAfterChange(uri, before, server.host.file(uri)));
    }
  }

  /** Drop a file from the workspace and clear its diagnostics. */
  private remove(uri: string): void {
    const { server } = this;
    server.kustomize.forget(uri);
    server.helm.forget(uri);
    server.host.removeFile(uri);
    server.diagnostics.forget(uri);
  }

  /** `workspace/didChangeWorkspaceFolders`: index added folders, forget the files of removed ones (open documents stay). */
  async foldersChanged(e: WorkspaceFoldersChangeEvent): Promise<void> {
    const { server } = this;
    const removed = e.removed.filter((f) => f.uri.startsWith('file:')).map((f) => fileURLToPath(f.uri));
    const added = e.added.filter((f) => f.uri.startsWith('file:')).map((f) => fileURLToPath(f.uri));
    this.folders = this.folders.filter((f) => !removed.includes(f));
    const inside = (file: string, dir: string) => file === dir || file.startsWith(dir + path.sep);
    for (const file of [...server.host.workspace.allFiles()]) {
      if (!file.uri.startsWith('file:') || server.documents.get(file.uri)) continue;
      const p = fileURLToPath(file.uri);
      if (removed.some((d) => inside(p, d)) && !this.folders.some((d) => inside(p, d))) this.remove(file.uri);
    }
    const cfg = server.host.config;
    if (cfg?.uri.startsWith('file:') && removed.some((d) => inside(fileURLToPath(cfg.uri), d))) this.loadConfig(cfg.uri, undefined);
    for (const f of added) if (!this.folders.includes(f)) this.folders.push(f);
    await this.scanFolders(added);
    server.guard('kustomize', () => server.kustomize.prepare(), undefined);
    server.guard('helm', () => server.helm.prepare(), undefined);
    server.diagnostics.scheduleAll();
    server.kustomize.trigger();
    server.helm.trigger();
  }

  /** True when `rel` (relative to its workspace folder) matches `k8sGuardrails.workspace.exclude`. */
  private excluded(rel: string): boolean {
    const globs = this.server.client.workspace?.exclude ?? [];
    if (this.excludes?.globs !== globs) this.excludes = { globs, matchers: globs.map((g) => pathGlob(g, { orBelow: true })) };
    return this.excludes.matchers.some((m) => m(rel));
  }

  /**
   * Index the YAML files next to an opened file that the server has not seen. A file watcher can miss
   * files created together with their folder (a checkout, a generator), and a Namespace or a
   * NetworkPolicy there decides findings in the opened file. Only that folder, once per open.
   */
  async indexSiblings(uri: string): Promise<void> {
    const { server } = this;
    if (!uri.startsWith('file:')) return;
    const dir = path.dirname(fileURLToPath(uri));
    const root = this.folders.find((f) => dir === f || dir.startsWith(f + path.sep));
    if (!root) return;
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const maxFiles = server.client.workspace?.maxFiles ?? 5000;
    for (const e of entries) {
      if (!e.isFile() || !/\.ya?ml$/i.test(e.name) || server.host.workspace.size >= maxFiles) continue;
      const p = path.join(dir, e.name);
      const sibling = pathToFileURL(p).href;
      if (server.host.workspace.has(sibling) || server.documents.get(sibling) || server.isHeld(sibling)) continue;
      if (this.excluded(path.relative(root, p).split(path.sep).join('/'))) continue;
      if (await this.loadFromDisk(sibling)) this.scheduleAfterChange(sibling, undefined, server.host.file(sibling));
    }
  }

  /** Index the YAML files of the workspace folders (bounded, yielding between files); `onCount` hears the count now and then. */
  async scanFolders(folders = this.folders, onCount?: (files: number) => void): Promise<void> {
    const { server } = this;
    const maxFiles = server.client.workspace?.maxFiles ?? 5000;
    let count = 0;
    let reported = Date.now();
    const walk = async (dir: string, root: string): Promise<void> => {
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (count >= maxFiles) return;
        const p = path.join(dir, e.name);
        const rel = path.relative(root, p).split(path.sep).join('/');
        if (this.excluded(rel)) continue;
        if (e.isDirectory()) {
          if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
          await walk(p, root);
        } else if (e.isFile() && /\.ya?ml$/i.test(e.name)) {
          const uri = pathToFileURL(p).href;
          if (server.documents.get(uri)) continue;
          if (await this.loadFromDisk(uri)) count++;
          if (onCount && Date.now() - reported > 200) {
            reported = Date.now();
            onCount(count);
          }
        }
      }
    };
    for (const folder of folders) await walk(folder, folder);
    onCount?.(count);
  }

  /** Read a `.k8s-guardrails.yaml`; its errors are diagnostics on it, and every file is re-analysed. */
  loadConfig(uri: string, text: string | undefined): void {
    const { server } = this;
    const current = server.host.config;
    if (text === undefined) {
      if (current?.uri === uri) server.host.setConfig(undefined);
      server.connection.sendDiagnostics({ uri, diagnostics: [] });
    } else {
      if (current && current.uri !== uri && this.folders.length > 1) return;
      server.host.setConfig(readConfigFile(uri, text));
      server.diagnostics.publishConfig(false); // unused entries once the re-analysis is done
    }
    server.diagnostics.scheduleAll();
  }

  async loadFromDisk(uri: string): Promise<boolean> {
    const { server } = this;
    if (!uri.startsWith('file:')) return false;
    if (isConfigFile(uri)) {
      const text = await fs.promises.readFile(fileURLToPath(uri), 'utf8').catch(() => undefined);
      this.loadConfig(uri, text);
      return false;
    }
    try {
      const file = fileURLToPath(uri);
      const stat = await fs.promises.stat(file);
      const max = server.client.maxFileSize ? server.client.maxFileSize : 4 * 1024 * 1024;
      if (!stat.isFile() || stat.size > max) return false;
      const text = await fs.promises.readFile(file, 'utf8');
      if (!server.hold(uri, text)) this.setText(uri, text);
      return true;
    } catch {
      return false;
    }
  }

  /** Index a file's text; a Helm chart template is indexed as not analysed (it is YAML only once rendered). */
  setText(uri: string, text: string): SourceFile {
    const chart = uri.startsWith('file:') ? chartOfTemplate(fileURLToPath(uri)) : undefined;
    return chart !== undefined ? this.server.host.setNotAnalysed(uri, chartTemplateReason(chart), text) : this.server.host.setFile(uri, text);
  }

  /** Re-analyse a changed file, and the other files its change can affect (edits and files changed on disk alike). */
  scheduleAfterChange(uri: string, before: SourceFile | undefined, after: SourceFile | undefined): void {
    const { host, diagnostics } = this.server;
    diagnostics.scheduleAffected(host.analysis().affectedBy(uri, before, after));
  }
}
