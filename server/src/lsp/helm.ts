/**
 * Helm in the language server: the charts of the workspace are rendered
 * with the user's `helm template` (on start, on save, on changes on disk;
 * debounced, cancelled by a newer save, time-bounded, with progress) and
 * analysed as rendered. A chart's files (Chart.yaml, values, templates,
 * subcharts) are held back from the plain analysis — their diagnostics are
 * the rendered findings mapped back onto them. A hover on a template line
 * shows what it rendered.
 *
 * Runs only when allowed: a trusted workspace (the VS Code client says so),
 * `k8sGuardrails.helm.enabled` and the config file's `helm.enabled` not
 * false, and helm can run. Otherwise the chart's templates stay in the plain
 * analysis, where each is a `not-analysed` error.
 */
import { MemoryRenderCache } from '../render/cache';
import * as fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkspaceIndex } from '../engine';
import type { HelmRelease as ConfigRelease } from '../engine';
import { attachRendered } from '../engine';
import { applyHelmRenders, chartOfFile, discoverCharts, HELM_RENDERED_SCHEME, HelmRenderedSet, renderReleases } from '../helm';
import { RENDERED_SCHEME as KUSTOMIZE_RENDERED_SCHEME } from '../kustomize';

export interface HelmOptions {
  enabled: boolean;
  command?: string;
  timeoutMs: number;
  /** `helm.releases` of `.k8s-guardrails.yaml`, with its folder and file. */
  config?: { dir: string; file: string; releases: ConfigRelease[] };
}

export interface HelmHost {
  index: WorkspaceIndex;
  options(): HelmOptions;
  log(message: string): void;
  /** Shown once per server: helm cannot run at all. */
  warn(message: string): void;
  /** Files whose findings may have changed (held back, released, or rendered into). */
  changed(uris: string[]): void;
  /** Progress in the editor while rendering; returns its end. */
  progress(title: string): Promise<() => void>;
  /** Index a released file again (the plain analysis: a template becomes `not-analysed`). */
  setText(uri: string, text: string): void;
}

const DEBOUNCE_MS = 400;

export class HelmSupport {
  private used = new Set<string>();
  private readonly held = new Map<string, string>();
  private set: HelmRenderedSet | undefined;
  private abort: AbortController | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Finished renders by their inputs: saving a file that changes no render's input renders nothing again. */
  private readonly renders = new MemoryRenderCache();
  private warned = false;
  /** helm cannot run: charts are left to the plain analysis until the settings change. */
  private unavailable = false;
  /** Resolves when the current refresh is done. */
  idle: Promise<void> = Promise.resolve();

  constructor(private readonly host: HelmHost) {}

  hold(uri: string, text: string): boolean {
    if (!this.used.has(uri)) return false;
    this.held.set(uri, text);
    return true;
  }

  isHeld(uri: string): boolean {
    return this.used.has(uri);
  }

  forget(uri: string): void {
    this.held.delete(uri);
  }

  heldUris(): string[] {
    return [...this.used];
  }

  renderedUris(): string[] {
    return this.set?.uris() ?? [];
  }

  /** Does a change to this file call for a new render? (Any file of a chart, `.tpl` helpers included.) */
  concerns(uri: string): boolean {
    if (this.used.has(uri)) return true;
    if (!uri.startsWith('file:')) return false;
    try {
      return chartOfFile(fileURLToPath(uri)) !== undefined;
    } catch {
      return false;
    }
  }

  /** Settings changed: try helm again. */
  reset(): void {
    this.unavailable = false;
    this.warned = false;
  }

  trigger(): void {
    if (this.timer) clearTimeout(this.timer);
    this.abort?.abort(); // a newer save cancels the render under way
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.idle = this.refresh();
    }, DEBOUNCE_MS);
  }

  /** What a template line rendered (hover): one entry per release that rendered it. */
  hover(uri: string, line: number): string | undefined {
    if (!this.set || !this.used.has(uri)) return undefined;
    let abs: string;
    try {
      abs = fileURLToPath(uri);
    } catch {
      return undefined;
    }
    const hits = this.set.renderedAt(abs, line);
    if (!hits.length) return undefined;
    const seen = new Set<string>();
    const parts: string[] = [];
    for (const h of hits) {
      const text = typeof h.value === 'object' ? JSON.stringify(h.value, null, 1) : String(h.value);
      const key = `${h.release}\0${text}`;
      if (seen.has(key) || parts.length >= 5) continue;
      seen.add(key);
      parts.push(`release \`${h.release}\`:\n\n\`\`\`yaml\n${text.length > 2000 ? text.slice(0, 2000) + '…' : text}\n\`\`\``);
    }
    return `**Rendered by helm template**\n\n${parts.join('\n\n')}`;
  }

  /** Find the charts and hold back their files (synchronous, no rendering). Returns false when rendering is off. */
  prepare(): ReturnType<typeof discoverCharts> | undefined {
    const opts = this.host.options();
    if (!opts.enabled || this.unavailable) {
      this.release();
      return undefined;
    }
    const files: string[] = [];
    for (const uri of [...this.filesOf(this.host.index), ...this.held.keys()]) {
      if (!uri.startsWith('file:')) continue;
      try {
        files.push(fileURLToPath(uri));
      } catch {
        /* not a path */
      }
    }
    const layout = discoverCharts(files, opts.config);
    const changed = this.moveFiles(new Set([...layout.used].map((f) => pathToFileURL(f).href)));
    if (changed.length) this.host.changed(changed);
    return layout;
  }

  async refresh(): Promise<void> {
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    const opts = this.host.options();
    const layout = this.prepare();
    if (!layout) return;
    if (!layout.releases.length) {
      if (this.set) this.apply(layout.releases, { results: new Map(), cancelled: false });
      return;
    }
    const t0 = Date.now();
    const done = await this.host.progress(`Rendering ${layout.releases.length} Helm release${layout.releases.length === 1 ? '' : 's'}`);
    let renders: Awaited<ReturnType<typeof renderReleases>>;
    try {
      renders = await renderReleases(layout.releases, { command: opts.command, timeoutMs: opts.timeoutMs, signal: abort.signal, display: (p) => p, cache: this.renders });
    } finally {
      done();
    }
    if (abort.signal.aborted || renders.cancelled) return;
    if (renders.unavailable) {
      this.host.log(`helm: ${renders.unavailable}`);
      this.unavailable = true;
      if (!this.warned) {
        this.warned = true;
        this.host.warn(
          `Kubernetes Guardrails cannot render ${layout.charts.length} Helm chart${layout.charts.length === 1 ? '' : 's'}: ${renders.unavailable}. Install helm 3 or 4 (https://helm.sh/docs/intro/install/) or set k8sGuardrails.helm.command; their templates are not analysed until then.`,
        );
      }
      this.release();
      return;
    }
    this.apply(layout.releases, renders);
    this.host.log(`helm: rendered ${layout.releases.length} release${layout.releases.length === 1 ? '' : 's'} in ${Date.now() - t0} ms`);
  }

  private apply(releases: Parameters<typeof applyHelmRenders>[1], renders: Parameters<typeof applyHelmRenders>[3]): void {
    const prev = this.renderedUris();
    const run = applyHelmRenders(this.host.index, releases, { uriOf: (abs) => pathToFileURL(abs).href, read: (abs) => this.textOf(abs) }, renders, this.set);
    this.set = run.set;
    for (const r of run.reports) if (r.error) this.host.log(`helm: ${r.release.chart} (release ${r.release.name}): ${r.error}`);
    this.host.changed([...new Set([...prev, ...this.renderedUris(), ...this.used])]);
  }

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

  private release(): void {
    const changed = this.moveFiles(new Set());
    if (this.set) {
      for (const uri of this.set.uris()) this.host.index.delete(uri);
      changed.push(...this.set.uris());
      this.set = undefined;
      attachRendered(this.host.index, 'helm', undefined);
    }
    if (changed.length) this.host.changed(changed);
  }

  private moveFiles(used: Set<string>): string[] {
    const moved: string[] = [];
    for (const uri of this.used)
      if (!used.has(uri)) {
        const text = this.held.get(uri);
        this.held.delete(uri);
        if (text !== undefined) this.host.setText(uri, text);
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
    for (const f of index.allFiles()) if (!f.uri.startsWith(HELM_RENDERED_SCHEME) && !f.uri.startsWith(KUSTOMIZE_RENDERED_SCHEME)) yield f.uri;
  }

  dispose(): void {
    this.abort?.abort();
    if (this.timer) clearTimeout(this.timer);
  }
}

