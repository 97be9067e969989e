/**
 * Kustomize overlays analysed as rendered: discover the kustomizations of a
 * set of files, render the roots, and attach the renders to a workspace so
 * that `analyze()` sees rendered objects and maps findings back to the
 * patch or base file that wrote them. Shared by the CLI and the language
 * server.
 */
import { attachRendered } from '../engine';
import type { WorkspaceIndex } from '../engine';
import { CachedRender, InputHasher, RenderCache, renderKey } from '../render/cache';
import { discover, Kustomization, kustomizationChain, Layout } from './layout';
import { MapHost, RenderedSet } from './map';
import { renderKustomization, RenderOptions, RenderResult } from './render';

export { discover, isKustomizationFile, KUSTOMIZATION_NAMES, kustomizationFile, Layout, Kustomization } from './layout';
export { RenderedSet, RENDERED_SCHEME, MapHost } from './map';
export { renderKustomization, RenderOptions, RenderResult, DEFAULT_KUSTOMIZE_TIMEOUT_MS } from './render';

export interface RenderReport {
  root: Kustomization;
  ms: number;
  /** Objects rendered, or undefined when the build failed. */
  objects?: number;
  error?: string;
}

export interface KustomizeRun {
  set: RenderedSet;
  reports: RenderReport[];
  /** Set when the kustomize command cannot run at all (not installed): nothing was rendered. */
  unavailable?: string;
  cancelled: boolean;
}

export interface Renders {
  results: Map<Kustomization, RenderResult>;
  unavailable?: string;
  cancelled: boolean;
}

export interface CacheOptions {
  /** Finished renders by their inputs (see render/cache.ts). */
  cache?: RenderCache;
}

/** A cached render as a result (`ms` 0: nothing ran). */
export function fromCache(c: CachedRender): RenderResult {
  return c.ok ? { ok: true, text: c.text, ms: 0, wrapperDir: c.wrapperDir ?? '', cached: true } : { ok: false, message: c.text, ms: 0, reported: true, cached: true };
}

/** Render every root of `layout`, at most `concurrency` at a time; stops at the first "not installed". */
export async function renderAll(layout: Layout, opts: RenderOptions & CacheOptions & { concurrency?: number } = {}): Promise<Renders> {
  const out: Renders = { results: new Map(), cancelled: false };
  const queue = [...layout.roots];
  const hasher = new InputHasher();
  const keyOf = (root: Kustomization): string | undefined => {
    if (!opts.cache) return undefined;
    const chain = kustomizationChain(layout, root);
    if (chain.some((k) => k.uncacheable)) return undefined;
    const display = opts.display ?? ((p: string) => p);
    return renderKey('kustomize', opts.command || 'kubectl', [root.dir, display(root.dir)], chain.flatMap((k) => k.inputs), hasher);
  };
  const worker = async () => {
    for (let root = queue.shift(); root; root = queue.shift()) {
      if (out.unavailable || out.cancelled) return;
      const key = keyOf(root);
      const hit = key ? opts.cache!.get(key) : undefined;
      if (hit) {
        out.results.set(root, fromCache(hit));
        continue;
      }
      const r = await renderKustomization(root.dir, opts);
      if (!r.ok && r.unavailable) out.unavailable = r.message;
      else if (!r.ok && r.cancelled) out.cancelled = true;
      else out.results.set(root, r);
      if (key && r.ok) opts.cache!.set(key, { ok: true, text: r.text, wrapperDir: r.wrapperDir });
      else if (key && !r.ok && r.reported) opts.cache!.set(key, { ok: false, text: r.message });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));
  return out;
}

/**
 * Put renders into `ws` in one synchronous step: the previous renders'
 * files (`previous`) are removed, the new ones added, `ws.rendered` set.
 * A failed build becomes a `kustomize-build-failed` finding.
 */
export function applyRenders(ws: WorkspaceIndex, layout: Layout, host: MapHost, renders: Renders, previous?: RenderedSet): KustomizeRun {
  const set = new RenderedSet(layout, host);
  const run: KustomizeRun = { set, reports: [], cancelled: renders.cancelled, unavailable: renders.unavailable };
  for (const uri of previous?.uris() ?? []) ws.delete(uri);
  if (!renders.unavailable)
    for (const root of layout.roots) {
      const r = renders.results.get(root);
      if (!r) continue;
      if (r.ok) run.reports.push({ root, ms: r.ms, objects: set.add(ws, root, r.text, r.wrapperDir) });
      else {
        set.fail(root, r.message);
        run.reports.push({ root, ms: r.ms, error: r.message });
      }
    }
  attachRendered(ws, 'kustomize', renders.unavailable ? undefined : set);
  return run;
}

/** Render the roots of `layout` and apply them to `ws` (the CLI's one-shot path). */
export async function renderLayout(
  ws: WorkspaceIndex,
  layout: Layout,
  host: MapHost,
  opts: RenderOptions & CacheOptions & { concurrency?: number } = {},
): Promise<KustomizeRun> {
  return applyRenders(ws, layout, host, await renderAll(layout, opts));
}
