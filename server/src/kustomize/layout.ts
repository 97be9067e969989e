/**
 * Which directories are kustomizations, what each one uses, and which are
 * deployable units (roots): a kustomization that no other kustomization of
 * the workspace includes. Bases are analysed through the overlays that use
 * them, and every file a kustomization uses (resources, patches, generator
 * inputs) is left out of the plain-file analysis: a partial patch object is
 * not a resource.
 *
 * Reads kustomization files from disk (kustomize renders from disk too).
 * Never throws: an unreadable or invalid kustomization is still a root, and
 * its build reports the problem.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as jsyaml from 'js-yaml';
import { KUBERNETES_SCHEMA } from '../engine';

export const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** kustomize's patch `target` selector (kind, name and namespace are regular expressions). */
export interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

export interface PatchRef {
  /** The file holding the patch: a patch file, or the kustomization file for an inline patch. */
  file: string;
  /** For an inline patch: where its text is in the kustomization document. */
  inline?: { text: string; path: (string | number)[] };
  target?: PatchTarget;
}

export interface Kustomization {
  dir: string;
  /** The kustomization file (absolute path). */
  file: string;
  /** Kustomizations it includes (`resources` directories, `bases`, `components`). */
  includes: string[];
  patches: PatchRef[];
  /** Files it uses (absolute): its own file, resource files, patch files, generator inputs… */
  uses: string[];
  /** The resource files among `uses` (complete objects, unlike patches). */
  resourceFiles: string[];
  /** `kind: Component`: built only through the kustomizations that list it in `components:`. */
  component: boolean;
  /** Every local path the build reads or probes for this kustomization (absent ones too): the render cache's inputs. */
  inputs: string[];
  /** Why a render involving it cannot be cached (remote resources, Helm charts), if so. */
  uncacheable?: string;
}

export interface Layout {
  byDir: Map<string, Kustomization>;
  /** Kustomizations that no other one includes, sorted by path (never a Component: kustomize cannot build one alone). */
  roots: Kustomization[];
  /** Every file some kustomization uses (absolute): not analysed on its own (empty when nothing renders and no Component holds patches). */
  used: Set<string>;
}

/** The kustomization file of a directory, if it has one. */
export function kustomizationFile(dir: string): string | undefined {
  for (const name of KUSTOMIZATION_NAMES) {
    const file = path.join(dir, name);
    try {
      if (fs.statSync(file).isFile()) return file;
    } catch {
      /* not this name */
    }
  }
  return undefined;
}

export function isKustomizationFile(file: string): boolean {
  return KUSTOMIZATION_NAMES.includes(path.basename(file));
}

/** Remote bases (git, http) are kustomize's business; we neither read nor map them. */
function isRemote(ref: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) || /^(git@|github\.com\/|gitlab\.com\/|bitbucket\.org\/)/.test(ref);
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const objects = (v: unknown): Record<string, any>[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'object' && x !== null && !Array.isArray(x)) : []);

function target(v: unknown): PatchTarget | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const t: PatchTarget = {};
  for (const k of ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'] as const) {
    const x = (v as Record<string, unknown>)[k];
    if (typeof x === 'string' && x !== '') t[k] = x;
  }
  return t;
}

/** A `patchesStrategicMerge` entry is a file name, or the patch itself inline. */
const looksInline = (s: string) => s.includes('\n') || /^\s*(apiVersion|kind|metadata)\s*:/.test(s);

/** Read one kustomization (no recursion). */
export function readKustomization(dir: string, file: string): Kustomization {
  const k: Kustomization = { dir, file, includes: [], patches: [], uses: [file], resourceFiles: [], component: false, inputs: [file] };
  let doc: unknown;
  try {
    doc = jsyaml.load(fs.readFileSync(file, 'utf8'), { schema: KUBERNETES_SCHEMA });
  } catch {
    return k; // the build reports it
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return k;
  const d = doc as Record<string, any>;
  k.component = d.kind === 'Component';
  const abs = (p: string) => path.resolve(dir, p);
  const useFile = (p: string) => {
    if (isRemote(p)) k.uncacheable ??= `remote input ${p}`;
    else {
      k.uses.push(abs(p));
      k.inputs.push(abs(p));
    }
  };
  if (d.helmCharts !== undefined || d.helmChartInflationGenerator !== undefined) k.uncacheable ??= 'Helm charts inflated by Kustomize';

  for (const ref of [...strings(d.resources), ...strings(d.bases), ...strings(d.components)]) {
    if (isRemote(ref)) {
      k.uncacheable ??= `remote resource ${ref}`;
      continue;
    }
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(abs(ref));
    } catch {
      k.inputs.push(abs(ref)); // absent: the build reports it, and creating it changes the key
      continue;
    }
    if (stat.isDirectory()) {
      k.includes.push(abs(ref));
      for (const name of KUSTOMIZATION_NAMES) k.inputs.push(path.join(abs(ref), name));
    } else {
      k.uses.push(abs(ref));
      k.inputs.push(abs(ref));
      k.resourceFiles.push(abs(ref));
    }
  }
  objects(d.patches).forEach((p, i) => {
    if (typeof p.path === 'string') {
      useFile(p.path);
      k.patches.push({ file: abs(p.path), target: target(p.target) });
    } else if (typeof p.patch === 'string') k.patches.push({ file, inline: { text: p.patch, path: ['patches', i, 'patch'] }, target: target(p.target) });
  });
  const smp = Array.isArray(d.patchesStrategicMerge) ? d.patchesStrategicMerge : [];
  smp.forEach((p: unknown, i: number) => {
    if (typeof p !== 'string') return;
    if (looksInline(p)) k.patches.push({ file, inline: { text: p, path: ['patchesStrategicMerge', i] } });
    else {
      useFile(p);
      k.patches.push({ file: abs(p) });
    }
  });
  objects(d.patchesJson6902).forEach((p, i) => {
    if (typeof p.path === 'string') {
      useFile(p.path);
      k.patches.push({ file: abs(p.path), target: target(p.target) });
    } else if (typeof p.patch === 'string') k.patches.push({ file, inline: { text: p.patch, path: ['patchesJson6902', i, 'patch'] }, target: target(p.target) });
  });
  // Inputs of generators and transformers: not Kubernetes objects of their own.
  for (const gen of [...objects(d.configMapGenerator), ...objects(d.secretGenerator)]) {
    for (const f of strings(gen.files)) useFile(f.includes('=') ? f.slice(f.indexOf('=') + 1) : f);
    for (const f of strings(gen.envs)) useFile(f);
    if (typeof gen.env === 'string') useFile(gen.env);
  }
  for (const key of ['crds', 'configurations', 'transformers', 'generators', 'validators'])
    for (const f of strings(d[key])) if (!looksInline(f)) useFile(f);
  for (const r of objects(d.replacements)) if (typeof r.path === 'string') useFile(r.path);
  if (typeof d.openapi?.path === 'string') useFile(d.openapi.path);
  return k;
}

/**
 * The kustomizations in `dirs` and everything they include (recursively,
 * also outside `dirs`), with roots and used files.
 */
export function discover(dirs: Iterable<string>): Layout {
  const byDir = new Map<string, Kustomization>();
  const visit = (dir: string) => {
    if (byDir.has(dir)) return;
    const file = kustomizationFile(dir);
    if (!file) return;
    const k = readKustomization(dir, file);
    byDir.set(dir, k);
    for (const inc of k.includes) visit(inc);
  };
  const start = [...new Set([...dirs].map((d) => path.resolve(d)))];
  for (const dir of start) visit(dir);
  const included = new Set<string>();
  for (const k of byDir.values()) for (const inc of k.includes) if (inc !== k.dir) included.add(inc); // a self-include is kustomize's error to report
  // A Component that nothing here uses is not rendered (kustomize builds a Component only as part of a kustomization):
  // its patches are still partial objects held back, but its resource files are complete and analysed as written.
  const unusedComponent = (k: Kustomization) => k.component && !included.has(k.dir);
  const used = new Set<string>();
  for (const k of byDir.values()) {
    const resources = unusedComponent(k) ? new Set(k.resourceFiles) : undefined;
    for (const f of k.uses) if (!resources?.has(f)) used.add(f);
  }
  // Only kustomizations found from the analysed files are roots (a base reached through an overlay is not).
  const roots = start
    .map((d) => byDir.get(d))
    .filter((k): k is Kustomization => !!k && !included.has(k.dir) && !k.component)
    .sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  // Nothing renders (say, kustomizations that include each other): their files are analysed as written.
  if (!roots.length && ![...byDir.values()].some(unusedComponent)) used.clear();
  return { byDir, roots, used };
}

/**
 * The patches that shape what `root` renders, in the order kustomize applies
 * them: included kustomizations first (depth first), then the root's own.
 */
export function patchChain(layout: Layout, root: Kustomization): PatchRef[] {
  return kustomizationChain(layout, root).flatMap((k) => k.patches);
}

/** The kustomizations that shape what `root` renders, innermost first (included ones depth first, `root` last). */
export function kustomizationChain(layout: Layout, root: Kustomization): Kustomization[] {
  const out: Kustomization[] = [];
  const seen = new Set<string>();
  const visit = (k: Kustomization) => {
    if (seen.has(k.dir)) return;
    seen.add(k.dir);
    for (const inc of k.includes) {
      const sub = layout.byDir.get(inc);
      if (sub) visit(sub);
    }
    out.push(k);
  };
  visit(root);
  return out;
}
