/**
 * Kustomize overlays analysed as rendered: discover the kustomizations of a
 * set of files, render the roots, and attach the renders to a workspace so
 * that `analyze()` sees rendered objects and maps findings back to the
 * patch or base file that wrote them. Shared by the CLI and the language
 * server.
 */
import type { WorkspaceIndex } from '../engine/workspace';
import { discover, Kustomization, Layout } from './layout';
import { MapHost, RenderedSet } from './map';
import { renderKustomization, RenderOptions } from './render';

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

/**
 * Render every root of `layout` (at most `concurrency` at a time) into `ws`
 * and set `ws.rendered`. A failing build becomes a `kustomize-build-failed`
 * finding; a missing command stops rendering and is reported once.
 */
export async function renderLayout(
  ws: WorkspaceIndex,
  layout: Layout,
  host: MapHost,
  opts: RenderOptions & { concurrency?: number } = {},
): Promise<KustomizeRun> {
  const set = new RenderedSet(layout, host);
  const run: KustomizeRun = { set, reports: [], cancelled: false };
  const queue = [...layout.roots];
  const results = new Map<Kustomization, RenderReport>();
  const worker = async () => {
    for (let root = queue.shift(); root; root = queue.shift()) {
      if (run.unavailable || run.cancelled) return;
      const r = await renderKustomization(root.dir, opts);
      if (r.ok) {
        const objects = set.add(ws, root, r.text, r.wrapperDir);
        results.set(root, { root, ms: r.ms, objects });
      } else if (r.unavailable) run.unavailable = r.message;
      else if (r.cancelled) run.cancelled = true;
      else {
        set.fail(root, r.message);
        results.set(root, { root, ms: r.ms, error: r.message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));
  // Keep the order of the roots, whatever order the renders finished in.
  for (const root of layout.roots) {
    const r = results.get(root);
    if (r) run.reports.push(r);
  }
  if (run.unavailable) for (const uri of set.uris()) ws.delete(uri);
  ws.rendered = run.unavailable ? undefined : set;
  return run;
}
