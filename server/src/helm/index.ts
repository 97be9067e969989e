/**
 * Helm charts analysed as rendered: find the charts of a set of files, work
 * out their releases (the configuration's `helm.releases`, else one release
 * per chart: its own values, release name = chart name, namespace
 * `default`), render each with `helm template`, and attach the renders to a
 * workspace so that `analyze()` sees rendered objects and maps findings back
 * to the template or values line. Shared by the CLI and the language server.
 */
import * as path from 'node:path';
import type { HelmRelease as ConfigRelease } from '../engine';
import { attachRendered } from '../engine';
import type { WorkspaceIndex } from '../engine';
import { Chart, chartOfFile, readChart, topChart } from './chart';
import { HelmMapHost, HelmRelease, HelmRenderedSet } from './map';
import { helmArgs, HelmRenderOptions, HelmRenderResult, renderRelease } from './render';
import { InputHasher, RenderCache, renderKey } from '../render/cache';

export { chartOfFile, chartOfTemplate, chartTemplateReason, readChart, topChart, Chart } from './chart';
export { HelmRenderedSet, HELM_RENDERED_SCHEME, HelmMapHost, HelmRelease } from './map';
export { renderRelease, HelmRenderOptions, DEFAULT_HELM_TIMEOUT_MS } from './render';

export interface HelmLayout {
  /** Application charts to render (top-level charts only), by folder. */
  charts: Chart[];
  /** Every file of the given ones that belongs to a chart (rendered through it, or a library chart's). */
  used: Set<string>;
  /** Library charts given on their own (they render nothing by themselves). */
  libraries: Chart[];
  releases: HelmRelease[];
  /** Releases of the configuration whose `chart` is no chart folder (no Chart.yaml). */
  missing: ConfigRelease[];
}

/**
 * The charts among `files` (absolute paths) and their releases. `config` gives the releases listed in
 * `.k8s-guardrails.yaml` (paths relative to `configDir`).
 */
export function discoverCharts(files: string[], config?: { dir: string; file: string; releases: ConfigRelease[] }): HelmLayout {
  const charts = new Map<string, Chart>();
  const libraries = new Map<string, Chart>();
  const used = new Set<string>();
  for (const f of files) {
    const c = chartOfFile(f);
    if (!c) continue;
    used.add(f);
    const top = topChart(c);
    if (top.type === 'library') libraries.set(top.dir, top);
    else charts.set(top.dir, top);
  }
  const releases: HelmRelease[] = [];
  const missing: ConfigRelease[] = [];
  const listed = new Set<string>();
  for (const r of config?.releases ?? []) {
    const dir = path.resolve(config!.dir, r.chart);
    if (!readChart(dir)) {
      missing.push(r);
      continue;
    }
    if (!charts.has(dir)) continue; // not among the scanned files
    listed.add(dir);
    releases.push({
      chart: dir,
      name: r.name,
      namespace: r.namespace ?? 'default',
      values: r.values.map((v) => path.resolve(config!.dir, v)),
      set: r.set,
      config: { file: config!.file, index: r.index },
    });
  }
  for (const c of [...charts.values()].sort((a, b) => (a.dir < b.dir ? -1 : 1)))
    if (!listed.has(c.dir)) releases.push({ chart: c.dir, name: c.name.toLowerCase().replace(/[^a-z0-9-]/g, '-'), namespace: 'default', values: [], set: {} });
  return { charts: [...charts.values()], used, libraries: [...libraries.values()], releases, missing };
}

export interface HelmRenders {
  results: Map<HelmRelease, HelmRenderResult>;
  unavailable?: string;
  cancelled: boolean;
}

/**
 * Render every release, at most `concurrency` at a time; stops at the first "not installed".
 * With a cache, a release whose chart folder (templates, values, subcharts), values files, arguments
 * and helm binary are unchanged is not rendered again.
 */
export async function renderReleases(releases: HelmRelease[], opts: HelmRenderOptions & { concurrency?: number; cache?: RenderCache } = {}): Promise<HelmRenders> {
  const out: HelmRenders = { results: new Map(), cancelled: false };
  const queue = [...releases];
  const hasher = new InputHasher();
  const display = opts.display ?? ((p: string) => p);
  const keyOf = (r: HelmRelease) => (opts.cache ? renderKey('helm', opts.command || 'helm', [...helmArgs(r), display(r.chart)], [r.chart, ...r.values], hasher) : undefined);
  const worker = async () => {
    for (let r = queue.shift(); r; r = queue.shift()) {
      if (out.unavailable || out.cancelled) return;
      const key = keyOf(r);
      const hit = key ? opts.cache!.get(key) : undefined;
      if (hit) {
        out.results.set(r, hit.ok ? { ok: true, text: hit.text, ms: 0, cached: true } : { ok: false, message: hit.text, ms: 0, reported: true, cached: true });
        continue;
      }
      const res = await renderRelease(r, opts);
      if (!res.ok && res.unavailable) out.unavailable = res.message;
      else if (!res.ok && res.cancelled) out.cancelled = true;
      else out.results.set(r, res);
      if (key && res.ok) opts.cache!.set(key, { ok: true, text: res.text });
      else if (key && !res.ok && res.reported) opts.cache!.set(key, { ok: false, text: res.message });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));
  return out;
}

export interface HelmReport {
  release: HelmRelease;
  ms: number;
  objects?: number;
  error?: string;
}

/**
 * Put renders into `ws` in one synchronous step: the previous renders' files removed, the new ones
 * added, the workspace's Helm sources replaced. A release that fails to render is a `helm-render-failed` finding.
 */
export function applyHelmRenders(ws: WorkspaceIndex, releases: HelmRelease[], host: HelmMapHost, renders: HelmRenders, previous?: HelmRenderedSet): { set: HelmRenderedSet; reports: HelmReport[] } {
  const set = new HelmRenderedSet(host);
  const reports: HelmReport[] = [];
  for (const uri of previous?.uris() ?? []) ws.delete(uri);
  if (!renders.unavailable)
    for (const r of releases) {
      const res = renders.results.get(r);
      if (!res) continue;
      if (res.ok) reports.push({ release: r, ms: res.ms, objects: set.add(ws, r, res.text) });
      else {
        set.fail(r, `release ${r.name}: ${res.message}`);
        reports.push({ release: r, ms: res.ms, error: res.message });
      }
    }
  attachRendered(ws, 'helm', renders.unavailable ? undefined : set);
  return { set, reports };
}
