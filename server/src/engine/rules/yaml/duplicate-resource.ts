/**
 * The same object (apiVersion, kind, namespace, name) defined twice with
 * different content: what the cluster ends up with depends on the order of
 * `kubectl apply`, which no manifest states.
 */
import { Resource } from '../../model';
import { incompleteReason } from '../../completeness';
import { memoKey, SnapshotContext } from '../../memo';
import type { SourceFile } from '../../model';
import { defineRule } from '../types';

/** One definition: its file, its index in the file's resources, its place in path order. */
type Place = readonly [uri: string, index: number, order: number];

/**
 * Every definition by identity, and the identities defined more than once (names and places are facts: the
 * snapshot's memo keeps this while the workspace's facts stay, engine/memo.ts). Whether a definition is complete
 * and whether two have the same content may change with their containers, so they are judged at every analysis.
 */
interface Definitions {
  byIdentity: Map<string, Place[]>;
  candidates: Place[][];
}

const DEFINITIONS = memoKey<Definitions>('duplicate-resource definitions');

function definitions(ctx: Pick<SnapshotContext, 'workspace' | 'memo'>): Definitions {
  return ctx.memo.get(DEFINITIONS, () => {
    const ws = ctx.workspace;
    const rendered = ws.rendered;
    const byIdentity = new Map<string, Place[]>();
    let order = 0;
    for (const file of ws.allFiles()) {
      // Rendered objects of different kustomizations are alternatives (overlays), not duplicates.
      const renderedFile = rendered?.isRendered(file.uri) ?? false;
      file.resources.forEach((res, i) => {
        order++;
        if (!res.name) return;
        const key = renderedFile ? `${file.uri}\0${identity(res)}` : identity(res);
        const list = byIdentity.get(key);
        if (list) list.push([file.uri, i, order]);
        else byIdentity.set(key, [[file.uri, i, order]]);
      });
    }
    return { byIdentity, candidates: [...byIdentity.values()].filter((g) => g.length > 1) };
  });
}

/**
 * The other files that define an object one of `files` defines (their duplicate-resource findings change
 * with its content, which is not a fact): for the files to analyse again after a change (engine/host.ts).
 */
export function otherDefinitions(ctx: Pick<SnapshotContext, 'workspace' | 'memo'>, files: readonly (SourceFile | undefined)[]): string[] {
  const { byIdentity } = definitions(ctx);
  const out = new Set<string>();
  for (const f of files)
    for (const res of f?.resources ?? [])
      if (res.name) for (const [uri] of byIdentity.get(identity(res)) ?? []) if (uri !== f!.uri) out.add(uri);
  return [...out];
}

/** Identity of an object as the API server sees it (the group of apiVersion, not its version: `apps/v1` and `apps/v1beta2` are one object). */
function identity(res: Resource): string {
  const slash = res.apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : res.apiVersion.slice(0, slash);
  return `${group}\0${res.kind}\0${res.namespace ?? ''}\0${res.name}`;
}

/**
 * Deep equality of two parsed objects, within a budget of visited values (aliases can make a small
 * document a huge tree): over budget, they count as different, which only costs a warning.
 */
function sameContent(a: unknown, b: unknown, budget: { left: number }): boolean {
  if (a === b) return true;
  if (--budget.left < 0 || typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!sameContent((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], budget)) return false;
  }
  return true;
}

export default defineRule({
  id: 'duplicate-resource',
  family: 'yaml',
  title: 'Object defined twice with different content',
  defaultSeverity: 'warning',
  fix: 'none',
  docs: {
    summary: 'The same object — API group, kind, namespace and name — is defined more than once in the workspace with different content; reported at every definition.',
    why:
      'Applying both definitions leaves whichever was applied last, so the result depends on file and argument order, which the manifests do not state. For cross-file facts the analysis chooses so that nothing is hidden: of two definitions of a Namespace, the one with the strictest Pod Security enforce level sets the level; otherwise the first definition in path order (file path, then position in the file) counts. Identical copies are not reported. Kustomize-rendered objects are compared only within their own rendering.',
    insecure: '# namespaces.yaml\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n---\n# legacy/ns.yaml\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: privileged',
    hardened: '# namespaces.yaml — the one definition\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: restricted',
    references: ['https://kubernetes.io/docs/concepts/overview/working-with-objects/names/'],
  },
  checkWorkspace(ctx) {
    const ws = ctx.workspace;
    const rendered = ws.rendered;
    const groups: { defs: Resource[]; first: number }[] = [];
    for (const places of definitions(ctx).candidates) {
      const defs: Resource[] = [];
      let first = 0;
      for (const [uri, i, order] of places) {
        const res = ws.get(uri)!.resources[i];
        // A patch fragment (incomplete-resource) restates its target's name on purpose: not a second definition.
        if (incompleteReason(res, ws)) continue;
        if (!defs.length) first = order;
        defs.push(res);
      }
      groups.push({ defs, first });
    }
    // In the order of their first (complete) definitions.
    groups.sort((a, b) => a.first - b.first);
    for (const { defs } of groups) {
      if (defs.length < 2) continue;
      if (defs.every((d) => sameContent(d.object, defs[0].object, { left: 100_000 }))) continue;
      // Where each definition is written (a rendered object: the source file that wrote its name).
      const places = defs.map((d) => {
        const at = { rule: 'duplicate-resource', severity: 'warning' as const, message: '', uri: d.file.uri, range: d.range(['metadata', 'name']), resource: d, path: ['metadata', 'name'] };
        return rendered?.isRendered(d.file.uri) ? rendered.remap(at) : at;
      });
      defs.forEach((res, i) => {
        const others = places.filter((_, j) => j !== i);
        const where = others.map((o) => `${o.uri}:${o.range.start.line + 1}`).join(', ');
        ctx.report({
          resource: res,
          path: ['metadata', 'name'],
          message: `${res.display} is also defined, with different content, at ${where}: the cluster keeps whichever is applied last. Keep one definition.`,
          related: others.map((o) => ({ uri: o.uri, range: o.range, message: `other definition of ${res.kind} ${res.name}` })),
        });
      });
    }
  },
});
