/**
 * Kustomize in the language server: kustomization roots of the workspace
 * are rendered (on start, on save, on changes on disk; debounced,
 * cancellable, time-bounded) and analysed as rendered. The files they use
 * are held back from the plain analysis — their diagnostics are the
 * rendered findings mapped back onto them.
 *
 * Runs only when allowed: a trusted workspace (the VS Code client says so),
 * `k8sGuardrails.kustomize.enabled` and the config file's
 * `kustomize.enabled` not false.
 */
import { MemoryRenderCache } from '../render/cache';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkspaceIndex } from '../engine';
import { applyRenders, discover, isKustomizationFile, Layout, RENDERED_SCHEME, RenderedSet, renderAll } from '../kustomize';
import { attachRendered } from '../engine';

export interface KustomizeOptions {
  enabled: boolean;
  command?: string;
  timeoutMs: number;
}

export interface KustomizeHost {
  index: WorkspaceIndex;
  options(): KustomizeOptions;
  log(message: string): void;
  /** Shown once per server: kustomize cannot run at all. */
  warn(message: string): void;
  /** Files whose findings may have changed (held back, released, or rendered into). */
  changed(uris: string[]): void;
  /** Shows work-done progress while rendering; returns its end. */
  progress?(title: string): Promise<() => void>;
}

const DEBOUNCE_MS = 400;

export class KustomizeSupport {
  /** Files some kustomization uses (URIs): not analysed on their own. */
  private used = new Set<string>();
  /** Their current text (kept so they can be released back into the index). */
  private readonly held = new Map<string, string>();
  private patches = new Set<string>();
  private set: RenderedSet | undefined;
  private abort: AbortController | undefined;
  private timer: NodeJS.Timeout | undefined;
  private warned = false;
  /** Finished renders by their inputs: saving a file that changes no render's input renders nothing again. */
  private readonly renders = new MemoryRenderCache();
  /** Resolves when the current refresh is done (tests, and requests that want fresh renders). */
  idle: Promise<void> = Promise.resolve();

  constructor(private readonly host: KustomizeHost) {}

  /** True (and the text is kept) when `uri` is a kustomization's input. */
  hold(uri: string, text: string): boolean {
    if (!this.used.has(uri)) return false;
    this.held.set(uri, text);
    return true;
  }

  /** A patch file of some kustomization: a partial object (no schema validation, no analysis of its own). */
  isPatch(uri: string): boolean {
    return this.patches.has(uri);
  }

  isHeld(uri: string): boolean {
    return this.used.has(uri);
  }

  forget(uri: string): void {
    this.held.delete(uri);
  }

  /** Files to analyse together with the renders: every held file (their findings come only from renders). */
  heldUris(): string[] {
    return [...this.used];
  }

  renderedUris(): string[] {
    return this.set?.uris() ?? [];
  }

  /** Does a change to this file call for a new render? */
  concerns(uri: string): boolean {
    if (this.used.has(uri)) return true;
    if (!uri.startsWith('file:')) return false;
    try {
      return isKustomizationFile(fileURLToPath(uri));
    } catch {
      return false;
    }
  }

  trigger(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.idle = this.refresh();
    }, DEBOUNCE_MS);
  }

  /**
   * Find the kustomizations and hold back the files they use (synchronous, no rendering): done before the
   * first analysis so that a patch never flashes findings of its own. Returns the layout, or undefined when
   * rendering is off.
   */
  prepare(): Layout | undefined {
    const opts = this.host.options();
    if (!opts.enabled) {
      this.release();
      return undefined;
    }
    const dirs = new Set<string>();
    for (const uri of [...this.filesOf(this.host.index), ...this.held.keys()]) {
      if (!uri.startsWith('file:')) continue;
      try {
        dirs.add(path.dirname(fileURLToPath(uri)));
      } catch {
        /* not a path */
      }
    }
    const layout = discover(dirs);
    const used = new Set([...layout.used].map((f) => pathToFileURL(f).href));
    this.patches = new Set(layout.used.size ? [...layout.byDir.values()].flatMap((k) => k.patches.filter((p) => !p.inline).map((p) => pathToFileURL(p.file).href)) : []);
    const changed = this.moveFiles(used);
    if (changed.length) this.host.changed(changed);
    return layout;
  }

  /** Re-discover the kustomizations, hold back their files, render the roots and apply the renders. */
  async refresh(): Promise<void> {
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    const opts = this.host.options();
    const layout = this.prepare();
    if (!layout) return;
    if (!layout.roots.length) {
      if (this.set) this.apply(layout, { results: new Map(), cancelled: false });
      return;
    }
    const t0 = Date.now();
    const done = (await this.host.progress?.(`Rendering ${layout.roots.length} kustomization${layout.roots.length === 1 ? '' : 's'}`)) ?? (() => undefined);
    let renders: Awaited<ReturnType<typeof renderAll>>;
    try {
      renders = await renderAll(layout, { command: opts.command, timeoutMs: opts.timeoutMs, signal: abort.signal, display: (p) => p, cache: this.renders });
    } finally {
      done();
    }
    if (abort.signal.aborted || renders.cancelled) return;
    if (renders.unavailable) {
      this.host.log(`kustomize: ${renders.unavailable}`);
      if (!this.warned) {
        this.warned = true;
        this.host.warn(
          `Kubernetes Guardrails cannot render ${layout.roots.length} kustomization${layout.roots.length === 1 ? '' : 's'}: ${renders.unavailable}. Install kubectl, or set k8sGuardrails.kustomize.command; their files are not analysed until then (plain files are).`,
        );
      }
    }
    this.apply(layout, renders);
    this.host.log(`kustomize: rendered ${layout.roots.length} kustomization${layout.roots.length === 1 ? '' : 's'} in ${Date.now() - t0} ms`);
  }

  private apply(layout: Layout, renders: Parameters<typeof applyRenders>[3]): void {
    const prevRendered = this.renderedUris();
    const run = applyRenders(this.host.index, layout, { uriOf: (abs) => pathToFileURL(abs).href, read: (abs) => this.textOf(abs) }, renders, this.set);
    this.set = run.set;
    for (const r of run.reports) if (r.error) this.host.log(`kustomize: ${r.root.file}: ${r.error}`);
    this.host.changed([...new Set([...prevRendered, ...this.renderedUris(), ...this.used])]);
  }

  /** The editor's text of a source file when held, else the disk's (what kustomize rendered from). */
  private textOf(abs: string): string | undefined {
    const uri = pathToFileURL(abs).href;
    const held = this.held.get(uri);
    if (held !== undefined) return held;
    const file = this.host.index.get(uri);
    if (file) return file.text;
    try {
      return fs.readFileSync(abs, 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Turn rendering off: release every held file back into the plain analysis. */
  private release(): void {
    this.patches.clear();
    const changed = this.moveFiles(new Set());
    if (this.set) {
      for (const uri of this.set.uris()) this.host.index.delete(uri);
      changed.push(...this.set.uris());
      this.set = undefined;
      attachRendered(this.host.index, 'kustomize', undefined);
    }
    if (changed.length) this.host.changed(changed);
  }

  /** Hold back newly used files, release the ones no longer used; returns the URIs that moved. */
  private moveFiles(used: Set<string>): string[] {
    const moved: string[] = [];
    for (const uri of this.used)
      if (!used.has(uri)) {
        const text = this.held.get(uri);
        this.held.delete(uri);
        if (text !== undefined) this.host.index.set(uri, text);
        moved.push(uri);
      }
    for (const uri of used)
      if (!this.used.has(uri)) {
        const file = this.host.index.get(uri);
        if (file) {
          this.held.set(uri, file.text);
          this.host.index.delete(uri);
        }
        moved.push(uri);
      }
    this.used = used;
    return moved;
  }

  private *filesOf(index: WorkspaceIndex): Generator<string> {
    for (const f of index.allFiles()) if (!f.uri.startsWith(RENDERED_SCHEME)) yield f.uri;
  }

  dispose(): void {
    this.abort?.abort();
    if (this.timer) clearTimeout(this.timer);
  }
}
