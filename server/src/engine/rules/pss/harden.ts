/**
 * "Harden to restricted": apply every PSS fix to one workload until it
 * passes the restricted level at the latest version, plus a read-only root
 * file system, and return the whole change as one minimal edit.
 */
import { loadSourceFile, Resource } from '../../model';
import { DocumentCache } from '../../yaml/parse';
import { evaluatePss, parsePssVersion } from '../../pss';
import { containersOf, podPath, podTemplates, PodTemplate } from '../../workloads';
import { applyEdits, diffEdit } from '../../fix/text-edits';
import { setIn } from '../../fix/edits';
import { Fix, TextEdit } from '../types';
import { ruleForCheck } from './by-check';

const LATEST = parsePssVersion('latest')!;

/** Re-parses after an edit; `cache` keeps the other documents of the file parsed (only the edited one is parsed again). */
function reload(res: Resource, text: string, cache: DocumentCache): Resource | undefined {
  const file = loadSourceFile(res.file.uri, text, cache);
  return file.resources.find((r) => r.doc.index === res.doc.index && r.prefix.join('.') === res.prefix.join('.'));
}

/** `[field, index]` of the container a PSS location is in (`spec.containers[2]…`), or undefined for pod-level ones. */
function containerOf(path: readonly (string | number)[]): string | undefined {
  return path[0] === 'spec' && typeof path[1] === 'string' && /^(initContainers|containers|ephemeralContainers)$/.test(path[1]) && typeof path[2] === 'number' ? `${path[1]}/${path[2]}` : undefined;
}

/** The edit lies inside the container at `tplPath + containerPath` (up to the end of its last line). */
function insideContainer(res: Resource, containerPath: readonly (string | number)[], edit: TextEdit): boolean {
  const found = res.locate(containerPath);
  if (!found || found.depth !== res.prefix.length + containerPath.length) return false;
  const lines = res.file.lines;
  const start = res.doc.start + found.node.start;
  const end = lines.lineEnd(lines.position(res.doc.start + found.node.end).line);
  return lines.offset(edit.range.start) >= start && lines.offset(edit.range.end) <= end;
}

/**
 * The next edits that move the workload towards restricted — exactly the edits the one-at-a-time
 * loop would make, as many as can be computed from this parse: for one PSS violation, the first fix
 * of each container (a fix inside one container cannot change what another needs; a container's
 * further fixes follow in later rounds, in the same order), each edit inside its container; a
 * pod-level fix goes alone (it may settle the containers' violations too).
 * `oneAtATime` returns only the first (the reference behaviour).
 */
function nextEdits(res: Resource, oneAtATime: boolean): TextEdit[] {
  // Each pod spec of the resource in turn (a JobSet or RayCluster holds several).
  for (const tpl of podTemplates(res)) {
    const edits = nextEditsOf(res, tpl, oneAtATime);
    if (edits.length) return edits;
  }
  return [];
}

function nextEditsOf(res: Resource, tpl: PodTemplate, oneAtATime: boolean): TextEdit[] {
  for (const v of evaluatePss({ metadata: tpl.metadata, spec: tpl.spec }, 'restricted', LATEST)) {
    const rule = ruleForCheck(v.check);
    if (!rule?.fixFor) continue;
    const batch: TextEdit[] = [];
    const containers = new Set<string>();
    for (const loc of v.locations) {
      const edit = rule.fixFor(res, podPath(tpl, loc.path), !!loc.missing)[0]?.edits[0];
      if (!edit) continue;
      if (!batch.length && oneAtATime) return [edit];
      const c = containerOf(loc.path);
      if (!c) {
        if (!batch.length) return [edit];
        break;
      }
      // A container's next location waits for the next round (its edits keep their order).
      if (containers.has(c)) continue;
      if (!insideContainer(res, podPath(tpl, loc.path.slice(0, 3)), edit)) {
        if (!batch.length) return [edit];
        break;
      }
      containers.add(c);
      batch.push(edit);
    }
    if (batch.length) return batch;
  }
  const batch: TextEdit[] = [];
  for (const c of containersOf(tpl.spec)) {
    if (c.field === 'ephemeralContainers' || c.container.securityContext?.readOnlyRootFilesystem === true) continue;
    const edit = setIn(res, podPath(tpl, [...c.path, 'securityContext', 'readOnlyRootFilesystem']), true);
    // (The one-at-a-time loop stops at a container it cannot edit.)
    if (!edit) break;
    if (oneAtATime || !insideContainer(res, podPath(tpl, c.path), edit)) return batch.length ? batch : [edit];
    batch.push(edit);
  }
  return batch;
}

export interface HardenOptions {
  /** One edit per re-parse (the reference the batched loop must match; tests). */
  oneEditAtATime?: boolean;
  /** Counts the re-parses (tests, benchmarks). */
  stats?: { parses: number; edits: number };
}

export function hardenToRestricted(res: Resource, opts: HardenOptions = {}): Fix | undefined {
  const original = res.file.text;
  let text = original;
  let current: Resource | undefined = res;
  const cache = new DocumentCache();
  // One-at-a-time needs one round per edit; batched rounds need about one per PSS check.
  for (let i = 0; i < (opts.oneEditAtATime ? 64 : 256) && current; i++) {
    const edits = nextEdits(current, !!opts.oneEditAtATime);
    if (!edits.length) break;
    const next = applyEdits(text, edits);
    if (next === text) break;
    text = next;
    if (opts.stats) { opts.stats.parses++; opts.stats.edits += edits.length; }
    current = reload(res, text, cache);
  }
  const edit = diffEdit(res.file.uri, original, text);
  return edit ? { title: `Harden ${res.kind} ${res.name} to Pod Security Standards restricted`, edits: [edit] } : undefined;
}
