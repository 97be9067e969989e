/**
 * "Harden to restricted": apply every PSS fix to one workload until it
 * passes the restricted level at the latest version, plus a read-only root
 * file system, and return the whole change as one minimal edit.
 */
import { loadSourceFile, Resource } from '../../model';
import { evaluatePss, parsePssVersion } from '../../pss';
import { containersOf, podTemplate } from '../../workloads';
import { applyEdits, diffEdit } from '../../fix/text-edits';
import { setIn } from '../../fix/edits';
import { Fix, TextEdit } from '../types';
import { ruleForCheck } from './by-check';

const LATEST = parsePssVersion('latest')!;

function reload(res: Resource, text: string): Resource | undefined {
  const file = loadSourceFile(res.file.uri, text);
  return file.resources.find((r) => r.doc.index === res.doc.index && r.prefix.join('.') === res.prefix.join('.'));
}

/** The next single edit that moves the workload towards restricted, or undefined when none is left. */
function nextEdit(res: Resource): TextEdit | undefined {
  const tpl = podTemplate(res);
  if (!tpl) return undefined;
  for (const v of evaluatePss({ metadata: tpl.metadata, spec: tpl.spec }, 'restricted', LATEST)) {
    const rule = ruleForCheck(v.check);
    if (!rule?.fixFor) continue;
    for (const loc of v.locations) {
      const fixes = rule.fixFor(res, [...tpl.path, ...loc.path], !!loc.missing);
      if (fixes[0]?.edits[0]) return fixes[0].edits[0];
    }
  }
  for (const c of containersOf(tpl.spec)) {
    if (c.field === 'ephemeralContainers') continue;
    if (c.container.securityContext?.readOnlyRootFilesystem !== true)
      return setIn(res, [...tpl.path, ...c.path, 'securityContext', 'readOnlyRootFilesystem'], true);
  }
  return undefined;
}

export function hardenToRestricted(res: Resource): Fix | undefined {
  const original = res.file.text;
  let text = original;
  let current: Resource | undefined = res;
  for (let i = 0; i < 64 && current; i++) {
    const edit = nextEdit(current);
    if (!edit) break;
    const next = applyEdits(text, [edit]);
    if (next === text) break;
    text = next;
    current = reload(res, text);
  }
  const edit = diffEdit(res.file.uri, original, text);
  return edit ? { title: `Harden ${res.kind} ${res.name} to Pod Security Standards restricted`, edits: [edit] } : undefined;
}
