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
