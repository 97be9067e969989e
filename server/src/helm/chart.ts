/**
 * Helm charts on disk. A file under a chart's `templates/` folder is Go
 * template text: YAML only once `helm template` has rendered it, so it is
 * never analysed as written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The chart folder (holding `Chart.yaml`) whose `templates/` tree contains `file`, if any. */
export function chartOfTemplate(file: string, exists: (p: string) => boolean = cachedExists): string | undefined {
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    if (path.basename(dir) === 'templates' && exists(path.join(parent, 'Chart.yaml'))) return parent;
    dir = parent;
  }
}

/** The `not-analysed` reason for a chart template. */
export function chartTemplateReason(chartDir: string): string {
  return `it is a template of the Helm chart in ${chartDir} (templates/ is Go template text, YAML only once rendered); render the chart with "helm template" and scan the output`;
}

const existsCache = new Map<string, boolean>();
function cachedExists(p: string): boolean {
  let hit = existsCache.get(p);
  if (hit === undefined) existsCache.set(p, (hit = fs.existsSync(p)));
  return hit;
}

/** A chart folder as found on disk. */
export interface Chart {
  /** Absolute folder holding Chart.yaml. */
  dir: string;
  name: string;
  /** `application` (default) or `library`. */
  type: string;
  /** The chart this one is a subchart of (it sits in that chart's `charts/` folder), if any. */
  parent?: Chart;
}

const chartCache = new Map<string, Chart | null>();

/** The chart in `dir` (reading its Chart.yaml), or undefined. */
export function readChart(dir: string): Chart | undefined {
  const abs = path.resolve(dir);
  let c = chartCache.get(abs);
  if (c !== undefined) return c ?? undefined;
  c = null;
  const file = path.join(abs, 'Chart.yaml');
  let text: string | undefined;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    const name = /^name:\s*["']?([^"'\s#]+)/m.exec(text)?.[1] ?? path.basename(abs);
    const type = /^type:\s*["']?([^"'\s#]+)/m.exec(text)?.[1] ?? 'application';
    c = { dir: abs, name, type };
    const up = path.dirname(abs);
    if (path.basename(up) === 'charts') c.parent = readChart(path.dirname(up));
  }
  chartCache.set(abs, c);
  return c ?? undefined;
}

/** The outermost chart `chart` is rendered through (itself when it is not a subchart). */
export function topChart(chart: Chart): Chart {
  let c = chart;
  while (c.parent) c = c.parent;
  return c;
}

/**
 * The chart a file belongs to, if any: its Chart.yaml, its values files, a file under its
 * `templates/`, or anything of its subcharts (under `charts/`). Returns the nearest chart.
 */
export function chartOfFile(file: string): Chart | undefined {
  const abs = path.resolve(file);
  let dir = path.dirname(abs);
  let rel = path.basename(abs);
  for (;;) {
    if (cachedExists(path.join(dir, 'Chart.yaml'))) {
      const first = rel.split(path.sep)[0];
      if (rel === 'Chart.yaml' || /^values.*\.ya?ml$/.test(rel) || first === 'templates' || first === 'charts' || rel === 'Chart.lock') return readChart(dir);
      return undefined;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    rel = path.join(path.basename(dir), rel);
    dir = parent;
  }
}
