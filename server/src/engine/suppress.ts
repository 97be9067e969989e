/**
 * Suppression by annotation on the resource — valid YAML that travels with
 * the object, unlike comment pragmas:
 *
 *     metadata:
 *       annotations:
 *         ignore.k8s-guardrails.io/privileged-container: "CNI agent; reviewed by platform security"
 *
 * The reason is required: an empty one is itself reported (`ignore-without-reason`).
 */
import { Resource } from './model';
import { setIn } from './fix/edits';
import { Fix } from './rules/types';

export const IGNORE_PREFIX = 'ignore.k8s-guardrails.io/';

/** The reason when `rule` is suppressed on `res` by a non-empty annotation. */
export function suppressedBy(res: Resource, rule: string): string | undefined {
  const v = res.annotations[IGNORE_PREFIX + rule];
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

export function suppressFix(res: Resource, rule: string): Fix | undefined {
  const edit = setIn(res, ['metadata', 'annotations', IGNORE_PREFIX + rule], '');
  return edit ? { title: `Ignore ${rule} for ${res.kind} ${res.name} (annotation; add the reason)`, edits: [edit], suppression: true } : undefined;
}
